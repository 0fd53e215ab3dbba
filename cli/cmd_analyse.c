/* cmd_analyse.c — `dddlab analyse`: collected responses -> the numbers,
 * tables and figures of a results section. The options fill the library's
 * dl_report_sources and dl_report_options directly. */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli_groups.h"
#include "dl_stats.h"
#include "dl_report.h"
#include "dl_store.h"

typedef struct args {
    dl_report_sources src;
    dl_report_options opt;
    dl_opt_list ratings, trials, exclude_obs;
    int include_incomplete, include_simulated, json;
    const char *out;
} args;

/* --rt-unit: the factor to milliseconds. */
static int rt_unit(const char *arg, void *dest, dl_error *err)
{
    if (strcmp(arg, "s") != 0 && strcmp(arg, "ms") != 0)
        return dl_fail(err, DL_EINVAL, "--rt-unit must be s or ms, not '%s'", arg);
    *(double *)dest = arg[1] ? 1 : 1000;
    return 0;
}

#define T args
static const dl_opt source_opts[] = {
    DL_OPT_STR(T, "db", src.db, "P", "sessions in the store (completed ones)"),
    DL_OPT_STR(T, "set", src.set, "NAME", "with --db: only the sessions of this set"),
    DL_OPT_FLAG(T, "include-incomplete", 0, include_incomplete,
                "add running, aborted and crashed sessions"),
    DL_OPT_FLAG(T, "include-simulated", 0, include_simulated,
                "add sessions a simulated observer answered"),
    DL_OPT_LIST(T, "ratings", ratings, "FILE.csv",
                "long CSV, one row per observer and item (repeatable)"),
    DL_OPT_LIST(T, "trials", trials, "FILE.csv|DIR",
                "long CSV, one row per trial (repeatable; a folder\n"
                "means every *.csv in it); an item answered twice by\n"
                "an observer: accuracy counts both, error consistency\n"
                "the first (as 'dddlab consistency')"),
    DL_OPT_STR(T, "ddd", src.ddd, "DIR", "the --out folder of 'dddlab stimuli analyse'"),
};
static const dl_opt column_opts[] = {
    DL_OPT_STR(T, "q1-col", src.cols.q[0], "C", "[q1]"),
    DL_OPT_STR(T, "q2-col", src.cols.q[1], "C", "[q2]"),
    DL_OPT_STR(T, "q3-col", src.cols.q[2], "C", "[q3]"),
    DL_OPT_STR(T, "class-col", src.cols.class_col, "C",
               "[difficulty] trivial | in-between | impossible"),
    DL_OPT_STR(T, "model-acc-col", src.cols.model_acc, "C", "[frac_correct]"),
    DL_OPT_STR(T, "label-error-col", src.cols.label_error, "C", "[label_error]"),
    DL_OPT_STR(T, "exclude-col", src.cols.exclude, "C", "drop rows where C is 1"),
    DL_OPT_STR(T, "rt-col", src.cols.rt, "C", "[rt_ms]"),
    DL_OPT_HOOK(T, "rt-unit", src.cols.rt_to_ms, rt_unit, "s|ms", "[ms]"),
};
static const dl_opt filters[] = {
    DL_OPT_LIST(T, "exclude-observer", exclude_obs, "CODE", "leave an observer out (repeatable)"),
    DL_OPT_STR(T, "exclude-items", opt.exclude_items_path, "FILE",
               "item keys to leave out, one per line"),
    DL_OPT_FLAG(T, "exclude-label-errors", 0, opt.exclude_label_errors,
                "leave out items that are label errors"),
    DL_OPT_FLAG(T, "balance-classes", 0, opt.balance_classes,
                "subsample trivial / in-between / impossible to equal\n"
                "numbers"),
    DL_OPT_WHOLE(T, "seed", opt.seed, 0, LONG_MAX, "S",
                 "seed of that subsample (GSL mt19937; default 1) and\n"
                 "of the bootstrap"),
    DL_OPT_WHOLE(T, "bootstrap", opt.ec_boot.replicates, 1, 10000000, "N",
                 "N bootstrap replicates resampling items: percentile\n"
                 "intervals of every pair's and the mean error consistency\n"
                 "(trials, as 'dddlab consistency'); Krippendorff's alpha\n"
                 "with an interval, p(alpha < 0.667 / 0.8), and each\n"
                 "observer's leave-one-out and mean pairwise alpha (ratings)"),
};
static const dl_opt output[] = {
    DL_OPT_REAL(T, "chance", opt.chance, 0, 1, DL_OPT_OPEN, "P",
                "accuracy of guessing [0.5]; 1/16 for 16-way tasks"),
    DL_OPT_FLAG(T, "json", 0, json, "one JSON object on stdout"),
    DL_OPT_STR(T, "out", out, "DIR", "CSV tables, figures (PNG, SVG), report.html, report.md"),
};
static const dl_opt_group groups[] = {
    DL_OPT_HEADED_GROUP(source_opts,
                        "sources (one of --db, --ratings, --trials; --ddd alone or "
                        "beside one)",
                        0),
    DL_OPT_HEADED_GROUP(cli_columns_table, "columns of CSV sources (defaults in brackets)",
                        offsetof(T, src.cols)),
    DL_OPT_GROUP(column_opts, 0),
    DL_OPT_HEADED_GROUP(filters, "filters and the bootstrap", 0),
    DL_OPT_HEADED_GROUP(cli_ec_table, NULL, offsetof(T, opt.ec_boot)),
    DL_OPT_HEADED_GROUP(output, "output", 0),
};
#undef T
static const dl_opt_spec cli_spec_analyse = {
    .cmd = "analyse",
    .args = "SOURCE [FILTERS]",
    .about = "Turn collected responses into the numbers and figures of a results section:\n"
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

/* What the options leave to be set, and the combinations that make no sense. */
static int finish(args *a, const dl_opt_args *ca)
{
    const char *cmd = cli_spec_analyse.cmd;
    int sources = (a->src.db != NULL) + (a->ratings.n > 0) + (a->trials.n > 0);
    if (sources == 0 && !a->src.ddd)
        return cli_usage(cmd, "no source: give --db, --ratings, --trials or --ddd");
    if (sources > 1)
        return cli_usage(cmd, "give only one of --db, --ratings and --trials");
    if ((a->src.set || a->include_incomplete || a->include_simulated) && !a->src.db)
        return cli_usage(cmd, "--set, --include-incomplete and --include-simulated go with --db");
    int seed_given = dl_opt_seen(&cli_spec_analyse, ca, "seed");
    if (seed_given && !a->opt.balance_classes && !a->opt.ec_boot.replicates)
        return cli_usage(cmd, "--seed goes with --balance-classes or --bootstrap");
    if (a->src.db && (a->src.cols.item_regex || a->src.cols.exclude))
        return cli_usage(cmd, "column options go with --ratings or --trials, not --db");
    /* the optional columns named explicitly (dl_report_columns) */
    static const struct {
        const char *opt;
        int bit;
    } named[] = {{"class-col", DL_REPORT_COL_CLASS},
                 {"model-acc-col", DL_REPORT_COL_MODEL_ACC},
                 {"label-error-col", DL_REPORT_COL_LABEL_ERROR},
                 {"rt-col", DL_REPORT_COL_RT}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (dl_opt_seen(&cli_spec_analyse, ca, named[i].opt))
            a->src.cols.explicit_optional |= named[i].bit;
    a->src.include = (a->include_incomplete ? DL_REPORT_INCLUDE_INCOMPLETE : 0) |
                     (a->include_simulated ? DL_REPORT_INCLUDE_SIMULATED : 0);
    a->src.ratings = a->ratings.v;
    a->src.nratings = a->ratings.n;
    a->src.trials = a->trials.v;
    a->src.ntrials = a->trials.n;
    dl_report_options *o = &a->opt;
    o->exclude_observers = a->exclude_obs.v;
    o->nexclude_observers = a->exclude_obs.n;
    o->ec_boundary = o->ec_boot.boundary;
    /* one --bootstrap/--seed/--conf for both: the alpha of ratings, the
     * error consistency of trials */
    o->ec_boot.seed = o->alpha_seed = o->seed;
    o->alpha_bootstrap = o->ec_boot.replicates;
    o->alpha_conf = o->ec_boot.conf_level;
    return 0;
}

static int cmd_analyse(int argc, char **argv)
{
    args a = {.out = NULL};
    dl_report_columns_default(&a.src.cols);
    dl_report_options_default(&a.opt);
    a.opt.seed = 1;
    dl_opt_args ca;
    int rc = cli_parse(&cli_spec_analyse, argc, argv, &a, &ca);
    if (rc || (rc = finish(&a, &ca)) != 0)
        return rc;
    dl_error err = {0};
    dl_report *r = dl_report_new();
    char *cmd = dl_report_command_line(argc, (const char *const *)argv);
    if (!r || !cmd) {
        dl_fail(&err, DL_ENOMEM, "out of memory");
        rc = cli_fail(err.code, &err);
        goto done;
    }
    if (dl_report_load_sources(r, &a.src, &err) ||
        (a.src.db && dl_store_write_orphans_path(stderr, a.src.db, "the analysis", &err)) ||
        dl_report_analyse(r, &a.opt, &err) || (a.out && dl_report_write_dir(r, a.out, cmd, &err))) {
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

const cli_cmd cli_cmd_analyse = {
    .name = "analyse",
    .summary = "analyse collected responses: accuracy, consistency, alpha, figures",
    .run = cmd_analyse,
    .spec = &cli_spec_analyse};
