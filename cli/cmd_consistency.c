/* cmd_consistency.c — `dddlab consistency FILE...`: error consistency
 * (Geirhos et al. 2020) between every pair of observers over the items both
 * saw, optionally per group of a column. */
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd_stats.h"
#include "dl_report.h"
#include "dl_stats.h"

#define CMD "consistency"

typedef struct con_opts {
    char **paths;
    size_t npaths;
    const char *observer_col;
    const char *item_col;
    const char *correct_col;
    const char *response_col;
    const char *truth_col;
    const char *by_col;
    const char *item_regex;
    regex_t re;
    int has_re;
    int json;
    const char *out_path;    /* --out: CSV of the pairs */
    dl_ec_boundary boundary; /* what kappa is when c_exp = 1 */
    dl_ec_boot_opts boot;    /* boot.replicates == 0: no bootstrap */
} con_opts;

/* One response: who saw what (indices into the name tables), in which
 * group, and whether it was right. */
typedef struct con_obs {
    size_t group, observer, item;
    size_t seq; /* position in the input, for "first on line" */
    size_t file, line;
    uint8_t correct;
} con_obs;

typedef struct con_data {
    cli_names groups;
    cli_names observers;
    cli_names items;
    con_obs *obs;
    size_t nobs, cap;
} con_data;

typedef dl_ec_pair_result con_pair;

typedef struct con_group {
    size_t *observers; /* observer indices in first-seen order */
    size_t nobservers;
    size_t nitems;
    con_pair *pairs;
    size_t npairs;
    dl_summary kappa;
    size_t no_common;      /* pairs without a common item */
    size_t boundary_undef; /* pairs with c_exp = 1 (kappa missing) */
    double mean_ci_low, mean_ci_high, mean_se;
    size_t mean_defined; /* replicates with a defined mean */
} con_group;

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
            "corrected kappa n k / ((n-1) + k) (JSON and CSV).\n\n"
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

static int check_columns(con_opts *o)
{
    if (o->correct_col && (o->response_col || o->truth_col))
        return cli_usage(CMD, "give either --correct-col or --response-col and --truth-col");
    if (!o->correct_col && !(o->response_col && o->truth_col))
        return cli_usage(CMD, "%s",
                         o->response_col || o->truth_col
                             ? "--response-col and --truth-col go together"
                             : "say how to tell right from wrong: --correct-col C, or "
                               "--response-col R with --truth-col T");
    return 0;
}

static int compile_regex(con_opts *o)
{
    int rc = regcomp(&o->re, o->item_regex, REG_EXTENDED);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &o->re, msg, sizeof msg);
        return cli_usage(CMD, "bad --item-regex '%s': %s", o->item_regex, msg);
    }
    o->has_re = 1;
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
    *o = (con_opts){.observer_col = "observer", .item_col = "item"};
    o->boot = (dl_ec_boot_opts){.seed = 1, .conf_level = 0.95};
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'O':
            o->out_path = optarg;
            break;
        case 'B':
        case 'S':
        case 'C':
        case 'R':
        case 'T':
        case 'E':
            rc = cli_ec_option(CMD, c, optarg, &o->boot, &o->boundary);
            if (rc)
                return rc;
            break;
        case 'o':
            o->observer_col = optarg;
            break;
        case 'i':
            o->item_col = optarg;
            break;
        case 'c':
            o->correct_col = optarg;
            break;
        case 'r':
            o->response_col = optarg;
            break;
        case 't':
            o->truth_col = optarg;
            break;
        case 'x':
            o->item_regex = optarg;
            break;
        case 'b':
            o->by_col = optarg;
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
    o->boot.boundary = o->boundary;
    rc = check_columns(o);
    if (rc == 0 && o->item_regex)
        rc = compile_regex(o);
    return rc;
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct con_cols {
    int observer, item, correct, response, truth, by;
} con_cols;

static int find_columns(const con_opts *o, const dl_csv *csv, con_cols *c, dl_error *err)
{
    int rc;
    *c = (con_cols){-1, -1, -1, -1, -1, -1};
    if ((rc = dl_csv_require_col(csv, o->observer_col, &c->observer, err)) ||
        (rc = dl_csv_require_col(csv, o->item_col, &c->item, err)))
        return rc;
    if (o->correct_col && (rc = dl_csv_require_col(csv, o->correct_col, &c->correct, err)))
        return rc;
    if (o->response_col && ((rc = dl_csv_require_col(csv, o->response_col, &c->response, err)) ||
                            (rc = dl_csv_require_col(csv, o->truth_col, &c->truth, err))))
        return rc;
    if (o->by_col && (rc = dl_csv_require_col(csv, o->by_col, &c->by, err)))
        return rc;
    return 0;
}

static int parse_correct(const con_opts *o, const char *path, size_t line, char **f,
                         const con_cols *c, uint8_t *correct, dl_error *err)
{
    if (o->correct_col) {
        const char *s = f[c->correct];
        if (dl_report_parse_correct(s, correct))
            return dl_fail(err, DL_EINVAL,
                           "%s:%zu: value '%s' in column '%s' is not 1, 0, true or false", path,
                           line, s, o->correct_col);
        return 0;
    }
    const char *response = f[c->response], *truth = f[c->truth];
    if (dl_is_missing(truth))
        return dl_fail(err, DL_EINVAL, "%s:%zu: no right answer in column '%s'", path, line,
                       o->truth_col);
    *correct = !dl_is_missing(response) && strcmp(response, truth) == 0;
    return 0;
}

/* The item key (dl_report_item_key): the whole field, or the regex's first
 * group. */
static int item_key(const con_opts *o, const char *path, size_t line, const char *s,
                    const char **key, size_t *len, dl_error *err)
{
    if (dl_report_item_key(o->has_re ? &o->re : NULL, s, key, len))
        return dl_fail(err, DL_EINVAL, "%s:%zu: item '%s' does not match --item-regex '%s'", path,
                       line, s, o->item_regex);
    if (*len == 0)
        return dl_fail(err, DL_EINVAL, "%s:%zu: empty item in column '%s'", path, line,
                       o->item_col);
    return 0;
}

static int add_name(cli_names *t, const char *s, size_t len, size_t *index, dl_error *err)
{
    return cli_names_add(t, s, len, index) ? dl_fail(err, DL_ENOMEM, "out of memory") : 0;
}

static int read_row(const con_opts *o, con_data *d, size_t file, char **f, size_t line,
                    const con_cols *c, dl_error *err)
{
    const char *path = o->paths[file];
    if (d->nobs == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        con_obs *obs = dl_realloc_array(d->obs, cap, sizeof *obs);
        if (!obs)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        d->obs = obs;
        d->cap = cap;
    }
    con_obs *ob = &d->obs[d->nobs];
    *ob = (con_obs){.seq = d->nobs, .file = file, .line = line};
    const char *key, *observer = f[c->observer], *group = c->by >= 0 ? f[c->by] : "";
    size_t len;
    int rc;
    if (observer[0] == '\0')
        return dl_fail(err, DL_EINVAL, "%s:%zu: empty field in column '%s'", path, line,
                       o->observer_col);
    if ((rc = item_key(o, path, line, f[c->item], &key, &len, err)) ||
        (rc = parse_correct(o, path, line, f, c, &ob->correct, err)) ||
        (rc = add_name(&d->observers, observer, strlen(observer), &ob->observer, err)) ||
        (rc = add_name(&d->items, key, len, &ob->item, err)) ||
        (rc = add_name(&d->groups, group, strlen(group), &ob->group, err)))
        return rc;
    d->nobs++;
    return 0;
}

static int read_file(const con_opts *o, con_data *d, size_t file, dl_error *err)
{
    dl_csv *csv = NULL;
    con_cols cols;
    int rc = cli_csv_load(o->paths[file], &csv, err);
    if (rc == 0)
        rc = find_columns(o, csv, &cols, err);
    for (size_t r = 0; rc == 0 && r < csv->nrows; r++)
        rc = read_row(o, d, file, csv->rows[r], csv->row_line[r], &cols, err);
    dl_csv_free(csv);
    return rc;
}

static int cmp_obs(const void *pa, const void *pb)
{
    const con_obs *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->observer != b->observer)
        return a->observer < b->observer ? -1 : 1;
    if (a->item != b->item)
        return a->item < b->item ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static int same_key(const con_obs *a, const con_obs *b)
{
    return a->group == b->group && a->observer == b->observer && a->item == b->item;
}

/* An observer who saw an item twice (within a group) makes the data
 * ambiguous; report the earliest such repeat together with its first line.
 * Sorting also puts each group's responses together for the analysis. */
static int check_repeats(const con_opts *o, con_data *d, dl_error *err)
{
    if (d->nobs < 2)
        return 0;
    qsort(d->obs, d->nobs, sizeof *d->obs, cmp_obs);
    const con_obs *first = NULL, *bad = NULL, *bad_first = NULL;
    for (size_t i = 0; i < d->nobs; i++) {
        const con_obs *x = &d->obs[i];
        if (i == 0 || !same_key(x, x - 1))
            first = x;
        else if (!bad || x->seq < bad->seq) {
            bad = x;
            bad_first = first;
        }
    }
    if (!bad)
        return 0;
    const char *path = o->paths[bad->file], *observer = d->observers.names[bad->observer],
               *item = d->items.names[bad->item];
    if (bad_first->file == bad->file)
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: observer '%s' saw item '%s' again (first on line %zu)", path,
                       bad->line, observer, item, bad_first->line);
    return dl_fail(err, DL_EINVAL, "%s:%zu: observer '%s' saw item '%s' again (first on %s:%zu)",
                   path, bad->line, observer, item, o->paths[bad_first->file], bad_first->line);
}

static int load(const con_opts *o, con_data *d, dl_error *err)
{
    int rc = 0;
    for (size_t f = 0; f < o->npaths && rc == 0; f++)
        rc = read_file(o, d, f, err);
    if (rc)
        return rc;
    if (d->nobs == 0) { /* cli_csv_load already refuses this */
        dl_fail(err, DL_EINVAL, "no responses in the input");
        return DL_EINVAL;
    }
    return check_repeats(o, d, err);
}

static void con_data_free(con_data *d)
{
    cli_names_free(&d->groups);
    cli_names_free(&d->observers);
    cli_names_free(&d->items);
    free(d->obs);
}

/* ---- analysis ----------------------------------------------------------------- */

/* Error consistency of the group (dl_stats_ec_group); pairs name
 * observers by their index in d->observers. */
static int group_stats(const con_opts *o, const dl_ec_answer *ans, size_t nans, con_group *g)
{
    dl_ec_group s;
    int rc = dl_stats_ec_group(ans, nans, g->nobservers, g->nitems, o->boundary, &o->boot, &s);
    g->pairs = s.pairs;
    g->npairs = s.npairs;
    g->kappa = s.kappa;
    g->no_common = s.no_common;
    g->boundary_undef = s.boundary_undef;
    g->mean_ci_low = s.mean_ci_low;
    g->mean_ci_high = s.mean_ci_high;
    g->mean_se = s.mean_se;
    g->mean_defined = s.mean_defined;
    for (size_t k = 0; rc == 0 && k < g->npairs; k++) {
        g->pairs[k].a = g->observers[g->pairs[k].a];
        g->pairs[k].b = g->observers[g->pairs[k].b];
    }
    return rc;
}

/* One group: the responses obs[0..n), sorted by observer. item_local maps an
 * item to its column (SIZE_MAX = not yet seen) and is left all SIZE_MAX. */
static int analyse_group(const con_opts *o, const con_obs *obs, size_t n, size_t *item_local,
                         con_group *g)
{
    size_t nitems = 0;
    dl_ec_answer *ans = dl_calloc(n ? n : 1, sizeof *ans);
    g->observers = dl_calloc(n ? n : 1, sizeof *g->observers);
    if (!g->observers || !ans) {
        free(ans);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || obs[i].observer != obs[i - 1].observer)
            g->observers[g->nobservers++] = obs[i].observer;
        if (item_local[obs[i].item] == SIZE_MAX)
            item_local[obs[i].item] = nitems++;
        ans[i] = (dl_ec_answer){(uint32_t)(g->nobservers - 1),
                                (uint32_t)item_local[obs[i].item], obs[i].correct};
    }
    g->nitems = nitems;
    for (size_t i = 0; i < n; i++)
        item_local[obs[i].item] = SIZE_MAX;
    int rc = group_stats(o, ans, n, g);
    free(ans);
    return rc;
}

static void groups_free(con_group *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++) {
        free(g[i].observers);
        free(g[i].pairs);
    }
    free(g);
}

static int analyse(const con_opts *o, const con_data *d, con_group **out)
{
    /* At least one group, so the output of an empty input is well formed. */
    con_group *g = dl_calloc(d->groups.n ? d->groups.n : 1, sizeof *g);
    size_t *item_local = dl_calloc(d->items.n, sizeof *item_local);
    int rc = g && item_local ? 0 : DL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < d->items.n; i++)
        item_local[i] = SIZE_MAX;
    for (size_t lo = 0, hi; rc == 0 && lo < d->nobs; lo = hi) {
        for (hi = lo; hi < d->nobs && d->obs[hi].group == d->obs[lo].group; hi++)
            ;
        rc = analyse_group(o, d->obs + lo, hi - lo, item_local, &g[d->obs[lo].group]);
    }
    free(item_local);
    if (rc) {
        groups_free(g, d->groups.n);
        g = NULL;
    }
    *out = g;
    return rc;
}

/* ---- output ------------------------------------------------------------------- */

static const char *pair_why(const con_pair *p)
{
    if (!isnan(p->ec.kappa))
        return NULL;
    return p->ec.n == 0 ? "no common item"
                        : "both always right or both always wrong (expected agreement 1)";
}

static void json_bootstrap(dl_json *j, const con_opts *o)
{
    dl_json_key(j, "ec_boundary");
    dl_json_string(j, dl_stats_ec_boundary_name(o->boundary));
    dl_json_key(j, "bootstrap");
    if (!o->boot.replicates) {
        dl_json_null(j);
        return;
    }
    dl_json_object_begin(j);
    dl_json_key(j, "replicates");
    dl_json_int(j, (long long)o->boot.replicates);
    dl_json_key(j, "seed");
    dl_json_int(j, (long long)o->boot.seed);
    dl_json_key(j, "conf_level");
    dl_json_number(j, o->boot.conf_level);
    dl_json_key(j, "method");
    dl_json_string(j, "percentile");
    dl_json_key(j, "resample");
    dl_json_string(j, o->boot.resample_observers ? "items and observers" : "items");
    dl_json_object_end(j);
}

static void json_pair(dl_json *j, const con_opts *o, const con_data *d, const con_pair *p)
{
    const char **names = (const char **)d->observers.names;
    dl_json_object_begin(j);
    dl_json_key(j, "a");
    dl_json_string(j, names[p->a]);
    dl_json_key(j, "b");
    dl_json_string(j, names[p->b]);
    dl_json_key(j, "items");
    dl_json_int(j, (long long)p->ec.n);
    const char *keys[] = {"p1",        "p2",        "c_obs",  "c_exp", "kappa", "kappa_corrected",
                          "kappa_min", "kappa_max", "p_value"};
    const double vals[] = {p->ec.p1,          p->ec.p2,          p->ec.c_obs,
                           p->ec.c_exp,       p->ec.kappa,       p->test.kappa_corrected,
                           p->test.kappa_min, p->test.kappa_max, p->test.p_value};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        dl_json_key(j, keys[i]);
        dl_json_number(j, vals[i]);
    }
    if (o->boot.replicates) {
        dl_json_key(j, "ci_low");
        dl_json_number(j, p->ci_low);
        dl_json_key(j, "ci_high");
        dl_json_number(j, p->ci_high);
        dl_json_key(j, "replicates_defined");
        dl_json_int(j, (long long)p->boot_defined);
    }
    const char *why = pair_why(p);
    if (why) {
        dl_json_key(j, "why");
        dl_json_string(j, why);
    }
    dl_json_object_end(j);
}

static void json_group(dl_json *j, const con_opts *o, const con_data *d, const con_group *g)
{
    const char **names = (const char **)d->observers.names;
    dl_json_object_begin(j);
    dl_json_key(j, "observers");
    dl_json_array_begin(j);
    for (size_t i = 0; i < g->nobservers; i++)
        dl_json_string(j, names[g->observers[i]]);
    dl_json_array_end(j);
    dl_json_key(j, "items");
    dl_json_int(j, (long long)g->nitems);
    json_bootstrap(j, o);
    dl_json_key(j, "pairs");
    dl_json_array_begin(j);
    for (size_t k = 0; k < g->npairs; k++)
        json_pair(j, o, d, &g->pairs[k]);
    dl_json_array_end(j);
    int any = g->kappa.n > 0;
    dl_json_key(j, "mean_kappa");
    dl_json_number(j, any ? g->kappa.mean : NAN);
    if (o->boot.replicates) {
        dl_json_key(j, "mean_kappa_ci_low");
        dl_json_number(j, g->mean_ci_low);
        dl_json_key(j, "mean_kappa_ci_high");
        dl_json_number(j, g->mean_ci_high);
        dl_json_key(j, "mean_kappa_se");
        dl_json_number(j, g->mean_se);
    }
    dl_json_key(j, "min_kappa");
    dl_json_number(j, any ? g->kappa.min : NAN);
    dl_json_key(j, "max_kappa");
    dl_json_number(j, any ? g->kappa.max : NAN);
    dl_json_key(j, "sd_kappa");
    dl_json_number(j, g->kappa.n > 1 ? g->kappa.sd : NAN);
    dl_json_key(j, "pairs_used");
    dl_json_int(j, (long long)g->kappa.n);
    dl_json_key(j, "undefined_pairs");
    dl_json_object_begin(j);
    dl_json_key(j, "no_common_item");
    dl_json_int(j, (long long)g->no_common);
    dl_json_key(j, "expected_agreement_1");
    dl_json_int(j, (long long)g->boundary_undef);
    dl_json_object_end(j);
    dl_json_object_end(j);
}

static void print_json(const con_opts *o, const con_data *d, const con_group *g)
{
    dl_json j;
    dl_json_init(&j, stdout);
    if (!o->by_col) {
        json_group(&j, o, d, &g[0]);
    } else {
        dl_json_object_begin(&j);
        dl_json_key(&j, "by");
        dl_json_string(&j, o->by_col);
        dl_json_key(&j, "groups");
        dl_json_object_begin(&j);
        for (size_t i = 0; i < d->groups.n; i++) {
            dl_json_key(&j, d->groups.names[i]);
            json_group(&j, o, d, &g[i]);
        }
        dl_json_object_end(&j);
        dl_json_object_end(&j);
    }
    dl_json_end(&j);
}

/* A p-value in 9 characters: 4 decimals, or 3 significant digits when
 * smaller than 0.001. */
static void print_p(double p)
{
    if (isnan(p))
        printf("  %9s", "-");
    else if (p >= 0.001)
        printf("  %9.4f", p);
    else
        printf("  %9.2e", p);
}

static void print_pair(const con_opts *o, const con_data *d, const con_pair *p, int w)
{
    fputs("  ", stdout);
    dl_put_cell(stdout, d->observers.names[p->a], w);
    fputs("  ", stdout);
    dl_put_cell(stdout, d->observers.names[p->b], w);
    printf("  %6zu", p->ec.n);
    const double vals[] = {p->ec.p1,    p->ec.p2,          p->ec.c_obs,      p->ec.c_exp,
                           p->ec.kappa, p->test.kappa_min, p->test.kappa_max};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        fputs("  ", stdout);
        cli_print_stat(stdout, 7, vals[i]);
    }
    print_p(p->test.p_value);
    if (o->boot.replicates) {
        fputs("  ", stdout);
        cli_print_stat(stdout, 7, p->ci_low);
        fputs("  ", stdout);
        cli_print_stat(stdout, 7, p->ci_high);
    }
    putchar('\n');
}

static void print_summary(const con_opts *o, const con_group *g)
{
    int any = g->kappa.n > 0;
    printf("kappa over %zu pair%s: mean ", g->kappa.n, g->kappa.n == 1 ? "" : "s");
    cli_print_stat(stdout, 0, any ? g->kappa.mean : NAN);
    if (o->boot.replicates) {
        printf(" [");
        cli_print_stat(stdout, 0, g->mean_ci_low);
        printf(", ");
        cli_print_stat(stdout, 0, g->mean_ci_high);
        printf("]");
    }
    printf(", sd ");
    cli_print_stat(stdout, 0, g->kappa.n > 1 ? g->kappa.sd : NAN);
    printf(", min ");
    cli_print_stat(stdout, 0, any ? g->kappa.min : NAN);
    printf(", max ");
    cli_print_stat(stdout, 0, any ? g->kappa.max : NAN);
    putchar('\n');
    if (g->no_common || g->boundary_undef)
        printf("left out: %zu pair%s without a common item, %zu with kappa undefined (both "
               "always right or both always wrong)\n",
               g->no_common, g->no_common == 1 ? "" : "s", g->boundary_undef);
}

static void print_group(const con_opts *o, const con_data *d, const con_group *g)
{
    int w = cli_names_width(&d->observers, 10);
    printf("error consistency of %zu observer%s over %zu item%s (%zu pair%s)\n", g->nobservers,
           g->nobservers == 1 ? "" : "s", g->nitems, g->nitems == 1 ? "" : "s", g->npairs,
           g->npairs == 1 ? "" : "s");
    if (g->nobservers < 2) {
        printf("  undefined: error consistency needs at least two observers\n");
        return;
    }
    printf("  %-*s  %-*s  %6s  %7s  %7s  %7s  %7s  %7s  %7s  %7s  %9s", w, "observer a", w,
           "observer b", "items", "p1", "p2", "c_obs", "c_exp", "kappa", "k_min", "k_max",
           "p_fisher");
    if (o->boot.replicates)
        printf("  %7s  %7s", "ci_low", "ci_high");
    putchar('\n');
    for (size_t k = 0; k < g->npairs; k++)
        print_pair(o, d, &g->pairs[k], w);
    print_summary(o, g);
}

static void print_table(const con_opts *o, const con_data *d, const con_group *g)
{
    for (size_t i = 0; i < d->groups.n; i++) {
        if (o->by_col)
            printf("%s%s = %s\n", i ? "\n" : "", o->by_col, d->groups.names[i]);
        print_group(o, d, &g[i]);
    }
    printf("\nkappa when both are always right or both always wrong (c_exp = 1): %s\n",
           cli_ec_boundary_text(o->boundary));
    if (o->boot.replicates)
        printf("intervals: %g%% percentile bootstrap, %zu replicates resampling %s, seed %llu\n",
               100 * o->boot.conf_level, o->boot.replicates,
               o->boot.resample_observers ? "items (pairs) and items + observers (mean)" : "items",
               (unsigned long long)o->boot.seed);
}

/* ---- CSV ---------------------------------------------------------------------- */

static void csv_num(FILE *f, double v)
{
    char buf[32];
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, sizeof buf, "%.17g", v);
    fputc(',', f);
    dl_csv_write_field(f, buf);
}

static void csv_group(FILE *f, const con_opts *o, const con_data *d, const con_group *g,
                      const char *group)
{
    char boot[96];
    if (o->boot.replicates)
        snprintf(boot, sizeof boot, ",%zu,%llu,%.17g", o->boot.replicates,
                 (unsigned long long)o->boot.seed, o->boot.conf_level);
    else
        snprintf(boot, sizeof boot, ",,,");
    const char *bnd = dl_stats_ec_boundary_name(o->boundary);
    for (size_t k = 0; k < g->npairs; k++) {
        const con_pair *p = &g->pairs[k];
        fputs("pair,", f);
        dl_csv_write_field(f, group);
        fputc(',', f);
        dl_csv_write_field(f, d->observers.names[p->a]);
        fputc(',', f);
        dl_csv_write_field(f, d->observers.names[p->b]);
        fprintf(f, ",%zu", p->ec.n);
        const double v[] = {p->ec.p1,          p->ec.p2,          p->ec.c_obs,
                            p->ec.c_exp,       p->ec.kappa,       p->test.kappa_corrected,
                            p->test.kappa_min, p->test.kappa_max, p->test.p_value,
                            p->ci_low,         p->ci_high};
        for (size_t i = 0; i < sizeof v / sizeof *v; i++)
            csv_num(f, v[i]);
        fprintf(f, ",%s%s\n", bnd, boot);
    }
    fputs("mean,", f);
    dl_csv_write_field(f, group);
    fprintf(f, ",,,%zu", g->kappa.n);
    const double v[] = {NAN,
                        NAN,
                        NAN,
                        NAN,
                        g->kappa.n ? g->kappa.mean : NAN,
                        NAN,
                        NAN,
                        NAN,
                        NAN,
                        g->mean_ci_low,
                        g->mean_ci_high};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        csv_num(f, v[i]);
    fprintf(f, ",%s%s\n", bnd, boot);
}

/* One row per pair and one "mean" row per group (items = pairs in the
 * mean); written to a temporary file and renamed, so a failure leaves
 * nothing. */
static int write_csv(const con_opts *o, const con_data *d, const con_group *g, dl_error *err)
{
    dl_atomic a;
    int rc = dl_atomic_open(&a, o->out_path, err);
    if (rc)
        return rc;
    fputs("row,group,a,b,items,p1,p2,c_obs,c_exp,kappa,kappa_corrected,kappa_min,kappa_max,"
          "p_value,ci_low,ci_high,ec_boundary,replicates,seed,conf_level\n",
          a.fp);
    for (size_t i = 0; i < d->groups.n; i++)
        csv_group(a.fp, o, d, &g[i], o->by_col ? d->groups.names[i] : "");
    if (d->groups.n == 0)
        csv_group(a.fp, o, d, &g[0], "");
    return dl_atomic_commit(&a, err);
}

int cmd_consistency(int argc, char **argv)
{
    con_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        if (o.has_re)
            regfree(&o.re);
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    }
    con_data d;
    con_group *groups = NULL;
    dl_error err = {0};
    memset(&d, 0, sizeof d);
    if ((rc = load(&o, &d, &err)) == 0 && (rc = analyse(&o, &d, &groups)) != 0)
        dl_fail(&err, rc, "error consistency failed: %s", dl_strerror(rc));
    if (rc == 0 && o.out_path)
        rc = write_csv(&o, &d, groups, &err);
    if (rc == 0) {
        if (o.json)
            print_json(&o, &d, groups);
        else
            print_table(&o, &d, groups);
    }
    groups_free(groups, d.groups.n);
    con_data_free(&d);
    if (o.has_re)
        regfree(&o.re);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}
