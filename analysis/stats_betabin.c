/* stats_betabin.c — how dichotomous a data set is, as one number: a
 * beta-binomial fitted by maximum likelihood to the histogram of "models
 * correct" per image, and its intra-class correlation rho = 1 / (a + b + 1).
 *
 * If every image had its own probability p of being classified correctly,
 * drawn from Beta(a, b), and M models were independent given p, the number
 * correct would be Beta-Binomial(M, a, b). rho is the correlation between two
 * models' correctness on the same image: 0 when all images are equally hard
 * (binomial), 1 when every image is all-correct or all-wrong (dichotomous).
 *
 * The log-likelihood sum_k h_k [ln B(k + a, M - k + b) - ln B(a, b)] (plus a
 * constant) is maximised over (ln a, ln b) with GSL's BFGS and the analytic
 * gradient, from a Nelder-Mead start. The interval resamples images: a
 * replicate histogram is Multinomial(N, h / N), refitted; the percentile
 * interval of rho. Replicate b's generator is GSL mt19937 seeded with
 * dl_boot_stream(seed, b), so the interval does not depend on threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "dl_stats.h"

typedef struct bb_data {
    const double *h;
    unsigned m;
    double n;
} bb_data;

/* Largest |ln a|, |ln b| searched: beyond, the fit is binomial (rho ~ 0) or
 * fully dichotomous. */
#define LN_MAX 25.0

static double bb_nll(const gsl_vector *t, void *p)
{
    const bb_data *d = p;
    double la = gsl_vector_get(t, 0), lb = gsl_vector_get(t, 1);
    if (fabs(la) > LN_MAX || fabs(lb) > LN_MAX)
        return GSL_POSINF;
    double a = exp(la), b = exp(lb), s = 0;
    for (unsigned k = 0; k <= d->m; k++)
        if (d->h[k] > 0)
            s += d->h[k] * gsl_sf_lnbeta(k + a, d->m - k + b);
    return -(s - d->n * gsl_sf_lnbeta(a, b));
}

static void bb_grad(const gsl_vector *t, void *p, gsl_vector *g)
{
    const bb_data *d = p;
    double a = exp(gsl_vector_get(t, 0)), b = exp(gsl_vector_get(t, 1));
    double ga = 0, gb = 0, pab = gsl_sf_psi(d->m + a + b);
    for (unsigned k = 0; k <= d->m; k++)
        if (d->h[k] > 0) {
            ga += d->h[k] * (gsl_sf_psi(k + a) - pab);
            gb += d->h[k] * (gsl_sf_psi(d->m - k + b) - pab);
        }
    double pn = gsl_sf_psi(a + b);
    ga -= d->n * (gsl_sf_psi(a) - pn);
    gb -= d->n * (gsl_sf_psi(b) - pn);
    gsl_vector_set(g, 0, -ga * a); /* d/d ln a = a d/da */
    gsl_vector_set(g, 1, -gb * b);
}

static void bb_fdf(const gsl_vector *t, void *p, double *f, gsl_vector *g)
{
    *f = bb_nll(t, p);
    bb_grad(t, p, g);
}

/* Nelder-Mead from the method-of-moments start, then BFGS to polish. */
static int bb_minimise(bb_data *d, double *la, double *lb)
{
    const gsl_multimin_fminimizer_type *nm = gsl_multimin_fminimizer_nmsimplex2;
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(nm, 2);
    gsl_multimin_fdfminimizer *q =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, 2);
    gsl_vector *x = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
    int rc = DL_ENOMEM;
    if (!s || !q || !x || !step)
        goto done;
    gsl_vector_set(x, 0, *la);
    gsl_vector_set(x, 1, *lb);
    gsl_vector_set_all(step, 0.5);
    gsl_multimin_function f = {bb_nll, 2, d};
    gsl_multimin_fminimizer_set(s, &f, x, step);
    for (int it = 0; it < 2000; it++) {
        if (gsl_multimin_fminimizer_iterate(s))
            break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-9) == GSL_SUCCESS)
            break;
    }
    gsl_vector_memcpy(x, s->x);
    gsl_multimin_function_fdf fd = {bb_nll, bb_grad, bb_fdf, 2, d};
    if (isfinite(bb_nll(x, d))) {
        gsl_multimin_fdfminimizer_set(q, &fd, x, 0.01, 0.1);
        for (int it = 0; it < 200; it++) {
            if (gsl_multimin_fdfminimizer_iterate(q))
                break;
            if (gsl_multimin_test_gradient(q->gradient, 1e-9 * (1 + d->n)) == GSL_SUCCESS)
                break;
        }
        if (q->f <= s->fval)
            gsl_vector_memcpy(x, q->x);
    }
    *la = gsl_vector_get(x, 0);
    *lb = gsl_vector_get(x, 1);
    rc = 0;
done:
    gsl_multimin_fminimizer_free(s);
    gsl_multimin_fdfminimizer_free(q);
    gsl_vector_free(x);
    gsl_vector_free(step);
    return rc;
}

static int bb_fit(const double *h, unsigned m, dl_betabin *out)
{
    bb_data d = {h, m, 0};
    double mean = 0, sq = 0;
    for (unsigned k = 0; k <= m; k++) {
        d.n += h[k];
        mean += h[k] * k;
        sq += h[k] * (double)k * k;
    }
    out->a = out->b = out->rho = out->loglik = NAN;
    if (m < 1 || !(d.n > 0))
        return DL_EUNDEF;
    mean /= d.n;
    double p = mean / m, var = sq / d.n - mean * mean;
    if (p <= 0 || p >= 1)
        return DL_EUNDEF; /* every image all wrong or all right: no fit */
    double rho0 = m > 1 ? (var / (m * p * (1 - p)) - 1) / (m - 1) : 0.5;
    rho0 = rho0 < 1e-3 ? 1e-3 : rho0 > 0.999 ? 0.999 : rho0;
    double ab = 1 / rho0 - 1, la = log(p * ab), lb = log((1 - p) * ab);
    int rc = bb_minimise(&d, &la, &lb);
    if (rc)
        return rc;
    out->a = exp(la);
    out->b = exp(lb);
    out->rho = 1 / (out->a + out->b + 1);
    out->loglik = 0;
    for (unsigned k = 0; k <= m; k++)
        if (h[k] > 0)
            out->loglik +=
                h[k] * (gsl_sf_lnchoose(m, k) + gsl_sf_lnbeta(k + out->a, m - k + out->b) -
                        gsl_sf_lnbeta(out->a, out->b));
    return 0;
}

int dl_stats_betabin_fit(const double *hist, unsigned m, dl_betabin *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned k = 0; k <= m; k++)
        if (!(hist[k] >= 0) || !isfinite(hist[k]))
            return DL_EINVAL;
    return bb_fit(hist, m, out);
}

int dl_stats_betabin_boot(const double *hist, unsigned m, size_t replicates, uint64_t seed,
                          double conf, double *rho_low, double *rho_high)
{
    *rho_low = *rho_high = NAN;
    if (replicates == 0 || !(conf > 0 && conf < 1))
        return DL_EINVAL;
    double n = 0;
    for (unsigned k = 0; k <= m; k++)
        n += hist[k];
    if (!(n > 0) || n > 4e9)
        return DL_EINVAL;
    double *rep = dl_calloc(replicates, sizeof *rep), *h = dl_calloc(m + 1, sizeof *h);
    unsigned *cnt = dl_calloc(m + 1, sizeof *cnt);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = rep && h && cnt && rng ? 0 : DL_ENOMEM;
    size_t k = 0;
    for (size_t r = 0; rc == 0 && r < replicates; r++) {
        gsl_rng_set(rng, (unsigned long)dl_boot_stream(seed, r));
        gsl_ran_multinomial(rng, m + 1, (unsigned)n, hist, cnt);
        for (unsigned j = 0; j <= m; j++)
            h[j] = cnt[j];
        dl_betabin f;
        int frc = bb_fit(h, m, &f);
        if (frc == DL_ENOMEM)
            rc = frc;
        else if (frc == 0)
            rep[k++] = f.rho;
    }
    if (rc == 0 && k > 0) {
        qsort(rep, k, sizeof *rep, dl_cmp_double);
        *rho_low = dl_stats_quantile_sorted(rep, k, (1 - conf) / 2);
        *rho_high = dl_stats_quantile_sorted(rep, k, 1 - (1 - conf) / 2);
    } else if (rc == 0) {
        rc = DL_EUNDEF;
    }
    gsl_rng_free(rng);
    free(rep);
    free(h);
    free(cnt);
    return rc;
}
