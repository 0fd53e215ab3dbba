/* bench_data.h — the benchmark data, defined so that bench_numpy.py can make
 * exactly the same numbers: every random draw is splitmix64 of a counter. */
#ifndef DL_BENCH_DATA_H
#define DL_BENCH_DATA_H

#include <stdint.h>

static inline uint64_t bench_splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* Uniform in [0, 1) from draw number i of stream s. */
static inline double bench_uniform(uint64_t s, uint64_t i)
{
    return (double)(bench_splitmix64(s * 0x100000000ULL + i) >> 11) * 0x1.0p-53;
}

/* Error-consistency data: observer r is right on item j when a draw is below
 * its accuracy 0.5 + 0.4 r / rows plus an item difficulty shared by all. */
static inline int bench_ec_right(uint64_t r, uint64_t rows, uint64_t j)
{
    double acc = 0.5 + 0.4 * (double)r / (double)rows;
    double item = 0.4 * (bench_uniform(1, j) - 0.5);
    return bench_uniform(2 + r, j) < acc + item;
}

/* Alpha data: unit u has a true value 1..5; a coder reports it with
 * probability 0.6, else a uniform value 1..5; 10% of values are missing
 * (returned as 0). */
static inline int bench_alpha_value(uint64_t coder, uint64_t u)
{
    if (bench_uniform(1000 + coder, 2 * u) < 0.1)
        return 0;
    int truth = 1 + (int)(bench_uniform(999, u) * 5.0);
    double d = bench_uniform(1000 + coder, 2 * u + 1);
    if (d < 0.6)
        return truth;
    return 1 + (int)((d - 0.6) / 0.4 * 5.0);
}

#endif
