/* ddd_ec.c — error consistency between models in `stimuli analyse`: the
 * kappa matrices on all and on in-between images with the counts behind
 * them (so every pair's bounds, Fisher p and the chosen boundary convention
 * follow, as in `dddlab consistency`), their bootstrap intervals through the
 * same library bootstrap, and, above ec_max_models, a seeded sample of pairs
 * instead of the M x M matrices. */
#include "dl_stimuli.h"
#include "stimuli_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN 0x9E3779B97F4A7C15ULL

static size_t npairs_of(size_t m)
{
    return m * (m - (m > 0)) / 2;
}

/* Mean, min, max over the defined pairs of the matrix and the count left out. */
static void matrix_summary(const double *kappa, size_t nm, dl_stimuli_ec_summary *s)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    size_t pairs = 0;
    for (size_t i = 0; i < nm; i++)
        for (size_t j = i + 1; j < nm; j++) {
            double k = kappa[i * nm + j];
            if (!isfinite(k))
                continue;
            sum += k;
            lo = k < lo ? k : lo;
            hi = k > hi ? k : hi;
            pairs++;
        }
    s->pairs = pairs;
    s->undefined = npairs_of(nm) - pairs;
    s->mean = pairs ? sum / (double)pairs : NAN;
    s->min = pairs ? lo : NAN;
    s->max = pairs ? hi : NAN;
}

/* The older convention gives kappa 1 where the matrix (always under the
 * undefined convention) has none because the expected agreement is 1. */
static void apply_boundary(const dl_stimuli_analysis *a, double *kappa,
                           const dl_stimuli_ec_summary *s)
{
    size_t nm = a->res->nmodels;
    if (a->ec_boundary != DL_EC_BOUNDARY_ONE || s->images == 0)
        return;
    for (size_t i = 0; i < nm; i++) {
        dl_ec e;
        if (isnan(kappa[i * nm + i]) &&
            dl_stats_ec_counts(s->images, s->right[i], s->right[i], s->right[i], a->ec_boundary, &e,
                               NULL) == 0)
            kappa[i * nm + i] = e.kappa;
        for (size_t j = i + 1; j < nm; j++) {
            size_t p = i * nm - i * (i + 1) / 2 + (j - i - 1);
            if (!isnan(kappa[i * nm + j]) ||
                dl_stats_ec_counts(s->images, s->right[i], s->right[j], s->both_right[p],
                                   a->ec_boundary, &e, NULL) != 0)
                continue;
            kappa[i * nm + j] = kappa[j * nm + i] = e.kappa;
        }
    }
}

static int side_alloc(dl_stimuli_ec_summary *s, size_t nm)
{
    s->right = dl_calloc(nm, sizeof *s->right);
    s->both_right = dl_calloc(npairs_of(nm) ? npairs_of(nm) : 1, sizeof *s->both_right);
    return s->right && s->both_right ? 0 : DL_ENOMEM;
}

static int side_matrix(dl_stimuli_analysis *a, const dl_bits *mask, int threads, double *kappa,
                       dl_stimuli_ec_summary *s)
{
    size_t nm = a->res->nmodels;
    int rc = side_alloc(s, nm);
    if (rc)
        return rc;
    dl_ec_counts c = {.right = s->right, .both_right = s->both_right};
    rc = dl_stats_ec_matrix_counts(a->res->correct, mask, threads, kappa, &c);
    if (rc != 0 && rc != DL_EUNDEF)
        return rc;
    s->images = c.n;
    apply_boundary(a, kappa, s);
    matrix_summary(kappa, nm, s);
    return 0;
}

/* Uniform below m from a 64-bit draw (53 bits: the bias is below 2^-30 for
 * any model count a file can hold). */
static size_t below(uint64_t x, size_t m)
{
    return (size_t)((double)(x >> 11) * 0x1p-53 * (double)m);
}

/* Above ec_max_models: kappa of DL_STIMULI_EC_SAMPLE_PAIRS pairs (a != b;
 * every pair once when there are no more than that) drawn with replacement from the splitmix64
 * stream keyed by dl_mix64(seed ^ dl_mix64(side)), draw k = dl_mix64(key + k GOLDEN); the mean over
 * the defined ones and its standard error. */
static int side_sample(dl_stimuli_analysis *a, const dl_bits *mask, uint64_t side,
                       dl_stimuli_ec_summary *s)
{
    const dl_bits *b = a->res->correct;
    size_t nm = b->rows, wpr = b->words_per_row;
    size_t *right = dl_calloc(nm ? nm : 1, sizeof *right);
    if (!right)
        return DL_ENOMEM;
    size_t n = mask ? 0 : b->n;
    for (size_t k = 0; mask && k < wpr; k++)
        n += (size_t)__builtin_popcountll(mask->words[k]);
    for (size_t i = 0; i < nm; i++) {
        const uint64_t *w = b->words + i * wpr;
        size_t r = 0;
        for (size_t k = 0; k < wpr; k++)
            r += (size_t)__builtin_popcountll(mask ? w[k] & mask->words[k] : w[k]);
        right[i] = r;
    }
    uint64_t key = dl_mix64(a->ec_seed ^ dl_mix64(side)), draw = 0;
    size_t want =
        npairs_of(nm) < DL_STIMULI_EC_SAMPLE_PAIRS ? npairs_of(nm) : DL_STIMULI_EC_SAMPLE_PAIRS;
    /* With no more pairs than the sample would draw, every pair once. */
    int every = npairs_of(nm) <= DL_STIMULI_EC_SAMPLE_PAIRS;
    double sum = 0, sum2 = 0, lo = INFINITY, hi = -INFINITY;
    size_t defined = 0, i = 0, j = 0;
    for (size_t p = 0; p < want; p++) {
        if (every) {
            if (++j >= nm)
                j = ++i + 1;
        } else {
            i = below(dl_mix64(key + draw++ * GOLDEN), nm);
            do
                j = below(dl_mix64(key + draw++ * GOLDEN), nm);
            while (j == i);
        }
        const uint64_t *x = b->words + i * wpr, *y = b->words + j * wpr;
        size_t both = 0;
        for (size_t k = 0; k < wpr; k++)
            both += (size_t)__builtin_popcountll(x[k] & y[k] & (mask ? mask->words[k] : ~0ULL));
        dl_ec e;
        if (dl_stats_ec_counts(n, right[i], right[j], both, a->ec_boundary, &e, NULL) != 0)
            continue;
        sum += e.kappa;
        sum2 += e.kappa * e.kappa;
        lo = e.kappa < lo ? e.kappa : lo;
        hi = e.kappa > hi ? e.kappa : hi;
        defined++;
    }
    free(right);
    s->images = n;
    s->sampled = want;
    s->pairs = defined;
    s->undefined = want - defined;
    s->mean = defined ? sum / (double)defined : NAN;
    s->min = every && defined ? lo : NAN;
    s->max = every && defined ? hi : NAN;
    if (every) {
        s->sample_se = NAN;
        return 0;
    }
    double var = defined > 1 ? (sum2 - sum * sum / (double)defined) / (double)(defined - 1) : NAN;
    s->sample_se = defined > 1 ? sqrt(var > 0 ? var : 0) / sqrt((double)defined) : NAN;
    return 0;
}

static void side_init(dl_stimuli_ec_summary *s)
{
    memset(s, 0, sizeof *s);
    s->mean = s->min = s->max = s->sample_se = NAN;
    s->mean_ci_low = s->mean_ci_high = s->mean_se = NAN;
}

void stim_ec_init(dl_stimuli_analysis *a)
{
    side_init(&a->ec_all_summary);
    side_init(&a->ec_in_between_summary);
}

static void side_free(dl_stimuli_ec_summary *s)
{
    free(s->right);
    free(s->both_right);
    free(s->ci_low);
    free(s->ci_high);
    free(s->defined);
}

void stim_ec_free(dl_stimuli_analysis *a)
{
    side_free(&a->ec_all_summary);
    side_free(&a->ec_in_between_summary);
}

/* Error consistency between every pair of models, on all images and on the
 * in-between ones (where, by the paper's Figure 5, model differences live). */
int stim_ddd_ec(dl_stimuli_analysis *a, int threads)
{
    const dl_stimuli_results *r = a->res;
    size_t nm = r->nmodels;
    if (!r->correct)
        return 0;
    dl_bits *mask = dl_stats_bits_new(1, r->nimages);
    if (!mask)
        return DL_ENOMEM;
    for (size_t i = 0; i < r->nimages; i++)
        if (a->difficulty[i] == DL_STATS_IN_BETWEEN)
            dl_stats_bits_set(mask, 0, i);
    int rc;
    if (nm > a->ec_max_models) {
        a->ec_sampled = 1;
        rc = side_sample(a, NULL, 0, &a->ec_all_summary);
        if (!rc)
            rc = side_sample(a, mask, 1, &a->ec_in_between_summary);
    } else {
        a->ec_all = dl_calloc(nm * nm, sizeof *a->ec_all);
        a->ec_in_between = dl_calloc(nm * nm, sizeof *a->ec_in_between);
        rc = !a->ec_all || !a->ec_in_between ? DL_ENOMEM : 0;
        if (!rc)
            rc = side_matrix(a, NULL, threads, a->ec_all, &a->ec_all_summary);
        if (!rc)
            rc = side_matrix(a, mask, threads, a->ec_in_between, &a->ec_in_between_summary);
    }
    dl_stats_bits_free(mask);
    return rc;
}

/* ---- bootstrap ---- */

/* The rows of b restricted to the in-between images, in image order, so
 * the bootstrap resamples those images among themselves. */
static dl_bits *in_between_bits(const dl_stimuli_analysis *a)
{
    const dl_bits *b = a->res->correct;
    dl_bits *out = dl_stats_bits_new(b->rows, a->in_between);
    if (!out)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (a->difficulty[i] != DL_STATS_IN_BETWEEN)
            continue;
        for (size_t m = 0; m < b->rows; m++)
            if ((b->words[m * b->words_per_row + i / 64] >> (i % 64)) & 1)
                dl_stats_bits_set(out, m, k);
        k++;
    }
    return out;
}

static int side_boot(const dl_bits *b, const dl_ec_boot_opts *o, dl_stimuli_ec_summary *s)
{
    if (b->n == 0 || b->rows < 2)
        return 0;
    dl_ec_boot bt;
    int rc = dl_stats_ec_bootstrap(b, NULL, o, &bt);
    if (rc)
        return rc;
    s->ci_low = bt.ci_low;
    s->ci_high = bt.ci_high;
    s->defined = bt.defined;
    bt.ci_low = bt.ci_high = NULL;
    bt.defined = NULL;
    s->mean_ci_low = bt.mean_ci_low;
    s->mean_ci_high = bt.mean_ci_high;
    s->mean_se = bt.mean_se;
    s->mean_defined = bt.mean_defined;
    dl_stats_ec_boot_free(&bt);
    return 0;
}

int dl_stimuli_ec_uncertainty(dl_stimuli_analysis *a, const dl_ec_boot_opts *o, dl_error *err)
{
    if (!a->res->correct || a->ec_sampled || !o->replicates)
        return 0;
    dl_ec_boot_opts bo = *o;
    bo.boundary = a->ec_boundary;
    a->ec_replicates = bo.replicates;
    a->ec_boot_seed = bo.seed;
    a->ec_conf = bo.conf_level;
    int rc = side_boot(a->res->correct, &bo, &a->ec_all_summary);
    if (!rc) {
        dl_bits *ib = in_between_bits(a);
        rc = ib ? side_boot(ib, &bo, &a->ec_in_between_summary) : DL_ENOMEM;
        dl_stats_bits_free(ib);
    }
    if (rc)
        return dl_fail(err, rc, "%s: error-consistency bootstrap failed: %s", a->res->path,
                       dl_strerror(rc));
    return 0;
}

/* ---- output ---- */

static void json_side(dl_json *j, const dl_stimuli_analysis *a, const char *key,
                      const dl_stimuli_ec_summary *s)
{
    dl_json_key(j, key);
    dl_json_object_begin(j);
    dl_json_key(j, "images");
    dl_json_int(j, (long long)s->images);
    dl_json_key(j, "mean");
    dl_json_number(j, s->mean);
    dl_json_key(j, "min");
    dl_json_number(j, s->min);
    dl_json_key(j, "max");
    dl_json_number(j, s->max);
    dl_json_key(j, "pairs");
    dl_json_int(j, (long long)s->pairs);
    dl_json_key(j, "undefined_pairs");
    dl_json_int(j, (long long)s->undefined);
    if (a->ec_sampled) {
        dl_json_key(j, "sampled_pairs");
        dl_json_int(j, (long long)s->sampled);
        dl_json_key(j, "sample_se");
        dl_json_number(j, s->sample_se);
    }
    if (a->ec_replicates) {
        dl_json_key(j, "mean_ci_low");
        dl_json_number(j, s->mean_ci_low);
        dl_json_key(j, "mean_ci_high");
        dl_json_number(j, s->mean_ci_high);
        dl_json_key(j, "mean_se");
        dl_json_number(j, s->mean_se);
        dl_json_key(j, "replicates_defined");
        dl_json_int(j, (long long)s->mean_defined);
    }
    dl_json_object_end(j);
}

void stim_ec_json(const dl_stimuli_analysis *a, dl_json *j)
{
    dl_json_key(j, "error_consistency");
    if (!a->res->correct) {
        dl_json_null(j);
        return;
    }
    dl_json_object_begin(j);
    dl_json_key(j, "ec_boundary");
    dl_json_string(j, dl_stats_ec_boundary_name(a->ec_boundary));
    dl_json_key(j, "matrices");
    dl_json_bool(j, !a->ec_sampled);
    dl_json_key(j, "max_models");
    dl_json_int(j, (long long)a->ec_max_models);
    dl_json_key(j, "fisher_p_values"); /* per pair in ec_pairs.csv */
    dl_json_bool(j, !a->ec_sampled && a->res->nmodels <= a->ec_fisher_max_models);
    if (a->ec_sampled) {
        dl_json_key(j, "sample_seed");
        dl_json_int(j, (long long)a->ec_seed);
    }
    dl_json_key(j, "bootstrap");
    if (!a->ec_replicates) {
        dl_json_null(j);
    } else {
        dl_json_object_begin(j);
        dl_json_key(j, "replicates");
        dl_json_int(j, (long long)a->ec_replicates);
        dl_json_key(j, "seed");
        dl_json_int(j, (long long)a->ec_boot_seed);
        dl_json_key(j, "conf_level");
        dl_json_number(j, a->ec_conf);
        dl_json_key(j, "method");
        dl_json_string(j, "percentile");
        dl_json_key(j, "resample");
        dl_json_string(j, "images");
        dl_json_object_end(j);
    }
    json_side(j, a, "all", &a->ec_all_summary);
    json_side(j, a, "in_between", &a->ec_in_between_summary);
    dl_json_object_end(j);
}

static void csv_num(FILE *f, double v)
{
    fputc(',', f);
    dl_csv_write_num(f, v);
}

static void csv_tail(FILE *f, const dl_stimuli_analysis *a)
{
    fprintf(f, ",%s", dl_stats_ec_boundary_name(a->ec_boundary));
    if (a->ec_replicates) {
        fprintf(f, ",%zu,%llu", a->ec_replicates, (unsigned long long)a->ec_boot_seed);
        csv_num(f, a->ec_conf);
        fputc('\n', f);
    } else {
        fputs(",NA,NA,NA\n", f);
    }
}

static void csv_side(FILE *f, const dl_stimuli_analysis *a, const char *subset,
                     const dl_stimuli_ec_summary *s)
{
    const dl_stimuli_results *r = a->res;
    size_t nm = r->nmodels, p = 0;
    int fisher = nm <= a->ec_fisher_max_models;
    for (size_t i = 0; s->both_right && i < nm; i++)
        for (size_t j = i + 1; j < nm; j++, p++) {
            dl_ec e;
            dl_ec_test t;
            dl_stats_ec_counts(s->images, s->right[i], s->right[j], s->both_right[p],
                               a->ec_boundary, &e, NULL);
            if (fisher)
                dl_stats_ec_test(s->images, s->right[i], s->right[j], s->both_right[p],
                                 a->ec_boundary, &t);
            else
                dl_stats_ec_bounds(s->images, s->right[i], s->right[j], s->both_right[p],
                                   a->ec_boundary, &t);
            fprintf(f, "pair,%s,", subset);
            dl_csv_write_field(f, r->models[i]);
            fputc(',', f);
            dl_csv_write_field(f, r->models[j]);
            fprintf(f, ",%zu", s->images);
            const double v[] = {e.p1,
                                e.p2,
                                e.c_obs,
                                e.c_exp,
                                e.kappa,
                                t.kappa_corrected,
                                t.kappa_min,
                                t.kappa_max,
                                t.p_value,
                                s->ci_low ? s->ci_low[p] : NAN,
                                s->ci_high ? s->ci_high[p] : NAN};
            for (size_t k = 0; k < sizeof v / sizeof *v; k++)
                csv_num(f, v[k]);
            if (s->defined)
                fprintf(f, ",%zu", s->defined[p]);
            else
                fputs(",NA", f);
            csv_tail(f, a);
        }
    fprintf(f, "mean,%s,,,%zu", subset, s->images);
    const double v[] = {
        NAN, NAN, NAN, NAN, s->mean, NAN, NAN, NAN, NAN, s->mean_ci_low, s->mean_ci_high};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++)
        csv_num(f, v[k]);
    if (a->ec_replicates)
        fprintf(f, ",%zu", s->mean_defined);
    else
        fputs(",NA", f);
    csv_tail(f, a);
}

/* ec_pairs.csv: one row per pair and subset (columns as `dddlab consistency
 * --out`, plus the subset and replicates_defined), then the mean of each
 * subset; with sampled pairs only the two mean rows. */
void stim_ec_pairs_csv(const dl_stimuli_analysis *a, FILE *f)
{
    fputs("row,subset,a,b,images,p1,p2,c_obs,c_exp,kappa,kappa_corrected,kappa_min,kappa_max,"
          "p_value,ci_low,ci_high,replicates_defined,ec_boundary,replicates,seed,conf_level\n",
          f);
    if (!a->res->correct)
        return;
    csv_side(f, a, "all", &a->ec_all_summary);
    csv_side(f, a, "in_between", &a->ec_in_between_summary);
}
