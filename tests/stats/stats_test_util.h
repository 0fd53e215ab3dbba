/* stats_test_util.h — small helpers shared by the statistics tests. */
#ifndef DL_STATS_TEST_UTIL_H
#define DL_STATS_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../support/test_support.h"

/* Tolerance of every comparison with a reference value: 1e-9 relative to
 * max(|expected|, floor). floor 1 makes it absolute for statistics on [-1, 1]
 * such as kappa or r; a tiny floor makes it relative for probabilities, where
 * 1e-30 against 2e-30 is a real difference. */
#define TOL 1e-9
#define ABS_FLOOR 1.0
#define REL_FLOOR 1e-300

/* 1 when got matches want (NaN matches only NaN); else reports and 0. */
static inline int near_ok(double got, double want, double floor, const char *what, size_t line)
{
    if (isnan(want) || isnan(got)) {
        if (isnan(want) && isnan(got))
            return 1;
    } else {
        double scale = fabs(want) > floor ? fabs(want) : floor;
        if (fabs(got - want) <= TOL * scale)
            return 1;
    }
    fprintf(stderr, "line %zu: %s = %.17g, expected %.17g (diff %.3g)\n", line, what, got, want,
            got - want);
    return 0;
}

/* The committed reference table tests/stats/ref/NAME (made by the scripts
 * there), read with common's reader; every table has at least 100 cases. */
static inline dl_csv *stats_ref_open(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/stats/ref/%s", name);
    return ts_ref_csv(rel, 100);
}

/* Parse a space-separated list of numbers ("NA" = NaN) into a new array. */
static inline double *parse_list(const char *s, size_t *n)
{
    size_t cap = 16, len = 0;
    double *v = malloc(cap * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        char *end;
        double x;
        if (s[0] == 'N' && s[1] == 'A') {
            x = NAN;
            end = (char *)s + 2;
        } else {
            x = strtod(s, &end);
            if (end == s)
                break;
        }
        if (len == cap) {
            double *w = realloc(v, (cap *= 2) * sizeof *v);
            if (!w) {
                free(v);
                return NULL;
            }
            v = w;
        }
        v[len++] = x;
        s = end;
    }
    *n = len;
    return v;
}

static inline double num(const char *s)
{
    return strtod(s, NULL);
}

#endif
