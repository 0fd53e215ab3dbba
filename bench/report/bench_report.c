/* bench_report.c — 100 observers x 10,000 trials analysed: a generated long
 * CSV of trials (as another lab's tool would write it) read, analysed (per
 * observer binomial tests, 4,950 error-consistency pairs) and written with
 * tables and figures. Prints the time of each step and the peak memory.
 *
 * usage: bench_report [OBSERVERS [TRIALS [DIR]]]   (defaults 100 10000 $TMPDIR) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dl_report.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double uniform(void) /* xorshift64*: reproducible, no library needed */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Every observer sees every item once, in their own order; an item's ease
 * and an observer's ability set the chance of a right answer. */
static int generate(const char *path, int nobs, int ntrials)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    double *ease = malloc(sizeof *ease * (size_t)ntrials);
    for (int i = 0; i < ntrials; i++)
        ease[i] = 3 * (uniform() - 0.5) + (uniform() < 0.4 ? 2.5 : 0);
    fputs("observer,item,correct,rt_ms\n", f);
    for (int o = 0; o < nobs; o++) {
        double ability = 0.5 * (uniform() - 0.5);
        for (int i = 0; i < ntrials; i++) {
            double p = 1 / (1 + exp(-(ease[i] + ability)));
            double rt = 450 + 400 * -log(1 - uniform());
            fprintf(f, "obs%03d,img%05d,%d,%.1f\n", o + 1, i + 1, uniform() < p, rt);
        }
    }
    free(ease);
    return fclose(f);
}

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    int nobs = argc > 1 ? atoi(argv[1]) : 100, ntrials = argc > 2 ? atoi(argv[2]) : 10000;
    const char *tmp = getenv("TMPDIR");
    char dir[512], csv[600], out[600];
    snprintf(dir, sizeof dir, "%s/dl_bench_report.XXXXXX", argc > 3 ? argv[3] : tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(csv, sizeof csv, "%s/trials.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    double t0 = dl_now_s();
    if (generate(csv, nobs, ntrials) != 0) {
        perror(csv);
        return 1;
    }
    double t1 = dl_now_s();
    dl_report *r = dl_report_new();
    dl_error err = {0};
    dl_report_columns cols;
    dl_report_options opt;
    dl_report_columns_default(&cols);
    dl_report_options_default(&opt);
    int rc = dl_report_load_trials_csv(r, csv, &cols, &err);
    double t2 = dl_now_s();
    if (!rc)
        rc = dl_report_analyse(r, &opt, &err);
    double t3 = dl_now_s();
    if (!rc)
        rc = dl_report_write_dir(r, out, "bench_report", &err);
    double t4 = dl_now_s();
    if (rc) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        return 1;
    }
    const dl_report_trials *t = dl_report_get_trials(r);
    printf("bench_report: %d observers x %d trials (%ld rows)\n", nobs, ntrials,
           (long)nobs * ntrials);
    printf("  generate CSV        %7.3f s\n", t1 - t0);
    printf("  read CSV            %7.3f s\n", t2 - t1);
    printf("  analyse             %7.3f s  (%zu observers, %zu EC pairs, mean kappa %.3f)\n",
           t3 - t2, t->nobservers, t->ec_pairs.n, t->ec_pairs.mean);
    printf("  tables, figures     %7.3f s\n", t4 - t3);
    printf("  read + analyse + write %.3f s, peak memory %.1f MiB\n", t4 - t1, peak_mib());
    dl_report_free(r);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
