/* report_json.c — the report as one JSON object (keys in docs/analysis.md). */
#include "report_internal.h"

#include <math.h>

void rp_json_summary(dl_json *j, const dl_stats_summary_t *s)
{
    dl_json_object_begin(j);
    dl_json_key(j, "n");
    dl_json_int(j, (long long)s->n);
    dl_json_key(j, "mean");
    dl_json_number(j, s->n ? s->mean : NAN);
    dl_json_key(j, "sd");
    dl_json_number(j, s->n > 1 ? s->sd : NAN);
    dl_json_key(j, "min");
    dl_json_number(j, s->n ? s->min : NAN);
    dl_json_key(j, "max");
    dl_json_number(j, s->n ? s->max : NAN);
    dl_json_object_end(j);
}

static void num(dl_json *j, const char *key, double v)
{
    dl_json_key(j, key);
    dl_json_number(j, v);
}

static void integer(dl_json *j, const char *key, size_t v)
{
    dl_json_key(j, key);
    dl_json_int(j, (long long)v);
}

static void matrix(dl_json *j, const double *m, size_t n)
{
    dl_json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        dl_json_array_begin(j);
        for (size_t k = 0; k < n; k++)
            dl_json_number(j, m[i * n + k]);
        dl_json_array_end(j);
    }
    dl_json_array_end(j);
}

static void codes(dl_json *j, const dl_report *r)
{
    dl_json_key(j, "observer_codes");
    dl_json_array_begin(j);
    for (size_t i = 0; i < r->res.nobs; i++)
        dl_json_string(j, r->obs.names[r->res.obs_kept[i]]);
    dl_json_array_end(j);
}

static void observer(dl_json *j, const dl_report_observer *o)
{
    dl_json_object_begin(j);
    dl_json_key(j, "code");
    dl_json_string(j, o->code);
    integer(j, "trials", o->trials);
    integer(j, "correct", o->correct);
    num(j, "accuracy", o->accuracy);
    num(j, "ci_low", o->ci_low);
    num(j, "ci_high", o->ci_high);
    num(j, "p_greater", o->p_greater);
    num(j, "p_two_sided", o->p_two_sided);
    num(j, "rt_median_ms", o->rt_median_ms);
    num(j, "rt_mean_ms", o->rt_mean_ms);
    dl_json_object_end(j);
}

static void trials(dl_json *j, const dl_report *r, const dl_report_trials *t)
{
    integer(j, "observers", t->nobservers);
    integer(j, "items", t->nitems);
    integer(j, "trials", t->ntrials);
    num(j, "chance", t->chance);
    codes(j, r);
    dl_json_key(j, "per_observer");
    dl_json_array_begin(j);
    for (size_t i = 0; i < t->nobservers; i++)
        observer(j, &t->observers[i]);
    dl_json_array_end(j);
    dl_json_key(j, "group");
    rp_json_summary(j, &t->accuracy);
    dl_json_key(j, "error_consistency");
    dl_json_object_begin(j);
    dl_json_key(j, "matrix");
    matrix(j, t->ec, t->nobservers);
    integer(j, "pairs", t->ec_pairs.n);
    integer(j, "undefined_pairs", t->ec_undefined);
    num(j, "mean", t->ec_pairs.n ? t->ec_pairs.mean : NAN);
    num(j, "sd", t->ec_pairs.n > 1 ? t->ec_pairs.sd : NAN);
    num(j, "min", t->ec_pairs.n ? t->ec_pairs.min : NAN);
    num(j, "max", t->ec_pairs.n ? t->ec_pairs.max : NAN);
    integer(j, "undefined_expected_agreement_1", t->ec_boundary_undefined);
    dl_json_key(j, "ec_boundary");
    dl_json_string(j, dl_stats_ec_boundary_name(t->ec_boundary));
    dl_json_key(j, "bootstrap");
    if (t->ec_ci_low) {
        dl_json_object_begin(j);
        integer(j, "replicates", t->ec_boot.replicates);
        integer(j, "seed", (size_t)t->ec_boot.seed);
        num(j, "conf_level", t->ec_boot.conf_level);
        dl_json_key(j, "method");
        dl_json_string(j, "percentile");
        dl_json_key(j, "resample");
        dl_json_string(j, t->ec_boot.resample_observers ? "items and observers" : "items");
        dl_json_object_end(j);
        num(j, "mean_ci_low", t->ec_mean_ci_low);
        num(j, "mean_ci_high", t->ec_mean_ci_high);
        dl_json_key(j, "ci_low");
        matrix(j, t->ec_ci_low, t->nobservers);
        dl_json_key(j, "ci_high");
        matrix(j, t->ec_ci_high, t->nobservers);
    } else {
        dl_json_null(j);
    }
    dl_json_key(j, "why");
    if (t->nobservers < 2)
        dl_json_string(j, "needs at least two observers");
    else if (!t->ec_pairs.n)
        dl_json_string(j, "undefined for every pair");
    else
        dl_json_null(j);
    dl_json_object_end(j);
}

static void answer(dl_json *j, const dl_report_answer *a)
{
    dl_json_object_begin(j);
    dl_json_key(j, "value");
    dl_json_int(j, a->value);
    dl_json_key(j, "label");
    dl_json_string(j, a->label);
    integer(j, "n", a->n);
    num(j, "mean_model_accuracy", a->mean_model_accuracy);
    num(j, "trivial", a->frac_class[DL_STATS_TRIVIAL]);
    num(j, "in_between", a->frac_class[DL_STATS_IN_BETWEEN]);
    num(j, "impossible", a->frac_class[DL_STATS_IMPOSSIBLE]);
    dl_json_object_end(j);
}

static void question(dl_json *j, const dl_report_question *q)
{
    dl_json_key(j, q->name);
    dl_json_object_begin(j);
    dl_json_key(j, "question");
    dl_json_string(j, q->text);
    num(j, "alpha", q->alpha.alpha);
    dl_json_key(j, "alpha_level");
    dl_json_string(j, dl_stats_level_name(q->level));
    dl_json_key(j, "alpha_why");
    dl_json_string(j, q->alpha_why);
    integer(j, "pairable_values", q->alpha.pairable_values);
    if (q->has_alpha_boot) {
        const dl_alpha_boot *b = &q->alpha_boot;
        num(j, "alpha_ci_low", b->ci_low);
        num(j, "alpha_ci_high", b->ci_high);
        dl_json_key(j, "alpha_bootstrap");
        dl_json_object_begin(j);
        dl_json_key(j, "method");
        dl_json_string(j, dl_alpha_boot_method_name(b->method));
        dl_json_key(j, "interval");
        dl_json_string(j, "percentile");
        integer(j, "replicates", b->replicates);
        integer(j, "seed", (size_t)b->seed);
        num(j, "conf", b->conf);
        num(j, "p_below_0.667", b->p_below[0]);
        num(j, "p_below_0.8", b->p_below[1]);
        dl_json_object_end(j);
    }
    dl_json_key(j, "pairwise_alpha");
    rp_json_summary(j, &q->pairwise_alpha);
    dl_json_key(j, "pairwise_r");
    rp_json_summary(j, &q->pairwise_r);
    num(j, "r_with_model_accuracy", q->r_with_model_accuracy.r);
    num(j, "r_with_model_accuracy_p", q->r_with_model_accuracy.p_value);
    integer(j, "r_with_model_accuracy_n", q->r_with_model_accuracy.n);
    dl_json_key(j, "answers");
    dl_json_array_begin(j);
    for (size_t i = 0; i < q->nanswers; i++)
        answer(j, &q->answers[i]);
    dl_json_array_end(j);
    dl_json_object_end(j);
}

static void ratings(dl_json *j, const dl_report *r, const dl_report_ratings *g)
{
    const rp_results *res = &r->res;
    integer(j, "observers", g->nobservers);
    integer(j, "items", g->nitems);
    integer(j, "ratings", g->nratings);
    codes(j, r);
    dl_json_key(j, "per_observer");
    dl_json_array_begin(j);
    for (size_t o = 0; o < res->nobs; o++) {
        dl_json_object_begin(j);
        dl_json_key(j, "code");
        dl_json_string(j, r->obs.names[res->obs_kept[o]]);
        integer(j, "ratings", res->ratings_per_obs[o]);
        /* per question, keyed by its key: mean_q1 ... mean_qN, then the
         * leave-one-out alphas, then the mean pairwise alphas */
        static const char *const what[3] = {"mean_", "alpha_without_", "mean_pairwise_alpha_"};
        double *const *vals[3] = {res->obs_mean, res->alpha_loo, res->alpha_mean_pair};
        for (int w = 0; w < 3; w++)
            for (size_t q = 0; q < g->nquestions; q++) {
                char key[64];
                snprintf(key, sizeof key, "%s%s", what[w], g->q[q].name);
                num(j, key, vals[w][q][o]);
            }
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
    for (size_t q = 0; q < g->nquestions; q++)
        question(j, &g->q[q]);
}

static void ddd(dl_json *j, const rp_ddd *d)
{
    dl_json_key(j, "ddd");
    dl_json_object_begin(j);
    dl_json_key(j, "dir");
    dl_json_string(j, d->dir);
    num(j, "images", d->nimages);
    integer(j, "models", d->nmodels);
    const char *keys[3] = {"fraction", "binomial_expected", "poisson_binomial_expected"};
    const double *vals[3] = {d->fraction, d->binomial, d->poisson_binomial};
    for (int k = 0; k < 3; k++) {
        dl_json_key(j, keys[k]);
        dl_json_array_begin(j);
        for (size_t b = 0; b < d->nbins; b++)
            dl_json_number(j, vals[k][b]);
        dl_json_array_end(j);
    }
    dl_json_key(j, "decisions_images");
    dl_json_int(j, (long long)d->ndec_images);
    dl_json_key(j, "agreement_epochs");
    dl_json_int(j, (long long)d->nepochs);
    dl_json_key(j, "decision_epochs"); /* epoch_decisions.csv: epochs read */
    dl_json_int(j, (long long)d->nedec);
    dl_json_key(j, "classes"); /* class_accuracy.csv: classes read */
    dl_json_int(j, (long long)d->nclasses);
    if (d->has_unc) {
        static const char *const split[DL_REPORT_NCLASS] = {[DL_STATS_TRIVIAL] = "trivial",
                                                            [DL_STATS_IN_BETWEEN] = "in_between",
                                                            [DL_STATS_IMPOSSIBLE] = "impossible"};
        static const char *const how[2] = {"split_by_models", "split_by_images"};
        dl_json_key(j, "uncertainty");
        dl_json_object_begin(j);
        num(j, "replicates", d->unc_replicates);
        num(j, "seed", d->unc_seed);
        num(j, "conf", d->unc_conf);
        dl_json_key(j, "interval");
        dl_json_string(j, "percentile");
        for (int h = 0; h < 2; h++) {
            dl_json_key(j, how[h]);
            if (!d->split_has[h]) {
                dl_json_null(j);
                continue;
            }
            dl_json_object_begin(j);
            for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--) {
                dl_json_key(j, split[c]);
                dl_json_array_begin(j);
                dl_json_number(j, d->split_lo[h][c]);
                dl_json_number(j, d->split_hi[h][c]);
                dl_json_array_end(j);
            }
            dl_json_object_end(j);
        }
        num(j, "rho", d->rho);
        num(j, "rho_ci_low", d->rho_lo);
        num(j, "rho_ci_high", d->rho_hi);
        dl_json_object_end(j);
    }
    dl_json_object_end(j);
}

static void provenance(dl_json *j, const dl_report *r)
{
    dl_json_key(j, "source");
    dl_json_string(j, r->source);
    dl_json_key(j, "inputs");
    dl_json_array_begin(j);
    for (size_t i = 0; i < r->ninputs; i++) {
        dl_json_object_begin(j);
        dl_json_key(j, "path");
        dl_json_string(j, r->inputs[i].path);
        dl_json_key(j, "sha256");
        dl_json_string(j, r->inputs[i].sha256);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
    dl_json_key(j, "filters");
    dl_json_object_begin(j);
    dl_json_key(j, "excluded_observers");
    dl_json_array_begin(j);
    for (size_t i = 0; i < r->nexcluded_obs; i++)
        dl_json_string(j, r->excluded_obs[i]);
    dl_json_array_end(j);
    integer(j, "items_dropped_by_file", r->dropped_items_file);
    integer(j, "items_dropped_label_error", r->dropped_label_error);
    integer(j, "items_dropped_balance", r->dropped_balance);
    dl_json_key(j, "seed");
    if (r->opt.balance_classes)
        dl_json_int(j, (long long)r->opt.seed);
    else
        dl_json_null(j);
    dl_json_object_end(j);
    dl_json_key(j, "notes");
    dl_json_array_begin(j);
    for (size_t i = 0; i < r->nnotes; i++)
        dl_json_string(j, r->notes[i]);
    dl_json_array_end(j);
}

void dl_report_write_json(const dl_report *r, FILE *out)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    const dl_report_trials *t = dl_report_get_trials(r);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    dl_json_key(&j, "task");
    dl_json_string(&j, t ? (r->task_2afc ? "2afc" : "trials") : g ? "rating" : "ddd");
    if (t)
        trials(&j, r, t);
    if (g)
        ratings(&j, r, g);
    if (r->ddd)
        ddd(&j, r->ddd);
    provenance(&j, r);
    dl_json_key(&j, "version");
    dl_json_string(&j, dl_version());
    dl_json_key(&j, "git_revision");
    dl_json_string(&j, dl_git_revision());
    dl_json_object_end(&j);
    dl_json_end(&j);
}
