/* numfmt.c — numbers in the fewest significant digits that read back as
 * the same double, for tables a person reads and a program parses:
 * 0.1 is "0.1", not 0.10000000000000001, and nothing is lost. */
#include "dl_common.h"

#include <stdio.h>
#include <stdlib.h>

void dl_fmt_shortest(char *buf, size_t cap, double v)
{
    if (v == 0)
        v = 0; /* -0 is written as 0 */
    /* %.15g is exact for most values that came from decimal text; %.17g
     * always round-trips. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}
