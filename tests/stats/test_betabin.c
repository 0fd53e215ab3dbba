/* test_betabin.c — the beta-binomial fit of a models-correct histogram
 * against scipy (tests/stats/ref/make_alpha_reference.py: betabin.csv, fitted
 * with scipy.stats.betabinom and scipy.optimize), and its bootstrap interval:
 * seeded, holding the estimate, and ordered by how dichotomous the data are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "stats_test_util.h"

static double col(const dl_csv *csv, size_t row, const char *name)
{
    return num(ts_ref_field(csv, row, name));
}

/* The likelihood is flat along a ridge for some histograms, so a and b are
 * compared loosely and the maximised log-likelihood tightly: ours must be
 * at least scipy's (less 1e-7 relative), and rho within 1e-6. */
static void test_betabin_scipy(void **state)
{
    (void)state;
    dl_csv *csv = stats_ref_open("betabin.csv");
    double worst_rho = 0, best_gain = 0;
    for (size_t row = 0; row < csv->nrows; row++) {
        size_t m1;
        double *h = parse_list(csv->rows[row][dl_csv_col(csv, "hist")], &m1);
        dl_betabin f;
        assert_int_equal(dl_stats_betabin_fit(h, (unsigned)(m1 - 1), &f), 0);
        double ll = col(csv, row, "loglik"), rho = col(csv, row, "rho");
        if (f.loglik < ll - 1e-7 * fabs(ll) || fabs(f.rho - rho) > 1e-6)
            fail_msg("line %zu: loglik %.10g (scipy %.10g), rho %.8f (scipy %.8f)",
                     csv->row_line[row], f.loglik, ll, f.rho, rho);
        worst_rho = fmax(worst_rho, fabs(f.rho - rho));
        best_gain = fmax(best_gain, f.loglik - ll);
        free(h);
    }
    fprintf(stderr, "rho vs scipy: largest difference %.3g; log-likelihood above scipy's by up "
                    "to %.3g\n",
            worst_rho, best_gain);
    dl_csv_free(csv);
}

static void test_betabin_cases(void **state)
{
    (void)state;
    dl_betabin f;
    /* Fully dichotomous but for a few images: rho near 1. */
    double dich[12] = {400, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 600};
    assert_int_equal(dl_stats_betabin_fit(dich, 11, &f), 0);
    assert_true(f.rho > 0.9);
    /* Exactly binomial counts (M = 4, p = 1/2, N = 1600): rho ~ 0. */
    double binom[5] = {100, 400, 600, 400, 100};
    assert_int_equal(dl_stats_betabin_fit(binom, 4, &f), 0);
    assert_true(f.rho < 0.01);
    /* Undefined and invalid input. */
    double allright[3] = {0, 0, 10};
    assert_int_equal(dl_stats_betabin_fit(allright, 2, &f), DL_EUNDEF);
    assert_true(isnan(f.rho));
    double bad[3] = {1, -1, 3};
    assert_int_equal(dl_stats_betabin_fit(bad, 2, &f), DL_EINVAL);
}

static void test_betabin_boot(void **state)
{
    (void)state;
    double h[12] = {500, 120, 80, 60, 50, 45, 45, 50, 60, 90, 150, 750};
    dl_betabin f;
    assert_int_equal(dl_stats_betabin_fit(h, 11, &f), 0);
    double lo, hi, lo2, hi2;
    assert_int_equal(dl_stats_betabin_boot(h, 11, 300, 5, 0.95, &lo, &hi), 0);
    assert_true(lo < f.rho && f.rho < hi && hi - lo < 0.1);
    assert_int_equal(dl_stats_betabin_boot(h, 11, 300, 5, 0.95, &lo2, &hi2), 0);
    assert_memory_equal(&lo, &lo2, sizeof lo);
    assert_memory_equal(&hi, &hi2, sizeof hi);
    assert_int_equal(dl_stats_betabin_boot(h, 11, 300, 6, 0.95, &lo2, &hi2), 0);
    assert_true(lo != lo2 || hi != hi2);
    assert_int_equal(dl_stats_betabin_boot(h, 11, 0, 5, 0.95, &lo, &hi), DL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_betabin_scipy),
        cmocka_unit_test(test_betabin_cases),
        cmocka_unit_test(test_betabin_boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
