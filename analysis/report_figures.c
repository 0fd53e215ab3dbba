/* report_figures.c — the figures of a results section, drawn with PLplot
 * to PNG and SVG: labelled axes with units, legends, the Okabe-Ito palette
 * and viridis for heatmaps, so they survive colour-blind readers and grey
 * print. */
#include "report_internal.h"
#include "report_plot.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

/* Class colours by dl_stats_difficulty: distinct in hue and in grey
 * (trivial light, in-between lightest, impossible middle). */
static const int class_colour[DL_REPORT_NCLASS] = {[DL_STATS_TRIVIAL] = RP_SKY,
                                                   [DL_STATS_IN_BETWEEN] = RP_YELLOW,
                                                   [DL_STATS_IMPOSSIBLE] = RP_VERMILLION};

/* The smallest "round" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a
 * power of ten) at or above v: the top of an axis. */
static double nice_max(double v)
{
    static const double steps[] = {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
    if (isnan(v) || v <= 0)
        return 1;
    double p = 1e-9;
    while (p * 10 <= v)
        p *= 10;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (steps[i] * p >= v)
            return steps[i] * p;
    return 10 * p;
}

/* ---- Figure 2: models correct per image ---- */

static void draw_ddd_histogram(const void *ctx)
{
    const rp_ddd *d = ctx;
    size_t nb = d->nbins;
    double top = 0;
    for (size_t b = 0; b < nb; b++) {
        top = fmax(top, d->fraction[b]);
        if (!isnan(d->binomial[b]))
            top = fmax(top, d->binomial[b]);
        if (!isnan(d->poisson_binomial[b]))
            top = fmax(top, d->poisson_binomial[b]);
    }
    top = nice_max(100 * top * 1.05);
    plvpor(0.1, 0.96, 0.12, 0.79);
    /* a little room below 0, so an expectation marker at ~0 shows whole */
    double y0 = -0.045 * top;
    plwind(-0.6, nb - 0.4, y0, top);
    PLFLT *x = dl_calloc(nb, sizeof *x), *y = dl_calloc(nb, sizeof *y);
    if (!x || !y)
        goto done;
    /* The trivial and impossible bins of the split (--near K), shaded. */
    if (d->near >= 0 && (size_t)d->near < nb) {
        plcol0(RP_LIGHTGREY);
        rp_plot_rect(-0.6, y0, d->near + 0.5, top);
        rp_plot_rect((double)(nb - 1 - (size_t)d->near) - 0.5, y0, nb - 0.4, top);
        plcol0(RP_GREY);
        plschr(0, 0.8);
        /* from the plot's edges inwards, so a one-bin band does not cut them */
        plptex(-0.5, top * 0.96, 1, 0, 0, "impossible");
        plptex(nb - 0.5, top * 0.96, 1, 0, 1, "trivial");
        plschr(0, 1.0);
    }
    for (size_t b = 0; b < nb; b++) {
        plcol0(RP_SKY);
        rp_plot_rect(b - 0.4, 0, b + 0.4, 100 * d->fraction[b]);
        if (d->label_error && d->nimages > 0 && d->label_error[b] > 0) {
            /* the paper's red bars: label errors among the images of this bin */
            plcol0(RP_VERMILLION);
            rp_plot_rect(b - 0.4, 0, b + 0.4, 100 * d->label_error[b] / d->nimages);
        }
        PLFLT bx[5] = {b - 0.4, b - 0.4, b + 0.4, b + 0.4, b - 0.4};
        PLFLT by[5] = {0, 100 * d->fraction[b], 100 * d->fraction[b], 0, 0};
        plcol0(RP_BLACK);
        plline(5, bx, by);
    }
    const double *exp_[2] = {d->binomial, d->poisson_binomial};
    const int col[2] = {RP_ORANGE, RP_BLUE};
    int have[2] = {0, 0};
    for (int e = 1; e >= 0; e--) { /* binomial last and smaller: both show where they meet */
        size_t k = 0;
        for (size_t b = 0; b < nb; b++)
            if (!isnan(exp_[e][b])) {
                x[k] = (double)b;
                y[k++] = 100 * exp_[e][b];
            }
        if (!k)
            continue;
        have[e] = 1;
        plcol0(col[e]);
        if (d->band_lo[e]) { /* the pointwise band of uncertainty.csv, as whiskers */
            plwidth(2);
            for (size_t b = 0; b < nb; b++) {
                PLFLT bx = (double)b, lo = 100 * d->band_lo[e][b], hi = 100 * d->band_hi[e][b];
                if (!isnan(lo) && !isnan(hi))
                    plerry(1, &bx, &lo, &hi);
            }
        }
        /* Counts are discrete: one marker per count, no line between them. */
        plwidth(1.5);
        plschr(0, e == 0 ? 0.9 : 1.4);
        plstring((PLINT)k, x, y, rp_plot_marker(e == 0 ? 0 : 1));
        plschr(0, 1.0);
    }
    plcol0(RP_BLACK);
    plbox("bcnst", nb <= 25 ? 1 : 0, 0, "bcnstv", 0, 0);
    char xl[96], tl[160];
    snprintf(xl, sizeof xl, "number of models correct (of %zu)", d->nmodels);
    snprintf(tl, sizeof tl, "Models correct per image: %.0f images, %zu models", d->nimages,
             d->nmodels);
    pllab(xl, "images (%)", "");
    const char *text[3] = {"observed", "binomial (independent, mean accuracy)",
                           "Poisson-binomial (independent, own accuracies)"};
    const char *t2[4];
    int c2[4], box2[4], st2[4], mk2[4];
    size_t n = 0;
    t2[n] = text[0], c2[n] = RP_SKY, box2[n] = 1, st2[n] = 1, mk2[n++] = -1;
    if (d->label_error)
        t2[n] = "label errors", c2[n] = RP_VERMILLION, box2[n] = 1, st2[n] = 1, mk2[n++] = -1;
    for (int e = 0; e < 2; e++)
        if (have[e])
            t2[n] = text[e + 1], c2[n] = col[e], box2[n] = 0, st2[n] = 0, mk2[n++] = e;
    rp_plot_legend(n, t2, c2, box2, st2, mk2, 0.875);
    rp_plot_title(tl);
done:
    free(x);
    free(y);
}

/* One model order for every figure: most accurate first by the decisions
 * when they are there, else the order of the tables. acc may be NULL. */
void rp_ddd_model_order(const rp_ddd *d, size_t *order, double *acc)
{
    size_t m = d->nmodels;
    double *a = acc ? acc : dl_calloc(m ? m : 1, sizeof *a);
    for (size_t k = 0; k < m; k++) {
        order[k] = k;
        if (!a)
            continue;
        size_t hits = 0;
        for (size_t i = 0; d->decisions && i < d->ndec_images; i++)
            hits += d->decisions[i * m + k];
        a[k] = d->ndec_images ? (double)hits / (double)d->ndec_images : 0;
    }
    for (size_t i = 1; a && d->decisions && i < m; i++) /* few models: insertion sort */
        for (size_t j = i; j > 0 && a[order[j]] > a[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    if (!acc)
        free(a);
}

/* ---- Figure 5: error consistency between models, all vs in-between ---- */

static void kappa_range(const double *a, const double *b, size_t n, double *lo)
{
    double m = 0;
    for (size_t i = 0; i < n * n; i++) {
        if (a && !isnan(a[i]))
            m = fmin(m, a[i]);
        if (b && !isnan(b[i]))
            m = fmin(m, b[i]);
    }
    *lo = fmax(-1, floor(m * 10) / 10);
}

static double off_diagonal_mean(const double *m, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!isnan(m[i * n + j])) {
                s += m[i * n + j];
                k++;
            }
    return k ? s / (double)k : NAN;
}

/* Margins for heatmap labels, in normalised page units. */
static void label_margins(const char *const *labels, size_t n, double *left, double *bottom)
{
    double w_mm, h_mm;
    PLFLT def, ht;
    rp_plot_page_mm(&w_mm, &h_mm);
    plgchr(&def, &ht);
    double len = rp_plot_labels_mm(labels, n) + 1.5 * ht;
    *left = len / w_mm;
    *bottom = len / h_mm;
}

static void heat_panel(double x0, double x1, double y0, const double *m, size_t n, double lo,
                       const char *const *labels, int which, const char *what)
{
    plvpas(x0, x1, y0, 0.86, 1.0);
    rp_plot_heatmap(m, n, lo, 1, labels, which, 1);
    char t[128];
    snprintf(t, sizeof t, "%s (mean κ %.2f)", what, off_diagonal_mean(m, n));
    plcol0(RP_BLACK);
    plmtex("t", 1.0, 0.5, 0.5, t);
}

static void draw_ec_models(const void *ctx)
{
    const rp_ddd *d = ctx;
    size_t n = d->nmodels;
    double lo, left, bottom;
    size_t *order = dl_calloc(n, sizeof *order);
    const char **labels = dl_calloc(n, sizeof *labels);
    double *all = d->ec_all ? dl_calloc(n * n, sizeof *all) : NULL,
           *between = d->ec_between ? dl_calloc(n * n, sizeof *between) : NULL;
    if (!order || !labels || (d->ec_all && !all) || (d->ec_between && !between))
        goto done;
    /* the decisions figure's order, so one model sits in one place */
    rp_ddd_model_order(d, order, NULL);
    for (size_t i = 0; i < n; i++) {
        labels[i] = d->models[order[i]];
        for (size_t j = 0; j < n; j++) {
            if (all)
                all[i * n + j] = d->ec_all[order[i] * n + order[j]];
            if (between)
                between[i * n + j] = d->ec_between[order[i] * n + order[j]];
        }
    }
    kappa_range(all, between, n, &lo);
    rp_plot_viridis();
    label_margins(labels, n, &left, &bottom);
    left = fmax(left + 0.01, 0.05);
    bottom = fmax(bottom + 0.02, 0.06);
    /* the right panel has the same models: labels below only; both the same
     * width, so the squares are the same size and sit level */
    double w = (0.86 - left - 0.015) / 2;
    if (all)
        heat_panel(left, left + w, bottom, all, n, lo, labels, RP_LABEL_LEFT | RP_LABEL_BOTTOM,
                   "all images");
    if (between)
        heat_panel(0.86 - w, 0.86, bottom, between, n, lo, labels, RP_LABEL_BOTTOM,
                   "in-between images");
    rp_plot_colorbar(0.89, 0.905, bottom, 0.86, lo, 1, "error consistency κ");
    rp_plot_title("Error consistency between models");
done:
    free(order);
    free(labels);
    free(all);
    free(between);
}

/* ---- observers: error consistency ---- */

static void draw_ec_observers(const void *ctx)
{
    const dl_report_trials *t = ctx;
    size_t n = t->nobservers;
    const char **labels = dl_calloc(n + 1, sizeof *labels);
    if (!labels)
        return;
    for (size_t i = 0; i < n; i++)
        labels[i] = t->observers[i].code;
    double lo, left, bottom;
    kappa_range(t->ec, NULL, n, &lo);
    label_margins(labels, n, &left, &bottom);
    rp_plot_viridis();
    plvpas(fmax(left + 0.01, 0.06), 0.84, fmax(bottom + 0.02, 0.06), 0.88, 1.0);
    rp_plot_heatmap(t->ec, n, lo, 1, labels, RP_LABEL_LEFT | RP_LABEL_BOTTOM, 1);
    if (n > 40) { /* too many to name: say what the axes hold */
        plmtex("b", 1.5, 0.5, 0.5, "observers, in order of their code");
        plmtex("l", 1.5, 0.5, 0.5, "observers, in order of their code");
    }
    rp_plot_colorbar(0.87, 0.89, fmax(bottom + 0.02, 0.06), 0.88, lo, 1, "error consistency κ");
    char tl[128];
    snprintf(tl, sizeof tl, "Error consistency between observers (mean κ %.2f)",
             t->ec_pairs.n ? t->ec_pairs.mean : NAN);
    rp_plot_title(tl);
    free(labels);
}

/* ---- observers: error consistency per pair, with bootstrap whiskers ---- */

static void hline(double x0, double x1, double y, int colour, int style);

typedef struct ec_pair_pt {
    double k, lo, hi;
} ec_pair_pt;

static int cmp_pair_pt(const void *a, const void *b)
{
    double x = ((const ec_pair_pt *)a)->k, y = ((const ec_pair_pt *)b)->k;
    return (x > y) - (x < y);
}

static void draw_ec_pairs(const void *ctx)
{
    const dl_report_trials *t = ctx;
    size_t n = t->nobservers, m = 0;
    ec_pair_pt *pt = dl_calloc(n * (n - 1) / 2 + 1, sizeof *pt);
    PLFLT *x = dl_calloc(n * (n - 1) / 2 + 1, sizeof *x),
          *y = dl_calloc(n * (n - 1) / 2 + 1, sizeof *y),
          *a = dl_calloc(n * (n - 1) / 2 + 1, sizeof *a),
          *b = dl_calloc(n * (n - 1) / 2 + 1, sizeof *b);
    if (!pt || !x || !y || !a || !b)
        goto done;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!isnan(t->ec[i * n + j]))
                pt[m++] = (ec_pair_pt){t->ec[i * n + j], t->ec_ci_low[i * n + j],
                                       t->ec_ci_high[i * n + j]};
    qsort(pt, m, sizeof *pt, cmp_pair_pt); /* sorted, so the whiskers read as a band */
    double lo = 0;
    for (size_t i = 0; i < m; i++) {
        x[i] = i + 1.0;
        y[i] = pt[i].k;
        a[i] = isnan(pt[i].lo) ? pt[i].k : pt[i].lo;
        b[i] = isnan(pt[i].hi) ? pt[i].k : pt[i].hi;
        lo = fmin(lo, a[i]);
    }
    lo = fmax(-1, floor(lo * 10 - 1) / 10);
    plvpor(0.1, 0.96, 0.12, 0.79);
    plwind(0, m + 1.0, lo, 1);
    hline(0, m + 1.0, 0, RP_GREY, 1);
    if (t->ec_pairs.n) {
        hline(0, m + 1.0, t->ec_pairs.mean, RP_VERMILLION, 1);
        hline(0, m + 1.0, t->ec_mean_ci_low, RP_VERMILLION, 2);
        hline(0, m + 1.0, t->ec_mean_ci_high, RP_VERMILLION, 2);
    }
    plcol0(RP_BLUE);
    plwidth(2.0);
    if (m)
        plerry((PLINT)m, x, a, b);
    plwidth(1.5);
    plschr(0, m > 100 ? 0.5 : 1.0);
    if (m)
        plstring((PLINT)m, x, y, rp_plot_marker(0));
    plschr(0, 1.0);
    plcol0(RP_BLACK);
    plbox("bcnt", 0, 0, "bcnstv", 0, 0);
    pllab("observer pairs, sorted by κ", "error consistency κ", "");
    char c1[96], c2[96];
    snprintf(c1, sizeof c1, "pair, %g%% interval", 100 * t->ec_boot.conf_level);
    snprintf(c2, sizeof c2, "mean κ %.2f and its %g%% interval", t->ec_pairs.mean,
             100 * t->ec_boot.conf_level);
    const char *text[2] = {c1, c2};
    const int col[2] = {RP_BLUE, RP_VERMILLION}, box[2] = {0, 0}, sty[2] = {1, 2}, mk[2] = {0, -1};
    rp_plot_legend(2, text, col, box, sty, mk, 0.875);
    char tl[160];
    snprintf(tl, sizeof tl,
             "Error consistency per pair (bootstrap over %s, %zu replicates, seed %llu)",
             t->ec_boot.resample_observers ? "items and observers" : "items", t->ec_boot.replicates,
             (unsigned long long)t->ec_boot.seed);
    rp_plot_title(tl);
done:
    free(pt);
    free(x);
    free(y);
    free(a);
    free(b);
}

/* ---- Figure 4: decisions, images sorted by models correct ---- */

typedef struct dec_fig {
    const rp_ddd *d;
    size_t cols, per_col;
    double *acc;   /* per model */
    size_t *order; /* models, most accurate first */
} dec_fig;

static double decision_labels_mm(const dec_fig *f, size_t m)
{
    double w = 0;
    for (size_t k = 0; k < m && m <= 40; k++) {
        char text[160];
        snprintf(text, sizeof text, "%s (%.0f%%)", f->d->models[k], 100 * f->acc[k]);
        w = fmax(w, rp_plot_text_mm(text, m > 16 ? 0.6 : 0.8));
    }
    return w;
}

static void decision_labels(const dec_fig *f, size_t m)
{
    if (m > 40)
        return;
    plschr(0, m > 16 ? 0.6 : 0.8);
    for (size_t r = 0; r < m; r++) {
        size_t k = f->order[r];
        char text[160];
        snprintf(text, sizeof text, "%s (%.0f%%)", f->d->models[k], 100 * f->acc[k]);
        plmtex("lv", 0.5, 1.0 - (r + 0.5) / (double)m, 1.0, text);
    }
    plschr(0, 1.0);
}

static void count_label(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
    (void)axis;
    (void)data;
    snprintf(label, (size_t)length, "%.0f", value);
}

/* ---- Figure 14: accuracy per model, in the raster's order ---- */

static void draw_model_accuracy(const void *ctx)
{
    const dec_fig *f = ctx;
    size_t m = f->d->nmodels;
    double w_mm, h_mm;
    rp_plot_page_mm(&w_mm, &h_mm);
    double left = 0.04 + decision_labels_mm(f, m) / w_mm;
    plvpor(fmin(left, 0.45), 0.9, 0.14, 0.86);
    plwind(0, 100, 0, (double)m);
    plschr(0, m > 16 ? 0.6 : 0.8);
    for (size_t r = 0; r < m; r++) {
        size_t k = f->order[r];
        double y = (double)(m - 1 - r);
        plcol0(RP_BLUE);
        rp_plot_rect(0, y + 0.15, 100 * f->acc[k], y + 0.85);
        char v[32];
        snprintf(v, sizeof v, "%.1f%%", 100 * f->acc[k]);
        plcol0(RP_BLACK);
        plptex(100 * f->acc[k] + 1, y + 0.5, 1, 0, 0, v);
        if (m <= 40)
            plmtex("lv", 0.5, (y + 0.5) / (double)m, 1.0, f->d->models[k]);
    }
    plschr(0, 1.0);
    plbox("bcnst", 20, 0, "bc", 0, 0);
    pllab("accuracy (% of images)", "", "");
    char tl[160];
    snprintf(tl, sizeof tl, "Accuracy of %zu models on %zu images", m, f->d->ndec_images);
    rp_plot_title(tl);
}

static void draw_decisions(const void *ctx)
{
    const dec_fig *f = ctx;
    const rp_ddd *d = f->d;
    size_t m = d->nmodels, nc = f->cols;
    PLFLT **z = dl_calloc(nc, sizeof *z);
    for (size_t c = 0; z && c < nc; c++) {
        if (!(z[c] = dl_calloc(m, sizeof **z)))
            goto done;
        size_t from = c * f->per_col, to = from + f->per_col;
        to = to > d->ndec_images ? d->ndec_images : to;
        for (size_t r = 0; r < m; r++) {
            size_t k = f->order[r], hits = 0;
            for (size_t i = from; i < to; i++)
                hits += d->decisions[i * m + k];
            z[c][m - 1 - r] = to > from ? (double)hits / (double)(to - from) : 0;
        }
    }
    if (!z)
        return;
    /* The paper's colouring: wrong dark (purple), right light (yellow). */
    double pos[2] = {0, 1}, rr[2] = {68 / 255.0, 253 / 255.0}, gg[2] = {1 / 255.0, 231 / 255.0},
           bb[2] = {84 / 255.0, 37 / 255.0};
    plscmap1n(256);
    plscmap1l(1, 2, pos, rr, gg, bb, NULL);
    double w_mm, h_mm;
    rp_plot_page_mm(&w_mm, &h_mm);
    double left = 0.04 + decision_labels_mm(f, m) / w_mm;
    plvpor(fmin(left, 0.45), 0.95, 0.14, 0.76);
    plwind(0, (double)d->ndec_images, 0, (double)m);
    plimage((PLFLT_MATRIX)z, (PLINT)nc, (PLINT)m, 0, (double)d->ndec_images, 0, (double)m, 0, 1, 0,
            (double)d->ndec_images, 0, (double)m);
    /* Where each group of images with k models correct begins. */
    plschr(0, 0.7);
    double last = -1e300; /* centre of the last number drawn: numbers must not touch */
    for (size_t i = 0, k0 = SIZE_MAX; i < d->ndec_images; i++) {
        size_t k = 0;
        for (size_t j = 0; j < m; j++)
            k += d->decisions[i * m + j];
        if (k == k0)
            continue;
        size_t end = i;
        while (end < d->ndec_images) {
            size_t kk = 0;
            for (size_t j = 0; j < m; j++)
                kk += d->decisions[end * m + j];
            if (kk != k)
                break;
            end++;
        }
        k0 = k;
        PLFLT lx[2] = {(double)i, (double)i}, ly[2] = {0, (double)m};
        plcol0(RP_WHITE);
        plwidth(1);
        if (i > 0)
            plline(2, lx, ly);
        char kt[16];
        snprintf(kt, sizeof kt, "%zu", k);
        plcol0(RP_BLACK);
        double mid = (double)i + (double)(end - i) / 2, n = (double)d->ndec_images;
        if ((double)(end - i) > 0.012 * n && mid - last > 0.02 * n) {
            plmtex("t", 0.5, mid / n, 0.5, kt);
            last = mid;
        }
    }
    plschr(0, 1.0);
    plwidth(1.5);
    plcol0(RP_BLACK);
    /* Image counts as whole numbers: PLplot's "(x10^4)" exponent collides with the last label. */
    plslabelfunc(count_label, NULL);
    plbox("bcnsto", 0, 0, "bc", 0, 0);
    plslabelfunc(NULL, NULL);
    decision_labels(f, m);
    pllab("images, sorted by the number of models correct (on top)", "", "");
    char tl[160];
    snprintf(tl, sizeof tl, "Decisions of %zu models on %zu images", m, d->ndec_images);
    const char *text[2] = {"wrong", "correct"};
    const int col[2] = {RP_PURPLE, RP_YELLOW}, box[2] = {1, 1};
    /* the legend boxes use colour map 0, so borrow two slots for the ends */
    plscol0(RP_PURPLE, 68, 1, 84);
    plscol0(RP_YELLOW, 253, 231, 37);
    rp_plot_legend(2, text, col, box, NULL, NULL, 0.86);
    rp_plot_title(tl);
done:
    for (size_t c = 0; z && c < nc; c++)
        free(z[c]);
    free(z);
}

/* ---- observer accuracy with intervals ---- */

/* The longest observer code at character scale ch, in mm. */
static double longest_code_mm(const dl_report_trials *t, double ch)
{
    double m = 0;
    for (size_t i = 0; i < t->nobservers; i++)
        m = fmax(m, rp_plot_text_mm(t->observers[i].code, ch));
    return m;
}

static double code_scale(const dl_report_trials *t)
{
    return t->nobservers > 16 ? 0.7 : 0.9;
}

/* Observer codes run down below the axis, so the bottom margin grows with
 * the longest code. */
static double observer_margin(const dl_report_trials *t)
{
    if (t->nobservers > 40)
        return 0.12;
    double w_mm, h_mm;
    PLFLT def, ht;
    rp_plot_page_mm(&w_mm, &h_mm);
    plgchr(&def, &ht);
    double m = (longest_code_mm(t, code_scale(t)) + 3.5 * ht) / h_mm;
    return m < 0.1 ? 0.1 : m > 0.4 ? 0.4 : m;
}

static void observer_axis(const dl_report_trials *t)
{
    size_t n = t->nobservers;
    if (n > 40) {
        plbox("bcnst", 0, 0, "bcnstv", 0, 0);
        pllab("observer (in order of their code)", "accuracy (% correct)", "");
        return;
    }
    plbox("bc", 0, 0, "bcnstv", 0, 0);
    double ch = code_scale(t);
    PLFLT def, ht;
    plgchr(&def, &ht);
    plschr(0, ch);
    for (size_t i = 0; i < n; i++)
        plmtex("bv", 0.6, (i + 1.0) / (n + 1.0) + 0.004, 1.0, t->observers[i].code);
    plschr(0, 1.0);
    pllab("", "accuracy (% correct)", "");
    plmtex("b", 1.6 + longest_code_mm(t, ch) / ht, 0.5, 0.5, "observer");
}

static void hline(double x0, double x1, double y, int colour, int style)
{
    PLFLT x[2] = {x0, x1}, yy[2] = {y, y};
    plcol0(colour);
    pllsty(style);
    plwidth(2.5);
    plline(2, x, yy);
    pllsty(1);
    plwidth(1.5);
}

static void draw_accuracy(const void *ctx)
{
    const dl_report_trials *t = ctx;
    size_t n = t->nobservers;
    double lo = 100 * t->chance;
    for (size_t i = 0; i < n; i++)
        lo = fmin(lo, 100 * t->observers[i].ci_low);
    lo = fmax(0, floor((lo - 5) / 10) * 10);
    PLFLT *x = dl_calloc(n, sizeof *x), *y = dl_calloc(n, sizeof *y), *a = dl_calloc(n, sizeof *a),
          *b = dl_calloc(n, sizeof *b);
    if (!x || !y || !a || !b)
        goto done;
    plvpor(0.1, 0.96, observer_margin(t), 0.79);
    plwind(0, n + 1.0, lo, 100);
    for (size_t i = 0; i < n; i++) {
        x[i] = i + 1.0;
        y[i] = 100 * t->observers[i].accuracy;
        a[i] = 100 * t->observers[i].ci_low;
        b[i] = 100 * t->observers[i].ci_high;
    }
    hline(0, n + 1.0, 100 * t->chance, RP_VERMILLION, 2);
    if (t->accuracy.n)
        hline(0, n + 1.0, 100 * t->accuracy.mean, RP_GREY, 3);
    plcol0(RP_BLUE);
    plwidth(2.5);
    plerry((PLINT)n, x, a, b);
    plwidth(1.5);
    plschr(0, n > 40 ? 0.6 : 1.0);
    plstring((PLINT)n, x, y, rp_plot_marker(0));
    plschr(0, 1.0);
    plcol0(RP_BLACK);
    observer_axis(t);
    char c1[64], c2[64];
    snprintf(c1, sizeof c1, "chance (%.4g%%)", 100 * t->chance);
    snprintf(c2, sizeof c2, "group mean (%.1f%%)", 100 * t->accuracy.mean);
    const char *text[3] = {"observer, 95% interval", c1, c2};
    const int col[3] = {RP_BLUE, RP_VERMILLION, RP_GREY}, box[3] = {0, 0, 0}, sty[3] = {1, 2, 3},
              mk[3] = {0, -1, -1};
    rp_plot_legend(3, text, col, box, sty, mk, 0.875);
    rp_plot_title("Observer accuracy with 95% Clopper–Pearson intervals");
done:
    free(x);
    free(y);
    free(a);
    free(b);
}

/* ---- alpha per question with its bootstrap interval ---- */

/* Each question's alpha with its percentile interval as whiskers, the
 * leave-one-observer-out alphas as small grey dots beside it (an observer
 * whose removal lifts alpha shows as a dot above), and Krippendorff's
 * thresholds 0.667 and 0.8 as lines. */
static void draw_alpha(const void *ctx)
{
    const dl_report_ratings *g = ctx;
    double lo = 0.6, hi = 0.85, nq = (double)g->nquestions;
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        if (!isnan(Q->alpha_boot.ci_low))
            lo = fmin(lo, Q->alpha_boot.ci_low);
        if (!isnan(Q->alpha_boot.ci_high))
            hi = fmax(hi, Q->alpha_boot.ci_high);
        for (size_t o = 0; Q->alpha_without && o < g->nobservers; o++)
            if (!isnan(Q->alpha_without[o]))
                lo = fmin(lo, Q->alpha_without[o]);
    }
    lo = floor(lo * 10 - 0.5) / 10;
    hi = fmin(1.0, ceil(hi * 10 + 0.5) / 10);
    plvpor(0.12, 0.96, 0.14, 0.79);
    plwind(0.5, nq + 0.5, lo, hi);
    hline(0.5, nq + 0.5, 0.667, RP_VERMILLION, 2);
    hline(0.5, nq + 0.5, 0.8, RP_GREEN, 3);
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        PLFLT x = q + 1.0, y = Q->alpha.alpha, a = Q->alpha_boot.ci_low, b = Q->alpha_boot.ci_high;
        plcol0(RP_GREY);
        plschr(0, 0.6);
        for (size_t o = 0; Q->alpha_without && o < g->nobservers; o++) {
            PLFLT xo = x + 0.18, yo = Q->alpha_without[o];
            if (!isnan(yo))
                plstring(1, &xo, &yo, rp_plot_marker(0));
        }
        plschr(0, 1.0);
        if (isnan(y))
            continue;
        plcol0(RP_BLUE);
        plwidth(2.5);
        if (!isnan(a))
            plerry(1, &x, &a, &b);
        plwidth(1.5);
        plstring(1, &x, &y, rp_plot_marker(0));
    }
    plcol0(RP_BLACK);
    plbox("bc", 0, 0, "bcnstv", 0, 0);
    for (size_t q = 0; q < g->nquestions; q++)
        plmtex("b", 1.5, ((double)q + 0.5) / nq, 0.5, g->q[q].name);
    plmtex("l", 4.0, 0.5, 0.5, "Krippendorff's alpha");
    char c0[64], title[128];
    snprintf(c0, sizeof c0, "alpha, %g%% interval", 100 * g->q[0].alpha_boot.conf);
    snprintf(title, sizeof title, "Krippendorff's alpha, bootstrap over items (%zu, seed %llu)",
             g->q[0].alpha_boot.replicates, (unsigned long long)g->q[0].alpha_boot.seed);
    const char *text[4] = {c0, "one observer left out", "0.667", "0.8"};
    const int col[4] = {RP_BLUE, RP_GREY, RP_VERMILLION, RP_GREEN}, box[4] = {0, 0, 0, 0},
              sty[4] = {1, 1, 2, 3}, mk[4] = {0, 0, -1, -1};
    rp_plot_legend(4, text, col, box, sty, mk, 0.875);
    rp_plot_title(title);
}

/* ---- Figure 6: classes per answer option ---- */

/* Bars of one question; the rare high counts of Q1 share one bar so no bar
 * rests on a handful of answers (the exact counts are in answers.csv). */
typedef struct bar {
    char label[32];
    size_t n;
    size_t nclass[DL_REPORT_NCLASS];
} bar;

static size_t make_bars(const dl_report_question *Q, int merge_tail, bar *bars, size_t cap)
{
    size_t na = Q->nanswers, total = 0, first_merged = na;
    for (size_t k = 0; k < na; k++)
        total += Q->answers[k].n;
    if (merge_tail && na > 2) {
        size_t min = total / 50 > 10 ? total / 50 : 10, tail = 0, k = na;
        while (k > 1 && tail < min)
            tail += Q->answers[--k].n;
        if (na - k >= 2)
            first_merged = k;
    }
    size_t nb = 0;
    for (size_t k = 0; k < na; k++) {
        const dl_report_answer *a = &Q->answers[k];
        if (k <= first_merged) {
            if (nb == cap)
                break;
            bar *b = &bars[nb++];
            if (k == first_merged)
                snprintf(b->label, sizeof b->label, "≥%d", a->value);
            else if (a->label)
                snprintf(b->label, sizeof b->label, "%s", a->label);
            else
                snprintf(b->label, sizeof b->label, "%d", a->value);
        }
        bar *b = &bars[nb - 1];
        b->n += a->n;
        for (int c = 0; c < DL_REPORT_NCLASS; c++)
            b->nclass[c] += a->nclass[c];
    }
    return nb;
}

static void stacked_bar(double x, const bar *b)
{
    size_t known = b->nclass[0] + b->nclass[1] + b->nclass[2];
    double y = 0; /* trivial at the bottom */
    for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE && known; c--) {
        double h = 100.0 * (double)b->nclass[c] / (double)known;
        plcol0(class_colour[c]);
        rp_plot_rect(x - 0.35, y, x + 0.35, y + h);
        PLFLT bx[5] = {x - 0.35, x - 0.35, x + 0.35, x + 0.35, x - 0.35};
        PLFLT by[5] = {y, y + h, y + h, y, y};
        plcol0(RP_BLACK);
        plline(5, bx, by);
        y += h;
    }
    char n[32];
    snprintf(n, sizeof n, "%zu", b->n);
    plschr(0, 0.75);
    plptex(x, 104.5, 1, 0, 0.5, n);
    plschr(0, 1.0);
}

/* text cut at a character boundary (with "…") so it is at most max_mm wide
 * at the current character height. */
static void fit_text(char *buf, double max_mm)
{
    size_t len = strlen(buf);
    if (rp_plot_text_mm(buf, 1.0) <= max_mm)
        return;
    while (len > 0) {
        do
            len--;
        while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80);
        buf[len] = '\0';
        char tmp[600]; /* callers' buffers hold 512 bytes */
        snprintf(tmp, sizeof tmp, "%.512s…", buf);
        if (rp_plot_text_mm(tmp, 1.0) <= max_mm) {
            snprintf(buf + len, 4, "…");
            return;
        }
    }
}

/* The paper's short titles for its three questions (v1 wording or the
 * experiment file's default, which adds examples); others get "Qk: " and
 * their own text, cut to the panel's width. */
static void panel_title(const dl_report_question *Q, size_t q, double max_mm, char *buf, size_t cap)
{
    static const char *const paper[3] = {
        "How many objects belonging to different categories are in the image?",
        "Is there a main category in the image?",
        "Is the presentation of the objects unusual in any manner"};
    static const char *const short_q[3] = {"Q1: how many categories?", "Q2: a main category?",
                                           "Q3: unusual presentation?"};
    if (q < 3 && strncmp(Q->text, paper[q], strlen(paper[q])) == 0) {
        snprintf(buf, cap, "%s", short_q[q]);
        return;
    }
    snprintf(buf, cap, "Q%s: %s", Q->name + 1, Q->text); /* "q4" -> "Q4: ..." */
    fit_text(buf, max_mm);
}

/* Answer labels under the bars: smaller when the widest would not fit its
 * slot (never below 0.55), and every second one a line lower when they still
 * would not. Returns the extra lines taken. */
static double bar_labels(const bar *bars, size_t nb, double panel_mm)
{
    double widest = 0, slot = panel_mm / ((double)nb + 0.4);
    for (size_t k = 0; k < nb; k++)
        widest = fmax(widest, rp_plot_text_mm(bars[k].label, 1.0));
    double scale = widest > 0.92 * slot ? fmax(0.55, 0.92 * slot / widest) : 1.0;
    int stagger = widest * scale > 0.92 * slot;
    if (scale < 1.0)
        plschr(0, scale);
    for (size_t k = 0; k < nb; k++)
        plmtex("b", 1.3 + (stagger && k % 2 ? 1.1 : 0), (k + 1.0 - 0.3) / (nb + 0.4), 0.5,
               bars[k].label);
    if (scale < 1.0)
        plschr(0, 1.0);
    return stagger ? 1.1 * scale : 0;
}

static void answer_panel(const dl_report_question *Q, size_t q, double x0, double x1, double y0,
                         double y1, int first_in_row, int one_row)
{
    bar bars[24];
    memset(bars, 0, sizeof bars);
    size_t nb = make_bars(Q, Q->type == DL_REPORT_Q_COUNT, bars, 24);
    plvpor(x0, x1, y0, y1);
    plwind(0.3, nb + 0.7, 0, 110);
    for (size_t k = 0; k < nb; k++)
        stacked_bar(k + 1.0, &bars[k]);
    plcol0(RP_BLACK);
    plbox("bc", 0, 0, first_in_row ? "bcnstv" : "bcstv", 20, 2);
    double page_w, page_h;
    rp_plot_page_mm(&page_w, &page_h);
    double panel_mm = (x1 - x0) * page_w;
    double extra = bar_labels(bars, nb, panel_mm);
    char title[512];
    panel_title(Q, q, 0.98 * panel_mm, title, sizeof title);
    plmtex("t", 1.0, 0.5, 0.5, title);
    plmtex("b", 3.4 + extra, 0.5, 0.5,
           Q->type != DL_REPORT_Q_COUNT ? "answer"
           : q == 0 && strcmp(title, "Q1: how many categories?") == 0
               ? "answer (number of categories)"
               : "answer (count)");
    /* the long label would run into the next row's */
    if (first_in_row)
        plmtex("l", 4.3, 0.5, 0.5,
               one_row ? "image classes among the answers (%)" : "image classes (%)");
}

/* Up to three panels per row; one row is the paper's figure (2200 x 950 px),
 * each further row adds ANSWERS_ROW_PX. */
#define ANSWERS_W_PX 2200
#define ANSWERS_H_PX 950
#define ANSWERS_ROW_PX 780

static int answers_height(const dl_report_ratings *g)
{
    size_t rows = (g->nquestions + 2) / 3;
    return ANSWERS_H_PX + (int)(rows > 1 ? rows - 1 : 0) * ANSWERS_ROW_PX;
}

static void draw_answers(const void *ctx)
{
    const dl_report_ratings *g = ctx;
    size_t nq = g->nquestions, ncol = nq < 3 ? nq : 3;
    double h = answers_height(g);
    if (h != ANSWERS_H_PX) {
        /* PLplot's default character height grows with the page's width +
         * height: keep the one-row page's, so text and panels match it */
        PLFLT def, ht;
        double w_mm, h_mm;
        plgchr(&def, &ht);
        rp_plot_page_mm(&w_mm, &h_mm);
        plschr(def * (w_mm + h_mm * ANSWERS_H_PX / h) / (w_mm + h_mm), 1.0);
    }
    for (size_t q = 0; q < nq; q++) {
        size_t rowi = q / 3, coli = q % 3;
        double x0, x1;
        if (ncol == 3) {
            static const double a[3] = {0.08, 0.4, 0.715}, b[3] = {0.355, 0.675, 0.985};
            x0 = a[coli];
            x1 = b[coli];
        } else {
            double w = (0.905 - 0.045 * (double)(ncol - 1)) / (double)ncol;
            x0 = 0.08 + (double)coli * (w + 0.045);
            x1 = x0 + w;
        }
        /* in pixels from the top: the first row's panel spans 228-788 */
        double top = 228 + (double)rowi * ANSWERS_ROW_PX, bottom = top + 560;
        double y1 = h == ANSWERS_H_PX ? 0.76 : 1 - top / h;
        double y0 = h == ANSWERS_H_PX ? 0.17 : 1 - bottom / h;
        answer_panel(&g->q[q], q, x0, x1, y0, y1, coli == 0, h == ANSWERS_H_PX);
    }
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(RP_BLACK);
    const char *text[3] = {"trivial", "in-between", "impossible"};
    const int col[3] = {class_colour[DL_STATS_TRIVIAL], class_colour[DL_STATS_IN_BETWEEN],
                        class_colour[DL_STATS_IMPOSSIBLE]},
              box[3] = {1, 1, 1};
    const char *title = "Image classes per answer option (numbers above bars: answers)";
    if (h == ANSWERS_H_PX) {
        rp_plot_legend(3, text, col, box, NULL, NULL, 0.865);
        rp_plot_title(title);
        return;
    }
    /* a taller page: legend and title as far from the top as on one row */
    rp_plot_legend(3, text, col, box, NULL, NULL, 1 - (1 - 0.865) * ANSWERS_H_PX / h);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(RP_BLACK);
    plschr(0, 1.15);
    plptex(0.5, 1 - (1 - 0.945) * ANSWERS_H_PX / h, 1, 0, 0.5, title);
    plschr(0, 1.0);
}

/* ---- classes by accuracy ---- */

static void draw_class_accuracy(const void *ctx)
{
    const rp_ddd *d = ctx;
    size_t n = d->nclasses;
    plvpor(0.1, 0.96, 0.14, 0.79);
    plwind(0.5, (double)n + 0.5, 0, 100);
    for (size_t i = 0; i < n; i++) {
        double total = d->class_split[DL_STATS_TRIVIAL][i] +
                       d->class_split[DL_STATS_IN_BETWEEN][i] +
                       d->class_split[DL_STATS_IMPOSSIBLE][i],
               y = 0;
        for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE && total > 0; c--) {
            double h = 100 * d->class_split[c][i] / total;
            plcol0(class_colour[c]);
            rp_plot_rect((double)i + 0.5, y, (double)i + 1.5, y + h);
            y += h;
        }
    }
    PLFLT *x = dl_calloc(n, sizeof *x), *y = dl_calloc(n, sizeof *y);
    for (size_t i = 0; x && y && i < n; i++) {
        x[i] = (double)i + 1;
        y[i] = 100 * d->class_acc[i];
    }
    plcol0(RP_BLACK);
    plwidth(3);
    if (x && y)
        plline((PLINT)n, x, y);
    plwidth(1.5);
    free(x);
    free(y);
    plslabelfunc(count_label, NULL);
    plbox("bcnsto", 0, 0, "bcnstv", 0, 0);
    plslabelfunc(NULL, NULL);
    pllab("classes, ranked by the mean accuracy of the models", "images of the class (%)", "");
    const char *text[4] = {"trivial", "in-between", "impossible", "accuracy (%)"};
    const int col[4] = {class_colour[DL_STATS_TRIVIAL], class_colour[DL_STATS_IN_BETWEEN],
                        class_colour[DL_STATS_IMPOSSIBLE], RP_BLACK},
              box[4] = {1, 1, 1, 0}, sty[4] = {1, 1, 1, 1}, mk[4] = {-1, -1, -1, -1};
    rp_plot_legend(4, text, col, box, sty, mk, 0.875);
    char tl[160];
    snprintf(tl, sizeof tl, "Classes by accuracy: %zu classes", n);
    rp_plot_title(tl);
}

/* ---- agreement over epochs ---- */

static void draw_agreement(const void *ctx)
{
    const rp_ddd *d = ctx;
    size_t n = d->nepochs, ns = d->nseries < 8 ? d->nseries : 8;
    double e0 = d->epochs[0], e1 = d->epochs[0];
    for (size_t i = 0; i < n; i++) {
        e0 = fmin(e0, d->epochs[i]);
        e1 = fmax(e1, d->epochs[i]);
    }
    if (e1 == e0)
        e1 = e0 + 1;
    plvpor(0.1, 0.96, 0.12, 0.79);
    /* a margin on every side, so markers at the first and last epoch and at
     * 0 or 1 are drawn whole */
    double mx = 0.03 * (e1 - e0);
    plwind(e0 - mx, e1 + mx, -0.04, 1.05);
    const char *text[8];
    int col[8], box[8], sty[8], mk[8];
    PLFLT *x = dl_calloc(n, sizeof *x), *y = dl_calloc(n, sizeof *y);
    for (size_t s = 0; x && y && s < ns; s++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(d->series[s * n + i])) {
                x[k] = d->epochs[i];
                y[k++] = d->series[s * n + i];
            }
        text[s] = d->series_names[s];
        col[s] = rp_series_colour[s];
        box[s] = 0;
        sty[s] = (int)(s % 8) + 1;
        mk[s] = n <= 60 ? (int)s : -1;
        plcol0(col[s]);
        pllsty(sty[s]);
        /* earlier series wider: where series coincide (all at 0) each
         * still shows as a rim around the next */
        plwidth(2.5 + 2.0 * (double)(ns - 1 - s));
        plline((PLINT)k, x, y);
        pllsty(1);
        plwidth(1.5);
        if (mk[s] >= 0)
            plstring((PLINT)k, x, y, rp_plot_marker(mk[s]));
    }
    plcol0(RP_BLACK);
    plbox("bcnst", 0, 0, "bcnstv", 0, 0);
    pllab("epoch", "agreement (fraction of images)", "");
    rp_plot_legend(ns, text, col, box, sty, mk, 0.875);
    rp_plot_title("Agreement between models over training");
    free(x);
    free(y);
}

/* ---- the list ---- */

static const struct {
    const char *name, *caption;
} captions[] = {
    {"ddd_histogram", "Number of models that classify each image correctly (bars; red: images "
                      "with a label error, when per_image.csv marks them; grey bands: the "
                      "impossible and trivial bins of the split), with the expectation "
                      "(markers) for independent models of the same mean accuracy (binomial) "
                      "and of their own accuracies (Poisson-binomial); after 'stimuli analyse "
                      "--bootstrap', whiskers show each expectation's pointwise band. "
                      "Dichotomous data "
                      "difficulty shows as mass at both ends (cf. Meding et al. 2022, Fig. 2)."},
    {"ec_models", "Error consistency κ between models on all images (left) and on the "
                  "in-between images only (right); grey: undefined (cf. Fig. 5)."},
    {"decisions", "Each model's decision per image (light: correct, dark: wrong, as in the "
                  "paper); images sorted by the number of models correct, models by accuracy "
                  "(cf. Fig. 4); white lines and the numbers on top mark where each number of "
                  "models correct begins. Columns average neighbouring images when there are "
                  "more images than pixels."},
    {"class_accuracy", "Classes ranked by the mean accuracy of the models (black line); bars: "
                       "the shares of the class's images that are trivial, in-between and "
                       "impossible (class_accuracy.csv)."},
    {"model_accuracy", "Accuracy of each model on all images, in the order of the decisions "
                       "figure (cf. Fig. 14)."},
    {"agreement", "Agreement between models per training epoch (columns of agreement.csv)."},
    {"epoch_decisions",
     "Each model's decision per image at every training epoch (light: correct, dark: wrong, "
     "white: no result; cf. the paper's Fig. 8): one panel per model, epochs from the top "
     "down, images in the order of the decisions figure (sorted by the number of models "
     "correct at the last epoch; white lines and the numbers on top mark where each number "
     "begins), so a column that turns light shows when in training its images are learnt. "
     "Columns average neighbouring images when there are more images than pixels "
     "(epoch_decisions.csv)."},
    {"class_bars",
     "Accuracy per class: the mean over models (bar) and the range from the "
     "least to the most accurate model (black whisker; none for aggregate counts, which hold "
     "no per-model results), classes sorted from the hardest; "
     "with more than 40 classes only the 20 hardest (left) and the 20 easiest (right) are "
     "shown, and the title says how many there are (all of them in class_accuracy.csv)."},
    {"observer_accuracy", "Accuracy of each observer with its 95% Clopper–Pearson interval; the "
                          "orange line is chance, the dashed grey line the group mean."},
    {"ec_observers", "Error consistency κ between every pair of observers over the items both "
                     "saw; grey: undefined."},
    {"ec_pairs", "Error consistency κ of every pair of observers, sorted, with its percentile "
                 "bootstrap interval (whiskers; items resampled, one draw for all pairs); red: "
                 "the mean over pairs and its interval (dashed); pairs whose κ is undefined "
                 "are left out."},
    {"alpha", "Krippendorff's alpha per question with its bootstrap percentile interval over "
              "items (whiskers); grey dots: alpha with one observer left out; lines: 0.667 and "
              "0.8, the smallest acceptable values."},
    {"answers", "Share of trivial, in-between and impossible images among the images that got "
                "each answer, over all observers' answers (cf. Fig. 6); numbers above the bars "
                "count answers."},
};

const char *rp_figure_caption(const char *name)
{
    for (size_t i = 0; i < sizeof captions / sizeof *captions; i++)
        if (strcmp(captions[i].name, name) == 0)
            return captions[i].caption;
    return "";
}

static int decisions_figure(const rp_ddd *d, const char *dir, dl_error *err)
{
    size_t m = d->nmodels;
    dec_fig f = {.d = d};
    f.acc = dl_calloc(m, sizeof *f.acc);
    f.order = dl_calloc(m, sizeof *f.order);
    if (!f.acc || !f.order) {
        free(f.acc);
        free(f.order);
        return dl_fail(err, DL_ENOMEM, "out of memory");
    }
    rp_ddd_model_order(d, f.order, f.acc);
    f.per_col = d->ndec_images ? (d->ndec_images + 1199) / 1200 : 1;
    f.cols = (d->ndec_images + f.per_col - 1) / f.per_col;
    int rc = rp_plot(dir, "decisions", 2000, m > 16 ? 1200 : 800, draw_decisions, &f, err);
    if (!rc)
        rc = rp_plot(dir, "model_accuracy", 1400, 300 + 60 * (double)(m < 40 ? m : 40),
                     draw_model_accuracy, &f, err);
    free(f.acc);
    free(f.order);
    return rc;
}

static int add(const char **names, size_t *n, const char *name)
{
    assert(*n < RP_MAX_FIGURES);
    names[(*n)++] = name;
    return 0;
}

static int ddd_figures(const rp_ddd *d, const char *dir, const char **names, size_t *n,
                       dl_error *err)
{
    int rc = rp_plot(dir, "ddd_histogram", 1600, 1000, draw_ddd_histogram, d, err);
    if (!rc)
        add(names, n, "ddd_histogram");
    if (!rc && (d->ec_all || d->ec_between) &&
        !(rc = rp_plot(dir, "ec_models", 2200, 1250, draw_ec_models, d, err)))
        add(names, n, "ec_models");
    if (!rc && d->decisions && !(rc = decisions_figure(d, dir, err))) {
        add(names, n, "decisions");
        add(names, n, "model_accuracy");
    }
    if (!rc && d->nclasses >= 2 &&
        !(rc = rp_plot(dir, "class_accuracy", 1600, 900, draw_class_accuracy, d, err)))
        add(names, n, "class_accuracy");
    if (!rc && d->nepochs && d->nseries &&
        !(rc = rp_plot(dir, "agreement", 1600, 1000, draw_agreement, d, err)))
        add(names, n, "agreement");
    if (!rc)
        rc = rp_epoch_figures(d, dir, names, n, err);
    return rc;
}

int rp_write_figures(const dl_report *r, const char *dir, const char **names, size_t *nnames,
                     dl_error *err)
{
    *nnames = 0;
    int rc = rp_plot_available(err);
    const dl_report_trials *t = dl_report_get_trials(r);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    if (!rc && r->ddd)
        rc = ddd_figures(r->ddd, dir, names, nnames, err);
    if (!rc && t && !(rc = rp_plot(dir, "observer_accuracy", 1600, 1000, draw_accuracy, t, err)))
        add(names, nnames, "observer_accuracy");
    if (!rc && t && t->nobservers >= 2 &&
        !(rc = rp_plot(dir, "ec_observers", 1300, 1150, draw_ec_observers, t, err)))
        add(names, nnames, "ec_observers");
    if (!rc && t && t->nobservers >= 2 && t->ec_ci_low &&
        !(rc = rp_plot(dir, "ec_pairs", 1600, 1000, draw_ec_pairs, t, err)))
        add(names, nnames, "ec_pairs");
    if (!rc && g &&
        !(rc = rp_plot(dir, "answers", ANSWERS_W_PX, answers_height(g), draw_answers, g, err)))
        add(names, nnames, "answers");
    if (!rc && g && g->q[0].has_alpha_boot &&
        !(rc = rp_plot(dir, "alpha", 1300, 1000, draw_alpha, g, err)))
        add(names, nnames, "alpha");
    return rc;
}
