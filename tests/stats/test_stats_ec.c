/* test_stats_ec.c — error consistency's uncertainty: the kappa bounds,
 * Fisher's exact test and the corrected kappa against the committed
 * reference numbers of tests/stats/ref/make_ec_reference.py (scipy, exact
 * rationals); the boundary convention; the bootstrap against a naive
 * resampling written from the documented RNG scheme, its determinism over
 * thread counts, and its coverage on copy-model pairs of known kappa. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "stats_private.h"
#include "stats_test_util.h"

static double col(const dl_csv *csv, size_t row, const char *name)
{
    return num(ts_ref_field(csv, row, name));
}

static void test_ec_reference(void **state)
{
    (void)state;
    dl_csv *csv = stats_ref_open("ec_test.csv");
    int bad = 0;
    for (size_t i = 0; i < csv->nrows; i++) {
        size_t ln = csv->row_line[i];
        size_t n = (size_t)col(csv, i, "n"), r1 = (size_t)col(csv, i, "r1"),
               r2 = (size_t)col(csv, i, "r2"), both = (size_t)col(csv, i, "both");
        dl_ec e;
        dl_ec_test t;
        const char *why = NULL;
        int rc = dl_stats_ec_counts(n, r1, r2, both, DL_EC_BOUNDARY_UNDEFINED, &e, &why);
        double want = col(csv, i, "kappa");
        bad += !near_ok(e.kappa, want, ABS_FLOOR, "kappa", ln);
        bad += rc != (isnan(want) ? DL_EUNDEF : 0) || (rc && !why);
        dl_stats_ec_counts(n, r1, r2, both, DL_EC_BOUNDARY_ONE, &e, NULL);
        bad += !near_ok(e.kappa, col(csv, i, "kappa_one"), ABS_FLOOR, "kappa_one", ln);
        dl_stats_ec_test(n, r1, r2, both, DL_EC_BOUNDARY_UNDEFINED, &t);
        bad += !near_ok(t.kappa_min, col(csv, i, "kappa_min"), ABS_FLOOR, "kappa_min", ln);
        bad += !near_ok(t.kappa_max, col(csv, i, "kappa_max"), ABS_FLOOR, "kappa_max", ln);
        bad += !near_ok(t.kappa_corrected, col(csv, i, "kappa_corrected"), ABS_FLOOR,
                        "kappa_corrected", ln);
        bad += !near_ok(t.p_value, col(csv, i, "p_value"), REL_FLOOR, "p_value", ln);
        dl_stats_ec_test(n, r1, r2, both, DL_EC_BOUNDARY_ONE, &t);
        bad += !near_ok(t.kappa_min, col(csv, i, "kappa_min_one"), ABS_FLOOR, "kappa_min_one", ln);
        bad += !near_ok(t.kappa_max, col(csv, i, "kappa_max_one"), ABS_FLOOR, "kappa_max_one", ln);
    }
    dl_csv_free(csv);
    assert_int_equal(bad, 0);
}

static void test_ec_boundary(void **state)
{
    (void)state;
    const uint8_t all[4] = {1, 1, 1, 1}, none[4] = {0, 0, 0, 0}, mixed[4] = {1, 0, 1, 1};
    dl_ec e;
    const char *why = NULL;
    assert_int_equal(dl_stats_ec(all, all, 4, &e, &why), DL_EUNDEF);
    assert_true(isnan(e.kappa) && e.c_obs == 1.0 && e.c_exp == 1.0);
    assert_non_null(strstr(why, "expected agreement is 1"));
    assert_int_equal(dl_stats_ec(none, none, 4, &e, NULL), DL_EUNDEF);
    assert_true(isnan(e.kappa));
    /* c_obs = 1 with c_exp < 1 stays 1 under both conventions */
    assert_int_equal(dl_stats_ec(mixed, mixed, 4, &e, NULL), 0);
    assert_true(e.kappa == 1.0);
    assert_int_equal(dl_stats_ec_counts(4, 4, 4, 4, DL_EC_BOUNDARY_ONE, &e, NULL), 0);
    assert_true(e.kappa == 1.0);
    assert_int_equal(dl_stats_ec_counts(4, 3, 3, 4, DL_EC_BOUNDARY_ONE, &e, NULL), DL_EINVAL);
    assert_int_equal(dl_stats_ec_counts(4, 3, 3, 1, DL_EC_BOUNDARY_ONE, &e, NULL), DL_EINVAL);
    assert_int_equal(dl_stats_ec_boundary_parse("one"), DL_EC_BOUNDARY_ONE);
    assert_int_equal(dl_stats_ec_boundary_parse("undefined"), DL_EC_BOUNDARY_UNDEFINED);
    assert_int_equal(dl_stats_ec_boundary_parse("1"), -1);
    assert_string_equal(dl_stats_ec_boundary_name(DL_EC_BOUNDARY_ONE), "one");
    /* the diagonal of the matrix follows the convention too */
    dl_bits *b = dl_stats_bits_new(2, 4);
    for (size_t i = 0; i < 4; i++)
        dl_stats_bits_set(b, 0, i);
    dl_stats_bits_set(b, 1, 0);
    double k[4];
    assert_int_equal(dl_stats_ec_matrix(b, NULL, 1, k, NULL), 0);
    assert_true(isnan(k[0]) && k[3] == 1.0 && k[1] == 0.0);
    dl_stats_bits_free(b);
}

static void test_fisher_known(void **state)
{
    (void)state;
    double p;
    /* R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value = 0.4857142857 */
    assert_int_equal(dl_stats_fisher_exact(3, 1, 1, 3, &p), 0);
    assert_true(fabs(p - 34.0 / 70.0) < 1e-14);
    /* the tea-tasting table is symmetric: every table as likely as 3/1 counts */
    assert_int_equal(dl_stats_fisher_exact(0, 0, 0, 0, &p), 0);
    assert_true(p == 1.0);
    assert_int_equal(dl_stats_fisher_exact(4294967295u, 1, 0, 0, &p), DL_EINVAL);
    /* a table far in the tail: p tiny but not 0 */
    assert_int_equal(dl_stats_fisher_exact(500, 0, 0, 500, &p), 0);
    assert_true(p > 0 && p < 1e-290);
}

static void test_percentile(void **state)
{
    (void)state;
    double v[10] = {10, 3, 7, 1, 9, 2, 8, 4, 6, 5};
    /* NumPy: np.percentile(np.arange(1, 11), 2.5) = 1.225, 97.5 -> 9.775 */
    assert_true(fabs(dl_stats_percentile(v, 10, 0.025) - 1.225) < 1e-14);
    assert_true(fabs(dl_stats_percentile(v, 10, 0.975) - 9.775) < 1e-14);
    assert_true(dl_stats_percentile(v, 10, 1.0) == 10.0);
    assert_true(dl_stats_percentile(v, 10, 0.0) == 1.0);
    assert_true(isnan(dl_stats_percentile(v, 0, 0.5)));
    double one = 4;
    assert_true(dl_stats_percentile(&one, 1, 0.3) == 4.0);
}

/* ---- bootstrap ------------------------------------------------------------------ */

static uint64_t sm_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unif01(uint64_t *s)
{
    return (double)(sm_next(s) >> 11) * 0x1.0p-53;
}

/* Random correctness with shared item difficulty, a few items unseen when
 * holes is set. */
static void fill_random(dl_bits *c, dl_bits *seen, uint64_t seed, int holes)
{
    uint64_t s = seed;
    double *ease = malloc(c->n * sizeof *ease);
    for (size_t i = 0; i < c->n; i++)
        ease[i] = unif01(&s);
    for (size_t r = 0; r < c->rows; r++) {
        double acc = 0.5 + 0.4 * unif01(&s);
        for (size_t i = 0; i < c->n; i++) {
            if (holes && unif01(&s) < 0.1)
                continue;
            if (seen)
                dl_stats_bits_set(seen, r, i);
            if ((unif01(&s) < 0.5 ? ease[i] : unif01(&s)) < acc)
                dl_stats_bits_set(c, r, i);
        }
    }
    free(ease);
}

static int bit(const dl_bits *b, size_t r, size_t i)
{
    return (int)((b->words[r * b->words_per_row + i / 64] >> (i % 64)) & 1);
}

/* The documented scheme (docs/statistics.md): replicate r's item draws come
 * from splitmix64 started at key = mix(mix(seed) ^ mix(2 r + stream)),
 * stream 0 for items, 1 for observers; each output gives two 32-bit draws
 * (upper half first); a draw below n is Lemire's multiply-and-reject. */
static uint64_t mix(uint64_t x)
{
    uint64_t s = x;
    return sm_next(&s);
}

typedef struct doc_stream {
    uint64_t key, k, buf;
    int have;
} doc_stream;

static uint32_t doc_next32(doc_stream *s)
{
    if (s->have) {
        s->have = 0;
        return (uint32_t)s->buf;
    }
    s->buf = mix(s->key + s->k++ * 0x9E3779B97F4A7C15ULL);
    s->have = 1;
    return (uint32_t)(s->buf >> 32);
}

static uint64_t doc_draw(doc_stream *s, uint32_t n)
{
    uint32_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t m = (uint64_t)doc_next32(s) * n;
        if ((uint32_t)m >= threshold)
            return m >> 32;
    }
}

static double sorted_percentile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t k = (size_t)h;
    return k + 1 < n ? v[k] + (h - (double)k) * (v[k + 1] - v[k]) : v[n - 1];
}

/* The bit-plane bootstrap equals resampling the vectors and calling
 * dl_stats_ec on each copy, with the same draws. */
static void test_boot_naive(void **state)
{
    (void)state;
    enum { M = 5, N = 70, R = 60 };
    for (int holes = 0; holes < 2; holes++) {
        dl_bits *c = dl_stats_bits_new(M, N), *seen = dl_stats_bits_new(M, N);
        fill_random(c, seen, 11 + (uint64_t)holes, holes);
        /* 0.9 takes the tails from heaps, 0.5 from a selection */
        double conf = holes ? 0.5 : 0.9, ql = (1 - conf) / 2, qh = (1 + conf) / 2;
        dl_ec_boot_opts o = {.replicates = R, .seed = 77, .conf_level = conf, .threads = 2};
        dl_ec_boot out;
        assert_int_equal(dl_stats_ec_bootstrap(c, holes ? seen : NULL, &o, &out), 0);
        assert_int_equal(out.npairs, M * (M - 1) / 2);
        static double kap[M * (M - 1) / 2][R], means[R];
        uint8_t va[N], vb[N];
        size_t idx[N], nd[M * (M - 1) / 2] = {0}, nm = 0;
        for (size_t r = 0; r < R; r++) {
            doc_stream st = {.key = mix(mix(77) ^ mix(2 * r))};
            for (size_t i = 0; i < N; i++)
                idx[i] = doc_draw(&st, N);
            double sum = 0;
            size_t used = 0;
            for (size_t a = 0, p = 0; a < M; a++)
                for (size_t b = a + 1; b < M; b++, p++) {
                    size_t n = 0;
                    for (size_t i = 0; i < N; i++)
                        if (bit(seen, a, idx[i]) && bit(seen, b, idx[i])) {
                            va[n] = (uint8_t)bit(c, a, idx[i]);
                            vb[n++] = (uint8_t)bit(c, b, idx[i]);
                        }
                    dl_ec e;
                    dl_stats_ec(va, vb, n, &e, NULL);
                    if (!isnan(e.kappa)) {
                        kap[p][nd[p]++] = e.kappa;
                        sum += e.kappa;
                        used++;
                    }
                }
            if (used)
                means[nm++] = sum / (double)used;
        }
        for (size_t p = 0; p < out.npairs; p++) {
            assert_int_equal(out.defined[p], nd[p]);
            qsort(kap[p], nd[p], sizeof(double), dl_cmp_double);
            assert_true(fabs(out.ci_low[p] - sorted_percentile(kap[p], nd[p], ql)) < 1e-12);
            assert_true(fabs(out.ci_high[p] - sorted_percentile(kap[p], nd[p], qh)) < 1e-12);
            assert_true(out.ci_low[p] <= out.kappa[p] + 0.5 && out.ci_low[p] < out.ci_high[p]);
        }
        qsort(means, nm, sizeof(double), dl_cmp_double);
        assert_int_equal(out.mean_defined, nm);
        assert_true(fabs(out.mean_ci_low - sorted_percentile(means, nm, ql)) < 1e-12);
        assert_true(fabs(out.mean_ci_high - sorted_percentile(means, nm, qh)) < 1e-12);
        /* the estimate on the data is the plain one */
        size_t p = 0;
        for (size_t a = 0; a < M; a++)
            for (size_t b = a + 1; b < M; b++, p++) {
                size_t n = 0;
                for (size_t i = 0; i < N; i++)
                    if (bit(seen, a, i) && bit(seen, b, i)) {
                        va[n] = (uint8_t)bit(c, a, i);
                        vb[n++] = (uint8_t)bit(c, b, i);
                    }
                dl_ec e;
                dl_stats_ec(va, vb, n, &e, NULL);
                assert_true(e.kappa == out.kappa[p]);
            }
        dl_stats_ec_boot_free(&out);
        dl_stats_bits_free(c);
        dl_stats_bits_free(seen);
    }
}

static void boot_same(const dl_ec_boot *x, const dl_ec_boot *y)
{
    assert_int_equal(x->npairs, y->npairs);
    assert_memory_equal(x->ci_low, y->ci_low, x->npairs * sizeof(double));
    assert_memory_equal(x->ci_high, y->ci_high, x->npairs * sizeof(double));
    assert_memory_equal(x->defined, y->defined, x->npairs * sizeof(size_t));
    assert_memory_equal(&x->mean_ci_low, &y->mean_ci_low, sizeof(double));
    assert_memory_equal(&x->mean_ci_high, &y->mean_ci_high, sizeof(double));
    assert_memory_equal(&x->mean_se, &y->mean_se, sizeof(double));
}

static void test_boot_threads(void **state)
{
    (void)state;
    dl_bits *c = dl_stats_bits_new(9, 300), *seen = dl_stats_bits_new(9, 300);
    fill_random(c, seen, 5, 1);
    for (int variant = 0; variant < 3; variant++) {
        dl_ec_boot_opts o = {.replicates = 203,
                             .seed = 2026,
                             .conf_level = 0.95,
                             .resample_observers = variant == 2};
        const dl_bits *sn = variant == 0 ? NULL : seen;
        dl_ec_boot one, two, four;
        o.threads = 1;
        assert_int_equal(dl_stats_ec_bootstrap(c, sn, &o, &one), 0);
        o.threads = 2;
        assert_int_equal(dl_stats_ec_bootstrap(c, sn, &o, &two), 0);
        o.threads = 4;
        assert_int_equal(dl_stats_ec_bootstrap(c, sn, &o, &four), 0);
        boot_same(&one, &two);
        boot_same(&one, &four);
        /* the plain C kernels give the same numbers as the SIMD ones */
        dl_ec_boot plain;
        assert_int_equal(stats_ec_bootstrap_with(c, sn, &o, &plain, 1, 0), 0);
        boot_same(&one, &plain);
        dl_stats_ec_boot_free(&plain);
        /* pairs done in blocks of 5 and of 1 (replicates redrawn per block) */
        for (size_t per = 1; per <= 5; per += 4) {
            dl_ec_boot blocks;
            assert_int_equal(stats_ec_bootstrap_with(c, sn, &o, &blocks, 0, per * o.replicates), 0);
            boot_same(&one, &blocks);
            dl_stats_ec_boot_free(&blocks);
        }
        /* another seed gives other intervals */
        dl_ec_boot other;
        o.seed = 2027;
        assert_int_equal(dl_stats_ec_bootstrap(c, sn, &o, &other), 0);
        assert_true(memcmp(one.ci_low, other.ci_low, one.npairs * sizeof(double)) != 0);
        /* resampling observers leaves the pairs alone and widens the mean's interval */
        if (variant == 2) {
            dl_ec_boot items;
            o.seed = 2026;
            o.resample_observers = 0;
            assert_int_equal(dl_stats_ec_bootstrap(c, sn, &o, &items), 0);
            assert_memory_equal(items.ci_low, one.ci_low, one.npairs * sizeof(double));
            assert_true(one.mean_ci_high - one.mean_ci_low >
                        items.mean_ci_high - items.mean_ci_low);
            dl_stats_ec_boot_free(&items);
        }
        dl_stats_ec_boot_free(&one);
        dl_stats_ec_boot_free(&two);
        dl_stats_ec_boot_free(&four);
        dl_stats_ec_boot_free(&other);
    }
    dl_ec_boot_opts bad = {.replicates = 0, .conf_level = 0.95};
    dl_ec_boot out;
    assert_int_equal(dl_stats_ec_bootstrap(c, NULL, &bad, &out), DL_EINVAL);
    bad.replicates = 10;
    bad.conf_level = 1.0;
    assert_int_equal(dl_stats_ec_bootstrap(c, NULL, &bad, &out), DL_EINVAL);
    dl_stats_bits_free(c);
    dl_stats_bits_free(seen);
}

/* Klein et al.'s copy model: observer 2 copies observer 1's correctness
 * with probability kappa, else draws its own with the same accuracy, so the
 * population error consistency is kappa. 95% intervals should cover it in
 * about 95% of 200 simulated pairs. */
static void test_boot_coverage(void **state)
{
    (void)state;
    enum { SIMS = 200, N = 300 };
    const double acc = 0.75, kappa = 0.4;
    uint64_t s = 99;
    int covered = 0;
    for (int sim = 0; sim < SIMS; sim++) {
        dl_bits *c = dl_stats_bits_new(2, N);
        for (size_t i = 0; i < N; i++) {
            int a = unif01(&s) < acc;
            int b = unif01(&s) < kappa ? a : unif01(&s) < acc;
            if (a)
                dl_stats_bits_set(c, 0, i);
            if (b)
                dl_stats_bits_set(c, 1, i);
        }
        dl_ec_boot_opts o = {
            .replicates = 1000, .seed = (uint64_t)sim, .conf_level = 0.95, .threads = 1};
        dl_ec_boot out;
        assert_int_equal(dl_stats_ec_bootstrap(c, NULL, &o, &out), 0);
        covered += out.ci_low[0] <= kappa && kappa <= out.ci_high[0];
        /* one pair: the mean's interval is the pair's */
        assert_true(out.mean_ci_low == out.ci_low[0] && out.mean_ci_high == out.ci_high[0]);
        dl_stats_ec_boot_free(&out);
        dl_stats_bits_free(c);
    }
    print_message("coverage %d of %d\n", covered, SIMS);
    assert_true(covered >= (int)(0.90 * SIMS) && covered <= (int)(0.99 * SIMS));
}

/* ---- planning --------------------------------------------------------------------- */

static void test_plan_2afc_reference(void **state)
{
    (void)state;
    dl_csv *csv = stats_ref_open("plan_2afc.csv");
    int bad = 0;
    int kind = dl_csv_col(csv, "kind");
    for (size_t i = 0; i < csv->nrows; i++) {
        size_t ln = csv->row_line[i];
        unsigned n = (unsigned)col(csv, i, "n"), crit;
        double acc = col(csv, i, "accuracy"), alpha = col(csv, i, "alpha"), pw;
        if (strcmp(csv->rows[i][kind], "power") == 0) {
            assert_int_equal(dl_stats_power_2afc(n, acc, 0.5, alpha, &crit, &pw), 0);
        } else {
            dl_plan_2afc r;
            assert_int_equal(
                dl_stats_plan_2afc(acc, 0.5, alpha, col(csv, i, "target"), 100000, &r, NULL), 0);
            if (r.n != n || r.first_n != (unsigned)col(csv, i, "first_n")) {
                fprintf(stderr, "line %zu: n %u first %u, expected %u %u\n", ln, r.n, r.first_n, n,
                        (unsigned)col(csv, i, "first_n"));
                bad++;
            }
            crit = r.critical;
            pw = r.power;
        }
        bad += crit != (unsigned)col(csv, i, "critical");
        bad += !near_ok(pw, col(csv, i, "power"), REL_FLOOR, "power", ln);
    }
    dl_csv_free(csv);
    assert_int_equal(bad, 0);
    /* not reachable */
    dl_plan_2afc r;
    const char *why = NULL;
    assert_int_equal(dl_stats_plan_2afc(0.5, 0.5, 0.05, 0.8, 1000, &r, &why), DL_EUNDEF);
    assert_non_null(strstr(why, "not above chance"));
    assert_int_equal(dl_stats_plan_2afc(0.51, 0.5, 0.05, 0.8, 100, &r, &why), DL_EUNDEF);
    assert_int_equal(dl_stats_plan_2afc(0.7, 0.5, 0.05, 1.0, 100, &r, &why), DL_EINVAL);
}

static void test_copy_model(void **state)
{
    (void)state;
    double c, q;
    assert_int_equal(dl_stats_copy_model(0.8, 0.8, 0.4, &c, &q, NULL), 0);
    assert_true(fabs(c - 0.4) < 1e-15 && fabs(q - 0.8) < 1e-15);
    /* unequal accuracies: observer 2's accuracy and the kappa come out right */
    assert_int_equal(dl_stats_copy_model(0.9, 0.7, 0.3, &c, &q, NULL), 0);
    double p2 = c * 0.9 + (1 - c) * q;
    double agree = c + (1 - c) * (0.9 * q + 0.1 * (1 - q));
    double cexp = 0.9 * 0.7 + 0.1 * 0.3;
    assert_true(fabs(p2 - 0.7) < 1e-12);
    assert_true(fabs((agree - cexp) / (1 - cexp) - 0.3) < 1e-12);
    const char *why = NULL;
    assert_int_equal(dl_stats_copy_model(0.9, 0.5, 0.9, &c, &q, &why), DL_EINVAL);
    assert_non_null(why);
    assert_int_equal(dl_stats_copy_model(0.9, 0.5, -0.1, &c, &q, &why), DL_EINVAL);
}

/* The planned n gives about the wanted half-width, both as the simulated
 * spread and as the mean width of real bootstrap intervals at that n. */
static void test_plan_ec(void **state)
{
    (void)state;
    dl_plan_ec_opts o = {.p1 = 0.8,
                         .p2 = 0.8,
                         .kappa = 0.4,
                         .half_width = 0.1,
                         .conf_level = 0.95,
                         .sims = 1000,
                         .seed = 3,
                         .nmax = 100000};
    dl_plan_ec r;
    assert_int_equal(dl_stats_plan_ec(&o, &r, NULL), 0);
    assert_true(r.half_width <= 0.1 && r.half_width > 0.09);
    assert_true(r.n > 100 && r.n < 2000);
    double hw;
    size_t nd;
    assert_int_equal(dl_stats_ec_half_width(r.n * 4, &o, &hw, &nd), 0);
    assert_true(fabs(hw - r.half_width / 2) < 0.1 * r.half_width); /* 1 / sqrt(n) */
    /* the same seed, the same answer */
    dl_plan_ec again;
    assert_int_equal(dl_stats_plan_ec(&o, &again, NULL), 0);
    assert_int_equal(again.n, r.n);
    /* bootstrap intervals at n are about that wide */
    uint64_t s = 17;
    double sum = 0;
    enum { SIMS = 40 };
    for (int sim = 0; sim < SIMS; sim++) {
        dl_bits *c = dl_stats_bits_new(2, r.n);
        for (size_t i = 0; i < r.n; i++) {
            int a = unif01(&s) < 0.8, b = unif01(&s) < 0.4 ? a : unif01(&s) < 0.8;
            if (a)
                dl_stats_bits_set(c, 0, i);
            if (b)
                dl_stats_bits_set(c, 1, i);
        }
        dl_ec_boot_opts bo = {
            .replicates = 500, .seed = (uint64_t)sim, .conf_level = 0.95, .threads = 1};
        dl_ec_boot out;
        assert_int_equal(dl_stats_ec_bootstrap(c, NULL, &bo, &out), 0);
        sum += (out.ci_high[0] - out.ci_low[0]) / 2;
        dl_stats_ec_boot_free(&out);
        dl_stats_bits_free(c);
    }
    print_message("planned n %zu: simulated half-width %.4f, mean bootstrap half-width %.4f\n", r.n,
                  r.half_width, sum / SIMS);
    assert_true(fabs(sum / SIMS - 0.1) < 0.015);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ec_reference),  cmocka_unit_test(test_ec_boundary),
        cmocka_unit_test(test_fisher_known),  cmocka_unit_test(test_percentile),
        cmocka_unit_test(test_boot_naive),    cmocka_unit_test(test_boot_threads),
        cmocka_unit_test(test_boot_coverage), cmocka_unit_test(test_plan_2afc_reference),
        cmocka_unit_test(test_copy_model),    cmocka_unit_test(test_plan_ec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
