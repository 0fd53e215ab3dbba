/* test_opt.c — the option engine of common/opt.c on a table with every kind
 * of option: values, range edges, the one wording of each error,
 * "--opt=value" and "--opt value", a repeated option, comma lists of
 * numbers, positionals and their counts, required options, the help it
 * writes. (tests/cli/test_cli_args.c walks every command's real table.) */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dl_opt.h"

typedef struct t_opts {
    int flag;
    const char *str, *col;
    unsigned small;
    uint32_t seed;
    size_t big;
    long long neg;
    double closed, open, half;
    int choice, parsed;
    int hooked;
    dl_opt_list many;
    dl_opt_nums nums;
} t_opts;

static int parse_ab(const char *w)
{
    return strcmp(w, "alpha") == 0 ? 10 : strcmp(w, "beta") == 0 ? 20 : -1;
}

static int hook_len(const char *arg, void *dest, dl_error *err)
{
    if (strlen(arg) > 3)
        return dl_fail(err, DL_EINVAL, "--hook takes at most 3 characters");
    *(int *)dest = (int)strlen(arg) * 100;
    return 0;
}

static const dl_opt t_table[] = {
    DL_OPT_FLAG(t_opts, "flag", 'f', flag, "a flag"),
    DL_OPT_STR(t_opts, "str", str, "S", "a string\nover two lines"),
    DL_OPT_COL(t_opts, "col", col, "C", "a column name"),
    DL_OPT_WHOLE(t_opts, "small", small, 2, 255, "N", "two to 255"),
    DL_OPT_WHOLE(t_opts, "seed", seed, 0, 4294967295LL, "S", "a 32-bit seed"),
    DL_OPT_WHOLE(t_opts, "big", big, 1, 100000000, "N", "a size"),
    DL_OPT_WHOLE(t_opts, "neg", neg, -5, 5, "N", "minus five to five"),
    DL_OPT_REAL(t_opts, "closed", closed, 0, 1, 0, "P", "[0, 1]"),
    DL_OPT_REAL(t_opts, "open", open, 0, 1, DL_OPT_OPEN, "C", "(0, 1)"),
    DL_OPT_REAL(t_opts, "half", half, -1, 1, DL_OPT_OPEN_LO, "H", "(-1, 1]"),
    DL_OPT_CHOICE(t_opts, "choice", choice, "one|two|three", NULL, "W", "by index"),
    DL_OPT_CHOICE(t_opts, "parsed", parsed, "alpha|beta", parse_ab, "W", "by a parser"),
    DL_OPT_HOOK(t_opts, "hook", hooked, hook_len, "X", "its own parser"),
    DL_OPT_LIST(t_opts, "many", many, "V", "repeatable"),
    DL_OPT_NUMS(t_opts, "nums", nums, -1, 1, DL_OPT_OPEN_HI, 3, "X,..", "up to three in [-1, 1)"),
    DL_OPT_FLAG(t_opts, "a-very-long-option-name", 0, flag, "help after two spaces"),
};
static const dl_opt_group t_groups[] = {DL_OPT_GROUP(t_table, 0)};
static const dl_opt_spec t_spec = {.cmd = "test",
                                   .args = "ARG...",
                                   .about = "Test the engine.\n",
                                   .groups = t_groups,
                                   .ngroups = 1,
                                   .epilog = "example: dddlab test --flag\n",
                                   .npos_max = DL_OPT_MANY};
/* The same table with one or two positionals and two required options. */
static const dl_opt_spec t_strict = {.cmd = "test",
                                     .args = "ARG [ARG]",
                                     .about = "Test the counts.\n",
                                     .groups = t_groups,
                                     .ngroups = 1,
                                     .npos_min = 1,
                                     .npos_max = 2,
                                     .missing = "expected an ARG",
                                     .required = "str|small"};
static const dl_opt_spec *spec = &t_spec;

/* Run the parser on a space-separated command line (after "test"); returns
 * its code, the message in caught_err and, after --help, the help it
 * writes in caught_out. */
static char caught_err[sizeof((dl_error *)0)->msg], caught_out[8192];
static t_opts o;
static dl_opt_args a;
static char *words[64];

static void help_text(const dl_opt_spec *s)
{
    FILE *f = fmemopen(caught_out, sizeof caught_out, "w");
    assert_non_null(f);
    dl_opt_help(f, s);
    fclose(f);
}

static int parse_argv(int argc, char **argv)
{
    dl_error err = {0};
    memset(&o, 0, sizeof o);
    int rc = dl_opt_parse(spec, argc, argv, &o, &a, &err);
    snprintf(caught_err, sizeof caught_err, "%s", err.msg);
    caught_out[0] = '\0';
    if (rc == DL_OPT_HELP)
        help_text(spec);
    else
        assert_true(rc == 0 ? err.msg[0] == '\0' : rc == DL_EINVAL && err.code == DL_EINVAL);
    return rc;
}

static int parse_line(const char *line)
{
    static char copy[1024];
    int argc = 0;
    words[argc++] = "test";
    snprintf(copy, sizeof copy, "%s", line);
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        words[argc++] = strcmp(t, "''") == 0 ? "" : t;
    words[argc] = NULL;
    return parse_argv(argc, words);
}

static void expect_error(const char *line, const char *msg)
{
    assert_int_equal(parse_line(line), DL_EINVAL);
    assert_string_equal(caught_err, msg);
}

static void test_every_kind(void **state)
{
    (void)state;
    assert_int_equal(parse_line("--flag --str hello --col=x --small 255 --seed 4294967295 "
                                "--big=100000000 --neg -5 --closed 1 --open 0.5 --half 1 "
                                "--choice three --parsed beta --hook ab"),
                     0);
    assert_string_equal(caught_err, "");
    assert_int_equal(o.flag, 1);
    assert_string_equal(o.str, "hello");
    assert_string_equal(o.col, "x");
    assert_int_equal(o.small, 255);
    assert_true(o.seed == 4294967295U);
    assert_true(o.big == 100000000);
    assert_true(o.neg == -5);
    assert_true(o.closed == 1.0);
    assert_true(o.open == 0.5);
    assert_true(o.half == 1.0);
    assert_int_equal(o.choice, 2);
    assert_int_equal(o.parsed, 20);
    assert_int_equal(o.hooked, 200);
    assert_int_equal(a.npos, 0);
    assert_true(dl_opt_seen(&t_spec, &a, "seed"));
    assert_false(dl_opt_seen(&t_spec, &a, "a-very-long-option-name"));
}

static void test_range_edges(void **state)
{
    (void)state;
    assert_int_equal(parse_line("--small 2 --closed 0 --seed 0 --neg 5"), 0);
    assert_int_equal(o.small, 2);
    assert_true(o.closed == 0.0);
    assert_true(o.neg == 5);
    expect_error("--small 1", "--small needs a whole number from 2 to 255, not '1'");
    expect_error("--small 256", "--small needs a whole number from 2 to 255, not '256'");
    expect_error("--small 2.5", "--small needs a whole number from 2 to 255, not '2.5'");
    expect_error("--seed 4294967296",
                 "--seed needs a whole number from 0 to 4294967295, not '4294967296'");
    expect_error("--neg -6", "--neg needs a whole number from -5 to 5, not '-6'");
    expect_error("--closed 1.0001", "--closed needs a number from 0 to 1, not '1.0001'");
    expect_error("--closed nan", "--closed needs a number from 0 to 1, not 'nan'");
    expect_error("--open 0", "--open needs a number between 0 and 1 (exclusive), not '0'");
    expect_error("--open 1", "--open needs a number between 0 and 1 (exclusive), not '1'");
    expect_error("--half -1", "--half needs a number > -1 and <= 1, not '-1'");
    expect_error("--choice four", "--choice must be one, two or three, not 'four'");
    expect_error("--parsed gamma", "--parsed must be alpha or beta, not 'gamma'");
    expect_error("--col ''", "--col must not be empty");
    expect_error("--hook abcd", "--hook takes at most 3 characters");
}

static void test_option_errors(void **state)
{
    (void)state;
    expect_error("--bogus", "unknown option '--bogus'");
    expect_error("--bogus=1", "unknown option '--bogus'");
    expect_error("-x", "unknown option '-x'");
    expect_error("--small", "option '--small' needs a value");
    expect_error("-f=1", "option '-f' takes no value");
    expect_error("--flag=yes", "option '--flag' takes no value");
    /* "--s" could be --str, --small or --seed */
    expect_error("--s 3", "option '--s' is ambiguous");
    /* the first bad option is the one named */
    expect_error("--small 1 --bogus", "--small needs a whole number from 2 to 255, not '1'");
}

static void test_forms_and_repeats(void **state)
{
    (void)state;
    /* --opt=value and --opt value give the same; a value may start with '-' */
    assert_int_equal(parse_line("--str=-x"), 0);
    assert_string_equal(o.str, "-x");
    assert_int_equal(parse_line("--str -x"), 0);
    assert_string_equal(o.str, "-x");
    assert_int_equal(parse_line("--str=a=b"), 0);
    assert_string_equal(o.str, "a=b");
    /* repeated: the last counts */
    assert_int_equal(parse_line("--small 3 --small 4 --choice one --choice two"), 0);
    assert_int_equal(o.small, 4);
    assert_int_equal(o.choice, 1);
    /* a list keeps every value, in order, up to DL_OPT_LIST_MAX */
    assert_int_equal(parse_line("--many a --many=b --many a"), 0);
    assert_int_equal(o.many.n, 3);
    assert_string_equal(o.many.v[0], "a");
    assert_string_equal(o.many.v[1], "b");
    assert_string_equal(o.many.v[2], "a");
    /* a unique prefix, a short letter */
    assert_int_equal(parse_line("--sm 7 --cho two -f"), 0);
    assert_int_equal(o.small, 7);
    assert_int_equal(o.flag, 1);
    /* positionals anywhere, negative numbers and '-' are positionals, "--" ends options */
    assert_int_equal(parse_line("a --flag -1 - b -- --small c"), 0);
    assert_int_equal(a.npos, 6);
    const char *want[] = {"a", "-1", "-", "b", "--small", "c"};
    for (int i = 0; i < 6; i++)
        assert_string_equal(a.pos[i], want[i]);
    assert_int_equal(o.small, 0);
    /* argv is only reordered (positionals first), never overwritten */
    const char *all[] = {"test", "a", "-1", "-", "b", "--small", "c", "--flag", "--"};
    for (int i = 0; i < 9; i++)
        assert_string_equal(words[i], all[i]);
}

/* A comma list of numbers: each in the range, at most the table's count; a
 * second use replaces the first. */
static void test_number_lists(void **state)
{
    (void)state;
    assert_int_equal(parse_line("--nums 0.5,-1,,0.25"), 0);
    assert_int_equal(o.nums.n, 3);
    assert_true(o.nums.v[0] == 0.5 && o.nums.v[1] == -1 && o.nums.v[2] == 0.25);
    assert_int_equal(parse_line("--nums 0.5 --nums=0.75"), 0);
    assert_int_equal(o.nums.n, 1);
    assert_true(o.nums.v[0] == 0.75);
    expect_error("--nums 0.5,1", "--nums needs numbers >= -1 and < 1, not '1'");
    expect_error("--nums 0.5,x", "--nums needs numbers >= -1 and < 1, not 'x'");
    expect_error("--nums 0,0,0,0", "--nums takes at most 3 values");
    expect_error("--nums ,", "--nums needs at least one number");
}

/* How many positionals, and the options that must be given. */
static void test_counts_and_required(void **state)
{
    (void)state;
    spec = &t_strict;
    assert_int_equal(parse_line("x --str s --small 3 y"), 0);
    assert_int_equal(a.npos, 2);
    expect_error("--str s --small 3", "expected an ARG");
    expect_error("x y z --str s --small 3", "unexpected argument 'z'");
    expect_error("x --small 3", "--str S is required");
    expect_error("x --str s", "--small N is required");
    /* --help wins over every count; its usage line names the required */
    assert_int_equal(parse_line("--help"), DL_OPT_HELP);
    assert_non_null(
        strstr(caught_out, "usage: dddlab test ARG [ARG] --str S --small N [options]\n"));
    spec = &t_spec;
}

static void test_list_limit(void **state)
{
    (void)state;
    static char *argv[2 * DL_OPT_LIST_MAX + 4];
    int argc = 0;
    argv[argc++] = "test";
    for (int i = 0; i <= DL_OPT_LIST_MAX; i++) {
        argv[argc++] = "--many";
        argv[argc++] = "x";
    }
    assert_int_equal(parse_argv(argc, argv), DL_EINVAL);
    assert_int_equal(o.many.n, DL_OPT_LIST_MAX);
    assert_string_equal(caught_err, "--many takes at most 256 values");
}

static void test_help(void **state)
{
    (void)state;
    assert_int_equal(parse_line("--small 3 --help --bogus"), DL_OPT_HELP);
    assert_string_equal(caught_err, "");
    assert_non_null(strstr(caught_out, "usage: dddlab test ARG... [options]\n\nTest the engine.\n"
                                       "\noptions:\n"));
    assert_non_null(strstr(caught_out, "\n  -f, --flag        a flag\n"));
    assert_non_null(strstr(caught_out, "\n  --str S           a string\n"
                                       "                    over two lines\n"));
    assert_non_null(strstr(caught_out, "\n  --a-very-long-option-name  help after two spaces\n"));
    assert_non_null(strstr(caught_out, "\n\nexample: dddlab test --flag\n"));
    assert_int_equal(parse_line("-h"), DL_OPT_HELP);
    assert_non_null(strstr(caught_out, "  --hook X          its own parser\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind),          cmocka_unit_test(test_range_edges),
        cmocka_unit_test(test_option_errors),       cmocka_unit_test(test_forms_and_repeats),
        cmocka_unit_test(test_list_limit),          cmocka_unit_test(test_number_lists),
        cmocka_unit_test(test_counts_and_required), cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
