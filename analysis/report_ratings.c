/* report_ratings.c — the questions of the rating task, as many as the
 * sessions asked (r->questions; the paper's three by default): agreement
 * between observers (Krippendorff's alpha at each question's level, overall
 * and pairwise; Pearson r), and how the answers relate to model accuracy and
 * to the trivial / in-between / impossible classes (the paper's Figure 6). */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The answer matrices, observers x items, NaN where not answered. A CSV
 * that rates an item twice for one observer is an error; the store may hold
 * a repeated session, whose first answer counts. */
static int build_matrix(dl_report *r, size_t nq, double **data, dl_error *err)
{
    rp_results *res = &r->res;
    size_t cells = res->nobs * res->nitems, repeats = 0;
    for (size_t q = 0; q < nq; q++)
        if (!(data[q] = dl_calloc(cells + 1, sizeof *data[q])))
            return dl_fail(err, DL_ENOMEM, "out of memory");
    uint32_t *first = dl_calloc(cells + 1, sizeof *first);
    if (!first)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t q = 0; q < nq; q++)
        for (size_t i = 0; i < cells; i++)
            data[q][i] = NAN;
    for (size_t i = 0; i < r->nratings; i++) {
        const rp_rating *x = &r->ratings[i];
        uint32_t o = res->obs_map[x->obs], it = res->item_map[x->item];
        if (o == UINT32_MAX || it == UINT32_MAX)
            continue;
        size_t cell = o * res->nitems + it;
        if (first[cell]) {
            const rp_rating *y = &r->ratings[first[cell] - 1];
            if (x->src) {
                free(first);
                return dl_fail(err, DL_EINVAL,
                               "%s:%u: observer '%s' rated item '%s' a second "
                               "time (first on %s:%u)",
                               r->inputs[x->src - 1].path, x->line, r->obs.names[x->obs],
                               r->items.names[x->item], r->inputs[y->src - 1].path, y->line);
            }
            repeats++;
            continue;
        }
        first[cell] = (uint32_t)i + 1;
        for (size_t q = 0; q < nq; q++)
            data[q][cell] = x->q[q];
    }
    free(first);
    if (repeats)
        return rp_note(r,
                       "%zu repeated rating(s) of an item by the same observer: the first "
                       "counts",
                       repeats);
    return 0;
}

static void summarise_finite(const double *m, size_t n, dl_stats_summary_t *out)
{
    double *v = dl_calloc(n * n + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; v && i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!isnan(m[i * n + j]))
                v[k++] = m[i * n + j];
    dl_stats_summary(v ? v : (double[]){0}, k, out);
    free(v);
}

/* Pearson r of every pair of observers over the items both answered, and
 * the summaries of r and of the pairwise alphas (which alpha_uncertainty
 * took from dl_alpha_per_coder, the one pairwise alpha of the library). */
/* Codes of unordered labels have no order: a mean or a correlation of them
 * would depend on the order the experiment file listed the labels in. Two
 * labels are the exception: their codes are an indicator (0/1), whose r is
 * the phi / point-biserial correlation. */
static int no_correlation(const dl_report_question *Q)
{
    return Q->type == DL_REPORT_Q_UNORDERED && Q->nlabels > 2;
}

static int pairwise(rp_results *res, int q, const double *data)
{
    size_t n = res->nobs, m = res->nitems;
    int none = no_correlation(&res->ratings.q[q]);
    double *pr = res->pair_r[q] = dl_calloc(n * n, sizeof *pr);
    if (!pr)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        pr[i * n + i] = NAN;
        for (size_t j = i + 1; j < n; j++) {
            dl_corr c;
            const char *why;
            if (none || dl_stats_pearson(data + i * m, data + j * m, m, &c, &why) != 0)
                c.r = NAN;
            pr[i * n + j] = pr[j * n + i] = c.r;
        }
    }
    dl_report_question *Q = &res->ratings.q[q];
    summarise_finite(res->pair_alpha[q], n, &Q->pairwise_alpha);
    summarise_finite(pr, n, &Q->pairwise_r);
    return 0;
}

/* Mean answer per item over observers, and its Pearson r with the
 * fraction of models correct. */
static int item_means(dl_report *r, int q, const double *data)
{
    rp_results *res = &r->res;
    size_t n = res->nobs, m = res->nitems;
    double *mean = res->item_mean[q] = dl_calloc(m, sizeof *mean);
    double *acc = dl_calloc(m, sizeof *acc);
    if (!mean || !acc) {
        free(acc);
        return DL_ENOMEM;
    }
    for (size_t k = 0; k < m; k++) {
        double s = 0;
        size_t c = 0;
        for (size_t o = 0; o < n; o++)
            if (!isnan(data[o * m + k])) {
                s += data[o * m + k];
                c++;
            }
        mean[k] = c ? s / (double)c : NAN;
        acc[k] = r->item[res->items_kept[k]].model_acc;
    }
    dl_corr *c = &res->ratings.q[q].r_with_model_accuracy;
    const char *why;
    if (no_correlation(&res->ratings.q[q])) {
        memset(c, 0, sizeof *c);
        c->r = c->p_value = NAN;
    } else if (dl_stats_pearson(mean, acc, m, c, &why) != 0) {
        c->r = c->p_value = NAN;
    }
    free(acc);
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* For each answer option: how often it was given, the mean model accuracy
 * of the images it was given to, and the classes of those images. */
static const char *answer_label(const rp_qdef *d, int value)
{
    if (d->type == DL_REPORT_Q_COUNT || value < 0 || (size_t)value >= d->nopt)
        return NULL;
    return d->opt[value];
}

static int answers(dl_report *r, int q, const double *data)
{
    rp_results *res = &r->res;
    size_t cells = res->nobs * res->nitems, nv = 0;
    int *vals = dl_calloc(cells + 1, sizeof *vals);
    if (!vals)
        return DL_ENOMEM;
    for (size_t i = 0; i < cells; i++)
        if (!isnan(data[i]))
            vals[nv++] = (int)data[i];
    qsort(vals, nv, sizeof *vals, cmp_int);
    size_t nd = 0;
    for (size_t i = 0; i < nv; i++)
        if (i == 0 || vals[i] != vals[i - 1])
            vals[nd++] = vals[i];
    dl_report_answer *a = res->answers[q] = dl_calloc(nd + 1, sizeof *a);
    double *acc_sum = dl_calloc(nd + 1, sizeof *acc_sum);
    size_t *acc_n = dl_calloc(nd + 1, sizeof *acc_n);
    if (!a || !acc_sum || !acc_n) {
        free(vals);
        free(acc_sum);
        free(acc_n);
        return DL_ENOMEM;
    }
    for (size_t k = 0; k < nd; k++) {
        a[k].value = vals[k];
        a[k].label = answer_label(&r->questions.q[q], vals[k]);
    }
    for (size_t i = 0; i < cells; i++) {
        if (isnan(data[i]))
            continue;
        int v = (int)data[i];
        int *hit = bsearch(&v, vals, nd, sizeof *vals, cmp_int);
        size_t k = (size_t)(hit - vals);
        const rp_item *it = &r->item[res->items_kept[i % res->nitems]];
        a[k].n++;
        if (!isnan(it->model_acc)) {
            acc_sum[k] += it->model_acc;
            acc_n[k]++;
        }
        if (it->cls >= 0)
            a[k].nclass[it->cls]++;
    }
    for (size_t k = 0; k < nd; k++) {
        a[k].mean_model_accuracy = acc_n[k] ? acc_sum[k] / (double)acc_n[k] : NAN;
        size_t known = a[k].nclass[0] + a[k].nclass[1] + a[k].nclass[2];
        for (int c = 0; c < DL_REPORT_NCLASS; c++)
            a[k].frac_class[c] = known ? (double)a[k].nclass[c] / (double)known : NAN;
    }
    res->ratings.q[q].answers = a;
    res->ratings.q[q].nanswers = nd;
    free(vals);
    free(acc_sum);
    free(acc_n);
    return 0;
}

static int per_observer(rp_results *res, size_t nq, double **data)
{
    size_t n = res->nobs, m = res->nitems;
    if (!(res->ratings_per_obs = dl_calloc(n + 1, sizeof *res->ratings_per_obs)))
        return DL_ENOMEM;
    for (size_t q = 0; q < nq; q++)
        if (!(res->obs_mean[q] = dl_calloc(n + 1, sizeof *res->obs_mean[q])))
            return DL_ENOMEM;
    for (size_t o = 0; o < n; o++) {
        for (size_t k = 0; k < m; k++) {
            int any = 0;
            for (size_t q = 0; q < nq; q++)
                any |= !isnan(data[q][o * m + k]);
            res->ratings_per_obs[o] += any;
        }
        for (size_t q = 0; q < nq; q++) {
            dl_stats_summary_t s;
            dl_stats_summary(data[q] + o * m, m, &s);
            res->obs_mean[q][o] = s.mean;
        }
    }
    return 0;
}

/* The question's alpha from a list of ratings: the bootstrap interval
 * (when asked for), per observer the leave-one-out and mean pairwise
 * alphas, and the alpha and shared items of every pair. */
static int alpha_uncertainty(dl_report *r, int q, const double *data)
{
    rp_results *res = &r->res;
    dl_report_question *Q = &res->ratings.q[q];
    size_t n = res->nobs, m = res->nitems, k = 0;
    dl_alpha_rating *list = dl_calloc(n * m + 1, sizeof *list);
    res->alpha_loo[q] = dl_calloc(n + 1, sizeof *res->alpha_loo[q]);
    res->alpha_mean_pair[q] = dl_calloc(n + 1, sizeof *res->alpha_mean_pair[q]);
    res->pair_alpha[q] = dl_calloc(n * n + 1, sizeof *res->pair_alpha[q]);
    res->pair_units[q] = dl_calloc(n * n + 1, sizeof *res->pair_units[q]);
    int rc = list && res->alpha_loo[q] && res->alpha_mean_pair[q] && res->pair_alpha[q] &&
                     res->pair_units[q]
                 ? 0
                 : DL_ENOMEM;
    for (size_t o = 0; rc == 0 && o < n; o++)
        for (size_t i = 0; i < m; i++)
            if (!isnan(data[o * m + i]))
                list[k++] = (dl_alpha_rating){(uint32_t)o, (uint32_t)i, data[o * m + i]};
    if (rc == 0)
        rc = dl_alpha_per_coder(list, k, n, Q->level, res->alpha_loo[q], res->alpha_mean_pair[q],
                                res->pair_alpha[q], res->pair_units[q]);
    Q->alpha_without = res->alpha_loo[q];
    Q->alpha_mean_pair = res->alpha_mean_pair[q];
    dl_alpha_set *set = NULL;
    if (rc == 0 && r->opt.alpha_bootstrap) {
        dl_alpha_boot_opts bo = {.method = DL_ALPHA_BOOT_UNITS,
                                 .replicates = r->opt.alpha_bootstrap,
                                 .seed = r->opt.alpha_seed,
                                 .conf = r->opt.alpha_conf,
                                 .alpha_min = {0.667, 0.8},
                                 .nmin = 2};
        Q->has_alpha_boot = 1;
        if ((rc = dl_alpha_set_new(list, k, Q->level, &set, NULL)) == 0)
            rc = dl_alpha_boot_run(set, &bo, &Q->alpha_boot, NULL);
        if (rc == DL_EUNDEF)
            rc = 0;
    }
    dl_alpha_set_free(set);
    free(list);
    return rc;
}

static int question(dl_report *r, int q, double *data)
{
    rp_results *res = &r->res;
    dl_report_question *Q = &res->ratings.q[q];
    const rp_qdef *d = &r->questions.q[q];
    Q->name = d->key;
    Q->text = d->text;
    Q->type = d->type;
    Q->nlabels = d->nopt;
    Q->labels = (const char *const *)d->opt;
    Q->level = d->level;
    const char *why = NULL;
    if (dl_stats_kripp_alpha(data, res->nobs, res->nitems, Q->level, &Q->alpha, &why) != 0)
        Q->alpha_why = why ? why : "undefined";
    if (res->nobs < 2)
        Q->alpha_why = "needs at least two observers";
    if (alpha_uncertainty(r, q, data) || pairwise(res, q, data) || item_means(r, q, data) ||
        answers(r, q, data))
        return DL_ENOMEM;
    return 0;
}

int rp_analyse_ratings(dl_report *r, const uint8_t *keep_obs, const uint8_t *keep_item,
                       dl_error *err)
{
    rp_results *res = &r->res;
    size_t nq = r->questions.n;
    double *data[DL_REPORT_MAXQ] = {0};
    int rc = rp_map_kept(r, keep_obs, keep_item, 1, err);
    if (rc || (rc = build_matrix(r, nq, data, err)))
        goto done;
    size_t count = 0;
    for (size_t i = 0; i < res->nobs * res->nitems; i++) {
        int any = 0;
        for (size_t q = 0; q < nq; q++)
            any |= !isnan(data[q][i]);
        count += any;
    }
    for (size_t q = 0; q < nq && !rc; q++)
        rc = question(r, (int)q, data[q]);
    if (!rc)
        rc = per_observer(res, nq, data);
    if (rc) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    res->ratings.nobservers = res->nobs;
    res->ratings.nitems = res->nitems;
    res->ratings.nratings = count;
    res->ratings.nquestions = nq;
    res->has_ratings = 1;
done:
    for (size_t q = 0; q < nq; q++)
        free(data[q]);
    return rc;
}
