/* ddd_output.c — a DDD analysis as JSON and as the CSV files of
 * `dddlab stimuli analyse --out DIR` (columns documented in docs/stimuli.md). */
#include "dl_stimuli.h"
#include "stimuli_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NTOP 10

static void json_numbers(dl_json *j, const double *x, size_t n)
{
    if (!x) {
        dl_json_null(j);
        return;
    }
    dl_json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        dl_json_number(j, x[i]);
    dl_json_array_end(j);
}

static void json_split(dl_json *j, const char *key, size_t count, size_t n)
{
    dl_json_key(j, key);
    dl_json_object_begin(j);
    dl_json_key(j, "images");
    dl_json_int(j, (long long)count);
    dl_json_key(j, "fraction");
    dl_json_number(j, (double)count / (double)n);
    dl_json_object_end(j);
}

static void json_tpa(dl_json *j, const dl_tpa *t)
{
    dl_json_object_begin(j);
    dl_json_key(j, "tpa");
    dl_json_number(j, t->tpa);
    dl_json_key(j, "lower_bound");
    dl_json_number(j, t->lower_bound);
    dl_json_key(j, "expected_tpa");
    dl_json_number(j, t->expected_tpa);
    dl_json_key(j, "expected_all");
    dl_json_number(j, t->expected_all);
    dl_json_key(j, "all_right");
    dl_json_int(j, (long long)t->all_right);
    dl_json_key(j, "any_right");
    dl_json_int(j, (long long)t->any_right);
    dl_json_object_end(j);
}

static void json_class_list(dl_json *j, const dl_stimuli_analysis *a, int hardest)
{
    size_t n = a->nclasses < NTOP ? a->nclasses : NTOP;
    dl_json_array_begin(j);
    for (size_t k = 0; k < n; k++) {
        const dl_stimuli_class_acc *c = &a->classes[hardest ? a->nclasses - 1 - k : k];
        dl_json_object_begin(j);
        dl_json_key(j, "class");
        dl_json_string(j, c->name);
        dl_json_key(j, "images");
        dl_json_int(j, (long long)c->images);
        dl_json_key(j, "accuracy");
        dl_json_number(j, c->accuracy);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
}

static void json_classes(dl_json *j, const dl_stimuli_analysis *a)
{
    dl_json_key(j, "classes");
    if (!a->nclasses) {
        dl_json_null(j);
        return;
    }
    dl_json_object_begin(j);
    dl_json_key(j, "count");
    dl_json_int(j, (long long)a->nclasses);
    dl_json_key(j, "easiest");
    json_class_list(j, a, 0);
    dl_json_key(j, "hardest");
    json_class_list(j, a, 1);
    dl_json_object_end(j);
}

static void json_models(dl_json *j, const dl_stimuli_analysis *a)
{
    const dl_stimuli_results *r = a->res;
    dl_json_key(j, "model_accuracy");
    if (!a->model_accuracy) {
        dl_json_null(j);
        return;
    }
    dl_json_array_begin(j);
    for (size_t m = 0; m < r->nmodels; m++) {
        dl_json_object_begin(j);
        dl_json_key(j, "model");
        dl_json_string(j, r->models[m]);
        dl_json_key(j, "accuracy");
        dl_json_number(j, a->model_accuracy[m]);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
}

static void json_epochs(dl_json *j, const dl_stimuli_analysis *a)
{
    dl_json_key(j, "epochs");
    if (!a->nepochs) {
        dl_json_null(j);
        return;
    }
    dl_json_array_begin(j);
    for (size_t e = 0; e < a->nepochs; e++) {
        const dl_stimuli_epoch *ep = &a->epochs[e];
        dl_json_object_begin(j);
        dl_json_key(j, "epoch");
        dl_json_int(j, ep->epoch);
        dl_json_key(j, "mean_accuracy");
        dl_json_number(j, ep->mean_accuracy);
        dl_json_key(j, "accuracy");
        json_numbers(j, ep->accuracy, a->res->nmodels);
        dl_json_key(j, "true_positive_agreement");
        json_tpa(j, &ep->tpa);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
}

void dl_stimuli_analysis_json(const dl_stimuli_analysis *a, dl_json *j)
{
    const dl_stimuli_results *r = a->res;
    size_t n = r->nimages;
    dl_json_object_begin(j);
    dl_json_key(j, "results");
    dl_json_string(j, r->path);
    dl_json_key(j, "format");
    dl_json_string(j, dl_stimuli_format_name(r->format));
    dl_json_key(j, "images");
    dl_json_int(j, (long long)n);
    dl_json_key(j, "models");
    dl_json_int(j, a->m);
    dl_json_key(j, "excluded");
    dl_json_int(j, (long long)r->excluded);
    dl_json_key(j, "near");
    dl_json_int(j, a->near);
    dl_json_key(j, "mean_accuracy");
    dl_json_number(j, a->mean_accuracy);
    json_models(j, a);
    dl_json_key(j, "histogram");
    dl_json_array_begin(j);
    for (unsigned k = 0; k <= a->m; k++)
        dl_json_int(j, (long long)a->histogram[k]);
    dl_json_array_end(j);
    dl_json_key(j, "binomial_expected");
    json_numbers(j, a->binomial_expected, a->m + 1);
    dl_json_key(j, "poisson_binomial_expected");
    json_numbers(j, a->poisson_binomial_expected, a->m + 1);
    static const dl_stats_difficulty order[3] = STIM_DISPLAY_ORDER;
    for (int i = 0; i < 3; i++)
        json_split(j, stim_difficulty_key(order[i]), stim_split_count(a, order[i]), n);
    stim_ec_json(a, j);
    json_classes(j, a);
    dl_json_key(j, "true_positive_agreement");
    json_tpa(j, &a->tpa);
    json_epochs(j, a);
    if (a->unc)
        dl_stimuli_ddd_unc_json(a->unc, a->m, j);
    dl_json_object_end(j);
}
