/* test_exp_resize.c — a whole simulated 2AFC session in a real window under
 * Xvfb whose size is changed twice by xdotool while it runs: the runner
 * lays its screens out again (an info event names each new size), the
 * instructions long enough for pages are paged through, and every trial is
 * still logged once. */
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

static void find_window(char *id, size_t len)
{
    FILE *p = popen("timeout 30 xdotool search --sync --name '^dddlab$' 2>/dev/null", "r");
    assert_non_null(p);
    id[0] = 0;
    assert_non_null(fgets(id, (int)len, p));
    pclose(p);
    id[strcspn(id, "\n")] = 0;
    assert_true(id[0] != 0);
}

static void resize(const char *id, int w, int h)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "timeout 20 xdotool windowsize %s %d %d >/dev/null 2>&1", id, w, h);
    assert_int_equal(system(cmd), 0);
}

/* How many events of the session have detail starting with prefix. */
static int count_events(const fx *f, const char *prefix)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM events WHERE substr(detail, 1, ?1) = ?2", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, (int)strlen(prefix));
        sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void test_resize_while_running(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 6, 1, 64, 64, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    /* instructions of 60 short paragraphs: several pages in a 1024x768 window */
    char text[8192] = "", path[400];
    for (int k = 1; k <= 60; k++) {
        char line[80];
        snprintf(line, sizeof line, "Paragraph %d of the instructions.\n\n", k);
        strcat(text, line);
    }
    assert_int_equal(fx_write(&f, "long.txt", text, path, sizeof path), 0);
    assert_int_equal(fx_ini(&f, "2afc", "exp1",
                            "[procedure]\ninstructions = long.txt\niti_ms = 300\n"
                            "countdown_s = 1\nscreen_min_ms = 100\n"
                            "[display]\nrefresh_frames = 20\n"),
                     0);
    const char *args[] = {"dddlab",
                          "run",
                          "--db",
                          f.db,
                          "--experiment",
                          f.ini,
                          "--observer",
                          "RS1",
                          "--windowed",
                          "--simulate",
                          "rt=fixed:400,screen_ms=500,seed=4",
                          NULL};
    pid_t pid = fx_spawn(&f, args);
    assert_true(pid > 0);
    char id[64];
    find_window(id, sizeof id);
    fx_sleep_ms(700); /* the instructions are up */
    resize(id, 800, 600);
    fx_sleep_ms(2500);
    resize(id, 1000, 700);
    assert_int_equal(fx_wait(pid, 90), 0);
    assert_int_equal(fx_count_trials(&f), 7); /* practice + 6, each once */
    assert_int_equal(count_events(&f, "the window changed to 800x600 (drawable 800x600 px)"), 1);
    assert_int_equal(count_events(&f, "the window changed to 1000x700 (drawable 1000x700 px)"), 1);
    assert_true(count_events(&f, "page 2 of ") == 1);
    fx_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_while_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
