/* cli_groups.c — the option groups several commands share (cli_groups.h). */
#include "cli_groups.h"

#include "dl_report.h"

#define T dl_stimuli_read_opts
const dl_opt cli_results_table[CLI_RESULTS_NOPTS] = {
    DL_OPT_CHOICE(T, "format", format, "auto|long|wide|counts|mvh|timm|npy",
                  dl_stimuli_format_parse, "F",
                  "auto (default: from the extension and header), long, wide,\n"
                  "counts, mvh (model-vs-human raw data), timm (inference.py\n"
                  "CSV), npy (.npy/.npz arrays)"),
    DL_OPT_COL(T, "model-col", cols.model, "C",
               "column naming the model (default model; mvh: subj); without\n"
               "one, each file is one model named by its file's stem"),
    DL_OPT_COL(T, "image-col", cols.image, "C",
               "image column (default image; mvh: imagename; timm: filename)"),
    DL_OPT_COL(T, "label-col", cols.label, "C", "true label (default label; mvh: category)"),
    DL_OPT_COL(T, "prediction-col", cols.prediction, "C",
               "predicted label or top-k list (default prediction; mvh:\n"
               "object_response; timm: index)"),
    DL_OPT_COL(T, "correct-col", cols.correct, "C", "0/1 correctness (default correct)"),
    DL_OPT_COL(T, "epoch-col", cols.epoch, "C", "training epoch (default epoch)"),
    DL_OPT_COL(T, "image-regex", cols.image_regex, "RE",
               "image name = the first group (or match) of RE in each name"),
    DL_OPT_WHOLE(T, "top-k", top_k, 1, 1000, "K",
                 "correct when the label is among the first K predictions"),
    DL_OPT_STR(T, "labels", labels, "FILE",
               "true labels, rows image,label (timm, npy, long files without\n"
               "a label column)"),
    DL_OPT_STR(T, "image-list", image_list, "FILE",
               "npy: image names in array order (one per line), or an\n"
               "ImageFolder root (sorted class folders, sorted files;\n"
               "labels from the folders)"),
};
#undef T

#define T dl_report_columns
const dl_opt cli_columns_table[CLI_COLUMNS_NOPTS] = {
    DL_OPT_STR(T, "observer-col", observer, "C", "column naming the observer [observer]"),
    DL_OPT_STR(T, "item-col", item, "C", "column naming the item [item]"),
    DL_OPT_STR(T, "item-regex", item_regex, "RE",
               "POSIX extended regex; its first group (or the whole match\n"
               "when it has none) is the item key, e.g. '_([^_]+)$' turns\n"
               "0001_edg_s01_0_oven_00_oven10.png into oven10.png"),
    DL_OPT_STR(T, "correct-col", correct, "C",
               "column with 1/0 or true/false (analyse: [correct] unless\n"
               "--response-col and --truth-col are given)"),
    DL_OPT_STR(T, "response-col", response, "C",
               "column with the observer's response: right when equal to\n"
               "--truth-col; a missing response counts as wrong"),
    DL_OPT_STR(T, "truth-col", truth, "C", "column with the right answer"),
};
#undef T

#define T dl_ec_boot_opts
const dl_opt cli_ec_table[CLI_EC_NOPTS] = {
    DL_OPT_REAL(T, "conf", conf_level, 0, 1, DL_OPT_OPEN, "C",
                "confidence level of the intervals [0.95]"),
    DL_OPT_FLAG(T, "resample-observers", 0, resample_observers,
                "the mean's interval also resamples observers"),
    DL_OPT_WHOLE(T, "threads", threads, 1, 256, "T",
                 "threads of the bootstrap (same result on any number;\n"
                 "default: one per core)"),
    DL_OPT_CHOICE(T, "ec-boundary", boundary, "undefined|one", dl_stats_ec_boundary_parse, "B",
                  "kappa when both are always right or both always wrong\n"
                  "(c_exp = 1): undefined (default; missing, left out of the\n"
                  "mean with a count) or one (the older convention)"),
};
#undef T

_Static_assert(sizeof cli_results_table / sizeof *cli_results_table == CLI_RESULTS_NOPTS &&
                   sizeof cli_columns_table / sizeof *cli_columns_table == CLI_COLUMNS_NOPTS &&
                   sizeof cli_ec_table / sizeof *cli_ec_table == CLI_EC_NOPTS,
               "the counts in cli_groups.h are the tables' lengths");
const char cli_results_notes[] =
    "Label and prediction compare as numbers when both are numbers (65 = 65.0).\n"
    "RESULTS may be a folder or a glob: every file is read, one model per file when\n"
    "no model column names it.\n";

void cli_results_warnings(const dl_stimuli_results *r)
{
    for (size_t i = 0; r && i < r->nwarnings; i++)
        fprintf(stderr, "dddlab: warning: %s: %s\n", r->path, r->warnings[i]);
}
