/* cli_opts.c — the usage and failure messages of every command, and the
 * getopt helpers of the commands not yet on cli_args (run, demo). */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

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

void cli_getopt_reset(void)
{
    optind = 0; /* GNU: 0 re-initialises getopt completely */
    opterr = 0;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *opt = argv[optind - 1];
    if (c == ':')
        return cli_usage(cmd, "option '%s' needs a value", opt);
    if (strncmp(opt, "--", 2) == 0) {
        int name_len = (int)strcspn(opt, "=");
        /* getopt_long sets optopt to the option's value when the option is
         * known but was given "=VALUE" it does not take; 0 when unknown. */
        if (optopt != 0 && opt[name_len] == '=')
            return cli_usage(cmd, "option '%.*s' takes no value", name_len, opt);
        return cli_usage(cmd, "unknown option '%.*s'", name_len, opt);
    }
    return cli_usage(cmd, "unknown option '-%c'", optopt ? optopt : '?');
}
