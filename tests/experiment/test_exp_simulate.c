/* test_exp_simulate.c — whole sessions answered by the simulated observer
 * (synthetic SDL events in the real queue) in a real window under Xvfb:
 * every trial logged with the right correctness, the session's metadata,
 * the screenshots checked pixel by pixel, quitting, and the headless run. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define W 1280
#define H 1024

typedef struct trial_row {
    int index, practice, item, choice, correct;
    char left[32], right[32], trivial[32], status[16];
    double rt_ms, onset_s;
    int frames_dropped;
} trial_row;

typedef struct rows {
    trial_row t[64];
    int n;
} rows;

static int collect(void *ctx, const dl_trial_view *v)
{
    rows *r = ctx;
    if (r->n == 64)
        return 1;
    trial_row *t = &r->t[r->n++];
    t->index = v->index;
    t->practice = v->practice;
    t->item = v->item_index;
    t->choice = v->choice;
    t->correct = v->correct;
    snprintf(t->left, sizeof t->left, "%s", v->left_image);
    snprintf(t->right, sizeof t->right, "%s", v->right_image);
    snprintf(t->trivial, sizeof t->trivial, "%s", v->trivial_image);
    snprintf(t->status, sizeof t->status, "%s", v->session_status);
    t->rt_ms = v->rt_ms;
    t->onset_s = v->onset_s;
    t->frames_dropped = v->frames_dropped;
    return 0;
}

static void read_trials(const fx *f, rows *r)
{
    memset(r, 0, sizeof *r);
    assert_int_equal(fx_each_trial(f, 1, collect, r), 0);
}

static void load_session(const fx *f, int64_t id, dl_session *s)
{
    dl_store *st = NULL;
    dl_error e = {0};
    memset(s, 0, sizeof *s);
    assert_int_equal(dl_store_open(f->db, DL_STORE_READONLY, &st, &e), 0);
    assert_int_equal(dl_store_get_session(st, id, s, &e), 0);
    dl_store_close(st);
}

static const char *stdout_of(const fx *f)
{
    static char buf[8192];
    char p[400];
    snprintf(p, sizeof p, "%s/stdout.txt", f->dir);
    fx_slurp(p, buf, sizeof buf);
    return buf;
}

static int json_int(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    return p ? atoi(p + strlen(pat)) : -999;
}

/* ---- screenshots -------------------------------------------------------------------------- */

static void shot(const fx *f, const char *name, fx_image *img)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s.png", f->shots, name);
    assert_int_equal(fx_image_load(p, img), 0);
    assert_int_equal(img->w, W);
    assert_int_equal(img->h, H);
}

static void pixel(const fx_image *img, int x, int y, uint8_t rgb[3])
{
    const unsigned char *p = img->px + y * img->pitch + 3 * x;
    rgb[0] = p[0];
    rgb[1] = p[1];
    rgb[2] = p[2];
}

/* Image k drawn unscaled: its fill covers exactly w x h px with the four
 * corner markers where they belong. Returns the top-left corner. */
static void expect_image(const fx_image *img, int k, int w, int h, int *x, int *y)
{
    uint8_t c[3], p[3];
    fx_color(k, c);
    int bw, bh;
    assert_true(fx_find_color(img, c, x, y, &bw, &bh));
    assert_int_equal(bw, w);
    assert_int_equal(bh, h);
    pixel(img, *x, *y, p); /* red top-left */
    assert_true(p[0] == 255 && p[1] == 0 && p[2] == 0);
    pixel(img, *x + w - 1, *y + h - 1, p); /* blue bottom-right */
    assert_true(p[0] == 0 && p[1] == 0 && p[2] == 255);
    pixel(img, *x + 4, *y + 4, p); /* fill just inside the marker: no smoothing */
    assert_memory_equal(p, c, 3);
}

static void expect_background(const fx_image *img, const uint8_t bg[3])
{
    uint8_t p[3];
    int corners[4][2] = {{0, 0}, {W - 1, 0}, {0, H - 1}, {W - 1, H - 1}};
    for (int i = 0; i < 4; i++) {
        pixel(img, corners[i][0], corners[i][1], p);
        assert_memory_equal(p, bg, 3);
    }
}

static void check_2afc_screens(const fx *f, int first_main_item)
{
    static const uint8_t grey[3] = {128, 128, 128};
    fx_image img;
    shot(f, "trial", &img);
    expect_background(&img, grey);
    int trivial_left = first_main_item % 2 == 0; /* as the fixture built the set */
    int kl = 2 * first_main_item + (trivial_left ? 0 : 1);
    int kr = 2 * first_main_item + (trivial_left ? 1 : 0);
    int lx, ly, rx, ry;
    expect_image(&img, kl, 160, 120, &lx, &ly);
    expect_image(&img, kr, 160, 120, &rx, &ry);
    /* side by side, at equal distance from the centre, vertically centred */
    assert_true(lx + 160 <= W / 2 && rx >= W / 2);
    assert_true(abs((lx + 80) + (rx + 80) - W) <= 1);
    assert_int_equal(ly, ry);
    assert_true(abs(ly + 60 - H / 2) <= 1);
    /* the question: dark text above the images, none below */
    assert_true(fx_count_not(&img, grey, 60, 0, ly - 200, W, ly) > 500);
    assert_int_equal(fx_count_not(&img, grey, 0, 0, ly + 130, W, H), 0);
    fx_image_free(&img);

    shot(f, "instructions", &img);
    expect_background(&img, grey);
    assert_true(fx_count_not(&img, grey, 60, 0, H / 2 - 100, W, H / 2 + 100) > 1000);
    fx_image_free(&img);
    const char *others[] = {"loading",      "practice-intro", "practice", "feedback",
                            "practice-end", "countdown",      "break",    "end"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        shot(f, others[i], &img);
        expect_background(&img, grey);
        assert_true(fx_count_not(&img, grey, 60, 0, 0, W, H) > 100); /* text on it */
        fx_image_free(&img);
    }
}

/* ---- the sessions ---------------------------------------------------------------------------- */

static const char *proc_2afc = "[procedure]\ninstructions = instructions.txt\niti_ms = 150\n"
                               "countdown_s = 1\nscreen_min_ms = 100\nbreak_every = 3\n"
                               "feedback_ms = 300\n[display]\nrefresh_frames = 20\n";

static void test_2afc(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 6, 2, 160, 120, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "2afc", "exp1", proc_2afc), 0);
    const char *args[] = {"dddlab",        "run",
                          "--db",          f.db,
                          "--experiment",  f.ini,
                          "--observer",    "S01",
                          "--simulate",    "accuracy=0.5,rt=uniform:150:300,screen_ms=100,seed=3",
                          "--screenshots", f.shots,
                          "--json",        NULL};
    assert_int_equal(fx_run(&f, args, 90, NULL, 0), 0);
    const char *json = stdout_of(&f);
    assert_non_null(strstr(json, "\"status\":\"completed\""));
    assert_int_equal(json_int(json, "logged"), 8);
    assert_int_equal(json_int(json, "screenshots"), 10);

    rows r;
    read_trials(&f, &r);
    assert_int_equal(r.n, 8);
    int ncorrect = 0;
    for (int i = 0; i < r.n; i++) {
        trial_row *t = &r.t[i];
        assert_int_equal(t->index, i); /* each position once, in order */
        assert_int_equal(t->practice, i < 2);
        assert_string_equal(t->status, "completed");
        assert_true(t->choice == 0 || t->choice == 1);
        const char *chosen = t->choice == 0 ? t->left : t->right;
        assert_int_equal(t->correct, strcmp(chosen, t->trivial) == 0);
        ncorrect += t->correct;
        /* pushed at its intended time, stamped after: never earlier */
        assert_true(t->rt_ms >= 150.0 && t->rt_ms < 5000.0);
        assert_true(t->onset_s > 0 && (i == 0 || t->onset_s > r.t[i - 1].onset_s));
    }
    assert_true(ncorrect > 0 && ncorrect < 8); /* accuracy 0.5, seed 3 */
    assert_int_equal(r.t[0].item, 0);          /* practice items first, in set order */
    assert_int_equal(r.t[1].item, 1);

    dl_session s;
    load_session(&f, 1, &s);
    assert_string_equal(s.status, "completed");
    assert_non_null(s.ended_utc);
    assert_int_equal(s.seed, 5);
    assert_int_equal((int)s.norder, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(s.order[i], r.t[i].item);
    char text[4096], hex[65];
    fx_slurp(f.ini, text, sizeof text);
    assert_string_equal(s.experiment_text, text);
    dl_sha256_buf(text, strlen(text), hex);
    assert_string_equal(s.experiment_sha256, hex);
    assert_string_equal(s.software_version, dl_version());
    assert_string_equal(s.git_revision, dl_git_revision());
    assert_string_equal(s.video_driver, "x11");
    assert_true(strlen(s.sdl_version) >= 5 && strlen(s.renderer) > 0);
    assert_non_null(strstr(s.display_mode, "1280x1024"));
    assert_true(isfinite(s.refresh_mean_ms) && s.refresh_mean_ms > 5 && s.refresh_mean_ms < 50);
    assert_true(isfinite(s.refresh_sd_ms));
    assert_int_equal(s.drawable_w, W);
    assert_int_equal(s.drawable_h, H);
    assert_int_equal(s.window_w, W);
    check_2afc_screens(&f, s.order[2]);
    dl_store_session_clear(&s);
    fx_teardown(&f);
}

typedef struct rating_rows {
    int n, q[16][3], index[16], practice[16];
    double rt[16][3];
} rating_rows;

static int collect_rating(void *ctx, const dl_rating_view *v)
{
    rating_rows *r = ctx;
    if (r->n == 16)
        return 1;
    int i = r->n++;
    r->index[i] = v->index;
    r->practice[i] = v->practice;
    r->q[i][0] = v->q1;
    r->q[i][1] = v->q2;
    r->q[i][2] = v->q3;
    r->rt[i][0] = v->rt_q1_ms;
    r->rt[i][1] = v->rt_q2_ms;
    r->rt[i][2] = v->rt_q3_ms;
    return 0;
}

static void check_rating_screen(const fx *f)
{
    static const uint8_t white[3] = {255, 255, 255};
    fx_image img;
    shot(f, "trial", &img);
    expect_background(&img, white); /* the paper's white background */
    dl_session s;
    load_session(f, 1, &s);
    int x, y;
    expect_image(&img, 2 * s.order[1], 224, 224, &x, &y);
    dl_store_session_clear(&s);
    assert_true(abs(x + 112 - W / 2) <= 1);
    /* the trial number on the left of the image, the questions below it */
    assert_true(fx_count_not(&img, white, 60, x - 200, y, x, y + 224) > 50);
    /* right of it only the thin frame around the image (a few px away), then nothing */
    assert_true(fx_count_not(&img, white, 0, x + 224, y, x + 224 + 12, y + 224) >= 224);
    assert_int_equal(fx_count_not(&img, white, 0, x + 224 + 12, y, W, y + 224), 0);
    assert_true(fx_count_not(&img, white, 60, 0, y + 224, W, H) > 3000);
    fx_image_free(&img);
}

static void test_rating(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"rating", "exp2", 4, 1, 224, 224, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "rating", "exp2",
                            "[procedure]\ninstructions = instructions.txt\niti_ms = 150\n"
                            "countdown_s = 0\nscreen_min_ms = 100\n[display]\nrefresh_frames = 20\n"
                            "[text]\nq1 = Wie viele Objekte verschiedener Kategorien sind im "
                            "Bild?\nq2_options = Nein, Vielleicht, Ja\n"),
                     0);
    const char *args[] = {"dddlab",
                          "run",
                          "--db",
                          f.db,
                          "--experiment",
                          f.ini,
                          "--observer",
                          "R01",
                          "--simulate",
                          "rt=fixed:150,confirm_ms=60,screen_ms=100,mouse=1,seed=2",
                          "--screenshots",
                          f.shots,
                          NULL};
    assert_int_equal(fx_run(&f, args, 90, NULL, 0), 0);
    rating_rows r = {0};
    assert_int_equal(fx_each_rating(&f, 0, collect_rating, &r), 0);
    assert_int_equal(r.n, 5);
    for (int i = 0; i < r.n; i++) {
        assert_int_equal(r.index[i], i);
        assert_int_equal(r.practice[i], i == 0);
        assert_true(r.q[i][0] >= 0 && r.q[i][0] <= 9);
        assert_true(r.q[i][1] >= 0 && r.q[i][1] <= 2);
        assert_true(r.q[i][2] >= 0 && r.q[i][2] <= 2);
        /* answers at 150, 360 and 570 ms after onset (rt + Enter + rt ...) */
        assert_true(r.rt[i][0] >= 150.0);
        assert_true(r.rt[i][1] >= 360.0 && r.rt[i][1] > r.rt[i][0]);
        assert_true(r.rt[i][2] >= 570.0 && r.rt[i][2] > r.rt[i][1]);
    }
    /* the questions asked are stored with the session (issue 11) */
    dl_session sess;
    load_session(&f, 1, &sess);
    assert_non_null(sess.questions_json);
    assert_non_null(strstr(sess.questions_json, "\"key\":\"q1\""));
    assert_non_null(strstr(sess.questions_json, "\"type\":\"count\",\"level\":\"interval\""));
    assert_non_null(strstr(sess.questions_json, "\"key\":\"q3\""));
    dl_store_session_clear(&sess);
    check_rating_screen(&f);
    fx_teardown(&f);
}

static void test_quit(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 6, 0, 64, 48, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "2afc", "exp1",
                            "[procedure]\niti_ms = 100\ncountdown_s = 0\n"
                            "screen_min_ms = 50\n[display]\nrefresh_frames = 20\n"),
                     0);
    /* Escape in the third trial, then Q on the pause screen */
    const char *args[] = {"dddlab",       "run",
                          "--db",         f.db,
                          "--experiment", f.ini,
                          "--observer",   "Q01",
                          "--simulate",   "rt=fixed:120,quit_after=2,mouse=1,screen_ms=100",
                          "--windowed",   "--screenshots",
                          f.shots,        NULL};
    assert_int_equal(fx_run(&f, args, 60, NULL, 0), 0);
    rows r;
    read_trials(&f, &r);
    assert_int_equal(r.n, 2); /* every answered trial kept */
    assert_string_equal(r.t[0].status, "aborted");
    for (int i = 0; i < 2; i++) { /* answered by clicks on the images */
        const char *chosen = r.t[i].choice == 0 ? r.t[i].left : r.t[i].right;
        assert_true(r.t[i].choice == 0 || r.t[i].choice == 1);
        assert_int_equal(r.t[i].correct, strcmp(chosen, r.t[i].trivial) == 0);
    }
    dl_session s;
    load_session(&f, 1, &s);
    assert_string_equal(s.status, "aborted");
    assert_non_null(s.ended_utc);
    dl_store_session_clear(&s);
    fx_image img;
    char p[400];
    snprintf(p, sizeof p, "%s/pause.png", f.shots);
    assert_int_equal(fx_image_load(p, &img), 0);
    fx_image_free(&img);
    fx_teardown(&f);
}

static void test_deadline(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 3, 0, 64, 48, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    /* 4 deg at 57 cm on a 25.6 cm wide, 1024 px window: 2 * 57 * tan(2 deg) * 40 px/cm */
    assert_int_equal(fx_ini(&f, "2afc", "exp1",
                            "[procedure]\ndeadline_ms = 200\niti_ms = 100\n"
                            "countdown_s = 0\nscreen_min_ms = 50\n"
                            "[display]\nrefresh_frames = 20\n"
                            "image_width_deg = 4\nviewing_distance_cm = 57\n"
                            "screen_width_cm = 25.6\n"),
                     0);
    /* answers would come at 600 ms, after the deadline */
    const char *args[] = {
        "dddlab",     "run",           "--db",  f.db,         "--experiment",
        f.ini,        "--observer",    "D01",   "--simulate", "rt=fixed:600,screen_ms=100",
        "--windowed", "--screenshots", f.shots, NULL};
    assert_int_equal(fx_run(&f, args, 60, NULL, 0), 0);
    double want_w = 2 * 57 * tan(2 * 3.14159265358979 / 180) * 40; /* 159.25 */
    fx_image img;
    char p[400];
    snprintf(p, sizeof p, "%s/trial.png", f.shots);
    assert_int_equal(fx_image_load(p, &img), 0);
    dl_session s;
    load_session(&f, 1, &s);
    uint8_t c[3];
    fx_color(2 * s.order[0], c);
    int x, y, w, h;
    assert_true(fx_find_color(&img, c, &x, &y, &w, &h));
    assert_true(fabs(w - want_w) <= 2.0); /* scaled, edges blend smoothly */
    assert_true(fabs(h - want_w * 48 / 64) <= 2.0);
    assert_true(isfinite(s.viewing_distance_cm) && s.viewing_distance_cm == 57.0);
    assert_true(s.screen_width_cm == 25.6);
    dl_store_session_clear(&s);
    fx_image_free(&img);
    rows r;
    read_trials(&f, &r);
    assert_int_equal(r.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.t[i].choice, -1); /* no response */
        assert_int_equal(r.t[i].correct, 0);
        assert_true(isnan(r.t[i].rt_ms));
    }
    fx_teardown(&f);
}

static void test_headless(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 2, 0, 64, 48, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "2afc", "exp1",
                            "[procedure]\niti_ms = 50\ncountdown_s = 0\n"
                            "screen_min_ms = 50\n[display]\nrefresh_frames = 20\n"),
                     0);
    const char *args[] = {
        "dddlab", "run",        "--db", f.db,         "--experiment",
        f.ini,    "--observer", "H01",  "--simulate", "rt=fixed:100,screen_ms=100",
        "--json", NULL};
    char *display = getenv("DISPLAY") ? strdup(getenv("DISPLAY")) : NULL;
    unsetenv("DISPLAY"); /* no display: the offscreen driver, same code path */
    int rc = fx_run(&f, args, 60, NULL, 0);
    if (display)
        setenv("DISPLAY", display, 1);
    free(display);
    assert_int_equal(rc, 0);
    const char *json = stdout_of(&f);
    assert_non_null(strstr(json, "\"video_driver\":\"offscreen\""));
    assert_non_null(strstr(json, "\"vsync_emulated\":true"));
    assert_int_equal(fx_count_trials(&f), 2);
    fx_teardown(&f);
}

/* shared=1: the item alone decides, so two observers with different seeds
 * are right and wrong on exactly the same items (error consistency 1). */
static void test_shared(void **state)
{
    (void)state;
    fx f;
    fx_opts o = {"2afc", "exp1", 12, 0, 32, 24, 0};
    assert_int_equal(fx_setup(&f, &o), 0);
    assert_int_equal(fx_ini(&f, "2afc", "exp1",
                            "[procedure]\niti_ms = 0\ncountdown_s = 0\nshuffle = yes\n"
                            "screen_min_ms = 50\n[display]\nrefresh_frames = 20\n"),
                     0);
    char *display = getenv("DISPLAY") ? strdup(getenv("DISPLAY")) : NULL;
    unsetenv("DISPLAY"); /* headless is enough here and faster */
    const char *a1[] = {"dddlab",     "run",       "--db",
                        f.db,         "--experiment", f.ini,
                        "--observer", "C01",       "--simulate",
                        "accuracy=0.5,shared=1,rt=fixed:30,screen_ms=60,seed=1", NULL};
    const char *a2[] = {"dddlab",     "run",       "--db",
                        f.db,         "--experiment", f.ini,
                        "--observer", "C02",       "--simulate",
                        "accuracy=0.5,shared=1,rt=fixed:30,screen_ms=60,seed=2", NULL};
    int rc1 = fx_run(&f, a1, 60, NULL, 0), rc2 = fx_run(&f, a2, 60, NULL, 0);
    if (display)
        setenv("DISPLAY", display, 1);
    free(display);
    assert_int_equal(rc1, 0);
    assert_int_equal(rc2, 0);
    rows r;
    read_trials(&f, &r);
    assert_int_equal(r.n, 24);
    int by_item[2][12], right = 0;
    for (int i = 0; i < r.n; i++)
        by_item[i / 12][r.t[i].item] = r.t[i].correct;
    for (int k = 0; k < 12; k++) {
        assert_int_equal(by_item[0][k], by_item[1][k]);
        right += by_item[0][k];
    }
    assert_true(right > 0 && right < 12); /* the items differ, the observers don't */
    fx_teardown(&f);
}

int main(void)
{
    if (!getenv("DL_BINARY") || !getenv("DISPLAY")) {
        fprintf(stderr, "test_exp_simulate: needs DL_BINARY and DISPLAY; run it through ctest "
                        "(with-xvfb.sh)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_2afc),     cmocka_unit_test(test_rating),
        cmocka_unit_test(test_quit),     cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_headless), cmocka_unit_test(test_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
