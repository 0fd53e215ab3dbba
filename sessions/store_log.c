/* store_log.c — the hot path: one trial, rating or event per transaction.
 *
 * Each call runs BEGIN IMMEDIATE, one cached INSERT, COMMIT. With WAL and
 * synchronous=FULL the COMMIT returns only after the WAL is fsynced, so a
 * trial whose call returned 0 survives a kill -9 or a power cut. IMMEDIATE
 * takes the write lock up front: a second process waits (busy timeout)
 * instead of failing half-way with a lock upgrade deadlock. */
#include <inttypes.h>
#include <string.h>

#include "store_internal.h"

int64_t st_run_for(const dl_store *st, int64_t session_id, int64_t given)
{
    if (given > 0)
        return given;
    return st->run_session_id == session_id ? st->run_id : 0;
}

/* The columns a trial row and a rating row both start with: session, index,
 * practice flag, item. */
static void bind_row_head(sqlite3_stmt *s, int64_t session_id, int index, int practice,
                          int item_index)
{
    sqlite3_bind_int64(s, 1, session_id);
    sqlite3_bind_int(s, 2, index);
    sqlite3_bind_int(s, 3, practice != 0);
    sqlite3_bind_int(s, 4, item_index);
}

/* The run column of a logged row (st_run_for); left NULL without a run. */
static void bind_run_of(const dl_store *st, sqlite3_stmt *s, int col, int64_t session_id,
                        int64_t given)
{
    int64_t run = st_run_for(st, session_id, given);
    if (run > 0)
        sqlite3_bind_int64(s, col, run);
}

/* Step a bound INSERT inside the caller's transaction; rolls back on error. */
static int step_insert(dl_store *st, sqlite3_stmt *s, const char *op, dl_error *err)
{
    int step = sqlite3_step(s);
    sqlite3_reset(s);
    int rc = 0;
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE)
        rc = dl_fail(err, DL_EEXIST, "%s: %s: this index is already logged", st->path, op);
    else if (step == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = dl_fail(err, DL_ENOENT, "%s: %s: no such session", st->path, op);
    else if (step != SQLITE_DONE)
        rc = st_fail(st, step, op, err);
    if (rc)
        st_rollback(st);
    return rc;
}

/* Step a bound cached INSERT inside its own transaction. what names the row
 * for messages ("trial 12 of session 3"). */
static int insert_one(dl_store *st, sqlite3_stmt *s, const char *op, dl_error *err)
{
    int rc = st_begin(st, op, err);
    if (!rc)
        rc = step_insert(st, s, op, err);
    return rc ? rc : st_commit(st, op, err);
}

/* One row of the answers table, inside the caller's transaction. */
static int insert_answer(dl_store *st, int64_t session_id, int index, const dl_answer *a,
                         const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_cached(st, ST_LOG_ANSWER, &s, op, err);
    if (rc) {
        st_rollback(st);
        return rc;
    }
    sqlite3_bind_int64(s, 1, session_id);
    sqlite3_bind_int(s, 2, index);
    st_bind_text(s, 3, a->question);
    st_bind_int_unknown(s, 4, a->value);
    st_bind_double(s, 5, a->rt_ms);
    st_bind_text(s, 6, a->device);
    st_bind_text(s, 7, a->button);
    if (a->device && strcmp(a->device, "mouse") == 0) { /* a position only for a click */
        st_bind_int_unknown(s, 8, a->x_px);
        st_bind_int_unknown(s, 9, a->y_px);
    }
    return step_insert(st, s, op, err);
}

/* The row, then its answers, then COMMIT: a trial is on disk whole or not at
 * all. */
static int insert_with_answers(dl_store *st, sqlite3_stmt *row, int64_t session_id, int index,
                               const dl_answer *a, size_t n, const char *op, dl_error *err)
{
    int rc = st_begin(st, op, err);
    if (!rc)
        rc = step_insert(st, row, op, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = insert_answer(st, session_id, index, &a[i], op, err);
    return rc ? rc : st_commit(st, op, err);
}

int dl_store_log_trial(dl_store *st, const dl_trial *t, dl_error *err)
{
    char op[128], now[32];
    snprintf(op, sizeof op, "log trial %d of session %" PRId64, t->index, t->session_id);
    if (!t->left_image || !t->right_image || t->choice < -1 || t->choice > 1)
        return dl_fail(err, DL_EINVAL, "%s: %s: needs both image paths and choice -1, 0 or 1",
                       st->path, op);
    sqlite3_stmt *s = NULL;
    int rc = st_cached(st, ST_LOG_TRIAL, &s, op, err);
    if (rc)
        return rc;
    dl_utc_iso(now);
    bind_row_head(s, t->session_id, t->index, t->practice, t->item_index);
    st_bind_text(s, 5, t->left_image);
    st_bind_text(s, 6, t->right_image);
    sqlite3_bind_int(s, 7, t->choice);
    sqlite3_bind_int(s, 8, t->correct != 0);
    st_bind_double(s, 9, t->rt_ms);
    st_bind_double(s, 10, t->onset_s);
    st_bind_double(s, 11, t->response_s);
    sqlite3_bind_int(s, 12, t->frames_dropped);
    st_bind_text(s, 13, now);
    bind_run_of(st, s, 14, t->session_id, t->run_id);
    dl_answer a = {"choice", t->choice, t->rt_ms, t->device, t->button, t->x_px, t->y_px};
    return insert_with_answers(st, s, t->session_id, t->index, &a, 1, op, err);
}

int dl_store_log_rating(dl_store *st, const dl_rating *r, dl_error *err)
{
    char op[128], now[32];
    snprintf(op, sizeof op, "log rating %d of session %" PRId64, r->index, r->session_id);
    if (!r->image)
        return dl_fail(err, DL_EINVAL, "%s: %s: needs the image path", st->path, op);
    sqlite3_stmt *s = NULL;
    int rc = st_cached(st, ST_LOG_RATING, &s, op, err);
    if (rc)
        return rc;
    dl_utc_iso(now);
    bind_row_head(s, r->session_id, r->index, r->practice, r->item_index);
    st_bind_text(s, 5, r->image);
    st_bind_int_unknown(s, 6, r->q1);
    st_bind_int_unknown(s, 7, r->q2);
    st_bind_int_unknown(s, 8, r->q3);
    st_bind_double(s, 9, r->rt_q1_ms);
    st_bind_double(s, 10, r->rt_q2_ms);
    st_bind_double(s, 11, r->rt_q3_ms);
    st_bind_double(s, 12, r->onset_s);
    sqlite3_bind_int(s, 13, r->frames_dropped);
    st_bind_text(s, 14, now);
    bind_run_of(st, s, 15, r->session_id, r->run_id);
    dl_answer q[3] = {{"q1", r->q1, r->rt_q1_ms, NULL, NULL, -1, -1},
                      {"q2", r->q2, r->rt_q2_ms, NULL, NULL, -1, -1},
                      {"q3", r->q3, r->rt_q3_ms, NULL, NULL, -1, -1}};
    const dl_answer *a = r->nanswers ? r->answers : q;
    size_t n = r->nanswers ? r->nanswers : 3;
    return insert_with_answers(st, s, r->session_id, r->index, a, n, op, err);
}

static int valid_kind(const char *kind)
{
    static const char *const kinds[] = {"pause", "resume",  "escape", "focus-lost", "frame-drop",
                                        "warning", "info", "anticipation"};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

int dl_store_log_event(dl_store *st, int64_t session_id, double t_s, const char *kind,
                       const char *detail, dl_error *err)
{
    char op[128], now[32];
    snprintf(op, sizeof op, "log %s event of session %" PRId64, kind ? kind : "(none)", session_id);
    if (!valid_kind(kind))
        return dl_fail(err, DL_EINVAL,
                       "%s: %s: kind is not one of pause, resume, escape, focus-lost, "
                       "frame-drop, warning, info, anticipation",
                       st->path, op);
    sqlite3_stmt *s = NULL;
    int rc = st_cached(st, ST_LOG_EVENT, &s, op, err);
    if (rc)
        return rc;
    dl_utc_iso(now);
    sqlite3_bind_int64(s, 1, session_id);
    st_bind_double(s, 2, t_s);
    st_bind_text(s, 3, kind);
    st_bind_text(s, 4, detail);
    st_bind_text(s, 5, now);
    bind_run_of(st, s, 6, session_id, 0);
    return insert_one(st, s, op, err);
}
