/* stats_ec_pairs.c — error consistency counts of every pair of observers
 * over the items both answered (used by `consistency` and the report's
 * trials, whose observers need not see the same items). */
#include <stdint.h>
#include <stdlib.h>

#include "dl_stats.h"

/* The answers bucketed by item: bucket i holds the indices
 * at[start[i] .. start[i + 1]), in the order given. */
static int bucket(const dl_ec_answer *a, size_t n, size_t nitems, size_t **start_out,
                  size_t **at_out)
{
    size_t *start = calloc(nitems + 1, sizeof *start), *fill = calloc(nitems + 1, sizeof *fill);
    size_t *at = calloc(n ? n : 1, sizeof *at);
    if (!start || !fill || !at) {
        free(start);
        free(fill);
        free(at);
        return DL_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        start[a[k].item + 1]++;
    for (size_t i = 0; i < nitems; i++)
        start[i + 1] += start[i];
    for (size_t k = 0; k < n; k++)
        at[start[a[k].item] + fill[a[k].item]++] = k;
    free(fill);
    *start_out = start;
    *at_out = at;
    return 0;
}

int dl_stats_ec_pair_counts(const dl_ec_answer *answers, size_t n, size_t m, size_t nitems,
                            dl_ec_pair_counts *counts)
{
    for (size_t k = 0; k < n; k++)
        if (answers[k].row >= m || answers[k].item >= nitems)
            return DL_EINVAL;
    size_t *start = NULL;
    size_t *at = NULL;
    int rc = bucket(answers, n, nitems, &start, &at);
    if (rc)
        return rc;
    for (size_t p = 0; p < m * (m - 1) / 2; p++)
        counts[p] = (dl_ec_pair_counts){0, 0, 0, 0};
    for (size_t i = 0; rc == 0 && i < nitems; i++)
        for (size_t x = start[i]; rc == 0 && x < start[i + 1]; x++)
            for (size_t y = x + 1; y < start[i + 1]; y++) {
                const dl_ec_answer *u = &answers[at[x]], *v = &answers[at[y]];
                if (u->row == v->row) {
                    rc = DL_EINVAL;
                    break;
                }
                if (u->row > v->row) {
                    const dl_ec_answer *t = u;
                    u = v;
                    v = t;
                }
                size_t a = u->row, b = v->row;
                dl_ec_pair_counts *c = &counts[a * m - a * (a + 1) / 2 + (b - a - 1)];
                c->n++;
                c->r1 += u->correct != 0;
                c->r2 += v->correct != 0;
                c->both_right += (u->correct != 0) & (v->correct != 0);
            }
    free(start);
    free(at);
    return rc;
}
