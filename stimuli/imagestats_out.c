/* imagestats_out.c — the --out folder of `stimuli imagestats`: the
 * per-image table, the skipped images, the correlations with difficulty,
 * the per-class summary and the per-epoch means, staged so a failure (a full
 * disk at the figure) leaves the folder as it was; and the --json object. Numbers with 10
 * significant digits, NA when undefined. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dl_stimuli.h"
#include "stimuli_internal.h"

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
    return k < 0 ? "" : dl_stats_difficulty_name(k);
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

/* The classes as the files list them, trivial first. */
static const dl_stats_difficulty class_order[3] = STIM_DISPLAY_ORDER;

static void write_class_summary(const dl_imgstats_report *j, FILE *fp)
{
    static const char *const head[] = {"statistic", "difficulty", "n", "mean", "sd"};
    dl_csv_write_row(fp, head, 5);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        for (int c = 0; c < 3; c++) {
            const dl_stats_summary_t *m = &j->assoc[s].by_class[class_order[c]];
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

static int write_file(const dl_imgstats_report *j, const char *dir, const char *name, writer_fn fn,
                      dl_error *err)
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

/* ---- --json ---- */

static void json_summary(dl_json *js, const dl_stats_summary_t *m)
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

static void json_skipped(dl_json *js, const dl_imgstats_report *j)
{
    dl_json_key(js, "skipped");
    dl_json_array_begin(js);
    for (size_t i = 0; i < j->n; i++)
        if (j->rows[i].error) {
            dl_json_object_begin(js);
            dl_json_key(js, "image");
            dl_json_string(js, j->names[i]);
            dl_json_key(js, "line");
            dl_json_int(js, (long long)j->lines[i]);
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

static void json_difficulty(dl_json *js, const dl_imgstats_report *j)
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

static void json_epochs(dl_json *js, const dl_imgstats_report *j)
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

void dl_imgstats_json(const dl_imgstats_report *j, dl_json *js)
{
    dl_json_object_begin(js);
    dl_json_key(js, "images");
    dl_json_int(js, (long long)j->n);
    json_skipped(js, j);
    dl_json_key(js, "size_px");
    if (j->size_px)
        dl_json_int(js, j->size_px);
    else
        dl_json_null(js);
    dl_json_key(js, "resize_filter");
    if (j->size_px)
        dl_json_string(js, dl_imgstats_filter_name(j->filter));
    else
        dl_json_null(js);
    dl_json_key(js, "entropy_gray");
    dl_json_string(js, dl_imgstats_gray_name(j->gray));
    dl_json_key(js, "threads");
    dl_json_int(js, j->threads);
    dl_json_key(js, "statistics");
    dl_json_array_begin(js);
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        dl_json_object_begin(js);
        dl_json_key(js, "name");
        dl_json_string(js, dl_imgstats_name(s));
        json_summary(js, &j->overall[s]);
        dl_json_object_end(js);
    }
    dl_json_array_end(js);
    json_difficulty(js, j);
    json_epochs(js, j);
    dl_json_key(js, "out");
    if (j->out)
        dl_json_string(js, j->out);
    else
        dl_json_null(js);
    dl_json_object_end(js);
}

/* ---- --out ---- */

/* The figure's values per statistic, for the plotting code the caller
 * passes; each image's class is its difficulty as it is. */
static int draw_figure(const dl_imgstats_report *r, dl_imgstats_figure_fn figure, void *ctx,
                       const char *dir, dl_error *err)
{
    size_t n = r->n;
    double *values = dl_calloc(DL_IMGSTATS_NSTATS * n + 1, sizeof *values);
    const char *names[DL_IMGSTATS_NSTATS];
    int rc = values ? 0 : dl_fail(err, DL_ENOMEM, "out of memory");
    for (int s = 0; !rc && s < DL_IMGSTATS_NSTATS; s++) {
        names[s] = dl_imgstats_title(s);
        for (size_t i = 0; i < n; i++)
            values[(size_t)s * n + i] =
                r->rows[i].error ? NAN : dl_imgstats_value(&r->rows[i].stats, s);
    }
    if (!rc) {
        dl_imgstats_figure f = {
            .n = n,
            .nstats = DL_IMGSTATS_NSTATS,
            .values = values,
            .cls = r->cls,
            .stat_names = names,
            .class_names = {[DL_STATS_IMPOSSIBLE] = class_name(DL_STATS_IMPOSSIBLE),
                            [DL_STATS_IN_BETWEEN] = class_name(DL_STATS_IN_BETWEEN),
                            [DL_STATS_TRIVIAL] = class_name(DL_STATS_TRIVIAL)}};
        rc = figure(ctx, &f, dir, err);
    }
    free(values);
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
            rc = draw_figure(r, figure, figure_ctx, dir, err);
    }
    if (rc) {
        dl_stage_abort(&st, err);
        return rc;
    }
    return dl_stage_commit(&st, err);
}
