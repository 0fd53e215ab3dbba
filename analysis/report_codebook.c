/* report_codebook.c — codebook.csv beside the tables of `analyse --out`:
 * for every column of every table, what it means, its unit and the labels of
 * coded answers, so a table can be read (or archived) without the program. */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

enum { CB_TRIALS = 1, CB_RATINGS = 2 };

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
    {CB_RATINGS, "questions.csv", "question", "question", "",
     "q1 = how many categories; q2 = a main category; q3 = unusual presentation"},
    {CB_RATINGS, "questions.csv", "level", "measurement level of Krippendorff's alpha", "",
     "interval; ordinal; nominal"},
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
    {CB_RATINGS, "answers.csv", "question", "question", "", "q1; q2; q3 as in questions.csv"},
    {CB_RATINGS, "answers.csv", "answer", "coded answer", "",
     "q1: number of categories 0-9; q2: 0 = No, 1 = Maybe, 2 = Yes; q3: 0 = No, 1 = Slightly, 2 = "
     "Very"},
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
    {CB_RATINGS, "rating_pairs.csv", "question", "question", "", "q1; q2; q3"},
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
    {CB_RATINGS, "items.csv", "mean_q1", "mean answer to q1 over observers", "categories", ""},
    {CB_RATINGS, "items.csv", "mean_q2", "mean answer to q2", "0-2", "0 = No, 1 = Maybe, 2 = Yes"},
    {CB_RATINGS, "items.csv", "mean_q3", "mean answer to q3", "0-2",
     "0 = No, 1 = Slightly, 2 = Very"},
    {CB_RATINGS, "observers.csv", "observer", "observer code", "", ""},
    {CB_RATINGS, "observers.csv", "ratings", "items rated", "count", ""},
    {CB_RATINGS, "observers.csv", "mean_q1", "the observer's mean answer to q1", "categories", ""},
    {CB_RATINGS, "observers.csv", "mean_q2", "... to q2", "0-2", "0 = No, 1 = Maybe, 2 = Yes"},
    {CB_RATINGS, "observers.csv", "mean_q3", "... to q3", "0-2", "0 = No, 1 = Slightly, 2 = Very"},
    {CB_RATINGS, "observers.csv", "alpha_without_q1", "alpha of q1 with this observer left out",
     "alpha", ""},
    {CB_RATINGS, "observers.csv", "alpha_without_q2", "... of q2", "alpha", ""},
    {CB_RATINGS, "observers.csv", "alpha_without_q3", "... of q3", "alpha", ""},
    {CB_RATINGS, "observers.csv", "mean_pairwise_alpha_q1",
     "mean alpha of q1 over this observer's pairs", "alpha", ""},
    {CB_RATINGS, "observers.csv", "mean_pairwise_alpha_q2", "... of q2", "alpha", ""},
    {CB_RATINGS, "observers.csv", "mean_pairwise_alpha_q3", "... of q3", "alpha", ""},
};

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
    fputs("table,column,meaning,unit,labels\n", a.fp);
    for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
        const cb_entry *e = &entries[i];
        if (!(e->kind & kinds))
            continue;
        const char *f[5] = {e->table, e->column, e->meaning, e->unit, e->labels};
        dl_csv_write_row(a.fp, f, 5);
    }
    return dl_atomic_commit(&a, err);
}
