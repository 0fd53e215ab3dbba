/* test_report.c — the analysis end to end on a store filled with simulated
 * sessions whose answers are known (reference numbers from
 * make_reference.py), the filters, and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report_test_util.h"

#define TOL 1e-9

/* ---- the simulated 2AFC experiment ---- */

static const char *const afc_codes[4] = {"S1", "S2", "S3", "S10"};
static const int afc_correct[4][10] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
    {1, 1, 1, 1, 1, 1, 0, 1, 0, 1},
    {1, 0, 1, 0, 1, 0, 1, 0, 1, 1},
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
};

/* Set "exp1": 2 practice pairs, then 10 main pairs. */
static int64_t add_afc_set(dl_store *st)
{
    dl_stim_set *s = calloc(1, sizeof *s);
    s->name = strdup("exp1");
    s->task = strdup("2afc");
    s->params_json = strdup("{}");
    s->results_sha256 = strdup("00");
    s->image_root = strdup("/images");
    s->nitems = 12;
    s->items = calloc(12, sizeof *s->items);
    for (int i = 0; i < 12; i++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "t%d.png", i);
        snprintf(b, sizeof b, "x%d.png", i);
        s->items[i].index = i;
        s->items[i].practice = i < 2;
        s->items[i].trivial_left = i % 2;
        rt_image(&s->items[i].a, a, "trivial", 1.0, 0);
        rt_image(&s->items[i].b, b, "impossible", 0.0, 0);
    }
    dl_error err = {0};
    rt_check(dl_store_add_set(st, s, &err), &err);
    int64_t id = s->id;
    dl_stim_set_free(s);
    return id;
}

/* One session: practice trials all wrong (they must not count), then the
 * main items with the given correctness and rt = 400 + 25 i + 100 pos ms. */
static void afc_session(dl_store *st, int64_t set_id, const char *code, const int *correct, int pos,
                        const char *status)
{
    int64_t sid = rt_session(st, rt_observer(st, code), set_id, 12);
    dl_error err = {0};
    for (int k = 0; k < 12; k++) {
        dl_trial t = {0};
        t.session_id = sid;
        t.index = k;
        t.practice = k < 2;
        t.item_index = k;
        t.left_image = "l.png";
        t.right_image = "r.png";
        t.choice = 0;
        t.correct = k < 2 ? 0 : correct[k - 2];
        t.rt_ms = k < 2 ? 5000 : 400.0 + 25.0 * (k - 2) + 100.0 * pos;
        t.onset_s = k;
        t.response_s = k + 0.5;
        rt_check(dl_store_log_trial(st, &t, &err), &err);
    }
    if (status)
        rt_check(dl_store_finish_session(st, sid, status, &err), &err);
}

static const int all_right[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

/* S1, S2, S3, S10 completed, S4 still running; or only S4 when !completed. */
static void make_afc_db(const char *path, int completed)
{
    dl_store *st;
    dl_error err = {0};
    rt_check(dl_store_open(path, 0, &st, &err), &err);
    int64_t set = add_afc_set(st);
    for (int o = 0; completed && o < 4; o++)
        afc_session(st, set, afc_codes[o], afc_correct[o], o, "completed");
    afc_session(st, set, "S4", all_right, 7, NULL);
    dl_store_close(st);
}

/* ---- the simulated rating experiment ---- */

static const char *const rating_cls[6] = {"trivial", "in-between", "impossible",
                                          "trivial", "in-between", "impossible"};
static const double rating_acc[6] = {1.0, 0.5, 0.0, 0.9, 0.4, 0.1};
static const char *const rating_codes[3] = {"A", "B", "C"};
static const int rating_q[3][3][6] = {
    {{1, 2, 3, 1, 2, 4}, {2, 1, 0, 2, 2, 0}, {0, 1, 2, 0, 1, 2}},
    {{1, 2, 2, 1, 3, 3}, {2, 2, 0, 2, 1, 1}, {0, 0, 2, 1, 1, -1}},
    {{2, 2, 3, 1, 2, 5}, {2, 1, 1, 2, 1, 0}, {0, 1, 1, 0, 2, 2}},
};

static void add_rating_data(dl_store *st)
{
    dl_stim_set *s = calloc(1, sizeof *s);
    s->name = strdup("rate1");
    s->task = strdup("rating");
    s->nitems = 6;
    s->items = calloc(6, sizeof *s->items);
    for (int i = 0; i < 6; i++) {
        char a[32];
        snprintf(a, sizeof a, "r%d.jpg", i);
        s->items[i].index = i;
        rt_image(&s->items[i].a, a, rating_cls[i], rating_acc[i], i == 3);
        s->items[i].b.label_error = -1;
    }
    dl_error err = {0};
    rt_check(dl_store_add_set(st, s, &err), &err);
    for (int o = 0; o < 3; o++) {
        int64_t sid = rt_session(st, rt_observer(st, rating_codes[o]), s->id, 6);
        for (int k = 0; k < 6; k++) {
            dl_rating r = {0};
            char img[32];
            snprintf(img, sizeof img, "r%d.jpg", k);
            r.session_id = sid;
            r.index = k;
            r.item_index = k;
            r.image = img;
            r.q1 = rating_q[o][0][k];
            r.q2 = rating_q[o][1][k];
            r.q3 = rating_q[o][2][k];
            r.rt_q1_ms = r.rt_q2_ms = r.rt_q3_ms = 900;
            rt_check(dl_store_log_rating(st, &r, &err), &err);
        }
        rt_check(dl_store_finish_session(st, sid, "completed", &err), &err);
    }
    dl_stim_set_free(s);
}

static void make_rating_db(const char *path)
{
    dl_store *st;
    dl_error err = {0};
    rt_check(dl_store_open(path, 0, &st, &err), &err);
    add_rating_data(st);
    dl_store_close(st);
}

typedef struct fixture {
    char dir[256];
    char *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_report_test");
    f->db = ts_path(f->dir, "lab.sqlite");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ts_rmtree(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static dl_report *analyse_store(const char *db, const char *set, int incomplete,
                                const dl_report_options *opt)
{
    dl_report *r = dl_report_new();
    dl_error err = {0};
    dl_report_options def;
    dl_report_options_default(&def);
    rt_check(dl_report_load_store(r, db, set, incomplete, &err), &err);
    rt_check(dl_report_analyse(r, opt ? opt : &def, &err), &err);
    return r;
}

static const dl_report_observer *find_obs(const dl_report_trials *t, const char *code)
{
    for (size_t i = 0; i < t->nobservers; i++)
        if (strcmp(t->observers[i].code, code) == 0)
            return &t->observers[i];
    return NULL;
}

/* ---- 2AFC from the store ---- */

static void test_store_2afc(void **state)
{
    fixture *f = *state;
    make_afc_db(f->db, 1);
    dl_report *r = analyse_store(f->db, "exp1", 0, NULL);
    const dl_report_trials *t = dl_report_get_trials(r);
    assert_non_null(t);
    assert_null(dl_report_get_ratings(r));
    assert_int_equal(t->nobservers, 4); /* S4 is still running */
    assert_int_equal(t->nitems, 10);    /* practice pairs left out */
    assert_int_equal(t->ntrials, 40);
    /* natural order: S10 after S3 */
    assert_string_equal(t->observers[2].code, "S3");
    assert_string_equal(t->observers[3].code, "S10");
    for (int o = 0; o < 4; o++) {
        const dl_report_observer *x = find_obs(t, afc_codes[o]);
        char key[64];
        size_t k = 0;
        for (int i = 0; i < 10; i++)
            k += afc_correct[o][i];
        assert_int_equal(x->trials, 10);
        assert_int_equal(x->correct, k);
        assert_float_equal(x->accuracy, k / 10.0, TOL);
        snprintf(key, sizeof key, "afc.%s.p_greater", afc_codes[o]);
        assert_float_equal(x->p_greater, rt_ref(key), 1e-9);
        snprintf(key, sizeof key, "afc.%s.p_two_sided", afc_codes[o]);
        assert_float_equal(x->p_two_sided, rt_ref(key), 1e-9);
        snprintf(key, sizeof key, "afc.%s.ci_low", afc_codes[o]);
        assert_float_equal(x->ci_low, rt_ref(key), 1e-8);
        snprintf(key, sizeof key, "afc.%s.ci_high", afc_codes[o]);
        assert_float_equal(x->ci_high, rt_ref(key), 1e-8);
        snprintf(key, sizeof key, "afc.%s.rt_median_ms", afc_codes[o]);
        assert_float_equal(x->rt_median_ms, rt_ref(key), TOL);
        assert_float_equal(x->rt_mean_ms, rt_ref(key), TOL); /* symmetric rts */
    }
    assert_float_equal(t->accuracy.mean, rt_ref("afc.accuracy.mean"), TOL);
    assert_float_equal(t->accuracy.sd, rt_ref("afc.accuracy.sd"), 1e-9);
    /* S1-S2 by hand: c_obs 0.8, c_exp 0.68, kappa 0.12 / 0.32 = 0.375 */
    assert_float_equal(t->ec[0 * 4 + 1], 0.375, TOL);
    assert_float_equal(t->ec[0 * 4 + 2], rt_ref("afc.ec.S1.S3"), 1e-9);
    assert_float_equal(t->ec[3 * 4 + 0], 0.0, TOL); /* S10 always right: kappa 0 */
    assert_int_equal(t->ec_items[1], 10);
    assert_int_equal(t->ec_pairs.n, 6);
    assert_float_equal(t->ec_pairs.mean, rt_ref("afc.ec.mean"), 1e-9);
    assert_float_equal(t->ec_pairs.sd, rt_ref("afc.ec.sd"), 1e-9);
    assert_float_equal(t->ec_pairs.min, rt_ref("afc.ec.min"), 1e-9);
    assert_float_equal(t->ec_pairs.max, rt_ref("afc.ec.max"), 1e-9);
    char *text = rt_text(r);
    assert_non_null(strstr(text, "responses of incomplete sessions left out"));
    assert_non_null(strstr(text, "practice responses left out"));
    free(text);
    char *json = rt_json(r);
    assert_non_null(strstr(json, "\"task\":\"2afc\""));
    assert_non_null(strstr(json, "\"observers\":4"));
    assert_non_null(strstr(json, "\"per_observer\":[{\"code\":\"S1\",\"trials\":10,\"correct\":8"));
    free(json);
    dl_report_free(r);
}

static void test_store_incomplete_and_exclusion(void **state)
{
    fixture *f = *state;
    make_afc_db(f->db, 1);
    dl_report *r = analyse_store(f->db, NULL, 1, NULL);
    const dl_report_trials *t = dl_report_get_trials(r);
    assert_int_equal(t->nobservers, 5);
    assert_float_equal(find_obs(t, "S4")->accuracy, 1.0, TOL);
    /* S4 and S10 are both always right: c_obs = 1 -> kappa 1 */
    assert_float_equal(t->ec[3 * 5 + 4], 1.0, TOL);
    dl_report_free(r);

    dl_report_options opt;
    dl_report_options_default(&opt);
    const char *drop[] = {"S10"};
    opt.exclude_observers = drop;
    opt.nexclude_observers = 1;
    r = analyse_store(f->db, "exp1", 0, &opt);
    t = dl_report_get_trials(r);
    assert_int_equal(t->nobservers, 3);
    assert_null(find_obs(t, "S10"));
    assert_float_equal(t->ec_pairs.mean, (0.375 + 2 * rt_ref("afc.ec.S1.S3")) / 3, 1e-9);
    dl_report_free(r);

    const char *typo[] = {"S99"};
    opt.exclude_observers = typo;
    r = dl_report_new();
    dl_error err = {0};
    rt_check(dl_report_load_store(r, f->db, "exp1", 0, &err), &err);
    assert_int_equal(dl_report_analyse(r, &opt, &err), DL_EINVAL);
    assert_non_null(strstr(err.msg, "--exclude-observer S99: no such observer"));
    assert_non_null(strstr(err.msg, "S1"));
    dl_report_free(r);
}

static void test_no_completed_sessions(void **state)
{
    fixture *f = *state;
    make_afc_db(f->db, 0);
    dl_report *r = dl_report_new();
    dl_error err = {0};
    assert_int_equal(dl_report_load_store(r, f->db, "exp1", 0, &err), DL_EINVAL);
    assert_non_null(strstr(err.msg, "no completed sessions on set 'exp1'"));
    assert_non_null(strstr(err.msg, "--include-incomplete"));
    dl_report_free(r);
    /* a missing set and a missing file name themselves */
    r = dl_report_new();
    assert_int_not_equal(dl_report_load_store(r, f->db, "nope", 0, &err), 0);
    assert_non_null(strstr(err.msg, "nope"));
    dl_report_free(r);
    r = dl_report_new();
    char *missing = ts_path(f->dir, "missing.sqlite");
    assert_int_not_equal(dl_report_load_store(r, missing, NULL, 0, &err), 0);
    assert_non_null(strstr(err.msg, "missing.sqlite"));
    free(missing);
    dl_report_free(r);
}

/* ---- ratings from the store ---- */

static void check_question(const dl_report_question *Q, int q)
{
    char key[96];
    snprintf(key, sizeof key, "rating.q%d.alpha", q + 1);
    assert_float_equal(Q->alpha.alpha, rt_ref(key), 1e-9);
    snprintf(key, sizeof key, "rating.q%d.pairwise_alpha.mean", q + 1);
    assert_float_equal(Q->pairwise_alpha.mean, rt_ref(key), 1e-9);
    snprintf(key, sizeof key, "rating.q%d.pairwise_alpha.min", q + 1);
    assert_float_equal(Q->pairwise_alpha.min, rt_ref(key), 1e-9);
    snprintf(key, sizeof key, "rating.q%d.pairwise_alpha.max", q + 1);
    assert_float_equal(Q->pairwise_alpha.max, rt_ref(key), 1e-9);
    snprintf(key, sizeof key, "rating.q%d.pairwise_r.mean", q + 1);
    assert_float_equal(Q->pairwise_r.mean, rt_ref(key), 1e-9);
    snprintf(key, sizeof key, "rating.q%d.r_with_model_accuracy", q + 1);
    assert_float_equal(Q->r_with_model_accuracy.r, rt_ref(key), 1e-9);
    for (size_t k = 0; k < Q->nanswers; k++) {
        const dl_report_answer *a = &Q->answers[k];
        snprintf(key, sizeof key, "rating.q%d.answer%d.n", q + 1, a->value);
        assert_int_equal(a->n, (size_t)rt_ref(key));
        snprintf(key, sizeof key, "rating.q%d.answer%d.mean_model_accuracy", q + 1, a->value);
        assert_float_equal(a->mean_model_accuracy, rt_ref(key), 1e-9);
        snprintf(key, sizeof key, "rating.q%d.answer%d.frac_trivial", q + 1, a->value);
        assert_float_equal(a->frac_class[DL_STATS_TRIVIAL], rt_ref(key), 1e-9);
        assert_float_equal(a->frac_class[DL_STATS_TRIVIAL] + a->frac_class[DL_STATS_IN_BETWEEN] +
                               a->frac_class[DL_STATS_IMPOSSIBLE],
                           1.0, 1e-12);
    }
}

static void test_store_ratings(void **state)
{
    fixture *f = *state;
    make_rating_db(f->db);
    dl_report *r = analyse_store(f->db, "rate1", 0, NULL);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    assert_non_null(g);
    assert_int_equal(g->nobservers, 3);
    assert_int_equal(g->nitems, 6);
    assert_int_equal(g->nratings, 18);
    assert_int_equal(g->q[0].level, DL_LEVEL_INTERVAL);
    assert_int_equal(g->q[1].level, DL_LEVEL_ORDINAL);
    for (int q = 0; q < 3; q++)
        check_question(&g->q[q], q);
    assert_string_equal(g->q[1].answers[1].label, "Maybe");
    assert_string_equal(g->q[2].answers[2].label, "Very");
    assert_null(g->q[0].answers[0].label);
    char *json = rt_json(r);
    assert_non_null(strstr(json, "\"task\":\"rating\",\"observers\":3,\"items\":6"));
    assert_non_null(strstr(json, "\"q2\":{"));
    assert_non_null(strstr(json, "\"alpha_level\":\"ordinal\""));
    assert_non_null(strstr(json, "\"pairwise_alpha\":{\"n\":3,"));
    dl_report_free(r);
    free(json);
}

static void test_label_errors_and_balance(void **state)
{
    fixture *f = *state;
    make_rating_db(f->db);
    dl_report_options opt;
    dl_report_options_default(&opt);
    opt.exclude_label_errors = 1;
    dl_report *r = analyse_store(f->db, "rate1", 0, &opt);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    assert_int_equal(g->nitems, 5);
    assert_float_equal(g->q[1].alpha.alpha, rt_ref("rating.nolabel.q2.alpha"), 1e-9);

    /* left: 1 trivial, 2 in-between, 2 impossible -> 1 of each */
    opt.balance_classes = 1;
    opt.seed = 7;
    dl_error err = {0};
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    g = dl_report_get_ratings(r);
    assert_int_equal(g->nitems, 3);
    char *first = rt_json(r);
    assert_non_null(strstr(first, "classes balanced to 1 items each (seed 7)"));
    assert_non_null(strstr(first, "\"items_dropped_balance\":2"));
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *again = rt_json(r);
    assert_string_equal(first, again); /* same seed, same subsample, notes not doubled */
    size_t differ = 0;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        opt.seed = seed;
        rt_check(dl_report_analyse(r, &opt, &err), &err);
        char *other = rt_json(r);
        differ += strcmp(strstr(first, "\"q1\""), strstr(other, "\"q1\"")) != 0;
        free(other);
    }
    assert_true(differ > 0); /* 4 possible subsamples: some seed picks another */
    free(first);
    free(again);
    dl_report_free(r);
}

static void test_store_both_kinds(void **state)
{
    fixture *f = *state;
    make_afc_db(f->db, 1);
    dl_store *st;
    dl_error err = {0};
    rt_check(dl_store_open(f->db, 0, &st, &err), &err);
    add_rating_data(st);
    dl_store_close(st);
    dl_report *r = dl_report_new();
    assert_int_equal(dl_report_load_store(r, f->db, NULL, 0, &err), DL_EINVAL);
    assert_non_null(strstr(err.msg, "--set NAME"));
    dl_report_free(r);
    r = analyse_store(f->db, "rate1", 0, NULL);
    assert_non_null(dl_report_get_ratings(r));
    dl_report_free(r);
}

/* ---- CSV sources and bad input ---- */

static dl_report *csv_report(const char *path, int ratings, const dl_report_columns *cols,
                             dl_error *err, int *rc)
{
    dl_report *r = dl_report_new();
    dl_report_columns def;
    dl_report_columns_default(&def);
    *rc = ratings ? dl_report_load_ratings_csv(r, path, cols ? cols : &def, err)
                  : dl_report_load_trials_csv(r, path, cols ? cols : &def, err);
    if (*rc == 0) {
        dl_report_options opt;
        dl_report_options_default(&opt);
        *rc = dl_report_analyse(r, &opt, err);
    }
    return r;
}

static void expect_csv_error(const char *dir, const char *content, int ratings,
                             const dl_report_columns *cols, const char *suffix)
{
    char *path = ts_path(dir, "bad.csv");
    ts_write(path, content);
    dl_error err = {0};
    int rc;
    dl_report *r = csv_report(path, ratings, cols, &err, &rc);
    assert_int_equal(rc, DL_EINVAL);
    char expected[1024];
    snprintf(expected, sizeof expected, "%s%s", path, suffix);
    assert_string_equal(err.msg, expected);
    dl_report_free(r);
    free(path);
}

static void test_bad_csv(void **state)
{
    fixture *f = *state;
    expect_csv_error(f->dir, "observer,item,q1,q3\nA,1,1,0\n", 1, NULL,
                     ":1: no column 'q2' (columns are: observer, item, q1, q3)");
    expect_csv_error(f->dir, "observer,item,answer\nA,1,1\n", 0, NULL,
                     ":1: no column 'correct' (columns are: observer, item, answer)");
    dl_report_columns cols;
    dl_report_columns_default(&cols);
    cols.class_col = "stimulus_class";
    cols.explicit_optional = DL_REPORT_COL_CLASS;
    expect_csv_error(f->dir, "observer,item,q1,q2,q3\nA,1,1,0,0\n", 1, &cols,
                     ":1: no column 'stimulus_class' (columns are: observer, item, q1, q2, q3)");
    expect_csv_error(f->dir, "observer,item,q1,q2,q3\nA,1,1,0,0\nA,2,x,0,0\n", 1, NULL,
                     ":3: q1 'x' is not a number");
    expect_csv_error(f->dir, "observer,item,q1,q2,q3\nA,1,1,0,0\nA,2,1.5,0,0\n", 1, NULL,
                     ":3: q1 '1.5' is not a whole number (an answer option)");
    expect_csv_error(f->dir, "observer,item,q1,q2,q3,difficulty\nA,1,1,0,0,easy\n", 1, NULL,
                     ":2: difficulty 'easy' is not trivial, in-between or impossible");
    expect_csv_error(f->dir, "observer,item,correct\nA,1,1\nA,2,yes\n", 0, NULL,
                     ":3: value 'yes' in column 'correct' is not 1, 0, true or false");
    expect_csv_error(f->dir, "observer,item,correct\n", 0, NULL,
                     ":2: no data rows after the header");
    expect_csv_error(f->dir, "observer,item,correct\nA,1,1,9\n", 0, NULL,
                     ":2: expected 3 fields as in the header, found 4");
    /* a rating given twice names both lines */
    char *path = ts_path(f->dir, "bad.csv");
    char suffix[600];
    snprintf(suffix, sizeof suffix, ":4: observer 'A' rated item '1' a second time (first on %s:2)",
             path);
    expect_csv_error(f->dir, "observer,item,q1,q2,q3\nA,1,1,0,0\nB,1,1,0,0\nA,1,2,0,0\n", 1, NULL,
                     suffix);
    free(path);
}

static void test_one_observer(void **state)
{
    fixture *f = *state;
    char *path = ts_path(f->dir, "one.csv");
    ts_write(path, "observer,item,correct,rt_ms\nA,1,1,500\nA,2,0,600\nA,3,1,700\n");
    dl_error err = {0};
    int rc;
    dl_report *r = csv_report(path, 0, NULL, &err, &rc);
    rt_check(rc, &err);
    const dl_report_trials *t = dl_report_get_trials(r);
    assert_int_equal(t->nobservers, 1);
    assert_int_equal(t->ec_pairs.n, 0);
    assert_float_equal(t->observers[0].rt_median_ms, 600, TOL);
    char *json = rt_json(r);
    assert_non_null(strstr(json, "\"error_consistency\":{\"matrix\":[[1]],\"pairs\":0,"
                                 "\"undefined_pairs\":0,\"mean\":null,\"sd\":null,\"min\":null,"
                                 "\"max\":null,\"undefined_expected_agreement_1\":0,"
                                 "\"ec_boundary\":\"undefined\",\"bootstrap\":null,"
                                 "\"why\":\"needs at least two observers\"}"));
    assert_non_null(strstr(json, "\"task\":\"trials\""));
    free(json);
    char *text = rt_text(r);
    assert_non_null(strstr(text, "error consistency: undefined (needs at least two observers)"));
    free(text);
    dl_report_free(r);

    ts_write(path, "observer,item,q1,q2,q3\nA,1,1,0,0\nA,2,2,1,1\n");
    r = csv_report(path, 1, NULL, &err, &rc);
    rt_check(rc, &err);
    json = rt_json(r);
    assert_non_null(strstr(json, "\"alpha\":null,\"alpha_level\":\"interval\","
                                 "\"alpha_why\":\"needs at least two observers\""));
    assert_non_null(strstr(json, "\"pairwise_alpha\":{\"n\":0,\"mean\":null"));
    free(json);
    dl_report_free(r);
    free(path);
}

static void test_identical_answers(void **state)
{
    fixture *f = *state;
    char *path = ts_path(f->dir, "same.csv");
    /* B answers 2 to everything in Q2 and 0 in Q3: no variance */
    ts_write(path, "observer,item,q1,q2,q3\n"
                   "A,1,1,2,0\nA,2,2,1,1\nA,3,3,0,2\nA,4,1,2,0\n"
                   "B,1,1,2,0\nB,2,3,2,0\nB,3,3,2,0\nB,4,2,2,0\n"
                   "C,1,1,2,0\nC,2,2,0,1\nC,3,4,0,2\nC,4,1,1,0\n");
    dl_error err = {0};
    int rc;
    dl_report *r = csv_report(path, 1, NULL, &err, &rc);
    rt_check(rc, &err);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    assert_false(isnan(g->q[1].alpha.alpha));  /* A and C still vary */
    assert_int_equal(g->q[1].pairwise_r.n, 1); /* r with B undefined: left out */
    assert_int_equal(g->q[0].pairwise_r.n, 3);
    assert_true(isnan(g->q[1].r_with_model_accuracy.r)); /* no model accuracy column */
    dl_report_free(r);

    ts_write(path, "observer,item,correct\nA,1,1\nA,2,1\nA,3,1\nA,4,1\n"
                   "B,1,1\nB,2,0\nB,3,1\nB,4,0\nC,1,0\nC,2,0\nC,3,1\nC,4,0\n");
    r = csv_report(path, 0, NULL, &err, &rc);
    rt_check(rc, &err);
    const dl_report_trials *t = dl_report_get_trials(r);
    assert_float_equal(t->ec[0 * 3 + 1], 0.0, TOL); /* A always right */
    assert_float_equal(t->ec[0 * 3 + 2], 0.0, TOL);
    /* B-C by hand: c_obs 0.75, p 0.5 and 0.25, c_exp 0.5, kappa 0.5 */
    assert_float_equal(t->ec[1 * 3 + 2], 0.5, TOL);
    dl_report_free(r);
    free(path);
}

static void test_response_truth_regex(void **state)
{
    fixture *f = *state;
    char *path = ts_path(f->dir, "mvh.csv");
    /* the item key is the last '_' field; a missing response is wrong; rt in s */
    ts_write(path, "subj,rt,object_response,category,imagename\n"
                   "s1,0.5,dog,dog,0001_x_s1_dog_dog1.png\n"
                   "s1,NaN,na,cat,0002_x_s1_cat_cat2.png\n"
                   "s1,0.7,cat,cat,0003_x_s1_cat_cat3.png\n"
                   "s2,0.9,dog,cat,0001_x_s2_cat_cat3.png\n"
                   "s2,0.6,cat,cat,0002_x_s2_cat_cat2.png\n"
                   "s2,0.8,dog,dog,0003_x_s2_dog_dog1.png\n");
    dl_report_columns cols;
    dl_report_columns_default(&cols);
    cols.observer = "subj";
    cols.item = "imagename";
    cols.item_regex = "_([^_]+)$";
    cols.response = "object_response";
    cols.truth = "category";
    cols.rt = "rt";
    cols.explicit_optional = DL_REPORT_COL_RT;
    cols.rt_to_ms = 1000;
    dl_error err = {0};
    int rc;
    dl_report *r = csv_report(path, 0, &cols, &err, &rc);
    rt_check(rc, &err);
    const dl_report_trials *t = dl_report_get_trials(r);
    assert_int_equal(t->nitems, 3);
    assert_int_equal(t->observers[0].correct, 2);
    assert_float_equal(t->observers[0].rt_median_ms, 600, 1e-9); /* NaN rt left out */
    assert_int_equal(t->observers[1].correct, 2);
    /* matched by image: dog1 both right, cat2 s1 wrong / s2 right, cat3 s1 right / s2 wrong:
     * c_obs 1/3, p = 2/3 both, c_exp 5/9, kappa (3/9 - 5/9) / (4/9) = -0.5 */
    assert_float_equal(t->ec[1], -0.5, 1e-12);
    dl_report_free(r);

    cols.item_regex = "^([0-9]+)_";
    ts_write(path, "subj,rt,object_response,category,imagename\ns1,1,a,a,oven.png\n");
    r = csv_report(path, 0, &cols, &err, &rc);
    assert_int_equal(rc, DL_EINVAL);
    assert_non_null(strstr(err.msg, ":2: item 'oven.png' does not match --item-regex"));
    dl_report_free(r);
    free(path);
}

static void test_exclude_items(void **state)
{
    fixture *f = *state;
    char *path = ts_path(f->dir, "r.csv"), *list = ts_path(f->dir, "drop.txt");
    ts_write(path, "observer,item,q1,q2,q3\nA,img1,1,0,0\nA,img2,2,1,1\nA,img3,3,2,2\n"
                   "B,img1,1,0,1\nB,img2,2,2,1\nB,img3,4,2,2\n");
    ts_write(list, "item\n# regenerated images\nimg2\n\nimg9\n");
    dl_report *r = dl_report_new();
    dl_error err = {0};
    dl_report_columns cols;
    dl_report_columns_default(&cols);
    rt_check(dl_report_load_ratings_csv(r, path, &cols, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    opt.exclude_items_path = list;
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    assert_int_equal(g->nitems, 2);
    /* Q1 over img1, img3 only: A 1,3; B 1,4 -> r = 1 */
    assert_float_equal(g->q[0].pairwise_r.mean, 1.0, 1e-12);
    char *json = rt_json(r);
    assert_non_null(strstr(json, "\"items_dropped_by_file\":1"));
    assert_non_null(strstr(json, "1 item(s) of "));
    free(json);
    opt.exclude_items_path = "/nonexistent/list.txt";
    assert_int_equal(dl_report_analyse(r, &opt, &err), DL_ENOENT);
    assert_non_null(strstr(err.msg, "--exclude-items /nonexistent/list.txt: cannot open"));
    /* label errors asked for, but the data know nothing about them */
    opt.exclude_items_path = NULL;
    opt.exclude_label_errors = 1;
    assert_int_equal(dl_report_analyse(r, &opt, &err), DL_EINVAL);
    assert_non_null(strstr(err.msg, "--label-error-col"));
    opt.exclude_label_errors = 0;
    opt.balance_classes = 1;
    assert_int_equal(dl_report_analyse(r, &opt, &err), DL_EINVAL);
    assert_non_null(strstr(err.msg, "--balance-classes: item 'img1' has no class"));
    dl_report_free(r);
    free(path);
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_2afc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_incomplete_and_exclusion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_completed_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_ratings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_label_errors_and_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_both_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_observer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identical_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_truth_regex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclude_items, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
