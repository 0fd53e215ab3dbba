/* stats_binom.c — exact binomial test (as R's binom.test), Clopper-Pearson
 * intervals (Clopper & Pearson 1934), binomial and Poisson-binomial pmfs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "dl_stats.h"

/* R's tolerance for "no more likely than the observed outcome". */
static const double REL_ERR = 1 + 1e-7;

/* P(X <= k) and P(X > k) for X ~ Binomial(n, p); k may be -1 or >= n. */
static double binom_cdf(long k, double p, unsigned n)
{
    if (k < 0)
        return 0.0;
    if (k >= (long)n)
        return 1.0;
    return gsl_cdf_binomial_P((unsigned)k, p, n);
}

static double binom_sf(long k, double p, unsigned n)
{
    if (k < 0)
        return 1.0;
    if (k >= (long)n)
        return 0.0;
    return gsl_cdf_binomial_Q((unsigned)k, p, n);
}

/* Number of outcomes in [lo, hi] whose pmf is <= d, where the pmf falls
 * monotonically from lo to hi (falling = 1) or rises (falling = 0). A binary
 * search, as scipy's binomtest; R counts them one by one. */
static long count_unlikely(long lo, long hi, double d, double p, unsigned n, int falling)
{
    long a = lo, b = hi + 1; /* falling: first i with pmf <= d lies in [a, b] */
    if (falling) {
        while (a < b) {
            long mid = a + (b - a) / 2;
            if (gsl_ran_binomial_pdf((unsigned)mid, p, n) <= d)
                b = mid;
            else
                a = mid + 1;
        }
        return hi + 1 - a;
    }
    while (a < b) { /* rising: first i with pmf > d */
        long mid = a + (b - a) / 2;
        if (gsl_ran_binomial_pdf((unsigned)mid, p, n) > d)
            b = mid;
        else
            a = mid + 1;
    }
    return a - lo;
}

static double two_sided_p(unsigned k, unsigned n, double p)
{
    double d = gsl_ran_binomial_pdf(k, p, n) * REL_ERR;
    double m = (double)n * p;
    if ((double)k == m)
        return 1.0;
    double pv;
    if ((double)k < m) {
        long y = count_unlikely((long)ceil(m), (long)n, d, p, n, 1);
        pv = binom_cdf(k, p, n) + binom_sf((long)n - y, p, n);
    } else {
        long y = count_unlikely(0, (long)floor(m), d, p, n, 0);
        pv = binom_cdf(y - 1, p, n) + binom_sf((long)k - 1, p, n);
    }
    return pv < 1.0 ? pv : 1.0;
}

/* x in (0, 1) with P(Beta(a, b) <= x) = alpha (lower) or P(Beta(a, b) > x)
 * = alpha (upper): bisection on t = logit(x), which needs nothing but the
 * sign of the GSL cdf and converges in every case, down to limits near
 * 1e-300. (gsl_cdf_beta_Pinv gives up on some Clopper-Pearson limits with
 * "inverse failed to converge", which would abort the program.) */
static double beta_quantile(double alpha, double a, double b, int upper)
{
    double lo = -710, hi = 710; /* logistic() of these is 0 and 1 in doubles */
    for (int it = 0; it < 200; it++) {
        double t = lo + (hi - lo) / 2;
        if (t == lo || t == hi)
            break;
        double x = 1 / (1 + exp(-t));
        double tail = upper ? gsl_cdf_beta_Q(x, a, b) : gsl_cdf_beta_P(x, a, b);
        /* lower tail grows with x, upper tail shrinks */
        if ((tail < alpha) != (upper != 0))
            lo = t;
        else
            hi = t;
    }
    return 1 / (1 + exp(-(lo + (hi - lo) / 2)));
}

/* Lower and upper Clopper-Pearson limits, each at one-sided level alpha. */
static double cp_lower(unsigned k, unsigned n, double alpha)
{
    return k == 0 ? 0.0 : beta_quantile(alpha, k, (double)(n - k) + 1, 0);
}

static double cp_upper(unsigned k, unsigned n, double alpha)
{
    return k == n ? 1.0 : beta_quantile(alpha, (double)k + 1, (double)(n - k), 1);
}

int dl_stats_clopper_pearson(unsigned k, unsigned n, double conf_level, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (k > n || !(conf_level > 0 && conf_level < 1))
        return DL_EINVAL;
    if (n == 0)
        return DL_EUNDEF;
    double alpha = (1 - conf_level) / 2;
    *lo = cp_lower(k, n, alpha);
    *hi = cp_upper(k, n, alpha);
    return 0;
}

int dl_stats_binom_test(unsigned k, unsigned n, double p0, dl_alternative alt, double conf_level,
                        dl_binom *out)
{
    *out = (dl_binom){.k = k, .n = n, .p0 = p0, .conf_level = conf_level};
    out->estimate = out->p_value = out->ci_low = out->ci_high = NAN;
    if (k > n || !(p0 >= 0 && p0 <= 1) || !(conf_level > 0 && conf_level < 1) ||
        (unsigned)alt > DL_ALT_LESS)
        return DL_EINVAL;
    if (n == 0)
        return DL_EUNDEF;
    out->estimate = (double)k / (double)n;
    double alpha = 1 - conf_level;
    switch (alt) {
    case DL_ALT_GREATER:
        out->p_value = binom_sf((long)k - 1, p0, n);
        out->ci_low = cp_lower(k, n, alpha);
        out->ci_high = 1.0;
        break;
    case DL_ALT_LESS:
        out->p_value = binom_cdf(k, p0, n);
        out->ci_low = 0.0;
        out->ci_high = cp_upper(k, n, alpha);
        break;
    default:
        out->p_value = two_sided_p(k, n, p0);
        out->ci_low = cp_lower(k, n, alpha / 2);
        out->ci_high = cp_upper(k, n, alpha / 2);
        break;
    }
    return 0;
}

int dl_stats_binom_pmf(unsigned m, double p, double *pmf)
{
    if (!(p >= 0 && p <= 1) || !pmf)
        return DL_EINVAL;
    for (unsigned j = 0; j <= m; j++)
        pmf[j] = gsl_ran_binomial_pdf(j, p, m);
    return 0;
}

/* pmf^(i)[j] = pmf^(i-1)[j] (1 - p_i) + pmf^(i-1)[j-1] p_i, in place from
 * the top so each step reads the previous row. */
int dl_stats_poisson_binom_pmf(const double *acc, unsigned m, double *pmf)
{
    if (!pmf || (m && !acc))
        return DL_EINVAL;
    for (unsigned i = 0; i < m; i++)
        if (!(acc[i] >= 0 && acc[i] <= 1))
            return DL_EINVAL;
    memset(pmf, 0, ((size_t)m + 1) * sizeof *pmf);
    pmf[0] = 1.0;
    for (unsigned i = 0; i < m; i++) {
        double p = acc[i], q = 1.0 - p;
        pmf[i + 1] = pmf[i] * p;
        for (unsigned j = i; j > 0; j--)
            pmf[j] = pmf[j] * q + pmf[j - 1] * p;
        pmf[0] *= q;
    }
    return 0;
}
