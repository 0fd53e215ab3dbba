/* stats_ddd.c — true-positive agreement of K models (Pliushch et al. 2022). */
#include <math.h>
#include <stdlib.h>

#include "dl_stats.h"

int dl_stats_tpa(const uint8_t *correct, size_t k, size_t n, dl_tpa *out, const char **why)
{
    *out = (dl_tpa){0};
    out->tpa = out->lower_bound = out->expected_all = out->expected_tpa = NAN;
    if (k == 0 || n == 0) {
        if (why)
            *why = k == 0 ? "no models" : "no items";
        return DL_EUNDEF;
    }
    for (size_t j = 0; j < n; j++) {
        size_t right = 0;
        for (size_t i = 0; i < k; i++)
            right += correct[i * n + j] != 0;
        out->all_right += right == k;
        out->any_right += right > 0;
    }
    double err_sum = 0, prod_acc = 1, prod_err = 1;
    for (size_t i = 0; i < k; i++) {
        size_t right = 0;
        for (size_t j = 0; j < n; j++)
            right += correct[i * n + j] != 0;
        double acc = (double)right / (double)n;
        err_sum += 1 - acc;
        prod_acc *= acc;
        prod_err *= 1 - acc;
    }
    out->lower_bound = 1 - (err_sum < 1 ? err_sum : 1);
    out->expected_all = prod_acc;
    if (out->any_right == 0) { /* then every accuracy is 0 and prod_err is 1 */
        if (why)
            *why = "no item was classified correctly by any model";
        return DL_EUNDEF;
    }
    out->tpa = (double)out->all_right / (double)out->any_right;
    out->expected_tpa = prod_acc / (1 - prod_err);
    return 0;
}
