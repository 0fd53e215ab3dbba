/* stats_ddd.c — true-positive agreement of K models (Pliushch et al. 2022),
 * and the uncertainty of the DDD split (bootstrap over models or images) and
 * of the models-correct histogram (a band under independence). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dl_stats.h"

int dl_stats_tpa(const uint8_t *correct, size_t k, size_t n, dl_tpa *out, const char **why)
{
    *out = (dl_tpa){0};
    out->tpa = out->lower_bound = out->expected_all = out->expected_tpa = NAN;
    if (k == 0 || n == 0) {
        if (why)
            *why = k == 0 ? "no models" : "no items";
        return DL_EUNDEF;
    }
    for (size_t j = 0; j < n; j++) {
        size_t right = 0;
        for (size_t i = 0; i < k; i++)
            right += correct[i * n + j] != 0;
        out->all_right += right == k;
        out->any_right += right > 0;
    }
    double err_sum = 0, prod_acc = 1, prod_err = 1;
    for (size_t i = 0; i < k; i++) {
        size_t right = 0;
        for (size_t j = 0; j < n; j++)
            right += correct[i * n + j] != 0;
        double acc = (double)right / (double)n;
        err_sum += 1 - acc;
        prod_acc *= acc;
        prod_err *= 1 - acc;
    }
    out->lower_bound = 1 - (err_sum < 1 ? err_sum : 1);
    out->expected_all = prod_acc;
    if (out->any_right == 0) { /* then every accuracy is 0 and prod_err is 1 */
        if (why)
            *why = "no item was classified correctly by any model";
        return DL_EUNDEF;
    }
    out->tpa = (double)out->all_right / (double)out->any_right;
    out->expected_tpa = prod_acc / (1 - prod_err);
    return 0;
}

/* ---- uncertainty of the DDD split and histogram ------------------------------ */

/* Smallest k with P(X <= k) >= q for X ~ Binomial(n, p), by bisection. */
static double binom_quantile(double q, double p, unsigned n)
{
    if (p <= 0)
        return 0;
    if (p >= 1)
        return n;
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (gsl_cdf_binomial_P(mid, p, n) >= q)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int dl_stats_ddd_band(const double *pmf, unsigned m, size_t n, double conf, double *lo, double *hi)
{
    if (!(conf > 0 && conf < 1) || n > UINT32_MAX)
        return DL_EINVAL;
    for (unsigned k = 0; k <= m; k++) {
        if (!(pmf[k] >= 0 && pmf[k] <= 1 + 1e-12)) {
            lo[k] = hi[k] = NAN;
            continue;
        }
        double p = pmf[k] > 1 ? 1 : pmf[k];
        lo[k] = binom_quantile((1 - conf) / 2, p, (unsigned)n);
        hi[k] = binom_quantile(1 - (1 - conf) / 2, p, (unsigned)n);
    }
    return 0;
}

/* Percentile interval of each of the 3 fractions in rep (nrep x 3, a row's
 * columns indexed by dl_stats_difficulty). */
static void split_interval(double *rep, size_t nrep, double conf, dl_ddd_split_ci *out)
{
    double *col = rep + 3 * nrep; /* scratch after the replicates */
    for (int c = 0; c < 3; c++) {
        for (size_t r = 0; r < nrep; r++)
            col[r] = rep[r * 3 + c];
        qsort(col, nrep, sizeof *col, dl_cmp_double);
        out->low[c] = dl_stats_quantile_sorted(col, nrep, (1 - conf) / 2);
        out->high[c] = dl_stats_quantile_sorted(col, nrep, 1 - (1 - conf) / 2);
    }
}

dl_stats_difficulty dl_stats_difficulty_of(unsigned k, unsigned m, unsigned near)
{
    return (uint64_t)k + near >= m ? DL_STATS_TRIVIAL
           : k <= near             ? DL_STATS_IMPOSSIBLE
                                   : DL_STATS_IN_BETWEEN;
}

/* Resampling models: replicate b draws nmodels models with replacement
 * (word i of its stream picks model floor((w >> 32) * M / 2^32)); an image's
 * count is the number of drawn models (with multiplicity) that got it right.
 * Images with the same pattern of right and wrong are counted once when there
 * are at most 20 models. */
static void boot_models(const dl_bits *b, unsigned near, size_t nrep, uint64_t seed, double *rep,
                        uint32_t *pattern_count, unsigned *w)
{
    size_t M = b->rows, n = b->n;
    int patterns = pattern_count != NULL;
    if (patterns)
        for (size_t i = 0; i < n; i++) {
            uint32_t p = 0;
            for (size_t j = 0; j < M; j++)
                p |= (uint32_t)((b->words[j * b->words_per_row + i / 64] >> (i % 64)) & 1) << j;
            pattern_count[p]++;
        }
    for (size_t r = 0; r < nrep; r++) {
        uint64_t base = dl_boot_stream(seed, r);
        memset(w, 0, M * sizeof *w);
        for (size_t i = 0; i < M; i++) {
            uint64_t x = dl_mix64(base + (uint64_t)i * 0x9E3779B97F4A7C15ULL);
            w[((x >> 32) * (uint64_t)M) >> 32]++;
        }
        double cls[3] = {0, 0, 0};
        if (patterns) {
            for (uint32_t p = 0; p < ((uint32_t)1 << M); p++) {
                if (!pattern_count[p])
                    continue;
                unsigned k = 0;
                for (size_t j = 0; j < M; j++)
                    k += ((p >> j) & 1) * w[j];
                cls[dl_stats_difficulty_of(k, (unsigned)M, near)] += pattern_count[p];
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                unsigned k = 0;
                for (size_t j = 0; j < M; j++)
                    k += (unsigned)((b->words[j * b->words_per_row + i / 64] >> (i % 64)) & 1) *
                         w[j];
                cls[dl_stats_difficulty_of(k, (unsigned)M, near)]++;
            }
        }
        for (int c = 0; c < 3; c++)
            rep[r * 3 + c] = cls[c] / (double)n;
    }
}

/* Resampling images: the replicate's class counts are Multinomial(n, observed
 * shares), which is what drawing n images with replacement gives; GSL
 * mt19937 seeded with dl_boot_stream(seed, b). The multinomial draws its
 * categories one after the other, so their order is part of the result: it
 * stays trivial, in-between, impossible, as it always was, so that a seed
 * gives the intervals it gave before. */
static int boot_images(const size_t counts[3], size_t nrep, uint64_t seed, double *rep)
{
    static const dl_stats_difficulty draw_order[3] = {DL_STATS_TRIVIAL, DL_STATS_IN_BETWEEN,
                                                      DL_STATS_IMPOSSIBLE};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return DL_ENOMEM;
    double n = (double)(counts[0] + counts[1] + counts[2]), p[3];
    for (int c = 0; c < 3; c++)
        p[c] = (double)counts[draw_order[c]];
    for (size_t r = 0; r < nrep; r++) {
        unsigned got[3];
        gsl_rng_set(rng, (unsigned long)dl_boot_stream(seed, r));
        gsl_ran_multinomial(rng, 3, (unsigned)n, p, got);
        for (int c = 0; c < 3; c++)
            rep[r * 3 + draw_order[c]] = got[c] / n;
    }
    gsl_rng_free(rng);
    return 0;
}

int dl_stats_ddd_split_boot(const dl_bits *correct, const uint32_t *n_correct, size_t n, unsigned m,
                            unsigned near, dl_ddd_resample what, size_t nrep, uint64_t seed,
                            double conf, dl_ddd_split_ci *out)
{
    for (int c = 0; c < 3; c++)
        out->low[c] = out->high[c] = NAN;
    if (nrep == 0 || !(conf > 0 && conf < 1) || n == 0 || n > UINT32_MAX ||
        2 * (uint64_t)near >= m ||
        (what == DL_DDD_RESAMPLE_MODELS && (!correct || correct->rows != m)))
        return DL_EINVAL;
    double *rep = dl_calloc(4 * nrep, sizeof *rep);
    uint32_t *patt = NULL;
    unsigned *w = dl_calloc(m, sizeof *w);
    int rc = rep && w ? 0 : DL_ENOMEM;
    if (rc == 0 && what == DL_DDD_RESAMPLE_MODELS && m <= 20 &&
        !(patt = dl_calloc((size_t)1 << m, sizeof *patt)))
        rc = DL_ENOMEM;
    if (rc == 0 && what == DL_DDD_RESAMPLE_MODELS) {
        boot_models(correct, near, nrep, seed, rep, patt, w);
    } else if (rc == 0) {
        size_t counts[3] = {0, 0, 0};
        for (size_t i = 0; i < n; i++)
            counts[dl_stats_difficulty_of(n_correct[i], m, near)]++;
        rc = boot_images(counts, nrep, seed, rep);
    }
    if (rc == 0)
        split_interval(rep, nrep, conf, out);
    free(rep);
    free(patt);
    free(w);
    return rc;
}
