/* test_exp_questions.c — a rating set with four questions of four kinds (a
 * count 0-9, an ordered five-label scale, an unordered three-label choice, a
 * yes/no) runs end to end with simulated observers, and `analyse` reports
 * all four:
 *   - the answers table holds one row per question and trial;
 *   - analyse --json / --out: per question the alpha at the question's own
 *     level, the answer counts per value with their labels, the observers'
 *     means, every one recomputed here from the answers rows read straight
 *     from SQLite (alpha by the statistics core, whose numbers are checked
 *     against Python elsewhere); the CSV tables and the codebook carry the
 *     four questions and their labels; the figure has two rows of panels;
 *   - a German session of the same questions is analysed with them (with a
 *     note), and a session with a different question list is an error that
 *     names both sessions.
 * Headless: the runner uses SDL's offscreen driver (no DISPLAY). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "fixture.h"
#include "test_support.h"

#define NQ 4
#define NITEMS 12
#define NOBS 3

static const char *const keys[NQ] = {"q1", "q2", "q3", "q4"};
static const dl_level levels[NQ] = {DL_LEVEL_INTERVAL, DL_LEVEL_ORDINAL, DL_LEVEL_NOMINAL,
                                    DL_LEVEL_NOMINAL};
static const int nvalues[NQ] = {10, 5, 3, 2};
static const char *const labels_en[NQ][5] = {{0},
                                             {"never", "rarely", "sometimes", "often", "always"},
                                             {"animal", "object", "scene"},
                                             {"yes", "no"}};

static const char ini_en[] = "[procedure]\ninstructions = instructions.txt\niti_ms = 100\n"
                             "countdown_s = 0\nscreen_min_ms = 100\n[display]\n"
                             "refresh_frames = 20\n"
                             "[questions]\ncount = 4\nq1 = count interval\nq2 = ordered ordinal\n"
                             "q3 = unordered nominal\nq4 = unordered nominal\n"
                             "[text]\nq1 = How many objects do you see?\n"
                             "q2 = How often would a network get this right?\n"
                             "q3 = What is the main thing?\nq4 = Is the image sharp?\n"
                             "q2_options = never, rarely, sometimes, often, always\n"
                             "q3_options = animal, object, scene\nq4_options = yes, no\n";

/* The same questions in German. */
static const char ini_de[] = "[procedure]\ninstructions = instructions.txt\niti_ms = 100\n"
                             "countdown_s = 0\nscreen_min_ms = 100\n[display]\n"
                             "refresh_frames = 20\n"
                             "[questions]\ncount = 4\nq1 = count interval\nq2 = ordered ordinal\n"
                             "q3 = unordered nominal\nq4 = unordered nominal\n"
                             "[text]\nq1 = Wie viele Objekte sehen Sie?\n"
                             "q2 = Wie oft läge ein Netz hier richtig?\n"
                             "q3 = Was ist die Hauptsache?\nq4 = Ist das Bild scharf?\n"
                             "q2_options = nie, selten, manchmal, oft, immer\n"
                             "q3_options = Tier, Gegenstand, Szene\nq4_options = ja, nein\n";

/* A different list: three questions, the third a count. */
static const char ini_other[] = "[procedure]\ninstructions = instructions.txt\niti_ms = 100\n"
                                "countdown_s = 0\nscreen_min_ms = 100\n[display]\n"
                                "refresh_frames = 20\n"
                                "[questions]\ncount = 3\nq3 = count interval\n"
                                "[text]\nq3 = How many colours?\n";

static void simulate(fx *f, const char *observer, int seed)
{
    char spec[160], err[2048] = "";
    snprintf(spec, sizeof spec,
             "accuracy=0.6,rt=fixed:60,confirm_ms=30,screen_ms=60,seed=%d,mouse=0.3", seed);
    const char *args[] = {"dddlab",       "run",  "--db",       f->db,
                          "--experiment", f->ini, "--observer", observer,
                          "--simulate",   spec,   NULL};
    int rc = fx_run(f, args, 120, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "run %s: %s\n", observer, err);
    assert_int_equal(rc, 0);
}

/* Run dddlab; its stdout in *out (malloc'd), its exit status returned. */
static int run_out(fx *f, const char *const *args, char **out, char *err, size_t errlen)
{
    int rc = fx_run(f, args, 120, err, errlen);
    char p[400];
    snprintf(p, sizeof p, "%s/stdout.txt", f->dir);
    *out = ts_slurp(p, NULL);
    assert_non_null(*out);
    return rc;
}

/* ---- the answers as SQLite holds them -------------------------------------------------------- */

typedef struct truth {
    char obs[NOBS][16];
    double v[NQ][NOBS][NITEMS]; /* NaN unanswered */
    size_t count[NQ][10];
    size_t rows;
} truth;

static void read_truth(const fx *f, truth *t)
{
    memset(t, 0, sizeof *t);
    for (int q = 0; q < NQ; q++)
        for (int o = 0; o < NOBS; o++)
            for (int i = 0; i < NITEMS; i++)
                t->v[q][o][i] = NAN;
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT o.code, r.item_index, a.question, a.value"
                                        " FROM answers a JOIN ratings r USING (session_id, idx)"
                                        " JOIN sessions s ON s.id = a.session_id"
                                        " JOIN observers o ON o.id = s.observer_id"
                                        " WHERE r.practice = 0 ORDER BY o.code",
                                        -1, &s, NULL),
                     SQLITE_OK);
    int nobs = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(s, 0);
        int item = sqlite3_column_int(s, 1);
        const char *question = (const char *)sqlite3_column_text(s, 2);
        int o = -1, q = -1;
        for (int k = 0; k < nobs; k++)
            if (strcmp(t->obs[k], code) == 0)
                o = k;
        if (o < 0) {
            assert_true(nobs < NOBS);
            o = nobs++;
            snprintf(t->obs[o], sizeof t->obs[o], "%s", code);
        }
        for (int k = 0; k < NQ; k++)
            if (strcmp(keys[k], question) == 0)
                q = k;
        assert_true(q >= 0);
        assert_true(item >= 0 && item < NITEMS);
        assert_int_equal(sqlite3_column_type(s, 3), SQLITE_INTEGER);
        int v = sqlite3_column_int(s, 3);
        assert_true(v >= 0 && v < nvalues[q]);
        t->v[q][o][item] = v;
        t->count[q][v]++;
        t->rows++;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_int_equal(nobs, NOBS);
}

/* Krippendorff's alpha from its definition (coincidence matrix, Krippendorff
 * 2011), written out here for the nominal and interval levels so the
 * pipeline is checked against something that shares no code with it; the
 * ordinal level (cumulative counts) comes from the statistics core, whose
 * numbers are checked against Python in tests/stats. */
static double alpha_here(const double v[NOBS][NITEMS], dl_level level)
{
    if (level == DL_LEVEL_ORDINAL) {
        dl_alpha a;
        const char *why = NULL;
        assert_int_equal(dl_stats_kripp_alpha(&v[0][0], NOBS, NITEMS, level, &a, &why), 0);
        return a.alpha;
    }
    double o[10][10] = {{0}}, nc[10] = {0}, n = 0;
    for (int it = 0; it < NITEMS; it++) {
        int m = 0;
        for (int c = 0; c < NOBS; c++)
            m += !isnan(v[c][it]);
        if (m < 2)
            continue;
        for (int a = 0; a < NOBS; a++)
            for (int b = 0; b < NOBS; b++)
                if (a != b && !isnan(v[a][it]) && !isnan(v[b][it]))
                    o[(int)v[a][it]][(int)v[b][it]] += 1.0 / (m - 1);
    }
    for (int c = 0; c < 10; c++)
        for (int k = 0; k < 10; k++) {
            nc[c] += o[c][k];
            n += o[c][k];
        }
    double dobs = 0, dexp = 0;
    for (int c = 0; c < 10; c++)
        for (int k = 0; k < 10; k++) {
            double d2 = level == DL_LEVEL_NOMINAL ? (c != k) : (double)(c - k) * (c - k);
            dobs += o[c][k] * d2;
            dexp += nc[c] * nc[k] * d2;
        }
    return 1 - (n - 1) * dobs / dexp;
}

/* ---- checks of analyse's output ---- */

static double jnum(const dl_jvalue *o, const char *key)
{
    const dl_jvalue *v = dl_jget(o, key);
    assert_non_null(v);
    return v->type == DL_JNUMBER ? v->number : NAN;
}

static void check_json(const char *json, const truth *t)
{
    dl_jvalue *root = NULL;
    dl_error e = {0};
    int rc = dl_jparse(json, strlen(json), &root, &e);
    if (rc)
        fprintf(stderr, "analyse --json: %s\n", e.msg);
    assert_int_equal(rc, 0);
    assert_int_equal((int)jnum(root, "observers"), NOBS);
    assert_int_equal((int)jnum(root, "items"), NITEMS);
    assert_null(dl_jget(root, "q5"));
    for (int q = 0; q < NQ; q++) {
        const dl_jvalue *Q = dl_jget(root, keys[q]);
        assert_non_null(Q);
        assert_string_equal(dl_jget(Q, "alpha_level")->string, dl_stats_level_name(levels[q]));
        /* alpha recomputed from the rows */
        assert_float_equal(jnum(Q, "alpha"), alpha_here(t->v[q], levels[q]), 1e-12);
        assert_int_equal((int)jnum(Q, "pairable_values"), NOBS * NITEMS);
        /* no correlations of the codes of three unordered labels */
        if (q == 2) {
            assert_int_equal(dl_jget(Q, "r_with_model_accuracy")->type, DL_JNULL);
            assert_int_equal((int)jnum(dl_jget(Q, "pairwise_r"), "n"), 0);
        } else {
            assert_int_equal(dl_jget(Q, "r_with_model_accuracy")->type, DL_JNUMBER);
        }
        /* every value given, with its count and label */
        const dl_jvalue *ans = dl_jget(Q, "answers");
        assert_non_null(ans);
        size_t seen = 0;
        for (size_t k = 0; k < ans->n; k++) {
            int v = (int)jnum(&ans->items[k], "value");
            assert_true(v >= 0 && v < nvalues[q]);
            assert_int_equal((size_t)jnum(&ans->items[k], "n"), t->count[q][v]);
            const dl_jvalue *label = dl_jget(&ans->items[k], "label");
            if (q == 0)
                assert_int_equal(label->type, DL_JNULL);
            else
                assert_string_equal(label->string, labels_en[q][v]);
            seen += t->count[q][v];
        }
        size_t total = 0;
        for (int v = 0; v < 10; v++)
            total += t->count[q][v];
        assert_int_equal(seen, total);
    }
    /* the observers' means per question */
    const dl_jvalue *per = dl_jget(root, "per_observer");
    assert_int_equal(per->n, NOBS);
    for (size_t i = 0; i < per->n; i++) {
        const char *code = dl_jget(&per->items[i], "code")->string;
        int o = -1;
        for (int k = 0; k < NOBS; k++)
            if (strcmp(t->obs[k], code) == 0)
                o = k;
        assert_true(o >= 0);
        for (int q = 0; q < NQ; q++) {
            double s = 0;
            int n = 0;
            for (int it = 0; it < NITEMS; it++)
                if (!isnan(t->v[q][o][it])) {
                    s += t->v[q][o][it];
                    n++;
                }
            char key[32];
            snprintf(key, sizeof key, "mean_%s", keys[q]);
            assert_float_equal(jnum(&per->items[i], key), s / n, 1e-12);
            snprintf(key, sizeof key, "alpha_without_%s", keys[q]);
            assert_non_null(dl_jget(&per->items[i], key));
        }
    }
    dl_jfree(root);
}

static dl_csv *read_table(const char *dir, const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    dl_csv *c = NULL;
    dl_error e = {0};
    int rc = dl_csv_read(p, &c, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.msg);
    assert_int_equal(rc, 0);
    return c;
}

static int col(const dl_csv *c, const char *name)
{
    int k = dl_csv_col(c, name);
    if (k < 0)
        fprintf(stderr, "%s: no column %s\n", c->path, name);
    assert_true(k >= 0);
    return k;
}

static void check_tables(const char *dir, const truth *t)
{
    dl_csv *qs = read_table(dir, "questions.csv");
    assert_int_equal(qs->nrows, NQ);
    for (int q = 0; q < NQ; q++) {
        assert_string_equal(qs->rows[q][col(qs, "question")], keys[q]);
        assert_string_equal(qs->rows[q][col(qs, "level")], dl_stats_level_name(levels[q]));
        double alpha = strtod(qs->rows[q][col(qs, "alpha")], NULL);
        assert_float_equal(alpha, alpha_here(t->v[q], levels[q]), 1e-9);
    }
    dl_csv_free(qs);

    dl_csv *an = read_table(dir, "answers.csv");
    size_t rows = 0;
    for (size_t i = 0; i < an->nrows; i++) {
        char **r = an->rows[i];
        int q = -1;
        for (int k = 0; k < NQ; k++)
            if (strcmp(keys[k], r[col(an, "question")]) == 0)
                q = k;
        assert_true(q >= 0);
        int v = atoi(r[col(an, "answer")]);
        assert_int_equal((size_t)atoi(r[col(an, "ratings")]), t->count[q][v]);
        assert_string_equal(r[col(an, "label")], q == 0 ? "NA" : labels_en[q][v]);
        rows++;
    }
    assert_true(rows >= 2 * NQ);
    dl_csv_free(an);

    dl_csv *ob = read_table(dir, "observers.csv");
    assert_int_equal(ob->nrows, NOBS);
    for (int q = 0; q < NQ; q++) {
        char name[64];
        snprintf(name, sizeof name, "mean_pairwise_alpha_%s", keys[q]);
        (void)col(ob, name);
    }
    assert_int_equal(dl_csv_col(ob, "mean_q5"), -1);
    dl_csv_free(ob);

    dl_csv *items = read_table(dir, "items.csv");
    assert_int_equal(items->nrows, NITEMS);
    (void)col(items, "mean_q4");
    dl_csv_free(items);

    /* the codebook names every question's text and labels */
    dl_csv *cb = read_table(dir, "codebook.csv");
    int found_q = 0, found_a = 0;
    for (size_t i = 0; i < cb->nrows; i++) {
        char **r = cb->rows[i];
        if (strcmp(r[0], "questions.csv") == 0 && strcmp(r[1], "question") == 0) {
            found_q = 1;
            assert_non_null(strstr(r[4], "q4 = Is the image sharp?"));
        }
        if (strcmp(r[0], "answers.csv") == 0 && strcmp(r[1], "answer") == 0) {
            found_a = 1;
            assert_non_null(strstr(r[4], "q2: 0 = never, 1 = rarely, 2 = sometimes, 3 = often, "
                                         "4 = always; q3: 0 = animal"));
            assert_non_null(strstr(r[4], "q4: 0 = yes, 1 = no"));
        }
    }
    assert_true(found_q && found_a);
    dl_csv_free(cb);

    /* four panels: two rows, the first as wide as the paper's figure */
    char png[600];
    snprintf(png, sizeof png, "%s/answers.png", dir);
    fx_image img;
    assert_int_equal(fx_image_load(png, &img), 0);
    assert_int_equal(img.w, 2200);
    assert_int_equal(img.h, 950 + 780);
    fx_image_free(&img);
}

static void test_four_questions(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "q4set", NITEMS, 0, 96, 96, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "rating", "q4set", ini_en), 0);
    const char *codes[NOBS] = {"S1", "S2", "S3"};
    for (int i = 0; i < NOBS; i++)
        simulate(&f, codes[i], 11 + i);

    truth t;
    read_truth(&f, &t);
    assert_int_equal(t.rows, (size_t)NQ * NITEMS * NOBS);

    char out_dir[400], err[4096] = "";
    snprintf(out_dir, sizeof out_dir, "%s/report", f.dir);
    const char *a[] = {"dddlab", "analyse", "--db",  f.db, "--include-simulated",
                       "--json", "--out",   out_dir, NULL};
    char *json = NULL;
    int rc = run_out(&f, a, &json, err, sizeof err);
    if (rc)
        fprintf(stderr, "analyse: %s\n", err);
    assert_int_equal(rc, 0);
    check_json(json, &t);
    free(json);
    check_tables(out_dir, &t);

    /* the readable summary lists the four questions with their texts */
    const char *b[] = {"dddlab", "analyse", "--db", f.db, "--include-simulated", NULL};
    char *text = NULL;
    assert_int_equal(run_out(&f, b, &text, err, sizeof err), 0);
    assert_non_null(strstr(text, "q4       Is the image sharp?"));
    assert_non_null(strstr(text, "ordered: 0 never, 1 rarely, 2 sometimes, 3 often, 4 always"));
    assert_non_null(strstr(text, "\nq4       nominal "));
    free(text);

    /* a German session of the same questions: analysed with them, the
     * first session's wording, and a note */
    assert_int_equal(fx_ini(&f, "rating", "q4set", ini_de), 0);
    simulate(&f, "S4", 21);
    const char *c[] = {"dddlab", "analyse", "--db", f.db, "--include-simulated", "--json", NULL};
    assert_int_equal(run_out(&f, c, &json, err, sizeof err), 0);
    assert_non_null(strstr(json, "\"observers\":4"));
    assert_non_null(strstr(json, "worded the questions differently"));
    free(json);

    /* a different question list on the same set: an error naming both */
    assert_int_equal(fx_ini(&f, "rating", "q4set", ini_other), 0);
    simulate(&f, "S5", 31);
    assert_int_equal(run_out(&f, c, &json, err, sizeof err), 1);
    free(json);
    assert_non_null(strstr(err, "asked different questions"));
    assert_non_null(strstr(err, "(observer S1)"));
    assert_non_null(strstr(err, "(observer S5)"));
    assert_non_null(strstr(err, "q3 count interval"));

    /* damaged definitions: an error naming the session and the place */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE sessions SET questions_json = '[{\"key\":\"q1\",}]'"
                                  " WHERE observer_id = (SELECT id FROM observers"
                                  " WHERE code = 'S1')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(run_out(&f, c, &json, err, sizeof err), 1);
    free(json);
    assert_non_null(strstr(err, "(observer S1): its question definitions "
                                "(sessions.questions_json) are damaged: line 1, column 14: "
                                "expected a value after ',' (no trailing commas), found '}'"));
    fx_teardown(&f);
}

/* A session of German questions alone: reported in German. */
static void test_german_labels(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "q4de", 6, 0, 96, 96, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "rating", "q4de", ini_de), 0);
    simulate(&f, "D1", 5);
    simulate(&f, "D2", 6);
    char err[2048] = "", *text = NULL;
    const char *b[] = {"dddlab", "analyse", "--db", f.db, "--include-simulated", NULL};
    assert_int_equal(run_out(&f, b, &text, err, sizeof err), 0);
    assert_non_null(strstr(text, "Ist das Bild scharf?"));
    assert_non_null(strstr(text, "unordered: 0 ja, 1 nein"));
    /* the answer table labels its values in German */
    assert_true(strstr(text, " ja ") || strstr(text, " nein "));
    assert_true(strstr(text, "Tier") || strstr(text, "Gegenstand") || strstr(text, "Szene"));
    free(text);
    fx_teardown(&f);
}

int main(void)
{
    if (!getenv("DL_BINARY")) {
        fprintf(stderr, "test_exp_questions: needs DL_BINARY; run it through ctest\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_questions),
        cmocka_unit_test(test_german_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
