/* cmd_stats.c — option pieces shared by the statistics commands
 * (reliability, consistency, binomial, plan, analyse): the error-consistency
 * uncertainty options parsed in one place, and the wording of a bad option. */
#include "cmd_stats.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "dl_report.h"

int cli_stats_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    const char *eq = strchr(arg, '=');
    /* getopt_long sets optopt to the option's val here, 0 for unknown ones. */
    if (c == '?' && optopt && strncmp(arg, "--", 2) == 0 && eq)
        return cli_usage(cmd, "option '%.*s' takes no value", (int)(eq - arg), arg);
    return cli_bad_option(cmd, c, argv);
}

/* Largest bootstrap a command accepts: 10^7 replicates of one pair already
 * take 80 MB. */
#define MAX_REPLICATES 10000000L

int cli_ec_option(const char *cmd, int c, const char *arg, dl_ec_boot_opts *boot,
                  dl_ec_boundary *boundary)
{
    long v;
    double d;
    int rc = 0;
    switch (c) {
    case 'B':
        if ((rc = cli_whole(cmd, "--bootstrap", arg, 1, MAX_REPLICATES, &v)) == 0)
            boot->replicates = (size_t)v;
        return rc;
    case 'S':
        if ((rc = cli_whole(cmd, "--seed", arg, 0, LONG_MAX, &v)) == 0)
            boot->seed = (uint64_t)v;
        return rc;
    case 'C':
        if (dl_parse_double(arg, &d) != 0 || !(d > 0 && d < 1))
            return cli_usage(cmd, "--conf needs a number between 0 and 1 (exclusive), not '%s'",
                             arg);
        boot->conf_level = d;
        return 0;
    case 'R':
        boot->resample_observers = 1;
        return 0;
    case 'T':
        if ((rc = cli_whole(cmd, "--threads", arg, 1, 256, &v)) == 0)
            boot->threads = (int)v;
        return rc;
    case 'E': {
        int b = dl_stats_ec_boundary_parse(arg);
        if (b < 0)
            return cli_usage(cmd, "--ec-boundary must be undefined or one, not '%s'", arg);
        *boundary = (dl_ec_boundary)b;
        boot->boundary = (dl_ec_boundary)b;
        return 0;
    }
    default:
        return cli_usage(cmd, "internal: unknown error-consistency option");
    }
}

const char *cli_ec_boundary_text(dl_ec_boundary b)
{
    return dl_stats_ec_boundary_text(b);
}
