/* cmd_imagestats.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_stimuli_imagestats(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab stimuli imagestats: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_stimuli_imagestats(FILE *out) { fprintf(out, "usage: dddlab stimuli imagestats ...\n"); }
