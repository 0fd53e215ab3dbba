/* cli_results.c — the shared results options (cli_results.h). */
#include "cli_results.h"

#include <string.h>

#define T dl_stimuli_read_opts
const cli_opt cli_results_table[CLI_RESULTS_NOPTS] = {
    CLI_CHOICE_OPT(T, "format", format, "auto|long|wide|counts|mvh|timm|npy",
                   dl_stimuli_format_parse, "F",
                   "auto (default: from the extension and header), long, wide,\n"
                   "counts, mvh (model-vs-human raw data), timm (inference.py\n"
                   "CSV), npy (.npy/.npz arrays)"),
    CLI_COL_OPT(T, "model-col", cols.model, "C",
                "column naming the model (default model; mvh: subj); without\n"
                "one, each file is one model named by its file's stem"),
    CLI_COL_OPT(T, "image-col", cols.image, "C",
                "image column (default image; mvh: imagename; timm: filename)"),
    CLI_COL_OPT(T, "label-col", cols.label, "C", "true label (default label; mvh: category)"),
    CLI_COL_OPT(T, "prediction-col", cols.prediction, "C",
                "predicted label or top-k list (default prediction; mvh:\n"
                "object_response; timm: index)"),
    CLI_COL_OPT(T, "correct-col", cols.correct, "C", "0/1 correctness (default correct)"),
    CLI_COL_OPT(T, "epoch-col", cols.epoch, "C", "training epoch (default epoch)"),
    CLI_COL_OPT(T, "image-regex", cols.image_regex, "RE",
                "image name = the first group (or match) of RE in each name"),
    CLI_WHOLE_OPT(T, "top-k", top_k, 1, 1000, "K",
                  "correct when the label is among the first K predictions"),
    CLI_STR_OPT(T, "labels", labels, "FILE",
                "true labels, rows image,label (timm, npy, long files without\n"
                "a label column)"),
    CLI_STR_OPT(T, "image-list", image_list, "FILE",
                "npy: image names in array order (one per line), or an\n"
                "ImageFolder root (sorted class folders, sorted files;\n"
                "labels from the folders)"),
};
#undef T
_Static_assert(sizeof cli_results_table / sizeof *cli_results_table == CLI_RESULTS_NOPTS,
               "CLI_RESULTS_NOPTS is the table's length");
const char cli_results_heading[] =
    "results options (the same for stimuli analyse, build and imagestats --results)";
const char cli_results_notes[] =
    "Label and prediction compare as numbers when both are numbers (65 = 65.0).\n"
    "RESULTS may be a folder or a glob: every file is read, one model per file when\n"
    "no model column names it.\n";

void cli_results_warnings(const dl_stimuli_results *r)
{
    for (size_t i = 0; r && i < r->nwarnings; i++)
        fprintf(stderr, "dddlab: warning: %s: %s\n", r->path, r->warnings[i]);
}
