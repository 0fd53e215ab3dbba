/* test_cli.c — end-to-end tests of the dddlab statistics commands
 * (reliability, consistency, binomial) and the dispatcher: the real binary
 * ($DL_BINARY) is run with posix_spawn, and its exit status, stdout and
 * stderr are checked. Expected numbers come from reference.h, made once
 * with Python by make_reference.py. With the argument "real" only the
 * cases on the shared real data ($DL_SHARED_DATA) run, skipped when absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json_min.h"
#include "reference.h"

extern char **environ;

static const char *binary;
static const char *shared_data;

typedef struct run_out {
    int status; /* exit status, or 128 + signal */
    char *out;
    char *err;
} run_out;

/* ---- running the binary --------------------------------------------------------- */

static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ssize_t n;
    if (!buf)
        abort(); /* out of memory in a test: nothing sensible is left to do */
    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown)
                abort();
            buf = grown;
        }
    }
    buf[len] = '\0';
    close(fd);
    return buf;
}

static int temp_fd(void)
{
    char name[] = "/tmp/dl_test_cli_XXXXXX";
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    unlink(name);
    return fd;
}

static void run_argv(run_out *r, char **argv)
{
    int out = temp_fd(), err = temp_fd();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, binary, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp_fd(out);
    r->err = slurp_fd(err);
}

/* Run "dddlab ARGS", ARGS split at spaces; "@D/" at the start of an
 * argument stands for $DL_SHARED_DATA/. */
static void run(run_out *r, const char *args)
{
    char *copy = strdup(args), *argv[64], *save = NULL;
    size_t argc = 0;
    assert_non_null(copy);
    argv[argc++] = (char *)binary;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        assert_true(argc < 63);
        if (strncmp(t, "@D/", 3) == 0) {
            const char *dir = shared_data ? shared_data : "";
            size_t len = strlen(dir) + strlen(t);
            char *p = malloc(len);
            if (!p)
                abort();
            snprintf(p, len, "%s/%s", dir, t + 3);
            t = p;
        } else {
            t = strdup(t);
        }
        argv[argc++] = t;
    }
    argv[argc] = NULL;
    run_argv(r, argv);
    for (size_t i = 1; i < argc; i++)
        free(argv[i]);
    free(copy);
}

static void run_free(run_out *r)
{
    free(r->out);
    free(r->err);
}

static void show(const char *args, const run_out *r)
{
    print_message("$ dddlab %s\nexit %d\nstdout: %s\nstderr: %s\n", args, r->status, r->out,
                  r->err);
}

/* Run and require the exit status and the exact stderr; stdout must stay
 * empty (no half results). */
static void expect_error(const char *args, int status, const char *err)
{
    run_out r;
    run(&r, args);
    if (r.status != status || strcmp(r.err, err) != 0 || r.out[0] != '\0')
        show(args, &r);
    assert_int_equal(r.status, status);
    assert_string_equal(r.err, err);
    assert_string_equal(r.out, "");
    run_free(&r);
}

/* Run, require success with nothing on stderr, and parse stdout as JSON. */
static jv *run_json(const char *args)
{
    run_out r;
    run(&r, args);
    if (r.status != 0 || r.err[0] != '\0')
        show(args, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    size_t len = strlen(r.out);
    assert_true(len > 0 && r.out[len - 1] == '\n');
    assert_null(memchr(r.out, '\n', len - 1)); /* one line */
    jv *v = jv_parse(r.out);
    if (!v) {
        print_message("not JSON: %s\n", r.out);
        fail();
        return NULL;
    }
    assert_int_equal(v->type, JV_OBJECT);
    run_free(&r);
    return v;
}

static char *run_text(const char *args)
{
    run_out r;
    run(&r, args);
    if (r.status != 0 || r.err[0] != '\0')
        show(args, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    free(r.err);
    return r.out;
}

static void check_number(const jv *root, const char *path, double want, const char *name)
{
    const jv *v = jv_get(root, path);
    if (!v) {
        print_message("%s: no '%s' in the JSON\n", name, path);
        fail();
        return;
    }
    if (isnan(want)) {
        if (v->type != JV_NULL)
            print_message("%s: %s should be null\n", name, path);
        assert_int_equal(v->type, JV_NULL);
        return;
    }
    if (v->type != JV_NUMBER || !(fabs(v->num - want) <= 1e-9 * fmax(1.0, fabs(want))))
        print_message("%s: %s = %.17g (type %d), expected %.17g\n", name, path, v->num, v->type,
                      want);
    assert_int_equal(v->type, JV_NUMBER);
    assert_true(fabs(v->num - want) <= 1e-9 * fmax(1.0, fabs(want)));
}

static void check_string(const jv *root, const char *path, const char *want)
{
    const jv *v = jv_get(root, path);
    if (!v || v->type != JV_STRING) {
        print_message("no string '%s' in the JSON\n", path);
        fail();
        return;
    }
    assert_string_equal(v->str, want);
}

static void check_case(const ref_case *c)
{
    jv *root = run_json(c->args);
    size_t checked = 0;
    for (size_t i = 0; i < sizeof REF_VALUES / sizeof *REF_VALUES; i++) {
        if (strcmp(REF_VALUES[i].name, c->name) == 0) {
            check_number(root, REF_VALUES[i].path, REF_VALUES[i].value, c->name);
            checked++;
        }
    }
    assert_true(checked > 0);
    jv_free(root);
}

/* ---- the dispatcher ----------------------------------------------------------------- */

static void test_global(void **state)
{
    (void)state;
    char *out = run_text("--help");
    assert_non_null(strstr(out, "usage: dddlab"));
    assert_non_null(strstr(out, "  reliability "));
    assert_non_null(strstr(out, "  consistency "));
    assert_non_null(strstr(out, "  binomial "));
    free(out);
    out = run_text("--version");
    assert_true(strncmp(out, "dddlab 0.", 9) == 0);
    free(out);
    const char *helps[] = {"help binomial",       "binomial --help",  "help reliability",
                           "reliability --help",  "help consistency", "consistency --help",
                           "binomial 3 10 --help"};
    const char *starts[] = {"usage: dddlab binomial ",    "usage: dddlab binomial ",
                            "usage: dddlab reliability ", "usage: dddlab reliability ",
                            "usage: dddlab consistency ", "usage: dddlab consistency ",
                            "usage: dddlab binomial "};
    for (size_t i = 0; i < sizeof helps / sizeof *helps; i++) {
        out = run_text(helps[i]);
        assert_true(strncmp(out, starts[i], strlen(starts[i])) == 0);
        free(out);
    }
    expect_error("frobnicate", 2, "dddlab: unknown command 'frobnicate' (see 'dddlab --help')\n");
    expect_error("--frobnicate", 2,
                 "dddlab: unknown option '--frobnicate' (see 'dddlab --help')\n");
    expect_error("help frobnicate", 2,
                 "dddlab: unknown command 'frobnicate' (see 'dddlab --help')\n");
    run_out r;
    run(&r, "");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "usage: dddlab"));
    run_free(&r);
}

/* ---- usage errors: exit 2 ------------------------------------------------------------ */

static const char *const usage_cases[][2] = {
    {"reliability", "dddlab reliability: expected a FILE (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv data/two.csv",
     "dddlab reliability: unexpected argument 'data/two.csv' (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --bogus",
     "dddlab reliability: unknown option '--bogus' (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv -x",
     "dddlab reliability: unknown option '-x' (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --level",
     "dddlab reliability: option '--level' needs a value (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --level nominl",
     "dddlab reliability: --level must be nominal, ordinal, interval or ratio, not 'nominl' "
     "(see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --json=yes",
     "dddlab reliability: option '--json' takes no value (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --bogus=3",
     "dddlab reliability: unknown option '--bogus' (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --bootstrap 0",
     "dddlab reliability: --bootstrap needs a whole number from 1 to 100000000, not '0' "
     "(see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --conf 1",
     "dddlab reliability: --conf needs a number between 0 and 1 (exclusive), not '1' "
     "(see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --boot-method pairs",
     "dddlab reliability: --boot-method must be units or hayes, not 'pairs' "
     "(see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --alpha-min 0.667,2",
     "dddlab reliability: --alpha-min needs numbers from -1 to 1, not '2' "
     "(see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --seed -1",
     "dddlab reliability: --seed needs a whole number from 0 to 9223372036854775807, not '-1' "
     "(see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --seed 3",
     "dddlab reliability: --seed, --conf, --boot-method, --alpha-min and --threads go with "
     "--bootstrap (see 'dddlab help reliability')\n"},
    {"reliability data/kripp.csv --json --csv",
     "dddlab reliability: --json and --csv exclude each other (see 'dddlab help reliability')\n"},
    {"consistency", "dddlab consistency: expected a FILE (see 'dddlab help consistency')\n"},
    {"consistency data/ec_correct.csv",
     "dddlab consistency: say how to tell right from wrong: --correct-col C, or --response-col R "
     "with --truth-col T (see 'dddlab help consistency')\n"},
    {"consistency data/ec.csv --response-col object_response",
     "dddlab consistency: --response-col and --truth-col go together "
     "(see 'dddlab help consistency')\n"},
    {"consistency data/ec.csv --correct-col c --truth-col category",
     "dddlab consistency: give either --correct-col or --response-col and --truth-col "
     "(see 'dddlab help consistency')\n"},
    {"consistency data/ec_correct.csv --correct-col correct --item-regex a(b",
     "dddlab consistency: bad --item-regex 'a(b': Unmatched ( or \\( (see 'dddlab help "
     "consistency')\n"},
    {"consistency data/ec_correct.csv --correct-col correct --by",
     "dddlab consistency: option '--by' needs a value (see 'dddlab help consistency')\n"},
    {"consistency data/ec_correct.csv --correct-col correct --pairwise",
     "dddlab consistency: unknown option '--pairwise' (see 'dddlab help consistency')\n"},
    {"binomial", "dddlab binomial: expected K and N (see 'dddlab help binomial')\n"},
    {"binomial 5", "dddlab binomial: expected K and N (see 'dddlab help binomial')\n"},
    {"binomial 5 10 20",
     "dddlab binomial: unexpected argument '20' (see 'dddlab help binomial')\n"},
    {"binomial 11 10",
     "dddlab binomial: K (11) is larger than N (10) (see 'dddlab help binomial')\n"},
    {"binomial 0 0", "dddlab binomial: N must be at least 1 (see 'dddlab help binomial')\n"},
    {"binomial five 10",
     "dddlab binomial: K needs a whole number from 0 to 4294967295, not 'five' (see 'dddlab help binomial')\n"},
    {"binomial 5 10.5",
     "dddlab binomial: N needs a whole number from 0 to 4294967295, not '10.5' (see 'dddlab help binomial')\n"},
    {"binomial 5 99999999999999999999",
     "dddlab binomial: N needs a whole number from 0 to 4294967295, not '99999999999999999999' "
     "(see 'dddlab help binomial')\n"},
    {"binomial -1 10", "dddlab binomial: K needs a whole number from 0 to 4294967295, not '-1' (see 'dddlab help binomial')\n"},
    {"binomial 5 10 --p0 1.5", "dddlab binomial: --p0 needs a number from 0 to 1, "
                               "not '1.5' (see 'dddlab help binomial')\n"},
    {"binomial 5 10 --p0 x", "dddlab binomial: --p0 needs a number from 0 to 1, "
                             "not 'x' (see 'dddlab help binomial')\n"},
    {"binomial 5 10 --conf 0", "dddlab binomial: --conf needs a number between 0 and 1 "
                               "(exclusive), not '0' (see 'dddlab help binomial')\n"},
    {"binomial 5 10 --alternative up",
     "dddlab binomial: --alternative must be two-sided, greater or less, not 'up' "
     "(see 'dddlab help binomial')\n"},
    {"binomial 5 10 --conf",
     "dddlab binomial: option '--conf' needs a value (see 'dddlab help binomial')\n"},
};

static void test_usage_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof usage_cases / sizeof *usage_cases; i++)
        expect_error(usage_cases[i][0], 2, usage_cases[i][1]);
}

/* ---- bad data: exit 1 with FILE:LINE ------------------------------------------------ */

#define MVH                                                                                        \
    "--observer-col subj --item-col imagename --response-col object_response "                     \
    "--truth-col category"

static const char *const data_cases[][2] = {
    {"reliability data/nope.csv",
     "dddlab: data/nope.csv: cannot open: No such file or directory\n"},
    {"reliability data/empty.csv",
     "dddlab: data/empty.csv:1: the file is empty (expected a header row)\n"},
    {"reliability data", "dddlab: data: is a folder, not a file\n"},
    {"consistency data --correct-col correct", "dddlab: data: is a folder, not a file\n"},
    {"reliability data/header_only.csv",
     "dddlab: data/header_only.csv:1: no data rows after the header\n"},
    {"reliability data/labels.csv",
     "dddlab: data/labels.csv:1: no column 'coder' (columns are: rater, image, label)\n"},
    {"reliability data/labels.csv --coder-col rater --unit-col image --value-col Label",
     "dddlab: data/labels.csv:1: no column 'Label' (columns are: rater, image, label)\n"},
    {"reliability data/ragged.csv",
     "dddlab: data/ragged.csv:3: expected 3 fields as in the header, found 4\n"},
    {"reliability data/crlf_ragged.csv",
     "dddlab: data/crlf_ragged.csv:5: expected 3 fields as in the header, found 2\n"},
    {"reliability data/bad_quote.csv",
     "dddlab: data/bad_quote.csv:4: malformed CSV: unterminated quoted field\n"},
    {"reliability data/labels.csv --coder-col rater --unit-col image --value-col label "
     "--level ordinal",
     "dddlab: data/labels.csv:2: value 'dog' in column 'label' is not a number "
     "(needed for --level ordinal)\n"},
    {"reliability data/labels.csv --coder-col rater --unit-col image --value-col label "
     "--level interval",
     "dddlab: data/labels.csv:2: value 'dog' in column 'label' is not a number "
     "(needed for --level interval)\n"},
    {"reliability data/negative.csv --level ratio",
     "dddlab: data/negative.csv:4: value '-1' in column 'value' is negative "
     "(ratio data must be >= 0)\n"},
    {"reliability data/duplicate.csv",
     "dddlab: data/duplicate.csv:6: coder 'A' rated unit '1' again (first on line 2)\n"},
    {"reliability data/empty_coder.csv",
     "dddlab: data/empty_coder.csv:3: empty field in column 'coder'\n"},
    {"consistency data/kripp.csv --correct-col value",
     "dddlab: data/kripp.csv:1: no column 'observer' (columns are: coder, unit, value)\n"},
    {"consistency data/ec.csv " MVH " --by condition",
     "dddlab: data/ec.csv:1: no column 'condition' (columns are: subj, cond, imagename, "
     "object_response, category)\n"},
    {"consistency data/ec_badcorrect.csv --correct-col correct",
     "dddlab: data/ec_badcorrect.csv:4: value 'yes' in column 'correct' is not 1, 0, true or "
     "false\n"},
    {"consistency data/ec_nomatch.csv " MVH " --item-regex _([^_]+)$",
     "dddlab: data/ec_nomatch.csv:3: item 'nounderscore' does not match --item-regex "
     "'_([^_]+)$'\n"},
    {"consistency data/ec_notruth.csv " MVH,
     "dddlab: data/ec_notruth.csv:3: no right answer in column 'category'\n"},
    {"consistency data/ec_correct.csv data/empty.csv --correct-col correct",
     "dddlab: data/empty.csv:1: the file is empty (expected a header row)\n"},
    /* rows are read as they stream in (as the report's loader reads), so the
     * rows before the bad quote must be good ones */
    {"consistency data/bad_quote.csv --observer-col coder --item-col unit --response-col value "
     "--truth-col value",
     "dddlab: data/bad_quote.csv:4: malformed CSV: unterminated quoted field\n"},
};

static void test_data_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof data_cases / sizeof *data_cases; i++)
        expect_error(data_cases[i][0], 1, data_cases[i][1]);
}

/* ---- numbers against the Python reference -------------------------------------------- */

static void test_reference(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; i < sizeof REF_CASES / sizeof *REF_CASES; i++) {
        if (!REF_CASES[i].real_data) {
            check_case(&REF_CASES[i]);
            n++;
        }
    }
    assert_true(n >= 20);
}

/* Krippendorff (2011), 4 coders x 12 units: the published values. */
static void test_krippendorff_published(void **state)
{
    (void)state;
    const char *levels[] = {"nominal", "ordinal", "interval", "ratio"};
    const double published[] = {0.743, 0.815, 0.849, 0.797};
    for (size_t i = 0; i < 4; i++) {
        char args[128];
        snprintf(args, sizeof args, "reliability data/kripp.csv --level %s --json", levels[i]);
        jv *root = run_json(args);
        check_string(root, "level", levels[i]);
        const jv *a = jv_get(root, "alpha");
        assert_true(a && a->type == JV_NUMBER && fabs(a->num - published[i]) < 0.0005);
        check_number(root, "coders", 4, "kripp");
        check_number(root, "units", 12, "kripp");
        check_number(root, "pairable_values", 40, "kripp");
        assert_null(jv_get(root, "cohen_kappa")); /* four coders */
        assert_null(jv_get(root, "alpha_undefined_reason"));
        jv_free(root);
    }
}

static void test_json_details(void **state)
{
    (void)state;
    const char *cases[][2] = {{"nominal", "none"},
                              {"ordinal", "linear"},
                              {"interval", "quadratic"},
                              {"ratio", "quadratic"}};
    for (size_t i = 0; i < 4; i++) {
        char args[128];
        snprintf(args, sizeof args, "reliability data/two.csv --level %s --json", cases[i][0]);
        jv *root = run_json(args);
        check_string(root, "cohen_kappa_weights", cases[i][1]);
        check_number(root, "coders", 2, "two");
        check_number(root, "units", 30, "two");
        if (i > 0) { /* Fleiss' kappa is for nominal data only */
            check_number(root, "fleiss_kappa", NAN, "two");
            check_string(root, "fleiss_kappa_undefined_reason", "needs nominal data");
        }
        jv_free(root);
    }
    /* One value everywhere: no expected disagreement, alpha undefined. */
    jv *root = run_json("reliability data/one_value.csv --json");
    check_number(root, "alpha", NAN, "one_value");
    const jv *why = jv_get(root, "alpha_undefined_reason");
    assert_true(why && why->type == JV_STRING && why->str && why->str[0] != '\0');
    jv_free(root);
    /* Unequal numbers of ratings per unit: no Fleiss' kappa. */
    root = run_json("reliability data/kripp.csv --json");
    check_number(root, "fleiss_kappa", NAN, "kripp");
    check_string(root, "fleiss_kappa_undefined_reason", "units have different numbers of ratings");
    jv_free(root);
    /* Bootstrap: the interval holds alpha, names its seed, method and level,
     * and is the same on one thread and on three. */
    root = run_json("reliability data/kripp.csv --level ordinal --bootstrap 500 --seed 7 "
                    "--threads 1 --per-coder --json");
    jv *three = run_json("reliability data/kripp.csv --level ordinal --bootstrap 500 --seed 7 "
                         "--threads 3 --per-coder --json");
    const jv *lo = jv_get(root, "alpha_ci_low"), *hi = jv_get(root, "alpha_ci_high");
    const jv *alpha = jv_get(root, "alpha");
    assert_true(lo && hi && alpha && lo->num < alpha->num && alpha->num <= hi->num);
    check_number(three, "alpha_ci_low", lo->num, "threads");
    check_number(three, "alpha_ci_high", hi->num, "threads");
    check_number(root, "bootstrap.seed", 7, "boot");
    check_number(root, "bootstrap.conf", 0.95, "boot");
    check_string(root, "bootstrap.method", "units");
    check_string(root, "bootstrap.interval", "percentile");
    check_number(root, "bootstrap.p_below.1.alpha_min", 0.8, "boot");
    /* Krippendorff's example: without coder A (third in the file) 0.8688. */
    check_string(root, "per_coder.2.coder", "A");
    const jv *loo = jv_get(root, "per_coder.2.alpha_without");
    assert_true(loo && fabs(loo->num - 0.868778) < 1e-4);
    jv_free(three);
    jv_free(root);
    root = run_json("binomial 107 149 --alternative greater --json");
    check_string(root, "alternative", "greater");
    check_number(root, "ci_high", 1.0, "binom");
    jv_free(root);
    root = run_json("consistency data/ec.csv " MVH " --item-regex _([^_]+)$ --by cond --json");
    check_string(root, "by", "cond");
    check_string(root, "groups.A.observers.0", "o1");
    check_string(root, "groups.B.pairs.2.b", "o4");
    check_number(root, "groups.B.pairs.2.items", 0, "ec"); /* no common item: kappa null */
    check_number(root, "groups.B.pairs.2.kappa", NAN, "ec");
    jv_free(root);
}

/* The human-readable tables, exactly. */
static void test_tables(void **state)
{
    (void)state;
    char *out = run_text("reliability data/kripp.csv");
    assert_string_equal(out, "reliability of data/kripp.csv (nominal data)\n"
                             "  coders                 4\n"
                             "  units                  12 (11 with two or more values)\n"
                             "  pairable values        40\n"
                             "  Krippendorff's alpha   0.7434\n"
                             "  Fleiss' kappa          undefined (units have different numbers "
                             "of ratings)\n");
    free(out);
    out = run_text("binomial 107 149");
    assert_string_equal(out, "exact binomial test: 107 successes in 149 trials\n"
                             "  p0            0.5\n"
                             "  alternative   two-sided\n"
                             "  estimate      0.7181\n"
                             "  p-value       1.001e-07\n"
                             "  95% CI        0.6387 .. 0.7887 (Clopper-Pearson)\n");
    free(out);
    out = run_text("consistency data/ec_correct.csv --correct-col correct");
    assert_string_equal(
        out, "error consistency of 3 observers over 12 items (3 pairs)\n"
             "  observer a  observer b   items       p1       p2    c_obs    c_exp    kappa    k_min"
             "    k_max   p_fisher\n"
             "  p           q               12   0.5000   0.5000   0.3333   0.5000  -0.3333  -1.0000"
             "   1.0000     0.5671\n"
             "  p           r                9   0.4444   0.4444   0.5556   0.5062   0.1000  -0.8000"
             "   1.0000     1.0000\n"
             "  q           r                9   0.6667   0.4444   0.5556   0.4815   0.1429  -0.7143"
             "   0.5714     1.0000\n"
             "kappa over 3 pairs: mean -0.0302, sd 0.2634, min -0.3333, max 0.1429\n"
             "\n"
             "kappa when both are always right or both always wrong (c_exp = 1): missing, left out "
             "of the mean (--ec-boundary undefined)\n");
    free(out);
    /* names in UTF-8: columns are counted in characters, not bytes */
    out = run_text("consistency data/utf8_ec.csv --correct-col correct");
    assert_string_equal(
        out,
        "error consistency of 3 observers over 3 items (3 pairs)\n"
        "  observer a  observer b   items       p1       p2    c_obs    c_exp    kappa    k_min"
        "    k_max   p_fisher\n"
        "  J\xc3\xbcrgen      Zo\xc3\xab              3   0.6667   0.6667   0.3333   0.5556  "
        "-0.5000  -0.5000   1.0000     1.0000\n"
        "  J\xc3\xbcrgen      ab               3   0.6667   0.3333   0.6667   0.4444   0.4000"
        "  -0.8000   0.4000     1.0000\n"
        "  Zo\xc3\xab         ab               3   0.6667   0.3333   0.0000   0.4444  -0.8000"
        "  -0.8000   0.4000     0.3333\n"
        "kappa over 3 pairs: mean -0.3000, sd 0.6245, min -0.8000, max 0.4000\n"
        "\n"
             "kappa when both are always right or both always wrong (c_exp = 1): missing, left out "
             "of the mean (--ec-boundary undefined)\n");
    free(out);
    /* one observer: said plainly, not an empty table */
    out = run_text("consistency data/ec_one.csv --correct-col correct");
    assert_string_equal(out, "error consistency of 1 observer over 2 items (0 pairs)\n"
                             "  undefined: error consistency needs at least two observers\n"
                             "\n"
             "kappa when both are always right or both always wrong (c_exp = 1): missing, left out "
             "of the mean (--ec-boundary undefined)\n");
    free(out);
    out = run_text("reliability data/utf8_two.csv --pairwise");
    assert_string_equal(out, "reliability of data/utf8_two.csv (nominal data)\n"
                             "  coders                 2\n"
                             "  units                  3 (3 with two or more values)\n"
                             "  pairable values        6\n"
                             "  Krippendorff's alpha   0.4444\n"
                             "  Cohen's kappa          0.4000 (unweighted)\n"
                             "  Fleiss' kappa          0.3333\n"
                             "\n"
                             "pairwise alpha (1 pair): mean 0.4444, min 0.4444, max 0.4444\n"
                             "  coder a  coder b    units    alpha\n"
                             "  J\xc3\xbcrgen   Zo\xc3\xab            3   0.4444\n");
    free(out);
}

/* ---- the shared real data --------------------------------------------------------------- */

static void test_real_data(void **state)
{
    (void)state;
    struct stat st;
    if (!shared_data || !shared_data[0] || stat(shared_data, &st) != 0) {
        print_message("SKIP: shared data not found at '%s' (set DL_SHARED_DATA)\n",
                      shared_data ? shared_data : "");
        skip();
    }
    size_t n = 0;
    for (size_t i = 0; i < sizeof REF_CASES / sizeof *REF_CASES; i++) {
        if (REF_CASES[i].real_data) {
            check_case(&REF_CASES[i]);
            n++;
        }
    }
    assert_true(n > 0);
}

static int setup(void **state)
{
    (void)state;
    binary = getenv("DL_BINARY");
    shared_data = getenv("DL_SHARED_DATA");
    const char *src = getenv("DL_SOURCE_DIR");
    if (!binary || !src) {
        print_error("DL_BINARY and DL_SOURCE_DIR must be set (run through ctest)\n");
        return -1;
    }
    /* LeakSanitizer lists the suppressions it used on stderr, which would
     * spoil the exact stderr comparisons of an ASan build. */
    const char *lsan = getenv("LSAN_OPTIONS");
    if (lsan && !strstr(lsan, "print_suppressions")) {
        char opts[2048];
        snprintf(opts, sizeof opts, "%s:print_suppressions=0", lsan);
        setenv("LSAN_OPTIONS", opts, 1);
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/cli", src);
    if (chdir(dir) != 0) { /* error messages then name data/FILE */
        print_error("cannot enter %s\n", dir);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_data_errors),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_krippendorff_published),
        cmocka_unit_test(test_json_details),
        cmocka_unit_test(test_tables),
    };
    const struct CMUnitTest real[] = {cmocka_unit_test(test_real_data)};
    if (argc > 1 && strcmp(argv[1], "real") == 0)
        return cmocka_run_group_tests_name("cli_real_data", real, setup, NULL);
    return cmocka_run_group_tests_name("cli", tests, setup, NULL);
}
