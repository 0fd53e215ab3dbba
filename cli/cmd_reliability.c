/* cmd_reliability.c — `dddlab reliability FILE`: Krippendorff's alpha of a
 * long CSV of ratings, with Cohen's kappa (two coders), Fleiss' kappa
 * (nominal, equal ratings per unit) and optionally alpha for every pair.
 * Reading, statistics and output are dl_report_rel
 * (analysis/report_reliability.c). */
#include <limits.h>
#include <string.h>

#include "cmd_stats.h"
#include "dl_report.h"

#define CMD "reliability"

typedef struct rel_opts {
    const char *path;
    int json;
    int csv;
    dl_report_rel_opts r;
} rel_opts;

void help_reliability(FILE *out)
{
    fprintf(out,
            "usage: dddlab reliability FILE [--level nominal|ordinal|interval|ratio]\n"
            "                          [--coder-col C] [--unit-col U] [--value-col V]\n"
            "                          [--pairwise] [--per-coder] [--json | --csv]\n"
            "                          [--bootstrap N [--seed S] [--conf C]\n"
            "                           [--boot-method units|hayes] [--alpha-min A,...]\n"
            "                           [--threads T]]\n\n"
            "Krippendorff's alpha of the ratings in FILE, a long CSV with one row per\n"
            "(coder, unit, value); the columns are coder, unit and value unless named.\n"
            "An empty value, NA or NaN is missing. Nominal values may be any labels;\n"
            "ordinal, interval and ratio values must be numbers. Units with fewer than\n"
            "two values do not count. With two coders Cohen's kappa is added (weights:\n"
            "none for nominal, linear for ordinal, quadratic for interval and ratio, by\n"
            "position in the sorted list of values); for nominal data where every rated\n"
            "unit has the same number of ratings, Fleiss' kappa.\n\n"
            "  --level L        nominal (default), ordinal, interval or ratio\n"
            "  --coder-col C    column naming the coder (default coder)\n"
            "  --unit-col U     column naming the unit (default unit)\n"
            "  --value-col V    column holding the value (default value)\n"
            "  --pairwise       alpha of every pair of coders, with mean, min and max\n"
            "  --per-coder      per coder: alpha without that coder (leave-one-out) and\n"
            "                   its mean pairwise alpha, so a disagreeing coder shows\n"
            "  --bootstrap N    N bootstrap replicates of alpha: a percentile interval\n"
            "                   and the share of replicates below each --alpha-min\n"
            "  --seed S         seed of the replicates (default 1); the same seed gives\n"
            "                   the same numbers on any number of threads\n"
            "  --conf C         confidence level of the interval (default 0.95)\n"
            "  --boot-method M  units: resample pairable units (default); hayes:\n"
            "                   Krippendorff's bootstrap of pairs of values\n"
            "  --alpha-min A,.. smallest acceptable alphas (default 0.667,0.8)\n"
            "  --threads T      threads for the bootstrap (default: one per core)\n"
            "  --json           one JSON object: level, coders, units, units_pairable,\n"
            "                   pairable_values, alpha (null with alpha_undefined_reason),\n"
            "                   d_obs, d_exp, cohen_kappa, cohen_kappa_weights, fleiss_kappa,\n"
            "                   pairwise {mean, min, max, pairs [{a, b, alpha, units}]};\n"
            "                   with --bootstrap alpha_ci_low, alpha_ci_high and bootstrap\n"
            "                   {method, interval, replicates, undefined, seed, conf,\n"
            "                   p_below [{alpha_min, p}]}; with --per-coder per_coder\n"
            "                   [{coder, units, alpha_without, mean_pairwise_alpha}]\n"
            "  --csv            the alphas as a CSV table: scope (all, without, mean_pairwise),\n"
            "                   coder, alpha, ci_low, ci_high, conf, method, seed, replicates,\n"
            "                   p_below_A for each A\n\n"
            "example: dddlab reliability ratings.csv --coder-col subject --unit-col item \\\n"
            "             --value-col q2_main_category --level ordinal --bootstrap 10000\n");
}

/* --alpha-min: a comma-separated list of numbers in [-1, 1]. */
static int parse_alpha_min(const char *s, dl_alpha_boot_opts *b)
{
    char buf[256];
    if (strlen(s) >= sizeof buf)
        return cli_usage(CMD, "--alpha-min is too long");
    strcpy(buf, s);
    b->nmin = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        double x;
        if (dl_parse_double(t, &x) != 0 || !(x >= -1 && x <= 1))
            return cli_usage(CMD, "--alpha-min needs numbers from -1 to 1, not '%s'", t);
        if (b->nmin == DL_ALPHA_MIN_MAX)
            return cli_usage(CMD, "--alpha-min takes at most %d values", DL_ALPHA_MIN_MAX);
        b->alpha_min[b->nmin++] = x;
    }
    return b->nmin ? 0 : cli_usage(CMD, "--alpha-min needs at least one number");
}

static int parse_boot_option(int c, const char *arg, dl_alpha_boot_opts *b)
{
    long v;
    int m, rc;
    switch (c) {
    case 'B':
        if ((rc = cli_whole(CMD, "--bootstrap", arg, 1, 100000000, &v)) == 0)
            b->replicates = (size_t)v;
        return rc;
    case 'S':
        if ((rc = cli_whole(CMD, "--seed", arg, 0, LONG_MAX, &v)) == 0)
            b->seed = (uint64_t)v;
        return rc;
    case 'C':
        if (dl_parse_double(arg, &b->conf) != 0 || !(b->conf > 0 && b->conf < 1))
            return cli_usage(CMD, "--conf needs a number between 0 and 1, not '%s'", arg);
        return 0;
    case 'M':
        if ((m = dl_alpha_boot_method_parse(arg)) < 0)
            return cli_usage(CMD, "--boot-method must be units or hayes, not '%s'", arg);
        b->method = (dl_alpha_boot_method)m;
        return 0;
    case 'A':
        return parse_alpha_min(arg, b);
    default: /* 'T' */
        if ((rc = cli_whole(CMD, "--threads", arg, 0, 64, &v)) == 0)
            b->threads = (int)v;
        return rc;
    }
}

static int parse_args(int argc, char **argv, rel_opts *o)
{
    static const struct option longopts[] = {{"level", required_argument, NULL, 'l'},
                                             {"coder-col", required_argument, NULL, 'c'},
                                             {"unit-col", required_argument, NULL, 'u'},
                                             {"value-col", required_argument, NULL, 'v'},
                                             {"pairwise", no_argument, NULL, 'p'},
                                             {"per-coder", no_argument, NULL, 'P'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"csv", no_argument, NULL, 'x'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"conf", required_argument, NULL, 'C'},
                                             {"boot-method", required_argument, NULL, 'M'},
                                             {"alpha-min", required_argument, NULL, 'A'},
                                             {"threads", required_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (rel_opts){.r = {.level = DL_LEVEL_NOMINAL,
                          .coder_col = "coder",
                          .unit_col = "unit",
                          .value_col = "value",
                          .boot = {.seed = 1, .conf = 0.95, .alpha_min = {0.667, 0.8}, .nmin = 2}}};
    int c, level, rc, boot_opt = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'B':
        case 'S':
        case 'C':
        case 'M':
        case 'A':
        case 'T':
            if ((rc = parse_boot_option(c, optarg, &o->r.boot)) != 0)
                return rc;
            boot_opt |= c != 'B';
            break;
        case 'P':
            o->r.per_coder = 1;
            break;
        case 'x':
            o->csv = 1;
            break;
        case 'l':
            if ((level = dl_stats_level_parse(optarg)) < 0)
                return cli_usage(
                    CMD, "--level must be nominal, ordinal, interval or ratio, not '%s'", optarg);
            o->r.level = (dl_level)level;
            break;
        case 'c':
            o->r.coder_col = optarg;
            break;
        case 'u':
            o->r.unit_col = optarg;
            break;
        case 'v':
            o->r.value_col = optarg;
            break;
        case 'p':
            o->r.pairwise = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            help_reliability(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (argc - optind != 1)
        return argc == optind ? cli_usage(CMD, "expected a FILE")
                              : cli_usage(CMD, "unexpected argument '%s'", argv[optind + 1]);
    o->path = argv[optind];
    if (o->json && o->csv)
        return cli_usage(CMD, "--json and --csv exclude each other");
    if (boot_opt && !o->r.boot.replicates)
        return cli_usage(CMD, "--seed, --conf, --boot-method, --alpha-min and --threads go with "
                              "--bootstrap");
    return 0;
}

int cmd_reliability(int argc, char **argv)
{
    rel_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    dl_report_rel *r = NULL;
    dl_error err = {0};
    if ((rc = dl_report_rel_run(o.path, &o.r, &r, &err)) != 0)
        return cli_fail(rc, &err);
    if (o.json)
        dl_report_rel_write_json(r, stdout);
    else if (o.csv)
        dl_report_rel_write_csv(r, stdout);
    else
        dl_report_rel_write_text(r, stdout);
    dl_report_rel_free(r);
    return DL_EXIT_OK;
}
