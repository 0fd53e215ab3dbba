/* test_stats.c — the statistics core on published and hand-worked cases,
 * on the cases where a statistic is undefined, and the bit-packed error-
 * consistency matrix against the scalar function. The many random cases
 * against scipy & co. are in test_stats_ref.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl_stats.h"
#include "stats_private.h"
#include "stats_test_util.h"

#define NA NAN

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, expected %.17g", got, want);
}

/* ---- Krippendorff's alpha -------------------------------------------------- */

/* Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the
 * example with 4 coders x 12 units and missing values. */
static const double KRIPP_EXAMPLE[4 * 12] = {
    1,  2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA, /* A */
    1,  2, 3, 3, 2, 2, 4, 1, 2, 5,  NA, 3,  /* B */
    NA, 3, 3, 3, 2, 3, 4, 2, 2, 5,  1,  NA, /* C */
    1,  2, 3, 3, 2, 4, 4, 1, 2, 5,  1,  NA, /* D */
};

static void test_alpha_published(void **state)
{
    (void)state;
    const double published[4] = {0.743, 0.815, 0.849, 0.797};
    for (int level = 0; level < 4; level++) {
        dl_alpha a;
        const char *why = NULL;
        assert_int_equal(dl_stats_kripp_alpha(KRIPP_EXAMPLE, 4, 12, (dl_level)level, &a, &why), 0);
        assert_near(round(a.alpha * 1000) / 1000, published[level], 1e-12);
        /* Unit 12 has one value only: left out of the matrix and the totals. */
        assert_int_equal(a.units_used, 11);
        assert_int_equal(a.pairable_values, 40);
        assert_int_equal(a.nvalues, 5);
    }
    /* Nominal by hand: value totals 9, 13, 10, 5, 3 (n = 40) and 8
     * off-diagonal coincidences: 1 - 39 * 8 / (40^2 - 384). */
    dl_alpha a;
    assert_int_equal(dl_stats_kripp_alpha(KRIPP_EXAMPLE, 4, 12, DL_LEVEL_NOMINAL, &a, NULL), 0);
    assert_near(a.alpha, 1.0 - 39.0 * 8.0 / 1216.0, 1e-14);
    assert_near(a.d_obs, 8.0 / 40.0, 1e-14);
    assert_near(a.d_exp, 1216.0 / (40.0 * 39.0), 1e-14);
}

/* Two coders, three units: (1,1) (2,2) (1,2). Nominal: coincidences
 * o11 = 2, o22 = 2, o12 = o21 = 1, n = 6, n_1 = n_2 = 3: D_o = 2/6,
 * D_e = 2*9/30, alpha = 1 - (1/3) / (3/5) = 4/9. */
static void test_alpha_hand(void **state)
{
    (void)state;
    const double d[6] = {1, 2, 1, 1, 2, 2};
    dl_alpha a;
    assert_int_equal(dl_stats_kripp_alpha(d, 2, 3, DL_LEVEL_NOMINAL, &a, NULL), 0);
    assert_near(a.alpha, 4.0 / 9.0, 1e-15);
    /* Two values only: interval = nominal scaled by (2-1)^2, so alpha equal;
     * ordinal distance (3 - (3+3)/2 + 3 ... ) is a constant too. */
    assert_int_equal(dl_stats_kripp_alpha(d, 2, 3, DL_LEVEL_INTERVAL, &a, NULL), 0);
    assert_near(a.alpha, 4.0 / 9.0, 1e-15);
    assert_int_equal(dl_stats_kripp_alpha(d, 2, 3, DL_LEVEL_ORDINAL, &a, NULL), 0);
    assert_near(a.alpha, 4.0 / 9.0, 1e-15);
    /* Perfect agreement: alpha 1. */
    const double same[6] = {1, 2, 3, 1, 2, 3};
    assert_int_equal(dl_stats_kripp_alpha(same, 2, 3, DL_LEVEL_ORDINAL, &a, NULL), 0);
    assert_near(a.alpha, 1.0, 1e-15);
}

static void test_alpha_undefined(void **state)
{
    (void)state;
    dl_alpha a;
    const char *why = NULL;
    /* One value only: expected disagreement 0. */
    const double one[6] = {3, 3, 3, 3, NA, 3};
    assert_int_equal(dl_stats_kripp_alpha(one, 2, 3, DL_LEVEL_NOMINAL, &a, &why), DL_EUNDEF);
    assert_true(isnan(a.alpha));
    assert_non_null(strstr(why, "one distinct value"));
    assert_int_equal(a.pairable_values, 4); /* unit 2 has one value */
    /* No unit with two values. */
    const double lonely[6] = {1, NA, 2, NA, 3, NA};
    why = NULL;
    assert_int_equal(dl_stats_kripp_alpha(lonely, 2, 3, DL_LEVEL_INTERVAL, &a, &why), DL_EUNDEF);
    assert_true(isnan(a.alpha));
    assert_non_null(strstr(why, "two or more values"));
    assert_int_equal(a.pairable_values, 0);
    /* n = 0: no coders, no units, everything missing. */
    assert_int_equal(dl_stats_kripp_alpha(NULL, 0, 0, DL_LEVEL_NOMINAL, &a, &why), DL_EUNDEF);
    assert_true(isnan(a.alpha));
    assert_int_equal(dl_stats_kripp_alpha(lonely, 2, 0, DL_LEVEL_NOMINAL, &a, &why), DL_EUNDEF);
    const double none[4] = {NA, NA, NA, NA};
    assert_int_equal(dl_stats_kripp_alpha(none, 2, 2, DL_LEVEL_RATIO, &a, &why), DL_EUNDEF);
    /* A single coder never pairs. */
    const double row[3] = {1, 2, 3};
    assert_int_equal(dl_stats_kripp_alpha(row, 1, 3, DL_LEVEL_NOMINAL, &a, &why), DL_EUNDEF);
    /* Bad values: infinite; negative at ratio level. */
    const double inf[4] = {1, INFINITY, 2, 2};
    assert_int_equal(dl_stats_kripp_alpha(inf, 2, 2, DL_LEVEL_INTERVAL, &a, &why), DL_EINVAL);
    assert_true(isnan(a.alpha));
    const double neg[4] = {-1, 2, -1, 2};
    assert_int_equal(dl_stats_kripp_alpha(neg, 2, 2, DL_LEVEL_RATIO, &a, &why), DL_EINVAL);
    assert_int_equal(dl_stats_kripp_alpha(neg, 2, 2, DL_LEVEL_INTERVAL, &a, &why), 0);
    assert_near(a.alpha, 1.0, 1e-15);
    /* Distances too large for a double: undefined, not a wrong number. */
    const double huge[4] = {-1e300, 1e300, 1e300, -1e300};
    assert_int_equal(dl_stats_kripp_alpha(huge, 2, 2, DL_LEVEL_INTERVAL, &a, &why), DL_EUNDEF);
    assert_true(isnan(a.alpha));
    assert_int_equal(dl_stats_kripp_alpha(huge, 2, 2, DL_LEVEL_NOMINAL, &a, &why), 0);
}

/* splitmix64: reproducible test data without global state. */
static uint64_t mix(uint64_t *s)
{
    uint64_t x = (*s += 0x9E3779B97F4A7C15ULL);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static double unif(uint64_t *s)
{
    return (double)(mix(s) >> 11) * 0x1.0p-53;
}

/* The same data through the different inner paths must give the same alpha:
 * small integers (direct table) vs. shifted by 0.1 (hash table) vs. scaled
 * beyond the table's range; few vs. many distinct values; units spread over
 * several blocks. Shifts and scales leave nominal, ordinal and interval
 * alpha unchanged. */
static void test_alpha_paths_agree(void **state)
{
    (void)state;
    size_t nc = 7, nu = 2600; /* more than two blocks of 1024 units */
    double *d = malloc(nc * nu * sizeof *d), *shift = malloc(nc * nu * sizeof *d),
           *scale = malloc(nc * nu * sizeof *d);
    uint64_t seed = 42;
    for (int values = 5; values <= 80; values += 75) { /* few, then many */
        for (size_t i = 0; i < nc * nu; i++) {
            double v = unif(&seed) < 0.15 ? NA : (double)(mix(&seed) % (uint64_t)values);
            if (i % nu < nu / 2 && !isnan(v) && i >= nu) /* agreement with coder 0 */
                v = isnan(d[i % nu]) ? v : d[i % nu];
            d[i] = v;
            shift[i] = v + 0.1;
            scale[i] = v * 1e6;
        }
        for (int level = 0; level < 3; level++) {
            dl_alpha a, b, c;
            assert_int_equal(dl_stats_kripp_alpha(d, nc, nu, (dl_level)level, &a, NULL), 0);
            assert_int_equal(dl_stats_kripp_alpha(shift, nc, nu, (dl_level)level, &b, NULL), 0);
            assert_int_equal(dl_stats_kripp_alpha(scale, nc, nu, (dl_level)level, &c, NULL), 0);
            assert_true(a.alpha > 0.2 && a.alpha < 0.9);
            assert_near(b.alpha, a.alpha, 1e-12);
            assert_near(c.alpha, a.alpha, 1e-12);
            assert_int_equal(a.nvalues, (size_t)values);
            assert_int_equal(b.pairable_values, a.pairable_values);
        }
    }
    free(d);
    free(shift);
    free(scale);
}

/* ---- error consistency -------------------------------------------------------- */

static void test_ec_hand(void **state)
{
    (void)state;
    dl_ec e;
    /* Both right on 2 items, both wrong on 2 of 6; p1 = p2 = 1/2:
     * c_exp = 1/2, kappa = (2/3 - 1/2) / (1/2) = 1/3. */
    const uint8_t a[6] = {1, 1, 1, 0, 0, 0}, b[6] = {1, 1, 0, 0, 0, 1};
    assert_int_equal(dl_stats_ec(a, b, 6, &e, NULL), 0);
    assert_int_equal(e.n, 6);
    assert_near(e.c_obs, 2.0 / 3.0, 1e-15);
    assert_near(e.c_exp, 0.5, 1e-15);
    assert_near(e.kappa, 1.0 / 3.0, 1e-15);
    /* Opposite on every item: c_obs 0, kappa -1. */
    const uint8_t c[6] = {0, 0, 0, 1, 1, 1};
    assert_int_equal(dl_stats_ec(a, c, 6, &e, NULL), 0);
    assert_near(e.kappa, -1.0, 1e-15);
}

static void test_ec_conventions(void **state)
{
    (void)state;
    dl_ec e;
    const char *why = NULL;
    const uint8_t all[4] = {1, 1, 1, 1}, none[4] = {0, 0, 0, 0}, mixed[4] = {1, 0, 1, 1};
    /* c_exp = 1 (both always right/wrong): kappa is 0/0, missing. */
    assert_int_equal(dl_stats_ec(all, all, 4, &e, NULL), DL_EUNDEF);
    assert_true(e.c_exp == 1.0 && isnan(e.kappa));
    assert_int_equal(dl_stats_ec(none, none, 4, &e, NULL), DL_EUNDEF);
    assert_true(isnan(e.kappa));
    /* c_obs = 1 with c_exp < 1 -> kappa 1. */
    assert_int_equal(dl_stats_ec(mixed, mixed, 4, &e, NULL), 0);
    assert_true(e.kappa == 1.0);
    /* Exactly one observer always right -> kappa 0. */
    assert_int_equal(dl_stats_ec(all, mixed, 4, &e, NULL), 0);
    assert_true(e.kappa == 0.0);
    assert_int_equal(dl_stats_ec(mixed, all, 4, &e, NULL), 0);
    assert_true(e.kappa == 0.0);
    assert_int_equal(dl_stats_ec(all, none, 4, &e, NULL), 0);
    assert_true(e.kappa == 0.0);
    /* No items. */
    assert_int_equal(dl_stats_ec(all, all, 0, &e, &why), DL_EUNDEF);
    assert_true(isnan(e.kappa) && isnan(e.c_obs));
    assert_non_null(why);
}

/* Random correctness rows; some always right or always wrong. */
static dl_bits *random_bits(size_t rows, size_t n, uint64_t seed, uint8_t *bytes)
{
    dl_bits *b = dl_stats_bits_new(rows, n);
    assert_non_null(b);
    for (size_t r = 0; r < rows; r++) {
        double acc = r % 11 == 3 ? 1.0 : r % 13 == 4 ? 0.0 : 0.3 + 0.6 * unif(&seed);
        for (size_t i = 0; i < n; i++) {
            /* half the items shared difficulty, so kappa is not all ~0 */
            double u = i % 2 ? unif(&seed) : (double)((i * 2654435761u) % 1000) / 1000.0;
            uint8_t v = u < acc;
            bytes[r * n + i] = v;
            if (v)
                dl_stats_bits_set(b, r, i);
        }
    }
    return b;
}

/* The matrix must equal dl_stats_ec on the masked items, bit for bit, for
 * every kernel and thread count. */
static void check_matrix(size_t rows, size_t n, int use_mask)
{
    uint8_t *bytes = malloc(rows * n), *mbytes = malloc(n);
    uint8_t *xa = malloc(n), *xb = malloc(n);
    dl_bits *b = random_bits(rows, n, 7 + rows, bytes);
    dl_bits *mask = use_mask ? dl_stats_bits_new(1, n) : NULL;
    uint64_t seed = 99;
    for (size_t i = 0; i < n; i++) {
        mbytes[i] = !use_mask || unif(&seed) < 0.7;
        if (use_mask && mbytes[i])
            dl_stats_bits_set(mask, 0, i);
    }
    double *want_k = malloc(rows * rows * sizeof(double)),
           *want_c = malloc(rows * rows * sizeof(double));
    for (size_t r = 0; r < rows; r++)
        for (size_t s = 0; s < rows; s++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (mbytes[i]) {
                    xa[m] = bytes[r * n + i];
                    xb[m++] = bytes[s * n + i];
                }
            dl_ec e;
            dl_stats_ec(xa, xb, m, &e, NULL);
            want_k[r * rows + s] = e.kappa;
            want_c[r * rows + s] = e.c_obs;
        }
    double *k = malloc(rows * rows * sizeof *k), *c = malloc(rows * rows * sizeof *c);
    const stats_kernel kernels[] = {STATS_KERNEL_AUTO, STATS_KERNEL_PLAIN, STATS_KERNEL_POPCNT,
                                    STATS_KERNEL_AVX2};
    const int threads[] = {1, 3, 0};
    for (size_t ki = 0; ki < 4; ki++)
        for (size_t ti = 0; ti < 3; ti++) {
            memset(k, 0, rows * rows * sizeof *k);
            assert_int_equal(stats_ec_matrix_with(b, mask, threads[ti], k, c, kernels[ki]), 0);
            assert_memory_equal(k, want_k, rows * rows * sizeof *k);
            assert_memory_equal(c, want_c, rows * rows * sizeof *c);
        }
    /* The public entry point, without c_obs. */
    assert_int_equal(dl_stats_ec_matrix(b, mask, 2, k, NULL), 0);
    assert_memory_equal(k, want_k, rows * rows * sizeof *k);
    /* The diagonal is 1, or missing for a row always right or always wrong
     * (random_bits makes some). */
    for (size_t r = 0; r < rows; r++) {
        size_t right = 0, m = 0;
        for (size_t i = 0; i < n; i++)
            if (mbytes[i]) {
                right += bytes[r * n + i];
                m++;
            }
        if (right == 0 || right == m)
            assert_true(isnan(k[r * rows + r]));
        else
            assert_true(k[r * rows + r] == 1.0);
    }
    free(k);
    free(c);
    free(want_k);
    free(want_c);
    dl_stats_bits_free(b);
    dl_stats_bits_free(mask);
    free(bytes);
    free(mbytes);
    free(xa);
    free(xb);
}

static void test_ec_matrix_small(void **state)
{
    (void)state;
    check_matrix(1, 5, 0);
    check_matrix(7, 63, 0);
    check_matrix(9, 200, 1);
}

static void test_ec_matrix_tiles(void **state)
{
    (void)state;
    /* 131 rows: three tile rows, the last one odd-sized; 1000 items is not
     * a multiple of 64 nor of 256. */
    check_matrix(131, 1000, 1);
    check_matrix(66, 700, 0);
}

static void test_ec_matrix_edges(void **state)
{
    (void)state;
    dl_bits *b = dl_stats_bits_new(3, 100), *mask = dl_stats_bits_new(1, 100);
    dl_bits *wrong = dl_stats_bits_new(1, 99);
    double k[9];
    /* Empty mask: nothing to compare. */
    assert_int_equal(dl_stats_ec_matrix(b, mask, 1, k, NULL), DL_EUNDEF);
    for (int i = 0; i < 9; i++)
        assert_true(isnan(k[i]));
    assert_int_equal(dl_stats_ec_matrix(b, wrong, 1, k, NULL), DL_EINVAL);
    assert_int_equal(dl_stats_ec_matrix(NULL, NULL, 1, k, NULL), DL_EINVAL);
    dl_bits *empty = dl_stats_bits_new(0, 10);
    assert_int_equal(dl_stats_ec_matrix(empty, NULL, 0, k, NULL), 0);
    dl_stats_bits_free(empty);
    dl_stats_bits_free(b);
    dl_stats_bits_free(mask);
    dl_stats_bits_free(wrong);
    dl_stats_bits_free(NULL);
}

/* ---- Cohen's and Fleiss' kappa ------------------------------------------------ */

/* Expands a 2x2 table into rating vectors. */
static void test_cohen_hand(void **state)
{
    (void)state;
    /* Table [[20, 5], [10, 15]]: p_o = 0.7, p_e = (25*30 + 25*20)/2500 = 0.5. */
    int r1[50], r2[50];
    for (int i = 0; i < 50; i++) {
        r1[i] = i >= 25;
        r2[i] = i < 20 ? 0 : i < 25 ? 1 : i < 35 ? 0 : 1;
    }
    double k;
    assert_int_equal(dl_stats_cohen_kappa(r1, r2, 50, 2, DL_KAPPA_NONE, &k, NULL), 0);
    assert_near(k, 0.4, 1e-15);
    /* Three items (0,1) (1,1) (2,2) of three categories: linear weights give
     * 1 - 3 * 0.5 / 3.5 = 4/7, quadratic 1 - 3 * 0.25 / 2.25 = 2/3. */
    const int a[3] = {0, 1, 2}, b[3] = {1, 1, 2};
    assert_int_equal(dl_stats_cohen_kappa(a, b, 3, 3, DL_KAPPA_LINEAR, &k, NULL), 0);
    assert_near(k, 4.0 / 7.0, 1e-15);
    assert_int_equal(dl_stats_cohen_kappa(a, b, 3, 3, DL_KAPPA_QUADRATIC, &k, NULL), 0);
    assert_near(k, 2.0 / 3.0, 1e-15);
    /* Weights follow positions in the declared list: category 2 declared
     * as the fifth of five changes the linear weights of the same data. */
    const int b5[3] = {1, 1, 4}, a5[3] = {0, 1, 4};
    double k5;
    assert_int_equal(dl_stats_cohen_kappa(a5, b5, 3, 5, DL_KAPPA_LINEAR, &k5, NULL), 0);
    assert_true(fabs(k5 - 4.0 / 7.0) > 1e-3);
    /* Negative ratings are skipped. */
    const int s1[4] = {0, 1, -1, 1}, s2[4] = {0, 1, 0, -5};
    assert_int_equal(dl_stats_cohen_kappa(s1, s2, 4, 2, DL_KAPPA_NONE, &k, NULL), 0);
    assert_near(k, 1.0, 1e-15);
}

static void test_cohen_undefined(void **state)
{
    (void)state;
    double k;
    const char *why = NULL;
    const int same[3] = {1, 1, 1}, skip[2] = {-1, -1}, big[2] = {0, 3};
    assert_int_equal(dl_stats_cohen_kappa(same, same, 3, 3, DL_KAPPA_NONE, &k, &why), DL_EUNDEF);
    assert_true(isnan(k));
    assert_non_null(why);
    assert_int_equal(dl_stats_cohen_kappa(skip, skip, 2, 2, DL_KAPPA_NONE, &k, &why), DL_EUNDEF);
    assert_int_equal(dl_stats_cohen_kappa(same, same, 0, 2, DL_KAPPA_LINEAR, &k, &why), DL_EUNDEF);
    assert_int_equal(dl_stats_cohen_kappa(big, big, 2, 3, DL_KAPPA_NONE, &k, &why), DL_EINVAL);
    assert_true(isnan(k));
}

static void test_fleiss(void **state)
{
    (void)state;
    /* Fleiss' example as given on Wikipedia ("Fleiss' kappa"): 10 items,
     * 14 raters, 5 categories, kappa 0.210 (statsmodels: 0.20993070442195522). */
    const int t[50] = {0, 0, 0, 0, 14, 0, 2, 6, 4, 2, 0, 0, 3, 5, 6, 0, 3, 9, 2, 0, 2, 2, 8, 1, 1,
                       7, 7, 0, 0, 0,  3, 2, 6, 3, 0, 2, 5, 3, 2, 2, 6, 5, 2, 1, 0, 0, 2, 2, 3, 7};
    double k;
    const char *why = NULL;
    assert_int_equal(dl_stats_fleiss_kappa(t, 10, 5, &k, &why), 0);
    assert_near(k, 0.20993070442195522, 1e-14);
    const int ragged[4] = {2, 1, 1, 1};
    assert_int_equal(dl_stats_fleiss_kappa(ragged, 2, 2, &k, &why), DL_EINVAL);
    assert_true(isnan(k));
    const int one[4] = {3, 0, 3, 0};
    assert_int_equal(dl_stats_fleiss_kappa(one, 2, 2, &k, &why), DL_EUNDEF);
    assert_true(isnan(k));
    assert_int_equal(dl_stats_fleiss_kappa(one, 0, 2, &k, &why), DL_EUNDEF);
}

/* ---- binomial ------------------------------------------------------------------ */

/* The paper's check (Meding et al. 2022): 72% of 149 trials, i.e. 107,
 * rejects chance with p ~ 5e-8. Values from scipy.stats.binomtest (= R). */
static void test_binom_paper(void **state)
{
    (void)state;
    dl_binom b;
    assert_int_equal(dl_stats_binom_test(107, 149, 0.5, DL_ALT_GREATER, 0.95, &b), 0);
    assert_near(b.p_value, 5.00644704681464e-08, 1e-9 * 5.00644704681464e-08);
    assert_true(b.p_value > 4.5e-8 && b.p_value < 5.5e-8);
    assert_near(b.ci_low, 0.6511949246313223, 1e-12);
    assert_true(b.ci_high == 1.0);
    assert_near(b.estimate, 107.0 / 149.0, 1e-15);
    assert_int_equal(dl_stats_binom_test(107, 149, 0.5, DL_ALT_TWO_SIDED, 0.95, &b), 0);
    assert_near(b.p_value, 1.001289409362928e-07, 1e-9 * 1.001289409362928e-07);
    assert_near(b.ci_low, 0.6386527020756384, 1e-12);
    assert_near(b.ci_high, 0.7886955570306677, 1e-12);
}

static void test_binom_hand(void **state)
{
    (void)state;
    dl_binom b;
    /* 10 of 10 against 1/2: P = 2^-10 one-sided, twice that two-sided. */
    assert_int_equal(dl_stats_binom_test(10, 10, 0.5, DL_ALT_GREATER, 0.95, &b), 0);
    assert_near(b.p_value, 0x1.0p-10, 1e-18);
    assert_int_equal(dl_stats_binom_test(10, 10, 0.5, DL_ALT_TWO_SIDED, 0.95, &b), 0);
    assert_near(b.p_value, 0x1.0p-9, 1e-18);
    /* Clopper-Pearson at 0 and n successes has a closed form. */
    assert_near(b.ci_low, pow(0.025, 0.1), 1e-15);
    assert_true(b.ci_high == 1.0);
    double lo, hi;
    assert_int_equal(dl_stats_clopper_pearson(0, 10, 0.95, &lo, &hi), 0);
    assert_true(lo == 0.0);
    assert_near(hi, 1 - pow(0.025, 0.1), 1e-15);
    /* Asymmetric two-sided p as R: 3 of 20 against 0.4 is 0.0224..., not
     * twice the lower tail (0.0319). */
    assert_int_equal(dl_stats_binom_test(3, 20, 0.4, DL_ALT_TWO_SIDED, 0.95, &b), 0);
    assert_near(b.p_value, 0.022427038142043255, 1e-9 * 0.0224);
    /* k = n p0 exactly: p = 1. */
    assert_int_equal(dl_stats_binom_test(5, 10, 0.5, DL_ALT_TWO_SIDED, 0.95, &b), 0);
    assert_true(b.p_value == 1.0);
}

static void test_binom_invalid(void **state)
{
    (void)state;
    dl_binom b;
    double lo, hi;
    assert_int_equal(dl_stats_binom_test(11, 10, 0.5, DL_ALT_GREATER, 0.95, &b), DL_EINVAL);
    assert_int_equal(dl_stats_binom_test(1, 10, 1.5, DL_ALT_GREATER, 0.95, &b), DL_EINVAL);
    assert_int_equal(dl_stats_binom_test(1, 10, NAN, DL_ALT_GREATER, 0.95, &b), DL_EINVAL);
    assert_int_equal(dl_stats_binom_test(1, 10, 0.5, DL_ALT_GREATER, 1.0, &b), DL_EINVAL);
    assert_int_equal(dl_stats_binom_test(0, 0, 0.5, DL_ALT_TWO_SIDED, 0.95, &b), DL_EUNDEF);
    assert_true(isnan(b.p_value) && isnan(b.estimate));
    assert_int_equal(dl_stats_clopper_pearson(0, 0, 0.95, &lo, &hi), DL_EUNDEF);
    assert_int_equal(dl_stats_clopper_pearson(3, 2, 0.95, &lo, &hi), DL_EINVAL);
    /* p0 at the ends of [0, 1]. */
    assert_int_equal(dl_stats_binom_test(0, 10, 0.0, DL_ALT_TWO_SIDED, 0.95, &b), 0);
    assert_true(b.p_value == 1.0);
    assert_int_equal(dl_stats_binom_test(3, 10, 0.0, DL_ALT_TWO_SIDED, 0.95, &b), 0);
    assert_true(b.p_value == 0.0);
    assert_int_equal(dl_stats_binom_test(10, 10, 1.0, DL_ALT_LESS, 0.95, &b), 0);
    assert_true(b.p_value == 1.0);
}

static void test_names(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        assert_int_equal(dl_stats_level_parse(dl_stats_level_name((dl_level)i)), i);
    for (int i = 0; i < 3; i++)
        assert_int_equal(dl_stats_alternative_parse(dl_stats_alternative_name((dl_alternative)i)),
                         i);
    assert_int_equal(dl_stats_level_parse("nominl"), -1);
    assert_int_equal(dl_stats_level_parse(NULL), -1);
    assert_int_equal(dl_stats_alternative_parse("two.sided"), -1);
    assert_string_equal(dl_stats_alternative_name(DL_ALT_TWO_SIDED), "two-sided");
}

/* ---- correlation, summary ------------------------------------------------------- */

static void test_corr_hand(void **state)
{
    (void)state;
    dl_corr c;
    const double x[6] = {1, 2, 3, 4, 5, NA}, y[6] = {2, 1, 4, 3, 5, 7};
    /* r = 0.8 (scipy p 0.10408803866182785); the pair with a NaN is skipped. */
    assert_int_equal(dl_stats_pearson(x, y, 6, &c, NULL), 0);
    assert_int_equal(c.n, 5);
    assert_near(c.r, 0.8, 1e-15);
    assert_near(c.p_value, 0.10408803866182785, 1e-12);
    /* Spearman with ties: mid-ranks. */
    const double sx[5] = {1, 2, 2, 3, 5}, sy[5] = {1, 3, 2, 4, 4};
    assert_int_equal(dl_stats_spearman(sx, sy, 5, &c, NULL), 0);
    assert_near(c.r, 0.9473684210526317, 1e-15);
    assert_near(c.p_value, 0.014379533619930501, 1e-12);
    /* A perfect line: r 1, p 0; monotone but not linear: rho 1. */
    const double line[4] = {1, 2, 3, 4}, twice[4] = {2, 4, 6, 8}, cube[4] = {1, 8, 27, 64};
    assert_int_equal(dl_stats_pearson(line, twice, 4, &c, NULL), 0);
    assert_true(c.r == 1.0 && c.p_value == 0.0);
    assert_int_equal(dl_stats_spearman(line, cube, 4, &c, NULL), 0);
    assert_near(c.r, 1.0, 1e-15);
}

static void test_corr_undefined(void **state)
{
    (void)state;
    dl_corr c;
    const char *why = NULL;
    const double x[3] = {1, 2, 3}, flat[3] = {4, 4, 4}, nan3[3] = {NA, 1, NA};
    assert_int_equal(dl_stats_pearson(x, flat, 3, &c, &why), DL_EUNDEF);
    assert_true(isnan(c.r) && isnan(c.p_value));
    assert_non_null(why);
    assert_int_equal(dl_stats_spearman(flat, x, 3, &c, &why), DL_EUNDEF);
    assert_int_equal(dl_stats_pearson(x, nan3, 3, &c, &why), DL_EUNDEF);
    assert_int_equal(c.n, 1);
    assert_int_equal(dl_stats_pearson(x, x, 0, &c, &why), DL_EUNDEF);
    /* Two points: r = +-1, p = 1 (as scipy). */
    assert_int_equal(dl_stats_pearson(x, flat + 0, 2, &c, &why), DL_EUNDEF);
    const double y2[2] = {5, 3};
    assert_int_equal(dl_stats_pearson(x, y2, 2, &c, &why), 0);
    assert_true(c.r == -1.0 && c.p_value == 1.0);
}

static void test_summary(void **state)
{
    (void)state;
    dl_stats_summary_t s;
    const double x[4] = {3, 1, NA, 2};
    dl_stats_summary(x, 4, &s);
    assert_int_equal(s.n, 3);
    assert_near(s.mean, 2, 1e-15);
    assert_near(s.sd, 1, 1e-15);
    assert_true(s.min == 1 && s.max == 3 && s.median == 2);
    dl_stats_summary(x, 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean) && isnan(s.median));
    dl_stats_summary(x, 1, &s);
    assert_true(s.n == 1 && s.mean == 3 && isnan(s.sd));
}

/* ---- DDD expectations, true-positive agreement ----------------------------------- */

static void test_pmfs(void **state)
{
    (void)state;
    double pmf[4], pb[4];
    assert_int_equal(dl_stats_binom_pmf(2, 0.5, pmf), 0);
    assert_near(pmf[0], 0.25, 1e-15);
    assert_near(pmf[1], 0.5, 1e-15);
    assert_near(pmf[2], 0.25, 1e-15);
    /* Equal accuracies: the Poisson-binomial is the binomial. */
    const double acc[3] = {0.3, 0.3, 0.3};
    assert_int_equal(dl_stats_binom_pmf(3, 0.3, pmf), 0);
    assert_int_equal(dl_stats_poisson_binom_pmf(acc, 3, pb), 0);
    for (int j = 0; j < 4; j++)
        assert_near(pb[j], pmf[j], 1e-15);
    /* One model always right, one never: exactly one correct. */
    const double ends[2] = {1.0, 0.0};
    assert_int_equal(dl_stats_poisson_binom_pmf(ends, 2, pb), 0);
    assert_true(pb[0] == 0.0 && pb[1] == 1.0 && pb[2] == 0.0);
    assert_int_equal(dl_stats_poisson_binom_pmf(NULL, 0, pb), 0);
    assert_true(pb[0] == 1.0);
    assert_int_equal(dl_stats_binom_pmf(2, 1.5, pmf), DL_EINVAL);
    const double bad[1] = {-0.1};
    assert_int_equal(dl_stats_poisson_binom_pmf(bad, 1, pb), DL_EINVAL);
}

static void test_tpa_hand(void **state)
{
    (void)state;
    /* Models 1100 and 1010: all right on 1 item, any right on 3. */
    const uint8_t c[8] = {1, 1, 0, 0, 1, 0, 1, 0};
    dl_tpa t;
    const char *why = NULL;
    assert_int_equal(dl_stats_tpa(c, 2, 4, &t, &why), 0);
    assert_int_equal(t.all_right, 1);
    assert_int_equal(t.any_right, 3);
    assert_near(t.tpa, 1.0 / 3.0, 1e-15);
    assert_near(t.lower_bound, 0.0, 1e-15);
    assert_near(t.expected_all, 0.25, 1e-15);
    assert_near(t.expected_tpa, 1.0 / 3.0, 1e-15);
    const uint8_t none[4] = {0, 0, 0, 0};
    assert_int_equal(dl_stats_tpa(none, 2, 2, &t, &why), DL_EUNDEF);
    assert_true(isnan(t.tpa));
    assert_int_equal(dl_stats_tpa(c, 0, 4, &t, &why), DL_EUNDEF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alpha_published), cmocka_unit_test(test_alpha_hand),
        cmocka_unit_test(test_alpha_undefined), cmocka_unit_test(test_alpha_paths_agree),
        cmocka_unit_test(test_ec_hand),         cmocka_unit_test(test_ec_conventions),
        cmocka_unit_test(test_ec_matrix_small), cmocka_unit_test(test_ec_matrix_tiles),
        cmocka_unit_test(test_ec_matrix_edges), cmocka_unit_test(test_cohen_hand),
        cmocka_unit_test(test_cohen_undefined), cmocka_unit_test(test_fleiss),
        cmocka_unit_test(test_binom_paper),     cmocka_unit_test(test_binom_hand),
        cmocka_unit_test(test_binom_invalid),   cmocka_unit_test(test_names),
        cmocka_unit_test(test_corr_hand),       cmocka_unit_test(test_corr_undefined),
        cmocka_unit_test(test_summary),         cmocka_unit_test(test_pmfs),
        cmocka_unit_test(test_tpa_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
