/* test_json_read.c — the strict JSON reader (common/json_read.c): values as
 * RFC 8259 defines them, and every kind of malformed text refused with the
 * line, the column and what was expected (whole messages pinned). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dl_common.h"

static dl_jvalue *parse_ok(const char *text)
{
    dl_jvalue *v = NULL;
    dl_error e = {0};
    int rc = dl_jparse(text, strlen(text), &v, &e);
    if (rc)
        fprintf(stderr, "unexpected: %s\n", e.msg);
    assert_int_equal(rc, 0);
    assert_non_null(v);
    return v;
}

static void expect_error(const char *text, size_t len, const char *msg)
{
    dl_jvalue *v = (dl_jvalue *)1;
    dl_error e = {0};
    assert_int_equal(dl_jparse(text, len, &v, &e), DL_EINVAL);
    assert_null(v);
    assert_string_equal(e.msg, msg);
}

static void test_values(void **state)
{
    (void)state;
    dl_jvalue *v = parse_ok(" {\"a\": [1, -0.5e3, 0, 12.25E-1], \"b\": {\"c\": null},\n"
                            "  \"t\": true, \"f\": false, \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\","
                            " \"u\": \"\\u00e4\\u20AC\\ud83d\\ude00\", \"raw\": \"Zoë\", "
                            "\"empty\": [], \"o\": {}} ");
    assert_int_equal(v->type, DL_JOBJECT);
    assert_int_equal(v->n, 9);
    const dl_jvalue *a = dl_jget(v, "a");
    assert_int_equal(a->type, DL_JARRAY);
    assert_int_equal(a->n, 4);
    assert_true(a->items[0].number == 1.0);
    assert_true(a->items[1].number == -500.0);
    assert_true(a->items[2].number == 0.0);
    assert_true(a->items[3].number == 1.225);
    assert_int_equal(dl_jget(dl_jget(v, "b"), "c")->type, DL_JNULL);
    assert_int_equal(dl_jget(v, "t")->type, DL_JTRUE);
    assert_int_equal(dl_jget(v, "f")->type, DL_JFALSE);
    assert_string_equal(dl_jget(v, "s")->string, "x\"\\/\b\f\n\r\t");
    /* ä, €, and U+1F600 from a surrogate pair, as UTF-8 */
    assert_string_equal(dl_jget(v, "u")->string, "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_string_equal(dl_jget(v, "raw")->string, "Zo\xc3\xab");
    assert_int_equal(dl_jget(v, "empty")->n, 0);
    assert_int_equal(dl_jget(v, "o")->type, DL_JOBJECT);
    assert_null(dl_jget(v, "missing"));
    assert_null(dl_jget(a, "a")); /* not an object */
    dl_jfree(v);
    v = parse_ok("\"\"");
    assert_string_equal(v->string, "");
    dl_jfree(v);
    dl_jfree(NULL);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", 0, "line 1, column 1: expected a value, found the end of the text");
    expect_error("[1,]", 4,
                 "line 1, column 4: expected a value after ',' (no trailing commas), found ']'");
    expect_error("{\"a\":1,\"a\":2}", 13,
                 "line 1, column 8: a key that appeared before in the same object, found '\"'");
    expect_error("{\n  \"a\": tru\n}", 14, "line 2, column 8: expected a value, found 't'");
    expect_error("01", 2, "line 1, column 2: a number must not have leading zeros, found '1'");
    expect_error("1.", 2,
                 "line 1, column 3: expected a digit after the decimal point, found the end of "
                 "the text");
    expect_error("-", 1, "line 1, column 2: expected a digit, found the end of the text");
    expect_error("1e", 2,
                 "line 1, column 3: expected a digit in the exponent, found the end of the text");
    expect_error("1e999", 5, "line 1, column 1: a number out of range, found '1'");
    expect_error("NaN", 3, "line 1, column 1: expected a value, found 'N'");
    expect_error("'x'", 3, "line 1, column 1: expected a value, found '''");
    expect_error("[1 2]", 5, "line 1, column 4: expected ',' or ']', found '2'");
    expect_error("{\"a\" 1}", 7, "line 1, column 6: expected ':' after a key, found '1'");
    expect_error("{a:1}", 5, "line 1, column 2: expected '\"' to begin a key, found 'a'");
    expect_error("1 2", 3,
                 "line 1, column 3: expected the end of the text after the value, found '2'");
    expect_error("[1] // c", 8,
                 "line 1, column 5: expected the end of the text after the value, found '/'");
    expect_error("\"abc", 4,
                 "line 1, column 5: expected '\"' to end the string, found the end of the text");
    expect_error("\"a\nb\"", 5,
                 "line 1, column 3: a control character inside a string must be escaped, found "
                 "byte 0x0A");
    expect_error("\"\\x\"", 4,
                 "line 1, column 3: expected one of \" \\ / b f n r t u after a backslash, "
                 "found 'x'");
    expect_error("\"\\u12g4\"", 8,
                 "line 1, column 6: expected four hex digits after \\u, found 'g'");
    expect_error("\"\\u0000\"", 8,
                 "line 1, column 2: \\u0000 is not allowed in a string, found '\\'");
    expect_error("\"\\udc00\"", 8,
                 "line 1, column 2: a low surrogate without a high one before it, found '\\'");
    expect_error("\"\\ud800x\"", 9,
                 "line 1, column 8: expected \\u and a low surrogate after a high one, found 'x'");
    expect_error("\"\\ud800\\u0041\"", 14,
                 "line 1, column 8: expected a low surrogate after a high one, found '\\'");
    expect_error("\"\xff\"", 3, "line 1, column 2: invalid UTF-8 inside a string, found byte 0xFF");
    expect_error("\"\xc0\x80\"", 4, /* an overlong NUL */
                 "line 1, column 2: invalid UTF-8 inside a string, found byte 0xC0");
    expect_error("\"\xed\xa0\x80\"", 5, /* an encoded surrogate */
                 "line 1, column 2: invalid UTF-8 inside a string, found byte 0xED");
    expect_error("[1]\0", 4, "line 1, column 4: a NUL byte is not allowed, found byte 0x00");
    char deep[200];
    memset(deep, '[', 100);
    deep[100] = '\0';
    expect_error(deep, 100, "line 1, column 65: nesting deeper than 64 levels, found '['");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
