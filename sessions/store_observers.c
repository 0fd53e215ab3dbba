/* store_observers.c — pseudonymous observers. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static int read_observer(dl_store *st, const char *code, dl_observer *out, const char *op,
                         dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "SELECT id, code, age, gender, handedness, vision_corrected, naive"
                        " FROM observers WHERE code = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                        &s, op, err);
    if (rc)
        return rc;
    st_bind_text(s, 1, code);
    int step = sqlite3_step(s), oom = 0;
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(s, 0);
        out->code = st_col_strdup(s, 1, &oom);
        out->age = st_col_int_unknown(s, 2);
        out->gender = st_col_strdup(s, 3, &oom);
        out->handedness = st_col_strdup(s, 4, &oom);
        out->vision_corrected = st_col_int_unknown(s, 5);
        out->naive = st_col_int_unknown(s, 6);
    }
    sqlite3_finalize(s);
    if (step == SQLITE_DONE)
        return dl_fail(err, DL_ENOENT, "%s: %s: no observer with code '%s'", st->path, op, code);
    if (step != SQLITE_ROW)
        return st_fail(st, step, op, err);
    if (oom) {
        dl_observer_clear(out);
        return dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", st->path, op);
    }
    return 0;
}

int dl_store_find_observer(dl_store *st, const char *code, dl_observer *out, dl_error *err)
{
    char op[160];
    snprintf(op, sizeof op, "find observer '%s'", code);
    return read_observer(st, code, out, op, err);
}

/* Fill details given now that were unknown (age >= 0, strings non-NULL,
 * flags >= 0); a detail already recorded stays as it was first given. */
static int update_details(dl_store *st, const dl_observer *obs, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "UPDATE observers SET age = coalesce(age, ?2), gender = coalesce(gender,"
                        " ?3), handedness = coalesce(handedness, ?4), vision_corrected ="
                        " coalesce(vision_corrected, ?5), naive = coalesce(naive, ?6)"
                        " WHERE id = ?1",
                        &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, obs->id);
    st_bind_int_unknown(s, 2, obs->age);
    st_bind_text(s, 3, obs->gender);
    st_bind_text(s, 4, obs->handedness);
    st_bind_int_unknown(s, 5, obs->vision_corrected);
    st_bind_int_unknown(s, 6, obs->naive);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : st_fail(st, step, op, err);
}

int dl_store_ensure_observer(dl_store *st, dl_observer *obs, dl_error *err)
{
    char op[160];
    snprintf(op, sizeof op, "add observer '%s'", obs->code ? obs->code : "");
    if (!obs->code || !obs->code[0])
        return dl_fail(err, DL_EINVAL, "%s: %s: the observer has no code", st->path, op);
    char now[32];
    dl_utc_iso(now);
    sqlite3_stmt *s = NULL;
    /* INSERT ... DO NOTHING then SELECT, in one write transaction, so two
     * stations adding the same code at once both end up with the one row. */
    int rc = st_begin(st, op, err);
    if (rc)
        return rc;
    /* Codes are compared without regard to case (p02 is P02): an existing
     * observer keeps its first spelling and gets any unknown details now given. */
    dl_observer found = {0};
    dl_error quiet = {0};
    rc = read_observer(st, obs->code, &found, op, &quiet);
    if (!rc) {
        obs->id = found.id;
        dl_observer_clear(&found);
        rc = update_details(st, obs, op, err);
        if (!rc)
            rc = st_commit(st, op, err);
        if (rc)
            st_rollback(st);
        return rc;
    }
    if (rc != DL_ENOENT) {
        st_rollback(st);
        return dl_fail(err, rc, "%s", quiet.msg);
    }
    rc = st_prepare(st,
                    "INSERT INTO observers(code, age, gender, handedness, vision_corrected,"
                    " naive, created_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                    " ON CONFLICT (code) DO NOTHING",
                    &s, op, err);
    if (!rc) {
        st_bind_text(s, 1, obs->code);
        st_bind_int_unknown(s, 2, obs->age);
        st_bind_text(s, 3, obs->gender);
        st_bind_text(s, 4, obs->handedness);
        st_bind_int_unknown(s, 5, obs->vision_corrected);
        st_bind_int_unknown(s, 6, obs->naive);
        st_bind_text(s, 7, now);
        int step = sqlite3_step(s);
        if (step != SQLITE_DONE)
            rc = st_fail(st, step, op, err);
    }
    sqlite3_finalize(s);
    if (!rc && sqlite3_changes(st->db) == 1) {
        obs->id = sqlite3_last_insert_rowid(st->db);
    } else if (!rc) {
        rc = read_observer(st, obs->code, &found, op, err);
        if (!rc) {
            obs->id = found.id;
            dl_observer_clear(&found);
        }
    }
    if (!rc)
        rc = st_commit(st, op, err);
    if (rc)
        st_rollback(st);
    return rc;
}

void dl_observer_clear(dl_observer *obs)
{
    if (!obs)
        return;
    free(obs->code);
    free(obs->gender);
    free(obs->handedness);
    obs->code = obs->gender = obs->handedness = NULL;
}
