/* stats_ec.c — error consistency (Geirhos et al. 2020) of two observers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_stats.h"
#include "stats_private.h"

/* Kappa from the counts, with the c_exp == 1 case left to the caller. */
static double ec_kappa(size_t n, size_t r1, size_t r2, size_t agree, const dl_ec *e)
{
    if (agree == n)
        return 1.0; /* c_obs = 1 and (checked by the caller) c_exp < 1 */
    if ((r1 == n) != (r2 == n))
        return 0.0;
    if (n < ((size_t)1 << 31)) {
        /* n^2 (c_obs - c_exp) and n^2 (1 - c_exp) are integers: dividing the
         * exact integers rounds once instead of cancelling in doubles. */
        int64_t nn = (int64_t)n, a = (int64_t)r1, b = (int64_t)r2;
        int64_t chance = a * b + (nn - a) * (nn - b);
        int64_t num = nn * (int64_t)agree - chance;
        int64_t den = nn * nn - chance;
        return (double)num / (double)den;
    }
    return (e->c_obs - e->c_exp) / (1.0 - e->c_exp);
}

int stats_ec_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec_boundary boundary,
                    dl_ec *out)
{
    out->n = n;
    if (n == 0) {
        out->p1 = out->p2 = out->c_obs = out->c_exp = out->kappa = NAN;
        return DL_EUNDEF;
    }
    size_t agree = n - r1 - r2 + 2 * both_right; /* both right + both wrong */
    double dn = (double)n;
    out->p1 = (double)r1 / dn;
    out->p2 = (double)r2 / dn;
    out->c_obs = (double)agree / dn;
    out->c_exp = out->p1 * out->p2 + (1.0 - out->p1) * (1.0 - out->p2);
    /* c_exp is 1 exactly when both are always right or both always wrong
     * (and then they always agree): kappa is 0/0 there. Klein et al. (2025)
     * show that calling it 1 inflates means, so by default it is missing. */
    if ((r1 == n && r2 == n) || (r1 == 0 && r2 == 0)) {
        out->kappa = boundary == DL_EC_BOUNDARY_ONE ? 1.0 : NAN;
        return boundary == DL_EC_BOUNDARY_ONE ? 0 : DL_EUNDEF;
    }
    out->kappa = ec_kappa(n, r1, r2, agree, out);
    return 0;
}

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
