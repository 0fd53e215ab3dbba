/* stats_private.h — helpers shared by the stats*.c files (not public). */
#ifndef DL_STATS_PRIVATE_H
#define DL_STATS_PRIVATE_H

#include <stddef.h>

#include "dl_stats.h"

/* Fill out from the counts of two correctness vectors over n items: r1, r2
 * items right for each, both_right items right for both. Applies the
 * conventions of DESIGN.md; kappa is NaN when n == 0 or c_exp == 1. The scalar and
 * the bit-packed path both end here, so they agree to the last bit. */
void stats_ec_from_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec *out);

/* The same under a chosen boundary convention; returns DL_EUNDEF when kappa
 * is missing (n == 0, or c_exp == 1 under DL_EC_BOUNDARY_UNDEFINED). */
int stats_ec_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec_boundary boundary,
                    dl_ec *out);
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

/* dl_stats_ec_bootstrap, with portable = 1 forcing the plain C kernels, so
 * tests can check that the SIMD ones give the same numbers. */
int stats_ec_bootstrap_with(const dl_bits *correct, const dl_bits *seen, const dl_ec_boot_opts *o,
                            dl_ec_boot *out, int portable);

#endif
