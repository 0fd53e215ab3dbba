/* test_support.h — helpers the tests of several modules share, defined once
 * (libdl_test_support, tests/support/): temporary folders and small files,
 * committed reference files found through DL_SOURCE_DIR, and reading back
 * what a writer wrote — a CSV table with common's reader, a JSON document
 * with the tests' reader (tests/cli/json_min.h) — with cmocka assertions
 * that name the file, row and column (or key path) that is wrong.
 *
 * Include <cmocka.h> (after setjmp.h, stdarg.h, stddef.h) before this
 * header: the read-back checks fail through cmocka. */
#ifndef DL_TEST_SUPPORT_H
#define DL_TEST_SUPPORT_H

#include <stddef.h>

#include "../cli/json_min.h"
#include "dl_common.h"

/* ---- files and folders ---- */

/* A fresh folder $TMPDIR/PREFIX.XXXXXX (or under /tmp) in buf (256 bytes);
 * aborts when it cannot be made. ts_rmtree removes it. */
void ts_tmpdir(char *buf, const char *prefix);
/* Remove a folder and everything below it (no shell involved); says so on
 * stderr when something stays behind. */
void ts_rmtree(const char *dir);
/* dir/name, malloc'd. */
char *ts_path(const char *dir, const char *name);
/* The whole file as a string (NULL if it cannot be read); *len, when not
 * NULL, gets its size. */
char *ts_slurp(const char *path, size_t *len);
/* Write text to path; aborts on failure. */
void ts_write(const char *path, const char *text);
/* $DL_SOURCE_DIR/rel (fallback when DL_SOURCE_DIR is unset), malloc'd. */
char *ts_source_path(const char *rel, const char *fallback);

/* cmocka setup / teardown of a test that needs one temporary folder:
 * *state becomes a ts_dir_fixture. */
typedef struct ts_dir_fixture {
    char dir[256];
} ts_dir_fixture;
int ts_dir_setup(void **state);
int ts_dir_teardown(void **state);

/* ---- committed reference files ---- */

/* The numbers of the line "name v1 v2 ..." of the text file at rel below
 * DL_SOURCE_DIR; returns how many (at most max; 0 when absent). */
size_t ts_ref_numbers(const char *rel, const char *name, double *out, size_t max);
/* The CSV file at rel below DL_SOURCE_DIR, read with common's reader; fails
 * the test when it cannot be read or has fewer than min_rows rows. */
dl_csv *ts_ref_csv(const char *rel, size_t min_rows);
/* The field of row in column col; fails the test when there is no such
 * column ("reference file has no column ..."). */
const char *ts_ref_field(const dl_csv *csv, size_t row, const char *col);

/* ---- independent numbers ---- */

/* Error consistency (Geirhos et al. 2020) of two observers on n items, r1
 * and r2 of them right, `agree` answered alike (both right or both wrong),
 * from its definition; the tests' own check of the writers' numbers. No
 * boundary convention: callers keep away from c_exp = 1. */
typedef struct ts_ec {
    double p1, p2, c_obs, c_exp, kappa;
} ts_ec;
ts_ec ts_ec_of(int n, int r1, int r2, int agree);

/* ---- reading back a written CSV table ---- */

/* dir/name read with common's reader; fails the test ("NAME: why") when it
 * cannot be read. */
dl_csv *ts_read_table(const char *dir, const char *name);
/* The cell of row in column col; fails when the column or row is missing. */
const char *ts_cell(const dl_csv *csv, size_t row, const char *col);
/* The cell holds want to 1e-9 relative (the tables write 10 significant
 * digits); a NaN want means the cell must be "NA". */
void ts_assert_cell(const dl_csv *csv, size_t row, const char *col, double want);
/* The header is exactly names (comma-separated). */
void ts_assert_header(const dl_csv *csv, const char *names);

/* ---- reading back written JSON ---- */

/* dir/name parsed with the tests' JSON reader; fails when unreadable. */
jv *ts_parse_json_file(const char *dir, const char *name);
/* The number at path is want to tol relative (to max(1, |want|)); a NaN want
 * means the value must be null. ts_assert_key uses tol 1e-12. */
void ts_assert_key_tol(const jv *root, const char *path, double want, double tol);
void ts_assert_key(const jv *root, const char *path, double want);
/* The string at path is want; a NULL want means the value must be null. */
void ts_assert_key_str(const jv *root, const char *path, const char *want);

#endif
