/* dl_store.h — the SQLite store of dddlab: stimulus sets, observers, sessions,
 * trials, ratings and events, in one file per lab or station.
 *
 * Guarantees (docs/store.md): WAL journal,
 * synchronous=FULL, foreign keys on, one transaction per logged trial or
 * rating, so a crash loses at most the trial on screen. The schema carries a
 * version in PRAGMA user_version; migrations run forward only; a file with a
 * newer version is refused (DL_ESCHEMA).
 *
 * Every function returns 0 or a negative DL_E* code and fills `err` with a
 * message that names the database file and the operation. This module knows
 * nothing about SDL. */
#ifndef DL_STORE_H
#define DL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"
#include "dl_set.h"

typedef struct dl_store dl_store;

/* The schema version this program writes. */
#define DL_STORE_SCHEMA_VERSION 2

enum {
    DL_STORE_READONLY = 1, /* open an existing file read-only */
    DL_STORE_NOCREATE = 2, /* fail with DL_ENOENT when the file is missing */
    /* When the file is missing, make it under a temporary name beside it
     * (PATH.dddlab-new.PID) and put it in place only at dl_store_finish: a
     * failure, a full disk or a kill never leaves a half-made database
     * under PATH (a temporary file left by a killed process is removed by
     * the next open of PATH with this flag). An existing file is opened as
     * usual. Messages name PATH. */
    DL_STORE_NEW_ATOMIC = 4
};

/* Open or create path (file mode 0600), run SQLite's quick check (a damaged
 * file is DL_ECORRUPT and left untouched), apply the pragmas, migrate
 * forward. With DL_STORE_NOCREATE (and not read-only) the file must already
 * be a dddlab database: an empty or schema-less file is DL_EINVAL, unchanged. */
int dl_store_open(const char *path, int flags, dl_store **out, dl_error *err);
/* Close st; for a store that DL_STORE_NEW_ATOMIC made under a temporary
 * name, put it in place (fsynced; DL_EEXIST, nothing changed, when PATH
 * appeared meanwhile). On any failure the temporary files are removed.
 * For any other store the same as dl_store_close, returning 0. */
int dl_store_finish(dl_store *st, dl_error *err);
void dl_store_close(dl_store *st); /* accepts NULL; a new store is discarded */
const char *dl_store_path(const dl_store *st);
/* How long a call waits for another process's write lock before failing with
 * DL_EBUSY (default 5000 ms). */
void dl_store_set_busy_timeout(dl_store *st, int ms);

/* ---- stimulus sets --------------------------------------------------------- */

/* The set records (dl_set_image, dl_set_item, dl_stim_set) are in
 * dl_set.h (common/), shared with stimuli/ which builds them. */

/* Store a new set with its items in one transaction. DL_EEXIST when the name
 * is taken. Fills set->id, set->created_utc and set->content_sha256. */
int dl_store_add_set(dl_store *st, dl_stim_set *set, dl_error *err);
/* Find a set by name with all its items; DL_ENOENT if absent. */
int dl_store_find_set(dl_store *st, const char *name, dl_stim_set **out, dl_error *err);

/* ---- observers ---------------------------------------------------------------- */

typedef struct dl_observer {
    int64_t id;
    char *code;           /* pseudonymous code, unique; never a name */
    int age;              /* -1 unknown */
    char *gender;         /* NULL unknown */
    char *handedness;     /* NULL unknown */
    int vision_corrected; /* 1, 0, -1 unknown */
    int naive;            /* naive to the purpose: 1, 0, -1 unknown */
} dl_observer;

/* Find the observer with obs->code or add it; fills obs->id. Codes are
 * compared without regard to case (p02 finds P02; with two spellings stored
 * by an older version, the first added). An existing observer keeps the
 * details it has; those it lacks are filled from obs. */
int dl_store_ensure_observer(dl_store *st, dl_observer *obs, dl_error *err);
int dl_store_find_observer(dl_store *st, const char *code, dl_observer *out, dl_error *err);
void dl_observer_clear(dl_observer *obs); /* frees the strings */

/* ---- sessions -------------------------------------------------------------------- */

typedef struct dl_session {
    int64_t id;
    char uuid[37];
    int64_t observer_id;
    int64_t set_id;
    char *status; /* running | completed | aborted | crashed */
    char *started_utc, *ended_utc;
    uint64_t seed;
    size_t norder;
    int *order;            /* set item indices in presentation order */
    char *experiment_text; /* the experiment file's text */
    char experiment_sha256[65];
    char *software_version, *git_revision;
    char *sdl_version, *video_driver, *renderer, *display_mode;
    double refresh_mean_ms, refresh_sd_ms; /* NaN when not measured */
    int window_w, window_h, drawable_w, drawable_h;
    double viewing_distance_cm, screen_width_cm; /* NaN when not given */
    int pid;                                     /* process that runs it (for stale detection) */
    char *hostname;
    /* (schema 2) */
    int simulated;                /* a run had a simulated observer (--simulate) */
    int64_t superseded_by;        /* 0, or the session started instead (--new-session) */
    char current_sha256[65];      /* experiment file of the latest run ("" if unknown) */
    char *questions_json;         /* rating questions the session used, or NULL */
    int sides_mirrored;           /* 2AFC: every pair shown mirrored (counterbalancing) */
} dl_session;

/* Start a session: status `running`, a new UUID (v4, /dev/urandom),
 * started_utc now. The caller fills everything else; sess->id, uuid, status
 * and started_utc are set (status/started_utc must be NULL or malloc'd: they
 * are replaced), and pid / hostname when left 0 / NULL (this process, this
 * host). DL_ENOENT when the observer or set is not stored. */
int dl_store_start_session(dl_store *st, dl_session *sess, dl_error *err);
/* Finish with status completed | aborted | crashed and ended_utc now. */
int dl_store_finish_session(dl_store *st, int64_t session_id, const char *status, dl_error *err);
/* Load a session by its id; DL_ENOENT if absent. */
int dl_store_get_session(dl_store *st, int64_t session_id, dl_session *out, dl_error *err);
/* Load a session by its UUID; DL_ENOENT if absent. */
int dl_store_get_session_uuid(dl_store *st, const char *uuid, dl_session *out, dl_error *err);
void dl_store_session_clear(dl_session *sess);

/* Sessions of an observer (code, compared without regard to case) on a set
 * (name) that can be resumed: status running, aborted or crashed and not
 * superseded by a newer session, newest first. *out is an array of *n. A
 * `running` session may still be alive in another process: call
 * dl_store_mark_stale first. */
int dl_store_find_resumable(dl_store *st, const char *observer_code, const char *set_name,
                            dl_session **out, size_t *n, dl_error *err);
void dl_sessions_free(dl_session *s, size_t n);

/* Position in the session's order of the next unanswered trial: one past the
 * highest index logged (trials or ratings), which equals the number logged
 * when they were logged in order; norder when all are done. */
int dl_store_next_index(dl_store *st, int64_t session_id, size_t *next, dl_error *err);

/* Take over a running, aborted or crashed session for --resume: status back
 * to `running` with this process's pid and host, in one transaction.
 * DL_EBUSY when a live dddlab process on this computer still runs it (two
 * runners must never log into one session); DL_EINVAL for a completed or
 * superseded session. */
int dl_store_reopen_session(dl_store *st, int64_t session_id, dl_error *err);

/* Mark `running` sessions whose process is gone as `crashed`; *n gets how
 * many. A process is the same only when host, pid, the process's start time
 * (/proc/PID/stat) and the boot id all match, so a pid reused by another
 * program, or after a reboot, never keeps a session `running`. */
int dl_store_mark_stale(dl_store *st, size_t *n, dl_error *err);

/* 1 when the process that last ran the session (its latest run) is alive on
 * this computer, by the identity above; 0 otherwise; *pid gets its pid. */
int dl_store_session_owner_alive(dl_store *st, int64_t session_id, int *pid, dl_error *err);

/* The unfinished sessions old_ids were replaced by new_id (--new-session):
 * they stay as they are, but are no longer offered for resuming. */
int dl_store_supersede(dl_store *st, int64_t old_id, int64_t new_id, dl_error *err);

/* ---- runs (schema 2) ----------------------------------------------------------------- */

/* One process working on a session. Strings are borrowed. */
typedef struct dl_run {
    int64_t id;         /* filled by dl_store_start_run */
    int64_t session_id;
    int seq;            /* filled: 1 for the first run of a session */
    size_t first_index; /* position in the order this run started at */
    /* In: seconds the run's clock has counted so far. Out: the offset to add
     * to the run clock for onset_s (0 for a session's first run). */
    double run_clock_s, time_offset_s;
    const char *experiment_sha256;
    const char *experiment_text; /* only when it differs from the session's */
    int experiment_changed;
    const char *sdl_version, *video_driver, *renderer, *display_mode;
    double nominal_refresh_ms, refresh_mean_ms, refresh_sd_ms; /* NaN unknown */
    int window_w, window_h, drawable_w, drawable_h, windowed;
    const char *simulate; /* the --simulate spec; NULL for a real observer */
    const char *sched_policy; /* "SCHED_FIFO", "SCHED_OTHER", ... or NULL */
    int sched_priority, nice, memory_locked;
} dl_run;

/* Record the start of a run: this process's identity (host, pid, start
 * time, boot id), software version, and the time base: a later run's clock
 * (0 at its process start) is offset so that onset_s goes on increasing
 * across runs: the offset is the larger of the wall-clock time from the
 * session's start to this run's clock origin and just past the last time
 * already logged. A simulated run marks the session simulated. */
int dl_store_start_run(dl_store *st, dl_run *run, dl_error *err);
/* Record the end of a run. */
int dl_store_end_run(dl_store *st, int64_t run_id, const char *status, size_t frames,
                     size_t frames_dropped, size_t deadlines_missed, dl_error *err);

/* ---- trials, ratings, events -------------------------------------------------------- */

typedef struct dl_trial {
    int64_t session_id;
    int index; /* position in the session's order */
    int practice;
    int item_index;                       /* set item shown */
    const char *left_image, *right_image; /* relative paths */
    int choice;                           /* 0 left, 1 right, -1 no response (deadline) */
    int correct;                          /* chose the trivial image */
    double rt_ms;                         /* response stamp - onset stamp */
    double onset_s;                       /* performance-counter seconds since session start */
    double response_s;
    int frames_dropped;
    int64_t run_id;     /* 0: none recorded */
    const char *device; /* "keyboard" | "mouse" | NULL */
    const char *button; /* key name or mouse button, NULL */
    int x_px, y_px;     /* click position (device "mouse" only) */
} dl_trial;

/* One answer to a question of a rating trial (the answers table). */
typedef struct dl_answer {
    const char *question; /* key, e.g. "q1" */
    int value;            /* -1 not answered */
    double rt_ms;
    const char *device, *button;
    int x_px, y_px; /* -1 when not a click */
} dl_answer;

typedef struct dl_rating {
    int64_t session_id;
    int index;
    int practice;
    int item_index;
    const char *image;
    int q1, q2, q3; /* -1 when not answered */
    double rt_q1_ms, rt_q2_ms, rt_q3_ms;
    double onset_s;
    int frames_dropped;
    int64_t run_id;
    /* Every answer; when nanswers is 0, q1..q3 become the answers. The
     * first three also fill q1..q3 of the ratings table. */
    size_t nanswers;
    const dl_answer *answers;
} dl_rating;

/* Each in its own transaction (BEGIN IMMEDIATE ... COMMIT, WAL fsynced), so
 * a trial is on disk when the call returns 0. DL_EEXIST when (session,
 * index) is already logged, DL_ENOENT for an unknown session, DL_EBUSY when
 * another process holds the write lock past the busy timeout, DL_EFULL when
 * the disk is full; the failed row is then not stored at all. A missed
 * deadline is choice -1 with correct 0 and rt_ms NaN. */
int dl_store_log_trial(dl_store *st, const dl_trial *t, dl_error *err);
int dl_store_log_rating(dl_store *st, const dl_rating *r, dl_error *err);
/* kind: pause | resume | escape | focus-lost | frame-drop | warning | info |
 * anticipation */
int dl_store_log_event(dl_store *st, int64_t session_id, double t_s, const char *kind,
                       const char *detail, dl_error *err);

/* ---- reading for analysis and export ----------------------------------------------- */

/* A logged 2AFC trial with everything joined in. Strings live until the
 * callback returns. */
typedef struct dl_trial_view {
    const char *observer_code;
    const char *session_uuid;
    const char *session_status;
    const char *set_name;
    int index, practice, item_index;
    const char *left_image, *right_image;
    const char *trivial_image, *impossible_image;
    int choice, correct;
    double rt_ms, onset_s, response_s;
    int frames_dropped;
    int session_simulated; /* a simulated observer answered the session */
} dl_trial_view;

typedef struct dl_rating_view {
    const char *observer_code;
    const char *session_uuid;
    const char *session_status;
    const char *set_name;
    int index, practice, item_index;
    const char *image;
    const char *difficulty;
    double frac_correct;
    const char *class_label;
    int label_error;
    int q1, q2, q3;
    double rt_q1_ms, rt_q2_ms, rt_q3_ms;
    int session_simulated;
} dl_rating_view;

typedef int (*dl_trial_fn)(void *ctx, const dl_trial_view *t);
typedef int (*dl_rating_fn)(void *ctx, const dl_rating_view *r);

/* Iterate over trials/ratings of sessions on set_name (NULL = every set),
 * completed sessions only unless include_incomplete. Ordered by observer,
 * session, index. Practice trials are included (see `practice`).
 * trivial_image / impossible_image / difficulty are NULL when the item is not
 * in the set. A non-zero callback return stops and is returned. The callback
 * must not write to the same store. */
int dl_store_each_trial(dl_store *st, const char *set_name, int include_incomplete, dl_trial_fn fn,
                        void *ctx, dl_error *err);
int dl_store_each_rating(dl_store *st, const char *set_name, int include_incomplete,
                         dl_rating_fn fn, void *ctx, dl_error *err);

/* A rating trial with its rows of `answers` (store_answers.c): every
 * question the session asked, whatever their number. */
typedef struct dl_answer_view {
    const char *question; /* key, e.g. "q4" */
    int value;            /* -1 not answered */
    double rt_ms;         /* NaN unknown */
} dl_answer_view;

typedef struct dl_rating_answers_view {
    dl_rating_view rating; /* the trial, everything joined in (q1..q3 as in `ratings`) */
    int64_t session_id;
    /* The session's question definitions (sessions.questions_json), NULL when
     * it has none (a version-1 file, or ratings logged without them): then
     * the paper's three. */
    const char *questions_json;
    size_t nanswers;
    const dl_answer_view *answers; /* ordered by question key */
} dl_rating_answers_view;

typedef int (*dl_rating_answers_fn)(void *ctx, const dl_rating_answers_view *v);

/* As dl_store_each_rating, with each trial's answers and its session's
 * questions. */
int dl_store_each_rating_answers(dl_store *st, const char *set_name, int include_incomplete,
                                 dl_rating_answers_fn fn, void *ctx, dl_error *err);

/* ---- maintenance (for the CLI commands) --------------------------------------------- */

/* One line of `dddlab sessions list`. */
typedef struct dl_session_summary {
    int64_t id;
    char uuid[37];
    char *observer_code, *set_name, *task, *status;
    char *started_utc, *ended_utc; /* ended_utc NULL while running */
    char *hostname;
    size_t done;  /* trials or ratings logged */
    size_t total; /* length of the session's order */
    int simulated;  /* a simulated observer answered (--simulate) */
    size_t runs;    /* processes that worked on it */
    int superseded; /* replaced by a newer session (--new-session) */
} dl_session_summary;

/* Every session, oldest first. *out is an array of *n. */
int dl_store_list_sessions(dl_store *st, dl_session_summary **out, size_t *n, dl_error *err);
void dl_session_summaries_free(dl_session_summary *v, size_t n); /* accepts NULL */

/* What `dddlab db check` reports. Counts are -1 when the schema is newer than
 * this program knows (their tables may have changed). */
typedef struct dl_store_report {
    int schema_version;  /* PRAGMA user_version of the file */
    int integrity_ok;    /* PRAGMA integrity_check said "ok" */
    int foreign_keys_ok; /* PRAGMA foreign_key_check found nothing */
    char integrity[512]; /* "ok" or the first problems it found */
    char journal_mode[16];
    int64_t sets, images, observers, sessions, trials, ratings, events;
    int64_t running, completed, aborted, crashed; /* sessions by status */
    int64_t orphans;      /* rows whose parent row is missing (foreign keys) */
    char orphan_text[512]; /* "" or e.g. "12 trials rows whose sessions row is missing" */
} dl_store_report;

/* Check the file at path without changing it: integrity, schema version,
 * counts. Returns 0 when the check could run (look at the report for the
 * verdict), DL_ENOENT for a missing file, DL_ECORRUPT when it is not a
 * database at all. */
int dl_store_check(const char *path, dl_store_report *out, dl_error *err);

/* Rows whose parent row is missing (a trial whose session row is gone, ...),
 * as PRAGMA foreign_key_check finds them: *n rows, and text (size bytes)
 * says which, e.g. "12 trials rows whose sessions row is missing". Such rows
 * are left out of exports, merges and analyses; the CLI warns with this. */
int dl_store_orphans(dl_store *st, int64_t *n, char *text, size_t size, dl_error *err);

/* Write table (trials | ratings | sessions | observers | stimuli) as tidy CSV
 * to path atomically ("-" = stdout). */
int dl_store_export(dl_store *st, const char *table, const char *path, dl_error *err);
/* 1 when table is one dl_store_export writes, else 0. */
int dl_store_export_known(const char *table);
/* The same, and *nrows gets the number of data rows written. */
int dl_store_export_count(dl_store *st, const char *table, const char *path, size_t *nrows,
                          dl_error *err);
/* Merge the files srcs into dst (created if missing); see `dddlab merge`. */
int dl_store_merge(const char *dst, const char *const *srcs, size_t nsrcs, dl_error *err);

/* ---- what the commands show (store_render.c) ---- */

/* The session list: an aligned table ("DB: no sessions" when empty) or one
 * JSON object {db, sessions [...]}. */
void dl_store_write_sessions_text(FILE *out, const char *db, const dl_session_summary *v,
                                  size_t n);
void dl_store_write_sessions_json(FILE *out, const char *db, const dl_session_summary *v,
                                  size_t n);
/* An export's summary as one JSON object {db, table, out, rows}. */
void dl_store_write_export_json(FILE *out, const char *db, const char *table, const char *path,
                                size_t rows);
/* A merge's totals (r: dl_store_check of the output) as a line or JSON on fp. */
void dl_store_write_merge(FILE *fp, int json, const char *out, const char *const *inputs,
                          size_t ninputs, const dl_store_report *r);
/* A check's verdict: intact, foreign keys whole, and a schema version this
 * program knows (0 is an empty file or another program's database). */
int dl_store_report_ok(const dl_store_report *r);
/* 0 when r is ok, else its error (DL_ESCHEMA: newer than this program;
 * DL_EINVAL: not a dddlab database; DL_ECORRUPT: damaged) with the advice. */
int dl_store_check_verdict(const char *db, const dl_store_report *r, dl_error *err);
void dl_store_write_check_text(FILE *out, const char *db, const dl_store_report *r);
void dl_store_write_check_json(FILE *out, const char *db, const dl_store_report *r);

/* ---- the orphan-row warning (store_warn.c) ---- */

/* When the store holds rows whose parent row is missing (trials of a deleted
 * session, ...), write one "dddlab: warning: DB: ..." line to out saying
 * they are left out of `what` ("this export"); nothing otherwise, nor when
 * the check itself fails (the caller's own reading reports that). The _path
 * form opens db read-only for it and returns that open's error. */
void dl_store_write_orphans(FILE *out, dl_store *st, const char *db, const char *what);
int dl_store_write_orphans_path(FILE *out, const char *db, const char *what, dl_error *err);

#endif
