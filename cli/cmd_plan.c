/* cmd_plan.c — `dddlab plan MODE ...`: how many trials or items before a lab
 * books observers. One table of modes; each mode parses its own options,
 * calls the statistics core and prints a text table or JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_stats.h"
#include "dl_stats.h"

#define CMD "plan"

typedef struct plan_mode {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
} plan_mode;

static int plan_2afc(int argc, char **argv);
static void help_2afc(FILE *out);
static int plan_ec(int argc, char **argv);
static void help_ec(FILE *out);

static const plan_mode MODES[] = {
    {"2afc", "trials for the exact binomial test against chance to reach a power", plan_2afc,
     help_2afc},
    {"ec", "items for an error-consistency interval of a given half-width", plan_ec, help_ec},
    {"alpha", "units for a Krippendorff's alpha interval of a given width", cli_plan_alpha,
     help_plan_alpha},
};

#define NMODES (sizeof MODES / sizeof *MODES)

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
    for (size_t i = 0; i < NMODES; i++)
        if (strcmp(argv[1], MODES[i].name) == 0)
            return MODES[i].run(argc - 1, argv + 1);
    return cli_usage(CMD, "unknown mode '%s' (modes: 2afc, ec, alpha)", argv[1]);
}

/* ---- shared option parsing ------------------------------------------------------ */

enum { MAX_LIST = 32 };

/* A comma-separated list of numbers in (lo, hi) (open) into v. */
static int parse_list(const char *mode, const char *opt, const char *s, double lo, double hi,
                      double *v, size_t *n)
{
    char buf[1024];
    *n = 0;
    if (strlen(s) >= sizeof buf)
        return cli_usage(CMD, "%s %s: list too long", mode, opt);
    strcpy(buf, s);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        double x;
        if (*n == MAX_LIST)
            return cli_usage(CMD, "%s %s: at most %d values", mode, opt, MAX_LIST);
        if (dl_parse_double(tok, &x) != 0 || !(x > lo && x < hi))
            return cli_usage(CMD, "%s %s needs numbers between %g and %g (exclusive), not '%s'",
                             mode, opt, lo, hi, tok);
        v[(*n)++] = x;
    }
    if (*n == 0)
        return cli_usage(CMD, "%s %s needs at least one number", mode, opt);
    return 0;
}

static int parse_whole(const char *mode, const char *opt, const char *s, long lo, long hi,
                       long *out)
{
    char what[64];
    snprintf(what, sizeof what, "%s %s", mode, opt);
    return cli_whole(CMD, what, s, lo, hi, out);
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

typedef struct plan2_opts {
    double acc[MAX_LIST], power[MAX_LIST];
    size_t nacc, npower;
    double alpha, chance;
    long nmax;
    int json;
} plan2_opts;

static int parse_2afc(int argc, char **argv, plan2_opts *o)
{
    static const struct option longopts[] = {{"accuracy", required_argument, NULL, 'a'},
                                             {"power", required_argument, NULL, 'p'},
                                             {"alpha", required_argument, NULL, 'l'},
                                             {"chance", required_argument, NULL, 'c'},
                                             {"max-trials", required_argument, NULL, 'm'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (plan2_opts){.power = {0.8}, .npower = 1, .alpha = 0.05, .chance = 0.5, .nmax = 100000};
    size_t one;
    int c, rc = 0;
    cli_getopt_reset();
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            rc = parse_list("2afc", "--accuracy", optarg, 0, 1, o->acc, &o->nacc);
            break;
        case 'p':
            rc = parse_list("2afc", "--power", optarg, 0, 1, o->power, &o->npower);
            break;
        case 'l':
            rc = parse_list("2afc", "--alpha", optarg, 0, 1, &o->alpha, &one);
            rc = rc ? rc : one > 1 ? cli_usage(CMD, "2afc --alpha takes one number") : 0;
            break;
        case 'c':
            rc = parse_list("2afc", "--chance", optarg, 0, 1, &o->chance, &one);
            rc = rc ? rc : one > 1 ? cli_usage(CMD, "2afc --chance takes one number") : 0;
            break;
        case 'm':
            rc = parse_whole("2afc", "--max-trials", optarg, 1, 100000000L, &o->nmax);
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            help_2afc(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage(CMD, "2afc: unexpected argument '%s'", argv[optind]);
    if (o->nacc == 0)
        return cli_usage(CMD, "2afc needs --accuracy A (the observer's expected accuracy)");
    return 0;
}

static int plan_2afc(int argc, char **argv)
{
    plan2_opts o;
    int rc = parse_2afc(argc, argv, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    dl_json j;
    if (o.json) {
        dl_json_init(&j, stdout);
        dl_json_object_begin(&j);
        dl_json_key(&j, "chance");
        dl_json_number(&j, o.chance);
        dl_json_key(&j, "alpha");
        dl_json_number(&j, o.alpha);
        dl_json_key(&j, "rows");
        dl_json_array_begin(&j);
    } else {
        printf("2AFC: trials for the exact binomial test against chance %g (one-sided, alpha "
               "%g)\n",
               o.chance, o.alpha);
        printf("  %8s  %6s  %8s  %8s  %8s  %8s\n", "accuracy", "power", "trials", "first",
               "critical", "power@n");
    }
    for (size_t a = 0; a < o.nacc; a++)
        for (size_t p = 0; p < o.npower; p++) {
            dl_plan_2afc r;
            const char *why = NULL;
            int prc = dl_stats_plan_2afc(o.acc[a], o.chance, o.alpha, o.power[p], (unsigned)o.nmax,
                                         &r, &why);
            if (o.json) {
                dl_json_object_begin(&j);
                dl_json_key(&j, "accuracy");
                dl_json_number(&j, o.acc[a]);
                dl_json_key(&j, "power_target");
                dl_json_number(&j, o.power[p]);
                dl_json_key(&j, "trials");
                prc ? dl_json_null(&j) : dl_json_int(&j, r.n);
                dl_json_key(&j, "first_trials");
                prc ? dl_json_null(&j) : dl_json_int(&j, r.first_n);
                dl_json_key(&j, "critical");
                prc ? dl_json_null(&j) : dl_json_int(&j, r.critical);
                dl_json_key(&j, "power");
                dl_json_number(&j, prc ? NAN : r.power);
                if (prc) {
                    dl_json_key(&j, "why");
                    dl_json_string(&j, why ? why : "invalid input");
                }
                dl_json_object_end(&j);
            } else if (prc) {
                printf("  %8.4g  %6.4g  %s\n", o.acc[a], o.power[p], why ? why : "invalid input");
            } else {
                printf("  %8.4g  %6.4g  %8u  %8u  %8u  %8.4f\n", o.acc[a], o.power[p], r.n,
                       r.first_n, r.critical, r.power);
            }
        }
    if (o.json) {
        dl_json_array_end(&j);
        dl_json_object_end(&j);
        dl_json_end(&j);
    } else {
        printf("trials: smallest number from which the power stays >= the target; critical: "
               "correct answers needed at that number\n");
    }
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

typedef struct plane_opts {
    double acc[MAX_LIST], kappa[MAX_LIST], hw[MAX_LIST];
    size_t nacc, nkappa, nhw;
    dl_plan_ec_opts base;
    int json;
} plane_opts;

static int parse_ec(int argc, char **argv, plane_opts *o)
{
    static const struct option longopts[] = {{"accuracy", required_argument, NULL, 'a'},
                                             {"kappa", required_argument, NULL, 'k'},
                                             {"half-width", required_argument, NULL, 'w'},
                                             {"conf", required_argument, NULL, 'c'},
                                             {"sims", required_argument, NULL, 's'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"max-items", required_argument, NULL, 'm'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (plane_opts){.base = {.conf_level = 0.95, .sims = 2000, .seed = 1, .nmax = 1000000}};
    size_t one;
    long v;
    int c, rc = 0;
    cli_getopt_reset();
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            rc = parse_list("ec", "--accuracy", optarg, 0, 1, o->acc, &o->nacc);
            rc = rc ? rc : o->nacc > 2 ? cli_usage(CMD, "ec --accuracy takes P1 or P1,P2") : 0;
            break;
        case 'k':
            rc = parse_list("ec", "--kappa", optarg, -1e-300, 1, o->kappa, &o->nkappa);
            break;
        case 'w':
            rc = parse_list("ec", "--half-width", optarg, 0, 1, o->hw, &o->nhw);
            break;
        case 'c':
            rc = parse_list("ec", "--conf", optarg, 0, 1, &o->base.conf_level, &one);
            rc = rc ? rc : one > 1 ? cli_usage(CMD, "ec --conf takes one number") : 0;
            break;
        case 's':
            if ((rc = parse_whole("ec", "--sims", optarg, 10, 10000000L, &v)) == 0)
                o->base.sims = (size_t)v;
            break;
        case 'S':
            if ((rc = parse_whole("ec", "--seed", optarg, 0, 0x7fffffffffffffffL, &v)) == 0)
                o->base.seed = (uint64_t)v;
            break;
        case 'm':
            if ((rc = parse_whole("ec", "--max-items", optarg, 8, 100000000L, &v)) == 0)
                o->base.nmax = (size_t)v;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            help_ec(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage(CMD, "ec: unexpected argument '%s'", argv[optind]);
    if (!o->nacc || !o->nkappa || !o->nhw)
        return cli_usage(CMD, "ec needs --accuracy, --kappa and --half-width");
    o->base.p1 = o->acc[0];
    o->base.p2 = o->nacc > 1 ? o->acc[1] : o->acc[0];
    return 0;
}

static void ec_json_head(dl_json *j, const plane_opts *o)
{
    dl_json_init(j, stdout);
    dl_json_object_begin(j);
    const char *keys[] = {"p1", "p2", "conf_level"};
    const double vals[] = {o->base.p1, o->base.p2, o->base.conf_level};
    for (size_t i = 0; i < 3; i++) {
        dl_json_key(j, keys[i]);
        dl_json_number(j, vals[i]);
    }
    dl_json_key(j, "sims");
    dl_json_int(j, (long long)o->base.sims);
    dl_json_key(j, "seed");
    dl_json_int(j, (long long)o->base.seed);
    dl_json_key(j, "rows");
    dl_json_array_begin(j);
}

static void ec_json_row(dl_json *j, const dl_plan_ec_opts *b, int rc, const dl_plan_ec *r,
                        const char *why)
{
    dl_json_object_begin(j);
    dl_json_key(j, "kappa");
    dl_json_number(j, b->kappa);
    dl_json_key(j, "half_width_target");
    dl_json_number(j, b->half_width);
    dl_json_key(j, "items");
    rc ? dl_json_null(j) : dl_json_int(j, (long long)r->n);
    dl_json_key(j, "half_width");
    dl_json_number(j, rc ? NAN : r->half_width);
    dl_json_key(j, "copy_prob");
    dl_json_number(j, rc ? NAN : r->copy_prob);
    if (rc) {
        dl_json_key(j, "why");
        dl_json_string(j, why ? why : "invalid input");
    }
    dl_json_object_end(j);
}

static int plan_ec(int argc, char **argv)
{
    plane_opts o;
    int rc = parse_ec(argc, argv, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    dl_json j;
    if (o.json) {
        ec_json_head(&j, &o);
    } else {
        printf("error consistency: items for a %g%% interval of half-width H (copy model, "
               "accuracies %g and %g, %zu simulations, seed %llu)\n",
               100 * o.base.conf_level, o.base.p1, o.base.p2, o.base.sims,
               (unsigned long long)o.base.seed);
        printf("  %6s  %6s  %8s  %10s  %9s\n", "kappa", "H", "items", "half-width", "copy prob");
    }
    for (size_t k = 0; k < o.nkappa; k++)
        for (size_t h = 0; h < o.nhw; h++) {
            dl_plan_ec_opts b = o.base;
            b.kappa = o.kappa[k];
            b.half_width = o.hw[h];
            dl_plan_ec r;
            const char *why = NULL;
            int prc = dl_stats_plan_ec(&b, &r, &why);
            if (prc == DL_ENOMEM) {
                fprintf(stderr, "dddlab: plan: out of memory\n");
                return DL_EXIT_FAIL;
            }
            if (o.json)
                ec_json_row(&j, &b, prc, &r, why);
            else if (prc)
                printf("  %6.4g  %6.4g  %s\n", b.kappa, b.half_width, why ? why : "invalid input");
            else
                printf("  %6.4g  %6.4g  %8zu  %10.4f  %9.4f\n", b.kappa, b.half_width, r.n,
                       r.half_width, r.copy_prob);
        }
    if (o.json) {
        dl_json_array_end(&j);
        dl_json_object_end(&j);
        dl_json_end(&j);
    }
    return DL_EXIT_OK;
}
