/* cmd_stats.h — pieces shared by the statistics commands (reliability,
 * consistency, binomial, plan, analyse); private to cli/. */
#ifndef DL_CMD_STATS_H
#define DL_CMD_STATS_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "dl_stats.h"

/* cli_bad_option, but "--json=yes" (a value for an option that takes none)
 * is named as such instead of as the option's short letter. */
int cli_stats_bad_option(const char *cmd, int c, char **argv);

/* One option shared by the commands that compute error consistency:
 * c is 'B' --bootstrap N, 'S' --seed S, 'C' --conf C, 'R'
 * --resample-observers, 'T' --threads T, 'E' --ec-boundary B. 0, or a usage
 * error (DL_EXIT_USAGE) naming cmd. */
int cli_ec_option(const char *cmd, int c, const char *arg, dl_ec_boot_opts *boot,
                  dl_ec_boundary *boundary);

/* What kappa is under b, for the note under a table
 * (dl_stats_ec_boundary_text). */
const char *cli_ec_boundary_text(dl_ec_boundary b);

#endif
