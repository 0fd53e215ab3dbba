/* cmd_stats.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_reliability(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab reliability: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_reliability(FILE *out) { fprintf(out, "usage: dddlab reliability ...\n"); }

int cmd_consistency(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab consistency: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_consistency(FILE *out) { fprintf(out, "usage: dddlab consistency ...\n"); }

int cmd_binomial(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab binomial: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_binomial(FILE *out) { fprintf(out, "usage: dddlab binomial ...\n"); }
