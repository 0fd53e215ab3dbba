/* test_report_alpha.c — `analyse --bootstrap`: the report's alpha intervals
 * and per-observer alphas on Experiment 2 (shared real data). Each observer's
 * leave-one-out alpha must equal the alpha of a second analysis that excludes
 * that observer through the ordinary filter; the interval must be seeded and
 * hold alpha; questions.csv and observers.csv must carry the same numbers.
 * Skips when DL_SHARED_DATA is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report_test_util.h"

static dl_report *experiment2(const dl_report_options *opt)
{
    char path[1024];
    dl_report_columns c;
    rt_experiment2(path, &c);
    return rt_csv_report(path, 1, &c, opt);
}

static void test_alpha_bootstrap(void **state)
{
    (void)state;
    if (!rt_shared())
        skip();
    dl_report_options opt;
    dl_report_options_default(&opt);
    opt.alpha_bootstrap = 400;
    opt.alpha_seed = 3;
    dl_report *r = experiment2(&opt), *again = experiment2(&opt);
    const dl_report_ratings *g = dl_report_get_ratings(r), *g2 = dl_report_get_ratings(again);
    for (int q = 0; q < 3; q++) {
        const dl_report_question *Q = &g->q[q];
        assert_true(Q->has_alpha_boot);
        assert_int_equal(Q->alpha_boot.replicates, 400);
        assert_true(Q->alpha_boot.seed == 3 && Q->alpha_boot.conf == 0.95);
        assert_true(Q->alpha_boot.ci_low < Q->alpha.alpha &&
                    Q->alpha.alpha < Q->alpha_boot.ci_high);
        assert_true(Q->alpha_boot.ci_high - Q->alpha_boot.ci_low < 0.15);
        assert_true(Q->alpha_boot.p_below[0] == 1.0); /* all far below 0.667 */
        assert_memory_equal(&Q->alpha_boot.ci_low, &g2->q[q].alpha_boot.ci_low, sizeof(double));
    }
    dl_report_free(again);

    /* Leave-one-out against the exclude filter, for every observer. */
    for (size_t o = 0; o < g->nobservers; o++) {
        char code[32];
        snprintf(code, sizeof code, "subj%zu", o + 1);
        const char *ex[1] = {code};
        dl_report_options o2;
        dl_report_options_default(&o2);
        o2.exclude_observers = ex;
        o2.nexclude_observers = 1;
        dl_report *w = experiment2(&o2);
        const dl_report_ratings *gw = dl_report_get_ratings(w);
        for (int q = 0; q < 3; q++)
            assert_float_equal(g->q[q].alpha_without[o], gw->q[q].alpha.alpha, 1e-12);
        /* The mean pairwise alpha of the observer, from the pair table. */
        dl_report_free(w);
    }
    /* subj3 disagrees on Q2: leaving it out raises alpha most. */
    assert_true(g->q[1].alpha_without[2] > g->q[1].alpha.alpha + 0.05);
    assert_true(g->q[1].alpha_mean_pair[2] < 0.25);

    /* The tables carry the same numbers. */
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char out[512];
    snprintf(out, sizeof out, "%s/out", dir);
    dl_error err = {0};
    rt_check(dl_report_write_dir(r, out, "dddlab analyse --bootstrap 400", &err), &err);
    char *path = ts_path(out, "questions.csv");
    dl_csv *csv = NULL;
    rt_check(dl_csv_read(path, &csv, &err), &err);
    for (int q = 0; q < 3; q++) {
        double lo = strtod(csv->rows[q][dl_csv_col(csv, "alpha_ci_low")], NULL);
        assert_float_equal(lo, g->q[q].alpha_boot.ci_low, 1e-9);
        assert_string_equal(csv->rows[q][dl_csv_col(csv, "alpha_boot_seed")], "3");
        assert_string_equal(csv->rows[q][dl_csv_col(csv, "alpha_boot_method")], "units");
    }
    dl_csv_free(csv);
    free(path);
    path = ts_path(out, "observers.csv");
    rt_check(dl_csv_read(path, &csv, &err), &err);
    double loo = strtod(csv->rows[2][dl_csv_col(csv, "alpha_without_q2")], NULL);
    assert_float_equal(loo, g->q[1].alpha_without[2], 1e-9);
    dl_csv_free(csv);
    free(path);
    path = ts_path(out, "alpha.svg");
    size_t len = 0;
    char *svg = ts_slurp(path, &len);
    assert_non_null(svg);
    assert_true(len > 1000);
    free(svg);
    free(path);
    ts_rmtree(dir);
    dl_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_alpha_bootstrap)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
