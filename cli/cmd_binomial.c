/* cmd_binomial.c — `dddlab binomial K N`: exact binomial test of K successes
 * in N trials with a Clopper-Pearson interval, as R's binom.test
 * (dl_stats_binom_test; written by analysis/report_binom.c). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dl_stats.h"
#include "dl_report.h"

#define CMD "binomial"

typedef struct binom_opts {
    unsigned k, n;
    double p0;
    double conf;
    dl_alternative alt;
    int json;
} binom_opts;

static const dl_opt binom_table[] = {
    DL_OPT_REAL(binom_opts, "p0", p0, 0, 1, 0, "P",
                "success probability under the null, 0 <= P <= 1"),
    DL_OPT_CHOICE(binom_opts, "alternative", alt, "two-sided|greater|less",
                  dl_stats_alternative_parse, "A", "two-sided (default), greater or less"),
    DL_OPT_REAL(binom_opts, "conf", conf, 0, 1, DL_OPT_OPEN, "L", "confidence level, 0 < L < 1"),
    DL_OPT_FLAG(binom_opts, "json", 0, json,
                "one JSON object: k, n, p0, alternative, conf_level,\n"
                "p_value, log10_p, estimate, ci_low, ci_high"),
};
static const dl_opt_group binom_groups[] = {DL_OPT_GROUP(binom_table, 0)};
static const dl_opt_spec cli_spec_binomial = {
    .cmd = CMD,
    .args = "K N",
    .about = "Exact binomial test of K successes in N trials against the success\n"
             "probability P (default 0.5), with the Clopper-Pearson confidence interval\n"
             "at level L (default 0.95), as R's binom.test. The two-sided p-value sums\n"
             "the probabilities of all outcomes no more likely than K; for 'greater' and\n"
             "'less' the interval is one-sided. Exact for 0 <= K <= N <= 4294967295;\n"
             "a p-value below 1e-300 is printed as '< 1e-300' with its log10.\n",
    .groups = binom_groups,
    .ngroups = 1,
    .epilog = "example: dddlab binomial 107 149 --alternative greater\n",
    .npos_min = 2,
    .npos_max = 2,
    .missing = "expected K and N"};

static int parse_count(const char *s, const char *what, unsigned *out)
{
    long v;
    if (dl_parse_long(s, &v) != 0 || v < 0 || (unsigned long)v > UINT_MAX)
        return cli_usage(CMD, "%s needs a whole number from 0 to %u, not '%s'", what, UINT_MAX, s);
    *out = (unsigned)v;
    return 0;
}

/* --p0 may be 0 or 1, as in R's binom.test and scipy; --conf may not. */
static int parse_args(int argc, char **argv, binom_opts *o)
{
    *o = (binom_opts){.p0 = 0.5, .conf = 0.95, .alt = DL_ALT_TWO_SIDED};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_binomial, argc, argv, o, &a);
    if (rc)
        return rc;
    if (parse_count(a.pos[0], "K", &o->k) || parse_count(a.pos[1], "N", &o->n))
        return DL_EXIT_USAGE;
    if (o->n == 0)
        return cli_usage(CMD, "N must be at least 1");
    if (o->k > o->n)
        return cli_usage(CMD, "K (%u) is larger than N (%u)", o->k, o->n);
    return 0;
}

static int cmd_binomial(int argc, char **argv)
{
    binom_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    dl_binom b;
    rc = dl_stats_binom_test(o.k, o.n, o.p0, o.alt, o.conf, &b);
    if (rc != 0) {
        dl_error err;
        dl_fail(&err, rc, "binomial test of %u in %u failed: %s", o.k, o.n, dl_strerror(rc));
        return cli_fail(rc, &err);
    }
    dl_report_binom_write(&b, o.alt, o.json, stdout);
    return DL_EXIT_OK;
}

const cli_cmd cli_cmd_binomial = {.name = "binomial",
                                  .summary = "exact binomial test and Clopper-Pearson interval",
                                  .run = cmd_binomial,
                                  .spec = &cli_spec_binomial};
