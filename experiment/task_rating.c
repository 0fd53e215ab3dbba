/* task_rating.c — the three questions of Experiment 2, in the paper's
 * layout: the image on a white background with the trial number on its
 * left, the questions below it. The current answers are highlighted and can
 * be changed until the last Enter (or a click on the confirm button);
 * each question's rt_ms is the time of its final answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exp_internal.h"

#define NQ 3
#define MAXOPT 10

typedef struct rating_ui {
    exp_text question[NQ], question_bold[NQ];
    exp_text label[NQ][MAXOPT], label_on[NQ][MAXOPT];
    int nopt[NQ];
    exp_text confirm, confirm_on, hint;
    SDL_Rect button[NQ][MAXOPT], confirm_rect;
    int question_y[NQ];
    int image_cx, image_cy;
    exp_sim_buttons sim; /* the same rectangles, for the simulated observer */
} rating_ui;

typedef struct rating_state {
    int item;
    exp_stim *stim;
    exp_text trial_label;
    int answer[NQ];
    int focus;
    uint64_t onset, changed[NQ];
    int frames_dropped;
    exp_input in;       /* the input being applied */
    exp_input how[NQ];  /* how each final answer was given */
} rating_state;

/* ---- texts and layout ----------------------------------------------------------------------- */

static const char *option_text(const dl_exp_config *c, int q, int k, char *buf, size_t len)
{
    if (q == 0) {
        snprintf(buf, len, "%d", k);
        return buf;
    }
    return q == 1 ? c->q2_opt[k] : c->q3_opt[k];
}

static int make_texts(exp_run *rc, rating_ui *ui, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    const int qtxt[NQ] = {TXT_Q1, TXT_Q2, TXT_Q3};
    ui->nopt[0] = 10;
    ui->nopt[1] = c->q2_nopt;
    ui->nopt[2] = c->q3_nopt;
    exp_color white = {255, 255, 255};
    int wrap = rc->disp.draw_w * 8 / 10, r = 0;
    for (int q = 0; q < NQ && !r; q++) {
        r = exp_text_make(rc->disp.ren, rc->fonts.body, c->text[qtxt[q]], c->text_color, wrap,
                          &ui->question[q]) ||
            exp_text_make(rc->disp.ren, rc->fonts.bold, c->text[qtxt[q]], c->text_color, wrap,
                          &ui->question_bold[q]);
        for (int k = 0; k < ui->nopt[q] && !r; k++) {
            char buf[16];
            const char *s = option_text(c, q, k, buf, sizeof buf);
            r = exp_text_make(rc->disp.ren, rc->fonts.body, s, c->text_color, 0,
                              &ui->label[q][k]) ||
                exp_text_make(rc->disp.ren, rc->fonts.bold, s, white, 0, &ui->label_on[q][k]);
        }
        if (ui->question[q].tex) /* the questions not in focus are a little quieter */
            SDL_SetTextureAlphaMod(ui->question[q].tex, 190);
    }
    if (!r)
        r = exp_text_make(rc->disp.ren, rc->fonts.body, c->text[TXT_CONFIRM], c->text_color, 0,
                          &ui->confirm) ||
            exp_text_make(rc->disp.ren, rc->fonts.bold, c->text[TXT_CONFIRM], white, 0,
                          &ui->confirm_on) ||
            exp_text_make(rc->disp.ren, rc->fonts.small, c->text[TXT_RATING_HINT], c->text_color,
                          wrap, &ui->hint);
    if (r)
        return dl_fail(err, DL_EINVAL, "cannot draw the rating texts: %s", TTF_GetError());
    if (ui->confirm.tex)
        SDL_SetTextureAlphaMod(ui->confirm.tex, 110);
    if (ui->hint.tex)
        SDL_SetTextureAlphaMod(ui->hint.tex, 170);
    return 0;
}

static void free_texts(rating_ui *ui)
{
    for (int q = 0; q < NQ; q++) {
        exp_text_free(&ui->question[q]);
        exp_text_free(&ui->question_bold[q]);
        for (int k = 0; k < MAXOPT; k++) {
            exp_text_free(&ui->label[q][k]);
            exp_text_free(&ui->label_on[q][k]);
        }
    }
    exp_text_free(&ui->confirm);
    exp_text_free(&ui->confirm_on);
    exp_text_free(&ui->hint);
}

/* A row of buttons centred on cx; returns the row's height. */
static int layout_row(rating_ui *ui, int q, int cx, int y, int px)
{
    int bw = 0, bh = px * 17 / 10, space = px / 2;
    for (int k = 0; k < ui->nopt[q]; k++)
        if (ui->label[q][k].w > bw)
            bw = ui->label[q][k].w;
    bw = q == 0 ? bh : bw + 2 * px;
    int total = ui->nopt[q] * bw + (ui->nopt[q] - 1) * space;
    for (int k = 0; k < ui->nopt[q]; k++)
        ui->button[q][k] = (SDL_Rect){cx - total / 2 + k * (bw + space), y, bw, bh};
    return bh;
}

/* Everything but the image is placed once; the image block is the largest
 * image of the set, so nothing moves from trial to trial. */
static void layout(exp_run *rc, rating_ui *ui, int img_w, int img_h)
{
    int w = rc->disp.draw_w, h = rc->disp.draw_h, px = rc->fonts.body_px;
    int qgap = px * 2 / 5, rowgap = px * 6 / 5, bh = px * 17 / 10;
    int total = img_h + 2 * px;
    for (int q = 0; q < NQ; q++)
        total += ui->question[q].h + qgap + bh + rowgap;
    total += bh;
    int y = (h - total) / 2 - ui->hint.h;
    if (y < px / 2)
        y = px / 2;
    ui->image_cx = w / 2;
    ui->image_cy = y + img_h / 2;
    y += img_h + 2 * px;
    for (int q = 0; q < NQ; q++) {
        ui->question_y[q] = y;
        y += ui->question[q].h + qgap;
        y += layout_row(ui, q, w / 2, y, px) + rowgap;
    }
    int cw = (ui->confirm_on.w > ui->confirm.w ? ui->confirm_on.w : ui->confirm.w) + 3 * px;
    ui->confirm_rect = (SDL_Rect){w / 2 - cw / 2, y, cw, bh};
    for (int q = 0; q < NQ; q++) {
        ui->sim.nopt[q] = ui->nopt[q];
        for (int k = 0; k < ui->nopt[q]; k++)
            ui->sim.option[q][k] = ui->button[q][k];
    }
    ui->sim.confirm = ui->confirm_rect;
    (void)img_w;
}

/* ---- drawing -------------------------------------------------------------------------------- */

static void fill(SDL_Renderer *ren, const SDL_Rect *r, exp_color c, int a)
{
    SDL_SetRenderDrawColor(ren, c.r, c.g, c.b, (Uint8)a);
    SDL_RenderFillRect(ren, r);
}

static void outline(SDL_Renderer *ren, const SDL_Rect *r, exp_color c, int a)
{
    SDL_SetRenderDrawColor(ren, c.r, c.g, c.b, (Uint8)a);
    SDL_RenderDrawRect(ren, r);
}

static void draw_row(exp_run *rc, const rating_ui *ui, const rating_state *s, int q)
{
    SDL_Renderer *ren = rc->disp.ren;
    exp_color tc = rc->cfg->text_color, hc = rc->cfg->highlight;
    for (int k = 0; k < ui->nopt[q]; k++) {
        const SDL_Rect *b = &ui->button[q][k];
        int cx = b->x + b->w / 2, cy = b->y + b->h / 2;
        if (s->answer[q] == k) {
            fill(ren, b, hc, 255);
            exp_text_draw_centred(ren, &ui->label_on[q][k], cx, cy);
        } else {
            outline(ren, b, tc, s->focus == q ? 200 : 110);
            exp_text_draw_centred(ren, &ui->label[q][k], cx, cy);
        }
    }
}

static int all_answered(const rating_state *s)
{
    return s->answer[0] >= 0 && s->answer[1] >= 0 && s->answer[2] >= 0;
}

static void draw_rating(exp_run *rc, const rating_ui *ui, const rating_state *s)
{
    SDL_Renderer *ren = rc->disp.ren;
    int w = rc->disp.draw_w, px = rc->fonts.body_px;
    exp_display_clear(&rc->disp, rc->cfg->background);
    SDL_Rect img;
    exp_image_rect(rc, s->stim, ui->image_cx, ui->image_cy, &img);
    SDL_RenderCopy(ren, s->stim->tex, NULL, &img);
    exp_text_draw(ren, &s->trial_label, img.x - 2 * px - s->trial_label.w,
                  img.y + img.h / 2 - s->trial_label.h / 2);
    for (int q = 0; q < NQ; q++) {
        const exp_text *t = s->focus == q ? &ui->question_bold[q] : &ui->question[q];
        exp_text_draw(ren, t, w / 2 - t->w / 2, ui->question_y[q]);
        draw_row(rc, ui, s, q);
    }
    const SDL_Rect *cb = &ui->confirm_rect;
    if (all_answered(s)) {
        fill(ren, cb, rc->cfg->highlight, 255);
        exp_text_draw_centred(ren, &ui->confirm_on, cb->x + cb->w / 2, cb->y + cb->h / 2);
    } else {
        outline(ren, cb, rc->cfg->text_color, 70);
        exp_text_draw_centred(ren, &ui->confirm, cb->x + cb->w / 2, cb->y + cb->h / 2);
    }
    exp_text_draw(ren, &ui->hint, w / 2 - ui->hint.w / 2, rc->disp.draw_h - ui->hint.h - px / 2);
}

/* ---- answering ------------------------------------------------------------------------------ */

static void set_answer(rating_state *s, int q, int k, uint64_t stamp)
{
    if (s->answer[q] != k) {
        s->changed[q] = stamp;
        s->how[q] = s->in;
    }
    s->answer[q] = k;
    s->focus = q;
}

static int next_unanswered(const rating_state *s)
{
    for (int i = 1; i <= NQ; i++) {
        int q = (s->focus + i) % NQ;
        if (s->answer[q] < 0)
            return q;
    }
    return s->focus;
}

static int digit_of(SDL_Keycode k)
{
    if (k >= SDLK_0 && k <= SDLK_9)
        return (int)(k - SDLK_0);
    if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
        return (int)(k - SDLK_KP_1) + 1;
    if (k == SDLK_KP_0)
        return 0;
    return -1;
}

/* Apply a key; returns 1 when the trial is confirmed. */
static int on_key(const rating_ui *ui, rating_state *s, SDL_Keycode k, uint64_t stamp)
{
    int q = s->focus, d = digit_of(k), n = ui->nopt[q];
    if (d >= 0) {
        int opt = q == 0 ? d : d - 1; /* Q2 and Q3: keys 1, 2, 3 ... */
        if (opt >= 0 && opt < n)
            set_answer(s, q, opt, stamp);
    } else if (k == SDLK_LEFT || k == SDLK_RIGHT) {
        int cur = s->answer[q] < 0 ? (k == SDLK_LEFT ? n : -1) : s->answer[q];
        int opt = cur + (k == SDLK_LEFT ? -1 : 1);
        if (opt >= 0 && opt < n)
            set_answer(s, q, opt, stamp);
    } else if (k == SDLK_UP) {
        s->focus = (q + NQ - 1) % NQ;
    } else if (k == SDLK_DOWN || k == SDLK_TAB) {
        s->focus = (q + 1) % NQ;
    } else if ((k == SDLK_RETURN || k == SDLK_KP_ENTER) && s->answer[q] >= 0) {
        if (all_answered(s))
            return 1;
        s->focus = next_unanswered(s);
    }
    return 0;
}

static int on_click(const rating_ui *ui, rating_state *s, int x, int y, uint64_t stamp)
{
    for (int q = 0; q < NQ; q++)
        for (int k = 0; k < ui->nopt[q]; k++) {
            const SDL_Rect *b = &ui->button[q][k];
            if (x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h)
                set_answer(s, q, k, stamp);
        }
    const SDL_Rect *c = &ui->confirm_rect;
    return all_answered(s) && x >= c->x && x < c->x + c->w && y >= c->y && y < c->y + c->h;
}

/* Onset, then answers until confirmed; 1 when paused (show again). */
static int present_and_answer(exp_run *rc, const rating_ui *ui, rating_state *s, size_t pos,
                              double intended[NQ])
{
    exp_flush_input();
    for (int q = 0; q < NQ; q++)
        s->answer[q] = -1, intended[q] = NAN;
    s->focus = 0;
    draw_rating(rc, ui, s);
    s->onset = exp_display_present(&rc->disp);
    s->frames_dropped = (int)rc->disp.seq_drops;
    exp_note_drops(rc, pos);
    if (rc->sim) {
        const dl_exp_config *c = rc->cfg;
        if (pos >= rc->npractice && exp_sim_quit_at(rc->sim, pos - rc->npractice))
            exp_sim_plan_quit(rc->sim, s->onset, c->key_pause.key[0]);
        else
            exp_sim_plan_rating(rc->sim, s->onset, rc->set->items[s->item].a.difficulty, &ui->sim,
                                intended);
    }
    for (;;) {
        SDL_Event ev;
        uint64_t stamp;
        int x, y, done = 0;
        exp_wait(rc, 0, &ev, &stamp);
        if (rc->sdl_quit)
            return DL_EABORT;
        if (exp_key_in(&ev, &rc->cfg->key_pause))
            return 1;
        if ((ev.type == SDL_KEYDOWN || ev.type == SDL_MOUSEBUTTONDOWN) &&
            exp_anticipation(rc, &ev, s->onset, stamp, pos))
            continue;
        exp_input_describe(rc, &ev, &s->in);
        if (ev.type == SDL_KEYDOWN && !ev.key.repeat)
            done = on_key(ui, s, ev.key.keysym.sym, stamp);
        else if (exp_click(rc, &ev, &x, &y))
            done = on_click(ui, s, x, y, stamp);
        else if (!rc->exposed)
            continue;
        if (done) {
            if (pos >= rc->npractice && rc->opt->screenshots_dir &&
                !rc->shot_done[SHOT_ANSWERED]) { /* after the answers: nothing is timed now */
                draw_rating(rc, ui, s);
                exp_shot(rc, SHOT_ANSWERED);
            }
            return 0;
        }
        /* Not part of the timed run of frames: present now, count nothing. */
        rc->exposed = 0;
        draw_rating(rc, ui, s);
        exp_display_show(&rc->disp);
    }
}

static int log_rating(exp_run *rc, const rating_state *s, size_t pos, dl_error *err)
{
    static const char *const keys[NQ] = {"q1", "q2", "q3"};
    dl_answer ans[NQ];
    for (int q = 0; q < NQ; q++) {
        const exp_input *in = &s->how[q];
        ans[q] = (dl_answer){keys[q],  s->answer[q], exp_ms(s->onset, s->changed[q]),
                             in->device, in->device ? in->button : NULL, in->x_px, in->y_px};
    }
    dl_rating rt = {
        .session_id = rc->session_id,
        .index = (int)pos,
        .practice = pos < rc->npractice,
        .item_index = s->item,
        .image = s->stim->rel,
        .q1 = s->answer[0],
        .q2 = s->answer[1],
        .q3 = s->answer[2],
        .rt_q1_ms = exp_ms(s->onset, s->changed[0]),
        .rt_q2_ms = exp_ms(s->onset, s->changed[1]),
        .rt_q3_ms = exp_ms(s->onset, s->changed[2]),
        .onset_s = exp_onset_s(rc, s->onset),
        .frames_dropped = s->frames_dropped,
        .run_id = rc->run_id,
        .nanswers = NQ,
        .answers = ans,
    };
    int r = dl_store_log_rating(rc->st, &rt, err);
    if (r)
        return r;
    rc->res->logged++;
    rc->res->trial_frames_dropped += (size_t)s->frames_dropped;
    return exp_flush_events(rc, err);
}

static int run_trial(exp_run *rc, const rating_ui *ui, size_t pos, dl_error *err)
{
    rating_state s;
    memset(&s, 0, sizeof s);
    s.item = rc->order[pos];
    s.stim = exp_item_stim(rc, s.item, 0);
    char num[32];
    if (pos < rc->npractice)
        snprintf(num, sizeof num, "%zu", pos + 1);
    else
        snprintf(num, sizeof num, "%zu", pos - rc->npractice + 1);
    const char *names[] = {"n"}, *values[] = {num};
    char *label = exp_format(rc->cfg->text[TXT_TRIAL_LABEL], names, values, 1);
    if (!label)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int r = exp_body_text(rc, rc->fonts.large, label, &s.trial_label, err);
    free(label);
    int kind = pos < rc->npractice ? SHOT_PRACTICE : SHOT_TRIAL;
    for (int q = 0; q < NQ; q++)
        s.answer[q] = -1;
    if (!r && rc->opt->screenshots_dir && !rc->shot_done[kind]) {
        draw_rating(rc, ui, &s); /* in the interval, never before an onset */
        exp_shot(rc, kind);
    }
    double intended[NQ];
    while (!r) {
        r = exp_before_onset(rc, err);
        if (!r)
            r = present_and_answer(rc, ui, &s, pos, intended);
        if (rc->sim)
            exp_sim_clear(rc->sim);
        if (r == 1) {
            if (!(r = exp_screen_pause(rc, err)))
                rc->iti_start = exp_now();
            continue;
        }
        if (r)
            break;
        for (int q = 0; q < NQ && rc->sim; q++)
            if (!isnan(intended[q]))
                exp_sim_record(rc->sim, intended[q], exp_ms(s.onset, s.changed[q]));
        exp_display_clear(&rc->disp, rc->cfg->background);
        rc->iti_start = exp_display_show(&rc->disp);
        r = log_rating(rc, &s, pos, err);
        break;
    }
    exp_text_free(&s.trial_label);
    return r;
}

static int run_rating(exp_run *rc, dl_error *err)
{
    rating_ui ui;
    memset(&ui, 0, sizeof ui);
    int r = make_texts(rc, &ui, err);
    if (!r) {
        int mw = 0, mh = 0;
        for (size_t i = rc->next; i < rc->norder; i++) {
            exp_stim *st = exp_item_stim(rc, rc->order[i], 0);
            SDL_Rect box;
            exp_image_rect(rc, st, 0, 0, &box);
            mw = box.w > mw ? box.w : mw;
            mh = box.h > mh ? box.h : mh;
        }
        layout(rc, &ui, mw, mh);
    }
    rc->iti_start = exp_now();
    for (size_t pos = rc->next; pos < rc->norder && !r; pos++) {
        r = exp_between_trials(rc, pos, err);
        if (!r)
            r = run_trial(rc, &ui, pos, err);
        if (!r)
            rc->next = pos + 1;
    }
    free_texts(&ui);
    return r;
}

static int check(const dl_exp_config *cfg, dl_error *err)
{
    if (!exp_questions_standard(cfg))
        return dl_fail(err, DL_EINVAL,
                       "%s: the rating screen does not show these questions yet: it shows three, "
                       "q1 a count and q2 and q3 with labels (their texts, labels and levels may "
                       "be changed)",
                       cfg->path);
    return 0;
}

/* One image; the questions go below it. */
static void item_size(exp_run *rc, int item, int *w, int *h)
{
    SDL_Rect a;
    exp_image_rect(rc, exp_item_stim(rc, item, 0), 0, 0, &a);
    *w = a.w;
    *h = a.h;
}

static char *session_json(const dl_exp_config *cfg, int *oom)
{
    char *json = exp_questions_json(cfg);
    *oom = json == NULL;
    return json;
}

const exp_task exp_task_rating_def = {
    .id = EXP_TASK_RATING,
    .name = "rating",
    .has_sides = 0,
    .check = check,
    .item_size = item_size,
    .session_json = session_json,
    .run = run_rating,
};
