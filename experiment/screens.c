/* screens.c — every screen that is not a trial: loading, code entry, resume,
 * instructions, messages, countdown, pause, end. Calm on purpose: centred
 * text on the session's background, no flashing, nothing moving but a
 * progress bar and the countdown digit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exp_internal.h"

enum { SIMP_NONE, SIMP_CONTINUE, SIMP_RESUME, SIMP_PAUSE };

typedef struct msg_screen {
    exp_text title, body, hint;
    int shot;
    int sim_plan;
    int measure; /* present every frame until the refresh is measured */
    const exp_keys *accept[3];
    int naccept;
    int allow_pause;
    int no_delay; /* keys count at once (pause screen) */
    int startup;  /* the first instruction frame ends the startup time */
} msg_screen;

static int wrap_px(const exp_run *rc)
{
    return rc->disp.draw_w * 7 / 10;
}

int exp_body_text(exp_run *rc, TTF_Font *font, const char *s, exp_text *t, dl_error *err)
{
    int r = exp_text_make(rc->disp.ren, font, s, rc->cfg->text_color, wrap_px(rc), t);
    if (r)
        return dl_fail(err, r, "cannot draw the text \"%.60s\": %s", s, TTF_GetError());
    return 0;
}

static void msg_free(msg_screen *m)
{
    exp_text_free(&m->title);
    exp_text_free(&m->body);
    exp_text_free(&m->hint);
}

static int msg_texts(exp_run *rc, msg_screen *m, const char *title, const char *body,
                     const char *hint, dl_error *err)
{
    int r = exp_body_text(rc, rc->fonts.large, title, &m->title, err);
    if (!r)
        r = exp_body_text(rc, rc->fonts.body, body, &m->body, err);
    if (!r)
        r = exp_body_text(rc, rc->fonts.small, hint, &m->hint, err);
    if (m->hint.tex)
        SDL_SetTextureAlphaMod(m->hint.tex, 170); /* quieter than the message */
    return r;
}

static void msg_draw(exp_run *rc, const msg_screen *m)
{
    int w = rc->disp.draw_w, h = rc->disp.draw_h;
    exp_display_clear(&rc->disp, rc->cfg->background);
    int gap = m->title.h && m->body.h ? rc->fonts.body_px : 0;
    int total = m->title.h + gap + m->body.h;
    int y = h / 2 - total / 2;
    exp_text_draw(rc->disp.ren, &m->title, w / 2 - m->title.w / 2, y);
    exp_text_draw(rc->disp.ren, &m->body, w / 2 - m->body.w / 2, y + m->title.h + gap);
    exp_text_draw(rc->disp.ren, &m->hint, w / 2 - m->hint.w / 2, h - m->hint.h - h / 10);
}

static void sim_plan(exp_run *rc, const msg_screen *m, uint64_t t0)
{
    if (!rc->sim || m->sim_plan == SIMP_NONE)
        return;
    const dl_exp_config *c = rc->cfg;
    uint64_t ready = exp_add_ms(t0, m->no_delay ? 0 : c->screen_min_ms);
    if (m->sim_plan == SIMP_CONTINUE)
        exp_sim_plan_continue(rc->sim, ready, m->accept[0]->key[0]);
    else if (m->sim_plan == SIMP_RESUME)
        exp_sim_plan_resume(rc->sim, ready, c->key_resume.key[0], c->key_new.key[0]);
    else if (m->sim_plan == SIMP_PAUSE)
        exp_sim_plan_pause(rc->sim, ready, c->key_continue.key[0], c->key_quit.key[0]);
}

/* Show m until a key of one of m->accept; returns its index, DL_EABORT when
 * the observer quits, or an error. */
static int msg_run(exp_run *rc, msg_screen *m, dl_error *err)
{
    exp_flush_input();
    msg_draw(rc, m);
    exp_shot(rc, m->shot);
    exp_display_sequence(&rc->disp);
    uint64_t t0 = m->measure ? exp_display_present(&rc->disp) : exp_display_show(&rc->disp);
    if (m->startup && rc->res)
        rc->res->startup_s = exp_ms(rc->start_counter, t0) / 1000.0 - rc->asking_s;
    if (m->measure)
        exp_display_measure_begin(&rc->disp, rc->cfg->refresh_frames);
    sim_plan(rc, m, t0);
    uint64_t ready = exp_add_ms(t0, m->no_delay ? 0 : rc->cfg->screen_min_ms);
    int chosen = -1;
    for (;;) {
        int measuring = m->measure && !rc->disp.measured;
        if (chosen >= 0 && !measuring)
            return chosen;
        SDL_Event ev;
        uint64_t stamp;
        if (!exp_wait(rc, measuring ? exp_display_due(&rc->disp) : 0, &ev, &stamp)) {
            msg_draw(rc, m);
            exp_display_present(&rc->disp);
            continue;
        }
        if (rc->sdl_quit)
            return DL_EABORT;
        if (m->allow_pause && exp_key_in(&ev, &rc->cfg->key_pause)) {
            int r = exp_screen_pause(rc, err);
            if (r)
                return r;
            rc->exposed = 1;
        }
        for (int i = 0; i < m->naccept && chosen < 0 && stamp >= ready; i++)
            if (exp_key_in(&ev, m->accept[i]))
                chosen = i;
        if (rc->exposed) {
            rc->exposed = 0;
            msg_draw(rc, m);
            exp_display_show(&rc->disp);
        }
    }
}

static int show_message(exp_run *rc, msg_screen *m, const char *title, const char *body,
                        const char *hint, dl_error *err)
{
    int r = msg_texts(rc, m, title, body, hint, err);
    if (!r)
        r = msg_run(rc, m, err);
    msg_free(m);
    if (rc->sim)
        exp_sim_clear(rc->sim);
    return r < 0 ? r : 0;
}

int exp_screen_message(exp_run *rc, int shot, const char *title, const char *body, dl_error *err)
{
    msg_screen m = {.shot = shot, .sim_plan = SIMP_CONTINUE, .naccept = 1, .allow_pause = 1};
    m.accept[0] = &rc->cfg->key_continue;
    return show_message(rc, &m, title, body, rc->cfg->text[TXT_CONTINUE_HINT], err);
}

/* Without instructions the refresh is measured on the plain background. */
static int measure_blank(exp_run *rc)
{
    exp_display_measure_begin(&rc->disp, rc->cfg->refresh_frames);
    exp_display_sequence(&rc->disp);
    while (!rc->disp.measured) {
        SDL_Event ev;
        uint64_t stamp;
        while (exp_wait(rc, exp_display_due(&rc->disp), &ev, &stamp))
            if (rc->sdl_quit)
                return DL_EABORT;
        exp_display_clear(&rc->disp, rc->cfg->background);
        exp_display_present(&rc->disp);
        if (rc->res && isnan(rc->res->startup_s))
            rc->res->startup_s = exp_ms(rc->start_counter, exp_now()) / 1000.0 - rc->asking_s;
    }
    return 0;
}

int exp_screen_instructions(exp_run *rc, dl_error *err)
{
    if (!rc->cfg->instructions)
        return measure_blank(rc);
    msg_screen m = {.shot = SHOT_INSTRUCTIONS,
                    .sim_plan = SIMP_CONTINUE,
                    .naccept = 1,
                    .allow_pause = 1,
                    .measure = 1};
    m.accept[0] = &rc->cfg->key_continue;
    int r = msg_texts(rc, &m, "", rc->cfg->instructions, rc->cfg->text[TXT_CONTINUE_HINT], err);
    if (r) {
        msg_free(&m);
        return r;
    }
    m.startup = 1;
    r = msg_run(rc, &m, err);
    msg_free(&m);
    if (rc->sim)
        exp_sim_clear(rc->sim);
    return r < 0 ? r : 0;
}

int exp_screen_pause(exp_run *rc, dl_error *err)
{
    exp_event(rc, "pause", "the observer opened the pause screen");
    /* no delay before a key counts: the observer wants out or back now */
    msg_screen m = {.shot = SHOT_PAUSE, .sim_plan = SIMP_PAUSE, .naccept = 3, .no_delay = 1};
    m.accept[0] = &rc->cfg->key_continue;
    m.accept[1] = &rc->cfg->key_quit;
    m.accept[2] = &rc->cfg->key_pause;
    /* the way out must be plain to see: the keys in the body text */
    int r = msg_texts(rc, &m, rc->cfg->text[TXT_PAUSE], rc->cfg->text[TXT_PAUSE_HINT], "", err);
    if (!r)
        r = msg_run(rc, &m, err);
    msg_free(&m);
    if (r == 1) {
        rc->quit = 1;
        exp_event(rc, "escape", "the observer quit from the pause screen");
        return DL_EABORT;
    }
    if (r >= 0)
        exp_event(rc, "resume", "the observer continued after the pause");
    return r < 0 ? r : 0;
}

int exp_screen_end(exp_run *rc, dl_error *err)
{
    msg_screen m = {.shot = SHOT_END, .sim_plan = SIMP_CONTINUE, .naccept = 2};
    m.accept[0] = &rc->cfg->key_continue;
    m.accept[1] = &rc->cfg->key_pause;
    return show_message(rc, &m, "", rc->cfg->text[TXT_END], rc->cfg->text[TXT_CONTINUE_HINT], err);
}

int exp_screen_resume(exp_run *rc, const char *code, size_t done, size_t total, int *resume,
                      dl_error *err)
{
    char sdone[32], stotal[32];
    snprintf(sdone, sizeof sdone, "%zu", done);
    snprintf(stotal, sizeof stotal, "%zu", total);
    const char *names[] = {"code", "done", "total"}, *values[] = {code, sdone, stotal};
    char *body = exp_format(rc->cfg->text[TXT_RESUME_PROMPT], names, values, 3);
    if (!body)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    msg_screen m = {.shot = SHOT_RESUME, .sim_plan = SIMP_RESUME, .naccept = 2, .allow_pause = 1};
    m.accept[0] = &rc->cfg->key_resume;
    m.accept[1] = &rc->cfg->key_new;
    int r = msg_texts(rc, &m, "", body, "", err);
    free(body);
    if (!r)
        r = msg_run(rc, &m, err);
    msg_free(&m);
    if (rc->sim)
        exp_sim_clear(rc->sim);
    if (r < 0)
        return r;
    *resume = r == 0;
    return 0;
}

/* ---- the countdown -------------------------------------------------------------------------- */

int exp_screen_countdown(exp_run *rc, dl_error *err)
{
    int r = 0;
    for (int k = rc->cfg->countdown_s; k > 0 && !r; k--) {
        exp_text title, digit;
        char num[16];
        snprintf(num, sizeof num, "%d", k);
        r = exp_body_text(rc, rc->fonts.body, rc->cfg->text[TXT_GET_READY], &title, err);
        if (r)
            break;
        if ((r = exp_body_text(rc, rc->fonts.large, num, &digit, err))) {
            exp_text_free(&title);
            break;
        }
        int w = rc->disp.draw_w, h = rc->disp.draw_h;
        exp_display_clear(&rc->disp, rc->cfg->background);
        exp_text_draw_centred(rc->disp.ren, &title, w / 2, h / 2 - title.h);
        exp_text_draw_centred(rc->disp.ren, &digit, w / 2, h / 2 + digit.h / 2);
        exp_shot(rc, SHOT_COUNTDOWN);
        uint64_t t = exp_display_show(&rc->disp);
        exp_text_free(&title);
        exp_text_free(&digit);
        uint64_t until = exp_add_ms(t, 1000);
        SDL_Event ev;
        uint64_t stamp;
        while (!r && exp_wait(rc, until, &ev, &stamp)) {
            if (rc->sdl_quit)
                r = DL_EABORT;
            else if (exp_key_in(&ev, &rc->cfg->key_pause))
                r = exp_screen_pause(rc, err);
        }
    }
    return r;
}

/* ---- waiting without drawing ---------------------------------------------------------------- */

int exp_idle_until(exp_run *rc, uint64_t until)
{
    SDL_Event ev;
    uint64_t stamp;
    while (exp_wait(rc, until, &ev, &stamp)) {
        if (rc->sdl_quit)
            return DL_EABORT;
        if (exp_key_in(&ev, &rc->cfg->key_pause))
            return 1;
        if (rc->exposed) { /* the blank interval screen, drawn again */
            rc->exposed = 0;
            exp_display_clear(&rc->disp, rc->cfg->background);
            exp_display_show(&rc->disp);
        }
    }
    return 0;
}

/* ---- observer code entry -------------------------------------------------------------------- */

static int code_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static int draw_code(exp_run *rc, msg_screen *m, const char *code, dl_error *err)
{
    int w = rc->disp.draw_w, h = rc->disp.draw_h, px = rc->fonts.body_px;
    exp_display_clear(&rc->disp, rc->cfg->background);
    exp_text_draw(rc->disp.ren, &m->body, w / 2 - m->body.w / 2, h / 2 - m->body.h - 2 * px);
    SDL_Rect box = {w / 2 - 8 * px, h / 2 - px, 16 * px, 2 * px};
    exp_color c = rc->cfg->text_color;
    SDL_SetRenderDrawColor(rc->disp.ren, c.r, c.g, c.b, 255);
    SDL_RenderDrawRect(rc->disp.ren, &box);
    exp_text t;
    int r = exp_body_text(rc, rc->fonts.large, code, &t, err);
    if (r)
        return r;
    if (t.tex) {
        SDL_Rect clip = {box.x + 2, box.y + 2, box.w - 4, box.h - 4};
        SDL_RenderSetClipRect(rc->disp.ren, &clip);
        exp_text_draw_centred(rc->disp.ren, &t, w / 2, h / 2);
        SDL_RenderSetClipRect(rc->disp.ren, NULL);
    }
    exp_text_free(&t);
    exp_text_draw(rc->disp.ren, &m->hint, w / 2 - m->hint.w / 2, h / 2 + 2 * px);
    return 0;
}

static int code_event(exp_run *rc, const SDL_Event *ev, char *code, size_t len, int *done)
{
    size_t n = strlen(code);
    if (ev->type == SDL_TEXTINPUT) {
        for (const char *p = ev->text.text; *p; p++)
            if (code_char_ok(*p) && n + 1 < len && n < 32)
                code[n++] = *p;
        code[n] = 0;
        return 1;
    }
    if (ev->type != SDL_KEYDOWN)
        return 0;
    SDL_Keycode k = ev->key.keysym.sym;
    if (k == SDLK_BACKSPACE && n) {
        code[n - 1] = 0;
        return 1;
    }
    if ((k == SDLK_RETURN || k == SDLK_KP_ENTER) && n)
        *done = 1;
    return 0;
}

int exp_screen_code(exp_run *rc, char *code, size_t len, dl_error *err)
{
    msg_screen m = {0};
    code[0] = 0;
    int r =
        msg_texts(rc, &m, "", rc->cfg->text[TXT_CODE_PROMPT], rc->cfg->text[TXT_CODE_HINT], err);
    if (!r)
        r = draw_code(rc, &m, code, err);
    if (r) {
        msg_free(&m);
        return r;
    }
    exp_shot(rc, SHOT_CODE);
    uint64_t t0 = exp_display_show(&rc->disp);
    if (rc->sim)
        exp_sim_plan_code(rc->sim, t0, "sim");
    SDL_StartTextInput();
    int done = 0;
    while (!r && !done) {
        SDL_Event ev;
        uint64_t stamp;
        exp_wait(rc, 0, &ev, &stamp);
        if (rc->sdl_quit) {
            r = DL_EABORT;
        } else if (exp_key_in(&ev, &rc->cfg->key_pause)) {
            r = exp_screen_pause(rc, err);
            rc->exposed = 1;
        } else if (code_event(rc, &ev, code, len, &done) || rc->exposed) {
            rc->exposed = 0;
            if (!(r = draw_code(rc, &m, code, err))) {
                exp_display_show(&rc->disp);
            }
        }
    }
    SDL_StopTextInput();
    msg_free(&m);
    if (rc->sim)
        exp_sim_clear(rc->sim);
    return r;
}

/* ---- loading the stimuli into textures ------------------------------------------------------ */

static int draw_loading(exp_run *rc, size_t done, size_t total, dl_error *err)
{
    char sdone[32], stotal[32];
    snprintf(sdone, sizeof sdone, "%zu", done);
    snprintf(stotal, sizeof stotal, "%zu", total);
    const char *names[] = {"done", "total"}, *values[] = {sdone, stotal};
    char *s = exp_format(rc->cfg->text[TXT_LOADING], names, values, 2);
    if (!s)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    exp_text t;
    int r = exp_body_text(rc, rc->fonts.body, s, &t, err);
    free(s);
    if (r)
        return r;
    int w = rc->disp.draw_w, h = rc->disp.draw_h, px = rc->fonts.body_px;
    exp_display_clear(&rc->disp, rc->cfg->background);
    exp_text_draw_centred(rc->disp.ren, &t, w / 2, h / 2 - px);
    exp_text_free(&t);
    SDL_Rect bar = {w / 3, h / 2 + px, w / 3, px / 2 > 4 ? px / 2 : 4};
    SDL_Rect fill = bar;
    fill.w = total ? (int)((double)bar.w * (double)done / (double)total) : bar.w;
    exp_color hc = rc->cfg->highlight, tc = rc->cfg->text_color;
    SDL_SetRenderDrawColor(rc->disp.ren, hc.r, hc.g, hc.b, 255);
    SDL_RenderFillRect(rc->disp.ren, &fill);
    SDL_SetRenderDrawColor(rc->disp.ren, tc.r, tc.g, tc.b, 255);
    SDL_RenderDrawRect(rc->disp.ren, &bar);
    return 0;
}

int exp_screen_loading(exp_run *rc, dl_error *err)
{
    size_t total = 0, done = 0;
    for (size_t i = 0; i < rc->nstims; i++)
        total += rc->stims[i].surf != NULL;
    uint64_t last = 0;
    int r = 0;
    for (size_t i = 0; i < rc->nstims && !r; i++) {
        exp_stim *s = &rc->stims[i];
        if (!s->surf)
            continue;
        if (!last || exp_ms(last, exp_now()) > 100 || done + 1 == total) {
            if (!(r = draw_loading(rc, done, total, err))) {
                exp_shot(rc, SHOT_LOADING);
                last = exp_display_show(&rc->disp);
            }
        }
        s->tex = SDL_CreateTextureFromSurface(rc->disp.ren, s->surf);
        if (!s->tex && !r)
            r = dl_fail(err, DL_ENOMEM, "%s: cannot make a texture: %s", s->rel, SDL_GetError());
        /* pixel-exact at native size; smooth when asked to scale */
        if (s->tex)
            SDL_SetTextureScaleMode(s->tex, rc->image_w_px > 0 ? SDL_ScaleModeLinear
                                                               : SDL_ScaleModeNearest);
        /* Draw it once into the back buffer (cleared before the next frame),
         * so no driver does a late upload at the first onset. */
        SDL_Rect hidden = {0, 0, 1, 1};
        if (s->tex)
            SDL_RenderCopy(rc->disp.ren, s->tex, NULL, &hidden);
        SDL_FreeSurface(s->surf);
        s->surf = NULL;
        done++;
    }
    return r;
}

/* ---- confirming a new session (issue 11) ------------------------------------------------------ */

int exp_screen_confirm_new(exp_run *rc, int *resume, dl_error *err)
{
    msg_screen m = {.shot = SHOT_RESUME, .sim_plan = SIMP_RESUME, .naccept = 2, .allow_pause = 1};
    m.accept[0] = &rc->cfg->key_resume;
    m.accept[1] = &rc->cfg->key_new;
    int r = msg_texts(rc, &m, "", rc->cfg->text[TXT_CONFIRM_NEW], "", err);
    if (!r)
        r = msg_run(rc, &m, err);
    msg_free(&m);
    if (rc->sim)
        exp_sim_clear(rc->sim);
    if (r < 0)
        return r;
    *resume = r == 0;
    return 0;
}
