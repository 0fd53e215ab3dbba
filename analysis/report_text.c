/* report_text.c — the readable summary: aligned tables on a stream. */
#include "report_internal.h"

#include <math.h>
#include <string.h>

/* Beyond this many observers the matrix goes to the CSV table only. */
#define MAX_PRINTED_MATRIX 12

/* A number in a fixed-width cell; "-" for a missing one. */
static void cell(FILE *out, int width, int prec, double v)
{
    char buf[DL_NUM_CELL];
    fprintf(out, " %s", dl_fmt_num(buf, v, width, prec));
}

static void pcell(FILE *out, int width, double p)
{
    if (isnan(p))
        fprintf(out, " %*s", width, "-");
    else if (p < 1e-4)
        fprintf(out, " %*.1e", width, p);
    else
        fprintf(out, " %*.4f", width, p);
}

static void range(FILE *out, const char *what, const dl_stats_summary_t *s)
{
    if (!s->n) {
        fprintf(out, "%s: undefined\n", what);
        return;
    }
    fprintf(out, "%s: mean %.3f, SD %s", what, s->mean, s->n > 1 ? "" : "-");
    if (s->n > 1)
        fprintf(out, "%.3f", s->sd);
    fprintf(out, ", range %.3f to %.3f (n = %zu)\n", s->min, s->max, s->n);
}

static int code_width(const dl_report *r, int min)
{
    int w = min;
    for (size_t i = 0; i < r->res.nobs; i++) {
        int n = dl_utf8_width(r->obs.names[r->res.obs_kept[i]]);
        w = n > w ? n : w;
    }
    return w > 24 ? 24 : w;
}

/* Length of the prefix all codes share ("subject-0" of subject-01..09), so
 * the narrow column headers show the part that differs. */
static size_t common_prefix(const dl_report_trials *t)
{
    size_t p = strlen(t->observers[0].code);
    for (size_t i = 1; i < t->nobservers; i++) {
        size_t k = 0;
        while (k < p && t->observers[i].code[k] == t->observers[0].code[k])
            k++;
        p = k;
    }
    for (size_t i = 0; i < t->nobservers; i++)
        if (strlen(t->observers[i].code) == p && p > 0)
            p--; /* keep at least one character of every code */
    /* never cut inside a UTF-8 character ("Jü" and "Jö" share one byte) */
    while (p > 0 && ((unsigned char)t->observers[0].code[p] & 0xC0) == 0x80)
        p--;
    return p;
}

static void ec_matrix(FILE *out, const dl_report *r, const dl_report_trials *t, int w)
{
    size_t n = t->nobservers, skip = common_prefix(t);
    fprintf(out, "\n%-*s", w, "kappa");
    for (size_t j = 0; j < n; j++) {
        fputc(' ', out);
        dl_put_cell(out, t->observers[j].code + skip, -6);
    }
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        dl_put_cell(out, t->observers[i].code, w);
        for (size_t j = 0; j < n; j++)
            cell(out, 6, 2, t->ec[i * n + j]);
        fputc('\n', out);
    }
    (void)r;
}

static void trials(FILE *out, const dl_report *r, const dl_report_trials *t)
{
    int w = code_width(r, 8);
    fprintf(out, "%zu observers, %zu items, %zu trials; chance accuracy %.4g\n\n", t->nobservers,
            t->nitems, t->ntrials, t->chance);
    fprintf(out, "%-*s %7s %7s %8s %17s %9s %9s %11s %11s\n", w, "observer", "trials", "correct",
            "accuracy", "95% CI", "p greater", "p 2-sided", "rt median", "rt mean");
    fprintf(out, "%-*s %7s %7s %8s %17s %9s %9s %11s %11s\n", w, "", "", "", "", "", "", "", "(ms)",
            "(ms)");
    for (size_t i = 0; i < t->nobservers; i++) {
        const dl_report_observer *o = &t->observers[i];
        dl_put_cell(out, o->code, w);
        fprintf(out, " %7zu %7zu", o->trials, o->correct);
        cell(out, 8, 3, o->accuracy);
        fprintf(out, "    [%5.3f, %5.3f]", o->ci_low, o->ci_high);
        pcell(out, 9, o->p_greater);
        pcell(out, 9, o->p_two_sided);
        cell(out, 11, 1, o->rt_median_ms);
        cell(out, 11, 1, o->rt_mean_ms);
        fputc('\n', out);
    }
    fputc('\n', out);
    range(out, "group accuracy", &t->accuracy);
    if (t->nobservers < 2) {
        fprintf(out, "error consistency: undefined (needs at least two observers)\n");
        return;
    }
    range(out, "error consistency (kappa, items both saw)", &t->ec_pairs);
    if (t->ec_ci_low)
        fprintf(out,
                "  mean %.3f, %g%% interval %.3f to %.3f (percentile bootstrap over %s, %zu "
                "replicates, seed %llu)\n",
                t->ec_pairs.n ? t->ec_pairs.mean : NAN, 100 * t->ec_boot.conf_level,
                t->ec_mean_ci_low, t->ec_mean_ci_high,
                t->ec_boot.resample_observers ? "items and observers" : "items",
                t->ec_boot.replicates, (unsigned long long)t->ec_boot.seed);
    if (t->ec_undefined)
        fprintf(out, "  %zu pair(s) with undefined kappa left out\n", t->ec_undefined);
    fprintf(out, "  kappa when both observers are always right or both always wrong: %s\n",
            t->ec_boundary == DL_EC_BOUNDARY_ONE ? "1 (--ec-boundary one, the older convention)"
                                                 : "missing (--ec-boundary undefined)");
    if (t->nobservers <= MAX_PRINTED_MATRIX)
        ec_matrix(out, r, t, w);
    else
        fprintf(out, "  (the %zu x %zu matrix is in error_consistency.csv with --out)\n",
                t->nobservers, t->nobservers);
}

static void summary_cell(FILE *out, const dl_stats_summary_t *s)
{
    if (!s->n)
        fprintf(out, " %21s", "-");
    else
        fprintf(out, " %5.3f [%6.3f, %5.3f]", s->mean, s->min, s->max);
}

static void questions(FILE *out, const dl_report_ratings *g)
{
    fprintf(out, "%-8s %-8s %7s %22s %22s %22s\n", "question", "level", "alpha", "pairwise alpha",
            "pairwise r", "r with model accuracy");
    fprintf(out, "%-8s %-8s %7s %22s %22s %22s\n", "", "", "", "mean [min, max]", "mean [min, max]",
            "(p, items)");
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        fprintf(out, "%-8s %-8s", Q->name, dl_stats_level_name(Q->level));
        cell(out, 7, 3, Q->alpha.alpha);
        summary_cell(out, &Q->pairwise_alpha);
        summary_cell(out, &Q->pairwise_r);
        const dl_corr *c = &Q->r_with_model_accuracy;
        if (isnan(c->r))
            fprintf(out, " %22s\n", "-");
        else
            fprintf(out, "   %6.3f (%.2g, %zu)\n", c->r, c->p_value, c->n);
    }
    for (size_t q = 0; q < g->nquestions; q++)
        if (g->q[q].alpha_why)
            fprintf(out, "  %s alpha undefined: %s\n", g->q[q].name, g->q[q].alpha_why);
    const dl_alpha_boot *b = &g->q[0].alpha_boot;
    if (!g->q[0].has_alpha_boot)
        return;
    fprintf(out,
            "\nalpha, %g%% interval (bootstrap over items, %zu replicates, seed %llu, "
            "percentile)\n",
            100 * b->conf, b->replicates, (unsigned long long)b->seed);
    for (size_t q = 0; q < g->nquestions; q++) {
        b = &g->q[q].alpha_boot;
        fprintf(out, "  %-6s", g->q[q].name);
        cell(out, 7, 3, g->q[q].alpha.alpha);
        fputs("  [", out);
        cell(out, 6, 3, b->ci_low);
        fputs(",", out);
        cell(out, 6, 3, b->ci_high);
        fputs("]  p(alpha < 0.667)", out);
        cell(out, 6, 3, b->p_below[0]);
        fputs("  p(alpha < 0.8)", out);
        cell(out, 6, 3, b->p_below[1]);
        fputc('\n', out);
    }
}

static void answers(FILE *out, const dl_report_ratings *g)
{
    /* the answer column as wide as its widest "value label" (at least 10) */
    int width = 10;
    for (size_t q = 0; q < g->nquestions; q++)
        for (size_t k = 0; k < g->q[q].nanswers; k++) {
            const dl_report_answer *a = &g->q[q].answers[k];
            char label[256];
            snprintf(label, sizeof label, "%d %s", a->value, a->label ? a->label : "");
            if (a->label && dl_utf8_width(label) > width)
                width = dl_utf8_width(label);
        }
    fprintf(out, "\n%-8s %-*s %7s %10s %9s %10s %10s\n", "question", width, "answer", "ratings",
            "model acc", "trivial", "in-between", "impossible");
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        for (size_t k = 0; k < Q->nanswers; k++) {
            const dl_report_answer *a = &Q->answers[k];
            char label[256];
            if (a->label)
                snprintf(label, sizeof label, "%d %s", a->value, a->label);
            else
                snprintf(label, sizeof label, "%d", a->value);
            /* padded by characters, not bytes: labels may be in any language */
            fprintf(out, "%-8s %s%*s %7zu", k == 0 ? Q->name : "", label,
                    dl_utf8_width(label) < width ? width - dl_utf8_width(label) : 0, "", a->n);
            cell(out, 10, 3, a->mean_model_accuracy);
            cell(out, 9, 3, a->frac_class[DL_STATS_TRIVIAL]);
            cell(out, 10, 3, a->frac_class[DL_STATS_IN_BETWEEN]);
            cell(out, 10, 3, a->frac_class[DL_STATS_IMPOSSIBLE]);
            fputc('\n', out);
        }
    }
}

/* With --bootstrap: which observer disagrees, per question. */
static void alpha_per_observer(FILE *out, const dl_report *r, const dl_report_ratings *g)
{
    const rp_results *res = &r->res;
    if (!g->q[0].has_alpha_boot || !g->q[0].alpha_without)
        return;
    size_t nq = g->nquestions;
    int group = (int)(10 * nq) - 1; /* nq cells of " %9s" less the first space */
    fprintf(out, "\n%-10s %*s %*s\n", "observer", group, "alpha without the observer", group,
            "mean pairwise alpha");
    fprintf(out, "%-10s", "");
    for (int w = 0; w < 2; w++)
        for (size_t q = 0; q < nq; q++)
            fprintf(out, " %9s", g->q[q].name);
    fputc('\n', out);
    for (size_t o = 0; o < res->nobs; o++) {
        fprintf(out, "%-10s", r->obs.names[res->obs_kept[o]]);
        for (size_t q = 0; q < nq; q++)
            cell(out, 9, 3, g->q[q].alpha_without[o]);
        for (size_t q = 0; q < nq; q++)
            cell(out, 9, 3, g->q[q].alpha_mean_pair[o]);
        fputc('\n', out);
    }
}

/* Questions other than the paper's three: what each asked, in the sessions'
 * own language, its type and its answer labels. */
static void question_texts(FILE *out, const dl_report_ratings *g)
{
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        fprintf(out, "%-8s %s\n%-8s %s", Q->name, Q->text, "", rp_qtype_name(Q->type));
        if (Q->type == DL_REPORT_Q_COUNT)
            fputs(" 0-9", out);
        for (size_t k = 0; k < Q->nlabels; k++)
            fprintf(out, "%s%zu %s", k ? ", " : ": ", k, Q->labels[k]);
        fputc('\n', out);
    }
    fputc('\n', out);
}

static void ratings(FILE *out, const dl_report *r, const dl_report_ratings *g)
{
    fprintf(out, "%zu observers, %zu items, %zu ratings\n\n", g->nobservers, g->nitems,
            g->nratings);
    if (!r->questions.paper)
        question_texts(out, g);
    questions(out, g);
    alpha_per_observer(out, r, g);
    answers(out, g);
}

/* The class extremes and the epochs of the per-epoch decisions, when there. */
static void ddd_more(FILE *out, const rp_ddd *d)
{
    if (d->nclasses >= 1 && d->class_names) {
        size_t at[2] = {d->nclasses - 1, 0}; /* ranked most accurate first */
        static const char *const what[2] = {"hardest", "easiest"};
        fprintf(out, "%zu classes:", d->nclasses);
        for (int k = 0; k < 2; k++) {
            size_t c = at[k];
            fprintf(out, "%s %s %s %.1f%%", k ? ";" : "", what[k], d->class_names[c],
                    100 * d->class_acc[c]);
            if (!isnan(d->class_min[c]) && !isnan(d->class_max[c]))
                fprintf(out, " (models %.1f%% to %.1f%%)", 100 * d->class_min[c],
                        100 * d->class_max[c]);
        }
        fputc('\n', out);
    }
    if (d->nedec)
        fprintf(out, "per-epoch decisions: %zu epochs (%g to %g), %zu images\n", d->nedec,
                d->edec_epoch[0], d->edec_epoch[d->nedec - 1], d->ndec_images);
}

static void ddd(FILE *out, const rp_ddd *d)
{
    fprintf(out, "DDD tables from %s: %.0f images, %zu models\n", d->dir, d->nimages, d->nmodels);
    char head[512];
    if (rp_ddd_headline(d, head, sizeof head) == 0)
        fprintf(out, "%s\n", head);
    fprintf(out, "%-15s %9s %9s %10s\n", "models correct", "images", "binomial", "Poisson-b.");
    for (size_t b = 0; b < d->nbins; b++) {
        fprintf(out, "%-15zu %8.1f%%", b, 100 * d->fraction[b]);
        if (isnan(d->binomial[b]))
            fprintf(out, " %9s", "-");
        else
            fprintf(out, " %8.1f%%", 100 * d->binomial[b]);
        if (isnan(d->poisson_binomial[b]))
            fprintf(out, " %10s\n", "-");
        else
            fprintf(out, " %9.1f%%\n", 100 * d->poisson_binomial[b]);
    }
    ddd_more(out, d);
    if (!d->has_unc)
        return;
    fprintf(out, "\nsplit, %g%% intervals (%.0f bootstrap replicates, seed %.0f, percentile)\n",
            100 * d->unc_conf, d->unc_replicates, d->unc_seed);
    fprintf(out, "%-12s %8s %19s %19s\n", "", "images", "resampling models", "resampling images");
    for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--) {
        fprintf(out, "%-12s %7.1f%%", dl_stats_difficulty_name(c), 100 * d->split_est[c]);
        for (int how = 0; how < 2; how++)
            if (d->split_has[how])
                fprintf(out, "    %6.1f%% - %5.1f%%", 100 * d->split_lo[how][c],
                        100 * d->split_hi[how][c]);
            else
                fprintf(out, " %19s", "-");
        fputc('\n', out);
    }
    fprintf(out, "beta-binomial rho %.4f (%.4f to %.4f, resampling images)\n", d->rho, d->rho_lo,
            d->rho_hi);
}

void dl_report_write_text(const dl_report *r, FILE *out)
{
    const dl_report_trials *t = dl_report_get_trials(r);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    if (r->source)
        fprintf(out, "%s\n", r->source);
    if (t)
        trials(out, r, t);
    if (g)
        ratings(out, r, g);
    if (r->ddd) {
        if (t || g)
            fputc('\n', out);
        ddd(out, r->ddd);
    }
    if (r->nnotes)
        fputc('\n', out);
    for (size_t i = 0; i < r->nnotes; i++)
        fprintf(out, "note: %s\n", r->notes[i]);
}
