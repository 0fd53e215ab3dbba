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

typedef struct con_pair {
    size_t a, b; /* observer indices */
    dl_ec ec;    /* NaNs when undefined (no common item) */
} con_pair;

typedef struct con_group {
    size_t *observers; /* observer indices in first-seen order */
    size_t nobservers;
    size_t nitems;
    con_pair *pairs;
    size_t npairs;
    dl_summary kappa;
} con_group;

void help_consistency(FILE *out)
{
    fprintf(out,
            "usage: dddlab consistency FILE... [--observer-col O] [--item-col I]\n"
            "                          (--correct-col C | --response-col R --truth-col T)\n"
            "                          [--item-regex RE] [--by COL] [--json]\n\n"
            "Error consistency (Geirhos et al. 2020) between every pair of observers over\n"
            "the items both saw: c_obs, the fraction of items both got right or both got\n"
            "wrong; c_exp = p1 p2 + (1-p1)(1-p2) from their accuracies; kappa =\n"
            "(c_obs - c_exp) / (1 - c_exp). FILE is a CSV with one row per response; several\n"
            "files (e.g. one per observer) are read as one. Correctness comes from a 0/1 or\n"
            "true/false column, or from comparing a response with the true answer; a\n"
            "missing response (empty, na, NaN) counts as wrong.\n\n"
            "  --observer-col O   column naming the observer (default observer)\n"
            "  --item-col I       column naming the item (default item)\n"
            "  --correct-col C    column with 1/0 or true/false\n"
            "  --response-col R   column with the observer's response ...\n"
            "  --truth-col T      ... and column with the right answer\n"
            "  --item-regex RE    POSIX extended regex; its first group (or the whole match\n"
            "                     when it has none) is the item key, e.g. '_([^_]+)$' turns\n"
            "                     0001_edg_s01_0_oven_00_oven10.png into oven10.png\n"
            "  --by COL           one analysis per value of COL\n"
            "  --json             one JSON object: observers, items, pairs [{a, b, items, p1,\n"
            "                     p2, c_obs, c_exp, kappa}], mean_kappa, min_kappa,\n"
            "                     max_kappa, sd_kappa; with --by: by, groups {value: {...}}\n\n"
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
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (con_opts){.observer_col = "observer", .item_col = "item"};
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
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
            return -1;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (optind == argc)
        return cli_usage(CMD, "expected a FILE");
    o->paths = argv + optind;
    o->npaths = (size_t)(argc - optind);
    int rc = check_columns(o);
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
        if (dl_is_missing(s) || strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0)
            *correct = 0;
        else if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0)
            *correct = 1;
        else
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

/* The item key: the whole field, or the regex's first group. */
static int item_key(const con_opts *o, const char *path, size_t line, const char *s,
                    const char **key, size_t *len, dl_error *err)
{
    *key = s;
    *len = strlen(s);
    if (o->has_re) {
        regmatch_t m[2];
        size_t g = o->re.re_nsub > 0;
        if (regexec(&o->re, s, 2, m, 0) != 0 || m[g].rm_so < 0)
            return dl_fail(err, DL_EINVAL, "%s:%zu: item '%s' does not match --item-regex '%s'",
                           path, line, s, o->item_regex);
        *key = s + m[g].rm_so;
        *len = (size_t)(m[g].rm_eo - m[g].rm_so);
    }
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

/* Error consistency of observers a and b (rows of the group's matrix, -1 =
 * not seen) over the items both saw. */
static int pair_ec(const int8_t *m, size_t nitems, size_t a, size_t b, uint8_t *va, uint8_t *vb,
                   dl_ec *ec)
{
    const int8_t *ra = m + a * nitems, *rb = m + b * nitems;
    size_t n = 0;
    for (size_t i = 0; i < nitems; i++) {
        if (ra[i] >= 0 && rb[i] >= 0) {
            va[n] = (uint8_t)ra[i];
            vb[n] = (uint8_t)rb[i];
            n++;
        }
    }
    *ec = (dl_ec){n, NAN, NAN, NAN, NAN, NAN};
    if (n == 0)
        return 0;
    int rc = dl_stats_ec(va, vb, n, ec, NULL);
    return rc == DL_EUNDEF ? 0 : rc;
}

static int group_pairs(const int8_t *m, size_t nitems, con_group *g)
{
    size_t no = g->nobservers;
    g->npairs = no * (no - 1) / 2;
    g->pairs = dl_calloc(g->npairs, sizeof *g->pairs);
    uint8_t *va = dl_calloc(nitems, 1), *vb = dl_calloc(nitems, 1);
    double *kappas = dl_calloc(g->npairs, sizeof *kappas);
    int rc = g->pairs && va && vb && kappas ? 0 : DL_ENOMEM;
    size_t k = 0;
    for (size_t a = 0; a < no && rc == 0; a++) {
        for (size_t b = a + 1; b < no && rc == 0; b++, k++) {
            g->pairs[k].a = g->observers[a];
            g->pairs[k].b = g->observers[b];
            rc = pair_ec(m, nitems, a, b, va, vb, &g->pairs[k].ec);
            kappas[k] = g->pairs[k].ec.kappa;
        }
    }
    if (rc == 0)
        dl_stats_summary(kappas, g->npairs, &g->kappa);
    free(va);
    free(vb);
    free(kappas);
    return rc;
}

/* One group: the responses obs[0..n), sorted by observer. item_local maps an
 * item to its column (SIZE_MAX = not yet seen) and is left all SIZE_MAX. */
static int analyse_group(const con_obs *obs, size_t n, size_t *item_local, con_group *g)
{
    size_t nitems = 0;
    g->observers = dl_calloc(n, sizeof *g->observers);
    if (!g->observers)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || obs[i].observer != obs[i - 1].observer)
            g->observers[g->nobservers++] = obs[i].observer;
        if (item_local[obs[i].item] == SIZE_MAX)
            item_local[obs[i].item] = nitems++;
    }
    g->nitems = nitems;
    int8_t *m = dl_calloc(g->nobservers * nitems, 1);
    if (!m)
        return DL_ENOMEM;
    memset(m, -1, g->nobservers * nitems);
    for (size_t i = 0, row = 0; i < n; i++) {
        if (i > 0 && obs[i].observer != obs[i - 1].observer)
            row++;
        m[row * nitems + item_local[obs[i].item]] = (int8_t)obs[i].correct;
    }
    for (size_t i = 0; i < n; i++)
        item_local[obs[i].item] = SIZE_MAX;
    int rc = group_pairs(m, nitems, g);
    free(m);
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

static int analyse(const con_data *d, con_group **out)
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
        rc = analyse_group(d->obs + lo, hi - lo, item_local, &g[d->obs[lo].group]);
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

static void json_group(dl_json *j, const con_data *d, const con_group *g)
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
    dl_json_key(j, "pairs");
    dl_json_array_begin(j);
    for (size_t k = 0; k < g->npairs; k++) {
        const con_pair *p = &g->pairs[k];
        dl_json_object_begin(j);
        dl_json_key(j, "a");
        dl_json_string(j, names[p->a]);
        dl_json_key(j, "b");
        dl_json_string(j, names[p->b]);
        dl_json_key(j, "items");
        dl_json_int(j, (long long)p->ec.n);
        const char *keys[] = {"p1", "p2", "c_obs", "c_exp", "kappa"};
        const double vals[] = {p->ec.p1, p->ec.p2, p->ec.c_obs, p->ec.c_exp, p->ec.kappa};
        for (size_t i = 0; i < 5; i++) {
            dl_json_key(j, keys[i]);
            dl_json_number(j, vals[i]);
        }
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
    int any = g->kappa.n > 0;
    dl_json_key(j, "mean_kappa");
    dl_json_number(j, any ? g->kappa.mean : NAN);
    dl_json_key(j, "min_kappa");
    dl_json_number(j, any ? g->kappa.min : NAN);
    dl_json_key(j, "max_kappa");
    dl_json_number(j, any ? g->kappa.max : NAN);
    dl_json_key(j, "sd_kappa");
    dl_json_number(j, g->kappa.n > 1 ? g->kappa.sd : NAN);
    dl_json_object_end(j);
}

static void print_json(const con_opts *o, const con_data *d, const con_group *g)
{
    dl_json j;
    dl_json_init(&j, stdout);
    if (!o->by_col) {
        json_group(&j, d, &g[0]);
    } else {
        dl_json_object_begin(&j);
        dl_json_key(&j, "by");
        dl_json_string(&j, o->by_col);
        dl_json_key(&j, "groups");
        dl_json_object_begin(&j);
        for (size_t i = 0; i < d->groups.n; i++) {
            dl_json_key(&j, d->groups.names[i]);
            json_group(&j, d, &g[i]);
        }
        dl_json_object_end(&j);
        dl_json_object_end(&j);
    }
    dl_json_end(&j);
}

static void print_group(const con_data *d, const con_group *g)
{
    int w = cli_names_width(&d->observers, 10);
    printf("error consistency of %zu observer%s over %zu item%s (%zu pair%s)\n", g->nobservers,
           g->nobservers == 1 ? "" : "s", g->nitems, g->nitems == 1 ? "" : "s", g->npairs,
           g->npairs == 1 ? "" : "s");
    if (g->nobservers < 2) {
        printf("  undefined: error consistency needs at least two observers\n");
        return;
    }
    printf("  %-*s  %-*s  %6s  %7s  %7s  %7s  %7s  %7s\n", w, "observer a", w, "observer b",
           "items", "p1", "p2", "c_obs", "c_exp", "kappa");
    for (size_t k = 0; k < g->npairs; k++) {
        const con_pair *p = &g->pairs[k];
        fputs("  ", stdout);
        dl_put_cell(stdout, d->observers.names[p->a], w);
        fputs("  ", stdout);
        dl_put_cell(stdout, d->observers.names[p->b], w);
        printf("  %6zu", p->ec.n);
        const double vals[] = {p->ec.p1, p->ec.p2, p->ec.c_obs, p->ec.c_exp, p->ec.kappa};
        for (size_t i = 0; i < 5; i++) {
            fputs("  ", stdout);
            cli_print_stat(stdout, 7, vals[i]);
        }
        putchar('\n');
    }
    int any = g->kappa.n > 0;
    printf("kappa over %zu pair%s: mean ", g->kappa.n, g->kappa.n == 1 ? "" : "s");
    cli_print_stat(stdout, 0, any ? g->kappa.mean : NAN);
    printf(", sd ");
    cli_print_stat(stdout, 0, g->kappa.n > 1 ? g->kappa.sd : NAN);
    printf(", min ");
    cli_print_stat(stdout, 0, any ? g->kappa.min : NAN);
    printf(", max ");
    cli_print_stat(stdout, 0, any ? g->kappa.max : NAN);
    putchar('\n');
}

static void print_table(const con_opts *o, const con_data *d, const con_group *g)
{
    for (size_t i = 0; i < d->groups.n; i++) {
        if (o->by_col)
            printf("%s%s = %s\n", i ? "\n" : "", o->by_col, d->groups.names[i]);
        print_group(d, &g[i]);
    }
}

int cmd_consistency(int argc, char **argv)
{
    con_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        if (o.has_re)
            regfree(&o.re);
        return rc < 0 ? DL_EXIT_OK : rc;
    }
    con_data d;
    con_group *groups = NULL;
    dl_error err = {0};
    memset(&d, 0, sizeof d);
    if ((rc = load(&o, &d, &err)) == 0 && (rc = analyse(&d, &groups)) != 0)
        dl_fail(&err, rc, "error consistency failed: %s", dl_strerror(rc));
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
    return rc ? cli_fail(&err) : DL_EXIT_OK;
}
