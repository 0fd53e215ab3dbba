/* test_exp_v1.c — a database written by the release before schema version 2
 * (tests/store/v1, see its README) reads, analyses, resumes and merges as
 * before after the migration:
 *   - read-only (export, analyse): migrated in memory, the file untouched,
 *     the exports byte-identical to what version 1 wrote, the analyses equal;
 *   - opened for writing: migrated on disk (one run per session, one answer
 *     row per answer), the same exports and analyses;
 *   - the kill -9'd and the quit session resume to the end, once each trial;
 *   - simulated sessions (those runs) are flagged and left out of analyse
 *     unless --include-simulated.
 * Headless: the runner uses SDL's offscreen driver (no DISPLAY). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"
#include "test_support.h"

static char src_dir[1024];

static void src_path(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/tests/store/v1/%s", src_dir, name);
}

/* A copy of the v1 file in a fresh folder, named work.sqlite as when the
 * reference analyses were made (the name appears in them). */
static void setup(fx *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/dl-v1-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    int n = snprintf(f->db, sizeof f->db, "%s/work.sqlite", f->dir);
    assert_true(n > 0 && (size_t)n < sizeof f->db);
    char from[1200], cmd[2600];
    src_path(from, sizeof from, "v1.sqlite");
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, f->db);
    assert_int_equal(system(cmd), 0);
}

static int user_version(const fx *f)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static long long q_int(const fx *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    long long v = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* Run dddlab; its stdout (with the db path written as work.sqlite). */
static int run_out(const fx *f, const char *const *args, char **out)
{
    int rc = fx_run(f, args, 90, NULL, 0);
    char p[400];
    snprintf(p, sizeof p, "%s/stdout.txt", f->dir);
    char *text = ts_slurp(p, NULL);
    assert_non_null(text);
    size_t dl = strlen(f->db);
    for (char *hit; (hit = strstr(text, f->db)) != NULL;) {
        memcpy(hit, "work.sqlite", 11);
        memmove(hit + 11, hit + dl, strlen(hit + dl) + 1);
    }
    *out = text;
    return rc;
}

static void expect_export(const fx *f, const char *table, const char *ref)
{
    const char *a[] = {"dddlab", "export", "--db", f->db, "--table", table, NULL};
    char *out = NULL, p[1200];
    assert_int_equal(run_out(f, a, &out), 0);
    src_path(p, sizeof p, ref);
    char *want = ts_slurp(p, NULL);
    assert_non_null(want);
    assert_string_equal(out, want);
    free(out);
    free(want);
}

static void blank_after(char *json, const char *key)
{
    for (char *p = json; (p = strstr(p, key)) != NULL;) {
        p += strlen(key);
        for (int i = 0; i < 64 && p[i] && p[i] != '"'; i++)
            p[i] = '0';
    }
}

/* The input's SHA-256 is of the file's bytes, which the migration changes
 * on purpose, and the git revision is the build's: blank both. */
static void blank_file_hash(char *json)
{
    blank_after(json, "\"path\":\"work.sqlite\",\"sha256\":\"");
    blank_after(json, "\"git_revision\":\"");
}

static void expect_analyse(const fx *f, const char *set, int incomplete, const char *ref)
{
    const char *a[] = {"dddlab", "analyse", "--db", f->db, "--set", set, "--json",
                       incomplete ? "--include-incomplete" : NULL, NULL};
    char *out = NULL, p[1200];
    assert_int_equal(run_out(f, a, &out), 0);
    src_path(p, sizeof p, ref);
    char *want = ts_slurp(p, NULL);
    assert_non_null(want);
    blank_file_hash(out);
    blank_file_hash(want);
    if (strcmp(out, want) != 0)
        fprintf(stderr,
                "test_exp_v1: analyse of %s differs from %s; if analyse's output changed on "
                "purpose, regenerate the reference as tests/store/v1/README.md says\n",
                set, ref);
    assert_string_equal(out, want);
    free(out);
    free(want);
}

static void expect_all_as_v1(const fx *f)
{
    expect_export(f, "trials", "trials.csv");
    expect_export(f, "ratings", "ratings.csv");
    expect_analyse(f, "set1", 0, "an_set1.json");
    expect_analyse(f, "set1", 1, "an_set1_inc.json");
    expect_analyse(f, "rate1", 0, "an_rate1.json");
    expect_analyse(f, "rate1", 1, "an_rate1_inc.json");
}

static void test_read_only_reads_as_before(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    expect_all_as_v1(&f);
    assert_int_equal(user_version(&f), 1); /* read-only: the file was not changed */
    fx_teardown(&f);
}

/* Run one statement on a writable connection with foreign keys on, as the
 * store opens it; the SQLite result code. */
static int exec_fk(const fx *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

#define SETS_DIGEST                                                                                \
    "SELECT sum(id * 7919 + length(name) * 31 + length(task) + seed % 1000003"                     \
    " + length(content_sha256)) FROM stimulus_sets"

static void test_migrated_reads_as_before(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    long long nsets = q_int(&f, "SELECT count(*) FROM stimulus_sets");
    long long digest = q_int(&f, SETS_DIGEST);
    assert_true(nsets > 0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sqlite_schema WHERE name = 'stimulus_sets'"
                               " AND sql LIKE '%CHECK (task IN%'"),
                     1);
    dl_store *st = NULL;
    dl_error e = {0};
    assert_int_equal(dl_store_open(f.db, 0, &st, &e), 0);
    dl_store_close(st);
    assert_int_equal(user_version(&f), DL_STORE_SCHEMA_VERSION);
    /* stimulus_sets rebuilt without the CHECK on the task: the same rows
     * (ids too, which images, set_items and sessions refer to), every
     * reference resolving, foreign keys still enforced, any task name
     * storable. */
    assert_int_equal(q_int(&f, "SELECT count(*) FROM stimulus_sets"), nsets);
    assert_int_equal(q_int(&f, SETS_DIGEST), digest);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sqlite_schema WHERE name = 'stimulus_sets'"
                               " AND sql LIKE '%CHECK%'"),
                     0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v2'"), 0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sessions s JOIN stimulus_sets t"
                               " ON t.id = s.set_id"),
                     q_int(&f, "SELECT count(*) FROM sessions"));
    assert_int_equal(exec_fk(&f, "INSERT INTO images(set_id, path, sha256, width_px, height_px)"
                                 " VALUES (987654, 'x.png', 'x', 1, 1)"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(exec_fk(&f, "INSERT INTO stimulus_sets(name, task, created_utc, seed,"
                                 " content_sha256) VALUES ('third', 'triad', 'now', 1, 'x')"),
                     SQLITE_OK);
    assert_int_equal(exec_fk(&f, "DELETE FROM stimulus_sets WHERE name = 'third'"), SQLITE_OK);
    /* every session one run, every answer a row */
    assert_int_equal(q_int(&f, "SELECT count(*) FROM runs"), 6);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM runs WHERE end_status IS NULL"), 1);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers WHERE question = 'choice'"),
                     q_int(&f, "SELECT count(*) FROM trials"));
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers WHERE question <> 'choice'"),
                     3 * q_int(&f, "SELECT count(*) FROM ratings"));
    assert_int_equal(q_int(&f, "SELECT count(*) FROM trials WHERE run_id IS NULL"), 0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers a JOIN trials t USING (session_id,"
                               " idx) WHERE a.question = 'choice' AND (a.value IS NOT t.choice"
                               " AND NOT (t.choice = -1 AND a.value IS NULL))"),
                     0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers a JOIN ratings r USING (session_id,"
                               " idx) WHERE a.question = 'q2' AND a.value IS NOT r.q2"),
                     0);
    assert_int_equal(q_int(&f, "SELECT sum(simulated) FROM sessions"), 0);
    expect_all_as_v1(&f);
    fx_teardown(&f);
}

/* The runs of a session: trials 0..7 once each, onsets increasing. */
static void expect_complete(const fx *f, int64_t session_id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 8 AND min(idx) = 0 AND max(idx) = 7 AND count(DISTINCT idx) = 8"
             " FROM trials WHERE session_id = %lld",
             (long long)session_id);
    assert_int_equal(q_int(f, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM trials a JOIN trials b ON a.session_id = b.session_id AND"
             " b.idx = a.idx + 1 WHERE a.session_id = %lld AND b.onset_s <= a.onset_s",
             (long long)session_id);
    assert_int_equal(q_int(f, sql), 0);
    snprintf(sql, sizeof sql, "SELECT status FROM sessions WHERE id = %lld",
             (long long)session_id);
    snprintf(sql, sizeof sql, "SELECT status = 'completed' FROM sessions WHERE id = %lld",
             (long long)session_id);
    assert_int_equal(q_int(f, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE session_id = %lld",
             (long long)session_id);
    assert_int_equal(q_int(f, sql), 2);
}

static void test_resume_v1_sessions(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char ini[1200], err[2048];
    src_path(ini, sizeof ini, "a.ini");
    /* the file the sessions ran with named /tmp image folders: a changed file */
    const char *a1[] = {"dddlab",     "run",     "--db",       f.db,
                        "--experiment", ini,     "--observer", "p04",
                        "--resume",   "--simulate", "rt=fixed:100,screen_ms=40,seed=9", NULL};
    assert_int_equal(fx_run(&f, a1, 90, err, sizeof err), 1);
    assert_non_null(strstr(err, "the experiment file changed since session "));
    const char *a2[] = {"dddlab",     "run",        "--db",       f.db,
                        "--experiment", ini,        "--observer", "p04",
                        "--resume",   "--allow-changed-experiment", "--simulate",
                        "rt=fixed:100,screen_ms=40,seed=9", NULL};
    assert_int_equal(fx_run(&f, a2, 90, err, sizeof err), 0);
    expect_complete(&f, 6); /* P04: kill -9 after 3 trials, left `running` */
    const char *a3[] = {"dddlab",     "run",        "--db",       f.db,
                        "--experiment", ini,        "--observer", "P03",
                        "--resume",   "--allow-changed-experiment", "--simulate",
                        "rt=fixed:100,screen_ms=40,seed=8", NULL};
    assert_int_equal(fx_run(&f, a3, 90, err, sizeof err), 0);
    expect_complete(&f, 3); /* P03: quit after 3 main trials, `aborted` */

    /* the resumed sessions had a simulated observer: flagged and left out */
    const char *l[] = {"dddlab", "sessions", "list", "--db", f.db, "--json", NULL};
    char *out = NULL;
    assert_int_equal(run_out(&f, l, &out), 0);
    const char *p03 = strstr(out, "\"uuid\":\"b32a09c6-3582-4a32-8836-ec3da53e0b58\"");
    const char *p01 = strstr(out, "\"uuid\":\"bb460b05-4977-4c89-917f-6b3c6b5c18ec\"");
    assert_non_null(p03);
    assert_non_null(p01);
    assert_non_null(strstr(p03, "\"simulated\":true,\"runs\":2"));
    assert_non_null(strstr(p01, "\"simulated\":false,\"runs\":1"));
    free(out);
    const char *an[] = {"dddlab", "analyse", "--db", f.db, "--set", "set1", "--json", NULL};
    assert_int_equal(run_out(&f, an, &out), 0);
    assert_non_null(strstr(out, "\"observers\":2,"));
    assert_non_null(strstr(out, "2 simulated sessions left out (--include-simulated adds them)"));
    free(out);
    const char *an2[] = {"dddlab", "analyse", "--db",   f.db, "--set", "set1",
                         "--json", "--include-simulated", NULL};
    assert_int_equal(run_out(&f, an2, &out), 0);
    assert_non_null(strstr(out, "\"observers\":4,"));
    assert_null(strstr(out, "simulated session"));
    free(out);
    fx_teardown(&f);
}

/* merge copies runs and answers (ids mapped), from a v1 input too (read
 * through its in-memory migration). */
static void test_merge(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char ini[1200], err[2048], out_db[sizeof f.db], v1[1200];
    src_path(ini, sizeof ini, "a.ini");
    src_path(v1, sizeof v1, "v1.sqlite");
    const char *a[] = {"dddlab",     "run",        "--db",       f.db,
                       "--experiment", ini,        "--observer", "P04",
                       "--resume",   "--allow-changed-experiment", "--simulate",
                       "rt=fixed:100,screen_ms=40,seed=9", NULL};
    assert_int_equal(fx_run(&f, a, 90, err, sizeof err), 0);
    int n = snprintf(out_db, sizeof out_db, "%s/all.sqlite", f.dir);
    assert_true(n > 0 && (size_t)n < sizeof out_db);
    const char *m[] = {"dddlab", "merge", "--out", out_db, f.db, NULL};
    assert_int_equal(fx_run(&f, m, 60, err, sizeof err), 0);
    fx g = f;
    memcpy(g.db, out_db, sizeof g.db);
    assert_int_equal(q_int(&g, "SELECT count(*) FROM sessions"), 6);
    assert_int_equal(q_int(&g, "SELECT count(*) FROM runs"), q_int(&f, "SELECT count(*) FROM runs"));
    assert_int_equal(q_int(&g, "SELECT count(*) FROM answers"),
                     q_int(&f, "SELECT count(*) FROM answers"));
    assert_int_equal(q_int(&g, "SELECT count(*) FROM trials t JOIN runs r ON r.id = t.run_id"
                               " WHERE r.session_id <> t.session_id"),
                     0);
    assert_int_equal(q_int(&g, "SELECT count(*) FROM trials WHERE run_id IS NULL"), 0);
    assert_int_equal(q_int(&g, "SELECT simulated FROM sessions WHERE uuid ="
                               " (SELECT s.uuid FROM sessions s JOIN observers o ON"
                               " o.id = s.observer_id WHERE o.code = 'P04')"),
                     1);
    assert_int_equal(q_int(&g, "SELECT experiment_changed FROM runs WHERE seq = 2"), 1);
    /* a v1 input merges into a new file; the same session cut short in
     * another copy is refused as before */
    const char *m1[] = {"dddlab", "merge", "--out", out_db, v1, NULL};
    assert_int_equal(fx_run(&f, m1, 60, err, sizeof err), 1);
    assert_non_null(strstr(err, "but its trials differ"));
    n = snprintf(out_db, sizeof out_db, "%s/v1only.sqlite", f.dir);
    assert_true(n > 0 && (size_t)n < sizeof out_db);
    assert_int_equal(fx_run(&f, m1, 60, err, sizeof err), 0);
    memcpy(g.db, out_db, sizeof g.db);
    assert_int_equal(q_int(&g, "SELECT count(*) FROM runs"), 6);
    assert_int_equal(q_int(&g, "SELECT count(*) FROM answers"), 24 + 3 * 10);
    fx_teardown(&f);
}

/* Only simulated sessions: analyse says so and how to include them. */
static void test_only_simulated(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    assert_int_equal(q_int(&f, "SELECT 1"), 1);
    dl_store *st = NULL;
    dl_error e = {0};
    assert_int_equal(dl_store_open(f.db, 0, &st, &e), 0);
    dl_store_close(st);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE sessions SET simulated = 1", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    const char *an[] = {"dddlab", "analyse", "--db", f.db, "--set", "rate1", NULL};
    char err[2048];
    assert_int_equal(fx_run(&f, an, 60, err, sizeof err), 1);
    char want[1024];
    snprintf(want, sizeof want,
             "dddlab: %s: no sessions of real observers on set 'rate1' (2 simulated sessions "
             "left out; add --include-simulated to analyse them)\n",
             f.db);
    assert_string_equal(err, want);
    fx_teardown(&f);
}

int main(void)
{
    const char *s = getenv("DL_SOURCE_DIR");
    if (!s || !getenv("DL_BINARY")) {
        fprintf(stderr, "test_exp_v1: needs DL_SOURCE_DIR and DL_BINARY; run it through ctest\n");
        return 1;
    }
    snprintf(src_dir, sizeof src_dir, "%s", s);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_only_reads_as_before),
        cmocka_unit_test(test_migrated_reads_as_before),
        cmocka_unit_test(test_resume_v1_sessions),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_only_simulated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
