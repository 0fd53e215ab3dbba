/* test_report_questions.c — the question definitions a rating report
 * follows (analysis/report_questions.c): the format experiment/config.c
 * stores in sessions.questions_json read back, the paper's three, which
 * lists may be analysed together, and a damaged definition refused with a
 * message saying what is wrong (whole messages pinned). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_internal.h"

static const char four[] =
    "[{\"key\":\"q1\",\"text\":\"Wie viele?\",\"type\":\"count\",\"level\":\"interval\","
    "\"options\":[]},"
    "{\"key\":\"q2\",\"text\":\"Wie oft?\",\"type\":\"ordered\",\"level\":\"ordinal\","
    "\"options\":[\"nie\",\"selten\",\"manchmal\",\"oft\",\"immer\"]},"
    "{\"key\":\"q3\",\"text\":\"Was?\",\"type\":\"unordered\",\"level\":\"nominal\","
    "\"options\":[\"Tier\",\"Gegenstand\",\"Szene\"]},"
    "{\"key\":\"q4\",\"text\":\"Scharf?\",\"type\":\"unordered\",\"level\":\"nominal\","
    "\"options\":[\"ja\",\"nein\"]}]";

static void test_parse(void **state)
{
    (void)state;
    rp_qlist q;
    dl_error e = {0};
    assert_int_equal(rp_qlist_parse(four, &q, &e), 0);
    assert_int_equal(q.n, 4);
    assert_false(q.paper);
    assert_string_equal(q.q[1].key, "q2");
    assert_string_equal(q.q[1].text, "Wie oft?");
    assert_int_equal(q.q[1].type, DL_REPORT_Q_ORDERED);
    assert_int_equal(q.q[1].level, DL_LEVEL_ORDINAL);
    assert_int_equal(q.q[1].nopt, 5);
    assert_string_equal(q.q[1].opt[4], "immer");
    assert_int_equal(q.q[0].nopt, 0);
    assert_int_equal(q.q[3].level, DL_LEVEL_NOMINAL);
    assert_int_equal(rp_qlist_find(&q, "q4"), 3);
    assert_int_equal(rp_qlist_find(&q, "q5"), -1);
    char d[256];
    rp_qlist_describe(&q, d, sizeof d);
    assert_string_equal(d, "q1 count interval, q2 ordered ordinal (5 labels), q3 unordered "
                           "nominal (3 labels), q4 unordered nominal (2 labels)");

    /* a translation is the same list, in other words */
    rp_qlist en;
    char *t = strdup(four);
    assert_non_null(t);
    char *hit = strstr(t, "\"nein\"");
    memcpy(hit, "\"noo!\"", 6);
    assert_int_equal(rp_qlist_parse(t, &en, &e), 0);
    assert_true(rp_qlist_same(&q, &en));
    assert_false(rp_qlist_same_words(&q, &en));
    assert_true(rp_qlist_same_words(&q, &q));
    rp_qlist_clear(&en);
    free(t);

    rp_qlist paper;
    assert_int_equal(rp_qlist_paper(&paper), 0);
    assert_true(paper.paper);
    assert_int_equal(paper.n, 3);
    assert_string_equal(paper.q[2].opt[1], "Slightly");
    assert_false(rp_qlist_same(&q, &paper));
    rp_qlist_clear(&paper);
    rp_qlist_clear(&q);
}

static void expect_error(const char *json, const char *msg)
{
    rp_qlist q;
    dl_error e = {0};
    assert_int_equal(rp_qlist_parse(json, &q, &e), DL_EINVAL);
    assert_string_equal(e.msg, msg);
    assert_int_equal(q.n, 0);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{}", "expected an array of 1 to 9 questions");
    expect_error("[]", "expected an array of 1 to 9 questions");
    expect_error("[1]", "question 1 is not an object");
    expect_error("[{\"key\":\"items\",\"text\":\"x\",\"type\":\"count\",\"level\":\"interval\"}]",
                 "question 1: \"key\" must be one of q1 ... q9");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"count\",\"level\":\"interval\"},"
                 "{\"key\":\"q1\",\"text\":\"y\",\"type\":\"count\",\"level\":\"interval\"}]",
                 "question 2: key 'q1' is used twice");
    expect_error("[{\"key\":\"q1\",\"type\":\"count\",\"level\":\"interval\"}]",
                 "question q1: \"text\" must be a string");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"scale\",\"level\":\"interval\"}]",
                 "question q1: \"type\" must be \"count\", \"ordered\" or \"unordered\"");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"count\",\"level\":\"metric\"}]",
                 "question q1: \"level\" must be \"nominal\", \"ordinal\", \"interval\" or "
                 "\"ratio\"");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"count\",\"level\":\"ratio\","
                 "\"options\":[\"a\",\"b\"]}]",
                 "question q1: a count has no \"options\"");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"ordered\",\"level\":\"ordinal\","
                 "\"options\":[\"a\"]}]",
                 "question q1: ordered needs 2 to 10 \"options\", not 1");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"ordered\",\"level\":\"ordinal\","
                 "\"options\":[\"a\",2]}]",
                 "question q1: option 2 is not a string");
    expect_error("[{\"key\":\"q1\",\"text\":\"x\",\"type\":\"ordered\",\"level\":\"ordinal\","
                 "\"options\":\"a, b\"}]",
                 "question q1: \"options\" must be an array of strings");
    expect_error("[{\"key\":\"q1\",}]",
                 "line 1, column 14: expected a value after ',' (no trailing commas), found '}'");
    char ten[2048] = "[";
    for (int i = 0; i < 10; i++)
        snprintf(ten + strlen(ten), sizeof ten - strlen(ten),
                 "%s{\"key\":\"q%d\",\"text\":\"x\",\"type\":\"count\",\"level\":\"interval\"}",
                 i ? "," : "", i % 9 + 1);
    strcat(ten, "]");
    expect_error(ten, "expected an array of 1 to 9 questions");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
