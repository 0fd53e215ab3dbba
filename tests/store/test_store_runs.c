/* test_store_runs.c — the session lifecycle in the store (issue 11): runs
 * and their time base, the process identity that decides whether a
 * `running` session is alive (a reused pid and another boot never are),
 * aborted sessions resumable, superseded ones not, codes without case, and
 * answers written with their trial. Real SQLite files in a temporary folder. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store_fixture.h"

typedef struct fx {
    char dir[256], path[300];
    dl_store *st;
    dl_error err;
    int64_t observer, set;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_store_test");
    snprintf(f->path, sizeof f->path, "%s/lab.sqlite", f->dir);
    if (dl_store_open(f->path, 0, &f->st, &f->err) != 0)
        return -1;
    dl_observer o = {.code = "P02", .age = -1, .vision_corrected = -1, .naive = -1};
    dl_stim_set *set = fx_set_2afc("s", 4, 0, "");
    if (dl_store_ensure_observer(f->st, &o, &f->err) || dl_store_add_set(f->st, set, &f->err))
        return -1;
    f->observer = o.id;
    f->set = set->id;
    dl_stim_set_free(set);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    dl_store_close(f->st);
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

static int64_t start(fx *f)
{
    dl_session x;
    fx_session(&x, f->observer, f->set, 4);
    assert_int_equal(dl_store_start_session(f->st, &x, &f->err), 0);
    int64_t id = x.id;
    free(x.order);
    free(x.experiment_text);
    free(x.software_version);
    free(x.git_revision);
    free(x.sdl_version);
    free(x.video_driver);
    free(x.renderer);
    free(x.display_mode);
    free(x.status);
    free(x.started_utc);
    free(x.hostname);
    return id;
}

static void sql(fx *f, const char *text)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static double q_double(fx *f, const char *text)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, text, -1, &s, NULL), SQLITE_OK);
    double v = NAN;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void test_runs_and_time_base(void **state)
{
    fx *f = *state;
    int64_t id = start(f);
    dl_run r1 = {.session_id = id, .run_clock_s = 2.0, .simulate = NULL};
    assert_int_equal(dl_store_start_run(f->st, &r1, &f->err), 0);
    assert_int_equal(r1.seq, 1);
    assert_true(r1.time_offset_s == 0.0); /* the first run's clock is the session's */
    dl_trial t = fx_trial(id, 0);
    t.onset_s = 40.0;
    t.response_s = 44.27;
    t.device = "mouse";
    t.button = "left";
    t.x_px = 300;
    t.y_px = 200;
    assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
    assert_int_equal(dl_store_end_run(f->st, r1.id, "aborted", 100, 2, 1, &f->err), 0);
    /* the trial got the run and its answer row, with the click */
    assert_true(q_double(f, "SELECT run_id FROM trials") == (double)r1.id);
    assert_true(q_double(f, "SELECT x_px FROM answers WHERE device = 'mouse' AND button ="
                            " 'left' AND value = 0") == 300.0);
    /* a key press has no position even when the struct says one */
    dl_trial k = fx_trial(id, 1);
    k.device = "keyboard";
    k.button = "Right";
    k.x_px = 5;
    assert_int_equal(dl_store_log_trial(f->st, &k, &f->err), 0);
    assert_true(isnan(q_double(f, "SELECT x_px FROM answers WHERE idx = 1")));
    /* the second run starts after everything logged, even with a clock that
     * has run 3 s already and a session that started a moment ago */
    dl_run r2 = {.session_id = id, .run_clock_s = 3.0, .simulate = "rt=fixed:1"};
    assert_int_equal(dl_store_start_run(f->st, &r2, &f->err), 0);
    assert_int_equal(r2.seq, 2);
    assert_true(r2.time_offset_s > 44.27);
    assert_true(r2.time_offset_s < 44.3);
    assert_true(q_double(f, "SELECT simulated FROM sessions") == 1.0);
    assert_true(q_double(f, "SELECT deadlines_missed FROM runs WHERE seq = 1") == 1.0);
    assert_true(q_double(f, "SELECT end_status IS NULL FROM runs WHERE seq = 2") == 1.0);
    /* an event of the second run is stamped with it */
    assert_int_equal(dl_store_log_event(f->st, id, r2.time_offset_s, "info", "x", &f->err), 0);
    assert_true(q_double(f, "SELECT run_id FROM events") == (double)r2.id);
}

/* A `running` session whose recorded owner is a live process that is not
 * that owner (another start time, another boot) is stale; a real live
 * owner is not. */
static void test_identity(void **state)
{
    fx *f = *state;
    int64_t id = start(f);
    dl_run r = {.session_id = id};
    assert_int_equal(dl_store_start_run(f->st, &r, &f->err), 0);
    /* this very process owns it: alive, but not "elsewhere" */
    int pid = 0;
    assert_int_equal(dl_store_session_owner_alive(f->st, id, &pid, &f->err), 0);
    assert_int_equal(pid, getpid());
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    char text[256];
    /* the child, recorded without a start time (as a version-1 row): */
    snprintf(text, sizeof text, "UPDATE runs SET pid = %d, proc_start_ticks = NULL", (int)child);
    sql(f, text);
    /* without a start time the executable must match: the child is ours */
    assert_int_equal(dl_store_session_owner_alive(f->st, id, &pid, &f->err), 1);
    /* the child's pid with another start time: a reused pid */
    sql(f, "UPDATE runs SET proc_start_ticks = 1");
    assert_int_equal(dl_store_session_owner_alive(f->st, id, &pid, &f->err), 0);
    size_t n = 0;
    assert_int_equal(dl_store_mark_stale(f->st, &n, &f->err), 0);
    assert_int_equal(n, 1);
    dl_session s;
    assert_int_equal(dl_store_get_session(f->st, id, &s, &f->err), 0);
    assert_string_equal(s.status, "crashed");
    dl_store_session_clear(&s);
    assert_true(q_double(f, "SELECT end_status = 'crashed' FROM runs") == 1.0);
    /* another boot: stale although the pid is alive */
    assert_int_equal(dl_store_reopen_session(f->st, id, &f->err), 0);
    snprintf(text, sizeof text,
             "UPDATE runs SET proc_start_ticks = NULL, end_status = NULL, boot_id ="
             " 'not-this-boot', pid = %d",
             (int)child);
    sql(f, text);
    assert_int_equal(dl_store_session_owner_alive(f->st, id, &pid, &f->err), 0);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static void test_resumable_and_superseded(void **state)
{
    fx *f = *state;
    int64_t a = start(f);
    assert_int_equal(dl_store_finish_session(f->st, a, "aborted", &f->err), 0);
    dl_session *list = NULL;
    size_t n = 0;
    /* p02 finds P02; an aborted session is resumable */
    assert_int_equal(dl_store_find_resumable(f->st, "p02", "s", &list, &n, &f->err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, a);
    dl_sessions_free(list, n);
    assert_int_equal(dl_store_reopen_session(f->st, a, &f->err), 0);
    assert_int_equal(dl_store_finish_session(f->st, a, "aborted", &f->err), 0);
    int64_t b = start(f);
    assert_int_equal(dl_store_supersede(f->st, a, b, &f->err), 0);
    assert_int_equal(dl_store_find_resumable(f->st, "P02", "s", &list, &n, &f->err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, b);
    dl_sessions_free(list, n);
    assert_int_equal(dl_store_reopen_session(f->st, a, &f->err), DL_EINVAL);
    assert_non_null(strstr(f->err.msg, "was replaced by session"));
    /* the observer is one, whatever the case of the code */
    dl_observer o = {.code = "p02", .age = 30, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    assert_int_equal(o.id, f->observer);
    dl_observer got = {0};
    assert_int_equal(dl_store_find_observer(f->st, "p02", &got, &f->err), 0);
    assert_string_equal(got.code, "P02"); /* the first spelling stays */
    assert_int_equal(got.age, 30);        /* an unknown detail is filled */
    dl_observer_clear(&got);
    /* completed: nothing to resume */
    assert_int_equal(dl_store_finish_session(f->st, b, "completed", &f->err), 0);
    assert_int_equal(dl_store_reopen_session(f->st, b, &f->err), DL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_runs_and_time_base, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resumable_and_superseded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
