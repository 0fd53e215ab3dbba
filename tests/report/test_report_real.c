/* test_report_real.c — the shared real data: Experiment 2 of Meding et al.
 * (ratings) and the model-vs-human lab data (16-way classification), each
 * against numbers computed once with pandas/scipy (make_reference.py).
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
    c.class_col = "stimulus_class";
    c.model_acc = "model_frac_correct_11";
    c.label_error = "label_error_mturk";
    c.explicit_optional = DL_REPORT_COL_CLASS | DL_REPORT_COL_MODEL_ACC | DL_REPORT_COL_LABEL_ERROR;
    return rt_csv_report(path, 1, &c, opt);
}

static void test_experiment2(void **state)
{
    (void)state;
    if (!rt_shared())
        skip();
    dl_report_options opt;
    dl_report_options_default(&opt);
    dl_report *r = experiment2(&opt);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    assert_int_equal(g->nobservers, 8);
    assert_int_equal(g->nitems, (size_t)rt_ref("exp2.items")); /* 297: 3 excluded */
    assert_int_equal(g->nratings, 8 * 297);
    static const char *const keys[] = {
        "alpha",           "pairwise_alpha.mean", "pairwise_alpha.min", "pairwise_alpha.max",
        "pairwise_r.mean", "pairwise_r.min",      "pairwise_r.max",     "r_with_model_accuracy"};
    for (int q = 0; q < 3; q++) {
        const dl_report_question *Q = &g->q[q];
        const double got[] = {Q->alpha.alpha,        Q->pairwise_alpha.mean,
                              Q->pairwise_alpha.min, Q->pairwise_alpha.max,
                              Q->pairwise_r.mean,    Q->pairwise_r.min,
                              Q->pairwise_r.max,     Q->r_with_model_accuracy.r};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            char key[96];
            snprintf(key, sizeof key, "exp2.q%d.%s", q + 1, keys[k]);
            assert_float_equal(got[k], rt_ref(key), 1e-8);
        }
    }
    /* Pinned beside the paper's values (docs/analysis.md): Q1 mean pairwise
     * r 0.600 (paper 0.62), alpha Q2 0.467 (0.50), Q3 0.375 (0.33). */
    assert_float_equal(g->q[0].pairwise_r.mean, 0.6000, 5e-5);
    assert_float_equal(g->q[1].alpha.alpha, 0.4670, 5e-5);
    assert_float_equal(g->q[2].alpha.alpha, 0.3750, 5e-5);
    /* Figure 6: answer "Yes" to Q2 goes with trivial images more than "No" */
    assert_true(g->q[1].answers[2].frac_class[DL_STATS_TRIVIAL] >
                g->q[1].answers[0].frac_class[DL_STATS_TRIVIAL]);
    dl_report_free(r);

    opt.exclude_label_errors = 1;
    r = experiment2(&opt);
    g = dl_report_get_ratings(r);
    assert_int_equal(g->nitems, (size_t)rt_ref("exp2.nolabel.items"));
    assert_float_equal(g->q[1].alpha.alpha, rt_ref("exp2.nolabel.q2.alpha"), 1e-8);
    opt.balance_classes = 1;
    opt.seed = 1;
    dl_error err = {0};
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    g = dl_report_get_ratings(r);
    assert_int_equal(g->nitems % 3, 0);
    assert_true(g->nitems < (size_t)rt_ref("exp2.nolabel.items"));
    size_t per_class[3] = {0};
    for (size_t k = 0; k < g->q[1].nanswers; k++)
        for (int c = 0; c < 3; c++)
            per_class[c] += g->q[1].answers[k].nclass[c];
    assert_int_equal(per_class[0], per_class[1]); /* every class equally often rated */
    assert_int_equal(per_class[1], per_class[2]);
    dl_report_free(r);
}

static void mvh(const char *ds)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/model-vs-human/%s", rt_shared(), ds);
    dl_report_columns c;
    dl_report_columns_default(&c);
    c.observer = "subj";
    c.item = "imagename";
    c.item_regex = "_([^_]+)$";
    c.response = "object_response";
    c.truth = "category";
    c.rt = "rt";
    c.explicit_optional = DL_REPORT_COL_RT;
    c.rt_to_ms = 1000;
    dl_report *r = dl_report_new();
    dl_error err = {0};
    char key[96];
    snprintf(key, sizeof key, "mvh.%s.observers", ds);
    int nobs = (int)rt_ref(key);
    for (int o = 1; o <= nobs; o++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s_subject-%02d_session_1.csv", dir, ds, o);
        rt_check(dl_report_load_trials_csv(r, path, &c, &err), &err);
    }
    dl_report_options opt;
    dl_report_options_default(&opt);
    opt.chance = 1.0 / 16;
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    const dl_report_trials *t = dl_report_get_trials(r);
    assert_int_equal(t->nobservers, nobs);
    snprintf(key, sizeof key, "mvh.%s.items", ds);
    assert_int_equal(t->nitems, (size_t)rt_ref(key));
    const char *names[] = {"accuracy.mean", "accuracy.sd", "accuracy.min", "accuracy.max",
                           "ec.mean",       "ec.sd",       "ec.min",       "ec.max"};
    const double got[] = {t->accuracy.mean, t->accuracy.sd, t->accuracy.min, t->accuracy.max,
                          t->ec_pairs.mean, t->ec_pairs.sd, t->ec_pairs.min, t->ec_pairs.max};
    for (size_t k = 0; k < 8; k++) {
        snprintf(key, sizeof key, "mvh.%s.%s", ds, names[k]);
        assert_float_equal(got[k], rt_ref(key), 1e-9);
    }
    snprintf(key, sizeof key, "mvh.%s.first.rt_median_ms", ds);
    assert_float_equal(t->observers[0].rt_median_ms, rt_ref(key), 1e-6);
    snprintf(key, sizeof key, "mvh.%s.first.p_greater", ds);
    double p = rt_ref(key);
    assert_true(fabs(t->observers[0].p_greater - p) <= 1e-9 * p + 1e-300);
    assert_int_equal(t->ec_pairs.n, (size_t)(nobs * (nobs - 1) / 2));
    dl_report_free(r);
}

static void test_model_vs_human(void **state)
{
    (void)state;
    if (!rt_shared())
        skip();
    mvh("edge");
    mvh("silhouette");
    mvh("sketch");
}

int main(void)
{
    if (!rt_shared())
        fprintf(stderr, "test_report_real: DL_SHARED_DATA is not a folder; skipping the real "
                        "data tests\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_experiment2),
        cmocka_unit_test(test_model_vs_human),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
