/* cli_results.h — the options every results-reading command shares
 * (stimuli analyse, stimuli build, stimuli imagestats --results): one
 * cli_args table (one parser, one help text), so the three never drift. */
#ifndef DL_CLI_RESULTS_H
#define DL_CLI_RESULTS_H

#include <stdio.h>

#include "cli.h"
#include "cli_args.h"
#include "dl_stimuli.h"

/* The same options as a cli_args table over dl_stimuli_read_opts, with the
 * heading and notes its --help group prints. */
enum { CLI_RESULTS_NOPTS = 11 };
extern const cli_opt cli_results_table[CLI_RESULTS_NOPTS];
extern const char cli_results_heading[], cli_results_notes[];
#define CLI_RESULTS_GROUP(BASE)                                                                    \
    {                                                                                              \
        .heading = cli_results_heading, .opts = cli_results_table, .nopts = CLI_RESULTS_NOPTS,     \
        .base = (BASE), .notes = cli_results_notes                                                 \
    }

/* Print the reader's warnings ("dddlab: warning: ...") on stderr. */
void cli_results_warnings(const dl_stimuli_results *r);

#endif
