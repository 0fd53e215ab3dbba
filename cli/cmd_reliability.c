/* cmd_reliability.c — `dddlab reliability FILE`: Krippendorff's alpha of a
 * long CSV of ratings, with Cohen's kappa (two coders), Fleiss' kappa
 * (nominal, equal ratings per unit) and optionally alpha for every pair. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_stats.h"
#include "dl_stats.h"

#define CMD "reliability"

typedef dl_reliability rel_result;
typedef dl_rel_stat rel_stat;
typedef dl_rel_pair rel_pair;

typedef struct rel_opts {
    const char *path;
    dl_level level;
    const char *coder_col;
    const char *unit_col;
    const char *value_col;
    int pairwise;
    int per_coder;
    int json;
    int csv;
    dl_alpha_boot_opts boot; /* boot.replicates == 0: no bootstrap */
} rel_opts;

/* The ratings as a list, one per CSV row (value NaN = missing), so memory
 * follows the rows and not coders x units. Nominal values are category
 * indices into `cats`; other levels keep their numbers. */
typedef struct rel_data {
    cli_names coders;
    cli_names units;
    cli_names cats;
    dl_alpha_rating *ratings;
    size_t n;
} rel_data;

void help_reliability(FILE *out)
{
    fprintf(out,
            "usage: dddlab reliability FILE [--level nominal|ordinal|interval|ratio]\n"
            "                          [--coder-col C] [--unit-col U] [--value-col V]\n"
            "                          [--pairwise] [--per-coder] [--json | --csv]\n"
            "                          [--bootstrap N [--seed S] [--conf C]\n"
            "                           [--boot-method units|hayes] [--alpha-min A,...]\n"
            "                           [--threads T]]\n\n"
            "Krippendorff's alpha of the ratings in FILE, a long CSV with one row per\n"
            "(coder, unit, value); the columns are coder, unit and value unless named.\n"
            "An empty value, NA or NaN is missing. Nominal values may be any labels;\n"
            "ordinal, interval and ratio values must be numbers. Units with fewer than\n"
            "two values do not count. With two coders Cohen's kappa is added (weights:\n"
            "none for nominal, linear for ordinal, quadratic for interval and ratio, by\n"
            "position in the sorted list of values); for nominal data where every rated\n"
            "unit has the same number of ratings, Fleiss' kappa.\n\n"
            "  --level L        nominal (default), ordinal, interval or ratio\n"
            "  --coder-col C    column naming the coder (default coder)\n"
            "  --unit-col U     column naming the unit (default unit)\n"
            "  --value-col V    column holding the value (default value)\n"
            "  --pairwise       alpha of every pair of coders, with mean, min and max\n"
            "  --per-coder      per coder: alpha without that coder (leave-one-out) and\n"
            "                   its mean pairwise alpha, so a disagreeing coder shows\n"
            "  --bootstrap N    N bootstrap replicates of alpha: a percentile interval\n"
            "                   and the share of replicates below each --alpha-min\n"
            "  --seed S         seed of the replicates (default 1); the same seed gives\n"
            "                   the same numbers on any number of threads\n"
            "  --conf C         confidence level of the interval (default 0.95)\n"
            "  --boot-method M  units: resample pairable units (default); hayes:\n"
            "                   Krippendorff's bootstrap of pairs of values\n"
            "  --alpha-min A,.. smallest acceptable alphas (default 0.667,0.8)\n"
            "  --threads T      threads for the bootstrap (default: one per core)\n"
            "  --json           one JSON object: level, coders, units, units_pairable,\n"
            "                   pairable_values, alpha (null with alpha_undefined_reason),\n"
            "                   d_obs, d_exp, cohen_kappa, cohen_kappa_weights, fleiss_kappa,\n"
            "                   pairwise {mean, min, max, pairs [{a, b, alpha, units}]};\n"
            "                   with --bootstrap alpha_ci_low, alpha_ci_high and bootstrap\n"
            "                   {method, interval, replicates, undefined, seed, conf,\n"
            "                   p_below [{alpha_min, p}]}; with --per-coder per_coder\n"
            "                   [{coder, units, alpha_without, mean_pairwise_alpha}]\n"
            "  --csv            the alphas as a CSV table: scope (all, without, mean_pairwise),\n"
            "                   coder, alpha, ci_low, ci_high, conf, method, seed, replicates,\n"
            "                   p_below_A for each A\n\n"
            "example: dddlab reliability ratings.csv --coder-col subject --unit-col item \\\n"
            "             --value-col q2_main_category --level ordinal --bootstrap 10000\n");
}

/* --alpha-min: a comma-separated list of numbers in [-1, 1]. */
static int parse_alpha_min(const char *s, dl_alpha_boot_opts *b)
{
    char buf[256];
    if (strlen(s) >= sizeof buf)
        return cli_usage(CMD, "--alpha-min is too long");
    strcpy(buf, s);
    b->nmin = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        double x;
        if (dl_parse_double(t, &x) != 0 || !(x >= -1 && x <= 1))
            return cli_usage(CMD, "--alpha-min needs numbers from -1 to 1, not '%s'", t);
        if (b->nmin == DL_ALPHA_MIN_MAX)
            return cli_usage(CMD, "--alpha-min takes at most %d values", DL_ALPHA_MIN_MAX);
        b->alpha_min[b->nmin++] = x;
    }
    return b->nmin ? 0 : cli_usage(CMD, "--alpha-min needs at least one number");
}

static int parse_boot_option(int c, const char *arg, rel_opts *o)
{
    long v;
    double x;
    int m;
    switch (c) {
    case 'B':
        if (dl_parse_long(arg, &v) != 0 || v < 1 || v > 100000000)
            return cli_usage(CMD, "--bootstrap needs a whole number from 1 to 100000000, not '%s'",
                             arg);
        o->boot.replicates = (size_t)v;
        return 0;
    case 'S': {
        char *end = NULL;
        if (arg[0] < '0' || arg[0] > '9')
            return cli_usage(CMD, "--seed needs a whole number from 0 to %lld, not '%s'", LLONG_MAX,
                             arg);
        errno = 0;
        o->boot.seed = strtoull(arg, &end, 10);
        if (errno || *end || o->boot.seed > (unsigned long long)LLONG_MAX)
            return cli_usage(CMD, "--seed needs a whole number from 0 to %lld, not '%s'", LLONG_MAX,
                             arg);
        return 0;
    }
    case 'C':
        if (dl_parse_double(arg, &x) != 0 || !(x > 0 && x < 1))
            return cli_usage(CMD, "--conf needs a number between 0 and 1, not '%s'", arg);
        o->boot.conf = x;
        return 0;
    case 'M':
        if ((m = dl_alpha_boot_method_parse(arg)) < 0)
            return cli_usage(CMD, "--boot-method must be units or hayes, not '%s'", arg);
        o->boot.method = (dl_alpha_boot_method)m;
        return 0;
    case 'A':
        return parse_alpha_min(arg, &o->boot);
    default: /* 'T' */
        if (dl_parse_long(arg, &v) != 0 || v < 0 || v > 64)
            return cli_usage(CMD, "--threads needs a whole number from 0 to 64, not '%s'", arg);
        o->boot.threads = (int)v;
        return 0;
    }
}

static int parse_args(int argc, char **argv, rel_opts *o)
{
    static const struct option longopts[] = {{"level", required_argument, NULL, 'l'},
                                             {"coder-col", required_argument, NULL, 'c'},
                                             {"unit-col", required_argument, NULL, 'u'},
                                             {"value-col", required_argument, NULL, 'v'},
                                             {"pairwise", no_argument, NULL, 'p'},
                                             {"per-coder", no_argument, NULL, 'P'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"csv", no_argument, NULL, 'x'},
                                             {"bootstrap", required_argument, NULL, 'B'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"conf", required_argument, NULL, 'C'},
                                             {"boot-method", required_argument, NULL, 'M'},
                                             {"alpha-min", required_argument, NULL, 'A'},
                                             {"threads", required_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *o = (rel_opts){
        .level = DL_LEVEL_NOMINAL, .coder_col = "coder", .unit_col = "unit", .value_col = "value"};
    o->boot = (dl_alpha_boot_opts){.seed = 1, .conf = 0.95, .alpha_min = {0.667, 0.8}, .nmin = 2};
    int c, level, rc, boot_opt = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'B':
        case 'S':
        case 'C':
        case 'M':
        case 'A':
        case 'T':
            if ((rc = parse_boot_option(c, optarg, o)) != 0)
                return rc;
            boot_opt |= c != 'B';
            break;
        case 'P':
            o->per_coder = 1;
            break;
        case 'x':
            o->csv = 1;
            break;
        case 'l':
            if ((level = dl_stats_level_parse(optarg)) < 0)
                return cli_usage(
                    CMD, "--level must be nominal, ordinal, interval or ratio, not '%s'", optarg);
            o->level = (dl_level)level;
            break;
        case 'c':
            o->coder_col = optarg;
            break;
        case 'u':
            o->unit_col = optarg;
            break;
        case 'v':
            o->value_col = optarg;
            break;
        case 'p':
            o->pairwise = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            help_reliability(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (argc - optind != 1)
        return argc == optind ? cli_usage(CMD, "expected a FILE")
                              : cli_usage(CMD, "unexpected argument '%s'", argv[optind + 1]);
    o->path = argv[optind];
    if (o->json && o->csv)
        return cli_usage(CMD, "--json and --csv exclude each other");
    if (boot_opt && !o->boot.replicates)
        return cli_usage(CMD, "--seed, --conf, --boot-method, --alpha-min and --threads go with "
                              "--bootstrap");
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

static void rel_data_free(rel_data *d)
{
    cli_names_free(&d->coders);
    cli_names_free(&d->units);
    cli_names_free(&d->cats);
    free(d->ratings);
}

/* The value of one field: NaN when missing; a category index for nominal
 * data (numbers are keyed by their value, so "1" and "1.0" agree). */
static int parse_value(const rel_opts *o, rel_data *d, const char *s, size_t line, double *v,
                       dl_error *err)
{
    if (dl_is_missing(s)) {
        *v = NAN;
        return 0;
    }
    double x;
    int numeric = dl_parse_double(s, &x) == 0;
    if (o->level == DL_LEVEL_NOMINAL) {
        char key[32];
        if (numeric)
            snprintf(key, sizeof key, "%.17g", x == 0 ? 0.0 : x);
        const char *k = numeric ? key : s;
        size_t cat;
        if (cli_names_add(&d->cats, k, strlen(k), &cat) != 0)
            return dl_fail(err, DL_ENOMEM, "%s: out of memory", o->path);
        *v = (double)cat;
        return 0;
    }
    if (!numeric)
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: value '%s' in column '%s' is not a number (needed for --level %s)",
                       o->path, line, s, o->value_col, dl_stats_level_name(o->level));
    if (o->level == DL_LEVEL_RATIO && x < 0)
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: value '%s' in column '%s' is negative (ratio data must be >= 0)",
                       o->path, line, s, o->value_col);
    *v = x;
    return 0;
}

static int name_field(const char *path, cli_names *t, const char *s, const char *col, size_t line,
                      size_t *index, dl_error *err)
{
    if (s[0] == '\0')
        return dl_fail(err, DL_EINVAL, "%s:%zu: empty field in column '%s'", path, line, col);
    if (cli_names_add(t, s, strlen(s), index) != 0)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    return 0;
}

typedef struct rel_cell {
    size_t coder, unit, row;
    double value;
} rel_cell;

static int read_cells(const rel_opts *o, const dl_csv *csv, rel_data *d, rel_cell *cells,
                      dl_error *err)
{
    int cc, uc, vc, rc;
    if ((rc = dl_csv_require_col(csv, o->coder_col, &cc, err)) ||
        (rc = dl_csv_require_col(csv, o->unit_col, &uc, err)) ||
        (rc = dl_csv_require_col(csv, o->value_col, &vc, err)))
        return rc;
    for (size_t r = 0; r < csv->nrows; r++) {
        char **f = csv->rows[r];
        size_t line = csv->row_line[r];
        cells[r].row = r;
        if ((rc = name_field(o->path, &d->coders, f[cc], o->coder_col, line, &cells[r].coder,
                             err)) ||
            (rc = name_field(o->path, &d->units, f[uc], o->unit_col, line, &cells[r].unit, err)) ||
            (rc = parse_value(o, d, f[vc], line, &cells[r].value, err)))
            return rc;
    }
    return 0;
}

static int cmp_unit_coder_row(const void *pa, const void *pb)
{
    const rel_cell *a = pa, *b = pb;
    if (a->unit != b->unit)
        return (a->unit > b->unit) - (a->unit < b->unit);
    if (a->coder != b->coder)
        return (a->coder > b->coder) - (a->coder < b->coder);
    return (a->row > b->row) - (a->row < b->row);
}

/* A second row for the same coder and unit is an error naming both lines:
 * the earliest such second row, as reading in row order finds it. Sorting
 * the rows needs memory for the rows only, not for coders x units. */
static int duplicate_error(const rel_opts *o, const dl_csv *csv, const rel_data *d, rel_cell *cells,
                           dl_error *err)
{
    size_t n = csv->nrows, bad = SIZE_MAX, first = 0, coder = 0, unit = 0;
    qsort(cells, n, sizeof *cells, cmp_unit_coder_row);
    for (size_t r = 1; r < n; r++) {
        int same = cells[r].unit == cells[r - 1].unit && cells[r].coder == cells[r - 1].coder;
        int second =
            r < 2 || cells[r - 2].unit != cells[r].unit || cells[r - 2].coder != cells[r].coder;
        if (same && second && cells[r].row < bad) {
            bad = cells[r].row;
            first = cells[r - 1].row;
            coder = cells[r].coder;
            unit = cells[r].unit;
        }
    }
    if (bad == SIZE_MAX)
        return 0;
    return dl_fail(err, DL_EINVAL, "%s:%zu: coder '%s' rated unit '%s' again (first on line %zu)",
                   o->path, csv->row_line[bad], d->coders.names[coder], d->units.names[unit],
                   csv->row_line[first]);
}

static int fill_ratings(const rel_opts *o, const dl_csv *csv, rel_data *d, rel_cell *cells,
                        dl_error *err)
{
    size_t n = csv->nrows;
    if (d->coders.n > UINT32_MAX || d->units.n > UINT32_MAX)
        return dl_fail(err, DL_EINVAL, "%s: more than 4294967295 coders or units", o->path);
    d->ratings = dl_calloc(n, sizeof *d->ratings);
    if (!d->ratings)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", o->path);
    for (size_t r = 0; r < n; r++)
        d->ratings[r] =
            (dl_alpha_rating){(uint32_t)cells[r].coder, (uint32_t)cells[r].unit, cells[r].value};
    d->n = n;
    return 0;
}

static int load(const rel_opts *o, rel_data *d, dl_error *err)
{
    dl_csv *csv = NULL;
    rel_cell *cells = NULL;
    int rc = cli_csv_load(o->path, &csv, err);
    if (rc)
        return rc;
    cells = dl_calloc(csv->nrows, sizeof *cells);
    if (!cells) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", o->path);
        goto done;
    }
    if ((rc = read_cells(o, csv, d, cells, err)) == 0 &&
        (rc = fill_ratings(o, csv, d, cells, err)) == 0)
        rc = duplicate_error(o, csv, d, cells, err);
done:
    free(cells);
    dl_csv_free(csv);
    return rc;
}

/* ---- statistics (analysis/stats_reliability.c) ------------------------------ */

static int compute(const rel_opts *o, const rel_data *d, rel_result *res)
{
    dl_reliability_in in = {.ratings = d->ratings,
                            .n = d->n,
                            .ncoders = d->coders.n,
                            .nunits = d->units.n,
                            .ncats = d->cats.n,
                            .level = o->level,
                            .pairwise = o->pairwise,
                            .per_coder = o->per_coder,
                            .boot = o->boot};
    return dl_stats_reliability(&in, res);
}

/* ---- output --------------------------------------------------------------------- */

static const char *weights_name(dl_kappa_weights w)
{
    return w == DL_KAPPA_LINEAR ? "linear" : w == DL_KAPPA_QUADRATIC ? "quadratic" : "none";
}

static dl_summary pair_summary(const rel_result *res)
{
    double *x = dl_calloc(res->npairs, sizeof *x);
    dl_summary s = {0, NAN, NAN, NAN, NAN, NAN};
    if (x) {
        for (size_t i = 0; i < res->npairs; i++)
            x[i] = res->pairs[i].alpha;
        dl_stats_summary(x, res->npairs, &s);
    }
    free(x);
    return s;
}

static void json_stat(dl_json *j, const char *key, const char *why_key, rel_stat s)
{
    dl_json_key(j, key);
    dl_json_number(j, s.value);
    if (isnan(s.value)) {
        dl_json_key(j, why_key);
        dl_json_string(j, s.why ? s.why : "undefined");
    }
}

static void json_pairwise(dl_json *j, const rel_data *d, const rel_result *res)
{
    dl_summary s = pair_summary(res);
    dl_json_key(j, "pairwise");
    dl_json_object_begin(j);
    dl_json_key(j, "mean");
    dl_json_number(j, s.n ? s.mean : NAN);
    dl_json_key(j, "min");
    dl_json_number(j, s.n ? s.min : NAN);
    dl_json_key(j, "max");
    dl_json_number(j, s.n ? s.max : NAN);
    dl_json_key(j, "pairs");
    dl_json_array_begin(j);
    for (size_t i = 0; i < res->npairs; i++) {
        const rel_pair *p = &res->pairs[i];
        dl_json_object_begin(j);
        dl_json_key(j, "a");
        dl_json_string(j, d->coders.names[p->a]);
        dl_json_key(j, "b");
        dl_json_string(j, d->coders.names[p->b]);
        dl_json_key(j, "alpha");
        dl_json_number(j, p->alpha);
        dl_json_key(j, "units");
        dl_json_int(j, (long long)p->units);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
    dl_json_object_end(j);
}

static const char *INTERVAL = "percentile";

static const char *boot_method_text(dl_alpha_boot_method m)
{
    return m == DL_ALPHA_BOOT_HAYES ? "Krippendorff's bootstrap of pairable values"
                                    : "bootstrap over units";
}

static void json_boot(dl_json *j, const dl_alpha_boot *b)
{
    dl_json_key(j, "alpha_ci_low");
    dl_json_number(j, b->ci_low);
    dl_json_key(j, "alpha_ci_high");
    dl_json_number(j, b->ci_high);
    dl_json_key(j, "bootstrap");
    dl_json_object_begin(j);
    dl_json_key(j, "method");
    dl_json_string(j, dl_alpha_boot_method_name(b->method));
    dl_json_key(j, "interval");
    dl_json_string(j, INTERVAL);
    dl_json_key(j, "replicates");
    dl_json_int(j, (long long)b->replicates);
    dl_json_key(j, "undefined");
    dl_json_int(j, (long long)b->undefined);
    dl_json_key(j, "seed");
    dl_json_int(j, (long long)b->seed);
    dl_json_key(j, "conf");
    dl_json_number(j, b->conf);
    dl_json_key(j, "p_below");
    dl_json_array_begin(j);
    for (size_t i = 0; i < b->nmin; i++) {
        dl_json_object_begin(j);
        dl_json_key(j, "alpha_min");
        dl_json_number(j, b->alpha_min[i]);
        dl_json_key(j, "p");
        dl_json_number(j, b->p_below[i]);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
    dl_json_object_end(j);
}

static void json_per_coder(dl_json *j, const rel_data *d, const rel_result *res)
{
    dl_json_key(j, "per_coder");
    dl_json_array_begin(j);
    for (size_t c = 0; c < d->coders.n; c++) {
        dl_json_object_begin(j);
        dl_json_key(j, "coder");
        dl_json_string(j, d->coders.names[c]);
        dl_json_key(j, "units");
        dl_json_int(j, (long long)res->rated[c]);
        dl_json_key(j, "alpha_without");
        dl_json_number(j, res->loo[c]);
        dl_json_key(j, "mean_pairwise_alpha");
        dl_json_number(j, res->mean_pair[c]);
        dl_json_object_end(j);
    }
    dl_json_array_end(j);
}

static void print_json(const rel_opts *o, const rel_data *d, const rel_result *res)
{
    dl_json j;
    dl_json_init(&j, stdout);
    dl_json_object_begin(&j);
    dl_json_key(&j, "level");
    dl_json_string(&j, dl_stats_level_name(o->level));
    dl_json_key(&j, "coders");
    dl_json_int(&j, (long long)d->coders.n);
    dl_json_key(&j, "units");
    dl_json_int(&j, (long long)d->units.n);
    dl_json_key(&j, "units_pairable");
    dl_json_int(&j, (long long)res->units_pairable);
    dl_json_key(&j, "pairable_values");
    dl_json_int(&j, (long long)res->alpha.pairable_values);
    json_stat(&j, "alpha", "alpha_undefined_reason", (rel_stat){res->alpha.alpha, res->alpha_why});
    if (res->has_boot)
        json_boot(&j, &res->boot);
    dl_json_key(&j, "d_obs");
    dl_json_number(&j, res->alpha.d_obs);
    dl_json_key(&j, "d_exp");
    dl_json_number(&j, res->alpha.d_exp);
    if (res->has_cohen) {
        json_stat(&j, "cohen_kappa", "cohen_kappa_undefined_reason", res->cohen);
        dl_json_key(&j, "cohen_kappa_weights");
        dl_json_string(&j, weights_name(res->weights));
    }
    json_stat(&j, "fleiss_kappa", "fleiss_kappa_undefined_reason", res->fleiss);
    if (o->pairwise)
        json_pairwise(&j, d, res);
    if (o->per_coder)
        json_per_coder(&j, d, res);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

static void print_stat_line(const char *label, rel_stat s, const char *note)
{
    if (isnan(s.value))
        printf("  %-22s undefined (%s)\n", label, s.why ? s.why : "undefined");
    else
        printf("  %-22s %.4f%s\n", label, s.value, note);
}

static void print_pairs(const rel_data *d, const rel_result *res)
{
    dl_summary s = pair_summary(res);
    int w = cli_names_width(&d->coders, 7);
    printf("\npairwise alpha (%zu pair%s): mean ", res->npairs, res->npairs == 1 ? "" : "s");
    cli_print_stat(stdout, 0, s.n ? s.mean : NAN);
    printf(", min ");
    cli_print_stat(stdout, 0, s.n ? s.min : NAN);
    printf(", max ");
    cli_print_stat(stdout, 0, s.n ? s.max : NAN);
    printf("\n  %-*s  %-*s  %7s  %7s\n", w, "coder a", w, "coder b", "units", "alpha");
    for (size_t i = 0; i < res->npairs; i++) {
        const rel_pair *p = &res->pairs[i];
        fputs("  ", stdout);
        dl_put_cell(stdout, d->coders.names[p->a], w);
        fputs("  ", stdout);
        dl_put_cell(stdout, d->coders.names[p->b], w);
        printf("  %7zu  ", p->units);
        cli_print_stat(stdout, 7, p->alpha);
        putchar('\n');
    }
}

static void print_boot(const dl_alpha_boot *b)
{
    char label[64];
    snprintf(label, sizeof label, "%g%% interval", 100 * b->conf);
    if (isnan(b->ci_low))
        printf("  %-22s undefined (no replicate has a defined alpha)\n", label);
    else
        printf("  %-22s %.4f to %.4f\n", label, b->ci_low, b->ci_high);
    printf("  %-22s %s, %zu replicates, seed %llu, %s", "", boot_method_text(b->method),
           b->replicates, (unsigned long long)b->seed, INTERVAL);
    if (b->undefined)
        printf(", %zu undefined left out", b->undefined);
    putchar('\n');
    for (size_t i = 0; i < b->nmin; i++) {
        snprintf(label, sizeof label, "p(alpha < %g)", b->alpha_min[i]);
        printf("  %-22s ", label);
        cli_print_stat(stdout, 0, b->p_below[i]);
        putchar('\n');
    }
}

static void print_per_coder(const rel_data *d, const rel_result *res)
{
    int w = cli_names_width(&d->coders, 5);
    printf("\nper coder: alpha without the coder, and its mean pairwise alpha\n");
    printf("  %-*s  %7s  %13s  %13s\n", w, "coder", "units", "alpha without", "mean pairwise");
    for (size_t c = 0; c < d->coders.n; c++) {
        fputs("  ", stdout);
        dl_put_cell(stdout, d->coders.names[c], w);
        printf("  %7zu  ", res->rated[c]);
        cli_print_stat(stdout, 13, res->loo[c]);
        fputs("  ", stdout);
        cli_print_stat(stdout, 13, res->mean_pair[c]);
        putchar('\n');
    }
}

/* One CSV field: a number, empty when NaN. */
static void csv_num(double v)
{
    if (!isnan(v))
        printf("%.17g", v);
}

static void csv_row(const rel_opts *o, const rel_result *res, const char *scope, const char *coder,
                    double alpha, int with_boot)
{
    const dl_alpha_boot *b = &res->boot;
    int boot = with_boot && res->has_boot;
    printf("%s,%s,", dl_stats_level_name(o->level), scope);
    dl_csv_write_field(stdout, coder);
    putchar(',');
    csv_num(alpha);
    putchar(',');
    csv_num(boot ? b->ci_low : NAN);
    putchar(',');
    csv_num(boot ? b->ci_high : NAN);
    if (boot)
        printf(",%g,%s,%llu,%zu", b->conf, dl_alpha_boot_method_name(b->method),
               (unsigned long long)b->seed, b->replicates);
    else
        fputs(",,,,", stdout);
    for (size_t i = 0; i < o->boot.nmin && res->has_boot; i++) {
        putchar(',');
        csv_num(boot ? b->p_below[i] : NAN);
    }
    putchar('\n');
}

static void print_csv(const rel_opts *o, const rel_data *d, const rel_result *res)
{
    fputs("level,scope,coder,alpha,ci_low,ci_high,conf,method,seed,replicates", stdout);
    for (size_t i = 0; i < o->boot.nmin && res->has_boot; i++)
        printf(",p_below_%g", o->boot.alpha_min[i]);
    putchar('\n');
    csv_row(o, res, "all", "", res->alpha.alpha, 1);
    for (size_t c = 0; o->per_coder && c < d->coders.n; c++)
        csv_row(o, res, "without", d->coders.names[c], res->loo[c], 0);
    for (size_t c = 0; o->per_coder && c < d->coders.n; c++)
        csv_row(o, res, "mean_pairwise", d->coders.names[c], res->mean_pair[c], 0);
}

static void print_table(const rel_opts *o, const rel_data *d, const rel_result *res)
{
    printf("reliability of %s (%s data)\n", o->path, dl_stats_level_name(o->level));
    printf("  %-22s %zu\n", "coders", d->coders.n);
    printf("  %-22s %zu (%zu with two or more values)\n", "units", d->units.n, res->units_pairable);
    printf("  %-22s %zu\n", "pairable values", res->alpha.pairable_values);
    print_stat_line("Krippendorff's alpha", (rel_stat){res->alpha.alpha, res->alpha_why}, "");
    if (res->has_boot)
        print_boot(&res->boot);
    if (res->has_cohen) {
        char note[64];
        if (res->weights == DL_KAPPA_NONE)
            snprintf(note, sizeof note, " (unweighted)");
        else
            snprintf(note, sizeof note, " (%s weights)", weights_name(res->weights));
        print_stat_line("Cohen's kappa", res->cohen, note);
    }
    print_stat_line("Fleiss' kappa", res->fleiss, "");
    if (o->pairwise)
        print_pairs(d, res);
    if (o->per_coder)
        print_per_coder(d, res);
}

int cmd_reliability(int argc, char **argv)
{
    rel_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    rel_data d;
    rel_result res = {0};
    dl_error err = {0};
    memset(&d, 0, sizeof d);
    if ((rc = load(&o, &d, &err)) == 0 && (rc = compute(&o, &d, &res)) != 0) {
        if (rc == DL_EINVAL && res.has_boot && o.boot.method == DL_ALPHA_BOOT_HAYES)
            dl_fail(&err, rc,
                    "%s: --boot-method hayes needs at most 4096 distinct values (here %zu); "
                    "use --boot-method units",
                    o.path, res.alpha.nvalues);
        else
            dl_fail(&err, rc, "%s: %s", o.path, dl_strerror(rc));
    }
    if (rc == 0) {
        if (o.json)
            print_json(&o, &d, &res);
        else if (o.csv)
            print_csv(&o, &d, &res);
        else
            print_table(&o, &d, &res);
    }
    dl_stats_reliability_free(&res);
    rel_data_free(&d);
    return rc ? cli_fail(rc, &err) : DL_EXIT_OK;
}
