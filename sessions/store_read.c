/* store_read.c — reading for analysis and the CLI: trials and ratings with
 * everything joined in, the session list. Each iteration is one SELECT, which
 * in WAL mode reads one consistent snapshot even while a runner is logging. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* Rows whose session matches ?1 (set name, NULL = any) and ?2 (1 = include
 * sessions that are not completed). */
static const char trials_sql[] =
    "SELECT o.code, s.uuid, s.status, t.name, tr.idx, tr.practice, tr.item_index,"
    " tr.left_image, tr.right_image, ia.path, ib.path, tr.choice, tr.correct, tr.rt_ms,"
    " tr.onset_s, tr.response_s, tr.frames_dropped, s.simulated"
    " FROM trials tr JOIN sessions s ON s.id = tr.session_id"
    " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
    " LEFT JOIN set_items it ON it.set_id = s.set_id AND it.idx = tr.item_index"
    " LEFT JOIN images ia ON ia.id = it.image_a LEFT JOIN images ib ON ib.id = it.image_b"
    " WHERE (?1 IS NULL OR t.name = ?1) AND (?2 OR s.status = 'completed')"
    " ORDER BY o.code, s.started_utc, s.id, tr.idx";

static const char ratings_sql[] =
    "SELECT o.code, s.uuid, s.status, t.name, r.idx, r.practice, r.item_index, r.image,"
    " ia.difficulty, ia.frac_correct, ia.class_label, ia.label_error, r.q1, r.q2, r.q3,"
    " r.rt_q1_ms, r.rt_q2_ms, r.rt_q3_ms, s.simulated"
    " FROM ratings r JOIN sessions s ON s.id = r.session_id"
    " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
    " LEFT JOIN set_items it ON it.set_id = s.set_id AND it.idx = r.item_index"
    " LEFT JOIN images ia ON ia.id = it.image_a"
    " WHERE (?1 IS NULL OR t.name = ?1) AND (?2 OR s.status = 'completed')"
    " ORDER BY o.code, s.started_utc, s.id, r.idx";

static const char *col_or_null(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static void view_trial(sqlite3_stmt *s, dl_trial_view *v)
{
    v->observer_code = st_col_text(s, 0);
    v->session_uuid = st_col_text(s, 1);
    v->session_status = st_col_text(s, 2);
    v->set_name = st_col_text(s, 3);
    v->index = sqlite3_column_int(s, 4);
    v->practice = sqlite3_column_int(s, 5);
    v->item_index = sqlite3_column_int(s, 6);
    v->left_image = st_col_text(s, 7);
    v->right_image = st_col_text(s, 8);
    v->trivial_image = col_or_null(s, 9);
    v->impossible_image = col_or_null(s, 10);
    v->choice = sqlite3_column_int(s, 11);
    v->correct = sqlite3_column_int(s, 12);
    v->rt_ms = st_col_double(s, 13);
    v->onset_s = st_col_double(s, 14);
    v->response_s = st_col_double(s, 15);
    v->frames_dropped = sqlite3_column_int(s, 16);
    v->session_simulated = sqlite3_column_int(s, 17);
}

static void view_rating(sqlite3_stmt *s, dl_rating_view *v)
{
    v->observer_code = st_col_text(s, 0);
    v->session_uuid = st_col_text(s, 1);
    v->session_status = st_col_text(s, 2);
    v->set_name = st_col_text(s, 3);
    v->index = sqlite3_column_int(s, 4);
    v->practice = sqlite3_column_int(s, 5);
    v->item_index = sqlite3_column_int(s, 6);
    v->image = st_col_text(s, 7);
    v->difficulty = col_or_null(s, 8);
    v->frac_correct = st_col_double(s, 9);
    v->class_label = col_or_null(s, 10);
    v->label_error = st_col_int_unknown(s, 11);
    v->q1 = st_col_int_unknown(s, 12);
    v->q2 = st_col_int_unknown(s, 13);
    v->q3 = st_col_int_unknown(s, 14);
    v->rt_q1_ms = st_col_double(s, 15);
    v->rt_q2_ms = st_col_double(s, 16);
    v->rt_q3_ms = st_col_double(s, 17);
    v->session_simulated = sqlite3_column_int(s, 18);
}

/* Run sql with the two filters and hand each row to visit (which calls the
 * caller's callback). */
typedef int (*visit_fn)(sqlite3_stmt *s, void *fn, void *ctx);

static int each_row(dl_store *st, const char *sql, const char *set_name, int include_incomplete,
                    visit_fn visit, void *fn, void *ctx, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, sql, &s, op, err);
    if (rc)
        return rc;
    st_bind_text(s, 1, set_name);
    sqlite3_bind_int(s, 2, include_incomplete != 0);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = visit(s, fn, ctx)) != 0)
            break;
    if (!rc && step != SQLITE_DONE)
        rc = st_fail(st, step, op, err);
    sqlite3_finalize(s);
    return rc;
}

static int visit_trial(sqlite3_stmt *s, void *fn, void *ctx)
{
    dl_trial_view v;
    view_trial(s, &v);
    return (*(dl_trial_fn *)fn)(ctx, &v);
}

static int visit_rating(sqlite3_stmt *s, void *fn, void *ctx)
{
    dl_rating_view v;
    view_rating(s, &v);
    return (*(dl_rating_fn *)fn)(ctx, &v);
}

int dl_store_each_trial(dl_store *st, const char *set_name, int include_incomplete, dl_trial_fn fn,
                        void *ctx, dl_error *err)
{
    return each_row(st, trials_sql, set_name, include_incomplete, visit_trial, &fn, ctx,
                    "read trials", err);
}

int dl_store_each_rating(dl_store *st, const char *set_name, int include_incomplete,
                         dl_rating_fn fn, void *ctx, dl_error *err)
{
    return each_row(st, ratings_sql, set_name, include_incomplete, visit_rating, &fn, ctx,
                    "read ratings", err);
}

/* ---- the session list ---------------------------------------------------------------- */

static int read_summary(sqlite3_stmt *s, dl_session_summary *x)
{
    int oom = 0;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    snprintf(x->uuid, sizeof x->uuid, "%s", st_col_text(s, 1));
    x->observer_code = st_col_strdup(s, 2, &oom);
    x->set_name = st_col_strdup(s, 3, &oom);
    x->task = st_col_strdup(s, 4, &oom);
    x->status = st_col_strdup(s, 5, &oom);
    x->started_utc = st_col_strdup(s, 6, &oom);
    x->ended_utc = st_col_strdup(s, 7, &oom);
    x->hostname = st_col_strdup(s, 8, &oom);
    x->done = (size_t)sqlite3_column_int64(s, 9);
    x->total = (size_t)sqlite3_column_int64(s, 10);
    x->simulated = sqlite3_column_int(s, 11);
    x->runs = (size_t)sqlite3_column_int64(s, 12);
    x->superseded = sqlite3_column_int(s, 13);
    return oom ? DL_ENOMEM : 0;
}

int dl_store_list_sessions(dl_store *st, dl_session_summary **out, size_t *n, dl_error *err)
{
    const char *op = "list sessions";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "SELECT s.id, s.uuid, o.code, t.name, t.task, s.status, s.started_utc,"
                        " s.ended_utc, s.hostname,"
                        " (SELECT count(*) FROM trials WHERE session_id = s.id)"
                        " + (SELECT count(*) FROM ratings WHERE session_id = s.id), s.norder,"
                        " s.simulated, (SELECT count(*) FROM runs WHERE session_id = s.id),"
                        " s.superseded_by IS NOT NULL"
                        " FROM sessions s JOIN observers o ON o.id = s.observer_id"
                        " JOIN stimulus_sets t ON t.id = s.set_id ORDER BY s.started_utc, s.id",
                        &s, op, err);
    if (rc)
        return rc;
    dl_session_summary *v = NULL;
    size_t len = 0, cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if ((rc = dl_grow(&v, &cap, len + 1, sizeof *v)) != 0)
            break;
        rc = read_summary(s, &v[len++]);
        if (rc)
            break;
    }
    if (rc)
        rc = dl_fail(err, rc, "%s: %s: out of memory", st->path, op);
    else if (step != SQLITE_DONE)
        rc = st_fail(st, step, op, err);
    sqlite3_finalize(s);
    if (rc) {
        dl_session_summaries_free(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return 0;
}

void dl_session_summaries_free(dl_session_summary *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].observer_code);
        free(v[i].set_name);
        free(v[i].task);
        free(v[i].status);
        free(v[i].started_utc);
        free(v[i].ended_utc);
        free(v[i].hostname);
    }
    free(v);
}
