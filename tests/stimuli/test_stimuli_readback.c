/* test_stimuli_readback.c — what `stimuli analyse --out` writes and what
 * `--json` prints, parsed back (common's CSV reader, the tests' JSON reader)
 * and compared column by column and key by key with values this file
 * computes itself from the 0/1 table of tests/stimuli/data/wide_small.csv:
 * counts, the Binomial and Poisson-binomial expectations by direct sums and
 * convolution, error consistency from its definition, true-positive
 * agreement from its counts. */
#include "helpers.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dl_stimuli.h"
#include "test_support.h"

#define NM 8
#define NI 60

typedef struct ref {
    char image[NI][32];
    int x[NI][NM]; /* 1 = model right */
    int k[NI];     /* models right per image */
    double p[NM];  /* accuracy per model */
    double mean_acc;
    int hist[NM + 1];
    double binom[NM + 1], pbinom[NM + 1];
} ref;

static void build_ref(ref *r)
{
    char *path = th_data("wide_small.csv");
    dl_csv *csv = NULL;
    dl_error err = {0};
    if (dl_csv_read(path, &csv, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(csv->nrows, NI);
    assert_int_equal(csv->ncols, NM + 1);
    memset(r, 0, sizeof *r);
    for (int i = 0; i < NI; i++) {
        snprintf(r->image[i], sizeof r->image[i], "%s", csv->rows[i][0]);
        for (int m = 0; m < NM; m++) {
            r->x[i][m] = strcmp(csv->rows[i][m + 1], "1") == 0;
            r->k[i] += r->x[i][m];
            r->p[m] += r->x[i][m] / (double)NI;
        }
        r->hist[r->k[i]]++;
    }
    for (int m = 0; m < NM; m++)
        r->mean_acc += r->p[m] / NM;
    /* Binomial with the mean accuracy; Poisson-binomial by convolving the
     * models one at a time. Both as expected image counts. */
    double pb[NM + 1] = {1};
    for (int m = 0; m < NM; m++)
        for (int k = m + 1; k >= 0; k--)
            pb[k] = pb[k] * (1 - r->p[m]) + (k ? pb[k - 1] * r->p[m] : 0);
    for (int k = 0; k <= NM; k++) {
        double c = 1;
        for (int i = 1; i <= k; i++)
            c = c * (NM - k + i) / i;
        r->binom[k] = NI * c * pow(r->mean_acc, k) * pow(1 - r->mean_acc, NM - k);
        r->pbinom[k] = NI * pb[k];
    }
    dl_csv_free(csv);
    free(path);
}

static const char *difficulty(int k)
{
    return k == NM ? "trivial" : k == 0 ? "impossible" : "in-between";
}

typedef struct ec_ref {
    int images;
    double p1, p2, c_obs, c_exp, kappa;
} ec_ref;

/* Error consistency of models a and b on all images or the in-between ones. */
static ec_ref ec_pair(const ref *r, int a, int b, int in_between)
{
    int n = 0, ra = 0, rb = 0, same = 0;
    for (int i = 0; i < NI; i++) {
        if (in_between && (r->k[i] == 0 || r->k[i] == NM))
            continue;
        n++;
        ra += r->x[i][a];
        rb += r->x[i][b];
        same += r->x[i][a] == r->x[i][b];
    }
    ts_ec k = ts_ec_of(n, ra, rb, same);
    ec_ref e = {n, k.p1, k.p2, k.c_obs, k.c_exp, k.kappa};
    return e;
}

static void check_tables(const ref *r, const char *out)
{
    dl_csv *t = ts_read_table(out, "per_image.csv");
    ts_assert_header(t, "image,n_correct,n_models,fraction_correct,difficulty,class,superclass,"
                        "label_error,path");
    assert_int_equal(t->nrows, NI);
    for (int i = 0; i < NI; i++) {
        assert_string_equal(ts_cell(t, i, "image"), r->image[i]);
        ts_assert_cell(t, i, "n_correct", r->k[i]);
        ts_assert_cell(t, i, "n_models", NM);
        ts_assert_cell(t, i, "fraction_correct", (double)r->k[i] / NM);
        assert_string_equal(ts_cell(t, i, "difficulty"), difficulty(r->k[i]));
        assert_string_equal(ts_cell(t, i, "class"), "");
        assert_string_equal(ts_cell(t, i, "path"), r->image[i]);
    }
    dl_csv_free(t);

    t = ts_read_table(out, "model_accuracy.csv");
    ts_assert_header(t, "model,epoch,images,correct,accuracy");
    assert_int_equal(t->nrows, NM);
    for (int m = 0; m < NM; m++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", m + 1);
        assert_string_equal(ts_cell(t, m, "model"), name);
        assert_string_equal(ts_cell(t, m, "epoch"), "NA");
        ts_assert_cell(t, m, "images", NI);
        ts_assert_cell(t, m, "correct", r->p[m] * NI);
        ts_assert_cell(t, m, "accuracy", r->p[m]);
    }
    dl_csv_free(t);

    t = ts_read_table(out, "histogram.csv");
    ts_assert_header(t, "n_correct,images,fraction,binomial_expected,poisson_binomial_expected");
    assert_int_equal(t->nrows, NM + 1);
    for (int k = 0; k <= NM; k++) {
        ts_assert_cell(t, k, "n_correct", k);
        ts_assert_cell(t, k, "images", r->hist[k]);
        ts_assert_cell(t, k, "fraction", (double)r->hist[k] / NI);
        /* ten significant digits */
        assert_true(fabs(strtod(ts_cell(t, k, "binomial_expected"), NULL) - r->binom[k]) <
                    1e-9 * fmax(1, r->binom[k]));
        assert_true(fabs(strtod(ts_cell(t, k, "poisson_binomial_expected"), NULL) - r->pbinom[k]) <
                    1e-9 * fmax(1, r->pbinom[k]));
    }
    dl_csv_free(t);

    static const char *const ec_file[2] = {"ec_all.csv", "ec_in_between.csv"};
    for (int s = 0; s < 2; s++) {
        t = ts_read_table(out, ec_file[s]);
        ts_assert_header(t, "model,m1,m2,m3,m4,m5,m6,m7,m8");
        assert_int_equal(t->nrows, NM);
        for (int a = 0; a < NM; a++)
            for (int b = 0; b < NM; b++) {
                char col[16];
                snprintf(col, sizeof col, "m%d", b + 1);
                ts_assert_cell(t, a, col, a == b ? 1 : ec_pair(r, a, b, s).kappa);
            }
        dl_csv_free(t);
    }

    t = ts_read_table(out, "ec_pairs.csv");
    size_t row = 0;
    for (int s = 0; s < 2; s++, row++) {
        double sum = 0;
        for (int a = 0; a < NM; a++)
            for (int b = a + 1; b < NM; b++, row++) {
                ec_ref e = ec_pair(r, a, b, s);
                sum += e.kappa;
                char name[16];
                assert_string_equal(ts_cell(t, row, "row"), "pair");
                assert_string_equal(ts_cell(t, row, "subset"), s ? "in_between" : "all");
                snprintf(name, sizeof name, "m%d", a + 1);
                assert_string_equal(ts_cell(t, row, "a"), name);
                snprintf(name, sizeof name, "m%d", b + 1);
                assert_string_equal(ts_cell(t, row, "b"), name);
                ts_assert_cell(t, row, "images", e.images);
                ts_assert_cell(t, row, "p1", e.p1);
                ts_assert_cell(t, row, "p2", e.p2);
                ts_assert_cell(t, row, "c_obs", e.c_obs);
                ts_assert_cell(t, row, "c_exp", e.c_exp);
                ts_assert_cell(t, row, "kappa", e.kappa);
                assert_string_equal(ts_cell(t, row, "ec_boundary"), "undefined");
            }
        /* each subset ends with the mean over its pairs */
        assert_string_equal(ts_cell(t, row, "row"), "mean");
        assert_string_equal(ts_cell(t, row, "subset"), s ? "in_between" : "all");
        ts_assert_cell(t, row, "kappa", sum / (NM * (NM - 1) / 2));
    }
    assert_int_equal(t->nrows, row);
    dl_csv_free(t);

    t = ts_read_table(out, "agreement.csv");
    assert_int_equal(t->nrows, 1);
    int all = 0, any = 0;
    double prod = 1;
    for (int i = 0; i < NI; i++) {
        all += r->k[i] == NM;
        any += r->k[i] > 0;
    }
    for (int m = 0; m < NM; m++)
        prod *= r->p[m];
    ts_assert_cell(t, 0, "models", NM);
    ts_assert_cell(t, 0, "mean_accuracy", r->mean_acc);
    ts_assert_cell(t, 0, "all_right", all);
    ts_assert_cell(t, 0, "any_right", any);
    ts_assert_cell(t, 0, "tpa", (double)all / any);
    /* independent models: all right on an image with probability prod p */
    ts_assert_cell(t, 0, "expected_all", prod);
    dl_csv_free(t);

    t = ts_read_table(out, "decisions.csv");
    assert_int_equal(t->nrows, NI);
    for (int i = 0; i < NI; i++) {
        assert_string_equal(ts_cell(t, i, "image"), r->image[i]);
        for (int m = 0; m < NM; m++) {
            char col[16];
            snprintf(col, sizeof col, "m%d", m + 1);
            ts_assert_cell(t, i, col, r->x[i][m]);
        }
    }
    dl_csv_free(t);
}

static void check_json(const ref *r, const jv *root)
{
    ts_assert_key_str(root, "format", "wide");
    ts_assert_key(root, "images", NI);
    ts_assert_key(root, "models", NM);
    ts_assert_key(root, "excluded", 0);
    ts_assert_key(root, "near", 0);
    ts_assert_key(root, "mean_accuracy", r->mean_acc);
    char key[96];
    for (int m = 0; m < NM; m++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", m + 1);
        snprintf(key, sizeof key, "model_accuracy.%d.model", m);
        ts_assert_key_str(root, key, name);
        snprintf(key, sizeof key, "model_accuracy.%d.accuracy", m);
        ts_assert_key(root, key, r->p[m]);
    }
    int split[3] = {0};
    for (int k = 0; k <= NM; k++) {
        snprintf(key, sizeof key, "histogram.%d", k);
        ts_assert_key(root, key, r->hist[k]);
        snprintf(key, sizeof key, "binomial_expected.%d", k);
        ts_assert_key(root, key, r->binom[k]);
        snprintf(key, sizeof key, "poisson_binomial_expected.%d", k);
        ts_assert_key(root, key, r->pbinom[k]);
        split[k == NM ? 0 : k == 0 ? 2 : 1] += r->hist[k];
    }
    static const char *const part[3] = {"trivial", "in_between", "impossible"};
    for (int c = 0; c < 3; c++) {
        snprintf(key, sizeof key, "%s.images", part[c]);
        ts_assert_key(root, key, split[c]);
        snprintf(key, sizeof key, "%s.fraction", part[c]);
        ts_assert_key(root, key, (double)split[c] / NI);
    }
    static const char *const subset[2] = {"all", "in_between"};
    for (int s = 0; s < 2; s++) {
        double sum = 0, lo = INFINITY, hi = -INFINITY;
        int n = 0;
        for (int a = 0; a < NM; a++)
            for (int b = a + 1; b < NM; b++, n++) {
                double k = ec_pair(r, a, b, s).kappa;
                sum += k;
                lo = fmin(lo, k);
                hi = fmax(hi, k);
            }
        snprintf(key, sizeof key, "error_consistency.%s.images", subset[s]);
        ts_assert_key(root, key, s ? split[1] : NI);
        snprintf(key, sizeof key, "error_consistency.%s.pairs", subset[s]);
        ts_assert_key(root, key, n);
        snprintf(key, sizeof key, "error_consistency.%s.mean", subset[s]);
        ts_assert_key(root, key, sum / n);
        snprintf(key, sizeof key, "error_consistency.%s.min", subset[s]);
        ts_assert_key(root, key, lo);
        snprintf(key, sizeof key, "error_consistency.%s.max", subset[s]);
        ts_assert_key(root, key, hi);
    }
    ts_assert_key(root, "true_positive_agreement.all_right", split[0]);
    ts_assert_key(root, "true_positive_agreement.any_right", NI - split[2]);
    ts_assert_key(root, "true_positive_agreement.tpa", (double)split[0] / (NI - split[2]));
}

static void test_analyse_out_readback(void **state)
{
    (void)state;
    ref *r = malloc(sizeof *r);
    build_ref(r);
    char *dir = th_tmpdir(), *path = th_data("wide_small.csv");
    dl_stimuli_results *res = NULL;
    dl_error err = {0};
    if (dl_stimuli_results_read(path, NULL, &res, &err) != 0)
        fail_msg("%s", err.msg);
    dl_stimuli_analysis *a = NULL;
    if (dl_stimuli_analyse(res, 0, 2, &a, &err) != 0)
        fail_msg("%s", err.msg);
    char *out = ts_path(dir, "out");
    assert_int_equal(dl_stimuli_analysis_write(a, out, &err), 0);
    check_tables(r, out);

    char *p = ts_path(out, "summary.json"), *text = NULL;
    assert_int_equal(dl_read_file(p, &text, NULL, &err), 0);
    jv *root = jv_parse(text);
    assert_non_null(root);
    check_json(r, root);
    jv_free(root);
    free(text);
    free(p);

    /* what --json prints */
    size_t len = 0;
    char *data = NULL;
    FILE *f = open_memstream(&data, &len);
    dl_json j;
    dl_json_init(&j, f);
    dl_stimuli_analysis_json(a, &j);
    dl_json_end(&j);
    fclose(f);
    root = jv_parse(data);
    assert_non_null(root);
    check_json(r, root);
    jv_free(root);
    free(data);

    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(res);
    free(out);
    free(path);
    th_rmtree(dir);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyse_out_readback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
