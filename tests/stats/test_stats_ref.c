/* test_stats_ref.c — every statistic against the reference numbers that
 * tests/stats/ref/make_reference.py made once with scipy, sklearn,
 * statsmodels and plain numpy implementations (see that script). At least
 * 100 cases per statistic, each compared to 1e-9 (stats_test_util.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "stats_test_util.h"

/* A reference table with its columns looked up by name. */
typedef struct ref {
    dl_csv *csv;
} ref;

static ref ref_open(const char *name)
{
    ref r = {stats_ref_open(name)};
    return r;
}

static const char *field(const ref *r, size_t row, const char *col)
{
    return ts_ref_field(r->csv, row, col);
}

static double fnum(const ref *r, size_t row, const char *col)
{
    return num(field(r, row, col));
}

static size_t line_of(const ref *r, size_t row)
{
    return r->csv->row_line[row];
}

/* 0/1 characters to bytes. */
static uint8_t *bits_of(const char *s, size_t *n)
{
    *n = strlen(s);
    uint8_t *b = malloc(*n + 1);
    for (size_t i = 0; i < *n; i++)
        b[i] = s[i] == '1';
    return b;
}

static int *ints_of(const char *s, size_t *n)
{
    double *d = parse_list(s, n);
    int *v = malloc((*n + 1) * sizeof *v);
    for (size_t i = 0; i < *n; i++)
        v[i] = (int)d[i];
    free(d);
    return v;
}

static void test_ref_ec(void **state)
{
    (void)state;
    ref r = ref_open("ec.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n, nb, ln = line_of(&r, i);
        uint8_t *a = bits_of(field(&r, i, "a"), &n), *b = bits_of(field(&r, i, "b"), &nb);
        assert_int_equal(n, nb);
        dl_ec e;
        int rc = dl_stats_ec(a, b, n, &e, NULL);
        assert_int_equal(rc, isnan(fnum(&r, i, "kappa")) ? DL_EUNDEF : 0);
        bad += !near_ok(e.p1, fnum(&r, i, "p1"), ABS_FLOOR, "p1", ln);
        bad += !near_ok(e.p2, fnum(&r, i, "p2"), ABS_FLOOR, "p2", ln);
        bad += !near_ok(e.c_obs, fnum(&r, i, "c_obs"), ABS_FLOOR, "c_obs", ln);
        bad += !near_ok(e.c_exp, fnum(&r, i, "c_exp"), ABS_FLOOR, "c_exp", ln);
        bad += !near_ok(e.kappa, fnum(&r, i, "kappa"), ABS_FLOOR, "kappa", ln);
        free(a);
        free(b);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_cohen(void **state)
{
    (void)state;
    ref r = ref_open("cohen.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n, n2;
        int *r1 = ints_of(field(&r, i, "r1"), &n), *r2 = ints_of(field(&r, i, "r2"), &n2);
        const char *w = field(&r, i, "weights");
        dl_kappa_weights wt = strcmp(w, "linear") == 0      ? DL_KAPPA_LINEAR
                              : strcmp(w, "quadratic") == 0 ? DL_KAPPA_QUADRATIC
                                                            : DL_KAPPA_NONE;
        double k, want = fnum(&r, i, "kappa");
        int rc = dl_stats_cohen_kappa(r1, r2, n, (int)fnum(&r, i, "ncat"), wt, &k, NULL);
        assert_int_equal(rc, isnan(want) ? DL_EUNDEF : 0);
        bad += !near_ok(k, want, ABS_FLOOR, w, line_of(&r, i));
        free(r1);
        free(r2);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_fleiss(void **state)
{
    (void)state;
    ref r = ref_open("fleiss.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n;
        int *counts = ints_of(field(&r, i, "counts"), &n);
        double k;
        assert_int_equal(dl_stats_fleiss_kappa(counts, (size_t)fnum(&r, i, "nitems"),
                                               (int)fnum(&r, i, "ncat"), &k, NULL),
                         0);
        bad += !near_ok(k, fnum(&r, i, "kappa"), ABS_FLOOR, "fleiss", line_of(&r, i));
        free(counts);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_alpha(void **state)
{
    (void)state;
    ref r = ref_open("alpha.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n, ln = line_of(&r, i);
        double *data = parse_list(field(&r, i, "data"), &n);
        size_t nc = (size_t)fnum(&r, i, "ncoders"), nu = (size_t)fnum(&r, i, "nunits");
        assert_int_equal(n, nc * nu);
        dl_alpha a;
        const char *why = NULL;
        double want = fnum(&r, i, "alpha");
        int rc = dl_stats_kripp_alpha(data, nc, nu, dl_stats_level_parse(field(&r, i, "level")), &a,
                                      &why);
        assert_int_equal(rc, isnan(want) ? DL_EUNDEF : 0);
        if (rc)
            assert_non_null(why);
        bad += !near_ok(a.alpha, want, ABS_FLOOR, "alpha", ln);
        if (a.pairable_values) {
            bad += !near_ok(a.d_obs, fnum(&r, i, "d_obs"), REL_FLOOR, "d_obs", ln);
            bad += !near_ok(a.d_exp, fnum(&r, i, "d_exp"), REL_FLOOR, "d_exp", ln);
        }
        assert_int_equal(a.pairable_values, (size_t)fnum(&r, i, "pairable"));
        assert_int_equal(a.units_used, (size_t)fnum(&r, i, "units"));
        assert_int_equal(a.nvalues, (size_t)fnum(&r, i, "nvalues"));
        free(data);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_binom(void **state)
{
    (void)state;
    ref r = ref_open("binom.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t ln = line_of(&r, i);
        unsigned k = (unsigned)fnum(&r, i, "k"), n = (unsigned)fnum(&r, i, "n");
        int alt = dl_stats_alternative_parse(field(&r, i, "alternative"));
        assert_true(alt >= 0);
        dl_binom b;
        assert_int_equal(dl_stats_binom_test(k, n, fnum(&r, i, "p0"), (dl_alternative)alt,
                                             fnum(&r, i, "conf"), &b),
                         0);
        bad += !near_ok(b.p_value, fnum(&r, i, "p_value"), REL_FLOOR, "p_value", ln);
        bad += !near_ok(b.ci_low, fnum(&r, i, "ci_low"), REL_FLOOR, "ci_low", ln);
        bad += !near_ok(b.ci_high, fnum(&r, i, "ci_high"), REL_FLOOR, "ci_high", ln);
        bad += !near_ok(b.estimate, (double)k / n, REL_FLOOR, "estimate", ln);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_binom_pmf(void **state)
{
    (void)state;
    ref r = ref_open("binom_pmf.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n;
        double *want = parse_list(field(&r, i, "pmf"), &n);
        unsigned m = (unsigned)fnum(&r, i, "m");
        assert_int_equal(n, m + 1);
        double *pmf = malloc(n * sizeof *pmf);
        assert_int_equal(dl_stats_binom_pmf(m, fnum(&r, i, "p"), pmf), 0);
        for (size_t j = 0; j < n; j++)
            bad += !near_ok(pmf[j], want[j], REL_FLOOR, "binom pmf", line_of(&r, i));
        free(pmf);
        free(want);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_poisson_binom(void **state)
{
    (void)state;
    ref r = ref_open("poibin.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t m, n;
        double *acc = parse_list(field(&r, i, "acc"), &m);
        double *want = parse_list(field(&r, i, "pmf"), &n);
        assert_int_equal(n, m + 1);
        double *pmf = malloc(n * sizeof *pmf);
        assert_int_equal(dl_stats_poisson_binom_pmf(acc, (unsigned)m, pmf), 0);
        for (size_t j = 0; j < n; j++)
            bad += !near_ok(pmf[j], want[j], REL_FLOOR, "poisson-binomial pmf", line_of(&r, i));
        free(pmf);
        free(want);
        free(acc);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_corr(void **state)
{
    (void)state;
    ref r = ref_open("corr.csv");
    int bad = 0, spearman = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n, ny, ln = line_of(&r, i);
        double *x = parse_list(field(&r, i, "x"), &n), *y = parse_list(field(&r, i, "y"), &ny);
        assert_int_equal(n, ny);
        int is_sp = strcmp(field(&r, i, "method"), "spearman") == 0;
        spearman += is_sp;
        dl_corr c;
        int rc = is_sp ? dl_stats_spearman(x, y, n, &c, NULL) : dl_stats_pearson(x, y, n, &c, NULL);
        assert_int_equal(rc, 0);
        assert_int_equal(c.n, (size_t)fnum(&r, i, "n"));
        bad += !near_ok(c.r, fnum(&r, i, "r"), ABS_FLOOR, "r", ln);
        bad += !near_ok(c.p_value, fnum(&r, i, "p_value"), REL_FLOOR, "p_value", ln);
        free(x);
        free(y);
    }
    assert_true(spearman >= 100 && r.csv->nrows - (size_t)spearman >= 100);
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_summary(void **state)
{
    (void)state;
    ref r = ref_open("summary.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t n, ln = line_of(&r, i);
        double *x = parse_list(field(&r, i, "x"), &n);
        dl_stats_summary_t s;
        dl_stats_summary(x, n, &s);
        assert_int_equal(s.n, (size_t)fnum(&r, i, "n"));
        bad += !near_ok(s.mean, fnum(&r, i, "mean"), ABS_FLOOR, "mean", ln);
        bad += !near_ok(s.sd, fnum(&r, i, "sd"), ABS_FLOOR, "sd", ln);
        bad += !near_ok(s.min, fnum(&r, i, "min"), ABS_FLOOR, "min", ln);
        bad += !near_ok(s.max, fnum(&r, i, "max"), ABS_FLOOR, "max", ln);
        bad += !near_ok(s.median, fnum(&r, i, "median"), ABS_FLOOR, "median", ln);
        free(x);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

static void test_ref_tpa(void **state)
{
    (void)state;
    ref r = ref_open("tpa.csv");
    int bad = 0;
    for (size_t i = 0; i < r.csv->nrows; i++) {
        size_t len, ln = line_of(&r, i);
        size_t k = (size_t)fnum(&r, i, "k"), n = (size_t)fnum(&r, i, "n");
        uint8_t *correct = bits_of(field(&r, i, "correct"), &len);
        assert_int_equal(len, k * n);
        dl_tpa t;
        double want = fnum(&r, i, "tpa");
        assert_int_equal(dl_stats_tpa(correct, k, n, &t, NULL), isnan(want) ? DL_EUNDEF : 0);
        assert_int_equal(t.all_right, (size_t)fnum(&r, i, "all_right"));
        assert_int_equal(t.any_right, (size_t)fnum(&r, i, "any_right"));
        bad += !near_ok(t.tpa, want, ABS_FLOOR, "tpa", ln);
        bad += !near_ok(t.lower_bound, fnum(&r, i, "lower_bound"), ABS_FLOOR, "lower", ln);
        bad += !near_ok(t.expected_all, fnum(&r, i, "expected_all"), REL_FLOOR, "exp_all", ln);
        bad += !near_ok(t.expected_tpa, fnum(&r, i, "expected_tpa"), REL_FLOOR, "exp_tpa", ln);
        free(correct);
    }
    dl_csv_free(r.csv);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ref_ec),
        cmocka_unit_test(test_ref_cohen),
        cmocka_unit_test(test_ref_fleiss),
        cmocka_unit_test(test_ref_alpha),
        cmocka_unit_test(test_ref_binom),
        cmocka_unit_test(test_ref_binom_pmf),
        cmocka_unit_test(test_ref_poisson_binom),
        cmocka_unit_test(test_ref_corr),
        cmocka_unit_test(test_ref_summary),
        cmocka_unit_test(test_ref_tpa),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
