/* screens.c — every screen that is not a trial: loading, code entry, resume,
 * instructions, messages, countdown, pause, end. Calm on purpose: centred
 * text on the session's background, no flashing, nothing moving but a
 * progress bar and the countdown digit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exp_internal.h"

enum { SIMP_NONE, SIMP_CONTINUE, SIMP_RESUME, SIMP_PAUSE };

#define MAX_PAGES 64

typedef struct msg_screen {
    const char *title_s, *body_s, *hint_s; /* kept to lay out again after a resize */
    exp_text title, hint, page_label;
    exp_text page[MAX_PAGES]; /* the body, one page each */
    int npages, cur;
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
    exp_text_free(&m->hint);
    exp_text_free(&m->page_label);
    for (int k = 0; k < m->npages; k++)
        exp_text_free(&m->page[k]);
    m->npages = 0;
}

/* ---- where a message screen's parts go ------------------------------------------------------ */

/* The space around the screen's edge that nothing enters. */
static int margin_px(const exp_run *rc)
{
    int m = rc->disp.draw_h / 20;
    return m > rc->fonts.body_px ? m : rc->fonts.body_px;
}

typedef struct msg_geom {
    int hint_y, label_y; /* the hint at the bottom, the page number above it */
    int top, bottom;     /* the room for the title and the body */
} msg_geom;

static void msg_geometry(const exp_run *rc, const msg_screen *m, int label_h, msg_geom *g)
{
    int h = rc->disp.draw_h, px = rc->fonts.body_px, margin = margin_px(rc);
    g->hint_y = h - margin - m->hint.h;
    int above = m->hint.h ? g->hint_y - px / 2 : h - margin;
    g->label_y = above - label_h;
    g->bottom = (label_h ? g->label_y : above) - px;
    g->top = margin;
}

static int body_room(const exp_run *rc, const msg_screen *m, int label_h)
{
    msg_geom g;
    msg_geometry(rc, m, label_h, &g);
    int title = m->title.h ? m->title.h + rc->fonts.body_px : 0;
    return g.bottom - g.top - title;
}

/* Lines [a, b) of s as one text, each line ending in a hard break: the text
 * is then drawn exactly as it was measured. */
static char *page_text(const char *s, const size_t *starts, int nlines, int a, int b)
{
    size_t len = strlen(s), cap = 1;
    for (int k = a; k < b; k++)
        cap += (k + 1 < nlines ? starts[k + 1] : len) - starts[k] + 1;
    char *out = malloc(cap), *w = out;
    if (!out)
        return NULL;
    for (int k = a; k < b; k++) {
        size_t from = starts[k], to = k + 1 < nlines ? starts[k + 1] : len;
        while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\n'))
            to--;
        if (w > out)
            *w++ = '\n';
        memcpy(w, s + from, to - from);
        w += to - from;
    }
    *w = 0;
    return out;
}

static int is_blank(const char *s, const size_t *starts, int nlines, int k)
{
    size_t end = k + 1 < nlines ? starts[k + 1] : strlen(s);
    for (size_t i = starts[k]; i < end; i++)
        if (s[i] != ' ' && s[i] != '\n')
            return 0;
    return 1;
}

/* Where the page from line a ends: at most per lines, at a paragraph's end
 * when one is in the page's last 40 %. */
static int page_end(const char *s, const size_t *starts, int nlines, int a, int per)
{
    int b = a + per < nlines ? a + per : nlines;
    if (b == nlines)
        return b;
    for (int k = b; k > a + per * 6 / 10; k--)
        if (k < nlines && is_blank(s, starts, nlines, k))
            return k;
    return b;
}

/* A body taller than its room is cut into pages of whole lines; the
 * continue key turns the page, Backspace, Left or Page Up turns back. The
 * text keeps its size: a page a long text is read on stays as readable as a
 * short one. */
static int paginate(exp_run *rc, msg_screen *m, dl_error *err)
{
    TTF_Font *font = rc->fonts.body;
    size_t *starts = NULL;
    int nlines = exp_text_lines(font, m->body_s, wrap_px(rc), &starts);
    if (nlines < 0)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int label_h = TTF_FontLineSkip(rc->fonts.small), r = 0;
    int per = body_room(rc, m, label_h) / TTF_FontLineSkip(font);
    for (per = per < 1 ? 1 : per; per >= 1; per--) {
        int a = 0, tall = 0;
        while (a < nlines && !r && !tall && m->npages < MAX_PAGES) {
            while (a < nlines && is_blank(m->body_s, starts, nlines, a))
                a++; /* no page starts with an empty line */
            if (a == nlines)
                break;
            int b = page_end(m->body_s, starts, nlines, a, per);
            char *t = page_text(m->body_s, starts, nlines, a, b);
            r = t ? exp_body_text(rc, font, t, &m->page[m->npages], err)
                  : dl_fail(err, DL_ENOMEM, "out of memory");
            free(t);
            if (!r)
                tall = m->page[m->npages++].h > body_room(rc, m, label_h);
            a = b;
        }
        if (r || (!tall && a >= nlines) || per == 1 || m->npages == MAX_PAGES)
            break;
        for (int k = 0; k < m->npages; k++) /* a page came out taller: fewer lines */
            exp_text_free(&m->page[k]);
        m->npages = 0;
    }
    free(starts);
    return r;
}

static int msg_page_label(exp_run *rc, msg_screen *m, dl_error *err)
{
    exp_text_free(&m->page_label);
    if (m->npages < 2)
        return 0;
    char s[32];
    snprintf(s, sizeof s, "%d / %d", m->cur + 1, m->npages);
    int r = exp_body_text(rc, rc->fonts.small, s, &m->page_label, err);
    if (!r && m->page_label.tex)
        SDL_SetTextureAlphaMod(m->page_label.tex, 170);
    return r;
}

static int msg_texts(exp_run *rc, msg_screen *m, const char *title, const char *body,
                     const char *hint, dl_error *err)
{
    m->title_s = title;
    m->body_s = body;
    m->hint_s = hint;
    int r = exp_body_text(rc, rc->fonts.large, title, &m->title, err);
    if (!r)
        r = exp_body_text(rc, rc->fonts.small, hint, &m->hint, err);
    if (m->hint.tex)
        SDL_SetTextureAlphaMod(m->hint.tex, 170); /* quieter than the message */
    if (!r && body && *body) {
        r = exp_body_text(rc, rc->fonts.body, body, &m->page[0], err);
        m->npages = r ? 0 : 1;
        if (!r && m->page[0].h > body_room(rc, m, 0)) {
            exp_text_free(&m->page[0]);
            m->npages = 0;
            r = paginate(rc, m, err);
        }
    }
    if (m->cur >= m->npages)
        m->cur = m->npages ? m->npages - 1 : 0;
    if (!r)
        r = msg_page_label(rc, m, err);
    return r;
}

static void msg_draw(exp_run *rc, const msg_screen *m)
{
    int w = rc->disp.draw_w, px = rc->fonts.body_px;
    exp_view_begin(rc);
    msg_geom g;
    msg_geometry(rc, m, m->page_label.h, &g);
    static const exp_text none;
    const exp_text *body = m->npages ? &m->page[m->cur] : &none;
    int gap = m->title.h && body->h ? px : 0;
    int total = m->title.h + gap + body->h;
    int y = g.top + (g.bottom - g.top - total) / 2;
    y = y < g.top ? g.top : y;
    exp_put_text(rc, &m->title, w / 2 - m->title.w / 2, y, -1, "title");
    exp_put_text(rc, body, w / 2 - body->w / 2, y + m->title.h + gap, -1, "body");
    exp_put_text(rc, &m->page_label, w / 2 - m->page_label.w / 2, g.label_y, -1, "page number");
    exp_put_text(rc, &m->hint, w / 2 - m->hint.w / 2, g.hint_y, -1, "hint");
}

/* Lay a message out again for a new window size. */
static int msg_relayout(exp_run *rc, msg_screen *m, dl_error *err)
{
    int r = exp_view_resync(rc, err);
    if (r <= 0)
        return r;
    int cur = m->cur;
    msg_free(m);
    m->cur = cur;
    return msg_texts(rc, m, m->title_s, m->body_s, m->hint_s, err);
}

int exp_view_resync(exp_run *rc, dl_error *err)
{
    if (!exp_display_resync(&rc->disp))
        return 0;
    int px = exp_fonts_px(rc->cfg->text_size_px, rc->disp.draw_w, rc->disp.draw_h);
    if (px != rc->fonts.body_px) {
        exp_fonts_close(&rc->fonts);
        int r = exp_fonts_open(&rc->fonts, px, err);
        if (r)
            return r;
    }
    if (rc->sim)
        exp_sim_set_window(rc->sim, rc->disp.window_id, rc->disp.scale);
    exp_event(rc, "info", "the window changed to %dx%d (drawable %dx%d px); laid out again",
              rc->disp.win_w, rc->disp.win_h, rc->disp.draw_w, rc->disp.draw_h);
    return 1;
}

/* For the layout test: draw a message screen as the runner would. */
int exp_view_message(exp_run *rc, const char *title, const char *body, const char *hint, int page,
                     int *npages, dl_error *err)
{
    msg_screen m = {.cur = page};
    int r = msg_texts(rc, &m, title, body, hint, err);
    if (!r)
        msg_draw(rc, &m);
    if (npages)
        *npages = m.npages;
    msg_free(&m);
    return r;
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

static int turn_back(const SDL_Event *ev)
{
    if (ev->type != SDL_KEYDOWN || ev->key.repeat)
        return 0;
    SDL_Keycode k = ev->key.keysym.sym;
    return k == SDLK_BACKSPACE || k == SDLK_LEFT || k == SDLK_PAGEUP;
}

/* A key on a page that is not the last: the continue key turns forward,
 * Backspace/Left/Page Up back. 1 when the page changed. */
static int turn_page(exp_run *rc, msg_screen *m, const SDL_Event *ev, dl_error *err)
{
    int to = m->cur;
    if (m->cur + 1 < m->npages && exp_key_in(ev, &rc->cfg->key_continue))
        to++;
    else if (m->cur > 0 && turn_back(ev))
        to--;
    if (to == m->cur)
        return 0;
    m->cur = to;
    exp_event(rc, "info", "page %d of %d", to + 1, m->npages);
    return msg_page_label(rc, m, err) ? -1 : 1;
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
        int turned = 0;
        if (chosen < 0 && stamp >= ready) {
            int t = turn_page(rc, m, &ev, err);
            if (t < 0)
                return DL_EINVAL;
            if (t > 0) { /* a new page: the delay and the simulated reader start again */
                ready = exp_add_ms(stamp, m->no_delay ? 0 : rc->cfg->screen_min_ms);
                if (rc->sim)
                    exp_sim_clear(rc->sim);
                sim_plan(rc, m, stamp);
                rc->exposed = turned = 1;
            }
        }
        for (int i = 0; i < m->naccept && chosen < 0 && !turned && stamp >= ready; i++)
            if (m->cur + 1 >= m->npages && exp_key_in(&ev, m->accept[i]))
                chosen = i;
        if (rc->exposed) {
            rc->exposed = 0;
            int r = msg_relayout(rc, m, err);
            if (r < 0)
                return r;
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

static int draw_countdown(exp_run *rc, int k, dl_error *err)
{
    exp_text title, digit;
    char num[16];
    snprintf(num, sizeof num, "%d", k);
    int r = exp_body_text(rc, rc->fonts.body, rc->cfg->text[TXT_GET_READY], &title, err);
    if (r)
        return r;
    if ((r = exp_body_text(rc, rc->fonts.large, num, &digit, err))) {
        exp_text_free(&title);
        return r;
    }
    int w = rc->disp.draw_w, h = rc->disp.draw_h, gap = rc->fonts.body_px / 2;
    exp_view_begin(rc);
    /* the title above the centre line, the digit below it */
    exp_put_text(rc, &title, w / 2 - title.w / 2, h / 2 - gap / 2 - title.h, -1, "get ready");
    exp_put_text(rc, &digit, w / 2 - digit.w / 2, h / 2 + gap / 2, -1, "countdown digit");
    exp_text_free(&title);
    exp_text_free(&digit);
    return 0;
}

int exp_view_countdown(exp_run *rc, int k, dl_error *err)
{
    return draw_countdown(rc, k, err);
}

int exp_screen_countdown(exp_run *rc, dl_error *err)
{
    int r = 0;
    for (int k = rc->cfg->countdown_s; k > 0 && !r; k--) {
        if ((r = draw_countdown(rc, k, err)))
            break;
        exp_shot(rc, SHOT_COUNTDOWN);
        uint64_t t = exp_display_show(&rc->disp);
        uint64_t until = exp_add_ms(t, 1000);
        SDL_Event ev;
        uint64_t stamp;
        while (!r && exp_wait(rc, until, &ev, &stamp)) {
            if (rc->sdl_quit)
                r = DL_EABORT;
            else if (exp_key_in(&ev, &rc->cfg->key_pause))
                r = exp_screen_pause(rc, err);
            else if (rc->exposed) {
                rc->exposed = 0;
                if ((r = exp_view_resync(rc, err)) > 0)
                    r = draw_countdown(rc, k, err);
                if (!r)
                    exp_display_show(&rc->disp);
            }
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
            dl_error ignore = {0}; /* fonts that fail to reopen fail the next screen */
            exp_view_resync(rc, &ignore);
            exp_view_begin(rc);
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
    exp_view_begin(rc);
    /* the box holds one line of the large font with room to spare */
    int bh = TTF_FontHeight(rc->fonts.large) + px / 2, bw = 0, th = 0;
    /* as wide as a code of 32 characters (the most it takes) where the screen allows */
    TTF_SizeUTF8(rc->fonts.large, "abcdefghijklmnopqrstuvwxyz-_0123", &bw, &th);
    bw += px;
    bw = bw > w - 2 * margin_px(rc) ? w - 2 * margin_px(rc) : bw < 16 * px ? 16 * px : bw;
    SDL_Rect box = {w / 2 - bw / 2, h / 2 - bh / 2, bw, bh};
    const exp_text *prompt = m->npages ? &m->page[0] : NULL;
    if (prompt)
        exp_put_text(rc, prompt, w / 2 - prompt->w / 2, box.y - px - prompt->h, -1, "prompt");
    exp_color c = rc->cfg->text_color;
    SDL_SetRenderDrawColor(rc->disp.ren, c.r, c.g, c.b, 255);
    SDL_RenderDrawRect(rc->disp.ren, &box);
    int ibox = exp_layout_add(&rc->lay, EXP_EL_BOX, -1, &box, "code box");
    exp_text t;
    int r = exp_body_text(rc, rc->fonts.large, code, &t, err);
    if (r)
        return r;
    if (t.tex) {
        /* a long code scrolls: its end, where the typing is, stays in view */
        SDL_Rect clip = {box.x + 2, box.y + 2, box.w - 4, box.h - 4};
        int x = t.w > clip.w - px ? clip.x + clip.w - px / 2 - t.w : w / 2 - t.w / 2;
        SDL_RenderSetClipRect(rc->disp.ren, &clip);
        exp_text_draw(rc->disp.ren, &t, x, h / 2 - t.h / 2);
        SDL_RenderSetClipRect(rc->disp.ren, NULL);
        SDL_Rect seen = {x, h / 2 - t.h / 2, t.w, t.h}, in;
        if (SDL_IntersectRect(&seen, &clip, &in))
            exp_layout_add(&rc->lay, EXP_EL_TEXT, ibox, &in, "code");
    }
    exp_text_free(&t);
    exp_put_text(rc, &m->hint, w / 2 - m->hint.w / 2, box.y + box.h + px, -1, "hint");
    return 0;
}

int exp_view_code(exp_run *rc, const char *code, dl_error *err)
{
    msg_screen m = {0};
    int r =
        msg_texts(rc, &m, "", rc->cfg->text[TXT_CODE_PROMPT], rc->cfg->text[TXT_CODE_HINT], err);
    if (!r)
        r = draw_code(rc, &m, code, err);
    msg_free(&m);
    return r;
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
            r = msg_relayout(rc, &m, err);
            if (r >= 0 && !(r = draw_code(rc, &m, code, err))) {
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
    exp_view_begin(rc);
    SDL_Rect bar = {w / 3, h / 2 + px / 2, w / 3, px / 2 > 4 ? px / 2 : 4};
    exp_put_text(rc, &t, w / 2 - t.w / 2, h / 2 - px / 2 - t.h, -1, "loading");
    exp_text_free(&t);
    SDL_Rect fill = bar;
    fill.w = total ? (int)((double)bar.w * (double)done / (double)total) : bar.w;
    exp_color hc = rc->cfg->highlight, tc = rc->cfg->text_color;
    SDL_SetRenderDrawColor(rc->disp.ren, hc.r, hc.g, hc.b, 255);
    SDL_RenderFillRect(rc->disp.ren, &fill);
    SDL_SetRenderDrawColor(rc->disp.ren, tc.r, tc.g, tc.b, 255);
    SDL_RenderDrawRect(rc->disp.ren, &bar);
    exp_layout_add(&rc->lay, EXP_EL_BOX, -1, &bar, "progress bar");
    return 0;
}

int exp_view_loading(exp_run *rc, size_t done, size_t total, dl_error *err)
{
    return draw_loading(rc, done, total, err);
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
