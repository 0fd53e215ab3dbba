/* cli_cmds.c — the tree of commands, the dispatch through it, and the
 * printing of usage errors and failures for every command (option errors
 * are worded by the option engine, common/opt.c). Each leaf's cli_cmd sits
 * beside its code in a cmd_*.c. */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

extern const cli_cmd cli_cmd_stimuli_analyse, cli_cmd_stimuli_build, cli_cmd_stimuli_check,
    cli_cmd_stimuli_demo_data, cli_cmd_stimuli_imagestats, cli_cmd_run, cli_cmd_analyse,
    cli_cmd_sessions, cli_cmd_export, cli_cmd_merge, cli_cmd_db_check, cli_cmd_reliability,
    cli_cmd_consistency, cli_cmd_binomial, cli_cmd_plan_2afc, cli_cmd_plan_ec, cli_cmd_plan_alpha,
    cli_cmd_demo;

static const cli_cmd *const stimuli_subs[] = {
    &cli_cmd_stimuli_analyse,   &cli_cmd_stimuli_build,      &cli_cmd_stimuli_check,
    &cli_cmd_stimuli_demo_data, &cli_cmd_stimuli_imagestats, NULL};
static const cli_cmd *const plan_subs[] = {&cli_cmd_plan_2afc, &cli_cmd_plan_ec,
                                           &cli_cmd_plan_alpha, NULL};
static const cli_cmd *const db_subs[] = {&cli_cmd_db_check, NULL};

static const cli_cmd stimuli = {
    .name = "stimuli",
    .summary = "model results -> DDD measures, stimulus sets, demo data, image statistics",
    .subs = stimuli_subs,
    .about = "From model results to DDD measures and reproducible stimulus sets."};
static const cli_cmd plan = {
    .name = "plan",
    .summary = "trials or items an experiment needs (2AFC power, error-consistency precision)",
    .subs = plan_subs,
    .about = "How much data an experiment needs, before a lab books observers."};
static const cli_cmd db = {.name = "db",
                           .summary = "check a database's integrity and schema",
                           .subs = db_subs,
                           .about = "Look after a database without changing it."};

const cli_cmd *const cli_commands[] = {&stimuli,
                                       &cli_cmd_run,
                                       &cli_cmd_analyse,
                                       &cli_cmd_sessions,
                                       &cli_cmd_export,
                                       &cli_cmd_merge,
                                       &db,
                                       &cli_cmd_reliability,
                                       &cli_cmd_consistency,
                                       &cli_cmd_binomial,
                                       &plan,
                                       &cli_cmd_demo,
                                       NULL};

const cli_cmd *cli_find(const cli_cmd *const *cmds, const char *name)
{
    for (size_t i = 0; cmds[i]; i++)
        if (strcmp(cmds[i]->name, name) == 0)
            return cmds[i];
    return NULL;
}

/* "a, b or c" of the subcommands' names into buf. */
static const char *names(const cli_cmd *c, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; c->subs[i] && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s",
                              i == 0           ? ""
                              : c->subs[i + 1] ? ", "
                                               : " or ",
                              c->subs[i]->name);
    return buf;
}

void cli_help(FILE *out, const cli_cmd *c)
{
    if (c->spec) {
        dl_opt_help(out, c->spec);
        return;
    }
    fprintf(out, "usage: dddlab %s SUBCOMMAND [ARGS]\n\n%s\n\nsubcommands:\n", c->name, c->about);
    for (size_t i = 0; c->subs[i]; i++)
        fprintf(out, "  %-11s %s\n", c->subs[i]->name, c->subs[i]->summary);
    fprintf(out, "\n'dddlab %s SUBCOMMAND --help' describes one subcommand.\n", c->name);
}

int cli_dispatch(const cli_cmd *c, int argc, char **argv)
{
    if (c->run)
        return c->run(argc, argv);
    char buf[256];
    if (argc < 2)
        return cli_usage(c->name, "missing subcommand (%s)", names(c, buf, sizeof buf));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help(stdout, c);
        return CLI_HELP_SHOWN;
    }
    const cli_cmd *sub = cli_find(c->subs, argv[1]);
    if (!sub)
        return cli_usage(c->name, "unknown subcommand '%s' (%s)", argv[1],
                         names(c, buf, sizeof buf));
    return cli_dispatch(sub, argc - 1, argv + 1);
}

int cli_parse(const dl_opt_spec *s, int argc, char **argv, void *opts, dl_opt_args *a)
{
    dl_error err = {0};
    int rc = dl_opt_parse(s, argc, argv, opts, a, &err);
    if (rc == DL_OPT_HELP) {
        dl_opt_help(stdout, s);
        return CLI_HELP_SHOWN;
    }
    return rc ? cli_usage(s->cmd, "%s", err.msg) : 0;
}

int cli_fail(int rc, const dl_error *err)
{
    if (err && err->msg[0])
        fprintf(stderr, "dddlab: %s\n", err->msg);
    else
        fprintf(stderr, "dddlab: %s\n", dl_strerror(rc));
    return DL_EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dddlab %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'dddlab help %s')\n", cmd);
    va_end(ap);
    return DL_EXIT_USAGE;
}
