/* cmd_consistency.c — `dddlab consistency FILE...`: error consistency
 * (Geirhos et al. 2020) between every pair of observers over the items both
 * saw, optionally per group of a column. Reading, statistics and the three
 * outputs are dl_report_ec (analysis/report_consistency.c). */
#include <limits.h>
#include <stddef.h>

#include "cli_groups.h"
#include "dl_stats.h"
#include "dl_report.h"

#define CMD "consistency"

typedef struct con_opts {
    const char *out_path; /* --out: CSV of the pairs */
    int json;
    dl_report_ec_opts ec;
} con_opts;

#define T con_opts
static const dl_opt con_table[] = {
    DL_OPT_STR(T, "by", ec.by, "COL", "one analysis per value of COL"),
    DL_OPT_WHOLE(T, "bootstrap", ec.boot.replicates, 1, 10000000, "N",
                 "N replicates resampling items (all pairs share each draw):\n"
                 "a percentile interval per pair and for the mean kappa"),
    DL_OPT_WHOLE(T, "seed", ec.boot.seed, 0, LONG_MAX, "S",
                 "seed of the bootstrap (default 1); same seed, same\n"
                 "intervals on any number of threads"),
    DL_OPT_STR(T, "out", out_path, "CSV", "also write the pairs (and the mean) to a CSV file"),
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: observers, items, ec_boundary, bootstrap,\n"
                "pairs [{a, b, items, p1, p2, c_obs, c_exp, kappa,\n"
                "kappa_corrected, kappa_min, kappa_max, p_value, ci_low,\n"
                "ci_high, why}], mean_kappa (+ ci), min_kappa, max_kappa,\n"
                "sd_kappa, pairs_used, undefined_pairs; with --by: by,\n"
                "groups {value: {...}}"),
};
static const dl_opt_group con_groups[] = {
    DL_OPT_GROUP(con_table, 0),
    DL_OPT_HEADED_GROUP(cli_columns_table, "columns (defaults in brackets)", offsetof(T, ec.cols)),
    DL_OPT_HEADED_GROUP(cli_ec_table, "the bootstrap and the boundary", offsetof(T, ec.boot))};
#undef T
static const dl_opt_spec cli_spec_consistency = {
    .cmd = CMD,
    .args = "FILE...",
    .about = "Error consistency (Geirhos et al. 2020) between every pair of observers over\n"
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
             "--trials'); the table and JSON say how many were left out.\n",
    .groups = con_groups,
    .ngroups = 3,
    .npos_min = 1,
    .npos_max = DL_OPT_MANY,
    .missing = "expected a FILE",
    .epilog = "example: dddlab consistency edge/*.csv --observer-col subj --item-col imagename \\\n"
              "             --response-col object_response --truth-col category \\\n"
              "             --item-regex '_([^_]+)$'\n"};

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

static int cmd_consistency(int argc, char **argv)
{
    con_opts o = {.ec = {.cols = {.observer = "observer", .item = "item"},
                         .boot = {.seed = 1, .conf_level = 0.95}}};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_consistency, argc, argv, &o, &a);
    if (rc || (rc = check_columns(&o.ec.cols)) != 0)
        return rc;
    o.ec.boundary = o.ec.boot.boundary;
    dl_report_ec *e = NULL;
    dl_error err = {0};
    cli_progress bar; /* long files take seconds to read: say how far */
    cli_progress_begin(&bar, "reading trials", 0);
    o.ec.progress = cli_progress_cb;
    o.ec.progress_ctx = &bar;
    rc = dl_report_ec_run((const char *const *)a.pos, (size_t)a.npos, &o.ec, &e, &err);
    cli_progress_end(&bar);
    if (rc == 0 && o.out_path)
        rc = write_csv(o.out_path, e, &err);
    if (rc == 0 && o.json)
        dl_report_ec_write_json(e, stdout);
    else if (rc == 0)
        dl_report_ec_write_text(e, stdout);
    dl_report_ec_free(e);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}

const cli_cmd cli_cmd_consistency = {.name = CMD,
                                     .summary = "error consistency between every pair of observers",
                                     .run = cmd_consistency,
                                     .spec = &cli_spec_consistency};
