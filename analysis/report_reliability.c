/* report_reliability.c — `dddlab reliability`: a long CSV of ratings (coder,
 * unit, value) read into the statistics core's rating list, Krippendorff's
 * alpha with Cohen's and Fleiss' kappa (dl_stats_reliability), and the
 * three outputs (text, JSON, CSV) on the caller's stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_report.h"

/* The ratings as a list, one per CSV row (value NaN = missing), so memory
 * follows the rows and not coders x units. Nominal values are category
 * indices into `cats`; other levels keep their numbers. */
struct dl_report_rel {
    dl_report_rel_opts o;
    const char *path;
    dl_names coders, units, cats;
    dl_alpha_rating *ratings;
    size_t n;
    dl_reliability res;
};

typedef dl_report_rel rel_data;
typedef dl_report_rel_opts rel_opts;
typedef dl_reliability rel_result;
typedef dl_rel_stat rel_stat;
typedef dl_rel_pair rel_pair;

/* ---- reading ---- */

/* dl_csv_read, and also fail with "FILE:1: no data rows after the header"
 * when the file holds only a header. */
static int csv_load(const char *path, const rel_opts *o, dl_csv **out, dl_error *err)
{
    int rc = dl_csv_read_progress(path, o->progress, o->progress_ctx, out, err);
    if (rc == 0 && (*out)->nrows == 0) {
        dl_csv_free(*out);
        *out = NULL;
        rc = dl_fail(err, DL_EINVAL, "%s:1: no data rows after the header", path);
    }
    return rc;
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
        if (dl_names_add_len(&d->cats, k, strlen(k), &cat) != 0)
            return dl_fail(err, DL_ENOMEM, "%s: out of memory", d->path);
        *v = (double)cat;
        return 0;
    }
    if (!numeric)
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: value '%s' in column '%s' is not a number (needed for --level %s)",
                       d->path, line, s, o->value_col, dl_stats_level_name(o->level));
    if (o->level == DL_LEVEL_RATIO && x < 0)
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: value '%s' in column '%s' is negative (ratio data must be >= 0)",
                       d->path, line, s, o->value_col);
    *v = x;
    return 0;
}

static int name_field(const char *path, dl_names *t, const char *s, const char *col, size_t line,
                      size_t *index, dl_error *err)
{
    if (s[0] == '\0')
        return dl_fail(err, DL_EINVAL, "%s:%zu: empty field in column '%s'", path, line, col);
    if (dl_names_add_len(t, s, strlen(s), index) != 0)
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
        if ((rc = name_field(d->path, &d->coders, f[cc], o->coder_col, line, &cells[r].coder,
                             err)) ||
            (rc = name_field(d->path, &d->units, f[uc], o->unit_col, line, &cells[r].unit, err)) ||
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
                   d->path, csv->row_line[bad], d->coders.names[coder], d->units.names[unit],
                   csv->row_line[first]);
}

static int fill_ratings(const rel_opts *o, const dl_csv *csv, rel_data *d, rel_cell *cells,
                        dl_error *err)
{
    size_t n = csv->nrows;
    if (d->coders.n > UINT32_MAX || d->units.n > UINT32_MAX)
        return dl_fail(err, DL_EINVAL, "%s: more than 4294967295 coders or units", d->path);
    d->ratings = dl_calloc(n, sizeof *d->ratings);
    if (!d->ratings)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", d->path);
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
    int rc = csv_load(d->path, o, &csv, err);
    if (rc)
        return rc;
    cells = dl_calloc(csv->nrows, sizeof *cells);
    if (!cells) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", d->path);
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

/* ---- output ---- */

static void put_stat(FILE *out, int width, double v)
{
    char buf[DL_NUM_CELL];
    fputs(dl_fmt_num(buf, v, width, 4), out);
}

static const char *weights_name(dl_kappa_weights w)
{
    return w == DL_KAPPA_LINEAR ? "linear" : w == DL_KAPPA_QUADRATIC ? "quadratic" : "none";
}

static dl_stats_summary_t pair_summary(const rel_result *res)
{
    double *x = dl_calloc(res->npairs, sizeof *x);
    dl_stats_summary_t s = {0, NAN, NAN, NAN, NAN, NAN};
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
    dl_stats_summary_t s = pair_summary(res);
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

static void print_json(FILE *out, const rel_opts *o, const rel_data *d, const rel_result *res)
{
    dl_json j;
    dl_json_init(&j, out);
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

static void print_stat_line(FILE *out, const char *label, rel_stat s, const char *note)
{
    if (isnan(s.value))
        fprintf(out, "  %-22s undefined (%s)\n", label, s.why ? s.why : "undefined");
    else
        fprintf(out, "  %-22s %.4f%s\n", label, s.value, note);
}

static void print_pairs(FILE *out, const rel_data *d, const rel_result *res)
{
    dl_stats_summary_t s = pair_summary(res);
    int w = dl_names_width(&d->coders, 7, 60);
    fprintf(out, "\npairwise alpha (%zu pair%s): mean ", res->npairs, res->npairs == 1 ? "" : "s");
    put_stat(out, 0, s.n ? s.mean : NAN);
    fprintf(out, ", min ");
    put_stat(out, 0, s.n ? s.min : NAN);
    fprintf(out, ", max ");
    put_stat(out, 0, s.n ? s.max : NAN);
    fprintf(out, "\n  %-*s  %-*s  %7s  %7s\n", w, "coder a", w, "coder b", "units", "alpha");
    for (size_t i = 0; i < res->npairs; i++) {
        const rel_pair *p = &res->pairs[i];
        fputs("  ", out);
        dl_put_cell(out, d->coders.names[p->a], w);
        fputs("  ", out);
        dl_put_cell(out, d->coders.names[p->b], w);
        fprintf(out, "  %7zu  ", p->units);
        put_stat(out, 7, p->alpha);
        fputc('\n', out);
    }
}

static void print_boot(FILE *out, const dl_alpha_boot *b)
{
    char label[64];
    snprintf(label, sizeof label, "%g%% interval", 100 * b->conf);
    if (isnan(b->ci_low))
        fprintf(out, "  %-22s undefined (no replicate has a defined alpha)\n", label);
    else
        fprintf(out, "  %-22s %.4f to %.4f\n", label, b->ci_low, b->ci_high);
    fprintf(out, "  %-22s %s, %zu replicates, seed %llu, %s", "", boot_method_text(b->method),
            b->replicates, (unsigned long long)b->seed, INTERVAL);
    if (b->undefined)
        fprintf(out, ", %zu undefined left out", b->undefined);
    fputc('\n', out);
    for (size_t i = 0; i < b->nmin; i++) {
        snprintf(label, sizeof label, "p(alpha < %g)", b->alpha_min[i]);
        fprintf(out, "  %-22s ", label);
        put_stat(out, 0, b->p_below[i]);
        fputc('\n', out);
    }
}

static void print_per_coder(FILE *out, const rel_data *d, const rel_result *res)
{
    int w = dl_names_width(&d->coders, 5, 60);
    fprintf(out, "\nper coder: alpha without the coder, and its mean pairwise alpha\n");
    fprintf(out, "  %-*s  %7s  %13s  %13s\n", w, "coder", "units", "alpha without",
            "mean pairwise");
    for (size_t c = 0; c < d->coders.n; c++) {
        fputs("  ", out);
        dl_put_cell(out, d->coders.names[c], w);
        fprintf(out, "  %7zu  ", res->rated[c]);
        put_stat(out, 13, res->loo[c]);
        fputs("  ", out);
        put_stat(out, 13, res->mean_pair[c]);
        fputc('\n', out);
    }
}

/* One CSV field: a number, NA when missing. */
static void csv_num(FILE *out, double v)
{
    dl_csv_write_num(out, v);
}

static void csv_row(FILE *out, const rel_opts *o, const rel_result *res, const char *scope,
                    const char *coder, double alpha, int with_boot)
{
    const dl_alpha_boot *b = &res->boot;
    int boot = with_boot && res->has_boot;
    fprintf(out, "%s,%s,", dl_stats_level_name(o->level), scope);
    dl_csv_write_field(out, coder);
    fputc(',', out);
    csv_num(out, alpha);
    fputc(',', out);
    csv_num(out, boot ? b->ci_low : NAN);
    fputc(',', out);
    csv_num(out, boot ? b->ci_high : NAN);
    if (boot)
        fprintf(out, ",%g,%s,%llu,%zu", b->conf, dl_alpha_boot_method_name(b->method),
                (unsigned long long)b->seed, b->replicates);
    else
        fputs(",NA,NA,NA,NA", out);
    for (size_t i = 0; i < o->boot.nmin && res->has_boot; i++) {
        fputc(',', out);
        csv_num(out, boot ? b->p_below[i] : NAN);
    }
    fputc('\n', out);
}

static void print_csv(FILE *out, const rel_opts *o, const rel_data *d, const rel_result *res)
{
    fputs("level,scope,coder,alpha,ci_low,ci_high,conf,method,seed,replicates", out);
    for (size_t i = 0; i < o->boot.nmin && res->has_boot; i++)
        fprintf(out, ",p_below_%g", o->boot.alpha_min[i]);
    fputc('\n', out);
    csv_row(out, o, res, "all", "", res->alpha.alpha, 1);
    for (size_t c = 0; o->per_coder && c < d->coders.n; c++)
        csv_row(out, o, res, "without", d->coders.names[c], res->loo[c], 0);
    for (size_t c = 0; o->per_coder && c < d->coders.n; c++)
        csv_row(out, o, res, "mean_pairwise", d->coders.names[c], res->mean_pair[c], 0);
}

static void print_table(FILE *out, const rel_opts *o, const rel_data *d, const rel_result *res)
{
    fprintf(out, "reliability of %s (%s data)\n", d->path, dl_stats_level_name(o->level));
    fprintf(out, "  %-22s %zu\n", "coders", d->coders.n);
    fprintf(out, "  %-22s %zu (%zu with two or more values)\n", "units", d->units.n,
            res->units_pairable);
    fprintf(out, "  %-22s %zu\n", "pairable values", res->alpha.pairable_values);
    print_stat_line(out, "Krippendorff's alpha", (rel_stat){res->alpha.alpha, res->alpha_why}, "");
    if (res->has_boot)
        print_boot(out, &res->boot);
    if (res->has_cohen) {
        char note[64];
        if (res->weights == DL_KAPPA_NONE)
            snprintf(note, sizeof note, " (unweighted)");
        else
            snprintf(note, sizeof note, " (%s weights)", weights_name(res->weights));
        print_stat_line(out, "Cohen's kappa", res->cohen, note);
    }
    print_stat_line(out, "Fleiss' kappa", res->fleiss, "");
    if (o->pairwise)
        print_pairs(out, d, res);
    if (o->per_coder)
        print_per_coder(out, d, res);
}

/* ---- the handle ---- */

int dl_report_rel_run(const char *path, const dl_report_rel_opts *o, dl_report_rel **out,
                      dl_error *err)
{
    dl_report_rel *d = dl_calloc(1, sizeof *d);
    *out = NULL;
    if (!d)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    d->o = *o;
    d->path = path;
    int rc = load(&d->o, d, err);
    if (rc == 0) {
        dl_reliability_in in = {.ratings = d->ratings,
                                .n = d->n,
                                .ncoders = d->coders.n,
                                .nunits = d->units.n,
                                .ncats = d->cats.n,
                                .level = o->level,
                                .pairwise = o->pairwise,
                                .per_coder = o->per_coder,
                                .boot = o->boot};
        if ((rc = dl_stats_reliability(&in, &d->res)) == DL_EINVAL && d->res.has_boot &&
            o->boot.method == DL_ALPHA_BOOT_HAYES)
            dl_fail(err, rc,
                    "%s: --boot-method hayes needs at most 4096 distinct values (here %zu); "
                    "use --boot-method units",
                    path, d->res.alpha.nvalues);
        else if (rc)
            dl_fail(err, rc, "%s: %s", path, dl_strerror(rc));
    }
    if (rc) {
        dl_report_rel_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void dl_report_rel_write_text(const dl_report_rel *r, FILE *out)
{
    print_table(out, &r->o, r, &r->res);
}

void dl_report_rel_write_json(const dl_report_rel *r, FILE *out)
{
    print_json(out, &r->o, r, &r->res);
}

void dl_report_rel_write_csv(const dl_report_rel *r, FILE *out)
{
    print_csv(out, &r->o, r, &r->res);
}

void dl_report_rel_free(dl_report_rel *r)
{
    if (!r)
        return;
    dl_stats_reliability_free(&r->res);
    dl_names_free(&r->coders);
    dl_names_free(&r->units);
    dl_names_free(&r->cats);
    free(r->ratings);
    free(r);
}
