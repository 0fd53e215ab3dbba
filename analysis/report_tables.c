/* report_tables.c — the CSV tables of `--out DIR` (tidy, one header row,
 * "NA" for a missing number so R and pandas read it as missing). */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct table {
    dl_atomic a;
    int first; /* no comma before the next field */
} table;

static int tb_open(table *t, const char *dir, const char *name, dl_error *err)
{
    memset(t, 0, sizeof *t);
    t->first = 1;
    char *path = dl_path_join(dir, name);
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int rc = dl_atomic_open(&t->a, path, err);
    free(path);
    t->first = 1;
    return rc;
}

static void sep(table *t)
{
    if (!t->first)
        fputc(',', t->a.fp);
    t->first = 0;
}

static void tb_str(table *t, const char *s)
{
    sep(t);
    dl_csv_write_field(t->a.fp, s ? s : "NA");
}

static void tb_num(table *t, double v)
{
    sep(t);
    if (isnan(v) || isinf(v))
        fputs("NA", t->a.fp);
    else {
        char b[40];
        dl_fmt_shortest(b, sizeof b, v);
        fputs(b, t->a.fp);
    }
}

static void tb_int(table *t, long long v)
{
    sep(t);
    fprintf(t->a.fp, "%lld", v);
}

static void tb_row(table *t)
{
    fputc('\n', t->a.fp);
    t->first = 1;
}

/* A header row from a comma-separated list of names. */
static void tb_header(table *t, const char *names)
{
    fputs(names, t->a.fp);
    tb_row(t);
}

static int tb_close(table *t, dl_error *err)
{
    return dl_atomic_commit(&t->a, err);
}

static void tb_summary(table *t, const dl_stats_summary_t *s)
{
    tb_num(t, s->n ? s->mean : NAN);
    tb_num(t, s->n > 1 ? s->sd : NAN);
    tb_num(t, s->n ? s->min : NAN);
    tb_num(t, s->n ? s->max : NAN);
}

/* ---- trials ---- */

static int observers_csv(const dl_report_trials *tr, const char *dir, dl_error *err)
{
    table t;
    int rc = tb_open(&t, dir, "observers.csv", err);
    if (rc)
        return rc;
    tb_header(&t, "observer,trials,correct,accuracy,ci_low,ci_high,p_greater,p_two_sided,"
                  "rt_median_ms,rt_mean_ms");
    for (size_t i = 0; i < tr->nobservers; i++) {
        const dl_report_observer *o = &tr->observers[i];
        tb_str(&t, o->code);
        tb_int(&t, (long long)o->trials);
        tb_int(&t, (long long)o->correct);
        const double v[] = {o->accuracy,    o->ci_low,       o->ci_high,   o->p_greater,
                            o->p_two_sided, o->rt_median_ms, o->rt_mean_ms};
        for (size_t k = 0; k < sizeof v / sizeof *v; k++)
            tb_num(&t, v[k]);
        tb_row(&t);
    }
    return tb_close(&t, err);
}

static int matrix_csv(const char *dir, const char *name, const char *corner,
                      const char *const *names, const double *m, size_t n, dl_error *err)
{
    table t;
    int rc = tb_open(&t, dir, name, err);
    if (rc)
        return rc;
    tb_str(&t, corner);
    for (size_t j = 0; j < n; j++)
        tb_str(&t, names[j]);
    tb_row(&t);
    for (size_t i = 0; i < n; i++) {
        tb_str(&t, names[i]);
        for (size_t j = 0; j < n; j++)
            tb_num(&t, m[i * n + j]);
        tb_row(&t);
    }
    return tb_close(&t, err);
}

static int ec_pairs_csv(const dl_report_trials *tr, const char *dir, dl_error *err)
{
    table t;
    int rc = tb_open(&t, dir, "ec_pairs.csv", err);
    if (rc)
        return rc;
    tb_header(&t, "a,b,items,kappa,ci_low,ci_high,ec_boundary,replicates,seed");
    size_t n = tr->nobservers;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            tb_str(&t, tr->observers[i].code);
            tb_str(&t, tr->observers[j].code);
            tb_int(&t, (long long)tr->ec_items[i * n + j]);
            tb_num(&t, tr->ec[i * n + j]);
            tb_num(&t, tr->ec_ci_low ? tr->ec_ci_low[i * n + j] : NAN);
            tb_num(&t, tr->ec_ci_high ? tr->ec_ci_high[i * n + j] : NAN);
            tb_str(&t, dl_stats_ec_boundary_name(tr->ec_boundary));
            if (tr->ec_ci_low) {
                tb_int(&t, (long long)tr->ec_boot.replicates);
                tb_int(&t, (long long)tr->ec_boot.seed);
            } else {
                tb_num(&t, NAN);
                tb_num(&t, NAN);
            }
            tb_row(&t);
        }
    return tb_close(&t, err);
}

static int trial_tables(const dl_report *r, const dl_report_trials *tr, const char *dir,
                        dl_error *err)
{
    const char **names = dl_calloc(tr->nobservers + 1, sizeof *names);
    if (!names)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < tr->nobservers; i++)
        names[i] = tr->observers[i].code;
    int rc = observers_csv(tr, dir, err);
    if (!rc)
        rc = matrix_csv(dir, "error_consistency.csv", "observer", names, tr->ec, tr->nobservers,
                        err);
    if (!rc)
        rc = ec_pairs_csv(tr, dir, err);
    free(names);
    (void)r;
    return rc;
}

/* ---- ratings ---- */

static int questions_csv(const dl_report_ratings *g, const char *dir, dl_error *err)
{
    table t;
    int rc = tb_open(&t, dir, "questions.csv", err);
    if (rc)
        return rc;
    tb_header(&t, "question,level,alpha,pairable_values,pairwise_alpha_mean,pairwise_alpha_sd,"
                  "pairwise_alpha_min,pairwise_alpha_max,pairwise_r_mean,pairwise_r_sd,"
                  "pairwise_r_min,pairwise_r_max,r_with_model_accuracy,r_p_value,r_items,"
                  "alpha_ci_low,alpha_ci_high,alpha_conf,alpha_boot_method,alpha_boot_seed,"
                  "alpha_boot_replicates,alpha_p_below_0.667,alpha_p_below_0.8");
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        tb_str(&t, Q->name);
        tb_str(&t, dl_stats_level_name(Q->level));
        tb_num(&t, Q->alpha.alpha);
        tb_int(&t, (long long)Q->alpha.pairable_values);
        tb_summary(&t, &Q->pairwise_alpha);
        tb_summary(&t, &Q->pairwise_r);
        tb_num(&t, Q->r_with_model_accuracy.r);
        tb_num(&t, Q->r_with_model_accuracy.p_value);
        tb_int(&t, (long long)Q->r_with_model_accuracy.n);
        const dl_alpha_boot *b = &Q->alpha_boot;
        int bo = Q->has_alpha_boot;
        tb_num(&t, bo ? b->ci_low : NAN);
        tb_num(&t, bo ? b->ci_high : NAN);
        tb_num(&t, bo ? b->conf : NAN);
        tb_str(&t, bo ? dl_alpha_boot_method_name(b->method) : "");
        if (bo) {
            tb_int(&t, (long long)b->seed);
            tb_int(&t, (long long)b->replicates);
        } else {
            tb_str(&t, "");
            tb_str(&t, "");
        }
        tb_num(&t, bo ? b->p_below[0] : NAN);
        tb_num(&t, bo ? b->p_below[1] : NAN);
        tb_row(&t);
    }
    return tb_close(&t, err);
}

static int answers_csv(const dl_report_ratings *g, const char *dir, dl_error *err)
{
    table t;
    int rc = tb_open(&t, dir, "answers.csv", err);
    if (rc)
        return rc;
    tb_header(&t, "question,answer,label,ratings,mean_model_accuracy,n_trivial,n_in_between,"
                  "n_impossible,frac_trivial,frac_in_between,frac_impossible");
    for (size_t q = 0; q < g->nquestions; q++)
        for (size_t k = 0; k < g->q[q].nanswers; k++) {
            const dl_report_answer *a = &g->q[q].answers[k];
            tb_str(&t, g->q[q].name);
            tb_int(&t, a->value);
            tb_str(&t, a->label);
            tb_int(&t, (long long)a->n);
            tb_num(&t, a->mean_model_accuracy);
            for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--)
                tb_int(&t, (long long)a->nclass[c]);
            for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--)
                tb_num(&t, a->frac_class[c]);
            tb_row(&t);
        }
    return tb_close(&t, err);
}

static int pairs_csv(const dl_report *r, const char *dir, dl_error *err)
{
    const rp_results *res = &r->res;
    table t;
    int rc = tb_open(&t, dir, "rating_pairs.csv", err);
    if (rc)
        return rc;
    tb_header(&t, "question,a,b,items,alpha,r");
    size_t n = res->nobs;
    for (size_t q = 0; q < res->ratings.nquestions; q++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                tb_str(&t, res->ratings.q[q].name);
                tb_str(&t, r->obs.names[res->obs_kept[i]]);
                tb_str(&t, r->obs.names[res->obs_kept[j]]);
                tb_int(&t, (long long)res->pair_units[q][i * n + j]);
                tb_num(&t, res->pair_alpha[q][i * n + j]);
                tb_num(&t, res->pair_r[q][i * n + j]);
                tb_row(&t);
            }
    return tb_close(&t, err);
}

/* first, then per question mean_KEY (and with groups 3 also alpha_without_KEY
 * and mean_pairwise_alpha_KEY), in the order the rows write them. */
static void per_question_header(char *buf, size_t cap, const char *first,
                                const dl_report_ratings *g, int groups)
{
    static const char *const what[3] = {"mean_", "alpha_without_", "mean_pairwise_alpha_"};
    size_t used = (size_t)snprintf(buf, cap, "%s", first);
    for (int w = 0; w < groups; w++)
        for (size_t q = 0; q < g->nquestions && used < cap; q++)
            used += (size_t)snprintf(buf + used, cap - used, ",%s%s", what[w], g->q[q].name);
}

static int items_csv(const dl_report *r, const char *dir, dl_error *err)
{
    const rp_results *res = &r->res;
    table t;
    int rc = tb_open(&t, dir, "items.csv", err);
    if (rc)
        return rc;
    char head[512];
    per_question_header(head, sizeof head, "item,class,model_accuracy,label_error", &res->ratings,
                        1);
    tb_header(&t, head);
    for (size_t k = 0; k < res->nitems; k++) {
        const rp_item *it = &r->item[res->items_kept[k]];
        tb_str(&t, r->items.names[res->items_kept[k]]);
        tb_str(&t, it->cls >= 0 ? dl_stats_difficulty_name(it->cls) : NULL);
        tb_num(&t, it->model_acc);
        if (it->label_error >= 0)
            tb_int(&t, it->label_error);
        else
            tb_str(&t, NULL);
        for (size_t q = 0; q < res->ratings.nquestions; q++)
            tb_num(&t, res->item_mean[q][k]);
        tb_row(&t);
    }
    return tb_close(&t, err);
}

static int rating_observers_csv(const dl_report *r, const char *dir, dl_error *err)
{
    const rp_results *res = &r->res;
    table t;
    int rc = tb_open(&t, dir, "observers.csv", err);
    if (rc)
        return rc;
    char head[1024];
    per_question_header(head, sizeof head, "observer,ratings", &res->ratings, 3);
    tb_header(&t, head);
    for (size_t o = 0; o < res->nobs; o++) {
        tb_str(&t, r->obs.names[res->obs_kept[o]]);
        tb_int(&t, (long long)res->ratings_per_obs[o]);
        size_t nq = res->ratings.nquestions;
        for (size_t q = 0; q < nq; q++)
            tb_num(&t, res->obs_mean[q][o]);
        for (size_t q = 0; q < nq; q++)
            tb_num(&t, res->alpha_loo[q][o]);
        for (size_t q = 0; q < nq; q++)
            tb_num(&t, res->alpha_mean_pair[q][o]);
        tb_row(&t);
    }
    return tb_close(&t, err);
}

static int rating_tables(const dl_report *r, const dl_report_ratings *g, const char *dir,
                         dl_error *err)
{
    int rc = questions_csv(g, dir, err);
    if (!rc)
        rc = answers_csv(g, dir, err);
    if (!rc)
        rc = pairs_csv(r, dir, err);
    if (!rc)
        rc = items_csv(r, dir, err);
    if (!rc)
        rc = rating_observers_csv(r, dir, err);
    return rc;
}

static int summary_json(const dl_report *r, const char *dir, dl_error *err)
{
    table t;
    int rc = tb_open(&t, dir, "summary.json", err);
    if (rc)
        return rc;
    dl_report_write_json(r, t.a.fp);
    return tb_close(&t, err);
}

int rp_write_tables(const dl_report *r, const char *dir, dl_error *err)
{
    const dl_report_trials *tr = dl_report_get_trials(r);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    int rc = 0;
    if (tr)
        rc = trial_tables(r, tr, dir, err);
    if (!rc && g)
        rc = rating_tables(r, g, dir, err);
    if (!rc)
        rc = rp_write_codebook(r, dir, err);
    if (!rc)
        rc = summary_json(r, dir, err);
    return rc;
}
