/* task_2afc.c — the two-alternative forced choice of Experiment 1: two
 * images side by side at equal distance from the centre, the question above
 * them; a key or a click on an image answers. Correct = chose the trivial
 * image. The trial is logged in the inter-trial interval that follows. */
#include <math.h>
#include <string.h>

#include "exp_internal.h"

typedef struct afc_trial {
    int item;
    size_t pos;
    exp_stim *left, *right;
    int trivial_left;
    SDL_Rect lrect, rrect;
    exp_text question, label; /* label: the trial number at the left */
    SDL_Point qpos, lpos;
} afc_trial;

typedef struct afc_answer {
    int choice; /* 0 left, 1 right, -1 none (deadline) */
    uint64_t onset, stamp;
    int frames_dropped;
    int paused; /* the pause key: show the trial again later */
    exp_input in;
} afc_answer;

/* Two images at equal distance from the centre, the question above them,
 * the trial number at the left (as in the paper). The images sit on the
 * centre line unless the question needs the room above them. */
static void layout(exp_run *rc, afc_trial *t)
{
    int w = rc->disp.draw_w, h = rc->disp.draw_h, px = rc->fonts.body_px;
    int ext = exp_frame_extent_px(rc), margin = px / 2;
    SDL_Rect l, r;
    exp_image_rect(rc, t->left, 0, 0, &l);
    exp_image_rect(rc, t->right, 0, 0, &r);
    int maxw = l.w > r.w ? l.w : r.w, maxh = l.h > r.h ? l.h : r.h;
    int gap = exp_gap_px(rc, maxw);
    int d = (gap + maxw) / 2; /* centre to each image's centre */
    int cy = h / 2;
    int qy = cy - maxh / 2 - ext - px - t->question.h;
    if (qy < margin) {
        int room = h - margin - (cy + maxh / 2 + ext); /* below the images */
        int shift = margin - qy < room ? margin - qy : room;
        cy += shift > 0 ? shift : 0;
        qy += shift > 0 ? shift : 0;
    }
    exp_image_rect(rc, t->left, w / 2 - d, cy, &t->lrect);
    exp_image_rect(rc, t->right, w / 2 + d, cy, &t->rrect);
    t->qpos = (SDL_Point){w / 2 - t->question.w / 2, qy};
    int lx = t->lrect.x - ext - px - t->label.w;
    t->lpos = (SDL_Point){lx, cy - t->label.h / 2};
    if (lx < margin) /* wide images leave no room at the left: the top-left corner */
        t->lpos = (SDL_Point){margin, margin};
}

static void draw_trial(exp_run *rc, const afc_trial *t)
{
    exp_view_begin(rc);
    exp_put_image(rc, t->left->tex, &t->lrect, "left image");
    exp_put_image(rc, t->right->tex, &t->rrect, "right image");
    exp_put_text(rc, &t->question, t->qpos.x, t->qpos.y, -1, "question");
    exp_put_text(rc, &t->label, t->lpos.x, t->lpos.y, -1, "trial number");
}

/* The texts for the current window size, and where everything goes. */
static int make_view(exp_run *rc, afc_trial *t, dl_error *err)
{
    exp_text_free(&t->question);
    exp_text_free(&t->label);
    int r = exp_body_text(rc, rc->fonts.body, rc->cfg->text[TXT_QUESTION], &t->question, err);
    if (!r)
        r = exp_trial_label(rc, t->pos, &t->label, err);
    if (!r)
        layout(rc, t);
    return r;
}

static void free_view(afc_trial *t)
{
    exp_text_free(&t->question);
    exp_text_free(&t->label);
}

static int inside(const SDL_Rect *r, int x, int y)
{
    return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* The choice an event makes, or -1. */
static int choice_of(exp_run *rc, const afc_trial *t, const SDL_Event *ev)
{
    int x, y;
    if (exp_key_in(ev, &rc->cfg->key_left))
        return 0;
    if (exp_key_in(ev, &rc->cfg->key_right))
        return 1;
    if (exp_click(rc, ev, &x, &y))
        return inside(&t->lrect, x, y) ? 0 : inside(&t->rrect, x, y) ? 1 : -1;
    return -1;
}

/* Onset, then poll until an answer, the deadline or the pause key. */
static int present_and_wait(exp_run *rc, afc_trial *t, size_t pos, afc_answer *a, double *intended,
                            dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    exp_flush_input();
    draw_trial(rc, t);
    a->onset = exp_display_present(&rc->disp);
    a->frames_dropped = (int)rc->disp.seq_drops;
    exp_note_drops(rc, pos);
    a->choice = -1;
    a->paused = 0;
    memset(&a->in, 0, sizeof a->in);
    *intended = NAN;
    if (rc->sim) {
        if (pos >= rc->npractice && exp_sim_quit_at(rc->sim, pos - rc->npractice))
            exp_sim_plan_quit(rc->sim, a->onset, c->key_pause.key[0]);
        else
            *intended =
                exp_sim_plan_2afc(rc->sim, a->onset, t->item, t->trivial_left, c->key_left.key[0],
                                  c->key_right.key[0], &t->lrect, &t->rrect);
    }
    uint64_t deadline = c->deadline_ms > 0 ? exp_add_ms(a->onset, c->deadline_ms) : 0;
    for (;;) {
        SDL_Event ev;
        if (!exp_wait(rc, deadline, &ev, &a->stamp))
            return 0; /* no answer before the deadline */
        if (rc->sdl_quit)
            return DL_EABORT;
        if (exp_key_in(&ev, &c->key_pause)) {
            a->paused = 1;
            return 0;
        }
        int choice = choice_of(rc, t, &ev);
        if (choice >= 0 && exp_anticipation(rc, &ev, a->onset, a->stamp, pos))
            continue;
        if (choice >= 0) {
            a->choice = choice;
            exp_input_describe(rc, &ev, &a->in);
            return 0;
        }
        if (rc->exposed) { /* redrawn; the onset stays that of the first frame */
            rc->exposed = 0;
            int r = exp_view_resync(rc, err);
            if (r > 0)
                r = make_view(rc, t, err);
            if (r < 0)
                return r;
            draw_trial(rc, t);
            exp_display_show(&rc->disp);
        }
    }
}

static int draw_feedback(exp_run *rc, int which, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    const char *s = which == 2   ? c->text[TXT_TOO_SLOW]
                    : which == 0 ? c->text[TXT_CORRECT]
                                 : c->text[TXT_WRONG];
    exp_text t;
    int r = exp_body_text(rc, rc->fonts.large, s, &t, err);
    if (r)
        return r;
    exp_view_begin(rc);
    exp_put_text_centred(rc, &t, rc->disp.draw_w / 2, rc->disp.draw_h / 2, -1, "feedback");
    exp_text_free(&t);
    return 0;
}

int exp_view_feedback(exp_run *rc, int which, dl_error *err)
{
    return draw_feedback(rc, which, err);
}

static int feedback(exp_run *rc, const afc_answer *a, int correct, dl_error *err)
{
    int which = a->choice < 0 ? 2 : correct ? 0 : 1;
    int r = draw_feedback(rc, which, err);
    if (r)
        return r;
    exp_shot(rc, SHOT_FEEDBACK);
    uint64_t until = exp_add_ms(exp_display_show(&rc->disp), rc->cfg->feedback_ms);
    SDL_Event ev;
    uint64_t stamp;
    while (exp_wait(rc, until, &ev, &stamp)) {
        if (rc->sdl_quit)
            return DL_EABORT;
        if (rc->exposed) {
            rc->exposed = 0;
            if ((r = exp_view_resync(rc, err)) > 0 && !(r = draw_feedback(rc, which, err)))
                exp_display_show(&rc->disp);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

static int log_trial(exp_run *rc, const afc_trial *t, size_t pos, const afc_answer *a,
                     dl_error *err)
{
    int correct = a->choice >= 0 && a->choice == (t->trivial_left ? 0 : 1);
    dl_trial tr = {
        .session_id = rc->session_id,
        .index = (int)pos,
        .practice = pos < rc->npractice,
        .item_index = t->item,
        .left_image = t->left->rel,
        .right_image = t->right->rel,
        .choice = a->choice,
        .correct = correct,
        .rt_ms = a->choice >= 0 ? exp_ms(a->onset, a->stamp) : NAN,
        .onset_s = exp_onset_s(rc, a->onset),
        .response_s = a->choice >= 0 ? exp_onset_s(rc, a->stamp) : NAN,
        .frames_dropped = a->frames_dropped,
        .run_id = rc->run_id,
        .device = a->choice >= 0 ? a->in.device : NULL,
        .button = a->choice >= 0 && a->in.device ? a->in.button : NULL,
        .x_px = a->in.x_px,
        .y_px = a->in.y_px,
    };
    if (a->choice < 0)
        rc->deadlines_missed++;
    int r = dl_store_log_trial(rc->st, &tr, err);
    if (r)
        return r;
    dl_exp_result *res = rc->res;
    res->logged++;
    res->trial_frames_dropped += (size_t)a->frames_dropped;
    if (!tr.practice && a->choice >= 0) {
        res->main_answered++;
        res->main_correct += (size_t)correct;
    }
    return exp_flush_events(rc, err);
}

static int prepare(exp_run *rc, size_t pos, afc_trial *t, dl_error *err)
{
    memset(t, 0, sizeof *t);
    t->pos = pos;
    t->item = rc->order[pos];
    const dl_set_item *it = &rc->set->items[t->item];
    /* counterbalanced: the set's sides, or all of them mirrored */
    t->trivial_left = rc->sides_mirrored ? !it->trivial_left : it->trivial_left;
    exp_stim *a = exp_item_stim(rc, t->item, 0), *b = exp_item_stim(rc, t->item, 1);
    t->left = t->trivial_left ? a : b;
    t->right = t->trivial_left ? b : a;
    int r = make_view(rc, t, err);
    int kind = pos < rc->npractice ? SHOT_PRACTICE : SHOT_TRIAL;
    if (!r && rc->opt->screenshots_dir && !rc->shot_done[kind]) {
        draw_trial(rc, t); /* in the interval, never before an onset */
        exp_shot(rc, kind);
    }
    return r;
}

int exp_view_2afc(exp_run *rc, size_t pos, dl_error *err)
{
    afc_trial t;
    int r = prepare(rc, pos, &t, err);
    if (!r)
        draw_trial(rc, &t);
    free_view(&t);
    return r;
}

static int run_trial(exp_run *rc, size_t pos, dl_error *err)
{
    afc_trial t;
    afc_answer a;
    int r = prepare(rc, pos, &t, err);
    while (!r) {
        r = exp_before_onset(rc, err);
        double intended;
        if (!r)
            r = present_and_wait(rc, &t, pos, &a, &intended, err);
        if (rc->sim)
            exp_sim_clear(rc->sim);
        if (r)
            break;
        if (a.paused) {
            if ((r = exp_screen_pause(rc, err)))
                break;
            rc->iti_start = exp_now();
            /* the same trial again, with a new onset, laid out for the window as it is now */
            if ((r = exp_view_resync(rc, err)) > 0)
                r = make_view(rc, &t, err);
            continue;
        }
        if (rc->sim && a.choice >= 0 && !isnan(intended))
            exp_sim_record(rc->sim, intended, exp_ms(a.onset, a.stamp));
        int correct = a.choice == (t.trivial_left ? 0 : 1);
        if (pos < rc->npractice && rc->cfg->practice_feedback &&
            (r = feedback(rc, &a, correct, err)))
            break;
        /* the interval starts with a blank frame; the commit happens in it */
        exp_display_clear(&rc->disp, rc->cfg->background);
        rc->iti_start = exp_display_show(&rc->disp);
        r = log_trial(rc, &t, pos, &a, err);
        break;
    }
    free_view(&t);
    return r;
}

static int run_2afc(exp_run *rc, dl_error *err)
{
    int r = 0;
    rc->iti_start = exp_now();
    for (size_t pos = rc->next; pos < rc->norder && !r; pos++) {
        r = exp_between_trials(rc, pos, err);
        if (!r)
            r = run_trial(rc, pos, err);
        if (!r)
            rc->next = pos + 1;
    }
    return r;
}

/* Two images side by side with the gap between them. */
static void item_size(exp_run *rc, int item, int *w, int *h)
{
    SDL_Rect a, b;
    exp_image_rect(rc, exp_item_stim(rc, item, 0), 0, 0, &a);
    exp_image_rect(rc, exp_item_stim(rc, item, 1), 0, 0, &b);
    int m = a.w > b.w ? a.w : b.w;
    *w = 2 * m + exp_gap_px(rc, m);
    *h = a.h > b.h ? a.h : b.h;
}

const exp_task exp_task_2afc_def = {
    .id = DL_TASK_2AFC,
    .name = "2afc",
    .has_sides = 1,
    .check = NULL,
    .item_size = item_size,
    .session_json = NULL,
    .run = run_2afc,
};
