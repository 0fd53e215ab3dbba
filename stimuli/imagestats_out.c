/* imagestats_out.c — the --out folder of `stimuli imagestats`: the
 * per-image table, the skipped images, the correlations with difficulty,
 * the per-class summary and the per-epoch means, staged so a failure (a full
 * disk at the figure) leaves the folder as it was. Numbers with 10
 * significant digits, NA when undefined. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dl_stimuli.h"

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

static void write_per_image(const dl_imgstats_report *j, FILE *fp)
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
    for (size_t i = 0; i < j->n; i++) {
        if (j->rows[i].error)
            continue;
        const char *f[DL_IMGSTATS_NSTATS + 3] = {j->names[i]};
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
            f[1 + s] = num(bufs[s], dl_imgstats_value(&j->rows[i].stats, s));
        if (j->source) {
            f[nh - 2] = num(bufs[DL_IMGSTATS_NSTATS], j->frac[i]);
            f[nh - 1] = class_name(j->cls[i]);
        }
        dl_csv_write_row(fp, f, nh);
    }
}

static void write_correlations(const dl_imgstats_report *j, FILE *fp)
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

static void write_class_summary(const dl_imgstats_report *j, FILE *fp)
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

static void write_epochs(const dl_imgstats_report *j, FILE *fp)
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

static void write_skipped(const dl_imgstats_report *j, FILE *fp)
{
    static const char *const head[] = {"image", "line", "error"};
    dl_csv_write_row(fp, head, 3);
    for (size_t i = 0; i < j->n; i++)
        if (j->rows[i].error) {
            char line[NUM_LEN];
            snprintf(line, sizeof line, "%zu", j->lines[i]);
            const char *f[] = {j->names[i], line, j->rows[i].error};
            dl_csv_write_row(fp, f, 3);
        }
}

typedef void (*writer_fn)(const dl_imgstats_report *j, FILE *fp);

static int write_file(const dl_imgstats_report *j, const char *dir, const char *name,
                      writer_fn fn, dl_error *err)
{
    char *path = dl_path_join(dir, name);
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

/* Staged, so a failure (a full disk at the figure) leaves --out as it was. */
int dl_imgstats_write_out(const dl_imgstats_report *r, const char *out_dir,
                          dl_imgstats_figure_fn figure, void *figure_ctx, dl_error *err)
{
    dl_stage st;
    int rc = dl_stage_open(&st, out_dir, err);
    if (rc)
        return rc;
    const char *dir = st.tmp_dir;
    rc = write_file(r, dir, "imagestats.csv", write_per_image, err);
    if (!rc && r->skipped)
        rc = write_file(r, dir, "skipped.csv", write_skipped, err);
    if (!rc && r->source) {
        rc = write_file(r, dir, "correlations.csv", write_correlations, err);
        if (!rc)
            rc = write_file(r, dir, "class_summary.csv", write_class_summary, err);
        if (!rc && r->nepochs)
            rc = write_file(r, dir, "epochs.csv", write_epochs, err);
        if (!rc && figure)
            rc = figure(figure_ctx, dir, err);
    }
    if (rc) {
        dl_stage_abort(&st, err);
        return rc;
    }
    return dl_stage_commit(&st, err);
}
