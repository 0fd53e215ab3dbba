/* cmd_imagestats.c — `dddlab stimuli imagestats`: the options of image
 * statistics; the run, its files and its report are stimuli/imagestats_job.c
 * and imagestats_text.c, the figure analysis/report_imgfig.c. Definitions in
 * docs/imagestats.md. */
#include <stddef.h>
#include <string.h>

#include "cli_groups.h"
#include "dl_report.h"
#include "dl_stimuli.h"

/* ---- options ------------------------------------------------------------------ */

typedef struct is_opts {
    dl_imgstats_job_opts j; /* ro: the shared results options (cli_groups.h) */
    int json;
} is_opts;

/* The words are the library's names, so a new filter needs no change here. */
static int name_index(const char *(*name)(int), const char *w)
{
    for (int i = 0; name(i); i++)
        if (strcmp(w, name(i)) == 0)
            return i;
    return -1;
}
static int filter_parse(const char *w)
{
    return name_index(dl_imgstats_filter_name, w);
}
static int gray_parse(const char *w)
{
    return name_index(dl_imgstats_gray_name, w);
}

#define T is_opts
static const dl_opt is_table[] = {
    DL_OPT_STR(T, "images-csv", j.images_csv, "FILE", "the images to analyse"),
    DL_OPT_STR(T, "image-root", j.image_root, "DIR",
               "folder the paths are relative to (default: FILE's folder)"),
    DL_OPT_STR(T, "results", j.results, "R",
               "model results (long, wide or counts CSV), matched by image"),
    DL_OPT_WHOLE(T, "near", j.near, 0, 1000000, "K",
                 "trivial: >= M-K models correct, impossible: <= K (default 0)"),
    DL_OPT_STR(T, "difficulty", j.difficulty, "FILE",
               "image,frac_correct[,difficulty] instead of --results"),
    DL_OPT_WHOLE(T, "size", j.run.size_px, 1, 8192, "PX",
                 "resize every image to PX x PX first; the paper used 128.\n"
                 "Default: each image at its own size"),
    DL_OPT_CHOICE(T, "resize-filter", j.run.filter, "bilinear-aa|area", filter_parse, "F",
                  "bilinear-aa (default: PIL's bilinear resize, as the paper's\n"
                  "torchvision Resize) or area (area average)"),
    DL_OPT_CHOICE(T, "entropy-gray", j.run.gray, "float|rounded", gray_parse, "G",
                  "float (default, the authors') or rounded (gray rounded to\n"
                  "8 bits first: fewer distinct values, lower entropy)"),
    DL_OPT_WHOLE(T, "threads", j.run.threads, 0, 256, "N",
                 "worker threads (default: one per core)"),
    DL_OPT_FLAG(T, "skip-bad", 0, j.run.skip_bad,
                "skip a missing or corrupt image (default: stop the run);\n"
                "one line counts them, --out DIR lists them in skipped.csv"),
    DL_OPT_STR(T, "out", j.out, "DIR",
               "write imagestats.csv, and with a difficulty correlations.csv,\n"
               "class_summary.csv, imagestats.png (and epochs.csv, skipped.csv)"),
    DL_OPT_FLAG(T, "json", 0, json, "print the summary as one JSON object"),
};
#undef T
static const dl_opt_group is_groups[] = {DL_OPT_GROUP(is_table, 0),
                                         CLI_RESULTS_GROUP(offsetof(is_opts, j.ro))};
static const dl_opt_spec cli_spec_stimuli_imagestats = {
    .cmd = "stimuli imagestats",
    .about =
        "Image statistics of every image listed in FILE (column 'image', optional\n"
        "'path' relative to the image root), decoded with SDL2_image, as Pliushch et al.\n"
        "(2022) computed them (docs/imagestats.md):\n"
        "  local_entropy_bits  mean Shannon entropy (log2) of the distinct gray values\n"
        "                      (0.2989 R + 0.5870 G + 0.1140 B, unrounded) of 10x10 windows\n"
        "  dct_coef_pct        % of orthonormal DCT-II coefficients for 99.98% of the L2\n"
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
        "Exit status: 0 success, 1 bad data (a bad image without --skip-bad), 2 usage.\n",
    .groups = is_groups,
    .ngroups = 2,
    .required = "images-csv"};

static int parse_options(int argc, char **argv, is_opts *o)
{
    const dl_opt_spec *s = &cli_spec_stimuli_imagestats;
    memset(o, 0, sizeof *o);
    dl_opt_args a;
    int rc = cli_parse(s, argc, argv, o, &a);
    if (rc)
        return rc;
    if (o->j.results && o->j.difficulty)
        return cli_usage(s->cmd, "give either --results or --difficulty, not both");
    if (dl_opt_seen(s, &a, "near") && !o->j.results)
        return cli_usage(s->cmd, "--near needs --results");
    if (dl_opt_seen(s, &a, "resize-filter") && !o->j.run.size_px)
        return cli_usage(s->cmd, "--resize-filter needs --size");
    return 0;
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

static int cmd_stimuli_imagestats(int argc, char **argv)
{
    is_opts o;
    int st = parse_options(argc, argv, &o);
    if (st)
        return st;
    dl_imgstats_job j;
    memset(&j, 0, sizeof j);
    j.o = o.j;
    j.o.figure = figure;
    cli_progress pr, p;
    cli_progress_begin(&pr, o.j.results, 0);
    cli_progress_begin(&p, "image statistics", 0);
    j.o.ro.progress = cli_progress_cb;
    j.o.ro.progress_ctx = &pr;
    j.o.run.progress = cli_progress_cb;
    j.o.run.progress_ctx = &p;
    dl_error err = {0};
    int rc = dl_imgstats_job_run(&j, &err);
    cli_progress_end(&pr);
    cli_progress_end(&p);
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

const cli_cmd cli_cmd_stimuli_imagestats = {.name = "imagestats",
                                            .summary = "image statistics of a set of images",
                                            .run = cmd_stimuli_imagestats,
                                            .spec = &cli_spec_stimuli_imagestats};
