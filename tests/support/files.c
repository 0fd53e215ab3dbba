/* files.c — temporary folders, small files and committed reference files
 * for the tests (test_support.h). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_support.h"

void ts_tmpdir(char *buf, const char *prefix)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, 256, "%s/%s.XXXXXX", base && base[0] ? base : "/tmp", prefix);
    if (!mkdtemp(buf)) {
        perror("mkdtemp");
        abort();
    }
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

void ts_rmtree(const char *dir)
{
    if (!dir || access(dir, F_OK) != 0)
        return;
    if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

char *ts_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *ts_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) {
        fclose(f);
        return NULL;
    }
    size_t got = fread(s, 1, (size_t)n, f);
    fclose(f);
    s[got] = '\0';
    if (len)
        *len = got;
    return s;
}

void ts_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

char *ts_source_path(const char *rel, const char *fallback)
{
    const char *src = getenv("DL_SOURCE_DIR");
    return ts_path(src ? src : fallback, rel);
}

int ts_dir_setup(void **state)
{
    ts_dir_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    ts_tmpdir(f->dir, "dl_test");
    *state = f;
    return 0;
}

int ts_dir_teardown(void **state)
{
    ts_dir_fixture *f = *state;
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

size_t ts_ref_numbers(const char *rel, const char *name, double *out, size_t max)
{
    char *path = ts_source_path(rel, ".");
    static char line[65536];
    FILE *f = fopen(path, "r");
    free(path);
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

dl_csv *ts_ref_csv(const char *rel, size_t min_rows)
{
    if (!getenv("DL_SOURCE_DIR"))
        fail_msg("DL_SOURCE_DIR is not set (run the test through ctest)");
    char *path = ts_source_path(rel, ".");
    dl_csv *csv = NULL;
    dl_error err = {0};
    int rc = dl_csv_read(path, &csv, &err);
    free(path);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_true(csv->nrows >= min_rows);
    return csv;
}

const char *ts_ref_field(const dl_csv *csv, size_t row, const char *col)
{
    int c = dl_csv_col(csv, col);
    if (c < 0)
        fail_msg("reference file has no column %s", col);
    return csv->rows[row][c];
}
