/* test_exp_layout.c — every screen of the runner at six screen sizes, drawn
 * by the runner's own drawing code into a real (offscreen) window: no text
 * box may overlap another element or leave the screen, a button's label must
 * lie inside its button, and an image inside its frame. Each screen is also
 * saved as a PNG under layout-shots/WxH/ in the test's folder, to be looked
 * at.
 *
 * The 2x HiDPI case: X11 and the offscreen driver give a drawable the size
 * of the window, so the window is made at the drawable's size and the
 * display told that its coordinates are half that (scale 2), which is what
 * a Retina or Wayland-scaled screen reports. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL_image.h>
#include <cmocka.h>

#include "exp_internal.h"

typedef struct screen_size {
    int w, h;     /* drawable px */
    double scale; /* drawable px per window coordinate */
    const char *name;
} screen_size;

static const screen_size sizes[] = {
    {1024, 768, 1, "1024x768"},   {1280, 720, 1, "1280x720"},   {1920, 1080, 1, "1920x1080"},
    {1920, 1200, 1, "1920x1200"}, {2560, 1440, 1, "2560x1440"}, {2880, 1800, 2, "1440x900@2x"},
};
#define NSIZES (sizeof sizes / sizeof *sizes)

#define IMG_PX 224
#define NITEMS 4 /* 1 practice + 3 main */

typedef struct world {
    dl_exp_config *cfg;
    dl_exp_options opt;
    dl_stim_set set;
    dl_set_item items[NITEMS];
    exp_stim stims[2 * NITEMS];
    int order[NITEMS];
    exp_run rc;
    char dir[256];
    const char *prefix; /* of the PNG names */
    int quiet;          /* check without saving a PNG (PNG writing is most of the time) */
    int checked;        /* screens checked */
} world;

/* Gaussian noise around 128 with sigma sd, as the demo's class sd: sd = 1
 * is the image that vanished on the grey background. */
static SDL_Surface *noise(int sd, unsigned seed)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, IMG_PX, IMG_PX, 24, SDL_PIXELFORMAT_RGB24);
    assert_non_null(s);
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (int y = 0; y < IMG_PX; y++) {
        uint8_t *row = (uint8_t *)s->pixels + y * s->pitch;
        for (int i = 0; i < 3 * IMG_PX; i++) {
            /* a sum of 12 uniforms: near enough to normal for a picture */
            double z = -6;
            for (int k = 0; k < 12; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                z += (double)(x >> 11) / 9007199254740992.0;
            }
            double v = nearbyint(128 + sd * z);
            row[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    return s;
}

/* cfg: parsed or loaded; the world owns it from here. */
static void open_world(world *w, dl_exp_config *cfg, const screen_size *sz)
{
    memset(w, 0, sizeof *w);
    dl_error err = {0};
    w->cfg = cfg;
    w->set.name = "layout";
    w->set.task = (char *)dl_exp_config_task(w->cfg);
    w->set.nitems = NITEMS;
    w->set.items = w->items;
    for (int i = 0; i < NITEMS; i++) {
        w->items[i].index = i;
        w->items[i].practice = i == 0;
        w->items[i].trivial_left = i % 2;
        w->items[i].a.difficulty = "trivial";
        w->order[i] = i;
    }
    exp_run *rc = &w->rc;
    rc->cfg = w->cfg;
    rc->opt = &w->opt;
    rc->set = &w->set;
    rc->order = w->order;
    rc->norder = NITEMS;
    rc->npractice = 1;
    rc->stims = w->stims;
    rc->nstims = 2 * NITEMS;
    rc->gap_px = w->cfg->gap_px;
    rc->image_w_px = w->cfg->image_width_px > 0 ? w->cfg->image_width_px : 0;
    exp_display *d = &rc->disp;
    d->win = SDL_CreateWindow("layout", 0, 0, sz->w, sz->h, SDL_WINDOW_SHOWN);
    assert_non_null(d->win);
    d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
    assert_non_null(d->ren);
    SDL_SetRenderDrawBlendMode(d->ren, SDL_BLENDMODE_BLEND);
    SDL_GetRendererOutputSize(d->ren, &d->draw_w, &d->draw_h);
    assert_int_equal(d->draw_w, sz->w);
    assert_int_equal(d->draw_h, sz->h);
    d->scale = sz->scale;
    d->win_w = (int)(sz->w / sz->scale);
    d->win_h = (int)(sz->h / sz->scale);
    d->window_id = SDL_GetWindowID(d->win);
    int px = exp_fonts_px(w->cfg->text_size_px, d->draw_w, d->draw_h);
    assert_int_equal(exp_fonts_open(&rc->fonts, px, &err), 0);
    for (int k = 0; k < 2 * NITEMS; k++) {
        /* a: the low-noise image that vanished; b: a strong one */
        SDL_Surface *s = noise(k % 2 ? 60 : 1, (unsigned)k + 1);
        w->stims[k].rel = k % 2 ? "strong.png" : "faint.png";
        w->stims[k].w = s->w;
        w->stims[k].h = s->h;
        w->stims[k].tex = SDL_CreateTextureFromSurface(d->ren, s);
        assert_non_null(w->stims[k].tex);
        SDL_FreeSurface(s);
    }
    snprintf(w->dir, sizeof w->dir, "layout-shots/%s", sz->name);
    mkdir("layout-shots", 0755);
    mkdir(w->dir, 0755);
}

static void close_world(world *w)
{
    for (int k = 0; k < 2 * NITEMS; k++)
        if (w->stims[k].tex)
            SDL_DestroyTexture(w->stims[k].tex);
    exp_fonts_close(&w->rc.fonts);
    SDL_DestroyRenderer(w->rc.disp.ren);
    SDL_DestroyWindow(w->rc.disp.win);
    dl_exp_config_free(w->cfg);
}

/* The check every screen must pass, then its picture. min_elements: what
 * the screen must at least have drawn (an empty list passes nothing). */
static void check(world *w, const char *screen, int r, int min_elements)
{
    exp_run *rc = &w->rc;
    assert_int_equal(r, 0);
    char why[512];
    char path[512];
    snprintf(path, sizeof path, "%s/%s%s.png", w->dir, w->prefix ? w->prefix : "", screen);
    dl_error err = {0};
    if (!w->quiet)
        assert_int_equal(exp_display_screenshot(&rc->disp, path, &err), 0);
    if (exp_layout_check(&rc->lay, why, sizeof why) != 0)
        fail_msg("%s, %s: %s (see %s)", w->dir + strlen("layout-shots/"), screen, why, path);
    if (rc->lay.n < min_elements)
        fail_msg("%s, %s: %d elements drawn, expected at least %d", w->dir, screen, rc->lay.n,
                 min_elements);
    assert_int_equal(rc->lay.w, rc->disp.draw_w);
    w->checked++;
}

static char *fmt(const char *tmpl, const char *a, const char *b, const char *c)
{
    const char *names[] = {"code", "done", "total"}, *values[] = {a, b, c};
    char *s = exp_format(tmpl, names, values, 3);
    assert_non_null(s);
    return s;
}

/* ---- the screens before and between trials --------------------------------------------------- */

static void message_screens(world *w, const char *long_text)
{
    exp_run *rc = &w->rc;
    const dl_exp_config *c = w->cfg;
    dl_error err = {0};
    const char *hint = c->text[TXT_CONTINUE_HINT];
    check(w, "code-entry", exp_view_code(rc, "", &err), 3);
    check(w, "code-entry-typed", exp_view_code(rc, "CR1", &err), 4);
    check(w, "code-entry-long", exp_view_code(rc, "abcdefghijklmnopqrstuvwxyz-_0123", &err), 4);
    check(w, "loading", exp_view_loading(rc, 17, 40, &err), 2);
    int npages = 0;
    check(w, "instructions", exp_view_message(rc, "", c->instructions, hint, 0, &npages, &err), 2);
    /* the long text: every page, and it must have been cut into pages */
    check(w, "instructions-long-1", exp_view_message(rc, "", long_text, hint, 0, &npages, &err), 3);
    assert_true(npages >= 2);
    for (int p = 1; p < npages; p++) {
        char name[64];
        snprintf(name, sizeof name, "instructions-long-%d", p + 1);
        check(w, name, exp_view_message(rc, "", long_text, hint, p, NULL, &err), 3);
    }
    char *s = exp_practice_text(rc, TXT_PRACTICE_INTRO);
    check(w, "practice-intro", exp_view_message(rc, "", s, hint, 0, NULL, &err), 2);
    free(s);
    s = exp_practice_text(rc, TXT_PRACTICE_END);
    check(w, "practice-end", exp_view_message(rc, "", s, hint, 0, NULL, &err), 2);
    free(s);
    check(w, "countdown", exp_view_countdown(rc, 3, &err), 2);
    s = fmt(c->text[TXT_BREAK], "", "50", "149");
    check(w, "break", exp_view_message(rc, "", s, hint, 0, NULL, &err), 2);
    free(s);
    check(w, "pause",
          exp_view_message(rc, c->text[TXT_PAUSE], c->text[TXT_PAUSE_HINT], "", 0, NULL, &err), 2);
    s = fmt(c->text[TXT_RESUME_PROMPT], "CR1", "38", "149");
    check(w, "resume", exp_view_message(rc, "", s, "", 0, NULL, &err), 1);
    free(s);
    check(w, "end", exp_view_message(rc, "", c->text[TXT_END], hint, 0, NULL, &err), 2);
}

/* Long instructions: the real ones, six times over. */
static char *long_instructions(const char *text)
{
    size_t n = strlen(text);
    char *s = malloc(6 * (n + 2) + 1), *p = s;
    assert_non_null(s);
    for (int k = 0; k < 6; k++) {
        memcpy(p, text, n);
        p += n;
        *p++ = '\n';
        *p++ = '\n';
    }
    *p = 0;
    return s;
}

static const char *source_dir(void)
{
    const char *src = getenv("DL_SOURCE_DIR");
    return src && *src ? src : "../..";
}

static dl_exp_config *parse(const char *text)
{
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    if (dl_exp_config_parse("layout.ini", text, &cfg, &err))
        fail_msg("%s", err.msg);
    return cfg;
}

static dl_exp_config *load_example(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/examples/%s", source_dir(), name);
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    if (dl_exp_config_load(path, &cfg, &err))
        fail_msg("%s", err.msg);
    return cfg;
}

/* ---- 2AFC ------------------------------------------------------------------------------------ */

static void afc_screens(world *w)
{
    exp_run *rc = &w->rc;
    dl_error err = {0};
    check(w, "2afc-practice", exp_view_2afc(rc, 0, &err), 6);
    check(w, "2afc-trial", exp_view_2afc(rc, 2, &err), 6);
    check(w, "feedback-correct", exp_view_feedback(rc, 0, &err), 1);
    check(w, "feedback-wrong", exp_view_feedback(rc, 1, &err), 1);
    check(w, "feedback-too-slow", exp_view_feedback(rc, 2, &err), 1);
}

/* A trial must show the number at the left of the left image, the question
 * above the images, and a frame around each image, 224 px wide as given. */
static void afc_places(world *w)
{
    exp_run *rc = &w->rc;
    dl_error err = {0};
    assert_int_equal(exp_view_2afc(rc, 2, &err), 0);
    const exp_element *num = NULL, *left = NULL, *right = NULL, *q = NULL, *frame = NULL;
    for (int i = 0; i < rc->lay.n; i++) {
        const exp_element *e = &rc->lay.el[i];
        if (!strcmp(e->name, "trial number"))
            num = e;
        else if (!strcmp(e->name, "left image"))
            left = e;
        else if (!strcmp(e->name, "right image"))
            right = e;
        else if (!strcmp(e->name, "question"))
            q = e;
        else if (!strcmp(e->name, "frame of left image"))
            frame = e;
    }
    assert_non_null(num);
    assert_non_null(left);
    assert_non_null(right);
    assert_non_null(q);
    assert_non_null(frame);
    assert_true(num->r.x + num->r.w < frame->r.x);
    assert_true(q->r.y + q->r.h < frame->r.y);
    assert_int_equal(left->r.w, IMG_PX);
    assert_int_equal(right->r.w, IMG_PX);
    assert_int_equal(left->r.y + left->r.h / 2, rc->disp.draw_h / 2);
}

static void test_2afc(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSIZES; i++) {
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        open_world(w, load_example("experiment1_2afc.ini"), &sizes[i]);
        char *longer = long_instructions(w->cfg->instructions);
        message_screens(w, longer);
        afc_screens(w);
        afc_places(w);
        free(longer);
        close_world(w);
        free(w);
    }
}

/* Images scaled up until the pair just fits 1024 px: the trial number finds
 * another place, nothing overlaps. */
static void test_2afc_wide_images(void **state)
{
    (void)state;
    static const char *const inis[2] = {
        "[experiment]\ntask = 2afc\nset = s\n[display]\nimage_width_px = 440\n",
        "[experiment]\ntask = rating\nset = s\n[display]\nimage_width_px = 400\n"};
    for (int k = 0; k < 2; k++) {
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        open_world(w, parse(inis[k]), &sizes[0]);
        dl_error err = {0};
        if (k == 0) {
            check(w, "2afc-wide-images", exp_view_2afc(&w->rc, 2, &err), 6);
        } else {
            exp_rating_form f;
            exp_rating_default_form(w->cfg, &f);
            /* 400 px of image on 768: smaller text */
            check(w, "rating-wide-image", exp_view_rating(&w->rc, &f, 2, 0, NULL, &err), 10);
        }
        close_world(w);
        free(w);
    }
}

/* The German example: longer words, the same screens. */
static void test_2afc_german(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSIZES; i += 2) {
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        open_world(w, load_example("experiment1_2afc_de.ini"), &sizes[i]);
        snprintf(w->dir, sizeof w->dir, "layout-shots/%s-de", sizes[i].name);
        mkdir(w->dir, 0755);
        w->quiet = i != 0; /* pictures at 1024x768 only, where space is tightest */
        char *longer = long_instructions(w->cfg->instructions);
        message_screens(w, longer);
        afc_screens(w);
        free(longer);
        close_world(w);
        free(w);
    }
}

/* ---- rating ---------------------------------------------------------------------------------- */

static void rating_states(world *w, const exp_rating_form *f, const char *tag)
{
    exp_run *rc = &w->rc;
    dl_error err = {0};
    int answers[EXP_MAX_QUESTIONS], none[EXP_MAX_QUESTIONS];
    for (int q = 0; q < EXP_MAX_QUESTIONS; q++) {
        answers[q] = q < f->nq ? (f->nopt[q] - 1) % f->nopt[q] : -1;
        none[q] = -1;
    }
    int min = 2 + f->nq; /* image, frame, questions, ... */
    for (int q = 0; q < f->nq; q++)
        min += 1 + f->nopt[q];
    char name[64];
    snprintf(name, sizeof name, "%s-practice", tag);
    check(w, name, exp_view_rating(rc, f, 0, 0, none, &err), min);
    for (int focus = 0; focus < f->nq; focus++) {
        /* each question in focus, the ones before it answered */
        int part[EXP_MAX_QUESTIONS];
        for (int q = 0; q < EXP_MAX_QUESTIONS; q++)
            part[q] = q < focus ? answers[q] : -1;
        snprintf(name, sizeof name, "%s-focus-q%d", tag, focus + 1);
        /* the extra forms: a picture of the first focus and the last only */
        w->quiet = strcmp(tag, "rating") != 0 && focus > 0 && focus + 1 < f->nq;
        check(w, name, exp_view_rating(rc, f, 2, focus, part, &err), min);
        w->quiet = 0;
    }
    snprintf(name, sizeof name, "%s-answered", tag);
    check(w, name, exp_view_rating(rc, f, 3, f->nq - 1, answers, &err), min);
}

/* Every option button shows its digit key (Q2, Q3) or is its digit (Q1). */
static void rating_keys(world *w, const exp_rating_form *f)
{
    exp_run *rc = &w->rc;
    dl_error err = {0};
    assert_int_equal(exp_view_rating(rc, f, 2, 0, NULL, &err), 0);
    for (int q = 1; q < f->nq; q++)
        for (int k = 0; k < f->nopt[q]; k++) {
            char want[64];
            snprintf(want, sizeof want, "key of Q%d option %d", q + 1, k + 1);
            int found = 0;
            for (int i = 0; i < rc->lay.n; i++)
                found |= !strcmp(rc->lay.el[i].name, want);
            if (!found)
                fail_msg("no key shown on Q%d option %d", q + 1, k + 1);
        }
}

static void test_rating(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSIZES; i++) {
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        open_world(w, load_example("experiment2_rating.ini"), &sizes[i]);
        exp_rating_form f;
        exp_rating_default_form(w->cfg, &f);
        rating_states(w, &f, "rating");
        rating_keys(w, &f);
        char *longer = long_instructions(w->cfg->instructions);
        w->prefix = "rating-task-"; /* the same screens on the rating task's white */
        w->quiet = i != 2;          /* pictures at 1920x1080 only */
        message_screens(w, longer);
        free(longer);
        close_world(w);
        free(w);
    }
}

/* The paper's wording is the default (finding 10). */
static void test_default_texts(void **state)
{
    (void)state;
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    assert_int_equal(
        dl_exp_config_parse("d.ini", "[experiment]\ntask = rating\nset = s\n", &cfg, &err), 0);
    assert_string_equal(cfg->text[TXT_Q1],
                        "How many objects belonging to different categories are in the image? "
                        "(e.g. three dogs are still one category: dog. But two dogs and one cat "
                        "are two categories: dog and cat)");
    assert_string_equal(cfg->text[TXT_Q2], "Is there a main category in the image?");
    assert_string_equal(cfg->text[TXT_Q3],
                        "Is the presentation of the objects unusual in any manner (e.g. "
                        "orientation, location, size, viewpoint)?");
    assert_int_equal(cfg->q2_nopt, 3);
    assert_string_equal(cfg->q2_opt[1], "Maybe");
    assert_string_equal(cfg->q3_opt[2], "Very");
    /* the practice introduction alone promises nothing */
    assert_null(strstr(cfg->text[TXT_PRACTICE_INTRO], "right"));
    assert_null(strstr(cfg->text[TXT_PRACTICE_END], "no feedback"));
    dl_exp_config_free(cfg);
}

/* Feedback is promised, and its end announced, only where it is given. */
static void test_practice_texts(void **state)
{
    (void)state;
    static const struct {
        const char *ini;
        int promised;
    } cases[] = {
        {"[experiment]\ntask = 2afc\nset = s\n", 1},
        {"[experiment]\ntask = 2afc\nset = s\n[procedure]\npractice_feedback = no\n", 0},
        {"[experiment]\ntask = rating\nset = s\n", 0},
        /* a lab's own text without {feedback} stays as written */
        {"[experiment]\ntask = 2afc\nset = s\n[text]\npractice_intro = Los geht's.\n"
         "practice_end = Fertig.\n",
         -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        exp_run rc;
        memset(&rc, 0, sizeof rc);
        rc.cfg = parse(cases[i].ini);
        char *intro = exp_practice_text(&rc, TXT_PRACTICE_INTRO);
        char *end = exp_practice_text(&rc, TXT_PRACTICE_END);
        if (cases[i].promised < 0) {
            assert_string_equal(intro, "Los geht's.");
            assert_string_equal(end, "Fertig.");
        } else if (cases[i].promised) {
            assert_string_equal(intro, "First, a few practice trials. They do not count.\n"
                                       "After each one you will see whether your answer was "
                                       "right.");
            assert_string_equal(end, "The practice is over. Now the real trials begin.\n"
                                     "From now on there is no feedback.");
        } else {
            assert_string_equal(intro, "First, a few practice trials. They do not count.");
            assert_string_equal(end, "The practice is over. Now the real trials begin.");
        }
        free(intro);
        free(end);
        dl_exp_config_free(rc.cfg);
    }
}

/* Four questions of different kinds, and nine of ten options each: the
 * layout is generic over the question list. */
static void test_rating_forms(void **state)
{
    (void)state;
    static const char *const digits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    static const char *const agree[5] = {"Strongly disagree", "Disagree", "Neutral", "Agree",
                                         "Strongly agree"};
    static const char *const yn[2] = {"No", "Yes"};
    static const char *const kind[4] = {"Animal", "Vehicle", "Plant", "Other"};
    for (size_t i = 0; i < NSIZES; i++) {
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        open_world(w, parse("[experiment]\ntask = rating\nset = s\n"), &sizes[i]);
        exp_rating_form f;
        exp_rating_default_form(w->cfg, &f);
        f.nq = 4;
        f.text[3] = "How much do you agree: the object is easy to recognise?";
        f.nopt[3] = 5;
        for (int k = 0; k < 5; k++) {
            f.label[3][k] = agree[k];
            f.key[3][k] = k + 1;
        }
        rating_states(w, &f, "four");
        memset(&f, 0, sizeof f);
        f.nq = 9;
        for (int q = 0; q < 9; q++) {
            f.text[q] = q % 3 == 0   ? w->cfg->text[TXT_Q1]
                        : q % 3 == 1 ? "Is it a yes or no question?"
                                     : "Which kind of object is shown?";
            f.nopt[q] = q % 3 == 0 ? 10 : q % 3 == 1 ? 2 : 4;
            for (int k = 0; k < f.nopt[q]; k++) {
                f.label[q][k] = q % 3 == 0 ? digits[k] : q % 3 == 1 ? yn[k] : kind[k];
                f.key[q][k] = q % 3 == 0 ? k : k + 1;
            }
        }
        rating_states(w, &f, "nine");
        close_world(w);
        free(w);
    }
}

/* The window grows: the next layout uses the new drawable and a larger font. */
static void test_resize(void **state)
{
    (void)state;
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    screen_size small = {1280, 720, 1, "resize"};
    open_world(w, parse("[experiment]\ntask = rating\nset = s\n"), &small);
    exp_run *rc = &w->rc;
    dl_error err = {0};
    exp_rating_form f;
    exp_rating_default_form(w->cfg, &f);
    int px0 = rc->fonts.body_px;
    SDL_SetWindowSize(rc->disp.win, 1920, 1080);
    SDL_PumpEvents();
    assert_int_equal(exp_view_resync(rc, &err), 1);
    assert_int_equal(rc->disp.draw_w, 1920);
    assert_int_equal(rc->disp.draw_h, 1080);
    assert_true(rc->fonts.body_px > px0);
    check(w, "rating-after-resize", exp_view_rating(rc, &f, 2, 2, NULL, &err), 10);
    for (int i = 0; i < rc->lay.n; i++)
        if (!strcmp(rc->lay.el[i].name, "image"))
            assert_int_equal(rc->lay.el[i].r.x + rc->lay.el[i].r.w / 2, 960);
    assert_int_equal(exp_view_resync(rc, &err), 0); /* nothing changed since */
    close_world(w);
    free(w);
}

/* The checker itself: overlapping and off-screen elements are caught. */
static void test_checker(void **state)
{
    (void)state;
    exp_layout l;
    char why[256];
    exp_layout_begin(&l, 100, 100);
    SDL_Rect a = {10, 10, 20, 20}, b = {29, 29, 10, 10}, c = {30, 10, 10, 10};
    exp_layout_add(&l, EXP_EL_TEXT, -1, &a, "a");
    exp_layout_add(&l, EXP_EL_TEXT, -1, &c, "c"); /* touches a: fine */
    assert_int_equal(exp_layout_check(&l, why, sizeof why), 0);
    exp_layout_add(&l, EXP_EL_TEXT, -1, &b, "b");
    assert_int_equal(exp_layout_check(&l, why, sizeof why), DL_EINVAL);
    assert_string_equal(why, "a (10,10 20x20) overlaps b (29,29 10x10)");
    exp_layout_begin(&l, 100, 100);
    SDL_Rect out = {90, 90, 20, 5};
    exp_layout_add(&l, EXP_EL_TEXT, -1, &out, "hint");
    assert_int_equal(exp_layout_check(&l, why, sizeof why), DL_EINVAL);
    assert_string_equal(why, "hint (90,90 20x5) leaves the 100x100 screen");
    exp_layout_begin(&l, 100, 100);
    SDL_Rect btn = {10, 10, 30, 10}, lab = {12, 12, 30, 6};
    int ib = exp_layout_add(&l, EXP_EL_BUTTON, -1, &btn, "button");
    exp_layout_add(&l, EXP_EL_TEXT, ib, &lab, "label");
    assert_int_equal(exp_layout_check(&l, why, sizeof why), DL_EINVAL);
    assert_string_equal(why, "label (12,12 30x6) sticks out of button (10,10 30x10)");
}

int main(void)
{
    /* no display needed: the offscreen driver draws in memory with SDL's
     * software renderer, as the runner does for --simulate without one */
    setenv("SDL_VIDEODRIVER", "offscreen", 0);
    /* software means software, as in the runner: no GL behind the window */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "cannot start SDL: %s\n", SDL_GetError());
        return 1;
    }
    IMG_Init(IMG_INIT_PNG);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker),        cmocka_unit_test(test_default_texts),
        cmocka_unit_test(test_practice_texts), cmocka_unit_test(test_2afc),
        cmocka_unit_test(test_2afc_german),    cmocka_unit_test(test_2afc_wide_images),
        cmocka_unit_test(test_rating),         cmocka_unit_test(test_rating_forms),
        cmocka_unit_test(test_resize),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    /* SDL stays up to the exit, as in the runner (dl_exp_shutdown): shutting
     * it down unloads the GL driver the offscreen driver probed, and its own
     * small leaks then come from a module no suppression can name */
    TTF_Quit();
    return r;
}
