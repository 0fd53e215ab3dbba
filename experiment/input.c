/* input.c — waiting for events, stamping them, and the small log of things
 * that happen while the clock runs (focus loss, pauses), written to the store
 * only between trials. */
#include <stdarg.h>
#include <string.h>

#include "exp_internal.h"

/* How long the response loop sleeps between polls: short enough that a key
 * press is stamped well within a millisecond, long enough to leave the CPU
 * to the X server and the compositor. */
#define POLL_SLEEP_MS 0.25

static void window_event(exp_run *rc, const SDL_Event *ev)
{
    switch (ev->window.event) {
    case SDL_WINDOWEVENT_FOCUS_LOST:
        exp_event(rc, "focus-lost", "the window lost the keyboard focus");
        break;
    case SDL_WINDOWEVENT_FOCUS_GAINED:
        exp_event(rc, "info", "the window has the keyboard focus again");
        break;
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_RESTORED:
    case SDL_WINDOWEVENT_SHOWN:
        rc->exposed = 1;
        break;
    default:
        break;
    }
}

int exp_wait(exp_run *rc, uint64_t until, SDL_Event *ev, uint64_t *stamp)
{
    for (;;) {
        uint64_t now = exp_now();
        if (rc->sim)
            exp_sim_tick(rc->sim, now);
        if (SDL_PollEvent(ev)) {
            /* stamped here, not with SDL's whole-millisecond timestamp */
            *stamp = exp_now();
            if (ev->type == SDL_WINDOWEVENT)
                window_event(rc, ev);
            else if (ev->type == SDL_QUIT)
                rc->sdl_quit = 1;
            return 1;
        }
        if (until && now >= until)
            return 0;
        double left = until ? exp_ms(now, until) : POLL_SLEEP_MS;
        exp_sleep_ms(left < POLL_SLEEP_MS ? left : POLL_SLEEP_MS);
    }
}

void exp_flush_input(void)
{
    SDL_PumpEvents();
    SDL_FlushEvents(SDL_KEYDOWN, SDL_MOUSEWHEEL);
}

int exp_key_in(const SDL_Event *ev, const exp_keys *keys)
{
    if (ev->type != SDL_KEYDOWN || ev->key.repeat)
        return 0;
    SDL_Keycode k = ev->key.keysym.sym;
    for (int i = 0; i < keys->n; i++)
        if (keys->key[i] == k || (keys->key[i] == SDLK_RETURN && k == SDLK_KP_ENTER))
            return 1;
    return 0;
}

int exp_click(const exp_run *rc, const SDL_Event *ev, int *x, int *y)
{
    if (!rc->cfg->mouse || ev->type != SDL_MOUSEBUTTONDOWN || ev->button.button != SDL_BUTTON_LEFT)
        return 0;
    *x = (int)(ev->button.x * rc->disp.scale);
    *y = (int)(ev->button.y * rc->disp.scale);
    return 1;
}

void exp_input_describe(const exp_run *rc, const SDL_Event *ev, exp_input *in)
{
    memset(in, 0, sizeof *in);
    in->x_px = in->y_px = -1;
    if (ev->type == SDL_KEYDOWN) {
        in->device = "keyboard";
        snprintf(in->button, sizeof in->button, "%s", SDL_GetKeyName(ev->key.keysym.sym));
    } else if (ev->type == SDL_MOUSEBUTTONDOWN) {
        static const char *const names[] = {"?", "left", "middle", "right", "x1", "x2"};
        in->device = "mouse";
        snprintf(in->button, sizeof in->button, "%s",
                 ev->button.button < 6 ? names[ev->button.button] : "?");
        in->x_px = (int)(ev->button.x * rc->disp.scale);
        in->y_px = (int)(ev->button.y * rc->disp.scale);
    }
}

int exp_anticipation(exp_run *rc, const SDL_Event *ev, uint64_t onset, uint64_t stamp,
                     size_t pos)
{
    int min_ms = rc->cfg->min_rt_ms;
    double rt = exp_ms(onset, stamp);
    if (min_ms <= 0 || rt >= min_ms)
        return 0;
    exp_input in;
    exp_input_describe(rc, ev, &in);
    exp_event(rc, "anticipation",
              "trial %zu: %s %s %.1f ms after the onset, faster than min_rt_ms = %d: not an "
              "answer",
              pos, in.device ? in.device : "input", in.button, rt, min_ms);
    return 1;
}

void exp_warn(exp_run *rc, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    exp_event(rc, "warning", "%s", msg);
    dl_exp_result *res = rc->res;
    if (res && res->nwarnings < DL_EXP_MAX_WARNINGS)
        snprintf(res->warnings[res->nwarnings++], sizeof res->warnings[0], "%s", msg);
}

/* The session's time base: this run's clock plus the run's offset, which
 * dl_store_start_run chose so that times go on increasing across runs. */
double exp_onset_s(const exp_run *rc, uint64_t stamp)
{
    return rc->time_offset_s + exp_ms(rc->t0, stamp) / 1000.0;
}

void exp_event(exp_run *rc, const char *kind, const char *fmt, ...)
{
    if (rc->npending == EXP_MAX_PENDING)
        return; /* a storm of focus changes; the first 64 tell the story */
    exp_pending_event *e = &rc->pending[rc->npending++];
    e->t_s = exp_ms(rc->t0, exp_now()) / 1000.0; /* run clock; the offset is added when written */
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
}

int exp_flush_events(exp_run *rc, dl_error *err)
{
    if (!rc->session_id)
        return 0; /* kept until the session exists */
    for (size_t i = 0; i < rc->npending; i++) {
        const exp_pending_event *e = &rc->pending[i];
        int r = dl_store_log_event(rc->st, rc->session_id, rc->time_offset_s + e->t_s, e->kind,
                                   e->detail, err);
        if (r) {
            memmove(rc->pending, rc->pending + i, (rc->npending - i) * sizeof *rc->pending);
            rc->npending -= i;
            return r;
        }
    }
    rc->npending = 0;
    return 0;
}

static const char *const shot_names[SHOT_COUNT] = {
    [SHOT_CODE] = "code-entry",
    [SHOT_RESUME] = "resume",
    [SHOT_LOADING] = "loading",
    [SHOT_INSTRUCTIONS] = "instructions",
    [SHOT_PRACTICE_INTRO] = "practice-intro",
    [SHOT_PRACTICE] = "practice",
    [SHOT_FEEDBACK] = "feedback",
    [SHOT_PRACTICE_END] = "practice-end",
    [SHOT_COUNTDOWN] = "countdown",
    [SHOT_FIXATION] = "fixation",
    [SHOT_TRIAL] = "trial",
    [SHOT_BREAK] = "break",
    [SHOT_PAUSE] = "pause",
    [SHOT_END] = "end",
    [SHOT_ANSWERED] = "trial-answered",
    [SHOT_WELCOME] = "welcome-back",
};

void exp_shot(exp_run *rc, int kind)
{
    if (!rc->opt->screenshots_dir || rc->shot_done[kind])
        return;
    rc->shot_done[kind] = 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.png", rc->opt->screenshots_dir, shot_names[kind]);
    dl_error e = {0};
    if (exp_display_screenshot(&rc->disp, path, &e) != 0)
        exp_event(rc, "warning", "%s", e.msg);
    else if (rc->res)
        rc->res->screenshots++;
}
