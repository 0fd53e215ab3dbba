/* cmd_imagestats.c — `dddlab stimuli imagestats`: image statistics (mean
 * local entropy, DCT coefficient percentage, segment count, edge strength,
 * size, luminance, contrast) for every image of a list, and their relation
 * to difficulty: tables, CSV files and a figure (PLplot). Definitions in
 * docs/imagestats.md. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <plplot.h>

#include "cli.h"
#include "cli_results.h"
#include "dl_stimuli.h"

static const char *const CMD = "stimuli imagestats";

void help_stimuli_imagestats(FILE *out)
{
    fprintf(
        out,
        "usage: dddlab stimuli imagestats --images-csv FILE [--image-root DIR]\n"
        "         [--results R [--near K] | --difficulty FILE] [--size PX]\n"
        "         [--resize-filter bilinear-aa|area] [--entropy-gray float|rounded]\n"
        "         [--threads N] [--skip-bad] [--out DIR] [--json]\n\n"
        "Image statistics of every image listed in FILE (column 'image', optional\n"
        "'path' relative to the image root), decoded with SDL2_image, as Pliushch et al.\n"
        "(2022) computed them (docs/imagestats.md):\n"
        "  local_entropy_bits  mean Shannon entropy (log2) of the distinct gray values\n"
        "                      (0.2989 R + 0.5870 G + 0.1140 B, unrounded) of 10x10 windows\n"
        "  dct_coef_pct        %% of orthonormal DCT-II coefficients for 99.98%% of the L2\n"
        "                      norm, counted as the authors: (k - 1) / N\n"
        "  segments            Felzenszwalb-Huttenlocher segments (sigma 0.5, k 500, min 20)\n"
        "  sobel_mean          mean Sobel gradient magnitude (stand-in for the paper's\n"
        "                      MATLAB crisp-boundary edge strength)\n"
        "  width_px, height_px, mean_luminance (gray 0..255), rms_contrast (SD of gray/255)\n\n"
        "With a difficulty per image (--results, --difficulty, or columns 'frac_correct' or\n"
        "'n_correct' + 'n_models' in FILE): each statistic's Pearson and Spearman correlation\n"
        "with the fraction of models correct, its mean and SD per class (trivial /\n"
        "in-between / impossible) and a figure; with per-epoch results also the mean\n"
        "statistic of the images all models got right, per epoch, against TPa.\n\n"
        "options:\n"
        "  --images-csv FILE   the images to analyse\n"
        "  --image-root DIR    folder the paths are relative to (default: FILE's folder)\n"
        "  --results R         model results (long, wide or counts CSV), matched by image\n"
        "  --near K            trivial: >= M-K models correct, impossible: <= K (default 0)\n"
        "  --difficulty FILE   image,frac_correct[,difficulty] instead of --results\n"
        "  --size PX           resize every image to PX x PX first; the paper used 128.\n"
        "                      Default: each image at its own size\n"
        "  --resize-filter F   bilinear-aa (default: PIL's bilinear resize, as the paper's\n"
        "                      torchvision Resize) or area (area average)\n"
        "  --entropy-gray G    float (default, the authors') or rounded (gray rounded to\n"
        "                      8 bits first: fewer distinct values, lower entropy)\n"
        "  --threads N         worker threads (default: one per core)\n"
        "  --skip-bad          skip a missing or corrupt image (default: stop the run);\n"
        "                      one line counts them, --out DIR lists them in skipped.csv\n"
        "  --out DIR           write imagestats.csv, and with a difficulty correlations.csv,\n"
        "                      class_summary.csv, imagestats.png (and epochs.csv, skipped.csv)\n"
        "  --json              print the summary as one JSON object\n\n"
        "Exit status: 0 success, 1 bad data (a bad image without --skip-bad), 2 usage.\n\n");
    cli_results_help(out);
}

/* ---- options ------------------------------------------------------------------ */

typedef struct is_opts {
    const char *images_csv, *image_root, *results, *difficulty, *out;
    unsigned near;
    int near_set;
    int size_px, threads, skip_bad, json;
    dl_stimuli_read_opts ro; /* the shared results options (cli_results.h) */
    int filter, gray, filter_set;
} is_opts;

enum {
    O_IMAGES = 1000,
    O_ROOT,
    O_RESULTS,
    O_NEAR,
    O_DIFF,
    O_SIZE,
    O_THREADS,
    O_SKIP,
    O_OUT,
    O_JSON,
    O_FILTER,
    O_GRAY,
    O_HELP
};

static int parse_int(const char *opt, const char *s, long lo, long hi, long *out)
{
    if (dl_parse_long(s, out) != 0 || *out < lo || *out > hi)
        return cli_usage(CMD, "%s expects a whole number from %ld to %ld, not '%s'", opt, lo, hi,
                         s);
    return 0;
}

static int set_option(is_opts *o, int c, const char *arg)
{
    long v;
    switch (c) {
    case O_IMAGES:
        o->images_csv = arg;
        return 0;
    case O_ROOT:
        o->image_root = arg;
        return 0;
    case O_RESULTS:
        o->results = arg;
        return 0;
    case O_DIFF:
        o->difficulty = arg;
        return 0;
    case O_OUT:
        o->out = arg;
        return 0;
    case O_SKIP:
        o->skip_bad = 1;
        return 0;
    case O_JSON:
        o->json = 1;
        return 0;
    case O_NEAR:
        o->near_set = 1;
        return parse_int("--near", arg, 0, 1000000, &v) ? DL_EXIT_USAGE
                                                        : (o->near = (unsigned)v, 0);
    case O_SIZE:
        return parse_int("--size", arg, 1, 8192, &v) ? DL_EXIT_USAGE : (o->size_px = (int)v, 0);
    case O_FILTER:
        o->filter_set = 1;
        for (o->filter = 0; dl_imgstats_filter_name(o->filter); o->filter++)
            if (strcmp(arg, dl_imgstats_filter_name(o->filter)) == 0)
                return 0;
        return cli_usage(CMD, "--resize-filter expects bilinear-aa or area, not '%s'", arg);
    case O_GRAY:
        for (o->gray = 0; dl_imgstats_gray_name(o->gray); o->gray++)
            if (strcmp(arg, dl_imgstats_gray_name(o->gray)) == 0)
                return 0;
        return cli_usage(CMD, "--entropy-gray expects float or rounded, not '%s'", arg);
    case O_THREADS:
        return parse_int("--threads", arg, 0, 256, &v) ? DL_EXIT_USAGE : (o->threads = (int)v, 0);
    default:
        return DL_EXIT_USAGE;
    }
}

/* -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, is_opts *o)
{
    static const struct option longopts[] = {{"images-csv", required_argument, NULL, O_IMAGES},
                                             {"image-root", required_argument, NULL, O_ROOT},
                                             {"results", required_argument, NULL, O_RESULTS},
                                             {"near", required_argument, NULL, O_NEAR},
                                             {"difficulty", required_argument, NULL, O_DIFF},
                                             {"size", required_argument, NULL, O_SIZE},
                                             {"threads", required_argument, NULL, O_THREADS},
                                             {"skip-bad", no_argument, NULL, O_SKIP},
                                             {"out", required_argument, NULL, O_OUT},
                                             {"json", no_argument, NULL, O_JSON},
                                             {"resize-filter", required_argument, NULL, O_FILTER},
                                             {"entropy-gray", required_argument, NULL, O_GRAY},
                                             {"help", no_argument, NULL, O_HELP},
                                             CLI_RESULTS_OPTIONS,
                                             {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == O_HELP || c == 'h') {
            help_stimuli_imagestats(stdout);
            return DL_EXIT_OK;
        }
        if (c == '?' || c == ':')
            return cli_bad_option(CMD, c, argv);
        int rrc = cli_results_opt(CMD, c, optarg, &o->ro);
        if (rrc >= 0) {
            if (rrc)
                return rrc;
            continue;
        }
        if (set_option(o, c, optarg) != 0)
            return DL_EXIT_USAGE;
    }
    if (optind < argc)
        return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
    if (!o->images_csv)
        return cli_usage(CMD, "--images-csv FILE is required");
    if (o->results && o->difficulty)
        return cli_usage(CMD, "give either --results or --difficulty, not both");
    if (o->near_set && !o->results)
        return cli_usage(CMD, "--near needs --results");
    if (o->filter_set && !o->size_px)
        return cli_usage(CMD, "--resize-filter needs --size");
    return -1;
}

/* ---- the image list ------------------------------------------------------------ */

typedef struct is_images {
    dl_csv *csv;
    size_t n;
    const char **names; /* borrowed from csv */
    char **paths;
    size_t *lines;
} is_images;

static void images_free(is_images *im)
{
    for (size_t i = 0; im->paths && i < im->n; i++)
        free(im->paths[i]);
    free(im->paths);
    free(im->names);
    free(im->lines);
    dl_csv_free(im->csv);
}

static int by_name(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    int c = strcmp(x[0], y[0]);
    return c ? c : (x[1] > y[1]) - (x[1] < y[1]);
}

/* A repeated image name would make the join with difficulty ambiguous. */
static int check_unique(const is_images *im, dl_error *err)
{
    const char *(*pairs)[2] = dl_calloc(im->n, sizeof *pairs);
    if (!pairs)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < im->n; i++) {
        pairs[i][0] = im->names[i];
        pairs[i][1] = (const char *)&im->lines[i]; /* orders ties by input position */
    }
    qsort(pairs, im->n, sizeof *pairs, by_name);
    int rc = 0;
    for (size_t i = 1; i < im->n && !rc; i++)
        if (strcmp(pairs[i][0], pairs[i - 1][0]) == 0)
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: duplicate image '%s' (first on line %zu)",
                         im->csv->path, *(const size_t *)pairs[i][1], pairs[i][0],
                         *(const size_t *)pairs[i - 1][1]);
    free(pairs);
    return rc;
}

static int read_images(const is_opts *o, is_images *im, dl_error *err)
{
    memset(im, 0, sizeof *im);
    int rc = dl_csv_read(o->images_csv, &im->csv, err), ci;
    if (rc || (rc = dl_csv_require_col(im->csv, "image", &ci, err)) != 0)
        return rc;
    int cp = dl_csv_col(im->csv, "path");
    char *copy = dl_strdup(o->images_csv);
    const char *root = o->image_root ? o->image_root : copy ? dirname(copy) : ".";
    im->n = im->csv->nrows;
    im->names = dl_calloc(im->n, sizeof *im->names);
    im->paths = dl_calloc(im->n, sizeof *im->paths);
    im->lines = dl_calloc(im->n, sizeof *im->lines);
    rc = !copy || !im->names || !im->paths || !im->lines ? DL_ENOMEM : 0;
    for (size_t i = 0; !rc && i < im->n; i++) {
        char **f = im->csv->rows[i];
        im->names[i] = f[ci];
        im->lines[i] = im->csv->row_line[i];
        const char *rel = cp >= 0 && !dl_is_missing(f[cp]) ? f[cp] : f[ci];
        if (!f[ci][0])
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: empty image name", o->images_csv, im->lines[i]);
        else if (!(im->paths[i] = dl_path_join(root, rel)))
            rc = DL_ENOMEM;
    }
    free(copy);
    if (rc == DL_ENOMEM)
        return dl_fail(err, rc, "%s: out of memory", o->images_csv);
    if (!rc && im->n == 0)
        rc = dl_fail(err, DL_EINVAL, "%s: no images listed", o->images_csv);
    return rc ? rc : check_unique(im, err);
}

/* ---- the run ------------------------------------------------------------------------ */

typedef struct is_job {
    is_opts o;
    is_images im;
    dl_imgstats_row *rows;
    size_t skipped;
    int threads;
    /* difficulty */
    double *frac;
    int8_t *cls;
    const char *source; /* where the difficulty came from; NULL if unknown */
    size_t matched;
    dl_imgstats_assoc assoc[DL_IMGSTATS_NSTATS];
    dl_summary overall[DL_IMGSTATS_NSTATS];
    /* per epoch */
    dl_stimuli_results *res;
    dl_imgstats_epoch *epochs;
    size_t nepochs;
    dl_corr epoch_corr[DL_IMGSTATS_NSTATS];
    const char *write_dir; /* where the --out files are written: a staging folder */
} is_job;

static void job_free(is_job *j)
{
    dl_imgstats_rows_clear(j->rows, j->im.n);
    free(j->rows);
    free(j->frac);
    free(j->cls);
    free(j->epochs);
    dl_stimuli_results_free(j->res);
    images_free(&j->im);
}

static int has_difficulty_columns(const dl_csv *csv)
{
    return dl_csv_col(csv, "frac_correct") >= 0 ||
           (dl_csv_col(csv, "n_correct") >= 0 && dl_csv_col(csv, "n_models") >= 0);
}

static int read_difficulty(is_job *j, dl_error *err)
{
    const is_opts *o = &j->o;
    const char *const *names = j->im.names;
    if (o->results) {
        int rc = dl_stimuli_results_read(o->results, &o->ro, &j->res, err);
        if (!rc)
            cli_results_warnings(j->res);
        if (!rc)
            rc = dl_imgstats_difficulty_results(j->res, o->near, names, j->im.n, j->frac, j->cls,
                                                &j->matched, err);
        j->source = o->results;
        return rc;
    }
    const char *path = o->difficulty;
    if (!path && has_difficulty_columns(j->im.csv))
        path = o->images_csv;
    if (!path)
        return 0;
    j->source = path;
    return dl_imgstats_difficulty_read(path, path == o->difficulty, names, j->im.n, j->frac, j->cls,
                                       &j->matched, err);
}

static void on_progress(void *ctx, size_t done, size_t total)
{
    (void)total;
    dl_progress_update(ctx, done);
}

static int thread_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int compute(is_job *j, dl_error *err)
{
    dl_progress p;
    dl_progress_begin(&p, "image statistics", j->im.n);
    j->threads = j->o.threads ? j->o.threads : thread_default();
    dl_imgstats_opts ro = {.size_px = j->o.size_px,
                           .filter = j->o.filter,
                           .gray = j->o.gray,
                           .threads = j->threads,
                           .skip_bad = j->o.skip_bad,
                           .progress = on_progress,
                           .progress_ctx = &p};
    size_t bad = 0;
    int rc = dl_imgstats_run((const char *const *)j->im.paths, j->im.n, &ro, j->rows, &bad, err);
    dl_progress_end(&p);
    if (rc == DL_ECORRUPT || rc == DL_ENOENT || rc == DL_EIO || rc == DL_EINVAL)
        return dl_fail_prefix(err, "%s:%zu: ", j->o.images_csv, j->im.lines[bad]);
    size_t first = j->im.n;
    for (size_t i = 0; !rc && i < j->im.n; i++)
        if (j->rows[i].error) {
            j->skipped++;
            first = first < i ? first : i;
        }
    /* One line, not one per image (a large folder can have thousands). */
    if (j->skipped && j->o.out)
        fprintf(stderr,
                "dddlab: skipped %zu of %zu images (missing or undecodable), listed in "
                "%s/skipped.csv\n",
                j->skipped, j->im.n, j->o.out);
    else if (j->skipped)
        fprintf(stderr,
                "dddlab: skipped %zu of %zu images (missing or undecodable), the first %s:%zu: %s; "
                "--out DIR lists them in DIR/skipped.csv\n",
                j->skipped, j->im.n, j->o.images_csv, j->im.lines[first], j->rows[first].error);
    return rc;
}

static void summarise(is_job *j)
{
    double *v = dl_calloc(j->im.n, sizeof *v);
    for (int s = 0; v && s < DL_IMGSTATS_NSTATS; s++) {
        for (size_t i = 0; i < j->im.n; i++)
            v[i] = j->rows[i].error ? NAN : dl_imgstats_value(&j->rows[i].stats, s);
        dl_stats_summary(v, j->im.n, &j->overall[s]);
    }
    free(v);
}

static int analyse(is_job *j, dl_error *err)
{
    summarise(j);
    if (!j->source)
        return 0;
    int rc = dl_imgstats_associate(j->rows, j->frac, j->cls, j->im.n, j->assoc, err);
    if (rc || !j->res || !j->res->nepochs)
        return rc;
    j->nepochs = j->res->nepochs;
    j->epochs = dl_calloc(j->nepochs, sizeof *j->epochs);
    if (!j->epochs)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    return dl_imgstats_epochs(j->res, j->rows, j->im.names, j->im.n, j->epochs, j->epoch_corr, err);
}

/* ---- CSV files ------------------------------------------------------------------------ */

#define NUM_LEN 40

static const char *num(char buf[NUM_LEN], double v)
{
    if (isnan(v))
        return "NA";
    snprintf(buf, NUM_LEN, "%.10g", v);
    return buf;
}

static const char *class_name(int k)
{
    return k < 0 ? "" : dl_stimuli_difficulty_name(k);
}

static void write_per_image(const is_job *j, FILE *fp)
{
    const char *head[DL_IMGSTATS_NSTATS + 3] = {"image"};
    size_t nh = 1;
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        head[nh++] = dl_imgstats_name(s);
    if (j->source) {
        head[nh++] = "frac_correct";
        head[nh++] = "difficulty";
    }
    dl_csv_write_row(fp, head, nh);
    char bufs[DL_IMGSTATS_NSTATS + 1][NUM_LEN];
    for (size_t i = 0; i < j->im.n; i++) {
        if (j->rows[i].error)
            continue;
        const char *f[DL_IMGSTATS_NSTATS + 3] = {j->im.names[i]};
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
            f[1 + s] = num(bufs[s], dl_imgstats_value(&j->rows[i].stats, s));
        if (j->source) {
            f[nh - 2] = num(bufs[DL_IMGSTATS_NSTATS], j->frac[i]);
            f[nh - 1] = class_name(j->cls[i]);
        }
        dl_csv_write_row(fp, f, nh);
    }
}

static void write_correlations(const is_job *j, FILE *fp)
{
    static const char *const head[] = {"statistic",    "n",         "pearson_r", "pearson_p",
                                       "spearman_rho", "spearman_p"};
    dl_csv_write_row(fp, head, 6);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        const dl_imgstats_assoc *a = &j->assoc[s];
        char b[5][NUM_LEN];
        snprintf(b[0], NUM_LEN, "%zu", a->pearson.n);
        const char *f[] = {dl_imgstats_name(s),      b[0],
                           num(b[1], a->pearson.r),  num(b[2], a->pearson.p_value),
                           num(b[3], a->spearman.r), num(b[4], a->spearman.p_value)};
        dl_csv_write_row(fp, f, 6);
    }
}

static const int class_order[3] = {DL_STIMULI_TRIVIAL, DL_STIMULI_IN_BETWEEN,
                                   DL_STIMULI_IMPOSSIBLE};

static void write_class_summary(const is_job *j, FILE *fp)
{
    static const char *const head[] = {"statistic", "difficulty", "n", "mean", "sd"};
    dl_csv_write_row(fp, head, 5);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        for (int c = 0; c < 3; c++) {
            const dl_summary *m = &j->assoc[s].by_class[class_order[c]];
            char b[3][NUM_LEN];
            snprintf(b[0], NUM_LEN, "%zu", m->n);
            const char *f[] = {dl_imgstats_name(s), class_name(class_order[c]), b[0],
                               num(b[1], m->mean), num(b[2], m->sd)};
            dl_csv_write_row(fp, f, 5);
        }
}

static void write_epochs(const is_job *j, FILE *fp)
{
    const char *head[DL_IMGSTATS_NSTATS + 3] = {"epoch", "tpa", "all_right"};
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        head[3 + s] = dl_imgstats_name(s);
    dl_csv_write_row(fp, head, DL_IMGSTATS_NSTATS + 3);
    for (size_t e = 0; e < j->nepochs; e++) {
        const dl_imgstats_epoch *ep = &j->epochs[e];
        char b[DL_IMGSTATS_NSTATS + 3][NUM_LEN];
        const char *f[DL_IMGSTATS_NSTATS + 3];
        snprintf(b[0], NUM_LEN, "%ld", ep->epoch);
        snprintf(b[2], NUM_LEN, "%zu", ep->all_right);
        f[0] = b[0];
        f[1] = num(b[1], ep->tpa);
        f[2] = b[2];
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
            f[3 + s] = num(b[3 + s], ep->mean[s]);
        dl_csv_write_row(fp, f, DL_IMGSTATS_NSTATS + 3);
    }
}

static void write_skipped(const is_job *j, FILE *fp)
{
    static const char *const head[] = {"image", "line", "error"};
    dl_csv_write_row(fp, head, 3);
    for (size_t i = 0; i < j->im.n; i++)
        if (j->rows[i].error) {
            char line[NUM_LEN];
            snprintf(line, sizeof line, "%zu", j->im.lines[i]);
            const char *f[] = {j->im.names[i], line, j->rows[i].error};
            dl_csv_write_row(fp, f, 3);
        }
}

typedef void (*writer_fn)(const is_job *j, FILE *fp);

static int write_file(const is_job *j, const char *name, writer_fn fn, dl_error *err)
{
    char *path = dl_path_join(j->write_dir, name);
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    dl_atomic a;
    int rc = dl_atomic_open(&a, path, err);
    if (!rc) {
        fn(j, a.fp);
        rc = dl_atomic_commit(&a, err);
    }
    free(path);
    return rc;
}

/* ---- the figure ------------------------------------------------------------------------- */

/* Okabe-Ito colours per class (trivial, in-between, impossible). */
static const int class_rgb[3][3] = {{0, 114, 178}, {230, 159, 0}, {213, 94, 0}};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear-interpolation quantile (R's type 7) of sorted v[0..n). */
static double quantile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[lo];
}

static void draw_box(double x, const double *v, size_t n)
{
    double q1 = quantile(v, n, 0.25), md = quantile(v, n, 0.5), q3 = quantile(v, n, 0.75);
    PLFLT bx[5] = {x - 0.3, x + 0.3, x + 0.3, x - 0.3, x - 0.3}, by[5] = {q1, q1, q3, q3, q1};
    plcol0(1);
    plwidth(1.5);
    plline(5, bx, by);
    pljoin(x - 0.3, md, x + 0.3, md);
    pljoin(x, v[0], x, q1); /* whiskers to the extremes */
    pljoin(x, q3, x, v[n - 1]);
}

/* Jittered points (deterministic: golden-ratio offsets), at most 2000 per class. */
static void draw_strip(double x, const double *v, size_t n, int colour)
{
    size_t step = n > 2000 ? (n + 1999) / 2000 : 1, m = 0;
    PLFLT *px = malloc(((n + step - 1) / step) * sizeof *px);
    PLFLT *py = malloc(((n + step - 1) / step) * sizeof *py);
    for (size_t i = 0; px && py && i < n; i += step, m++) {
        double u = fmod((double)i * 0.6180339887498949, 1.0);
        px[m] = x - 0.25 + 0.5 * u;
        py[m] = v[i];
    }
    if (px && py) {
        plcol0(colour);
        plstring((PLINT)m, px, py, "•");
    }
    free(px);
    free(py);
}

static void panel_range(const double *const v[3], const size_t n[3], double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int c = 0; c < 3; c++)
        if (n[c]) {
            *lo = fmin(*lo, v[c][0]);
            *hi = fmax(*hi, v[c][n[c] - 1]);
        }
    if (!isfinite(*lo)) {
        *lo = 0;
        *hi = 1;
    }
    double pad = *hi > *lo ? 0.05 * (*hi - *lo) : 0.5 + 0.05 * fabs(*lo);
    *lo -= pad;
    *hi += pad;
}

static void draw_panel(const is_job *j, int s, double *buf)
{
    double *v[3];
    size_t n[3] = {0};
    for (int c = 0; c < 3; c++) {
        v[c] = buf + (size_t)c * j->im.n;
        for (size_t i = 0; i < j->im.n; i++) {
            double x = j->rows[i].error ? NAN : dl_imgstats_value(&j->rows[i].stats, s);
            if (j->cls[i] == class_order[c] && !isnan(x))
                v[c][n[c]++] = x;
        }
        qsort(v[c], n[c], sizeof *v[c], cmp_double);
    }
    double lo, hi;
    panel_range((const double *const *)v, n, &lo, &hi);
    pladv(0);
    plvpor(0.16, 0.95, 0.2, 0.88);
    plwind(0.5, 3.5, lo, hi);
    plcol0(1);
    plschr(0, 0.9);
    plbox("bc", 0, 0, "bcnstv", 0, 0);
    for (int c = 0; c < 3; c++) {
        char count[32];
        snprintf(count, sizeof count, "n = %zu", n[c]);
        plcol0(1);
        plschr(0, 0.8);
        plmtex("b", 1.4, (c + 0.5) / 3.0, 0.5, class_name(class_order[c]));
        plmtex("b", 2.7, (c + 0.5) / 3.0, 0.5, count);
        if (n[c]) {
            draw_strip(c + 1.0, v[c], n[c], 2 + c);
            draw_box(c + 1.0, v[c], n[c]);
        }
    }
    plcol0(1);
    plschr(0, 1.1);
    plmtex("t", 1.2, 0.5, 0.5, dl_imgstats_name(s));
}

static int pngcairo_available(void)
{
    const char *menu[128], *dev[128];
    const char **m = menu, **d = dev;
    int n = 128, ok = 0;
    plgFileDevs(&m, &d, &n);
    for (int i = 0; i < n; i++)
        ok |= strcmp(d[i], "pngcairo") == 0;
    return ok;
}

/* PLplot does not report write errors (a full disk), so the PNG is checked
 * for its last chunk, IEND, before it is committed. */
static int png_complete(const char *path)
{
    static const unsigned char iend[8] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    unsigned char tail[8];
    FILE *fp = fopen(path, "rb");
    int ok = fp && fseek(fp, -8, SEEK_END) == 0 && fread(tail, 1, 8, fp) == 8 &&
             memcmp(tail, iend, 8) == 0;
    if (fp)
        fclose(fp);
    return ok;
}

static int write_figure(const is_job *j, dl_error *err)
{
    if (!pngcairo_available())
        return dl_fail(err, DL_EIO,
                       "PLplot has no pngcairo device: apt-get install "
                       "plplot-driver-cairo");
    double *buf = dl_calloc(3 * j->im.n, sizeof *buf);
    char *path = dl_path_join(j->write_dir, "imagestats.png");
    dl_atomic a;
    if (!buf || !path) {
        free(buf);
        free(path);
        return dl_fail(err, DL_ENOMEM, "out of memory");
    }
    /* PLplot exits the process when it cannot open its file, so the
     * temporary file is made first; PLplot truncates and fills that same
     * inode, which dl_atomic_commit then fsyncs and renames into place. */
    int rc = dl_atomic_open(&a, path, err);
    if (!rc) {
        plsdev("pngcairo");
        plsfnam(a.tmp_path);
        plspage(0, 0, 1600, 800, 0, 0);
        plscolbg(255, 255, 255);
        plscol0(1, 0, 0, 0);
        for (int c = 0; c < 3; c++)
            plscol0(2 + c, class_rgb[c][0], class_rgb[c][1], class_rgb[c][2]);
        plssub(4, 2);
        plinit();
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
            draw_panel(j, s, buf);
        plend1();
        if (!png_complete(a.tmp_path)) {
            dl_atomic_abort(&a);
            rc = dl_fail(err, DL_EIO,
                         "%s: PLplot could not write the whole figure (is the disk full?)", path);
        } else {
            rc = dl_atomic_commit(&a, err);
        }
    }
    free(buf);
    free(path);
    return rc;
}

/* Staged, so a failure (a full disk at the figure) leaves --out as it was. */
static int write_outputs(is_job *j, dl_error *err)
{
    dl_stage st;
    int rc = dl_stage_open(&st, j->o.out, err);
    if (rc)
        return rc;
    j->write_dir = st.tmp_dir;
    rc = write_file(j, "imagestats.csv", write_per_image, err);
    if (!rc && j->skipped)
        rc = write_file(j, "skipped.csv", write_skipped, err);
    if (!rc && j->source) {
        rc = write_file(j, "correlations.csv", write_correlations, err);
        if (!rc)
            rc = write_file(j, "class_summary.csv", write_class_summary, err);
        if (!rc && j->nepochs)
            rc = write_file(j, "epochs.csv", write_epochs, err);
        if (!rc)
            rc = write_figure(j, err);
    }
    j->write_dir = NULL;
    if (rc) {
        dl_stage_abort(&st, err);
        return rc;
    }
    return dl_stage_commit(&st, err);
}

/* ---- printing ---------------------------------------------------------------------------- */

/* One right-aligned number after a space; "-" when it is undefined (a
 * correlation of a constant statistic, the SD of one image), never "nan". */
static void cell(int width, int prec, int general, double v)
{
    char buf[64] = "-";
    if (isfinite(v))
        snprintf(buf, sizeof buf, general ? "%.*g" : "%.*f", prec, v);
    printf(" %*s", width, buf);
}

static void print_images(const is_job *j)
{
    printf("%-24s", "image");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        printf(" %18s", dl_imgstats_name(s));
    printf("\n");
    for (size_t i = 0; i < j->im.n && i < 100; i++) {
        printf("%-24s", j->im.names[i]);
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
            if (j->rows[i].error)
                printf(" %18s", "-");
            else
                cell(18, 6, 1, dl_imgstats_value(&j->rows[i].stats, s));
        printf("\n");
    }
    if (j->im.n > 100)
        printf("... %zu more images: write them all with --out DIR\n", j->im.n - 100);
    printf("\n");
}

static void print_summary(const is_job *j)
{
    printf("%zu images (%zu skipped), ", j->im.n, j->skipped);
    if (j->o.size_px)
        printf("resized to %d x %d px (%s), ", j->o.size_px, j->o.size_px,
               dl_imgstats_filter_name(j->o.filter));
    printf("entropy of the %s gray image, ",
           j->o.gray == DL_IMGSTATS_GRAY_ROUNDED ? "rounded" : "unrounded");
    printf("%d threads\n\n", j->threads);
    printf("%-20s %7s %12s %12s %12s %12s %12s\n", "statistic", "n", "mean", "sd", "min", "median",
           "max");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        const dl_summary *m = &j->overall[s];
        printf("%-20s %7zu", dl_imgstats_name(s), m->n);
        const double v[5] = {m->mean, m->sd, m->min, m->median, m->max};
        for (int k = 0; k < 5; k++)
            cell(12, 6, 1, v[k]);
        printf("\n");
    }
}

static void print_difficulty(const is_job *j)
{
    printf("\ndifficulty from %s: %zu of %zu images matched\n", j->source, j->matched, j->im.n);
    printf("%-20s %7s %10s %10s %12s %10s\n", "statistic", "n", "pearson_r", "p", "spearman_rho",
           "p");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        const dl_imgstats_assoc *a = &j->assoc[s];
        printf("%-20s %7zu", dl_imgstats_name(s), a->pearson.n);
        cell(10, 4, 0, a->pearson.r);
        cell(10, 3, 1, a->pearson.p_value);
        cell(12, 4, 0, a->spearman.r);
        cell(10, 3, 1, a->spearman.p_value);
        printf("\n");
    }
    printf("\nmean (SD) per class\n%-20s", "statistic");
    for (int c = 0; c < 3; c++) {
        char head[48];
        snprintf(head, sizeof head, "%s (n=%zu)", class_name(class_order[c]),
                 j->assoc[0].by_class[class_order[c]].n);
        printf(" %24s", head);
    }
    printf("\n");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        printf("%-20s", dl_imgstats_name(s));
        for (int c = 0; c < 3; c++) {
            const dl_summary *m = &j->assoc[s].by_class[class_order[c]];
            char text[64] = "-";
            if (m->n && isfinite(m->sd))
                snprintf(text, sizeof text, "%.5g (%.3g)", m->mean, m->sd);
            else if (m->n)
                snprintf(text, sizeof text, "%.5g (-)", m->mean);
            printf(" %24s", text);
        }
        printf("\n");
    }
}

static void print_epochs(const is_job *j)
{
    printf("\nper epoch: mean statistic of the images all models got right, and TPa\n");
    printf("%-8s %8s %9s", "epoch", "tpa", "all_right");
    for (int s = 2; s < DL_IMGSTATS_NSTATS; s++)
        printf(" %18s", dl_imgstats_name(s));
    printf("\n");
    for (size_t e = 0; e < j->nepochs; e++) {
        const dl_imgstats_epoch *ep = &j->epochs[e];
        printf("%-8ld", ep->epoch);
        cell(8, 4, 0, ep->tpa);
        printf(" %9zu", ep->all_right);
        for (int s = 2; s < DL_IMGSTATS_NSTATS; s++)
            cell(18, 6, 1, ep->mean[s]);
        printf("\n");
    }
    printf("%-8s %8s %9s", "r(TPa)", "", "");
    for (int s = 2; s < DL_IMGSTATS_NSTATS; s++)
        cell(18, 4, 0, j->epoch_corr[s].r);
    printf("\n");
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void json_summary(dl_json *js, const dl_summary *m)
{
    dl_json_key(js, "n");
    dl_json_int(js, (long long)m->n);
    const char *k[] = {"mean", "sd", "min", "median", "max"};
    double v[] = {m->mean, m->sd, m->min, m->median, m->max};
    for (int i = 0; i < 5; i++) {
        dl_json_key(js, k[i]);
        dl_json_number(js, v[i]);
    }
}

static void json_skipped(dl_json *js, const is_job *j)
{
    dl_json_key(js, "skipped");
    dl_json_array_begin(js);
    for (size_t i = 0; i < j->im.n; i++)
        if (j->rows[i].error) {
            dl_json_object_begin(js);
            dl_json_key(js, "image");
            dl_json_string(js, j->im.names[i]);
            dl_json_key(js, "line");
            dl_json_int(js, (long long)j->im.lines[i]);
            dl_json_key(js, "error");
            dl_json_string(js, j->rows[i].error);
            dl_json_object_end(js);
        }
    dl_json_array_end(js);
}

static void json_corr(dl_json *js, const char *kr, const char *kp, const dl_corr *c)
{
    dl_json_key(js, kr);
    dl_json_number(js, c->r);
    dl_json_key(js, kp);
    dl_json_number(js, c->p_value);
}

static void json_difficulty(dl_json *js, const is_job *j)
{
    dl_json_key(js, "difficulty");
    if (!j->source) {
        dl_json_null(js);
        return;
    }
    dl_json_object_begin(js);
    dl_json_key(js, "source");
    dl_json_string(js, j->source);
    dl_json_key(js, "matched");
    dl_json_int(js, (long long)j->matched);
    dl_json_key(js, "statistics");
    dl_json_array_begin(js);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        const dl_imgstats_assoc *a = &j->assoc[s];
        dl_json_object_begin(js);
        dl_json_key(js, "name");
        dl_json_string(js, dl_imgstats_name(s));
        dl_json_key(js, "n");
        dl_json_int(js, (long long)a->pearson.n);
        json_corr(js, "pearson_r", "pearson_p", &a->pearson);
        json_corr(js, "spearman_rho", "spearman_p", &a->spearman);
        for (int c = 0; c < 3; c++) {
            dl_json_key(js, class_name(class_order[c]));
            dl_json_object_begin(js);
            json_summary(js, &a->by_class[class_order[c]]);
            dl_json_object_end(js);
        }
        dl_json_object_end(js);
    }
    dl_json_array_end(js);
    dl_json_object_end(js);
}

static void json_epochs(dl_json *js, const is_job *j)
{
    dl_json_key(js, "epochs");
    if (!j->nepochs) {
        dl_json_null(js);
        return;
    }
    dl_json_array_begin(js);
    for (size_t e = 0; e < j->nepochs; e++) {
        dl_json_object_begin(js);
        dl_json_key(js, "epoch");
        dl_json_int(js, j->epochs[e].epoch);
        dl_json_key(js, "tpa");
        dl_json_number(js, j->epochs[e].tpa);
        dl_json_key(js, "all_right");
        dl_json_int(js, (long long)j->epochs[e].all_right);
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
            dl_json_key(js, dl_imgstats_name(s));
            dl_json_number(js, j->epochs[e].mean[s]);
        }
        dl_json_object_end(js);
    }
    dl_json_array_end(js);
    dl_json_key(js, "epoch_pearson_with_tpa");
    dl_json_object_begin(js);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        dl_json_key(js, dl_imgstats_name(s));
        dl_json_number(js, j->epoch_corr[s].r);
    }
    dl_json_object_end(js);
}

static void print_json(const is_job *j)
{
    dl_json js;
    dl_json_init(&js, stdout);
    dl_json_object_begin(&js);
    dl_json_key(&js, "images");
    dl_json_int(&js, (long long)j->im.n);
    json_skipped(&js, j);
    dl_json_key(&js, "size_px");
    if (j->o.size_px)
        dl_json_int(&js, j->o.size_px);
    else
        dl_json_null(&js);
    dl_json_key(&js, "resize_filter");
    if (j->o.size_px)
        dl_json_string(&js, dl_imgstats_filter_name(j->o.filter));
    else
        dl_json_null(&js);
    dl_json_key(&js, "entropy_gray");
    dl_json_string(&js, dl_imgstats_gray_name(j->o.gray));
    dl_json_key(&js, "threads");
    dl_json_int(&js, j->threads);
    dl_json_key(&js, "statistics");
    dl_json_array_begin(&js);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        dl_json_object_begin(&js);
        dl_json_key(&js, "name");
        dl_json_string(&js, dl_imgstats_name(s));
        json_summary(&js, &j->overall[s]);
        dl_json_object_end(&js);
    }
    dl_json_array_end(&js);
    json_difficulty(&js, j);
    json_epochs(&js, j);
    dl_json_key(&js, "out");
    if (j->o.out)
        dl_json_string(&js, j->o.out);
    else
        dl_json_null(&js);
    dl_json_object_end(&js);
    dl_json_end(&js);
}

/* ---- the command ------------------------------------------------------------------------------
 */

static int prepare(is_job *j, dl_error *err)
{
    int rc = read_images(&j->o, &j->im, err);
    if (rc)
        return rc;
    size_t n = j->im.n;
    j->rows = dl_calloc(n, sizeof *j->rows);
    j->frac = dl_calloc(n, sizeof *j->frac);
    j->cls = dl_calloc(n, sizeof *j->cls);
    if (!j->rows || !j->frac || !j->cls)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        j->frac[i] = NAN;
        j->cls[i] = -1;
    }
    /* Difficulty first: a bad difficulty file fails before the long part. */
    return read_difficulty(j, err);
}

int cmd_stimuli_imagestats(int argc, char **argv)
{
    is_job j;
    memset(&j, 0, sizeof j);
    int st = parse_options(argc, argv, &j.o);
    if (st >= 0)
        return st;
    dl_error err = {0};
    int rc = prepare(&j, &err);
    if (!rc)
        rc = compute(&j, &err);
    if (!rc)
        rc = analyse(&j, &err);
    if (!rc && j.o.out)
        rc = write_outputs(&j, &err);
    if (!rc && j.o.json) {
        print_json(&j);
    } else if (!rc) {
        if (!j.o.out)
            print_images(&j);
        print_summary(&j);
        if (j.source)
            print_difficulty(&j);
        if (j.nepochs)
            print_epochs(&j);
    }
    job_free(&j);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}
