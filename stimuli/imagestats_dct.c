/* imagestats_dct.c — the DCT coefficient percentage: how many orthonormal
 * DCT-II coefficients carry 99.98% of the image's L2 norm (minus one, as
 * the authors count). */
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

/* FFTW's planner (plan creation and destruction) keeps global state and is
 * not thread-safe; executing a plan is. This lock guards the one piece of
 * process-wide state FFTW already has, so workers can plan concurrently. */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

static void destroy_plan(imgstats_ws *ws)
{
    if (!ws->plan)
        return;
    pthread_mutex_lock(&plan_lock);
    fftw_destroy_plan((fftw_plan)ws->plan);
    pthread_mutex_unlock(&plan_lock);
    ws->plan = NULL;
}

/* Keep one plan per workspace, for the last size seen: with --size every
 * image has the same size, and FFTW_ESTIMATE planning is cheap otherwise.
 * Not FFTW_MEASURE, though its plans run about a quarter faster at
 * 256 x 256 (1.4 -> 1.1 ms an image): it picks the algorithm by timing it,
 * so the roundoff, and at a near-tie the coefficient count, could change
 * from run to run and between threads. ESTIMATE's choice is fixed. */
static int ensure_plan(imgstats_ws *ws, int w, int h, dl_error *err)
{
    size_t n = (size_t)w * (size_t)h;
    if (ws->plan && ws->plan_w == w && ws->plan_h == h)
        return 0;
    destroy_plan(ws);
    if (n > ws->dct_cap) {
        fftw_free(ws->dct);
        ws->dct = fftw_malloc(n * sizeof *ws->dct);
        ws->dct_cap = ws->dct ? n : 0;
        if (!ws->dct)
            return dl_fail(err, DL_ENOMEM, "out of memory for the DCT of a %dx%d image", w, h);
    }
    pthread_mutex_lock(&plan_lock);
    /* In place, row-major: n0 = rows (h), n1 = columns (w). */
    ws->plan = fftw_plan_r2r_2d(h, w, ws->dct, ws->dct, FFTW_REDFT10, FFTW_REDFT10, FFTW_ESTIMATE);
    pthread_mutex_unlock(&plan_lock);
    if (!ws->plan)
        return dl_fail(err, DL_ENOMEM, "FFTW could not plan a %dx%d DCT", w, h);
    ws->plan_w = w;
    ws->plan_h = h;
    return 0;
}

void imgstats_dct_release(imgstats_ws *ws)
{
    destroy_plan(ws);
    fftw_free(ws->dct);
    ws->dct = NULL;
    ws->dct_cap = 0;
}

static double median3(double a, double b, double c)
{
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    return c < a ? a : c > b ? b : c;
}

size_t imgstats_top_k(double *e, size_t n, double need)
{
    /* Weighted quickselect: expected O(n), where sorting all coefficients
     * would cost O(n log n) for the same answer. */
    size_t k = 0, lo = 0, hi = n;
    while (lo < hi) {
        double p = median3(e[lo], e[lo + (hi - lo) / 2], e[hi - 1]);
        size_t g = lo, i = lo, q = hi; /* [lo,g) > p, [g,q) == p, [q,hi) < p */
        while (i < q) {
            double v = e[i];
            if (v > p) {
                e[i++] = e[g];
                e[g++] = v;
            } else if (v < p) {
                e[i] = e[--q];
                e[q] = v;
            } else {
                i++;
            }
        }
        double sg = 0;
        for (size_t j = lo; j < g; j++)
            sg += e[j];
        if (sg >= need) { /* the answer lies among the larger ones */
            hi = g;
            continue;
        }
        size_t m = q - g;
        if (p <= 0) /* only zeros left: they add nothing */
            return k + (g - lo);
        if (sg + p * (double)m >= need) {
            double j = ceil((need - sg) / p);
            size_t take = j < 1 ? 1 : j > (double)m ? m : (size_t)j;
            while (take < m && sg + p * (double)take < need)
                take++;
            return k + (g - lo) + take;
        }
        need -= sg + p * (double)m;
        k += q - lo;
        lo = q;
    }
    return k;
}

/* The buckets of one level of top_k_hist: per 11-bit digit of the
 * energies' bit patterns, a count and a sum. */
typedef struct digit_hist {
    uint32_t count[2048];
    double sum[2048];
} digit_hist;

/* Walk h's buckets from the largest digit down, adding whole buckets while
 * they stay short of need; returns the bucket where need is reached (-1 if
 * never) and adds the skipped ones to *acc and *k. */
static int crossing(const digit_hist *h, double need, double *acc, size_t *k)
{
    for (int d = 2047; d >= 0; d--) {
        if (*acc + h->sum[d] >= need)
            return d;
        *acc += h->sum[d];
        *k += h->count[d];
    }
    return -1;
}

static uint64_t bits_of(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

size_t imgstats_top_k_hist(double *e, size_t n, double need)
{
    /* Energies are >= 0, so their bit patterns order like their values: a
     * histogram of the exponent (bits 52..62), then of the next 11 bits
     * within the bucket where the running sum reaches need, leaves a few
     * dozen values for the selection below. Two passes over the
     * coefficients instead of the several a quickselect makes. */
    static const int shift[2] = {52, 41};
    digit_hist h;
    size_t k = 0;
    double acc = 0;
    uint64_t prefix = 0; /* the bits above shift[level] of the crossing bucket */
    for (int level = 0; level < 2; level++) {
        memset(&h, 0, sizeof h);
        int above = shift[level] + 11;
        for (size_t i = 0; i < n; i++) {
            uint64_t b = bits_of(e[i]);
            if (above < 64 && (b >> above) != prefix)
                continue;
            unsigned d = (unsigned)(b >> shift[level]) & 2047u;
            h.count[d]++;
            h.sum[d] += e[i];
        }
        int d = crossing(&h, need, &acc, &k);
        if (d < 0) /* the buckets' sums fell short by rounding: select on all */
            return imgstats_top_k(e, n, need);
        prefix = prefix << 11 | (uint64_t)d;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (bits_of(e[i]) >> shift[1] == prefix)
            e[m++] = e[i];
    return k + imgstats_top_k(e, m, need - acc);
}

int imgstats_dct_pct(imgstats_ws *ws, const double *gray, int w, int h, double *pct, dl_error *err)
{
    size_t n = (size_t)w * (size_t)h;
    int rc = ensure_plan(ws, w, h, err);
    if (rc)
        return rc;
    double *c = ws->dct;
    for (size_t i = 0; i < n; i++)
        c[i] = gray[i] / 255.0;
    fftw_execute((fftw_plan)ws->plan);
    /* FFTW's REDFT10 is 2 sum x_j cos(pi (j + 1/2) k / n); the orthonormal
     * DCT-II scales it by sqrt(1 / 4n) for k = 0 and sqrt(1 / 2n) otherwise,
     * per dimension. The scaling is not uniform, so it changes the ranking. */
    double fx0 = sqrt(1.0 / (4.0 * w)), fx = sqrt(1.0 / (2.0 * w));
    double fy0 = sqrt(1.0 / (4.0 * h)), fy = sqrt(1.0 / (2.0 * h));
    double total = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v = c[(size_t)y * w + x] * (y ? fy : fy0) * (x ? fx : fx0);
            v *= v;
            c[(size_t)y * w + x] = v;
            total += v;
        }
    if (total <= 0) { /* an all-black image: no coefficient is needed */
        *pct = 0;
        return 0;
    }
    /* "The top-k L2 norm reaches 99.98% of the total L2 norm":
     * sqrt(sum top-k c^2) >= 0.9998 sqrt(sum c^2), compared on norms, not
     * energies (on energies it would be sum top-k c^2 >= 0.9998 sum c^2). */
    double norm_needed = IMGSTATS_DCT_NORM * sqrt(total);
    size_t k = imgstats_top_k_hist(c, n, norm_needed * norm_needed);
    /* The authors' loop (lib/dataset_metrics.py, img_frequency) starts at one
     * coefficient and stops at the first k that reaches the norm, then
     * reports (k - 1) / N: one coefficient fewer than needed, so an image
     * whose DC coefficient alone suffices gets 0%. We follow them. */
    *pct = 100.0 * (double)(k - 1) / (double)n;
    return 0;
}
