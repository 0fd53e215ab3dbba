/* task_rating.c — the three questions of Experiment 2, in the paper's
 * layout: the image on a white background with the trial number on its
 * left, the questions below it. The current answers are highlighted and can
 * be changed until the last Enter (or a click on the confirm button);
 * each question's rt_ms is the time of its final answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exp_internal.h"

#define NQ EXP_MAX_QUESTIONS
#define MAXOPT EXP_MAX_CHOICES

typedef struct rating_ui {
    const exp_rating_form *form;
    exp_fonts own; /* the fonts at the size the layout chose, when not the body size */
    const exp_fonts *f;
    int px;
    exp_text question[NQ], question_bold[NQ];
    exp_text label[NQ][MAXOPT], label_on[NQ][MAXOPT];
    exp_text key[NQ][MAXOPT], key_on[NQ][MAXOPT]; /* empty when the label is the key */
    exp_text confirm, confirm_on, confirm_key, confirm_key_on, hint;
    SDL_Rect button[NQ][MAXOPT], confirm_rect;
    int question_cx[NQ], question_y[NQ];
    int image_cx, image_cy, img_w, img_h;
    int hint_y;
    exp_sim_buttons sim; /* the same rectangles, for the simulated observer */
} rating_ui;

typedef struct rating_state {
    int item;
    size_t pos;
    exp_stim *stim;
    exp_text trial_label;
    int answer[NQ];
    int focus;
    uint64_t onset, changed[NQ];
    int frames_dropped;
    exp_input in;       /* the input being applied */
    exp_input how[NQ];  /* how each final answer was given */
} rating_state;

/* ---- the questions -------------------------------------------------------------------------- */

/* The questions the experiment file defines ([questions], [text]; the
 * paper's three by default): a count is answered 0-9, its digit its own key;
 * labelled answers are keyed 1, 2, 3 ... from the left. */
void exp_rating_default_form(const dl_exp_config *c, exp_rating_form *f)
{
    static const char *const digits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    memset(f, 0, sizeof *f);
    f->nq = c->nquestions < EXP_MAX_QUESTIONS ? c->nquestions : EXP_MAX_QUESTIONS;
    for (int q = 0; q < f->nq; q++) {
        const exp_question *d = &c->question[q];
        f->text[q] = d->text;
        if (d->type == EXP_Q_COUNT) {
            f->nopt[q] = 10;
            for (int k = 0; k < 10; k++) {
                f->label[q][k] = digits[k];
                f->key[q][k] = k;
            }
            continue;
        }
        f->nopt[q] = d->nopt;
        for (int k = 0; k < d->nopt; k++) {
            f->label[q][k] = d->opt[k];
            f->key[q][k] = k + 1;
        }
    }
}

/* ---- texts ---------------------------------------------------------------------------------- */

static void free_texts(rating_ui *ui)
{
    for (int q = 0; q < NQ; q++) {
        exp_text_free(&ui->question[q]);
        exp_text_free(&ui->question_bold[q]);
        for (int k = 0; k < MAXOPT; k++) {
            exp_text_free(&ui->label[q][k]);
            exp_text_free(&ui->label_on[q][k]);
            exp_text_free(&ui->key[q][k]);
            exp_text_free(&ui->key_on[q][k]);
        }
    }
    exp_text_free(&ui->confirm);
    exp_text_free(&ui->confirm_on);
    exp_text_free(&ui->confirm_key);
    exp_text_free(&ui->confirm_key_on);
    exp_text_free(&ui->hint);
}

static void free_ui(rating_ui *ui)
{
    free_texts(ui);
    exp_fonts_close(&ui->own);
    ui->f = NULL;
}

/* The key shown on a button: nothing when the label already is the key. */
static const char *key_caption(const exp_rating_form *f, int q, int k, char buf[4])
{
    int d = f->key[q][k];
    if (d < 0 || d > 9)
        return "";
    snprintf(buf, 4, "%d", d);
    return f->label[q][k] && strcmp(f->label[q][k], buf) == 0 ? "" : buf;
}

static int make_text(exp_run *rc, TTF_Font *font, const char *s, exp_color c, int wrap, int alpha,
                     exp_text *t)
{
    int r = exp_text_make(rc->disp.ren, font, s, c, wrap, t);
    if (!r && t->tex && alpha < 255)
        SDL_SetTextureAlphaMod(t->tex, (Uint8)alpha);
    return r;
}

static int make_texts(exp_run *rc, rating_ui *ui, int wrap, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    const exp_rating_form *f = ui->form;
    const exp_fonts *fo = ui->f;
    exp_color tc = c->text_color, white = {255, 255, 255};
    int r = 0;
    for (int q = 0; q < f->nq && !r; q++) {
        /* Both faces break where the bold one must, so a question keeps its
         * lines when the focus comes or goes; the ones not in focus are a
         * little quieter. */
        char *lines = exp_text_break(fo->bold, f->text[q], wrap);
        if (!lines)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        r = make_text(rc, fo->body, lines, tc, wrap, 190, &ui->question[q]) ||
            make_text(rc, fo->bold, lines, tc, wrap, 255, &ui->question_bold[q]);
        free(lines);
        for (int k = 0; k < f->nopt[q] && !r; k++) {
            char buf[4];
            const char *key = key_caption(f, q, k, buf);
            r = make_text(rc, fo->body, f->label[q][k], tc, 0, 255, &ui->label[q][k]) ||
                make_text(rc, fo->bold, f->label[q][k], white, 0, 255, &ui->label_on[q][k]) ||
                make_text(rc, fo->small, key, tc, 0, 150, &ui->key[q][k]) ||
                make_text(rc, fo->small, key, white, 0, 210, &ui->key_on[q][k]);
        }
    }
    /* Enter confirms: the return symbol on the button says so in any language */
    if (!r)
        r = make_text(rc, fo->body, c->text[TXT_CONFIRM], tc, 0, 110, &ui->confirm) ||
            make_text(rc, fo->bold, c->text[TXT_CONFIRM], white, 0, 255, &ui->confirm_on) ||
            make_text(rc, fo->small, "\xe2\x86\xb5", tc, 0, 150, &ui->confirm_key) ||
            make_text(rc, fo->small, "\xe2\x86\xb5", white, 0, 210, &ui->confirm_key_on) ||
            make_text(rc, fo->small, c->text[TXT_RATING_HINT], tc, wrap, 170, &ui->hint);
    if (r)
        return dl_fail(err, DL_EINVAL, "cannot draw the rating texts: %s", TTF_GetError());
    return 0;
}

/* ---- layout --------------------------------------------------------------------------------- */

/* What one button holds: its key, a little space, its label. */
static int content_w(const rating_ui *ui, int q, int k)
{
    int kw = ui->key[q][k].w,
        lw = ui->label_on[q][k].w > ui->label[q][k].w ? ui->label_on[q][k].w : ui->label[q][k].w;
    return kw ? kw + ui->px / 3 + lw : lw;
}

static int button_h(const rating_ui *ui)
{
    return ui->px * 17 / 10;
}

/* The width of each button of question q (all of a row alike). */
static int button_w(const rating_ui *ui, int q)
{
    int n = ui->form->nopt[q], bh = button_h(ui), w = 0, square = 1;
    for (int k = 0; k < n; k++) {
        int cw = content_w(ui, q, k);
        w = cw > w ? cw : w;
        square = square && !ui->key[q][k].w && cw < bh * 3 / 4;
    }
    return square ? bh : w + 2 * ui->px;
}

/* Buttons per row in a column colw wide: all in one row when they fit, else
 * as many rows as needed, filled evenly. */
static int per_row(const rating_ui *ui, int q, int colw)
{
    int n = ui->form->nopt[q], bw = button_w(ui, q), space = ui->px / 2;
    int fit = (colw + space) / (bw + space);
    fit = fit < 1 ? 1 : fit;
    int rows = (n + fit - 1) / fit;
    return (n + rows - 1) / rows;
}

static int rows_of(const rating_ui *ui, int q, int colw)
{
    int k = per_row(ui, q, colw);
    return (ui->form->nopt[q] + k - 1) / k;
}

static int question_text_h(const rating_ui *ui, int q)
{
    /* room for the taller of the two faces: the bold one may wrap into more lines */
    return ui->question[q].h > ui->question_bold[q].h ? ui->question[q].h : ui->question_bold[q].h;
}

static int question_h(const rating_ui *ui, int q, int colw)
{
    int rows = rows_of(ui, q, colw);
    return question_text_h(ui, q) + ui->px * 2 / 5 + rows * button_h(ui) +
           (rows - 1) * (ui->px / 2);
}

typedef struct rating_geom {
    int cols, colw, margin;
} rating_geom;

/* Place everything for cols columns of questions; 1 when it all fits. */
static int place(exp_run *rc, rating_ui *ui, const rating_geom *g)
{
    const exp_rating_form *f = ui->form;
    int w = rc->disp.draw_w, h = rc->disp.draw_h, px = ui->px, bh = button_h(ui);
    int ext = exp_frame_extent_px(rc), rowgap = px, space = px / 2;
    int per_col = (f->nq + g->cols - 1) / g->cols, colh = 0;
    for (int c = 0; c < g->cols; c++) {
        int ch = 0;
        for (int q = c * per_col; q < f->nq && q < (c + 1) * per_col; q++)
            ch += question_h(ui, q, g->colw) + (ch ? rowgap : 0);
        colh = ch > colh ? ch : colh;
    }
    ui->hint_y = h - g->margin - ui->hint.h;
    int bottom = ui->hint.h ? ui->hint_y - px / 2 : h - g->margin;
    int total = ui->img_h + 2 * ext + px + colh + px + bh;
    int fits = total <= bottom - g->margin;
    int y = g->margin + (bottom - g->margin - total) / 2;
    y = y < g->margin ? g->margin : y;
    ui->image_cx = w / 2;
    ui->image_cy = y + ext + ui->img_h / 2;
    int top = y + ui->img_h + 2 * ext + px;
    for (int c = 0; c < g->cols; c++) {
        /* columns share the width evenly, the gap between them as wide as a margin */
        int cx = g->cols == 1 ? w / 2
                 : c == 0     ? w / 2 - px - g->colw / 2
                              : w / 2 + px + g->colw / 2;
        int qy = top;
        for (int q = c * per_col; q < f->nq && q < (c + 1) * per_col; q++) {
            int bw = button_w(ui, q), k1 = per_row(ui, q, g->colw), n = f->nopt[q];
            fits = fits && bw <= g->colw;
            ui->question_cx[q] = cx;
            ui->question_y[q] = qy;
            int by = qy + question_text_h(ui, q) + px * 2 / 5;
            for (int k = 0; k < n; k++) {
                int row = k / k1, in_row = n - row * k1 < k1 ? n - row * k1 : k1;
                int rw = in_row * bw + (in_row - 1) * space;
                ui->button[q][k] = (SDL_Rect){cx - rw / 2 + (k % k1) * (bw + space),
                                              by + row * (bh + space), bw, bh};
            }
            qy += question_h(ui, q, g->colw) + rowgap;
        }
    }
    int cw = ui->confirm_on.w > ui->confirm.w ? ui->confirm_on.w : ui->confirm.w;
    cw += ui->confirm_key.w + px / 3 + 2 * px;
    ui->confirm_rect = (SDL_Rect){w / 2 - cw / 2, top + colh + px, cw, bh};
    return fits;
}

static void sim_buttons(rating_ui *ui)
{
    memset(&ui->sim, 0, sizeof ui->sim);
    ui->sim.nq = ui->form->nq;
    for (int q = 0; q < ui->form->nq; q++) {
        ui->sim.nopt[q] = ui->form->nopt[q];
        for (int k = 0; k < ui->form->nopt[q]; k++) {
            ui->sim.option[q][k] = ui->button[q][k];
            ui->sim.key[q][k] = ui->form->key[q][k];
        }
    }
    ui->sim.confirm = ui->confirm_rect;
}

/* Everything but the image is placed once per window size; the image block
 * is the largest image of the set, so nothing moves from trial to trial.
 * The layout tries one column of questions at the body text size, then
 * smaller text down to 70 %, then two columns: the first that fits wins, so
 * the paper's three questions keep the full size and nine still fit. */
static int layout(exp_run *rc, rating_ui *ui, dl_error *err)
{
    static const int pct[] = {100, 90, 80, 70};
    int w = rc->disp.draw_w, base = rc->fonts.body_px;
    rating_geom g = {.margin = rc->disp.draw_h / 40 > base / 2 ? rc->disp.draw_h / 40 : base / 2};
    for (int cols = 1; cols <= 2; cols++) {
        for (size_t i = 0; i < sizeof pct / sizeof *pct; i++) {
            int px = base * pct[i] / 100, last = cols == 2 && i + 1 == sizeof pct / sizeof *pct;
            px = px < 12 ? 12 : px;
            free_ui(ui);
            ui->px = px;
            ui->f = &rc->fonts;
            if (px != base) {
                int r = exp_fonts_open(&ui->own, px, err);
                if (r)
                    return r;
                ui->f = &ui->own;
            }
            g.cols = cols;
            g.colw = cols == 1 ? w - 2 * g.margin : (w - 2 * g.margin - 2 * px) / 2;
            int r = make_texts(rc, ui, cols == 1 ? w * 8 / 10 : g.colw * 19 / 20, err);
            if (r)
                return r;
            if (place(rc, ui, &g) || last) {
                sim_buttons(ui);
                return 0;
            }
        }
    }
    return 0;
}

static void image_block(exp_run *rc, rating_ui *ui)
{
    ui->img_w = ui->img_h = 0;
    for (size_t i = rc->next; i < rc->norder; i++) {
        exp_stim *st = exp_item_stim(rc, rc->order[i], 0);
        SDL_Rect box;
        exp_image_rect(rc, st, 0, 0, &box);
        ui->img_w = box.w > ui->img_w ? box.w : ui->img_w;
        ui->img_h = box.h > ui->img_h ? box.h : ui->img_h;
    }
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

/* A button: its key (small, quieter) before its label, centred together. */
static void draw_button(exp_run *rc, const rating_ui *ui, const SDL_Rect *b, int on, int strong,
                        const exp_text *key, const exp_text *label, const char *name)
{
    SDL_Renderer *ren = rc->disp.ren;
    if (on)
        fill(ren, b, rc->cfg->highlight, 255);
    else
        outline(ren, b, rc->cfg->text_color, strong ? 200 : 110);
    int ib = exp_layout_add(&rc->lay, EXP_EL_BUTTON, -1, b, "%s", name);
    int gap = key->w ? ui->px / 3 : 0;
    int cw = key->w + gap + label->w, x = b->x + (b->w - cw) / 2, cy = b->y + b->h / 2;
    char n[64];
    snprintf(n, sizeof n, "key of %s", name);
    exp_put_text(rc, key, x, cy - key->h / 2, ib, n);
    snprintf(n, sizeof n, "label of %s", name);
    exp_put_text(rc, label, x + key->w + gap, cy - label->h / 2, ib, n);
}

static int all_answered(const rating_ui *ui, const rating_state *s)
{
    for (int q = 0; q < ui->form->nq; q++)
        if (s->answer[q] < 0)
            return 0;
    return 1;
}

static void draw_rating(exp_run *rc, const rating_ui *ui, const rating_state *s)
{
    int px = ui->px;
    exp_view_begin(rc);
    SDL_Rect img;
    exp_image_rect(rc, s->stim, ui->image_cx, ui->image_cy, &img);
    exp_put_image(rc, s->stim->tex, &img, "image");
    const exp_text *tl = &s->trial_label;
    int lx = img.x - exp_frame_extent_px(rc) - 2 * px - tl->w, ly = img.y + img.h / 2 - tl->h / 2;
    if (lx < px / 2) /* a wide image leaves no room at its left: the top-left corner */
        lx = ly = px / 2;
    exp_put_text(rc, tl, lx, ly, -1, "trial number");
    for (int q = 0; q < ui->form->nq; q++) {
        const exp_text *t = s->focus == q ? &ui->question_bold[q] : &ui->question[q];
        char name[48];
        snprintf(name, sizeof name, "question %d", q + 1);
        /* each face sits right above its buttons; the room above it is for the
         * taller face, so nothing moves when the focus does */
        int y = ui->question_y[q] + question_text_h(ui, q) - t->h;
        exp_put_text(rc, t, ui->question_cx[q] - t->w / 2, y, -1, name);
        for (int k = 0; k < ui->form->nopt[q]; k++) {
            int on = s->answer[q] == k;
            snprintf(name, sizeof name, "Q%d option %d", q + 1, k + 1);
            draw_button(rc, ui, &ui->button[q][k], on, s->focus == q,
                        on ? &ui->key_on[q][k] : &ui->key[q][k],
                        on ? &ui->label_on[q][k] : &ui->label[q][k], name);
        }
    }
    int done = all_answered(ui, s);
    draw_button(rc, ui, &ui->confirm_rect, done, 0, done ? &ui->confirm_key_on : &ui->confirm_key,
                done ? &ui->confirm_on : &ui->confirm, "confirm");
    exp_put_text(rc, &ui->hint, rc->disp.draw_w / 2 - ui->hint.w / 2, ui->hint_y, -1, "hint");
}

/* The texts and places for the window as it is now. */
static int make_ui(exp_run *rc, rating_ui *ui, const exp_rating_form *f, dl_error *err)
{
    ui->form = f;
    image_block(rc, ui);
    return layout(rc, ui, err);
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

static int next_unanswered(const rating_ui *ui, const rating_state *s)
{
    int nq = ui->form->nq;
    for (int i = 1; i <= nq; i++) {
        int q = (s->focus + i) % nq;
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

/* Apply a key; returns 1 when the trial is confirmed. A digit means the same
 * on every question: the option whose button shows that digit. */
static int on_key(const rating_ui *ui, rating_state *s, SDL_Keycode k, uint64_t stamp)
{
    const exp_rating_form *f = ui->form;
    int q = s->focus, d = digit_of(k), n = f->nopt[q], nq = f->nq;
    if (d >= 0) {
        for (int opt = 0; opt < n; opt++)
            if (f->key[q][opt] == d)
                set_answer(s, q, opt, stamp);
    } else if (k == SDLK_LEFT || k == SDLK_RIGHT) {
        int cur = s->answer[q] < 0 ? (k == SDLK_LEFT ? n : -1) : s->answer[q];
        int opt = cur + (k == SDLK_LEFT ? -1 : 1);
        if (opt >= 0 && opt < n)
            set_answer(s, q, opt, stamp);
    } else if (k == SDLK_UP) {
        s->focus = (q + nq - 1) % nq;
    } else if (k == SDLK_DOWN || k == SDLK_TAB) {
        s->focus = (q + 1) % nq;
    } else if ((k == SDLK_RETURN || k == SDLK_KP_ENTER) && s->answer[q] >= 0) {
        if (all_answered(ui, s))
            return 1;
        s->focus = next_unanswered(ui, s);
    }
    return 0;
}

static int on_click(const rating_ui *ui, rating_state *s, int x, int y, uint64_t stamp)
{
    for (int q = 0; q < ui->form->nq; q++)
        for (int k = 0; k < ui->form->nopt[q]; k++) {
            const SDL_Rect *b = &ui->button[q][k];
            if (x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h)
                set_answer(s, q, k, stamp);
        }
    const SDL_Rect *c = &ui->confirm_rect;
    return all_answered(ui, s) && x >= c->x && x < c->x + c->w && y >= c->y && y < c->y + c->h;
}

/* After a resize: the fonts, texts and places again. */
static int relayout(exp_run *rc, rating_ui *ui, rating_state *s, dl_error *err)
{
    int r = exp_view_resync(rc, err);
    if (r <= 0)
        return r;
    if (!(r = make_ui(rc, ui, ui->form, err))) {
        exp_text_free(&s->trial_label);
        r = exp_trial_label(rc, s->pos, &s->trial_label, err);
    }
    return r;
}

/* Onset, then answers until confirmed; 1 when paused (show again). */
static int present_and_answer(exp_run *rc, rating_ui *ui, rating_state *s, size_t pos,
                              double intended[NQ], dl_error *err)
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
        if (rc->exposed) {
            rc->exposed = 0;
            int r = relayout(rc, ui, s, err);
            if (r < 0)
                return r;
        }
        /* Not part of the timed run of frames: present now, count nothing. */
        draw_rating(rc, ui, s);
        exp_display_show(&rc->disp);
    }
}

static int log_rating(exp_run *rc, const rating_state *s, size_t pos, dl_error *err)
{
    /* one answer row per question asked, under the question's key */
    const dl_exp_config *c = rc->cfg;
    dl_answer ans[NQ];
    int nq = c->nquestions < NQ ? c->nquestions : NQ;
    for (int q = 0; q < nq; q++) {
        const exp_input *in = &s->how[q];
        ans[q] = (dl_answer){c->question[q].key,
                             s->answer[q],
                             exp_ms(s->onset, s->changed[q]),
                             in->device,
                             in->device ? in->button : NULL,
                             in->x_px,
                             in->y_px};
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
        .nanswers = (size_t)nq,
        .answers = ans,
    };
    int r = dl_store_log_rating(rc->st, &rt, err);
    if (r)
        return r;
    rc->res->logged++;
    rc->res->trial_frames_dropped += (size_t)s->frames_dropped;
    return exp_flush_events(rc, err);
}

static int start_trial(exp_run *rc, size_t pos, rating_state *s, dl_error *err)
{
    memset(s, 0, sizeof *s);
    s->pos = pos;
    s->item = rc->order[pos];
    s->stim = exp_item_stim(rc, s->item, 0);
    for (int q = 0; q < NQ; q++)
        s->answer[q] = -1;
    return exp_trial_label(rc, pos, &s->trial_label, err);
}

int exp_view_rating(exp_run *rc, const exp_rating_form *f, size_t pos, int focus,
                    const int *answers, dl_error *err)
{
    rating_ui ui;
    rating_state s;
    memset(&ui, 0, sizeof ui);
    int r = make_ui(rc, &ui, f, err);
    if (!r)
        r = start_trial(rc, pos, &s, err);
    if (!r) {
        for (int q = 0; q < f->nq; q++)
            s.answer[q] = answers ? answers[q] : -1;
        s.focus = focus;
        draw_rating(rc, &ui, &s);
        exp_text_free(&s.trial_label);
    }
    free_ui(&ui);
    return r;
}

static int run_trial(exp_run *rc, rating_ui *ui, size_t pos, dl_error *err)
{
    rating_state s;
    int r = start_trial(rc, pos, &s, err);
    int kind = pos < rc->npractice ? SHOT_PRACTICE : SHOT_TRIAL;
    if (!r && rc->opt->screenshots_dir && !rc->shot_done[kind]) {
        draw_rating(rc, ui, &s); /* in the interval, never before an onset */
        exp_shot(rc, kind);
    }
    double intended[NQ];
    while (!r) {
        r = exp_before_onset(rc, err);
        if (!r)
            r = present_and_answer(rc, ui, &s, pos, intended, err);
        if (rc->sim)
            exp_sim_clear(rc->sim);
        if (r == 1) {
            if (!(r = exp_screen_pause(rc, err)))
                rc->iti_start = exp_now();
            if (!r && (r = relayout(rc, ui, &s, err)) > 0) /* laid out for the window as now */
                r = 0;
            continue;
        }
        if (r)
            break;
        for (int q = 0; q < ui->form->nq && q < 3 && rc->sim; q++)
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
    exp_rating_form form;
    memset(&ui, 0, sizeof ui);
    exp_rating_default_form(rc->cfg, &form);
    int r = make_ui(rc, &ui, &form, err);
    rc->iti_start = exp_now();
    for (size_t pos = rc->next; pos < rc->norder && !r; pos++) {
        r = exp_between_trials(rc, pos, err);
        if (!r)
            r = run_trial(rc, &ui, pos, err);
        if (!r)
            rc->next = pos + 1;
    }
    free_ui(&ui);
    return r;
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
    .id = DL_TASK_RATING,
    .name = "rating",
    .has_sides = 0,
    .check = NULL,
    .item_size = item_size,
    .session_json = session_json,
    .run = run_rating,
};
