/* cli_opts.c — the number options of every command, parsed and range-checked
 * in one place so that they accept the same spellings and fail with the same
 * words. */
#include "cli.h"

int cli_whole(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    if (dl_parse_long(s, out) != 0 || *out < lo || *out > hi)
        return cli_usage(cmd, "%s needs a whole number from %ld to %ld, not '%s'", opt, lo, hi, s);
    return 0;
}

int cli_number(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    if (dl_parse_double(s, out) != 0 || !(*out >= lo && *out <= hi))
        return cli_usage(cmd, "%s needs a number from %g to %g, not '%s'", opt, lo, hi, s);
    return 0;
}
