/* report_plot.c — PLplot primitives shared by the figures. PLplot keeps
 * global state, so figures are drawn one after the other, each between its
 * own plinit and plend1. */
#include "report_plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <plplot.h>

/* Okabe & Ito (2008), "Color Universal Design". */
static const int palette[RP_NCOLOURS][3] = {
    {255, 255, 255}, {0, 0, 0},    {230, 159, 0},   {86, 180, 233},  {0, 158, 115},  {240, 228, 66},
    {0, 114, 178},   {213, 94, 0}, {204, 121, 167}, {110, 110, 110}, {215, 215, 215}};

const int rp_series_colour[8] = {RP_BLUE,   RP_VERMILLION, RP_GREEN,  RP_ORANGE,
                                 RP_PURPLE, RP_SKY,        RP_YELLOW, RP_BLACK};

/* Markers as UTF-8 glyphs, which the cairo devices render from the font. */
static const char *const markers[] = {"●", "■", "▲", "◆", "▼", "○", "□", "△"};

static void set_palette(void)
{
    plscmap0n(16);
    for (int i = 0; i < RP_NCOLOURS; i++)
        plscol0(i, palette[i][0], palette[i][1], palette[i][2]);
    plscolbg(255, 255, 255);
}

void rp_plot_viridis(void)
{
    static const double pos[9] = {0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1};
    static const int rgb[9][3] = {{68, 1, 84},    {72, 40, 120},  {62, 73, 137},
                                  {49, 104, 142}, {38, 130, 142}, {31, 158, 137},
                                  {53, 183, 121}, {109, 205, 89}, {253, 231, 37}};
    double r[9], g[9], b[9];
    for (int i = 0; i < 9; i++) {
        r[i] = rgb[i][0] / 255.0;
        g[i] = rgb[i][1] / 255.0;
        b[i] = rgb[i][2] / 255.0;
    }
    plscmap1n(256);
    plscmap1l(1, 9, pos, r, g, b, NULL);
}

int rp_plot_available(dl_error *err)
{
    static const char *menu[128], *dev[128];
    const char **m = menu, **d = dev;
    int n = 128, png = 0, svg = 0;
    plgFileDevs(&m, &d, &n);
    for (int i = 0; i < n; i++) {
        png |= strcmp(d[i], "pngcairo") == 0;
        svg |= strcmp(d[i], "svgcairo") == 0;
    }
    if (!png || !svg)
        return dl_fail(err, DL_EIO, "PLplot has no %s device: apt-get install plplot-driver-cairo",
                       png ? "svgcairo" : "pngcairo");
    return 0;
}

/* PLplot exits the process when it cannot open its output, so the file is
 * created here first and PLplot only ever opens a file that exists. */
static int make_tmp(const char *dir, const char *name, const char *ext, char *tmp, size_t cap,
                    dl_error *err)
{
    snprintf(tmp, cap, "%s/.%s.%s.tmp.%ld", dir, name, ext, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600); /* as every output: private */
    if (fd < 0)
        return dl_fail(err, errno == ENOSPC ? DL_EFULL : DL_EIO, "%s/%s.%s: cannot create: %s", dir,
                       name, ext, strerror(errno));
    close(fd);
    return 0;
}

/* PLplot does not report write errors (a full disk), so the figure is
 * checked for its last bytes: a PNG ends with its IEND chunk, a PDF with
 * %%EOF, an SVG with </svg> and a newline. */
static int complete(int fd, const char *ext)
{
    static const unsigned char png_end[8] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    static const char svg_end[7] = "</svg>\n";
    unsigned char tail[8];
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof tail ||
        pread(fd, tail, sizeof tail, st.st_size - (off_t)sizeof tail) != (ssize_t)sizeof tail)
        return 0;
    if (strcmp(ext, "png") == 0)
        return memcmp(tail, png_end, sizeof png_end) == 0;
    if (strcmp(ext, "pdf") == 0) /* cairo ends a PDF with "%%EOF" and a newline */
        return memcmp(tail + 2, "%%EOF\n", 6) == 0;
    return memcmp(tail + 1, svg_end, sizeof svg_end) == 0;
}

static int finish(const char *tmp, const char *dir, const char *name, const char *ext,
                  dl_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    int fd = open(tmp, O_RDONLY);
    if (fd < 0 || !complete(fd, ext)) {
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return dl_fail(err, DL_EIO,
                       "%s: PLplot could not write the whole figure (is the disk full?)", path);
    }
    fsync(fd);
    close(fd);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return dl_fail(err, DL_EIO, "%s: cannot rename into place: %s", path, strerror(e));
    }
    return 0;
}

/* PLplot's svg device declares the page in points (1600 px = 56 cm); the
 * figures are laid out for a two-column journal width, so the SVG says
 * 17.8 cm wide and keeps its viewBox. */
static int svg_print_size(const char *tmp, double w_px, double h_px, dl_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc = dl_read_file(tmp, &data, &len, err);
    if (rc)
        return rc;
    char want[64];
    snprintf(want, sizeof want, "width=\"%.0fpt\"", w_px);
    char *at = strstr(data, want), *h = at ? strstr(at, "height=\"") : NULL,
         *h_end = h ? strchr(h + 8, '"') : NULL;
    if (!at || !h_end) {
        free(data);
        return 0; /* another PLplot's layout: leave its size */
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        free(data);
        return dl_fail(err, DL_EIO, "%s: cannot rewrite: %s", tmp, strerror(errno));
    }
    fwrite(data, 1, (size_t)(at - data), f);
    fprintf(f, "width=\"17.8cm\"\n  height=\"%.2fcm\"", 17.8 * h_px / w_px);
    fwrite(h_end + 1, 1, len - (size_t)(h_end + 1 - data), f);
    rc = fclose(f) == 0 ? 0 : dl_fail(err, DL_EIO, "%s: cannot rewrite (is the disk full?)", tmp);
    free(data);
    return rc;
}

int rp_plot(const char *dir, const char *name, double w_px, double h_px, rp_draw_fn draw,
            const void *ctx, dl_error *err)
{
    /* PLplot's own svg device writes text as <text> (svgcairo outlines every
     * glyph), so a journal's editor can still change a label; PDF comes from
     * cairo, vector with embedded fonts. */
    static const char *const devs[3][2] = {
        {"pngcairo", "png"}, {"pdfcairo", "pdf"}, {"svg", "svg"}};
    for (int d = 0; d < 3; d++) {
        char tmp[4096];
        if (d == 2 && (strcmp(name, "decisions") == 0 || strcmp(name, "epoch_decisions") == 0))
            continue; /* a raster: its SVG would be megabytes of cells; PNG and PDF hold it */
        int rc = make_tmp(dir, name, devs[d][1], tmp, sizeof tmp, err);
        if (rc)
            return rc;
        plsdev(devs[d][0]);
        plsfnam(tmp);
        plspage(0, 0, (PLINT)w_px, (PLINT)h_px, 0, 0);
        set_palette();
        plinit();
        pladv(0);
        plwidth(1.5);
        draw(ctx);
        plend1();
        if (d == 2 && (rc = svg_print_size(tmp, w_px, h_px, err)))
            return rc;
        if ((rc = finish(tmp, dir, name, devs[d][1], err)))
            return rc;
    }
    return 0;
}

int rp_plot_png(const char *dir, const char *name, double w_px, double h_px, int nx, int ny,
                rp_draw_fn draw, const void *ctx, dl_error *err)
{
    char tmp[4096];
    int rc = make_tmp(dir, name, "png", tmp, sizeof tmp, err);
    if (rc)
        return rc;
    plsdev("pngcairo");
    plsfnam(tmp);
    plspage(0, 0, (PLINT)w_px, (PLINT)h_px, 0, 0);
    set_palette();
    plssub(nx, ny);
    plinit();
    draw(ctx);
    plend1();
    return finish(tmp, dir, name, "png", err);
}

void rp_plot_rect(double x0, double y0, double x1, double y1)
{
    PLFLT x[4] = {x0, x1, x1, x0}, y[4] = {y0, y0, y1, y1};
    plfill(4, x, y);
}

static double unit(double v, double lo, double hi)
{
    double u = (v - lo) / (hi - lo);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

double rp_plot_label_scale(size_t n)
{
    return n > 16 ? 0.6 : 0.8;
}

static void heat_labels(size_t n, const char *const *labels, int which)
{
    if (!labels || n > 40)
        return;
    plschr(0, rp_plot_label_scale(n));
    for (size_t i = 0; i < n; i++) {
        double pos = (i + 0.5) / (double)n;
        /* plmtex puts the baseline at pos; nudge so the text centres on the cell */
        if (which & RP_LABEL_BOTTOM)
            plmtex("bv", 0.5, pos + 0.012, 1.0, labels[i]);
        if (which & RP_LABEL_LEFT)
            plmtex("lv", 0.5, 1.0 - pos - 0.012, 1.0, labels[i]);
    }
    plschr(0, 1.0);
}

double rp_plot_labels_mm(const char *const *labels, size_t n)
{
    double m = 0;
    if (!labels || n > 40)
        return 0;
    for (size_t i = 0; i < n; i++) {
        double w = rp_plot_text_mm(labels[i], rp_plot_label_scale(n));
        m = w > m ? w : m;
    }
    return m;
}

/* Character scale at which "-0.00" fits a cell, or 0 when too small to read. */
/* A cell's value in two decimals without the leading zero (".45", "-.12",
 * "1"), so the digits can be larger; a value that rounds to zero is "0",
 * never "-0.00". */
static void cell_text(double v, char *text, size_t cap)
{
    if (isnan(v)) {
        snprintf(text, cap, "–");
        return;
    }
    double r = round(v * 100) / 100;
    if (r == 0 || fabs(r) >= 1) {
        snprintf(text, cap, "%s%.0f", r < 0 ? "-" : "", r == 0 ? 0.0 : fabs(r));
        return;
    }
    char t[16];
    snprintf(t, sizeof t, "%.2f", fabs(r));
    snprintf(text, cap, "%s%s", r < 0 ? "-" : "", t + 1);
}

static double cell_text_scale(size_t n)
{
    PLFLT x0, x1, y0, y1, def, ht;
    double w_mm, h_mm;
    plgvpd(&x0, &x1, &y0, &y1);
    plgchr(&def, &ht);
    rp_plot_page_mm(&w_mm, &h_mm);
    double cell_mm = (x1 - x0) * w_mm / (double)n;
    double scale = 0.85 * cell_mm / (2.4 * ht); /* ".45": three glyphs, see cell_text */
    scale = scale > 1.1 ? 1.1 : scale;
    return scale < 0.5 ? 0 : scale;
}

void rp_plot_heatmap(const double *m, size_t n, double lo, double hi, const char *const *labels,
                     int which, int annotate)
{
    plwind(0, (double)n, 0, (double)n);
    double ch = annotate ? cell_text_scale(n) : 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double v = m[i * n + j], y = (double)(n - 1 - i);
            if (isnan(v))
                plcol0(RP_LIGHTGREY);
            else
                plcol1(unit(v, lo, hi));
            rp_plot_rect((double)j, y, j + 1.0, y + 1);
            if (ch == 0)
                continue;
            char text[16];
            cell_text(v, text, sizeof text);
            /* Light cells of viridis are yellow: black text reads there. */
            plcol0(!isnan(v) && unit(v, lo, hi) > 0.6 ? RP_BLACK : RP_WHITE);
            if (isnan(v))
                plcol0(RP_BLACK);
            plschr(0, ch);
            plptex(j + 0.5, y + 0.5 - 0.07, 1, 0, 0.5, text);
            plschr(0, 1.0);
        }
    plcol0(RP_BLACK);
    plbox("bc", 0, 0, "bc", 0, 0);
    heat_labels(n, labels, which);
}

void rp_plot_colorbar(double vx0, double vx1, double vy0, double vy1, double lo, double hi,
                      const char *label)
{
    plvpor(vx0, vx1, vy0, vy1);
    plwind(0, 1, lo, hi);
    const int steps = 128;
    for (int k = 0; k < steps; k++) {
        double a = lo + (hi - lo) * k / steps, b = lo + (hi - lo) * (k + 1) / steps;
        plcol1((k + 0.5) / steps);
        rp_plot_rect(0, a, 1, b);
    }
    plcol0(RP_BLACK);
    plschr(0, 0.9);
    plbox("bc", 0, 0, "bcmstv", 0, 0);
    plmtex("r", 4.2, 0.5, 0.5, label);
    plschr(0, 1.0);
}

/* PLplot does not export its string-length query, so the width is
 * estimated from DejaVu Sans advance widths in units of the character
 * height (measured on the pngcairo device), erring on the wide side. */
double rp_plot_text_mm(const char *text, double scale)
{
    PLFLT def, ht;
    plgchr(&def, &ht);
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue; /* UTF-8 continuation byte */
        if (*p >= 0x80)
            em += 0.8;
        else if (strchr("ijlftr.,:;|!' ()[]", *p))
            em += 0.38;
        else if (strchr("mwMW%", *p))
            em += 1.13;
        else if (*p >= 'A' && *p <= 'Z')
            em += 0.85;
        else
            em += 0.72;
    }
    return 1.03 * em * ht * scale;
}

void rp_plot_page_mm(double *w_mm, double *h_mm)
{
    PLFLT x0, x1, y0, y1;
    plgspa(&x0, &x1, &y0, &y1);
    *w_mm = x1 - x0;
    *h_mm = y1 - y0;
}

/* One legend entry at (x, y) in page millimetres; returns its width. */
static double legend_entry(double x, double y, double scale, const char *text, int colour, int box,
                           int style, int marker)
{
    PLFLT def, ht;
    plgchr(&def, &ht);
    const double sample = 3.5 * ht, gap = 0.6 * ht;
    if (box) {
        plcol0(colour);
        rp_plot_rect(x + 2, y - ht * 0.7, x + sample - 2, y + ht * 0.7);
        plcol0(RP_BLACK);
        PLFLT bx[5] = {x + 2, x + 2, x + sample - 2, x + sample - 2, x + 2};
        PLFLT by[5] = {y - ht * 0.7, y + ht * 0.7, y + ht * 0.7, y - ht * 0.7, y - ht * 0.7};
        plline(5, bx, by);
    } else {
        PLFLT lx[2] = {x, x + sample}, ly[2] = {y, y};
        plcol0(colour);
        if (style > 0 || marker < 0) { /* style 0 with a marker: the marker alone */
            pllsty(style > 0 ? style : 1);
            plwidth(3);
            plline(2, lx, ly);
            pllsty(1);
        }
        plwidth(1.5);
        if (marker >= 0) {
            PLFLT mx = x + sample / 2, my = y;
            plstring(1, &mx, &my, markers[marker % 8]);
        }
    }
    plcol0(RP_BLACK);
    plschr(0, scale);
    plptex(x + sample + gap, y - ht * scale * 0.33, 1, 0, 0, text);
    plschr(0, 1.0);
    return sample + gap + rp_plot_text_mm(text, scale);
}

void rp_plot_legend(size_t n, const char *const *text, const int *colour, const int *box,
                    const int *line_style, const int *marker, double y_ndc)
{
    PLFLT def, ht;
    plgchr(&def, &ht);
    const double sample = 3.5 * ht, gap = 0.6 * ht, space = 2.2 * ht, scale = 0.9;
    double w_mm, h_mm, width[16];
    rp_plot_page_mm(&w_mm, &h_mm);
    n = n > 16 ? 16 : n;
    for (size_t i = 0; i < n; i++)
        width[i] =
            sample + gap + 1.1 * rp_plot_text_mm(text[i], scale); /* cairo's glyphs run wider */
    /* Laid out by hand in page millimetres, in centred rows that wrap before
     * the page edge: pllegend sizes every column by the longest text. */
    plvpor(0, 1, 0, 1);
    plwind(0, w_mm, 0, h_mm);
    double y = y_ndc * h_mm;
    for (size_t first = 0; first < n;) {
        size_t last = first;
        double row = width[first];
        while (last + 1 < n && row + space + width[last + 1] < 0.96 * w_mm)
            row += space + width[++last];
        double x = (w_mm - row) / 2;
        for (size_t i = first; i <= last; i++)
            x += legend_entry(x, y, scale, text[i], colour[i], box[i],
                              line_style ? line_style[i] : 1, marker ? marker[i] : -1) +
                 space;
        y -= 1.9 * ht;
        first = last + 1;
    }
}

void rp_plot_title(const char *text)
{
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(RP_BLACK);
    plschr(0, 1.15);
    plptex(0.5, 0.945, 1, 0, 0.5, text);
    plschr(0, 1.0);
}

const char *rp_plot_marker(int i)
{
    return markers[i % 8];
}
