/* stats_ec.c — error consistency (Geirhos et al. 2020) of two observers. */
#include <math.h>
#include <stdlib.h>

#include "dl_stats.h"
#include "stats_private.h"

void stats_ec_from_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec *out)
{
    out->n = n;
    if (n == 0) {
        out->p1 = out->p2 = out->c_obs = out->c_exp = out->kappa = NAN;
        return;
    }
    size_t agree = n - r1 - r2 + 2 * both_right; /* both right + both wrong */
    double dn = (double)n;
    out->p1 = (double)r1 / dn;
    out->p2 = (double)r2 / dn;
    out->c_obs = (double)agree / dn;
    out->c_exp = out->p1 * out->p2 + (1.0 - out->p1) * (1.0 - out->p2);
    if (agree == n) {
        /* Covers c_exp == 1 too: c_exp is 1 only when both are always right
         * or both always wrong, and then they always agree. */
        out->kappa = 1.0;
    } else if ((r1 == n) != (r2 == n)) {
        out->kappa = 0.0;
    } else if (n < ((size_t)1 << 31)) {
        /* n^2 (c_obs - c_exp) and n^2 (1 - c_exp) are integers: dividing the
         * exact integers rounds once instead of cancelling in doubles. */
        int64_t nn = (int64_t)n, a = (int64_t)r1, b = (int64_t)r2;
        int64_t chance = a * b + (nn - a) * (nn - b);
        int64_t num = nn * (int64_t)agree - chance;
        int64_t den = nn * nn - chance;
        out->kappa = (double)num / (double)den;
    } else {
        out->kappa = (out->c_obs - out->c_exp) / (1.0 - out->c_exp);
    }
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
    stats_ec_from_counts(n, r1, r2, both, out);
    if (n == 0) {
        if (why)
            *why = "no items to compare";
        return DL_EUNDEF;
    }
    return 0;
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
