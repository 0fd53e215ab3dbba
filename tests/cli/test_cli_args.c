/* test_cli_args.c — the option engine of cli/cli_args.c on a table with
 * every kind of option: values, range edges, the one wording of each error,
 * "--opt=value" and "--opt value", a repeated option, positionals, the
 * generated help lines; and, over every command's real table, that --help
 * names each option the parser accepts. */
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

#include "cli.h"
#include "cli_args.h"

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
    cli_list many;
    cli_nums nums;
} t_opts;

static int parse_ab(const char *w)
{
    return strcmp(w, "alpha") == 0 ? 10 : strcmp(w, "beta") == 0 ? 20 : -1;
}

static int hook_len(const char *cmd, const char *arg, void *dest)
{
    if (strlen(arg) > 3)
        return cli_usage(cmd, "--hook takes at most 3 characters");
    *(int *)dest = (int)strlen(arg) * 100;
    return 0;
}

static const cli_opt t_table[] = {
    CLI_FLAG_OPT(t_opts, "flag", 'f', flag, "a flag"),
    CLI_STR_OPT(t_opts, "str", str, "S", "a string\nover two lines"),
    CLI_COL_OPT(t_opts, "col", col, "C", "a column name"),
    CLI_WHOLE_OPT(t_opts, "small", small, 2, 255, "N", "two to 255"),
    CLI_WHOLE_OPT(t_opts, "seed", seed, 0, 4294967295LL, "S", "a 32-bit seed"),
    CLI_WHOLE_OPT(t_opts, "big", big, 1, 100000000, "N", "a size"),
    CLI_WHOLE_OPT(t_opts, "neg", neg, -5, 5, "N", "minus five to five"),
    CLI_REAL_OPT(t_opts, "closed", closed, 0, 1, 0, "P", "[0, 1]"),
    CLI_REAL_OPT(t_opts, "open", open, 0, 1, CLI_OPEN, "C", "(0, 1)"),
    CLI_REAL_OPT(t_opts, "half", half, -1, 1, CLI_OPEN_LO, "H", "(-1, 1]"),
    CLI_CHOICE_OPT(t_opts, "choice", choice, "one|two|three", NULL, "W", "by index"),
    CLI_CHOICE_OPT(t_opts, "parsed", parsed, "alpha|beta", parse_ab, "W", "by a parser"),
    CLI_HOOK_OPT(t_opts, "hook", hooked, hook_len, "X", "its own parser"),
    CLI_LIST_OPT(t_opts, "many", many, "V", "repeatable"),
    CLI_NUMS_OPT(t_opts, "nums", nums, -1, 1, CLI_OPEN_HI, 3, "X,..", "up to three in [-1, 1)"),
    CLI_FLAG_OPT(t_opts, "a-very-long-option-name", 0, flag, "help after two spaces"),
};
static const cli_group t_groups[] = {CLI_GROUP(t_table, 0)};
static const cli_spec t_spec = {.cmd = "test",
                                .args = "ARG...",
                                .about = "Test the engine.\n",
                                .groups = t_groups,
                                .ngroups = 1,
                                .epilog = "example: dddlab test --flag\n",
                                .npos_max = CLI_MANY};
/* The same table with one or two positionals and two required options. */
static const cli_spec t_strict = {.cmd = "test",
                                  .args = "ARG [ARG]",
                                  .about = "Test the counts.\n",
                                  .groups = t_groups,
                                  .ngroups = 1,
                                  .npos_min = 1,
                                  .npos_max = 2,
                                  .missing = "expected an ARG",
                                  .required = "str|small"};
static const cli_spec *spec = &t_spec;

/* Run the parser on a space-separated command line (after "test"), with
 * stderr and stdout caught; returns the parser's code. */
static char caught_err[4096], caught_out[8192];
static t_opts o;
static cli_args a;
static char *words[64];

static void slurp_fd(int fd, char *buf, size_t cap)
{
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, cap - 1);
    buf[n > 0 ? n : 0] = '\0';
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
    memset(&o, 0, sizeof o);
    FILE *ef = tmpfile(), *of = tmpfile();
    assert_non_null(ef);
    assert_non_null(of);
    fflush(stderr);
    fflush(stdout);
    int save_err = dup(2), save_out = dup(1);
    dup2(fileno(ef), 2);
    dup2(fileno(of), 1);
    int rc = cli_args_parse(spec, argc, words, &o, &a);
    fflush(stderr);
    fflush(stdout);
    dup2(save_err, 2);
    dup2(save_out, 1);
    close(save_err);
    close(save_out);
    slurp_fd(fileno(ef), caught_err, sizeof caught_err);
    slurp_fd(fileno(of), caught_out, sizeof caught_out);
    fclose(ef);
    fclose(of);
    return rc;
}

static void expect_error(const char *line, const char *msg)
{
    assert_int_equal(parse_line(line), DL_EXIT_USAGE);
    char want[512];
    snprintf(want, sizeof want, "dddlab test: %s (see 'dddlab help test')\n", msg);
    assert_string_equal(caught_err, want);
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
    assert_true(cli_args_seen(&t_spec, &a, "seed"));
    assert_false(cli_args_seen(&t_spec, &a, "a-very-long-option-name"));
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
    /* a list keeps every value, in order, up to CLI_LIST_MAX */
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
    assert_int_equal(parse_line("--help"), CLI_HELP_SHOWN);
    assert_non_null(
        strstr(caught_out, "usage: dddlab test ARG [ARG] --str S --small N [options]\n"));
    spec = &t_spec;
}

static void test_list_limit(void **state)
{
    (void)state;
    static char *argv[2 * CLI_LIST_MAX + 4];
    int argc = 0;
    argv[argc++] = "test";
    for (int i = 0; i <= CLI_LIST_MAX; i++) {
        argv[argc++] = "--many";
        argv[argc++] = "x";
    }
    memset(&o, 0, sizeof o);
    FILE *ef = tmpfile();
    assert_non_null(ef);
    fflush(stderr);
    int save_err = dup(2);
    dup2(fileno(ef), 2);
    int rc = cli_args_parse(&t_spec, argc, argv, &o, &a);
    fflush(stderr);
    dup2(save_err, 2);
    close(save_err);
    slurp_fd(fileno(ef), caught_err, sizeof caught_err);
    fclose(ef);
    assert_int_equal(rc, DL_EXIT_USAGE);
    assert_int_equal(o.many.n, CLI_LIST_MAX);
    assert_string_equal(caught_err,
                        "dddlab test: --many takes at most 256 values (see 'dddlab help test')\n");
}

static void test_help(void **state)
{
    (void)state;
    assert_int_equal(parse_line("--small 3 --help --bogus"), CLI_HELP_SHOWN);
    assert_string_equal(caught_err, "");
    assert_non_null(strstr(caught_out, "usage: dddlab test ARG... [options]\n\nTest the engine.\n"
                                       "\noptions:\n"));
    assert_non_null(strstr(caught_out, "\n  -f, --flag        a flag\n"));
    assert_non_null(strstr(caught_out, "\n  --str S           a string\n"
                                       "                    over two lines\n"));
    assert_non_null(strstr(caught_out, "\n  --a-very-long-option-name  help after two spaces\n"));
    assert_non_null(strstr(caught_out, "\n\nexample: dddlab test --flag\n"));
    assert_int_equal(parse_line("-h"), CLI_HELP_SHOWN);
    assert_non_null(strstr(caught_out, "  --hook X          its own parser\n"));
}

/* Every leaf command's spec, from the tree of cli/cli_cmds.c. */
enum { MAX_SPECS = 64 };
static const cli_spec *specs[MAX_SPECS];
static size_t nspecs;

static void collect(const cli_cmd *const *cmds)
{
    for (size_t i = 0; cmds[i]; i++) {
        if (cmds[i]->subs)
            collect(cmds[i]->subs);
        else if (nspecs < MAX_SPECS)
            specs[nspecs++] = cmds[i]->spec;
    }
}

/* Every option of every command's table is named in that command's --help
 * (as "--name"), is accepted by its parser under that name, and has help. */
static void test_every_command_documents_its_options(void **state)
{
    (void)state;
    nspecs = 0;
    collect(cli_commands);
    for (size_t k = 0; k < nspecs; k++) {
        const cli_spec *s = specs[k];
        assert_non_null(s);
        char *help = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&help, &len);
        assert_non_null(f);
        cli_args_help(f, s);
        fclose(f);
        size_t total = 0;
        for (size_t g = 0; g < s->ngroups; g++)
            for (size_t i = 0; i < s->groups[g].nopts; i++, total++) {
                const cli_opt *op = &s->groups[g].opts[i];
                char needle[128];
                snprintf(needle, sizeof needle, "  --%s%s", op->name,
                         op->kind == CLI_FLAG ? "" : " ");
                if (!strstr(help, needle))
                    fail_msg("'dddlab %s --help' does not list --%s", s->cmd, op->name);
                assert_non_null(op->help);
                assert_true(op->help[0] != '\0');
                assert_true((op->kind == CLI_FLAG) == (op->metavar == NULL));
                for (size_t g2 = 0; g2 < s->ngroups; g2++)
                    for (size_t i2 = 0; i2 < s->groups[g2].nopts; i2++)
                        if (&s->groups[g2].opts[i2] != op &&
                            strcmp(s->groups[g2].opts[i2].name, op->name) == 0)
                            fail_msg("%s: --%s twice", s->cmd, op->name);
            }
        assert_true(total <= CLI_MAX_OPTS);
        free(help);
    }
    /* every command of main.c: binomial, consistency, reliability,
     * stimuli x5, sessions, export, merge, db, analyse, plan x3, demo, run */
    assert_int_equal(nspecs, 18);
}

/* A value the option accepts, for the end-to-end check below. */
static const char *good_value(const cli_opt *op, char *buf, size_t cap)
{
    switch (op->kind) {
    case CLI_WHOLE:
        snprintf(buf, cap, "%lld", op->lo);
        return buf;
    case CLI_REAL:
        snprintf(buf, cap, "%.17g", (op->rlo + op->rhi) / 2);
        return buf;
    case CLI_CHOICE:
        snprintf(buf, cap, "%.*s", (int)strcspn(op->words, "|"), op->words);
        return buf;
    case CLI_NUMS: /* the comma lists of plan and --alpha-min */
        return "0.5";
    case CLI_HOOK: /* --rt-unit */
        return "s";
    default:
        return "x";
    }
}

/* Through the real binary: `dddlab CMD --opt VALUE --help` exits 0 with the
 * help for every option of every table, so each command parses with the
 * table its --help prints (and each value above is accepted). */
static void test_binary_accepts_every_option(void **state)
{
    (void)state;
    const char *bin = getenv("DL_BINARY");
    if (!bin)
        skip();
    char out_path[] = "/tmp/dddlab-test-cli-args-XXXXXX";
    int fd = mkstemp(out_path);
    assert_true(fd >= 0);
    close(fd);
    nspecs = 0;
    collect(cli_commands);
    for (size_t k = 0; k < nspecs; k++) {
        const cli_spec *s = specs[k];
        for (size_t g = 0; g < s->ngroups; g++)
            for (size_t i = 0; i < s->groups[g].nopts; i++) {
                const cli_opt *op = &s->groups[g].opts[i];
                char val[64], cmd[512];
                snprintf(cmd, sizeof cmd, "'%s' %s --%s%s%s --help >'%s' 2>&1", bin, s->cmd,
                         op->name, op->kind == CLI_FLAG ? "" : " ",
                         op->kind == CLI_FLAG ? "" : good_value(op, val, sizeof val), out_path);
                int st = system(cmd);
                FILE *f = fopen(out_path, "r");
                assert_non_null(f);
                char first[64] = "";
                if (!fgets(first, sizeof first, f))
                    first[0] = '\0';
                fclose(f);
                if (st != 0 || strncmp(first, "usage: dddlab ", 14) != 0)
                    fail_msg("'%s' exits %d: %s", cmd, st, first);
            }
    }
    unlink(out_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind),
        cmocka_unit_test(test_range_edges),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_forms_and_repeats),
        cmocka_unit_test(test_list_limit),
        cmocka_unit_test(test_number_lists),
        cmocka_unit_test(test_counts_and_required),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_every_command_documents_its_options),
        cmocka_unit_test(test_binary_accepts_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
