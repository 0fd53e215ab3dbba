/* stats_binom.c — exact binomial test (as R's binom.test), Clopper-Pearson
 * intervals (Clopper & Pearson 1934), binomial and Poisson-binomial pmfs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dl_stats.h"

/* R's tolerance for "no more likely than the observed outcome". */
static const double REL_ERR = 1 + 1e-7;

/* Everything below works with log probabilities: for n in the millions the
 * tails GSL computes through its incomplete beta (a continued fraction with a
 * fixed number of terms) come back NaN or 1, and a p-value such as 10^-803
 * underflows any double. The pmf follows Loader (2000), "Fast and accurate
 * computation of binomial probabilities": Stirling's error terms and the
 * deviance bd0 avoid the cancellation of lgamma differences, so the log pmf
 * keeps its relative accuracy for every n up to 2^32 - 1. */

static const double LN_2PI = 1.8378770664093454836;
static const double LN_2 = 0.69314718055994530942;
static const double LN_10 = 2.30258509299404568402;

/* ln(n!) - ln(sqrt(2 pi n) (n/e)^n): direct for small n, otherwise the
 * asymptotic series 1/12n - 1/360n^3 + 1/1260n^5 - 1/1680n^7 + 1/1188n^9. */
static double stirlerr(double n)
{
    if (n <= 15)
        return lgamma(n + 1) - (n + 0.5) * log(n) + n - 0.5 * LN_2PI;
    double n2 = 1 / (n * n);
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - n2 / 1188) * n2) * n2) * n2) / n;
}

/* x ln(x / m) + m - x without cancellation when x is near m (Loader's bd0):
 * with v = (x - m)/(x + m) it is (x - m) v + 2 x sum_j v^(2j+1) / (2j+1). */
static double bd0(double x, double m)
{
    if (fabs(x - m) >= 0.1 * (x + m))
        return x * log(x / m) + m - x;
    double v = (x - m) / (x + m), s = (x - m) * v, ej = 2 * x * v, v2 = v * v;
    for (int j = 1; j < 1000; j++) {
        ej *= v2;
        double s1 = s + ej / (2 * j + 1);
        if (s1 == s)
            break;
        s = s1;
    }
    return s;
}

/* ln P(X = x) for X ~ Binomial(n, p), 0 < p < 1, 0 <= x <= n. */
static double lpmf(double x, double n, double p)
{
    double q = 1 - p;
    if (x == 0)
        return n * log1p(-p);
    if (x == n)
        return n * log(p);
    double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    return lc - 0.5 * (LN_2PI + log(x) + log1p(-x / n));
}

/* ln(e^a + e^b) and ln(1 - e^a), a <= 0, without overflow or cancellation. */
static double log_add(double a, double b)
{
    if (a < b) {
        double t = a;
        a = b;
        b = t;
    }
    return a == -INFINITY ? a : a + log1p(exp(b - a));
}

static double log1m_exp(double a)
{
    return a > -LN_2 ? log(-expm1(a)) : log1p(-exp(a));
}

/* The most likely outcome: the pmf rises up to it and falls after it. */
static double mode_of(double n, double p)
{
    double m = floor((n + 1) * p);
    return m > n ? n : m;
}

/* ln P(X >= k) (up = 1) or ln P(X <= k) (up = 0) for a k on the falling side
 * of the pmf (k >= mode for up, k <= mode otherwise). The terms are summed
 * outwards as multiples of pmf(k), each from the last by the ratio of
 * neighbours, and the sum stops once the rest is below 1e-17 of it: the
 * ratios only shrink, so the rest is at most t r / (1 - r). That is about ten
 * standard deviations of terms at most (some 3e5 for n = 2^32), never n. The
 * term is recomputed from the pmf now and then so rounding cannot drift. */
static double log_tail_sum(double k, double n, double p, int up)
{
    double lk = lpmf(k, n, p), odds = p / (1 - p);
    double s = 1, t = 1;
    for (double i = k, steps = 1;; steps++) {
        double r = up ? (n - i) / (i + 1) * odds : i / (n - i + 1) / odds;
        i += up ? 1 : -1;
        if (i < 0 || i > n || r == 0)
            break;
        t = fmod(steps, 4096) == 0 ? exp(lpmf(i, n, p) - lk) : t * r;
        s += t;
        if (r < 1 && t * r / (1 - r) < s * 1e-17)
            break;
    }
    return lk + log(s);
}

/* ln P(X <= k) and ln P(X >= k), for any k (also below 0 or above n). */
static double log_cdf(double k, double n, double p)
{
    if (k < 0)
        return -INFINITY;
    if (k >= n)
        return 0;
    if (k <= mode_of(n, p))
        return log_tail_sum(k, n, p, 0);
    return log1m_exp(log_tail_sum(k + 1, n, p, 1));
}

static double log_sf(double k, double n, double p) /* P(X >= k) */
{
    if (k <= 0)
        return 0;
    if (k > n)
        return -INFINITY;
    if (k >= mode_of(n, p))
        return log_tail_sum(k, n, p, 1);
    return log1m_exp(log_tail_sum(k - 1, n, p, 0));
}

/* The first i in [lo, hi] with ln pmf(i) <= ld where the pmf falls over the
 * range (falling = 1), or the first with ln pmf(i) > ld where it rises;
 * hi + 1 if there is none. A binary search on the exact log pmf, as scipy's
 * binomtest; R counts the outcomes one by one, which takes n steps. */
static double first_crossing(double lo, double hi, double ld, double n, double p, int falling)
{
    double a = lo, b = hi + 1;
    while (a < b) {
        double mid = floor(a + (b - a) / 2);
        double l = lpmf(mid, n, p);
        if (falling ? l <= ld : l > ld)
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

/* ln of the two-sided p: the probability of every outcome no more likely than
 * k, found as the tail at k plus the tail beyond the first outcome on the
 * other side of the mean that is no more likely (R's rule). */
static double log_two_sided_p(double k, double n, double p)
{
    double ld = lpmf(k, n, p) + log(REL_ERR);
    double m = n * p;
    if (k == m)
        return 0;
    double lp;
    if (k < m) {
        double y = first_crossing(ceil(m), n, ld, n, p, 1);
        lp = log_add(log_cdf(k, n, p), log_sf(y, n, p));
    } else {
        double y = first_crossing(0, floor(m), ld, n, p, 0); /* outcomes 0..y-1 count */
        lp = log_add(log_cdf(y - 1, n, p), log_sf(k, n, p));
    }
    return lp < 0 ? lp : 0;
}

/* x in (0, 1) where ln P(X >= k | x) (lower limit) or ln P(X <= k | x) (upper
 * limit) equals ln alpha: the Clopper-Pearson limits, which are Beta
 * quantiles, found through the binomial tails they are defined by. Bisection
 * on t = logit(x) needs nothing but the sign and converges for every n,
 * also where GSL's beta quantile gives up ("inverse failed to converge"). */
static double cp_limit(double k, double n, double alpha, int upper)
{
    double la = log(alpha);
    double lo = -710, hi = 710; /* logistic() of these is 0 and 1 in doubles */
    for (int it = 0; it < 200; it++) {
        double t = lo + (hi - lo) / 2;
        if (t == lo || t == hi)
            break;
        double x = 1 / (1 + exp(-t));
        if (x <= 0 || x >= 1) { /* both limits lie inside (0, 1) */
            *(x <= 0 ? &lo : &hi) = t;
            continue;
        }
        /* P(X >= k) grows with x, P(X <= k) shrinks */
        double tail = upper ? log_cdf(k, n, x) : log_sf(k, n, x);
        if ((tail < la) != (upper != 0))
            lo = t;
        else
            hi = t;
    }
    return 1 / (1 + exp(-(lo + (hi - lo) / 2)));
}

/* Lower and upper Clopper-Pearson limits, each at one-sided level alpha. */
static double cp_lower(unsigned k, unsigned n, double alpha)
{
    return k == 0 ? 0.0 : cp_limit(k, n, alpha, 0);
}

static double cp_upper(unsigned k, unsigned n, double alpha)
{
    return k == n ? 1.0 : cp_limit(k, n, alpha, 1);
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

/* ln p at p0 = 0 or 1, where every trial has the same outcome: p is 1 when
 * k is that outcome or lies on the tested side of it, else exactly 0. */
static double log_p_degenerate(unsigned k, unsigned n, double p0, dl_alternative alt)
{
    unsigned sure = p0 == 0 ? 0 : n;
    int ok = k == sure || (alt == DL_ALT_GREATER && k < sure) || (alt == DL_ALT_LESS && k > sure);
    return ok ? 0 : -INFINITY;
}

int dl_stats_binom_test(unsigned k, unsigned n, double p0, dl_alternative alt, double conf_level,
                        dl_binom *out)
{
    *out = (dl_binom){.k = k, .n = n, .p0 = p0, .conf_level = conf_level};
    out->estimate = out->p_value = out->log10_p = out->ci_low = out->ci_high = NAN;
    if (k > n || !(p0 >= 0 && p0 <= 1) || !(conf_level > 0 && conf_level < 1) ||
        (unsigned)alt > DL_ALT_LESS)
        return DL_EINVAL;
    if (n == 0)
        return DL_EUNDEF;
    out->estimate = (double)k / (double)n;
    double alpha = 1 - conf_level, lp;
    if (p0 == 0 || p0 == 1)
        lp = log_p_degenerate(k, n, p0, alt);
    else if (alt == DL_ALT_GREATER)
        lp = log_sf(k, n, p0);
    else if (alt == DL_ALT_LESS)
        lp = log_cdf(k, n, p0);
    else
        lp = log_two_sided_p(k, n, p0);
    out->p_value = exp(lp);
    out->log10_p = lp / LN_10;
    switch (alt) {
    case DL_ALT_GREATER:
        out->ci_low = cp_lower(k, n, alpha);
        out->ci_high = 1.0;
        break;
    case DL_ALT_LESS:
        out->ci_low = 0.0;
        out->ci_high = cp_upper(k, n, alpha);
        break;
    default:
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
