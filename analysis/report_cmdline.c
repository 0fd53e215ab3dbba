/* report_cmdline.c — the command line that made a report, quoted as a shell
 * would need it, for the provenance on the report page. */
#include <string.h>

#include "dl_report.h"

char *dl_report_command_line(int argc, const char *const *argv)
{
    dl_buf b;
    dl_buf_init(&b);
    dl_buf_printf(&b, "dddlab");
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "-_./=:,+@%") == strlen(s)) {
            dl_buf_printf(&b, " %s", s);
            continue;
        }
        dl_buf_printf(&b, " '");
        for (; *s; s++)
            if (*s == '\'')
                dl_buf_printf(&b, "'\\''");
            else
                dl_buf_append(&b, s, 1);
        dl_buf_printf(&b, "'");
    }
    return b.data;
}
