/* stats_fisher.c — what two observers' accuracies alone allow: Fisher's exact
 * test of independence of their right/wrong answers, the kappa bounds of
 * Klein, Meyen, Brendel, Wichmann & Meding (2025) and the small-sample
 * corrected kappa. */
#include <math.h>

#include "dl_stats.h"
#include "stats_private.h"

/* The hypergeometric distribution of the top-left cell x with row total K,
 * column total D and grand total N: support [lo, hi]. */
typedef struct hyper {
    double N, K, D;
    uint64_t lo, hi;
} hyper;

/* P(x + 1) / P(x) and P(x - 1) / P(x). */
static double ratio_up(const hyper *h, uint64_t x)
{
    double dx = (double)x;
    return (h->K - dx) * (h->D - dx) / ((dx + 1.0) * (h->N - h->K - h->D + dx + 1.0));
}

static double ratio_down(const hyper *h, uint64_t x)
{
    double dx = (double)x;
    return dx * (h->N - h->K - h->D + dx) / ((h->K - dx + 1.0) * (h->D - dx + 1.0));
}

static double step_ratio(const hyper *h, uint64_t x, int dir)
{
    return dir > 0 ? ratio_up(h, x) : ratio_down(h, x);
}

static int at_end(const hyper *h, uint64_t x, int dir)
{
    return dir > 0 ? x >= h->hi : x <= h->lo;
}

/* Sum of the probabilities (relative to that of x0, which is v0) from x0
 * outward in direction dir. Past the mode the terms only shrink, so the walk
 * stops once they are far below double precision of the sum. */
static double walk_sum(const hyper *h, uint64_t x0, double v0, int dir)
{
    double sum = v0, v = v0;
    uint64_t x = x0;
    while (!at_end(h, x, dir)) {
        v *= step_ratio(h, x, dir);
        x = dir > 0 ? x + 1 : x - 1;
        sum += v;
        if (v < sum * 1e-20 || v == 0.0)
            break;
    }
    return sum;
}

/* The mode: start at the textbook value and climb while a neighbour is
 * more likely (the formula can be one off in doubles). */
static uint64_t hyper_mode(const hyper *h)
{
    double m = floor((h->K + 1.0) * (h->D + 1.0) / (h->N + 2.0));
    uint64_t x = m < (double)h->lo ? h->lo : m > (double)h->hi ? h->hi : (uint64_t)m;
    while (!at_end(h, x, 1) && ratio_up(h, x) > 1.0)
        x++;
    while (!at_end(h, x, -1) && ratio_down(h, x) > 1.0)
        x--;
    return x;
}

int dl_stats_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d, double *p_value)
{
    const uint64_t lim = 4294967295u;
    *p_value = NAN;
    if (a > lim || b > lim || c > lim || d > lim || a + b + c + d > lim)
        return DL_EINVAL;
    uint64_t n = a + b + c + d, k = a + b, dd = a + c;
    hyper h = {(double)n, (double)k, (double)dd, dd + k > n ? dd + k - n : 0, k < dd ? k : dd};
    if (h.lo == h.hi) {
        *p_value = 1.0;
        return 0;
    }
    uint64_t mode = hyper_mode(&h);
    /* log P(a) - log P(mode), by the recurrence from the mode. */
    int dir = a > mode ? 1 : -1;
    double lr = 0.0;
    for (uint64_t x = mode; x != a; x = dir > 0 ? x + 1 : x - 1)
        lr += log(step_ratio(&h, x, dir));
    const double tol = log1p(1e-7); /* R's relative tolerance */
    if (lr >= -tol) {
        *p_value = 1.0; /* a is (within tolerance) a mode: every table counts */
        return 0;
    }
    /* Denominator: all probabilities relative to the mode's. */
    double total = walk_sum(&h, mode, 1.0, 1) + walk_sum(&h, mode, 1.0, -1) - 1.0;
    /* Numerator relative to P(a). On a's side: a and everything beyond, plus
     * the tables between a and the mode within the tolerance of P(a). */
    double num = walk_sum(&h, a, 1.0, dir);
    double v = 1.0;
    for (uint64_t x = a; x != mode;) {
        v *= step_ratio(&h, x, -dir);
        x = dir > 0 ? x - 1 : x + 1;
        if (log(v) > tol)
            break;
        num += v;
    }
    /* The other side: from the mode outward to the first table no more
     * likely than a, then everything beyond it. */
    double lt = 0.0;
    uint64_t x = mode;
    int found = 0;
    while (!at_end(&h, x, -dir)) {
        lt += log(step_ratio(&h, x, -dir));
        x = dir > 0 ? x - 1 : x + 1;
        if (lt <= lr + tol) {
            found = 1;
            break;
        }
    }
    if (found)
        num += walk_sum(&h, x, exp(lt - lr), -dir);
    double p = exp(lr + log(num) - log(total));
    *p_value = p > 1.0 ? 1.0 : p;
    return 0;
}

int dl_stats_ec_test(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec_boundary boundary,
                     dl_ec_test *out)
{
    *out = (dl_ec_test){NAN, NAN, NAN, NAN};
    dl_ec e, lo, hi;
    const char *why;
    int rc = dl_stats_ec_counts(n, r1, r2, both_right, boundary, &e, &why);
    if (rc == DL_EINVAL || n == 0)
        return rc;
    /* The accuracies fix the margins; both_right can still range from
     * max(0, r1 + r2 - n) (errors as disjoint as possible) to min(r1, r2)
     * (as nested as possible): c_obs from |p1 + p2 - 1| to 1 - |p1 - p2|. */
    size_t bmin = r1 + r2 > n ? r1 + r2 - n : 0, bmax = r1 < r2 ? r1 : r2;
    stats_ec_counts(n, r1, r2, bmin, boundary, &lo);
    stats_ec_counts(n, r1, r2, bmax, boundary, &hi);
    out->kappa_min = lo.kappa;
    out->kappa_max = hi.kappa;
    double den = (double)(n - 1) + e.kappa;
    out->kappa_corrected = isnan(e.kappa) || den == 0.0 ? NAN : (double)n * e.kappa / den;
    int frc = dl_stats_fisher_exact(both_right, r1 - both_right, r2 - both_right,
                                    n - r1 - r2 + both_right, &out->p_value);
    return frc ? frc : rc;
}
