/* cmd_reliability.c — `dddlab reliability FILE`: Krippendorff's alpha of a
 * long CSV of ratings, with Cohen's kappa (two coders), Fleiss' kappa
 * (nominal, equal ratings per unit) and optionally alpha for every pair.
 * Reading, statistics and output are dl_report_rel
 * (analysis/report_reliability.c). */
#include <limits.h>
#include <string.h>

#include "cli.h"
#include "dl_stats.h"
#include "dl_report.h"

#define CMD "reliability"

typedef struct rel_opts {
    int json;
    int csv;
    dl_opt_nums alpha_min;
    dl_report_rel_opts r;
} rel_opts;

#define T rel_opts
static const dl_opt rel_table[] = {
    DL_OPT_CHOICE(T, "level", r.level, "nominal|ordinal|interval|ratio", dl_stats_level_parse, "L",
                  "nominal (default), ordinal, interval or ratio"),
    DL_OPT_STR(T, "coder-col", r.coder_col, "C", "column naming the coder (default coder)"),
    DL_OPT_STR(T, "unit-col", r.unit_col, "U", "column naming the unit (default unit)"),
    DL_OPT_STR(T, "value-col", r.value_col, "V", "column holding the value (default value)"),
    DL_OPT_FLAG(T, "pairwise", 0, r.pairwise,
                "alpha of every pair of coders, with mean, min and max"),
    DL_OPT_FLAG(T, "per-coder", 0, r.per_coder,
                "per coder: alpha without that coder (leave-one-out) and\n"
                "its mean pairwise alpha, so a disagreeing coder shows"),
    DL_OPT_WHOLE(T, "bootstrap", r.boot.replicates, 1, 100000000, "N",
                 "N bootstrap replicates of alpha: a percentile interval\n"
                 "and the share of replicates below each --alpha-min"),
    DL_OPT_WHOLE(T, "seed", r.boot.seed, 0, LONG_MAX, "S",
                 "seed of the replicates (default 1); the same seed gives\n"
                 "the same numbers on any number of threads"),
    DL_OPT_REAL(T, "conf", r.boot.conf, 0, 1, DL_OPT_OPEN, "C",
                "confidence level of the interval (default 0.95)"),
    DL_OPT_CHOICE(T, "boot-method", r.boot.method, "units|hayes", dl_alpha_boot_method_parse, "M",
                  "units: resample pairable units (default); hayes:\n"
                  "Krippendorff's bootstrap of pairs of values"),
    DL_OPT_NUMS(T, "alpha-min", alpha_min, -1, 1, 0, DL_ALPHA_MIN_MAX, "A,..",
                "smallest acceptable alphas (default 0.667,0.8)"),
    DL_OPT_WHOLE(T, "threads", r.boot.threads, 0, 64, "T",
                 "threads for the bootstrap (default: one per core)"),
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: level, coders, units, units_pairable,\n"
                "pairable_values, alpha (null with alpha_undefined_reason),\n"
                "d_obs, d_exp, cohen_kappa, cohen_kappa_weights, fleiss_kappa,\n"
                "pairwise {mean, min, max, pairs [{a, b, alpha, units}]};\n"
                "with --bootstrap alpha_ci_low, alpha_ci_high and bootstrap\n"
                "{method, interval, replicates, undefined, seed, conf,\n"
                "p_below [{alpha_min, p}]}; with --per-coder per_coder\n"
                "[{coder, units, alpha_without, mean_pairwise_alpha}]"),
    DL_OPT_FLAG(T, "csv", 0, csv,
                "the alphas as a CSV table: scope (all, without, mean_pairwise),\n"
                "coder, alpha, ci_low, ci_high, conf, method, seed, replicates,\n"
                "p_below_A for each A"),
};
#undef T
static const dl_opt_group rel_groups[] = {DL_OPT_GROUP(rel_table, 0)};
static const dl_opt_spec cli_spec_reliability = {
    .cmd = CMD,
    .args = "FILE",
    .about = "Krippendorff's alpha of the ratings in FILE, a long CSV with one row per\n"
             "(coder, unit, value); the columns are coder, unit and value unless named.\n"
             "An empty value, NA or NaN is missing. Nominal values may be any labels;\n"
             "ordinal, interval and ratio values must be numbers. Units with fewer than\n"
             "two values do not count. With two coders Cohen's kappa is added (weights:\n"
             "none for nominal, linear for ordinal, quadratic for interval and ratio, by\n"
             "position in the sorted list of values); for nominal data where every rated\n"
             "unit has the same number of ratings, Fleiss' kappa.\n",
    .groups = rel_groups,
    .ngroups = 1,
    .npos_min = 1,
    .npos_max = 1,
    .missing = "expected a FILE",
    .epilog = "example: dddlab reliability ratings.csv --coder-col subject --unit-col item \\\n"
              "             --value-col q2_main_category --level ordinal --bootstrap 10000\n"};

static int parse_args(int argc, char **argv, rel_opts *o, const char **path)
{
    *o = (rel_opts){.alpha_min = {.v = {0.667, 0.8}, .n = 2},
                    .r = {.level = DL_LEVEL_NOMINAL,
                          .coder_col = "coder",
                          .unit_col = "unit",
                          .value_col = "value",
                          .boot = {.seed = 1, .conf = 0.95}}};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_reliability, argc, argv, o, &a);
    if (rc)
        return rc;
    *path = a.pos[0];
    o->r.boot.nmin = o->alpha_min.n;
    memcpy(o->r.boot.alpha_min, o->alpha_min.v, o->alpha_min.n * sizeof *o->alpha_min.v);
    if (o->json && o->csv)
        return cli_usage(CMD, "--json and --csv exclude each other");
    static const char *const boot_only[] = {"seed", "conf", "boot-method", "alpha-min", "threads"};
    int boot_opt = 0;
    for (size_t i = 0; i < sizeof boot_only / sizeof *boot_only; i++)
        boot_opt |= dl_opt_seen(&cli_spec_reliability, &a, boot_only[i]);
    if (boot_opt && !o->r.boot.replicates)
        return cli_usage(CMD, "--seed, --conf, --boot-method, --alpha-min and --threads go with "
                              "--bootstrap");
    return 0;
}

static int cmd_reliability(int argc, char **argv)
{
    rel_opts o;
    const char *path = NULL;
    int rc = parse_args(argc, argv, &o, &path);
    if (rc)
        return rc;
    dl_report_rel *r = NULL;
    dl_error err = {0};
    cli_progress bar; /* long tables take seconds to read: say how far */
    cli_progress_begin(&bar, path, 0);
    o.r.progress = cli_progress_cb;
    o.r.progress_ctx = &bar;
    rc = dl_report_rel_run(path, &o.r, &r, &err);
    cli_progress_end(&bar);
    if (rc != 0)
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

const cli_cmd cli_cmd_reliability = {
    .name = CMD,
    .summary = "Krippendorff's alpha (and kappas) of a long CSV of ratings",
    .run = cmd_reliability,
    .spec = &cli_spec_reliability};
