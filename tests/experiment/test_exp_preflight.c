/* test_exp_preflight.c — bad input is reported before any window opens.
 *
 * Runs `dddlab run` with no display at all (ctest clears DISPLAY): had any
 * check come after the window, the run would fail with "cannot open a
 * window" instead of the expected message. */
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

#include "dl_experiment.h"
#include "fixture.h"

#define PROC "[procedure]\ninstructions = instructions.txt\n"

static int setup_2afc(void **state)
{
    fx *f = calloc(1, sizeof *f);
    fx_opts o = {"2afc", "set1", 3, 1, 64, 48, 0};
    if (fx_setup(f, &o) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_teardown(*state);
    free(*state);
    return 0;
}

/* Run with the fixture's db and ini; expect exit status and stderr. */
static void expect(fx *f, const char *const *extra, int status, const char *want)
{
    const char *args[16] = {"dddlab",       "run",  "--db",       f->db,
                            "--experiment", f->ini, "--observer", "P01"};
    size_t n = 8;
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    char err[4096];
    int rc = fx_run(f, args, 30, err, sizeof err);
    if (want && strcmp(err, want) != 0)
        fprintf(stderr, "want: %sgot:  %s", want, err);
    assert_int_equal(rc, status);
    if (want)
        assert_string_equal(err, want);
}

static void test_unknown_set(void **state)
{
    fx *f = *state;
    char want[1024];
    fx_ini(f, "2afc", "nope", PROC);
    snprintf(want, sizeof want,
             "dddlab: %s:3: unknown stimulus set 'nope': %s has no set of that name (make one "
             "with 'dddlab stimuli build')\n",
             f->ini, f->db);
    expect(f, NULL, 1, want);
}

static void test_task_mismatch(void **state)
{
    fx *f = *state;
    char want[1024];
    fx_ini(f, "rating", "set1", PROC);
    snprintf(want, sizeof want,
             "dddlab: %s:2: task = rating, but stimulus set 'set1' is a 2afc set\n", f->ini);
    expect(f, NULL, 1, want);
}

/* The schema takes any task name (a third task needs no migration), so a
 * set can name a task this build cannot run: refused before a window, with
 * the set, its task and the tasks there are. */
static void test_unknown_task(void **state)
{
    fx *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE stimulus_sets SET task = 'triad' WHERE name = 'set1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
    char want[1024];
    fx_ini(f, "2afc", "set1", PROC);
    snprintf(want, sizeof want,
             "dddlab: %s:3: stimulus set 'set1' in %s is for task 'triad', which this dddlab "
             "cannot run (known tasks: 2afc, rating)\n",
             f->ini, f->db);
    expect(f, NULL, 1, want);
}

/* Finding 6 of issue 11: one key bound to both answers was accepted and
 * every trial logged as "left". Now exit 1 naming the line, before a window. */
static void test_key_clash(void **state)
{
    fx *f = *state;
    char want[1024];
    fx_ini(f, "2afc", "set1", PROC "[keys]\nleft = Right\nright = Right\n");
    snprintf(want, sizeof want,
             "dddlab: %s:9: key 'Right' is bound to both 'right' and 'left' (line 8) in [keys]; "
             "one key can have one meaning only\n",
             f->ini);
    expect(f, NULL, 1, want);
}

static void test_bad_experiment_file(void **state)
{
    fx *f = *state;
    char want[1024];
    fx_ini(f, "2afc", "set1", PROC "iti_ms = 500\nbreaks = 3\n");
    snprintf(want, sizeof want, "dddlab: %s:8: unknown key 'breaks' in section [procedure]\n",
             f->ini);
    expect(f, NULL, 1, want);
    fx_ini(f, "2afc", "set1", PROC "deadline_ms = soon\n");
    snprintf(want, sizeof want,
             "dddlab: %s:7: bad value 'soon' for 'deadline_ms' (expected a whole number from 0 "
             "to 600000)\n",
             f->ini);
    expect(f, NULL, 1, want);
}

static void test_missing_image(void **state)
{
    fx *f = *state;
    char want[1024], path[400];
    fx_ini(f, "2afc", "set1", PROC);
    snprintf(path, sizeof path, "%s/img003.png", f->images);
    char hidden[420];
    snprintf(hidden, sizeof hidden, "%s.away", path);
    assert_int_equal(rename(path, hidden), 0);
    snprintf(want, sizeof want,
             "dddlab: %s: missing image of stimulus set 'set1' (item 1): no such file\n", path);
    expect(f, NULL, 1, want);
    assert_int_equal(rename(hidden, path), 0);
}

static void test_changed_image(void **state)
{
    fx *f = *state;
    char path[400];
    fx_ini(f, "2afc", "set1", PROC);
    snprintf(path, sizeof path, "%s/img002.png", f->images);
    char backup[420];
    snprintf(backup, sizeof backup, "%s.orig", path);
    assert_int_equal(rename(path, backup), 0);
    FILE *fp = fopen(path, "wb");
    fputs("not a png", fp);
    fclose(fp);
    char err[4096];
    const char *args[] = {"dddlab", "run",        "--db", f->db, "--experiment",
                          f->ini,   "--observer", "P01",  NULL};
    assert_int_equal(fx_run(f, args, 30, err, sizeof err), 1);
    char head[600];
    snprintf(head, sizeof head, "dddlab: %s: image differs from stimulus set 'set1' (SHA-256 ",
             path);
    assert_memory_equal(err, head, strlen(head));
    assert_non_null(strstr(err, "was it changed after 'dddlab stimuli build'?\n"));
    assert_int_equal(rename(backup, path), 0);
}

static void test_corrupt_image(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "bad", 4, 0, 64, 64, 1 + 2 * 2}; /* item 2's image is truncated */
    assert_int_equal(fx_setup(&f, &o), 0);
    fx_ini(&f, "rating", "bad", PROC);
    char want[1024];
    /* the image check every reader shares (common/imghdr.c), its message */
    snprintf(want, sizeof want,
             "dddlab: %s/img004.png: truncated PNG: the file ends inside chunk IDAT (at byte ",
             f.images);
    char err[4096];
    const char *args[] = {"dddlab", "run",        "--db", f.db, "--experiment",
                          f.ini,    "--observer", "P01",  NULL};
    assert_int_equal(fx_run(&f, args, 30, err, sizeof err), 1);
    if (strncmp(err, want, strlen(want)) != 0)
        fprintf(stderr, "want: %s...\ngot:  %s", want, err);
    assert_memory_equal(err, want, strlen(want));
    /* one clear line, no libpng chatter */
    assert_non_null(strchr(err, '\n'));
    assert_string_equal(strchr(err, '\n'), "\n");
    assert_memory_equal(strchr(err, '\n') - 1, ")", 1);
    fx_teardown(&f);
}

static void test_nothing_to_resume(void **state)
{
    fx *f = *state;
    fx_ini(f, "2afc", "set1", PROC);
    const char *extra[] = {"--resume", NULL};
    expect(f, extra, 1,
           "dddlab: observer 'P01' has no unfinished session on stimulus set 'set1' to resume\n");
}

static void test_bad_observer_code(void **state)
{
    fx *f = *state;
    fx_ini(f, "2afc", "set1", PROC);
    char err[4096];
    const char *args[] = {"dddlab", "run",        "--db",           f->db, "--experiment",
                          f->ini,   "--observer", "Max Mustermann", NULL};
    assert_int_equal(fx_run(f, args, 30, err, sizeof err), 1);
    assert_string_equal(err, "dddlab: observer code 'Max Mustermann': use 1 to 32 letters, "
                             "digits, - or _ (a pseudonymous code, never a name)\n");
}

static void test_missing_db(void **state)
{
    fx *f = *state;
    fx_ini(f, "2afc", "set1", PROC);
    char db[400], err[4096];
    snprintf(db, sizeof db, "%s/typo.sqlite", f->dir);
    const char *args[] = {"dddlab", "run", "--db", db, "--experiment", f->ini, NULL};
    assert_int_equal(fx_run(f, args, 30, err, sizeof err), 1);
    assert_non_null(strstr(err, db));
    assert_int_equal(access(db, F_OK), -1); /* not created by the attempt */
}

static void test_usage(void **state)
{
    fx *f = *state;
    char err[4096];
    const char *a1[] = {"dddlab", "run", "--experiment", f->ini, NULL};
    assert_int_equal(fx_run(f, a1, 30, err, sizeof err), 2);
    assert_string_equal(err, "dddlab run: --db FILE is required (see 'dddlab help run')\n");
    const char *a2[] = {"dddlab", "run",        "--db",       f->db, "--experiment",
                        f->ini,   "--simulate", "accuracy=2", NULL};
    assert_int_equal(fx_run(f, a2, 30, err, sizeof err), 2);
    assert_string_equal(err, "dddlab run: --simulate: bad 'accuracy=2' (expected accuracy=P, 0 "
                             "to 1) (see 'dddlab help run')\n");
    const char *a3[] = {"dddlab", "run",       "--db", f->db, "--experiment",
                        f->ini,   "--display", "left", NULL};
    assert_int_equal(fx_run(f, a3, 30, err, sizeof err), 2);
}

static void test_good_input_reaches_window(void **state)
{
    fx *f = *state;
    fx_ini(f, "2afc", "set1", PROC);
    char err[4096];
    const char *args[] = {"dddlab", "run",        "--db", f->db, "--experiment",
                          f->ini,   "--observer", "P01",  NULL};
    /* every check passed: the first failure is the missing display */
    assert_int_equal(fx_run(f, args, 30, err, sizeof err), 1);
    assert_memory_equal(err, "dddlab: cannot open a window: ", 30);
}

/* The library reports how far the image check got and prints nothing: the
 * CLI draws the progress line (dl_exp_options.progress). Run in-process with
 * no display: every image is checked, then the window cannot open. */
typedef struct progress_log {
    size_t calls, last_done, total;
    int increasing;
} progress_log;

static void log_progress(void *ctx, size_t done, size_t total)
{
    progress_log *p = ctx;
    if (done <= p->last_done || (p->calls && total != p->total))
        p->increasing = 0;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

static void test_progress_callback(void **state)
{
    fx *f = *state;
    fx_ini(f, "2afc", "set1", PROC);
    progress_log log = {.increasing = 1};
    dl_exp_options o = {.db_path = f->db,
                        .experiment_path = f->ini,
                        .observer_code = "P01",
                        .progress = log_progress,
                        .progress_ctx = &log};
    char errpath[400];
    snprintf(errpath, sizeof errpath, "%s/progress-stderr.txt", f->dir);
    fflush(stderr);
    int saved = dup(2);
    FILE *capture = fopen(errpath, "w");
    assert_non_null(capture);
    dup2(fileno(capture), 2);
    setenv("DL_PROGRESS", "1", 1); /* the old in-library line would show now */
    dl_error err = {0};
    int rc = dl_exp_run(&o, NULL, &err);
    unsetenv("DL_PROGRESS");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(capture);
    assert_int_equal(rc, DL_EDISPLAY);
    assert_memory_equal(err.msg, "cannot open a window: ", 22);
    /* 4 items (3 main, 1 practice): one call each, the last one complete */
    assert_int_equal(log.calls, 4);
    assert_int_equal(log.total, 4);
    assert_int_equal(log.last_done, 4);
    assert_true(log.increasing);
    char text[256];
    assert_int_equal(fx_slurp(errpath, text, sizeof text), 0);
    assert_string_equal(text, ""); /* the library printed nothing */
}

int main(void)
{
    if (!getenv("DL_BINARY")) {
        fprintf(stderr, "test_exp_preflight: DL_BINARY is not set; run it through ctest\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_set),
        cmocka_unit_test(test_task_mismatch),
        cmocka_unit_test(test_key_clash),
        cmocka_unit_test(test_bad_experiment_file),
        cmocka_unit_test(test_missing_image),
        cmocka_unit_test(test_changed_image),
        cmocka_unit_test(test_corrupt_image),
        cmocka_unit_test(test_nothing_to_resume),
        cmocka_unit_test(test_bad_observer_code),
        cmocka_unit_test(test_missing_db),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_good_input_reaches_window),
        cmocka_unit_test(test_progress_callback),
        cmocka_unit_test(test_unknown_task), /* last: it renames set1's task */
    };
    return cmocka_run_group_tests(tests, setup_2afc, teardown);
}
