/* stats_reliability.c — what `reliability` reports for a list of ratings:
 * Krippendorff's alpha (with its bootstrap), Cohen's kappa for two coders,
 * Fleiss' kappa for nominal data with equal ratings per unit, and the
 * pairwise and per-coder alphas (dl_alpha_per_coder, the one pairwise alpha
 * the report uses too). */
#include <math.h>
#include <stdlib.h>

#include "dl_stats.h"

static int cmp_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index of v in the n sorted distinct values (v is among them). */
static int position(const double *sorted, size_t n, double v)
{
    const double *hit = bsearch(&v, sorted, n, sizeof *sorted, cmp_value);
    return hit ? (int)(hit - sorted) : -1;
}

/* Category positions of the two coders' values (a and b, one per unit).
 * Nominal values already are positions; for the other levels a value's
 * position is its rank among the distinct values of the units both coders
 * rated (as sklearn's labels). */
static int kappa_positions(const dl_reliability_in *d, const double *a, const double *b,
                           dl_level level, int *r1, int *r2, int *ncat)
{
    size_t nu = d->nunits, nv = 0;
    double *sorted = dl_calloc(2 * nu, sizeof *sorted);
    if (!sorted)
        return DL_ENOMEM;
    for (size_t u = 0; u < nu; u++)
        if (!isnan(a[u]) && !isnan(b[u])) {
            sorted[nv++] = a[u];
            sorted[nv++] = b[u];
        }
    qsort(sorted, nv, sizeof *sorted, cmp_value);
    size_t ndistinct = 0;
    for (size_t i = 0; i < nv; i++)
        if (i == 0 || sorted[i] != sorted[ndistinct - 1])
            sorted[ndistinct++] = sorted[i];
    for (size_t u = 0; u < nu; u++) {
        int both = !isnan(a[u]) && !isnan(b[u]);
        if (level == DL_LEVEL_NOMINAL || !both) {
            r1[u] = both ? (int)a[u] : -1;
            r2[u] = both ? (int)b[u] : -1;
            continue;
        }
        r1[u] = position(sorted, ndistinct, a[u]);
        r2[u] = position(sorted, ndistinct, b[u]);
    }
    *ncat = level == DL_LEVEL_NOMINAL ? (int)d->ncats : (int)ndistinct;
    free(sorted);
    return 0;
}

static size_t units_both(const double *a, const double *b, size_t nu)
{
    size_t n = 0;
    for (size_t u = 0; u < nu; u++)
        n += !isnan(a[u]) && !isnan(b[u]);
    return n;
}

/* Cohen's kappa of exactly two coders; their values per unit (2 x units). */
static int cohen(const dl_reliability_in *d, dl_level level, dl_reliability *res)
{
    static const dl_kappa_weights weights[] = {DL_KAPPA_NONE, DL_KAPPA_LINEAR, DL_KAPPA_QUADRATIC,
                                               DL_KAPPA_QUADRATIC};
    size_t nu = d->nunits;
    int *r1 = dl_calloc(nu, sizeof *r1), *r2 = dl_calloc(nu, sizeof *r2), ncat = 0;
    double *two = dl_calloc(2 * nu, sizeof *two);
    int rc = r1 && r2 && two ? 0 : DL_ENOMEM;
    for (size_t u = 0; rc == 0 && u < 2 * nu; u++)
        two[u] = NAN;
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        two[d->ratings[i].coder * nu + d->ratings[i].unit] = d->ratings[i].value;
    if (rc == 0)
        rc = kappa_positions(d, two, two + nu, level, r1, r2, &ncat);
    res->has_cohen = 1;
    res->weights = weights[level];
    res->cohen = (dl_rel_stat){NAN, NULL};
    if (rc == 0 && units_both(two, two + nu, nu) == 0)
        res->cohen.why = "no unit was rated by both coders";
    else if (rc == 0) {
        rc = dl_stats_cohen_kappa(r1, r2, nu, ncat, res->weights, &res->cohen.value,
                                  &res->cohen.why);
        if (rc == DL_EUNDEF)
            rc = 0;
    }
    free(two);
    free(r1);
    free(r2);
    return rc;
}

/* Fleiss' kappa needs nominal data and the same number (>= 2) of ratings
 * for every unit that has any; the table is built only then. */
static int fleiss(const dl_reliability_in *d, dl_level level, dl_rel_stat *out)
{
    *out = (dl_rel_stat){NAN, NULL};
    if (level != DL_LEVEL_NOMINAL) {
        out->why = "needs nominal data";
        return 0;
    }
    size_t nu = d->nunits, ncat = d->ncats, nitems = 0;
    uint32_t *m = dl_calloc(nu, sizeof *m), mm = 0;
    size_t *item = dl_calloc(nu, sizeof *item);
    int *counts = NULL, rc = 0;
    if (!m || !item) {
        rc = DL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < d->n; i++)
        m[d->ratings[i].unit] += !isnan(d->ratings[i].value);
    for (size_t u = 0; u < nu; u++) {
        if (m[u] == 0)
            continue;
        if (mm && m[u] != mm) {
            out->why = "units have different numbers of ratings";
            goto done;
        }
        mm = m[u];
        item[u] = nitems++;
    }
    if (mm < 2) {
        out->why = "no unit has two or more ratings";
        goto done;
    }
    if (!(counts = dl_calloc(nitems * (ncat ? ncat : 1), sizeof *counts))) {
        rc = DL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < d->n; i++)
        if (!isnan(d->ratings[i].value))
            counts[item[d->ratings[i].unit] * ncat + (size_t)d->ratings[i].value]++;
    if ((rc = dl_stats_fleiss_kappa(counts, nitems, (int)ncat, &out->value, &out->why)) ==
        DL_EUNDEF)
        rc = 0;
done:
    free(m);
    free(item);
    free(counts);
    return rc;
}

/* Pairwise alphas (--pairwise) and per-coder alphas (--per-coder). */
static int per_coder(const dl_reliability_in *d, dl_reliability *res)
{
    size_t nc = d->ncoders;
    double *pair = dl_calloc(nc * nc, sizeof *pair);
    size_t *units = dl_calloc(nc * nc, sizeof *units);
    res->loo = dl_calloc(nc, sizeof *res->loo);
    res->mean_pair = dl_calloc(nc, sizeof *res->mean_pair);
    res->rated = dl_calloc(nc, sizeof *res->rated);
    res->npairs = d->pairwise ? nc * (nc - 1) / 2 : 0;
    res->pairs = dl_calloc(res->npairs + 1, sizeof *res->pairs);
    int rc =
        pair && units && res->loo && res->mean_pair && res->rated && res->pairs ? 0 : DL_ENOMEM;
    if (rc == 0)
        rc = dl_alpha_per_coder(d->ratings, d->n, nc, d->level, res->loo, res->mean_pair, pair,
                                units);
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        res->rated[d->ratings[i].coder] += !isnan(d->ratings[i].value);
    size_t k = 0;
    for (size_t a = 0; rc == 0 && d->pairwise && a < nc; a++)
        for (size_t b = a + 1; b < nc; b++, k++)
            res->pairs[k] = (dl_rel_pair){a, b, units[a * nc + b], pair[a * nc + b]};
    free(pair);
    free(units);
    return rc;
}

int dl_stats_reliability(const dl_reliability_in *d, dl_reliability *res)
{
    dl_alpha_set *set = NULL;
    int rc = dl_alpha_set_new(d->ratings, d->n, d->level, &set, &res->alpha_why);
    if (rc == 0)
        rc = dl_alpha_set_alpha(set, &res->alpha, &res->alpha_why);
    if (rc == DL_EUNDEF)
        rc = 0;
    else
        res->alpha_why = NULL;
    if (rc == 0) {
        res->units_pairable = dl_alpha_set_units(set);
        if (d->boot.replicates) {
            res->has_boot = 1;
            rc = dl_alpha_boot_run(set, &d->boot, &res->boot, NULL);
            if (rc == DL_EUNDEF)
                rc = 0;
        }
    }
    dl_alpha_set_free(set);
    if (rc == 0 && d->ncoders == 2)
        rc = cohen(d, d->level, res);
    if (rc == 0)
        rc = fleiss(d, d->level, &res->fleiss);
    if (rc == 0 && (d->pairwise || d->per_coder))
        rc = per_coder(d, res);
    return rc;
}

void dl_stats_reliability_free(dl_reliability *r)
{
    if (!r)
        return;
    free(r->pairs);
    free(r->loo);
    free(r->mean_pair);
    free(r->rated);
}
