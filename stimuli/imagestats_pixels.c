/* imagestats_pixels.c — grayscale, luminance and contrast, mean local
 * entropy, Sobel edge strength and area-average resizing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

void imgstats_gray(const uint8_t *rgb, size_t npix, double *gray, uint8_t *gray8)
{
    for (size_t i = 0; i < npix; i++) {
        const uint8_t *p = rgb + 3 * i;
        /* The coefficients sum to 0.9999, so white is 254.97, never above 255. */
        double g = 0.2989 * p[0] + 0.5870 * p[1] + 0.1140 * p[2];
        gray[i] = g;
        if (gray8)
            gray8[i] = (uint8_t)(g + 0.5);
    }
}

void imgstats_luminance(const double *gray, size_t npix, double *mean, double *rms)
{
    /* Deviations from the first pixel: a uniform image then has exactly its
     * gray value as mean and exactly 0 contrast (sum / n of equal values
     * can be off by an ulp, which would make "no contrast" a tiny number). */
    double g0 = gray[0], sum = 0;
    for (size_t i = 0; i < npix; i++)
        sum += gray[i] - g0;
    double md = sum / (double)npix;
    double ss = 0;
    for (size_t i = 0; i < npix; i++) {
        double d = gray[i] - g0 - md;
        ss += d * d;
    }
    *mean = g0 + md;
    *rms = sqrt(ss / (double)npix) / 255.0;
}

/* c log2 c in fixed point (2^32 units), so that sliding a window adds and
 * removes exact integers: no rounding drift along a row, and a constant
 * window has entropy exactly 0. */
#define ENT_ONE 4294967296.0

static void entropy_table(int64_t up[IMGSTATS_WINDOW * IMGSTATS_WINDOW + 1], int64_t *nlogn)
{
    const int n = IMGSTATS_WINDOW * IMGSTATS_WINDOW;
    int64_t clog[IMGSTATS_WINDOW * IMGSTATS_WINDOW + 1];
    for (int c = 0; c <= n; c++)
        clog[c] = c < 2 ? 0 : llround((double)c * log2((double)c) * ENT_ONE);
    for (int c = 0; c < n; c++)
        up[c] = clog[c + 1] - clog[c]; /* change when a count goes c -> c+1 */
    up[n] = 0;
    *nlogn = clog[n];
}

/* The mean window entropy of an image of value ids (0..nid-1): one count
 * per id in hist (nid bytes, all zero on entry and on return), updated as
 * the window slides along a row, 2 x 10 updates a step whatever the number
 * of distinct values. */
static double entropy_of_ids(const uint32_t *ids, uint8_t *hist, int w, int h)
{
    const int win = IMGSTATS_WINDOW;
    int64_t up[IMGSTATS_WINDOW * IMGSTATS_WINDOW + 1], nlogn;
    entropy_table(up, &nlogn);
    double total = 0;
    for (int y0 = 0; y0 + win <= h; y0++) {
        const uint32_t *rows = ids + (size_t)y0 * (size_t)w;
        int64_t s = 0; /* sum over values of count log2 count, fixed point */
        for (int r = 0; r < win; r++)
            for (int c = 0; c < win; c++)
                s += up[hist[rows[(size_t)r * (size_t)w + (size_t)c]]++];
        /* Window entropy = (N log2 N - sum c log2 c) / N; summed per row in
         * exact integers, then over rows in double. */
        int64_t row = nlogn - s;
        for (int x0 = 1; x0 + win <= w; x0++) {
            for (int r = 0; r < win; r++) {
                const uint32_t *line = rows + (size_t)r * (size_t)w;
                uint32_t out = line[x0 - 1], in = line[x0 + win - 1];
                if (out == in)
                    continue;
                s -= up[--hist[out]];
                s += up[hist[in]++];
            }
            row += nlogn - s;
        }
        for (int r = 0; r < win; r++) /* empty hist for the next row */
            for (int c = w - win; c < w; c++)
                hist[rows[(size_t)r * (size_t)w + (size_t)c]]--;
        total += (double)row;
    }
    double windows = (double)(w - win + 1) * (double)(h - win + 1);
    return total / (ENT_ONE * (double)(win * win) * windows);
}

double imgstats_entropy(imgstats_ws *ws, const uint8_t *gray8, int w, int h)
{
    if (w < IMGSTATS_WINDOW || h < IMGSTATS_WINDOW)
        return NAN;
    size_t n = (size_t)w * (size_t)h;
    for (size_t i = 0; i < n; i++)
        ws->ids[i] = gray8[i];
    memset(ws->hist, 0, 256);
    return entropy_of_ids(ws->ids, ws->hist, w, h);
}

/* Number the distinct doubles of gray[0..n) (equal bits, equal number) in
 * ws->ids, with an open-addressing hash table of their bit patterns; returns
 * the count. Gray values are >= 0, so -0.0 never occurs and bit equality is
 * value equality, as for np.unique. */
static uint32_t number_values(imgstats_ws *ws, const double *gray, size_t n)
{
    size_t cap = ws->table_size;
    const int shift = 64 - ws->table_bits;
    uint64_t *keys = ws->table_keys;
    uint32_t *vals = ws->table_vals;
    memset(vals, 0xff, cap * sizeof *vals); /* UINT32_MAX: an empty slot */
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t bits;
        memcpy(&bits, &gray[i], sizeof bits);
        size_t at = (size_t)((bits * 0x9E3779B97F4A7C15ull) >> shift);
        for (;;) {
            if (vals[at] == UINT32_MAX) {
                keys[at] = bits;
                vals[at] = next++;
                break;
            }
            if (keys[at] == bits)
                break;
            at = (at + 1) & (cap - 1);
        }
        ws->ids[i] = vals[at];
    }
    return next;
}

double imgstats_entropy_float(imgstats_ws *ws, const double *gray, int w, int h)
{
    if (w < IMGSTATS_WINDOW || h < IMGSTATS_WINDOW)
        return NAN;
    size_t n = (size_t)w * (size_t)h;
    uint32_t nid = number_values(ws, gray, n);
    memset(ws->hist, 0, nid);
    return entropy_of_ids(ws->ids, ws->hist, w, h);
}

int imgstats_entropy_buffers(imgstats_ws *ws, size_t n)
{
    /* A table at most half full keeps probe chains short. */
    int bits = 4;
    while (((size_t)1 << bits) < 2 * n)
        bits++;
    size_t cap = (size_t)1 << bits;
    if (imgstats_grow((void **)&ws->ids, &ws->ids_cap, n, sizeof(uint32_t)) ||
        imgstats_grow((void **)&ws->hist, &ws->hist_cap, n < 256 ? 256 : n, 1) ||
        imgstats_grow((void **)&ws->table_keys, &ws->table_keys_cap, cap, sizeof(uint64_t)) ||
        imgstats_grow((void **)&ws->table_vals, &ws->table_cap, cap, sizeof(uint32_t)))
        return DL_ENOMEM;
    ws->table_bits = bits;
    ws->table_size = cap; /* in use: maybe less than allocated */
    return 0;
}

double imgstats_sobel_mean(const double *gray, int w, int h)
{
    double sum = 0;
    for (int y = 0; y < h; y++) {
        const double *up = gray + (size_t)(y > 0 ? y - 1 : 0) * (size_t)w;
        const double *mid = gray + (size_t)y * (size_t)w;
        const double *dn = gray + (size_t)(y < h - 1 ? y + 1 : h - 1) * (size_t)w;
        for (int x = 0; x < w; x++) {
            int l = x > 0 ? x - 1 : 0, r = x < w - 1 ? x + 1 : w - 1;
            double gx = (up[r] - up[l]) + 2.0 * (mid[r] - mid[l]) + (dn[r] - dn[l]);
            double gy = (dn[l] - up[l]) + 2.0 * (dn[x] - up[x]) + (dn[r] - up[r]);
            sum += sqrt(gx * gx + gy * gy);
        }
    }
    return sum / ((double)w * (double)h);
}

/* One output pixel's footprint along one axis: source pixels first..first+n-1
 * with weights (coverage / scale) starting at weight[wi]. */
typedef struct span {
    int first, n, wi;
} span;

static int area_spans(int ns, int nd, span **spans, double **weights)
{
    double scale = (double)ns / (double)nd;
    *spans = malloc((size_t)nd * sizeof **spans);
    /* A footprint covers at most ceil(scale) + 1 source pixels. */
    size_t per = (size_t)ceil(scale) + 2;
    /* zeroed, so a weight the loop below never writes can only be 0 */
    *weights = calloc((size_t)nd * per, sizeof **weights);
    if (!*spans || !*weights)
        return DL_ENOMEM;
    int wi = 0;
    for (int i = 0; i < nd; i++) {
        double a = (double)i * ns / nd, b = (double)(i + 1) * ns / nd;
        int first = (int)floor(a), last = (int)ceil(b) - 1;
        if (last > ns - 1)
            last = ns - 1;
        (*spans)[i] = (span){first, last - first + 1, wi};
        for (int j = first; j <= last; j++) {
            double cover = fmin(b, j + 1.0) - fmax(a, (double)j);
            (*weights)[wi++] = cover / scale;
        }
    }
    return 0;
}

int imgstats_resize_area(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh)
{
    span *sx = NULL, *sy = NULL;
    double *wx = NULL, *wy = NULL, *tmp = NULL;
    int rc = area_spans(sw, dw, &sx, &wx);
    if (!rc)
        rc = area_spans(sh, dh, &sy, &wy);
    if (!rc && !(tmp = malloc((size_t)sh * (size_t)dw * 3 * sizeof *tmp)))
        rc = DL_ENOMEM;
    if (rc)
        goto done;
    for (int y = 0; y < sh; y++) /* horizontal pass, kept in double */
        for (int x = 0; x < dw; x++)
            for (int c = 0; c < 3; c++) {
                double v = 0;
                for (int j = 0; j < sx[x].n; j++)
                    v += wx[sx[x].wi + j] * src[((size_t)y * sw + sx[x].first + j) * 3 + c];
                tmp[((size_t)y * dw + x) * 3 + c] = v;
            }
    for (int y = 0; y < dh; y++) /* vertical pass, rounded to 8 bits */
        for (int x = 0; x < dw; x++)
            for (int c = 0; c < 3; c++) {
                double v = 0;
                for (int j = 0; j < sy[y].n; j++)
                    v += wy[sy[y].wi + j] * tmp[((size_t)(sy[y].first + j) * dw + x) * 3 + c];
                v = floor(v + 0.5);
                dst[((size_t)y * dw + x) * 3 + c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
done:
    free(sx);
    free(sy);
    free(wx);
    free(wy);
    free(tmp);
    return rc;
}
