/* store_answers.c — rating trials with all their answers, for an analysis
 * that follows whatever questions a session asked. The `ratings` table keeps
 * q1..q3 only; `answers` holds one row per question of any number, and
 * sessions.questions_json says what the questions were. One SELECT for the
 * trials (one consistent WAL snapshot) and, per trial, a primary-key lookup
 * of its answer rows inside the same read transaction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static const char trials_sql[] =
    "SELECT o.code, s.uuid, s.status, t.name, r.idx, r.practice, r.item_index, r.image,"
    " ia.difficulty, ia.frac_correct, ia.class_label, ia.label_error, r.q1, r.q2, r.q3,"
    " r.rt_q1_ms, r.rt_q2_ms, r.rt_q3_ms, s.simulated, s.id, s.questions_json"
    " FROM ratings r JOIN sessions s ON s.id = r.session_id"
    " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
    " LEFT JOIN set_items it ON it.set_id = s.set_id AND it.idx = r.item_index"
    " LEFT JOIN images ia ON ia.id = it.image_a"
    " WHERE (?1 IS NULL OR t.name = ?1) AND (?2 OR s.status = 'completed')"
    " ORDER BY o.code, s.started_utc, s.id, r.idx";

static const char answers_sql[] = "SELECT question, value, rt_ms FROM answers"
                                  " WHERE session_id = ?1 AND idx = ?2 ORDER BY question";

static void view(sqlite3_stmt *s, dl_rating_answers_view *v)
{
    dl_rating_view *r = &v->rating;
    r->observer_code = st_col_text(s, 0);
    r->session_uuid = st_col_text(s, 1);
    r->session_status = st_col_text(s, 2);
    r->set_name = st_col_text(s, 3);
    r->index = sqlite3_column_int(s, 4);
    r->practice = sqlite3_column_int(s, 5);
    r->item_index = sqlite3_column_int(s, 6);
    r->image = st_col_text(s, 7);
    r->difficulty = (const char *)sqlite3_column_text(s, 8);
    r->frac_correct = st_col_double(s, 9);
    r->class_label = (const char *)sqlite3_column_text(s, 10);
    r->label_error = st_col_int_unknown(s, 11);
    r->q1 = st_col_int_unknown(s, 12);
    r->q2 = st_col_int_unknown(s, 13);
    r->q3 = st_col_int_unknown(s, 14);
    r->rt_q1_ms = st_col_double(s, 15);
    r->rt_q2_ms = st_col_double(s, 16);
    r->rt_q3_ms = st_col_double(s, 17);
    r->session_simulated = sqlite3_column_int(s, 18);
    v->session_id = sqlite3_column_int64(s, 19);
    v->questions_json = (const char *)sqlite3_column_text(s, 20);
}

/* The answer rows of one trial into *rows (keys copied into keys, which the
 * rows point into: the statement's texts die at its next step). */
typedef struct answer_buf {
    dl_answer_view *rows;
    size_t n, cap;
    char *keys;
    size_t klen, kcap;
} answer_buf;

static int read_answers(dl_store *st, sqlite3_stmt *a, int64_t session, int idx, answer_buf *b,
                        dl_error *err)
{
    sqlite3_reset(a);
    sqlite3_bind_int64(a, 1, session);
    sqlite3_bind_int(a, 2, idx);
    b->n = b->klen = 0;
    int step;
    size_t *off = NULL, ocap = 0;
    while ((step = sqlite3_step(a)) == SQLITE_ROW) {
        const char *q = st_col_text(a, 0);
        size_t len = strlen(q) + 1;
        if (dl_grow(&b->rows, &b->cap, b->n + 1, sizeof *b->rows) ||
            dl_grow(&off, &ocap, b->n + 1, sizeof *off) ||
            dl_grow(&b->keys, &b->kcap, b->klen + len, 1)) {
            free(off);
            return dl_fail(err, DL_ENOMEM, "%s: read answers: out of memory", dl_store_path(st));
        }
        memcpy(b->keys + b->klen, q, len);
        off[b->n] = b->klen;
        b->klen += len;
        b->rows[b->n].value = st_col_int_unknown(a, 1);
        b->rows[b->n].rt_ms = st_col_double(a, 2);
        b->n++;
    }
    /* keys may have moved while growing: point the rows at it only now */
    for (size_t i = 0; i < b->n; i++)
        b->rows[i].question = b->keys + off[i];
    free(off);
    if (step != SQLITE_DONE)
        return st_fail(st, step, "read answers", err);
    return 0;
}

int dl_store_each_rating_answers(dl_store *st, const char *set_name, int include_incomplete,
                                 dl_rating_answers_fn fn, void *ctx, dl_error *err)
{
    sqlite3_stmt *s = NULL, *a = NULL;
    answer_buf b = {0};
    int rc = st_prepare(st, trials_sql, &s, "read ratings", err);
    if (rc || (rc = st_prepare(st, answers_sql, &a, "read answers", err)))
        goto done;
    st_bind_text(s, 1, set_name);
    sqlite3_bind_int(s, 2, include_incomplete != 0);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        dl_rating_answers_view v;
        memset(&v, 0, sizeof v);
        view(s, &v);
        if ((rc = read_answers(st, a, v.session_id, v.rating.index, &b, err)))
            goto done;
        v.nanswers = b.n;
        v.answers = b.rows;
        if ((rc = fn(ctx, &v)) != 0)
            goto done;
    }
    if (step != SQLITE_DONE)
        rc = st_fail(st, step, "read ratings", err);
done:
    sqlite3_finalize(s);
    sqlite3_finalize(a);
    free(b.rows);
    free(b.keys);
    return rc;
}
