/* bench_alpha_boot.c — 10,000 bootstrap replicates (resampling units) of
 * Krippendorff's alpha, ordinal, 8 coders x 300 units (bench_data.h), on one
 * thread and on all cores; prints the times and the mean replicate as a
 * checksum, which bench_alpha_boot_numpy.py reproduces replicate for
 * replicate (it draws the same units from the same documented streams).
 * Usage: bench_alpha_boot [CODERS UNITS REPLICATES] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_data.h"
#include "dl_stats.h"

int main(int argc, char **argv)
{
    size_t coders = argc > 3 ? strtoul(argv[1], NULL, 10) : 8;
    size_t units = argc > 3 ? strtoul(argv[2], NULL, 10) : 300;
    size_t nrep = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
    dl_alpha_rating *r = malloc(coders * units * sizeof *r);
    double *reps = malloc(nrep * sizeof *reps);
    if (!r || !reps) {
        fprintf(stderr, "bench_alpha_boot: out of memory\n");
        return 1;
    }
    size_t n = 0;
    for (size_t c = 0; c < coders; c++)
        for (size_t u = 0; u < units; u++) {
            int v = bench_alpha_value(c, u);
            if (v)
                r[n++] = (dl_alpha_rating){(uint32_t)c, (uint32_t)u, (double)v};
        }
    dl_alpha_set *s = NULL;
    if (dl_alpha_set_new(r, n, DL_LEVEL_ORDINAL, &s, NULL) != 0) {
        fprintf(stderr, "bench_alpha_boot: cannot build the set\n");
        return 1;
    }
    double best[2] = {1e300, 1e300};
    dl_alpha_boot b;
    for (int threads = 1; threads >= 0; threads--)
        for (int rep = 0; rep < 3; rep++) {
            dl_alpha_boot_opts o = {
                .replicates = nrep, .seed = 1, .conf = 0.95, .threads = threads};
            double t0 = dl_now_s();
            if (dl_alpha_boot_run(s, &o, &b, reps) != 0) {
                fprintf(stderr, "bench_alpha_boot: bootstrap failed\n");
                return 1;
            }
            double dt = dl_now_s() - t0;
            if (dt < best[threads ? 0 : 1])
                best[threads ? 0 : 1] = dt;
        }
    double mean = 0;
    for (size_t i = 0; i < nrep; i++)
        mean += reps[i];
    printf("alpha_boot coders=%zu units=%zu replicates=%zu seconds=%.4f seconds_all_cores=%.4f "
           "ci=%.6f..%.6f checksum=%.10f\n",
           coders, units, nrep, best[0], best[1], b.ci_low, b.ci_high, mean / (double)nrep);
    dl_alpha_set_free(s);
    free(r);
    free(reps);
    return 0;
}
