/* cmd_reliability.c — `dddlab reliability FILE`: Krippendorff's alpha of a
 * long CSV of ratings, with Cohen's kappa (two coders), Fleiss' kappa
 * (nominal, equal ratings per unit) and optionally alpha for every pair. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_stats.h"
#include "dl_stats.h"

#define CMD "reliability"

typedef struct rel_opts {
    const char *path;
    dl_level level;
    const char *coder_col;
    const char *unit_col;
    const char *value_col;
    int pairwise;
    int json;
} rel_opts;

/* The ratings as a coders x units matrix (NaN = missing). Nominal values are
 * category indices into `cats`; other levels keep their numbers. */
typedef struct rel_data {
    cli_names coders;
    cli_names units;
    cli_names cats;
    double *values;
} rel_data;

typedef struct rel_pair {
    size_t a, b;
    size_t units; /* units both coders rated */
    double alpha;
} rel_pair;

/* A statistic that may be undefined, with the reason why. */
typedef struct rel_stat {
    double value;
    const char *why;
} rel_stat;

typedef struct rel_result {
    dl_alpha alpha;
    const char *alpha_why;
    size_t units_pairable;
    int has_cohen;
    dl_kappa_weights weights;
    rel_stat cohen;
    rel_stat fleiss;
    rel_pair *pairs;
    size_t npairs;
} rel_result;

void help_reliability(FILE *out)
{
    fprintf(out,
            "usage: dddlab reliability FILE [--level nominal|ordinal|interval|ratio]\n"
            "                          [--coder-col C] [--unit-col U] [--value-col V]\n"
            "                          [--pairwise] [--json]\n\n"
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
            "  --json           one JSON object: level, coders, units, units_pairable,\n"
            "                   pairable_values, alpha (null with alpha_undefined_reason),\n"
            "                   d_obs, d_exp, cohen_kappa, cohen_kappa_weights, fleiss_kappa,\n"
            "                   pairwise {mean, min, max, pairs [{a, b, alpha, units}]}\n\n"
            "example: dddlab reliability ratings.csv --coder-col subject --unit-col item \\\n"
            "             --value-col q2_main_category --level ordinal\n");
}

static int parse_args(int argc, char **argv, rel_opts *o)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},    {"coder-col", required_argument, NULL, 'c'},
        {"unit-col", required_argument, NULL, 'u'}, {"value-col", required_argument, NULL, 'v'},
        {"pairwise", no_argument, NULL, 'p'},       {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    *o = (rel_opts){
        .level = DL_LEVEL_NOMINAL, .coder_col = "coder", .unit_col = "unit", .value_col = "value"};
    int c, level;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
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
            return -1;
        default:
            return cli_stats_bad_option(CMD, c, argv);
        }
    }
    if (argc - optind != 1)
        return argc == optind ? cli_usage(CMD, "expected a FILE")
                              : cli_usage(CMD, "unexpected argument '%s'", argv[optind + 1]);
    o->path = argv[optind];
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

static void rel_data_free(rel_data *d)
{
    cli_names_free(&d->coders);
    cli_names_free(&d->units);
    cli_names_free(&d->cats);
    free(d->values);
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
    size_t coder, unit;
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
        if ((rc = name_field(o->path, &d->coders, f[cc], o->coder_col, line, &cells[r].coder,
                             err)) ||
            (rc = name_field(o->path, &d->units, f[uc], o->unit_col, line, &cells[r].unit, err)) ||
            (rc = parse_value(o, d, f[vc], line, &cells[r].value, err)))
            return rc;
    }
    return 0;
}

/* Place the cells in the coders x units matrix; a second row for the same
 * coder and unit is an error naming both lines. */
static int fill_matrix(const rel_opts *o, const dl_csv *csv, rel_data *d, const rel_cell *cells,
                       dl_error *err)
{
    size_t ncells = d->coders.n * d->units.n;
    size_t *row_of = dl_calloc(ncells, sizeof *row_of); /* row + 1; 0 = none */
    d->values = dl_calloc(ncells, sizeof *d->values);
    if (!row_of || !d->values) {
        free(row_of);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", o->path);
    }
    int rc = 0;
    for (size_t r = 0; r < csv->nrows && rc == 0; r++) {
        size_t i = cells[r].coder * d->units.n + cells[r].unit;
        if (row_of[i])
            rc = dl_fail(err, DL_EINVAL,
                         "%s:%zu: coder '%s' rated unit '%s' again (first on line %zu)", o->path,
                         csv->row_line[r], d->coders.names[cells[r].coder],
                         d->units.names[cells[r].unit], csv->row_line[row_of[i] - 1]);
        row_of[i] = r + 1;
    }
    for (size_t i = 0; i < ncells; i++)
        d->values[i] = row_of[i] ? cells[row_of[i] - 1].value : NAN;
    free(row_of);
    return rc;
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
    if ((rc = read_cells(o, csv, d, cells, err)) == 0)
        rc = fill_matrix(o, csv, d, cells, err);
done:
    free(cells);
    dl_csv_free(csv);
    return rc;
}

/* ---- statistics ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index of v in the n sorted distinct values (v is among them). */
static int position(const double *sorted, size_t n, double v)
{
    const double *hit = bsearch(&v, sorted, n, sizeof *sorted, cmp_double);
    return hit ? (int)(hit - sorted) : -1;
}

/* Category positions of the two coders' values. Nominal values already are
 * positions; for the other levels a value's position is its rank among the
 * distinct values of the units both coders rated (as sklearn's labels). */
static int kappa_positions(const rel_data *d, dl_level level, int *r1, int *r2, int *ncat)
{
    size_t nu = d->units.n, nv = 0;
    const double *a = d->values, *b = d->values + nu;
    double *sorted = dl_calloc(2 * nu, sizeof *sorted);
    if (!sorted)
        return DL_ENOMEM;
    for (size_t u = 0; u < nu; u++)
        if (!isnan(a[u]) && !isnan(b[u])) {
            sorted[nv++] = a[u];
            sorted[nv++] = b[u];
        }
    qsort(sorted, nv, sizeof *sorted, cmp_double);
    size_t ndistinct = 0;
    for (size_t i = 0; i < nv; i++)
        if (i == 0 || sorted[i] != sorted[ndistinct - 1])
            sorted[ndistinct++] = sorted[i];
    for (size_t u = 0; u < nu; u++) {
        int both = !isnan(a[u]) && !isnan(b[u]);
        if (level == DL_LEVEL_NOMINAL || !both) {
            r1[u] = both ? (int)a[u] : -1;
            r2[u] = both ? (int)b[u] : -1;
            continue;
        }
        r1[u] = position(sorted, ndistinct, a[u]);
        r2[u] = position(sorted, ndistinct, b[u]);
    }
    *ncat = level == DL_LEVEL_NOMINAL ? (int)d->cats.n : (int)ndistinct;
    free(sorted);
    return 0;
}

static size_t units_both(const double *a, const double *b, size_t nu)
{
    size_t n = 0;
    for (size_t u = 0; u < nu; u++)
        n += !isnan(a[u]) && !isnan(b[u]);
    return n;
}

static int cohen(const rel_data *d, dl_level level, rel_result *res)
{
    static const dl_kappa_weights weights[] = {DL_KAPPA_NONE, DL_KAPPA_LINEAR, DL_KAPPA_QUADRATIC,
                                               DL_KAPPA_QUADRATIC};
    size_t nu = d->units.n;
    int *r1 = dl_calloc(nu, sizeof *r1), *r2 = dl_calloc(nu, sizeof *r2), ncat = 0;
    int rc = r1 && r2 ? kappa_positions(d, level, r1, r2, &ncat) : DL_ENOMEM;
    res->has_cohen = 1;
    res->weights = weights[level];
    res->cohen = (rel_stat){NAN, NULL};
    if (rc == 0 && units_both(d->values, d->values + nu, nu) == 0)
        res->cohen.why = "no unit was rated by both coders";
    else if (rc == 0) {
        rc = dl_stats_cohen_kappa(r1, r2, nu, ncat, res->weights, &res->cohen.value,
                                  &res->cohen.why);
        if (rc == DL_EUNDEF)
            rc = 0;
    }
    free(r1);
    free(r2);
    return rc;
}

/* Fleiss' kappa needs nominal data and the same number (>= 2) of ratings
 * for every unit that has any. */
static int fleiss(const rel_data *d, dl_level level, rel_stat *out)
{
    *out = (rel_stat){NAN, NULL};
    if (level != DL_LEVEL_NOMINAL) {
        out->why = "needs nominal data";
        return 0;
    }
    size_t nc = d->coders.n, nu = d->units.n, ncat = d->cats.n, nitems = 0;
    int *counts = dl_calloc(nu * (ncat ? ncat : 1), sizeof *counts), m = -1;
    if (!counts)
        return DL_ENOMEM;
    for (size_t u = 0; u < nu; u++) {
        int *row = counts + nitems * ncat, n = 0;
        for (size_t c = 0; c < nc; c++) {
            double v = d->values[c * nu + u];
            if (!isnan(v)) {
                row[(size_t)v]++;
                n++;
            }
        }
        if (n == 0)
            continue;
        if (m >= 0 && n != m) {
            out->why = "units have different numbers of ratings";
            free(counts);
            return 0;
        }
        m = n;
        nitems++;
    }
    int rc = 0;
    if (m < 2)
        out->why = "no unit has two or more ratings";
    else if ((rc = dl_stats_fleiss_kappa(counts, nitems, (int)ncat, &out->value, &out->why)) ==
             DL_EUNDEF)
        rc = 0;
    free(counts);
    return rc;
}

static int pairwise(const rel_data *d, dl_level level, rel_result *res)
{
    size_t nc = d->coders.n, nu = d->units.n;
    res->npairs = nc * (nc - 1) / 2;
    res->pairs = dl_calloc(res->npairs, sizeof *res->pairs);
    double *two = dl_calloc(2 * nu, sizeof *two);
    int rc = res->pairs && two ? 0 : DL_ENOMEM;
    size_t k = 0;
    for (size_t a = 0; a < nc && rc == 0; a++) {
        for (size_t b = a + 1; b < nc && rc == 0; b++, k++) {
            memcpy(two, d->values + a * nu, nu * sizeof *two);
            memcpy(two + nu, d->values + b * nu, nu * sizeof *two);
            dl_alpha al;
            rc = dl_stats_kripp_alpha(two, 2, nu, level, &al, NULL);
            if (rc == DL_EUNDEF)
                rc = 0;
            res->pairs[k] = (rel_pair){a, b, units_both(two, two + nu, nu), al.alpha};
        }
    }
    free(two);
    return rc;
}

static size_t count_units_pairable(const rel_data *d)
{
    size_t nc = d->coders.n, nu = d->units.n, n = 0;
    for (size_t u = 0; u < nu; u++) {
        size_t m = 0;
        for (size_t c = 0; c < nc; c++)
            m += !isnan(d->values[c * nu + u]);
        n += m >= 2;
    }
    return n;
}

static int compute(const rel_opts *o, const rel_data *d, rel_result *res)
{
    int rc = dl_stats_kripp_alpha(d->values, d->coders.n, d->units.n, o->level, &res->alpha,
                                  &res->alpha_why);
    if (rc == DL_EUNDEF)
        rc = 0;
    else
        res->alpha_why = NULL;
    res->units_pairable = count_units_pairable(d);
    if (rc == 0 && d->coders.n == 2)
        rc = cohen(d, o->level, res);
    if (rc == 0)
        rc = fleiss(d, o->level, &res->fleiss);
    if (rc == 0 && o->pairwise)
        rc = pairwise(d, o->level, res);
    return rc;
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

static void print_table(const rel_opts *o, const rel_data *d, const rel_result *res)
{
    printf("reliability of %s (%s data)\n", o->path, dl_stats_level_name(o->level));
    printf("  %-22s %zu\n", "coders", d->coders.n);
    printf("  %-22s %zu (%zu with two or more values)\n", "units", d->units.n, res->units_pairable);
    printf("  %-22s %zu\n", "pairable values", res->alpha.pairable_values);
    print_stat_line("Krippendorff's alpha", (rel_stat){res->alpha.alpha, res->alpha_why}, "");
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
}

int cmd_reliability(int argc, char **argv)
{
    rel_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? DL_EXIT_OK : rc;
    rel_data d;
    rel_result res = {0};
    dl_error err = {0};
    memset(&d, 0, sizeof d);
    if ((rc = load(&o, &d, &err)) == 0 && (rc = compute(&o, &d, &res)) != 0)
        dl_fail(&err, rc, "%s: %s", o.path, dl_strerror(rc));
    if (rc == 0) {
        if (o.json)
            print_json(&o, &d, &res);
        else
            print_table(&o, &d, &res);
    }
    free(res.pairs);
    rel_data_free(&d);
    return rc ? cli_fail(&err) : DL_EXIT_OK;
}
