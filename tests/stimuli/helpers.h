/* helpers.h — small helpers shared by the stimuli tests: temporary folders,
 * files written from strings, reference numbers from data/reference.txt.
 * Built on tests/support/test_support.h, which defines folders, files and
 * reference lookups once for every module's tests. */
#ifndef DL_TEST_STIMULI_HELPERS_H
#define DL_TEST_STIMULI_HELPERS_H

#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

/* A fresh folder under TMPDIR (malloc'd); removed by th_rmtree. */
static inline char *th_tmpdir(void)
{
    char *p = malloc(256);
    if (p)
        ts_tmpdir(p, "dl_stim");
    return p;
}

/* Remove the folder and free its name. */
static inline void th_rmtree(char *dir)
{
    ts_rmtree(dir);
    free(dir);
}

/* Write text to dir/name; returns the path (malloc'd). */
static inline char *th_write(const char *dir, const char *name, const char *text)
{
    char *p = ts_path(dir, name);
    ts_write(p, text);
    return p;
}

/* Numbers of the line "name v1 v2 ..." of tests/stimuli/data/reference.txt;
 * returns how many (at most max). */
static inline size_t th_ref(const char *name, double *out, size_t max)
{
    return ts_ref_numbers("tests/stimuli/data/reference.txt", name, out, max);
}

/* Path of a committed test data file. */
static inline char *th_data(const char *name)
{
    char rel[1024];
    snprintf(rel, sizeof rel, "tests/stimuli/data/%s", name);
    return ts_source_path(rel, ".");
}

#endif
