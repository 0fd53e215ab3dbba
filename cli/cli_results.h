/* cli_results.h — the options every results-reading command shares
 * (stimuli analyse, stimuli build, stimuli imagestats --results): one
 * option table, one parser, one help text, so the three never drift. */
#ifndef DL_CLI_RESULTS_H
#define DL_CLI_RESULTS_H

#include <stdio.h>

#include "cli.h"
#include "cli_args.h"
#include "dl_stimuli.h"

/* Option ids, above every command's own ids. */
enum {
    CLI_RO_FORMAT = 1500,
    CLI_RO_MODEL_COL,
    CLI_RO_IMAGE_COL,
    CLI_RO_LABEL_COL,
    CLI_RO_PRED_COL,
    CLI_RO_CORRECT_COL,
    CLI_RO_EPOCH_COL,
    CLI_RO_IMAGE_REGEX,
    CLI_RO_TOP_K,
    CLI_RO_LABELS,
    CLI_RO_IMAGE_LIST
};

/* The getopt_long entries; put inside a command's option table. */
#define CLI_RESULTS_OPTIONS                                                                        \
    {"format", required_argument, 0, CLI_RO_FORMAT},                                               \
        {"model-col", required_argument, 0, CLI_RO_MODEL_COL},                                     \
        {"image-col", required_argument, 0, CLI_RO_IMAGE_COL},                                     \
        {"label-col", required_argument, 0, CLI_RO_LABEL_COL},                                     \
        {"prediction-col", required_argument, 0, CLI_RO_PRED_COL},                                 \
        {"correct-col", required_argument, 0, CLI_RO_CORRECT_COL},                                 \
        {"epoch-col", required_argument, 0, CLI_RO_EPOCH_COL},                                     \
        {"image-regex", required_argument, 0, CLI_RO_IMAGE_REGEX},                                 \
        {"top-k", required_argument, 0, CLI_RO_TOP_K},                                             \
        {"labels", required_argument, 0, CLI_RO_LABELS},                                           \
    {                                                                                              \
        "image-list", required_argument, 0, CLI_RO_IMAGE_LIST                                      \
    }

/* Apply option c: 0 done, DL_EXIT_USAGE after printing a usage error, -1
 * when c is not a results option. */
int cli_results_opt(const char *cmd, int c, const char *arg, dl_stimuli_read_opts *ro);

/* The options' lines for --help. */
void cli_results_help(FILE *out);

/* The same options as a cli_args table over dl_stimuli_read_opts, with the
 * heading and notes its --help group prints. */
enum { CLI_RESULTS_NOPTS = 11 };
extern const cli_opt cli_results_table[CLI_RESULTS_NOPTS];
extern const char cli_results_heading[], cli_results_notes[];
#define CLI_RESULTS_GROUP(BASE)                                                                    \
    {                                                                                              \
        .heading = cli_results_heading, .opts = cli_results_table, .nopts = CLI_RESULTS_NOPTS,     \
        .base = BASE, .notes = cli_results_notes                                                   \
    }

/* Print the reader's warnings ("dddlab: warning: ...") on stderr. */
void cli_results_warnings(const dl_stimuli_results *r);

#endif
