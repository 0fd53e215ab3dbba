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

static int on_rating(void *ctx, const dl_rating_view *v)
{
    store_ctx *c = ctx;
    if (!take(c, v->practice, v->session_status, v->session_uuid, v->session_simulated))
        return 0;
    char key[1024];
    if (v->image)
        snprintf(key, sizeof key, "%s", v->image);
    else
        snprintf(key, sizeof key, "%s:%d", v->set_name, v->item_index);
    rp_rating x = {0};
    const int q[3] = {v->q1, v->q2, v->q3};
    for (int i = 0; i < 3; i++)
        x.q[i] = q[i] < 0 ? NAN : q[i];
    if (dl_names_add32(&c->r->obs, v->observer_code, &x.obs) || rp_item_slot(c->r, key, &x.item) ||
        rp_push_rating(c->r, &x))
        return DL_ENOMEM;
    rp_item *it = &c->r->item[x.item];
    int cls = v->difficulty ? rp_class_parse(v->difficulty) : RP_CLASS_UNKNOWN;
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
                   .include_simulated = (flags & DL_REPORT_INCLUDE_SIMULATED) != 0};
    store_ctx g = t;
    int rc = dl_store_open(db_path, DL_STORE_READONLY | DL_STORE_NOCREATE, &st, err);
    if (rc)
        goto done;
    if (set_name && (rc = dl_store_find_set(st, set_name, &set, err)))
        goto done;
    /* Incomplete sessions are filtered here rather than by the store, so the
     * message can say how many responses they hold. */
    if ((rc = dl_store_each_trial(st, set_name, 1, on_trial, &t, err)) ||
        (rc = dl_store_each_rating(st, set_name, 1, on_rating, &g, err)))
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
done:
    if (rc == DL_ENOMEM && err && !err->msg[0])
        dl_fail(err, rc, "%s: out of memory", db_path);
    dl_stim_set_free(set);
    dl_store_close(st);
    return rc;
}
