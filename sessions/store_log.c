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

/* Step a bound cached INSERT inside its own transaction. what names the row
 * for messages ("trial 12 of session 3"). */
static int insert_one(dl_store *st, sqlite3_stmt *s, const char *op, dl_error *err)
{
    int rc = st_begin(st, op, err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE) {
        st_rollback(st);
        return dl_fail(err, DL_EEXIST, "%s: %s: this index is already logged", st->path, op);
    }
    if (step == SQLITE_CONSTRAINT_FOREIGNKEY) {
        st_rollback(st);
        return dl_fail(err, DL_ENOENT, "%s: %s: no such session", st->path, op);
    }
    if (step != SQLITE_DONE) {
        rc = st_fail(st, step, op, err);
        st_rollback(st);
        return rc;
    }
    return st_commit(st, op, err);
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
    sqlite3_bind_int64(s, 1, t->session_id);
    sqlite3_bind_int(s, 2, t->index);
    sqlite3_bind_int(s, 3, t->practice != 0);
    sqlite3_bind_int(s, 4, t->item_index);
    st_bind_text(s, 5, t->left_image);
    st_bind_text(s, 6, t->right_image);
    sqlite3_bind_int(s, 7, t->choice);
    sqlite3_bind_int(s, 8, t->correct != 0);
    st_bind_double(s, 9, t->rt_ms);
    st_bind_double(s, 10, t->onset_s);
    st_bind_double(s, 11, t->response_s);
    sqlite3_bind_int(s, 12, t->frames_dropped);
    st_bind_text(s, 13, now);
    return insert_one(st, s, op, err);
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
    sqlite3_bind_int64(s, 1, r->session_id);
    sqlite3_bind_int(s, 2, r->index);
    sqlite3_bind_int(s, 3, r->practice != 0);
    sqlite3_bind_int(s, 4, r->item_index);
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
    return insert_one(st, s, op, err);
}

static int valid_kind(const char *kind)
{
    static const char *const kinds[] = {"pause",      "resume",  "escape", "focus-lost",
                                        "frame-drop", "warning", "info"};
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
                       "frame-drop, warning, info",
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
    return insert_one(st, s, op, err);
}
