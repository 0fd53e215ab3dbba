/* analyse_text.c — the report of `stimuli analyse` on a stream: the split,
 * the histogram beside its expectations, model accuracy, error consistency,
 * classes and agreement as text, the bootstrap's intervals, and the JSON. */
#include <math.h>
#include <stdio.h>

#include "dl_stimuli.h"
#include "stimuli_internal.h"

static double pct(size_t k, size_t n)
{
    return n ? 100.0 * (double)k / (double)n : NAN;
}

/* ---- analyse ------------------------------------------------------------------ */

static void print_split(FILE *out, const dl_stimuli_analysis *a)
{
    size_t n = a->res->nimages;
    fprintf(out, "\nsplit (--near %u: trivial >= %u correct, impossible <= %u)\n", a->near,
            a->m - a->near, a->near);
    fprintf(out, "  %-12s %10s %9s\n", "", "images", "percent");
    static const dl_stats_difficulty order[3] = STIM_DISPLAY_ORDER;
    for (int i = 0; i < 3; i++) {
        size_t cnt = stim_split_count(a, order[i]);
        fprintf(out, "  %-12s %10zu %8.1f%%\n", dl_stats_difficulty_name(order[i]), cnt,
                pct(cnt, n));
    }
}

/* The histogram is long for many models: show at most 41 rows. */
static void print_histogram(FILE *out, const dl_stimuli_analysis *a)
{
    unsigned step = a->m <= 40 ? 1 : (a->m + 39) / 40;
    fprintf(
        out,
        "\nmodels correct    images  percent   binomial  poisson-binomial  (expected images)\n");
    for (unsigned k = 0; k <= a->m; k += step) {
        fprintf(out, "  %12u %9zu %7.1f%% %10.1f", k, a->histogram[k],
                pct(a->histogram[k], a->res->nimages), a->binomial_expected[k]);
        if (a->poisson_binomial_expected)
            fprintf(out, " %17.1f\n", a->poisson_binomial_expected[k]);
        else
            fprintf(out, " %17s\n", "-");
        if (k + step > a->m && k != a->m)
            k = a->m - step; /* always show the last row */
    }
}

static void print_models(FILE *out, const dl_stimuli_analysis *a)
{
    const dl_stimuli_results *r = a->res;
    if (!a->model_accuracy)
        return;
    if (r->nmodels > 30) {
        dl_stats_summary_t s;
        dl_stats_summary(a->model_accuracy, r->nmodels, &s);
        fprintf(out, "\nmodel accuracy: mean %.4f, min %.4f, max %.4f over %zu models\n", s.mean,
                s.min, s.max, r->nmodels);
        return;
    }
    int w = 5;
    for (size_t m = 0; m < r->nmodels; m++)
        w = dl_utf8_width(r->models[m]) > w ? dl_utf8_width(r->models[m]) : w;
    fprintf(out, "\n  %-*s  accuracy\n", w, "model");
    for (size_t m = 0; m < r->nmodels; m++) {
        fputs("  ", out);
        dl_put_cell(out, r->models[m], w);
        fprintf(out, "  %8.4f\n", a->model_accuracy[m]);
    }
}

static void print_ec(FILE *out, const dl_stimuli_analysis *a)
{
    if (!a->res->correct) {
        fprintf(out, "\nerror consistency: needs per-model results (not counts)\n");
        return;
    }
    const dl_stimuli_ec_summary *s[2] = {&a->ec_all_summary, &a->ec_in_between_summary};
    const char *label[2] = {"all images", "in-between"};
    int boot = a->ec_replicates > 0;
    fprintf(out, "\nerror consistency (kappa)   mean      min      max   pairs%s\n",
            boot ? "    ci_low  ci_high" : "");
    char b1[DL_NUM_CELL], b2[DL_NUM_CELL], b3[DL_NUM_CELL], b4[DL_NUM_CELL], b5[DL_NUM_CELL];
    for (int i = 0; i < 2; i++) {
        fprintf(out, "  %-22s %s %s %s %7zu", label[i], dl_fmt_num(b1, s[i]->mean, 8, 3),
                dl_fmt_num(b2, s[i]->min, 8, 3), dl_fmt_num(b3, s[i]->max, 8, 3), s[i]->pairs);
        if (boot)
            fprintf(out, "  %s %s", dl_fmt_num(b4, s[i]->mean_ci_low, 8, 3),
                    dl_fmt_num(b5, s[i]->mean_ci_high, 8, 3));
        fputc('\n', out);
    }
    if (a->ec_sampled) {
        if (isnan(a->ec_all_summary.sample_se))
            fprintf(out,
                    "  %zu models (more than --ec-max-models %zu): no matrices, no per-pair\n"
                    "  output and no bootstrap intervals\n",
                    a->res->nmodels, a->ec_max_models);
        else
            fprintf(out,
                    "  %zu models (more than --ec-max-models %zu): no matrices; each mean is over\n"
                    "  %zu pairs drawn at random (seed %llu), standard error %.2g and %.2g;\n"
                    "  min, max and bootstrap intervals are not computed\n",
                    a->res->nmodels, a->ec_max_models, a->ec_all_summary.sampled,
                    (unsigned long long)a->ec_seed, a->ec_all_summary.sample_se,
                    a->ec_in_between_summary.sample_se);
    }
    if (s[0]->undefined || s[1]->undefined)
        fprintf(out,
                "  left out: %zu and %zu pairs with kappa undefined (both always right or both\n"
                "  always wrong)\n",
                s[0]->undefined, s[1]->undefined);
    fprintf(out, "  kappa at c_exp = 1 (both always right or both always wrong):\n    %s\n",
            dl_stats_ec_boundary_text(a->ec_boundary));
    if (boot)
        fprintf(out,
                "  intervals: %g%% percentile bootstrap of the mean, %zu replicates resampling\n"
                "  images (the in-between ones among themselves), seed %llu\n",
                100 * a->ec_conf, a->ec_replicates, (unsigned long long)a->ec_boot_seed);
}

static void print_classes(FILE *out, const dl_stimuli_analysis *a)
{
    if (!a->nclasses)
        return;
    size_t n = a->nclasses < 10 ? a->nclasses : 10;
    fprintf(out, "\n%zu classes; easiest and hardest by mean fraction of models correct\n",
            a->nclasses);
    fprintf(out, "  %-28s %8s   %-28s %8s\n", "easiest", "accuracy", "hardest", "accuracy");
    for (size_t k = 0; k < n; k++) {
        const dl_stimuli_class_acc *e = &a->classes[k], *h = &a->classes[a->nclasses - 1 - k];
        fputs("  ", out);
        dl_put_cell(out, e->name, 28);
        fprintf(out, " %8.4f   ", e->accuracy);
        dl_put_cell(out, h->name, 28);
        fprintf(out, " %8.4f\n", h->accuracy);
    }
}

static void agreement_row(FILE *out, const char *epoch, double mean_acc, const dl_tpa *t)
{
    char b1[DL_NUM_CELL], b2[DL_NUM_CELL], b3[DL_NUM_CELL], b4[DL_NUM_CELL];
    fprintf(out, "  %8s %s %s %s %s\n", epoch, dl_fmt_num(b1, mean_acc, 9, 4),
            dl_fmt_num(b2, t->tpa, 8, 4), dl_fmt_num(b3, t->lower_bound, 12, 4),
            dl_fmt_num(b4, t->expected_tpa, 13, 4));
}

static void print_agreement(FILE *out, const dl_stimuli_analysis *a)
{
    char epoch[32];
    fprintf(out, "\ntrue-positive agreement (all models right / at least one right)\n");
    fprintf(out, "  %8s %9s %8s %12s %13s\n", "epoch", "mean acc", "TPa", "lower bound",
            "independent");
    for (size_t e = 0; e < a->nepochs; e++) {
        snprintf(epoch, sizeof epoch, "%ld", a->epochs[e].epoch);
        agreement_row(out, epoch, a->epochs[e].mean_accuracy, &a->epochs[e].tpa);
    }
    if (!a->nepochs)
        agreement_row(out, "-", a->mean_accuracy, &a->tpa);
}

void dl_stimuli_analysis_write_text(FILE *out, const dl_stimuli_analysis *a)
{
    const dl_stimuli_results *r = a->res;
    fprintf(out, "results        %s (%s)\n", r->path, dl_stimuli_format_name(r->format));
    fprintf(out, "images         %zu", r->nimages);
    if (r->excluded)
        fprintf(out, " (%zu excluded)", r->excluded);
    fprintf(out, "\nmodels         %u\nmean accuracy  %.4f\n", a->m, a->mean_accuracy);
    print_split(out, a);
    print_histogram(out, a);
    print_models(out, a);
    print_ec(out, a);
    print_classes(out, a);
    print_agreement(out, a);
}

void dl_stimuli_ddd_unc_write_text(FILE *out, const dl_stimuli_analysis *a,
                                   const dl_stimuli_ddd_unc *u)
{
    static const dl_stats_difficulty order[3] = STIM_DISPLAY_ORDER;
    fprintf(out, "\nuncertainty (%g%% percentile intervals, %zu bootstrap replicates, seed %llu)\n",
            100 * u->conf, u->replicates, (unsigned long long)u->seed);
    fprintf(out, "  %-12s %9s %19s %19s\n", "split", "percent", "resampling models",
            "resampling images");
    for (int i = 0; i < 3; i++) {
        dl_stats_difficulty c = order[i];
        fprintf(out, "  %-12s %8.1f%%", dl_stats_difficulty_name(c),
                pct(stim_split_count(a, c), a->res->nimages));
        if (u->has_models)
            fprintf(out, "    %6.1f%% - %5.1f%%", 100 * u->by_models.low[c],
                    100 * u->by_models.high[c]);
        else
            fprintf(out, " %19s", "-");
        fprintf(out, "    %6.1f%% - %5.1f%%\n", 100 * u->by_images.low[c],
                100 * u->by_images.high[c]);
    }
    if (u->betabin_rc == 0)
        fprintf(out, "  beta-binomial rho %.4f (%.4f to %.4f, resampling images; a %.4g, b %.4g)\n",
                u->betabin.rho, u->rho_low, u->rho_high, u->betabin.a, u->betabin.b);
    else
        fprintf(out, "  beta-binomial rho undefined (every image in one end bin)\n");
    fprintf(out, "  %12s %9s %17s %17s  (pointwise band of images)\n", "models right", "images",
            "binomial", "poisson-binomial");
    unsigned step = a->m <= 40 ? 1 : (a->m + 39) / 40;
    for (unsigned k = 0; k <= a->m; k += step) {
        fprintf(out, "  %12u %9zu %8.0f - %6.0f", k, a->histogram[k], u->binom_lo[k],
                u->binom_hi[k]);
        if (u->pb_lo)
            fprintf(out, " %8.0f - %6.0f\n", u->pb_lo[k], u->pb_hi[k]);
        else
            fprintf(out, " %17s\n", "-");
        if (k + step > a->m && k != a->m)
            k = a->m - step;
    }
}

void dl_stimuli_analysis_write_json(FILE *out, const dl_stimuli_analysis *a)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_stimuli_analysis_json(a, &j);
    dl_json_end(&j);
}
