/* report_load.c — long CSV files of ratings or trials collected by other
 * tools, read row by row (a benchmark-sized file has a million rows). */
#include "report_internal.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_RATINGS, KIND_TRIALS };

typedef struct csv_ctx {
    dl_report *r;
    const dl_report_columns *cols;
    const char *path;
    dl_error *err;
    int kind;
    uint32_t src; /* input index + 1 */
    int c_obs, c_item, c_q[3], c_class, c_acc, c_lab, c_excl, c_correct, c_resp, c_truth, c_rt;
    size_t ncols;
    regex_t re;
    int has_re;
    dl_trialcsv tc; /* trials: the shared row reader (report_trialcsv.c) */
    size_t rows, dropped;
} csv_ctx;

/* ---- header ---- */

static int need_col(csv_ctx *c, char **fields, size_t n, const char *name, int *col)
{
    dl_csv head = {.path = (char *)c->path, .ncols = n, .header = fields};
    return dl_csv_require_col(&head, name, col, c->err);
}

/* An optional column: used when present; an error when absent but named. */
static int opt_col(csv_ctx *c, char **fields, size_t n, const char *name, int bit, int *col)
{
    *col = -1;
    if (!name)
        return 0;
    if (c->cols->explicit_optional & bit)
        return need_col(c, fields, n, name, col);
    dl_csv head = {.path = (char *)c->path, .ncols = n, .header = fields};
    *col = dl_csv_col(&head, name);
    return 0;
}

static int header_ratings(csv_ctx *c, char **f, size_t n)
{
    for (int q = 0; q < 3; q++) {
        int rc = need_col(c, f, n, c->cols->q[q], &c->c_q[q]);
        if (rc)
            return rc;
    }
    return 0;
}

/* Observer, item and right or wrong as the shared reader finds them. */
static int header_trials(csv_ctx *c, char **f, size_t n)
{
    return dl_trialcsv_header(&c->tc, c->path, f, n, c->err);
}

static int on_header(csv_ctx *c, char **f, size_t n)
{
    const dl_report_columns *k = c->cols;
    int rc;
    c->ncols = n;
    if ((rc = need_col(c, f, n, k->observer, &c->c_obs)) ||
        (rc = need_col(c, f, n, k->item, &c->c_item)))
        return rc;
    rc = c->kind == KIND_RATINGS ? header_ratings(c, f, n) : header_trials(c, f, n);
    if (rc || (rc = opt_col(c, f, n, k->class_col, DL_REPORT_COL_CLASS, &c->c_class)) ||
        (rc = opt_col(c, f, n, k->model_acc, DL_REPORT_COL_MODEL_ACC, &c->c_acc)) ||
        (rc = opt_col(c, f, n, k->label_error, DL_REPORT_COL_LABEL_ERROR, &c->c_lab)) ||
        (rc = opt_col(c, f, n, k->rt, DL_REPORT_COL_RT, &c->c_rt)))
        return rc;
    c->c_excl = -1;
    if (k->exclude)
        rc = need_col(c, f, n, k->exclude, &c->c_excl);
    if (c->kind == KIND_RATINGS)
        c->c_rt = -1;
    return rc;
}

/* ---- fields ---- */

/* The item key (dl_report_item_key), as a string of its own: keys are not
 * cut at any length. */
static int item_key(csv_ctx *c, const char *field, size_t line, char **key)
{
    if (dl_is_missing(field))
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s is empty", c->path, line, c->cols->item);
    const char *s;
    size_t len;
    if (dl_report_item_key(c->has_re ? &c->re : NULL, field, &s, &len))
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s '%s' does not match --item-regex '%s'",
                       c->path, line, c->cols->item, field, c->cols->item_regex);
    if (!(*key = strndup(s, len)))
        return dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path);
    return 0;
}

/* Class, model accuracy and label error describe the item, not the row, so
 * every row of an item must agree. */
static int item_info(csv_ctx *c, char **f, size_t line, uint32_t item)
{
    rp_item *it = &c->r->item[item];
    const char *key = c->r->items.names[item];
    if (c->c_class >= 0) {
        const char *s = f[c->c_class];
        /* empty or missing: unknown; any other word is a mistake */
        int cls = dl_is_missing(s) ? -1 : dl_stats_difficulty_parse(s);
        if (cls < 0 && !dl_is_missing(s))
            return dl_fail(c->err, DL_EINVAL,
                           "%s:%zu: %s '%s' is not trivial, in-between or impossible", c->path,
                           line, c->cols->class_col, f[c->c_class]);
        if (cls >= 0 && it->cls >= 0 && cls != it->cls)
            return dl_fail(c->err, DL_EINVAL,
                           "%s:%zu: item '%s' is %s here but %s on an earlier row", c->path, line,
                           key, dl_stats_difficulty_name(cls), dl_stats_difficulty_name(it->cls));
        if (cls >= 0)
            it->cls = cls;
    }
    if (c->c_acc >= 0 && !dl_is_missing(f[c->c_acc])) {
        double v;
        if (dl_parse_double(f[c->c_acc], &v) || v < 0 || v > 1)
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s '%s' is not a fraction between 0 and 1",
                           c->path, line, c->cols->model_acc, f[c->c_acc]);
        if (!isnan(it->model_acc) && fabs(v - it->model_acc) > 1e-9)
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: item '%s' has %s %g here but %g earlier",
                           c->path, line, key, c->cols->model_acc, v, it->model_acc);
        it->model_acc = v;
    }
    if (c->c_lab >= 0 && !dl_is_missing(f[c->c_lab])) {
        uint8_t v;
        if (dl_report_parse_correct(f[c->c_lab], &v))
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s '%s' is not 0 or 1", c->path, line,
                           c->cols->label_error, f[c->c_lab]);
        it->label_error = v;
    }
    return 0;
}

static int rating_row(csv_ctx *c, char **f, size_t line, uint32_t obs, uint32_t item)
{
    rp_rating x = {.obs = obs, .item = item, .src = c->src, .line = (uint32_t)line};
    for (int q = 0; q < 3; q++) {
        const char *s = f[c->c_q[q]];
        x.q[q] = NAN;
        if (!dl_is_missing(s) && dl_parse_double(s, &x.q[q]))
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s '%s' is not a number", c->path, line,
                           c->cols->q[q], s);
        if (!isnan(x.q[q]) && x.q[q] != floor(x.q[q]))
            return dl_fail(c->err, DL_EINVAL,
                           "%s:%zu: %s '%s' is not a whole number (an answer "
                           "option)",
                           c->path, line, c->cols->q[q], s);
    }
    return rp_push_rating(c->r, &x) ? dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path) : 0;
}

/* A trial row: observer, item and right or wrong from the shared reader,
 * then what describes the item and the response time. */
static int trial_row(csv_ctx *c, char **f, size_t line)
{
    dl_trialcsv_row x;
    rp_trial t = {.rt_ms = NAN};
    int rc = dl_trialcsv_read(&c->tc, f, line, &x, c->err);
    if (rc)
        return rc;
    char *key = strndup(x.key, x.key_len);
    rc = !key || dl_names_add32(&c->r->obs, x.observer, &t.obs) || rp_item_slot(c->r, key, &t.item);
    free(key);
    if (rc)
        return dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path);
    if ((rc = item_info(c, f, line, t.item)))
        return rc;
    t.correct = x.correct;
    if (c->c_rt >= 0 && !dl_is_missing(f[c->c_rt])) {
        if (dl_parse_double(f[c->c_rt], &t.rt_ms))
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s '%s' is not a number", c->path, line,
                           c->cols->rt, f[c->c_rt]);
        t.rt_ms *= c->cols->rt_to_ms;
    }
    return rp_push_trial(c->r, &t) ? dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path) : 0;
}

static int on_row(void *ctx, char **f, size_t n, size_t line)
{
    csv_ctx *c = ctx;
    if (line == 1 && c->ncols == 0)
        return on_header(c, f, n);
    if (n != c->ncols)
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                       c->path, line, c->ncols, n);
    c->rows++;
    if (c->c_excl >= 0) {
        double v = 0;
        if (!dl_is_missing(f[c->c_excl]) && dl_parse_double(f[c->c_excl], &v))
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s '%s' is not 0 or 1", c->path, line,
                           c->cols->exclude, f[c->c_excl]);
        if (!dl_is_missing(f[c->c_excl]) && v == 1) {
            c->dropped++;
            return 0;
        }
    }
    if (c->kind == KIND_TRIALS)
        return trial_row(c, f, line);
    const char *code = f[c->c_obs];
    if (dl_is_missing(code))
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s is empty", c->path, line, c->cols->observer);
    char *key = NULL;
    uint32_t obs, item;
    int rc = item_key(c, f[c->c_item], line, &key);
    if (rc)
        return rc;
    rc = dl_names_add32(&c->r->obs, code, &obs) || rp_item_slot(c->r, key, &item);
    free(key);
    if (rc)
        return dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path);
    if ((rc = item_info(c, f, line, item)))
        return rc;
    return rating_row(c, f, line, obs, item);
}

static int load_csv(dl_report *r, const char *path, const dl_report_columns *cols, int kind,
                    dl_error *err)
{
    if ((kind == KIND_RATINGS && r->ntrials) || (kind == KIND_TRIALS && r->nratings))
        return dl_fail(err, DL_EINVAL, "%s: a report holds either trials or ratings, not both",
                       path);
    csv_ctx c = {.r = r, .cols = cols, .path = path, .err = err, .kind = kind};
    if (kind == KIND_TRIALS) {
        int trc = dl_trialcsv_open(&c.tc, cols, err);
        if (trc)
            return trc;
    } else if (cols->item_regex) {
        int e = dl_report_item_regex(&c.re, cols->item_regex, err);
        if (e)
            return e;
        c.has_re = 1;
    }
    int rc = rp_add_input(r, path, err);
    c.src = (uint32_t)r->ninputs;
    if (!rc && r->ncsv++ == 0)
        r->csv_first = r->ninputs - 1;
    if (!rc)
        rc = dl_csv_stream(path, on_row, &c, err);
    if (!rc && c.ncols == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:1: the file is empty (expected a header row)", path);
    if (!rc && c.rows == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:2: no data rows after the header", path);
    if (!rc && c.dropped)
        rc = rp_note(r, "%s: %zu row(s) dropped because %s = 1", path, c.dropped, cols->exclude);
    if (c.has_re)
        regfree(&c.re);
    dl_trialcsv_close(&c.tc);
    return rc;
}

static int set_csv_source(dl_report *r, const char *what)
{
    const char *first = r->inputs[r->csv_first].path;
    if (r->ncsv == 1)
        return rp_set_source(r, "%s from %s", what, first);
    return rp_set_source(r, "%s from %zu CSV files (%s, ...)", what, r->ncsv, first);
}

int dl_report_load_ratings_csv(dl_report *r, const char *path, const dl_report_columns *cols,
                               dl_error *err)
{
    /* A CSV names no question definitions: its q1..q3 columns are the
     * paper's three questions. */
    if (!r->questions.n && rp_qlist_paper(&r->questions))
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    int rc = load_csv(r, path, cols, KIND_RATINGS, err);
    return rc ? rc : set_csv_source(r, "ratings");
}

int dl_report_load_trials_csv(dl_report *r, const char *path, const dl_report_columns *cols,
                              dl_error *err)
{
    int rc = load_csv(r, path, cols, KIND_TRIALS, err);
    return rc ? rc : set_csv_source(r, "trials");
}
