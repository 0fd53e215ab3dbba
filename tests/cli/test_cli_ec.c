/* test_cli_ec.c — `dddlab consistency` with intervals, bounds and the
 * boundary convention, and `dddlab plan`, through the real binary: text,
 * JSON and the --out CSV (read back), the same intervals on any thread
 * count, usage errors word for word, and many observers on disjoint items
 * (memory follows the responses: issue 15). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dl_common.h"
#include "json_min.h"

static char dir[] = "/tmp/dddlab-test-cli-ec-XXXXXX";

typedef struct run_out {
    int status;
    char *out, *err;
} run_out;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = '\0';
    fclose(f);
    return s;
}

/* Run "dddlab ARGS" through sh (ARGS as written on a command line) from the
 * tests/cli folder of the source tree. */
static void run(run_out *r, const char *args)
{
    const char *bin = getenv("DL_BINARY"), *src = getenv("DL_SOURCE_DIR");
    if (!bin || !src)
        fail_msg("DL_BINARY / DL_SOURCE_DIR not set (run through ctest)");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s/tests/cli' && '%s' %s > '%s/out' 2> '%s/err'", src, bin, args,
             dir, dir);
    int st = system(cmd);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    char path[512];
    snprintf(path, sizeof path, "%s/out", dir);
    r->out = slurp(path);
    snprintf(path, sizeof path, "%s/err", dir);
    r->err = slurp(path);
}

static char *run_ok(const char *args)
{
    run_out r;
    run(&r, args);
    if (r.status != 0 || r.err[0])
        print_message("$ dddlab %s\nexit %d\n%s%s", args, r.status, r.out, r.err);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    free(r.err);
    return r.out;
}

static void expect_error(const char *args, const char *err)
{
    run_out r;
    run(&r, args);
    if (strcmp(r.err, err) != 0)
        print_message("$ dddlab %s\n%s", args, r.err);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, err);
    assert_string_equal(r.out, "");
    free(r.out);
    free(r.err);
}

static double num_at(const jv *root, const char *path)
{
    const jv *v = jv_get(root, path);
    if (!v || v->type != JV_NUMBER)
        fail_msg("no number at %s", path);
    return v->num;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- consistency ----------------------------------------------------------------- */

#define EC "consistency data/ec_correct.csv --correct-col correct"

static void test_bootstrap_outputs(void **state)
{
    (void)state;
    /* the same seed gives the same intervals on 1 and 2 threads */
    char *one = run_ok(EC " --bootstrap 999 --seed 7 --threads 1");
    char *two = run_ok(EC " --bootstrap 999 --seed 7 --threads 2");
    assert_string_equal(one, two);
    assert_non_null(strstr(one, "ci_low  ci_high\n"));
    assert_non_null(strstr(
        one, "intervals: 95% percentile bootstrap, 999 replicates resampling items, seed 7\n"));
    char *other = run_ok(EC " --bootstrap 999 --seed 8 --threads 1");
    assert_string_not_equal(one, other);
    free(one);
    free(two);
    free(other);

    /* JSON carries the intervals, the method and the seed */
    char *js = run_ok(EC " --bootstrap 500 --seed 3 --conf 0.9 --json");
    jv *v = jv_parse(js);
    assert_non_null(v);
    assert_true(num_at(v, "bootstrap.seed") == 3);
    assert_true(num_at(v, "bootstrap.replicates") == 500);
    assert_true(num_at(v, "bootstrap.conf_level") == 0.9);
    assert_string_equal(jv_get(v, "bootstrap.method")->str, "percentile");
    assert_string_equal(jv_get(v, "ec_boundary")->str, "undefined");
    for (int p = 0; p < 3; p++) {
        char key[64];
        snprintf(key, sizeof key, "pairs.%d.ci_low", p);
        double lo = num_at(v, key);
        snprintf(key, sizeof key, "pairs.%d.ci_high", p);
        double hi = num_at(v, key);
        snprintf(key, sizeof key, "pairs.%d.kappa_min", p);
        double kmin = num_at(v, key);
        snprintf(key, sizeof key, "pairs.%d.kappa_max", p);
        double kmax = num_at(v, key);
        /* resampled accuracies move, so the interval may leave [kmin, kmax] */
        assert_true(lo < hi && lo >= -1 && hi <= 1 && kmin < kmax);
    }
    /* pair p, q: 12 items, both right 2, a right only 4, b right only 4 */
    assert_true(fabs(num_at(v, "pairs.0.p_value") - 0.56709956709956688) < 1e-12);
    assert_true(fabs(num_at(v, "pairs.0.kappa_corrected") - 12 * (-1.0 / 3) / (11 - 1.0 / 3)) <
                1e-12);
    assert_true(num_at(v, "mean_kappa_ci_low") < num_at(v, "mean_kappa") &&
                num_at(v, "mean_kappa") < num_at(v, "mean_kappa_ci_high"));
    jv_free(v);
    free(js);
}

static void test_out_csv(void **state)
{
    (void)state;
    char args[600];
    snprintf(args, sizeof args, EC " --bootstrap 200 --seed 5 --out '%s/pairs.csv' --json", dir);
    char *js = run_ok(args);
    jv *v = jv_parse(js);
    assert_non_null(v);
    char path[512];
    snprintf(path, sizeof path, "%s/pairs.csv", dir);
    dl_csv *csv = NULL;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(path, &csv, &err), 0);
    assert_int_equal(csv->nrows, 4); /* three pairs and the mean */
    int c_row = dl_csv_col(csv, "row"), c_lo = dl_csv_col(csv, "ci_low"),
        c_seed = dl_csv_col(csv, "seed"), c_b = dl_csv_col(csv, "ec_boundary"),
        c_p = dl_csv_col(csv, "p_value");
    assert_true(c_row >= 0 && c_lo >= 0 && c_seed >= 0 && c_b >= 0 && c_p >= 0);
    for (size_t i = 0; i < 3; i++) {
        char key[64];
        snprintf(key, sizeof key, "pairs.%zu.ci_low", i);
        assert_string_equal(csv->rows[i][c_row], "pair");
        assert_true(strtod(csv->rows[i][c_lo], NULL) == num_at(v, key));
        snprintf(key, sizeof key, "pairs.%zu.p_value", i);
        assert_true(strtod(csv->rows[i][c_p], NULL) == num_at(v, key));
        assert_string_equal(csv->rows[i][c_seed], "5");
        assert_string_equal(csv->rows[i][c_b], "undefined");
    }
    assert_string_equal(csv->rows[3][c_row], "mean");
    assert_true(strtod(csv->rows[3][c_lo], NULL) == num_at(v, "mean_kappa_ci_low"));
    dl_csv_free(csv);
    jv_free(v);
    free(js);
}

/* Two observers always right on their common items: kappa missing by
 * default and out of the mean; 1 with --ec-boundary one. */
static void test_boundary(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/perfect.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("observer,item,correct\n", f);
    for (int i = 0; i < 6; i++)
        fprintf(f, "a,%d,1\nb,%d,1\nc,%d,%d\n", i, i, i, i % 2);
    fclose(f);
    char args[600];
    snprintf(args, sizeof args, "consistency '%s' --correct-col correct --json", path);
    char *js = run_ok(args);
    jv *v = jv_parse(js);
    assert_non_null(v);
    assert_int_equal(jv_get(v, "pairs.0.kappa")->type, JV_NULL);
    assert_non_null(strstr(jv_get(v, "pairs.0.why")->str, "always right"));
    assert_true(num_at(v, "pairs_used") == 2);
    assert_true(num_at(v, "undefined_pairs.expected_agreement_1") == 1);
    assert_true(num_at(v, "mean_kappa") == 0.0);
    jv_free(v);
    free(js);
    snprintf(args, sizeof args, "consistency '%s' --correct-col correct --json --ec-boundary one",
             path);
    js = run_ok(args);
    v = jv_parse(js);
    assert_true(num_at(v, "pairs.0.kappa") == 1.0);
    assert_true(num_at(v, "mean_kappa") == 1.0 / 3.0);
    assert_string_equal(jv_get(v, "ec_boundary")->str, "one");
    jv_free(v);
    free(js);
    snprintf(args, sizeof args, "consistency '%s' --correct-col correct", path);
    char *txt = run_ok(args);
    assert_non_null(strstr(txt, "left out: 0 pairs without a common item, 1 with kappa undefined"));
    assert_non_null(strstr(txt, "(c_exp = 1): missing, left out of the mean (--ec-boundary "
                                "undefined)\n"));
    free(txt);
}

/* 200 observers on disjoint items, and one pair sharing ten items. */
static void test_disjoint(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/disjoint.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("observer,item,correct\n", f);
    for (int o = 0; o < 200; o++)
        for (int i = 0; i < 30; i++)
            fprintf(f, "o%d,o%d-%d,%d\n", o, o, i, (o + i) % 3 != 0);
    const char *a = "1111100000", *b = "1111000001";
    for (int i = 0; i < 10; i++)
        fprintf(f, "a,s%d,%c\nb,s%d,%c\n", i, a[i], i, b[i]);
    fclose(f);
    char args[600];
    snprintf(args, sizeof args, "consistency '%s' --correct-col correct --bootstrap 50", path);
    char *txt = run_ok(args);
    assert_non_null(
        strstr(txt, "error consistency of 202 observers over 6010 items (20301 pairs)\n"));
    assert_non_null(strstr(txt, "kappa over 1 pair: mean 0.6000 ["));
    assert_non_null(strstr(txt, "left out: 20300 pairs without a common item, 0 with kappa "
                                "undefined"));
    /* the shared pair: both right 4, n 10, p 0.5 and 0.5: Fisher p = 0.2063 */
    assert_non_null(strstr(txt, "  a           b               10   0.5000   0.5000   0.8000   "
                                "0.5000   0.6000  -1.0000   1.0000     0.2063"));
    free(txt);
}

static void test_usage_errors(void **state)
{
    (void)state;
    expect_error(EC " --bootstrap 0", "dddlab consistency: --bootstrap needs a whole number from "
                                      "1 to 10000000, not '0' (see 'dddlab help consistency')\n");
    expect_error(EC " --conf 1", "dddlab consistency: --conf needs a number between 0 and 1 "
                                 "(exclusive), not '1' (see 'dddlab help consistency')\n");
    expect_error(EC " --ec-boundary zero", "dddlab consistency: --ec-boundary must be undefined or "
                                           "one, not 'zero' (see 'dddlab help consistency')\n");
    expect_error(EC " --seed -1",
                 "dddlab consistency: --seed needs a whole number from 0 to "
                 "9223372036854775807, not '-1' (see 'dddlab help consistency')\n");
    expect_error("plan", "dddlab plan: missing subcommand (2afc, ec or alpha) (see 'dddlab help "
                         "plan')\n");
    expect_error("plan 3afc", "dddlab plan: unknown subcommand '3afc' (2afc, ec or alpha) (see "
                              "'dddlab help plan')\n");
    expect_error("plan 2afc", "dddlab plan 2afc: --accuracy A is required (see 'dddlab help plan "
                              "2afc')\n");
    expect_error("plan 2afc --accuracy 1.2", "dddlab plan 2afc: --accuracy needs numbers between "
                                             "0 and 1 (exclusive), not '1.2' (see 'dddlab help "
                                             "plan 2afc')\n");
    expect_error("plan ec --accuracy 0.8 --kappa 0.5", "dddlab plan ec: --half-width H is required "
                                                       "(see 'dddlab help plan ec')\n");
    expect_error("plan ec --accuracy 0.8,0.7,0.6", "dddlab plan ec: --accuracy takes at most 2 "
                                                   "values (see 'dddlab help plan ec')\n");
    expect_error("plan ec --accuracy 0.8 --kappa -0.1",
                 "dddlab plan ec: --kappa needs numbers >= 0 "
                 "and < 1, not '-0.1' (see 'dddlab help "
                 "plan ec')\n");
    expect_error("plan alpha --coders 4 --alpha 0.6", "dddlab plan alpha: --width W is required "
                                                      "(see 'dddlab help plan alpha')\n");
}

/* `plan alpha` through the table of modes: the answer is the last row, whose
 * simulated width is within the one asked for, and the row before it is not. */
static void test_plan_alpha(void **state)
{
    (void)state;
    char *out = run_ok("plan alpha --coders 4 --alpha 0.6 --width 0.3 --sims 100 --json");
    jv *v = jv_parse(out);
    assert_non_null(v);
    double need = num_at(v, "units_needed");
    size_t nrows = jv_get(v, "rows")->n;
    assert_true(nrows >= 2);
    char key[64];
    snprintf(key, sizeof key, "rows.%zu.units", nrows - 1);
    assert_true(num_at(v, key) == need);
    snprintf(key, sizeof key, "rows.%zu.width", nrows - 1);
    assert_true(num_at(v, key) <= 0.3);
    snprintf(key, sizeof key, "rows.%zu.width", nrows - 2);
    assert_true(num_at(v, key) > 0.3);
    assert_true(num_at(v, "seed") == 1 && num_at(v, "coders") == 4);
    jv_free(v);
    free(out);
}

/* `analyse` passes the options through: the report carries the intervals,
 * the seed and the convention in JSON, ec_pairs.csv and a whisker figure. */
static void test_analyse(void **state)
{
    (void)state;
    char *one = run_ok("analyse --trials data/ec_correct.csv --bootstrap 300 --seed 2 "
                       "--threads 1 --json");
    char *two = run_ok("analyse --trials data/ec_correct.csv --bootstrap 300 --seed 2 "
                       "--threads 2 --json");
    assert_string_equal(one, two);
    jv *v = jv_parse(one);
    assert_non_null(v);
    assert_true(num_at(v, "error_consistency.bootstrap.seed") == 2);
    assert_true(num_at(v, "error_consistency.bootstrap.replicates") == 300);
    assert_string_equal(jv_get(v, "error_consistency.ec_boundary")->str, "undefined");
    double lo = num_at(v, "error_consistency.mean_ci_low"),
           hi = num_at(v, "error_consistency.mean_ci_high"),
           m = num_at(v, "error_consistency.mean");
    assert_true(lo < m && m < hi);
    /* the same numbers as `consistency` with the same seed */
    char *c = run_ok(EC " --bootstrap 300 --seed 2 --json");
    jv *w = jv_parse(c);
    assert_true(num_at(w, "mean_kappa_ci_low") == lo && num_at(w, "mean_kappa_ci_high") == hi);
    assert_true(num_at(w, "pairs.0.ci_low") == num_at(v, "error_consistency.ci_low.0.1"));
    jv_free(w);
    free(c);
    jv_free(v);
    free(one);
    free(two);
    char args[600];
    snprintf(args, sizeof args,
             "analyse --trials data/ec_correct.csv --bootstrap 300 --seed 2 --out '%s/rep'", dir);
    char *txt = run_ok(args);
    assert_non_null(strstr(txt, "95% interval"));
    assert_non_null(strstr(txt, "seed 2)"));
    free(txt);
    char path[512];
    snprintf(path, sizeof path, "%s/rep/ec_pairs.csv", dir);
    dl_csv *csv = NULL;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(path, &csv, &err), 0);
    assert_int_equal(csv->nrows, 3);
    int cl = dl_csv_col(csv, "ci_low"), cs = dl_csv_col(csv, "seed");
    assert_true(cl >= 0 && cs >= 0);
    assert_string_equal(csv->rows[0][cs], "2");
    assert_true(strtod(csv->rows[0][cl], NULL) <
                strtod(csv->rows[0][dl_csv_col(csv, "kappa")], NULL));
    dl_csv_free(csv);
    snprintf(path, sizeof path, "%s/rep/ec_pairs.png", dir);
    assert_int_equal(access(path, R_OK), 0);
}

/* ---- plan ----------------------------------------------------------------------- */

static void test_plan(void **state)
{
    (void)state;
    /* scipy (tests/stats/ref/plan_2afc.csv): accuracy 0.7, power 0.8, alpha
     * 0.05 -> 42 trials (first 37), 27 correct needed, power 0.836 */
    char *txt = run_ok("plan 2afc --accuracy 0.7 --power 0.8");
    assert_non_null(strstr(txt, "       0.7     0.8        42        37        27    0.8360\n"));
    free(txt);
    char *js = run_ok("plan 2afc --accuracy 0.7,0.81 --power 0.8,0.9 --json");
    jv *v = jv_parse(js);
    assert_non_null(v);
    assert_true(num_at(v, "rows.0.trials") == 42);
    assert_true(num_at(v, "rows.3.accuracy") == 0.81 && num_at(v, "rows.3.power_target") == 0.9);
    assert_true(num_at(v, "rows.3.power") >= 0.9);
    jv_free(v);
    free(js);
    js = run_ok("plan ec --accuracy 0.8 --kappa 0.5 --half-width 0.1,0.2 --sims 500 --json");
    v = jv_parse(js);
    assert_non_null(v);
    double n1 = num_at(v, "rows.0.items"), n2 = num_at(v, "rows.1.items");
    assert_true(num_at(v, "rows.0.half_width") <= 0.1 && num_at(v, "rows.1.half_width") <= 0.2);
    /* half the width needs about four times the items */
    assert_true(n1 > 3 * n2 && n1 < 5.5 * n2);
    assert_true(num_at(v, "seed") == 1);
    jv_free(v);
    free(js);
    txt = run_ok("plan ec --accuracy 0.9,0.5 --kappa 0.9 --half-width 0.1");
    assert_non_null(strstr(txt, "no copy model has these accuracies"));
    free(txt);
}

/* ---- a repeated item: the first answer counts, in both entry points ---------- */

/* data/ec_repeat_first.csv: observers A, B, C on items x1..x6, then A answers
 * x3 again (1 after 0) and B x1 again (0 after 1). */
static const int REPEAT_FIRST[3][6] = {{1, 1, 0, 1, 0, 0}, {1, 1, 0, 0, 0, 1}, {0, 1, 1, 1, 0, 0}};
static const int REPEAT_LAST[3][6] = {{1, 1, 1, 1, 0, 0}, {0, 1, 0, 0, 0, 1}, {0, 1, 1, 1, 0, 0}};

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g", got, want);
}

/* Error consistency from its definition (every item seen by both). */
static double kappa_of(const int *a, const int *b, int n)
{
    double agree = 0, p1 = 0, p2 = 0;
    for (int i = 0; i < n; i++) {
        agree += a[i] == b[i];
        p1 += a[i];
        p2 += b[i];
    }
    agree /= n;
    p1 /= n;
    p2 /= n;
    double c_exp = p1 * p2 + (1 - p1) * (1 - p2);
    return (agree - c_exp) / (1 - c_exp);
}

static void test_repeat_first(void **state)
{
    (void)state;
    char *con = run_ok("consistency data/ec_repeat_first.csv --correct-col correct --json");
    char *ana = run_ok("analyse --trials data/ec_repeat_first.csv --json");
    jv *c = jv_parse(con), *r = jv_parse(ana);
    assert_non_null(c);
    assert_non_null(r);
    static const int pa[3] = {0, 0, 1}, pb[3] = {1, 2, 2};
    for (int k = 0; k < 3; k++) {
        double want = kappa_of(REPEAT_FIRST[pa[k]], REPEAT_FIRST[pb[k]], 6);
        double last = kappa_of(REPEAT_LAST[pa[k]], REPEAT_LAST[pb[k]], 6);
        char path[64];
        snprintf(path, sizeof path, "pairs.%d.kappa", k);
        near(num_at(c, path), want, 1e-12);
        snprintf(path, sizeof path, "error_consistency.matrix.%d.%d", pa[k], pb[k]);
        near(num_at(r, path), want, 1e-12);
        if (k < 2) /* the pairs with A or B: the rule shows */
            assert_true(fabs(want - last) > 0.1);
    }
    near(num_at(c, "repeated_trials"), 2, 0);
    near(num_at(c, "items"), 6, 0);
    near(num_at(c, "pairs.0.items"), 6, 0);
    /* accuracy counts every row: A answered 7 trials, 4 right */
    near(num_at(r, "per_observer.0.trials"), 7, 0);
    near(num_at(r, "per_observer.0.correct"), 4, 0);
    const jv *note = jv_get(r, "notes.0");
    assert_non_null(note);
    assert_non_null(strstr(note->str, "2 repeated trial(s)"));
    jv_free(c);
    jv_free(r);
    free(con);
    free(ana);
    /* across files: s1 saw cat1.png in both; the first file's answer counts */
    char *two = run_ok("consistency data/ec_part1.csv data/ec_part2.csv --observer-col subj "
                       "--item-col imagename --response-col object_response --truth-col category "
                       "--item-regex '_([^_]+)$' --json");
    jv *t = jv_parse(two);
    assert_non_null(t);
    near(num_at(t, "repeated_trials"), 1, 0);
    near(num_at(t, "items"), 2, 0);
    near(num_at(t, "pairs.0.items"), 1, 0);
    jv_free(t);
    free(two);
    char *txt = run_ok("consistency data/ec_repeat_first.csv --correct-col correct");
    assert_non_null(strstr(txt, "\nrepeated trials: 2 answers to an item the observer had "
                                "answered before left out (the first answer counts)\n"));
    free(txt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bootstrap_outputs),
        cmocka_unit_test(test_out_csv),
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_disjoint),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_analyse),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_plan_alpha),
        cmocka_unit_test(test_repeat_first),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
