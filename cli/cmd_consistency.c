/* cmd_consistency.c — `dddlab consistency FILE...`: error consistency
 * (Geirhos et al. 2020) between every pair of observers over the items both
 * saw, optionally per group of a column. Reading, statistics and the three
 * outputs are dl_report_ec (analysis/report_consistency.c). */
#include <string.h>

#include "cmd_stats.h"
#include "dl_report.h"

#define CMD "consistency"

typedef struct con_opts {
    char **paths;
    size_t npaths;
    const char *out_path; /* --out: CSV of the pairs */
    int json;
    dl_report_ec_opts ec;
} con_opts;

void help_consistency(FILE *out)
{
    fprintf(out,
            "usage: dddlab consistency FILE... [--observer-col O] [--item-col I]\n"
            "                          (--correct-col C | --response-col R --truth-col T)\n"
            "                          [--item-regex RE] [--by COL] [--json] [--out CSV]\n"
            "                          [--bootstrap N [--seed S] [--conf C]\n"
            "                          [--resample-observers] [--threads T]]\n"
            "                          [--ec-boundary undefined|one]\n\n"
            "Error consistency (Geirhos et al. 2020) between every pair of observers over\n"
            "the items both saw: c_obs, the fraction of items both got right or both got\n"
            "wrong; c_exp = p1 p2 + (1-p1)(1-p2) from their accuracies; kappa =\n"
            "(c_obs - c_exp) / (1 - c_exp). FILE is a CSV with one row per response; several\n"
            "files (e.g. one per observer) are read as one. Correctness comes from a 0/1 or\n"
            "true/false column, or from comparing a response with the true answer; a\n"
            "missing response (empty, na, NaN) counts as wrong. Per pair also: kappa_min and\n"
            "kappa_max, the range the two accuracies allow (Klein et al. 2025); p, Fisher's\n"
            "exact test (two-sided) of independence of right/wrong; the small-sample\n"
            "corrected kappa n k / ((n-1) + k) (JSON and CSV). When an observer answered\n"
            "an item more than once, the first answer counts (as in 'dddlab analyse\n"
            "--trials'); the table and JSON say how many were left out.\n\n"
            "  --observer-col O   column naming the observer (default observer)\n"
            "  --item-col I       column naming the item (default item)\n"
            "  --correct-col C    column with 1/0 or true/false\n"
            "  --response-col R   column with the observer's response ...\n"
            "  --truth-col T      ... and column with the right answer\n"
            "  --item-regex RE    POSIX extended regex; its first group (or the whole match\n"
            "                     when it has none) is the item key, e.g. '_([^_]+)$' turns\n"
            "                     0001_edg_s01_0_oven_00_oven10.png into oven10.png\n"
            "  --by COL           one analysis per value of COL\n"
            "  --bootstrap N      N replicates resampling items (all pairs share each draw):\n"
            "                     a percentile interval per pair and for the mean kappa\n"
            "  --seed S           seed of the bootstrap (default 1); same seed, same\n"
            "                     intervals on any number of threads\n"
            "  --conf C           confidence level of the intervals (default 0.95)\n"
            "  --resample-observers  the mean's interval also resamples observers\n"
            "  --threads T        threads for the bootstrap (default: one per core)\n"
            "  --ec-boundary B    kappa when both are always right or both always wrong\n"
            "                     (c_exp = 1): undefined (default; missing, left out of the\n"
            "                     mean with a count) or one (the older convention)\n"
            "  --out CSV          also write the pairs (and the mean) to a CSV file\n"
            "  --json             one JSON object: observers, items, ec_boundary, bootstrap,\n"
            "                     pairs [{a, b, items, p1, p2, c_obs, c_exp, kappa,\n"
            "                     kappa_corrected, kappa_min, kappa_max, p_value, ci_low,\n"
            "                     ci_high, why}], mean_kappa (+ ci), min_kappa, max_kappa,\n"
            "                     sd_kappa, pairs_used, undefined_pairs; with --by: by,\n"
            "                     groups {value: {...}}\n\n"
            "example: dddlab consistency edge/*.csv --observer-col subj --item-col imagename \\\n"
            "             --response-col object_response --truth-col category \\\n"
            "             --item-regex '_([^_]+)$'\n");
}

/* ---- options ------------------------------------------------------------------ */

static int check_columns(const dl_report_columns *k)
{
    if (k->correct && (k->response || k->truth))
        return cli_usage(CMD, "give either --correct-col or --response-col and --truth-col");
    if (!k->correct && !(k->response && k->truth))
        return cli_usage(CMD, "%s",
                         k->response || k->truth
                             ? "--response-col and --truth-col go together"
                             : "say how to tell right from wrong: --correct-col C, or "
                               "--response-col R with --truth-col T");
    if (k->item_regex) {
        regex_t re;
        dl_error err = {0};
        if (dl_report_item_regex(&re, k->item_regex, &err))
            return cli_usage(CMD, "%s", err.msg);
        regfree(&re);
    }
    return 0;
}

static int parse_args(int argc, char **argv, con_opts *o)
{
    static const struct option longopts[] = {{"observer-col", required_argument, NULL, 'o'},
                                             {"item-col", required_argument, NULL, 'i'},
                                             {"correct-col", required_argument, NULL, 'c'},
                                             {"response-col", required_argument, NULL, 'r'},
                                             {"truth-col", required_argument, NULL, 't'},
                                             {"item-regex", required_argument, NULL, 'x'},
                                             {"by", required_argument, NULL, 'b'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"out", required_argument, NULL, 'O'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"conf", required_argument, NULL, 'C'},
                                             {"resample-observers", no_argument, NULL, 'R'},
                                             {"threads", required_argument, NULL, 'T'},
                                             {"ec-boundary", required_argument, NULL, 'E'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (con_opts){.ec = {.boot = {.seed = 1, .conf_level = 0.95}}};
    dl_report_columns *k = &o->ec.cols;
    k->observer = "observer";
    k->item = "item";
    /* Where each option's value goes; NULL for the ones handled below. */
    const char **dest[128] = {
        ['o'] = &k->observer, ['i'] = &k->item,       ['c'] = &k->correct, ['r'] = &k->response,
        ['t'] = &k->truth,    ['x'] = &k->item_regex, ['b'] = &o->ec.by,   ['O'] = &o->out_path};
    int c, rc;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c > 0 && c < 128 && dest[c]) {
            *dest[c] = optarg;
            continue;
        }
        switch (c) {
        case 'B':
        case 'S':
        case 'C':
        case 'R':
        case 'T':
        case 'E':
            if ((rc = cli_ec_option(CMD, c, optarg, &o->ec.boot, &o->ec.boundary)))
                return rc;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            help_consistency(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (optind == argc)
        return cli_usage(CMD, "expected a FILE");
    o->paths = argv + optind;
    o->npaths = (size_t)(argc - optind);
    o->ec.boot.boundary = o->ec.boundary;
    return check_columns(k);
}

/* --out: the CSV, written to a temporary file and renamed, so a failure
 * leaves nothing. */
static int write_csv(const char *path, const dl_report_ec *e, dl_error *err)
{
    dl_atomic a;
    int rc = dl_atomic_open(&a, path, err);
    if (rc)
        return rc;
    dl_report_ec_write_csv(e, a.fp);
    return dl_atomic_commit(&a, err);
}

int cmd_consistency(int argc, char **argv)
{
    con_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    dl_report_ec *e = NULL;
    dl_error err = {0};
    rc = dl_report_ec_run((const char *const *)o.paths, o.npaths, &o.ec, &e, &err);
    if (rc == 0 && o.out_path)
        rc = write_csv(o.out_path, e, &err);
    if (rc == 0 && o.json)
        dl_report_ec_write_json(e, stdout);
    else if (rc == 0)
        dl_report_ec_write_text(e, stdout);
    dl_report_ec_free(e);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}
