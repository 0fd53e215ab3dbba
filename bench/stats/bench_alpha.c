/* bench_alpha.c — Krippendorff's alpha, ordinal, 50 coders x 200,000 units,
 * 5 values, 10% missing (bench_data.h), timed; prints the time and alpha,
 * which bench_numpy.py reproduces. Usage: bench_alpha [CODERS UNITS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_data.h"
#include "dl_stats.h"

int main(int argc, char **argv)
{
    size_t coders = argc > 2 ? strtoul(argv[1], NULL, 10) : 50;
    size_t units = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000;
    double *data = malloc(coders * units * sizeof *data);
    if (!data) {
        fprintf(stderr, "bench_alpha: out of memory\n");
        return 1;
    }
    for (size_t c = 0; c < coders; c++)
        for (size_t u = 0; u < units; u++) {
            int v = bench_alpha_value(c, u);
            data[c * units + u] = v ? (double)v : NAN;
        }
    double best = 1e300;
    dl_alpha a;
    for (int rep = 0; rep < 3; rep++) {
        const char *why = NULL;
        double t0 = dl_now_s();
        int rc = dl_stats_kripp_alpha(data, coders, units, DL_LEVEL_ORDINAL, &a, &why);
        double dt = dl_now_s() - t0;
        if (rc != 0) {
            fprintf(stderr, "bench_alpha: %s\n", why ? why : dl_strerror(rc));
            free(data);
            return 1;
        }
        if (dt < best)
            best = dt;
    }
    printf("alpha coders=%zu units=%zu seconds=%.4f checksum=%.10f\n", coders, units, best,
           a.alpha);
    free(data);
    return 0;
}
