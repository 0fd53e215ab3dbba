/* test_store_cli.c — the commands `sessions list`, `export`, `merge` and
 * `db check` run as a user would run them: the real dddlab binary (DL_BINARY)
 * on databases made through the API. Checks exit codes, --json keys and the
 * messages on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "store_fixture.h"

typedef struct fx {
    char dir[256];
    char db[300];
    char out[300], errf[300];
    char *stdout_text, *stderr_text;
    char uuid[37];
    dl_error err;
} fx;

/* Run `dddlab ARGS` (args already shell-quoted), capture both streams;
 * returns the exit status. */
static int dddlab(fx *f, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >'%s' 2>'%s'", f->dir, getenv("DL_BINARY"), args,
             f->out, f->errf);
    int status = system(cmd);
    free(f->stdout_text);
    free(f->stderr_text);
    size_t len;
    assert_int_equal(dl_read_file(f->out, &f->stdout_text, &len, &f->err), 0);
    assert_int_equal(dl_read_file(f->errf, &f->stderr_text, &len, &f->err), 0);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("expected '%s' in:\n%s", want, text);
}

/* A database with one observer, a 2AFC set and a completed session of 3
 * trials, plus a running one with 1. */
static void make_db(fx *f, const char *name, const char *code)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    dl_store *st;
    assert_int_equal(dl_store_open(path, 0, &st, &f->err), 0);
    dl_observer o = {.code = (char *)code, .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(st, &o, &f->err), 0);
    dl_stim_set *set = fx_set_2afc("pairs", 3, 0, "");
    assert_int_equal(dl_store_add_set(st, set, &f->err), 0);
    for (int k = 0; k < 2; k++) {
        dl_session x;
        fx_session(&x, o.id, set->id, 3);
        assert_int_equal(dl_store_start_session(st, &x, &f->err), 0);
        for (int i = 0; i < (k ? 1 : 3); i++) {
            dl_trial t = fx_trial(x.id, i);
            assert_int_equal(dl_store_log_trial(st, &t, &f->err), 0);
        }
        if (k == 0) {
            assert_int_equal(dl_store_finish_session(st, x.id, "completed", &f->err), 0);
            memcpy(f->uuid, x.uuid, sizeof f->uuid);
        }
        dl_store_session_clear(&x);
    }
    dl_stim_set_free(set);
    dl_store_close(st);
}

static int setup(void **state)
{
    const char *bin = getenv("DL_BINARY");
    if (!bin || access(bin, X_OK) != 0) {
        fprintf(stderr, "SKIP: DL_BINARY (%s) is not an executable dddlab\n", bin ? bin : "unset");
        return -1;
    }
    fx *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_store_test");
    snprintf(f->db, sizeof f->db, "%s/lab.sqlite", f->dir);
    snprintf(f->out, sizeof f->out, "%s/stdout.txt", f->dir);
    snprintf(f->errf, sizeof f->errf, "%s/stderr.txt", f->dir);
    make_db(f, "lab.sqlite", "Zoë, \"P1\"");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    free(f->stdout_text);
    free(f->stderr_text);
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

static void test_sessions_list(void **state)
{
    fx *f = *state;
    assert_int_equal(dddlab(f, "sessions list --db lab.sqlite"), 0);
    has(f->stdout_text, "done/total");
    has(f->stdout_text, "3/3");
    has(f->stdout_text, "1/3");
    has(f->stdout_text, "completed");
    has(f->stdout_text, "running");
    assert_int_equal(dddlab(f, "sessions list --db lab.sqlite --json"), 0);
    has(f->stdout_text, "{\"db\":\"lab.sqlite\",\"sessions\":[{\"uuid\":");
    has(f->stdout_text, "\"observer\":\"Zoë, \\\"P1\\\"\"");
    has(f->stdout_text, "\"done\":3,\"total\":3");
    has(f->stdout_text, "\"ended_utc\":null");
    has(f->stdout_text, f->uuid);
    /* The default database is dddlab.sqlite in the working folder. */
    assert_int_equal(dddlab(f, "sessions list"), 1);
    has(f->stderr_text, "dddlab: dddlab.sqlite: open database: no such file");
    assert_int_equal(dddlab(f, "sessions list --db lab.sqlite extra"), 2);
    has(f->stderr_text, "unexpected argument 'extra'");
    assert_int_equal(dddlab(f, "sessions lst"), 2);
    assert_int_equal(dddlab(f, "sessions --bogus"), 2);
    has(f->stderr_text, "unknown option '--bogus'");
    assert_int_equal(dddlab(f, "sessions --help"), 0);
    has(f->stdout_text, "usage: dddlab sessions list");
}

static void test_export(void **state)
{
    fx *f = *state;
    assert_int_equal(dddlab(f, "export --db lab.sqlite --table trials --out t.csv --json"), 0);
    has(f->stdout_text,
        "{\"db\":\"lab.sqlite\",\"table\":\"trials\",\"out\":\"t.csv\",\"rows\":4}");
    char path[400];
    snprintf(path, sizeof path, "%s/t.csv", f->dir);
    dl_csv *csv;
    assert_int_equal(dl_csv_read(path, &csv, &f->err), 0);
    assert_int_equal(csv->nrows, 4);
    assert_string_equal(csv->rows[0][dl_csv_col(csv, "observer")], "Zoë, \"P1\"");
    dl_csv_free(csv);
    /* No --out: the CSV goes to standard output. */
    assert_int_equal(dddlab(f, "export --db lab.sqlite --table observers"), 0);
    has(f->stdout_text, "observer,age,gender");
    has(f->stdout_text, "\"Zoë, \"\"P1\"\"\",NA,NA");
    assert_int_equal(dddlab(f, "export --db lab.sqlite --table stimuli --out s.csv"), 0);
    has(f->stderr_text, "wrote 6 stimuli rows to s.csv");
    assert_int_equal(dddlab(f, "export --db lab.sqlite"), 2);
    has(f->stderr_text, "--table TABLE is required");
    assert_int_equal(dddlab(f, "export --db lab.sqlite --table people"), 2);
    has(f->stderr_text, "not 'people'");
    assert_int_equal(dddlab(f, "export --db lab.sqlite --table trials --json"), 2);
    assert_int_equal(dddlab(f, "export --db none.sqlite --table trials --out x.csv"), 1);
    has(f->stderr_text, "none.sqlite");
    snprintf(path, sizeof path, "%s/x.csv", f->dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(dddlab(f, "export --db lab.sqlite --table trials --out no/dir/x.csv"), 1);
    has(f->stderr_text, "no/dir/x.csv");
}

static void test_merge(void **state)
{
    fx *f = *state;
    char first[37];
    memcpy(first, f->uuid, sizeof first);
    make_db(f, "b.sqlite", "P2");
    assert_int_equal(dddlab(f, "merge --out all.sqlite lab.sqlite b.sqlite lab.sqlite --json"), 0);
    has(f->stdout_text, "{\"out\":\"all.sqlite\",\"inputs\":[\"lab.sqlite\",\"b.sqlite\","
                        "\"lab.sqlite\"],\"sets\":1,\"observers\":2,\"sessions\":4,"
                        "\"trials\":8,\"ratings\":0,\"events\":0}");
    assert_int_equal(dddlab(f, "merge --out all.sqlite b.sqlite"), 0);
    has(f->stdout_text, "merged 1 file into all.sqlite: 1 sets, 2 observers, 4 sessions, 8 trials");
    /* A set named like ours with other content: exit 1, output unchanged. */
    char path[400];
    snprintf(path, sizeof path, "%s/c.sqlite", f->dir);
    dl_store *st;
    assert_int_equal(dl_store_open(path, 0, &st, &f->err), 0);
    dl_stim_set *set = fx_set_2afc("pairs", 3, 1, "");
    assert_int_equal(dl_store_add_set(st, set, &f->err), 0);
    dl_stim_set_free(set);
    dl_store_close(st);
    assert_int_equal(dddlab(f, "merge --out all.sqlite c.sqlite"), 1);
    has(f->stderr_text, "stimulus set 'pairs' has different content");
    assert_int_equal(dddlab(f, "db check --db all.sqlite --json"), 0);
    has(f->stdout_text, "\"sessions\":4,\"trials\":8");
    assert_int_equal(dddlab(f, "merge lab.sqlite"), 2);
    has(f->stderr_text, "--out PATH is required");
    assert_int_equal(dddlab(f, "merge --out x.sqlite"), 2);
    has(f->stderr_text, "expected at least one database");
}

static void test_db_check(void **state)
{
    fx *f = *state;
    assert_int_equal(dddlab(f, "db check --db lab.sqlite"), 0);
    has(f->stdout_text, "integrity        ok");
    has(f->stdout_text, "schema version   2 (this dddlab writes 2)");
    assert_int_equal(dddlab(f, "db check --db lab.sqlite --json"), 0);
    has(f->stdout_text, "{\"db\":\"lab.sqlite\",\"ok\":true,\"integrity\":\"ok\","
                        "\"foreign_keys_ok\":true,\"schema_version\":2,"
                        "\"program_schema_version\":2,\"journal_mode\":\"wal\",\"counts\":{"
                        "\"sets\":1,\"images\":6,\"observers\":1,\"sessions\":2,\"trials\":4,");
    has(f->stdout_text, "\"running\":1,\"completed\":1,\"aborted\":0,\"crashed\":0},\"orphan_"
                        "rows\":0,\"orphans\":\"\"}");
    /* A newer schema: reported, exit 1 with the versions named. */
    char path[400];
    snprintf(path, sizeof path, "%s/new.sqlite", f->dir);
    make_db(f, "new.sqlite", "N");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(dddlab(f, "db check --db new.sqlite --json"), 1);
    has(f->stdout_text, "\"ok\":false");
    has(f->stdout_text, "\"schema_version\":7");
    has(f->stderr_text, "new.sqlite: schema version 7 is newer than this dddlab knows "
                        "(version 2)");
    assert_int_equal(dddlab(f, "sessions list --db new.sqlite"), 1);
    has(f->stderr_text, "schema version 7 is newer");
    /* Random bytes. */
    snprintf(path, sizeof path, "%s/junk.sqlite", f->dir);
    FILE *fp = fopen(path, "wb");
    for (int i = 0; i < 4096; i++)
        fputc((i * 7919) & 0xff, fp);
    fclose(fp);
    assert_int_equal(dddlab(f, "db check --db junk.sqlite"), 1);
    has(f->stderr_text, "dddlab: junk.sqlite: check database: the file is corrupt");
    assert_int_equal(dddlab(f, "db check --db none.sqlite"), 1);
    assert_int_equal(dddlab(f, "db"), 2);
    assert_int_equal(dddlab(f, "db vacuum"), 2);
    has(f->stderr_text, "unknown subcommand 'vacuum'");
    assert_int_equal(dddlab(f, "db check --help"), 0);
    has(f->stdout_text, "usage: dddlab db check");
}

/* Files that are not dddlab databases: another program's SQLite file, an
 * empty file and a folder each get a message that says so (not "upgrade
 * it"), exit 1, and `db check` does not call them ok. */
static void test_not_a_dddlab_db(void **state)
{
    fx *f = *state;
    char path[400];
    snprintf(path, sizeof path, "%s/other.sqlite", f->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE foo(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(dddlab(f, "sessions list --db other.sqlite"), 1);
    assert_string_equal(f->stderr_text,
                        "dddlab: other.sqlite: open database: the file holds tables but no dddlab "
                        "schema version; it is not a dddlab database\n");
    assert_int_equal(dddlab(f, "db check --db other.sqlite --json"), 1);
    has(f->stdout_text, "\"ok\":false");
    assert_string_equal(f->stderr_text,
                        "dddlab: other.sqlite: not a dddlab database (schema version 0: an empty "
                        "file or another program's database)\n");
    snprintf(path, sizeof path, "%s/empty.sqlite", f->dir);
    FILE *fp = fopen(path, "wb");
    fclose(fp);
    assert_int_equal(dddlab(f, "export --db empty.sqlite --table trials"), 1);
    assert_string_equal(f->stderr_text, "dddlab: empty.sqlite: open database: the database is "
                                        "empty (no dddlab data yet)\n");
    assert_int_equal(dddlab(f, "db check --db empty.sqlite"), 1);
    snprintf(path, sizeof path, "%s/folder.sqlite", f->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(dddlab(f, "sessions list --db folder.sqlite"), 1);
    assert_string_equal(f->stderr_text,
                        "dddlab: folder.sqlite: open database: is a folder, not a database file\n");
    assert_int_equal(dddlab(f, "db check --db folder.sqlite"), 1);
    assert_string_equal(
        f->stderr_text,
        "dddlab: folder.sqlite: check database: is a folder, not a database file\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sessions_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_db_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_dddlab_db, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
