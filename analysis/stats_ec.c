/* stats_ec.c — error consistency (Geirhos et al. 2020) of two observers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_stats.h"
#include "stats_private.h"

void stats_ec_from_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec *out)
{
    (void)stats_ec_counts(n, r1, r2, both_right, DL_EC_BOUNDARY_UNDEFINED, out);
}

const char *stats_ec_why(size_t n)
{
    return n == 0 ? "no items to compare"
                  : "expected agreement is 1 (both observers always right, or both always "
                    "wrong): kappa is 0/0";
}

int dl_stats_ec_boundary_parse(const char *s)
{
    if (s && strcmp(s, "undefined") == 0)
        return DL_EC_BOUNDARY_UNDEFINED;
    if (s && strcmp(s, "one") == 0)
        return DL_EC_BOUNDARY_ONE;
    return -1;
}

const char *dl_stats_ec_boundary_name(dl_ec_boundary b)
{
    return b == DL_EC_BOUNDARY_ONE ? "one" : "undefined";
}

const char *dl_stats_ec_boundary_text(dl_ec_boundary b)
{
    return b == DL_EC_BOUNDARY_ONE ? "1 (--ec-boundary one, the older convention)"
                                   : "missing, left out of the mean (--ec-boundary undefined)";
}

int dl_stats_ec_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec_boundary boundary,
                       dl_ec *out, const char **why)
{
    if (r1 > n || r2 > n || both_right > (r1 < r2 ? r1 : r2) || r1 + r2 > n + both_right) {
        *out = (dl_ec){n, NAN, NAN, NAN, NAN, NAN};
        return DL_EINVAL;
    }
    int rc = stats_ec_counts(n, r1, r2, both_right, boundary, out);
    if (rc && why)
        *why = stats_ec_why(n);
    return rc;
}

int dl_stats_ec(const uint8_t *a, const uint8_t *b, size_t n, dl_ec *out, const char **why)
{
    size_t r1 = 0, r2 = 0, both = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned x = a[i] != 0, y = b[i] != 0;
        r1 += x;
        r2 += y;
        both += x & y;
    }
    int rc = stats_ec_counts(n, r1, r2, both, DL_EC_BOUNDARY_UNDEFINED, out);
    if (rc && why)
        *why = stats_ec_why(n);
    return rc;
}

dl_bits *dl_stats_bits_new(size_t rows, size_t n)
{
    dl_bits *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->rows = rows;
    b->n = n;
    b->words_per_row = (n + 63) / 64;
    if (b->words_per_row && rows > SIZE_MAX / b->words_per_row) {
        free(b);
        return NULL;
    }
    b->words = dl_calloc(rows * b->words_per_row, sizeof *b->words);
    if (!b->words) {
        free(b);
        return NULL;
    }
    return b;
}

void dl_stats_bits_free(dl_bits *b)
{
    if (!b)
        return;
    free(b->words);
    free(b);
}
