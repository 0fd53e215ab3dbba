/* npy_results.c — model results from NumPy arrays, as PyTorch scripts save
 * them: a models x images 0/1 matrix (or one model's images 0/1 vector), or,
 * with true labels, per model the predicted class per image (1-D integers),
 * the logits or probabilities (images x classes floats; top-k by value) or
 * top-k indices (images x k integers). An .npz holds one model per member,
 * named by the member. Rows are images in the order of --image-list, else
 * of the --labels file, else named by their index. */
#include "npy.h"
#include "results_internal.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct npy_ctx {
    rd *r;
    const char *path;
    dl_names order;   /* image names in array order */
    double *label;    /* per array row: the true class index, NaN unknown */
    npy_array labels; /* --labels FILE.npy */
    char *labels_data;
    size_t *img;          /* per array row: image index in the reader, or SIZE_MAX excluded */
    double *folder_label; /* --image-list DIR: the class folder index per row */
    size_t nrows;
} npy_ctx;

static int has_ext(const char *s, const char *ext)
{
    size_t n = strlen(s), e = strlen(ext);
    return n > e && strcmp(s + n - e, ext) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of dir (no dot files); dirs_only picks
 * folders, else files. NULL on failure (*n = 0) or when dir cannot be read. */
static char **sorted_entries(const char *dir, int dirs_only, size_t *n)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    if (!d)
        return NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = dl_path_join(dir, e->d_name);
        struct stat st;
        int is_dir = p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        free(p);
        if (is_dir != dirs_only)
            continue;
        if (dl_grow(&v, &cap, *n + 1, sizeof *v))
            break;
        if (!(v[*n] = dl_strdup(e->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (v)
        qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* torchvision's ImageFolder: class folders sorted, image files sorted within
 * each (its extensions, any case); the label is the folder's index. Names
 * are CLASS/FILE, paths under the folder. */
static int image_folder(npy_ctx *c, const char *root)
{
    static const char *const exts[] = {".jpg", ".jpeg", ".png",  ".ppm", ".bmp",
                                       ".pgm", ".tif",  ".tiff", ".webp"};
    size_t ncls = 0, cap = 0;
    char **cls = sorted_entries(root, 1, &ncls);
    int rc = 0;
    for (size_t k = 0; k < ncls && rc == 0; k++) {
        char *sub = dl_path_join(root, cls[k]);
        size_t nf = 0;
        char **files = sub ? sorted_entries(sub, 0, &nf) : NULL;
        for (size_t i = 0; i < nf && rc == 0; i++) {
            size_t len = strlen(files[i]), e = 0;
            while (e < sizeof exts / sizeof *exts &&
                   !(len > strlen(exts[e]) &&
                     strcasecmp(files[i] + len - strlen(exts[e]), exts[e]) == 0))
                e++;
            if (e == sizeof exts / sizeof *exts)
                continue;
            char *name = dl_path_join(cls[k], files[i]);
            size_t idx;
            if (!name || dl_names_add(&c->order, name, NULL, &idx, NULL) != 0)
                rc = DL_ENOMEM;
            free(name);
            if (rc == 0)
                rc = dl_grow(&c->folder_label, &cap, idx + 1, sizeof *c->folder_label);
            if (rc == 0)
                c->folder_label[idx] = (double)k;
        }
        free_names(files, nf);
        free(sub);
    }
    free_names(cls, ncls);
    if (rc)
        return rc;
    if (c->order.n == 0)
        return dl_fail(c->r->err, DL_EINVAL,
                       "%s: no image files in class folders (ImageFolder layout CLASS/FILE)", root);
    return 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The image names of the rows: --image-list (a file, or an ImageFolder
 * folder), else the labels file, else
 * "0", "1", ... (known once the first array gives the row count). */
static int image_order(npy_ctx *c, size_t nrows)
{
    rd *r = c->r;
    const dl_stimuli_read_opts *o = r->opts;
    int rc;
    if (o->image_list && is_dir(o->image_list)) {
        if ((rc = image_folder(c, o->image_list)) != 0)
            return rc;
    } else if (o->image_list) {
        if ((rc = stim_rd_read_exclude(o->image_list, &c->order, r->err)) != 0)
            return rc;
    } else if (r->gt.n) {
        for (size_t i = 0; i < r->gt.n; i++) {
            size_t idx;
            if (dl_names_add(&c->order, r->gt.names[i], NULL, &idx, NULL) != 0)
                return DL_ENOMEM;
        }
    } else {
        for (size_t i = 0; i < nrows; i++) {
            char name[32];
            size_t idx;
            snprintf(name, sizeof name, "%zu", i);
            if (dl_names_add(&c->order, name, NULL, &idx, NULL) != 0)
                return DL_ENOMEM;
        }
    }
    c->nrows = c->order.n;
    c->label = dl_calloc(c->nrows ? c->nrows : 1, sizeof *c->label);
    c->img = dl_calloc(c->nrows ? c->nrows : 1, sizeof *c->img);
    if (!c->label || !c->img)
        return DL_ENOMEM;
    if (o->labels && has_ext(o->labels, ".npy")) {
        size_t len;
        if ((rc = dl_read_file(o->labels, &c->labels_data, &len, r->err)) != 0 ||
            (rc = npy_parse(o->labels, c->labels_data, len, &c->labels, r->err)) != 0)
            return rc;
        if (c->labels.ndim != 1 || c->labels.count != c->nrows)
            return dl_fail(r->err, DL_EINVAL,
                           "%s: expected a 1-D array of %zu labels (one per image), found %zu "
                           "elements in %d dimensions",
                           o->labels, c->nrows, c->labels.count, c->labels.ndim);
    }
    for (size_t i = 0; i < c->nrows; i++) {
        const char *name = c->order.names[i];
        int skip;
        char text[64];
        const char *lab = NULL;
        if ((rc = stim_rd_add_image(r, name, i + 1, &c->img[i], &skip)) != 0)
            return rc;
        if (skip)
            c->img[i] = SIZE_MAX;
        c->label[i] = NAN;
        if (c->folder_label && !o->labels) {
            c->label[i] = c->folder_label[i];
            snprintf(text, sizeof text, "%zu", (size_t)c->label[i]);
            lab = text;
        } else if (c->labels.data) {
            c->label[i] = npy_get(&c->labels, i);
            snprintf(text, sizeof text, "%.17g", c->label[i]);
            lab = text;
        } else if (r->gt.n) {
            lab = stim_rd_gt_label(r, name);
            if (!lab)
                return dl_fail(r->err, DL_EINVAL, "%s: image '%s' (row %zu) is not in %s", r->path,
                               name, i, o->labels);
            if (dl_parse_double(lab, &c->label[i]) != 0)
                return dl_fail(r->err, DL_EINVAL,
                               "%s: label '%s' of image '%s' is not a class index (NumPy "
                               "predictions are indices)",
                               o->labels, lab, name);
        }
        if (lab && !skip && (rc = stim_rd_set_label(r, lab, c->img[i], i + 1)) != 0)
            return rc;
    }
    return 0;
}

/* Correctness of row i of a (images x classes logits, or images x k
 * indices, or images predicted indices). */
static int row_correct(npy_ctx *c, const npy_array *a, const char *what, size_t i, int *v)
{
    rd *r = c->r;
    double lab = c->label[i];
    size_t k = r->opts->top_k ? r->opts->top_k : 1;
    if (a->ndim == 1) {
        double p = npy_get(a, i);
        *v = p == lab;
        return 0;
    }
    size_t ncols = a->shape[1];
    if (a->kind != NPY_FLOAT) { /* top-k indices */
        *v = 0;
        for (size_t j = 0; j < ncols && j < k; j++)
            *v |= npy_get(a, i * ncols + j) == lab;
        return 0;
    }
    if (!(lab >= 0 && lab < (double)ncols && lab == floor(lab)))
        return dl_fail(r->err, DL_EINVAL,
                       "%s: %s row %zu: label %g is not a class of the %zu columns", c->path, what,
                       i, lab, ncols);
    size_t l = (size_t)lab, rank = 0;
    double xl = npy_get(a, i * ncols + l);
    for (size_t j = 0; j < ncols; j++) {
        double x = npy_get(a, i * ncols + j);
        if (isnan(x))
            return dl_fail(r->err, DL_EINVAL, "%s: %s element [%zu, %zu] is NaN", c->path, what, i,
                           j);
        /* ties go to the lower index, as numpy's argmax/argsort */
        rank += x > xl || (x == xl && j < l);
    }
    *v = rank < k;
    return 0;
}

static int one_array(npy_ctx *c, const char *model, const npy_array *a)
{
    rd *r = c->r;
    int labelled = r->opts->labels != NULL || (r->opts->image_list && is_dir(r->opts->image_list)),
        rc;
    if (a->ndim < 1 || a->ndim > 2)
        return dl_fail(r->err, DL_EINVAL,
                       "%s: array '%s' has %d dimensions; expected 1 (images) or 2 (models x "
                       "images, images x classes, images x k)",
                       c->path, model, a->ndim);
    int matrix = a->kind == NPY_BOOL || !labelled; /* 0/1 correctness */
    size_t nmod = matrix && a->ndim == 2 ? a->shape[0] : 1;
    size_t nimg = matrix && a->ndim == 2 ? a->shape[1] : a->shape[0];
    if (!c->img && (rc = image_order(c, nimg)) != 0)
        return rc == DL_ENOMEM ? dl_fail(r->err, rc, "%s: out of memory", c->path) : rc;
    if (nimg != c->nrows)
        return dl_fail(r->err, DL_EINVAL,
                       "%s: array '%s' has %zu images, but there are %zu image names", c->path,
                       model, nimg, c->nrows);
    for (size_t mi = 0; mi < nmod; mi++) {
        char name[512];
        size_t m;
        if (nmod > 1)
            snprintf(name, sizeof name, "%s_%zu", model, mi);
        else
            snprintf(name, sizeof name, "%s", model);
        if ((rc = stim_rd_model_index(r, name, 1, &m)) != 0)
            return rc;
        for (size_t i = 0; i < nimg; i++) {
            int v = 0;
            if (matrix) {
                double x = npy_get(a, mi * nimg + i);
                if (x != 0 && x != 1) {
                    if (a->ndim == 2)
                        return dl_fail(r->err, DL_EINVAL,
                                       "%s: array '%s' element [%zu, %zu]: %g is not 0 or 1 "
                                       "(without --labels the array is correctness)",
                                       c->path, model, mi, i, x);
                    return dl_fail(r->err, DL_EINVAL,
                                   "%s: array '%s' element [%zu]: %g is not 0 or 1 (without "
                                   "--labels the array is correctness)",
                                   c->path, model, i, x);
                }
                v = x == 1;
            } else if ((rc = row_correct(c, a, model, i, &v)) != 0) {
                return rc;
            }
            if (c->img[i] != SIZE_MAX &&
                (rc = stim_rd_put(r, m, c->img[i], 0, v, i + 1, NULL)) != 0)
                return rc;
        }
    }
    return 0;
}

static char *stem(const char *path)
{
    const char *b = strrchr(path, '/');
    char *s = dl_strdup(b ? b + 1 : path);
    char *dot = s ? strrchr(s, '.') : NULL;
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

int stim_rd_read_npy(rd *r, const char *path)
{
    char *data = NULL, *model = NULL;
    size_t len = 0;
    npz_member *mem = NULL;
    size_t nmem = 0;
    int rc;
    if (!r->npy && !(r->npy = dl_calloc(1, sizeof(npy_ctx))))
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", path);
    npy_ctx *c = r->npy;
    c->r = r;
    c->path = r->path = path;
    r->header_done = 1;
    if (r->fmt == DL_STIMULI_AUTO)
        r->fmt = DL_STIMULI_NPY;
    if ((rc = dl_read_file(path, &data, &len, r->err)) != 0)
        goto done;
    if (has_ext(path, ".npz")) {
        if ((rc = npz_read(path, data, len, &mem, &nmem, r->err)) != 0)
            goto done;
        for (size_t i = 0; i < nmem && rc == 0; i++) {
            npy_array a;
            char where[4096];
            snprintf(where, sizeof where, "%s: member '%s'", path, mem[i].name);
            if ((rc = npy_parse(where, mem[i].data, mem[i].len, &a, r->err)) == 0)
                rc = one_array(c, mem[i].name, &a);
        }
        if (rc == 0 && nmem == 0)
            rc = dl_fail(r->err, DL_EINVAL, "%s: the archive holds no arrays", path);
    } else {
        npy_array a;
        if ((rc = npy_parse(path, data, len, &a, r->err)) != 0)
            goto done;
        if (!(model = stem(path))) {
            rc = dl_fail(r->err, DL_ENOMEM, "%s: out of memory", path);
            goto done;
        }
        rc = one_array(c, model, &a);
    }
done:
    npz_free(mem, nmem);
    free(data);
    free(model);
    return rc;
}

void stim_rd_npy_free(rd *r)
{
    npy_ctx *c = r->npy;
    if (!c)
        return;
    dl_names_free(&c->order);
    free(c->label);
    free(c->img);
    free(c->labels_data);
    free(c->folder_label);
    free(c);
    r->npy = NULL;
}
