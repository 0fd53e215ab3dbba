/* test_store_crash.c — the promise that a logged trial survives: a child
 * process logs trials as fast as it can and is killed with SIGKILL at random
 * moments; two processes log into one file at once; a held write lock gives
 * a clear "database is locked". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

#include "store_fixture.h"

/* Kills in the logging test and in the create test; at least 200 in all. */
#define LOG_KILLS 200
#define CREATE_KILLS 40
#define ORDER_LEN 60000

typedef struct fx {
    char dir[256];
    char path[300];
    dl_error err;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_store_test");
    snprintf(f->path, sizeof f->path, "%s/lab.sqlite", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A store with one observer, a set and a running session of ORDER_LEN. */
static int64_t make_session(fx *f, const char *code)
{
    dl_store *st;
    assert_int_equal(dl_store_open(f->path, 0, &st, &f->err), 0);
    dl_observer o = {.code = (char *)code, .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(st, &o, &f->err), 0);
    dl_stim_set *set = NULL;
    if (dl_store_find_set(st, "crash", &set, &f->err) != 0) {
        set = fx_set_2afc("crash", 2, 0, "");
        assert_int_equal(dl_store_add_set(st, set, &f->err), 0);
    }
    dl_session x;
    fx_session(&x, o.id, set->id, ORDER_LEN);
    assert_int_equal(dl_store_start_session(st, &x, &f->err), 0);
    int64_t id = x.id;
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
    dl_store_close(st);
    return id;
}

/* The child: resume at next_index and log until killed (or `limit` trials),
 * writing each index to fd after its log call returned. Exit status 0 when
 * done, 2 on DL_EBUSY (message on stderr), 1 on any other error. */
static void child_log(const char *path, int64_t sid, int fd, int limit)
{
    dl_error err = {0};
    dl_store *st;
    if (dl_store_open(path, 0, &st, &err) != 0) {
        fprintf(stderr, "child: %s\n", err.msg);
        _exit(err.code == DL_EBUSY ? 2 : 1);
    }
    size_t next;
    if (dl_store_next_index(st, sid, &next, &err) != 0)
        _exit(1);
    for (int n = 0; limit <= 0 || n < limit; n++) {
        dl_trial t = fx_trial(sid, (int)next);
        int rc = dl_store_log_trial(st, &t, &err);
        if (rc) {
            fprintf(stderr, "child: %s\n", err.msg);
            _exit(rc == DL_EBUSY ? 2 : 1);
        }
        int32_t idx = (int32_t)next++;
        if (write(fd, &idx, sizeof idx) != (ssize_t)sizeof idx)
            _exit(1);
    }
    dl_store_close(st);
    _exit(0);
}

/* Read every index the child reported; returns the last, or -1. */
static int32_t drain(int fd, int *count)
{
    int32_t idx, last = -1;
    *count = 0;
    while (read(fd, &idx, sizeof idx) == (ssize_t)sizeof idx) {
        last = idx;
        (*count)++;
    }
    return last;
}

static int64_t query(sqlite3 *db, const char *sql, int64_t sid)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_int64(s, 1, sid);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* After a kill: the file is intact, rows 0..n-1 are all there with exactly
 * the values logged (no partial or mixed row), and n is last + 1, or last + 2
 * when the child died between COMMIT and telling us. Returns n. */
static int64_t verify(fx *f, int64_t sid, int32_t last)
{
    dl_store_report r;
    assert_int_equal(dl_store_check(f->path, &r, &f->err), 0);
    if (!r.integrity_ok)
        fail_msg("integrity check after kill: %s", r.integrity);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    int64_t n = query(db, "SELECT count(*) FROM trials WHERE session_id = ?1", sid);
    int64_t top = query(db, "SELECT coalesce(max(idx), -1) FROM trials WHERE session_id = ?1", sid);
    int64_t bad = query(db,
                        "SELECT count(*) FROM trials WHERE session_id = ?1 AND NOT ("
                        " item_index = idx AND choice = idx % 2 AND correct = (idx % 2 = 0)"
                        " AND rt_ms = 500.25 + idx AND onset_s = 1.5 * idx"
                        " AND response_s = 1.5 * idx + 0.5 AND frames_dropped = idx % 3"
                        " AND left_image = 't0.png' AND right_image = 'x0.png')",
                        sid);
    sqlite3_close(db);
    assert_int_equal(top, n - 1); /* no gaps */
    assert_int_equal(bad, 0);
    if (!(n == last + 1 || n == last + 2))
        fail_msg("after kill: %lld trials stored, the child had reported index %d", (long long)n,
                 last);
    return n;
}

static void test_sigkill_while_logging(void **state)
{
    fx *f = *state;
    int64_t sid = make_session(f, "K");
    srand((unsigned)time(NULL));
    int64_t stored = 0;
    int reported_total = 0;
    for (int round = 0; round < LOG_KILLS; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_log(f->path, sid, fds[1], 0);
        }
        close(fds[1]);
        /* Anywhere from during open to several trials in. */
        sleep_us(rand() % 25000);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        int count;
        int32_t got = drain(fds[0], &count);
        close(fds[0]);
        assert_true(WIFSIGNALED(status));
        reported_total += count;
        if (got >= 0)
            assert_true(got >= stored); /* it resumed where the last one stopped */
        stored = verify(f, sid, got >= 0 ? got : (int32_t)stored - 1);
    }
    /* Resume continues at the next index. */
    dl_store *st;
    assert_int_equal(dl_store_open(f->path, 0, &st, &f->err), 0);
    size_t next;
    assert_int_equal(dl_store_next_index(st, sid, &next, &f->err), 0);
    assert_int_equal(next, (size_t)stored);
    dl_trial t = fx_trial(sid, (int)next);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), 0);
    dl_store_close(st);
    print_message("%d kills, %lld trials stored, %d reported by the children\n", LOG_KILLS,
                  (long long)stored, reported_total);
    assert_true(stored > LOG_KILLS / 4); /* the children did get to log */
}

/* Kill a child while it creates and fills a brand-new file: the file must
 * open afterwards (migrating if the kill came first) and be intact. */
static void test_sigkill_while_creating(void **state)
{
    fx *f = *state;
    for (int round = 0; round < CREATE_KILLS; round++) {
        unlink(f->path);
        char side[320];
        snprintf(side, sizeof side, "%s-wal", f->path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", f->path);
        unlink(side);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            fx tmp = *f;
            make_session(&tmp, "C");
            _exit(0);
        }
        sleep_us(rand() % 4000);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        dl_store *st = NULL;
        assert_int_equal(dl_store_open(f->path, 0, &st, &f->err), 0);
        dl_store_close(st);
        dl_store_report r;
        assert_int_equal(dl_store_check(f->path, &r, &f->err), 0);
        assert_true(r.integrity_ok);
        assert_int_equal(r.schema_version, DL_STORE_SCHEMA_VERSION);
        assert_true(r.sessions == 0 || r.sessions == 1);
    }
}

/* Two processes log 300 trials each into one file at the same time. */
static void test_two_writers(void **state)
{
    fx *f = *state;
    int64_t sid[2] = {make_session(f, "W1"), make_session(f, "W2")};
    int fds[2][2];
    pid_t pid[2];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(pipe(fds[k]), 0);
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            close(fds[k][0]);
            child_log(f->path, sid[k], fds[k][1], 300);
        }
        close(fds[k][1]);
    }
    for (int k = 0; k < 2; k++) {
        int status, count;
        waitpid(pid[k], &status, 0);
        int32_t last = drain(fds[k][0], &count);
        close(fds[k][0]);
        assert_true(WIFEXITED(status));
        /* Both finish (the busy timeout absorbs the other's commits), or one
         * stops with a clear "locked" error; either way nothing is lost. */
        assert_true(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2);
        if (WEXITSTATUS(status) == 0)
            assert_int_equal(count, 300);
        verify(f, sid[k], last);
    }
}

/* A write lock held longer than the busy timeout: DL_EBUSY, clear message,
 * nothing written; once it is released, logging works. */
static void test_locked(void **state)
{
    fx *f = *state;
    int64_t sid = make_session(f, "L");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    dl_store *st;
    assert_int_equal(dl_store_open(f->path, 0, &st, &f->err), 0);
    dl_store_set_busy_timeout(st, 50);
    dl_trial t = fx_trial(sid, 0);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), DL_EBUSY);
    assert_non_null(strstr(f->err.msg, f->path));
    assert_non_null(strstr(f->err.msg, "log trial 0"));
    assert_non_null(strstr(f->err.msg, "database is locked"));
    dl_observer o = {.code = "new", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(st, &o, &f->err), DL_EBUSY);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), 0);
    size_t next;
    assert_int_equal(dl_store_next_index(st, sid, &next, &f->err), 0);
    assert_int_equal(next, 1);
    dl_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill_while_creating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigkill_while_logging, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
