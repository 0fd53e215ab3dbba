/* exp_internal.h — private to experiment/: the parsed experiment file, the
 * clock, the display, text, the simulated observer and the run context the
 * screens and tasks share. */
#ifndef EXP_INTERNAL_H
#define EXP_INTERNAL_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <signal.h>
#include <stdint.h>

#include "dl_experiment.h"
#include "dl_store.h"

/* ---- experiment file (config.c) ------------------------------------------------------------- */

/* priority = normal | high (nice -10) | realtime (SCHED_FIFO + locked memory,
 * else nice -10) */
enum { EXP_PRIO_NORMAL = 0, EXP_PRIO_HIGH = 1, EXP_PRIO_REALTIME = 2 };

#define EXP_MAX_KEYS 8
typedef struct exp_keys {
    int n;
    SDL_Keycode key[EXP_MAX_KEYS];
} exp_keys;

typedef struct exp_color {
    uint8_t r, g, b;
} exp_color;

/* Every text the observer sees; the INI's [text] section. */
enum {
    TXT_WINDOW_TITLE,
    TXT_CODE_PROMPT,
    TXT_CODE_HINT,
    TXT_RESUME_PROMPT,
    TXT_CONFIRM_NEW,
    TXT_WELCOME_BACK,
    TXT_LOADING,
    TXT_CONTINUE_HINT,
    TXT_PRACTICE_INTRO,
    TXT_PRACTICE_END,
    TXT_GET_READY,
    TXT_BREAK,
    TXT_PAUSE,
    TXT_PAUSE_HINT,
    TXT_END,
    TXT_QUESTION,
    TXT_CORRECT,
    TXT_WRONG,
    TXT_TOO_SLOW,
    TXT_TRIAL_LABEL,
    TXT_Q1,
    TXT_Q2,
    TXT_Q3,
    TXT_Q4, /* q4..q9 follow q1..q3: TXT_Q1 + i is question i's text */
    TXT_Q5,
    TXT_Q6,
    TXT_Q7,
    TXT_Q8,
    TXT_Q9,
    TXT_Q1_OPTIONS,
    TXT_Q2_OPTIONS,
    TXT_Q3_OPTIONS,
    TXT_Q4_OPTIONS, /* TXT_Q1_OPTIONS + i is question i's labels */
    TXT_Q5_OPTIONS,
    TXT_Q6_OPTIONS,
    TXT_Q7_OPTIONS,
    TXT_Q8_OPTIONS,
    TXT_Q9_OPTIONS,
    TXT_RATING_HINT,
    TXT_CONFIRM,
    TXT_PRACTICE_LABEL,
    TXT_PRACTICE_FEEDBACK,
    TXT_FEEDBACK_ENDS,
    TXT_COUNT
};

#define EXP_MAX_OPTIONS 5
#define EXP_MAX_QUESTIONS 9

/* A rating question as the experiment file defines it ([questions] and
 * [text]); the paper's three are the default. */
enum { EXP_Q_COUNT, EXP_Q_ORDERED, EXP_Q_UNORDERED };
enum { EXP_LEVEL_NOMINAL, EXP_LEVEL_ORDINAL, EXP_LEVEL_INTERVAL, EXP_LEVEL_RATIO };
typedef struct exp_question {
    char key[4];      /* "q1" ... "q9": answers.question */
    const char *text; /* cfg->text[TXT_Q1 + i] */
    int type;         /* EXP_Q_*: a count answers 0-9; the others pick a label */
    int level;        /* EXP_LEVEL_*: how its agreement is analysed */
    int nopt;         /* labels (0 for a count) */
    char *const *opt; /* cfg->qopt[i] */
} exp_question;

struct dl_exp_config {
    char *path;      /* as given */
    char *dir;       /* folder of path, for relative paths */
    char *file_text; /* the whole file, stored with each session */
    char sha256[65];
    int task;
    size_t task_line, set_line; /* for messages about the set */
    char *set_name;
    char *image_root; /* resolved against dir; NULL = the set's own root */
    int has_seed;
    uint64_t seed;

    char *instructions_path; /* resolved; NULL = no instruction screen */
    char *instructions;      /* its UTF-8 text */
    int practice, practice_feedback, shuffle;
    int counterbalance; /* 2AFC: mirror every pair for half the observers */
    int feedback_ms, break_every, iti_ms, fixation_ms, deadline_ms, countdown_s;
    int min_rt_ms; /* a faster press is an anticipation, not an answer; 0 = off */
    int screen_min_ms;
    int high_priority;  /* EXP_PRIO_*: what to ask for during the session */
    int cpu;            /* run on this CPU only (-1 = any the system chooses) */
    int refresh_frames; /* frame intervals measured at start-up */

    exp_color background, text_color, highlight;
    int background_auto;                         /* grey for 2AFC, white for rating */
    int text_size_px;                            /* 0 = from the screen height */
    int image_width_px;                          /* 0 = native */
    double image_width_deg;                      /* 0 = not in degrees */
    double viewing_distance_cm, screen_width_cm; /* NaN when not given */
    int gap_px;                                  /* -1 = automatic */
    double gap_deg;                              /* 0 = not in degrees */
    int image_frame;                             /* a thin frame around every image */

    exp_keys key_left, key_right, key_continue, key_quit, key_pause, key_resume, key_new;
    int mouse;

    char *text[TXT_COUNT];
    int q2_nopt, q3_nopt;
    /* the rating questions: [questions] count, qN = TYPE LEVEL */
    int nquestions;
    int qtype[EXP_MAX_QUESTIONS], qlevel[EXP_MAX_QUESTIONS];
    int qnopt[EXP_MAX_QUESTIONS];
    char *qopt[EXP_MAX_QUESTIONS][EXP_MAX_OPTIONS];
    exp_question question[EXP_MAX_QUESTIONS];
    char *q2_opt[EXP_MAX_OPTIONS], *q3_opt[EXP_MAX_OPTIONS];

    /* every value as text after defaults, for dl_exp_config_value */
    char **values;
    size_t nvalues;
};

/* 1 when the questions are the kinds the rating screen shows today: three,
 * q1 a count, q2 and q3 with labels (texts, labels and levels may differ). */
int exp_questions_standard(const dl_exp_config *cfg);
/* The question definitions as JSON, stored with each rating session so the
 * analysis can follow them; caller frees. NULL when out of memory. */
char *exp_questions_json(const dl_exp_config *cfg);

/* A text with {name} placeholders filled ("{done}" -> "120"); caller frees. */
char *exp_format(const char *tmpl, const char *const *names, const char *const *values, size_t n);

/* 1 when s is valid UTF-8. */
int exp_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* ---- clock (clock.c) ------------------------------------------------------------------------ */

/* SDL's event timestamps are whole milliseconds, so every stamp is taken with
 * the performance counter (nanoseconds on Linux). */
uint64_t exp_now(void);
double exp_ms(uint64_t from, uint64_t to); /* to - from in ms (signed) */
uint64_t exp_add_ms(uint64_t t, double ms);
void exp_sleep_until(uint64_t t); /* returns at or just after t */
void exp_sleep_ms(double ms);

/* ---- display (display.c) -------------------------------------------------------------------- */

typedef struct exp_display {
    SDL_Window *win;
    SDL_Renderer *ren;
    uint32_t window_id;
    int win_w, win_h, draw_w, draw_h;
    double scale; /* drawable px per window coordinate (HiDPI) */
    int vsync_emulated;
    double nominal_ms; /* from the display mode, or 60 Hz */
    double period_ms;  /* measured when done, else nominal */
    int measured;
    double refresh_mean_ms, refresh_sd_ms;
    int nmeasure, measure_frames;
    double m_mean, m_m2;
    int measuring;
    uint64_t last_present; /* stamp of the last present in the sequence */
    uint64_t origin;       /* emulated vsync: slot 0 of the refresh grid */
    int in_sequence;
    size_t seq_drops, seq_frames;
    double seq_max_ms;    /* longest interval of the current run */
    size_t frames, drops; /* over all sequences */
    double max_interval_ms;
    char sdl_version[24], driver[32], renderer[32], mode[96];
    int software;
    int saved_signals;
    struct sigaction old_int, old_term; /* restored when the window closes */
} exp_display;

typedef struct exp_display_opts {
    const char *title;
    int windowed;
    int display_index;
    int headless_ok; /* --simulate: offscreen driver when no display */
} exp_display_opts;

int exp_display_open(exp_display *d, const exp_display_opts *o, dl_error *err);
void exp_display_close(exp_display *d);
/* Start a continuous run of frames: the next present is not compared with the
 * one before (there was a pause on purpose). */
void exp_display_sequence(exp_display *d);
/* The counter value up to which events can be polled before the next present. */
uint64_t exp_display_due(const exp_display *d);
/* Present the back buffer on the next refresh; returns the stamp taken right
 * after the present, and counts the frame interval. */
uint64_t exp_display_present(exp_display *d);
/* Present a frame whose time does not matter (a redraw, a highlight, a
 * message); ends the current run of frames and returns at once where it can. */
uint64_t exp_display_show(exp_display *d);
/* Begin measuring the refresh over the next `frames` frame intervals. */
void exp_display_measure_begin(exp_display *d, int frames);
/* 1 once the measurement is complete; *warn gets a message when unstable. */
int exp_display_measure_done(exp_display *d, char *warn, size_t warn_len);
/* Read the back buffer into a PNG file. */
int exp_display_screenshot(exp_display *d, const char *path, dl_error *err);
void exp_display_clear(exp_display *d, exp_color c);
/* Read the window and drawable size again (after SDL_WINDOWEVENT_SIZE_CHANGED
 * or a move to a screen of another scale); 1 when either changed. */
int exp_display_resync(exp_display *d);

/* ---- text (text.c) -------------------------------------------------------------------------- */

typedef struct exp_fonts {
    TTF_Font *body, *small, *large, *bold;
    int body_px;
} exp_fonts;

/* The font file: $DDDLAB_FONT, else DejaVuSans.ttf in DL_FONT_DIR. */
int exp_font_path(char *buf, size_t len, dl_error *err);
/* Check the font opens (before any window). */
int exp_fonts_check(dl_error *err);
int exp_fonts_open(exp_fonts *f, int body_px, dl_error *err);
void exp_fonts_close(exp_fonts *f);
/* The body text size for a drawable: text_size_px when given, else scaled to
 * the drawable (height / 36, or width / 48 on a narrow screen; at least 14). */
int exp_fonts_px(int text_size_px, int draw_w, int draw_h);
/* Lines of utf8 wrapped greedily at wrap_px (hard breaks kept): *starts
 * gets the byte offset where each line begins (caller frees), returns the
 * count, or a negative error. For splitting long texts into pages. */
int exp_text_lines(TTF_Font *font, const char *utf8, int wrap_px, size_t **starts);
/* utf8 with a hard break wherever font wraps it at wrap_px: drawn in a
 * narrower face it keeps the same lines. Caller frees; NULL when out of
 * memory. */
char *exp_text_break(TTF_Font *font, const char *utf8, int wrap_px);

typedef struct exp_text {
    SDL_Texture *tex;
    int w, h;
} exp_text;

/* Render UTF-8 text (may hold '\n'), wrapped at wrap_px, centred lines. */
int exp_text_make(SDL_Renderer *ren, TTF_Font *font, const char *utf8, exp_color c, int wrap_px,
                  exp_text *out);
void exp_text_free(exp_text *t);
/* Draw with the top-left corner at x, y. */
void exp_text_draw(SDL_Renderer *ren, const exp_text *t, int x, int y);
/* Draw centred on cx, cy. */
void exp_text_draw_centred(SDL_Renderer *ren, const exp_text *t, int cx, int cy);

/* ---- layout (layout.c) --------------------------------------------------------------------- */

/* What a screen drew where, in drawable pixels: the layout test checks that
 * no element overlaps another (a label may lie inside its button, an image
 * inside its frame) and that all lie on the screen. */
enum { EXP_EL_TEXT, EXP_EL_IMAGE, EXP_EL_FRAME, EXP_EL_BUTTON, EXP_EL_BOX };
#define EXP_MAX_ELEMENTS 256

typedef struct exp_element {
    SDL_Rect r;
    int kind;
    int parent; /* the element this one lies inside, or -1 */
    char name[48];
} exp_element;

typedef struct exp_layout {
    int w, h; /* the drawable the elements were placed on */
    int n, dropped;
    exp_element el[EXP_MAX_ELEMENTS];
} exp_layout;

void exp_layout_begin(exp_layout *l, int w, int h);
/* Record an element; returns its index (for children), -1 when empty. */
int exp_layout_add(exp_layout *l, int kind, int parent, const SDL_Rect *r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* 0 when every element lies on the screen (and inside its parent) and no two
 * overlap; else DL_EINVAL with the first offence in why. */
int exp_layout_check(const exp_layout *l, char *why, size_t len);

/* ---- simulated observer (sim.c) ------------------------------------------------------------- */

typedef struct exp_sim exp_sim;

int exp_sim_new(const char *spec, exp_sim **out, dl_error *err);
void exp_sim_free(exp_sim *sim);
void exp_sim_set_window(exp_sim *sim, uint32_t window_id, double scale);
/* The runner's min_rt_ms: a planned answer faster than it is pressed once
 * (an anticipation) and again min_rt_ms later. */
void exp_sim_set_min_rt(exp_sim *sim, double min_rt_ms);
/* Forget every planned event (a screen ended). */
void exp_sim_clear(exp_sim *sim);
/* Push every planned event that is due at now into SDL's queue. */
void exp_sim_tick(exp_sim *sim, uint64_t now);
/* Plans for each kind of screen; t0 is the screen's first frame. */
void exp_sim_plan_continue(exp_sim *sim, uint64_t t0, SDL_Keycode key);
void exp_sim_plan_code(exp_sim *sim, uint64_t t0, const char *fallback_code);
void exp_sim_plan_resume(exp_sim *sim, uint64_t t0, SDL_Keycode resume, SDL_Keycode fresh);
/* 2AFC: choose the trivial side with the accuracy; the answer is a key or a
 * click at (x, y) drawable px inside the chosen image. Returns the intended rt. */
double exp_sim_plan_2afc(exp_sim *sim, uint64_t onset, int item, int trivial_left, SDL_Keycode left,
                         SDL_Keycode right, const SDL_Rect *lrect, const SDL_Rect *rrect);
/* Where the rating screen's buttons are (drawable px). */
typedef struct exp_sim_buttons {
    int nq;                         /* questions on the screen */
    int nopt[EXP_MAX_QUESTIONS];    /* 10 for a count */
    int key[EXP_MAX_QUESTIONS][10]; /* the digit that selects each option */
    SDL_Rect option[EXP_MAX_QUESTIONS][10];
    SDL_Rect confirm;
} exp_sim_buttons;
/* Rating: one answer per question typed as its digit, each followed by
 * Enter, or (with the mouse probability) clicked, then the confirm button;
 * rt_ms[q] get the intended times from onset of each answer. */
void exp_sim_plan_rating(exp_sim *sim, uint64_t onset, const char *difficulty,
                         const exp_sim_buttons *b, double rt_ms[EXP_MAX_QUESTIONS]);
/* 1 when the observer should quit (Escape, then the quit key) at main trial k. */
int exp_sim_quit_at(const exp_sim *sim, size_t main_done);
/* Press the pause key after onset, and quit on the pause screen that follows. */
void exp_sim_plan_quit(exp_sim *sim, uint64_t onset, SDL_Keycode pause);
void exp_sim_plan_pause(exp_sim *sim, uint64_t t0, SDL_Keycode cont, SDL_Keycode quit);
void exp_sim_plan_key(exp_sim *sim, uint64_t due, SDL_Keycode key);
/* Remember an intended vs recorded response time for the result. */
void exp_sim_record(exp_sim *sim, double intended_ms, double recorded_ms);
void exp_sim_rt_stats(const exp_sim *sim, size_t *n, double *median, double *p99, double *max);
int exp_sim_resume_wanted(const exp_sim *sim);

/* ---- the run context (run.c, screens.c, task_*.c) ------------------------------------------- */

/* One decoded stimulus: a surface while preflighting, a texture after loading. */
typedef struct exp_stim {
    const char *rel; /* path relative to the image root (owned by the set) */
    SDL_Surface *surf;
    SDL_Texture *tex;
    int w, h; /* native size */
} exp_stim;

#define EXP_MAX_PENDING 64

typedef struct exp_pending_event {
    double t_s;
    char kind[16];
    char detail[256];
} exp_pending_event;

enum {
    SHOT_CODE,
    SHOT_RESUME,
    SHOT_LOADING,
    SHOT_INSTRUCTIONS,
    SHOT_PRACTICE_INTRO,
    SHOT_PRACTICE,
    SHOT_FEEDBACK,
    SHOT_PRACTICE_END,
    SHOT_COUNTDOWN,
    SHOT_FIXATION,
    SHOT_TRIAL,
    SHOT_BREAK,
    SHOT_PAUSE,
    SHOT_END,
    SHOT_ANSWERED,
    SHOT_WELCOME,
    SHOT_COUNT
};

typedef struct exp_task exp_task;

typedef struct exp_run {
    const dl_exp_options *opt;
    dl_exp_config *cfg;
    const exp_task *task; /* the task's runner (tasks.c) */
    dl_store *st;
    dl_stim_set *set;
    exp_sim *sim;
    exp_display disp;
    int disp_open;
    exp_fonts fonts;
    int ttf_init, img_init;
    char *image_root;
    exp_stim *stims; /* 2 per set item (a, b), NULL surfaces for unused */
    size_t nstims;
    int *order; /* presentation order (set item indices) */
    size_t norder, npractice;
    size_t next;        /* next position in order */
    size_t first;       /* where this run started in the order */
    uint64_t iti_start; /* when the current inter-trial interval began */
    int64_t session_id;
    uint64_t seed;
    uint64_t t0;          /* counter at the start of the run: the run clock's origin */
    double time_offset_s; /* onset_s = offset + run clock (the session's time base) */
    int64_t run_id;       /* this run's row, once the session is known */
    int new_session;      /* confirmed on screen: supersede the unfinished ones */
    int sides_mirrored;   /* 2AFC: this session shows every pair mirrored */
    size_t deadlines_missed;
    int experiment_changed; /* resumed with another file (--allow-changed-experiment) */
    char old_sha256[65];
    const char *sched_policy; /* what raise_priority obtained */
    int sched_priority, nice_now, memory_locked;
    int sched_raised;  /* SCHED_FIFO obtained: back to SCHED_OTHER at the end */
    int sched_threads; /* threads of the process given the policy or nice value */
    int cpu;           /* pinned to this CPU (-1: not pinned) */
    void *saved_cpus;  /* the affinity before the pin (a cpu_set_t), put back at the end */
    uint64_t start_counter;
    char observer[64];
    int resuming;
    exp_pending_event pending[EXP_MAX_PENDING];
    size_t npending;
    int shot_done[SHOT_COUNT];
    int quit;     /* the observer chose quit on the pause screen */
    int sdl_quit; /* SDL_QUIT (window closed, Ctrl-C) */
    int exposed;  /* the window needs to be drawn again */
    dl_exp_result *res;
    int image_w_px; /* displayed width when scaled, 0 native */
    int gap_px;
    int priority_raised, old_nice;
    double asking_s; /* spent on the code-entry and resume screens */
    exp_layout lay;  /* the elements of the frame drawn last */
} exp_run;

/* Drawing that records what it drew in rc->lay (layout.c). A view starts
 * with exp_view_begin (clears to the background, empties the list). */
void exp_view_begin(exp_run *rc);
int exp_put_text(exp_run *rc, const exp_text *t, int x, int y, int parent, const char *name);
int exp_put_text_centred(exp_run *rc, const exp_text *t, int cx, int cy, int parent,
                         const char *name);
/* An image (tex may be NULL for the layout only) with its frame when
 * image_frame is on; returns the image's index. */
int exp_put_image(exp_run *rc, SDL_Texture *tex, const SDL_Rect *r, const char *name);
int exp_frame_px(const exp_run *rc);        /* line width of the frame */
int exp_frame_margin_px(const exp_run *rc); /* space between image and frame */
int exp_frame_extent_px(const exp_run *rc); /* both, 0 without a frame */
/* After the window changed size: reopen the fonts for the new drawable.
 * Returns 1 when the screen must be laid out again, 0 when nothing changed,
 * or an error. */
int exp_view_resync(exp_run *rc, dl_error *err);

/* Wait for the next event until the counter reaches until (0 = no limit),
 * pushing due simulated events first. Returns 1 with *ev and its stamp, 0 on
 * timeout. Focus changes are logged here; SDL_QUIT sets rc->sdl_quit. */
int exp_wait(exp_run *rc, uint64_t until, SDL_Event *ev, uint64_t *stamp);
/* Drop key and mouse events still queued: a key pressed before a screen or
 * trial appeared must not answer it. */
void exp_flush_input(void);
/* 1 when ev is a first key press (not a repeat) of one of keys. */
int exp_key_in(const SDL_Event *ev, const exp_keys *keys);
/* Mouse position of a button press in drawable pixels; 0 when not a left click. */
int exp_click(const exp_run *rc, const SDL_Event *ev, int *x, int *y);
/* How an answer was given: device, key or button name, click position. */
typedef struct exp_input {
    const char *device; /* "keyboard" | "mouse" | NULL */
    char button[32];
    int x_px, y_px; /* drawable px; -1 for a key */
} exp_input;
void exp_input_describe(const exp_run *rc, const SDL_Event *ev, exp_input *in);
/* A press stamped less than min_rt_ms after the onset (so also one made while
 * the onset frame was being presented, which is only taken from the queue
 * after it): logged as an anticipation event; returns 1, and the caller
 * goes on waiting for the answer. */
int exp_anticipation(exp_run *rc, const SDL_Event *ev, uint64_t onset, uint64_t stamp, size_t pos);
/* Queue an event for the store (written in the next quiet moment). */
void exp_event(exp_run *rc, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning for the experimenter: a `warning` event, and in the result for
 * the terminal. */
void exp_warn(exp_run *rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write queued events to the store (not inside the timed loop). */
int exp_flush_events(exp_run *rc, dl_error *err);
/* Save a PNG of the current back buffer once per kind. */
void exp_shot(exp_run *rc, int kind);
double exp_onset_s(const exp_run *rc, uint64_t stamp);

/* Screens (screens.c). Each returns 0, DL_EABORT when the observer quits, or
 * another error. */
int exp_screen_loading(exp_run *rc, dl_error *err);
int exp_screen_code(exp_run *rc, char *code, size_t len, dl_error *err);
int exp_screen_resume(exp_run *rc, const char *code, size_t done, size_t total, int *resume,
                      dl_error *err);
/* After N on the resume question: N again starts a new session (*resume = 0),
 * R goes back to the unfinished one (*resume = 1). */
int exp_screen_confirm_new(exp_run *rc, int *resume, dl_error *err);
int exp_screen_instructions(exp_run *rc, dl_error *err);
int exp_screen_message(exp_run *rc, int shot, const char *title, const char *body, dl_error *err);
int exp_screen_countdown(exp_run *rc, dl_error *err);
int exp_screen_pause(exp_run *rc, dl_error *err);
int exp_screen_end(exp_run *rc, dl_error *err);
/* Poll without presenting until `until` (the screen stays as it is); 1 when
 * the pause key was pressed (the caller shows the pause screen and starts
 * the interval again). */
int exp_idle_until(exp_run *rc, uint64_t until);
/* A text texture in the body font with the configured colour, wrapped to the
 * screen; frees nothing on failure. */
int exp_body_text(exp_run *rc, TTF_Font *font, const char *s, exp_text *t, dl_error *err);

/* The same screens drawn once into the back buffer, their elements in
 * rc->lay: for the layout test, which checks them at many screen sizes. */
int exp_view_message(exp_run *rc, const char *title, const char *body, const char *hint, int page,
                     int *npages, dl_error *err);
int exp_view_code(exp_run *rc, const char *code, dl_error *err);
int exp_view_countdown(exp_run *rc, int k, dl_error *err);
int exp_view_loading(exp_run *rc, size_t done, size_t total, dl_error *err);
/* 2AFC trial at order position pos; feedback 0 correct, 1 wrong, 2 too slow. */
int exp_view_2afc(exp_run *rc, size_t pos, dl_error *err);
int exp_view_feedback(exp_run *rc, int which, dl_error *err);

/* The rating screen's questions, whatever their number and kind: each has
 * its text and its options, each option a label and the digit key that
 * selects it, shown on the button (-1: mouse only). The layout places any
 * 1 to 9 questions of up to 10 options. */
#define EXP_MAX_QUESTIONS 9
#define EXP_MAX_CHOICES 10
typedef struct exp_rating_form {
    int nq;
    const char *text[EXP_MAX_QUESTIONS];
    int nopt[EXP_MAX_QUESTIONS];
    const char *label[EXP_MAX_QUESTIONS][EXP_MAX_CHOICES];
    int key[EXP_MAX_QUESTIONS][EXP_MAX_CHOICES];
} exp_rating_form;
/* The paper's three questions from the [text] section: Q1 a count 0-9
 * (digit = the count), Q2 and Q3 options keyed 1, 2, 3 from the left. */
void exp_rating_default_form(const dl_exp_config *c, exp_rating_form *f);
/* A rating trial at order position pos with the focus on question focus
 * (answers[q] = chosen option or -1; focus = nq: all answered). */
int exp_view_rating(exp_run *rc, const exp_rating_form *f, size_t pos, int focus,
                    const int *answers, dl_error *err);

/* While the window is open (priority.c): real-time scheduling, locked
 * memory and the CPU pin for every thread of the process, as the experiment
 * file asks and the system allows; what was obtained is in rc. */
void exp_priority_raise(exp_run *rc);
void exp_priority_restore(exp_run *rc);

/* Before the window (preflight.c): find the set, decode every image. */
int exp_find_set(exp_run *rc, dl_error *err);
int exp_preload(exp_run *rc, dl_error *err);
void exp_unload(exp_run *rc);

/* A task is one file (task_*.c) behind this interface; tasks.c lists them,
 * and the runner knows no task by name. A third task is a new file and a
 * line in tasks.c (and its name in the experiment file's `task` and in the
 * stimulus sets' `task` column). */
typedef struct exp_task {
    int id;           /* dl_task, as the experiment file names it */
    const char *name; /* "2afc" */
    int has_sides;    /* items are left/right pairs: counterbalance_sides applies */
    /* Before the window: refuse what the task cannot show (NULL: nothing). */
    int (*check)(const dl_exp_config *cfg, dl_error *err);
    /* Drawable px one item needs on screen (stimuli are shown unscaled). */
    void (*item_size)(exp_run *rc, int item, int *w, int *h);
    /* What a session stores about the task's questions (malloc'd JSON), or
     * NULL for none; *oom is set when it could not be made. */
    char *(*session_json)(const dl_exp_config *cfg, int *oom);
    /* Run the trials from rc->next on. */
    int (*run)(exp_run *rc, dl_error *err);
} exp_task;

extern const exp_task exp_task_2afc_def, exp_task_rating_def;
/* The task the experiment file names (never NULL for a parsed file). */
const exp_task *exp_task_of(const dl_exp_config *cfg);
/* The task of that name (a stimulus set's task column), NULL if unknown;
 * exp_task_names writes the known names, comma-separated, for a message. */
const exp_task *exp_task_named(const char *name);
void exp_task_names(char *buf, size_t size);
/* Shared between the tasks (trials.c). */
int exp_between_trials(exp_run *rc, size_t pos, dl_error *err);
/* The rest of the inter-trial interval (from rc->iti_start) and the
 * fixation period, as one run of frames; the onset frame follows. */
int exp_before_onset(exp_run *rc, dl_error *err);
exp_stim *exp_item_stim(exp_run *rc, int item, int which);
void exp_image_rect(const exp_run *rc, const exp_stim *s, int cx, int cy, SDL_Rect *r);
/* 2AFC: the space between the two images for a wider image of max_w px. */
int exp_gap_px(const exp_run *rc, int max_w);
/* The trial number shown beside the stimulus: trial_label for main trials
 * (numbered from 1), practice_label ("Practice 2 of 3") for practice. */
int exp_trial_label(exp_run *rc, size_t pos, exp_text *t, dl_error *err);
/* practice_intro or practice_end (which = TXT_PRACTICE_*) with {feedback}
 * filled as the task gives feedback or not; caller frees, NULL when out of
 * memory. */
char *exp_practice_text(const exp_run *rc, int which);
/* Log a frame-drop event when the run of frames into an onset had one. */
void exp_note_drops(exp_run *rc, size_t pos);

#endif
