/* cli.h — private to the dddlab command-line front end.
 *
 * The commands form a tree (cli_cmds.c): a leaf parses its argv (argv[0] is
 * its name) with its dl_opt_spec and returns the process exit status: 0
 * success, 1 bad data or a failed operation, 2 a usage error, or
 * CLI_HELP_SHOWN after printing --help (main exits 0). A node only
 * dispatches to its subcommands. Only the CLI prints. */
#ifndef DL_CLI_H
#define DL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "dl_common.h"
#include "dl_opt.h"

enum { DL_EXIT_OK = 0, DL_EXIT_FAIL = 1, DL_EXIT_USAGE = 2 };

/* What a command returns after it printed --help: main then exits 0.
 * Positive and above the exit codes, so it is neither a usage error nor
 * mistaken for DL_EINVAL (-1). */
enum { CLI_HELP_SHOWN = 100 };

typedef struct cli_cmd cli_cmd;
struct cli_cmd {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* a leaf; NULL for a node */
    const dl_opt_spec *spec;           /* a leaf's options and --help */
    const cli_cmd *const *subs;        /* a node's subcommands, NULL-terminated */
    const char *about;                 /* a node's --help: what it is for */
};

/* The root's commands, NULL-terminated (cli_cmds.c). */
extern const cli_cmd *const cli_commands[];

/* Run command c on argv (argv[0] its name): a leaf runs, a node runs the
 * subcommand argv[1] (a missing or unknown one is a usage error). */
int cli_dispatch(const cli_cmd *c, int argc, char **argv);
/* c's --help: a leaf's from its spec, a node's list of subcommands. */
void cli_help(FILE *out, const cli_cmd *c);
/* The command called name among cmds (NULL-terminated), or NULL. */
const cli_cmd *cli_find(const cli_cmd *const *cmds, const char *name);

/* dl_opt_parse, printing for the command line: --help on stdout (then
 * CLI_HELP_SHOWN), an option error as cli_usage does (then DL_EXIT_USAGE). */
int cli_parse(const dl_opt_spec *s, int argc, char **argv, void *opts, dl_opt_args *a);

/* Print "dddlab: MESSAGE" on stderr and return DL_EXIT_FAIL. MESSAGE is the
 * one the failing function left in err (may be NULL) or, for the many paths
 * that return a bare code (`return DL_ENOMEM;`), dl_strerror(rc): so every
 * failure gets a message from one place. */
int cli_fail(int rc, const dl_error *err);
/* Print "dddlab CMD: MESSAGE (see 'dddlab help CMD')" on stderr; return
 * DL_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one-line progress display on stderr (cli_progress.c), shown only when
 * stderr is a terminal (or DL_PROGRESS=1) and the work takes longer than
 * half a second. A command begins one with its label, passes
 * cli_progress_cb and it as a library's dl_progress_fn and context, and ends
 * it. */
typedef struct cli_progress {
    const char *label;
    uint64_t total;
    uint64_t done;
    double start_s;
    double last_s;
    int enabled;
    int shown;
    int started, ended; /* by cli_progress_cb */
} cli_progress;

void cli_progress_begin(cli_progress *p, const char *label, uint64_t total);
void cli_progress_update(cli_progress *p, uint64_t done);
void cli_progress_end(cli_progress *p);
/* A dl_progress_fn whose ctx is a begun cli_progress: takes the library's
 * total and draws done. The clock starts at the first report (so one call
 * can report two pieces of work, each to its own cli_progress) and done ==
 * total ends the display; cli_progress_end after it adds nothing. */
void cli_progress_cb(void *ctx, size_t done, size_t total);

#endif
