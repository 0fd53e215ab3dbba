/* test_cli_args.c — every command's real option table (the tree of
 * cli/cli_cmds.c): its --help names each option the parser accepts, and the
 * real binary accepts each option with a good value. The engine itself is
 * tests/common/test_opt.c. */
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

/* Every leaf command's spec, from the tree of cli/cli_cmds.c. */
enum { MAX_SPECS = 64 };
static const dl_opt_spec *specs[MAX_SPECS];
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
        const dl_opt_spec *s = specs[k];
        assert_non_null(s);
        char *help = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&help, &len);
        assert_non_null(f);
        dl_opt_help(f, s);
        fclose(f);
        size_t total = 0;
        for (size_t g = 0; g < s->ngroups; g++)
            for (size_t i = 0; i < s->groups[g].nopts; i++, total++) {
                const dl_opt *op = &s->groups[g].opts[i];
                char needle[128];
                snprintf(needle, sizeof needle, "  --%s%s", op->name,
                         op->kind == DL_ARG_FLAG ? "" : " ");
                if (!strstr(help, needle))
                    fail_msg("'dddlab %s --help' does not list --%s", s->cmd, op->name);
                assert_non_null(op->help);
                assert_true(op->help[0] != '\0');
                assert_true((op->kind == DL_ARG_FLAG) == (op->metavar == NULL));
                for (size_t g2 = 0; g2 < s->ngroups; g2++)
                    for (size_t i2 = 0; i2 < s->groups[g2].nopts; i2++)
                        if (&s->groups[g2].opts[i2] != op &&
                            strcmp(s->groups[g2].opts[i2].name, op->name) == 0)
                            fail_msg("%s: --%s twice", s->cmd, op->name);
            }
        assert_true(total <= DL_OPT_MAX);
        /* every required option is one of the table's, and the usage line names it */
        for (const char *r = s->required; r && *r;
             r += strcspn(r, "|") + (r[strcspn(r, "|")] == '|')) {
            char needle[128];
            snprintf(needle, sizeof needle, " --%.*s ", (int)strcspn(r, "|"), r);
            if (!strstr(help, needle) || strstr(help, needle) > strchr(help, '\n'))
                fail_msg("%s: required '%s' is not an option in the usage line", s->cmd, needle);
        }
        free(help);
    }
    /* every command of main.c: binomial, consistency, reliability,
     * stimuli x5, sessions, export, merge, db, analyse, plan x3, demo, run */
    assert_int_equal(nspecs, 18);
}

/* A value the option accepts, for the end-to-end check below. */
static const char *good_value(const dl_opt *op, char *buf, size_t cap)
{
    switch (op->kind) {
    case DL_ARG_WHOLE:
        snprintf(buf, cap, "%lld", op->lo);
        return buf;
    case DL_ARG_REAL:
        snprintf(buf, cap, "%.17g", (op->rlo + op->rhi) / 2);
        return buf;
    case DL_ARG_CHOICE:
        snprintf(buf, cap, "%.*s", (int)strcspn(op->words, "|"), op->words);
        return buf;
    case DL_ARG_NUMS: /* the comma lists of plan and --alpha-min */
        return "0.5";
    case DL_ARG_HOOK: /* --rt-unit */
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
        const dl_opt_spec *s = specs[k];
        for (size_t g = 0; g < s->ngroups; g++)
            for (size_t i = 0; i < s->groups[g].nopts; i++) {
                const dl_opt *op = &s->groups[g].opts[i];
                char val[64], cmd[512];
                snprintf(cmd, sizeof cmd, "'%s' %s --%s%s%s --help >'%s' 2>&1", bin, s->cmd,
                         op->name, op->kind == DL_ARG_FLAG ? "" : " ",
                         op->kind == DL_ARG_FLAG ? "" : good_value(op, val, sizeof val), out_path);
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
        cmocka_unit_test(test_every_command_documents_its_options),
        cmocka_unit_test(test_binary_accepts_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
