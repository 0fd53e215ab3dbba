/* cmd_plan.c — `dddlab plan MODE ...`: how many trials, items or units
 * before a lab books observers. One table of modes; each mode lists its
 * options in a table that one loop parses; the tables themselves are
 * computed and written by analysis/report_plan.c. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "cmd_stats.h"
#include "dl_report.h"

#define CMD "plan"

enum { MAX_LIST = 32 };

/* What an option's value is: a comma list of numbers in the open (lo, hi)
 * (at most max values), a whole number in [lo, hi], a number in [lo, hi],
 * a measurement level, or no value (a flag). */
typedef enum { P_LIST, P_WHOLE, P_NUMBER, P_LEVEL, P_FLAG } plan_kind;

typedef struct plan_opt {
    const char *name;
    plan_kind kind;
    double lo, hi;
    size_t max;           /* P_LIST: most values; 1 = one number */
    const char *too_many; /* P_LIST: the message past max */
} plan_opt;

/* The parsed values: v[i][0..n[i]) for option i (a flag or level as one
 * number), given[i] set when it was on the command line. */
typedef struct plan_vals {
    double v[16][MAX_LIST];
    long w[16]; /* P_WHOLE: the number, exactly */
    size_t n[16];
    int given[16];
} plan_vals;

typedef struct plan_mode {
    const char *name;
    const char *summary;
    const char *cmd;    /* as usage errors name it */
    const char *prefix; /* before an option's name in its errors */
    const plan_opt *opts;
    size_t nopts;
    void (*help)(FILE *out);
    int (*run)(const plan_vals *v, int json);
} plan_mode;

/* A comma-separated list of numbers in (lo, hi) (open). */
static int parse_list(const plan_mode *m, const plan_opt *p, const char *s, double *v, size_t *n)
{
    char buf[1024];
    *n = 0;
    if (strlen(s) >= sizeof buf)
        return cli_usage(m->cmd, "%s%s: list too long", m->prefix, p->name);
    strcpy(buf, s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == MAX_LIST)
            return cli_usage(m->cmd, "%s%s: at most %d values", m->prefix, p->name, MAX_LIST);
        if (dl_parse_double(tok, &v[*n]) != 0 || !(v[*n] > p->lo && v[*n] < p->hi))
            return cli_usage(m->cmd, "%s%s needs numbers between %g and %g (exclusive), not '%s'",
                             m->prefix, p->name, p->lo, p->hi, tok);
        (*n)++;
    }
    if (*n == 0)
        return cli_usage(m->cmd, "%s%s needs at least one number", m->prefix, p->name);
    if (*n > p->max)
        return cli_usage(m->cmd, "%s%s %s", m->prefix, p->name, p->too_many);
    return 0;
}

static int parse_value(const plan_mode *m, const plan_opt *p, const char *s, double *v, size_t *n,
                       long *w)
{
    char what[64];
    int lv;
    snprintf(what, sizeof what, "%s%s", m->prefix, p->name);
    *n = 1;
    switch (p->kind) {
    case P_LIST:
        return parse_list(m, p, s, v, n);
    case P_WHOLE: /* hi as a double rounds LONG_MAX up, out of a long's range */
        return cli_whole(m->cmd, what, s, (long)p->lo,
                         p->hi >= (double)LONG_MAX ? LONG_MAX : (long)p->hi, w);
    case P_NUMBER:
        return cli_number(m->cmd, what, s, p->lo, p->hi, v);
    case P_LEVEL:
        if ((lv = dl_stats_level_parse(s)) < 0)
            return cli_usage(m->cmd, "%s must be nominal, ordinal, interval or ratio, not '%s'",
                             what, s);
        *v = lv;
        return 0;
    default:
        *v = 1;
        return 0;
    }
}

/* The one option loop of every mode. */
static int parse_mode(const plan_mode *m, int argc, char **argv, plan_vals *v)
{
    struct option longopts[18];
    size_t i;
    for (i = 0; i < m->nopts; i++)
        longopts[i] = (struct option){m->opts[i].name + 2,
                                      m->opts[i].kind == P_FLAG ? no_argument : required_argument,
                                      NULL, (int)i + 1};
    longopts[i++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[i] = (struct option){NULL, 0, NULL, 0};
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h') {
            m->help(stdout);
            return CLI_HELP_SHOWN;
        }
        if (c < 1 || (size_t)c > m->nopts)
            return cli_stats_bad_option(m->cmd, c, argv);
        if ((rc = parse_value(m, &m->opts[c - 1], optarg, v->v[c - 1], &v->n[c - 1], &v->w[c - 1])))
            return rc;
        v->given[c - 1] = 1;
    }
    if (optind < argc && *m->prefix)
        return cli_usage(m->cmd, "%s: unexpected argument '%s'", m->name, argv[optind]);
    if (optind < argc)
        return cli_usage(m->cmd, "unexpected argument '%s'", argv[optind]);
    return 0;
}

/* A value: the given one, else the default. */
static double val(const plan_vals *v, size_t i, double dflt)
{
    return v->given[i] ? v->v[i][0] : dflt;
}

static long whole(const plan_vals *v, size_t i, long dflt)
{
    return v->given[i] ? v->w[i] : dflt;
}

/* ---- (a) 2AFC ------------------------------------------------------------------- */

static void help_2afc(FILE *out)
{
    fprintf(out, "usage: dddlab plan 2afc --accuracy A[,A...] [--power P[,P...]] [--alpha L]\n"
                 "                        [--chance C] [--max-trials N] [--json]\n\n"
                 "Trials one observer needs so that the exact binomial test against chance\n"
                 "(one-sided, 'greater', as `dddlab binomial --alternative greater`) rejects\n"
                 "with the given power when the observer's true accuracy is A. Power is not\n"
                 "monotone in the number of trials (the critical count moves in whole steps):\n"
                 "'trials' is the smallest number from which the power stays at or above the\n"
                 "target (checked up to 4 x the first such number + 50); 'first' is the first\n"
                 "number that reaches it.\n\n"
                 "  --accuracy A      the observer's expected accuracy (0 < A < 1), a list\n"
                 "  --power P         wanted power (default 0.8), a list\n"
                 "  --alpha L         level of the test (default 0.05)\n"
                 "  --chance C        accuracy under the null (default 0.5, 2AFC)\n"
                 "  --max-trials N    give up beyond N trials (default 100000)\n"
                 "  --json            {chance, alpha, rows: [{accuracy, power_target, trials,\n"
                 "                    first_trials, critical, power}]}\n\n"
                 "example: dddlab plan 2afc --accuracy 0.7,0.8 --power 0.8,0.9\n");
}

static const plan_opt OPTS_2AFC[] = {
    {"--accuracy", P_LIST, 0, 1, MAX_LIST, NULL},
    {"--power", P_LIST, 0, 1, MAX_LIST, NULL},
    {"--alpha", P_LIST, 0, 1, 1, "takes one number"},
    {"--chance", P_LIST, 0, 1, 1, "takes one number"},
    {"--max-trials", P_WHOLE, 1, 100000000L, 0, NULL},
    {"--json", P_FLAG, 0, 0, 0, NULL},
};

static int run_2afc(const plan_vals *v, int json)
{
    static const double power = 0.8;
    if (!v->given[0])
        return cli_usage(CMD, "2afc needs --accuracy A (the observer's expected accuracy)");
    dl_report_plan_2afc_in p = {.acc = v->v[0],
                                .nacc = v->n[0],
                                .power = v->given[1] ? v->v[1] : &power,
                                .npower = v->given[1] ? v->n[1] : 1,
                                .alpha = val(v, 2, 0.05),
                                .chance = val(v, 3, 0.5),
                                .nmax = (unsigned)whole(v, 4, 100000)};
    dl_report_plan_2afc(&p, json, stdout);
    return DL_EXIT_OK;
}

/* ---- (b) error consistency ------------------------------------------------------- */

static void help_ec(FILE *out)
{
    fprintf(out,
            "usage: dddlab plan ec --accuracy P1[,P2] --kappa K[,K...] --half-width H[,H...]\n"
            "                      [--conf C] [--sims S] [--seed S] [--max-items N] [--json]\n\n"
            "Items two observers must both see for the interval of their error\n"
            "consistency to have an expected half-width of at most H. Experiments are\n"
            "simulated from the copy model of Klein et al. (2025): observer 1 is right\n"
            "with P1; observer 2 copies observer 1's correctness with a probability that\n"
            "makes the population kappa K, else answers on its own so that its accuracy\n"
            "is P2. The half-width is half the distance between the (1-C)/2 and (1+C)/2\n"
            "quantiles of kappa over S simulated experiments (what a percentile\n"
            "bootstrap estimates); n is found by doubling and bisection to 1%%, with\n"
            "the same simulated streams at every n.\n\n"
            "  --accuracy P1[,P2] accuracies of the two observers (P2 defaults to P1)\n"
            "  --kappa K          population error consistency, 0 <= K < 1, a list\n"
            "  --half-width H     wanted half-width, a list\n"
            "  --conf C           level of the interval (default 0.95)\n"
            "  --sims S           simulated experiments per n (default 2000)\n"
            "  --seed S           seed of the simulation (default 1)\n"
            "  --max-items N      give up beyond N items (default 1000000)\n"
            "  --json             {p1, p2, conf_level, sims, seed, rows: [{kappa,\n"
            "                     half_width_target, items, half_width, copy_prob}]}\n\n"
            "example: dddlab plan ec --accuracy 0.8 --kappa 0.3,0.5 --half-width 0.1\n");
}

static const plan_opt OPTS_EC[] = {
    {"--accuracy", P_LIST, 0, 1, 2, "takes P1 or P1,P2"},
    {"--kappa", P_LIST, -1e-300, 1, MAX_LIST, NULL},
    {"--half-width", P_LIST, 0, 1, MAX_LIST, NULL},
    {"--conf", P_LIST, 0, 1, 1, "takes one number"},
    {"--sims", P_WHOLE, 10, 10000000L, 0, NULL},
    {"--seed", P_WHOLE, 0, (double)LONG_MAX, 0, NULL},
    {"--max-items", P_WHOLE, 8, 100000000L, 0, NULL},
    {"--json", P_FLAG, 0, 0, 0, NULL},
};

static int run_ec(const plan_vals *v, int json)
{
    if (!v->given[0] || !v->given[1] || !v->given[2])
        return cli_usage(CMD, "ec needs --accuracy, --kappa and --half-width");
    dl_report_plan_ec_in p = {.kappa = v->v[1],
                              .nkappa = v->n[1],
                              .half_width = v->v[2],
                              .nhw = v->n[2],
                              .base = {.p1 = v->v[0][0],
                                       .p2 = v->n[0] > 1 ? v->v[0][1] : v->v[0][0],
                                       .conf_level = val(v, 3, 0.95),
                                       .sims = (size_t)whole(v, 4, 2000),
                                       .seed = (uint64_t)whole(v, 5, 1),
                                       .nmax = (size_t)whole(v, 6, 1000000)}};
    dl_error err = {0};
    int rc = dl_report_plan_ec(&p, json, stdout, &err);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}

/* ---- (c) Krippendorff's alpha ----------------------------------------------------- */

static void help_alpha(FILE *out)
{
    fprintf(out, "usage: dddlab plan alpha --coders C --alpha A --width W [--level L]\n"
                 "                         [--categories K] [--conf C] [--sims N] [--seed S]\n"
                 "                         [--json]\n\n"
                 "Units needed for Krippendorff's alpha to come with a confidence interval no\n"
                 "wider than W, when C coders rate with population alpha A. Each study size is\n"
                 "simulated N times (a latent value per unit plus coder noise, cut into K\n"
                 "equally likely categories except at interval level); the width is the spread\n"
                 "of the estimates between the (1-C)/2 and 1-(1-C)/2 quantiles.\n\n"
                 "  --coders C       coders (observers) rating every unit, 2..1000\n"
                 "  --alpha A        population alpha, between 0 and 1\n"
                 "  --width W        wanted interval width, e.g. 0.1 (alpha +- 0.05)\n"
                 "  --level L        ordinal (default), nominal, interval or ratio\n"
                 "  --categories K   rating categories, 2..64 (default 3)\n"
                 "  --conf C         confidence level (default 0.95)\n"
                 "  --sims N         simulated studies per size (default 1000)\n"
                 "  --seed S         seed (default 1); the same seed gives the same table\n"
                 "  --json           one JSON object: the options, rows [{units, mean_alpha,\n"
                 "                   ci_low, ci_high, width}], units_needed\n\n"
                 "example: dddlab plan alpha --coders 8 --alpha 0.5 --width 0.1\n");
}

static const plan_opt OPTS_ALPHA[] = {
    {"--coders", P_NUMBER, 2, 1000, 0, NULL},    {"--alpha", P_NUMBER, 0.001, 0.999, 0, NULL},
    {"--width", P_NUMBER, 0.001, 2, 0, NULL},    {"--level", P_LEVEL, 0, 0, 0, NULL},
    {"--categories", P_NUMBER, 2, 64, 0, NULL},  {"--conf", P_NUMBER, 0.5, 0.999, 0, NULL},
    {"--sims", P_NUMBER, 100, 1000000, 0, NULL}, {"--seed", P_NUMBER, 0, 4294967295.0, 0, NULL},
    {"--json", P_FLAG, 0, 0, 0, NULL},
};

static int run_alpha(const plan_vals *v, int json)
{
    if (!v->given[0] || !v->given[1] || !v->given[2])
        return cli_usage("plan alpha", "needs --coders, --alpha and --width");
    dl_alpha_plan_opts o = {.coders = (size_t)v->v[0][0],
                            .alpha = v->v[1][0],
                            .level = (dl_level)val(v, 3, DL_LEVEL_ORDINAL),
                            .categories = (int)val(v, 4, 3),
                            .conf = val(v, 5, 0.95),
                            .sims = (size_t)val(v, 6, 1000),
                            .seed = (uint64_t)val(v, 7, 1)};
    dl_error err = {0};
    int rc = dl_report_plan_alpha(&o, v->v[2][0], json, stdout, &err);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}

/* ---- the modes -------------------------------------------------------------------- */

#define N(a) (sizeof(a) / sizeof *(a))

static const plan_mode MODES[] = {
    {"2afc", "trials for the exact binomial test against chance to reach a power", CMD, "2afc ",
     OPTS_2AFC, N(OPTS_2AFC), help_2afc, run_2afc},
    {"ec", "items for an error-consistency interval of a given half-width", CMD, "ec ", OPTS_EC,
     N(OPTS_EC), help_ec, run_ec},
    {"alpha", "units for a Krippendorff's alpha interval of a given width", "plan alpha", "",
     OPTS_ALPHA, N(OPTS_ALPHA), help_alpha, run_alpha},
};

#define NMODES N(MODES)

void help_plan(FILE *out)
{
    fprintf(out, "usage: dddlab plan MODE [options]   (dddlab plan MODE --help)\n\n"
                 "How much data an experiment needs, before a lab books observers.\n\n");
    for (size_t i = 0; i < NMODES; i++)
        fprintf(out, "  %-6s %s\n", MODES[i].name, MODES[i].summary);
    fprintf(out, "\nexample: dddlab plan 2afc --accuracy 0.7,0.8 --power 0.8,0.9\n");
}

int cmd_plan(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(CMD, "expected a mode (2afc, ec or alpha)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help_plan(stdout);
        return DL_EXIT_OK;
    }
    for (size_t i = 0; i < NMODES; i++) {
        if (strcmp(argv[1], MODES[i].name) != 0)
            continue;
        plan_vals v;
        memset(&v, 0, sizeof v);
        int rc = parse_mode(&MODES[i], argc - 1, argv + 1, &v);
        if (rc)
            return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
        /* --json is every mode's last option */
        return MODES[i].run(&v, v.given[MODES[i].nopts - 1]);
    }
    return cli_usage(CMD, "unknown mode '%s' (modes: 2afc, ec, alpha)", argv[1]);
}
