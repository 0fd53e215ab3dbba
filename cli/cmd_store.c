/* cmd_store.c — TODO: placeholder until the command is built. */
#include "cli.h"

int cmd_sessions(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab sessions: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_sessions(FILE *out) { fprintf(out, "usage: dddlab sessions ...\n"); }

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab export: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_export(FILE *out) { fprintf(out, "usage: dddlab export ...\n"); }

int cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab merge: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_merge(FILE *out) { fprintf(out, "usage: dddlab merge ...\n"); }

int cmd_db(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "dddlab db: not implemented yet\n");
    return DL_EXIT_FAIL;
}

void help_db(FILE *out) { fprintf(out, "usage: dddlab db ...\n"); }
