/* sim.c — the simulated observer of --simulate.
 *
 * It answers every screen by pushing ordinary SDL events (key presses, text
 * input, mouse clicks) into SDL's real queue at planned times, so a simulated
 * session runs through exactly the code an observer's key press does. It
 * knows the response time it intended, so the recorded rt_ms can be checked
 * against it. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exp_internal.h"

enum { RT_LOGNORMAL, RT_FIXED, RT_UNIFORM };

#define SIM_MAX_PLANNED 64

typedef struct planned {
    uint64_t due;
    SDL_Event ev;
} planned;

struct exp_sim {
    double accuracy;
    double shared;      /* 2AFC: share of answers decided by the item, not the observer */
    int rt_kind;
    double rt_a, rt_b;
    uint64_t seed;
    double screen_ms, confirm_ms, mouse;
    char code[64];
    int resume;       /* 1 yes, 0 no, 2 back (N, then R on the confirmation) */
    int resume_asked; /* resume questions answered so far */
    double anticipate_ms; /* < 0: never; else a wrong press this long after each onset */
    double min_rt_ms;     /* the runner's: a faster press is an anticipation */
    long quit_after; /* main trials answered before the simulated quit; -1 never */
    int quitting;    /* Escape was pressed to quit: answer the pause screen with quit */
    gsl_rng *rng;
    uint32_t window_id;
    double scale;
    planned plan[SIM_MAX_PLANNED];
    size_t nplan;
    double *err_ms;
    size_t nerr, caperr;
};

/* ---- the spec ------------------------------------------------------------------------------- */

static int bad(dl_error *err, const char *part, const char *expected)
{
    return dl_fail(err, DL_EINVAL, "--simulate: bad '%s' (expected %s)", part, expected);
}

static int parse_rt(exp_sim *s, const char *v, const char *part, dl_error *err)
{
    char kind[16];
    double a = NAN, b = NAN;
    int n = sscanf(v, "%15[a-z]:%lf:%lf", kind, &a, &b);
    if (n >= 2 && strcmp(kind, "fixed") == 0 && n == 2 && a > 0) {
        s->rt_kind = RT_FIXED;
    } else if (n == 3 && strcmp(kind, "lognormal") == 0 && a > 0 && b >= 0 && b < 3) {
        s->rt_kind = RT_LOGNORMAL;
    } else if (n == 3 && strcmp(kind, "uniform") == 0 && a > 0 && b >= a) {
        s->rt_kind = RT_UNIFORM;
    } else {
        return bad(err, part,
                   "rt=lognormal:MEDIAN_MS:SIGMA, rt=fixed:MS or rt=uniform:MIN_MS:MAX_MS");
    }
    s->rt_a = a;
    s->rt_b = b;
    return 0;
}

static int parse_number(const char *v, double lo, double hi, double *out)
{
    double x;
    if (dl_parse_double(v, &x) || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

static int parse_part(exp_sim *s, char *part, dl_error *err)
{
    char *eq = strchr(part, '=');
    if (!eq)
        return bad(err, part, "key=value");
    *eq = 0;
    const char *k = part, *v = eq + 1;
    char whole[128];
    snprintf(whole, sizeof whole, "%s=%s", k, v);
    double x;
    if (strcmp(k, "accuracy") == 0)
        return parse_number(v, 0, 1, &s->accuracy) ? bad(err, whole, "accuracy=P, 0 to 1") : 0;
    if (strcmp(k, "shared") == 0)
        return parse_number(v, 0, 1, &s->shared) ? bad(err, whole, "shared=S, 0 to 1") : 0;
    if (strcmp(k, "rt") == 0)
        return parse_rt(s, v, whole, err);
    if (strcmp(k, "seed") == 0) {
        if (parse_number(v, 0, 9007199254740992.0, &x) || x != floor(x))
            return bad(err, whole, "seed=N, a whole number");
        s->seed = (uint64_t)x;
        return 0;
    }
    if (strcmp(k, "screen_ms") == 0)
        return parse_number(v, 0, 60000, &s->screen_ms) ? bad(err, whole, "screen_ms=MS") : 0;
    if (strcmp(k, "confirm_ms") == 0)
        return parse_number(v, 1, 60000, &s->confirm_ms) ? bad(err, whole, "confirm_ms=MS") : 0;
    if (strcmp(k, "mouse") == 0)
        return parse_number(v, 0, 1, &s->mouse) ? bad(err, whole, "mouse=P, 0 to 1") : 0;
    if (strcmp(k, "code") == 0) {
        size_t len = strlen(v);
        if (!len || len >= sizeof s->code ||
            strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
                      "KLMNOPQRSTUVWXYZ0123456789-_") != len)
            return bad(err, whole, "code=CODE of letters, digits, - and _");
        memcpy(s->code, v, len + 1);
        return 0;
    }
    if (strcmp(k, "resume") == 0) {
        /* back: N on the resume question, then R when asked to confirm */
        if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0 && strcmp(v, "back") != 0)
            return bad(err, whole, "resume=yes, resume=no or resume=back");
        s->resume = strcmp(v, "yes") == 0 ? 1 : strcmp(v, "no") == 0 ? 0 : 2;
        return 0;
    }
    if (strcmp(k, "anticipate") == 0) /* a press MS after each onset, before the answer */
        return parse_number(v, 0, 60000, &s->anticipate_ms) ? bad(err, whole, "anticipate=MS")
                                                            : 0;
    if (strcmp(k, "quit_after") == 0) {
        if (parse_number(v, 0, 1e9, &x) || x != floor(x))
            return bad(err, whole, "quit_after=N main trials");
        s->quit_after = (long)x;
        return 0;
    }
    return dl_fail(err, DL_EINVAL,
                   "--simulate: unknown key '%s' (keys are accuracy, shared, rt, seed, "
                   "screen_ms, confirm_ms, mouse, code, resume, anticipate, quit_after)",
                   k);
}

static void defaults(exp_sim *s)
{
    s->accuracy = 0.8;
    s->rt_kind = RT_LOGNORMAL;
    s->rt_a = 600;
    s->rt_b = 0.3;
    s->seed = 1;
    s->screen_ms = 300;
    s->confirm_ms = 150;
    s->mouse = 0;
    snprintf(s->code, sizeof s->code, "sim");
    s->resume = 1;
    s->anticipate_ms = -1;
    s->quit_after = -1;
    s->scale = 1;
}

static int parse_spec(exp_sim *s, const char *spec, dl_error *err)
{
    defaults(s);
    char *copy = dl_strdup(spec), *save = NULL;
    if (!copy)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int rc = 0;
    for (char *p = strtok_r(copy, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save))
        rc = parse_part(s, p, err);
    free(copy);
    return rc;
}

int dl_exp_sim_check(const char *spec, dl_error *err)
{
    exp_sim s;
    memset(&s, 0, sizeof s);
    return parse_spec(&s, spec, err);
}

int exp_sim_new(const char *spec, exp_sim **out, dl_error *err)
{
    *out = NULL;
    exp_sim *s = dl_calloc(1, sizeof *s);
    if (!s)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int rc = parse_spec(s, spec, err);
    if (!rc && !(s->rng = gsl_rng_alloc(gsl_rng_mt19937)))
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
    if (rc) {
        exp_sim_free(s);
        return rc;
    }
    gsl_rng_set(s->rng, (unsigned long)s->seed);
    *out = s;
    return 0;
}

void exp_sim_free(exp_sim *sim)
{
    if (!sim)
        return;
    if (sim->rng)
        gsl_rng_free(sim->rng);
    free(sim->err_ms);
    free(sim);
}

void exp_sim_set_min_rt(exp_sim *sim, double min_rt_ms)
{
    sim->min_rt_ms = min_rt_ms;
}

void exp_sim_set_window(exp_sim *sim, uint32_t window_id, double scale)
{
    sim->window_id = window_id;
    sim->scale = scale > 0 ? scale : 1;
}

int exp_sim_resume_wanted(const exp_sim *sim)
{
    return sim->resume;
}

int exp_sim_quit_at(const exp_sim *sim, size_t main_done)
{
    return sim->quit_after >= 0 && (size_t)sim->quit_after == main_done;
}

void exp_sim_plan_quit(exp_sim *sim, uint64_t onset, SDL_Keycode pause)
{
    sim->quitting = 1;
    exp_sim_plan_key(sim, exp_add_ms(onset, sim->screen_ms), pause);
}

void exp_sim_plan_pause(exp_sim *sim, uint64_t t0, SDL_Keycode cont, SDL_Keycode quit)
{
    exp_sim_plan_key(sim, exp_add_ms(t0, sim->screen_ms), sim->quitting ? quit : cont);
}

/* ---- planning and pushing ------------------------------------------------------------------- */

void exp_sim_clear(exp_sim *sim)
{
    sim->nplan = 0;
}

static void add(exp_sim *sim, uint64_t due, const SDL_Event *ev)
{
    if (sim->nplan == SIM_MAX_PLANNED)
        return;
    size_t i = sim->nplan++;
    while (i > 0 && sim->plan[i - 1].due > due) { /* keep them in time order */
        sim->plan[i] = sim->plan[i - 1];
        i--;
    }
    sim->plan[i].due = due;
    sim->plan[i].ev = *ev;
}

void exp_sim_plan_key(exp_sim *sim, uint64_t due, SDL_Keycode key)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.windowID = sim->window_id;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = key;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    add(sim, due, &ev);
}

static void plan_text(exp_sim *sim, uint64_t due, char c)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    ev.text.windowID = sim->window_id;
    ev.text.text[0] = c;
    add(sim, due, &ev);
}

/* (x, y) in drawable pixels; SDL reports mouse positions in window units. */
static void plan_click(exp_sim *sim, uint64_t due, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.windowID = sim->window_id;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.state = SDL_PRESSED;
    ev.button.clicks = 1;
    ev.button.x = (int)(x / sim->scale);
    ev.button.y = (int)(y / sim->scale);
    add(sim, due, &ev);
}

void exp_sim_tick(exp_sim *sim, uint64_t now)
{
    size_t n = 0;
    while (n < sim->nplan && sim->plan[n].due <= now) {
        SDL_PushEvent(&sim->plan[n].ev);
        n++;
    }
    if (n) {
        memmove(sim->plan, sim->plan + n, (sim->nplan - n) * sizeof *sim->plan);
        sim->nplan -= n;
    }
}

static double draw_rt(exp_sim *sim)
{
    double rt = sim->rt_a;
    if (sim->rt_kind == RT_LOGNORMAL)
        rt = sim->rt_a * exp(sim->rt_b * gsl_ran_ugaussian(sim->rng));
    else if (sim->rt_kind == RT_UNIFORM)
        rt = sim->rt_a + (sim->rt_b - sim->rt_a) * gsl_rng_uniform(sim->rng);
    return rt < 20 ? 20 : rt;
}

void exp_sim_plan_continue(exp_sim *sim, uint64_t t0, SDL_Keycode key)
{
    exp_sim_plan_key(sim, exp_add_ms(t0, sim->screen_ms), key);
}

void exp_sim_plan_code(exp_sim *sim, uint64_t t0, const char *fallback_code)
{
    const char *code = sim->code[0] ? sim->code : fallback_code;
    uint64_t t = exp_add_ms(t0, sim->screen_ms);
    for (const char *c = code; *c; c++) {
        plan_text(sim, t, *c);
        t = exp_add_ms(t, 40);
    }
    exp_sim_plan_key(sim, t, SDLK_RETURN);
}

void exp_sim_plan_resume(exp_sim *sim, uint64_t t0, SDL_Keycode resume, SDL_Keycode fresh)
{
    int yes = sim->resume == 1 || (sim->resume == 2 && sim->resume_asked > 0);
    sim->resume_asked++;
    exp_sim_plan_key(sim, exp_add_ms(t0, sim->screen_ms), yes ? resume : fresh);
}

/* A uniform number in [0, 1) that belongs to the item, the same for every
 * simulated observer whatever its seed (splitmix64 of the item index). */
static double item_uniform(int item)
{
    return (double)(dl_mix64((uint64_t)item) >> 11) * 0x1.0p-53;
}

double exp_sim_plan_2afc(exp_sim *sim, uint64_t onset, int item, int trivial_left,
                         SDL_Keycode left, SDL_Keycode right, const SDL_Rect *lrect,
                         const SDL_Rect *rrect)
{
    /* With probability `shared` the item decides: every observer then errs on
     * the same hard items (the accuracy stays the same), which is what makes
     * real observers' errors consistent. Two observers of equal accuracy get
     * an expected error-consistency kappa of shared^2. */
    int right_ok;
    if (sim->shared > 0 && gsl_rng_uniform(sim->rng) < sim->shared)
        right_ok = item_uniform(item) < sim->accuracy;
    else
        right_ok = gsl_rng_uniform(sim->rng) < sim->accuracy;
    int choose_left = trivial_left ? right_ok : !right_ok;
    double rt = draw_rt(sim);
    /* A press before min_rt_ms does not count: like an observer who
     * anticipated, press once more, min_rt_ms later. */
    if (sim->anticipate_ms >= 0)
        exp_sim_plan_key(sim, exp_add_ms(onset, sim->anticipate_ms), choose_left ? right : left);
    if (rt < sim->min_rt_ms) {
        exp_sim_plan_key(sim, exp_add_ms(onset, rt), choose_left ? left : right);
        rt += sim->min_rt_ms;
    }
    uint64_t due = exp_add_ms(onset, rt);
    if (sim->mouse > 0 && gsl_rng_uniform(sim->rng) < sim->mouse) {
        const SDL_Rect *r = choose_left ? lrect : rrect;
        plan_click(sim, due, r->x + r->w / 2, r->y + r->h / 2);
    } else {
        exp_sim_plan_key(sim, due, choose_left ? left : right);
    }
    return rt;
}

/* Answers a rater would typically give for each difficulty; with
 * probability 1 - accuracy an answer is drawn at random instead. The paper's
 * three questions come first (q1 a count, q2 "main category", q3 "unusual");
 * further questions follow the difficulty like q2 (a count like q1). The
 * draws for the first three are the same whatever follows. */
static void typical(exp_sim *sim, const char *difficulty, const exp_sim_buttons *b,
                    int a[EXP_MAX_QUESTIONS])
{
    int hard = difficulty && strcmp(difficulty, "impossible") == 0;
    int mid = difficulty && strcmp(difficulty, "in-between") == 0;
    int u = (int)gsl_rng_uniform_int(sim->rng, 2);
    for (int q = 0; q < b->nq; q++) {
        int n = b->nopt[q], count = n == 10 && b->key[q][0] == 0;
        if (count)
            a[q] = hard ? 3 + u : mid ? 2 + u : 1 + u;
        else if (q == 2)
            a[q] = hard ? n - 1 - u : mid ? u : 0;
        else
            a[q] = hard ? 0 : mid ? n / 2 : n - 1;
        if (a[q] >= n)
            a[q] = n - 1;
    }
    if (gsl_rng_uniform(sim->rng) >= sim->accuracy)
        for (int q = 0; q < b->nq; q++)
            a[q] = (int)gsl_rng_uniform_int(sim->rng, (unsigned long)b->nopt[q]);
}

void exp_sim_plan_rating(exp_sim *sim, uint64_t onset, const char *difficulty,
                         const exp_sim_buttons *b, double rt_ms[EXP_MAX_QUESTIONS])
{
    int a[EXP_MAX_QUESTIONS];
    typical(sim, difficulty, b, a);
    int click = sim->mouse > 0 && gsl_rng_uniform(sim->rng) < sim->mouse;
    double t = 0;
    if (sim->anticipate_ms >= 0) /* a digit that must not count */
        exp_sim_plan_key(sim, exp_add_ms(onset, sim->anticipate_ms), SDLK_9);
    for (int q = 0; q < b->nq; q++) {
        t += draw_rt(sim);
        if (q == 0 && t < sim->min_rt_ms)
            t += sim->min_rt_ms; /* the first answer after the anticipation window */
        rt_ms[q] = t;
        uint64_t due = exp_add_ms(onset, t);
        const SDL_Rect *r = &b->option[q][a[q]];
        if (click)
            plan_click(sim, due, r->x + r->w / 2, r->y + r->h / 2);
        else /* the digit shown on the button: a count is its own key */
            exp_sim_plan_key(sim, due, SDLK_0 + b->key[q][a[q]]);
        t += sim->confirm_ms;
        due = exp_add_ms(onset, t);
        if (!click)
            exp_sim_plan_key(sim, due, SDLK_RETURN);
        else if (q == b->nq - 1)
            plan_click(sim, due, b->confirm.x + b->confirm.w / 2, b->confirm.y + b->confirm.h / 2);
    }
}

/* ---- checking the timing -------------------------------------------------------------------- */

void exp_sim_record(exp_sim *sim, double intended_ms, double recorded_ms)
{
    if (dl_grow(&sim->err_ms, &sim->caperr, sim->nerr + 1, sizeof *sim->err_ms) != 0)
        return;
    sim->err_ms[sim->nerr++] = fabs(recorded_ms - intended_ms);
}

void exp_sim_rt_stats(const exp_sim *sim, size_t *n, double *median, double *p99, double *max)
{
    *n = sim->nerr;
    *median = *p99 = *max = NAN;
    if (!sim->nerr)
        return;
    double *v = dl_calloc(sim->nerr, sizeof *v);
    if (!v)
        return;
    memcpy(v, sim->err_ms, sim->nerr * sizeof *v);
    qsort(v, sim->nerr, sizeof *v, dl_cmp_double);
    /* nearest-rank percentiles: an error that happened, not an interpolation */
    size_t k50 = (size_t)ceil(0.50 * (double)sim->nerr),
           k99 = (size_t)ceil(0.99 * (double)sim->nerr);
    *median = v[k50 ? k50 - 1 : 0];
    *p99 = v[k99 ? k99 - 1 : 0];
    *max = v[sim->nerr - 1];
    free(v);
}
