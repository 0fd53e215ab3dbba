/* cli_opts.c — the usage and failure messages of every command (option
 * errors are worded in cli_args.c). */
#include <stdarg.h>

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
