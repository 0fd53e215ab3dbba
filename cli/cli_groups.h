/* cli_groups.h — option groups several commands share: one dl_opt_args table
 * each (one parser, one help text), so the commands never drift apart.
 *   results   how model results are read: stimuli analyse, build and
 *             imagestats --results (over dl_stimuli_read_opts)
 *   columns   how a long CSV of trials names observer, item and right or
 *             wrong: consistency, analyse --trials (over dl_report_columns)
 *   ec        error consistency's convention and bootstrap: consistency,
 *             analyse (over dl_ec_boot_opts; --bootstrap and --seed stay
 *             with each command, whose texts differ) */
#ifndef DL_CLI_GROUPS_H
#define DL_CLI_GROUPS_H

#include "cli.h"
#include "dl_stimuli.h"

enum { CLI_RESULTS_NOPTS = 11, CLI_COLUMNS_NOPTS = 6, CLI_EC_NOPTS = 4 };
extern const dl_opt cli_results_table[CLI_RESULTS_NOPTS], cli_columns_table[CLI_COLUMNS_NOPTS],
    cli_ec_table[CLI_EC_NOPTS];
extern const char cli_results_notes[];

#define CLI_RESULTS_GROUP(BASE)                                                                    \
    {                                                                                              \
        .heading = "results options (the same for stimuli analyse, build and imagestats "          \
                   "--results)",                                                                   \
        .opts = cli_results_table, .nopts = CLI_RESULTS_NOPTS, .base = (BASE),                     \
        .notes = cli_results_notes                                                                 \
    }

/* Print the reader's warnings ("dddlab: warning: ...") on stderr. */
void cli_results_warnings(const dl_stimuli_results *r);

#endif
