/* stats_alpha_plan.c — planning a rating study: how many units give
 * Krippendorff's alpha a confidence interval of a wanted width, simulated
 * from coders with a known population alpha.
 *
 * The generator: unit u has a latent value t_u ~ N(0, 1); coder c reports
 * t_u + e_uc with e_uc ~ N(0, s^2). At interval level the population alpha is
 * 1 / (1 + s^2) exactly. At the other levels the report is cut into K
 * categories of equal probability (cuts at the quantiles of N(0, 1 + s^2);
 * ratio: the categories 1..K), and s is found by bisection so that the alpha
 * of one very large sample (DL_PLAN_CALIB_UNITS units) equals the wanted
 * population alpha.
 *
 * For each candidate number of units, `sims` data sets are drawn and alpha
 * estimated on each; the width of the interval a study of that size would
 * see is the distance between the (1-conf)/2 and 1-(1-conf)/2 quantiles of
 * those estimates (the sampling distribution itself, which the bootstrap
 * interval of one study estimates). Data set i of size n draws from the
 * splitmix64 stream dl_boot_stream(seed, n * 2^20 + i): normals by
 * Box-Muller from consecutive words. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dl_stats.h"

enum { DL_PLAN_CALIB_UNITS = 20000 };

typedef struct plan_rng {
    uint64_t base, i;
} plan_rng;

static double plan_uniform(plan_rng *g)
{
    uint64_t x = dl_mix64(g->base + g->i++ * 0x9E3779B97F4A7C15ULL);
    return ((double)(x >> 11) + 0.5) * 0x1.0p-53; /* in (0, 1) */
}

static double plan_normal(plan_rng *g)
{
    double u = plan_uniform(g), v = plan_uniform(g);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* The reported value of latent x at the level (cuts has K - 1 entries). */
static double report(double x, const dl_alpha_plan_opts *o, const double *cuts)
{
    if (o->level == DL_LEVEL_INTERVAL)
        return x;
    int k = 0;
    while (k < o->categories - 1 && x > cuts[k])
        k++;
    return o->level == DL_LEVEL_RATIO ? k + 1 : k;
}

/* Alpha of one simulated data set of n units (data: coders x n scratch). */
static double simulate(const dl_alpha_plan_opts *o, double s, size_t n, uint64_t stream,
                       double *data, const char **why)
{
    double cuts[64];
    double sd = sqrt(1 + s * s);
    for (int k = 0; k < o->categories - 1; k++)
        cuts[k] = gsl_cdf_gaussian_Pinv((k + 1.0) / o->categories, sd);
    plan_rng g = {dl_boot_stream(o->seed, stream), 0};
    for (size_t u = 0; u < n; u++) {
        double t = plan_normal(&g);
        for (size_t c = 0; c < o->coders; c++)
            data[c * n + u] = report(t + s * plan_normal(&g), o, cuts);
    }
    dl_alpha a;
    int rc = dl_stats_kripp_alpha(data, o->coders, n, o->level, &a, why);
    return rc == 0 ? a.alpha : NAN;
}

/* Noise SD whose population alpha is o->alpha: closed form at interval level,
 * bisection on a large sample elsewhere (alpha falls as s grows). */
static int calibrate(const dl_alpha_plan_opts *o, double *data, double *s_out)
{
    double s = o->noise_sd > 0 ? o->noise_sd : sqrt(1 / o->alpha - 1);
    if (o->level != DL_LEVEL_INTERVAL && !(o->noise_sd > 0)) {
        double lo = 0.01, hi = 20;
        const char *why = NULL;
        for (int it = 0; it < 40; it++) {
            double mid = sqrt(lo * hi);
            double a = simulate(o, mid, DL_PLAN_CALIB_UNITS, UINT64_MAX, data, &why);
            if (isnan(a))
                return DL_EUNDEF;
            if (a > o->alpha)
                lo = mid;
            else
                hi = mid;
        }
        s = sqrt(lo * hi);
    }
    *s_out = s;
    return 0;
}

int dl_alpha_plan(const dl_alpha_plan_opts *o, const size_t *units, size_t nunits,
                  dl_alpha_plan_row *rows, double *noise_sd)
{
    if (!o || o->coders < 2 || o->coders > 1000 || !(o->alpha > 0 && o->alpha < 1) ||
        !(o->conf > 0 && o->conf < 1) || o->sims < 10 || (unsigned)o->level > DL_LEVEL_RATIO ||
        (o->level != DL_LEVEL_INTERVAL && (o->categories < 2 || o->categories > 64)))
        return DL_EINVAL;
    size_t most = o->noise_sd > 0 ? 2 : DL_PLAN_CALIB_UNITS;
    for (size_t i = 0; i < nunits; i++) {
        if (units[i] < 2 || units[i] > 1000000)
            return DL_EINVAL;
        most = units[i] > most ? units[i] : most;
    }
    double *data = dl_calloc(o->coders * most, sizeof *data);
    double *est = dl_calloc(o->sims, sizeof *est);
    double s = NAN;
    int rc = data && est ? calibrate(o, data, &s) : DL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < nunits; i++) {
        size_t n = units[i], k = 0;
        const char *why = NULL;
        double sum = 0;
        for (size_t d = 0; d < o->sims; d++) {
            double a = simulate(o, s, n, ((uint64_t)n << 20) + d, data, &why);
            if (!isnan(a)) {
                est[k++] = a;
                sum += a;
            }
        }
        qsort(est, k, sizeof *est, dl_cmp_double);
        rows[i].units = n;
        rows[i].undefined = o->sims - k;
        rows[i].mean_alpha = k ? sum / (double)k : NAN;
        rows[i].ci_low = dl_stats_quantile_sorted(est, k, (1 - o->conf) / 2);
        rows[i].ci_high = dl_stats_quantile_sorted(est, k, 1 - (1 - o->conf) / 2);
        rows[i].width = rows[i].ci_high - rows[i].ci_low;
    }
    if (noise_sd)
        *noise_sd = s;
    free(data);
    free(est);
    return rc;
}
