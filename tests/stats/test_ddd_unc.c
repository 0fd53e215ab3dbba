/* test_ddd_unc.c — uncertainty of the DDD split and histogram: the pointwise
 * band is the binomial quantile by its definition, the split's bootstrap is
 * seeded, holds the observed split, collapses when every model is the same,
 * and resamples models as documented (checked against a direct recount);
 * the classification rule by its definition. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "dl_common.h"
#include "dl_stats.h"

static void test_band_definition(void **state)
{
    (void)state;
    double pmf[12], lo[12], hi[12];
    assert_int_equal(dl_stats_binom_pmf(11, 0.69, pmf), 0);
    size_t n = 50000;
    assert_int_equal(dl_stats_ddd_band(pmf, 11, n, 0.95, lo, hi), 0);
    for (unsigned k = 0; k <= 11; k++) {
        /* lo is the smallest count whose CDF reaches 2.5%, hi 97.5%. */
        assert_true(gsl_cdf_binomial_P((unsigned)lo[k], pmf[k], (unsigned)n) >= 0.025);
        if (lo[k] > 0)
            assert_true(gsl_cdf_binomial_P((unsigned)lo[k] - 1, pmf[k], (unsigned)n) < 0.025);
        assert_true(gsl_cdf_binomial_P((unsigned)hi[k], pmf[k], (unsigned)n) >= 0.975);
        if (hi[k] > 0)
            assert_true(gsl_cdf_binomial_P((unsigned)hi[k] - 1, pmf[k], (unsigned)n) < 0.975);
        assert_true(lo[k] <= pmf[k] * n + 1 && pmf[k] * n - 1 <= hi[k]);
    }
    assert_int_equal(dl_stats_ddd_band(pmf, 11, n, 1.0, lo, hi), DL_EINVAL);
}

/* 9 models x 2000 images: image difficulty shared, so the split is DDD-like. */
static dl_bits *make_models(size_t m, size_t n, int identical, uint32_t *nc)
{
    dl_bits *b = dl_stats_bits_new(m, n);
    memset(nc, 0, n * sizeof *nc);
    for (size_t i = 0; i < n; i++) {
        double diff = (double)(dl_mix64(i) >> 11) * 0x1.0p-53;
        for (size_t j = 0; j < m; j++) {
            double u = (double)(dl_mix64(1000003 * (identical ? 0 : j + 1) + i) >> 11) * 0x1.0p-53;
            if (u < diff * 0.6 + 0.35 * (diff > 0.5)) {
                dl_stats_bits_set(b, j, i);
                nc[i]++;
            }
        }
    }
    return b;
}

/* The split's rule by its definition (Meding et al.: trivial when at most K
 * of the M models are wrong, impossible when at most K are right), over
 * every k for small M and every K the split allows. */
static void test_difficulty_of(void **state)
{
    (void)state;
    for (unsigned m = 1; m <= 12; m++)
        for (unsigned near = 0; 2 * near < m; near++)
            for (unsigned k = 0; k <= m; k++) {
                unsigned wrong = m - k;
                dl_stats_difficulty want = wrong <= near ? DL_STATS_TRIVIAL
                                           : k <= near   ? DL_STATS_IMPOSSIBLE
                                                         : DL_STATS_IN_BETWEEN;
                assert_int_equal(dl_stats_difficulty_of(k, m, near), want);
            }
    assert_int_equal(dl_stats_difficulty_of(11, 11, 0), DL_STATS_TRIVIAL);
    assert_int_equal(dl_stats_difficulty_of(10, 11, 0), DL_STATS_IN_BETWEEN);
    assert_int_equal(dl_stats_difficulty_of(10, 11, 1), DL_STATS_TRIVIAL);
    assert_int_equal(dl_stats_difficulty_of(1, 11, 1), DL_STATS_IMPOSSIBLE);
    assert_int_equal(dl_stats_difficulty_of(2, 11, 1), DL_STATS_IN_BETWEEN);
    assert_int_equal(dl_stats_difficulty_of(0, 11, 0), DL_STATS_IMPOSSIBLE);
}

/* Resampling images draws the class counts as a multinomial, whose
 * categories GSL draws one after the other, so their order is part of what
 * a seed gives. The intervals below were written by dddlab before the
 * classes were indexed by dl_stats_difficulty (`stimuli analyse
 * tests/stimuli/data/wide_small.csv --near 1 --bootstrap 200 --seed 3`,
 * uncertainty.csv: 27 trivial, 23 in-between, 10 impossible of 60 images);
 * a seed must keep giving them. */
static void test_split_images_seeded(void **state)
{
    (void)state;
    enum { M = 8, N = 60 };
    uint32_t nc[N];
    for (size_t i = 0; i < N; i++)
        nc[i] = i < 27 ? M : i < 50 ? 4 : 0;
    dl_ddd_split_ci ci;
    assert_int_equal(
        dl_stats_ddd_split_boot(NULL, nc, N, M, 1, DL_DDD_RESAMPLE_IMAGES, 200, 3, 0.95, &ci), 0);
    assert_float_equal(ci.low[DL_STATS_TRIVIAL], 0.3333333333, 1e-9);
    assert_float_equal(ci.high[DL_STATS_TRIVIAL], 0.5666666667, 1e-9);
    assert_float_equal(ci.low[DL_STATS_IN_BETWEEN], 0.2666666667, 1e-9);
    assert_float_equal(ci.high[DL_STATS_IN_BETWEEN], 0.5, 1e-9);
    assert_float_equal(ci.low[DL_STATS_IMPOSSIBLE], 0.06666666667, 1e-9);
    assert_float_equal(ci.high[DL_STATS_IMPOSSIBLE], 0.2666666667, 1e-9);
}

static void test_split_boot(void **state)
{
    (void)state;
    enum { M = 9, N = 2000 };
    static uint32_t nc[N];
    dl_bits *b = make_models(M, N, 0, nc);
    size_t cls[3] = {0, 0, 0}; /* by dl_stats_difficulty, K = 1 */
    for (size_t i = 0; i < N; i++)
        cls[nc[i] + 1 >= M ? DL_STATS_TRIVIAL
            : nc[i] <= 1   ? DL_STATS_IMPOSSIBLE
                           : DL_STATS_IN_BETWEEN]++;
    /* the three shares differ, so a class read at another's index fails below */
    assert_true(cls[0] != cls[1] && cls[1] != cls[2] && cls[0] != cls[2]);
    for (int what = 0; what < 2; what++) {
        dl_ddd_split_ci ci, again;
        assert_int_equal(
            dl_stats_ddd_split_boot(b, nc, N, M, 1, (dl_ddd_resample)what, 500, 3, 0.95, &ci), 0);
        assert_int_equal(
            dl_stats_ddd_split_boot(b, nc, N, M, 1, (dl_ddd_resample)what, 500, 3, 0.95, &again),
            0);
        assert_memory_equal(&ci, &again, sizeof ci);
        for (int c = 0; c < 3; c++) {
            double f = (double)cls[c] / N;
            assert_true(ci.low[c] <= f + 0.02 && f - 0.02 <= ci.high[c]);
            assert_true(ci.low[c] <= ci.high[c]);
        }
    }
    /* Images: the in-between fraction's interval is about +-2 SE wide. */
    dl_ddd_split_ci ci;
    dl_stats_ddd_split_boot(b, nc, N, M, 1, DL_DDD_RESAMPLE_IMAGES, 2000, 4, 0.95, &ci);
    double p = (double)cls[DL_STATS_IN_BETWEEN] / N, se = sqrt(p * (1 - p) / N);
    assert_true(fabs((ci.high[DL_STATS_IN_BETWEEN] - ci.low[DL_STATS_IN_BETWEEN]) - 2 * 1.96 * se) <
                0.3 * 2 * 1.96 * se);
    dl_stats_bits_free(b);

    /* Identical models: any draw of models gives the same split. */
    b = make_models(M, N, 1, nc);
    dl_stats_ddd_split_boot(b, nc, N, M, 1, DL_DDD_RESAMPLE_MODELS, 200, 5, 0.95, &ci);
    for (size_t i = 0; i < N; i++)
        assert_true(nc[i] == 0 || nc[i] == M);
    size_t all = 0;
    for (size_t i = 0; i < N; i++)
        all += nc[i] == M;
    assert_true(ci.low[DL_STATS_TRIVIAL] == (double)all / N &&
                ci.high[DL_STATS_TRIVIAL] == (double)all / N);
    assert_true(ci.low[DL_STATS_IN_BETWEEN] == 0 && ci.high[DL_STATS_IN_BETWEEN] == 0);
    assert_true(ci.low[DL_STATS_IMPOSSIBLE] == (double)(N - all) / N &&
                ci.high[DL_STATS_IMPOSSIBLE] == (double)(N - all) / N);
    /* Models need the per-model rows; --near too large is refused. */
    assert_int_equal(
        dl_stats_ddd_split_boot(NULL, nc, N, M, 1, DL_DDD_RESAMPLE_MODELS, 10, 1, 0.95, &ci),
        DL_EINVAL);
    assert_int_equal(
        dl_stats_ddd_split_boot(b, nc, N, M, 5, DL_DDD_RESAMPLE_IMAGES, 10, 1, 0.95, &ci),
        DL_EINVAL);
    dl_stats_bits_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_definition),
        cmocka_unit_test(test_difficulty_of),
        cmocka_unit_test(test_split_images_seeded),
        cmocka_unit_test(test_split_boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
