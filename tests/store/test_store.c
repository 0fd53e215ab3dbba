/* test_store.c — every call of the store API on real temporary files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "store_fixture.h"

typedef struct fx {
    char dir[256];
    char path[300];
    dl_store *st;
    dl_error err;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_store_test");
    snprintf(f->path, sizeof f->path, "%s/lab.sqlite", f->dir);
    if (dl_store_open(f->path, 0, &f->st, &f->err) != 0) {
        fprintf(stderr, "%s\n", f->err.msg);
        return -1;
    }
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

/* An observer, a 2AFC set of n items and a running session on them. */
static int64_t start_2afc(fx *f, const char *code, const char *set_name, size_t n)
{
    dl_observer o = {.code = (char *)code, .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    dl_stim_set *set = NULL;
    if (dl_store_find_set(f->st, set_name, &set, &f->err) != 0) {
        set = fx_set_2afc(set_name, n, 0, "");
        assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    }
    dl_session x;
    fx_session(&x, o.id, set->id, n);
    assert_int_equal(dl_store_start_session(f->st, &x, &f->err), 0);
    int64_t id = x.id;
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
    return id;
}

static void test_open_pragmas_and_mode(void **state)
{
    fx *f = *state;
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_string_equal(dl_store_path(f->st), f->path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), DL_STORE_SCHEMA_VERSION);
    sqlite3_finalize(s);
    sqlite3_close(db);
    /* Reopening an existing file does not migrate again or fail. */
    dl_store *again = NULL;
    assert_int_equal(dl_store_open(f->path, DL_STORE_NOCREATE, &again, &f->err), 0);
    dl_store_close(again);
    dl_store_close(NULL);
}

static void test_open_missing(void **state)
{
    fx *f = *state;
    char p[400];
    snprintf(p, sizeof p, "%s/none.sqlite", f->dir);
    dl_store *st = NULL;
    assert_int_equal(dl_store_open(p, DL_STORE_NOCREATE, &st, &f->err), DL_ENOENT);
    assert_null(st);
    assert_non_null(strstr(f->err.msg, "none.sqlite"));
    assert_int_equal(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/no/such/folder/x.sqlite", f->dir);
    assert_int_equal(dl_store_open(p, 0, &st, &f->err), DL_EIO);
    assert_non_null(strstr(f->err.msg, "x.sqlite"));
}

static void test_set_round_trip(void **state)
{
    fx *f = *state;
    dl_stim_set *set = fx_set_2afc("pairs A", 5, 2, "img/");
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    assert_true(set->id > 0);
    assert_non_null(set->created_utc);
    assert_int_equal(strlen(set->content_sha256), 64);
    dl_stim_set *got = NULL;
    assert_int_equal(dl_store_find_set(f->st, "pairs A", &got, &f->err), 0);
    assert_int_equal(got->id, set->id);
    assert_string_equal(got->task, "2afc");
    assert_true(got->seed == 0xfedcba9876543210ULL);
    assert_string_equal(got->params_json, "{\"pairs\":3}");
    assert_string_equal(got->image_root, "/data/imagenet/val");
    assert_string_equal(got->content_sha256, set->content_sha256);
    assert_int_equal(got->nitems, 5);
    for (size_t i = 0; i < 5; i++) {
        const dl_set_item *a = &set->items[i], *b = &got->items[i];
        assert_int_equal(b->index, a->index);
        assert_int_equal(b->practice, a->practice);
        assert_int_equal(b->trivial_left, a->trivial_left);
        assert_string_equal(b->a.path, a->a.path);
        assert_string_equal(b->a.sha256, a->a.sha256);
        assert_string_equal(b->b.path, a->b.path);
        assert_string_equal(b->a.difficulty, "trivial");
        assert_string_equal(b->b.difficulty, "impossible");
        assert_true(b->a.frac_correct == 1.0);
        assert_true(isnan(b->b.frac_correct));
        assert_int_equal(b->a.label_error, 0);
        assert_int_equal(b->b.label_error, -1);
        assert_int_equal(b->a.width_px, 224);
    }
    /* The hash is a function of the items: recomputing from what was read
     * gives the same, and changing one item changes it. */
    dl_stim_set *same = fx_set_2afc("other name", 5, 2, "img/");
    assert_int_equal(dl_store_add_set(f->st, same, &f->err), 0);
    assert_string_equal(same->content_sha256, set->content_sha256);
    dl_stim_set *diff = fx_set_2afc("third", 5, 2, "img/");
    diff->items[4].trivial_left ^= 1;
    assert_int_equal(dl_store_add_set(f->st, diff, &f->err), 0);
    assert_string_not_equal(diff->content_sha256, set->content_sha256);
    dl_stim_set_free(same);
    dl_stim_set_free(diff);
    /* Same name again: refused, nothing added. */
    dl_stim_set *dup = fx_set_2afc("pairs A", 1, 0, "z/");
    assert_int_equal(dl_store_add_set(f->st, dup, &f->err), DL_EEXIST);
    assert_non_null(strstr(f->err.msg, "pairs A"));
    assert_non_null(strstr(f->err.msg, f->path));
    dl_stim_set_free(dup);
    assert_int_equal(dl_store_find_set(f->st, "nope", &dup, &f->err), DL_ENOENT);
    assert_null(dup);
    dl_stim_set_free(got);
    dl_stim_set_free(set);
    dl_stim_set_free(NULL);
}

static void test_set_rating_and_bad(void **state)
{
    fx *f = *state;
    dl_stim_set *set = fx_set_rating("rate", 6);
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    dl_stim_set *got = NULL;
    assert_int_equal(dl_store_find_set(f->st, "rate", &got, &f->err), 0);
    assert_int_equal(got->nitems, 6);
    assert_null(got->items[1].b.path);
    assert_string_equal(got->items[1].a.difficulty, "in-between");
    assert_true(got->items[1].a.frac_correct == 0.5);
    dl_stim_set_free(got);
    dl_stim_set_free(set);
    /* A task the runner does not know is stored (a new task needs no schema
     * or store change; `run` refuses what it cannot run, test_exp_preflight)
     * and reads back as written. */
    set = fx_set_rating("third", 2);
    free(set->task);
    set->task = strdup("3afc");
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    dl_stim_set_free(set);
    assert_int_equal(dl_store_find_set(f->st, "third", &got, &f->err), 0);
    assert_string_equal(got->task, "3afc");
    dl_stim_set_free(got);
    /* Not a task name, and the same path twice with different bytes:
     * refused and rolled back. */
    set = fx_set_rating("bad", 2);
    free(set->task);
    set->task = strdup("Two AFC");
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), DL_EINVAL);
    assert_non_null(strstr(f->err.msg, "'Two AFC' is not a task name"));
    free(set->task);
    set->task = strdup("rating");
    free(set->items[1].a.path);
    set->items[1].a.path = strdup("r0.jpg");
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), DL_EINVAL);
    assert_non_null(strstr(f->err.msg, "r0.jpg"));
    assert_int_equal(dl_store_find_set(f->st, "bad", &got, &f->err), DL_ENOENT);
    dl_stim_set_free(set);
}

static void test_observers(void **state)
{
    fx *f = *state;
    dl_observer o = {.code = "OBS-ä1",
                     .age = 31,
                     .gender = "f",
                     .handedness = "right",
                     .vision_corrected = 1,
                     .naive = 0};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    assert_true(o.id > 0);
    dl_observer again = {.code = "OBS-ä1", .age = 99, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &again, &f->err), 0);
    assert_int_equal(again.id, o.id);
    dl_observer got;
    assert_int_equal(dl_store_find_observer(f->st, "OBS-ä1", &got, &f->err), 0);
    assert_int_equal(got.id, o.id);
    assert_int_equal(got.age, 31); /* the first record stays */
    assert_string_equal(got.gender, "f");
    assert_string_equal(got.handedness, "right");
    assert_int_equal(got.vision_corrected, 1);
    assert_int_equal(got.naive, 0);
    dl_observer_clear(&got);
    dl_observer u = {.code = "U2", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &u, &f->err), 0);
    assert_int_equal(dl_store_find_observer(f->st, "U2", &got, &f->err), 0);
    assert_int_equal(got.age, -1);
    assert_null(got.gender);
    assert_int_equal(got.naive, -1);
    dl_observer_clear(&got);
    assert_int_equal(dl_store_find_observer(f->st, "nobody", &got, &f->err), DL_ENOENT);
    assert_non_null(strstr(f->err.msg, "nobody"));
    dl_observer empty = {.code = ""};
    assert_int_equal(dl_store_ensure_observer(f->st, &empty, &f->err), DL_EINVAL);
}

static void test_session_round_trip(void **state)
{
    fx *f = *state;
    dl_observer o = {.code = "S1", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    dl_stim_set *set = fx_set_2afc("s", 4, 1, "");
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    dl_session x;
    fx_session(&x, o.id, set->id, 4);
    assert_int_equal(dl_store_start_session(f->st, &x, &f->err), 0);
    assert_true(x.id > 0);
    assert_int_equal(strlen(x.uuid), 36);
    assert_true(x.uuid[14] == '4');
    assert_non_null(strchr("89ab", x.uuid[19]));
    assert_string_equal(x.status, "running");
    assert_int_equal(x.pid, getpid());
    dl_session y;
    assert_int_equal(dl_store_get_session(f->st, x.id, &y, &f->err), 0);
    assert_string_equal(y.uuid, x.uuid);
    assert_string_equal(y.status, "running");
    assert_null(y.ended_utc);
    assert_int_equal(y.norder, 4);
    assert_memory_equal(y.order, x.order, 4 * sizeof *x.order);
    assert_int_equal(y.order[0], 3);
    assert_string_equal(y.experiment_text, x.experiment_text);
    assert_string_equal(y.experiment_sha256, x.experiment_sha256);
    assert_string_equal(y.display_mode, "1920x1080@60");
    assert_true(y.refresh_mean_ms == 16.667);
    assert_true(y.viewing_distance_cm == 57.0);
    assert_true(isnan(y.screen_width_cm));
    assert_int_equal(y.drawable_h, 1080);
    assert_string_equal(y.hostname, x.hostname);
    assert_int_equal(y.observer_id, o.id);
    dl_store_session_clear(&y);
    assert_int_equal(dl_store_get_session_uuid(f->st, x.uuid, &y, &f->err), 0);
    assert_int_equal(y.id, x.id);
    dl_store_session_clear(&y);
    assert_int_equal(dl_store_finish_session(f->st, x.id, "completed", &f->err), 0);
    assert_int_equal(dl_store_get_session(f->st, x.id, &y, &f->err), 0);
    assert_string_equal(y.status, "completed");
    assert_non_null(y.ended_utc);
    dl_store_session_clear(&y);
    assert_int_equal(dl_store_finish_session(f->st, x.id, "running", &f->err), DL_EINVAL);
    assert_int_equal(dl_store_finish_session(f->st, 999, "aborted", &f->err), DL_ENOENT);
    assert_int_equal(dl_store_get_session(f->st, 999, &y, &f->err), DL_ENOENT);
    assert_int_equal(dl_store_get_session_uuid(f->st, "nope", &y, &f->err), DL_ENOENT);
    /* A session for an observer that is not stored is refused. */
    dl_session bad;
    fx_session(&bad, 12345, set->id, 1);
    assert_int_equal(dl_store_start_session(f->st, &bad, &f->err), DL_ENOENT);
    dl_store_session_clear(&bad);
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
}

static void test_log_and_next_index(void **state)
{
    fx *f = *state;
    int64_t sid = start_2afc(f, "L1", "set L", 5);
    size_t next = 99;
    assert_int_equal(dl_store_next_index(f->st, sid, &next, &f->err), 0);
    assert_int_equal(next, 0);
    for (int i = 0; i < 3; i++) {
        dl_trial t = fx_trial(sid, i);
        assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
    }
    assert_int_equal(dl_store_next_index(f->st, sid, &next, &f->err), 0);
    assert_int_equal(next, 3);
    dl_trial dup = fx_trial(sid, 1);
    assert_int_equal(dl_store_log_trial(f->st, &dup, &f->err), DL_EEXIST);
    assert_non_null(strstr(f->err.msg, "trial 1"));
    assert_non_null(strstr(f->err.msg, f->path));
    dl_trial orphan = fx_trial(4242, 0);
    assert_int_equal(dl_store_log_trial(f->st, &orphan, &f->err), DL_ENOENT);
    dl_trial bad = fx_trial(sid, 3);
    bad.choice = 2;
    assert_int_equal(dl_store_log_trial(f->st, &bad, &f->err), DL_EINVAL);
    /* A missed deadline: choice -1 and rt unknown are stored as such. */
    dl_trial miss = fx_trial(sid, 3);
    miss.choice = -1;
    miss.correct = 0;
    miss.rt_ms = NAN;
    assert_int_equal(dl_store_log_trial(f->st, &miss, &f->err), 0);
    dl_trial last = fx_trial(sid, 4);
    assert_int_equal(dl_store_log_trial(f->st, &last, &f->err), 0);
    assert_int_equal(dl_store_next_index(f->st, sid, &next, &f->err), 0);
    assert_int_equal(next, 5); /* == norder: all done */
    assert_int_equal(dl_store_next_index(f->st, 777, &next, &f->err), DL_ENOENT);
    assert_int_equal(dl_store_log_event(f->st, sid, 1.25, "pause", "key P", &f->err), 0);
    assert_int_equal(dl_store_log_event(f->st, sid, NAN, "warning", NULL, &f->err), 0);
    assert_int_equal(dl_store_log_event(f->st, sid, 1.0, "party", NULL, &f->err), DL_EINVAL);
    assert_int_equal(dl_store_log_event(f->st, 9999, 1.0, "info", NULL, &f->err), DL_ENOENT);
}

static void test_log_ratings(void **state)
{
    fx *f = *state;
    dl_observer o = {.code = "R1", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    dl_stim_set *set = fx_set_rating("rset", 3);
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    dl_session x;
    fx_session(&x, o.id, set->id, 3);
    assert_int_equal(dl_store_start_session(f->st, &x, &f->err), 0);
    dl_rating r = {.session_id = x.id,
                   .index = 0,
                   .item_index = 2,
                   .image = "r2.jpg",
                   .q1 = 2,
                   .q2 = 1,
                   .q3 = -1,
                   .rt_q1_ms = 800,
                   .rt_q2_ms = 700,
                   .rt_q3_ms = NAN,
                   .onset_s = 0.5};
    assert_int_equal(dl_store_log_rating(f->st, &r, &f->err), 0);
    assert_int_equal(dl_store_log_rating(f->st, &r, &f->err), DL_EEXIST);
    r.image = NULL;
    r.index = 1;
    assert_int_equal(dl_store_log_rating(f->st, &r, &f->err), DL_EINVAL);
    size_t next;
    assert_int_equal(dl_store_next_index(f->st, x.id, &next, &f->err), 0);
    assert_int_equal(next, 1);
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
}

static void test_resumable_and_stale(void **state)
{
    fx *f = *state;
    int64_t s1 = start_2afc(f, "P1", "set R", 3);
    int64_t s2 = start_2afc(f, "P1", "set R", 3);
    int64_t s3 = start_2afc(f, "P1", "set R", 3);
    start_2afc(f, "P2", "set R", 3);
    assert_int_equal(dl_store_finish_session(f->st, s2, "completed", &f->err), 0);
    assert_int_equal(dl_store_finish_session(f->st, s3, "crashed", &f->err), 0);
    dl_session *v = NULL;
    size_t n = 0;
    assert_int_equal(dl_store_find_resumable(f->st, "P1", "set R", &v, &n, &f->err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, s3); /* newest first */
    assert_int_equal(v[1].id, s1);
    assert_int_equal(v[1].norder, 3);
    dl_sessions_free(v, n);
    assert_int_equal(dl_store_find_resumable(f->st, "P9", "set R", &v, &n, &f->err), 0);
    assert_int_equal(n, 0);
    dl_sessions_free(v, n);

    /* Our own running sessions are alive: nothing stale. */
    size_t stale = 9;
    assert_int_equal(dl_store_mark_stale(f->st, &stale, &f->err), 0);
    assert_int_equal(stale, 0);
    /* A session whose pid has exited is stale. */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    int status;
    waitpid(child, &status, 0);
    dl_observer o;
    assert_int_equal(dl_store_find_observer(f->st, "P1", &o, &f->err), 0);
    dl_stim_set *set = NULL;
    assert_int_equal(dl_store_find_set(f->st, "set R", &set, &f->err), 0);
    dl_session dead;
    fx_session(&dead, o.id, set->id, 3);
    dead.pid = (int)child;
    assert_int_equal(dl_store_start_session(f->st, &dead, &f->err), 0);
    dl_session other;
    fx_session(&other, o.id, set->id, 3);
    other.pid = (int)child;
    other.hostname = strdup("another-station");
    assert_int_equal(dl_store_start_session(f->st, &other, &f->err), 0);
    assert_int_equal(dl_store_mark_stale(f->st, &stale, &f->err), 0);
    assert_int_equal(stale, 1);
    dl_session y;
    assert_int_equal(dl_store_get_session(f->st, dead.id, &y, &f->err), 0);
    assert_string_equal(y.status, "crashed");
    dl_store_session_clear(&y);
    assert_int_equal(dl_store_get_session(f->st, other.id, &y, &f->err), 0);
    assert_string_equal(y.status, "running"); /* other hosts' pids mean nothing here */
    dl_store_session_clear(&y);
    dl_store_session_clear(&dead);
    dl_store_session_clear(&other);
    dl_observer_clear(&o);
    dl_stim_set_free(set);
}

/* --resume takes a session over: only running or crashed ones, and never one
 * a live process on this computer still runs. */
static void test_reopen_session(void **state)
{
    fx *f = *state;
    int64_t crashed = start_2afc(f, "P1", "set O", 3);
    int64_t done = start_2afc(f, "P1", "set O", 3);
    assert_int_equal(dl_store_finish_session(f->st, crashed, "crashed", &f->err), 0);
    assert_int_equal(dl_store_finish_session(f->st, done, "completed", &f->err), 0);
    assert_int_equal(dl_store_reopen_session(f->st, crashed, &f->err), 0);
    dl_session y;
    assert_int_equal(dl_store_get_session(f->st, crashed, &y, &f->err), 0);
    assert_string_equal(y.status, "running");
    assert_int_equal(y.pid, (int)getpid());
    assert_null(y.ended_utc);
    dl_store_session_clear(&y);
    assert_int_equal(dl_store_reopen_session(f->st, done, &f->err), DL_EINVAL);
    assert_non_null(strstr(f->err.msg, "the session is completed"));

    /* A running session of a live process (a sleeping child) is refused. */
    pid_t child = fork();
    if (child == 0) {
        sleep(30);
        _exit(0);
    }
    dl_observer o;
    assert_int_equal(dl_store_find_observer(f->st, "P1", &o, &f->err), 0);
    dl_stim_set *set = NULL;
    assert_int_equal(dl_store_find_set(f->st, "set O", &set, &f->err), 0);
    dl_session live;
    fx_session(&live, o.id, set->id, 3);
    live.pid = (int)child;
    assert_int_equal(dl_store_start_session(f->st, &live, &f->err), 0);
    int rc = dl_store_reopen_session(f->st, live.id, &f->err);
    kill(child, SIGKILL);
    int status;
    waitpid(child, &status, 0);
    assert_int_equal(rc, DL_EBUSY);
    char expected[64];
    snprintf(expected, sizeof expected, "process %d on this computer is still running it",
             (int)child);
    assert_non_null(strstr(f->err.msg, expected));
    /* Once that process is gone, the session can be taken over. */
    assert_int_equal(dl_store_reopen_session(f->st, live.id, &f->err), 0);
    dl_store_session_clear(&live);
    dl_observer_clear(&o);
    dl_stim_set_free(set);
}

/* ---- reading ------------------------------------------------------------------- */

typedef struct seen {
    int n;
    int stop_at;
    char first_observer[64];
    char trivial[8][32];
    int choice[8];
    double rt[8];
} seen;

static int on_trial(void *ctx, const dl_trial_view *t)
{
    seen *s = ctx;
    if (s->n == 0)
        snprintf(s->first_observer, sizeof s->first_observer, "%s", t->observer_code);
    if (s->n < 8) {
        snprintf(s->trivial[s->n], sizeof s->trivial[0], "%s", t->trivial_image);
        s->choice[s->n] = t->choice;
        s->rt[s->n] = t->rt_ms;
    }
    s->n++;
    return s->n == s->stop_at ? 7 : 0;
}

static void test_each_trial(void **state)
{
    fx *f = *state;
    int64_t a = start_2afc(f, "B-obs", "set E", 4);
    int64_t b = start_2afc(f, "A-obs", "set E", 4);
    int64_t c = start_2afc(f, "C-obs", "other", 2);
    for (int i = 0; i < 3; i++) {
        dl_trial t = fx_trial(a, i);
        t.item_index = 3 - i;
        assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
        t = fx_trial(b, i);
        assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
    }
    dl_trial t = fx_trial(c, 0);
    assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
    seen s = {0};
    /* Nothing is completed yet. */
    assert_int_equal(dl_store_each_trial(f->st, NULL, 0, on_trial, &s, &f->err), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(dl_store_finish_session(f->st, a, "completed", &f->err), 0);
    assert_int_equal(dl_store_each_trial(f->st, NULL, 0, on_trial, &s, &f->err), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.first_observer, "B-obs");
    assert_string_equal(s.trivial[0], "t3.png"); /* joined through item_index 3 */
    assert_string_equal(s.trivial[2], "t1.png");
    assert_int_equal(s.choice[1], 1);
    assert_true(s.rt[2] == 502.25);
    memset(&s, 0, sizeof s);
    assert_int_equal(dl_store_each_trial(f->st, "set E", 1, on_trial, &s, &f->err), 0);
    assert_int_equal(s.n, 6);
    assert_string_equal(s.first_observer, "A-obs"); /* ordered by observer code */
    memset(&s, 0, sizeof s);
    assert_int_equal(dl_store_each_trial(f->st, NULL, 1, on_trial, &s, &f->err), 0);
    assert_int_equal(s.n, 7);
    memset(&s, 0, sizeof s);
    s.stop_at = 2;
    assert_int_equal(dl_store_each_trial(f->st, NULL, 1, on_trial, &s, &f->err), 7);
    assert_int_equal(s.n, 2);
}

static int on_rating(void *ctx, const dl_rating_view *r)
{
    seen *s = ctx;
    if (s->n < 8) {
        snprintf(s->trivial[s->n], sizeof s->trivial[0], "%s|%s|%d", r->image,
                 r->difficulty ? r->difficulty : "?", r->label_error);
        s->choice[s->n] = r->q3;
        s->rt[s->n] = r->frac_correct;
    }
    s->n++;
    return 0;
}

static void test_each_rating_and_list(void **state)
{
    fx *f = *state;
    dl_observer o = {.code = "R", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    dl_stim_set *set = fx_set_rating("rs", 3);
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    dl_session x;
    fx_session(&x, o.id, set->id, 3);
    assert_int_equal(dl_store_start_session(f->st, &x, &f->err), 0);
    for (int i = 0; i < 2; i++) {
        dl_rating r = {.session_id = x.id,
                       .index = i,
                       .item_index = i + 1,
                       .image = set->items[i + 1].a.path,
                       .q1 = 1,
                       .q2 = 2,
                       .q3 = i ? -1 : 0,
                       .rt_q1_ms = 1,
                       .rt_q2_ms = 2,
                       .rt_q3_ms = 3};
        assert_int_equal(dl_store_log_rating(f->st, &r, &f->err), 0);
    }
    seen s = {0};
    assert_int_equal(dl_store_each_rating(f->st, "rs", 1, on_rating, &s, &f->err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.trivial[0], "r1.jpg|in-between|0");
    assert_string_equal(s.trivial[1], "r2.jpg|impossible|0");
    assert_int_equal(s.choice[0], 0);
    assert_int_equal(s.choice[1], -1);
    assert_true(s.rt[1] == 1.0);
    dl_session_summary *v = NULL;
    size_t n = 0;
    assert_int_equal(dl_store_list_sessions(f->st, &v, &n, &f->err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].uuid, x.uuid);
    assert_string_equal(v[0].observer_code, "R");
    assert_string_equal(v[0].set_name, "rs");
    assert_string_equal(v[0].task, "rating");
    assert_string_equal(v[0].status, "running");
    assert_int_equal(v[0].done, 2);
    assert_int_equal(v[0].total, 3);
    assert_null(v[0].ended_utc);
    dl_session_summaries_free(v, n);
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
}

/* ---- export ---------------------------------------------------------------------- */

/* Names that break naive CSV: quotes, commas, a newline, UTF-8. */
#define NASTY_CODE "Ob \"Q\", Zoë\nline2 — 観察者"
#define NASTY_IMAGE "dir, with comma/\"quoted\" ümlaut\n.png"

static void test_export_round_trip(void **state)
{
    fx *f = *state;
    dl_observer o = {
        .code = NASTY_CODE, .age = 30, .gender = "x", .vision_corrected = 1, .naive = 1};
    assert_int_equal(dl_store_ensure_observer(f->st, &o, &f->err), 0);
    dl_stim_set *set = fx_set_2afc("set, \"one\"", 2, 1, "");
    free(set->items[1].a.path);
    set->items[1].a.path = strdup(NASTY_IMAGE);
    assert_int_equal(dl_store_add_set(f->st, set, &f->err), 0);
    dl_session x;
    fx_session(&x, o.id, set->id, 2);
    assert_int_equal(dl_store_start_session(f->st, &x, &f->err), 0);
    dl_trial t = fx_trial(x.id, 0);
    t.item_index = 1;
    t.left_image = NASTY_IMAGE;
    t.right_image = "x1.png";
    t.choice = 0;
    t.correct = 1;
    t.rt_ms = 0.1 + 0.2; /* needs 17 digits to read back exactly */
    assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
    t = fx_trial(x.id, 1);
    t.choice = -1;
    t.rt_ms = NAN;
    assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);

    char out[400];
    snprintf(out, sizeof out, "%s/trials.csv", f->dir);
    size_t rows = 0;
    assert_int_equal(dl_store_export_count(f->st, "trials", out, &rows, &f->err), 0);
    assert_int_equal(rows, 2);
    dl_csv *csv = NULL;
    assert_int_equal(dl_csv_read(out, &csv, &f->err), 0);
    assert_int_equal(csv->nrows, 2);
    int obs = dl_csv_col(csv, "observer"), left = dl_csv_col(csv, "left_image");
    int triv = dl_csv_col(csv, "trivial_image"), rt = dl_csv_col(csv, "rt_ms");
    int uuid = dl_csv_col(csv, "session_uuid"), setn = dl_csv_col(csv, "set_name");
    int choice = dl_csv_col(csv, "choice"), correct = dl_csv_col(csv, "correct");
    assert_true(obs >= 0 && left >= 0 && triv >= 0 && rt >= 0 && uuid >= 0 && setn >= 0);
    assert_string_equal(csv->rows[0][obs], NASTY_CODE);
    assert_string_equal(csv->rows[0][left], NASTY_IMAGE);
    assert_string_equal(csv->rows[0][triv], NASTY_IMAGE);
    assert_string_equal(csv->rows[0][uuid], x.uuid);
    assert_string_equal(csv->rows[0][setn], "set, \"one\"");
    assert_string_equal(csv->rows[0][choice], "left");
    assert_string_equal(csv->rows[0][correct], "1");
    double v;
    assert_int_equal(dl_parse_double(csv->rows[0][rt], &v), 0);
    assert_true(v == 0.1 + 0.2);
    assert_string_equal(csv->rows[1][rt], "NA");
    assert_string_equal(csv->rows[1][choice], "NA");
    assert_string_equal(csv->rows[1][correct], "NA"); /* no response: neither right nor wrong */
    dl_csv_free(csv);

    const char *tables[] = {"sessions", "observers", "stimuli", "ratings"};
    const size_t want_rows[] = {1, 1, 4, 0};
    const char *col[] = {"seed", "observer", "image", "q1"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(out, sizeof out, "%s/%s.csv", f->dir, tables[i]);
        assert_int_equal(dl_store_export_count(f->st, tables[i], out, &rows, &f->err), 0);
        assert_int_equal(rows, want_rows[i]);
        assert_int_equal(dl_csv_read(out, &csv, &f->err), 0);
        assert_int_equal(csv->nrows, want_rows[i]);
        assert_true(dl_csv_col(csv, col[i]) >= 0);
        if (i == 1)
            assert_string_equal(csv->rows[0][0], NASTY_CODE);
        if (i == 2) /* item 1's trivial image, listed first, on the right */
            assert_string_equal(csv->rows[2][dl_csv_col(csv, "image")], NASTY_IMAGE);
        if (i == 0)
            assert_string_equal(csv->rows[0][dl_csv_col(csv, "trials_done")], "2");
        dl_csv_free(csv);
    }
    assert_int_equal(dl_store_export(f->st, "nope", out, &f->err), DL_EINVAL);
    snprintf(out, sizeof out, "%s/missing/dir/x.csv", f->dir);
    assert_int_not_equal(dl_store_export(f->st, "trials", out, &f->err), 0);
    assert_non_null(strstr(f->err.msg, "x.csv"));
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
}

/* ---- merge ---------------------------------------------------------------------- */

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, msg);
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
}

static int64_t sql_count(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void copy_file(const char *from, const char *to)
{
    char *data;
    size_t len;
    dl_error err;
    assert_int_equal(dl_read_file(from, &data, &len, &err), 0);
    FILE *fp = fopen(to, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
    free(data);
}

/* A station file: observer code, a 2AFC set "shared" of 3 items, one
 * completed session of ntrials trials. Returns the session's UUID. */
static void make_station(const char *path, const char *code, int ntrials, char uuid[37])
{
    dl_error err;
    dl_store *st;
    assert_int_equal(dl_store_open(path, 0, &st, &err), 0);
    dl_observer o = {.code = (char *)code, .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(st, &o, &err), 0);
    dl_stim_set *set = NULL;
    if (dl_store_find_set(st, "shared", &set, &err) != 0) {
        set = fx_set_2afc("shared", 3, 0, "");
        assert_int_equal(dl_store_add_set(st, set, &err), 0);
    }
    dl_session x;
    fx_session(&x, o.id, set->id, 3);
    assert_int_equal(dl_store_start_session(st, &x, &err), 0);
    for (int i = 0; i < ntrials; i++) {
        dl_trial t = fx_trial(x.id, i);
        assert_int_equal(dl_store_log_trial(st, &t, &err), 0);
    }
    assert_int_equal(dl_store_log_event(st, x.id, 0.5, "info", "start", &err), 0);
    assert_int_equal(dl_store_finish_session(st, x.id, "completed", &err), 0);
    memcpy(uuid, x.uuid, 37);
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
    dl_store_close(st);
}

static void test_merge(void **state)
{
    fx *f = *state;
    char a[400], b[400], out[400], u1[37], u2[37], u3[37];
    snprintf(a, sizeof a, "%s/a.sqlite", f->dir);
    snprintf(b, sizeof b, "%s/b.sqlite", f->dir);
    snprintf(out, sizeof out, "%s/all.sqlite", f->dir);
    make_station(a, "P1", 3, u1);
    copy_file(a, b);              /* b starts as a copy of a: session u1 is in both */
    make_station(b, "P1", 2, u2); /* same observer code, same set */
    make_station(b, "P2", 1, u3);
    make_station(a, "P3", 0, u3);
    const char *srcs[] = {a, b, a};
    assert_int_equal(dl_store_merge(out, srcs, 3, &f->err), 0);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM sessions"), 4);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM observers"), 3);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM stimulus_sets"), 1);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM images"), 6);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM set_items"), 3);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM trials"), 3 + 2 + 1);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM events"), 4);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    /* The merged set reads back with the same content hash and items. */
    dl_store *st;
    assert_int_equal(dl_store_open(out, 0, &st, &f->err), 0);
    dl_stim_set *set = NULL;
    assert_int_equal(dl_store_find_set(st, "shared", &set, &f->err), 0);
    char hex[65];
    dl_stim_set *ref = fx_set_2afc("shared", 3, 0, "");
    assert_int_equal(dl_store_add_set(f->st, ref, &f->err), 0);
    memcpy(hex, ref->content_sha256, 65);
    assert_string_equal(set->content_sha256, hex);
    assert_string_equal(set->items[2].b.path, "x2.png");
    dl_session x;
    assert_int_equal(dl_store_get_session_uuid(st, u2, &x, &f->err), 0);
    size_t next;
    assert_int_equal(dl_store_next_index(st, x.id, &next, &f->err), 0);
    assert_int_equal(next, 2);
    assert_string_equal(x.display_mode, "1920x1080@60");
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
    dl_stim_set_free(ref);
    dl_store_close(st);
    /* Merging the same files again adds nothing. */
    assert_int_equal(dl_store_merge(out, srcs, 2, &f->err), 0);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM trials"), 6);
    assert_int_equal(dl_store_merge(out, (const char *const[]){out}, 1, &f->err), DL_EINVAL);
}

static void test_merge_conflicts(void **state)
{
    fx *f = *state;
    char a[400], c[400], d[400], out[400], u1[37];
    snprintf(a, sizeof a, "%s/a.sqlite", f->dir);
    snprintf(c, sizeof c, "%s/c.sqlite", f->dir);
    snprintf(d, sizeof d, "%s/d.sqlite", f->dir);
    snprintf(out, sizeof out, "%s/all.sqlite", f->dir);
    make_station(a, "P1", 3, u1);
    copy_file(a, c);
    /* c's copy of the session gains a trial a does not have. */
    dl_store *st;
    assert_int_equal(dl_store_open(c, 0, &st, &f->err), 0);
    dl_session x;
    assert_int_equal(dl_store_get_session_uuid(st, u1, &x, &f->err), 0);
    dl_trial t = fx_trial(x.id, 7);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), 0);
    dl_store_session_clear(&x);
    dl_store_close(st);
    const char *srcs[] = {a, c};
    assert_int_equal(dl_store_merge(out, srcs, 2, &f->err), DL_EEXIST);
    assert_non_null(strstr(f->err.msg, u1));
    assert_non_null(strstr(f->err.msg, "trials differ"));
    assert_non_null(strstr(f->err.msg, "c.sqlite"));
    assert_int_equal(access(out, F_OK), -1); /* a failed merge leaves no new file */

    /* d: a set named "shared" with other items. */
    dl_store *sd;
    assert_int_equal(dl_store_open(d, 0, &sd, &f->err), 0);
    dl_stim_set *set = fx_set_2afc("shared", 3, 0, "other/");
    assert_int_equal(dl_store_add_set(sd, set, &f->err), 0);
    dl_stim_set_free(set);
    dl_store_close(sd);
    /* An existing output keeps exactly what it had. */
    const char *first[] = {a};
    assert_int_equal(dl_store_merge(out, first, 1, &f->err), 0);
    int64_t before = sql_count(out, "SELECT count(*) FROM trials");
    const char *srcs2[] = {a, d};
    assert_int_equal(dl_store_merge(out, srcs2, 2, &f->err), DL_EEXIST);
    assert_non_null(strstr(f->err.msg, "'shared'"));
    assert_non_null(strstr(f->err.msg, "different content"));
    assert_int_equal(sql_count(out, "SELECT count(*) FROM trials"), before);
    assert_int_equal(sql_count(out, "SELECT count(*) FROM stimulus_sets"), 1);
    /* A missing input: nothing written either. */
    char missing[400];
    snprintf(missing, sizeof missing, "%s/none.sqlite", f->dir);
    const char *srcs3[] = {a, missing};
    assert_int_equal(dl_store_merge(out, srcs3, 2, &f->err), DL_ENOENT);
    assert_non_null(strstr(f->err.msg, "none.sqlite"));
}

/* ---- refusals: newer schema, corrupt files ------------------------------------------ */

static void test_newer_schema(void **state)
{
    fx *f = *state;
    dl_store_close(f->st);
    f->st = NULL;
    sql_exec(f->path, "PRAGMA user_version = 99");
    dl_store *st = NULL;
    assert_int_equal(dl_store_open(f->path, 0, &st, &f->err), DL_ESCHEMA);
    assert_null(st);
    assert_non_null(strstr(f->err.msg, f->path));
    assert_non_null(strstr(f->err.msg, "version 99"));
    assert_non_null(strstr(f->err.msg, "version 2)"));
    assert_int_equal(dl_store_open(f->path, DL_STORE_READONLY, &st, &f->err), DL_ESCHEMA);
    /* Nothing was changed by the refusal. */
    assert_int_equal(sql_count(f->path, "PRAGMA user_version"), 99);
    dl_store_report r;
    assert_int_equal(dl_store_check(f->path, &r, &f->err), 0);
    assert_int_equal(r.schema_version, 99);
    assert_true(r.integrity_ok);
    assert_int_equal(r.trials, -1);
}

static void write_random(const char *path, size_t n, unsigned seed)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    srand(seed);
    for (size_t i = 0; i < n; i++)
        fputc(rand() & 0xff, fp);
    fclose(fp);
}

static void test_corrupt_file(void **state)
{
    fx *f = *state;
    char p[400];
    snprintf(p, sizeof p, "%s/junk.sqlite", f->dir);
    write_random(p, 8192, 1);
    dl_store *st = NULL;
    assert_int_equal(dl_store_open(p, 0, &st, &f->err), DL_ECORRUPT);
    assert_null(st);
    assert_non_null(strstr(f->err.msg, "junk.sqlite"));
    assert_non_null(strstr(f->err.msg, "corrupt or not a dddlab database"));
    dl_store_report r;
    assert_int_equal(dl_store_check(p, &r, &f->err), DL_ECORRUPT);
    /* A foreign SQLite file is not written into. */
    snprintf(p, sizeof p, "%s/foreign.sqlite", f->dir);
    sql_exec(p, "CREATE TABLE t(x)");
    assert_int_equal(dl_store_open(p, 0, &st, &f->err), DL_EINVAL);
    assert_non_null(strstr(f->err.msg, "not a dddlab database"));
    /* A real store with a damaged page: check says so. */
    int64_t sid = start_2afc(f, "K", "k", 200);
    for (int i = 0; i < 200; i++) {
        dl_trial t = fx_trial(sid, i);
        t.left_image = "a-rather-long-image-name-to-fill-several-pages-of-the-trials-table.png";
        assert_int_equal(dl_store_log_trial(f->st, &t, &f->err), 0);
    }
    dl_store_close(f->st);
    f->st = NULL;
    assert_int_equal(dl_store_check(f->path, &r, &f->err), 0);
    assert_true(r.integrity_ok);
    assert_int_equal(r.trials, 200);
    assert_string_equal(r.journal_mode, "wal");
    /* Overwrite the root page of the trials table (its b-tree header). */
    int64_t root = sql_count(f->path, "SELECT rootpage FROM sqlite_schema WHERE name = 'trials'");
    int64_t page = sql_count(f->path, "PRAGMA page_size");
    FILE *fp = fopen(f->path, "r+b");
    assert_non_null(fp);
    fseek(fp, (long)((root - 1) * page), SEEK_SET);
    for (int64_t i = 0; i < page; i++)
        fputc(0x5a, fp);
    fclose(fp);
    assert_int_equal(dl_store_check(f->path, &r, &f->err), 0);
    assert_false(r.integrity_ok);
    assert_string_not_equal(r.integrity, "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_pragmas_and_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_rating_and_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_observers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_and_next_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_ratings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resumable_and_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_trial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_rating_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
