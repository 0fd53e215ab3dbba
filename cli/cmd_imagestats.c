/* cmd_imagestats.c — `dddlab stimuli imagestats`: the options of image
 * statistics; the run, its files and its report are stimuli/imagestats_job.c
 * and imagestats_text.c, the figure analysis/report_imgfig.c. Definitions in
 * docs/imagestats.md. */
#include <string.h>

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
    dl_imgstats_job_opts j; /* ro: the shared results options (cli_results.h) */
    int near_set, json, filter_set;
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
        o->j.images_csv = arg;
        return 0;
    case O_ROOT:
        o->j.image_root = arg;
        return 0;
    case O_RESULTS:
        o->j.results = arg;
        return 0;
    case O_DIFF:
        o->j.difficulty = arg;
        return 0;
    case O_OUT:
        o->j.out = arg;
        return 0;
    case O_SKIP:
        o->j.run.skip_bad = 1;
        return 0;
    case O_JSON:
        o->json = 1;
        return 0;
    case O_NEAR:
        o->near_set = 1;
        return parse_int("--near", arg, 0, 1000000, &v) ? DL_EXIT_USAGE
                                                        : (o->j.near = (unsigned)v, 0);
    case O_SIZE:
        return parse_int("--size", arg, 1, 8192, &v) ? DL_EXIT_USAGE
                                                     : (o->j.run.size_px = (int)v, 0);
    case O_FILTER:
        o->filter_set = 1;
        for (o->j.run.filter = 0; dl_imgstats_filter_name(o->j.run.filter); o->j.run.filter++)
            if (strcmp(arg, dl_imgstats_filter_name(o->j.run.filter)) == 0)
                return 0;
        return cli_usage(CMD, "--resize-filter expects bilinear-aa or area, not '%s'", arg);
    case O_GRAY:
        for (o->j.run.gray = 0; dl_imgstats_gray_name(o->j.run.gray); o->j.run.gray++)
            if (strcmp(arg, dl_imgstats_gray_name(o->j.run.gray)) == 0)
                return 0;
        return cli_usage(CMD, "--entropy-gray expects float or rounded, not '%s'", arg);
    case O_THREADS:
        return parse_int("--threads", arg, 0, 256, &v) ? DL_EXIT_USAGE
                                                       : (o->j.run.threads = (int)v, 0);
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
        int rrc = cli_results_opt(CMD, c, optarg, &o->j.ro);
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
    if (!o->j.images_csv)
        return cli_usage(CMD, "--images-csv FILE is required");
    if (o->j.results && o->j.difficulty)
        return cli_usage(CMD, "give either --results or --difficulty, not both");
    if (o->near_set && !o->j.results)
        return cli_usage(CMD, "--near needs --results");
    if (o->filter_set && !o->j.run.size_px)
        return cli_usage(CMD, "--resize-filter needs --size");
    return -1;
}

/* ---- the command ------------------------------------------------------------- */

/* The report's plotting code draws the figure, so stimuli/ needs no PLplot. */
static int figure(void *ctx, const dl_imgstats_figure *f, const char *dir, dl_error *err)
{
    (void)ctx;
    dl_report_imgfig r = {.n = f->n,
                          .nstats = f->nstats,
                          .values = f->values,
                          .cls = f->cls,
                          .stat_names = f->stat_names,
                          .class_names = {f->class_names[0], f->class_names[1], f->class_names[2]}};
    return dl_report_imagestats_figure(&r, dir, err);
}

int cmd_stimuli_imagestats(int argc, char **argv)
{
    is_opts o;
    int st = parse_options(argc, argv, &o);
    if (st >= 0)
        return st;
    dl_imgstats_job j;
    memset(&j, 0, sizeof j);
    j.o = o.j;
    j.o.figure = figure;
    dl_progress pr, p;
    dl_progress_begin(&pr, o.j.results, 0);
    dl_progress_begin(&p, "image statistics", 0);
    j.o.ro.progress = dl_progress_cb;
    j.o.ro.progress_ctx = &pr;
    j.o.run.progress = dl_progress_cb;
    j.o.run.progress_ctx = &p;
    dl_error err = {0};
    int rc = dl_imgstats_job_run(&j, &err);
    dl_progress_end(&pr);
    dl_progress_end(&p);
    cli_results_warnings(j.res);
    if (j.skipped) {
        fputs("dddlab: ", stderr);
        dl_imgstats_job_write_skipped(stderr, &j);
    }
    if (!rc && o.json)
        dl_imgstats_job_write_json(stdout, &j);
    else if (!rc)
        dl_imgstats_job_write_text(stdout, &j);
    dl_imgstats_job_free(&j);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}
