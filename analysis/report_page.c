/* report_page.c — report.html and report.md: the tables and figures of an
 * analysis with what made them (command, version, input hashes). One
 * renderer writes both formats through a small page abstraction. */
#include "report_internal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct page {
    FILE *fp;
    int html;
    int figure;      /* figures numbered so far */
    const char *dir; /* where the figures are, to embed them in the HTML page */
} page;

/* Text from the data (observer codes, set names, file names) goes into both
 * pages as text, never as markup: HTML gets entities; Markdown gets the same
 * entities for < > & (Markdown passes raw HTML through, so a code such as
 * "<script>" would run in a viewer), a backslash before the characters that
 * make emphasis, code, links, headings or table cells, and a space for a
 * line break, which would end a table row. */
static void esc(page *p, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", p->fp);
        else if (*s == '>')
            fputs("&gt;", p->fp);
        else if (*s == '&')
            fputs("&amp;", p->fp);
        else if (p->html && *s == '"')
            fputs("&quot;", p->fp);
        else if (!p->html && strchr("\\|*_`[]#!~", *s))
            fprintf(p->fp, "\\%c", *s);
        else if (!p->html && (*s == '\n' || *s == '\r'))
            fputc(' ', p->fp);
        else
            fputc(*s, p->fp);
    }
}

static void heading(page *p, int level, const char *text)
{
    if (p->html) {
        fprintf(p->fp, "<h%d>", level);
        esc(p, text);
        fprintf(p->fp, "</h%d>\n", level);
    } else {
        fprintf(p->fp, "\n%.*s ", level, "######");
        esc(p, text);
        fputs("\n\n", p->fp);
    }
}

static void para(page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(page *p, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fputs(p->html ? "<p>" : "", p->fp);
    esc(p, text);
    fputs(p->html ? "</p>\n" : "\n\n", p->fp);
}

static void code(page *p, const char *text)
{
    if (p->html) {
        fputs("<pre><code>", p->fp);
        esc(p, text);
        fputs("</code></pre>\n", p->fp);
    } else {
        /* a fence longer than any backtick run in the text, so the text
         * cannot close it and continue as markup */
        size_t run = 0, longest = 0;
        for (const char *c = text; *c; c++) {
            run = *c == '`' ? run + 1 : 0;
            longest = run > longest ? run : longest;
        }
        int fence = longest < 3 ? 4 : (int)longest + 1;
        fprintf(p->fp, "%.*s\n%s\n%.*s\n\n", fence, "````````````````````````````````", text, fence,
                "````````````````````````````````");
    }
}

static void row(page *p, const char *const *cells, size_t n, int head)
{
    if (p->html) {
        fputs("<tr>", p->fp);
        for (size_t i = 0; i < n; i++) {
            fputs(head ? "<th>" : i ? "<td class=\"n\">" : "<td>", p->fp);
            esc(p, cells[i]);
            fputs(head ? "</th>" : "</td>", p->fp);
        }
        fputs("</tr>\n", p->fp);
        return;
    }
    fputs("|", p->fp);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', p->fp);
        esc(p, cells[i]);
        fputs(" |", p->fp);
    }
    fputc('\n', p->fp);
    if (head) {
        fputs("|", p->fp);
        for (size_t i = 0; i < n; i++)
            fputs(i ? "---:|" : "---|", p->fp);
        fputc('\n', p->fp);
    }
}

static void table_begin(page *p, const char *const *head, size_t n)
{
    if (p->html)
        fputs("<table>\n", p->fp);
    row(p, head, n, 1);
}

static void table_end(page *p)
{
    fputs(p->html ? "</table>\n" : "\n", p->fp);
}

/* The PNG as a data: URI, so report.html is one file that can be mailed or
 * filed in a lab notebook; 0, or -1 when the figure cannot be read. */
static int embed_png(page *p, const char *name)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char file[300];
    snprintf(file, sizeof file, "%s.png", name);
    char *path = dl_path_join(p->dir, file), *data = NULL;
    size_t len = 0;
    dl_error err = {0};
    int rc = path ? dl_read_file(path, &data, &len, &err) : -1;
    free(path);
    if (rc)
        return -1;
    fputs("data:image/png;base64,", p->fp);
    const unsigned char *u = (const unsigned char *)data;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)u[i] << 16 | (i + 1 < len ? (unsigned)u[i + 1] << 8 : 0) |
                     (i + 2 < len ? u[i + 2] : 0);
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < len ? b64[v >> 6 & 63] : '=',
                     i + 2 < len ? b64[v & 63] : '='};
        fwrite(q, 1, 4, p->fp);
    }
    free(data);
    return 0;
}

/* Raster figures (decisions) come without an SVG. */
static int has_svg(const page *p, const char *name)
{
    char file[300];
    snprintf(file, sizeof file, "%s.svg", name);
    char *path = dl_path_join(p->dir, file);
    int yes = path && access(path, F_OK) == 0;
    free(path);
    return yes;
}

static void figure(page *p, const char *name)
{
    const char *caption = rp_figure_caption(name);
    p->figure++;
    if (p->html) {
        fputs("<figure><img src=\"", p->fp);
        if (!p->dir || embed_png(p, name) != 0)
            fprintf(p->fp, "%s.png", name);
        fprintf(p->fp, "\" alt=\"Figure %d\">\n<figcaption><b>Figure %d.</b> ", p->figure,
                p->figure);
        esc(p, caption);
        fprintf(p->fp, " (<a href=\"%s.pdf\">PDF</a>", name);
        if (has_svg(p, name))
            fprintf(p->fp, ", <a href=\"%s.svg\">SVG</a>", name);
        fputs(" beside this page)</figcaption></figure>\n", p->fp);
    } else {
        fprintf(p->fp, "![Figure %d](%s.png)\n\n**Figure %d.** ", p->figure, name, p->figure);
        esc(p, caption);
        fprintf(p->fp, " ([PDF](%s.pdf)", name);
        if (has_svg(p, name))
            fprintf(p->fp, ", [SVG](%s.svg)", name);
        fputs(")\n\n", p->fp);
    }
}

static const char *num(char *buf, size_t cap, double v, int prec)
{
    if (isnan(v))
        snprintf(buf, cap, "–");
    else
        snprintf(buf, cap, "%.*f", prec, v);
    return buf;
}

static const char *pval(char *buf, size_t cap, double v)
{
    if (isnan(v))
        snprintf(buf, cap, "–");
    else if (v < 1e-4)
        snprintf(buf, cap, "%.1e", v);
    else
        snprintf(buf, cap, "%.4f", v);
    return buf;
}

static const char *range(char *buf, size_t cap, const dl_stats_summary_t *s)
{
    if (!s->n)
        snprintf(buf, cap, "undefined");
    else if (s->n == 1)
        snprintf(buf, cap, "%.3f (n = 1)", s->mean);
    else
        snprintf(buf, cap, "mean %.3f, SD %.3f, range %.3f to %.3f (n = %zu)", s->mean, s->sd,
                 s->min, s->max, s->n);
    return buf;
}

static int has_figure(const char *const *figs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(figs[i], name) == 0)
            return 1;
    return 0;
}

/* ---- sections ---- */

static void provenance(page *p, const dl_report *r, const char *command_line)
{
    char now[32];
    dl_utc_iso(now);
    heading(p, 2, "How this report was made");
    para(p, "Written %s by dddlab %s (git %s) from %s.", now, dl_version(), dl_git_revision(),
         r->source ? r->source : "the tables below");
    code(p, command_line);
    const char *head[2] = {"input", "SHA-256"};
    table_begin(p, head, 2);
    for (size_t i = 0; i < r->ninputs; i++) {
        const char *cells[2] = {r->inputs[i].path, r->inputs[i].sha256};
        row(p, cells, 2, 0);
    }
    table_end(p);
    if (r->nexcluded_obs || r->dropped_items_file || r->dropped_label_error ||
        r->opt.balance_classes) {
        dl_buf b;
        dl_buf_init(&b);
        for (size_t i = 0; i < r->nexcluded_obs; i++)
            dl_buf_printf(&b, "%s%s", i ? ", " : "", r->excluded_obs[i]);
        para(p,
             "Filters: observers left out: %s; items dropped by list: %zu; label errors "
             "dropped: %zu; dropped to balance the classes: %zu%s.",
             b.data ? b.data : "none", r->dropped_items_file, r->dropped_label_error,
             r->dropped_balance, r->opt.balance_classes ? " (seeded, see notes)" : "");
        dl_buf_free(&b);
    }
    for (size_t i = 0; i < r->nnotes; i++)
        para(p, "Note: %s", r->notes[i]);
}

static void observer_table(page *p, const dl_report_trials *t)
{
    const char *head[9] = {"observer",      "trials",         "correct",
                           "accuracy",      "95% CI",         "p (greater)",
                           "p (two-sided)", "median rt (ms)", "mean rt (ms)"};
    table_begin(p, head, 9);
    for (size_t i = 0; i < t->nobservers; i++) {
        const dl_report_observer *o = &t->observers[i];
        char c[8][48];
        snprintf(c[0], 48, "%zu", o->trials);
        snprintf(c[1], 48, "%zu", o->correct);
        num(c[2], 48, o->accuracy, 3);
        snprintf(c[3], 48, "%.3f–%.3f", o->ci_low, o->ci_high);
        pval(c[4], 48, o->p_greater);
        pval(c[5], 48, o->p_two_sided);
        num(c[6], 48, o->rt_median_ms, 0);
        num(c[7], 48, o->rt_mean_ms, 0);
        const char *cells[9] = {o->code, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
        row(p, cells, 9, 0);
    }
    table_end(p);
}

static void trials_section(page *p, const dl_report *r, const dl_report_trials *t,
                           const char *const *figs, size_t nf)
{
    char buf[256];
    heading(p, 2, r->task_2afc ? "2AFC results" : "Trial results");
    para(p,
         "%zu observers, %zu items, %zu trials; chance accuracy %.4g. Intervals are "
         "Clopper–Pearson (95%%); p-values from exact binomial tests against chance "
         "(one-sided: greater; two-sided as R's binom.test).",
         t->nobservers, t->nitems, t->ntrials, t->chance);
    observer_table(p, t);
    para(p, "Group accuracy: %s.", range(buf, sizeof buf, &t->accuracy));
    if (t->nobservers < 2)
        para(p, "Error consistency: undefined (needs at least two observers).");
    else
        para(p,
             "Error consistency κ over the items both observers saw (%zu pairs%s): %s. The "
             "matrix is in error_consistency.csv, the pairs in ec_pairs.csv.",
             t->ec_pairs.n + t->ec_undefined, t->ec_undefined ? ", undefined ones left out" : "",
             range(buf, sizeof buf, &t->ec_pairs));
    if (t->nobservers >= 2 && t->ec_ci_low)
        para(p,
             "%g%% interval of the mean κ: %.3f to %.3f (percentile bootstrap over %s, %zu "
             "replicates, seed %llu); per pair in ec_pairs.csv.",
             100 * t->ec_boot.conf_level, t->ec_mean_ci_low, t->ec_mean_ci_high,
             t->ec_boot.resample_observers ? "items and observers" : "items", t->ec_boot.replicates,
             (unsigned long long)t->ec_boot.seed);
    if (t->nobservers >= 2)
        para(p, "κ when both observers of a pair are always right or both always wrong: %s.",
             t->ec_boundary == DL_EC_BOUNDARY_ONE
                 ? "1 (--ec-boundary one, the older convention)"
                 : "missing, left out of the mean (Klein et al. 2025)");
    if (has_figure(figs, nf, "observer_accuracy"))
        figure(p, "observer_accuracy");
    if (has_figure(figs, nf, "ec_observers"))
        figure(p, "ec_observers");
    if (has_figure(figs, nf, "ec_pairs"))
        figure(p, "ec_pairs");
}

static void question_table(page *p, const dl_report_ratings *g)
{
    const char *head[6] = {"question",
                           "level",
                           "alpha",
                           "pairwise alpha: mean [min, max]",
                           "pairwise r: mean [min, max]",
                           "r with model accuracy (p, items)"};
    table_begin(p, head, 6);
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        char c[4][96];
        num(c[0], 96, Q->alpha.alpha, 3);
        if (Q->has_alpha_boot && !isnan(Q->alpha.alpha) && !isnan(Q->alpha_boot.ci_low))
            snprintf(c[0], 96, "%.3f [%.3f, %.3f]", Q->alpha.alpha, Q->alpha_boot.ci_low,
                     Q->alpha_boot.ci_high);
        const dl_stats_summary_t *s[2] = {&Q->pairwise_alpha, &Q->pairwise_r};
        for (int k = 0; k < 2; k++)
            if (s[k]->n)
                snprintf(c[1 + k], 96, "%.3f [%.3f, %.3f]", s[k]->mean, s[k]->min, s[k]->max);
            else
                snprintf(c[1 + k], 96, "–");
        const dl_corr *cr = &Q->r_with_model_accuracy;
        if (isnan(cr->r))
            snprintf(c[3], 96, "–");
        else
            snprintf(c[3], 96, "%.3f (%.2g, %zu)", cr->r, cr->p_value, cr->n);
        const char *cells[6] = {Q->name, dl_stats_level_name(Q->level), c[0], c[1], c[2], c[3]};
        row(p, cells, 6, 0);
    }
    table_end(p);
}

static void answer_table(page *p, const dl_report_ratings *g)
{
    const char *head[7] = {"question", "answer",     "answers",   "mean model accuracy",
                           "trivial",  "in-between", "impossible"};
    table_begin(p, head, 7);
    for (size_t q = 0; q < g->nquestions; q++)
        for (size_t k = 0; k < g->q[q].nanswers; k++) {
            const dl_report_answer *a = &g->q[q].answers[k];
            char c[6][300];
            if (a->label)
                snprintf(c[0], sizeof c[0], "%d (%s)", a->value, a->label);
            else
                snprintf(c[0], sizeof c[0], "%d", a->value);
            snprintf(c[1], sizeof c[1], "%zu", a->n);
            num(c[2], sizeof c[2], a->mean_model_accuracy, 3);
            num(c[3], sizeof c[3], a->frac_class[DL_STATS_TRIVIAL], 3);
            num(c[4], sizeof c[4], a->frac_class[DL_STATS_IN_BETWEEN], 3);
            num(c[5], sizeof c[5], a->frac_class[DL_STATS_IMPOSSIBLE], 3);
            const char *cells[7] = {g->q[q].name, c[0], c[1], c[2], c[3], c[4], c[5]};
            row(p, cells, 7, 0);
        }
    table_end(p);
}

/* Questions other than the paper's three: key, text (the sessions'
 * language), type, answers and level. */
static void question_list(page *p, const dl_report_ratings *g)
{
    const char *head[5] = {"question", "text", "type", "answers", "level"};
    table_begin(p, head, 5);
    for (size_t q = 0; q < g->nquestions; q++) {
        const dl_report_question *Q = &g->q[q];
        char answers[1024] = "0–9";
        size_t used = 0;
        for (size_t k = 0; k < Q->nlabels && used < sizeof answers; k++) {
            int n = snprintf(answers + used, sizeof answers - used, "%s%zu = %s", k ? ", " : "", k,
                             Q->labels[k]);
            used += n > 0 ? (size_t)n : 0;
        }
        const char *cells[5] = {Q->name, Q->text, rp_qtype_name(Q->type), answers,
                                dl_stats_level_name(Q->level)};
        row(p, cells, 5, 0);
    }
    table_end(p);
}

/* "q1 0.123, q2 0.456" for p_below[which] of every question. */
static void p_below_list(const dl_report_ratings *g, int which, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t q = 0; q < g->nquestions && used < cap; q++) {
        int n = snprintf(buf + used, cap - used, "%s%s %.3f", q ? ", " : "", g->q[q].name,
                         g->q[q].alpha_boot.p_below[which]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static void ratings_section(page *p, const dl_report_ratings *g, int paper, const char *const *figs,
                            size_t nf)
{
    heading(p, 2, "Rating results");
    if (paper) {
        para(p,
             "%zu observers, %zu items, %zu ratings. Q1 \"%s\" is analysed as interval data, "
             "Q2 \"%s\" and Q3 \"%s\" as ordinal data (Krippendorff's alpha; pairwise values "
             "over every pair of observers).",
             g->nobservers, g->nitems, g->nratings, g->q[0].text, g->q[1].text, g->q[2].text);
    } else {
        para(p,
             "%zu observers, %zu items, %zu ratings, %zu question%s as the sessions asked them, "
             "each analysed at its own level (Krippendorff's alpha; pairwise values over every "
             "pair of observers).",
             g->nobservers, g->nitems, g->nratings, g->nquestions, g->nquestions == 1 ? "" : "s");
        question_list(p, g);
    }
    question_table(p, g);
    if (g->q[0].has_alpha_boot) {
        const dl_alpha_boot *b = &g->q[0].alpha_boot;
        char below[2][512];
        p_below_list(g, 0, below[0], sizeof below[0]);
        p_below_list(g, 1, below[1], sizeof below[1]);
        para(p,
             "Alpha in brackets: %g%% percentile interval from %zu bootstrap replicates over "
             "items (seed %llu). Share of replicates below 0.667: %s; below 0.8: %s.",
             100 * b->conf, b->replicates, (unsigned long long)b->seed, below[0], below[1]);
    }
    for (size_t q = 0; q < g->nquestions; q++)
        if (g->q[q].alpha_why)
            para(p, "%s: alpha undefined (%s).", g->q[q].name, g->q[q].alpha_why);
    if (has_figure(figs, nf, "alpha"))
        figure(p, "alpha");
    para(p, "Per answer option: the number of answers, the mean fraction of models correct on "
            "the images that got it, and the shares of the image classes among them.");
    answer_table(p, g);
    if (has_figure(figs, nf, "answers"))
        figure(p, "answers");
}

/* Sections that appear only when class_accuracy.csv / the epoch tables are there. */
static void ddd_classes(page *p, const rp_ddd *d, const char *const *figs, size_t nf)
{
    if (!has_figure(figs, nf, "class_bars") && !has_figure(figs, nf, "class_accuracy"))
        return;
    heading(p, 3, "Classes");
    size_t e = 0, h = d->nclasses - 1; /* the file ranks the most accurate first */
    if (d->class_names) {
        char lo[2][32], hi[2][32];
        size_t at[2] = {h, e};
        for (int k = 0; k < 2; k++) {
            num(lo[k], sizeof lo[k], 100 * d->class_min[at[k]], 1);
            num(hi[k], sizeof hi[k], 100 * d->class_max[at[k]], 1);
        }
        para(p,
             "%zu classes (class_accuracy.csv). Hardest: %s, %.1f%% mean accuracy (models %s "
             "to %s%%); easiest: %s, %.1f%% (models %s to %s%%).",
             d->nclasses, d->class_names[h], 100 * d->class_acc[h], lo[0], hi[0], d->class_names[e],
             100 * d->class_acc[e], lo[1], hi[1]);
    }
    if (has_figure(figs, nf, "class_bars"))
        figure(p, "class_bars");
    if (has_figure(figs, nf, "class_accuracy"))
        figure(p, "class_accuracy");
}

static void ddd_training(page *p, const rp_ddd *d, const char *const *figs, size_t nf)
{
    if (!has_figure(figs, nf, "epoch_decisions") && !has_figure(figs, nf, "agreement"))
        return;
    heading(p, 3, "Over training");
    if (d->nedec)
        para(p,
             "Decisions per image at %zu epochs (%g to %g; epoch_decisions.csv); the images "
             "keep the order of the decisions figure.",
             d->nedec, d->edec_epoch[0], d->edec_epoch[d->nedec - 1]);
    if (has_figure(figs, nf, "epoch_decisions"))
        figure(p, "epoch_decisions");
    if (has_figure(figs, nf, "agreement"))
        figure(p, "agreement");
}

static void ddd_section(page *p, const rp_ddd *d, const char *const *figs, size_t nf)
{
    heading(p, 2, "Dichotomous data difficulty");
    para(p, "From %s: %.0f images, %zu models.", d->dir, d->nimages, d->nmodels);
    char headline[512];
    if (rp_ddd_headline(d, headline, sizeof headline) == 0)
        para(p, "%s.", headline);
    const char *head[4] = {"models correct", "images (%)", "binomial (%)", "Poisson-binomial (%)"};
    table_begin(p, head, 4);
    for (size_t b = 0; b < d->nbins; b++) {
        char c[4][32];
        snprintf(c[0], 32, "%zu", b);
        num(c[1], 32, 100 * d->fraction[b], 2);
        num(c[2], 32, 100 * d->binomial[b], 2);
        num(c[3], 32, 100 * d->poisson_binomial[b], 2);
        const char *cells[4] = {c[0], c[1], c[2], c[3]};
        row(p, cells, 4, 0);
    }
    table_end(p);
    if (d->has_unc) {
        para(p,
             "How sure the split is: %g%% percentile intervals from %.0f bootstrap replicates "
             "(seed %.0f), resampling the models (which models were chosen) and, separately, "
             "the images. The beta-binomial intra-class correlation rho (0: independent models "
             "and equally hard images, 1: every image all right or all wrong) is %.3f "
             "[%.3f, %.3f].",
             100 * d->unc_conf, d->unc_replicates, d->unc_seed, d->rho, d->rho_lo, d->rho_hi);
        const char *uh[4] = {"images", "share (%)", "resampling models (%)",
                             "resampling images (%)"};
        table_begin(p, uh, 4);
        for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--) {
            char cell[3][48];
            num(cell[0], 48, 100 * d->split_est[c], 1);
            for (int how = 0; how < 2; how++)
                if (d->split_has[how])
                    snprintf(cell[1 + how], 48, "%.1f – %.1f", 100 * d->split_lo[how][c],
                             100 * d->split_hi[how][c]);
                else
                    snprintf(cell[1 + how], 48, "–");
            const char *cells[4] = {dl_stats_difficulty_name(c), cell[0], cell[1], cell[2]};
            row(p, cells, 4, 0);
        }
        table_end(p);
    }
    static const char *const names[] = {"ddd_histogram", "decisions", "model_accuracy",
                                        "ec_models"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (has_figure(figs, nf, names[i]))
            figure(p, names[i]);
    ddd_classes(p, d, figs, nf);
    ddd_training(p, d, figs, nf);
}

static const char *css =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:62rem;margin:2rem auto;"
    "padding:0 1rem;color:#111;line-height:1.45}"
    "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}"
    "th,td{border-bottom:1px solid #ccc;padding:.25rem .6rem;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "th{border-bottom:2px solid #333}"
    "pre{background:#f4f4f4;padding:.6rem;overflow-x:auto;white-space:pre-wrap}"
    "figure{margin:1.5rem 0}img{max-width:100%;border:1px solid #eee}"
    "figcaption{font-size:.9rem;color:#333}";

static void render(page *p, const dl_report *r, const char *command_line, const char *const *figs,
                   size_t nf)
{
    const dl_report_trials *t = dl_report_get_trials(r);
    const dl_report_ratings *g = dl_report_get_ratings(r);
    if (p->html)
        fprintf(p->fp,
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>dddlab analysis</title><style>%s</style></head><body>\n",
                css);
    if (p->html)
        fputs("<h1>dddlab analysis</h1>\n", p->fp);
    else
        fputs("# dddlab analysis\n", p->fp);
    if (t)
        trials_section(p, r, t, figs, nf);
    if (g)
        ratings_section(p, g, r->questions.paper, figs, nf);
    if (r->ddd)
        ddd_section(p, r->ddd, figs, nf);
    provenance(p, r, command_line);
    para(p, "Tables: the .csv files beside this page; summary.json holds every number.");
    if (p->html)
        fputs("</body></html>\n", p->fp);
}

int rp_write_pages(const dl_report *r, const char *dir, const char *command_line,
                   const char *const *figures, size_t nfigures, dl_error *err)
{
    static const char *const names[2] = {"report.html", "report.md"};
    for (int k = 0; k < 2; k++) {
        char *path = dl_path_join(dir, names[k]);
        if (!path)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        dl_atomic a;
        int rc = dl_atomic_open(&a, path, err);
        free(path);
        if (rc)
            return rc;
        page p = {.fp = a.fp, .html = k == 0, .dir = dir};
        render(&p, r, command_line ? command_line : "(not recorded)", figures, nfigures);
        if ((rc = dl_atomic_commit(&a, err)))
            return rc;
    }
    return 0;
}

/* A report is replaced as a whole: DIR/.dddlab-report lists the files the
 * last report wrote, and those the new one does not write (a figure of an
 * earlier analysis) go once the new report is in place. Files the report did
 * not write — a lab's own notes, the demo's ratings/ folder — stay. */
static const char manifest_name[] = ".dddlab-report";

static int write_manifest(const char *tmp_dir, dl_error *err)
{
    DIR *dp = opendir(tmp_dir);
    if (!dp)
        return dl_fail(err, DL_EIO, "%s: cannot list: %s", tmp_dir, strerror(errno));
    char *path = dl_path_join(tmp_dir, manifest_name);
    FILE *f = path ? fopen(path, "w") : NULL;
    free(path);
    if (!f) {
        closedir(dp);
        return dl_fail(err, DL_EIO, "%s: cannot write %s", tmp_dir, manifest_name);
    }
    fputs("# files of the dddlab report in this folder; the next report removes those it does "
          "not write\n",
          f);
    struct dirent *e;
    while ((e = readdir(dp)) != NULL)
        if (e->d_name[0] != '.')
            fprintf(f, "%s\n", e->d_name);
    closedir(dp);
    return fclose(f) == 0 ? 0 : dl_fail(err, DL_EIO, "%s: cannot write %s", tmp_dir, manifest_name);
}

/* After the commit: remove what the old manifest (read before, may be NULL)
 * lists and the new report did not write. */
static void remove_stale(const char *dir, const char *old)
{
    char *path = dl_path_join(dir, manifest_name), *now = NULL;
    size_t len = 0;
    dl_error e = {0};
    if (!old || !path || dl_read_file(path, &now, &len, &e) != 0) {
        free(path);
        return;
    }
    for (const char *line = old; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        char name[256];
        if (n > 0 && n < sizeof name && line[0] != '#') {
            memcpy(name, line, n);
            name[n] = '\0';
            char key[260];
            snprintf(key, sizeof key, "\n%s\n", name);
            if (!strchr(name, '/') && strcmp(name, "..") != 0 && !strstr(now, key)) {
                char *stale = dl_path_join(dir, name);
                if (stale)
                    unlink(stale);
                free(stale);
            }
        }
        line = end ? end + 1 : line + n;
    }
    free(now);
    free(path);
}

int dl_report_write_dir(const dl_report *r, const char *dir, const char *command_line,
                        dl_error *err)
{
    if (!r->analysed)
        return dl_fail(err, DL_EINVAL, "the report has not been analysed");
    const char *figs[RP_MAX_FIGURES];
    size_t nf = 0;
    /* Staged, so a failure (a full disk at the last figure) leaves dir as it
     * was instead of tables without their report page. */
    dl_stage st;
    int rc = dl_stage_open(&st, dir, err);
    if (rc)
        return rc;
    rc = rp_write_tables(r, st.tmp_dir, err);
    if (!rc)
        rc = rp_write_figures(r, st.tmp_dir, figs, &nf, err);
    if (!rc)
        rc = rp_write_pages(r, st.tmp_dir, command_line, figs, nf, err);
    if (!rc)
        rc = write_manifest(st.tmp_dir, err);
    if (rc) {
        dl_stage_abort(&st, err);
        return rc;
    }
    char *old_path = dl_path_join(dir, manifest_name), *old = NULL;
    size_t old_len = 0;
    dl_error ignore = {0};
    if (old_path && dl_read_file(old_path, &old, &old_len, &ignore) != 0)
        old = NULL;
    free(old_path);
    rc = dl_stage_commit(&st, err);
    if (!rc)
        remove_stale(dir, old);
    free(old);
    return rc;
}
