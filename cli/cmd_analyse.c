/* cmd_analyse.c — `dddlab analyse`: collected responses -> the numbers,
 * tables and figures of a results section. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_stats.h"
#include "dl_report.h"

#define MAX_LIST 256

typedef struct args {
    const char *db, *set, *ddd, *out, *exclude_items;
    const char *ratings[MAX_LIST], *trials[MAX_LIST], *exclude_obs[MAX_LIST];
    size_t nratings, ntrials, nexclude_obs;
    int include_incomplete, include_simulated, json, exclude_label_errors, balance, seed_given;
    unsigned long long seed;
    double chance;
    int chance_given;
    dl_report_columns cols;
    dl_ec_boot_opts ec_boot; /* error consistency: --bootstrap etc. */
    dl_ec_boundary ec_boundary;
} args;

enum {
    O_DB = 1000,
    O_SET,
    O_INCOMPLETE,
    O_RATINGS,
    O_TRIALS,
    O_DDD,
    O_OUT,
    O_JSON,
    O_OBS_COL,
    O_ITEM_COL,
    O_ITEM_RE,
    O_Q1,
    O_Q2,
    O_Q3,
    O_CLASS,
    O_ACC,
    O_LABEL,
    O_EXCL_COL,
    O_CORRECT,
    O_RESPONSE,
    O_TRUTH,
    O_RT,
    O_RT_UNIT,
    O_EXCL_OBS,
    O_EXCL_ITEMS,
    O_EXCL_LABEL,
    O_BALANCE,
    O_SEED,
    O_CHANCE,
    O_SIMULATED,
    O_BOOTSTRAP,
    O_CONF,
    O_RESAMPLE_OBS,
    O_THREADS,
    O_EC_BOUNDARY,
    O_HELP
};

static const struct option options[] = {{"db", required_argument, 0, O_DB},
                                        {"set", required_argument, 0, O_SET},
                                        {"include-incomplete", no_argument, 0, O_INCOMPLETE},
                                        {"include-simulated", no_argument, 0, O_SIMULATED},
                                        {"ratings", required_argument, 0, O_RATINGS},
                                        {"trials", required_argument, 0, O_TRIALS},
                                        {"ddd", required_argument, 0, O_DDD},
                                        {"out", required_argument, 0, O_OUT},
                                        {"json", no_argument, 0, O_JSON},
                                        {"observer-col", required_argument, 0, O_OBS_COL},
                                        {"item-col", required_argument, 0, O_ITEM_COL},
                                        {"item-regex", required_argument, 0, O_ITEM_RE},
                                        {"q1-col", required_argument, 0, O_Q1},
                                        {"q2-col", required_argument, 0, O_Q2},
                                        {"q3-col", required_argument, 0, O_Q3},
                                        {"class-col", required_argument, 0, O_CLASS},
                                        {"model-acc-col", required_argument, 0, O_ACC},
                                        {"label-error-col", required_argument, 0, O_LABEL},
                                        {"exclude-col", required_argument, 0, O_EXCL_COL},
                                        {"correct-col", required_argument, 0, O_CORRECT},
                                        {"response-col", required_argument, 0, O_RESPONSE},
                                        {"truth-col", required_argument, 0, O_TRUTH},
                                        {"rt-col", required_argument, 0, O_RT},
                                        {"rt-unit", required_argument, 0, O_RT_UNIT},
                                        {"exclude-observer", required_argument, 0, O_EXCL_OBS},
                                        {"exclude-items", required_argument, 0, O_EXCL_ITEMS},
                                        {"exclude-label-errors", no_argument, 0, O_EXCL_LABEL},
                                        {"balance-classes", no_argument, 0, O_BALANCE},
                                        {"seed", required_argument, 0, O_SEED},
                                        {"chance", required_argument, 0, O_CHANCE},
                                        {"bootstrap", required_argument, 0, O_BOOTSTRAP},
                                        {"conf", required_argument, 0, O_CONF},
                                        {"resample-observers", no_argument, 0, O_RESAMPLE_OBS},
                                        {"threads", required_argument, 0, O_THREADS},
                                        {"ec-boundary", required_argument, 0, O_EC_BOUNDARY},
                                        {"help", no_argument, 0, O_HELP},
                                        {0, 0, 0, 0}};

void help_analyse(FILE *out)
{
    fprintf(out,
            "usage: dddlab analyse SOURCE [FILTERS] [--chance P] [--json] [--out DIR]\n"
            "\n"
            "Turn collected responses into the numbers and figures of a results section:\n"
            "per-observer accuracy with exact binomial tests and Clopper-Pearson intervals,\n"
            "error consistency between observers, Krippendorff's alpha and correlations for\n"
            "ratings, and the DDD figures from 'dddlab stimuli analyse --out' tables.\n"
            "\n"
            "sources (one of the first three; --ddd alone or beside one):\n"
            "  --db P [--set NAME]     sessions in the store (completed ones)\n"
            "  --include-incomplete    add running, aborted and crashed sessions\n"
            "  --include-simulated     add sessions a simulated observer answered\n"
            "  --ratings FILE.csv      long CSV, one row per observer and item (repeatable)\n"
            "  --trials FILE.csv|DIR   long CSV, one row per trial (repeatable; a folder\n"
            "                          means every *.csv in it); an item answered twice by\n"
            "                          an observer: accuracy counts both, error consistency\n"
            "                          the first (as 'dddlab consistency')\n"
            "  --ddd DIR               the --out folder of 'dddlab stimuli analyse'\n"
            "\n"
            "columns of CSV sources (defaults in brackets):\n"
            "  --observer-col C [observer]   --item-col C [item]\n"
            "  --item-regex RE     POSIX extended regex on the item; group 1 is the item key\n"
            "  --q1-col C [q1]  --q2-col C [q2]  --q3-col C [q3]\n"
            "  --class-col C [difficulty]    trivial | in-between | impossible\n"
            "  --model-acc-col C [frac_correct]   --label-error-col C [label_error]\n"
            "  --exclude-col C     drop rows where C is 1\n"
            "  --correct-col C [correct]     or  --response-col C --truth-col C\n"
            "                      (right when equal; a missing response counts as wrong)\n"
            "  --rt-col C [rt_ms]  --rt-unit s|ms [ms]\n"
            "\n"
            "filters:\n"
            "  --exclude-observer CODE   leave an observer out (repeatable)\n"
            "  --exclude-items FILE      item keys to leave out, one per line\n"
            "  --exclude-label-errors    leave out items that are label errors\n"
            "  --balance-classes         subsample trivial / in-between / impossible to equal\n"
            "                            numbers\n"
            "  --seed S                  seed of that subsample (GSL mt19937; default 1) and\n"
            "                            of the bootstrap\n"
            "\n"
            "uncertainty:\n"
            "  --bootstrap N       N bootstrap replicates resampling items: percentile\n"
            "                      intervals of every pair's and the mean error consistency\n"
            "                      (trials, as 'dddlab consistency'); Krippendorff's alpha\n"
            "                      with an interval, p(alpha < 0.667 / 0.8), and each\n"
            "                      observer's leave-one-out and mean pairwise alpha (ratings)\n"
            "  --conf C [0.95]     --resample-observers (the mean's interval)\n"
            "  --threads T         threads of the bootstrap (same result on any number)\n"
            "  --ec-boundary undefined|one   kappa when both are always right or both\n"
            "                      always wrong: missing (default) or 1 (older convention)\n"
            "\n"
            "  --chance P          accuracy of guessing [0.5]; 1/16 for 16-way tasks\n"
            "  --json              one JSON object on stdout\n"
            "  --out DIR           CSV tables, figures (PNG, SVG), report.html, report.md\n"
            "\n"
            "examples:\n"
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
            "Exit status: 0 success, 1 bad data, 2 usage error.\n");
}

static int push(const char **list, size_t *n, const char *v)
{
    if (*n >= MAX_LIST)
        return cli_usage("analyse", "at most %d values per option", MAX_LIST);
    list[(*n)++] = v;
    return 0;
}

/* Where each option that takes a string or is a flag puts it (an offset
 * into args), and the bit of an optional column it names explicitly. */
#define COL(f) offsetof(args, cols.f)
static const struct {
    size_t off;
    int code;
    int bit;
} STRINGS[] = {{offsetof(args, db), O_DB, 0},
               {offsetof(args, set), O_SET, 0},
               {offsetof(args, ddd), O_DDD, 0},
               {offsetof(args, out), O_OUT, 0},
               {offsetof(args, exclude_items), O_EXCL_ITEMS, 0},
               {COL(observer), O_OBS_COL, 0},
               {COL(item), O_ITEM_COL, 0},
               {COL(item_regex), O_ITEM_RE, 0},
               {COL(q[0]), O_Q1, 0},
               {COL(q[1]), O_Q2, 0},
               {COL(q[2]), O_Q3, 0},
               {COL(class_col), O_CLASS, DL_REPORT_COL_CLASS},
               {COL(model_acc), O_ACC, DL_REPORT_COL_MODEL_ACC},
               {COL(label_error), O_LABEL, DL_REPORT_COL_LABEL_ERROR},
               {COL(exclude), O_EXCL_COL, 0},
               {COL(correct), O_CORRECT, 0},
               {COL(response), O_RESPONSE, 0},
               {COL(truth), O_TRUTH, 0},
               {COL(rt), O_RT, DL_REPORT_COL_RT}},
  FLAGS[] = {{offsetof(args, include_incomplete), O_INCOMPLETE, 0},
             {offsetof(args, include_simulated), O_SIMULATED, 0},
             {offsetof(args, json), O_JSON, 0},
             {offsetof(args, exclude_label_errors), O_EXCL_LABEL, 0},
             {offsetof(args, balance), O_BALANCE, 0}};

/* A string or flag option: 1 when c is one, else 0. */
static int simple_option(args *a, int c, const char *v)
{
    for (size_t i = 0; i < sizeof STRINGS / sizeof *STRINGS; i++)
        if (STRINGS[i].code == c) {
            *(const char **)((char *)a + STRINGS[i].off) = v;
            a->cols.explicit_optional |= STRINGS[i].bit;
            return 1;
        }
    for (size_t i = 0; i < sizeof FLAGS / sizeof *FLAGS; i++)
        if (FLAGS[i].code == c) {
            *(int *)((char *)a + FLAGS[i].off) = 1;
            return 1;
        }
    return 0;
}

static int number_option(args *a, int c, const char *v)
{
    long seed;
    if (c == O_SEED) {
        if (dl_parse_long(v, &seed) != 0 || seed < 0)
            return cli_usage("analyse", "--seed needs a whole number >= 0, not '%s'", v);
        a->seed = (unsigned long long)seed;
        a->seed_given = 1;
        return 0;
    }
    if (dl_parse_double(v, &a->chance) != 0 || !(a->chance > 0 && a->chance < 1))
        return cli_usage("analyse", "--chance needs a probability between 0 and 1, not '%s'", v);
    a->chance_given = 1;
    return 0;
}

static int parse(int argc, char **argv, args *a)
{
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        int rc = 0;
        if (simple_option(a, c, optarg))
            continue;
        switch (c) {
        case O_RATINGS:
            rc = push(a->ratings, &a->nratings, optarg);
            break;
        case O_TRIALS:
            rc = push(a->trials, &a->ntrials, optarg);
            break;
        case O_RT_UNIT:
            if (strcmp(optarg, "s") != 0 && strcmp(optarg, "ms") != 0)
                return cli_usage("analyse", "--rt-unit must be s or ms, not '%s'", optarg);
            a->cols.rt_to_ms = optarg[1] ? 1 : 1000;
            break;
        case O_EXCL_OBS:
            rc = push(a->exclude_obs, &a->nexclude_obs, optarg);
            break;
        case O_SEED:
        case O_CHANCE:
            rc = number_option(a, c, optarg);
            break;
        case O_BOOTSTRAP:
        case O_CONF:
        case O_RESAMPLE_OBS:
        case O_THREADS:
        case O_EC_BOUNDARY: {
            static const int code[] = {'B', 'C', 'R', 'T', 'E'};
            rc = cli_ec_option("analyse", code[c - O_BOOTSTRAP], optarg, &a->ec_boot,
                               &a->ec_boundary);
            break;
        }
        case 'h':
        case O_HELP:
            help_analyse(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_bad_option("analyse", c, argv);
        }
        if (rc)
            return rc;
    }
    if (optind < argc)
        return cli_usage("analyse", "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int check(const args *a)
{
    int sources = (a->db != NULL) + (a->nratings > 0) + (a->ntrials > 0);
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
    for (size_t i = 0; !rc && i < a->nratings; i++)
        rc = dl_report_load_ratings_csv(r, a->ratings[i], &a->cols, err);
    for (size_t i = 0; !rc && i < a->ntrials; i++)
        rc = dl_report_load_trials_path(r, a->trials[i], &a->cols, err);
    if (!rc && a->ddd)
        rc = dl_report_load_ddd(r, a->ddd, err);
    return rc;
}

/* The command line as a shell would need it, for the report page. */
static char *command_line(int argc, char **argv)
{
    dl_buf b;
    dl_buf_init(&b);
    dl_buf_printf(&b, "dddlab");
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "-_./=:,+@%") == strlen(s)) {
            dl_buf_printf(&b, " %s", s);
            continue;
        }
        dl_buf_printf(&b, " '");
        for (; *s; s++)
            if (*s == '\'')
                dl_buf_printf(&b, "'\\''");
            else
                dl_buf_append(&b, s, 1);
        dl_buf_printf(&b, "'");
    }
    return b.data;
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
    opt.exclude_observers = a.exclude_obs;
    opt.nexclude_observers = a.nexclude_obs;
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
    char *cmd = command_line(argc, argv);
    if (!r || !cmd) {
        dl_fail(&err, DL_ENOMEM, "out of memory");
        rc = cli_fail(err.code, &err);
        goto done;
    }
    if (load(r, &a, &err) || (a.db && cli_warn_orphans_path(a.db, "the analysis", &err)) ||
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
