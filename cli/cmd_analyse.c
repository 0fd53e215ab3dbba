/* cmd_analyse.c — `dddlab analyse`: collected responses -> the numbers,
 * tables and figures of a results section. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>

#include "cli.h"
#include "cli_args.h"
#include "dl_stats.h"
#include "dl_report.h"
#include "dl_store.h"

typedef struct args {
    const char *db, *set, *ddd, *out, *exclude_items;
    cli_list ratings, trials, exclude_obs;
    int include_incomplete, include_simulated, json, exclude_label_errors, balance, seed_given;
    unsigned long long seed;
    double chance;
    dl_report_columns cols;
    dl_ec_boot_opts ec_boot; /* error consistency: --bootstrap etc. */
    dl_ec_boundary ec_boundary;
} args;

/* --rt-unit: the factor to milliseconds. */
static int rt_unit(const char *cmd, const char *arg, void *dest)
{
    if (strcmp(arg, "s") != 0 && strcmp(arg, "ms") != 0)
        return cli_usage(cmd, "--rt-unit must be s or ms, not '%s'", arg);
    *(double *)dest = arg[1] ? 1 : 1000;
    return 0;
}

#define T args
static const cli_opt source_opts[] = {
    CLI_STR_OPT(T, "db", db, "P", "sessions in the store (completed ones)"),
    CLI_STR_OPT(T, "set", set, "NAME", "with --db: only the sessions of this set"),
    CLI_FLAG_OPT(T, "include-incomplete", 0, include_incomplete,
                 "add running, aborted and crashed sessions"),
    CLI_FLAG_OPT(T, "include-simulated", 0, include_simulated,
                 "add sessions a simulated observer answered"),
    CLI_LIST_OPT(T, "ratings", ratings, "FILE.csv",
                 "long CSV, one row per observer and item (repeatable)"),
    CLI_LIST_OPT(T, "trials", trials, "FILE.csv|DIR",
                 "long CSV, one row per trial (repeatable; a folder\n"
                 "means every *.csv in it); an item answered twice by\n"
                 "an observer: accuracy counts both, error consistency\n"
                 "the first (as 'dddlab consistency')"),
    CLI_STR_OPT(T, "ddd", ddd, "DIR", "the --out folder of 'dddlab stimuli analyse'"),
};
static const cli_opt column_opts[] = {
    CLI_STR_OPT(T, "observer-col", cols.observer, "C", "[observer]"),
    CLI_STR_OPT(T, "item-col", cols.item, "C", "[item]"),
    CLI_STR_OPT(T, "item-regex", cols.item_regex, "RE",
                "POSIX extended regex on the item; group 1 is the item key"),
    CLI_STR_OPT(T, "q1-col", cols.q[0], "C", "[q1]"),
    CLI_STR_OPT(T, "q2-col", cols.q[1], "C", "[q2]"),
    CLI_STR_OPT(T, "q3-col", cols.q[2], "C", "[q3]"),
    CLI_STR_OPT(T, "class-col", cols.class_col, "C",
                "[difficulty] trivial | in-between | impossible"),
    CLI_STR_OPT(T, "model-acc-col", cols.model_acc, "C", "[frac_correct]"),
    CLI_STR_OPT(T, "label-error-col", cols.label_error, "C", "[label_error]"),
    CLI_STR_OPT(T, "exclude-col", cols.exclude, "C", "drop rows where C is 1"),
    CLI_STR_OPT(T, "correct-col", cols.correct, "C",
                "[correct] or --response-col with --truth-col"),
    CLI_STR_OPT(T, "response-col", cols.response, "C",
                "right when equal to --truth-col; a missing response\n"
                "counts as wrong"),
    CLI_STR_OPT(T, "truth-col", cols.truth, "C", "the right answer"),
    CLI_STR_OPT(T, "rt-col", cols.rt, "C", "[rt_ms]"),
    CLI_HOOK_OPT(T, "rt-unit", cols.rt_to_ms, rt_unit, "s|ms", "[ms]"),
};
static const cli_opt filters[] = {
    CLI_LIST_OPT(T, "exclude-observer", exclude_obs, "CODE", "leave an observer out (repeatable)"),
    CLI_STR_OPT(T, "exclude-items", exclude_items, "FILE", "item keys to leave out, one per line"),
    CLI_FLAG_OPT(T, "exclude-label-errors", 0, exclude_label_errors,
                 "leave out items that are label errors"),
    CLI_FLAG_OPT(T, "balance-classes", 0, balance,
                 "subsample trivial / in-between / impossible to equal\n"
                 "numbers"),
    CLI_WHOLE_OPT(T, "seed", seed, 0, LONG_MAX, "S",
                  "seed of that subsample (GSL mt19937; default 1) and\n"
                  "of the bootstrap"),
};
static const cli_opt uncertainty[] = {
    CLI_WHOLE_OPT(T, "bootstrap", ec_boot.replicates, 1, 10000000, "N",
                  "N bootstrap replicates resampling items: percentile\n"
                  "intervals of every pair's and the mean error consistency\n"
                  "(trials, as 'dddlab consistency'); Krippendorff's alpha\n"
                  "with an interval, p(alpha < 0.667 / 0.8), and each\n"
                  "observer's leave-one-out and mean pairwise alpha (ratings)"),
    CLI_REAL_OPT(T, "conf", ec_boot.conf_level, 0, 1, CLI_OPEN, "C",
                 "confidence level of the intervals [0.95]"),
    CLI_FLAG_OPT(T, "resample-observers", 0, ec_boot.resample_observers,
                 "the mean's interval also resamples observers"),
    CLI_WHOLE_OPT(T, "threads", ec_boot.threads, 1, 256, "T",
                  "threads of the bootstrap (same result on any number)"),
    CLI_CHOICE_OPT(T, "ec-boundary", ec_boundary, "undefined|one", dl_stats_ec_boundary_parse, "B",
                   "kappa when both are always right or both always\n"
                   "wrong: undefined (missing; default) or one (1, the\n"
                   "older convention)"),
};
static const cli_opt output[] = {
    CLI_REAL_OPT(T, "chance", chance, 0, 1, CLI_OPEN, "P",
                 "accuracy of guessing [0.5]; 1/16 for 16-way tasks"),
    CLI_FLAG_OPT(T, "json", 0, json, "one JSON object on stdout"),
    CLI_STR_OPT(T, "out", out, "DIR", "CSV tables, figures (PNG, SVG), report.html, report.md"),
};
#undef T
static const cli_group groups[] = {
    {.heading = "sources (one of --db, --ratings, --trials; --ddd alone or beside one)",
     .opts = source_opts,
     .nopts = sizeof source_opts / sizeof *source_opts},
    {.heading = "columns of CSV sources (defaults in brackets)",
     .opts = column_opts,
     .nopts = sizeof column_opts / sizeof *column_opts},
    {.heading = "filters", .opts = filters, .nopts = sizeof filters / sizeof *filters},
    {.heading = "uncertainty",
     .opts = uncertainty,
     .nopts = sizeof uncertainty / sizeof *uncertainty},
    {.heading = "output", .opts = output, .nopts = sizeof output / sizeof *output},
};
const cli_spec cli_spec_analyse = {
    .cmd = "analyse",
    .usage = "usage: dddlab analyse SOURCE [FILTERS] [--chance P] [--json] [--out DIR]\n"
             "\n"
             "Turn collected responses into the numbers and figures of a results section:\n"
             "per-observer accuracy with exact binomial tests and Clopper-Pearson intervals,\n"
             "error consistency between observers, Krippendorff's alpha and correlations for\n"
             "ratings, and the DDD figures from 'dddlab stimuli analyse --out' tables.\n",
    .groups = groups,
    .ngroups = sizeof groups / sizeof *groups,
    .epilog = "examples:\n"
              "  dddlab analyse --db lab.sqlite --set exp1 --out results/\n"
              "  dddlab analyse --ratings experiment2_ratings.csv --observer-col subject \\\n"
              "      --q1-col q1_num_categories --q2-col q2_main_category \\\n"
              "      --q3-col q3_unusual_presentation --class-col stimulus_class \\\n"
              "      --model-acc-col model_frac_correct_11 --label-error-col label_error_mturk \\\n"
              "      --exclude-col excluded_item\n"
              "  dddlab analyse --trials model-vs-human/edge --observer-col subj \\\n"
              "      --response-col object_response --truth-col category --item-col imagename \\\n"
              "      --item-regex '_([^_]+)$' --rt-col rt --rt-unit s --chance 0.0625\n"
              "  dddlab analyse --ddd stimuli-out/ --out figures/\n"
              "\n"
              "Exit status: 0 success, 1 bad data, 2 usage error.\n"};

void help_analyse(FILE *out)
{
    cli_args_help(out, &cli_spec_analyse);
}

static int parse(int argc, char **argv, args *a)
{
    const cli_spec *s = &cli_spec_analyse;
    cli_args ca;
    int rc = cli_args_parse(s, argc, argv, a, &ca);
    if (rc)
        return rc;
    if (ca.npos > 0)
        return cli_usage(s->cmd, "unexpected argument '%s'", ca.pos[0]);
    a->seed_given = cli_args_seen(s, &ca, "seed");
    /* the optional columns named explicitly (dl_report_columns) */
    static const struct {
        const char *opt;
        int bit;
    } named[] = {{"class-col", DL_REPORT_COL_CLASS},
                 {"model-acc-col", DL_REPORT_COL_MODEL_ACC},
                 {"label-error-col", DL_REPORT_COL_LABEL_ERROR},
                 {"rt-col", DL_REPORT_COL_RT}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (cli_args_seen(s, &ca, named[i].opt))
            a->cols.explicit_optional |= named[i].bit;
    a->ec_boot.boundary = a->ec_boundary;
    return 0;
}

static int check(const args *a)
{
    int sources = (a->db != NULL) + (a->ratings.n > 0) + (a->trials.n > 0);
    if (sources == 0 && !a->ddd)
        return cli_usage("analyse", "no source: give --db, --ratings, --trials or --ddd");
    if (sources > 1)
        return cli_usage("analyse", "give only one of --db, --ratings and --trials");
    if ((a->set || a->include_incomplete || a->include_simulated) && !a->db)
        return cli_usage("analyse", "--set, --include-incomplete and --include-simulated go "
                                    "with --db");
    if (a->seed_given && !a->balance && !a->ec_boot.replicates)
        return cli_usage("analyse", "--seed goes with --balance-classes or --bootstrap");
    if (a->db && (a->cols.item_regex || a->cols.exclude))
        return cli_usage("analyse", "column options go with --ratings or --trials, not --db");
    return 0;
}

static int load(dl_report *r, const args *a, dl_error *err)
{
    int rc = 0;
    if (a->db)
        rc = dl_report_load_store(r, a->db, a->set,
                                  (a->include_incomplete ? DL_REPORT_INCLUDE_INCOMPLETE : 0) |
                                      (a->include_simulated ? DL_REPORT_INCLUDE_SIMULATED : 0),
                                  err);
    for (size_t i = 0; !rc && i < a->ratings.n; i++)
        rc = dl_report_load_ratings_csv(r, a->ratings.v[i], &a->cols, err);
    for (size_t i = 0; !rc && i < a->trials.n; i++)
        rc = dl_report_load_trials_path(r, a->trials.v[i], &a->cols, err);
    if (!rc && a->ddd)
        rc = dl_report_load_ddd(r, a->ddd, err);
    return rc;
}

int cmd_analyse(int argc, char **argv)
{
    args a = {.chance = 0.5, .ec_boot = {.seed = 1, .conf_level = 0.95}};
    dl_report_columns_default(&a.cols);
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    if ((rc = check(&a)))
        return rc;
    dl_error err = {0};
    dl_report_options opt;
    dl_report_options_default(&opt);
    opt.exclude_observers = a.exclude_obs.v;
    opt.nexclude_observers = a.exclude_obs.n;
    opt.exclude_items_path = a.exclude_items;
    opt.exclude_label_errors = a.exclude_label_errors;
    opt.balance_classes = a.balance;
    opt.seed = a.seed_given ? a.seed : 1;
    opt.chance = a.chance;
    opt.ec_boundary = a.ec_boundary;
    opt.ec_boot = a.ec_boot;
    opt.ec_boot.seed = a.seed_given ? a.seed : 1;
    opt.ec_boot.boundary = a.ec_boundary;
    /* one --bootstrap/--seed/--conf for both: the alpha of ratings, the
     * error consistency of trials */
    opt.alpha_bootstrap = a.ec_boot.replicates;
    opt.alpha_seed = opt.ec_boot.seed;
    opt.alpha_conf = a.ec_boot.conf_level;
    dl_report *r = dl_report_new();
    char *cmd = dl_report_command_line(argc, (const char *const *)argv);
    if (!r || !cmd) {
        dl_fail(&err, DL_ENOMEM, "out of memory");
        rc = cli_fail(err.code, &err);
        goto done;
    }
    if (load(r, &a, &err) ||
        (a.db && dl_store_write_orphans_path(stderr, a.db, "the analysis", &err)) ||
        dl_report_analyse(r, &opt, &err) || (a.out && dl_report_write_dir(r, a.out, cmd, &err))) {
        rc = cli_fail(err.code, &err);
        goto done;
    }
    if (a.json)
        dl_report_write_json(r, stdout);
    else {
        dl_report_write_text(r, stdout);
        if (a.out)
            printf("\ntables, figures and report.html written to %s\n", a.out);
    }
    rc = DL_EXIT_OK;
done:
    free(cmd);
    dl_report_free(r);
    return rc;
}
