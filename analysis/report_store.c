/* report_store.c — trials and ratings of sessions in the store. */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_store.h"

typedef struct store_ctx {
    dl_report *r;
    int include_incomplete, include_simulated;
    size_t kept, incomplete, practice;
    size_t nsessions;
    size_t simulated_sessions; /* left out */
    char last_session[37], last_simulated[37];
    /* ratings: the questions of the current session (qsession) unless it is
     * the first kept one, whose list went to r->questions */
    const char *db;
    dl_error *err;
    int64_t qsession;
    rp_qlist qs;
    int qfirst_is_current;
    char qfirst_uuid[37], qfirst_obs[128];
    size_t reworded; /* sessions worded differently from the first */
} store_ctx;

/* Whether a row counts; also keeps the tallies for the messages. */
static int take(store_ctx *c, int practice, const char *status, const char *uuid, int simulated)
{
    if (practice) {
        c->practice++;
        return 0;
    }
    /* A simulated observer is not an observer: left out unless asked for. */
    if (simulated && !c->include_simulated) {
        if (strcmp(uuid, c->last_simulated) != 0) {
            c->simulated_sessions++;
            snprintf(c->last_simulated, sizeof c->last_simulated, "%s", uuid);
        }
        return 0;
    }
    if (!c->include_incomplete && strcmp(status, "completed") != 0) {
        c->incomplete++;
        return 0;
    }
    if (strcmp(uuid, c->last_session) != 0) {
        c->nsessions++;
        snprintf(c->last_session, sizeof c->last_session, "%s", uuid);
    }
    c->kept++;
    return 1;
}

static int on_trial(void *ctx, const dl_trial_view *t)
{
    store_ctx *c = ctx;
    if (!take(c, t->practice, t->session_status, t->session_uuid, t->session_simulated))
        return 0;
    /* The item of a 2AFC trial is its pair; the same pair in two sets is the
     * same item. */
    char key[1024];
    if (t->trivial_image && t->impossible_image)
        snprintf(key, sizeof key, "%s|%s", t->trivial_image, t->impossible_image);
    else
        snprintf(key, sizeof key, "%s:%d", t->set_name, t->item_index);
    rp_trial x = {.correct = t->correct == 1, .rt_ms = t->choice < 0 ? NAN : t->rt_ms};
    if (dl_names_add32(&c->r->obs, t->observer_code, &x.obs) || rp_item_slot(c->r, key, &x.item) ||
        rp_push_trial(c->r, &x))
        return DL_ENOMEM;
    return 0;
}

/* The questions of the session a row belongs to, parsed once per session,
 * checked against those of the first session kept (r->questions). */
static int session_questions(store_ctx *c, const dl_rating_answers_view *v)
{
    dl_report *r = c->r;
    if (v->session_id == c->qsession)
        return 0;
    rp_qlist_clear(&c->qs);
    int rc = v->questions_json ? rp_qlist_parse(v->questions_json, &c->qs, c->err)
                               : rp_qlist_paper(&c->qs);
    if (rc == DL_ENOMEM)
        return rc;
    if (rc)
        return dl_fail_prefix(c->err,
                              "%s: session %s (observer %s): its question definitions "
                              "(sessions.questions_json) are damaged: ",
                              c->db, v->rating.session_uuid, v->rating.observer_code);
    c->qsession = v->session_id;
    if (!r->questions.n) {
        r->questions = c->qs;
        memset(&c->qs, 0, sizeof c->qs);
        /* the list now belongs to the report; compare later sessions with it */
        c->qsession = v->session_id;
        c->qfirst_is_current = 1;
        snprintf(c->qfirst_uuid, sizeof c->qfirst_uuid, "%s", v->rating.session_uuid);
        snprintf(c->qfirst_obs, sizeof c->qfirst_obs, "%s", v->rating.observer_code);
        return 0;
    }
    c->qfirst_is_current = 0;
    if (!rp_qlist_same(&r->questions, &c->qs)) {
        char a[512], b[512];
        rp_qlist_describe(&r->questions, a, sizeof a);
        rp_qlist_describe(&c->qs, b, sizeof b);
        return dl_fail(c->err, DL_EINVAL,
                       "%s: sessions %s (observer %s) and %s (observer %s) asked different "
                       "questions (%s; and %s); answers to different questions cannot be "
                       "analysed together: choose one set with --set NAME, or analyse a copy "
                       "of the database without one of the sessions",
                       c->db, c->qfirst_uuid, c->qfirst_obs, v->rating.session_uuid,
                       v->rating.observer_code, a, b);
    }
    if (!rp_qlist_same_words(&r->questions, &c->qs))
        c->reworded++;
    return 0;
}

static const rp_qlist *current_questions(const store_ctx *c)
{
    return c->qfirst_is_current ? &c->r->questions : &c->qs;
}

static int on_rating(void *ctx, const dl_rating_answers_view *a)
{
    store_ctx *c = ctx;
    const dl_rating_view *v = &a->rating;
    if (!take(c, v->practice, v->session_status, v->session_uuid, v->session_simulated))
        return 0;
    int rc = session_questions(c, a);
    if (rc)
        return rc;
    const rp_qlist *qs = current_questions(c);
    char key[1024];
    if (v->image)
        snprintf(key, sizeof key, "%s", v->image);
    else
        snprintf(key, sizeof key, "%s:%d", v->set_name, v->item_index);
    rp_rating x = {0};
    for (size_t i = 0; i < DL_REPORT_MAXQ; i++)
        x.q[i] = NAN;
    if (a->nanswers == 0) {
        /* a trial logged without answer rows: the ratings table's three */
        const int q[3] = {v->q1, v->q2, v->q3};
        for (int i = 0; i < 3 && i < (int)qs->n; i++)
            x.q[i] = q[i] < 0 ? NAN : q[i];
    }
    for (size_t i = 0; i < a->nanswers; i++) {
        const dl_answer_view *an = &a->answers[i];
        int k = rp_qlist_find(qs, an->question);
        if (k < 0)
            return dl_fail(c->err, DL_EINVAL,
                           "%s: session %s (observer %s), trial %d: an answer to '%s', which "
                           "is not one of the session's questions",
                           c->db, v->session_uuid, v->observer_code, v->index, an->question);
        const rp_qdef *d = &qs->q[k];
        int max = d->type == DL_REPORT_Q_COUNT ? 9 : (int)d->nopt - 1;
        if (an->value > max)
            return dl_fail(c->err, DL_EINVAL,
                           "%s: session %s (observer %s), trial %d: answer %d to %s is out of "
                           "range (0-%d)",
                           c->db, v->session_uuid, v->observer_code, v->index, an->value,
                           an->question, max);
        x.q[k] = an->value < 0 ? NAN : an->value;
    }
    if (dl_names_add32(&c->r->obs, v->observer_code, &x.obs) || rp_item_slot(c->r, key, &x.item) ||
        rp_push_rating(c->r, &x))
        return DL_ENOMEM;
    rp_item *it = &c->r->item[x.item];
    /* a set's difficulty is written by stimuli/; anything else stays unknown */
    int cls = v->difficulty ? dl_stats_difficulty_parse(v->difficulty) : -1;
    if (cls >= 0)
        it->cls = cls;
    if (!isnan(v->frac_correct))
        it->model_acc = v->frac_correct;
    if (v->label_error >= 0)
        it->label_error = v->label_error;
    return 0;
}

static int nothing_left(const dl_report *r, const char *db, const char *set, const store_ctx *t,
                        const store_ctx *g, dl_error *err)
{
    char where[512] = "";
    if (set)
        snprintf(where, sizeof where, " on set '%s'", set);
    size_t incomplete = t->incomplete + g->incomplete;
    size_t simulated = t->simulated_sessions + g->simulated_sessions;
    if (simulated && !incomplete)
        return dl_fail(err, DL_EINVAL,
                       "%s: no sessions of real observers%s (%zu simulated sessions left out; "
                       "add --include-simulated to analyse them)",
                       db, where, simulated);
    if (incomplete)
        return dl_fail(err, DL_EINVAL,
                       "%s: no completed sessions%s (%zu responses are in "
                       "running, aborted or crashed sessions; add --include-incomplete to "
                       "analyse them)",
                       db, where, incomplete);
    (void)r;
    return dl_fail(err, DL_EINVAL, "%s: no trials or ratings%s to analyse", db, where);
}

int dl_report_load_store(dl_report *r, const char *db_path, const char *set_name, int flags,
                         dl_error *err)
{
    int include_incomplete = (flags & DL_REPORT_INCLUDE_INCOMPLETE) != 0;
    if (r->ntrials || r->nratings)
        return dl_fail(err, DL_EINVAL, "%s: the report already holds responses", db_path);
    dl_store *st = NULL;
    dl_stim_set *set = NULL;
    store_ctx t = {.r = r,
                   .include_incomplete = include_incomplete,
                   .include_simulated = (flags & DL_REPORT_INCLUDE_SIMULATED) != 0,
                   .db = db_path,
                   .err = err,
                   .qsession = -1};
    store_ctx g = t;
    int rc = dl_store_open(db_path, DL_STORE_READONLY | DL_STORE_NOCREATE, &st, err);
    if (rc)
        goto done;
    if (set_name && (rc = dl_store_find_set(st, set_name, &set, err)))
        goto done;
    /* Incomplete sessions are filtered here rather than by the store, so the
     * message can say how many responses they hold. */
    if ((rc = dl_store_each_trial(st, set_name, 1, on_trial, &t, err)) ||
        (rc = dl_store_each_rating_answers(st, set_name, 1, on_rating, &g, err)))
        goto done;
    if (t.kept && g.kept) {
        rc = dl_fail(err, DL_EINVAL,
                     "%s: the database holds both 2AFC trials and ratings; "
                     "choose one stimulus set with --set NAME",
                     db_path);
        goto done;
    }
    if (!t.kept && !g.kept) {
        rc = nothing_left(r, db_path, set_name, &t, &g, err);
        goto done;
    }
    r->task_2afc = t.kept > 0;
    if ((rc = rp_add_input(r, db_path, err)))
        goto done;
    rc = rp_set_source(r, "%s from %s%s%s%s (%zu %ssessions)", t.kept ? "2AFC trials" : "ratings",
                       db_path, set_name ? ", set '" : "", set_name ? set_name : "",
                       set_name ? "'" : "", t.kept ? t.nsessions : g.nsessions,
                       include_incomplete ? "" : "completed ");
    if (!rc && (t.incomplete || g.incomplete))
        rc = rp_note(r,
                     "%zu responses of incomplete sessions left out "
                     "(--include-incomplete adds them)",
                     t.incomplete + g.incomplete);
    if (!rc && (t.simulated_sessions || g.simulated_sessions))
        rc = rp_note(r, "%zu simulated session%s left out (--include-simulated adds them)",
                     t.simulated_sessions + g.simulated_sessions,
                     t.simulated_sessions + g.simulated_sessions == 1 ? "" : "s");
    if (!rc && (t.practice || g.practice))
        rc = rp_note(r, "%zu practice responses left out", t.practice + g.practice);
    if (!rc && g.reworded)
        rc = rp_note(r,
                     "%zu session(s) worded the questions differently from session %s (e.g. in "
                     "another language); the report uses that session's texts and labels",
                     g.reworded, g.qfirst_uuid);
done:
    rp_qlist_clear(&g.qs);
    if (rc)
        rp_qlist_clear(&r->questions);
    if (rc == DL_ENOMEM && err && !err->msg[0])
        dl_fail(err, rc, "%s: out of memory", db_path);
    dl_stim_set_free(set);
    dl_store_close(st);
    return rc;
}
