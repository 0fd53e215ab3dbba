/* bench_ec_matrix.c — error-consistency matrix of 1,000 observers x 50,000
 * items (bench_data.h), timed; prints the time and a checksum that
 * bench_numpy.py reproduces. Usage: bench_ec_matrix [ROWS ITEMS THREADS] */
#include <stdio.h>
#include <stdlib.h>

#include "bench_data.h"
#include "dl_stats.h"

int main(int argc, char **argv)
{
    size_t rows = argc > 2 ? strtoul(argv[1], NULL, 10) : 1000;
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 50000;
    int threads = argc > 3 ? atoi(argv[3]) : 0;
    dl_bits *b = dl_stats_bits_new(rows, n);
    double *kappa = malloc(rows * rows * sizeof *kappa);
    if (!b || !kappa) {
        fprintf(stderr, "bench_ec_matrix: out of memory\n");
        dl_stats_bits_free(b);
        free(kappa);
        return 1;
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < n; j++)
            if (bench_ec_right(r, rows, j))
                dl_stats_bits_set(b, r, j);
    double best = 1e300;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = dl_now_s();
        int rc = dl_stats_ec_matrix(b, NULL, threads, kappa, NULL);
        double dt = dl_now_s() - t0;
        if (rc != 0) {
            fprintf(stderr, "bench_ec_matrix: %s\n", dl_strerror(rc));
            dl_stats_bits_free(b);
            free(kappa);
            return 1;
        }
        if (dt < best)
            best = dt;
    }
    double sum = 0;
    for (size_t i = 0; i < rows * rows; i++)
        sum += kappa[i];
    printf("ec_matrix rows=%zu items=%zu seconds=%.4f checksum=%.10f\n", rows, n, best,
           sum / (double)(rows * rows));
    dl_stats_bits_free(b);
    free(kappa);
    return 0;
}
