/* report_plot.h — private to analysis/report*.c: the PLplot primitives the
 * figures share (devices, palette, heatmaps, colour bars, legends). */
#ifndef DL_REPORT_PLOT_H
#define DL_REPORT_PLOT_H

#include <stddef.h>

#include "dl_common.h"

/* Colour map 0 indices: the Okabe-Ito palette (safe for the common colour
 * vision deficiencies and distinct in grey print), plus greys. */
enum {
    RP_WHITE = 0,
    RP_BLACK = 1,
    RP_ORANGE = 2,
    RP_SKY = 3,
    RP_GREEN = 4,
    RP_YELLOW = 5,
    RP_BLUE = 6,
    RP_VERMILLION = 7,
    RP_PURPLE = 8,
    RP_GREY = 9,
    RP_LIGHTGREY = 10,
    RP_NCOLOURS = 11
};

/* The series colours in order of use: blue, vermillion, green, orange,
 * purple, sky, yellow, black. */
extern const int rp_series_colour[8];

typedef void (*rp_draw_fn)(const void *ctx);

/* Draw one figure twice, to DIR/NAME.png (pngcairo) and DIR/NAME.svg
 * (svgcairo), each through a temporary file renamed into place. */
int rp_plot(const char *dir, const char *name, double w_px, double h_px, rp_draw_fn draw,
            const void *ctx, dl_error *err);

/* Draw one figure of nx x ny subpages to DIR/NAME.png only, through a
 * temporary file checked for its IEND chunk and renamed into place; draw
 * advances to each subpage itself (pladv(0)). */
int rp_plot_png(const char *dir, const char *name, double w_px, double h_px, int nx, int ny,
                rp_draw_fn draw, const void *ctx, dl_error *err);

/* Both cairo file devices exist (plplot-driver-cairo is installed). */
int rp_plot_available(dl_error *err);

/* Colour map 1 = viridis (perceptually uniform, readable in grey). */
void rp_plot_viridis(void);

/* A filled rectangle in world coordinates, in the current colour. */
void rp_plot_rect(double x0, double y0, double x1, double y1);

enum { RP_LABEL_LEFT = 1, RP_LABEL_BOTTOM = 2 };

/* An n x n matrix as cells in world coordinates [0, n] x [0, n], row 0 at
 * the top, coloured by cmap1 over [lo, hi]; NaN cells light grey. With
 * annotate, each cell shows its value. labels (may be NULL; none beyond 40)
 * go on the axes named by which (RP_LABEL_*). */
void rp_plot_heatmap(const double *m, size_t n, double lo, double hi, const char *const *labels,
                     int which, int annotate);

/* Character scale of n axis labels, and the longest of them in mm (0 when
 * they are not drawn). */
double rp_plot_label_scale(size_t n);
double rp_plot_labels_mm(const char *const *labels, size_t n);

/* The figure's title, centred near the top of the page. */
void rp_plot_title(const char *text);

/* A vertical colour bar in the viewport box (normalised device
 * coordinates) with a labelled axis on its right. */
void rp_plot_colorbar(double vx0, double vx1, double vy0, double vy1, double lo, double hi,
                      const char *label);

/* A legend in centred rows from height y_ndc of the page downwards (a
 * second row when one would not fit): n entries, each a filled box
 * (box[i] != 0) or a line with a marker (marker[i] >= 0). Leaves the
 * viewport on the whole page. */
void rp_plot_legend(size_t n, const char *const *text, const int *colour, const int *box,
                    const int *line_style, const int *marker, double y_ndc);

/* Length of text at character scale `scale`, and the page size, in mm. */
double rp_plot_text_mm(const char *text, double scale);
void rp_plot_page_mm(double *w_mm, double *h_mm);

/* A UTF-8 marker glyph for plstring: filled circle, square, triangle, ... */
const char *rp_plot_marker(int i);

/* ---- DDD figures shared between report_figures.c and report_epochfig.c ---- */
struct rp_ddd;

/* One model order for every DDD figure: most accurate first by the
 * decisions when they are there, else the order of the tables; order gets
 * d->nmodels indices, acc (may be NULL) each model's accuracy. */
void rp_ddd_model_order(const struct rp_ddd *d, size_t *order, double *acc);

/* report_epochfig.c: the per-epoch decisions (epoch_decisions, the paper's
 * Figure 8) and the class accuracy bars (class_bars), when their data are
 * there; the names written go to names[*n++]. */
int rp_epoch_figures(const struct rp_ddd *d, const char *dir, const char **names, size_t *n,
                     dl_error *err);

#endif
