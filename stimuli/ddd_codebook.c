/* ddd_codebook.c — codebook.csv beside the tables of `stimuli analyse --out`:
 * for every column of every file, what it means, its unit and the labels of
 * coded values, so the folder can be read (or archived) without the program.
 * "NA" in a number column means missing or undefined (ec_pairs.csv, which
 * mirrors `consistency --out`, leaves such cells empty). */
#include "dl_stimuli.h"
#include "stimuli_internal.h"

typedef struct cb_row {
    const char *table, *column, *meaning, *unit, *labels;
} cb_row;

static const cb_row rows[] = {
    {"per_image.csv", "image", "image name as in the results", "", ""},
    {"per_image.csv", "n_correct", "models that classify the image correctly (last epoch)", "count",
     ""},
    {"per_image.csv", "n_models", "models that judged the image", "count", ""},
    {"per_image.csv", "fraction_correct", "n_correct / n_models", "proportion 0-1", ""},
    {"per_image.csv", "difficulty", "the split of --near K", "",
     "trivial: n_correct >= n_models - K; impossible: n_correct <= K; in-between: the rest"},
    {"per_image.csv", "class", "the image's class (given label), when known", "", ""},
    {"per_image.csv", "superclass", "the class's superclass, when known", "", ""},
    {"per_image.csv", "label_error", "the image's label is a confirmed error", "",
     "0 = no; 1 = yes; NA = unknown"},
    {"per_image.csv", "path", "image file relative to the image root", "", ""},
    {"model_accuracy.csv", "model", "model name", "", ""},
    {"model_accuracy.csv", "epoch", "training epoch (NA without an epoch column)", "epoch", ""},
    {"model_accuracy.csv", "images", "images judged", "count", ""},
    {"model_accuracy.csv", "correct", "images classified correctly", "count", ""},
    {"model_accuracy.csv", "accuracy", "correct / images", "proportion 0-1", ""},
    {"histogram.csv", "n_correct", "number of models correct", "count", ""},
    {"histogram.csv", "images", "images with that many models correct", "count", ""},
    {"histogram.csv", "fraction", "images / all images", "proportion 0-1", ""},
    {"histogram.csv", "binomial_expected",
     "expected images for independent models of the mean accuracy: Binomial(M, mean)", "images",
     ""},
    {"histogram.csv", "poisson_binomial_expected",
     "expected images for independent models of their own accuracies (Poisson-binomial)", "images",
     ""},
    {"ec_all.csv", "model", "row model; the other columns are the column models", "", ""},
    {"ec_all.csv", "<model>", "error consistency kappa of row and column model on all images",
     "kappa -1 to 1", ""},
    {"ec_in_between.csv", "model", "row model; the other columns are the column models", "", ""},
    {"ec_in_between.csv", "<model>",
     "error consistency kappa of row and column model on the in-between images", "kappa -1 to 1",
     ""},
    {"ec_pairs.csv", "row", "kind of row", "", "pair = one model pair; mean = over pairs"},
    {"ec_pairs.csv", "subset", "images compared", "", "all; in_between"},
    {"ec_pairs.csv", "a", "first model of the pair", "", ""},
    {"ec_pairs.csv", "b", "second model of the pair", "", ""},
    {"ec_pairs.csv", "images", "images compared", "count", ""},
    {"ec_pairs.csv", "p1", "accuracy of a", "proportion 0-1", ""},
    {"ec_pairs.csv", "p2", "accuracy of b", "proportion 0-1", ""},
    {"ec_pairs.csv", "c_obs", "observed agreement (both right or both wrong)", "proportion 0-1",
     ""},
    {"ec_pairs.csv", "c_exp", "agreement expected from the accuracies", "proportion 0-1", ""},
    {"ec_pairs.csv", "kappa", "error consistency (Geirhos et al. 2020)", "kappa -1 to 1", ""},
    {"ec_pairs.csv", "kappa_corrected", "small-sample corrected kappa: n kappa / ((n - 1) + kappa)",
     "kappa", ""},
    {"ec_pairs.csv", "kappa_min", "smallest kappa the two accuracies allow", "kappa", ""},
    {"ec_pairs.csv", "kappa_max", "largest kappa the two accuracies allow", "kappa", ""},
    {"ec_pairs.csv", "p_value", "Fisher's exact test of independence, two-sided", "p-value", ""},
    {"ec_pairs.csv", "ci_low", "lower end of the bootstrap interval of kappa (--bootstrap)",
     "kappa", ""},
    {"ec_pairs.csv", "ci_high", "upper end of that interval", "kappa", ""},
    {"ec_pairs.csv", "replicates_defined", "bootstrap replicates in which kappa was defined",
     "count", ""},
    {"ec_pairs.csv", "ec_boundary", "kappa when the expected agreement is 1", "", "undefined; one"},
    {"ec_pairs.csv", "replicates", "bootstrap replicates", "count", ""},
    {"ec_pairs.csv", "seed", "bootstrap seed", "", ""},
    {"ec_pairs.csv", "conf_level", "level of the interval", "proportion 0-1", ""},
    {"class_accuracy.csv", "rank", "rank of the class, most accurate first", "", ""},
    {"class_accuracy.csv", "class", "class name", "", ""},
    {"class_accuracy.csv", "images", "images of the class", "count", ""},
    {"class_accuracy.csv", "accuracy", "mean fraction of models correct over its images",
     "proportion 0-1", ""},
    {"class_accuracy.csv", "trivial", "its trivial images", "count", ""},
    {"class_accuracy.csv", "in_between", "its in-between images", "count", ""},
    {"class_accuracy.csv", "impossible", "its impossible images", "count", ""},
    {"class_accuracy.csv", "min_model_accuracy",
     "accuracy of the least accurate model on the class's images (NA for counts input)",
     "proportion 0-1", ""},
    {"class_accuracy.csv", "max_model_accuracy", "accuracy of the most accurate model on them",
     "proportion 0-1", ""},
    {"agreement.csv", "epoch", "training epoch (NA: results without epochs)", "epoch", ""},
    {"agreement.csv", "models", "models", "count", ""},
    {"agreement.csv", "mean_accuracy", "mean accuracy of the models", "proportion 0-1", ""},
    {"agreement.csv", "tpa", "true-positive agreement: all_right / any_right", "proportion 0-1",
     ""},
    {"agreement.csv", "lower_bound", "1 - min(sum of (1 - accuracy), 1)", "proportion 0-1", ""},
    {"agreement.csv", "expected_tpa", "TPa of independent models of these accuracies",
     "proportion 0-1", ""},
    {"agreement.csv", "expected_all", "product of the accuracies (share of all images)",
     "proportion 0-1", ""},
    {"agreement.csv", "all_right", "images every model got right", "count", ""},
    {"agreement.csv", "any_right", "images at least one model got right", "count", ""},
    {"decisions.csv", "image", "image name", "", ""},
    {"decisions.csv", "<model>", "the model's decision on the image (last epoch)", "",
     "0 = wrong; 1 = correct"},
    {"epoch_decisions.csv", "epoch", "training epoch", "epoch", ""},
    {"epoch_decisions.csv", "image", "image name (the order of decisions.csv)", "", ""},
    {"epoch_decisions.csv", "<model>", "the model's decision on the image at that epoch", "",
     "0 = wrong; 1 = correct"},
    {"uncertainty.csv", "measure", "what the row estimates (only with --bootstrap)", "",
     "split_trivial; split_in_between; split_impossible; beta_binomial_rho; binomial_band; "
     "poisson_binomial_band"},
    {"uncertainty.csv", "models_correct", "number of models correct of a band row", "count", ""},
    {"uncertainty.csv", "resampling", "what the bootstrap resampled", "", "models; images"},
    {"uncertainty.csv", "estimate", "the estimate (split: proportion; band: images)", "", ""},
    {"uncertainty.csv", "low", "lower end of the interval", "", ""},
    {"uncertainty.csv", "high", "upper end of the interval", "", ""},
    {"uncertainty.csv", "interval", "kind of interval", "", "percentile; pointwise"},
    {"uncertainty.csv", "replicates", "bootstrap replicates", "count", ""},
    {"uncertainty.csv", "seed", "bootstrap seed", "", ""},
    {"uncertainty.csv", "conf", "level of the interval", "proportion 0-1", ""},
};

void stim_write_codebook(const dl_stimuli_analysis *a, FILE *f)
{
    (void)a;
    fputs("table,column,meaning,unit,labels\n", f);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const cb_row *r = &rows[i];
        const char *cells[5] = {r->table, r->column, r->meaning, r->unit, r->labels};
        dl_csv_write_row(f, cells, 5);
    }
}
