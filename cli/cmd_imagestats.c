/* cmd_imagestats.c — `dddlab stimuli imagestats`: image statistics (mean
 * local entropy, DCT coefficient percentage, segment count, edge strength,
 * size, luminance, contrast) for every image of a list, and their relation
 * to difficulty: tables, CSV files and a figure (PLplot). Definitions in
 * docs/imagestats.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_results.h"
#include "dl_report.h"
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

/* ---- the run ------------------------------------------------------------------------ */

typedef struct is_job {
    is_opts o;
    dl_imgstats_list im;
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
    dl_imgstats_list_free(&j->im);
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

static const char *class_name(int k)
{
    return k < 0 ? "" : dl_stimuli_difficulty_name(k);
}

static const int class_order[3] = {DL_STIMULI_TRIVIAL, DL_STIMULI_IN_BETWEEN,
                                   DL_STIMULI_IMPOSSIBLE};

/* ---- the figure ------------------------------------------------------------------------- */

/* Drawn by analysis/report_imgfig.c: here only the values per statistic and
 * each image's panel (trivial, in-between, impossible). */
static int write_figure(const is_job *j, dl_error *err)
{
    size_t n = j->im.n;
    double *values = dl_calloc(DL_IMGSTATS_NSTATS * n + 1, sizeof *values);
    int8_t *panel = dl_calloc(n + 1, sizeof *panel);
    const char *names[DL_IMGSTATS_NSTATS];
    int rc = values && panel ? 0 : dl_fail(err, DL_ENOMEM, "out of memory");
    for (int s = 0; !rc && s < DL_IMGSTATS_NSTATS; s++) {
        names[s] = dl_imgstats_title(s);
        for (size_t i = 0; i < n; i++)
            values[(size_t)s * n + i] =
                j->rows[i].error ? NAN : dl_imgstats_value(&j->rows[i].stats, s);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        panel[i] = -1;
        for (int c = 0; c < 3; c++)
            if (j->cls[i] == class_order[c])
                panel[i] = (int8_t)c;
    }
    if (!rc) {
        dl_report_imgfig f = {.n = n,
                              .nstats = DL_IMGSTATS_NSTATS,
                              .values = values,
                              .cls = panel,
                              .stat_names = names,
                              .class_names = {class_name(class_order[0]),
                                              class_name(class_order[1]),
                                              class_name(class_order[2])}};
        rc = dl_report_imagestats_figure(&f, j->write_dir, err);
    }
    free(values);
    free(panel);
    return rc;
}

/* The run as stimuli/imagestats_out.c writes it. */
static dl_imgstats_report report_of(const is_job *j)
{
    return (dl_imgstats_report){.n = j->im.n,
                                .names = j->im.names,
                                .lines = j->im.lines,
                                .rows = j->rows,
                                .skipped = j->skipped,
                                .source = j->source,
                                .frac = j->frac,
                                .cls = j->cls,
                                .assoc = j->assoc,
                                .epochs = j->epochs,
                                .nepochs = j->nepochs,
                                .matched = j->matched,
                                .overall = j->overall,
                                .epoch_corr = j->epoch_corr,
                                .size_px = j->o.size_px,
                                .filter = j->o.filter,
                                .gray = j->o.gray,
                                .threads = j->threads,
                                .out = j->o.out};
}

static int figure(void *ctx, const char *dir, dl_error *err)
{
    is_job *j = ctx;
    j->write_dir = dir;
    int rc = write_figure(j, err);
    j->write_dir = NULL;
    return rc;
}

/* The files by stimuli/imagestats_out.c, the figure by the report's
 * plotting code. */
static int write_outputs(is_job *j, dl_error *err)
{
    dl_imgstats_report r = report_of(j);
    return dl_imgstats_write_out(&r, j->o.out, figure, j, err);
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

/* ---- JSON (stimuli/imagestats_out.c) ------------------------------------------------------ */

static void print_json(const is_job *j)
{
    dl_imgstats_report r = report_of(j);
    dl_json js;
    dl_json_init(&js, stdout);
    dl_imgstats_json(&r, &js);
    dl_json_end(&js);
}

/* ---- the command ------------------------------------------------------------------------------
 */

static int prepare(is_job *j, dl_error *err)
{
    int rc = dl_imgstats_list_read(j->o.images_csv, j->o.image_root, &j->im, err);
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
