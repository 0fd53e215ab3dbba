/* dl_experiment.h — the fullscreen runner of dddlab: the 2AFC and rating tasks
 * with frame-accurate timing, read from an INI experiment file and logged
 * through the store (sessions/dl_store.h).
 *
 * Everything that can be wrong with the input (experiment file, stimulus set,
 * images, font) is checked before a window opens, so a lab member sees a
 * FILE:LINE message in the terminal rather than a broken screen. The timing
 * rules are in docs/experiment.md ("Timing"), which also documents every key
 * of the experiment file. */
#ifndef DL_EXPERIMENT_H
#define DL_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"

/* ---- experiment files ----------------------------------------------------------------------- */

typedef struct dl_exp_config dl_exp_config;

/* Read and validate an experiment file, including the instruction text it
 * names. Unknown sections or keys, bad values, invalid UTF-8 and missing
 * required keys fail with "FILE:LINE: ...". */
int dl_exp_config_load(const char *path, dl_exp_config **out, dl_error *err);

/* The same from text already in memory; path is used in messages and to
 * resolve relative paths (its folder). */
int dl_exp_config_parse(const char *path, const char *text, dl_exp_config **out, dl_error *err);

void dl_exp_config_free(dl_exp_config *cfg); /* accepts NULL */

/* "2afc" or "rating". */
const char *dl_exp_config_task(const dl_exp_config *cfg);
/* The stimulus set's name. */
const char *dl_exp_config_set(const dl_exp_config *cfg);
/* A key's value after defaults, as text ("iti_ms" -> "500"; section may be
 * NULL to search all sections); NULL for an unknown key. For tests and
 * `dddlab run --help`. */
const char *dl_exp_config_value(const dl_exp_config *cfg, const char *section, const char *key);

/* ---- the simulated observer ----------------------------------------------------------------- */

/* Check a --simulate SPEC ("accuracy=0.8,rt=lognormal:600:0.3,seed=1");
 * fails with a message naming the bad part. */
int dl_exp_sim_check(const char *spec, dl_error *err);

/* ---- running a session ---------------------------------------------------------------------- */

typedef struct dl_exp_options {
    const char *db_path;         /* the store; must exist and hold the set */
    const char *experiment_path; /* the INI file */
    const char *observer_code;   /* NULL: ask on the code-entry screen */
    int resume;                  /* continue an unfinished session of observer */
    int windowed;                /* a window instead of fullscreen (testing) */
    int display_index;           /* which monitor (0 = first) */
    const char *simulate;        /* --simulate SPEC, or NULL for a real observer */
    const char *screenshots_dir; /* save one PNG per kind of screen, or NULL */
    int new_session;              /* start afresh although one is unfinished */
    int allow_changed_experiment; /* resume with an experiment file that changed */
    /* observer details for the observers table: 0 / NULL when not given */
    int age;
    const char *gender, *handedness;
    /* Called as the images of the set are checked and decoded, before the
     * window opens (done of total items); the library prints nothing
     * itself. NULL: not told. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} dl_exp_options;

typedef struct dl_exp_result {
    int64_t session_id;
    char session_uuid[37];
    char status[16]; /* completed | aborted */
    char observer_code[64];
    int resumed;          /* 1 when an unfinished session was continued */
    size_t norder;        /* trials in the session (practice included) */
    size_t first_index;   /* where this run started in the order */
    size_t logged;        /* trials logged in this run */
    size_t main_answered; /* main (non-practice) 2AFC trials answered in this run */
    size_t main_correct;
    double startup_s; /* dl_exp_run entry -> first instruction frame, less the time
                         on the code-entry and resume screens */
    double refresh_mean_ms, refresh_sd_ms;
    int vsync_emulated;          /* 1 when frames are paced by a sleep, not the display */
    size_t frames;               /* frames presented in timed sequences */
    size_t frames_dropped;       /* of those, intervals > 1.5x refresh (ITI included) */
    size_t trial_frames_dropped; /* sum of the per-trial counts stored */
    double frame_max_ms;         /* longest interval in a timed sequence */
    /* --simulate only: |recorded rt - intended rt| over every timed answer. */
    size_t rt_n;
    double rt_err_median_ms, rt_err_p99_ms, rt_err_max_ms;
    char video_driver[32];
    char renderer[32];
    int drawable_w, drawable_h;
    size_t screenshots; /* PNG files written */
    /* The scheduling the run obtained (the run's row has the same): policy
     * ("SCHED_FIFO", "SCHED_OTHER"), its priority, the threads of the process
     * it was given to, the nice value, whether memory was locked, and the CPU
     * the runner was pinned to (-1: none). */
    char sched_policy[16];
    int sched_priority, sched_threads, nice, memory_locked, cpu;
    size_t deadlines_missed;
    /* What the experimenter must hear about (also logged as warning events):
     * a bad refresh measurement, missed deadlines, ... */
#define DL_EXP_MAX_WARNINGS 8
    size_t nwarnings;
    char warnings[DL_EXP_MAX_WARNINGS][256];
} dl_exp_result;

/* Run a whole session: validate, open the window, preload, show the screens
 * and trials, log everything, close. Returns 0 when the session completed or
 * the observer quit (res->status tells which), otherwise a negative DL_E* code
 * with a message in err. res may be NULL. */
int dl_exp_run(const dl_exp_options *opt, dl_exp_result *res, dl_error *err);

/* A run's result on out (exp_render.c): aligned lines (session, observer,
 * trials, accuracy, timing, ...) or one JSON object with every field and the
 * warnings. */
void dl_exp_result_write_text(FILE *out, const dl_exp_result *r);
void dl_exp_result_write_json(FILE *out, const dl_exp_result *r);

/* Shut SDL down completely. dl_exp_run closes its window but leaves SDL's
 * video subsystem to the end of the process (closing the X display unloads
 * Mesa's GL driver, which makes its leaks unsuppressible in leak checks);
 * call this at the very end if SDL must be gone before exit. */
void dl_exp_shutdown(void);

#endif
