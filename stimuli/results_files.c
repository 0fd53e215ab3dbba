/* results_files.c — which files make one data set of model results: a
 * file, a folder (its .csv/.npy/.npz files, sorted), a glob, or several of
 * these; then each file is streamed into one reader, so a model that is
 * named by no column takes its file's stem (resnet50.csv -> resnet50). */
#include "results_internal.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct file_list {
    char **v;
    size_t n, cap;
} file_list;

static int list_add(file_list *l, const char *s)
{
    if (dl_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
        return DL_ENOMEM;
    if (!(l->v[l->n] = dl_strdup(s)))
        return DL_ENOMEM;
    l->n++;
    return 0;
}

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcmp(name + n - e, ext) == 0;
}

static int results_ext(const char *name)
{
    return has_ext(name, ".csv") || has_ext(name, ".npy") || has_ext(name, ".npz");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(file_list *l, const char *dir, dl_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return dl_fail(err, DL_ENOENT, "%s: cannot open folder: %s", dir, strerror(errno));
    size_t first = l->n;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !results_ext(e->d_name))
            continue;
        char *p = dl_path_join(dir, e->d_name);
        rc = p ? list_add(l, p) : DL_ENOMEM;
        free(p);
    }
    closedir(d);
    if (rc)
        return dl_fail(err, rc, "%s: out of memory", dir);
    if (l->n == first)
        return dl_fail(err, DL_EINVAL, "%s: no .csv, .npy or .npz files in the folder", dir);
    qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
    return 0;
}

static int expand(file_list *l, const char *path, dl_error *err)
{
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return add_dir(l, path, err);
    if (strpbrk(path, "*?[") && (strcmp(path, "-") == 0 || stat(path, &st) != 0)) {
        glob_t g;
        int grc = glob(path, 0, NULL, &g);
        if (grc == GLOB_NOMATCH || (grc == 0 && g.gl_pathc == 0)) {
            globfree(&g);
            return dl_fail(err, DL_ENOENT, "%s: no file matches the pattern", path);
        }
        int rc = grc == 0 ? 0 : DL_ENOMEM;
        for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
            rc = list_add(l, g.gl_pathv[i]); /* glob sorts */
        globfree(&g);
        return rc ? dl_fail(err, rc, "%s: out of memory", path) : 0;
    }
    return list_add(l, path) ? dl_fail(err, DL_ENOMEM, "%s: out of memory", path) : 0;
}

/* The stem of a path: base name without its last extension. */
static char *stem(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = dl_strdup(b);
    char *dot = s ? strrchr(s, '.') : NULL;
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

static size_t file_size(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return 0;
    return (size_t)st.st_size;
}

/* One hash over many files: sha256sum's lines, hashed. */
static int files_sha256(const file_list *files, char hex[65], dl_error *err)
{
    dl_sha256 all;
    dl_sha256_init(&all);
    for (size_t i = 0; i < files->n; i++) {
        char one[65];
        int rc = dl_sha256_file(files->v[i], one, err);
        if (rc)
            return rc;
        const char *base = strrchr(files->v[i], '/');
        base = base ? base + 1 : files->v[i];
        dl_sha256_update(&all, one, 64);
        dl_sha256_update(&all, "  ", 2);
        dl_sha256_update(&all, base, strlen(base));
        dl_sha256_update(&all, "\n", 1);
    }
    dl_sha256_hex(&all, hex);
    return 0;
}

static int explicit_cols(const dl_stimuli_columns *c)
{
    return c->model || c->image || c->label || c->prediction || c->correct || c->epoch;
}

static int setup(rd *r, const dl_stimuli_read_opts *opts, dl_names *exclude, dl_error *err)
{
    int rc;
    r->opts = opts;
    r->err = err;
    r->fmt = opts->format;
    r->explicit_cols = explicit_cols(&opts->cols);
    if (opts->cols.image_regex) {
        int rrc = regcomp(&r->re, opts->cols.image_regex, REG_EXTENDED);
        if (rrc != 0) {
            char why[256];
            regerror(rrc, &r->re, why, sizeof why);
            return dl_fail(err, DL_EINVAL, "--image-regex '%s': %s", opts->cols.image_regex, why);
        }
        r->has_re = 1;
    }
    if (opts->labels && !has_ext(opts->labels, ".npy") &&
        (rc = stim_rd_read_labels(r, opts->labels)) != 0)
        return rc;
    if (opts->exclude) {
        if ((rc = stim_rd_read_exclude(opts->exclude, exclude, err)) != 0)
            return rc;
        r->exclude = exclude;
        r->exclude_hit = dl_calloc(exclude->n ? exclude->n : 1, 1);
        if (!r->exclude_hit)
            return dl_fail(err, DL_ENOMEM, "%s: out of memory", opts->exclude);
    }
    return 0;
}

/* A file's bytes read, as bytes of all files read. */
static void file_progress(void *ctx, size_t done, size_t total)
{
    rd *r = ctx;
    (void)total;
    size_t all = r->bytes_before + done;
    r->bytes_done = all;
    r->opts->progress(r->opts->progress_ctx, all, all > r->bytes_total ? all : r->bytes_total);
}

/* Stream one CSV file into the reader. */
static int read_csv_file(rd *r, const char *path)
{
    char *model = stem(path);
    if (!model)
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", path);
    r->path = path;
    r->file_model = model;
    r->header_done = 0;
    int rc = dl_csv_stream_progress(path, stim_rd_on_row, r,
                                    r->opts->progress ? file_progress : NULL, r, r->err);
    if (rc == 0 && !r->header_done)
        rc = dl_fail(r->err, DL_EINVAL, "%s:1: the file is empty (expected a header row)", path);
    r->file_model = NULL;
    free(model);
    return rc;
}

static int read_files(rd *r, const file_list *files)
{
    int rc = 0;
    r->files = (const char *const *)files->v;
    for (size_t i = 0; i < files->n; i++)
        r->bytes_total += file_size(files->v[i]);
    for (size_t i = 0; i < files->n && rc == 0; i++) {
        r->file_idx = i;
        const char *p = files->v[i];
        int npy = has_ext(p, ".npy") || has_ext(p, ".npz");
        if (r->fmt == DL_STIMULI_NPY || (r->fmt == DL_STIMULI_AUTO && npy) ||
            (npy && i > 0 && r->fmt != DL_STIMULI_NPY))
            rc = stim_rd_read_npy(r, p);
        else
            rc = read_csv_file(r, p);
        /* Counted by size, so the last file ends the count at the total
         * (stdin, of no size, by the bytes read). */
        r->bytes_before += file_size(p);
        if (r->bytes_done > r->bytes_before)
            r->bytes_before = r->bytes_done;
        if (!rc && r->opts->progress)
            r->opts->progress(r->opts->progress_ctx, r->bytes_before,
                              r->bytes_before > r->bytes_total ? r->bytes_before : r->bytes_total);
    }
    return rc;
}

int dl_stimuli_results_read_many(const char *const *paths, size_t n,
                                 const dl_stimuli_read_opts *opts, dl_stimuli_results **out,
                                 dl_error *err)
{
    dl_stimuli_read_opts none = {0};
    dl_names exclude = {0};
    file_list files = {0};
    dl_stimuli_results *res = NULL;
    rd r = {0};
    int rc;
    *out = NULL;
    if (!opts)
        opts = &none;
    if (n == 0)
        return dl_fail(err, DL_EINVAL, "no results file given");
    for (size_t i = 0; i < n; i++)
        if ((rc = expand(&files, paths[i], err)) != 0)
            goto fail;
    if ((rc = setup(&r, opts, &exclude, err)) != 0 || (rc = read_files(&r, &files)) != 0)
        goto fail;
    r.path = files.v[0];
    if ((rc = stim_rd_finish(&r, &res)) != 0)
        goto fail;
    free(res->path);
    if (!(res->path = dl_strdup(paths[0]))) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto fail;
    }
    res->nfiles = files.n;
    if ((n > 1 || strcmp(files.v[0], paths[0]) != 0) &&
        (rc = files_sha256(&files, res->sha256, err)) != 0)
        goto fail;
    if (opts->images_csv && (rc = stim_rd_read_images_csv(opts->images_csv, res, err)) != 0)
        goto fail;
    stim_rd_meta_flags(res);
    if (res->nmodels && stim_rd_model_warnings(&r, res) != 0) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto fail;
    }
    res->warnings = r.warnings;
    res->nwarnings = r.nwarnings;
    r.warnings = NULL;
    r.nwarnings = 0;
    stim_rd_free(&r);
    dl_names_free(&exclude);
    list_free(&files);
    *out = res;
    return 0;
fail:
    dl_stimuli_results_free(res);
    stim_rd_free(&r);
    dl_names_free(&exclude);
    list_free(&files);
    return rc;
}

int dl_stimuli_results_read(const char *path, const dl_stimuli_read_opts *opts,
                            dl_stimuli_results **out, dl_error *err)
{
    return dl_stimuli_results_read_many(&path, 1, opts, out, err);
}
