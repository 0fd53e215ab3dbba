/* run.c — one session from start to end: check everything, open the window,
 * preload, find or ask for the observer, show the instructions (measuring
 * the refresh meanwhile), start or resume the session, run the task, close.
 *
 * The session row is written after the instructions, when the refresh has
 * been measured, so it holds the real numbers; anything that happened before
 * is queued and logged with it. */
#include <SDL_image.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exp_internal.h"

#define EXP_PI 3.14159265358979323846

typedef struct resume_info {
    dl_session *list;
    size_t n;
} resume_info;

static int check_code(const char *code, dl_error *err)
{
    size_t n = strlen(code);
    if (n == 0 || n > 32 ||
        strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n)
        return dl_fail(err, DL_EINVAL,
                       "observer code '%s': use 1 to 32 letters, digits, - or _ (a "
                       "pseudonymous code, never a name)",
                       code);
    return 0;
}

static int find_resumable(exp_run *rc, const char *code, resume_info *ri, dl_error *err)
{
    dl_sessions_free(ri->list, ri->n);
    ri->list = NULL;
    ri->n = 0;
    return dl_store_find_resumable(rc->st, code, rc->cfg->set_name, &ri->list, &ri->n, err);
}

/* A session resumed with another experiment file would mix two procedures
 * (a new deadline_ms turned answers into misses): refused unless asked for,
 * and then recorded in the run row. */
static int check_changed(exp_run *rc, const dl_session *s, dl_error *err)
{
    const char *was = s->current_sha256[0] ? s->current_sha256 : s->experiment_sha256;
    if (!was[0] || strcmp(was, rc->cfg->sha256) == 0)
        return 0;
    if (!rc->opt->allow_changed_experiment)
        return dl_fail(err, DL_EINVAL,
                       "%s: the experiment file changed since session %s ran (SHA-256 %.12s... "
                       "then, %.12s... now); resume with the file it used, or give "
                       "--allow-changed-experiment to continue with this one (it is recorded)",
                       rc->cfg->path, s->uuid, was, rc->cfg->sha256);
    rc->experiment_changed = 1;
    snprintf(rc->old_sha256, sizeof rc->old_sha256, "%s", was);
    return 0;
}

/* How far a session got, for messages. */
static size_t done_of(exp_run *rc, const dl_session *s)
{
    size_t done = 0;
    dl_error e = {0};
    if (dl_store_next_index(rc->st, s->id, &done, &e) != 0)
        done = 0;
    return done;
}

/* --observer without --resume: an unfinished session of that observer on
 * this set is never left behind by accident. */
static int check_unfinished(exp_run *rc, resume_info *ri, dl_error *err)
{
    const dl_exp_options *o = rc->opt;
    int r = find_resumable(rc, o->observer_code, ri, err);
    if (r)
        return r;
    if (o->resume) {
        if (ri->n == 0)
            return dl_fail(err, DL_ENOENT,
                           "observer '%s' has no unfinished session on stimulus set '%s' to "
                           "resume",
                           o->observer_code, rc->cfg->set_name);
        return check_changed(rc, &ri->list[0], err);
    }
    if (ri->n > 0 && !o->new_session)
        return dl_fail(err, DL_EEXIST,
                       "observer '%s' has an unfinished session on stimulus set '%s' (%s, %zu "
                       "of %zu trials done, %s); continue it with --resume, or start another "
                       "with --new-session",
                       o->observer_code, rc->cfg->set_name, ri->list[0].uuid,
                       done_of(rc, &ri->list[0]), ri->list[0].norder, ri->list[0].status);
    /* A session a live runner is logging into is never replaced under it. */
    for (size_t i = 0; i < ri->n; i++) {
        int pid = 0, live = dl_store_session_owner_alive(rc->st, ri->list[i].id, &pid, err);
        if (live < 0)
            return live;
        if (live)
            return dl_fail(err, DL_EBUSY,
                           "session %s of observer '%s' is running right now (process %d); "
                           "close it first",
                           ri->list[i].uuid, o->observer_code, pid);
    }
    rc->new_session = ri->n > 0;
    return 0;
}

/* ---- before the window ---------------------------------------------------------------------- */

static int before_window(exp_run *rc, resume_info *ri, dl_error *err)
{
    const dl_exp_options *o = rc->opt;
    int r = dl_exp_config_load(o->experiment_path, &rc->cfg, err);
    if (!r && !(rc->task = exp_task_of(rc->cfg)))
        r = dl_fail(err, DL_EINVAL, "%s: no runner for this task", o->experiment_path);
    if (!r && rc->task->check)
        r = rc->task->check(rc->cfg, err);
    if (!r && o->simulate)
        r = exp_sim_new(o->simulate, &rc->sim, err);
    if (!r && o->observer_code)
        r = check_code(o->observer_code, err);
    if (!r && o->screenshots_dir)
        r = dl_mkdir_p(o->screenshots_dir, err);
    if (!r)
        r = dl_store_open(o->db_path, DL_STORE_NOCREATE, &rc->st, err);
    size_t nstale;
    if (!r)
        r = dl_store_mark_stale(rc->st, &nstale, err);
    if (!r)
        r = exp_find_set(rc, err);
    if (!r && o->observer_code)
        r = check_unfinished(rc, ri, err);
    if (r)
        return r;
    const char *root = rc->cfg->image_root ? rc->cfg->image_root : rc->set->image_root;
    if (!(rc->image_root = dl_strdup(root ? root : ".")))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    rc->img_init = 1;
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    if ((r = exp_preload(rc, err)))
        return r;
    if (TTF_Init() != 0)
        return dl_fail(err, DL_EINVAL, "cannot start SDL_ttf: %s", TTF_GetError());
    rc->ttf_init = 1;
    return exp_fonts_check(err);
}

/* ---- the window ----------------------------------------------------------------------------- */

/* Sizes in degrees of visual angle become drawable pixels from the viewing
 * distance and the screen's physical width. */
static void geometry(exp_run *rc)
{
    const dl_exp_config *c = rc->cfg;
    rc->image_w_px = c->image_width_px > 0 ? c->image_width_px : 0;
    rc->gap_px = c->gap_px;
    if (isnan(c->viewing_distance_cm) || isnan(c->screen_width_cm))
        return;
    double px_per_cm = rc->disp.draw_w / c->screen_width_cm;
    if (c->image_width_deg > 0)
        rc->image_w_px = (int)lround(2 * c->viewing_distance_cm *
                                     tan(c->image_width_deg * EXP_PI / 360.0) * px_per_cm);
    if (c->gap_deg > 0)
        rc->gap_px =
            (int)lround(2 * c->viewing_distance_cm * tan(c->gap_deg * EXP_PI / 360.0) * px_per_cm);
}

/* Stimuli are shown unscaled, so they must fit the screen as they are. */
static int check_fit(exp_run *rc, dl_error *err)
{
    int need_w = 0, need_h = 0;
    for (size_t i = 0; i < rc->set->nitems; i++) {
        if (!exp_item_stim(rc, (int)i, 0)->surf)
            continue;
        int w = 0, h = 0;
        rc->task->item_size(rc, (int)i, &w, &h);
        need_w = w > need_w ? w : need_w;
        need_h = h > need_h ? h : need_h;
    }
    if (need_w > rc->disp.draw_w || need_h > rc->disp.draw_h)
        return dl_fail(err, DL_EINVAL,
                       "the stimuli need %dx%d px but the screen has %dx%d drawable px; set "
                       "image_width_px in [display] or use a larger screen",
                       need_w, need_h, rc->disp.draw_w, rc->disp.draw_h);
    return 0;
}

static int open_window(exp_run *rc, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    exp_display_opts o = {.title = c->text[TXT_WINDOW_TITLE],
                          .windowed = rc->opt->windowed,
                          .display_index = rc->opt->display_index,
                          .headless_ok = rc->opt->simulate != NULL};
    int r = exp_display_open(&rc->disp, &o, err);
    if (r)
        return r;
    rc->disp_open = 1;
    if (rc->sim)
        exp_sim_set_window(rc->sim, rc->disp.window_id, rc->disp.scale);
    if (rc->sim)
        exp_sim_set_min_rt(rc->sim, c->min_rt_ms);
    SDL_ShowCursor(c->mouse || rc->opt->windowed ? SDL_ENABLE : SDL_DISABLE);
    int px = exp_fonts_px(c->text_size_px, rc->disp.draw_w, rc->disp.draw_h);
    if ((r = exp_fonts_open(&rc->fonts, px, err)))
        return r;
    geometry(rc);
    if ((r = check_fit(rc, err)))
        return r;
    return exp_screen_loading(rc, err);
}

/* ---- observer and session ------------------------------------------------------------------- */

static uint64_t fresh_seed(void)
{
    uint64_t s = 0;
    if (dl_random_bytes(&s, sizeof s) != 0)
        s = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
    return s & ((1ULL << 53) - 1); /* exact in JSON and in a double */
}

/* Per-observer counterbalancing: half the observers see every pair of the
 * set mirrored, decided by a hash of the set's seed and the observer code in
 * lower case, so it is the same in every run of the observer and within a
 * session the set's own left/right balance is kept. */
static int mirrored_for(const exp_run *rc)
{
    if (!rc->cfg->counterbalance || !rc->task->has_sides)
        return 0;
    /* FNV-1a's loop, but with its own start value (not dl_hash_bytes's basis):
     * which observers see the set mirrored must not change for labs whose
     * observers already ran a session. */
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = rc->observer; *p; p++) {
        h ^= (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        h *= 1099511628211ULL;
    }
    return (int)(dl_mix64(rc->set->seed ^ dl_mix64(h)) & 1);
}

/* Practice items first in set order, then the main items, shuffled. */
static int new_order(exp_run *rc, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    size_t n = rc->set->nitems, k = 0;
    rc->seed = c->has_seed ? c->seed : fresh_seed();
    if (!(rc->order = dl_calloc(n, sizeof *rc->order)))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (rc->set->items[i].practice && c->practice)
            rc->order[k++] = (int)i;
    rc->npractice = k;
    for (size_t i = 0; i < n; i++)
        if (!rc->set->items[i].practice)
            rc->order[k++] = (int)i;
    rc->norder = k;
    rc->sides_mirrored = mirrored_for(rc);
    if (c->shuffle && k > rc->npractice) {
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        if (!g)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        gsl_rng_set(g, (unsigned long)rc->seed);
        gsl_ran_shuffle(g, rc->order + rc->npractice, k - rc->npractice, sizeof *rc->order);
        gsl_rng_free(g);
    }
    rc->next = 0;
    return 0;
}

static int take_over(exp_run *rc, const dl_session *s, dl_error *err)
{
    int pid = 0;
    int live = dl_store_session_owner_alive(rc->st, s->id, &pid, err);
    if (live < 0)
        return live;
    if (live)
        return dl_fail(err, DL_EBUSY, "session %s is still running (process %d); close it first",
                       s->uuid, pid);
    int r = check_changed(rc, s, err);
    if (r)
        return r;
    if (!(rc->order = dl_calloc(s->norder, sizeof *rc->order)))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    rc->norder = s->norder;
    rc->npractice = 0;
    for (size_t i = 0; i < s->norder; i++) {
        int item = s->order[i];
        if (item < 0 || (size_t)item >= rc->set->nitems || !exp_item_stim(rc, item, 0)->tex)
            return dl_fail(err, DL_ECORRUPT,
                           "session %s shows item %d, which is not loaded (is practice = no "
                           "now, or the set changed?)",
                           s->uuid, item);
        rc->order[i] = item;
        if (rc->set->items[item].practice && rc->npractice == i)
            rc->npractice = i + 1;
    }
    r = dl_store_reopen_session(rc->st, s->id, err);
    if (!r)
        r = dl_store_next_index(rc->st, s->id, &rc->next, err);
    if (r)
        return r;
    rc->session_id = s->id;
    rc->seed = s->seed;
    rc->sides_mirrored = s->sides_mirrored;
    rc->resuming = 1;
    snprintf(rc->res->session_uuid, sizeof rc->res->session_uuid, "%s", s->uuid);
    exp_event(rc, "resume", "resumed at trial %zu of %zu (was %s; pid %d)", rc->next, rc->norder,
              s->status, (int)getpid());
    if (rc->experiment_changed)
        exp_event(rc, "warning",
                  "the experiment file changed (SHA-256 %s, was %s); continued with "
                  "--allow-changed-experiment",
                  rc->cfg->sha256, rc->old_sha256);
    return 0;
}

/* The stored spelling of an observer code (p02 finds P02). */
static void canonical_code(exp_run *rc)
{
    dl_observer found = {0};
    dl_error e = {0};
    if (dl_store_find_observer(rc->st, rc->observer, &found, &e) == 0 && found.code)
        snprintf(rc->observer, sizeof rc->observer, "%s", found.code);
    dl_observer_clear(&found);
}

/* The code-entry screen, then the resume question when there is a session
 * to continue. */
static int ask_observer(exp_run *rc, resume_info *ri, dl_error *err)
{
    int r = 0;
    if (rc->opt->observer_code) {
        snprintf(rc->observer, sizeof rc->observer, "%s", rc->opt->observer_code);
        canonical_code(rc);
    } else {
        uint64_t t = exp_now();
        r = exp_screen_code(rc, rc->observer, sizeof rc->observer, err);
        rc->asking_s = exp_ms(t, exp_now()) / 1000.0; /* the observer's time, not ours */
        if (r)
            return r;
        canonical_code(rc);
        if ((r = find_resumable(rc, rc->observer, ri, err)))
            return r;
        if (ri->n > 0) {
            size_t done = 0;
            int resume = 1;
            if ((r = dl_store_next_index(rc->st, ri->list[0].id, &done, err)))
                return r;
            t = exp_now();
            if (!rc->opt->resume) /* --resume answers the question beforehand */
                r = exp_screen_resume(rc, rc->observer, done, ri->list[0].norder, &resume, err);
            /* One key must not leave a session behind: N asks again. */
            if (!r && !resume)
                r = exp_screen_confirm_new(rc, &resume, err);
            rc->asking_s += exp_ms(t, exp_now()) / 1000.0;
            if (r)
                return r;
            if (!resume) {
                rc->new_session = 1;
                exp_event(rc, "info",
                          "the observer chose a new session over the unfinished "
                          "one (%zu of %zu done)",
                          done, ri->list[0].norder);
            }
        }
    }
    if (ri->n > 0 && !rc->new_session && (rc->opt->resume || !rc->opt->observer_code))
        return take_over(rc, &ri->list[0], err);
    return new_order(rc, err);
}

static void session_metadata(exp_run *rc, dl_session *s, int64_t observer_id)
{
    const exp_display *d = &rc->disp;
    const dl_exp_config *c = rc->cfg;
    s->observer_id = observer_id;
    s->set_id = rc->set->id;
    s->seed = rc->seed;
    s->norder = rc->norder;
    s->order = rc->order;
    s->experiment_text = c->file_text;
    memcpy(s->experiment_sha256, c->sha256, sizeof s->experiment_sha256);
    s->software_version = (char *)dl_version();
    s->git_revision = (char *)dl_git_revision();
    s->sdl_version = (char *)d->sdl_version;
    s->video_driver = (char *)d->driver;
    s->renderer = (char *)d->renderer;
    s->display_mode = (char *)d->mode;
    s->refresh_mean_ms = d->refresh_mean_ms;
    s->refresh_sd_ms = d->refresh_sd_ms;
    s->window_w = d->win_w;
    s->window_h = d->win_h;
    s->drawable_w = d->draw_w;
    s->drawable_h = d->draw_h;
    s->viewing_distance_cm = c->viewing_distance_cm;
    s->screen_width_cm = c->screen_width_cm;
    s->pid = (int)getpid();
    s->sides_mirrored = rc->sides_mirrored;
}

static int start_session(exp_run *rc, resume_info *ri, dl_error *err)
{
    const dl_exp_options *o = rc->opt;
    dl_observer obs = {.code = rc->observer,
                       .age = o->age > 0 ? o->age : -1,
                       .gender = (char *)o->gender,
                       .handedness = (char *)o->handedness,
                       .vision_corrected = -1,
                       .naive = -1};
    int r = dl_store_ensure_observer(rc->st, &obs, err);
    if (r)
        return r;
    dl_session s;
    memset(&s, 0, sizeof s);
    session_metadata(rc, &s, obs.id);
    /* the questions asked, so the analysis can follow them */
    int oom = 0;
    if (rc->task->session_json && !(s.questions_json = rc->task->session_json(rc->cfg, &oom)) &&
        oom)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    r = dl_store_start_session(rc->st, &s, err);
    free(s.questions_json);
    /* the store filled these three for us; the rest are ours */
    free(s.status);
    free(s.started_utc);
    free(s.hostname);
    if (r)
        return r;
    rc->session_id = s.id;
    snprintf(rc->res->session_uuid, sizeof rc->res->session_uuid, "%s", s.uuid);
    for (size_t i = 0; rc->new_session && i < ri->n && !r; i++) {
        int pid = 0, live = dl_store_session_owner_alive(rc->st, ri->list[i].id, &pid, err);
        if (live) { /* never under a live runner (or the check failed: leave it) */
            r = live < 0 ? live : 0;
            continue;
        }
        exp_event(rc, "info", "replaces the unfinished session %s (--new-session)",
                  ri->list[i].uuid);
        r = dl_store_supersede(rc->st, ri->list[i].id, s.id, err);
    }
    return r;
}

/* The run row: who ran it, where, with what, and the time base. */
static int start_run(exp_run *rc, dl_error *err)
{
    const exp_display *d = &rc->disp;
    const dl_exp_config *c = rc->cfg;
    dl_run run = {.session_id = rc->session_id,
                  .first_index = rc->next,
                  .run_clock_s = exp_ms(rc->t0, exp_now()) / 1000.0,
                  .experiment_sha256 = c->sha256,
                  .experiment_text = rc->experiment_changed ? c->file_text : NULL,
                  .experiment_changed = rc->experiment_changed,
                  .sdl_version = d->sdl_version,
                  .video_driver = d->driver,
                  .renderer = d->renderer,
                  .display_mode = d->mode,
                  .nominal_refresh_ms = d->nominal_ms,
                  .refresh_mean_ms = d->refresh_mean_ms,
                  .refresh_sd_ms = d->refresh_sd_ms,
                  .window_w = d->win_w,
                  .window_h = d->win_h,
                  .drawable_w = d->draw_w,
                  .drawable_h = d->draw_h,
                  .windowed = rc->opt->windowed,
                  .simulate = rc->opt->simulate,
                  .sched_policy = rc->sched_policy,
                  .sched_priority = rc->sched_priority,
                  .nice = rc->nice_now,
                  .memory_locked = rc->memory_locked};
    int r = dl_store_start_run(rc->st, &run, err);
    if (r)
        return r;
    rc->run_id = run.id;
    rc->time_offset_s = run.time_offset_s;
    return 0;
}

/* After the instructions: the refresh is known; log what the run saw. */
static int begin(exp_run *rc, resume_info *ri, dl_error *err)
{
    char warn[256];
    exp_display *d = &rc->disp;
    if (exp_display_measure_done(d, warn, sizeof warn) && warn[0])
        exp_warn(rc, "%s", warn);
    /* A mean far from the mode's refresh means frames are being missed (or
     * the mode is misreported): the onsets are then not where they seem. */
    if (d->measured && !d->vsync_emulated && d->nominal_ms > 0 &&
        fabs(d->refresh_mean_ms - d->nominal_ms) > 0.1 * d->nominal_ms)
        exp_warn(rc,
                 "measured refresh interval %.3f ms (SD %.3f) is far from the display mode's "
                 "%.3f ms: frames are being missed or the mode is reported wrongly; check the "
                 "display set-up before testing observers",
                 d->refresh_mean_ms, d->refresh_sd_ms, d->nominal_ms);
    if (d->vsync_emulated)
        exp_event(rc, "info",
                  "no vsync from the display (%s, %s): frames paced at %.3f ms by "
                  "sleeping",
                  d->driver, d->mode, d->period_ms);
    int r = rc->resuming ? 0 : start_session(rc, ri, err);
    if (!r)
        r = start_run(rc, err);
    if (r)
        return r;
    if (rc->resuming)
        exp_event(rc, "info",
                  "this run: SDL %s, %s, %s, %s, refresh %.3f ms (SD %.3f), "
                  "drawable %dx%d",
                  d->sdl_version, d->driver, d->renderer, d->mode, d->refresh_mean_ms,
                  d->refresh_sd_ms, d->draw_w, d->draw_h);
    rc->first = rc->next;
    return exp_flush_events(rc, err);
}

static int run_session(exp_run *rc, resume_info *ri, dl_error *err)
{
    int r = open_window(rc, err);
    if (!r)
        exp_priority_raise(rc);
    if (!r)
        r = ask_observer(rc, ri, err);
    if (!r)
        r = exp_screen_instructions(rc, err);
    if (!r)
        r = begin(rc, ri, err);
    if (!r)
        r = rc->task->run(rc, err);
    return r;
}

/* ---- the whole run -------------------------------------------------------------------------- */

static void fill_result(exp_run *rc, dl_exp_result *res)
{
    const exp_display *d = &rc->disp;
    res->session_id = rc->session_id;
    snprintf(res->observer_code, sizeof res->observer_code, "%s", rc->observer);
    res->resumed = rc->resuming;
    res->norder = rc->norder;
    res->first_index = rc->first;
    res->refresh_mean_ms = d->refresh_mean_ms;
    res->refresh_sd_ms = d->refresh_sd_ms;
    res->vsync_emulated = d->vsync_emulated;
    res->frames = d->frames;
    res->frames_dropped = d->drops;
    res->frame_max_ms = d->max_interval_ms;
    snprintf(res->video_driver, sizeof res->video_driver, "%s", d->driver);
    snprintf(res->renderer, sizeof res->renderer, "%s", d->renderer);
    res->drawable_w = d->draw_w;
    res->drawable_h = d->draw_h;
    res->deadlines_missed = rc->deadlines_missed;
    snprintf(res->sched_policy, sizeof res->sched_policy, "%s",
             rc->sched_policy ? rc->sched_policy : "");
    res->sched_priority = rc->sched_priority;
    res->sched_threads = rc->sched_threads;
    res->nice = rc->nice_now;
    res->memory_locked = rc->memory_locked;
    res->cpu = rc->cpu;
    if (rc->sim)
        exp_sim_rt_stats(rc->sim, &res->rt_n, &res->rt_err_median_ms, &res->rt_err_p99_ms,
                         &res->rt_err_max_ms);
}

static int finish(exp_run *rc, int r, dl_error *err)
{
    dl_exp_result *res = rc->res;
    if (rc->deadlines_missed)
        exp_warn(rc, "%zu trial%s of this run missed the %d ms deadline (logged as no response)",
                 rc->deadlines_missed, rc->deadlines_missed == 1 ? "" : "s", rc->cfg->deadline_ms);
    if (r == 0 || r == DL_EABORT) {
        const char *status = r == 0 ? "completed" : "aborted";
        snprintf(res->status, sizeof res->status, "%s", status);
        if (rc->session_id) {
            dl_error e = {0};
            exp_flush_events(rc, &e);
            const exp_display *d = &rc->disp;
            int f = rc->run_id ? dl_store_end_run(rc->st, rc->run_id, status, d->frames, d->drops,
                                                  rc->deadlines_missed, &e)
                               : 0;
            if (!f)
                f = dl_store_finish_session(rc->st, rc->session_id, status, &e);
            if (f)
                return dl_fail(err, f, "%s", e.msg);
        }
        if (r == 0 && (r = exp_screen_end(rc, err)) == DL_EABORT)
            r = 0; /* closing the end screen early changes nothing */
        return r == DL_EABORT ? 0 : r;
    }
    return r;
}

static void cleanup(exp_run *rc, resume_info *ri)
{
    exp_priority_restore(rc);
    dl_sessions_free(ri->list, ri->n);
    exp_unload(rc);
    exp_fonts_close(&rc->fonts);
    if (rc->disp_open)
        exp_display_close(&rc->disp);
    if (rc->ttf_init)
        TTF_Quit();
    if (rc->img_init)
        IMG_Quit();
    free(rc->order);
    free(rc->image_root);
    exp_sim_free(rc->sim);
    dl_stim_set_free(rc->set);
    dl_store_close(rc->st);
    dl_exp_config_free(rc->cfg);
}

int dl_exp_run(const dl_exp_options *opt, dl_exp_result *res, dl_error *err)
{
    dl_exp_result local;
    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    res->startup_s = res->refresh_mean_ms = res->refresh_sd_ms = NAN;
    res->rt_err_median_ms = res->rt_err_p99_ms = res->rt_err_max_ms = NAN;
    exp_run rc;
    memset(&rc, 0, sizeof rc);
    resume_info ri = {0};
    rc.opt = opt;
    rc.res = res;
    rc.start_counter = rc.t0 = exp_now();
    rc.cpu = -1;
    int r = before_window(&rc, &ri, err);
    if (!r)
        r = run_session(&rc, &ri, err);
    if (!r || r == DL_EABORT) {
        fill_result(&rc, res);
        r = finish(&rc, r, err);
    } else {
        fill_result(&rc, res);
    }
    cleanup(&rc, &ri);
    return r;
}
