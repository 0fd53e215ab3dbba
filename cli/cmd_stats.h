/* cmd_stats.h — pieces shared by the statistics commands (reliability,
 * consistency, binomial); private to cli/. */
#ifndef DL_CMD_STATS_H
#define DL_CMD_STATS_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"

/* Distinct strings in first-seen order, found again through a hash index:
 * coders, units, observers, items and category labels all become small
 * integers this way. */
typedef struct cli_names {
    char **names; /* n copies, NUL-terminated */
    size_t n;
    size_t cap;
    size_t *slots; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
} cli_names;

void cli_names_init(cli_names *t);
void cli_names_free(cli_names *t);
/* Index of the len bytes at s, adding a copy when new. 0 or DL_ENOMEM. */
int cli_names_add(cli_names *t, const char *s, size_t len, size_t *index);

/* Width of the longest name (at least min), for aligned tables. */
int cli_names_width(const cli_names *t, int min);

/* Print v with "%.4f", or "-" when it is NaN, right-aligned in width
 * (dl_fmt_num). */
void cli_print_stat(FILE *out, int width, double v);

/* cli_bad_option, but "--json=yes" (a value for an option that takes none)
 * is named as such instead of as the option's short letter. */
int cli_stats_bad_option(const char *cmd, int c, char **argv);

/* dl_csv_read, and also fail with "FILE:1: no data rows after the header"
 * when the file holds only a header. */
int cli_csv_load(const char *path, dl_csv **out, dl_error *err);

/* ---- error-consistency uncertainty options (cmd_ec_opts.c) ---- */

#include "dl_stats.h"

/* One option shared by the commands that compute error consistency:
 * c is 'B' --bootstrap N, 'S' --seed S, 'C' --conf C, 'R'
 * --resample-observers, 'T' --threads T, 'E' --ec-boundary B. 0, or a usage
 * error (DL_EXIT_USAGE) naming cmd. */
int cli_ec_option(const char *cmd, int c, const char *arg, dl_ec_boot_opts *boot,
                  dl_ec_boundary *boundary);

/* What kappa is under b, for the note under a table. */
const char *cli_ec_boundary_text(dl_ec_boundary b);

#endif
