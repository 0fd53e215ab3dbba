/* cli_results.c — the shared results options (cli_results.h). */
#include "cli_results.h"

#include <string.h>

int cli_results_opt(const char *cmd, int c, const char *arg, dl_stimuli_read_opts *ro)
{
    dl_stimuli_columns *k = &ro->cols;
    long v;
    switch (c) {
    case CLI_RO_FORMAT: {
        int f = dl_stimuli_format_parse(arg);
        if (f < 0)
            return cli_usage(
                cmd, "--format must be auto, long, wide, counts, mvh, timm or npy, not '%s'", arg);
        ro->format = (dl_stimuli_format)f;
        return 0;
    }
    case CLI_RO_MODEL_COL:
        k->model = arg;
        break;
    case CLI_RO_IMAGE_COL:
        k->image = arg;
        break;
    case CLI_RO_LABEL_COL:
        k->label = arg;
        break;
    case CLI_RO_PRED_COL:
        k->prediction = arg;
        break;
    case CLI_RO_CORRECT_COL:
        k->correct = arg;
        break;
    case CLI_RO_EPOCH_COL:
        k->epoch = arg;
        break;
    case CLI_RO_IMAGE_REGEX:
        k->image_regex = arg;
        break;
    case CLI_RO_TOP_K:
        if (dl_parse_long(arg, &v) != 0 || v < 1 || v > 1000)
            return cli_usage(cmd, "--top-k expects a whole number from 1 to 1000, not '%s'", arg);
        ro->top_k = (unsigned)v;
        return 0;
    case CLI_RO_LABELS:
        ro->labels = arg;
        return 0;
    case CLI_RO_IMAGE_LIST:
        ro->image_list = arg;
        return 0;
    default:
        return -1;
    }
    if (arg[0] == '\0')
        return cli_usage(cmd, "a column name must not be empty");
    return 0;
}

void cli_results_help(FILE *out)
{
    fputs("results options (the same for stimuli analyse, build and imagestats --results):\n"
          "  --format F        auto (default: from the extension and header), long, wide,\n"
          "                    counts, mvh (model-vs-human raw data), timm (inference.py\n"
          "                    CSV), npy (.npy/.npz arrays)\n"
          "  --model-col C     column naming the model (default model; mvh: subj); without\n"
          "                    one, each file is one model named by its file's stem\n"
          "  --image-col C     image column (default image; mvh: imagename; timm: filename)\n"
          "  --label-col C     true label (default label; mvh: category)\n"
          "  --prediction-col C  predicted label or top-k list (default prediction; mvh:\n"
          "                    object_response; timm: index)\n"
          "  --correct-col C   0/1 correctness (default correct)\n"
          "  --epoch-col C     training epoch (default epoch)\n"
          "  --image-regex RE  image name = the first group (or match) of RE in each name\n"
          "  --top-k K         correct when the label is among the first K predictions\n"
          "  --labels FILE     true labels, rows image,label (timm, npy, long files without\n"
          "                    a label column)\n"
          "  --image-list FILE npy: image names in array order (one per line), or an\n"
          "                    ImageFolder root (sorted class folders, sorted files;\n"
          "                    labels from the folders)\n"
          "Label and prediction compare as numbers when both are numbers (65 = 65.0).\n"
          "RESULTS may be a folder or a glob: every file is read, one model per file when\n"
          "no model column names it.\n",
          out);
}

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
