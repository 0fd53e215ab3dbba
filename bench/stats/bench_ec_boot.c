/* bench_ec_boot.c — percentile bootstrap of all pairwise error consistencies
 * and their mean: 50 observers x 10,000 items (bench_data.h), 10,000
 * replicates, seed 1. Prints the time (best of 3) and a checksum (the mean
 * of all interval ends) that bench_numpy.py ec_boot reproduces with the same
 * resampling draws. Usage: bench_ec_boot [ROWS ITEMS REPLICATES THREADS] */
#include <stdio.h>
#include <stdlib.h>

#include "bench_data.h"
#include "dl_stats.h"

int main(int argc, char **argv)
{
    size_t rows = argc > 3 ? strtoul(argv[1], NULL, 10) : 50;
    size_t n = argc > 3 ? strtoul(argv[2], NULL, 10) : 10000;
    size_t reps = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
    int threads = argc > 4 ? atoi(argv[4]) : 0;
    dl_bits *b = dl_stats_bits_new(rows, n);
    if (!b) {
        fprintf(stderr, "bench_ec_boot: out of memory\n");
        return 1;
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < n; j++)
            if (bench_ec_right(r, rows, j))
                dl_stats_bits_set(b, r, j);
    dl_ec_boot_opts o = {.replicates = reps, .seed = 1, .conf_level = 0.95, .threads = threads};
    double best = 1e300, sum = 0;
    for (int rep = 0; rep < 3; rep++) {
        dl_ec_boot out;
        double t0 = dl_now_s();
        int rc = dl_stats_ec_bootstrap(b, NULL, &o, &out);
        double dt = dl_now_s() - t0;
        if (rc != 0) {
            fprintf(stderr, "bench_ec_boot: %s\n", dl_strerror(rc));
            dl_stats_bits_free(b);
            return 1;
        }
        best = dt < best ? dt : best;
        sum = out.mean_ci_low + out.mean_ci_high;
        for (size_t p = 0; p < out.npairs; p++)
            sum += out.ci_low[p] + out.ci_high[p];
        sum /= (double)(2 * out.npairs + 2);
        dl_stats_ec_boot_free(&out);
    }
    printf("ec_boot rows=%zu items=%zu replicates=%zu seconds=%.4f checksum=%.8f\n", rows, n, reps,
           best, sum);
    dl_stats_bits_free(b);
    return 0;
}
