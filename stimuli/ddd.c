/* ddd.c — dichotomous data difficulty of model results: the split into
 * trivial / in-between / impossible images, the histogram of models correct
 * beside its independent-model expectations, error consistency on all and on
 * in-between images, per-class accuracy and per-epoch agreement. The numerics
 * come from the statistics core (dl_stats.h). */
#include "dl_stimuli.h"
#include "stimuli_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int dl_stimuli_classify(const dl_stimuli_results *r, unsigned near, uint8_t *difficulty,
                        dl_error *err)
{
    unsigned m = r->models_per_image;
    if (2 * (uint64_t)near >= m)
        return dl_fail(
            err, DL_EINVAL,
            "--near %u is too large for %u models (trivial and impossible would overlap; "
            "use at most %u)",
            near, m, m ? (m - 1) / 2 : 0);
    for (size_t i = 0; i < r->nimages; i++)
        difficulty[i] = (uint8_t)dl_stats_difficulty_of(r->n_correct[i], m, near);
    return 0;
}

size_t stim_split_count(const dl_stimuli_analysis *a, dl_stats_difficulty d)
{
    return d == DL_STATS_TRIVIAL      ? a->trivial
           : d == DL_STATS_IN_BETWEEN ? a->in_between
                                      : a->impossible;
}

const char *stim_difficulty_key(dl_stats_difficulty d)
{
    static const char *const key[3] = {
        [DL_STATS_IMPOSSIBLE] = "impossible",
        [DL_STATS_IN_BETWEEN] = "in_between",
        [DL_STATS_TRIVIAL] = "trivial",
    };
    return d >= DL_STATS_IMPOSSIBLE && d <= DL_STATS_TRIVIAL ? key[d] : "unknown";
}

static size_t popcount_row(const dl_bits *b, size_t row)
{
    size_t c = 0;
    const uint64_t *w = b->words + row * b->words_per_row;
    for (size_t k = 0; k < b->words_per_row; k++)
        c += (size_t)__builtin_popcountll(w[k]);
    return c;
}

/* Histogram, accuracies and the expectations of independent models. */
static int ddd_histogram(dl_stimuli_analysis *a)
{
    const dl_stimuli_results *r = a->res;
    size_t n = r->nimages;
    unsigned m = a->m;
    uint64_t total = 0;
    a->histogram = dl_calloc(m + 1, sizeof *a->histogram);
    a->binomial_expected = dl_calloc(m + 1, sizeof *a->binomial_expected);
    if (!a->histogram || !a->binomial_expected)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        a->histogram[r->n_correct[i]]++;
        total += r->n_correct[i];
    }
    a->mean_accuracy = (double)total / ((double)n * m);
    int rc = dl_stats_binom_pmf(m, a->mean_accuracy, a->binomial_expected);
    for (unsigned k = 0; k <= m; k++)
        a->binomial_expected[k] = rc ? NAN : a->binomial_expected[k] * (double)n;
    if (!r->correct)
        return 0;
    a->model_accuracy = dl_calloc(r->nmodels, sizeof *a->model_accuracy);
    a->poisson_binomial_expected = dl_calloc(m + 1, sizeof *a->poisson_binomial_expected);
    if (!a->model_accuracy || !a->poisson_binomial_expected)
        return DL_ENOMEM;
    for (size_t j = 0; j < r->nmodels; j++)
        a->model_accuracy[j] = (double)popcount_row(r->correct, j) / (double)n;
    rc = stim_pb_pmf(a->model_accuracy, m, a->poisson_binomial_expected);
    for (unsigned k = 0; k <= m; k++)
        a->poisson_binomial_expected[k] = rc ? NAN : a->poisson_binomial_expected[k] * (double)n;
    return 0;
}

static int cmp_class(const void *pa, const void *pb)
{
    const dl_stimuli_class_acc *x = pa, *y = pb;
    if (x->accuracy != y->accuracy)
        return x->accuracy < y->accuracy ? 1 : -1;
    return strcmp(x->name, y->name);
}

/* Per class, the accuracy of its least and most accurate model: one pass
 * over the bits per model, counting hits per class. */
static int class_spread(const dl_stimuli_results *r, dl_names *names, dl_stimuli_class_acc *cl)
{
    size_t nc = names->n;
    for (size_t k = 0; k < nc; k++)
        cl[k].model_min = cl[k].model_max = NAN;
    if (!r->correct || !nc || !r->nmodels)
        return 0;
    uint32_t *of = dl_calloc(r->nimages ? r->nimages : 1, sizeof *of);
    size_t *hits = dl_calloc(nc, sizeof *hits);
    int rc = DL_ENOMEM;
    if (!of || !hits)
        goto done;
    for (size_t i = 0; i < r->nimages; i++) {
        size_t k;
        int is_new;
        if (dl_names_add(names, r->class_label[i] ? r->class_label[i] : "(none)", NULL, &k,
                         &is_new) != 0)
            goto done;
        of[i] = (uint32_t)k;
    }
    const dl_bits *b = r->correct;
    for (size_t m = 0; m < r->nmodels; m++) {
        memset(hits, 0, nc * sizeof *hits);
        const uint64_t *w = b->words + m * b->words_per_row;
        for (size_t i = 0; i < r->nimages; i++)
            hits[of[i]] += (w[i / 64] >> (i % 64)) & 1;
        for (size_t k = 0; k < nc; k++) {
            double acc = (double)hits[k] / (double)cl[k].images;
            if (m == 0 || acc < cl[k].model_min)
                cl[k].model_min = acc;
            if (m == 0 || acc > cl[k].model_max)
                cl[k].model_max = acc;
        }
    }
    rc = 0;
done:
    free(of);
    free(hits);
    return rc;
}

static int ddd_classes(dl_stimuli_analysis *a)
{
    const dl_stimuli_results *r = a->res;
    if (!r->has_class)
        return 0;
    dl_names names = {0};
    dl_stimuli_class_acc *cl = NULL;
    double *correct = NULL;
    size_t cap = 0;
    int rc = DL_ENOMEM;
    for (size_t i = 0; i < r->nimages; i++) {
        const char *name = r->class_label[i] ? r->class_label[i] : "(none)";
        size_t k;
        int is_new;
        if (dl_names_add(&names, name, NULL, &k, &is_new) != 0)
            goto done;
        if (k >= cap) {
            size_t ncap = cap ? cap * 2 : 64;
            void *p1 = dl_realloc_array(cl, ncap, sizeof *cl);
            if (!p1)
                goto done;
            cl = p1;
            void *p2 = dl_realloc_array(correct, ncap, sizeof *correct);
            if (!p2)
                goto done;
            correct = p2;
            memset(cl + cap, 0, (ncap - cap) * sizeof *cl);
            memset(correct + cap, 0, (ncap - cap) * sizeof *correct);
            cap = ncap;
        }
        if (is_new) /* the results' own string, so the table's can be freed */
            cl[k].name = r->class_label[i] ? r->class_label[i] : "(none)";
        cl[k].images++;
        correct[k] += r->n_correct[i];
        cl[k].trivial += a->difficulty[i] == DL_STATS_TRIVIAL;
        cl[k].in_between += a->difficulty[i] == DL_STATS_IN_BETWEEN;
        cl[k].impossible += a->difficulty[i] == DL_STATS_IMPOSSIBLE;
    }
    size_t nc = names.n;
    if (!nc) { /* no image: no class (and cl may be NULL) */
        rc = 0;
        goto done;
    }
    for (size_t k = 0; k < nc; k++)
        cl[k].accuracy = correct[k] / ((double)cl[k].images * a->m);
    /* the names are all there: a second look-up only finds them */
    if (class_spread(r, &names, cl) != 0)
        goto done;
    qsort(cl, nc, sizeof *cl, cmp_class);
    a->classes = cl;
    a->nclasses = nc;
    cl = NULL;
    rc = 0;
done:
    free(cl);
    free(correct);
    dl_names_free(&names);
    return rc;
}

/* dl_stats_tpa of rows [first, first + k) of b, on the bits (the same
 * numbers in the same order of operations): all/any right by AND/OR across
 * the rows a word at a time, accuracies by popcount. Unpacking to bytes, as
 * dl_stats_tpa takes them, needed k n bytes (500 MB for 10,000 models x
 * 50,000 images). */
static int tpa_of_rows(const dl_bits *b, size_t first, size_t k, dl_tpa *out)
{
    size_t n = b->n, wpr = b->words_per_row;
    if (k == 0 || n == 0) {
        dl_stats_tpa(NULL, k, n, out, NULL);
        return 0;
    }
    uint64_t *all = dl_calloc(wpr, sizeof *all), *any = dl_calloc(wpr, sizeof *any);
    if (!all || !any) {
        free(all);
        free(any);
        return DL_ENOMEM;
    }
    memset(all, 0xff, wpr * sizeof *all);
    for (size_t j = 0; j < k; j++) {
        const uint64_t *w = b->words + (first + j) * wpr;
        for (size_t q = 0; q < wpr; q++) {
            all[q] &= w[q];
            any[q] |= w[q];
        }
    }
    *out = (dl_tpa){0};
    for (size_t q = 0; q < wpr; q++) {
        out->all_right += (size_t)__builtin_popcountll(all[q]);
        out->any_right += (size_t)__builtin_popcountll(any[q]);
    }
    free(all);
    free(any);
    double err_sum = 0, prod_acc = 1, prod_err = 1;
    for (size_t j = 0; j < k; j++) {
        double acc = (double)popcount_row(b, first + j) / (double)n;
        err_sum += 1 - acc;
        prod_acc *= acc;
        prod_err *= 1 - acc;
    }
    out->lower_bound = 1 - (err_sum < 1 ? err_sum : 1);
    out->expected_all = prod_acc;
    out->tpa = out->expected_tpa = NAN;
    if (out->any_right == 0)
        return 0;
    out->tpa = (double)out->all_right / (double)out->any_right;
    out->expected_tpa = prod_acc / (1 - prod_err);
    return 0;
}

/* Counts input: all/any right are known, the per-model terms are not. */
static void tpa_of_counts(const dl_stimuli_analysis *a, dl_tpa *out)
{
    size_t all = 0, any = 0;
    for (size_t i = 0; i < a->res->nimages; i++) {
        all += a->res->n_correct[i] == a->m;
        any += a->res->n_correct[i] > 0;
    }
    out->all_right = all;
    out->any_right = any;
    out->tpa = any ? (double)all / (double)any : NAN;
    out->lower_bound = out->expected_all = out->expected_tpa = NAN;
}

static int ddd_epochs(dl_stimuli_analysis *a)
{
    const dl_stimuli_results *r = a->res;
    size_t nm = r->nmodels;
    if (!r->epoch_correct)
        return 0;
    a->epochs = dl_calloc(r->nepochs, sizeof *a->epochs);
    if (!a->epochs)
        return DL_ENOMEM;
    a->nepochs = r->nepochs;
    for (size_t e = 0; e < r->nepochs; e++) {
        dl_stimuli_epoch *ep = &a->epochs[e];
        ep->epoch = r->epochs[e];
        ep->accuracy = dl_calloc(nm, sizeof *ep->accuracy);
        if (!ep->accuracy)
            return DL_ENOMEM;
        double sum = 0;
        for (size_t j = 0; j < nm; j++) {
            ep->accuracy[j] =
                (double)popcount_row(r->epoch_correct, e * nm + j) / (double)r->nimages;
            sum += ep->accuracy[j];
        }
        ep->mean_accuracy = sum / (double)nm;
        int rc = tpa_of_rows(r->epoch_correct, e * nm, nm, &ep->tpa);
        if (rc)
            return rc;
    }
    return 0;
}

void dl_stimuli_analysis_free(dl_stimuli_analysis *a)
{
    if (!a)
        return;
    free(a->model_accuracy);
    free(a->histogram);
    free(a->binomial_expected);
    free(a->poisson_binomial_expected);
    free(a->difficulty);
    free(a->ec_all);
    free(a->ec_in_between);
    stim_ec_free(a);
    free(a->classes);
    for (size_t e = 0; e < a->nepochs; e++)
        free(a->epochs[e].accuracy);
    free(a->epochs);
    free(a);
}

int dl_stimuli_analyse(const dl_stimuli_results *r, unsigned near, int threads,
                       dl_stimuli_analysis **out, dl_error *err)
{
    dl_stimuli_analyse_opts o = {.near = near, .threads = threads, .ec_seed = 1};
    return dl_stimuli_analyse_with(r, &o, out, err);
}

int dl_stimuli_analyse_with(const dl_stimuli_results *r, const dl_stimuli_analyse_opts *o,
                            dl_stimuli_analysis **out, dl_error *err)
{
    unsigned near = o->near;
    *out = NULL;
    dl_stimuli_analysis *a = dl_calloc(1, sizeof *a);
    if (!a || !(a->difficulty = dl_calloc(r->nimages, 1))) {
        free(a);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", r->path);
    }
    a->res = r;
    a->near = near;
    a->m = r->models_per_image;
    a->ec_boundary = o->ec_boundary;
    a->ec_max_models = o->ec_max_models ? o->ec_max_models : DL_STIMULI_EC_MAX_MODELS;
    a->ec_seed = o->ec_seed;
    a->ec_fisher_max_models =
        o->ec_fisher_max_models ? o->ec_fisher_max_models : DL_STIMULI_EC_FISHER_MAX_MODELS;
    stim_ec_init(a);
    int rc = dl_stimuli_classify(r, near, a->difficulty, err);
    if (rc)
        goto fail;
    for (size_t i = 0; i < r->nimages; i++) {
        a->trivial += a->difficulty[i] == DL_STATS_TRIVIAL;
        a->in_between += a->difficulty[i] == DL_STATS_IN_BETWEEN;
        a->impossible += a->difficulty[i] == DL_STATS_IMPOSSIBLE;
    }
    if ((rc = ddd_histogram(a)) || (rc = stim_ddd_ec(a, o->threads)) || (rc = ddd_classes(a)) ||
        (rc = ddd_epochs(a)))
        goto fail_msg;
    if (r->correct)
        rc = tpa_of_rows(r->correct, 0, r->nmodels, &a->tpa);
    else
        tpa_of_counts(a, &a->tpa);
    if (rc)
        goto fail_msg;
    *out = a;
    return 0;
fail_msg:
    dl_fail(err, rc, "%s: analysis failed: %s", r->path, dl_strerror(rc));
fail:
    dl_stimuli_analysis_free(a);
    return rc;
}
