/* cmd_binomial.c — `dddlab binomial K N`: exact binomial test of K successes
 * in N trials with a Clopper-Pearson interval, as R's binom.test
 * (dl_stats_binom_test; written by analysis/report_binom.c). */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_stats.h"
#include "dl_report.h"

#define CMD "binomial"

typedef struct binom_opts {
    unsigned k, n;
    double p0;
    double conf;
    dl_alternative alt;
    int json;
} binom_opts;

void help_binomial(FILE *out)
{
    fprintf(out, "usage: dddlab binomial K N [--p0 P] [--alternative two-sided|greater|less]\n"
                 "                           [--conf L] [--json]\n\n"
                 "Exact binomial test of K successes in N trials against the success\n"
                 "probability P (default 0.5), with the Clopper-Pearson confidence interval\n"
                 "at level L (default 0.95), as R's binom.test. The two-sided p-value sums\n"
                 "the probabilities of all outcomes no more likely than K; for 'greater' and\n"
                 "'less' the interval is one-sided. Exact for 0 <= K <= N <= 4294967295;\n"
                 "a p-value below 1e-300 is printed as '< 1e-300' with its log10.\n\n"
                 "  --p0 P            success probability under the null, 0 <= P <= 1\n"
                 "  --alternative A   two-sided (default), greater or less\n"
                 "  --conf L          confidence level, 0 < L < 1\n"
                 "  --json            one JSON object: k, n, p0, alternative, conf_level,\n"
                 "                    p_value, log10_p, estimate, ci_low, ci_high\n\n"
                 "example: dddlab binomial 107 149 --alternative greater\n");
}

static int parse_count(const char *s, const char *what, unsigned *out)
{
    long v;
    if (dl_parse_long(s, &v) != 0)
        return cli_usage(CMD, "%s must be a whole number >= 0, not '%s'", what, s);
    if (v < 0)
        return cli_usage(CMD, "%s must be ≥ 0, not '%s'", what, s);
    if ((unsigned long)v > UINT_MAX)
        return cli_usage(CMD, "%s must be at most %u, not '%s'", what, UINT_MAX, s);
    *out = (unsigned)v;
    return 0;
}

/* --p0 may be 0 or 1, as in R's binom.test and scipy; --conf may not. */
static int parse_prob(const char *s, const char *opt, int closed, double *out)
{
    double v;
    if (dl_parse_double(s, &v) != 0 || !(closed ? v >= 0 && v <= 1 : v > 0 && v < 1))
        return cli_usage(CMD, "%s needs a number between 0 and 1 (%s), not '%s'", opt,
                         closed ? "inclusive" : "exclusive", s);
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, binom_opts *o)
{
    static const struct option longopts[] = {
        {"p0", required_argument, NULL, 'p'},   {"alternative", required_argument, NULL, 'a'},
        {"conf", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    *o = (binom_opts){.p0 = 0.5, .conf = 0.95, .alt = DL_ALT_TWO_SIDED};
    int c, alt;
    /* getopt would take "-1" for an option ("unknown option '-1'"): a word
     * that is a negative number, and not the value of an option, is a
     * negative K or N. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *prev = argv[i - 1];
        if (a[0] == '-' && (isdigit((unsigned char)a[1]) || a[1] == '.') &&
            !(strcmp(prev, "--p0") == 0 || strcmp(prev, "--conf") == 0 ||
              strcmp(prev, "--alternative") == 0))
            return cli_usage(CMD, "K and N must be ≥ 0, not '%s'", a);
    }
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_prob(optarg, "--p0", 1, &o->p0))
                return DL_EXIT_USAGE;
            break;
        case 'c':
            if (parse_prob(optarg, "--conf", 0, &o->conf))
                return DL_EXIT_USAGE;
            break;
        case 'a':
            if ((alt = dl_stats_alternative_parse(optarg)) < 0)
                return cli_usage(CMD, "--alternative must be two-sided, greater or less, not '%s'",
                                 optarg);
            o->alt = (dl_alternative)alt;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            help_binomial(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (argc - optind != 2)
        return argc - optind < 2 ? cli_usage(CMD, "expected K and N")
                                 : cli_usage(CMD, "unexpected argument '%s'", argv[optind + 2]);
    if (parse_count(argv[optind], "K", &o->k) || parse_count(argv[optind + 1], "N", &o->n))
        return DL_EXIT_USAGE;
    if (o->n == 0)
        return cli_usage(CMD, "N must be at least 1");
    if (o->k > o->n)
        return cli_usage(CMD, "K (%u) is larger than N (%u)", o->k, o->n);
    return 0;
}

int cmd_binomial(int argc, char **argv)
{
    binom_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
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
