/* cmd_stimuli.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_stimuli(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab stimuli: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_stimuli(FILE *out) { fprintf(out, "usage: dddlab stimuli ...\n"); }
