/* test_exp_xdotool_questions.c — a rating session of four questions with
 * German texts and labels (a count, a five-label scale, a three-label choice,
 * ja/nein), answered with real X key presses (xdotool) in a real window under
 * Xvfb: the digit of a count is its value, the digit of a label its position
 * from 1, answers can be changed before Enter. Checks the stored `answers`
 * rows (value, device, key) and that `analyse` lists the four questions in
 * German. Each key list is repeated if it came before the trial's screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"

static void focus_window(void)
{
    char id[64];
    assert_int_equal(fx_focus_window(id, sizeof id), 0);
}

static int wait_shot(const fx *f, const char *name)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s.png", f->shots, name);
    for (int i = 0; i < 300 && access(p, F_OK) != 0; i++)
        fx_sleep_ms(50);
    fx_sleep_ms(350); /* the screen's minimum time before a key counts */
    return access(p, F_OK) == 0;
}

/* Press keys until the n-th rating is logged. */
static void rate(const fx *f, const char *keys, int n)
{
    fx_sleep_ms(600); /* past the inter-trial interval */
    for (int attempt = 0; attempt < 5; attempt++) {
        fx_xdo("key --delay 120 %s", keys);
        for (int i = 0; i < 60; i++) {
            if (fx_count_ratings(f) >= n)
                return;
            fx_sleep_ms(50);
        }
    }
    fail_msg("no rating logged after pressing '%s'", keys);
}

static char *slurp(const char *path)
{
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    assert_true(fx_slurp(path, buf, 1 << 16) >= 0);
    return buf;
}

static void test_four_questions_by_keys(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "q4keys", 3, 0, 160, 160, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(
        fx_ini(&f, "rating", "q4keys",
               "[procedure]\ninstructions = instructions.txt\niti_ms = 200\ncountdown_s = 0\n"
               "screen_min_ms = 200\n[display]\nrefresh_frames = 20\n"
               "[questions]\ncount = 4\nq1 = count interval\nq2 = ordered ordinal\n"
               "q3 = unordered nominal\nq4 = unordered nominal\n"
               "[text]\nq1 = Wie viele Objekte sehen Sie?\nq2 = Wie oft läge ein Netz richtig?\n"
               "q3 = Was ist die Hauptsache?\nq4 = Ist das Bild scharf?\n"
               "q2_options = nie, selten, manchmal, oft, immer\n"
               "q3_options = Tier, Gegenstand, Szene\nq4_options = ja, nein\n"),
        0);
    const char *args[] = {"dddlab",        "run",   "--db",       f.db,
                          "--experiment",  f.ini,   "--observer", "DE1",
                          "--screenshots", f.shots, NULL};
    pid_t pid = fx_spawn(&f, args);
    focus_window();
    assert_true(wait_shot(&f, "instructions"));
    fx_xdo("key space");
    assert_true(wait_shot(&f, "trial"));
    /* q1 = 2, q2 = 4th label (oft), q3 = 3rd (Szene), q4 = 1st (ja) */
    rate(&f, "2 Return 4 Return 3 Return 1 Return", 1);
    /* the lowest answers: q1 = 0, then the first label of each, q4 = nein */
    rate(&f, "0 Return 1 Return 1 Return 2 Return", 2);
    /* changed before Enter: q1 7 -> 5, q2 1 -> 5 (immer), q3 = 2, q4 = 2 */
    rate(&f, "7 5 Return 1 5 Return 2 Return 2 Return", 3);
    assert_true(wait_shot(&f, "end"));
    fx_xdo("key space");
    assert_int_equal(fx_wait(pid, 30), 0);

    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_open_v2(f.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT a.idx, a.question, a.value, a.device, a.button,"
                                        " a.rt_ms FROM answers a JOIN sessions s"
                                        " ON s.id = a.session_id WHERE s.status = 'completed'"
                                        " ORDER BY a.idx, a.question",
                                        -1, &s, NULL),
                     SQLITE_OK);
    const int want[3][4] = {{2, 3, 2, 0}, {0, 0, 0, 1}, {5, 4, 1, 1}};
    const char *const key[3][4] = {
        {"2", "4", "3", "1"}, {"0", "1", "1", "2"}, {"5", "5", "2", "2"}};
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int idx = sqlite3_column_int(s, 0), q = n % 4;
        char qkey[4];
        snprintf(qkey, sizeof qkey, "q%d", q + 1);
        assert_true(n < 12);
        assert_int_equal(idx, n / 4);
        assert_string_equal((const char *)sqlite3_column_text(s, 1), qkey);
        assert_int_equal(sqlite3_column_int(s, 2), want[idx][q]);
        assert_string_equal((const char *)sqlite3_column_text(s, 3), "keyboard");
        assert_string_equal((const char *)sqlite3_column_text(s, 4), key[idx][q]);
        assert_true(sqlite3_column_double(s, 5) > 0);
        n++;
    }
    assert_int_equal(n, 12);
    sqlite3_finalize(s);
    /* the session stored its four questions */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT questions_json FROM sessions", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_non_null(strstr((const char *)sqlite3_column_text(s, 0), "\"key\":\"q4\""));
    sqlite3_finalize(s);
    sqlite3_close(db);

    /* analyse lists the four questions with their German texts and labels */
    const char *a[] = {"dddlab", "analyse", "--db", f.db, NULL};
    char err[2048] = "";
    int rc = fx_run(&f, a, 60, err, sizeof err);
    if (rc)
        fprintf(stderr, "analyse: %s\n", err);
    assert_int_equal(rc, 0);
    char p[400];
    snprintf(p, sizeof p, "%s/stdout.txt", f.dir);
    char *text = slurp(p);
    assert_non_null(strstr(text, "1 observers, 3 items, 3 ratings"));
    assert_non_null(strstr(text, "q1       Wie viele Objekte sehen Sie?\n         count 0-9\n"));
    assert_non_null(strstr(text,
                           "q2       Wie oft läge ein Netz richtig?\n"
                           "         ordered: 0 nie, 1 selten, 2 manchmal, 3 oft, 4 immer\n"));
    assert_non_null(
        strstr(text, "q4       Ist das Bild scharf?\n         unordered: 0 ja, 1 nein\n"));
    /* one row per question in the agreement table, at the question's level */
    assert_non_null(strstr(text, "\nq1       interval"));
    assert_non_null(strstr(text, "\nq2       ordinal "));
    assert_non_null(strstr(text, "\nq3       nominal "));
    assert_non_null(strstr(text, "\nq4       nominal "));
    /* the answers given, with their German labels: q4 ja once, nein twice */
    assert_non_null(strstr(text, "\nq4       0 ja "));
    assert_non_null(strstr(text, "\n         1 nein "));
    assert_non_null(strstr(text, "         3 oft "));
    assert_non_null(strstr(text, "         4 immer "));
    free(text);
    fx_teardown(&f);
}

int main(void)
{
    if (!getenv("DL_BINARY") || !getenv("DISPLAY")) {
        fprintf(stderr, "test_exp_xdotool_questions: needs DL_BINARY and DISPLAY; run it "
                        "through ctest (with-xvfb.sh)\n");
        return 1;
    }
    if (system("command -v xdotool >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_exp_xdotool_questions: xdotool not found (apt-get install "
                        "xdotool)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_questions_by_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
