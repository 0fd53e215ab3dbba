/* trials.c — what both tasks do between trials: practice, breaks and the
 * countdown, the inter-trial interval and the fixation period before an
 * onset, and the geometry of a stimulus on screen. */
#include <math.h>
#include <stdlib.h>

#include "exp_internal.h"

exp_stim *exp_item_stim(exp_run *rc, int item, int which)
{
    return &rc->stims[2 * (size_t)item + (size_t)which];
}

int exp_gap_px(const exp_run *rc, int max_w)
{
    if (rc->gap_px >= 0)
        return rc->gap_px;
    return max_w / 4 > rc->fonts.body_px ? max_w / 4 : rc->fonts.body_px;
}

void exp_image_rect(const exp_run *rc, const exp_stim *s, int cx, int cy, SDL_Rect *r)
{
    int w = s->w, h = s->h;
    if (rc->image_w_px > 0 && s->w > 0) {
        w = rc->image_w_px;
        h = (int)lround((double)s->h * w / s->w);
    }
    r->w = w;
    r->h = h;
    r->x = cx - w / 2;
    r->y = cy - h / 2;
}

int exp_trial_label(exp_run *rc, size_t pos, exp_text *t, dl_error *err)
{
    int practice = pos < rc->npractice;
    char n[32], total[32];
    /* practice is counted apart: the main trials are numbered from 1 on every
     * screen (trial, break, resume) */
    snprintf(n, sizeof n, "%zu", practice ? pos + 1 : pos - rc->npractice + 1);
    snprintf(total, sizeof total, "%zu", practice ? rc->npractice : rc->norder - rc->npractice);
    const char *names[] = {"n", "total"}, *values[] = {n, total};
    char *s = exp_format(rc->cfg->text[practice ? TXT_PRACTICE_LABEL : TXT_TRIAL_LABEL], names,
                         values, 2);
    if (!s)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int r = exp_body_text(rc, practice ? rc->fonts.body : rc->fonts.large, s, t, err);
    free(s);
    return r;
}

void exp_note_drops(exp_run *rc, size_t pos)
{
    const exp_display *d = &rc->disp;
    if (d->seq_drops)
        exp_event(rc, "frame-drop",
                  "trial %zu: %zu of %zu frame intervals before the onset longer than %.2f ms "
                  "(longest %.2f ms)",
                  pos, d->seq_drops, d->seq_frames, 1.5 * d->period_ms, d->seq_max_ms);
}

static int show_break(exp_run *rc, size_t pos, dl_error *err)
{
    char sdone[32], stotal[32];
    snprintf(sdone, sizeof sdone, "%zu", pos - rc->npractice);
    snprintf(stotal, sizeof stotal, "%zu", rc->norder - rc->npractice);
    const char *names[] = {"done", "total"}, *values[] = {sdone, stotal};
    char *body = exp_format(rc->cfg->text[TXT_BREAK], names, values, 2);
    if (!body)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    exp_event(rc, "info", "break after %s of %s main trials", sdone, stotal);
    int r = exp_flush_events(rc, err);
    uint64_t t = exp_now();
    if (!r)
        r = exp_screen_message(rc, SHOT_BREAK, "", body, err);
    if (!r)
        exp_event(rc, "info", "break ended after %.1f s", exp_ms(t, exp_now()) / 1000.0);
    free(body);
    return r;
}

static int welcome_back(exp_run *rc, size_t pos, dl_error *err)
{
    char sdone[32], stotal[32];
    snprintf(sdone, sizeof sdone, "%zu", pos);
    snprintf(stotal, sizeof stotal, "%zu", rc->norder);
    const char *names[] = {"done", "total"}, *values[] = {sdone, stotal};
    char *body = exp_format(rc->cfg->text[TXT_WELCOME_BACK], names, values, 2);
    if (!body)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int r = exp_screen_message(rc, SHOT_WELCOME, "", body, err);
    free(body);
    return r;
}

/* Practice feedback is promised, and its end announced, only when there is
 * some (the 2AFC task with practice_feedback = yes): {feedback} in the
 * practice texts becomes a line break and the practice_feedback or
 * feedback_ends text then, and nothing otherwise. */
char *exp_practice_text(const exp_run *rc, int which)
{
    const dl_exp_config *c = rc->cfg;
    int fb = c->task == DL_TASK_2AFC && c->practice_feedback;
    const char *extra =
        c->text[which == TXT_PRACTICE_INTRO ? TXT_PRACTICE_FEEDBACK : TXT_FEEDBACK_ENDS];
    dl_buf b;
    dl_buf_init(&b);
    if (fb && *extra && dl_buf_printf(&b, "\n%s", extra) != 0)
        return NULL;
    const char *names[] = {"feedback"}, *values[] = {b.data ? b.data : ""};
    char *s = exp_format(c->text[which], names, values, 1);
    dl_buf_free(&b);
    return s;
}

static int practice_message(exp_run *rc, int shot, int which, dl_error *err)
{
    char *s = exp_practice_text(rc, which);
    if (!s)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int r = exp_screen_message(rc, shot, "", s, err);
    free(s);
    return r;
}

/* Screens due before the trial at pos: the practice introduction, the end of
 * practice with the countdown, and breaks. *shown is set when one was shown
 * (the inter-trial interval then starts afresh). */
static int screens_before(exp_run *rc, size_t pos, size_t run_first, int *shown, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    int r = 0;
    *shown = 0;
    /* A resumed run starts with a short welcome back; practice is never
     * repeated (the order goes on where it stopped). */
    if (rc->resuming && pos == run_first && (r = welcome_back(rc, pos, err)))
        return r;
    if (pos < rc->npractice && pos == run_first) {
        *shown = 1;
        return practice_message(rc, SHOT_PRACTICE_INTRO, TXT_PRACTICE_INTRO, err);
    }
    size_t first_main = run_first > rc->npractice ? run_first : rc->npractice;
    if (pos == first_main) {
        *shown = 1;
        if (run_first < rc->npractice)
            r = practice_message(rc, SHOT_PRACTICE_END, TXT_PRACTICE_END, err);
        if (!r)
            r = exp_screen_countdown(rc, err);
        return r;
    }
    if (c->break_every > 0 && pos > first_main &&
        (pos - rc->npractice) % (size_t)c->break_every == 0) {
        *shown = 1;
        return show_break(rc, pos, err);
    }
    return 0;
}

int exp_between_trials(exp_run *rc, size_t pos, dl_error *err)
{
    int shown;
    int r = screens_before(rc, pos, rc->first, &shown, err);
    if (!r && shown)
        rc->iti_start = exp_now();
    return r;
}

static void draw_fixation(exp_run *rc)
{
    int w = rc->disp.draw_w, h = rc->disp.draw_h;
    int arm = rc->fonts.body_px / 2, t = rc->disp.scale > 1.5 ? 4 : 2;
    exp_color c = rc->cfg->text_color;
    exp_display_clear(&rc->disp, rc->cfg->background);
    SDL_SetRenderDrawColor(rc->disp.ren, c.r, c.g, c.b, 255);
    SDL_Rect hbar = {w / 2 - arm, h / 2 - t / 2, 2 * arm, t};
    SDL_Rect vbar = {w / 2 - t / 2, h / 2 - arm, t, 2 * arm};
    SDL_RenderFillRect(rc->disp.ren, &hbar);
    SDL_RenderFillRect(rc->disp.ren, &vbar);
}

/* Frames of fixation cross until the onset, which is due at `until`: the
 * onset frame then flips on the refresh nearest to it. */
static int fixation_until(exp_run *rc, uint64_t until)
{
    for (;;) {
        exp_display *d = &rc->disp;
        if (exp_add_ms(d->last_present, 1.5 * d->period_ms) >= until)
            return 0;
        SDL_Event ev;
        uint64_t stamp;
        while (exp_wait(rc, exp_display_due(d), &ev, &stamp)) {
            if (rc->sdl_quit)
                return DL_EABORT;
            if (exp_key_in(&ev, &rc->cfg->key_pause))
                return 1; /* the caller restarts the interval */
        }
        draw_fixation(rc);
        exp_display_present(d);
    }
}

/* Frames before an onset that are presented back to back, so the interval
 * into the onset frame can tell whether it came on time. */
#define PRE_ONSET_FRAMES 3

int exp_before_onset(exp_run *rc, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    for (;;) {
        if (c->fixation_ms > 0 && rc->opt->screenshots_dir && !rc->shot_done[SHOT_FIXATION]) {
            draw_fixation(rc);
            exp_shot(rc, SHOT_FIXATION);
        }
        /* The blank screen stays up by itself; only the last frames of the
         * interval are presented, as a fresh run (the commit before them is
         * not a dropped frame). */
        double lead_ms = PRE_ONSET_FRAMES * rc->disp.period_ms;
        int r = exp_idle_until(rc, exp_add_ms(rc->iti_start, c->iti_ms - lead_ms));
        if (r == 0) {
            exp_display_sequence(&rc->disp);
            for (int k = 0; k < PRE_ONSET_FRAMES; k++) {
                exp_display_clear(&rc->disp, c->background);
                exp_display_present(&rc->disp);
            }
            if (c->fixation_ms <= 0)
                return 0;
            draw_fixation(rc);
            uint64_t fix_start = exp_display_present(&rc->disp);
            r = fixation_until(rc, exp_add_ms(fix_start, c->fixation_ms));
            if (r == 0)
                return 0;
        }
        if (r < 0)
            return r;
        if ((r = exp_screen_pause(rc, err)))
            return r;
        rc->iti_start = exp_now();
    }
}
