/* gen_wide.c — a synthetic wide results file for the stimuli benchmark:
 * image,<model 1>,...,<model M> with 0/1 cells. Each image has a difficulty
 * and each model a skill; P(correct) = logistic(skill - difficulty), with
 * difficulties spread widely, so errors are strongly correlated between
 * models (error consistency ~0.6) as between ImageNet models.
 *
 * usage: bench_stimuli_gen_wide OUT.csv [MODELS] [IMAGES] [SEED] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static double uniform(void)
{
    /* xorshift64*: fast and good enough for test data */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT.csv [MODELS] [IMAGES] [SEED]\n", argv[0]);
        return 2;
    }
    long models = argc > 2 ? atol(argv[2]) : 1000;
    long images = argc > 3 ? atol(argv[3]) : 50000;
    state = argc > 4 ? (uint64_t)atoll(argv[4]) * 0x9E3779B97F4A7C15ULL + 1 : 88172645463325252ULL;
    FILE *f = fopen(argv[1], "w");
    double *skill = malloc((size_t)models * sizeof *skill);
    char *row = malloc((size_t)models * 2 + 64);
    if (!f || !skill || !row) {
        perror(argv[1]);
        return 1;
    }
    fputs("image", f);
    for (long m = 0; m < models; m++) {
        skill[m] = 1.0 + 1.5 * (uniform() - 0.5);
        fprintf(f, ",model_%04ld", m + 1);
    }
    fputc('\n', f);
    for (long i = 0; i < images; i++) {
        /* difficulty: a wide logistic spread around the models' skills */
        double u = uniform();
        double difficulty = 4.0 * log(u / (1 - u)) / 1.7;
        char *p = row;
        for (long m = 0; m < models; m++) {
            double pc = 1 / (1 + exp(difficulty - skill[m]));
            *p++ = ',';
            *p++ = uniform() < pc ? '1' : '0';
        }
        *p++ = '\n';
        fprintf(f, "ILSVRC2012_val_%08ld.JPEG", i + 1);
        fwrite(row, 1, (size_t)(p - row), f);
    }
    free(skill);
    free(row);
    return fclose(f) == 0 ? 0 : 1;
}
