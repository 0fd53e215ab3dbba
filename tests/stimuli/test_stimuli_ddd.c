/* test_stimuli_ddd.c — the DDD analysis: the paper's ImageNet split, the
 * histogram expectations and error consistency against Python references
 * (data/reference.txt from make_reference.py: scipy, sklearn), against the
 * scalar dl_stats_ec, per-epoch agreement, and the --out files. */
#include "helpers.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "dl_stimuli.h"

static dl_stimuli_results *read_ok(const char *path)
{
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    if (dl_stimuli_results_read(path, NULL, &r, &err) != 0)
        fail_msg("%s", err.msg);
    return r;
}

static dl_stimuli_analysis *analyse_ok(const dl_stimuli_results *r, unsigned near)
{
    dl_stimuli_analysis *a = NULL;
    dl_error err = {0};
    if (dl_stimuli_analyse(r, near, 2, &a, &err) != 0)
        fail_msg("%s", err.msg);
    return a;
}

static void assert_close(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * (1 + fabs(want))))
        fail_msg("got %.17g, want %.17g", got, want);
}

/* ---- ImageNet: Meding et al. 2022, 11 models, --near 1 -------------------- */

static void test_imagenet_split(void **state)
{
    (void)state;
    const char *shared = getenv("DL_SHARED_DATA");
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/trivial-or-impossible/imagenet_val_11models.csv",
             shared ? shared : "");
    if (!shared || stat(path, &st) != 0) {
        print_message("SKIP: %s not found (DL_SHARED_DATA)\n", path);
        skip();
    }
    dl_stimuli_results *r = read_ok(path);
    dl_stimuli_analysis *a = analyse_ok(r, 1);
    /* The paper: 46.0% trivial, 42.5% in-between, 11.5% impossible. The
     * exact counts were computed with awk from the same file. */
    assert_int_equal(r->nimages, 50000);
    assert_int_equal(a->m, 11);
    assert_int_equal(a->trivial, 23000);
    assert_int_equal(a->in_between, 21248);
    assert_int_equal(a->impossible, 5752);
    assert_close(100.0 * (double)a->trivial / 50000, 46.0, 1e-12);
    assert_close(100.0 * (double)a->in_between / 50000, 42.496, 1e-12);
    assert_close(100.0 * (double)a->impossible / 50000, 11.504, 1e-12);
    static const size_t hist[12] = {3522, 2230, 1893, 1851, 2088, 2243,
                                    2444, 2878, 3409, 4442, 7081, 15919};
    for (int k = 0; k <= 11; k++)
        assert_int_equal(a->histogram[k], hist[k]);
    assert_close(a->mean_accuracy, 379115.0 / 550000.0, 1e-15);
    /* counts input: no per-model numbers */
    assert_null(a->ec_all);
    assert_null(a->poisson_binomial_expected);
    assert_non_null(a->binomial_expected);
    /* classes come from the wnid column (pandas groupby as reference) */
    assert_int_equal(a->nclasses, 1000);
    assert_string_equal(a->classes[0].name, "n12057211");
    assert_close(a->classes[0].accuracy, 547.0 / 550.0, 1e-12);
    assert_string_equal(a->classes[999].name, "n04152593");
    assert_close(a->classes[999].accuracy, 85.0 / 550.0, 1e-12);
    assert_int_equal(a->tpa.all_right, 15919);
    assert_int_equal(a->tpa.any_right, 46478);
    assert_true(r->has_label_error);
    dl_stimuli_analysis_free(a);
    a = analyse_ok(r, 0);
    assert_int_equal(a->trivial, 15919);
    assert_int_equal(a->impossible, 3522);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(r);
}

/* ---- Python references -------------------------------------------------------------- */

static void assert_ref(const char *name, const double *got, size_t n, double tol)
{
    double want[256];
    size_t k = th_ref(name, want, 256);
    if (k != n)
        fail_msg("reference %s: %zu values, expected %zu", name, k, n);
    for (size_t i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= tol * (1 + fabs(want[i]))))
            fail_msg("%s[%zu]: got %.17g, want %.17g", name, i, got[i], want[i]);
}

static void test_wide_reference(void **state)
{
    (void)state;
    char *path = th_data("wide_small.csv"), name[64];
    dl_stimuli_results *r = read_ok(path);
    for (unsigned near = 0; near <= 1; near++) {
        dl_stimuli_analysis *a = analyse_ok(r, near);
        double hist[9],
            split[3] = {(double)a->trivial, (double)a->in_between, (double)a->impossible};
        for (int k = 0; k <= 8; k++)
            hist[k] = (double)a->histogram[k];
        assert_ref("wide.accuracy", a->model_accuracy, 8, 1e-15);
        assert_ref("wide.mean_accuracy", &a->mean_accuracy, 1, 1e-15);
        assert_ref("wide.histogram", hist, 9, 0);
        assert_ref("wide.binomial_expected", a->binomial_expected, 9, 1e-10);
        assert_ref("wide.poisson_binomial_expected", a->poisson_binomial_expected, 9, 1e-10);
        snprintf(name, sizeof name, "wide.split%u", near);
        assert_ref(name, split, 3, 0);
        snprintf(name, sizeof name, "wide.ec_all%u", near);
        assert_ref(name, a->ec_all, 64, 1e-12);
        snprintf(name, sizeof name, "wide.ec_between%u", near);
        assert_ref(name, a->ec_in_between, 64, 1e-12);
        double s_all[3] = {a->ec_all_summary.mean, a->ec_all_summary.min, a->ec_all_summary.max};
        double s_btw[3] = {a->ec_in_between_summary.mean, a->ec_in_between_summary.min,
                           a->ec_in_between_summary.max};
        snprintf(name, sizeof name, "wide.ec_all_summary%u", near);
        assert_ref(name, s_all, 3, 1e-12);
        snprintf(name, sizeof name, "wide.ec_between_summary%u", near);
        assert_ref(name, s_btw, 3, 1e-12);
        assert_int_equal(a->ec_all_summary.pairs, 28);
        dl_stimuli_analysis_free(a);
    }
    dl_stimuli_results_free(r);
    free(path);
}

/* Models are in order of first appearance (the file is shuffled); the
 * reference is in order net1, net2, net3. */
static const double *by_name(const dl_stimuli_results *r, const double *x, double *out)
{
    for (size_t m = 0; m < r->nmodels; m++)
        out[r->models[m][3] - '1'] = x[m];
    return out;
}

static void test_epochs_reference(void **state)
{
    (void)state;
    double acc[3];
    char *path = th_data("epochs_small.csv"), name[64];
    dl_stimuli_results *r = read_ok(path);
    dl_stimuli_analysis *a = analyse_ok(r, 0);
    assert_int_equal(a->nepochs, 3);
    for (size_t e = 0; e < 3; e++) {
        const dl_stimuli_epoch *ep = &a->epochs[e];
        const dl_tpa *t = &ep->tpa;
        double got[6] = {t->tpa,          t->lower_bound,       t->expected_tpa,
                         t->expected_all, (double)t->all_right, (double)t->any_right};
        assert_int_equal(ep->epoch, (long)e + 1);
        snprintf(name, sizeof name, "epoch%zu.accuracy", e + 1);
        assert_ref(name, by_name(r, ep->accuracy, acc), 3, 1e-15);
        snprintf(name, sizeof name, "epoch%zu.tpa", e + 1);
        assert_ref(name, got, 6, 1e-12);
    }
    /* the analysed results are the last epoch's */
    assert_ref("epoch3.accuracy", by_name(r, a->model_accuracy, acc), 3, 1e-15);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(r);
    free(path);
}

/* ---- against the scalar error consistency of the stats core --------------------------- */

static void test_ec_matches_scalar(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    enum { M = 6, N = 333 };
    static uint8_t c[M][N];
    uint64_t x = 12345;
    /* correlated models: a shared image difficulty plus model noise */
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int hard = (int)(x >> 61);
        for (int m = 0; m < M; m++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            c[m][i] = (uint8_t)((int)(x >> 61) + m % 3 > hard + 2);
        }
    }
    dl_buf b;
    dl_buf_init(&b);
    dl_buf_printf(&b, "image");
    for (int m = 0; m < M; m++)
        dl_buf_printf(&b, ",m%d", m);
    dl_buf_printf(&b, "\n");
    for (int i = 0; i < N; i++) {
        dl_buf_printf(&b, "i%d", i);
        for (int m = 0; m < M; m++)
            dl_buf_printf(&b, ",%d", c[m][i]);
        dl_buf_printf(&b, "\n");
    }
    char *path = th_write(dir, "ec.csv", b.data);
    dl_buf_free(&b);
    dl_stimuli_results *r = read_ok(path);
    dl_stimuli_analysis *a = analyse_ok(r, 1);
    static uint8_t sa[N], sb[N];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            dl_ec ec;
            const char *why;
            dl_stats_ec(c[i], c[j], N, &ec, &why);
            assert_close(a->ec_all[i * M + j], ec.kappa, 1e-13);
            /* in-between: the images with 2..M-2 models right */
            size_t n = 0;
            for (int k = 0; k < N; k++)
                if (a->difficulty[k] == DL_STATS_IN_BETWEEN)
                    sa[n] = c[i][k], sb[n] = c[j][k], n++;
            dl_stats_ec(sa, sb, n, &ec, &why);
            assert_close(a->ec_in_between[i * M + j], ec.kappa, 1e-13);
        }
    assert_true(a->in_between > 0 && a->in_between < N);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(r);
    free(path);
    th_rmtree(dir);
}

/* ---- output ------------------------------------------------------------------------ */

static char *json_of(const dl_stimuli_analysis *a)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    dl_json j;
    dl_json_init(&j, f);
    dl_stimuli_analysis_json(a, &j);
    dl_json_end(&j);
    fclose(f);
    return data;
}

static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    int ch;
    while (f && (ch = fgetc(f)) != EOF)
        n += ch == '\n';
    if (f)
        fclose(f);
    return n;
}

static void test_out_files_and_json(void **state)
{
    (void)state;
    char *dir = th_tmpdir(), *path = th_data("wide_small.csv");
    dl_stimuli_results *r = read_ok(path);
    dl_stimuli_analysis *a = analyse_ok(r, 0);
    dl_error err = {0};
    char *out = ts_path(dir, "out");
    assert_int_equal(dl_stimuli_analysis_write(a, out, &err), 0);
    static const char *const files[] = {"per_image.csv", "model_accuracy.csv", "histogram.csv",
                                        "ec_all.csv",    "ec_in_between.csv",  "class_accuracy.csv",
                                        "agreement.csv", "summary.json",       "ec_pairs.csv"};
    /* ec_pairs.csv: a header, 28 pairs and a mean for each of the two subsets */
    static const size_t lines[] = {61, 9, 10, 9, 9, 1, 2, 1, 59};
    for (size_t i = 0; i < 9; i++) {
        char *p = ts_path(out, files[i]);
        assert_int_equal(count_lines(p), lines[i]);
        free(p);
    }
    char *hist = ts_path(out, "histogram.csv"), *text = NULL;
    assert_int_equal(dl_read_file(hist, &text, NULL, &err), 0);
    assert_non_null(strstr(
        text,
        "n_correct,images,fraction,binomial_expected,"
        "poisson_binomial_expected\n0,4,0.06666666666666667,0.018729480903761135,0.0163761\n"));
    /* the fewest digits that read back as the same double: 4/60 and 1/60-ish
     * need 16 and 17, the Poisson-binomial value only 6 */
    assert_true(strtod("0.06666666666666667", NULL) == 4.0 / 60);
    free(text);
    free(hist);
    char *json = json_of(a);
    static const char *const keys[] = {
        "\"images\":60",
        "\"models\":8",
        "\"mean_accuracy\":",
        "\"histogram\":[4,6,7,2,4,7,3,6,21]",
        "\"binomial_expected\":[",
        "\"poisson_binomial_expected\":[",
        "\"trivial\":{\"images\":21",
        "\"impossible\":{\"images\":4",
        "\"in_between\":{\"images\":35",
        "\"error_consistency\":{\"ec_boundary\":\"undefined\","
        "\"matrices\":true,\"max_models\":2000,\"fisher_p_values\":true,"
        "\"bootstrap\":null,"
        "\"all\":{\"images\":60,\"mean\":",
        "\"classes\":null"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strstr(json, keys[i]))
            fail_msg("no %s in %s", keys[i], json);
    free(json);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(r);
    free(out);
    free(path);
    th_rmtree(dir);
}

static void test_counts_json_nulls(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    char *path = th_write(dir, "c.csv", "image,n_correct,n_models\na,3,3\nb,0,3\nc,2,3\n");
    dl_stimuli_results *r = read_ok(path);
    dl_stimuli_analysis *a = analyse_ok(r, 0);
    char *json = json_of(a);
    assert_non_null(strstr(json, "\"poisson_binomial_expected\":null"));
    assert_non_null(strstr(json, "\"error_consistency\":null"));
    assert_non_null(strstr(json, "\"model_accuracy\":null"));
    free(json);
    dl_stimuli_analysis_free(a);
    /* --near 2 with 3 models would make trivial and impossible overlap */
    dl_error err = {0};
    assert_int_equal(dl_stimuli_analyse(r, 2, 1, &a, &err), DL_EINVAL);
    assert_string_equal(err.msg, "--near 2 is too large for 3 models (trivial and impossible "
                                 "would overlap; use at most 1)");
    dl_stimuli_results_free(r);
    free(path);
    th_rmtree(dir);
}

/* Above ec_max_models no matrix is kept: with no more pairs than the sample
 * size every pair is taken once (the same mean, min and max to the bit);
 * with more (500 models: 124,750 pairs) the mean of the seeded sample of
 * 100,000 pairs lies within 4 standard errors of the exact mean. */
static void test_ec_sampled_pairs(void **state)
{
    (void)state;
    char *dir = th_tmpdir(), *path = ts_path(dir, "wide500.csv");
    FILE *f = fopen(path, "w");
    fputs("image", f);
    for (int m = 0; m < 500; m++)
        fprintf(f, ",m%d", m);
    fputc('\n', f);
    uint64_t x = 99;
    for (int i = 0; i < 40; i++) {
        fprintf(f, "i%d", i);
        for (int m = 0; m < 500; m++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            fprintf(f, ",%d", (int)((x >> 33) % 100) < 20 + 2 * i - (m % 7));
        }
        fputc('\n', f);
    }
    fclose(f);
    dl_stimuli_results *r = read_ok(path);
    dl_error err = {0};
    dl_stimuli_analysis *full = NULL, *every = NULL, *sample = NULL;
    dl_stimuli_analyse_opts o = {.ec_seed = 1};
    assert_int_equal(dl_stimuli_analyse_with(r, &o, &full, &err), 0);
    o.ec_max_models = 499;
    assert_int_equal(dl_stimuli_analyse_with(r, &o, &sample, &err), 0);
    assert_non_null(full->ec_all);
    assert_null(sample->ec_all);
    assert_int_equal(sample->ec_sampled, 1);
    const dl_stimuli_ec_summary *s[2] = {&sample->ec_all_summary, &sample->ec_in_between_summary};
    const dl_stimuli_ec_summary *e[2] = {&full->ec_all_summary, &full->ec_in_between_summary};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(s[k]->sampled, DL_STIMULI_EC_SAMPLE_PAIRS);
        assert_true(s[k]->sample_se > 0);
        assert_true(fabs(s[k]->mean - e[k]->mean) < 4 * s[k]->sample_se);
        assert_true(fabs(s[k]->mean - e[k]->mean) > 0); /* a sample, not every pair */
        assert_true(isnan(s[k]->min));
    }
    dl_stimuli_analysis_free(sample);
    dl_stimuli_results_free(r);
    /* 8 models, limit 5: 28 pairs, every one taken */
    char *small = th_data("wide_small.csv");
    r = read_ok(small);
    dl_stimuli_analysis_free(full);
    o.ec_max_models = 0;
    assert_int_equal(dl_stimuli_analyse_with(r, &o, &full, &err), 0);
    o.ec_max_models = 5;
    assert_int_equal(dl_stimuli_analyse_with(r, &o, &every, &err), 0);
    const dl_stimuli_ec_summary *a[2] = {&every->ec_all_summary, &every->ec_in_between_summary};
    const dl_stimuli_ec_summary *b[2] = {&full->ec_all_summary, &full->ec_in_between_summary};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(a[k]->sampled, 28);
        assert_true(a[k]->mean == b[k]->mean && a[k]->min == b[k]->min && a[k]->max == b[k]->max);
        assert_int_equal(a[k]->pairs, b[k]->pairs);
    }
    dl_stimuli_analysis_free(every);
    dl_stimuli_analysis_free(full);
    dl_stimuli_results_free(r);
    free(small);
    free(path);
    th_rmtree(dir);
}

/* ec_pairs.csv: Fisher's p per pair up to ec_fisher_max_models models; above,
 * the column is empty and the O(1) columns (bounds, corrected kappa) stay. */
static void test_ec_pairs_fisher_limit(void **state)
{
    (void)state;
    char *dir = th_tmpdir(), *path = th_data("wide_small.csv");
    dl_stimuli_results *r = read_ok(path);
    dl_error err = {0};
    dl_csv *csv[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        dl_stimuli_analyse_opts o = {.ec_seed = 1, .ec_fisher_max_models = k ? 7 : 8};
        dl_stimuli_analysis *a = NULL;
        assert_int_equal(dl_stimuli_analyse_with(r, &o, &a, &err), 0);
        char *out = ts_path(dir, k ? "b" : "a"), *pairs = ts_path(out, "ec_pairs.csv");
        assert_int_equal(dl_stimuli_analysis_write(a, out, &err), 0);
        assert_int_equal(dl_csv_read(pairs, &csv[k], &err), 0);
        dl_stimuli_analysis_free(a);
        free(out);
        free(pairs);
    }
    int p = dl_csv_col(csv[0], "p_value"), lo = dl_csv_col(csv[0], "kappa_min");
    assert_true(p > 0 && lo > 0);
    assert_int_equal(csv[0]->nrows, 58);
    assert_int_equal(csv[1]->nrows, 58);
    size_t pairs = 0;
    for (size_t i = 0; i < 58; i++) {
        if (strcmp(csv[0]->rows[i][0], "pair") != 0)
            continue;
        pairs++;
        assert_true(csv[0]->rows[i][p][0] != '\0');
        assert_true(strtod(csv[0]->rows[i][p], NULL) >= 0);
        assert_string_equal(csv[1]->rows[i][p], "NA");
        assert_true(csv[1]->rows[i][lo][0] != '\0');
        assert_string_equal(csv[0]->rows[i][lo], csv[1]->rows[i][lo]);
    }
    assert_int_equal(pairs, 56);
    dl_csv_free(csv[0]);
    dl_csv_free(csv[1]);
    dl_stimuli_results_free(r);
    free(path);
    th_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imagenet_split),        cmocka_unit_test(test_wide_reference),
        cmocka_unit_test(test_epochs_reference),      cmocka_unit_test(test_ec_matches_scalar),
        cmocka_unit_test(test_out_files_and_json),    cmocka_unit_test(test_ec_sampled_pairs),
        cmocka_unit_test(test_ec_pairs_fisher_limit), cmocka_unit_test(test_counts_json_nulls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
