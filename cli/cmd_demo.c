/* cmd_demo.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab demo: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_demo(FILE *out) { fprintf(out, "usage: dddlab demo ...\n"); }
