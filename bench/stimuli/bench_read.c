/* bench_read.c — the reading half of the stimuli benchmark at scale: read a
 * results file (any format dddlab reads), then per model its accuracy, the
 * split at --near 0 and the Poisson-binomial expectation; prints the time of
 * each step and the split as JSON, for bench/stimuli/run_scale.sh to compare
 * with pandas. The error-consistency matrices of `stimuli analyse` are left
 * out on purpose: they are M x M (10,000 models: 800 MB each) and take
 * O(M^2 N) time whatever reads the file.
 *
 * usage: bench_stimuli_read RESULTS */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dl_stats.h"
#include "dl_stimuli.h"
#include "stimuli_internal.h" /* stim_pb_pmf, as stimuli analyse uses it */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s RESULTS\n", argv[0]);
        return 2;
    }
    dl_error err = {0};
    dl_stimuli_results *r = NULL;
    double t0 = now_s();
    if (dl_stimuli_results_read(argv[1], NULL, &r, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double t1 = now_s();
    size_t m = r->nmodels, n = r->nimages;
    double *acc = calloc(m, sizeof *acc), *pmf = calloc(m + 1, sizeof *pmf);
    uint8_t *diff = calloc(n, 1);
    if (!acc || !pmf || !diff)
        return 1;
    for (size_t k = 0; k < m; k++) {
        const uint64_t *w = r->correct->words + k * r->correct->words_per_row;
        size_t right = 0;
        for (size_t i = 0; i < r->correct->words_per_row; i++)
            right += (size_t)__builtin_popcountll(w[i]);
        acc[k] = (double)right / (double)n;
    }
    if (dl_stimuli_classify(r, 0, diff, &err) != 0 || stim_pb_pmf(acc, (unsigned)m, pmf) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double t2 = now_s();
    size_t split[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        split[diff[i]]++;
    double mean = 0, pb_mean = 0;
    for (size_t k = 0; k < m; k++)
        mean += acc[k] / (double)m;
    for (size_t k = 0; k <= m; k++)
        pb_mean += (double)k * pmf[k];
    printf("{\"models\":%zu,\"images\":%zu,\"trivial\":%zu,\"in_between\":%zu,\"impossible\":%zu,"
           "\"mean_accuracy\":%.12f,\"pb_mean\":%.9f,\"read_s\":%.3f,\"split_pb_s\":%.3f}\n",
           m, n, split[2], split[1], split[0], mean, pb_mean, t1 - t0, t2 - t1);
    free(acc);
    free(pmf);
    free(diff);
    dl_stimuli_results_free(r);
    return 0;
}
