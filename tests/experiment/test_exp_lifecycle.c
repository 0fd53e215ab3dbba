/* test_exp_lifecycle.c — every way a session can stop leaves it resumable
 * (issue 11): quitting from the pause screen, SIGTERM, Ctrl-C (SIGINT),
 * closing the window, kill -9; the resumed run continues at the next
 * unanswered trial in the same order, without practice, after a welcome
 * back; onset_s keeps increasing across runs; a pid now owned by another
 * process does not block; a changed experiment file is refused and, with
 * --allow-changed-experiment, recorded; an unfinished session is never left
 * behind by accident (codes compared without case, --new-session, N on the
 * resume question asks again). Real runner, real window under Xvfb, real
 * SQLite files. */
#include <X11/Xlib.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"

#define NMAIN 8
#define NPRACTICE 2
#define NALL (NMAIN + NPRACTICE)

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void setup(fx *f)
{
    fx_opts o = {"2afc", "life", NMAIN, NPRACTICE, 64, 48, 0};
    assert_int_equal(fx_setup(f, &o), 0);
    /* no seed: the order is drawn at random and must come back from the db */
    FILE *fp = fopen(f->ini, "w");
    assert_non_null(fp);
    fprintf(fp, "[experiment]\ntask = 2afc\nset = life\n[procedure]\niti_ms = 100\n"
                "countdown_s = 1\nscreen_min_ms = 50\nfeedback_ms = 100\n"
                "[display]\nrefresh_frames = 20\n");
    fclose(fp);
}

/* ---- reading the database directly ------------------------------------------------------ */

static sqlite3 *db_open(const fx *f)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static long long q_int(const fx *f, const char *sql)
{
    sqlite3 *db = db_open(f);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    long long v = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void q_text(const fx *f, const char *sql, char *out, size_t len)
{
    sqlite3 *db = db_open(f);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    out[0] = '\0';
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, len, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void q_exec(const fx *f, const char *sql)
{
    sqlite3 *db = db_open(f);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The one session of observer code in the db, its status. */
static void status_of(const fx *f, int64_t session_id, char *out, size_t len)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT status FROM sessions WHERE id = %lld", (long long)session_id);
    q_text(f, sql, out, len);
}

/* Every position once, in the stored order, all in session id; onsets
 * increase with the position across runs; practice only in the first run. */
static void expect_complete(const fx *f, int64_t id, int nruns)
{
    sqlite3 *db = db_open(f);
    sqlite3_stmt *s = NULL;
    dl_store *st = NULL;
    dl_error e = {0};
    dl_session sess;
    assert_int_equal(dl_store_open(f->db, DL_STORE_READONLY, &st, &e), 0);
    assert_int_equal(dl_store_get_session(st, id, &sess, &e), 0);
    dl_store_close(st);
    assert_string_equal(sess.status, "completed");
    assert_int_equal((int)sess.norder, NALL);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT t.idx, t.item_index, t.onset_s, t.practice,"
                                        " r.seq FROM trials t JOIN runs r ON r.id = t.run_id"
                                        " WHERE t.session_id = ?1 ORDER BY t.idx",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    int n = 0;
    double last = -1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        assert_int_equal(sqlite3_column_int(s, 0), n);
        assert_int_equal(sqlite3_column_int(s, 1), sess.order[n]);
        double onset = sqlite3_column_double(s, 2);
        assert_true(onset > last);
        last = onset;
        if (sqlite3_column_int(s, 3))
            assert_int_equal(sqlite3_column_int(s, 4), 1); /* practice never again */
        n++;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_int_equal(n, NALL);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM trials WHERE session_id <> %lld", (long long)id);
    assert_int_equal(q_int(f, sql), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE session_id = %lld", (long long)id);
    assert_int_equal(q_int(f, sql), nruns);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM answers WHERE session_id = %lld AND question = 'choice'",
             (long long)id);
    assert_int_equal(q_int(f, sql), NALL);
    dl_store_session_clear(&sess);
}

/* ---- running ------------------------------------------------------------------------------ */

static int run(const fx *f, const char *code, const char *sim, const char *extra1,
               const char *extra2, char *err, size_t len)
{
    const char *a[20] = {"dddlab", "run",        "--db",       f->db, "--experiment",
                         f->ini,   "--windowed", "--simulate", sim};
    int k = 9;
    if (code) {
        a[k++] = "--observer";
        a[k++] = code;
    }
    if (extra1)
        a[k++] = extra1;
    if (extra2)
        a[k++] = extra2;
    a[k] = NULL;
    return fx_run(f, a, 90, err, len);
}

/* Start a run and send sig once at least `after` trials are stored. */
static int run_and_signal(const fx *f, const char *code, int after, int sig, int *status)
{
    const char *a[] = {"dddlab",     "run",        "--db",
                       f->db,        "--experiment", f->ini,
                       "--observer", code,         "--windowed",
                       "--simulate", "rt=fixed:300,screen_ms=80,seed=3", NULL};
    pid_t pid = fx_spawn(f, a);
    for (int i = 0; i < 600 && fx_count_trials(f) < after; i++)
        sleep_ms(50);
    sleep_ms(120);
    kill(pid, sig);
    waitpid(pid, status, 0);
    return fx_count_trials(f);
}

/* Send WM_DELETE_WINDOW to the runner's window, as a window manager's close
 * button does. */
static void close_window(pid_t pid)
{
    char cmd[128], line[64] = "";
    snprintf(cmd, sizeof cmd, "xdotool search --pid %d 2>/dev/null", (int)pid);
    unsigned long w = 0;
    for (int tries = 0; tries < 50 && !w; tries++) {
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        while (fgets(line, sizeof line, p))
            w = strtoul(line, NULL, 10); /* the last one: SDL's top-level window */
        pclose(p);
        if (!w)
            sleep_ms(100);
    }
    assert_true(w != 0);
    Display *d = XOpenDisplay(NULL);
    assert_non_null(d);
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xclient.type = ClientMessage;
    ev.xclient.window = (Window)w;
    ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
    ev.xclient.data.l[1] = CurrentTime;
    XSendEvent(d, (Window)w, False, NoEventMask, &ev);
    XFlush(d);
    XCloseDisplay(d);
}

static int run_and_close(const fx *f, const char *code, int after, int *status)
{
    const char *a[] = {"dddlab",     "run",        "--db",
                       f->db,        "--experiment", f->ini,
                       "--observer", code,         "--windowed",
                       "--simulate", "rt=fixed:300,screen_ms=80,seed=3", NULL};
    pid_t pid = fx_spawn(f, a);
    for (int i = 0; i < 600 && fx_count_trials(f) < after; i++)
        sleep_ms(50);
    close_window(pid);
    waitpid(pid, status, 0);
    return fx_count_trials(f);
}

static void resume_to_end(const fx *f, const char *code, int nruns)
{
    char err[2048];
    int rc = run(f, code, "rt=fixed:100,screen_ms=60,seed=5", "--resume", NULL, err, sizeof err);
    if (rc != 0)
        print_message("resume of %s failed (%d): %s\n", code, rc, err);
    assert_int_equal(rc, 0);
    expect_complete(f, 1, nruns);
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_quit_then_resume(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char err[2048], st[32], p[512];
    assert_int_equal(run(&f, "Q1", "rt=fixed:100,screen_ms=60,quit_after=3,seed=2", NULL, NULL,
                         err, sizeof err),
                     0);
    status_of(&f, 1, st, sizeof st);
    assert_string_equal(st, "aborted");
    int first = fx_count_trials(&f);
    assert_int_equal(first, NPRACTICE + 3);
    /* the second run: welcome back, then the countdown, no practice */
    const char *a[] = {"dddlab",     "run",      "--db",       f.db,
                       "--experiment", f.ini,    "--observer", "Q1",
                       "--resume",   "--windowed", "--simulate", "rt=fixed:100,screen_ms=60,seed=5",
                       "--screenshots", f.shots, NULL};
    assert_int_equal(fx_run(&f, a, 90, err, sizeof err), 0);
    expect_complete(&f, 1, 2);
    snprintf(p, sizeof p, "%s/welcome-back.png", f.shots);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    snprintf(p, sizeof p, "%s/practice-intro.png", f.shots);
    assert_int_not_equal(stat(p, &sb), 0);
    assert_int_equal(q_int(&f, "SELECT first_index FROM runs WHERE seq = 2"), first);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM events WHERE kind = 'resume'"), 1);
    /* everything the second run logged comes after everything of the first */
    assert_int_equal(q_int(&f, "SELECT (SELECT min(t_s) FROM events WHERE run_id ="
                               " (SELECT id FROM runs WHERE seq = 2)) >"
                               " (SELECT max(max(response_s), max(t_s)) FROM trials, events"
                               " WHERE trials.run_id = (SELECT id FROM runs WHERE seq = 1)"
                               " AND events.run_id = trials.run_id)"),
                     1);
    assert_int_equal(q_int(&f, "SELECT time_offset_s > 0 FROM runs WHERE seq = 2"), 1);
    fx_teardown(&f);
}

static void test_signals_then_resume(void **state)
{
    (void)state;
    const int sigs[2] = {SIGTERM, SIGINT};
    for (int k = 0; k < 2; k++) {
        fx f;
        setup(&f);
        int status = 0;
        int logged = run_and_signal(&f, "S1", 4, sigs[k], &status);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_true(logged >= 4 && logged < NALL);
        char st[32];
        status_of(&f, 1, st, sizeof st);
        assert_string_equal(st, "aborted");
        resume_to_end(&f, "S1", 2);
        fx_teardown(&f);
    }
}

static void test_window_close_then_resume(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    int status = 0;
    int logged = run_and_close(&f, "W1", 3, &status);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(logged >= 3 && logged < NALL);
    char st[32];
    status_of(&f, 1, st, sizeof st);
    assert_string_equal(st, "aborted");
    resume_to_end(&f, "W1", 2);
    fx_teardown(&f);
}

/* kill -9 leaves `running` with a dead pid. Give that pid to a live process
 * that is not the runner (as after a reboot or pid wrap-around): resume must
 * not be blocked. A truly live runner still blocks. */
static void test_reused_pid_does_not_block(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    int status = 0;
    run_and_signal(&f, "K1", 3, SIGKILL, &status);
    assert_true(WIFSIGNALED(status));
    char st[32], err[2048], sql[256];
    status_of(&f, 1, st, sizeof st);
    assert_string_equal(st, "running");
    pid_t other = fork();
    if (other == 0) {
        execlp("sleep", "sleep", "60", (char *)NULL);
        _exit(127);
    }
    sleep_ms(100);
    snprintf(sql, sizeof sql, "UPDATE runs SET pid = %d; UPDATE sessions SET pid = %d", (int)other,
             (int)other);
    q_exec(&f, sql);
    resume_to_end(&f, "K1", 2);

    /* the same with a boot id of another boot and this test's own pid */
    fx g;
    setup(&g);
    run_and_signal(&g, "K2", 3, SIGKILL, &status);
    snprintf(sql, sizeof sql,
             "UPDATE runs SET pid = %d, boot_id = '00000000-0000-0000-0000-000000000000';"
             " UPDATE sessions SET pid = %d",
             (int)getpid(), (int)getpid());
    q_exec(&g, sql);
    resume_to_end(&g, "K2", 2);
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);

    /* a live runner blocks a second one */
    fx h;
    setup(&h);
    const char *a[] = {"dddlab",     "run",        "--db",
                       h.db,         "--experiment", h.ini,
                       "--observer", "K3",         "--windowed",
                       "--simulate", "rt=fixed:400,screen_ms=80,seed=3", NULL};
    pid_t live = fx_spawn(&h, a);
    for (int i = 0; i < 600 && fx_count_trials(&h) < 2; i++)
        sleep_ms(50);
    fx h2 = h; /* stdout/stderr of the second run into another folder's files */
    char sub[300];
    snprintf(sub, sizeof sub, "%s/second", h.dir);
    assert_true(strlen(sub) < sizeof h2.dir);
    memcpy(h2.dir, sub, strlen(sub) + 1);
    mkdir(h2.dir, 0700);
    assert_int_equal(run(&h2, "K3", "rt=fixed:100", "--resume", NULL, err, sizeof err), 1);
    assert_non_null(strstr(err, "is still running (process "));
    /* nor is it replaced under the live runner */
    assert_int_equal(run(&h2, "K3", "rt=fixed:100", "--new-session", NULL, err, sizeof err), 1);
    assert_non_null(strstr(err, "of observer 'K3' is running right now (process "));
    assert_int_equal(q_int(&h, "SELECT count(*) FROM sessions"), 1);
    kill(live, SIGKILL);
    waitpid(live, NULL, 0);
    fx_teardown(&f);
    fx_teardown(&g);
    fx_teardown(&h);
}

static void test_changed_file(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char err[2048], text[4096], stored[4096];
    assert_int_equal(run(&f, "C1", "rt=fixed:100,screen_ms=60,quit_after=2,seed=2", NULL, NULL,
                         err, sizeof err),
                     0);
    FILE *fp = fopen(f.ini, "w"); /* the case: a new deadline_ms */
    fprintf(fp, "[experiment]\ntask = 2afc\nset = life\n[procedure]\niti_ms = 100\n"
                "countdown_s = 1\nscreen_min_ms = 50\nfeedback_ms = 100\ndeadline_ms = 1500\n"
                "[display]\nrefresh_frames = 20\n");
    fclose(fp);
    assert_int_equal(run(&f, "C1", "rt=fixed:100", "--resume", NULL, err, sizeof err), 1);
    assert_non_null(strstr(err, "the experiment file changed since session "));
    assert_non_null(strstr(err, "--allow-changed-experiment"));
    assert_int_equal(q_int(&f, "SELECT count(*) FROM runs"), 1); /* nothing written */
    assert_int_equal(run(&f, "C1", "rt=fixed:100,screen_ms=60,seed=5", "--resume",
                         "--allow-changed-experiment", err, sizeof err),
                     0);
    expect_complete(&f, 1, 2);
    assert_int_equal(q_int(&f, "SELECT experiment_changed FROM runs WHERE seq = 2"), 1);
    assert_int_equal(q_int(&f, "SELECT experiment_changed FROM runs WHERE seq = 1"), 0);
    assert_int_equal(q_int(&f, "SELECT (SELECT experiment_sha256 FROM runs WHERE seq = 2) <>"
                               " (SELECT experiment_sha256 FROM sessions)"),
                     1);
    fx_slurp(f.ini, text, sizeof text);
    q_text(&f, "SELECT experiment_text FROM runs WHERE seq = 2", stored, sizeof stored);
    assert_string_equal(stored, text);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM events WHERE kind = 'warning' AND detail"
                               " LIKE 'the experiment file changed%'"),
                     1);
    /* the changed file is now the session's: a third resume needs no flag */
    fx_teardown(&f);
}

static void test_no_second_session_by_accident(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char err[2048];
    assert_int_equal(run(&f, "P02", "rt=fixed:100,screen_ms=60,quit_after=2,seed=2", NULL, NULL,
                         err, sizeof err),
                     0);
    /* p02 is P02: refused, naming the way out */
    assert_int_equal(run(&f, "p02", "rt=fixed:100", NULL, NULL, err, sizeof err), 1);
    assert_non_null(strstr(err, "observer 'p02' has an unfinished session on stimulus set 'life' "));
    assert_non_null(strstr(err, "continue it with --resume, or start another with --new-session"));
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM observers"), 1);
    /* --new-session: a second session; the first is no longer offered */
    assert_int_equal(run(&f, "p02", "rt=fixed:100,screen_ms=60,seed=4", "--new-session", NULL, err,
                         sizeof err),
                     0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sessions"), 2);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM observers"), 1);
    assert_int_equal(q_int(&f, "SELECT superseded_by FROM sessions WHERE id = 1"), 2);
    assert_int_equal(run(&f, "P02", "rt=fixed:100", "--resume", NULL, err, sizeof err), 1);
    assert_string_equal(err, "dddlab: observer 'P02' has no unfinished session on stimulus set "
                             "'life' to resume\n");
    fx_teardown(&f);
}

/* On the code-entry screen: N on the resume question asks again, and R
 * there goes back to the unfinished session. */
static void test_resume_question_asks_again(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char err[2048];
    assert_int_equal(run(&f, NULL, "rt=fixed:100,screen_ms=60,code=B1,quit_after=2,seed=2", NULL,
                         NULL, err, sizeof err),
                     0);
    assert_int_equal(run(&f, NULL, "rt=fixed:100,screen_ms=60,code=b1,resume=back,seed=3", NULL,
                         NULL, err, sizeof err),
                     0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM sessions"), 1);
    expect_complete(&f, 1, 2);
    /* resume=no: N twice starts a new session and retires the old one */
    fx g;
    setup(&g);
    assert_int_equal(run(&g, NULL, "rt=fixed:100,screen_ms=60,code=B2,quit_after=2,seed=2", NULL,
                         NULL, err, sizeof err),
                     0);
    assert_int_equal(run(&g, NULL, "rt=fixed:100,screen_ms=60,code=B2,resume=no,seed=3", NULL,
                         NULL, err, sizeof err),
                     0);
    assert_int_equal(q_int(&g, "SELECT count(*) FROM sessions"), 2);
    assert_int_equal(q_int(&g, "SELECT superseded_by FROM sessions WHERE id = 1"), 2);
    fx_teardown(&f);
    fx_teardown(&g);
}

/* Finding 7: a press stamped before min_rt_ms after the onset (as a press
 * made while the onset frame was being presented is) does not answer; it
 * is an anticipation event. Finding 12: each answer records its device,
 * key or button and click position. */
static void test_anticipation_and_devices(void **state)
{
    (void)state;
    fx f;
    setup(&f);
    char err[2048];
    /* the wrong key 5 ms after each onset, the right one at 200 ms */
    assert_int_equal(run(&f, "A1", "accuracy=1,anticipate=5,rt=fixed:200,screen_ms=60,seed=2",
                         NULL, NULL, err, sizeof err),
                     0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM trials WHERE correct = 1"), NALL);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM trials WHERE rt_ms >= 195"), NALL);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM events WHERE kind = 'anticipation'"), NALL);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers WHERE device = 'keyboard' AND"
                               " button IN ('Left', 'Right') AND x_px IS NULL"),
                     NALL);
    /* clicks: the mouse, its button and where inside the chosen image */
    int rc = run(&f, "A2", "accuracy=1,mouse=1,rt=fixed:200,screen_ms=60,seed=3", NULL, NULL,
                 err, sizeof err);
    if (rc != 0)
        print_message("run A2 (mouse) failed: %s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers a JOIN sessions s ON s.id ="
                               " a.session_id JOIN observers o ON o.id = s.observer_id WHERE"
                               " o.code = 'A2' AND a.device = 'mouse' AND a.button = 'left' AND"
                               " a.x_px > 0 AND a.y_px > 0"),
                     NALL);
    /* demographics and windowed land where they belong */
    assert_int_equal(run(&f, "A3", "rt=fixed:200,screen_ms=60,seed=4", "--age", "31", err,
                         sizeof err),
                     0);
    assert_int_equal(q_int(&f, "SELECT age FROM observers WHERE code = 'A3'"), 31);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM runs WHERE windowed = 1"), 3);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM runs WHERE simulate LIKE 'accuracy=1,%'"),
                     2);
    /* priority = realtime (the default): SCHED_FIFO 10, or the fallback with
     * an info event saying why (an unprivileged account) */
    assert_int_equal(q_int(&f, "SELECT count(*) FROM runs r WHERE (r.sched_policy = 'SCHED_FIFO'"
                               " AND r.sched_priority = 10) OR (r.sched_policy = 'SCHED_OTHER'"
                               " AND EXISTS (SELECT 1 FROM events e WHERE e.run_id = r.id AND"
                               " e.detail LIKE 'no real-time scheduling (%'))"),
                     3);
    fx_teardown(&f);
}

/* Finding 13: the trivial image's side is counterbalanced per observer (all
 * pairs mirrored for about half of them), stable across runs and case of
 * the code; counterbalance_sides = no keeps the set's sides. */
static void test_counterbalanced_sides(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "cb", 4, 0, 32, 24, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    const char *body = "[procedure]\niti_ms = 50\ncountdown_s = 0\nscreen_min_ms = 20\n"
                       "[display]\nrefresh_frames = 10\n";
    assert_int_equal(fx_ini(&f, "2afc", "cb", body), 0);
    char err[2048], code[16];
    for (int i = 0; i < 6; i++) {
        snprintf(code, sizeof code, "CB%d", i);
        assert_int_equal(run(&f, code, "rt=fixed:150,screen_ms=30,seed=1", NULL, NULL, err,
                             sizeof err),
                         0);
    }
    /* shown sides agree with the set's, or all are mirrored, per session */
    const char *shown = "SELECT count(*) FROM trials t JOIN sessions s ON s.id = t.session_id"
                        " JOIN set_items it ON it.set_id = s.set_id AND it.idx = t.item_index"
                        " JOIN images ia ON ia.id = it.image_a"
                        " WHERE ((t.left_image = ia.path) = (it.trivial_left = 1))"
                        " = (s.sides_mirrored = 1)";
    assert_int_equal(q_int(&f, shown), 0);
    long long mirrored = q_int(&f, "SELECT sum(sides_mirrored) FROM sessions");
    assert_true(mirrored >= 1 && mirrored <= 5);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM trials WHERE correct = 1"),
                     q_int(&f, "SELECT count(*) FROM trials t JOIN sessions s ON s.id ="
                               " t.session_id JOIN set_items it ON it.set_id = s.set_id AND"
                               " it.idx = t.item_index JOIN images ia ON ia.id = it.image_a"
                               " WHERE t.choice = CASE WHEN t.left_image = ia.path THEN 0"
                               " ELSE 1 END"));
    /* the same observer in another database decides the same: cb0 is CB0 */
    long long cb0 = q_int(&f, "SELECT sides_mirrored FROM sessions s JOIN observers o ON"
                              " o.id = s.observer_id WHERE o.code = 'CB0'");
    fx g;
    assert_int_equal(fx_setup(&g, &o), 0);
    assert_int_equal(fx_ini(&g, "2afc", "cb", body), 0);
    assert_int_equal(run(&g, "cb0", "rt=fixed:150,screen_ms=30,seed=1", NULL, NULL, err,
                         sizeof err),
                     0);
    assert_int_equal(q_int(&g, "SELECT sides_mirrored FROM sessions"), cb0);
    /* switched off: never mirrored */
    fx h;
    assert_int_equal(fx_setup(&h, &o), 0);
    char body2[512];
    snprintf(body2, sizeof body2, "%s", "[procedure]\niti_ms = 50\ncountdown_s = 0\n"
                                        "screen_min_ms = 20\ncounterbalance_sides = no\n"
                                        "[display]\nrefresh_frames = 10\n");
    assert_int_equal(fx_ini(&h, "2afc", "cb", body2), 0);
    for (int i = 0; i < 6; i++) {
        snprintf(code, sizeof code, "CB%d", i);
        assert_int_equal(run(&h, code, "rt=fixed:150,screen_ms=30,seed=1", NULL, NULL, err,
                             sizeof err),
                         0);
    }
    assert_int_equal(q_int(&h, "SELECT sum(sides_mirrored) FROM sessions"), 0);
    assert_int_equal(q_int(&h, shown), 0);
    fx_teardown(&f);
    fx_teardown(&g);
    fx_teardown(&h);
}

/* Finding 11: the experimenter is told how many deadlines were missed, in
 * the terminal and as a warning event; break ends are logged (finding 12). */
static void test_missed_deadlines_told(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "dl", 4, 0, 32, 24, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "2afc", "dl",
                            "[procedure]\niti_ms = 50\ncountdown_s = 0\nscreen_min_ms = 20\n"
                            "deadline_ms = 150\nbreak_every = 2\n[display]\nrefresh_frames = 10\n"),
                     0);
    char err[2048];
    assert_int_equal(run(&f, "D1", "rt=fixed:400,screen_ms=30,seed=1", NULL, NULL, err,
                         sizeof err),
                     0);
    /* one line of its own; a loaded machine may add a refresh warning */
    assert_non_null(strstr(err, "dddlab: warning: 4 trials of this run missed the 150 ms deadline "
                                "(logged as no response)\n"));
    assert_int_equal(q_int(&f, "SELECT count(*) FROM trials WHERE choice = -1"), 4);
    assert_int_equal(q_int(&f, "SELECT deadlines_missed FROM runs"), 4);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM events WHERE kind = 'warning' AND detail"
                               " LIKE '4 trials of this run missed%'"),
                     1);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers WHERE value IS NULL"), 4);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM events WHERE detail LIKE 'break ended after"
                               " %'"),
                     1);
    fx_teardown(&f);
}

/* Rating questions from the experiment file: four of different types shown,
 * answered by the simulated observer and stored one row each under their
 * keys, the definitions with the session. */
static void test_four_questions(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "q4", 3, 0, 32, 24, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "rating", "q4",
                            "[procedure]\niti_ms = 50\ncountdown_s = 0\nscreen_min_ms = 20\n"
                            "[display]\nrefresh_frames = 10\n[questions]\ncount = 4\n"
                            "q2 = unordered nominal\nq3 = ordered ordinal\nq4 = count ratio\n"
                            "[text]\nq2 = Which kind of thing is it?\n"
                            "q2_options = Animal, Object, Scene, Food\nq4 = How many dogs?\n"),
                     0);
    char err[2048];
    assert_int_equal(run(&f, "R4", "accuracy=1,rt=fixed:150,screen_ms=30,seed=1", NULL, NULL, err,
                         sizeof err),
                     0);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM ratings"), 3);
    assert_int_equal(q_int(&f, "SELECT count(DISTINCT question) FROM answers"), 4);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers WHERE value IS NOT NULL AND"
                               " rt_ms > 0 AND device = 'keyboard'"),
                     12);
    /* q2 has four labels (0..3), q4 is a count (0..9); the ratings table keeps
     * q1..q3 as before */
    assert_int_equal(q_int(&f, "SELECT max(value) <= 3 FROM answers WHERE question = 'q2'"), 1);
    assert_int_equal(q_int(&f, "SELECT count(*) FROM answers a JOIN ratings r USING"
                               " (session_id, idx) WHERE a.question = 'q2' AND a.value = r.q2"),
                     3);
    char json[2048];
    q_text(&f, "SELECT questions_json FROM sessions", json, sizeof json);
    assert_non_null(strstr(json, "{\"key\":\"q2\",\"text\":\"Which kind of thing is it?\","
                                 "\"type\":\"unordered\",\"level\":\"nominal\",\"options\":"
                                 "[\"Animal\",\"Object\",\"Scene\",\"Food\"]}"));
    assert_non_null(strstr(json, "{\"key\":\"q4\",\"text\":\"How many dogs?\",\"type\":"
                                 "\"count\",\"level\":\"ratio\",\"options\":[]}"));
    fx_teardown(&f);
}

int main(void)
{
    if (!getenv("DL_BINARY") || !getenv("DISPLAY")) {
        fprintf(stderr, "test_exp_lifecycle: needs DL_BINARY and DISPLAY; run it through ctest "
                        "(with-xvfb.sh)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quit_then_resume),
        cmocka_unit_test(test_signals_then_resume),
        cmocka_unit_test(test_window_close_then_resume),
        cmocka_unit_test(test_reused_pid_does_not_block),
        cmocka_unit_test(test_changed_file),
        cmocka_unit_test(test_no_second_session_by_accident),
        cmocka_unit_test(test_resume_question_asks_again),
        cmocka_unit_test(test_anticipation_and_devices),
        cmocka_unit_test(test_counterbalanced_sides),
        cmocka_unit_test(test_missed_deadlines_told),
        cmocka_unit_test(test_four_questions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
