/* readback.c — reading back what a writer wrote, with assertions that name
 * the file, row and column or the key path (test_support.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_support.h"

ts_ec ts_ec_of(int n, int r1, int r2, int agree)
{
    ts_ec e;
    e.p1 = (double)r1 / n;
    e.p2 = (double)r2 / n;
    e.c_obs = (double)agree / n;
    e.c_exp = e.p1 * e.p2 + (1 - e.p1) * (1 - e.p2);
    e.kappa = (e.c_obs - e.c_exp) / (1 - e.c_exp);
    return e;
}

dl_csv *ts_read_table(const char *dir, const char *name)
{
    char *p = ts_path(dir, name);
    dl_csv *csv = NULL;
    dl_error err = {0};
    int rc = dl_csv_read(p, &csv, &err);
    free(p);
    if (rc != 0)
        fail_msg("%s: %s", name, err.msg);
    return csv;
}

const char *ts_cell(const dl_csv *csv, size_t row, const char *col)
{
    int c = dl_csv_col(csv, col);
    if (c < 0)
        fail_msg("%s: no column %s", csv->path, col);
    assert_true(row < csv->nrows);
    return csv->rows[row][c];
}

void ts_assert_cell(const dl_csv *csv, size_t row, const char *col, double want)
{
    const char *s = ts_cell(csv, row, col);
    if (isnan(want)) {
        if (strcmp(s, "NA") != 0)
            fail_msg("%s row %zu %s: '%s', want NA", csv->path, row + 1, col, s);
        return;
    }
    char *end;
    double got = strtod(s, &end);
    if (!s[0] || *end || fabs(got - want) > 1e-9 * fmax(1.0, fabs(want)))
        fail_msg("%s row %zu %s: '%s', want %.12g", csv->path, row + 1, col, s, want);
}

void ts_assert_header(const dl_csv *csv, const char *names)
{
    size_t n = 1;
    for (size_t i = 0; i < csv->ncols; i++)
        n += strlen(csv->header[i]) + 1;
    char *buf = calloc(n, 1);
    assert_non_null(buf);
    for (size_t i = 0; i < csv->ncols; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, csv->header[i]);
    }
    /* on failure cmocka longjmps out: the buffer leaks then, as the test fails */
    assert_string_equal(buf, names);
    free(buf);
}

jv *ts_parse_json_file(const char *dir, const char *name)
{
    char *p = ts_path(dir, name);
    char *text = ts_slurp(p, NULL);
    if (!text)
        fail_msg("%s: cannot read it", p);
    jv *root = jv_parse(text);
    if (!root)
        fail_msg("%s: not valid JSON", p);
    free(text);
    free(p);
    return root;
}

void ts_assert_key_tol(const jv *root, const char *path, double want, double tol)
{
    const jv *v = jv_get(root, path);
    if (!v)
        fail_msg("JSON: no key %s", path);
    if (isnan(want)) {
        if (v->type != JV_NULL)
            fail_msg("JSON %s: want null", path);
        return;
    }
    if (v->type != JV_NUMBER || fabs(v->num - want) > tol * fmax(1.0, fabs(want)))
        fail_msg("JSON %s: %.17g, want %.17g", path, v->num, want);
}

void ts_assert_key(const jv *root, const char *path, double want)
{
    ts_assert_key_tol(root, path, want, 1e-12);
}

void ts_assert_key_str(const jv *root, const char *path, const char *want)
{
    const jv *v = jv_get(root, path);
    if (!v)
        fail_msg("JSON: no key %s", path);
    if (!want) {
        assert_int_equal(v->type, JV_NULL);
        return;
    }
    assert_int_equal(v->type, JV_STRING);
    assert_string_equal(v->str, want);
}
