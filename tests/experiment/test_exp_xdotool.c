/* test_exp_xdotool.c — sessions driven by real X key presses (xdotool,
 * through the X server's XTEST extension) in a real window under Xvfb: the
 * code-entry screen, practice, trials, Escape and quit; and a whole rating
 * session. Each key waits for the screen it answers (its screenshot file or
 * the logged trial), and is repeated if it was pressed too early. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

static char window_id[64];

/* Wait for our window and give it the keyboard. */
static void find_window(void)
{
    assert_int_equal(fx_focus_window(window_id, sizeof window_id), 0);
}

static int shot_exists(const fx *f, const char *name)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s.png", f->shots, name);
    return access(p, F_OK) == 0;
}

static int wait_shot(const fx *f, const char *name)
{
    for (int i = 0; i < 300 && !shot_exists(f, name); i++)
        fx_sleep_ms(50);
    fx_sleep_ms(350); /* the screen's minimum time before a key counts */
    return shot_exists(f, name);
}

typedef int (*cond_fn)(const fx *f, const void *arg);

static int cond_shot(const fx *f, const void *arg)
{
    return shot_exists(f, arg);
}
static int cond_trials(const fx *f, const void *arg)
{
    return fx_count_trials(f) >= *(const int *)arg;
}
static int cond_ratings(const fx *f, const void *arg)
{
    return fx_count_ratings(f) >= *(const int *)arg;
}

/* Press keys (an xdotool key list) until cond holds; a press that came
 * before its screen was flushed, so pressing again is safe. Only after a
 * long wait, though: on a loaded machine (an ASan build, other tests on
 * both cores) the runner can take seconds to show the next screen, and a
 * second press of a key that toggles — Escape opens the pause screen and
 * closes it again — would undo the first. */
static void press_until(const fx *f, const char *keys, cond_fn cond, const void *arg)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        fx_xdo("key --delay 120 %s", keys);
        for (int i = 0; i < 300; i++) {
            if (cond(f, arg))
                return;
            fx_sleep_ms(50);
        }
    }
    fail_msg("no progress after pressing '%s'", keys);
}

/* The quit key on the pause screen, pressed until the runner has ended (a
 * press it has not taken yet is still in the queue, and a second q is
 * harmless there); the runner's exit status, or -1 when it never ended. */
static int quit_and_wait(pid_t pid)
{
    for (int attempt = 0; attempt < 4; attempt++) {
        fx_xdo("key q");
        for (int i = 0; i < 200; i++) {
            int status;
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid)
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            if (w < 0)
                return -1;
            fx_sleep_ms(50);
        }
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static void answer_trial(const fx *f, const char *key, int n_after)
{
    fx_sleep_ms(600); /* past the inter-trial interval: the images are up */
    press_until(f, key, cond_trials, &n_after);
}

typedef struct row {
    int choice, correct, practice;
    char observer[16], status[16], left[32], trivial[32];
} row;

typedef struct rowset {
    row r[16];
    int n;
} rowset;

static int collect(void *ctx, const dl_trial_view *v)
{
    rowset *s = ctx;
    row *r = &s->r[s->n++];
    r->choice = v->choice;
    r->correct = v->correct;
    r->practice = v->practice;
    snprintf(r->observer, sizeof r->observer, "%s", v->observer_code);
    snprintf(r->status, sizeof r->status, "%s", v->session_status);
    snprintf(r->left, sizeof r->left, "%s", v->left_image);
    snprintf(r->trivial, sizeof r->trivial, "%s", v->trivial_image);
    return s->n == 16;
}

static void test_2afc_keys(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 4, 1, 160, 120, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "2afc", "exp1",
                            "[procedure]\ninstructions = instructions.txt\niti_ms = 200\n"
                            "countdown_s = 0\nscreen_min_ms = 200\nfeedback_ms = 300\n"),
                     0);
    /* no --observer: the code-entry screen asks */
    const char *args[] = {"dddlab", "run",           "--db",  f.db, "--experiment",
                          f.ini,    "--screenshots", f.shots, NULL};
    pid_t pid = fx_spawn(&f, args);
    find_window();
    assert_true(wait_shot(&f, "code-entry"));
    fx_xdo("type --delay 80 OBS7");
    press_until(&f, "Return", cond_shot, "instructions");
    assert_true(wait_shot(&f, "instructions"));
    press_until(&f, "space", cond_shot, "practice-intro");
    assert_true(wait_shot(&f, "practice-intro"));
    press_until(&f, "space", cond_shot, "practice");
    answer_trial(&f, "Left", 1); /* practice, with feedback */
    assert_true(wait_shot(&f, "practice-end"));
    press_until(&f, "space", cond_shot, "trial");
    answer_trial(&f, "Right", 2);
    answer_trial(&f, "f", 3);
    /* Escape opens the pause screen, Q quits: both answers are kept */
    fx_sleep_ms(600);
    press_until(&f, "Escape", cond_shot, "pause");
    assert_true(wait_shot(&f, "pause"));
    assert_int_equal(quit_and_wait(pid), 0);

    rowset s = {0};
    assert_int_equal(fx_each_trial(&f, 1, collect, &s), 0);
    assert_int_equal(s.n, 3);
    const int want_choice[3] = {0, 1, 0}; /* Left, Right, F */
    for (int i = 0; i < 3; i++) {
        assert_string_equal(s.r[i].observer, "OBS7");
        assert_string_equal(s.r[i].status, "aborted");
        assert_int_equal(s.r[i].practice, i == 0);
        assert_int_equal(s.r[i].choice, want_choice[i]);
        int trivial_is_left = strcmp(s.r[i].left, s.r[i].trivial) == 0;
        assert_int_equal(s.r[i].correct, want_choice[i] == 0 ? trivial_is_left : !trivial_is_left);
    }
    fx_teardown(&f);
}

typedef struct rating_set {
    int n, q[8][3];
    double rt[8][3];
} rating_set;

static int collect_rating(void *ctx, const dl_rating_view *v)
{
    rating_set *s = ctx;
    int i = s->n++;
    s->q[i][0] = v->q1;
    s->q[i][1] = v->q2;
    s->q[i][2] = v->q3;
    s->rt[i][0] = v->rt_q1_ms;
    s->rt[i][1] = v->rt_q2_ms;
    s->rt[i][2] = v->rt_q3_ms;
    return s->n == 8;
}

static void test_rating_keys(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "exp2", 3, 0, 224, 224, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(
        fx_ini(&f, "rating", "exp2",
               "[procedure]\ninstructions = instructions.txt\niti_ms = 200\n"
               "countdown_s = 0\nscreen_min_ms = 200\n[display]\nrefresh_frames = 20\n"),
        0);
    const char *args[] = {"dddlab",        "run",   "--db",       f.db,
                          "--experiment",  f.ini,   "--observer", "RAT1",
                          "--screenshots", f.shots, NULL};
    pid_t pid = fx_spawn(&f, args);
    find_window();
    assert_true(wait_shot(&f, "instructions"));
    press_until(&f, "space", cond_shot, "trial");
    int n = 1;
    fx_sleep_ms(600);
    /* Q1 = 3, Q2 = Maybe (key 2), Q3 = No (key 1), each confirmed with Enter */
    press_until(&f, "3 Return 2 Return 1 Return", cond_ratings, &n);
    n = 2;
    fx_sleep_ms(600);
    /* changed answers: 7 then 5 for Q1; arrows for Q2; Up back to Q2 to change it */
    press_until(&f, "7 5 Return Right Right Return 3 Up 1 Down Return", cond_ratings, &n);
    n = 3;
    fx_sleep_ms(600);
    press_until(&f, "0 Return 3 Return 2 Return", cond_ratings, &n);
    assert_true(wait_shot(&f, "end"));
    fx_xdo("key space");
    assert_int_equal(fx_wait(pid, 30), 0);

    rating_set s = {0};
    assert_int_equal(fx_each_rating(&f, 0, collect_rating, &s), 0);
    assert_int_equal(s.n, 3); /* completed session only */
    const int want[3][3] = {{3, 1, 0}, {5, 0, 2}, {0, 2, 1}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.q[i][0], want[i][0]);
        assert_int_equal(s.q[i][1], want[i][1]);
        assert_int_equal(s.q[i][2], want[i][2]);
        for (int q = 0; q < 3; q++)
            assert_true(s.rt[i][q] > 0);
    }
    /* trial 2: Q2 was changed last (after Q3), so its rt is the latest */
    assert_true(s.rt[1][1] > s.rt[1][2]);
    assert_true(s.rt[0][0] < s.rt[0][1] && s.rt[0][1] < s.rt[0][2]);
    fx_teardown(&f);
}

int main(void)
{
    if (!getenv("DL_BINARY") || !getenv("DISPLAY")) {
        fprintf(stderr, "test_exp_xdotool: needs DL_BINARY and DISPLAY; run it through ctest "
                        "(with-xvfb.sh)\n");
        return 1;
    }
    if (system("command -v xdotool >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_exp_xdotool: xdotool not found (apt-get install xdotool)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_2afc_keys),
        cmocka_unit_test(test_rating_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
