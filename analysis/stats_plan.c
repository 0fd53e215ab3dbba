/* stats_plan.c — planning before a lab books observers: trials for a 2AFC
 * observer to beat chance with a given power (exact binomial test), and
 * items for a given precision of error consistency (simulated from the copy
 * model of Klein et al. 2025). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dl_stats.h"
#include "stats_private.h"

/* P(X >= k), X ~ Binomial(n, p). */
static double binom_at_least(unsigned k, double p, unsigned n)
{
    if (k == 0)
        return 1.0;
    if (k > n)
        return 0.0;
    return gsl_cdf_binomial_Q(k - 1, p, n);
}

int dl_stats_power_2afc(unsigned n, double accuracy, double chance, double alpha,
                        unsigned *critical, double *power)
{
    *critical = 0;
    *power = NAN;
    if (n == 0 || !(accuracy >= 0 && accuracy <= 1) || !(chance > 0 && chance < 1) ||
        !(alpha > 0 && alpha < 1))
        return DL_EINVAL;
    /* The smallest k with P(X >= k | chance) <= alpha; n + 1 when even n of
     * n is not rare enough. The tail falls in k, so a binary search. */
    unsigned lo = 0, hi = n + 1;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (binom_at_least(mid, chance, n) <= alpha)
            hi = mid;
        else
            lo = mid + 1;
    }
    *critical = lo;
    *power = binom_at_least(lo, accuracy, n);
    return 0;
}

int dl_stats_plan_2afc(double accuracy, double chance, double alpha, double target, unsigned nmax,
                       dl_plan_2afc *out, const char **why)
{
    memset(out, 0, sizeof *out);
    out->power = NAN;
    if (!(target > 0 && target < 1) || nmax < 1 || !(accuracy >= 0 && accuracy <= 1) ||
        !(chance > 0 && chance < 1) || !(alpha > 0 && alpha < 1))
        return DL_EINVAL;
    unsigned crit;
    double pw;
    unsigned first = 0;
    for (unsigned n = 1; n <= nmax && !first; n++) {
        dl_stats_power_2afc(n, accuracy, chance, alpha, &crit, &pw);
        if (pw >= target)
            first = n;
    }
    if (!first) {
        if (why)
            *why = accuracy <= chance ? "the accuracy is not above chance"
                                      : "more trials than the limit would be needed";
        return DL_EUNDEF;
    }
    /* Power is not monotone in n (the critical count moves in whole steps),
     * so a slightly larger n can fall below the target again. Take the
     * smallest n from which it stays at or above the target, checked up to
     * 4 x first + 50 (the dips shrink as n grows). */
    unsigned long long check = 4ULL * first + 50;
    if (check > (unsigned long long)nmax + 1)
        check = (unsigned long long)nmax + 1;
    unsigned n_ok = first;
    for (unsigned n = first; n < check; n++) {
        dl_stats_power_2afc(n, accuracy, chance, alpha, &crit, &pw);
        if (pw < target)
            n_ok = n + 1;
    }
    out->first_n = first;
    out->n = n_ok;
    dl_stats_power_2afc(n_ok, accuracy, chance, alpha, &out->critical, &out->power);
    return 0;
}

/* ---- error consistency ------------------------------------------------------- */

/* The copy model: observer 1 is right with p1; observer 2 copies observer
 * 1's correctness with probability c, else is right with q. Observer 2's
 * accuracy is c p1 + (1 - c) q = p2 and the population kappa is
 * 2 c p1 (1 - p1) / (p1 + p2 - 2 p1 p2), so c and q follow from p1, p2 and
 * kappa. */
int dl_stats_copy_model(double p1, double p2, double kappa, double *copy, double *q,
                        const char **why)
{
    *copy = *q = NAN;
    if (!(p1 > 0 && p1 < 1) || !(p2 > 0 && p2 < 1) || !(kappa >= 0 && kappa <= 1)) {
        if (why)
            *why = "accuracies must lie strictly between 0 and 1 and kappa in [0, 1] (the copy "
                   "model makes no negative kappa)";
        return DL_EINVAL;
    }
    double c = kappa * (p1 + p2 - 2 * p1 * p2) / (2 * p1 * (1 - p1));
    double qq = c < 1 ? (p2 - c * p1) / (1 - c) : p2;
    if (c > 1 + 1e-12 || qq < -1e-12 || qq > 1 + 1e-12) {
        if (why)
            *why = "no copy model has these accuracies and this kappa (kappa is above what the "
                   "accuracies allow)";
        return DL_EINVAL;
    }
    *copy = c > 1 ? 1 : c;
    *q = qq < 0 ? 0 : qq > 1 ? 1 : qq;
    return 0;
}

static double unif(uint64_t key, uint64_t *k)
{
    return (double)(dl_mix64(key + (*k)++ * 0x9E3779B97F4A7C15ULL) >> 11) * 0x1.0p-53;
}

int dl_stats_ec_half_width(size_t n, const dl_plan_ec_opts *o, double *half_width, size_t *defined)
{
    *half_width = NAN;
    *defined = 0;
    double c, q;
    if (n == 0 || o->sims < 2 || !(o->conf_level > 0 && o->conf_level < 1) ||
        dl_stats_copy_model(o->p1, o->p2, o->kappa, &c, &q, NULL))
        return DL_EINVAL;
    double *k = dl_calloc(o->sims, sizeof *k);
    if (!k)
        return DL_ENOMEM;
    size_t nd = 0;
    for (size_t s = 0; s < o->sims; s++) {
        /* simulation s at n items has its own stream: the same seed gives
         * the same answer, and n's are comparable (common seeds). */
        uint64_t key = dl_mix64(dl_mix64(o->seed) ^ dl_mix64((uint64_t)s)), j = 0;
        size_t r1 = 0, r2 = 0, both = 0;
        for (size_t i = 0; i < n; i++) {
            int a = unif(key, &j) < o->p1;
            int b = unif(key, &j) < c ? a : unif(key, &j) < q;
            r1 += (size_t)a;
            r2 += (size_t)b;
            both += (size_t)(a & b);
        }
        dl_ec e;
        if (stats_ec_counts(n, r1, r2, both, DL_EC_BOUNDARY_UNDEFINED, &e) == 0)
            k[nd++] = e.kappa;
    }
    *defined = nd;
    if (nd >= 2) {
        double lo = dl_stats_percentile(k, nd, (1 - o->conf_level) / 2);
        double hi = dl_stats_percentile(k, nd, (1 + o->conf_level) / 2);
        *half_width = (hi - lo) / 2;
    }
    free(k);
    return nd >= 2 ? 0 : DL_EUNDEF;
}

int dl_stats_plan_ec(const dl_plan_ec_opts *o, dl_plan_ec *out, const char **why)
{
    memset(out, 0, sizeof *out);
    out->half_width = NAN;
    double q;
    int rc = dl_stats_copy_model(o->p1, o->p2, o->kappa, &out->copy_prob, &q, why);
    if (rc)
        return rc;
    if (!(o->half_width > 0) || o->nmax < 2 || o->sims < 2) {
        if (why)
            *why = "the half-width must be > 0, the limit >= 2 items and sims >= 2";
        return DL_EINVAL;
    }
    /* Double n until the half-width is small enough, then bisect. The
     * simulations of each n share seeds, so the half-width falls smoothly. */
    size_t lo = 1, hi = 8;
    double hw;
    size_t nd;
    for (;;) {
        rc = dl_stats_ec_half_width(hi, o, &hw, &nd);
        if (rc == DL_ENOMEM)
            return rc;
        if (rc == 0 && hw <= o->half_width)
            break;
        lo = hi;
        if (hi >= o->nmax) {
            if (why)
                *why = "more items than the limit would be needed";
            return DL_EUNDEF;
        }
        hi = hi * 2 > o->nmax ? o->nmax : hi * 2;
    }
    while (hi - lo > 1 && hi - lo > hi / 100) { /* to 1% of n */
        size_t mid = lo + (hi - lo) / 2;
        rc = dl_stats_ec_half_width(mid, o, &hw, &nd);
        if (rc == DL_ENOMEM)
            return rc;
        if (rc == 0 && hw <= o->half_width)
            hi = mid;
        else
            lo = mid;
    }
    out->n = hi;
    return dl_stats_ec_half_width(hi, o, &out->half_width, &out->sims_defined);
}
