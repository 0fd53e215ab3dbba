/* cmd_analyse.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_analyse(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab analyse: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_analyse(FILE *out) { fprintf(out, "usage: dddlab analyse ...\n"); }
