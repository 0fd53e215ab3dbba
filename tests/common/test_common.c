/* test_common.c — CSV reading (libcsv), JSON writing, SHA-256, atomic files,
 * staged output folders, UTF-8 table cells, the error-code table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dl_common.h"

static char *write_tmp(const char *content, size_t len)
{
    char *path = strdup("/tmp/dl_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_sha256_known(void **state)
{
    (void)state;
    char hex[65];
    dl_sha256_buf("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    dl_sha256_buf("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* 56 bytes: forces the length into a second block. */
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    dl_sha256_buf(m, strlen(m), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_csv_quotes_crlf_bom(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBFname,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n"
                        "c,\"two\nlines\"\r\nd,\r\n";
    char *path = write_tmp(text, sizeof text - 1);
    dl_csv *csv;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(path, &csv, &err), 0);
    assert_int_equal(csv->ncols, 2);
    assert_string_equal(csv->header[0], "name");
    assert_int_equal(csv->nrows, 3);
    assert_string_equal(csv->rows[0][0], "a,b");
    assert_string_equal(csv->rows[0][1], "say \"hi\"");
    assert_string_equal(csv->rows[1][1], "two\nlines");
    assert_int_equal(csv->row_line[1], 3);
    assert_int_equal(csv->row_line[2], 5);
    assert_string_equal(csv->rows[2][1], "");
    dl_csv_free(csv);
    unlink(path);
    free(path);
}

static void expect_error(const char *content, const char *suffix)
{
    char *path = write_tmp(content, strlen(content));
    dl_csv *csv = NULL;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(path, &csv, &err), DL_EINVAL);
    assert_null(csv);
    char expected[512];
    snprintf(expected, sizeof expected, "%s%s", path, suffix);
    assert_string_equal(err.msg, expected);
    unlink(path);
    free(path);
}

static void test_csv_errors(void **state)
{
    (void)state;
    expect_error("", ":1: the file is empty (expected a header row)");
    expect_error("a,b\n1,2\n3\n", ":3: expected 2 fields as in the header, found 1");
    expect_error("a,a\n", ":1: duplicate column name 'a'");
    expect_error("a,\n", ":1: header column 2 has no name");
    /* 5,000 distinct names (the hash set's probing) and one repeat at the end */
    static char wide[5000 * 7 + 16];
    size_t len = 0;
    for (int i = 0; i < 5000; i++)
        len += (size_t)sprintf(wide + len, "%sc%d", i ? "," : "", i);
    expect_error(strcat(wide, ",c4321\n"), ":1: duplicate column name 'c4321'");
    wide[len] = '\0';
    char *path = write_tmp(strcat(wide, "\n"), len + 1);
    dl_csv *csv = NULL;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(path, &csv, &err), 0);
    assert_int_equal(csv->ncols, 5000);
    dl_csv_free(csv);
    unlink(path);
    free(path);
    expect_error("a,b\n1,\"unterminated\n", ":2: malformed CSV: unterminated quoted field");
    expect_error("a,b\n1,2\n\"open,3\n4,5\n", ":3: malformed CSV: unterminated quoted field");
}

static void test_csv_require_col(void **state)
{
    (void)state;
    char *path = write_tmp("x,y\n1,2\n", 8);
    dl_csv *csv;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(path, &csv, &err), 0);
    int col;
    assert_int_equal(dl_csv_require_col(csv, "z", &col, &err), DL_EINVAL);
    char expected[256];
    snprintf(expected, sizeof expected, "%s:1: no column 'z' (columns are: x, y)", path);
    assert_string_equal(err.msg, expected);
    dl_csv_free(csv);
    unlink(path);
    free(path);
}

static void test_json(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    dl_json j;
    dl_json_init(&j, fp);
    dl_json_object_begin(&j);
    dl_json_key(&j, "a");
    dl_json_number(&j, 0.5);
    dl_json_key(&j, "nan");
    dl_json_number(&j, 0.0 / 0.0);
    dl_json_key(&j, "list");
    dl_json_array_begin(&j);
    dl_json_int(&j, 1);
    dl_json_string(&j, "q\"\n");
    dl_json_object_begin(&j);
    dl_json_object_end(&j);
    dl_json_array_end(&j);
    dl_json_object_end(&j);
    fclose(fp);
    assert_string_equal(buf, "{\"a\":0.5,\"nan\":null,\"list\":[1,\"q\\\"\\n\",{}]}");
    free(buf);
}

static void test_atomic(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl_atomic_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    dl_atomic a;
    dl_error err = {0};
    assert_int_equal(dl_atomic_open(&a, path, &err), 0);
    fputs("x\n", a.fp);
    assert_int_equal(access(path, F_OK), -1); /* nothing under the name yet */
    assert_int_equal(dl_atomic_commit(&a, &err), 0);
    char *data;
    assert_int_equal(dl_read_file(path, &data, NULL, &err), 0);
    assert_string_equal(data, "x\n");
    free(data);
    assert_int_equal(dl_atomic_open(&a, path, &err), 0);
    fputs("half", a.fp);
    dl_atomic_abort(&a);
    assert_int_equal(dl_read_file(path, &data, NULL, &err), 0);
    assert_string_equal(data, "x\n"); /* the old file stays whole */
    free(data);
    unlink(path);
    rmdir(dir);
}

/* A folder given where a file is expected: one message saying so, from every
 * reader (fopen accepts a folder; only the read would fail, vaguely). */
static void test_folder_is_not_a_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl_folder_XXXXXX", expected[256], hex[65];
    assert_non_null(mkdtemp(dir));
    snprintf(expected, sizeof expected, "%s: is a folder, not a file", dir);
    dl_error err = {0};
    dl_csv *csv = NULL;
    assert_int_equal(dl_csv_read(dir, &csv, &err), DL_EINVAL);
    assert_string_equal(err.msg, expected);
    char *data = NULL;
    assert_int_equal(dl_read_file(dir, &data, NULL, &err), DL_EINVAL);
    assert_string_equal(err.msg, expected);
    assert_int_equal(dl_sha256_file(dir, hex, &err), DL_EINVAL);
    assert_string_equal(err.msg, expected);
    /* and the other way round: a file where a folder is wanted */
    char file[160];
    snprintf(file, sizeof file, "%s/f", dir);
    FILE *fp = fopen(file, "w");
    fclose(fp);
    assert_int_equal(dl_mkdir_p(file, &err), DL_EEXIST);
    snprintf(expected, sizeof expected, "%s: exists and is not a folder", file);
    assert_string_equal(err.msg, expected);
    unlink(file);
    rmdir(dir);
}

/* A named pipe or a device where a file is read whole: refused at once
 * (opening a FIFO waits for a writer, forever if none comes). */
static void test_special_file_is_not_a_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl_fifo_XXXXXX", fifo[160], expected[256];
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(20); /* a blocking open fails the test instead of hanging it */
    dl_error err = {0};
    char *data = NULL;
    assert_int_equal(dl_read_file(fifo, &data, NULL, &err), DL_EINVAL);
    snprintf(expected, sizeof expected, "%s: is a named pipe (FIFO), not a regular file", fifo);
    assert_string_equal(err.msg, expected);
    assert_null(data);
    assert_int_equal(dl_read_file("/dev/null", &data, NULL, &err), DL_EINVAL);
    assert_string_equal(err.msg, "/dev/null: is a device, not a regular file");
    alarm(0);
    /* a regular file behind a symbolic link is still a regular file */
    char file[160], link[160];
    snprintf(file, sizeof file, "%s/f", dir);
    snprintf(link, sizeof link, "%s/l", dir);
    FILE *fp = fopen(file, "w");
    fputs("abc", fp);
    fclose(fp);
    assert_int_equal(symlink(file, link), 0);
    size_t len = 0;
    assert_int_equal(dl_read_file(link, &data, &len, &err), 0);
    assert_int_equal(len, 3);
    assert_string_equal(data, "abc");
    free(data);
    unlink(link);
    unlink(file);
    unlink(fifo);
    rmdir(dir);
}

static size_t entries(const char *dir)
{
    size_t n = 0;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%zu", &n), 1);
    pclose(p);
    return n;
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dl_atomic a;
    dl_error err = {0};
    assert_int_equal(dl_atomic_open(&a, path, &err), 0);
    fputs(text, a.fp);
    assert_int_equal(dl_atomic_flush(&a, &err), 0);
    assert_int_equal(dl_atomic_commit(&a, &err), 0);
}

/* A staged folder of outputs appears all at once or not at all, and an
 * error names the file's final place, never the staging folder. */
static void test_stage(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl_stage_XXXXXX", out[128], path[192];
    assert_non_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/out", dir);
    dl_stage st;
    dl_error err = {0};
    assert_int_equal(dl_stage_open(&st, out, &err), 0);
    write_in(st.tmp_dir, "a.csv", "old a\n");
    assert_int_equal(entries(out), 1); /* only the hidden staging folder */
    assert_int_equal(dl_stage_commit(&st, &err), 0);
    assert_null(st.tmp_dir);
    assert_int_equal(entries(out), 1);

    /* a failed second run: out keeps exactly what the first run wrote */
    assert_int_equal(dl_stage_open(&st, out, &err), 0);
    write_in(st.tmp_dir, "a.csv", "new a\n");
    write_in(st.tmp_dir, "b.csv", "new b\n");
    snprintf(path, sizeof path, "%s/c.png", st.tmp_dir);
    dl_fail(&err, DL_EFULL, "%s: write failed: No space left on device", path);
    dl_stage_abort(&st, &err);
    snprintf(path, sizeof path, "%s/c.png: write failed: No space left on device", out);
    assert_string_equal(err.msg, path);
    assert_int_equal(entries(out), 1);
    snprintf(path, sizeof path, "%s/a.csv", out);
    char *data;
    assert_int_equal(dl_read_file(path, &data, NULL, &err), 0);
    assert_string_equal(data, "old a\n");
    free(data);

    /* a folder where a file must go is found before anything is renamed */
    assert_int_equal(dl_stage_open(&st, out, &err), 0);
    write_in(st.tmp_dir, "a.csv", "newer a\n");
    write_in(st.tmp_dir, "b.csv", "b\n");
    snprintf(path, sizeof path, "%s/b.csv", out);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(dl_stage_commit(&st, &err), DL_EEXIST);
    char expected[256];
    snprintf(expected, sizeof expected, "%s: is a folder; cannot write a file there", path);
    assert_string_equal(err.msg, expected);
    snprintf(path, sizeof path, "%s/a.csv", out);
    assert_int_equal(dl_read_file(path, &data, NULL, &err), 0);
    assert_string_equal(data, "old a\n");
    free(data);
    assert_int_equal(entries(out), 2); /* a.csv and the folder b.csv */
    snprintf(path, sizeof path, "%s/b.csv", out);
    rmdir(path);
    snprintf(path, sizeof path, "%s/a.csv", out);
    unlink(path);
    rmdir(out);
    rmdir(dir);
}

static char *cell_text(const char *s, int width)
{
    static char buf[128];
    FILE *fp = fmemopen(buf, sizeof buf, "w");
    dl_put_cell(fp, s, width);
    fclose(fp);
    return buf;
}

/* Table columns count characters, not bytes, and never cut a character. */
static void test_utf8_cells(void **state)
{
    (void)state;
    assert_int_equal(dl_utf8_width("Zo\xc3\xab"), 3);
    assert_int_equal(dl_utf8_width(""), 0);
    assert_string_equal(cell_text("Zo\xc3\xab", 5), "Zo\xc3\xab  ");
    assert_string_equal(cell_text("Zo\xc3\xab", -5), "  Zo\xc3\xab");
    assert_string_equal(cell_text("J\xc3\xbcrgen", 2), "J\xc3\xbc");
    assert_string_equal(cell_text("abc", 3), "abc");
    assert_string_equal(cell_text("\xe2\x82\xac!", 1), "\xe2\x82\xac"); /* 3 bytes, 1 char */
}

static void test_parse(void **state)
{
    (void)state;
    double d;
    long l;
    assert_int_equal(dl_parse_double(" 1.5 ", &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(dl_parse_double("1.5x", &d), DL_EINVAL);
    assert_int_equal(dl_parse_double("inf", &d), DL_EINVAL);
    assert_int_equal(dl_parse_long("42", &l), 0);
    assert_int_equal(l, 42);
    assert_int_equal(dl_parse_long("4.2", &l), DL_EINVAL);
    assert_true(dl_is_missing("NA") && dl_is_missing("") && !dl_is_missing("0"));
}

static void check_join(const char *dir, const char *rel, const char *expected)
{
    char *p = dl_path_join(dir, rel);
    assert_non_null(p);
    assert_string_equal(p, expected);
    free(p);
}

static void test_path_join_and_mix(void **state)
{
    (void)state;
    check_join("data", "images/a.png", "data/images/a.png");
    check_join("data//", "a.png", "data/a.png");
    check_join("/", "tmp", "/tmp");
    check_join("data", "/abs/a.png", "/abs/a.png");
    check_join("", "a.png", "a.png");
    check_join(NULL, "a.png", "a.png");
    /* splitmix64's first output from state 0 (Vigna's reference code) */
    assert_true(dl_mix64(0) == 0xE220A8397B1DCDAFULL);
}

/* Every code in DL_ERRNO_MAP has its own name and a message; a value outside
 * the map is reported as unknown rather than borrowing a neighbour's text. */
static void test_error_map(void **state)
{
    (void)state;
#define CODE_(name, value, msg) (value),
    static const int codes[] = {DL_ERRNO_MAP(CODE_)};
#undef CODE_
    size_t n = sizeof codes / sizeof *codes;
    assert_true(n >= 13);
    for (size_t i = 0; i < n; i++) {
        const char *name = dl_err_name(codes[i]);
        const char *msg = dl_strerror(codes[i]);
        assert_non_null(msg);
        assert_true(msg[0] != '\0');
        assert_string_not_equal(msg, "unknown error");
        assert_true(strncmp(name, "DL_", 3) == 0);
        assert_string_not_equal(name, "DL_UNKNOWN");
        for (size_t j = 0; j < i; j++) {
            assert_true(codes[i] != codes[j]);
            assert_string_not_equal(name, dl_err_name(codes[j]));
            assert_string_not_equal(msg, dl_strerror(codes[j]));
        }
    }
    assert_string_equal(dl_err_name(DL_ENOMEM), "DL_ENOMEM");
    assert_string_equal(dl_strerror(DL_ENOMEM), "out of memory");
    assert_int_equal(DL_EINVAL, -1);
    assert_string_equal(dl_err_name(-9999), "DL_UNKNOWN");
    assert_string_equal(dl_strerror(-9999), "unknown error");
}

/* The shared helpers: interning keeps first-seen order across rehashes,
 * growth keeps the contents, the comparison sorts, the task names map both
 * ways and a missing number prints as "-". */
static void test_shared_helpers(void **state)
{
    (void)state;
    dl_names t = {0};
    char buf[32];
    for (int i = 0; i < 200; i++) {
        size_t idx;
        int is_new;
        snprintf(buf, sizeof buf, "n%d", i % 150);
        assert_int_equal(dl_names_add(&t, buf, NULL, &idx, &is_new), 0);
        assert_int_equal(idx, (size_t)(i % 150));
        assert_int_equal(is_new, i < 150);
    }
    assert_int_equal(t.n, 150);
    assert_int_equal(dl_names_find(&t, "n149"), 149);
    assert_int_equal(dl_names_find(&t, "n150"), -1);
    /* by length: a key cut out of a longer field finds the whole name, and a
     * cut that matches no name is added as one */
    size_t idx;
    uint32_t i32;
    assert_int_equal(dl_names_add_len(&t, "n149.png", 4, &idx), 0);
    assert_int_equal(idx, 149);
    assert_int_equal(dl_names_add_len(&t, "n1999", 4, &idx), 0);
    assert_int_equal(idx, 150);
    assert_string_equal(t.names[150], "n199");
    assert_int_equal(dl_names_add32(&t, "n199", &i32), 0);
    assert_int_equal(i32, 150);
    assert_int_equal(dl_names_add_len(&t, "wide name of eighteen", 18, &idx), 0);
    assert_int_equal(dl_names_width(&t, 3, 60), 18);
    assert_int_equal(dl_names_width(&t, 3, 10), 10);
    assert_int_equal(dl_names_width(&t, 30, 60), 30);
    dl_names_free(&t);

    int *v = NULL;
    size_t cap = 0;
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(dl_grow(&v, &cap, (size_t)i + 1, sizeof *v), 0);
        assert_true(cap >= (size_t)i + 1);
        v[i] = i * 3;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(v[i], i * 3);
    free(v);

    double d[] = {3, -1, 2.5, 0};
    qsort(d, 4, sizeof *d, dl_cmp_double);
    assert_true(d[0] == -1 && d[1] == 0 && d[2] == 2.5 && d[3] == 3);

    assert_int_equal(dl_task_parse("2afc"), DL_TASK_2AFC);
    assert_int_equal(dl_task_parse("rating"), DL_TASK_RATING);
    assert_int_equal(dl_task_parse("2AFC"), DL_TASK_2AFC); /* as papers write it */
    assert_int_equal(dl_task_parse("Rating"), DL_TASK_RATING);
    assert_int_equal(dl_task_parse("2afc "), 0);
    assert_int_equal(dl_task_parse("afc"), 0);
    assert_int_equal(dl_task_parse(NULL), 0);
    assert_string_equal(dl_task_name(DL_TASK_RATING), "rating");

    char cell[DL_NUM_CELL];
    assert_string_equal(dl_fmt_num(cell, 0.5, 7, 3), "  0.500");
    assert_string_equal(dl_fmt_num(cell, NAN, 7, 3), "      -");

    unsigned char r1[16] = {0}, r2[16] = {0};
    assert_int_equal(dl_random_bytes(r1, sizeof r1), 0);
    assert_int_equal(dl_random_bytes(r2, sizeof r2), 0);
    assert_memory_not_equal(r1, r2, sizeof r1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_known), cmocka_unit_test(test_csv_quotes_crlf_bom),
        cmocka_unit_test(test_csv_errors),   cmocka_unit_test(test_csv_require_col),
        cmocka_unit_test(test_json),         cmocka_unit_test(test_atomic),
        cmocka_unit_test(test_parse), cmocka_unit_test(test_path_join_and_mix),        cmocka_unit_test(test_folder_is_not_a_file),
        cmocka_unit_test(test_special_file_is_not_a_file),
        cmocka_unit_test(test_stage),        cmocka_unit_test(test_utf8_cells),
        cmocka_unit_test(test_error_map),    cmocka_unit_test(test_shared_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
