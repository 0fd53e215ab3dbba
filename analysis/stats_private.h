/* stats_private.h — helpers shared by the stats*.c files (not public). */
#ifndef DL_STATS_PRIVATE_H
#define DL_STATS_PRIVATE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "dl_stats.h"

/* Fill out from the counts of two correctness vectors over n items: r1, r2
 * items right for each, both_right items right for both. Applies the
 * conventions of docs/statistics.md; kappa is NaN when n == 0 or c_exp == 1. The scalar and
 * the bit-packed path both end here, so they agree to the last bit. */
void stats_ec_from_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec *out);

/* The same under a chosen boundary convention; returns DL_EUNDEF when kappa
 * is missing (n == 0, or c_exp == 1 under DL_EC_BOUNDARY_UNDEFINED). Inline,
 * as the bootstrap calls it for every pair of every replicate. */
/* Kappa from the counts, with the c_exp == 1 case left to the caller. */
static inline double stats_ec_kappa_(size_t n, size_t r1, size_t r2, size_t agree, const dl_ec *e)
{
    if (agree == n)
        return 1.0; /* c_obs = 1 and (checked by the caller) c_exp < 1 */
    if ((r1 == n) != (r2 == n))
        return 0.0;
    if (n < ((size_t)1 << 31)) {
        /* n^2 (c_obs - c_exp) and n^2 (1 - c_exp) are integers: dividing the
         * exact integers rounds once instead of cancelling in doubles. */
        int64_t nn = (int64_t)n, a = (int64_t)r1, b = (int64_t)r2;
        int64_t chance = a * b + (nn - a) * (nn - b);
        int64_t num = nn * (int64_t)agree - chance;
        int64_t den = nn * nn - chance;
        return (double)num / (double)den;
    }
    return (e->c_obs - e->c_exp) / (1.0 - e->c_exp);
}

static inline int stats_ec_counts(size_t n, size_t r1, size_t r2, size_t both_right,
                                  dl_ec_boundary boundary, dl_ec *out)
{
    out->n = n;
    if (n == 0) {
        out->p1 = out->p2 = out->c_obs = out->c_exp = out->kappa = NAN;
        return DL_EUNDEF;
    }
    size_t agree = n - r1 - r2 + 2 * both_right; /* both right + both wrong */
    double dn = (double)n;
    out->p1 = (double)r1 / dn;
    out->p2 = (double)r2 / dn;
    out->c_obs = (double)agree / dn;
    out->c_exp = out->p1 * out->p2 + (1.0 - out->p1) * (1.0 - out->p2);
    /* c_exp is 1 exactly when both are always right or both always wrong
     * (and then they always agree): kappa is 0/0 there. Klein et al. (2025)
     * show that calling it 1 inflates means, so by default it is missing. */
    if ((r1 == n && r2 == n) || (r1 == 0 && r2 == 0)) {
        out->kappa = boundary == DL_EC_BOUNDARY_ONE ? 1.0 : NAN;
        return boundary == DL_EC_BOUNDARY_ONE ? 0 : DL_EUNDEF;
    }
    out->kappa = stats_ec_kappa_(n, r1, r2, agree, out);
    return 0;
}

/* Why kappa is missing for a pair over n items (n == 0 or c_exp == 1). */
const char *stats_ec_why(size_t n);

/* dl_stats_ec_matrix with a chosen popcount kernel, so tests can check that
 * every kernel gives the same numbers. A kernel the CPU lacks falls back to
 * the best one it has. */
typedef enum {
    STATS_KERNEL_AUTO = 0,
    STATS_KERNEL_PLAIN = 1,  /* portable C, popcount in software */
    STATS_KERNEL_POPCNT = 2, /* the POPCNT instruction */
    STATS_KERNEL_AVX2 = 3    /* AVX2 nibble-table popcount */
} stats_kernel;

int stats_ec_matrix_with(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                         double *c_obs, stats_kernel kernel);

/* dl_stats_ec_bootstrap, with portable = 1 forcing the plain C kernels, and
 * block_values (0: the default) the most replicate values held at once, so
 * tests can check that SIMD kernels and blocks of pairs change nothing. */
int stats_ec_bootstrap_with(const dl_bits *correct, const dl_bits *seen, const dl_ec_boot_opts *o,
                            dl_ec_boot *out, int portable, size_t block_values);

#endif
