/* main.c — the dddlab command dispatcher (like git: dddlab COMMAND ...). */
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: dddlab [--version] [--help] COMMAND [ARGS]\n\n"
                 "dddlab studies dichotomous data difficulty: it turns model results into\n"
                 "stimulus sets, runs 2AFC and rating experiments with observers, and\n"
                 "analyses the responses.\n\ncommands:\n");
    for (size_t i = 0; cli_commands[i]; i++)
        fprintf(out, "  %-12s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(out, "\n'dddlab help COMMAND' or 'dddlab COMMAND --help' describes one command.\n"
                 "Every command takes --json to print one JSON object on stdout.\n"
                 "Exit status: 0 success, 1 bad data or failed operation, 2 usage error.\n");
}

static int is_help(const char *w)
{
    return strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0;
}

/* `dddlab help [COMMAND [SUBCOMMAND]]` */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return DL_EXIT_OK;
    }
    const cli_cmd *c = cli_find(cli_commands, argv[2]);
    if (!c) {
        fprintf(stderr, "dddlab: unknown command '%s' (see 'dddlab --help')\n", argv[2]);
        return DL_EXIT_USAGE;
    }
    if (argc == 3) {
        cli_help(stdout, c);
        return DL_EXIT_OK;
    }
    /* `dddlab help stimuli build` == `dddlab stimuli build --help` */
    char *sub[] = {argv[2], argv[3], "--help", NULL};
    return cli_dispatch(c, 3, sub);
}

static int run(int argc, char **argv)
{
    const char *name = argv[1];
    if (is_help(name)) {
        usage(stdout);
        return DL_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("dddlab %s (git %s)\n", dl_version(), dl_git_revision());
        return DL_EXIT_OK;
    }
    if (strcmp(name, "help") == 0)
        return help(argc, argv);
    const cli_cmd *c = cli_find(cli_commands, name);
    if (!c) {
        fprintf(stderr, "dddlab: unknown %s '%s' (see 'dddlab --help')\n",
                name[0] == '-' ? "option" : "command", name);
        return DL_EXIT_USAGE;
    }
    return cli_dispatch(c, argc - 1, argv + 1);
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
    int status = run(argc, argv);
    if (status == CLI_HELP_SHOWN)
        status = DL_EXIT_OK;
    /* Output lost to a full disk or a closed pipe must not look like success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "dddlab: standard output: write failed (is the disk full?)\n");
        return DL_EXIT_FAIL;
    }
    return status;
}
