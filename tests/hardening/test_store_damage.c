/* test_store_damage.c — databases that are not what they should be (issue
 * 15, items 2, 3, 4 and 9), through the real dddlab binary:
 *   - one damaged page (found through dbstat): every command exits 1 with
 *     "damaged", points at `db check`, and writes nothing;
 *   - orphan rows (a session row deleted behind dddlab's back): db check
 *     lists them, export / merge / analyse warn with the count;
 *   - `run` on an empty file leaves it an empty file;
 *   - read-only commands in a folder the user cannot write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "../store/store_fixture.h"
#include "hardening.h"
#include "hd_db.h"

typedef struct fx {
    char dir[256];
    char clean[320]; /* a good database: a built set with real images, sessions, trials */
} fx;

static void sql(const char *db, const char *text)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(h, text, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", text, msg);
    sqlite3_close(h);
}

static int setup(void **state)
{
    if (!getenv("DL_BINARY"))
        return -1;
    fx *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_store_test");
    snprintf(f->clean, sizeof f->clean, "%s/clean.sqlite", f->dir);
    hd_make_db(f->dir, "clean.sqlite");
    FILE *ini = fopen(hd_in(f->dir, "e.ini"), "w");
    fputs("[experiment]\ntask = 2afc\nset = pairs\nimage_root = dd/images\n", ini);
    fclose(ini);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    hd_sh("chmod -R u+w '%s'", f->dir);
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

/* The first leaf page of table's b-tree, through SQLite's dbstat. */
static long leaf_page(const char *db, const char *table, long *page_size)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    long page = -1;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT pageno, (SELECT page_size FROM pragma_page_size) "
                                        "FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' "
                                        "ORDER BY pageno LIMIT 1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        page = sqlite3_column_int(s, 0);
        *page_size = sqlite3_column_int(s, 1);
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    assert_true(page > 1);
    return page;
}

/* Copy the clean database to name and damage one leaf page of table: with
 * `quiet`, lower the page's cell count by 5 (SQLite then silently returns
 * fewer rows, as in the issue: 88 of 99); else overwrite the page's cells
 * with garbage (SQLite reports SQLITE_CORRUPT). */
static char *damaged_copy(fx *f, const char *name, const char *table, int quiet)
{
    char *db = hd_in(f->dir, name);
    hd_sh("cp '%s' '%s'", f->clean, db);
    long psize = 0, page = leaf_page(db, table, &psize);
    FILE *fp = fopen(db, "r+b");
    assert_non_null(fp);
    long off = (page - 1) * psize;
    if (quiet) {
        unsigned char n[2];
        fseek(fp, off + 3, SEEK_SET);
        assert_int_equal(fread(n, 1, 2, fp), 2);
        int cells = n[0] << 8 | n[1];
        assert_true(cells > 5);
        cells -= 5;
        n[0] = (unsigned char)(cells >> 8);
        n[1] = (unsigned char)cells;
        fseek(fp, off + 3, SEEK_SET);
        fwrite(n, 1, 2, fp);
    } else {
        fseek(fp, off + 8, SEEK_SET);
        for (long i = 8; i < psize; i++)
            fputc((int)((i * 7919) % 251), fp);
    }
    fclose(fp);
    return db;
}

static char *file_sha(const char *path)
{
    static char hex[65];
    dl_error err = {0};
    assert_int_equal(dl_sha256_file(path, hex, &err), 0);
    return hex;
}

static void expect_damaged(fx *f, const char *args, const char *db)
{
    hd_run r = {0};
    char before[65];
    snprintf(before, sizeof before, "%s", file_sha(db));
    int status = hd_dddlab(&r, f->dir, args);
    if (status != 1)
        fail_msg("dddlab %s: exit %d, want 1; stderr:\n%s", args, status, r.err);
    hd_has(r.err, "damaged");
    if (strncmp(args, "db check", 8) != 0) /* the others point at it */
        hd_has(r.err, "dddlab db check --db");
    hd_has(r.err, "backup");
    assert_string_equal(file_sha(db), before); /* nothing was written into it */
    hd_run_free(&r);
}

static void check_every_command(fx *f, const char *name)
{
    char a[1024];
    /* each command is BEFORE name AFTER */
    static const char *const cmds[][2] = {
        {"sessions list --db", ""},
        {"export --table stimuli --db", "--out s.csv"},
        {"export --table trials --db", "--out t.csv"},
        {"analyse --db", "--set pairs"},
        {"db check --db", ""},
        {"stimuli check --db", "--set pairs"},
        {"merge --out merged.sqlite", ""},
        {"run --db", "--experiment e.ini --observer P9 --simulate accuracy=0.8,seed=1"},
        {"stimuli build dd/results.csv --task 2afc --name more --pairs 5 --near 4 "
         "--demo-images --image-root dd/images --seed 4 --db",
         ""},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        snprintf(a, sizeof a, "%s %s %s", cmds[i][0], name, cmds[i][1]);
        expect_damaged(f, a, hd_in(f->dir, name));
    }
    assert_int_equal(access(hd_in(f->dir, "s.csv"), F_OK), -1);
    assert_int_equal(access(hd_in(f->dir, "t.csv"), F_OK), -1);
    assert_int_equal(access(hd_in(f->dir, "merged.sqlite"), F_OK), -1);
}

/* Item 2: a page whose cell count was lowered: no SQLite error at all, only
 * the quick check finds it. */
static void test_quietly_damaged(void **state)
{
    fx *f = *state;
    hd_run r = {0};
    /* the clean file passes every command first */
    assert_int_equal(hd_dddlab(&r, f->dir, "export --table stimuli --db clean.sqlite --out s0.csv"),
                     0);
    hd_has(r.err, "wrote 60 stimuli rows"); /* 30 pairs */
    hd_run_free(&r);
    damaged_copy(f, "quiet_images.sqlite", "images", 1);
    check_every_command(f, "quiet_images.sqlite");
    damaged_copy(f, "quiet_trials.sqlite", "trials", 1);
    check_every_command(f, "quiet_trials.sqlite");
}

static void test_garbage_page(void **state)
{
    fx *f = *state;
    damaged_copy(f, "junk_images.sqlite", "images", 0);
    check_every_command(f, "junk_images.sqlite");
    damaged_copy(f, "junk_sessions.sqlite", "sessions", 0);
    check_every_command(f, "junk_sessions.sqlite");
}

/* Item 3: trials whose session row is gone. */
static void test_orphans(void **state)
{
    fx *f = *state;
    char *db = hd_in(f->dir, "orphans.sqlite");
    hd_sh("cp '%s' '%s'", f->clean, db);
    sql(db, "PRAGMA foreign_keys = OFF; DELETE FROM sessions WHERE id = (SELECT min(id) FROM "
            "sessions)");
    hd_run r = {0};
    assert_int_equal(hd_dddlab(&r, f->dir, "db check --db orphans.sqlite"), 1);
    /* schema 2: each trial's answer row is orphaned with it */
    hd_has(r.out, "orphan rows      5 answers rows whose sessions row is missing; 5 trials rows "
                  "whose sessions row is missing\n");
    hd_has(r.err, "5 trials rows whose sessions row is missing");
    assert_int_equal(hd_dddlab(&r, f->dir, "db check --db orphans.sqlite --json"), 1);
    hd_has(r.out, "\"orphan_rows\":10,");
    const char *want = "dddlab: warning: orphans.sqlite: 10 rows belong to no stored parent (5 "
                       "answers rows whose sessions row is missing; 5 trials rows whose sessions "
                       "row is missing); they are left out of ";
    assert_int_equal(hd_dddlab(&r, f->dir, "export --table trials --db orphans.sqlite --out o.csv"),
                     0);
    hd_has(r.err, want);
    hd_has(r.err, "left out of this export");
    hd_has(r.err, "wrote 5 trials rows to o.csv");
    assert_int_equal(hd_dddlab(&r, f->dir, "merge --out m.sqlite orphans.sqlite"), 0);
    hd_has(r.err, want);
    hd_has(r.err, "left out of the merge");
    assert_int_equal(hd_dddlab(&r, f->dir, "analyse --db orphans.sqlite --set pairs"), 0);
    hd_has(r.err, want);
    hd_has(r.err, "left out of the analysis");
    /* a clean file gets no warning */
    assert_int_equal(hd_dddlab(&r, f->dir, "export --table trials --db clean.sqlite --out c.csv"),
                     0);
    assert_null(strstr(r.err, "warning"));
    hd_run_free(&r);
}

/* Item 4: `run` on an empty file leaves it exactly as it was. */
static void test_run_on_empty_file(void **state)
{
    fx *f = *state;
    char *db = hd_in(f->dir, "empty.sqlite");
    FILE *fp = fopen(db, "w");
    fclose(fp);
    chmod(db, 0644);
    hd_run r = {0};
    assert_int_equal(
        hd_dddlab(&r, f->dir,
                  "run --db empty.sqlite --experiment e.ini --observer P9 --simulate seed=1"),
        1);
    assert_string_equal(r.err, "dddlab: empty.sqlite: open database: not a dddlab database (an "
                               "empty file); it was left unchanged. Build a stimulus set into a "
                               "database with 'dddlab stimuli build' first\n");
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(access(hd_in(f->dir, "empty.sqlite-wal"), F_OK), -1);
    assert_int_equal(access(hd_in(f->dir, "empty.sqlite-journal"), F_OK), -1);
    hd_run_free(&r);
}

/* Item 9: the read-only commands in a folder the user may not write. Root
 * ignores permission bits, so as root the commands run as nobody (setpriv);
 * without setpriv, or when nobody cannot reach the binary, the test skips. */
static void test_read_only_folder(void **state)
{
    fx *f = *state;
    char *ro = hd_in(f->dir, "ro");
    hd_sh("mkdir '%s' && cp '%s' '%s/lab.sqlite' && chmod 0644 '%s/lab.sqlite'", ro, f->clean, ro,
          ro);
    const char *prefix = NULL;
    if (geteuid() == 0) {
        prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "%s test -x '%s' 2>/dev/null", prefix, getenv("DL_BINARY"));
        if (system(cmd) != 0) {
            print_message("SKIP: running as root and user 65534 cannot run %s (or no setpriv); "
                          "read-only folder not tested\n",
                          getenv("DL_BINARY"));
            skip();
        }
        hd_sh("chmod 0755 '%s'", f->dir);
    }
    hd_sh("chmod 0555 '%s'", ro);
    hd_run r = {0};
    /* the folder really is read-only for this user */
    assert_int_equal(hd_dddlab_as(&r, ro, prefix, "export --table trials --db lab.sqlite --out x.csv"),
                     1);
    hd_has(r.err, "x.csv");
    const char *cmds[] = {"db check --db lab.sqlite", "sessions list --db lab.sqlite",
                          "export --table trials --db lab.sqlite",
                          "analyse --db lab.sqlite --set pairs"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        int status = hd_dddlab_as(&r, ro, prefix, cmds[i]);
        if (status != 0)
            fail_msg("dddlab %s in a read-only folder: exit %d\n%s", cmds[i], status, r.err);
    }
    hd_has(r.out, "accuracy");
    hd_sh("chmod 0755 '%s'", ro);
    hd_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quietly_damaged), cmocka_unit_test(test_garbage_page),
        cmocka_unit_test(test_orphans),         cmocka_unit_test(test_run_on_empty_file),
        cmocka_unit_test(test_read_only_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
