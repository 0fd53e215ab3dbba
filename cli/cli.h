/* cli.h — private to the dddlab command-line front end.
 *
 * Each command is a function taking its own argv (argv[0] is the command
 * name) and returning the process exit status: 0 success, 1 bad data or a
 * failed operation, 2 a usage error. Only the CLI prints. */
#ifndef DL_CLI_H
#define DL_CLI_H

#include <stdio.h>

#include "dl_common.h"

enum { DL_EXIT_OK = 0, DL_EXIT_FAIL = 1, DL_EXIT_USAGE = 2 };

typedef struct dl_cmd {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
} dl_cmd;

/* What an option parser returns after it printed --help: the command then
 * exits 0. Positive and above the exit codes, so it is neither a usage error
 * nor mistaken for DL_EINVAL (-1). */
enum { CLI_HELP_SHOWN = 100 };

/* Print "dddlab: MESSAGE" on stderr and return DL_EXIT_FAIL. MESSAGE is the
 * one the failing function left in err (may be NULL) or, for the many paths
 * that return a bare code (`return DL_ENOMEM;`), dl_strerror(rc): so every
 * failure gets a message from one place. */
int cli_fail(int rc, const dl_error *err);
/* Print "dddlab CMD: MESSAGE (see 'dddlab help CMD')" on stderr; return
 * DL_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The commands (cmd_*.c). */
int cmd_reliability(int argc, char **argv);
void help_reliability(FILE *out);
int cmd_consistency(int argc, char **argv);
void help_consistency(FILE *out);
int cmd_binomial(int argc, char **argv);
void help_binomial(FILE *out);
int cmd_plan(int argc, char **argv);
void help_plan(FILE *out);

int cmd_sessions(int argc, char **argv);
void help_sessions(FILE *out);
int cmd_export(int argc, char **argv);
void help_export(FILE *out);
int cmd_merge(int argc, char **argv);
void help_merge(FILE *out);
int cmd_db(int argc, char **argv);
void help_db(FILE *out);

int cmd_stimuli(int argc, char **argv);
void help_stimuli(FILE *out);

/* `dddlab stimuli imagestats ...` (cmd_imagestats.c); cmd_stimuli dispatches
 * to it with argv[0] == "imagestats". */
int cmd_stimuli_imagestats(int argc, char **argv);
void help_stimuli_imagestats(FILE *out);

int cmd_run(int argc, char **argv);
void help_run(FILE *out);

int cmd_analyse(int argc, char **argv);
void help_analyse(FILE *out);

int cmd_demo(int argc, char **argv);
void help_demo(FILE *out);

#endif
