/* main.c — the dddlab command dispatcher (like git: dddlab COMMAND ...). */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static const dl_cmd commands[] = {
    {"stimuli", "model results -> DDD measures, stimulus sets, demo data, image statistics",
     cmd_stimuli, help_stimuli},
    {"run", "run a 2AFC or rating session with an observer (fullscreen)", cmd_run, help_run},
    {"analyse", "analyse collected responses: accuracy, consistency, alpha, figures", cmd_analyse,
     help_analyse},
    {"sessions", "list the sessions in a database", cmd_sessions, help_sessions},
    {"export", "export a database table as tidy CSV", cmd_export, help_export},
    {"merge", "merge the databases of several stations", cmd_merge, help_merge},
    {"db", "check a database's integrity and schema", cmd_db, help_db},
    {"reliability", "Krippendorff's alpha (and kappas) of a long CSV of ratings", cmd_reliability,
     help_reliability},
    {"consistency", "error consistency between every pair of observers", cmd_consistency,
     help_consistency},
    {"binomial", "exact binomial test and Clopper-Pearson interval", cmd_binomial, help_binomial},
    {"plan", "trials or items an experiment needs (2AFC power, error-consistency precision)",
     cmd_plan, help_plan},
    {"demo", "the whole job on built-in synthetic data", cmd_demo, help_demo},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *out)
{
    fprintf(out, "usage: dddlab [--version] [--help] COMMAND [ARGS]\n\n"
                 "dddlab studies dichotomous data difficulty: it turns model results into\n"
                 "stimulus sets, runs 2AFC and rating experiments with observers, and\n"
                 "analyses the responses.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'dddlab help COMMAND' or 'dddlab COMMAND --help' describes one command.\n"
                 "Every command takes --json to print one JSON object on stdout.\n"
                 "Exit status: 0 success, 1 bad data or failed operation, 2 usage error.\n");
}

static const dl_cmd *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts the process; every GSL call of ours
     * checks its status instead, so a failure becomes a message. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return DL_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return DL_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("dddlab %s (git %s)\n", dl_version(), dl_git_revision());
        return DL_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return DL_EXIT_OK;
        }
        const dl_cmd *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "dddlab: unknown command '%s' (see 'dddlab --help')\n", argv[2]);
            return DL_EXIT_USAGE;
        }
        if (argc > 3) {
            /* `dddlab help stimuli build` == `dddlab stimuli build --help` */
            char *sub[] = {argv[2], argv[3], "--help", NULL};
            return c->run(3, sub);
        }
        c->help(stdout);
        return DL_EXIT_OK;
    }
    const dl_cmd *c = find(name);
    if (!c) {
        fprintf(stderr, "dddlab: unknown %s '%s' (see 'dddlab --help')\n",
                name[0] == '-' ? "option" : "command", name);
        return DL_EXIT_USAGE;
    }
    /* `dddlab CMD --help`; commands with subcommands handle deeper --help. */
    if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        c->help(stdout);
        return DL_EXIT_OK;
    }
    int status = c->run(argc - 1, argv + 1);
    /* Output lost to a full disk or a closed pipe must not look like success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "dddlab: standard output: write failed (is the disk full?)\n");
        return DL_EXIT_FAIL;
    }
    return status;
}
