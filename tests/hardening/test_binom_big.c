/* test_binom_big.c — the exact binomial test where it used to fail (issue
 * 15, item 1): n up to 2^32 - 1, p-values below the smallest double, p0 = 0
 * and 1, against ref/binom_big.csv (scipy and mpmath, see
 * ref/make_binom_big.py); and the `dddlab binomial` messages and output for
 * those cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "hardening.h"

static void close_to(double got, double want, double rel, const char *what, size_t line)
{
    if (isinf(want) && got == want)
        return;
    double tol = rel * fmax(fabs(want), 1e-300);
    if (!(fabs(got - want) <= tol))
        fail_msg("binom_big.csv:%zu: %s is %.17g, want %.17g", line, what, got, want);
}

static void test_reference(void **state)
{
    (void)state;
    char path[4096];
    hd_source_path(path, sizeof path, "tests/hardening/ref/binom_big.csv");
    dl_csv *csv;
    dl_error err = {0};
    if (dl_csv_read(path, &csv, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(csv->nrows >= 30);
    int ck = dl_csv_col(csv, "k"), cn = dl_csv_col(csv, "n"), cp0 = dl_csv_col(csv, "p0"),
        ca = dl_csv_col(csv, "alternative"), cp = dl_csv_col(csv, "p_value"),
        cl = dl_csv_col(csv, "log10_p"), clo = dl_csv_col(csv, "ci_low"),
        chi = dl_csv_col(csv, "ci_high");
    size_t tiny = 0;
    for (size_t r = 0; r < csv->nrows; r++) {
        char **f = csv->rows[r];
        size_t line = csv->row_line[r];
        dl_binom b;
        int alt = dl_stats_alternative_parse(f[ca]);
        assert_true(alt >= 0);
        assert_int_equal(dl_stats_binom_test((unsigned)strtoul(f[ck], NULL, 10),
                                             (unsigned)strtoul(f[cn], NULL, 10),
                                             strtod(f[cp0], NULL), (dl_alternative)alt, 0.95, &b),
                         0);
        if (f[cp][0])
            close_to(b.p_value, strtod(f[cp], NULL), 1e-9, "p_value", line);
        if (f[cl][0]) {
            double want = strtod(f[cl], NULL);
            /* relative 1e-9 of log10 p, or 1e-12 absolute near p = 1 */
            if (!(fabs(b.log10_p - want) <= fmax(1e-9 * fabs(want), 1e-12)))
                fail_msg("binom_big.csv:%zu: log10_p is %.17g, want %.17g", line, b.log10_p, want);
            if (want < -300) {
                tiny++;
                assert_true(b.p_value < 1e-300);
            }
        } else {
            assert_true(isinf(b.log10_p) && b.log10_p < 0); /* exactly 0 */
        }
        close_to(b.ci_low, strtod(f[clo], NULL), 2e-7, "ci_low", line);
        close_to(b.ci_high, strtod(f[chi], NULL), 2e-7, "ci_high", line);
    }
    assert_true(tiny >= 5);
    dl_csv_free(csv);
}

static void test_cli(void **state)
{
    (void)state;
    hd_run r = {0};
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 5000100 10000000 --alternative greater"), 0);
    hd_has(r.out, "p-value       0.4749\n");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 50002500 100000000"), 0);
    hd_has(r.out, "p-value       0.6171\n");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 50002500 100000000 --json"), 0);
    hd_has(r.out, "\"p_value\":0.61714549249");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 741 800 --p0 0.0625"), 0);
    hd_has(r.out, "p-value       < 1e-300 (log10 p = -803.716)\n");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 741 800 --p0 0.0625 --json"), 0);
    hd_has(r.out, "\"log10_p\":-803.716362015");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 5 10 --p0 0 --json"), 0);
    hd_has(r.out, "\"p_value\":0,\"log10_p\":null");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 10 10 --p0 1"), 0);
    hd_has(r.out, "p-value       1\n");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial -1 10"), 2);
    hd_has(r.err, "dddlab binomial: K needs a whole number from 0 to 4294967295, not '-1'");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 3 -10"), 2);
    hd_has(r.err, "N needs a whole number from 0 to 4294967295, not '-10'");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 4294967295 4294967296"), 2);
    hd_has(r.err, "N needs a whole number from 0 to 4294967295, not '4294967296'");
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 4294967295 4294967295 --p0 1"), 0);
    assert_int_equal(hd_dddlab(&r, NULL, "binomial 1 2 --p0 1.5"), 2);
    hd_has(r.err, "--p0 needs a number from 0 to 1, not '1.5'");
    hd_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
