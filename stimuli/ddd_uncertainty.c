/* ddd_uncertainty.c — how sure the DDD measures are (`stimuli analyse
 * --bootstrap N`): intervals for the trivial / in-between / impossible
 * fractions by resampling models and, separately, images; a pointwise band
 * around the binomial and Poisson-binomial expectations of the histogram;
 * the beta-binomial intra-class correlation rho with an interval by
 * resampling images. The numerics are the statistics core's (dl_stats.h);
 * docs/statistics.md defines each. */
#include "dl_stimuli.h"
#include "stimuli_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dl_stimuli_ddd_unc_free(dl_stimuli_ddd_unc *u)
{
    if (!u)
        return;
    free(u->binom_lo);
    free(u->binom_hi);
    free(u->pb_lo);
    free(u->pb_hi);
    memset(u, 0, sizeof *u);
}

static int bands(const dl_stimuli_analysis *a, dl_stimuli_ddd_unc *u)
{
    unsigned m = a->m;
    size_t n = a->res->nimages;
    double *pmf = dl_calloc(m + 1, sizeof *pmf);
    u->binom_lo = dl_calloc(m + 1, sizeof *u->binom_lo);
    u->binom_hi = dl_calloc(m + 1, sizeof *u->binom_hi);
    int rc = pmf && u->binom_lo && u->binom_hi ? 0 : DL_ENOMEM;
    for (unsigned k = 0; rc == 0 && k <= m; k++)
        pmf[k] = a->binomial_expected[k] / (double)n;
    if (rc == 0)
        rc = dl_stats_ddd_band(pmf, m, n, u->conf, u->binom_lo, u->binom_hi);
    if (rc == 0 && a->poisson_binomial_expected) {
        u->pb_lo = dl_calloc(m + 1, sizeof *u->pb_lo);
        u->pb_hi = dl_calloc(m + 1, sizeof *u->pb_hi);
        rc = u->pb_lo && u->pb_hi ? 0 : DL_ENOMEM;
        for (unsigned k = 0; rc == 0 && k <= m; k++)
            pmf[k] = a->poisson_binomial_expected[k] / (double)n;
        if (rc == 0)
            rc = dl_stats_ddd_band(pmf, m, n, u->conf, u->pb_lo, u->pb_hi);
    }
    free(pmf);
    return rc;
}

int dl_stimuli_ddd_uncertainty(const dl_stimuli_analysis *a, size_t replicates, uint64_t seed,
                               double conf, dl_stimuli_ddd_unc *u, dl_error *err)
{
    const dl_stimuli_results *r = a->res;
    memset(u, 0, sizeof *u);
    u->replicates = replicates;
    u->seed = seed;
    u->conf = conf;
    u->rho_low = u->rho_high = NAN;
    int rc = bands(a, u);
    if (rc == 0 && r->correct) {
        u->has_models = 1;
        rc = dl_stats_ddd_split_boot(r->correct, r->n_correct, r->nimages, a->m, a->near,
                                     DL_DDD_RESAMPLE_MODELS, replicates, seed, conf, &u->by_models);
    }
    if (rc == 0)
        rc = dl_stats_ddd_split_boot(r->correct, r->n_correct, r->nimages, a->m, a->near,
                                     DL_DDD_RESAMPLE_IMAGES, replicates, seed, conf, &u->by_images);
    double *h = dl_calloc(a->m + 1, sizeof *h);
    if (rc == 0 && !h)
        rc = DL_ENOMEM;
    for (unsigned k = 0; rc == 0 && k <= a->m; k++)
        h[k] = (double)a->histogram[k];
    if (rc == 0) {
        u->betabin_rc = dl_stats_betabin_fit(h, a->m, &u->betabin);
        if (u->betabin_rc == 0 && dl_stats_betabin_boot(h, a->m, replicates, seed, conf,
                                                        &u->rho_low, &u->rho_high) == DL_ENOMEM)
            rc = DL_ENOMEM;
    }
    free(h);
    if (rc) {
        dl_stimuli_ddd_unc_free(u);
        return dl_fail(err, rc, "%s: uncertainty of the analysis failed: %s", r->path,
                       dl_strerror(rc));
    }
    return 0;
}

/* An interval as the JSON array [low, high]. */
static void json_interval(dl_json *j, double low, double high)
{
    dl_json_array_begin(j);
    dl_json_number(j, low);
    dl_json_number(j, high);
    dl_json_array_end(j);
}

static void json_split_ci(dl_json *j, const char *key, const dl_ddd_split_ci *ci)
{
    static const dl_stats_difficulty order[3] = STIM_DISPLAY_ORDER;
    dl_json_key(j, key);
    dl_json_object_begin(j);
    for (int c = 0; c < 3; c++) {
        dl_json_key(j, stim_difficulty_key(order[c]));
        json_interval(j, ci->low[order[c]], ci->high[order[c]]);
    }
    dl_json_object_end(j);
}

static void json_band(dl_json *j, const char *key, const double *lo, const double *hi, unsigned m)
{
    dl_json_key(j, key);
    if (!lo) {
        dl_json_null(j);
        return;
    }
    dl_json_array_begin(j);
    for (unsigned k = 0; k <= m; k++)
        json_interval(j, lo[k], hi[k]);
    dl_json_array_end(j);
}

void dl_stimuli_ddd_unc_json(const dl_stimuli_ddd_unc *u, unsigned m, dl_json *j)
{
    dl_json_key(j, "uncertainty");
    dl_json_object_begin(j);
    dl_json_key(j, "replicates");
    dl_json_int(j, (long long)u->replicates);
    dl_json_key(j, "seed");
    dl_json_int(j, (long long)u->seed);
    dl_json_key(j, "conf");
    dl_json_number(j, u->conf);
    dl_json_key(j, "interval");
    dl_json_string(j, "percentile");
    dl_json_key(j, "split_by_models");
    if (u->has_models) {
        dl_json_object_begin(j);
        json_split_ci(j, "fraction_ci", &u->by_models);
        dl_json_object_end(j);
    } else {
        dl_json_null(j);
    }
    dl_json_key(j, "split_by_images");
    dl_json_object_begin(j);
    json_split_ci(j, "fraction_ci", &u->by_images);
    dl_json_object_end(j);
    json_band(j, "binomial_band", u->binom_lo, u->binom_hi, m);
    json_band(j, "poisson_binomial_band", u->pb_lo, u->pb_hi, m);
    dl_json_key(j, "beta_binomial");
    dl_json_object_begin(j);
    dl_json_key(j, "a");
    dl_json_number(j, u->betabin.a);
    dl_json_key(j, "b");
    dl_json_number(j, u->betabin.b);
    dl_json_key(j, "rho");
    dl_json_number(j, u->betabin.rho);
    dl_json_key(j, "rho_ci_low");
    dl_json_number(j, u->rho_low);
    dl_json_key(j, "rho_ci_high");
    dl_json_number(j, u->rho_high);
    dl_json_key(j, "rho_interval");
    dl_json_string(j, "bootstrap over images");
    dl_json_object_end(j);
    dl_json_object_end(j);
}

/* ---- uncertainty.csv ------------------------------------------------------------ */

static void csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NA", f);
    else
        fprintf(f, "%.10g", v);
}

static void csv_row(FILE *f, const dl_stimuli_ddd_unc *u, const char *measure, long k,
                    const char *resampling, double est, double lo, double hi, const char *interval)
{
    fprintf(f, "%s,", measure);
    if (k >= 0)
        fprintf(f, "%ld", k);
    fprintf(f, ",%s,", resampling);
    csv_num(f, est);
    fputc(',', f);
    csv_num(f, lo);
    fputc(',', f);
    csv_num(f, hi);
    fprintf(f, ",%s,%zu,%llu,%g\n", interval, u->replicates, (unsigned long long)u->seed, u->conf);
}

static void write_unc(FILE *f, const dl_stimuli_analysis *a, const dl_stimuli_ddd_unc *u)
{
    static const dl_stats_difficulty order[3] = STIM_DISPLAY_ORDER;
    double n = (double)a->res->nimages;
    fputs("measure,models_correct,resampling,estimate,low,high,interval,replicates,seed,conf\n", f);
    for (int i = 0; i < 3; i++) {
        dl_stats_difficulty c = order[i];
        char measure[32];
        snprintf(measure, sizeof measure, "split_%s", stim_difficulty_key(c));
        double est = (double)stim_split_count(a, c) / n;
        if (u->has_models)
            csv_row(f, u, measure, -1, "models", est, u->by_models.low[c], u->by_models.high[c],
                    "percentile");
        csv_row(f, u, measure, -1, "images", est, u->by_images.low[c], u->by_images.high[c],
                "percentile");
    }
    csv_row(f, u, "beta_binomial_rho", -1, "images", u->betabin.rho, u->rho_low, u->rho_high,
            "percentile");
    for (unsigned k = 0; k <= a->m; k++) {
        csv_row(f, u, "binomial_band", k, "", a->binomial_expected[k], u->binom_lo[k],
                u->binom_hi[k], "pointwise");
        if (u->pb_lo)
            csv_row(f, u, "poisson_binomial_band", k, "", a->poisson_binomial_expected[k],
                    u->pb_lo[k], u->pb_hi[k], "pointwise");
    }
}

int dl_stimuli_ddd_unc_write(const dl_stimuli_analysis *a, const dl_stimuli_ddd_unc *u,
                             const char *dir, dl_error *err)
{
    char *path = dl_path_join(dir, "uncertainty.csv");
    if (!path)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", dir);
    dl_atomic at;
    int rc = dl_atomic_open(&at, path, err);
    free(path);
    if (rc)
        return rc;
    write_unc(at.fp, a, u);
    if ((rc = dl_atomic_commit(&at, err)) != 0)
        dl_atomic_abort(&at);
    return rc;
}
