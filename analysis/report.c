/* report.c — the report handle: loaded responses, notes,
 * inputs, and the filters that run before the analysis. */
#include "report_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* ---- the handle ---- */

void dl_report_columns_default(dl_report_columns *c)
{
    memset(c, 0, sizeof *c);
    c->observer = "observer";
    c->item = "item";
    c->q[0] = "q1";
    c->q[1] = "q2";
    c->q[2] = "q3";
    c->class_col = "difficulty";
    c->model_acc = "frac_correct";
    c->label_error = "label_error";
    c->rt = "rt_ms";
    c->rt_to_ms = 1.0;
}

void dl_report_options_default(dl_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->chance = 0.5;
    o->ec_boot.seed = 1;
    o->ec_boot.conf_level = 0.95;
    o->alpha_seed = 1;
    o->alpha_conf = 0.95;
}

dl_report *dl_report_new(void)
{
    dl_report *r = dl_calloc(1, sizeof *r);
    if (r)
        dl_report_options_default(&r->opt);
    return r;
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

void dl_report_free(dl_report *r)
{
    if (!r)
        return;
    rp_results_free(&r->res);
    dl_names_free(&r->obs);
    dl_names_free(&r->items);
    free(r->item);
    free(r->trials);
    free(r->ratings);
    rp_qlist_clear(&r->questions);
    free(r->source);
    for (size_t i = 0; i < r->ninputs; i++)
        free(r->inputs[i].path);
    free(r->inputs);
    free_strings(r->notes, r->nnotes);
    free_strings(r->excluded_obs, r->nexcluded_obs);
    free(r->exclude_items_path);
    rp_ddd_free(r->ddd);
    free(r);
}

int rp_note(dl_report *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **notes = dl_realloc_array(r->notes, r->nnotes + 1, sizeof *notes);
    if (!notes)
        return DL_ENOMEM;
    r->notes = notes;
    if (!(notes[r->nnotes] = dl_strdup(msg)))
        return DL_ENOMEM;
    r->nnotes++;
    return 0;
}

int rp_set_source(dl_report *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *s = dl_strdup(msg);
    if (!s)
        return DL_ENOMEM;
    free(r->source);
    r->source = s;
    return 0;
}

int rp_add_input(dl_report *r, const char *path, dl_error *err)
{
    rp_input *in = dl_realloc_array(r->inputs, r->ninputs + 1, sizeof *in);
    if (!in)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    r->inputs = in;
    rp_input *x = &in[r->ninputs];
    memset(x, 0, sizeof *x);
    if (!(x->path = dl_strdup(path)))
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    int rc = dl_sha256_file(path, x->sha256, err);
    if (rc) {
        free(x->path);
        return rc;
    }
    r->ninputs++;
    return 0;
}

int rp_item_slot(dl_report *r, const char *key, uint32_t *idx)
{
    size_t before = r->items.n;
    if (dl_names_add32(&r->items, key, idx))
        return DL_ENOMEM;
    if (r->items.n == before)
        return 0;
    if (dl_grow(&r->item, &r->item_cap, r->items.n, sizeof *r->item))
        return DL_ENOMEM;
    r->item[*idx] = (rp_item){.cls = -1, .model_acc = NAN, .label_error = -1};
    return 0;
}

int rp_push_trial(dl_report *r, const rp_trial *t)
{
    if (dl_grow(&r->trials, &r->trials_cap, r->ntrials + 1, sizeof *r->trials) != 0)
        return DL_ENOMEM;
    r->trials[r->ntrials++] = *t;
    return 0;
}

int rp_push_rating(dl_report *r, const rp_rating *x)
{
    if (dl_grow(&r->ratings, &r->ratings_cap, r->nratings + 1, sizeof *r->ratings) != 0)
        return DL_ENOMEM;
    r->ratings[r->nratings++] = *x;
    return 0;
}

/* ---- filters ---- */

static int keep_copy_options(dl_report *r, const dl_report_options *opt)
{
    free_strings(r->excluded_obs, r->nexcluded_obs);
    r->excluded_obs = NULL;
    r->nexcluded_obs = 0;
    free(r->exclude_items_path);
    r->exclude_items_path = NULL;
    r->opt = *opt;
    r->opt.exclude_observers = NULL;
    r->opt.exclude_items_path = NULL;
    if (opt->nexclude_observers) {
        r->excluded_obs = dl_calloc(opt->nexclude_observers, sizeof *r->excluded_obs);
        if (!r->excluded_obs)
            return DL_ENOMEM;
        r->nexcluded_obs = opt->nexclude_observers;
        for (size_t i = 0; i < opt->nexclude_observers; i++)
            if (!(r->excluded_obs[i] = dl_strdup(opt->exclude_observers[i])))
                return DL_ENOMEM;
    }
    if (opt->exclude_items_path && !(r->exclude_items_path = dl_strdup(opt->exclude_items_path)))
        return DL_ENOMEM;
    return 0;
}

static int exclude_observers(dl_report *r, uint8_t *keep_obs, dl_error *err)
{
    for (size_t i = 0; i < r->nexcluded_obs; i++) {
        long k = dl_names_find(&r->obs, r->excluded_obs[i]);
        if (k < 0) {
            dl_buf b;
            dl_buf_init(&b);
            for (size_t o = 0; o < r->obs.n && o < 20; o++)
                dl_buf_printf(&b, "%s%s", o ? ", " : "", r->obs.names[o]);
            if (r->obs.n > 20)
                dl_buf_printf(&b, ", ...");
            dl_fail(err, DL_EINVAL, "--exclude-observer %s: no such observer (observers are: %s)",
                    r->excluded_obs[i], b.data ? b.data : "none");
            dl_buf_free(&b);
            return DL_EINVAL;
        }
        keep_obs[k] = 0;
    }
    return 0;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

/* One item key per line; blank lines, '#' comments and a first line "item"
 * (a CSV header) are skipped. Keys not in the data are counted, not fatal:
 * an exclusion list is often shared between experiments. */
static int exclude_items_file(dl_report *r, uint8_t *keep_item, dl_error *err)
{
    const char *path = r->exclude_items_path;
    FILE *fp;
    int orc = dl_open_read(path, &fp, err);
    if (orc)
        return dl_fail_prefix(err, "--exclude-items ");
    char *line = NULL;
    size_t cap = 0, lineno = 0, unknown = 0;
    while (getline(&line, &cap, fp) > 0) {
        lineno++;
        trim(line);
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#' || (lineno == 1 && strcmp(s, "item") == 0))
            continue;
        long k = dl_names_find(&r->items, s);
        if (k < 0) {
            unknown++;
            continue;
        }
        if (keep_item[k])
            r->dropped_items_file++;
        keep_item[k] = 0;
    }
    free(line);
    fclose(fp);
    int rc = rp_note(r, "%zu item(s) left out as listed in %s", r->dropped_items_file, path);
    if (!rc && unknown)
        rc = rp_note(r, "%zu item(s) of %s are not in the data", unknown, path);
    return rc;
}

static int exclude_label_errors(dl_report *r, uint8_t *keep_item, dl_error *err)
{
    size_t known = 0;
    for (size_t i = 0; i < r->items.n; i++) {
        known += r->item[i].label_error >= 0;
        if (r->item[i].label_error == 1 && keep_item[i]) {
            keep_item[i] = 0;
            r->dropped_label_error++;
        }
    }
    if (!known)
        return dl_fail(err, DL_EINVAL,
                       "--exclude-label-errors: the data say nothing about "
                       "label errors (name the column with --label-error-col)");
    return rp_note(r, "%zu item(s) left out as label errors", r->dropped_label_error);
}

typedef struct keyed {
    const char *key;
    uint32_t idx;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

/* Sort item indices by key, so the subsample depends on the seed and the set
 * of items, not on the row order of the input. */
static int sort_by_key(uint32_t *idx, size_t n, char **names)
{
    keyed *k = dl_calloc(n, sizeof *k);
    if (!k)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){names[idx[i]], idx[i]};
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        idx[i] = k[i].idx;
    free(k);
    return 0;
}

static int balance_classes(dl_report *r, uint8_t *keep_item, const uint8_t *seen, dl_error *err)
{
    uint32_t *by[DL_REPORT_NCLASS] = {0};
    size_t n[DL_REPORT_NCLASS] = {0};
    int rc = 0;
    for (int c = 0; c < DL_REPORT_NCLASS; c++)
        if (!(by[c] = dl_calloc(r->items.n, sizeof *by[c]))) {
            rc = dl_fail(err, DL_ENOMEM, "--balance-classes: out of memory");
            goto done;
        }
    for (size_t i = 0; i < r->items.n; i++) {
        if (!keep_item[i] || !seen[i])
            continue;
        int c = r->item[i].cls;
        if (c < 0) {
            rc = dl_fail(err, DL_EINVAL,
                         "--balance-classes: item '%s' has no class "
                         "(trivial, in-between or impossible; see --class-col)",
                         r->items.names[i]);
            goto done;
        }
        by[c][n[c]++] = (uint32_t)i;
    }
    size_t m = n[0] < n[1] ? n[0] : n[1];
    m = m < n[2] ? m : n[2];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    uint32_t *chosen = dl_calloc(m, sizeof *chosen);
    if (!rng || !chosen) {
        gsl_rng_free(rng);
        free(chosen);
        rc = dl_fail(err, DL_ENOMEM, "--balance-classes: out of memory");
        goto done;
    }
    gsl_rng_set(rng, (unsigned long)r->opt.seed);
    /* Trivial, in-between, impossible: one generator draws for all three, so
     * this order decides which items a seed keeps (as it always has). */
    for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--) {
        if (sort_by_key(by[c], n[c], r->items.names)) {
            rc = dl_fail(err, DL_ENOMEM, "--balance-classes: out of memory");
            break;
        }
        if (m)
            gsl_ran_choose(rng, chosen, m, by[c], n[c], sizeof *chosen);
        for (size_t i = 0; i < n[c]; i++)
            keep_item[by[c][i]] = 0;
        for (size_t i = 0; i < m; i++)
            keep_item[chosen[i]] = 1;
        r->dropped_balance += n[c] - m;
    }
    gsl_rng_free(rng);
    free(chosen);
    if (!rc)
        rc = rp_note(r, "classes balanced to %zu items each (seed %llu)", m,
                     (unsigned long long)r->opt.seed);
done:
    for (int c = 0; c < DL_REPORT_NCLASS; c++)
        free(by[c]);
    return rc;
}

/* Items that at least one kept observer answered. */
static void mark_seen(const dl_report *r, const uint8_t *keep_obs, uint8_t *seen)
{
    for (size_t i = 0; i < r->ntrials; i++)
        if (keep_obs[r->trials[i].obs])
            seen[r->trials[i].item] = 1;
    for (size_t i = 0; i < r->nratings; i++)
        if (keep_obs[r->ratings[i].obs])
            seen[r->ratings[i].item] = 1;
}

static int apply_filters(dl_report *r, uint8_t *keep_obs, uint8_t *keep_item, dl_error *err)
{
    memset(keep_obs, 1, r->obs.n);
    memset(keep_item, 1, r->items.n);
    r->dropped_label_error = r->dropped_balance = r->dropped_items_file = 0;
    int rc = exclude_observers(r, keep_obs, err);
    if (!rc && r->exclude_items_path)
        rc = exclude_items_file(r, keep_item, err);
    if (!rc && r->opt.exclude_label_errors)
        rc = exclude_label_errors(r, keep_item, err);
    if (!rc && r->opt.balance_classes) {
        uint8_t *seen = dl_calloc(r->items.n, 1);
        if (!seen)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        mark_seen(r, keep_obs, seen);
        rc = balance_classes(r, keep_item, seen, err);
        free(seen);
    }
    return rc;
}

int dl_report_analyse(dl_report *r, const dl_report_options *opt, dl_error *err)
{
    rp_results_free(&r->res);
    /* Notes made by an earlier analysis go; those of the loaders stay. */
    if (r->analysed_before)
        while (r->nnotes > r->nnotes_loaded)
            free(r->notes[--r->nnotes]);
    r->nnotes_loaded = r->nnotes;
    r->analysed_before = 1;
    r->analysed = 0;
    if (keep_copy_options(r, opt))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    if (!(opt->chance > 0 && opt->chance < 1))
        return dl_fail(err, DL_EINVAL, "chance accuracy must lie between 0 and 1, not %g",
                       opt->chance);
    if (!r->ntrials && !r->nratings && !r->ddd)
        return dl_fail(err, DL_EINVAL, "nothing to analyse: no trials, ratings or DDD tables");
    uint8_t *keep_obs = dl_calloc(r->obs.n, 1), *keep_item = dl_calloc(r->items.n, 1);
    int rc = 0;
    if (!keep_obs || !keep_item) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = apply_filters(r, keep_obs, keep_item, err)))
        goto done;
    if (r->ntrials && (rc = rp_analyse_trials(r, keep_obs, keep_item, err)))
        goto done;
    if (r->nratings && (rc = rp_analyse_ratings(r, keep_obs, keep_item, err)))
        goto done;
    r->analysed = 1;
done:
    if (rc)
        rp_results_free(&r->res);
    free(keep_obs);
    free(keep_item);
    return rc;
}

const dl_report_trials *dl_report_get_trials(const dl_report *r)
{
    return r->analysed && r->res.has_trials ? &r->res.trials : NULL;
}

const dl_report_ratings *dl_report_get_ratings(const dl_report *r)
{
    return r->analysed && r->res.has_ratings ? &r->res.ratings : NULL;
}
