/* cmd_run.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab run: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_run(FILE *out) { fprintf(out, "usage: dddlab run ...\n"); }
