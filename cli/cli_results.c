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

void cli_results_warnings(const dl_stimuli_results *r)
{
    for (size_t i = 0; r && i < r->nwarnings; i++)
        fprintf(stderr, "dddlab: warning: %s: %s\n", r->path, r->warnings[i]);
}
