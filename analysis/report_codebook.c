/* report_codebook.c — codebook.csv beside the tables of `analyse --out`:
 * for every column of every table, what it means, its unit and the labels of
 * coded answers, so a table can be read (or archived) without the program. */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    CB_TRIALS = 1,
    CB_RATINGS = 2,
    /* rows for the paper's three questions only; other question lists get
     * rows made from their definitions (CB_GEN, at the same place) */
    CB_PAPER = 4,
    CB_GEN = 8
};
#define CB_PQ (CB_RATINGS | CB_PAPER)
#define CB_GQ (CB_RATINGS | CB_GEN)

typedef struct cb_entry {
    int kind;
    const char *table, *column, *meaning, *unit, *labels;
} cb_entry;

/* One line per column, in the order the tables write them. "NA" in any
 * number cell means missing or undefined. */
static const cb_entry entries[] = {
    {CB_TRIALS, "observers.csv", "observer", "observer code", "", ""},
    {CB_TRIALS, "observers.csv", "trials", "main trials answered", "count", ""},
    {CB_TRIALS, "observers.csv", "correct", "correct answers (time-outs count as wrong)", "count",
     ""},
    {CB_TRIALS, "observers.csv", "accuracy", "correct / trials", "proportion 0-1", ""},
    {CB_TRIALS, "observers.csv", "ci_low",
     "lower end of the 95% Clopper-Pearson interval of accuracy", "proportion 0-1", ""},
    {CB_TRIALS, "observers.csv", "ci_high", "upper end of that interval", "proportion 0-1", ""},
    {CB_TRIALS, "observers.csv", "p_greater",
     "exact binomial test, one-sided: accuracy above chance", "p-value", ""},
    {CB_TRIALS, "observers.csv", "p_two_sided", "exact binomial test, two-sided", "p-value", ""},
    {CB_TRIALS, "observers.csv", "rt_median_ms", "median response time", "ms", ""},
    {CB_TRIALS, "observers.csv", "rt_mean_ms", "mean response time", "ms", ""},
    {CB_TRIALS, "error_consistency.csv", "observer",
     "row observer; the other columns are the column observers", "", ""},
    {CB_TRIALS, "error_consistency.csv", "<observer code>",
     "error consistency kappa of the row and column observer over the items both saw",
     "kappa -1 to 1", ""},
    {CB_TRIALS, "ec_pairs.csv", "a", "first observer of the pair", "", ""},
    {CB_TRIALS, "ec_pairs.csv", "b", "second observer of the pair", "", ""},
    {CB_TRIALS, "ec_pairs.csv", "items", "items both answered", "count", ""},
    {CB_TRIALS, "ec_pairs.csv", "kappa", "error consistency (Geirhos et al. 2020)", "kappa -1 to 1",
     ""},
    {CB_TRIALS, "ec_pairs.csv", "ci_low",
     "lower end of the bootstrap interval of kappa (--bootstrap)", "kappa", ""},
    {CB_TRIALS, "ec_pairs.csv", "ci_high", "upper end of that interval", "kappa", ""},
    {CB_TRIALS, "ec_pairs.csv", "ec_boundary",
     "how a replicate with expected agreement 1 was counted", "", "see docs/statistics.md"},
    {CB_TRIALS, "ec_pairs.csv", "replicates", "bootstrap replicates", "count", ""},
    {CB_TRIALS, "ec_pairs.csv", "seed", "bootstrap seed", "", ""},
    {CB_PQ, "questions.csv", "question", "question", "",
     "q1 = how many categories; q2 = a main category; q3 = unusual presentation"},
    {CB_GQ, "questions.csv", "question", NULL, NULL, NULL},
    {CB_PQ, "questions.csv", "level", "measurement level of Krippendorff's alpha", "",
     "interval; ordinal; nominal"},
    {CB_GQ, "questions.csv", "level", NULL, NULL, NULL},
    {CB_RATINGS, "questions.csv", "alpha", "Krippendorff's alpha over all observers", "alpha", ""},
    {CB_RATINGS, "questions.csv", "pairable_values", "values in units with at least two ratings",
     "count", ""},
    {CB_RATINGS, "questions.csv", "pairwise_alpha_mean", "alpha of every observer pair: mean",
     "alpha", ""},
    {CB_RATINGS, "questions.csv", "pairwise_alpha_sd", "... standard deviation", "alpha", ""},
    {CB_RATINGS, "questions.csv", "pairwise_alpha_min", "... smallest", "alpha", ""},
    {CB_RATINGS, "questions.csv", "pairwise_alpha_max", "... largest", "alpha", ""},
    {CB_RATINGS, "questions.csv", "pairwise_r_mean", "Pearson r of every observer pair: mean", "r",
     ""},
    {CB_RATINGS, "questions.csv", "pairwise_r_sd", "... standard deviation", "r", ""},
    {CB_RATINGS, "questions.csv", "pairwise_r_min", "... smallest", "r", ""},
    {CB_RATINGS, "questions.csv", "pairwise_r_max", "... largest", "r", ""},
    {CB_RATINGS, "questions.csv", "r_with_model_accuracy",
     "Pearson r of the item's mean answer with its fraction of models correct", "r", ""},
    {CB_RATINGS, "questions.csv", "r_p_value", "two-sided p of that r", "p-value", ""},
    {CB_RATINGS, "questions.csv", "r_items", "items in that r", "count", ""},
    {CB_RATINGS, "questions.csv", "alpha_ci_low",
     "lower end of alpha's bootstrap interval over items (--bootstrap)", "alpha", ""},
    {CB_RATINGS, "questions.csv", "alpha_ci_high", "upper end of that interval", "alpha", ""},
    {CB_RATINGS, "questions.csv", "alpha_conf", "level of that interval", "proportion 0-1", ""},
    {CB_RATINGS, "questions.csv", "alpha_boot_method", "bootstrap interval method", "",
     "percentile"},
    {CB_RATINGS, "questions.csv", "alpha_boot_seed", "bootstrap seed", "", ""},
    {CB_RATINGS, "questions.csv", "alpha_boot_replicates", "bootstrap replicates", "count", ""},
    {CB_RATINGS, "questions.csv", "alpha_p_below_0.667",
     "share of replicates with alpha below 0.667", "proportion 0-1", ""},
    {CB_RATINGS, "questions.csv", "alpha_p_below_0.8", "share of replicates with alpha below 0.8",
     "proportion 0-1", ""},
    {CB_PQ, "answers.csv", "question", "question", "", "q1; q2; q3 as in questions.csv"},
    {CB_GQ, "answers.csv", "question", NULL, NULL, NULL},
    {CB_PQ, "answers.csv", "answer", "coded answer", "",
     "q1: number of categories 0-9; q2: 0 = No, 1 = Maybe, 2 = Yes; q3: 0 = No, 1 = Slightly, 2 = "
     "Very"},
    {CB_GQ, "answers.csv", "answer", NULL, NULL, NULL},
    {CB_RATINGS, "answers.csv", "label", "the answer's label", "", ""},
    {CB_RATINGS, "answers.csv", "ratings", "ratings with this answer", "count", ""},
    {CB_RATINGS, "answers.csv", "mean_model_accuracy",
     "mean fraction of models correct of the rated images", "proportion 0-1", ""},
    {CB_RATINGS, "answers.csv", "n_trivial", "ratings of trivial images", "count", ""},
    {CB_RATINGS, "answers.csv", "n_in_between", "ratings of in-between images", "count", ""},
    {CB_RATINGS, "answers.csv", "n_impossible", "ratings of impossible images", "count", ""},
    {CB_RATINGS, "answers.csv", "frac_trivial", "n_trivial / ratings of a known class",
     "proportion 0-1", ""},
    {CB_RATINGS, "answers.csv", "frac_in_between", "n_in_between / ratings of a known class",
     "proportion 0-1", ""},
    {CB_RATINGS, "answers.csv", "frac_impossible", "n_impossible / ratings of a known class",
     "proportion 0-1", ""},
    {CB_PQ, "rating_pairs.csv", "question", "question", "", "q1; q2; q3"},
    {CB_GQ, "rating_pairs.csv", "question", NULL, NULL, NULL},
    {CB_RATINGS, "rating_pairs.csv", "a", "first observer of the pair", "", ""},
    {CB_RATINGS, "rating_pairs.csv", "b", "second observer of the pair", "", ""},
    {CB_RATINGS, "rating_pairs.csv", "items", "items both rated", "count", ""},
    {CB_RATINGS, "rating_pairs.csv", "alpha", "Krippendorff's alpha of the pair", "alpha", ""},
    {CB_RATINGS, "rating_pairs.csv", "r", "Pearson r of the pair", "r", ""},
    {CB_RATINGS, "items.csv", "item", "item key", "", ""},
    {CB_RATINGS, "items.csv", "class", "difficulty class of the image", "",
     "trivial; in-between; impossible"},
    {CB_RATINGS, "items.csv", "model_accuracy",
     "fraction of models that classify the image correctly", "proportion 0-1", ""},
    {CB_RATINGS, "items.csv", "label_error", "the image's label is a confirmed error", "",
     "0 = no, 1 = yes"},
    {CB_PQ, "items.csv", "mean_q1", "mean answer to q1 over observers", "categories", ""},
    {CB_PQ, "items.csv", "mean_q2", "mean answer to q2", "0-2", "0 = No, 1 = Maybe, 2 = Yes"},
    {CB_PQ, "items.csv", "mean_q3", "mean answer to q3", "0-2", "0 = No, 1 = Slightly, 2 = Very"},
    {CB_GQ, "items.csv", "mean_", NULL, NULL, NULL},
    {CB_RATINGS, "observers.csv", "observer", "observer code", "", ""},
    {CB_RATINGS, "observers.csv", "ratings", "items rated", "count", ""},
    {CB_PQ, "observers.csv", "mean_q1", "the observer's mean answer to q1", "categories", ""},
    {CB_PQ, "observers.csv", "mean_q2", "... to q2", "0-2", "0 = No, 1 = Maybe, 2 = Yes"},
    {CB_PQ, "observers.csv", "mean_q3", "... to q3", "0-2", "0 = No, 1 = Slightly, 2 = Very"},
    {CB_PQ, "observers.csv", "alpha_without_q1", "alpha of q1 with this observer left out", "alpha",
     ""},
    {CB_PQ, "observers.csv", "alpha_without_q2", "... of q2", "alpha", ""},
    {CB_PQ, "observers.csv", "alpha_without_q3", "... of q3", "alpha", ""},
    {CB_PQ, "observers.csv", "mean_pairwise_alpha_q1",
     "mean alpha of q1 over this observer's pairs", "alpha", ""},
    {CB_PQ, "observers.csv", "mean_pairwise_alpha_q2", "... of q2", "alpha", ""},
    {CB_PQ, "observers.csv", "mean_pairwise_alpha_q3", "... of q3", "alpha", ""},
    {CB_GQ, "observers.csv", "mean_", NULL, NULL, NULL},
};

/* What the answers of a question are: "count 0-9" or "0 = No, 1 = Maybe". */
static void answer_codes(const rp_qdef *d, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    if (d->type == DL_REPORT_Q_COUNT) {
        snprintf(buf, cap, "count 0-9");
        return;
    }
    for (size_t k = 0; k < d->nopt && used < cap; k++) {
        int n = snprintf(buf + used, cap - used, "%s%zu = %s", k ? ", " : "", k, d->opt[k]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static void row(FILE *fp, const char *table, const char *column, const char *meaning,
                const char *unit, const char *labels)
{
    const char *f[5] = {table, column, meaning, unit, labels};
    dl_csv_write_row(fp, f, 5);
}

/* The question-dependent rows of e for a list other than the paper's. */
static void generated(FILE *fp, const cb_entry *e, const rp_qlist *ql)
{
    char labels[4096], col[64], unit[32];
    size_t used = 0;
    labels[0] = '\0';
    const char *t = e->table, *c = e->column;
    if (strcmp(c, "question") == 0) {
        int full = strcmp(t, "questions.csv") == 0, ans = strcmp(t, "answers.csv") == 0;
        for (size_t q = 0; q < ql->n && used < sizeof labels; q++) {
            int n = full ? snprintf(labels + used, sizeof labels - used, "%s%s = %s", q ? "; " : "",
                                    ql->q[q].key, ql->q[q].text)
                         : snprintf(labels + used, sizeof labels - used, "%s%s", q ? "; " : "",
                                    ql->q[q].key);
            used += n > 0 ? (size_t)n : 0;
        }
        if (ans && used < sizeof labels)
            snprintf(labels + used, sizeof labels - used, " as in questions.csv");
        row(fp, t, c, "question", "", labels);
    } else if (strcmp(c, "level") == 0) {
        for (int lv = DL_LEVEL_NOMINAL; lv <= DL_LEVEL_RATIO; lv++)
            for (size_t q = 0; q < ql->n; q++)
                if ((int)ql->q[q].level == lv) {
                    int n = snprintf(labels + used, sizeof labels - used, "%s%s", used ? "; " : "",
                                     dl_stats_level_name((dl_level)lv));
                    used += n > 0 ? (size_t)n : 0;
                    break;
                }
        row(fp, t, c, "measurement level of Krippendorff's alpha", "", labels);
    } else if (strcmp(c, "answer") == 0) {
        for (size_t q = 0; q < ql->n && used < sizeof labels; q++) {
            char codes[2048];
            answer_codes(&ql->q[q], codes, sizeof codes);
            int n = snprintf(labels + used, sizeof labels - used, "%s%s: %s", q ? "; " : "",
                             ql->q[q].key, codes);
            used += n > 0 ? (size_t)n : 0;
        }
        row(fp, t, c, "coded answer", "", labels);
    } else if (strcmp(t, "items.csv") == 0 || strcmp(t, "observers.csv") == 0) {
        int obs = strcmp(t, "observers.csv") == 0;
        for (int w = 0; w < (obs ? 3 : 1); w++)
            for (size_t q = 0; q < ql->n; q++) {
                const rp_qdef *d = &ql->q[q];
                char meaning[128], codes[2048];
                answer_codes(d, codes, sizeof codes);
                if (d->type == DL_REPORT_Q_COUNT)
                    snprintf(unit, sizeof unit, "count");
                else
                    snprintf(unit, sizeof unit, "0-%zu", d->nopt - 1);
                static const char *const pre[3] = {"mean_", "alpha_without_",
                                                   "mean_pairwise_alpha_"};
                snprintf(col, sizeof col, "%s%s", pre[w], d->key);
                if (w == 0)
                    snprintf(meaning, sizeof meaning, "%s mean answer to %s%s",
                             obs ? "the observer's" : "the item's", d->key,
                             obs ? "" : " over observers");
                else if (w == 1)
                    snprintf(meaning, sizeof meaning, "alpha of %s with this observer left out",
                             d->key);
                else
                    snprintf(meaning, sizeof meaning, "mean alpha of %s over this observer's pairs",
                             d->key);
                row(fp, t, col, meaning, w ? "alpha" : unit,
                    w || d->type == DL_REPORT_Q_COUNT ? "" : codes);
            }
    }
}

int rp_write_codebook(const dl_report *r, const char *dir, dl_error *err)
{
    int kinds =
        (dl_report_get_trials(r) ? CB_TRIALS : 0) | (dl_report_get_ratings(r) ? CB_RATINGS : 0);
    if (!kinds)
        return 0; /* --ddd alone writes no table of its own */
    char *path = dl_path_join(dir, "codebook.csv");
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    dl_atomic a;
    int rc = dl_atomic_open(&a, path, err);
    free(path);
    if (rc)
        return rc;
    int paper = r->questions.paper;
    fputs("table,column,meaning,unit,labels\n", a.fp);
    for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
        const cb_entry *e = &entries[i];
        if (!(e->kind & kinds))
            continue;
        if ((e->kind & CB_PAPER) && !paper)
            continue;
        if (e->kind & CB_GEN) {
            if (!paper)
                generated(a.fp, e, &r->questions);
            continue;
        }
        row(a.fp, e->table, e->column, e->meaning, e->unit, e->labels);
    }
    return dl_atomic_commit(&a, err);
}
