/* report_imgfig.c — the figure of `stimuli imagestats --out`: one panel per
 * image statistic, its values per difficulty class as jittered points with
 * a box (quartiles, whiskers to the extremes). Drawn here, through the
 * report's plotting module (report_plot.c: device check, temporary file,
 * IEND check, palette), so the command line does not link PLplot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <plplot.h>

#include "dl_report.h"
#include "report_plot.h"

/* The classes from left to right in a panel, and their Okabe-Ito colours. */
static const dl_stats_difficulty panel_order[3] = {DL_STATS_TRIVIAL, DL_STATS_IN_BETWEEN,
                                                   DL_STATS_IMPOSSIBLE};
static const int class_colour[3] = {[DL_STATS_TRIVIAL] = RP_BLUE,
                                    [DL_STATS_IN_BETWEEN] = RP_ORANGE,
                                    [DL_STATS_IMPOSSIBLE] = RP_VERMILLION};

typedef struct fig_ctx {
    const dl_report_imgfig *f;
    double *buf; /* 3 x n */
} fig_ctx;

static int cmp_value(const void *a, const void *b)
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
    plcol0(RP_BLACK);
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

/* v[c], n[c]: the values of the panel's c-th class (panel_order). */
static void draw_panel(const dl_report_imgfig *f, size_t s, double *buf)
{
    double *v[3];
    size_t n[3] = {0};
    for (int c = 0; c < 3; c++) {
        v[c] = buf + (size_t)c * f->n;
        for (size_t i = 0; i < f->n; i++) {
            double x = f->values[s * f->n + i];
            if (f->cls[i] == (int)panel_order[c] && !isnan(x))
                v[c][n[c]++] = x;
        }
        qsort(v[c], n[c], sizeof *v[c], cmp_value);
    }
    double lo, hi;
    panel_range((const double *const *)v, n, &lo, &hi);
    pladv(0);
    plvpor(0.16, 0.95, 0.2, 0.88);
    plwind(0.5, 3.5, lo, hi);
    plcol0(RP_BLACK);
    plschr(0, 0.9);
    plbox("bc", 0, 0, "bcnstv", 0, 0);
    for (int c = 0; c < 3; c++) {
        char count[32];
        snprintf(count, sizeof count, "n = %zu", n[c]);
        plcol0(RP_BLACK);
        plschr(0, 0.8);
        plmtex("b", 1.4, (c + 0.5) / 3.0, 0.5, f->class_names[panel_order[c]]);
        plmtex("b", 2.7, (c + 0.5) / 3.0, 0.5, count);
        if (n[c]) {
            draw_strip(c + 1.0, v[c], n[c], class_colour[panel_order[c]]);
            draw_box(c + 1.0, v[c], n[c]);
        }
    }
    plcol0(RP_BLACK);
    plschr(0, 1.1);
    plmtex("t", 1.2, 0.5, 0.5, f->stat_names[s]);
}

/* A statistic the same for every image (the width and height of a set
 * resized to one size) gets no panel: it would be one flat line. */
static int stat_varies(const dl_report_imgfig *f, size_t s)
{
    double first = NAN;
    for (size_t i = 0; i < f->n; i++) {
        double x = f->values[s * f->n + i];
        if (isnan(x))
            continue;
        if (isnan(first))
            first = x;
        else if (x != first)
            return 1;
    }
    return 0;
}

static size_t panels_shown(const dl_report_imgfig *f)
{
    size_t shown = 0;
    for (size_t s = 0; s < f->nstats; s++)
        shown += (size_t)stat_varies(f, s);
    return shown;
}

static void draw(const void *ctx)
{
    const fig_ctx *c = ctx;
    int all = panels_shown(c->f) == 0;
    for (size_t s = 0; s < c->f->nstats; s++)
        if (all || stat_varies(c->f, s))
            draw_panel(c->f, s, c->buf);
}

int dl_report_imagestats_figure(const dl_report_imgfig *f, const char *dir, dl_error *err)
{
    int rc = rp_plot_available(err);
    if (rc)
        return rc;
    fig_ctx c = {f, calloc(3 * f->n + 1, sizeof *c.buf)};
    if (!c.buf)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int nx = panels_shown(f) > 6 ? 4 : 3;
    rc = rp_plot_png(dir, "imagestats", 1600, 800, nx, 2, draw, &c, err);
    free(c.buf);
    return rc;
}
