/* test_report_cmds.c — the writers behind `consistency`, `reliability`,
 * `plan`, `sessions list`, `export --json` and `db check`, read back: each
 * CSV through common's reader, each JSON through the tests' JSON reader,
 * compared column by column and key by key with values this file computes
 * from the input itself (error consistency and Krippendorff's alpha written
 * out from their definitions), so a number in the wrong column or under the
 * wrong key fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../cli/json_min.h"
#include "report_test_util.h"

typedef struct fixture {
    char dir[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_report_test");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

/* ---- reading back ---- */

/* What a writer puts on a stream, written to dir/name and read back. */
typedef void (*writer_fn)(const void *obj, FILE *out);

static char *write_file(const char *dir, const char *name, void (*fn)(const void *, FILE *),
                        const void *obj)
{
    char *p = ts_path(dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fn(obj, f);
    assert_int_equal(fclose(f), 0);
    return p;
}

static dl_csv *read_csv(const char *path)
{
    dl_csv *csv = NULL;
    dl_error err = {0};
    if (dl_csv_read(path, &csv, &err) != 0)
        fail_msg("%s: %s", path, err.msg);
    return csv;
}

static jv *read_json(const char *path)
{
    char *s = ts_slurp(path, NULL);
    assert_non_null(s);
    jv *v = jv_parse(s);
    if (!v)
        fail_msg("%s: not JSON: %s", path, s);
    free(s);
    return v;
}

static const char *cell(const dl_csv *csv, size_t row, const char *col)
{
    int c = dl_csv_col(csv, col);
    if (c < 0)
        fail_msg("%s: no column %s", csv->path, col);
    assert_true(row < csv->nrows);
    return csv->rows[row][c];
}

static void near(double got, double want, const char *what)
{
    if (!(fabs(got - want) <= 1e-12 * (1 + fabs(want))))
        fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static void assert_cell(const dl_csv *csv, size_t row, const char *col, double want)
{
    double v;
    const char *s = cell(csv, row, col);
    if (dl_parse_double(s, &v) != 0)
        fail_msg("%s row %zu %s: '%s' is not a number", csv->path, row, col, s);
    near(v, want, col);
}

static void assert_key(const jv *root, const char *path, double want)
{
    const jv *v = jv_get(root, path);
    if (!v || v->type != JV_NUMBER)
        fail_msg("no number at %s", path);
    near(v->num, want, path);
}

static void assert_key_str(const jv *root, const char *path, const char *want)
{
    const jv *v = jv_get(root, path);
    if (!v || v->type != JV_STRING)
        fail_msg("no string at %s", path);
    assert_string_equal(v->str, want);
}

/* ---- error consistency ---- */

/* Group g1: observers A, B, C on items x1..x6 (-1: not seen; C skips x6);
 * A answers x3 a second time (1), which must not count. Group g2: D, E on
 * x1..x4. */
static const int G1[3][6] = {{1, 1, 0, 1, 0, 0}, {1, 0, 0, 1, 1, 1}, {0, 1, 0, 1, 1, -1}};
static const int G2[2][4] = {{1, 0, 1, 1}, {1, 0, 0, 1}};

typedef struct ec_ref {
    int n;
    double p1, p2, c_obs, c_exp, kappa;
} ec_ref;

static ec_ref ec_def(const int *a, const int *b, int nitems)
{
    ec_ref r = {0};
    double agree = 0;
    for (int i = 0; i < nitems; i++) {
        if (a[i] < 0 || b[i] < 0)
            continue;
        r.n++;
        agree += a[i] == b[i];
        r.p1 += a[i];
        r.p2 += b[i];
    }
    r.p1 /= r.n;
    r.p2 /= r.n;
    r.c_obs = agree / r.n;
    r.c_exp = r.p1 * r.p2 + (1 - r.p1) * (1 - r.p2);
    r.kappa = (r.c_obs - r.c_exp) / (1 - r.c_exp);
    return r;
}

static char *ec_csv_input(const char *dir)
{
    dl_buf b;
    dl_buf_init(&b);
    dl_buf_printf(&b, "subject,cond,image,correct\n");
    for (int o = 0; o < 3; o++)
        for (int i = 0; i < 6; i++)
            if (G1[o][i] >= 0)
                dl_buf_printf(&b, "%c,g1,x%d,%s\n", 'A' + o, i + 1, G1[o][i] ? "true" : "0");
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < 4; i++)
            dl_buf_printf(&b, "%c,g2,x%d,%d\n", 'D' + o, i + 1, G2[o][i]);
    dl_buf_printf(&b, "A,g1,x3,1\n");
    char *path = ts_path(dir, "trials.csv");
    ts_write(path, b.data);
    dl_buf_free(&b);
    return path;
}

static void ec_text(const void *e, FILE *out)
{
    dl_report_ec_write_text(e, out);
}
static void ec_json(const void *e, FILE *out)
{
    dl_report_ec_write_json(e, out);
}
static void ec_csv(const void *e, FILE *out)
{
    dl_report_ec_write_csv(e, out);
}

static const char *const PAIR_COLS[] = {"p1", "p2", "c_obs", "c_exp", "kappa"};

static void check_ec_csv_pair(const dl_csv *t, size_t row, const char *group, const char *a,
                              const char *b, ec_ref r)
{
    const double want[] = {r.p1, r.p2, r.c_obs, r.c_exp, r.kappa};
    assert_string_equal(cell(t, row, "row"), "pair");
    assert_string_equal(cell(t, row, "group"), group);
    assert_string_equal(cell(t, row, "a"), a);
    assert_string_equal(cell(t, row, "b"), b);
    assert_cell(t, row, "items", r.n);
    for (size_t i = 0; i < 5; i++)
        assert_cell(t, row, PAIR_COLS[i], want[i]);
    assert_string_equal(cell(t, row, "ec_boundary"), "undefined");
    assert_string_equal(cell(t, row, "replicates"), "NA");
}

static void check_ec_json_pair(const jv *root, const char *group, int k, const char *a,
                               const char *b, ec_ref r)
{
    const double want[] = {r.p1, r.p2, r.c_obs, r.c_exp, r.kappa};
    char key[128];
    snprintf(key, sizeof key, "groups.%s.pairs.%d.a", group, k);
    assert_key_str(root, key, a);
    snprintf(key, sizeof key, "groups.%s.pairs.%d.b", group, k);
    assert_key_str(root, key, b);
    snprintf(key, sizeof key, "groups.%s.pairs.%d.items", group, k);
    assert_key(root, key, r.n);
    for (size_t i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "groups.%s.pairs.%d.%s", group, k, PAIR_COLS[i]);
        assert_key(root, key, want[i]);
    }
}

static void test_ec_readback(void **state)
{
    fixture *f = *state;
    char *in = ec_csv_input(f->dir);
    dl_report_ec_opts o = {.by = "cond", .boot = {.seed = 1, .conf_level = 0.95}};
    dl_report_columns_default(&o.cols);
    o.cols.observer = "subject";
    o.cols.item = "image";
    dl_report_ec *e = NULL;
    dl_error err = {0};
    const char *paths[] = {in};
    if (dl_report_ec_run(paths, 1, &o, &e, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(dl_report_ec_repeats(e), 1);

    ec_ref ab = ec_def(G1[0], G1[1], 6), ac = ec_def(G1[0], G1[2], 6), bc = ec_def(G1[1], G1[2], 6),
           de = ec_def(G2[0], G2[1], 4);
    char *p = write_file(f->dir, "pairs.csv", ec_csv, e);
    dl_csv *t = read_csv(p);
    assert_int_equal(t->nrows, 6); /* 3 + 1 pairs, a mean row per group */
    check_ec_csv_pair(t, 0, "g1", "A", "B", ab);
    check_ec_csv_pair(t, 1, "g1", "A", "C", ac);
    check_ec_csv_pair(t, 2, "g1", "B", "C", bc);
    assert_string_equal(cell(t, 3, "row"), "mean");
    assert_cell(t, 3, "items", 3);
    assert_cell(t, 3, "kappa", (ab.kappa + ac.kappa + bc.kappa) / 3);
    assert_string_equal(cell(t, 3, "p1"), "NA");
    check_ec_csv_pair(t, 4, "g2", "D", "E", de);
    assert_cell(t, 5, "kappa", de.kappa);
    dl_csv_free(t);
    free(p);

    p = write_file(f->dir, "ec.json", ec_json, e);
    jv *root = read_json(p);
    assert_key_str(root, "by", "cond");
    check_ec_json_pair(root, "g1", 0, "A", "B", ab);
    check_ec_json_pair(root, "g1", 1, "A", "C", ac);
    check_ec_json_pair(root, "g1", 2, "B", "C", bc);
    check_ec_json_pair(root, "g2", 0, "D", "E", de);
    assert_key(root, "groups.g1.items", 6);
    assert_key(root, "groups.g2.items", 4);
    assert_key(root, "groups.g1.mean_kappa", (ab.kappa + ac.kappa + bc.kappa) / 3);
    assert_key(root, "groups.g1.pairs_used", 3);
    assert_key(root, "groups.g1.repeated_trials", 1);
    assert_null(jv_get(root, "groups.g2.repeated_trials")); /* counted per group */
    assert_key_str(root, "groups.g2.observers.1", "E");
    jv_free(root);
    free(p);

    p = write_file(f->dir, "ec.txt", ec_text, e);
    char *txt = ts_slurp(p, NULL);
    assert_non_null(
        strstr(txt, "cond = g2\nerror consistency of 2 observers over 4 items (1 pair)\n"));
    assert_non_null(strstr(txt, "\nrepeated trials: 1 answer to an item the observer had answered "
                                "before left out (the first answer counts)\n"));
    free(txt);
    free(p);
    dl_report_ec_free(e);
    free(in);
}

/* The report's loader reads the same file the same way: its error
 * consistency over g1's observers is the one consistency computes. */
static void test_ec_same_in_report(void **state)
{
    fixture *f = *state;
    char *in = ec_csv_input(f->dir);
    dl_report_columns cols;
    dl_report_columns_default(&cols);
    cols.observer = "subject";
    cols.item = "image";
    dl_report_options opt;
    dl_report_options_default(&opt);
    const char *drop[] = {"D", "E"};
    opt.exclude_observers = drop;
    opt.nexclude_observers = 2;
    dl_report *r = dl_report_new();
    dl_error err = {0};
    if (dl_report_load_trials_path(r, in, &cols, &err) || dl_report_analyse(r, &opt, &err))
        fail_msg("%s", err.msg);
    char *p = ts_path(f->dir, "report.json");
    FILE *fp = fopen(p, "w");
    dl_report_write_json(r, fp);
    fclose(fp);
    jv *root = read_json(p);
    assert_key(root, "error_consistency.matrix.0.1", ec_def(G1[0], G1[1], 6).kappa);
    assert_key(root, "error_consistency.matrix.0.2", ec_def(G1[0], G1[2], 6).kappa);
    assert_key(root, "error_consistency.matrix.1.2", ec_def(G1[1], G1[2], 6).kappa);
    jv_free(root);
    free(p);
    dl_report_free(r);
    free(in);
}

/* ---- reliability ---- */

/* Coder x unit values (-1 missing), nominal categories 0..2. */
enum { NCODER = 3, NUNIT = 6 };
static const int RATE[NCODER][NUNIT] = {
    {0, 1, 2, 0, 1, -1}, {0, 1, 2, 1, 1, 2}, {0, 2, 2, 0, -1, 2}};

/* Nominal Krippendorff's alpha of the coders with mask bit set, from the
 * coincidence matrix (Krippendorff 2011). */
static double alpha_nominal(unsigned mask)
{
    double o[3][3] = {{0}};
    for (int u = 0; u < NUNIT; u++) {
        int m = 0;
        for (int c = 0; c < NCODER; c++)
            m += (mask >> c & 1) && RATE[c][u] >= 0;
        if (m < 2)
            continue;
        for (int c = 0; c < NCODER; c++)
            for (int d = 0; d < NCODER; d++)
                if (c != d && (mask >> c & 1) && (mask >> d & 1) && RATE[c][u] >= 0 &&
                    RATE[d][u] >= 0)
                    o[RATE[c][u]][RATE[d][u]] += 1.0 / (m - 1);
    }
    double nc[3] = {0}, n = 0, dobs = 0, dexp = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            nc[a] += o[a][b];
            n += o[a][b];
            dobs += a != b ? o[a][b] : 0;
        }
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            dexp += a != b ? nc[a] * nc[b] : 0;
    return 1 - (n - 1) * dobs / dexp;
}

static void rel_json(const void *r, FILE *out)
{
    dl_report_rel_write_json(r, out);
}
static void rel_csv(const void *r, FILE *out)
{
    dl_report_rel_write_csv(r, out);
}

static void test_rel_readback(void **state)
{
    fixture *f = *state;
    dl_buf b;
    dl_buf_init(&b);
    dl_buf_printf(&b, "rater,image,label\n");
    static const char *const word[] = {"cat", "dog", "bird"};
    for (int c = 0; c < NCODER; c++)
        for (int u = 0; u < NUNIT; u++)
            dl_buf_printf(&b, "r%d,u%d,%s\n", c + 1, u + 1,
                          RATE[c][u] < 0 ? "NA" : word[RATE[c][u]]);
    char *in = ts_path(f->dir, "ratings.csv");
    ts_write(in, b.data);
    dl_buf_free(&b);
    dl_report_rel_opts o = {.coder_col = "rater",
                            .unit_col = "image",
                            .value_col = "label",
                            .level = DL_LEVEL_NOMINAL,
                            .pairwise = 1,
                            .per_coder = 1};
    dl_report_rel *r = NULL;
    dl_error err = {0};
    if (dl_report_rel_run(in, &o, &r, &err) != 0)
        fail_msg("%s", err.msg);
    const double all = alpha_nominal(7);
    const double pair[3] = {alpha_nominal(3), alpha_nominal(5), alpha_nominal(6)}; /* 12 13 23 */
    const double without[3] = {alpha_nominal(6), alpha_nominal(5), alpha_nominal(3)};
    const double mean_pair[3] = {(pair[0] + pair[1]) / 2, (pair[0] + pair[2]) / 2,
                                 (pair[1] + pair[2]) / 2};

    char *p = write_file(f->dir, "alpha.csv", rel_csv, r);
    dl_csv *t = read_csv(p);
    assert_int_equal(t->nrows, 7);
    assert_string_equal(cell(t, 0, "scope"), "all");
    assert_string_equal(cell(t, 0, "level"), "nominal");
    assert_cell(t, 0, "alpha", all);
    for (size_t c = 0; c < 3; c++) {
        char name[8];
        snprintf(name, sizeof name, "r%zu", c + 1);
        assert_string_equal(cell(t, 1 + c, "scope"), "without");
        assert_string_equal(cell(t, 1 + c, "coder"), name);
        assert_cell(t, 1 + c, "alpha", without[c]);
        assert_string_equal(cell(t, 4 + c, "scope"), "mean_pairwise");
        assert_string_equal(cell(t, 4 + c, "coder"), name);
        assert_cell(t, 4 + c, "alpha", mean_pair[c]);
    }
    dl_csv_free(t);
    free(p);

    p = write_file(f->dir, "alpha.json", rel_json, r);
    jv *root = read_json(p);
    assert_key(root, "alpha", all);
    assert_key(root, "coders", 3);
    assert_key(root, "units", 6);
    assert_key(root, "units_pairable", 6);
    assert_key(root, "pairable_values", 16);
    for (int k = 0; k < 3; k++) {
        char key[64];
        snprintf(key, sizeof key, "pairwise.pairs.%d.alpha", k);
        assert_key(root, key, pair[k]);
        snprintf(key, sizeof key, "per_coder.%d.alpha_without", k);
        assert_key(root, key, without[k]);
        snprintf(key, sizeof key, "per_coder.%d.mean_pairwise_alpha", k);
        assert_key(root, key, mean_pair[k]);
    }
    assert_key_str(root, "pairwise.pairs.2.a", "r2");
    assert_key_str(root, "pairwise.pairs.2.b", "r3");
    assert_key(root, "pairwise.pairs.0.units", 5); /* r1 and r2 share u1..u5 */
    jv_free(root);
    free(p);
    dl_report_rel_free(r);
    free(in);
}

/* ---- plan ---- */

static void test_plan_readback(void **state)
{
    fixture *f = *state;
    const double acc[] = {0.7, 0.85}, power[] = {0.8, 0.95};
    dl_report_plan_2afc_in in = {acc, power, 2, 2, 0.05, 0.5, 100000};
    char *p = ts_path(f->dir, "plan.json");
    FILE *fp = fopen(p, "w");
    dl_report_plan_2afc(&in, 1, fp);
    fclose(fp);
    jv *root = read_json(p);
    assert_key(root, "chance", 0.5);
    assert_key(root, "alpha", 0.05);
    for (int a = 0, k = 0; a < 2; a++)
        for (int w = 0; w < 2; w++, k++) {
            dl_plan_2afc r;
            const char *why = NULL;
            assert_int_equal(dl_stats_plan_2afc(acc[a], 0.5, 0.05, power[w], 100000, &r, &why), 0);
            char key[64];
            const char *names[] = {"accuracy",     "power_target", "trials",
                                   "first_trials", "critical",     "power"};
            const double want[] = {acc[a], power[w], r.n, r.first_n, r.critical, r.power};
            for (int i = 0; i < 6; i++) {
                snprintf(key, sizeof key, "rows.%d.%s", k, names[i]);
                assert_key(root, key, want[i]);
            }
        }
    jv_free(root);
    free(p);
}

/* ---- the store's listings ---- */

static void test_store_render(void **state)
{
    fixture *f = *state;
    dl_session_summary v[2] = {{.uuid = "11111111-2222-3333-4444-555555555555",
                                .observer_code = "obs1",
                                .set_name = "exp1",
                                .task = "2afc",
                                .status = "completed",
                                .started_utc = "2026-01-02T03:04:05Z",
                                .ended_utc = "2026-01-02T03:14:05Z",
                                .hostname = "lab",
                                .done = 149,
                                .total = 149,
                                .runs = 2},
                               {.uuid = "aaaaaaaa-2222-3333-4444-555555555555",
                                .observer_code = "obs2",
                                .set_name = "exp1",
                                .task = "rating",
                                .status = "running",
                                .started_utc = "2026-01-03T03:04:05Z",
                                .done = 3,
                                .total = 300,
                                .simulated = 1,
                                .runs = 1,
                                .superseded = 1}};
    char *p = ts_path(f->dir, "sessions.json");
    FILE *fp = fopen(p, "w");
    dl_store_write_sessions_json(fp, "lab.sqlite", v, 2);
    fclose(fp);
    jv *root = read_json(p);
    assert_key_str(root, "db", "lab.sqlite");
    assert_key_str(root, "sessions.0.uuid", v[0].uuid);
    assert_key_str(root, "sessions.0.observer", "obs1");
    assert_key_str(root, "sessions.1.task", "rating");
    assert_key_str(root, "sessions.1.status", "running");
    assert_key(root, "sessions.0.done", 149);
    assert_key(root, "sessions.1.total", 300);
    assert_key(root, "sessions.0.runs", 2);
    assert_key_str(root, "sessions.0.ended_utc", "2026-01-02T03:14:05Z");
    assert_int_equal(jv_get(root, "sessions.1.ended_utc")->type, JV_NULL);
    assert_int_equal((int)jv_get(root, "sessions.1.simulated")->num, 1);
    assert_int_equal((int)jv_get(root, "sessions.0.simulated")->num, 0);
    assert_int_equal((int)jv_get(root, "sessions.1.superseded")->num, 1);
    jv_free(root);
    free(p);

    p = ts_path(f->dir, "sessions.txt");
    fp = fopen(p, "w");
    dl_store_write_sessions_text(fp, "lab.sqlite", v, 2);
    fclose(fp);
    char *txt = ts_slurp(p, NULL);
    assert_non_null(strstr(txt, "\naaaaaaaa  obs2      exp1  rating  running          3/300  "
                                "2026-01-03T03:04:05  simulated  replaced\n"));
    assert_non_null(strstr(txt, "\n2 sessions in lab.sqlite\n"));
    free(txt);
    free(p);

    p = ts_path(f->dir, "export.json");
    fp = fopen(p, "w");
    dl_store_write_export_json(fp, "lab.sqlite", "trials", "t.csv", 1234);
    fclose(fp);
    root = read_json(p);
    assert_key_str(root, "table", "trials");
    assert_key_str(root, "out", "t.csv");
    assert_key(root, "rows", 1234);
    jv_free(root);
    free(p);

    dl_store_report rep = {.schema_version = 3,
                           .integrity_ok = 1,
                           .foreign_keys_ok = 1,
                           .integrity = "ok",
                           .journal_mode = "wal",
                           .sets = 1,
                           .images = 2,
                           .observers = 3,
                           .sessions = 4,
                           .trials = 5,
                           .ratings = 6,
                           .events = 7,
                           .running = 8,
                           .completed = 9,
                           .aborted = 10,
                           .crashed = -1};
    p = ts_path(f->dir, "check.json");
    fp = fopen(p, "w");
    dl_store_write_check_json(fp, "lab.sqlite", &rep);
    fclose(fp);
    root = read_json(p);
    const char *names[] = {"sets",    "images", "observers", "sessions",  "trials",
                           "ratings", "events", "running",   "completed", "aborted"};
    for (int i = 0; i < 10; i++) {
        char key[64];
        snprintf(key, sizeof key, "counts.%s", names[i]);
        assert_key(root, key, i + 1);
    }
    assert_int_equal(jv_get(root, "counts.crashed")->type, JV_NULL);
    assert_key(root, "schema_version", 3);
    assert_key_str(root, "journal_mode", "wal");
    assert_int_equal((int)jv_get(root, "ok")->num, dl_store_report_ok(&rep));
    jv_free(root);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ec_readback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ec_same_in_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rel_readback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_readback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_render, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
