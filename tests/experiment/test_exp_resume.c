/* test_exp_resume.c — SIGKILL in the middle of a session, then resume: the
 * session continues at the next unanswered trial in the same order, and in
 * the end every trial is stored exactly once. Resuming through --resume and
 * through the code-entry screen. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "fixture.h"

#define NMAIN 10
#define NPRACTICE 2
#define NALL (NMAIN + NPRACTICE)

typedef struct seen {
    int n;
    int index[64], item[64];
    char uuid[64][40], status[16];
} seen;

static int collect(void *ctx, const dl_trial_view *v)
{
    seen *s = ctx;
    if (s->n == 64)
        return 1;
    s->index[s->n] = v->index;
    s->item[s->n] = v->item_index;
    snprintf(s->uuid[s->n], sizeof s->uuid[0], "%s", v->session_uuid);
    snprintf(s->status, sizeof s->status, "%s", v->session_status);
    s->n++;
    return 0;
}

static void read_seen(const fx *f, seen *s)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(fx_each_trial(f, 1, collect, s), 0);
}

/* Start a run and SIGKILL it once at least `after` trials are stored. */
static int run_and_kill(const fx *f, const char *const *args, int after)
{
    pid_t pid = fx_spawn(f, args);
    int n = 0;
    for (int i = 0; i < 600 && (n = fx_count_trials(f)) < after; i++)
        fx_sleep_ms(50);
    fx_sleep_ms(130); /* somewhere inside the next trial */
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    return fx_count_trials(f);
}

/* Every position once, in the session's stored order, all in one session. */
static void expect_complete(const fx *f, int64_t session_id)
{
    seen s;
    read_seen(f, &s);
    assert_int_equal(s.n, NALL);
    assert_string_equal(s.status, "completed");
    dl_store *st = NULL;
    dl_error e = {0};
    dl_session sess;
    assert_int_equal(dl_store_open(f->db, DL_STORE_READONLY, &st, &e), 0);
    assert_int_equal(dl_store_get_session(st, session_id, &sess, &e), 0);
    dl_store_close(st);
    assert_int_equal((int)sess.norder, NALL);
    for (int i = 0; i < NALL; i++) {
        assert_int_equal(s.index[i], i);
        assert_int_equal(s.item[i], sess.order[i]);
        assert_string_equal(s.uuid[i], sess.uuid);
    }
    assert_string_equal(sess.status, "completed");
    dl_store_session_clear(&sess);
}

static void setup(fx *f, const char *set)
{
    fx_opts o = {"2afc", set, NMAIN, NPRACTICE, 64, 48, 0};
    assert_int_equal(fx_setup(f, &o), 0);
    /* no seed: the order is drawn at random and must come back from the db */
    FILE *fp = fopen(f->ini, "w");
    fprintf(
        fp,
        "[experiment]\ntask = 2afc\nset = %s\n[procedure]\niti_ms = 100\n"
        "countdown_s = 0\nscreen_min_ms = 50\nfeedback_ms = 100\n[display]\nrefresh_frames = 20\n",
        set);
    fclose(fp);
}

static void test_kill_then_resume_flag(void **state)
{
    (void)state;
    fx f;
    setup(&f, "exp1");
    const char *a1[] = {"dddlab",
                        "run",
                        "--db",
                        f.db,
                        "--experiment",
                        f.ini,
                        "--observer",
                        "K1",
                        "--windowed",
                        "--simulate",
                        "rt=fixed:250,screen_ms=100,seed=4",
                        NULL};
    int logged = run_and_kill(&f, a1, 5);
    assert_true(logged >= 5 && logged < NALL);
    seen s;
    read_seen(&f, &s);
    assert_string_equal(s.status, "running"); /* the dead process could not say more */

    const char *a2[] = {
        "dddlab",       "run",        "--db",       f.db,
        "--experiment", f.ini,        "--observer", "K1",
        "--resume",     "--windowed", "--simulate", "rt=fixed:100,screen_ms=100,seed=5",
        "--json",       NULL};
    assert_int_equal(fx_run(&f, a2, 60, NULL, 0), 0);
    char out[4096], p[400], want[64];
    snprintf(p, sizeof p, "%s/stdout.txt", f.dir);
    fx_slurp(p, out, sizeof out);
    assert_non_null(strstr(out, "\"resumed\":true"));
    snprintf(want, sizeof want, "\"first_index\":%d,", logged);
    assert_non_null(strstr(out, want));
    snprintf(want, sizeof want, "\"logged\":%d,", NALL - logged);
    assert_non_null(strstr(out, want));
    expect_complete(&f, 1);
    fx_teardown(&f);
}

static void test_kill_twice_then_resume_on_code_screen(void **state)
{
    (void)state;
    fx f;
    setup(&f, "exp1");
    /* the code is typed on the code-entry screen */
    const char *a1[] = {"dddlab",     "run",          "--db",
                        f.db,         "--experiment", f.ini,
                        "--windowed", "--simulate",   "rt=fixed:250,screen_ms=100,code=K2,seed=6",
                        NULL};
    int first = run_and_kill(&f, a1, 3);
    /* the resume question answered with R, killed again */
    const char *a2[] = {
        "dddlab",     "run",          "--db",
        f.db,         "--experiment", f.ini,
        "--windowed", "--simulate",   "rt=fixed:250,screen_ms=100,code=K2,resume=yes,seed=7",
        NULL};
    int second = run_and_kill(&f, a2, first + 3);
    assert_true(second > first && second < NALL);
    assert_int_equal(fx_run(&f, a2, 60, NULL, 0), 0);
    expect_complete(&f, 1);

    /* now nothing is unfinished: a new session starts */
    const char *a3[] = {"dddlab",     "run",          "--db", f.db,       "--experiment",
                        f.ini,        "--observer",   "K2",   "--resume", "--windowed",
                        "--simulate", "rt=fixed:100", NULL};
    char err[2048];
    assert_int_equal(fx_run(&f, a3, 60, err, sizeof err), 1);
    assert_string_equal(err, "dddlab: observer 'K2' has no unfinished session on stimulus set "
                             "'exp1' to resume\n");
    fx_teardown(&f);
}

int main(void)
{
    if (!getenv("DL_BINARY") || !getenv("DISPLAY")) {
        fprintf(stderr, "test_exp_resume: needs DL_BINARY and DISPLAY; run it through ctest "
                        "(with-xvfb.sh)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_then_resume_flag),
        cmocka_unit_test(test_kill_twice_then_resume_on_code_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
