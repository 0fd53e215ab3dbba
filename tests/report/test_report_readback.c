/* test_report_readback.c — every table and the JSON that `analyse --out` and
 * `analyse --json` write, parsed back (common's CSV reader, the tests' JSON
 * reader) and compared column by column and key by key with values this
 * file computes itself from the input rows: exact binomial sums, a
 * Clopper-Pearson interval by bisection, medians, error consistency and
 * Krippendorff's alpha written out from their definitions. None of it goes
 * through the report's code, so a writer that puts a right number in the
 * wrong column or under the wrong key fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report_test_util.h"
#include "test_support.h"

/* ---- independent numbers ---- */

static double binom_pmf(int k, int n, double p)
{
    double c = 1;
    for (int i = 1; i <= k; i++)
        c = c * (n - k + i) / i;
    return c * pow(p, k) * pow(1 - p, n - k);
}

static double binom_upper_tail(int x, int n, double p) /* P(X >= x) */
{
    double s = 0;
    for (int k = x; k <= n; k++)
        s += binom_pmf(k, n, p);
    return s;
}

/* R's binom.test: the outcomes no more likely than the one seen. */
static double binom_two_sided(int x, int n, double p)
{
    double d = binom_pmf(x, n, p) * (1 + 1e-7), s = 0;
    for (int k = 0; k <= n; k++)
        if (binom_pmf(k, n, p) <= d)
            s += binom_pmf(k, n, p);
    return fmin(1, s);
}

/* Clopper-Pearson 95 %: the p where a tail reaches 2.5 %, by bisection. */
static void clopper_pearson(int x, int n, double *lo, double *hi)
{
    double a = 0, b = 1;
    for (int i = 0; i < 200; i++) {
        double m = (a + b) / 2;
        if (binom_upper_tail(x, n, m) < 0.025)
            a = m;
        else
            b = m;
    }
    *lo = x == 0 ? 0 : a;
    a = 0, b = 1;
    for (int i = 0; i < 200; i++) {
        double m = (a + b) / 2;
        if (1 - binom_upper_tail(x + 1, n, m) > 0.025)
            a = m;
        else
            b = m;
    }
    *hi = x == n ? 1 : a;
}

/* ---- trials ---- */

#define NOBS 3
#define NITEMS 5
static const char *const obs_code[NOBS] = {"S1", "S2", "S3"};
static const int correct[NOBS][NITEMS] = {{1, 1, 0, 1, 1}, {1, 0, 0, 1, 0}, {1, 1, 1, 0, 1}};
static const double rt_ms[NOBS][NITEMS] = {
    {500, 510, 520, 530, 540}, {600, 610, 620, 630, 640}, {700, 710, 720, 730, 800}};

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double ec_kappa(int a, int b)
{
    int ra = 0, rb = 0, same = 0;
    for (int i = 0; i < NITEMS; i++) {
        ra += correct[a][i];
        rb += correct[b][i];
        same += correct[a][i] == correct[b][i];
    }
    return ts_ec_of(NITEMS, ra, rb, same).kappa;
}

typedef struct obs_ref {
    int n, k;
    double acc, lo, hi, p_greater, p_two, median, mean;
} obs_ref;

static obs_ref observer_ref(int o)
{
    obs_ref r = {.n = NITEMS};
    double rts[NITEMS];
    r.mean = 0;
    for (int i = 0; i < NITEMS; i++) {
        r.k += correct[o][i];
        rts[i] = rt_ms[o][i];
        r.mean += rt_ms[o][i] / NITEMS;
    }
    qsort(rts, NITEMS, sizeof *rts, cmp_d);
    r.median = rts[NITEMS / 2];
    r.acc = (double)r.k / r.n;
    clopper_pearson(r.k, r.n, &r.lo, &r.hi);
    r.p_greater = binom_upper_tail(r.k, r.n, 0.5);
    r.p_two = binom_two_sided(r.k, r.n, 0.5);
    return r;
}

static void check_trials_json(const jv *root)
{
    ts_assert_key_str(root, "task", "trials");
    ts_assert_key(root, "observers", NOBS);
    ts_assert_key(root, "items", NITEMS);
    ts_assert_key(root, "trials", NOBS * NITEMS);
    ts_assert_key(root, "chance", 0.5);
    char key[64];
    double acc_sum = 0;
    for (int o = 0; o < NOBS; o++) {
        obs_ref r = observer_ref(o);
        acc_sum += r.acc;
#define K(name) (snprintf(key, sizeof key, "per_observer.%d.%s", o, name), key)
        ts_assert_key_str(root, K("code"), obs_code[o]);
        ts_assert_key(root, K("trials"), r.n);
        ts_assert_key(root, K("correct"), r.k);
        ts_assert_key(root, K("accuracy"), r.acc);
        ts_assert_key(root, K("p_greater"), r.p_greater);
        ts_assert_key(root, K("p_two_sided"), r.p_two);
        ts_assert_key(root, K("rt_median_ms"), r.median);
        ts_assert_key(root, K("rt_mean_ms"), r.mean);
        /* the bisection is good to 1e-15, the library's beta quantile to
         * about 1e-12 */
        const jv *v = jv_get(root, K("ci_low"));
        assert_non_null(v);
        assert_true(fabs(v->num - r.lo) < 1e-9);
        v = jv_get(root, K("ci_high"));
        assert_non_null(v);
        assert_true(fabs(v->num - r.hi) < 1e-9);
#undef K
        snprintf(key, sizeof key, "observer_codes.%d", o);
        ts_assert_key_str(root, key, obs_code[o]);
        for (int b = 0; b < NOBS; b++) {
            snprintf(key, sizeof key, "error_consistency.matrix.%d.%d", o, b);
            ts_assert_key(root, key, o == b ? 1 : ec_kappa(o, b));
        }
    }
    ts_assert_key(root, "group.n", NOBS);
    ts_assert_key(root, "group.mean", acc_sum / NOBS);
    ts_assert_key(root, "error_consistency.pairs", NOBS * (NOBS - 1) / 2);
}

static void test_trials_readback(void **state)
{
    ts_dir_fixture *f = *state;
    char *csv = ts_path(f->dir, "trials.csv");
    FILE *in = fopen(csv, "w");
    assert_non_null(in);
    fputs("observer,item,correct,rt_ms\n", in);
    for (int o = 0; o < NOBS; o++)
        for (int i = 0; i < NITEMS; i++)
            fprintf(in, "%s,%d,%d,%g\n", obs_code[o], i + 1, correct[o][i], rt_ms[o][i]);
    assert_int_equal(fclose(in), 0);

    dl_report *r = rt_csv_report(csv, 0, NULL, NULL);
    dl_error err = {0};
    char *out = ts_path(f->dir, "out");
    rt_check(dl_report_write_dir(r, out, "test", &err), &err);

    dl_csv *t = ts_read_table(out, "observers.csv");
    ts_assert_header(t, "observer,trials,correct,accuracy,ci_low,ci_high,p_greater,p_two_sided,"
                        "rt_median_ms,rt_mean_ms");
    assert_int_equal(t->nrows, NOBS);
    for (int o = 0; o < NOBS; o++) {
        obs_ref x = observer_ref(o);
        assert_string_equal(ts_cell(t, o, "observer"), obs_code[o]);
        ts_assert_cell(t, o, "trials", x.n);
        ts_assert_cell(t, o, "correct", x.k);
        ts_assert_cell(t, o, "accuracy", x.acc);
        ts_assert_cell(t, o, "ci_low", x.lo);
        ts_assert_cell(t, o, "ci_high", x.hi);
        ts_assert_cell(t, o, "p_greater", x.p_greater);
        ts_assert_cell(t, o, "p_two_sided", x.p_two);
        ts_assert_cell(t, o, "rt_median_ms", x.median);
        ts_assert_cell(t, o, "rt_mean_ms", x.mean);
    }
    dl_csv_free(t);

    t = ts_read_table(out, "error_consistency.csv");
    ts_assert_header(t, "observer,S1,S2,S3");
    assert_int_equal(t->nrows, NOBS);
    for (int a = 0; a < NOBS; a++) {
        assert_string_equal(ts_cell(t, a, "observer"), obs_code[a]);
        for (int b = 0; b < NOBS; b++)
            ts_assert_cell(t, a, obs_code[b], a == b ? 1 : ec_kappa(a, b));
    }
    dl_csv_free(t);

    t = ts_read_table(out, "ec_pairs.csv");
    ts_assert_header(t, "a,b,items,kappa,ci_low,ci_high,ec_boundary,replicates,seed");
    assert_int_equal(t->nrows, NOBS * (NOBS - 1) / 2);
    size_t row = 0;
    for (int a = 0; a < NOBS; a++)
        for (int b = a + 1; b < NOBS; b++, row++) {
            assert_string_equal(ts_cell(t, row, "a"), obs_code[a]);
            assert_string_equal(ts_cell(t, row, "b"), obs_code[b]);
            ts_assert_cell(t, row, "items", NITEMS);
            ts_assert_cell(t, row, "kappa", ec_kappa(a, b));
            /* no bootstrap asked for */
            ts_assert_cell(t, row, "ci_low", NAN);
            ts_assert_cell(t, row, "ci_high", NAN);
            ts_assert_cell(t, row, "replicates", NAN);
        }
    dl_csv_free(t);

    /* summary.json and what --json prints are the same document */
    jv *root = ts_parse_json_file(out, "summary.json");
    check_trials_json(root);
    jv_free(root);
    char *json = rt_json(r);
    root = jv_parse(json);
    assert_non_null(root);
    check_trials_json(root);
    jv_free(root);
    free(json);

    free(out);
    free(csv);
    dl_report_free(r);
}

/* ---- ratings ---- */

#define NR 8
typedef struct rating {
    const char *obs;
    int item;
    int q[3];
    int cls; /* 0 trivial, 1 in-between, 2 impossible */
    double frac_correct;
} rating;

static const rating ratings[NR] = {
    {"A", 1, {1, 2, 0}, 0, 1},   {"A", 2, {2, 1, 1}, 1, 0.5}, {"A", 3, {3, 0, 2}, 2, 0},
    {"A", 4, {1, 2, 0}, 0, 0.9}, {"B", 1, {1, 2, 0}, 0, 1},   {"B", 2, {3, 1, 0}, 1, 0.5},
    {"B", 3, {3, 0, 1}, 2, 0},   {"B", 4, {2, 2, 2}, 0, 0.9},
};
static const char *const class_name[3] = {"trivial", "in-between", "impossible"};
static const char *const q_label[3][3] = {
    {NULL, NULL, NULL}, {"No", "Maybe", "Yes"}, {"No", "Slightly", "Very"}};

/* Krippendorff's alpha for two coders who rated every item: interval
 * (q1) or ordinal (q2, q3) distance, from the coincidence definition. */
static double kripp_two(int q)
{
    double v[NR];
    int nv = 0;
    for (int i = 0; i < NR; i++)
        v[nv++] = ratings[i].q[q];
    double freq[4] = {0};
    for (int i = 0; i < nv; i++)
        freq[(int)v[i]]++;
    double delta[4][4];
    for (int c = 0; c < 4; c++)
        for (int k = 0; k < 4; k++) {
            if (q == 0) {
                delta[c][k] = (c - k) * (c - k);
                continue;
            }
            int lo = c < k ? c : k, hi = c < k ? k : c;
            double s = 0;
            for (int g = lo; g <= hi; g++)
                s += freq[g];
            s -= (freq[lo] + freq[hi]) / 2;
            delta[c][k] = s * s;
        }
    double d_obs = 0, d_exp = 0;
    for (int item = 1; item <= 4; item++) { /* A's rating is row item-1, B's row item+3 */
        int a = ratings[item - 1].q[q], b = ratings[item + 3].q[q];
        d_obs += 2 * delta[a][b];
    }
    d_obs /= nv;
    for (int i = 0; i < nv; i++)
        for (int j = 0; j < nv; j++)
            if (i != j)
                d_exp += delta[(int)v[i]][(int)v[j]];
    d_exp /= (double)nv * (nv - 1);
    return 1 - d_obs / d_exp;
}

static double pearson_ab(int q)
{
    double x[4], y[4], mx = 0, my = 0;
    for (int i = 0; i < 4; i++) {
        x[i] = ratings[i].q[q];
        y[i] = ratings[i + 4].q[q];
        mx += x[i] / 4;
        my += y[i] / 4;
    }
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < 4; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

typedef struct answer_ref {
    int value, n, nclass[3];
    double mean_acc, frac[3];
} answer_ref;

/* The answers given to question q, in increasing order of value. */
static int answers_ref(int q, answer_ref *a)
{
    int na = 0;
    for (int v = 0; v <= 3; v++) {
        answer_ref x = {.value = v};
        double acc = 0;
        for (int i = 0; i < NR; i++)
            if (ratings[i].q[q] == v) {
                x.n++;
                x.nclass[ratings[i].cls]++;
                acc += ratings[i].frac_correct;
            }
        if (!x.n)
            continue;
        x.mean_acc = acc / x.n;
        for (int c = 0; c < 3; c++)
            x.frac[c] = (double)x.nclass[c] / x.n;
        a[na++] = x;
    }
    return na;
}

static const char *const qname[3] = {"q1", "q2", "q3"};

static void check_answers_csv(const char *out)
{
    dl_csv *t = ts_read_table(out, "answers.csv");
    ts_assert_header(t, "question,answer,label,ratings,mean_model_accuracy,n_trivial,n_in_between,"
                        "n_impossible,frac_trivial,frac_in_between,frac_impossible");
    static const char *const ncol[3] = {"n_trivial", "n_in_between", "n_impossible"};
    static const char *const fcol[3] = {"frac_trivial", "frac_in_between", "frac_impossible"};
    size_t row = 0;
    for (int q = 0; q < 3; q++) {
        answer_ref a[4];
        int na = answers_ref(q, a);
        for (int k = 0; k < na; k++, row++) {
            assert_string_equal(ts_cell(t, row, "question"), qname[q]);
            ts_assert_cell(t, row, "answer", a[k].value);
            const char *label = q_label[q][a[k].value < 3 ? a[k].value : 0];
            assert_string_equal(ts_cell(t, row, "label"), label ? label : "NA");
            ts_assert_cell(t, row, "ratings", a[k].n);
            ts_assert_cell(t, row, "mean_model_accuracy", a[k].mean_acc);
            for (int c = 0; c < 3; c++) {
                ts_assert_cell(t, row, ncol[c], a[k].nclass[c]);
                ts_assert_cell(t, row, fcol[c], a[k].frac[c]);
            }
        }
    }
    assert_int_equal(t->nrows, row);
    dl_csv_free(t);
}

/* The public dl_report_answer counts by dl_stats_difficulty, not in the
 * trivial-first order of the tables: the classes here differ in number for
 * most answers, so a swapped index fails. */
static void check_answer_struct(const dl_report *r)
{
    static const int difficulty[3] = {DL_STATS_TRIVIAL, DL_STATS_IN_BETWEEN, DL_STATS_IMPOSSIBLE};
    const dl_report_ratings *g = dl_report_get_ratings(r);
    assert_non_null(g);
    assert_int_equal(g->nquestions, 3);
    for (int q = 0; q < 3; q++) {
        answer_ref a[4];
        int na = answers_ref(q, a);
        assert_int_equal(g->q[q].nanswers, (size_t)na);
        for (int k = 0; k < na; k++) {
            const dl_report_answer *got = &g->q[q].answers[k];
            assert_int_equal(got->value, a[k].value);
            for (int c = 0; c < 3; c++) {
                assert_int_equal(got->nclass[difficulty[c]], (size_t)a[k].nclass[c]);
                assert_float_equal(got->frac_class[difficulty[c]], a[k].frac[c], 1e-15);
            }
        }
    }
}

static double item_mean(int item, int q)
{
    return (ratings[item - 1].q[q] + ratings[item + 3].q[q]) / 2.0;
}

static double obs_mean(int o, int q)
{
    double s = 0;
    for (int i = 0; i < 4; i++)
        s += ratings[o * 4 + i].q[q];
    return s / 4;
}

static void check_rating_tables(const char *out)
{
    dl_csv *t = ts_read_table(out, "items.csv");
    ts_assert_header(t, "item,class,model_accuracy,label_error,mean_q1,mean_q2,mean_q3");
    assert_int_equal(t->nrows, 4);
    for (int it = 1; it <= 4; it++) {
        char name[16];
        snprintf(name, sizeof name, "%d", it);
        assert_string_equal(ts_cell(t, it - 1, "item"), name);
        assert_string_equal(ts_cell(t, it - 1, "class"), class_name[ratings[it - 1].cls]);
        ts_assert_cell(t, it - 1, "model_accuracy", ratings[it - 1].frac_correct);
        ts_assert_cell(t, it - 1, "label_error", NAN);
        for (int q = 0; q < 3; q++) {
            char col[16];
            snprintf(col, sizeof col, "mean_%s", qname[q]);
            ts_assert_cell(t, it - 1, col, item_mean(it, q));
        }
    }
    dl_csv_free(t);

    t = ts_read_table(out, "observers.csv");
    assert_int_equal(t->nrows, 2);
    for (int o = 0; o < 2; o++) {
        assert_string_equal(ts_cell(t, o, "observer"), o ? "B" : "A");
        ts_assert_cell(t, o, "ratings", 4);
        for (int q = 0; q < 3; q++) {
            char col[32];
            snprintf(col, sizeof col, "mean_%s", qname[q]);
            ts_assert_cell(t, o, col, obs_mean(o, q));
            /* leaving one of two observers out leaves no pairs */
            snprintf(col, sizeof col, "alpha_without_%s", qname[q]);
            ts_assert_cell(t, o, col, NAN);
            snprintf(col, sizeof col, "mean_pairwise_alpha_%s", qname[q]);
            ts_assert_cell(t, o, col, kripp_two(q));
        }
    }
    dl_csv_free(t);

    t = ts_read_table(out, "rating_pairs.csv");
    ts_assert_header(t, "question,a,b,items,alpha,r");
    assert_int_equal(t->nrows, 3);
    for (int q = 0; q < 3; q++) {
        assert_string_equal(ts_cell(t, q, "question"), qname[q]);
        assert_string_equal(ts_cell(t, q, "a"), "A");
        assert_string_equal(ts_cell(t, q, "b"), "B");
        ts_assert_cell(t, q, "items", 4);
        ts_assert_cell(t, q, "alpha", kripp_two(q));
        ts_assert_cell(t, q, "r", pearson_ab(q));
    }
    dl_csv_free(t);

    t = ts_read_table(out, "questions.csv");
    assert_int_equal(t->nrows, 3);
    static const char *const level[3] = {"interval", "ordinal", "ordinal"};
    for (int q = 0; q < 3; q++) {
        assert_string_equal(ts_cell(t, q, "question"), qname[q]);
        assert_string_equal(ts_cell(t, q, "level"), level[q]);
        ts_assert_cell(t, q, "alpha", kripp_two(q));
        ts_assert_cell(t, q, "pairable_values", NR);
        /* one pair: its alpha and r are the mean, min and max; no sd */
        ts_assert_cell(t, q, "pairwise_alpha_mean", kripp_two(q));
        ts_assert_cell(t, q, "pairwise_alpha_min", kripp_two(q));
        ts_assert_cell(t, q, "pairwise_alpha_max", kripp_two(q));
        ts_assert_cell(t, q, "pairwise_alpha_sd", NAN);
        ts_assert_cell(t, q, "pairwise_r_mean", pearson_ab(q));
        ts_assert_cell(t, q, "pairwise_r_sd", NAN);
        ts_assert_cell(t, q, "r_items", 4);
        ts_assert_cell(t, q, "alpha_ci_low", NAN);
    }
    dl_csv_free(t);
}

static void check_ratings_json(const jv *root)
{
    ts_assert_key_str(root, "task", "rating");
    ts_assert_key(root, "observers", 2);
    ts_assert_key(root, "items", 4);
    ts_assert_key(root, "ratings", NR);
    char key[96];
    for (int o = 0; o < 2; o++) {
        snprintf(key, sizeof key, "per_observer.%d.code", o);
        ts_assert_key_str(root, key, o ? "B" : "A");
        snprintf(key, sizeof key, "per_observer.%d.ratings", o);
        ts_assert_key(root, key, 4);
        for (int q = 0; q < 3; q++) {
            snprintf(key, sizeof key, "per_observer.%d.mean_%s", o, qname[q]);
            ts_assert_key(root, key, obs_mean(o, q));
            snprintf(key, sizeof key, "per_observer.%d.mean_pairwise_alpha_%s", o, qname[q]);
            ts_assert_key(root, key, kripp_two(q));
        }
    }
    static const char *const fkey[3] = {"trivial", "in_between", "impossible"};
    for (int q = 0; q < 3; q++) {
        snprintf(key, sizeof key, "%s.alpha", qname[q]);
        ts_assert_key(root, key, kripp_two(q));
        snprintf(key, sizeof key, "%s.pairable_values", qname[q]);
        ts_assert_key(root, key, NR);
        snprintf(key, sizeof key, "%s.pairwise_r.mean", qname[q]);
        ts_assert_key(root, key, pearson_ab(q));
        answer_ref a[4];
        int na = answers_ref(q, a);
        snprintf(key, sizeof key, "%s.answers.%d", qname[q], na);
        assert_null(jv_get(root, key));
        for (int k = 0; k < na; k++) {
            snprintf(key, sizeof key, "%s.answers.%d.value", qname[q], k);
            ts_assert_key(root, key, a[k].value);
            snprintf(key, sizeof key, "%s.answers.%d.label", qname[q], k);
            ts_assert_key_str(root, key, q_label[q][a[k].value < 3 ? a[k].value : 0]);
            snprintf(key, sizeof key, "%s.answers.%d.n", qname[q], k);
            ts_assert_key(root, key, a[k].n);
            snprintf(key, sizeof key, "%s.answers.%d.mean_model_accuracy", qname[q], k);
            ts_assert_key(root, key, a[k].mean_acc);
            for (int c = 0; c < 3; c++) {
                snprintf(key, sizeof key, "%s.answers.%d.%s", qname[q], k, fkey[c]);
                ts_assert_key(root, key, a[k].frac[c]);
            }
        }
    }
}

static void test_ratings_readback(void **state)
{
    ts_dir_fixture *f = *state;
    char *csv = ts_path(f->dir, "ratings.csv");
    FILE *in = fopen(csv, "w");
    assert_non_null(in);
    fputs("observer,item,q1,q2,q3,difficulty,frac_correct\n", in);
    for (int i = 0; i < NR; i++)
        fprintf(in, "%s,%d,%d,%d,%d,%s,%g\n", ratings[i].obs, ratings[i].item, ratings[i].q[0],
                ratings[i].q[1], ratings[i].q[2], class_name[ratings[i].cls],
                ratings[i].frac_correct);
    assert_int_equal(fclose(in), 0);

    dl_report *r = rt_csv_report(csv, 1, NULL, NULL);
    dl_error err = {0};
    char *out = ts_path(f->dir, "out");
    rt_check(dl_report_write_dir(r, out, "test", &err), &err);

    check_answer_struct(r);
    check_answers_csv(out);
    check_rating_tables(out);
    jv *root = ts_parse_json_file(out, "summary.json");
    check_ratings_json(root);
    jv_free(root);
    char *json = rt_json(r);
    root = jv_parse(json);
    assert_non_null(root);
    check_ratings_json(root);
    jv_free(root);
    free(json);

    free(out);
    free(csv);
    dl_report_free(r);
}


/* ---- one convention for the fields of a trials CSV ---- */

/* The report's loader and `consistency` read right/wrong and the item key
 * through the same two functions (report_trialcsv.c). */
static void test_trial_fields(void **state)
{
    (void)state;
    uint8_t v = 9;
    assert_int_equal(dl_report_parse_correct("tRuE", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(dl_report_parse_correct("FALSE", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(dl_report_parse_correct("1", &v), 0);
    assert_int_equal(v, 1);
    v = 9;
    assert_int_equal(dl_report_parse_correct("NA", &v), 0); /* missing: wrong */
    assert_int_equal(v, 0);
    assert_int_equal(dl_report_parse_correct("yes", &v), DL_EINVAL);
    assert_int_equal(dl_report_parse_correct("2", &v), DL_EINVAL);

    regex_t re;
    assert_int_equal(regcomp(&re, "^img([0-9]+)?_", REG_EXTENDED), 0);
    const char *key;
    size_t len;
    assert_int_equal(dl_report_item_key(&re, "img12_a.png", &key, &len), 0);
    assert_int_equal(len, 2);
    assert_memory_equal(key, "12", 2);
    /* the group takes no part in this match: an error, not the whole match */
    assert_int_equal(dl_report_item_key(&re, "img_a.png", &key, &len), DL_EINVAL);
    assert_int_equal(dl_report_item_key(&re, "other", &key, &len), DL_EINVAL);
    regfree(&re);
    assert_int_equal(dl_report_item_key(NULL, "whole", &key, &len), 0);
    assert_int_equal(len, 5);
}

static void test_trial_csv_keys_and_case(void **state)
{
    ts_dir_fixture *f = *state;
    /* two item keys of 600 bytes that differ only in the last one: two
     * items (keys were cut at 511 bytes, which made them one) */
    char a[601], b[601];
    memset(a, 'k', 600);
    memcpy(b, a, 600);
    a[599] = 'a', b[599] = 'b';
    a[600] = b[600] = '\0';
    char *csv = ts_path(f->dir, "long.csv");
    FILE *in = fopen(csv, "w");
    assert_non_null(in);
    fprintf(in, "observer,item,correct\nS1,%s,tRuE\nS1,%s,False\nS2,%s,1\nS2,%s,0\n", a, b, a, b);
    assert_int_equal(fclose(in), 0);
    dl_report *r = dl_report_new();
    dl_error err = {0};
    dl_report_columns cols;
    dl_report_columns_default(&cols);
    rt_check(dl_report_load_trials_csv(r, csv, &cols, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *json = rt_json(r);
    jv *root = jv_parse(json);
    free(json);
    assert_non_null(root);
    ts_assert_key(root, "items", 2);
    ts_assert_key(root, "per_observer.0.correct", 1);
    ts_assert_key(root, "per_observer.1.correct", 1);
    jv_free(root);
    dl_report_free(r);

    /* a regex whose group does not take part: FILE:LINE */
    in = fopen(csv, "w");
    assert_non_null(in);
    fputs("observer,item,correct\nS1,img3_x,1\nS1,img_y,0\n", in);
    assert_int_equal(fclose(in), 0);
    r = dl_report_new();
    cols.item_regex = "^img([0-9]+)?_";
    assert_int_equal(dl_report_load_trials_csv(r, csv, &cols, &err), DL_EINVAL);
    char want[512];
    snprintf(want, sizeof want, "%s:3: item 'img_y' does not match --item-regex '^img([0-9]+)?_'",
             csv);
    assert_string_equal(err.msg, want);
    dl_report_free(r);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trials_readback, ts_dir_setup, ts_dir_teardown),
        cmocka_unit_test_setup_teardown(test_ratings_readback, ts_dir_setup, ts_dir_teardown),
        cmocka_unit_test(test_trial_fields),
        cmocka_unit_test_setup_teardown(test_trial_csv_keys_and_case, ts_dir_setup,
                                        ts_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
