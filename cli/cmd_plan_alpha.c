/* cmd_plan_alpha.c — `dddlab plan alpha`: how many units (images) a rating
 * study needs for Krippendorff's alpha to come with a confidence interval no
 * wider than a given width, simulated from coders with a known population
 * alpha (dl_alpha_plan, analysis/stats_alpha_plan.c).
 *
 * cli_plan_alpha takes the arguments of the mode: argv[0] is the mode's name
 * ("alpha"), its options follow; `dddlab plan` dispatches to it. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dl_stats.h"

#define CMD "plan alpha"

/* Candidate study sizes, tried in order until one is narrow enough. */
static const size_t GRID[] = {20,  30,   50,   75,   100,  150,  200,  300,   500,
                              750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 20000};
enum { NGRID = sizeof GRID / sizeof *GRID };

typedef struct plan_args {
    dl_alpha_plan_opts o;
    double width;
    int json;
} plan_args;

void help_plan_alpha(FILE *out)
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

static int parse(int argc, char **argv, plan_args *a)
{
    static const struct option opts[] = {{"coders", required_argument, 0, 'c'},
                                         {"alpha", required_argument, 0, 'a'},
                                         {"width", required_argument, 0, 'w'},
                                         {"level", required_argument, 0, 'l'},
                                         {"categories", required_argument, 0, 'k'},
                                         {"conf", required_argument, 0, 'C'},
                                         {"sims", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    a->o = (dl_alpha_plan_opts){
        .level = DL_LEVEL_ORDINAL, .categories = 3, .conf = 0.95, .sims = 1000, .seed = 1};
    double x;
    int c, rc = 0, lv, have = 0;
    cli_getopt_reset();
    while (rc == 0 && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            rc = cli_number(CMD, "--coders", optarg, 2, 1000, &x);
            a->o.coders = (size_t)x;
            have |= 1;
            break;
        case 'a':
            rc = cli_number(CMD, "--alpha", optarg, 0.001, 0.999, &a->o.alpha);
            have |= 2;
            break;
        case 'w':
            rc = cli_number(CMD, "--width", optarg, 0.001, 2, &a->width);
            have |= 4;
            break;
        case 'l':
            if ((lv = dl_stats_level_parse(optarg)) < 0)
                return cli_usage(CMD,
                                 "--level must be nominal, ordinal, interval or ratio, "
                                 "not '%s'",
                                 optarg);
            a->o.level = (dl_level)lv;
            break;
        case 'k':
            rc = cli_number(CMD, "--categories", optarg, 2, 64, &x);
            a->o.categories = (int)x;
            break;
        case 'C':
            rc = cli_number(CMD, "--conf", optarg, 0.5, 0.999, &a->o.conf);
            break;
        case 'n':
            rc = cli_number(CMD, "--sims", optarg, 100, 1000000, &x);
            a->o.sims = (size_t)x;
            break;
        case 's':
            rc = cli_number(CMD, "--seed", optarg, 0, 4294967295.0, &x);
            a->o.seed = (uint64_t)x;
            break;
        case 'j':
            a->json = 1;
            break;
        case 'h':
            help_plan_alpha(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_bad_option(CMD, c, argv);
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
    if (have != 7)
        return cli_usage(CMD, "needs --coders, --alpha and --width");
    return 0;
}

static void print_rows(const plan_args *a, const dl_alpha_plan_row *rows, size_t n, size_t needed,
                       double noise_sd)
{
    const dl_alpha_plan_opts *o = &a->o;
    if (a->json) {
        dl_json j;
        dl_json_init(&j, stdout);
        dl_json_object_begin(&j);
        dl_json_key(&j, "coders");
        dl_json_int(&j, (long long)o->coders);
        dl_json_key(&j, "alpha");
        dl_json_number(&j, o->alpha);
        dl_json_key(&j, "level");
        dl_json_string(&j, dl_stats_level_name(o->level));
        dl_json_key(&j, "categories");
        if (o->level == DL_LEVEL_INTERVAL)
            dl_json_null(&j);
        else
            dl_json_int(&j, o->categories);
        dl_json_key(&j, "width");
        dl_json_number(&j, a->width);
        dl_json_key(&j, "conf");
        dl_json_number(&j, o->conf);
        dl_json_key(&j, "sims");
        dl_json_int(&j, (long long)o->sims);
        dl_json_key(&j, "seed");
        dl_json_int(&j, (long long)o->seed);
        dl_json_key(&j, "noise_sd");
        dl_json_number(&j, noise_sd);
        dl_json_key(&j, "rows");
        dl_json_array_begin(&j);
        for (size_t i = 0; i < n; i++) {
            dl_json_object_begin(&j);
            dl_json_key(&j, "units");
            dl_json_int(&j, (long long)rows[i].units);
            dl_json_key(&j, "mean_alpha");
            dl_json_number(&j, rows[i].mean_alpha);
            dl_json_key(&j, "ci_low");
            dl_json_number(&j, rows[i].ci_low);
            dl_json_key(&j, "ci_high");
            dl_json_number(&j, rows[i].ci_high);
            dl_json_key(&j, "width");
            dl_json_number(&j, rows[i].width);
            dl_json_object_end(&j);
        }
        dl_json_array_end(&j);
        dl_json_key(&j, "units_needed");
        if (needed)
            dl_json_int(&j, (long long)needed);
        else
            dl_json_null(&j);
        dl_json_object_end(&j);
        dl_json_end(&j);
        return;
    }
    printf("alpha %.3g with %zu coders (%s", o->alpha, o->coders, dl_stats_level_name(o->level));
    if (o->level != DL_LEVEL_INTERVAL)
        printf(", %d categories", o->categories);
    printf("); %g%% interval width wanted: %.3g\n", 100 * o->conf, a->width);
    printf("%zu simulated studies per size, seed %llu, coder noise SD %.4f\n\n", o->sims,
           (unsigned long long)o->seed, noise_sd);
    printf("  %7s  %10s  %17s  %7s\n", "units", "mean alpha", "interval", "width");
    for (size_t i = 0; i < n; i++)
        printf("  %7zu  %10.4f  %7.4f - %7.4f  %7.4f\n", rows[i].units, rows[i].mean_alpha,
               rows[i].ci_low, rows[i].ci_high, rows[i].width);
    if (needed)
        printf("\nunits needed: %zu (the last row: the smallest size found with width <= %.3g)\n",
               needed, a->width);
    else
        printf("\nunits needed: more than %zu (width %.3g not reached)\n", rows[n - 1].units,
               a->width);
}

int cli_plan_alpha(int argc, char **argv)
{
    plan_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    dl_alpha_plan_row rows[NGRID + 1];
    size_t n = 0, needed = 0;
    double noise_sd = NAN;
    dl_error err = {0};
    /* Coarse grid until wide enough, then bisect between the last two sizes. */
    for (size_t i = 0; i < NGRID && !needed; i++, n++) {
        if ((rc = dl_alpha_plan(&a.o, &GRID[i], 1, &rows[n], &noise_sd)) != 0)
            break;
        a.o.noise_sd = noise_sd; /* calibrated once */
        if (rows[n].width <= a.width)
            needed = GRID[i];
    }
    if (rc == 0 && needed && n >= 2) {
        size_t lo = GRID[n - 2], hi = GRID[n - 1];
        dl_alpha_plan_row r;
        while (hi - lo > (hi < 200 ? 1 : hi / 100)) {
            size_t mid = lo + (hi - lo) / 2;
            if ((rc = dl_alpha_plan(&a.o, &mid, 1, &r, NULL)) != 0)
                break;
            if (r.width <= a.width) {
                hi = mid;
                rows[n - 1] = r;
            } else {
                lo = mid;
            }
        }
        needed = hi;
    }
    if (rc) {
        dl_fail(&err, rc, "%s: %s", CMD,
                rc == DL_EUNDEF ? "the generator cannot reach that alpha" : dl_strerror(rc));
        return cli_fail(rc, &err);
    }
    print_rows(&a, rows, n, needed, noise_sd);
    return DL_EXIT_OK;
}
