/* stats_kappa.c — Cohen's kappa (Cohen 1960; weighted: Cohen 1968) and
 * Fleiss' kappa (Fleiss 1971). */
#include <math.h>
#include <stdlib.h>

#include "dl_stats.h"

static int kappa_undefined(double *kappa, const char **why, const char *reason, int rc)
{
    *kappa = NAN;
    if (why)
        *why = reason;
    return rc;
}

/* Disagreement weight of categories at positions i and j of ncat. */
static double kappa_weight(int i, int j, int ncat, dl_kappa_weights weights)
{
    if (i == j)
        return 0.0;
    if (weights == DL_KAPPA_NONE)
        return 1.0;
    double d = fabs((double)(i - j)) / (double)(ncat - 1);
    return weights == DL_KAPPA_LINEAR ? d : d * d;
}

/* kappa = 1 - sum w_ij O_ij / sum w_ij E_ij with E_ij = row_i col_j / n, in
 * counts: 1 - n sum w O / sum w row col. */
int dl_stats_cohen_kappa(const int *r1, const int *r2, size_t n, int ncat, dl_kappa_weights weights,
                         double *kappa, const char **why)
{
    if (ncat < 1 || (unsigned)weights > DL_KAPPA_QUADRATIC || (n && (!r1 || !r2)))
        return kappa_undefined(kappa, why, "invalid arguments", DL_EINVAL);
    size_t nc = (size_t)ncat;
    size_t *conf = dl_calloc(nc * nc + 2 * nc, sizeof *conf);
    if (!conf)
        return kappa_undefined(kappa, why, "out of memory", DL_ENOMEM);
    size_t *row = conf + nc * nc, *col = row + nc, used = 0;
    for (size_t i = 0; i < n; i++) {
        if (r1[i] < 0 || r2[i] < 0)
            continue;
        if (r1[i] >= ncat || r2[i] >= ncat) {
            free(conf);
            return kappa_undefined(kappa, why, "a rating is outside the categories", DL_EINVAL);
        }
        conf[(size_t)r1[i] * nc + (size_t)r2[i]]++;
        row[r1[i]]++;
        col[r2[i]]++;
        used++;
    }
    double obs = 0, exp = 0;
    for (int i = 0; i < ncat; i++)
        for (int j = 0; j < ncat; j++) {
            double w = kappa_weight(i, j, ncat, weights);
            obs += w * (double)conf[(size_t)i * nc + (size_t)j];
            exp += w * (double)row[i] * (double)col[j];
        }
    free(conf);
    if (used == 0)
        return kappa_undefined(kappa, why, "no item rated by both", DL_EUNDEF);
    if (!(exp > 0))
        return kappa_undefined(kappa, why, "expected disagreement is 0 (one category only)",
                               DL_EUNDEF);
    *kappa = 1.0 - (double)used * obs / exp;
    return 0;
}

/* As statsmodels' fleiss_kappa(method="fleiss"): P_i = (sum_k n_ik^2 - r) /
 * (r (r - 1)), p_k = sum_i n_ik / (N r), kappa = (mean P_i - sum p_k^2) /
 * (1 - sum p_k^2). */
int dl_stats_fleiss_kappa(const int *counts, size_t nitems, int ncat, double *kappa,
                          const char **why)
{
    if (ncat < 1 || (nitems && !counts))
        return kappa_undefined(kappa, why, "invalid arguments", DL_EINVAL);
    if (nitems == 0)
        return kappa_undefined(kappa, why, "no items", DL_EUNDEF);
    size_t nc = (size_t)ncat;
    double *p = calloc(nc, sizeof *p);
    if (!p)
        return kappa_undefined(kappa, why, "out of memory", DL_ENOMEM);
    long raters = -1;
    double agree = 0;
    for (size_t i = 0; i < nitems; i++) {
        const int *c = counts + i * nc;
        long r = 0;
        double sq = 0;
        for (size_t k = 0; k < nc; k++) {
            if (c[k] < 0) {
                free(p);
                return kappa_undefined(kappa, why, "a count is negative", DL_EINVAL);
            }
            r += c[k];
            sq += (double)c[k] * (double)c[k];
            p[k] += c[k];
        }
        if (raters < 0)
            raters = r;
        if (r != raters || r < 2) {
            free(p);
            return kappa_undefined(
                kappa, why, "every item needs the same number of raters, at least 2", DL_EINVAL);
        }
        agree += (sq - (double)r) / ((double)r * (double)(r - 1));
    }
    double total = (double)nitems * (double)raters, chance = 0;
    for (size_t k = 0; k < nc; k++)
        chance += (p[k] / total) * (p[k] / total);
    free(p);
    if (!(chance < 1))
        return kappa_undefined(kappa, why, "expected agreement is 1 (one category only)",
                               DL_EUNDEF);
    *kappa = (agree / (double)nitems - chance) / (1.0 - chance);
    return 0;
}
