/* report_consistency.c — `dddlab consistency`: error consistency between
 * every pair of observers of trials CSVs over the items both saw, optionally
 * per group of a column; read with the one trials reader
 * (report_trialcsv.c), computed by dl_stats_ec_group, written as a text
 * table, JSON or CSV on the caller's stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_report.h"

/* One response: who saw what (indices into the name tables), in which
 * group, and whether it was right. */
typedef struct ec_obs {
    size_t group, observer, item;
    size_t seq; /* position in the input: the first answer counts */
    uint8_t correct;
} ec_obs;

typedef struct ec_group {
    size_t *observers; /* observer indices in first-seen order */
    size_t nobservers;
    size_t repeats; /* answers after an observer's first to an item */
    dl_ec_group s; /* pairs name observers by their index in observers */
} ec_group;

struct dl_report_ec {
    dl_report_ec_opts o;
    dl_names groups, observers, items;
    ec_obs *obs;
    size_t nobs, cap;
    size_t repeats; /* answers after an observer's first to an item, all groups */
    ec_group *g;    /* groups.n of them, at least one */
};

/* ---- reading ---- */

typedef struct ec_read {
    dl_report_ec *e;
    dl_trialcsv tc;
    int c_by;
    size_t ncols, rows;
    dl_error *err;
} ec_read;

static int add_row(ec_read *x, char **f, size_t line)
{
    dl_report_ec *e = x->e;
    dl_trialcsv_row row;
    int rc = dl_trialcsv_read(&x->tc, f, line, &row, x->err);
    if (rc)
        return rc;
    if (dl_grow(&e->obs, &e->cap, e->nobs + 1, sizeof *e->obs))
        return dl_fail(x->err, DL_ENOMEM, "out of memory");
    ec_obs *ob = &e->obs[e->nobs];
    const char *group = x->c_by >= 0 ? f[x->c_by] : "";
    *ob = (ec_obs){.seq = e->nobs, .correct = row.correct};
    if (dl_names_add_len(&e->observers, row.observer, strlen(row.observer), &ob->observer) ||
        dl_names_add_len(&e->items, row.key, row.key_len, &ob->item) ||
        dl_names_add_len(&e->groups, group, strlen(group), &ob->group))
        return dl_fail(x->err, DL_ENOMEM, "out of memory");
    e->nobs++;
    return 0;
}

static int on_row(void *ctx, char **f, size_t n, size_t line)
{
    ec_read *x = ctx;
    if (x->ncols == 0) {
        int rc = dl_trialcsv_header(&x->tc, x->tc.path, f, n, x->err);
        dl_csv head = {.path = (char *)x->tc.path, .ncols = n, .header = f};
        x->c_by = -1;
        if (!rc && x->e->o.by)
            rc = dl_csv_require_col(&head, x->e->o.by, &x->c_by, x->err);
        x->ncols = n;
        return rc;
    }
    if (n != x->ncols)
        return dl_fail(x->err, DL_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                       x->tc.path, line, x->ncols, n);
    x->rows++;
    return add_row(x, f, line);
}

static int read_file(dl_report_ec *e, const char *path, dl_error *err)
{
    ec_read x = {.e = e, .err = err};
    int rc = dl_trialcsv_open(&x.tc, &e->o.cols, err);
    x.tc.path = path;
    if (!rc)
        rc = dl_csv_stream_progress(path, on_row, &x, e->o.progress, e->o.progress_ctx, err);
    if (!rc && x.rows == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:2: no data rows after the header", path);
    dl_trialcsv_close(&x.tc);
    return rc;
}

static int cmp_obs(const void *pa, const void *pb)
{
    const ec_obs *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->observer != b->observer)
        return a->observer < b->observer ? -1 : 1;
    if (a->item != b->item)
        return a->item < b->item ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sort each group's responses together by observer, and keep an observer's
 * first answer to an item (the rule of the report's error consistency):
 * an observer who ran a set twice contributes one answer per item. */
static void keep_first(dl_report_ec *e)
{
    size_t k = 0;
    qsort(e->obs, e->nobs, sizeof *e->obs, cmp_obs);
    for (size_t i = 0; i < e->nobs; i++) {
        const ec_obs *x = &e->obs[i], *prev = k ? &e->obs[k - 1] : NULL;
        if (prev && prev->group == x->group && prev->observer == x->observer &&
            prev->item == x->item) {
            e->repeats++;
            e->g[x->group].repeats++;
            continue;
        }
        e->obs[k++] = *x;
    }
    e->nobs = k;
}

/* ---- analysis ---- */

/* One group: the responses obs[0..n), sorted by observer. item_local maps an
 * item to its column (SIZE_MAX = not yet seen) and is left all SIZE_MAX. */
static int analyse_group(const dl_report_ec_opts *o, const ec_obs *obs, size_t n,
                         size_t *item_local, ec_group *g)
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
        ans[i] = (dl_ec_answer){(uint32_t)(g->nobservers - 1), (uint32_t)item_local[obs[i].item],
                                obs[i].correct};
    }
    for (size_t i = 0; i < n; i++)
        item_local[obs[i].item] = SIZE_MAX;
    int rc = dl_stats_ec_group(ans, n, g->nobservers, nitems, o->boundary, &o->boot, &g->s);
    g->s.nitems = nitems;
    free(ans);
    return rc;
}

static int analyse(dl_report_ec *e)
{
    size_t *item_local = dl_calloc(e->items.n ? e->items.n : 1, sizeof *item_local);
    int rc = item_local ? 0 : DL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < e->items.n; i++)
        item_local[i] = SIZE_MAX;
    for (size_t lo = 0, hi; rc == 0 && lo < e->nobs; lo = hi) {
        for (hi = lo; hi < e->nobs && e->obs[hi].group == e->obs[lo].group; hi++)
            ;
        rc = analyse_group(&e->o, e->obs + lo, hi - lo, item_local, &e->g[e->obs[lo].group]);
    }
    free(item_local);
    return rc;
}

int dl_report_ec_run(const char *const *paths, size_t npaths, const dl_report_ec_opts *o,
                     dl_report_ec **out, dl_error *err)
{
    dl_report_ec *e = dl_calloc(1, sizeof *e);
    int rc = e ? 0 : dl_fail(err, DL_ENOMEM, "out of memory");
    *out = NULL;
    if (e)
        e->o = *o;
    for (size_t f = 0; rc == 0 && f < npaths; f++)
        rc = read_file(e, paths[f], err);
    if (rc == 0 && e->nobs == 0)
        rc = dl_fail(err, DL_EINVAL, "no responses in the input");
    /* At least one group, so the output of an empty input is well formed. */
    if (rc == 0 && !(e->g = dl_calloc(e->groups.n ? e->groups.n : 1, sizeof *e->g)))
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
    if (rc == 0) {
        keep_first(e);
        if ((rc = analyse(e)) != 0)
            dl_fail(err, rc, "error consistency failed: %s", dl_strerror(rc));
    }
    if (rc) {
        dl_report_ec_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

size_t dl_report_ec_repeats(const dl_report_ec *e)
{
    return e->repeats;
}

void dl_report_ec_free(dl_report_ec *e)
{
    if (!e)
        return;
    for (size_t i = 0; e->g && i < (e->groups.n ? e->groups.n : 1); i++) {
        free(e->g[i].observers);
        dl_stats_ec_group_free(&e->g[i].s);
    }
    free(e->g);
    dl_names_free(&e->groups);
    dl_names_free(&e->observers);
    dl_names_free(&e->items);
    free(e->obs);
    free(e);
}

/* The observer name of pair member i (an index into the group's list). */
static const char *obs_name(const dl_report_ec *e, const ec_group *g, size_t i)
{
    return e->observers.names[g->observers[i]];
}

/* ---- JSON ---- */

static const char *pair_why(const dl_ec_pair_result *p)
{
    if (!isnan(p->ec.kappa))
        return NULL;
    return p->ec.n == 0 ? "no common item"
                        : "both always right or both always wrong (expected agreement 1)";
}

static void json_bootstrap(dl_json *j, const dl_report_ec_opts *o)
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

static void json_pair(dl_json *j, const dl_report_ec *e, const ec_group *g,
                      const dl_ec_pair_result *p)
{
    dl_json_object_begin(j);
    dl_json_key(j, "a");
    dl_json_string(j, obs_name(e, g, p->a));
    dl_json_key(j, "b");
    dl_json_string(j, obs_name(e, g, p->b));
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
    if (e->o.boot.replicates) {
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

static void json_group(dl_json *j, const dl_report_ec *e, const ec_group *g)
{
    const dl_ec_group *s = &g->s;
    int any = s->kappa.n > 0;
    dl_json_object_begin(j);
    dl_json_key(j, "observers");
    dl_json_array_begin(j);
    for (size_t i = 0; i < g->nobservers; i++)
        dl_json_string(j, obs_name(e, g, i));
    dl_json_array_end(j);
    dl_json_key(j, "items");
    dl_json_int(j, (long long)s->nitems);
    json_bootstrap(j, &e->o);
    dl_json_key(j, "pairs");
    dl_json_array_begin(j);
    for (size_t k = 0; k < s->npairs; k++)
        json_pair(j, e, g, &s->pairs[k]);
    dl_json_array_end(j);
    dl_json_key(j, "mean_kappa");
    dl_json_number(j, any ? s->kappa.mean : NAN);
    if (e->o.boot.replicates) {
        dl_json_key(j, "mean_kappa_ci_low");
        dl_json_number(j, s->mean_ci_low);
        dl_json_key(j, "mean_kappa_ci_high");
        dl_json_number(j, s->mean_ci_high);
        dl_json_key(j, "mean_kappa_se");
        dl_json_number(j, s->mean_se);
    }
    dl_json_key(j, "min_kappa");
    dl_json_number(j, any ? s->kappa.min : NAN);
    dl_json_key(j, "max_kappa");
    dl_json_number(j, any ? s->kappa.max : NAN);
    dl_json_key(j, "sd_kappa");
    dl_json_number(j, s->kappa.n > 1 ? s->kappa.sd : NAN);
    dl_json_key(j, "pairs_used");
    dl_json_int(j, (long long)s->kappa.n);
    dl_json_key(j, "undefined_pairs");
    dl_json_object_begin(j);
    dl_json_key(j, "no_common_item");
    dl_json_int(j, (long long)s->no_common);
    dl_json_key(j, "expected_agreement_1");
    dl_json_int(j, (long long)s->boundary_undef);
    dl_json_object_end(j);
    if (g->repeats) {
        dl_json_key(j, "repeated_trials");
        dl_json_int(j, (long long)g->repeats);
    }
    dl_json_object_end(j);
}

void dl_report_ec_write_json(const dl_report_ec *e, FILE *out)
{
    dl_json j;
    dl_json_init(&j, out);
    if (!e->o.by) {
        json_group(&j, e, &e->g[0]);
    } else {
        dl_json_object_begin(&j);
        dl_json_key(&j, "by");
        dl_json_string(&j, e->o.by);
        dl_json_key(&j, "groups");
        dl_json_object_begin(&j);
        for (size_t i = 0; i < e->groups.n; i++) {
            dl_json_key(&j, e->groups.names[i]);
            json_group(&j, e, &e->g[i]);
        }
        dl_json_object_end(&j);
        dl_json_object_end(&j);
    }
    dl_json_end(&j);
}

/* ---- text ---- */

static void put_stat(FILE *out, int width, double v)
{
    char buf[DL_NUM_CELL];
    fputs(dl_fmt_num(buf, v, width, 4), out);
}

/* A p-value in 9 characters: 4 decimals, or 3 significant digits when
 * smaller than 0.001. */
static void put_p(FILE *out, double p)
{
    if (isnan(p))
        fprintf(out, "  %9s", "-");
    else if (p >= 0.001)
        fprintf(out, "  %9.4f", p);
    else
        fprintf(out, "  %9.2e", p);
}

static void text_pair(FILE *out, const dl_report_ec *e, const ec_group *g,
                      const dl_ec_pair_result *p, int w)
{
    fputs("  ", out);
    dl_put_cell(out, obs_name(e, g, p->a), w);
    fputs("  ", out);
    dl_put_cell(out, obs_name(e, g, p->b), w);
    fprintf(out, "  %6zu", p->ec.n);
    const double vals[] = {p->ec.p1,    p->ec.p2,          p->ec.c_obs,      p->ec.c_exp,
                           p->ec.kappa, p->test.kappa_min, p->test.kappa_max};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        fputs("  ", out);
        put_stat(out, 7, vals[i]);
    }
    put_p(out, p->test.p_value);
    if (e->o.boot.replicates) {
        fputs("  ", out);
        put_stat(out, 7, p->ci_low);
        fputs("  ", out);
        put_stat(out, 7, p->ci_high);
    }
    fputc('\n', out);
}

static void text_summary(FILE *out, const dl_report_ec *e, const dl_ec_group *s)
{
    int any = s->kappa.n > 0;
    fprintf(out, "kappa over %zu pair%s: mean ", s->kappa.n, s->kappa.n == 1 ? "" : "s");
    put_stat(out, 0, any ? s->kappa.mean : NAN);
    if (e->o.boot.replicates) {
        fputs(" [", out);
        put_stat(out, 0, s->mean_ci_low);
        fputs(", ", out);
        put_stat(out, 0, s->mean_ci_high);
        fputs("]", out);
    }
    fputs(", sd ", out);
    put_stat(out, 0, s->kappa.n > 1 ? s->kappa.sd : NAN);
    fputs(", min ", out);
    put_stat(out, 0, any ? s->kappa.min : NAN);
    fputs(", max ", out);
    put_stat(out, 0, any ? s->kappa.max : NAN);
    fputc('\n', out);
    if (s->no_common || s->boundary_undef)
        fprintf(out,
                "left out: %zu pair%s without a common item, %zu with kappa undefined (both "
                "always right or both always wrong)\n",
                s->no_common, s->no_common == 1 ? "" : "s", s->boundary_undef);
}

static void text_group(FILE *out, const dl_report_ec *e, const ec_group *g)
{
    const dl_ec_group *s = &g->s;
    int w = dl_names_width(&e->observers, 10, 60);
    fprintf(out, "error consistency of %zu observer%s over %zu item%s (%zu pair%s)\n",
            g->nobservers, g->nobservers == 1 ? "" : "s", s->nitems, s->nitems == 1 ? "" : "s",
            s->npairs, s->npairs == 1 ? "" : "s");
    if (g->nobservers < 2) {
        fputs("  undefined: error consistency needs at least two observers\n", out);
        return;
    }
    fprintf(out, "  %-*s  %-*s  %6s  %7s  %7s  %7s  %7s  %7s  %7s  %7s  %9s", w, "observer a", w,
            "observer b", "items", "p1", "p2", "c_obs", "c_exp", "kappa", "k_min", "k_max",
            "p_fisher");
    if (e->o.boot.replicates)
        fprintf(out, "  %7s  %7s", "ci_low", "ci_high");
    fputc('\n', out);
    for (size_t k = 0; k < s->npairs; k++)
        text_pair(out, e, g, &s->pairs[k], w);
    text_summary(out, e, s);
}

void dl_report_ec_write_text(const dl_report_ec *e, FILE *out)
{
    const dl_report_ec_opts *o = &e->o;
    for (size_t i = 0; i < e->groups.n; i++) {
        if (o->by)
            fprintf(out, "%s%s = %s\n", i ? "\n" : "", o->by, e->groups.names[i]);
        text_group(out, e, &e->g[i]);
    }
    fprintf(out, "\nkappa when both are always right or both always wrong (c_exp = 1): %s\n",
            dl_stats_ec_boundary_text(o->boundary));
    if (o->boot.replicates)
        fprintf(out,
                "intervals: %g%% percentile bootstrap, %zu replicates resampling %s, seed %llu\n",
                100 * o->boot.conf_level, o->boot.replicates,
                o->boot.resample_observers ? "items (pairs) and items + observers (mean)" : "items",
                (unsigned long long)o->boot.seed);
    if (e->repeats)
        fprintf(out,
                "repeated trials: %zu answer%s to an item the observer had answered before left "
                "out (the first answer counts)\n",
                e->repeats, e->repeats == 1 ? "" : "s");
}

/* ---- CSV ---- */

static void csv_num(FILE *f, double v)
{
    fputc(',', f);
    dl_csv_write_num(f, v);
}

static void csv_group(FILE *f, const dl_report_ec *e, const ec_group *g, const char *group)
{
    const dl_report_ec_opts *o = &e->o;
    const dl_ec_group *s = &g->s;
    char boot[96], conf[40];
    dl_fmt_shortest(conf, sizeof conf, o->boot.conf_level);
    if (o->boot.replicates)
        snprintf(boot, sizeof boot, ",%zu,%llu,%s", o->boot.replicates,
                 (unsigned long long)o->boot.seed, conf);
    else
        snprintf(boot, sizeof boot, ",NA,NA,NA");
    const char *bnd = dl_stats_ec_boundary_name(o->boundary);
    for (size_t k = 0; k < s->npairs; k++) {
        const dl_ec_pair_result *p = &s->pairs[k];
        fputs("pair,", f);
        dl_csv_write_field(f, group);
        fputc(',', f);
        dl_csv_write_field(f, obs_name(e, g, p->a));
        fputc(',', f);
        dl_csv_write_field(f, obs_name(e, g, p->b));
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
    fprintf(f, ",,,%zu", s->kappa.n);
    for (size_t i = 0; i < 11; i++)
        csv_num(f, i == 4 && s->kappa.n ? s->kappa.mean
                   : i == 9             ? s->mean_ci_low
                   : i == 10            ? s->mean_ci_high
                                        : NAN);
    fprintf(f, ",%s%s\n", bnd, boot);
}

void dl_report_ec_write_csv(const dl_report_ec *e, FILE *out)
{
    fputs("row,group,a,b,items,p1,p2,c_obs,c_exp,kappa,kappa_corrected,kappa_min,kappa_max,"
          "p_value,ci_low,ci_high,ec_boundary,replicates,seed,conf_level\n",
          out);
    for (size_t i = 0; i < e->groups.n; i++)
        csv_group(out, e, &e->g[i], e->o.by ? e->groups.names[i] : "");
}
