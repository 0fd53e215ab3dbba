/* helpers.h — small helpers shared by the stimuli tests: temporary folders,
 * files written from strings, reference numbers from data/reference.txt. */
#ifndef DL_TEST_STIMULI_HELPERS_H
#define DL_TEST_STIMULI_HELPERS_H

#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh folder under TMPDIR; removed by th_rmtree. */
static inline char *th_tmpdir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *p = malloc(strlen(base) + 32);
    sprintf(p, "%s/dl_stim_XXXXXX", base);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

static inline int th_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static inline void th_rmtree(char *dir)
{
    if (dir)
        nftw(dir, th_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* dir/name, malloc'd. */
static inline char *th_path(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

/* Write text to dir/name; returns the path (malloc'd). */
static inline char *th_write(const char *dir, const char *name, const char *text)
{
    char *p = th_path(dir, name);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

/* Numbers of the line "name v1 v2 ..." of tests/stimuli/data/reference.txt;
 * returns how many (at most max). */
static inline size_t th_ref(const char *name, double *out, size_t max)
{
    const char *src = getenv("DL_SOURCE_DIR");
    char path[4096], line[65536];
    snprintf(path, sizeof path, "%s/tests/stimuli/data/reference.txt", src ? src : ".");
    FILE *f = fopen(path, "r");
    size_t n = 0, len = strlen(name);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, name, len) != 0 || line[len] != ' ')
            continue;
        char *s = line + len, *end;
        while (n < max) {
            double v = strtod(s, &end);
            if (end == s)
                break;
            out[n++] = v;
            s = end;
        }
        break;
    }
    if (f)
        fclose(f);
    return n;
}

/* Path of a committed test data file. */
static inline char *th_data(const char *name)
{
    const char *src = getenv("DL_SOURCE_DIR");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/tests/stimuli/data/%s", src ? src : ".", name);
    return p;
}

#endif
