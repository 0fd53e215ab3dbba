/* cmd_plan.c — `dddlab plan 2afc|ec|alpha ...`: how many trials, items or
 * units before a lab books observers. The options of each; the tables are
 * computed and written by analysis/report_plan.c. */
#include <limits.h>
#include <stdint.h>

#include "cli.h"
#include "dl_stats.h"
#include "dl_report.h"

/* ---- (a) 2AFC ------------------------------------------------------------------- */

typedef struct afc_opts {
    dl_opt_nums acc, power;
    double alpha, chance;
    long max_trials;
    int json;
} afc_opts;

#define T afc_opts
static const dl_opt afc_table[] = {
    DL_OPT_NUMS(T, "accuracy", acc, 0, 1, DL_OPT_OPEN, 0, "A",
                "the observer's expected accuracy (0 < A < 1), a list"),
    DL_OPT_NUMS(T, "power", power, 0, 1, DL_OPT_OPEN, 0, "P", "wanted power (default 0.8), a list"),
    DL_OPT_REAL(T, "alpha", alpha, 0, 1, DL_OPT_OPEN, "L", "level of the test (default 0.05)"),
    DL_OPT_REAL(T, "chance", chance, 0, 1, DL_OPT_OPEN, "C",
                "accuracy under the null (default 0.5, 2AFC)"),
    DL_OPT_WHOLE(T, "max-trials", max_trials, 1, 100000000, "N",
                 "give up beyond N trials (default 100000)"),
    DL_OPT_FLAG(T, "json", 0, json,
                "{chance, alpha, rows: [{accuracy, power_target, trials,\n"
                "first_trials, critical, power}]}"),
};
#undef T
static const dl_opt_group afc_groups[] = {DL_OPT_GROUP(afc_table, 0)};
static const dl_opt_spec cli_spec_plan_2afc = {
    .cmd = "plan 2afc",
    .about = "Trials one observer needs so that the exact binomial test against chance\n"
             "(one-sided, 'greater', as `dddlab binomial --alternative greater`) rejects\n"
             "with the given power when the observer's true accuracy is A. Power is not\n"
             "monotone in the number of trials (the critical count moves in whole steps):\n"
             "'trials' is the smallest number from which the power stays at or above the\n"
             "target (checked up to 4 x the first such number + 50); 'first' is the first\n"
             "number that reaches it.\n",
    .groups = afc_groups,
    .ngroups = 1,
    .required = "accuracy",
    .epilog = "example: dddlab plan 2afc --accuracy 0.7,0.8 --power 0.8,0.9\n"};

static int run_2afc(int argc, char **argv)
{
    afc_opts o = {
        .power = {.v = {0.8}, .n = 1}, .alpha = 0.05, .chance = 0.5, .max_trials = 100000};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_plan_2afc, argc, argv, &o, &a);
    if (rc)
        return rc;
    dl_report_plan_2afc_in p = {.acc = o.acc.v,
                                .nacc = o.acc.n,
                                .power = o.power.v,
                                .npower = o.power.n,
                                .alpha = o.alpha,
                                .chance = o.chance,
                                .nmax = (unsigned)o.max_trials};
    dl_report_plan_2afc(&p, o.json, stdout);
    return DL_EXIT_OK;
}

/* ---- (b) error consistency ------------------------------------------------------- */

typedef struct ec_opts {
    dl_opt_nums acc, kappa, half_width;
    double conf;
    long sims, seed, max_items;
    int json;
} ec_opts;

#define T ec_opts
static const dl_opt ec_table[] = {
    DL_OPT_NUMS(T, "accuracy", acc, 0, 1, DL_OPT_OPEN, 2, "P1[,P2]",
                "accuracies of the two observers (P2 defaults to P1)"),
    DL_OPT_NUMS(T, "kappa", kappa, 0, 1, DL_OPT_OPEN_HI, 0, "K",
                "population error consistency, 0 <= K < 1, a list"),
    DL_OPT_NUMS(T, "half-width", half_width, 0, 1, DL_OPT_OPEN, 0, "H",
                "wanted half-width, a list"),
    DL_OPT_REAL(T, "conf", conf, 0, 1, DL_OPT_OPEN, "C", "level of the interval (default 0.95)"),
    DL_OPT_WHOLE(T, "sims", sims, 10, 10000000, "S", "simulated experiments per n (default 2000)"),
    DL_OPT_WHOLE(T, "seed", seed, 0, LONG_MAX, "S", "seed of the simulation (default 1)"),
    DL_OPT_WHOLE(T, "max-items", max_items, 8, 100000000, "N",
                 "give up beyond N items (default 1000000)"),
    DL_OPT_FLAG(T, "json", 0, json,
                "{p1, p2, conf_level, sims, seed, rows: [{kappa,\n"
                "half_width_target, items, half_width, copy_prob}]}"),
};
#undef T
static const dl_opt_group ec_groups[] = {DL_OPT_GROUP(ec_table, 0)};
static const dl_opt_spec cli_spec_plan_ec = {
    .cmd = "plan ec",
    .about = "Items two observers must both see for the interval of their error\n"
             "consistency to have an expected half-width of at most H. Experiments are\n"
             "simulated from the copy model of Klein et al. (2025): observer 1 is right\n"
             "with P1; observer 2 copies observer 1's correctness with a probability that\n"
             "makes the population kappa K, else answers on its own so that its accuracy\n"
             "is P2. The half-width is half the distance between the (1-C)/2 and (1+C)/2\n"
             "quantiles of kappa over S simulated experiments (what a percentile\n"
             "bootstrap estimates); n is found by doubling and bisection to 1%, with\n"
             "the same simulated streams at every n.\n",
    .groups = ec_groups,
    .ngroups = 1,
    .required = "accuracy|kappa|half-width",
    .epilog = "example: dddlab plan ec --accuracy 0.8 --kappa 0.3,0.5 --half-width 0.1\n"};

static int run_ec(int argc, char **argv)
{
    ec_opts o = {.conf = 0.95, .sims = 2000, .seed = 1, .max_items = 1000000};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_plan_ec, argc, argv, &o, &a);
    if (rc)
        return rc;
    dl_report_plan_ec_in p = {.kappa = o.kappa.v,
                              .nkappa = o.kappa.n,
                              .half_width = o.half_width.v,
                              .nhw = o.half_width.n,
                              .base = {.p1 = o.acc.v[0],
                                       .p2 = o.acc.n > 1 ? o.acc.v[1] : o.acc.v[0],
                                       .conf_level = o.conf,
                                       .sims = (size_t)o.sims,
                                       .seed = (uint64_t)o.seed,
                                       .nmax = (size_t)o.max_items}};
    dl_error err = {0};
    rc = dl_report_plan_ec(&p, o.json, stdout, &err);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}

/* ---- (c) Krippendorff's alpha ----------------------------------------------------- */

/* The counts are numbers, as they always were: 2.5 coders are 2. */
typedef struct alpha_opts {
    double coders, alpha, width, categories, conf, sims, seed;
    int level, json;
} alpha_opts;

#define T alpha_opts
static const dl_opt alpha_table[] = {
    DL_OPT_REAL(T, "coders", coders, 2, 1000, 0, "C",
                "coders (observers) rating every unit, 2..1000"),
    DL_OPT_REAL(T, "alpha", alpha, 0.001, 0.999, 0, "A", "population alpha, between 0 and 1"),
    DL_OPT_REAL(T, "width", width, 0.001, 2, 0, "W",
                "wanted interval width, e.g. 0.1 (alpha +- 0.05)"),
    DL_OPT_CHOICE(T, "level", level, "nominal|ordinal|interval|ratio", dl_stats_level_parse, "L",
                  "ordinal (default), nominal, interval or ratio"),
    DL_OPT_REAL(T, "categories", categories, 2, 64, 0, "K", "rating categories, 2..64 (default 3)"),
    DL_OPT_REAL(T, "conf", conf, 0.5, 0.999, 0, "C", "confidence level (default 0.95)"),
    DL_OPT_REAL(T, "sims", sims, 100, 1000000, 0, "N", "simulated studies per size (default 1000)"),
    DL_OPT_REAL(T, "seed", seed, 0, 4294967295.0, 0, "S",
                "seed (default 1); the same seed gives the same table"),
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: the options, rows [{units, mean_alpha,\n"
                "ci_low, ci_high, width}], units_needed"),
};
#undef T
static const dl_opt_group alpha_groups[] = {DL_OPT_GROUP(alpha_table, 0)};
static const dl_opt_spec cli_spec_plan_alpha = {
    .cmd = "plan alpha",
    .about = "Units needed for Krippendorff's alpha to come with a confidence interval no\n"
             "wider than W, when C coders rate with population alpha A. Each study size is\n"
             "simulated N times (a latent value per unit plus coder noise, cut into K\n"
             "equally likely categories except at interval level); the width is the spread\n"
             "of the estimates between the (1-C)/2 and 1-(1-C)/2 quantiles.\n",
    .groups = alpha_groups,
    .ngroups = 1,
    .required = "coders|alpha|width",
    .epilog = "example: dddlab plan alpha --coders 8 --alpha 0.5 --width 0.1\n"};

static int run_alpha(int argc, char **argv)
{
    alpha_opts o = {
        .level = DL_LEVEL_ORDINAL, .categories = 3, .conf = 0.95, .sims = 1000, .seed = 1};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_plan_alpha, argc, argv, &o, &a);
    if (rc)
        return rc;
    dl_alpha_plan_opts p = {.coders = (size_t)o.coders,
                            .alpha = o.alpha,
                            .level = (dl_level)o.level,
                            .categories = (int)o.categories,
                            .conf = o.conf,
                            .sims = (size_t)o.sims,
                            .seed = (uint64_t)o.seed};
    dl_error err = {0};
    rc = dl_report_plan_alpha(&p, o.width, o.json, stdout, &err);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}

const cli_cmd cli_cmd_plan_2afc = {
    .name = "2afc",
    .summary = "trials for the exact binomial test against chance to reach a power",
    .run = run_2afc,
    .spec = &cli_spec_plan_2afc};
const cli_cmd cli_cmd_plan_ec = {
    .name = "ec",
    .summary = "items for an error-consistency interval of a given half-width",
    .run = run_ec,
    .spec = &cli_spec_plan_ec};
const cli_cmd cli_cmd_plan_alpha = {
    .name = "alpha",
    .summary = "units for a Krippendorff's alpha interval of a given width",
    .run = run_alpha,
    .spec = &cli_spec_plan_alpha};
