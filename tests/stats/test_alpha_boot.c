/* test_alpha_boot.c — Krippendorff's alpha on sparse ratings and its
 * uncertainty: the sparse alpha against the dense one, leave-one-coder-out
 * and mean pairwise alphas and the first bootstrap replicates against
 * tests/stats/ref/make_alpha_reference.py, the same replicates on any thread
 * count, and a seeded coverage simulation with a known population alpha. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "stats_test_util.h"

/* ---- helpers ----------------------------------------------------------------- */

/* "v v v;v v v;..." (units separated by ';', coders by ' ') to ratings. */
static dl_alpha_rating *parse_data(const char *s, size_t ncoders, size_t nunits, size_t *n)
{
    dl_alpha_rating *r = calloc(ncoders * nunits, sizeof *r);
    char *copy = strdup(s), *save = NULL;
    size_t k = 0, u = 0;
    for (char *unit = strtok_r(copy, ";", &save); unit; unit = strtok_r(NULL, ";", &save), u++) {
        size_t nv = 0;
        double *v = parse_list(unit, &nv);
        assert_int_equal(nv, ncoders);
        for (size_t c = 0; c < ncoders; c++)
            if (!isnan(v[c]))
                r[k++] = (dl_alpha_rating){(uint32_t)c, (uint32_t)u, v[c]};
        free(v);
    }
    assert_int_equal(u, nunits);
    free(copy);
    *n = k;
    return r;
}

/* A tiny deterministic generator for the simulations (splitmix64). */
typedef struct sim_rng {
    uint64_t state;
} sim_rng;

static double sim_uniform(sim_rng *g)
{
    g->state += 0x9E3779B97F4A7C15ULL;
    return (double)(dl_mix64(g->state) >> 11) * 0x1.0p-53;
}

static double sim_normal(sim_rng *g)
{
    double u = sim_uniform(g), v = sim_uniform(g);
    return sqrt(-2 * log(u + 0x1.0p-60)) * cos(6.283185307179586 * v);
}

/* ---- the sparse alpha equals the dense one --------------------------------------- */

static void test_set_matches_dense(void **state)
{
    (void)state;
    sim_rng g = {42};
    for (int iter = 0; iter < 400; iter++) {
        dl_level level = (dl_level)(iter % 4);
        size_t nc = 2 + (size_t)(sim_uniform(&g) * 6), nu = 1 + (size_t)(sim_uniform(&g) * 50);
        int nv = 1 + (int)(sim_uniform(&g) * 7);
        double *dense = malloc(nc * nu * sizeof *dense);
        dl_alpha_rating *r = malloc(nc * nu * sizeof *r);
        size_t n = 0;
        for (size_t c = 0; c < nc; c++)
            for (size_t u = 0; u < nu; u++) {
                double v = sim_uniform(&g) < 0.2 ? NAN : (double)(int)(sim_uniform(&g) * nv);
                if (level == DL_LEVEL_INTERVAL && !isnan(v))
                    v = v * 0.37 - 1.5;
                dense[c * nu + u] = v;
                if (!isnan(v) || sim_uniform(&g) < 0.5) /* missing rows may be given or not */
                    r[n++] = (dl_alpha_rating){(uint32_t)c, (uint32_t)(nu - 1 - u), v};
            }
        dl_alpha want, got;
        const char *why_want = NULL, *why_got = NULL;
        int rc_want = dl_stats_kripp_alpha(dense, nc, nu, level, &want, &why_want);
        dl_alpha_set *s = NULL;
        assert_int_equal(dl_alpha_set_new(r, n, level, &s, NULL), 0);
        int rc_got = dl_alpha_set_alpha(s, &got, &why_got);
        assert_int_equal(rc_got, rc_want);
        if (rc_want == DL_EUNDEF)
            assert_string_equal(why_got, why_want);
        assert_true(near_ok(got.alpha, want.alpha, ABS_FLOOR, "alpha", (size_t)iter));
        assert_int_equal(got.pairable_values, want.pairable_values);
        assert_int_equal(got.units_used, want.units_used);
        assert_int_equal(dl_alpha_set_units(s), want.units_used);
        dl_alpha_set_free(s);
        free(dense);
        free(r);
    }
}

/* A moderately sized sparse input (40,000 ratings by 100 coders over 20,000
 * units, most units rated once or twice): the sparse alpha equals the dense
 * implementation of stats_alpha.c, written independently, for every level. */
static void test_sparse_moderate(void **state)
{
    (void)state;
    enum { NC = 100, NU = 20000, NR = 40000 };
    sim_rng g = {15};
    double *dense = malloc((size_t)NC * NU * sizeof *dense);
    dl_alpha_rating *r = malloc(NR * sizeof *r);
    for (size_t i = 0; i < (size_t)NC * NU; i++)
        dense[i] = NAN;
    size_t n = 0;
    while (n < NR) {
        size_t c = (size_t)(sim_uniform(&g) * NC), u = (size_t)(sim_uniform(&g) * NU);
        if (!isnan(dense[c * NU + u]))
            continue;
        double truth = (double)(dl_mix64(u) % 5);
        double v = sim_uniform(&g) < 0.7 ? truth : (double)(int)(sim_uniform(&g) * 5);
        dense[c * NU + u] = v + 1;
        r[n++] = (dl_alpha_rating){(uint32_t)c, (uint32_t)u, v + 1};
    }
    for (int level = 0; level < 4; level++) {
        dl_alpha want, got;
        assert_int_equal(dl_stats_kripp_alpha(dense, NC, NU, (dl_level)level, &want, NULL), 0);
        dl_alpha_set *s = NULL;
        assert_int_equal(dl_alpha_set_new(r, n, (dl_level)level, &s, NULL), 0);
        assert_int_equal(dl_alpha_set_alpha(s, &got, NULL), 0);
        assert_true(near_ok(got.alpha, want.alpha, ABS_FLOOR, "sparse alpha", (size_t)level));
        assert_true(got.alpha > 0.3 && got.alpha < 0.9);
        assert_int_equal(got.units_used, want.units_used);
        dl_alpha_set_free(s);
    }
    free(dense);
    free(r);
}

/* ---- per coder against the reference ----------------------------------------------- */

static void test_loo_ref(void **state)
{
    (void)state;
    dl_csv *csv = stats_ref_open("alpha_loo.csv");
    for (size_t row = 0; row < csv->nrows; row++) {
        size_t line = csv->row_line[row];
        dl_level level = (dl_level)dl_stats_level_parse(ts_ref_field(csv, row, "level"));
        size_t nc = (size_t)atoi(ts_ref_field(csv, row, "coders")),
               nu = (size_t)atoi(ts_ref_field(csv, row, "units"));
        size_t n, nloo, nmean;
        dl_alpha_rating *r = parse_data(ts_ref_field(csv, row, "data"), nc, nu, &n);
        double *want_loo = parse_list(ts_ref_field(csv, row, "loo"), &nloo);
        double *want_mean = parse_list(ts_ref_field(csv, row, "mean_pairwise"), &nmean);
        assert_int_equal(nloo, nc);
        double loo[16], mean[16];
        assert_int_equal(dl_alpha_per_coder(r, n, nc, level, loo, mean, NULL, NULL), 0);
        for (size_t c = 0; c < nc; c++) {
            assert_true(near_ok(loo[c], want_loo[c], ABS_FLOOR, "loo", line));
            assert_true(near_ok(mean[c], want_mean[c], ABS_FLOOR, "mean pairwise", line));
        }
        dl_alpha_set *s = NULL;
        dl_alpha a;
        assert_int_equal(dl_alpha_set_new(r, n, level, &s, NULL), 0);
        dl_alpha_set_alpha(s, &a, NULL);
        assert_true(
            near_ok(a.alpha, num(ts_ref_field(csv, row, "alpha")), ABS_FLOOR, "alpha", line));
        dl_alpha_set_free(s);
        free(r);
        free(want_loo);
        free(want_mean);
    }
    dl_csv_free(csv);
}

/* ---- bootstrap replicates against the reference -------------------------------------- */

static void test_boot_ref(void **state)
{
    (void)state;
    dl_csv *csv = stats_ref_open("alpha_boot.csv");
    for (size_t row = 0; row < csv->nrows; row++) {
        size_t line = csv->row_line[row];
        dl_level level = (dl_level)dl_stats_level_parse(ts_ref_field(csv, row, "level"));
        size_t nc = (size_t)atoi(ts_ref_field(csv, row, "coders")),
               nu = (size_t)atoi(ts_ref_field(csv, row, "units"));
        size_t n, nrep;
        dl_alpha_rating *r = parse_data(ts_ref_field(csv, row, "data"), nc, nu, &n);
        double *want = parse_list(ts_ref_field(csv, row, "replicates"), &nrep);
        dl_alpha_set *s = NULL;
        assert_int_equal(dl_alpha_set_new(r, n, level, &s, NULL), 0);
        dl_alpha_boot_opts o = {.method = DL_ALPHA_BOOT_UNITS,
                                .replicates = nrep,
                                .seed = strtoull(ts_ref_field(csv, row, "seed"), NULL, 10),
                                .conf = 0.95,
                                .threads = 2};
        dl_alpha_boot b;
        double got[16];
        int rc = dl_alpha_boot_run(s, &o, &b, got);
        assert_true(rc == 0 || rc == DL_EUNDEF);
        for (size_t i = 0; i < nrep; i++)
            assert_true(near_ok(got[i], want[i], ABS_FLOOR, "replicate", line));
        dl_alpha_set_free(s);
        free(r);
        free(want);
    }
    dl_csv_free(csv);
}

/* ---- determinism across thread counts ----------------------------------------------- */

/* 8 coders x n units of ordinal ratings 0..4 around a latent value. */
static dl_alpha_rating *latent_data(sim_rng *g, size_t nc, size_t nu, double noise, size_t *n)
{
    dl_alpha_rating *r = malloc(nc * nu * sizeof *r);
    size_t k = 0;
    for (size_t u = 0; u < nu; u++) {
        double t = sim_normal(g);
        for (size_t c = 0; c < nc; c++) {
            double x = t + noise * sim_normal(g);
            double v = x < -1 ? 0 : x < -0.3 ? 1 : x < 0.3 ? 2 : x < 1 ? 3 : 4;
            r[k++] = (dl_alpha_rating){(uint32_t)c, (uint32_t)u, v};
        }
    }
    *n = k;
    return r;
}

static void test_threads(void **state)
{
    (void)state;
    sim_rng g = {7};
    size_t n;
    dl_alpha_rating *r = latent_data(&g, 8, 300, 0.8, &n);
    for (int level = 0; level < 4; level++)
        for (int method = 0; method < 2; method++) {
            dl_alpha_set *s = NULL;
            if (level == DL_LEVEL_RATIO)
                for (size_t i = 0; i < n; i++)
                    r[i].value += 1;
            assert_int_equal(dl_alpha_set_new(r, n, (dl_level)level, &s, NULL), 0);
            enum { NREP = 997 };
            static double first[NREP], again[NREP];
            dl_alpha_boot_opts o = {.method = (dl_alpha_boot_method)method,
                                    .replicates = NREP,
                                    .seed = 12345,
                                    .conf = 0.9,
                                    .alpha_min = {0.5, 0.667, 0.8},
                                    .nmin = 3,
                                    .threads = 1};
            dl_alpha_boot b1, b2;
            assert_int_equal(dl_alpha_boot_run(s, &o, &b1, first), 0);
            for (int t = 2; t <= 9; t += 7) {
                o.threads = t;
                assert_int_equal(dl_alpha_boot_run(s, &o, &b2, again), 0);
                assert_memory_equal(first, again, sizeof first);
                assert_memory_equal(&b1.ci_low, &b2.ci_low, sizeof b1.ci_low);
                assert_memory_equal(&b1.ci_high, &b2.ci_high, sizeof b1.ci_high);
                assert_memory_equal(b1.p_below, b2.p_below, sizeof b1.p_below);
            }
            /* Another seed gives other replicates; the interval holds alpha. */
            o.seed = 12346;
            assert_int_equal(dl_alpha_boot_run(s, &o, &b2, again), 0);
            assert_true(memcmp(first, again, sizeof first) != 0);
            dl_alpha a;
            dl_alpha_set_alpha(s, &a, NULL);
            assert_true(b1.ci_low < a.alpha && a.alpha < b1.ci_high);
            assert_true(b1.ci_high - b1.ci_low < 0.3);
            /* Krippendorff's bootstrap draws pairs with the probabilities of
             * the coincidence matrix, so D_o* averages to D_o: its replicates
             * average to alpha itself (the multinomial chain is right). */
            if (method == DL_ALPHA_BOOT_HAYES) {
                double mean = 0;
                for (size_t i = 0; i < NREP; i++)
                    mean += first[i] / NREP;
                assert_true(fabs(mean - a.alpha) < 0.005);
            }
            /* p_below is the share of replicates below each value. */
            size_t below = 0;
            for (size_t i = 0; i < NREP; i++)
                below += first[i] < 0.667;
            assert_true(b1.p_below[1] == (double)below / NREP);
            dl_alpha_set_free(s);
        }
    free(r);
}

/* ---- coverage: coders with a known population alpha -------------------------------- */

/* The population alpha of the latent model, from one very large sample. */
static double population_alpha(double noise)
{
    sim_rng g = {99};
    size_t n;
    dl_alpha_rating *r = latent_data(&g, 8, 200000, noise, &n);
    dl_alpha_set *s = NULL;
    dl_alpha a;
    assert_int_equal(dl_alpha_set_new(r, n, DL_LEVEL_ORDINAL, &s, NULL), 0);
    assert_int_equal(dl_alpha_set_alpha(s, &a, NULL), 0);
    dl_alpha_set_free(s);
    free(r);
    return a.alpha;
}

static void test_coverage(void **state)
{
    (void)state;
    const double noise = 0.9;
    double pop = population_alpha(noise);
    enum { DATASETS = 400, REPS = 1000 };
    size_t covered = 0;
    sim_rng g = {2026};
    for (int d = 0; d < DATASETS; d++) {
        size_t n;
        dl_alpha_rating *r = latent_data(&g, 6, 120, noise, &n);
        dl_alpha_set *s = NULL;
        assert_int_equal(dl_alpha_set_new(r, n, DL_LEVEL_ORDINAL, &s, NULL), 0);
        dl_alpha_boot_opts o = {.replicates = REPS, .seed = (uint64_t)d, .conf = 0.95};
        dl_alpha_boot b;
        assert_int_equal(dl_alpha_boot_run(s, &o, &b, NULL), 0);
        covered += b.ci_low <= pop && pop <= b.ci_high;
        dl_alpha_set_free(s);
        free(r);
    }
    double share = (double)covered / DATASETS;
    fprintf(stderr, "population alpha %.4f, coverage of 95%% intervals %.3f\n", pop, share);
    /* 400 intervals: the binomial SD of the share is 0.011 at 0.95. */
    assert_true(share > 0.91 && share < 0.985);
}

/* ---- planning: units for a given interval width --------------------------------- */

static void test_plan(void **state)
{
    (void)state;
    dl_alpha_plan_opts o = {.coders = 6,
                            .alpha = 0.6,
                            .level = DL_LEVEL_ORDINAL,
                            .categories = 4,
                            .conf = 0.95,
                            .sims = 200,
                            .seed = 9};
    size_t units[3] = {40, 160, 2000};
    dl_alpha_plan_row rows[3], again[3];
    double sd;
    assert_int_equal(dl_alpha_plan(&o, units, 3, rows, &sd), 0);
    /* The generator hits the population alpha: a large study is centred on it. */
    assert_true(fabs(rows[2].mean_alpha - 0.6) < 0.01);
    /* Four times the units, about half the width (1/sqrt(n)). */
    double ratio = rows[0].width / rows[1].width;
    assert_true(ratio > 1.6 && ratio < 2.5);
    assert_true(rows[1].width > rows[2].width);
    assert_true(rows[0].ci_low < 0.6 && 0.6 < rows[0].ci_high);
    /* Seeded: the same table again, also when the calibration is passed in. */
    o.noise_sd = sd;
    assert_int_equal(dl_alpha_plan(&o, units, 2, again, NULL), 0);
    assert_memory_equal(&rows[0].width, &again[0].width, sizeof(double));
    /* Interval level: noise SD sqrt(1/alpha - 1) exactly. */
    o = (dl_alpha_plan_opts){
        .coders = 4, .alpha = 0.5, .level = DL_LEVEL_INTERVAL, .conf = 0.95, .sims = 50, .seed = 1};
    assert_int_equal(dl_alpha_plan(&o, units, 1, rows, &sd), 0);
    assert_true(sd == 1.0);
    o.coders = 1;
    assert_int_equal(dl_alpha_plan(&o, units, 1, rows, &sd), DL_EINVAL);
}

/* ---- argument checks --------------------------------------------------------------- */

static void test_bad_args(void **state)
{
    (void)state;
    dl_alpha_rating r[4] = {{0, 0, 1}, {1, 0, 1}, {0, 1, 2}, {1, 1, 2}};
    dl_alpha_set *s = NULL;
    assert_int_equal(dl_alpha_set_new(r, 4, DL_LEVEL_NOMINAL, &s, NULL), 0);
    dl_alpha_boot b;
    dl_alpha_boot_opts o = {.replicates = 10, .conf = 1.0};
    assert_int_equal(dl_alpha_boot_run(s, &o, &b, NULL), DL_EINVAL);
    o.conf = 0.95;
    /* Perfect agreement: every replicate is 1 or undefined (one value only). */
    assert_true(dl_alpha_boot_run(s, &o, &b, NULL) == 0);
    assert_true(b.ci_high == 1.0);
    dl_alpha_set_free(s);
    r[0].value = INFINITY;
    const char *why = NULL;
    assert_int_equal(dl_alpha_set_new(r, 4, DL_LEVEL_NOMINAL, &s, &why), DL_EINVAL);
    assert_string_equal(why, "a value is infinite");
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_matches_dense),
        cmocka_unit_test(test_sparse_moderate),
        cmocka_unit_test(test_loo_ref),
        cmocka_unit_test(test_boot_ref),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
