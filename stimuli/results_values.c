/* results_values.c — what a label and a prediction are: numbers compare as
 * numbers (pandas writes an integer column with a missing value as 65.0, so
 * text comparison would score a perfect model 0), predictions may be top-k
 * lists, image names may need cutting down to the part the files share.
 * Also the reader's warnings and the --labels file. */
#include "results_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int stim_rd_values_equal(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    double x, y;
    return dl_parse_double(a, &x) == 0 && dl_parse_double(b, &y) == 0 && x == y;
}

void stim_rd_canon(const char *s, char *buf, size_t size)
{
    double x;
    if (dl_parse_double(s, &x) == 0)
        snprintf(buf, size, "%.17g", x == 0 ? 0.0 : x); /* -0 == 0 */
    else
        snprintf(buf, size, "%s", s);
}

/* Separators inside a list: commas, blanks, quotes (Python writes ['a', 'b']). */
static int is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\'' || c == '"';
}

int stim_rd_pred_match(const char *s, const char *label, unsigned k, int *match, dl_names *seen)
{
    char tok[256], canon[300];
    size_t n = strlen(s);
    *match = 0;
    while (n && s[n - 1] == ' ')
        n--;
    while (n && *s == ' ')
        s++, n--;
    int bracketed =
        n >= 2 && ((s[0] == '[' && s[n - 1] == ']') || (s[0] == '(' && s[n - 1] == ')'));
    if (!bracketed && k == 0) {
        /* One value, blanks and all (class names may have spaces). */
        if (seen) {
            size_t idx;
            stim_rd_canon(s, canon, sizeof canon);
            if (dl_names_add(seen, canon, NULL, &idx, NULL) != 0)
                return DL_ENOMEM;
        }
        *match = stim_rd_values_equal(s, label);
        return 0;
    }
    if (bracketed)
        s++, n -= 2;
    unsigned want = k ? k : 1, got = 0;
    size_t i = 0;
    while (got < want) {
        while (i < n && is_sep(s[i]))
            i++;
        if (i >= n)
            break;
        size_t j = i;
        while (j < n && !is_sep(s[j]))
            j++;
        size_t len = j - i < sizeof tok - 1 ? j - i : sizeof tok - 1;
        memcpy(tok, s + i, len);
        tok[len] = '\0';
        got++;
        if (stim_rd_values_equal(tok, label))
            *match = 1;
        if (seen) {
            size_t idx;
            stim_rd_canon(tok, canon, sizeof canon);
            if (dl_names_add(seen, canon, NULL, &idx, NULL) != 0)
                return DL_ENOMEM;
        }
        i = j;
    }
    return 0;
}

/* model-vs-human names every image by trial and subject first
 * ("0001_edg_s01_0_oven_00_oven10.png"); the rest is the same for every
 * subject who saw it. */
static const char *mvh_strip(const char *s)
{
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == s || *p != '_')
        return s;
    const char *q = strchr(p + 1, '_');
    if (!q || q[1] != 's')
        return s;
    const char *d = q + 2;
    while (*d >= '0' && *d <= '9')
        d++;
    return d > q + 2 && *d == '_' ? d + 1 : s;
}

int stim_rd_image_name(rd *r, const char *raw, size_t line, char *buf, size_t size)
{
    const char *s = raw;
    size_t len;
    if (r->has_re) {
        regmatch_t m[2];
        if (regexec(&r->re, raw, 2, m, 0) != 0)
            return dl_fail(r->err, DL_EINVAL,
                           "%s:%zu: image name '%s' does not match --image-regex", r->path, line,
                           raw);
        int g = m[1].rm_so >= 0 ? 1 : 0;
        s = raw + m[g].rm_so;
        len = (size_t)(m[g].rm_eo - m[g].rm_so);
    } else {
        if (r->fmt == DL_STIMULI_MVH)
            s = mvh_strip(raw);
        else if (r->fmt == DL_STIMULI_TIMM && strrchr(raw, '/'))
            s = strrchr(raw, '/') + 1;
        len = strlen(s);
    }
    if (len == 0)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: empty image name", r->path, line);
    if (len >= size)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: image name longer than %zu bytes", r->path, line,
                       size - 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    return 0;
}

int stim_rd_warn(rd *r, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **w = dl_realloc_array(r->warnings, r->nwarnings + 1, sizeof *w);
    if (!w)
        return DL_ENOMEM;
    r->warnings = w;
    if (!(w[r->nwarnings] = dl_strdup(msg)))
        return DL_ENOMEM;
    r->nwarnings++;
    return 0;
}

/* ---- --labels FILE ---------------------------------------------------------- */

typedef struct gt_ctx {
    rd *r;
    size_t cap;
} gt_ctx;

static int is_header(char **f)
{
    static const char *const first[] = {"image", "filename", "file", "imagename"};
    static const char *const second[] = {"label", "class", "target", "category"};
    int a = 0, b = 0;
    for (size_t i = 0; i < 4; i++) {
        a |= strcmp(f[0], first[i]) == 0;
        b |= strcmp(f[1], second[i]) == 0;
    }
    return a && b;
}

static int gt_row(void *ctx, char **f, size_t n, size_t line)
{
    gt_ctx *g = ctx;
    rd *r = g->r;
    char name[1024];
    if (n != 2)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: expected 2 fields (image,label), found %zu",
                       r->path, line, n);
    if (line == 1 && is_header(f))
        return 0;
    if (f[1][0] == '\0')
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: empty label", r->path, line);
    int rc = stim_rd_image_name(r, f[0], line, name, sizeof name);
    if (rc)
        return rc;
    size_t idx;
    int is_new;
    if (dl_names_add(&r->gt, name, NULL, &idx, &is_new) != 0)
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
    if (!is_new)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: image '%s' is listed twice", r->path, line,
                       name);
    if (dl_grow(&r->gt_label, &g->cap, idx + 1, sizeof *r->gt_label) != 0)
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
    if (!(r->gt_label[idx] = dl_strdup(f[1])))
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
    return 0;
}

int stim_rd_read_labels(rd *r, const char *path)
{
    gt_ctx g = {.r = r};
    const char *saved = r->path;
    r->path = path;
    int rc = dl_csv_stream(path, gt_row, &g, r->err);
    r->path = saved;
    if (rc == 0 && r->gt.n == 0)
        rc = dl_fail(r->err, DL_EINVAL, "%s:1: no labels (expected rows image,label)", path);
    return rc;
}

const char *stim_rd_gt_label(const rd *r, const char *image)
{
    long i = dl_names_find(&r->gt, image);
    return i >= 0 ? r->gt_label[i] : NULL;
}

/* ---- warnings about models ------------------------------------------------- */

/* First value both sets hold, or NULL. */
static int overlaps(const dl_names *preds, const dl_names *labels)
{
    for (size_t i = 0; i < preds->n; i++)
        if (dl_names_find(labels, preds->names[i]) >= 0)
            return 1;
    return 0;
}

int stim_rd_model_warnings(rd *r, const dl_stimuli_results *res)
{
    dl_names labels = {0};
    int rc = 0, label_pred = r->c_label >= 0 || r->gt.n > 0 || r->fmt == DL_STIMULI_TIMM;
    for (size_t m = 0; m < res->nmodels && rc == 0; m++) {
        const uint64_t *w = res->correct->words + m * res->correct->words_per_row;
        size_t right = 0;
        for (size_t k = 0; k < res->correct->words_per_row; k++)
            right += (size_t)__builtin_popcountll(w[k]);
        if (right)
            continue;
        const stim_rd_model *md = &r->mv[m];
        if (label_pred && !md->shares && md->pending && md->pending->n) {
            if (!labels.n) {
                char canon[300];
                size_t idx;
                for (size_t i = 0; i < res->nimages; i++)
                    if (res->class_label[i]) {
                        stim_rd_canon(res->class_label[i], canon, sizeof canon);
                        if (dl_names_add(&labels, canon, NULL, &idx, NULL) != 0)
                            rc = DL_ENOMEM;
                    }
            }
            if (!overlaps(md->pending, &labels)) {
                rc = rc ? rc
                        : stim_rd_warn(
                              r,
                              "model '%s': accuracy 0; its predictions share no value with "
                              "the labels (prediction '%s', label '%s', ...): wrong column?",
                              res->models[m], md->pending->names[0],
                              res->class_label[0] ? res->class_label[0] : "?");
                continue;
            }
        }
        rc = rc ? rc : stim_rd_warn(r, "model '%s': accuracy 0 (no image correct)", res->models[m]);
    }
    dl_names_free(&labels);
    return rc;
}
