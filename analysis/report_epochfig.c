/* report_epochfig.c — the DDD figures of per-epoch and per-class data:
 * epoch_decisions (the paper's Figure 8: when in training each image is
 * learnt) from epoch_decisions.csv, and class_bars (accuracy per class with
 * the spread over models) from class_accuracy.csv. Same palettes, model
 * order and image order as the other DDD figures (report_figures.c). */
#include "report_internal.h"
#include "report_plot.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

/* More panels than this would be too thin to read; the caption and the
 * title say when models are left out. */
#define MAX_EPOCH_PANELS 8
/* With more classes than this, only the hardest and the easiest half of it. */
#define MAX_CLASS_ROWS 40

static void whole_label(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    (void)axis;
    (void)data;
    snprintf(label, (size_t)length, "%.0f", value);
}

/* ---- epoch_decisions ---- */

typedef struct epoch_fig {
    const rp_ddd *d;
    size_t *order; /* models, most accurate first (the shared order) */
    double *acc;   /* per model, last epoch */
    size_t panels, cols, per_col;
    uint32_t *ncorrect; /* per image (figure order): models correct at the last epoch */
} epoch_fig;

/* The epoch labels on a panel's left axis: row r (from the top) is epoch
 * edec_epoch[r]. */
static void epoch_label(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    const rp_ddd *d = data;
    (void)axis;
    long r = lround(value);
    if (r < 0 || (size_t)r >= d->nedec || fabs(value - (double)r) > 1e-6) {
        label[0] = '\0';
        return;
    }
    snprintf(label, (size_t)length, "%g", d->edec_epoch[d->nedec - 1 - (size_t)r]);
}

/* Column c of model k: share correct per epoch row (top row = first epoch);
 * a cell without any result is -1, which plimage leaves out (white). */
static void fill_panel(const epoch_fig *f, size_t k, PLFLT **z)
{
    const rp_ddd *d = f->d;
    size_t m = d->nmodels, ne = d->nedec;
    for (size_t c = 0; c < f->cols; c++) {
        size_t from = c * f->per_col, to = from + f->per_col;
        to = to > d->ndec_images ? d->ndec_images : to;
        for (size_t e = 0; e < ne; e++) {
            size_t hits = 0, known = 0;
            const uint8_t *cell = d->edec + e * d->ndec_images * m;
            for (size_t i = from; i < to; i++) {
                uint8_t v = cell[i * m + k];
                known += v != 2;
                hits += v == 1;
            }
            z[c][ne - 1 - e] = known ? (double)hits / (double)known : -1;
        }
    }
}

/* White lines where each group of images with k models correct (at the last
 * epoch) begins, and, with top set, k above the panel when there is room. */
static void group_marks(const epoch_fig *f, double ytop, int top)
{
    size_t n = f->d->ndec_images;
    plschr(0, 0.7);
    double last = -1e300; /* centre of the last number drawn: numbers must not touch */
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && f->ncorrect[end] == f->ncorrect[i])
            end++;
        PLFLT lx[2] = {(double)i, (double)i}, ly[2] = {-0.5, ytop};
        plcol0(RP_WHITE);
        plwidth(1);
        if (i > 0)
            plline(2, lx, ly);
        char kt[16];
        snprintf(kt, sizeof kt, "%u", (unsigned)f->ncorrect[i]);
        plcol0(RP_BLACK);
        double mid = (double)i + (double)(end - i) / 2;
        if (top && (double)(end - i) > 0.012 * (double)n && mid - last > 0.02 * (double)n) {
            plmtex("t", 0.5, mid / (double)n, 0.5, kt);
            last = mid;
        }
        i = end;
    }
    plwidth(1.5);
    plschr(0, 1.0);
}

static void draw_epoch_decisions(const void *ctx)
{
    const epoch_fig *f = ctx;
    const rp_ddd *d = f->d;
    size_t ne = d->nedec, np = f->panels;
    PLFLT **z = dl_calloc(f->cols, sizeof *z);
    for (size_t c = 0; z && c < f->cols; c++)
        if (!(z[c] = dl_calloc(ne, sizeof **z)))
            goto done;
    if (!z)
        return;
    /* The paper's colouring, as in the decisions figure: wrong dark, right light. */
    double pos[2] = {0, 1}, rr[2] = {68 / 255.0, 253 / 255.0}, gg[2] = {1 / 255.0, 231 / 255.0},
           bb[2] = {84 / 255.0, 37 / 255.0};
    plscmap1n(256);
    plscmap1l(1, 2, pos, rr, gg, bb, NULL);
    double w_mm, h_mm, lab = 0;
    rp_plot_page_mm(&w_mm, &h_mm);
    char text[MAX_EPOCH_PANELS][160];
    for (size_t p = 0; p < np; p++) {
        size_t k = f->order[p];
        snprintf(text[p], sizeof text[p], "%s (%.0f%%)", d->models[k], 100 * f->acc[k]);
        lab = fmax(lab, rp_plot_text_mm(text[p], 0.8));
    }
    /* room for the model names and, right of them, the epoch numbers */
    double ticks_mm = rp_plot_text_mm("000", 0.7) + 4;
    double left = fmin(0.45, 0.03 + (lab + ticks_mm) / w_mm), y1 = 0.76, y0 = 0.12, gap = 0.012;
    double ph = (y1 - y0 - gap * (double)(np - 1)) / (double)np;
    size_t step = ne <= 6 ? 1 : (ne + 4) / 5;
    for (size_t p = 0; p < np; p++) {
        size_t k = f->order[p];
        fill_panel(f, k, z);
        double top = y1 - (double)p * (ph + gap);
        plvpor(left, 0.95, top - ph, top);
        plwind(0, (double)d->ndec_images, -0.5, (double)ne - 0.5);
        plimage((PLFLT_MATRIX)z, (PLINT)f->cols, (PLINT)ne, 0, (double)d->ndec_images, -0.5,
                (double)ne - 0.5, 0, 1, 0, (double)d->ndec_images, -0.5, (double)ne - 0.5);
        group_marks(f, (double)ne - 0.5, p == 0);
        plcol0(RP_BLACK);
        plschr(0, 0.7);
        /* epochs run from the top down: the first epoch in the top row */
        plslabelfunc(epoch_label, (PLPointer)d);
        plbox("", 0, 0, "bcnstvo", (double)step, 0);
        if (p + 1 == np) {
            plslabelfunc(whole_label, NULL);
            plbox("bcnsto", 0, 0, "", 0, 0);
        } else
            plbox("bcst", 0, 0, "", 0, 0);
        plslabelfunc(NULL, NULL);
        plschr(0, 0.8);
        PLFLT def, ht;
        plgchr(&def, &ht); /* plmtex's displacement counts character heights */
        plmtex("lv", 0.5 + ticks_mm / ht, 0.5, 1.0, text[p]);
        plschr(0, 1.0);
    }
    plvpor(left, 0.95, y0, y1);
    plwind(0, 1, 0, 1);
    plcol0(RP_BLACK);
    plmtex("b", 3.0, 0.5, 0.5, "images, sorted by models correct at the last epoch (on top)");
    plmtex("r", 1.5, 0.5, 0.5, "epoch (first at the top of each panel)");
    const char *leg[3] = {"wrong", "correct", "no result"};
    const int col[3] = {RP_PURPLE, RP_YELLOW, RP_WHITE}, box[3] = {1, 1, 1};
    plscol0(RP_PURPLE, 68, 1, 84);
    plscol0(RP_YELLOW, 253, 231, 37);
    rp_plot_legend(3, leg, col, box, NULL, NULL, 0.86);
    char tl[200];
    if (np < d->nmodels)
        snprintf(tl, sizeof tl, "Decisions over %zu epochs: the %zu most accurate of %zu models",
                 ne, np, d->nmodels);
    else
        snprintf(tl, sizeof tl, "Decisions of %zu models on %zu images over %zu epochs", d->nmodels,
                 d->ndec_images, ne);
    rp_plot_title(tl);
done:
    for (size_t c = 0; z && c < f->cols; c++)
        free(z[c]);
    free(z);
}

static int epoch_figure(const rp_ddd *d, const char *dir, dl_error *err)
{
    size_t m = d->nmodels, n = d->ndec_images;
    epoch_fig f = {.d = d};
    f.order = dl_calloc(m, sizeof *f.order);
    f.acc = dl_calloc(m, sizeof *f.acc);
    f.ncorrect = dl_calloc(n, sizeof *f.ncorrect);
    int rc = DL_ENOMEM;
    if (!f.order || !f.acc || !f.ncorrect)
        goto done;
    rp_ddd_model_order(d, f.order, f.acc);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < m; k++)
            f.ncorrect[i] += d->decisions[i * m + k];
    f.panels = m < MAX_EPOCH_PANELS ? m : MAX_EPOCH_PANELS;
    f.per_col = n ? (n + 1199) / 1200 : 1;
    f.cols = (n + f.per_col - 1) / f.per_col;
    rc = rp_plot(dir, "epoch_decisions", 2000, 420 + 230 * (double)f.panels, draw_epoch_decisions,
                 &f, err);
done:
    free(f.order);
    free(f.acc);
    free(f.ncorrect);
    return rc == DL_ENOMEM ? dl_fail(err, rc, "out of memory") : rc;
}

/* ---- class_bars ---- */

typedef struct class_fig {
    const rp_ddd *d;
    size_t *rank; /* classes, hardest first */
    size_t nrank;
} class_fig;

/* One panel of rows [from, to) of the hardest-first order, the first row on
 * top: a bar to the mean, a whisker over the models' range. */
static void class_panel(const class_fig *f, size_t from, size_t to, double x0, double x1,
                        const char *heading)
{
    const rp_ddd *d = f->d;
    size_t rows = to - from;
    double w_mm, h_mm, lab = 0;
    rp_plot_page_mm(&w_mm, &h_mm);
    char text[MAX_CLASS_ROWS][96];
    double ch = rows > 24 ? 0.6 : 0.75;
    for (size_t r = 0; r < rows; r++) {
        size_t c = f->rank[from + r];
        const char *name = d->class_names[c][0] ? d->class_names[c] : "(unnamed)";
        if (isnan(d->class_images[c]))
            snprintf(text[r], sizeof text[r], "%.60s", name);
        else
            snprintf(text[r], sizeof text[r], "%.60s (n=%.0f)", name, d->class_images[c]);
        lab = fmax(lab, rp_plot_text_mm(text[r], ch));
    }
    double left = x0 + 1.15 * lab / w_mm + 0.02; /* cairo's glyphs run wider than estimated */
    plvpor(fmin(left, x1 - 0.15), x1, 0.1, 0.77);
    plwind(0, 108, 0, (double)rows);
    for (size_t r = 0; r < rows; r++) {
        size_t c = f->rank[from + r];
        double y = (double)(rows - 1 - r), acc = 100 * d->class_acc[c];
        plcol0(RP_SKY);
        rp_plot_rect(0, y + 0.18, acc, y + 0.82);
        if (!isnan(d->class_min[c]) && !isnan(d->class_max[c])) {
            PLFLT lx[2] = {100 * d->class_min[c], 100 * d->class_max[c]},
                  ly[2] = {y + 0.5, y + 0.5};
            PLFLT tx[2] = {lx[0], lx[0]}, ty[2] = {y + 0.3, y + 0.7};
            plcol0(RP_BLACK);
            plwidth(2);
            plline(2, lx, ly);
            plline(2, tx, ty);
            tx[0] = tx[1] = lx[1];
            plline(2, tx, ty);
            plwidth(1.5);
        }
        plcol0(RP_BLACK);
        plschr(0, ch);
        plmtex("lv", 0.5, (y + 0.5) / (double)rows, 1.0, text[r]);
        plschr(0, 1.0);
    }
    plcol0(RP_BLACK);
    plschr(0, 0.8);
    plbox("bcnst", 20, 2, "bc", 0, 0);
    plschr(0, 1.0);
    plmtex("b", 2.6, 0.5, 0.5, "accuracy (% of the class's images)");
    plmtex("t", 0.8, 0.5, 0.5, heading);
}

static void draw_class_bars(const void *ctx)
{
    const class_fig *f = ctx;
    size_t n = f->nrank;
    char tl[200], h1[80], h2[80];
    if (n > MAX_CLASS_ROWS) {
        size_t half = MAX_CLASS_ROWS / 2;
        snprintf(h1, sizeof h1, "the %zu hardest", half);
        snprintf(h2, sizeof h2, "the %zu easiest", half);
        class_panel(f, 0, half, 0.01, 0.48, h1);
        class_panel(f, n - half, n, 0.5, 0.97, h2);
        snprintf(tl, sizeof tl,
                 "Accuracy per class: the %zu hardest and %zu easiest of %zu classes", half, half,
                 n);
    } else {
        class_panel(f, 0, n, 0.01, 0.95, "hardest at the top");
        snprintf(tl, sizeof tl, "Accuracy per class: %zu classes", n);
    }
    /* counts input has no per-model results: no whiskers, no legend entry */
    int spread = 0;
    for (size_t i = 0; i < n; i++)
        spread |= !isnan(f->d->class_min[f->rank[i]]);
    const char *leg[2] = {"mean over models", "least to most accurate model"};
    const int col[2] = {RP_SKY, RP_BLACK}, box[2] = {1, 0}, sty[2] = {1, 1}, mk[2] = {-1, -1};
    rp_plot_legend(spread ? 2 : 1, leg, col, box, sty, mk, 0.88);
    rp_plot_title(tl);
}

static int cmp_hardest(const void *a, const void *b, void *ctx)
{
    const rp_ddd *d = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (d->class_acc[x] != d->class_acc[y])
        return d->class_acc[x] < d->class_acc[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int class_figure(const rp_ddd *d, const char *dir, dl_error *err)
{
    class_fig f = {.d = d};
    if (!(f.rank = dl_calloc(d->nclasses, sizeof *f.rank)))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t c = 0; c < d->nclasses; c++)
        if (!isnan(d->class_acc[c]))
            f.rank[f.nrank++] = c;
    /* few hundred items: insertion sort keeps ties in the file's order */
    for (size_t i = 1; i < f.nrank; i++)
        for (size_t j = i; j > 0 && cmp_hardest(&f.rank[j], &f.rank[j - 1], (void *)d) < 0; j--) {
            size_t t = f.rank[j];
            f.rank[j] = f.rank[j - 1];
            f.rank[j - 1] = t;
        }
    size_t rows = f.nrank > MAX_CLASS_ROWS ? MAX_CLASS_ROWS / 2 : f.nrank;
    int rc = f.nrank < 2 ? 1
                         : rp_plot(dir, "class_bars", f.nrank > MAX_CLASS_ROWS ? 2000 : 1400,
                                   360 + 36 * (double)rows, draw_class_bars, &f, err);
    free(f.rank);
    return rc;
}

int rp_epoch_figures(const rp_ddd *d, const char *dir, const char **names, size_t *n, dl_error *err)
{
    int rc = 0;
    if (d->nedec && d->decisions && d->models) {
        if ((rc = epoch_figure(d, dir, err)) != 0)
            return rc;
        assert(*n < RP_MAX_FIGURES);
        names[(*n)++] = "epoch_decisions";
    }
    if (d->nclasses >= 2 && d->class_names) {
        rc = class_figure(d, dir, err);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            assert(*n < RP_MAX_FIGURES);
            names[(*n)++] = "class_bars";
        }
    }
    return 0;
}
