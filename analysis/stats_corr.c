/* stats_corr.c — Pearson r, Spearman rho (two-sided p via Student's t with
 * n - 2 degrees of freedom, as scipy.stats) and a descriptive summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dl_stats.h"

static int corr_undefined(dl_corr *out, const char **why, const char *reason, int rc)
{
    out->r = out->p_value = NAN;
    if (why)
        *why = reason;
    return rc;
}

/* Copy the pairs without a NaN into xs, ys; returns how many. */
static size_t complete_pairs(const double *x, const double *y, size_t n, double *xs, double *ys)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            xs[m] = x[i];
            ys[m++] = y[i];
        }
    return m;
}

/* Pearson r of complete pairs; p from t = r sqrt((n-2) / (1-r^2)). */
static int pearson_core(const double *x, const double *y, size_t n, dl_corr *out, const char **why)
{
    out->n = n;
    if (n < 2)
        return corr_undefined(out, why, "fewer than two complete pairs", DL_EUNDEF);
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (!(sxx > 0) || !(syy > 0))
        return corr_undefined(out, why, "a variable is constant", DL_EUNDEF);
    double r = sxy / sqrt(sxx * syy);
    r = r > 1 ? 1 : r < -1 ? -1 : r;
    out->r = r;
    double df = (double)n - 2, a = fabs(r);
    if (n == 2)
        out->p_value = 1.0; /* two points always lie on a line */
    else if (a == 1)
        out->p_value = 0.0;
    else /* P(|T| > |t|) for t = r sqrt(df / (1 - r^2)) as scipy writes it,
            2 I_{(1-|r|)/2}(df/2, df/2): GSL's tdist_Q loses digits in the far
            tail, the incomplete beta keeps them. */
        out->p_value = 2 * gsl_cdf_beta_P((1 - a) / 2, df / 2, df / 2);
    return 0;
}

int dl_stats_pearson(const double *x, const double *y, size_t n, dl_corr *out, const char **why)
{
    out->n = 0;
    double *xs = dl_calloc(n, sizeof *xs), *ys = dl_calloc(n, sizeof *ys);
    if (!xs || !ys) {
        free(xs);
        free(ys);
        return corr_undefined(out, why, "out of memory", DL_ENOMEM);
    }
    int rc = pearson_core(xs, ys, complete_pairs(x, y, n, xs, ys), out, why);
    free(xs);
    free(ys);
    return rc;
}

typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return (x > y) - (x < y);
}

/* Replace v[0..n-1] by their mid-ranks (1-based, ties averaged). */
static int midranks(double *v, size_t n)
{
    ranked *s = dl_calloc(n, sizeof *s);
    if (!s)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        s[i] = (ranked){v[i], i};
    qsort(s, n, sizeof *s, cmp_ranked);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && s[j].v == s[i].v)
            j++;
        double rank = ((double)i + 1 + (double)j) / 2; /* mean of i+1 .. j */
        for (size_t t = i; t < j; t++)
            v[s[t].i] = rank;
        i = j;
    }
    free(s);
    return 0;
}

int dl_stats_spearman(const double *x, const double *y, size_t n, dl_corr *out, const char **why)
{
    out->n = 0;
    double *xs = dl_calloc(n, sizeof *xs), *ys = dl_calloc(n, sizeof *ys);
    int rc = DL_ENOMEM;
    if (xs && ys) {
        size_t m = complete_pairs(x, y, n, xs, ys);
        if (midranks(xs, m) == 0 && midranks(ys, m) == 0)
            rc = pearson_core(xs, ys, m, out, why);
    }
    if (rc == DL_ENOMEM)
        corr_undefined(out, why, "out of memory", DL_ENOMEM);
    free(xs);
    free(ys);
    return rc;
}

void dl_stats_summary(const double *x, size_t n, dl_stats_summary_t *out)
{
    *out = (dl_stats_summary_t){0};
    out->mean = out->sd = out->min = out->max = out->median = NAN;
    double *s = dl_calloc(n, sizeof *s);
    size_t m = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        sum += x[i];
        if (s)
            s[m] = x[i];
        m++;
    }
    out->n = m;
    if (m == 0) {
        free(s);
        return;
    }
    out->mean = sum / (double)m;
    double ss = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        ss += (x[i] - out->mean) * (x[i] - out->mean);
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    out->min = lo;
    out->max = hi;
    if (m > 1)
        out->sd = sqrt(ss / (double)(m - 1));
    if (s) { /* without memory the median stays NaN */
        qsort(s, m, sizeof *s, dl_cmp_double);
        out->median = m % 2 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
        free(s);
    }
}
