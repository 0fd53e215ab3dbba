/* pb_fast.c — the Poisson-binomial pmf of many models in O(M log² M).
 *
 * The exact recursion (dl_stats_poisson_binom_pmf) adds one model at a time
 * and costs M²/2 steps: nothing at 10,000 models (0.04 s), but seconds at
 * 100,000. Here blocks of models get their pmf by that recursion, and the
 * block pmfs are multiplied as polynomials pairwise in a tree, each product
 * by FFT convolution. FFT products carry an absolute error of about 1e-16
 * times the largest coefficient; negative round-off is clamped to 0. Up to
 * PB_EXACT_MAX models the exact recursion is used, so small analyses are
 * unchanged to the last bit. Our own small radix-2 FFT, not FFTW, so there is
 * no planner to guard between threads. */
#include "stimuli_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_stats.h"

#define PB_BLOCK 512
#define PB_EXACT_MAX 4096

/* In-place iterative radix-2 FFT of n (a power of two) points; inverse
 * without the 1/n scaling. */
static void fft(double *re, double *im, size_t n, int inverse)
{
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j], re[j] = t;
            t = im[i];
            im[i] = im[j], im[j] = t;
        }
    }
    const double pi = 3.14159265358979323846;
    for (size_t len = 2; len <= n; len <<= 1) {
        double ang = (inverse ? 2 : -2) * pi / (double)len;
        for (size_t k = 0; k < len / 2; k++) {
            /* twiddles straight from cos/sin, not by repeated
             * multiplication, which would accumulate error */
            double wr = cos(ang * (double)k), wi = sin(ang * (double)k);
            for (size_t i = k; i < n; i += len) {
                size_t j = i + len / 2;
                double xr = re[j] * wr - im[j] * wi, xi = re[j] * wi + im[j] * wr;
                re[j] = re[i] - xr, im[j] = im[i] - xi;
                re[i] += xr, im[i] += xi;
            }
        }
    }
}

/* out[0..la+lb-1) = a * b (polynomial product). */
static int convolve(const double *a, size_t la, const double *b, size_t lb, double *out)
{
    size_t need = la + lb - 1, n = 1;
    while (n < need)
        n <<= 1;
    double *buf = dl_calloc(4 * n, sizeof *buf);
    if (!buf)
        return DL_ENOMEM;
    double *ar = buf, *ai = buf + n, *br = buf + 2 * n, *bi = buf + 3 * n;
    memcpy(ar, a, la * sizeof *a);
    memcpy(br, b, lb * sizeof *b);
    fft(ar, ai, n, 0);
    fft(br, bi, n, 0);
    for (size_t i = 0; i < n; i++) {
        double r = ar[i] * br[i] - ai[i] * bi[i], im = ar[i] * bi[i] + ai[i] * br[i];
        ar[i] = r, ai[i] = im;
    }
    fft(ar, ai, n, 1);
    for (size_t i = 0; i < need; i++) {
        double v = ar[i] / (double)n;
        out[i] = v > 0 ? v : 0;
    }
    free(buf);
    return 0;
}

int stim_pb_pmf(const double *acc, unsigned m, double *pmf)
{
    if (m <= PB_EXACT_MAX)
        return dl_stats_poisson_binom_pmf(acc, m, pmf);
    size_t nb = (m + PB_BLOCK - 1) / PB_BLOCK;
    double **poly = dl_calloc(nb, sizeof *poly);
    size_t *len = dl_calloc(nb, sizeof *len);
    int rc = poly && len ? 0 : DL_ENOMEM;
    for (size_t b = 0; b < nb && rc == 0; b++) {
        unsigned lo = (unsigned)(b * PB_BLOCK), k = m - lo < PB_BLOCK ? m - lo : PB_BLOCK;
        len[b] = k + 1;
        if (!(poly[b] = dl_calloc(len[b], sizeof **poly)))
            rc = DL_ENOMEM;
        else
            rc = dl_stats_poisson_binom_pmf(acc + lo, k, poly[b]);
    }
    /* multiply neighbours until one polynomial is left */
    while (rc == 0 && nb > 1) {
        size_t half = 0;
        for (size_t b = 0; b < nb && rc == 0; b += 2, half++) {
            if (b + 1 == nb) {
                poly[half] = poly[b], len[half] = len[b];
                if (half != b)
                    poly[b] = NULL;
                continue;
            }
            size_t l = len[b] + len[b + 1] - 1;
            double *p = dl_calloc(l, sizeof *p);
            if (!p || convolve(poly[b], len[b], poly[b + 1], len[b + 1], p) != 0) {
                free(p);
                rc = DL_ENOMEM;
                break;
            }
            free(poly[b]);
            free(poly[b + 1]);
            poly[b] = poly[b + 1] = NULL;
            poly[half] = p, len[half] = l;
        }
        if (rc == 0)
            nb = half;
    }
    if (rc == 0) {
        memcpy(pmf, poly[0], ((size_t)m + 1) * sizeof *pmf);
        /* Outcomes that cannot happen (fewer correct than the models that
         * are always right, ...) are exactly 0, not FFT round-off. */
        unsigned always = 0, never = 0;
        for (unsigned i = 0; i < m; i++)
            always += acc[i] == 1, never += acc[i] == 0;
        for (unsigned k = 0; k <= m; k++)
            if (k < always || k > m - never)
                pmf[k] = 0;
    }
    for (size_t b = 0; poly && b < (m + PB_BLOCK - 1) / PB_BLOCK; b++)
        free(poly[b]);
    free(poly);
    free(len);
    return rc;
}
