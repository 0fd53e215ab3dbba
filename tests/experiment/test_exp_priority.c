/* test_exp_priority.c — what the runner asks of the scheduler (issue 11,
 * "Timing under load"): real-time scheduling for every thread of the
 * process, locked memory, `cpu = N`; what it obtained is what the run row
 * and the result say; all of it is undone when the session ends, so the
 * rest of the process (and SDL's threads that outlive the window) is not
 * left real-time or pinned. Runs in-process on SDL's offscreen driver (no
 * display), simulated observer, real SQLite file. */
#include <dirent.h>
#include <sched.h>
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

static long long q_int(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    long long v = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void q_text(const char *db_path, const char *sql, char *out, size_t len)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    out[0] = 0;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, len, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* Threads of this process still real-time (after the session: none). */
static int realtime_threads(void)
{
    int n = 0;
    DIR *dir = opendir("/proc/self/task");
    assert_non_null(dir);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL)
        if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
            sched_getscheduler((pid_t)atoi(de->d_name)) == SCHED_FIFO)
            n++;
    closedir(dir);
    return n;
}

static int run_session(fx *f, const char *observer, dl_exp_result *res)
{
    dl_exp_options o = {.db_path = f->db,
                        .experiment_path = f->ini,
                        .observer_code = observer,
                        .simulate = "accuracy=1,rt=fixed:120,screen_ms=30,seed=1"};
    dl_error err = {0};
    int rc = dl_exp_run(&o, res, &err);
    if (rc)
        fprintf(stderr, "dl_exp_run: %s\n", err.msg);
    return rc;
}

/* cpu = 0 and priority = realtime: as root (the test machines) SCHED_FIFO is
 * granted unless this is a sanitizer build, which does not ask; either way
 * the result, the run row and the events agree, and nothing is left over. */
static void test_realtime_and_pin(void **state)
{
    (void)state;
    fx f;
    fx_opts fo = {"2afc", "prio", 3, 0, 32, 32, 0};
    assert_int_equal(fx_setup(&f, &fo), 0);
    assert_int_equal(fx_ini(&f, "2afc", "prio",
                            "[procedure]\niti_ms = 50\ncountdown_s = 0\nscreen_min_ms = 20\n"
                            "feedback_ms = 50\npriority = realtime\ncpu = 0\n"
                            "[display]\nrefresh_frames = 10\n"),
                     0);
    cpu_set_t before, after;
    assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
    assert_int_equal(sched_getscheduler(0), SCHED_OTHER);

    dl_exp_result res;
    assert_int_equal(run_session(&f, "PR1", &res), 0);
    assert_string_equal(res.status, "completed");
    assert_int_equal(res.cpu, 0);
    char policy[32];
    q_text(f.db, "SELECT sched_policy FROM runs", policy, sizeof policy);
    assert_string_equal(policy, res.sched_policy);
    assert_int_equal(q_int(f.db, "SELECT memory_locked FROM runs"), res.memory_locked);
    assert_int_equal(q_int(f.db, "SELECT sched_priority FROM runs"), res.sched_priority);
    assert_int_equal(q_int(f.db, "SELECT nice FROM runs"), res.nice);
    if (strcmp(res.sched_policy, "SCHED_FIFO") == 0) {
        assert_int_equal(res.sched_priority, 10);
        assert_true(res.sched_threads >= 1);
        if (geteuid() == 0)
            assert_int_equal(res.memory_locked, 1);
    } else {
        /* refused (or a sanitizer build): said why, in an info event */
        assert_string_equal(res.sched_policy, "SCHED_OTHER");
        assert_int_equal(q_int(f.db, "SELECT count(*) FROM events WHERE kind = 'info' AND "
                                     "detail LIKE 'no real-time scheduling (%'"),
                         1);
    }
    assert_int_equal(q_int(f.db, "SELECT count(*) FROM events WHERE kind = 'info' AND detail "
                                 "LIKE 'the runner''s % run on CPU 0 only (cpu = 0)'"),
                     1);
    /* undone: this thread and every other one (SDL's outlive the window) */
    assert_int_equal(sched_getscheduler(0), SCHED_OTHER);
    assert_int_equal(realtime_threads(), 0);
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_EQUAL(&before, &after));
    fx_teardown(&f);
}

/* A CPU this machine does not have: a warning for the experimenter (in the
 * result, and as an event), the session runs unpinned. */
static void test_cpu_not_here(void **state)
{
    (void)state;
    fx f;
    fx_opts fo = {"2afc", "prio", 2, 0, 32, 32, 0};
    assert_int_equal(fx_setup(&f, &fo), 0);
    assert_int_equal(fx_ini(&f, "2afc", "prio",
                            "[procedure]\niti_ms = 50\ncountdown_s = 0\nscreen_min_ms = 20\n"
                            "feedback_ms = 50\npriority = normal\ncpu = 1000\n"
                            "[display]\nrefresh_frames = 10\n"),
                     0);
    dl_exp_result res;
    assert_int_equal(run_session(&f, "PR2", &res), 0);
    assert_string_equal(res.status, "completed");
    assert_int_equal(res.cpu, -1);
    assert_string_equal(res.sched_policy, "SCHED_OTHER");
    char want[128];
    snprintf(want, sizeof want,
             "cpu = 1000: the runner may not use that CPU here (%ld online); it runs on any",
             sysconf(_SC_NPROCESSORS_ONLN));
    /* among the warnings (a loaded machine adds "refresh interval unstable") */
    int found = 0;
    for (size_t i = 0; i < res.nwarnings; i++)
        if (strncmp(res.warnings[i], "cpu = ", 6) == 0) {
            assert_string_equal(res.warnings[i], want);
            found++;
        }
    assert_int_equal(found, 1);
    assert_int_equal(q_int(f.db, "SELECT count(*) FROM events WHERE kind = 'warning' AND "
                                 "detail LIKE 'cpu = 1000: %'"),
                     1);
    assert_int_equal(q_int(f.db, "SELECT count(*) FROM trials"), 2);
    fx_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realtime_and_pin),
        cmocka_unit_test(test_cpu_not_here),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dl_exp_shutdown();
    return rc;
}
