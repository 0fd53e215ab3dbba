/* report_questions.c — the rating questions a report follows: the paper's
 * three (a version-1 file, sessions stored without definitions, CSV input)
 * or what a session stored in sessions.questions_json, read with the strict
 * JSON reader so a damaged definition is refused, never guessed at. */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const qtype_names[] = {"count", "ordered", "unordered"};

const char *rp_qtype_name(dl_report_qtype t)
{
    return (unsigned)t < 3 ? qtype_names[t] : "?";
}

void rp_qlist_clear(rp_qlist *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->q[i].text);
        for (size_t k = 0; k < q->q[i].nopt; k++)
            free(q->q[i].opt[k]);
        free(q->q[i].opt);
    }
    memset(q, 0, sizeof *q);
}

static int add_question(rp_qlist *out, const char *key, const char *text, dl_report_qtype type,
                        dl_level level, const char *const *opt, size_t nopt)
{
    rp_qdef *d = &out->q[out->n++];
    memset(d, 0, sizeof *d);
    snprintf(d->key, sizeof d->key, "%s", key);
    d->type = type;
    d->level = level;
    d->text = dl_strdup(text);
    d->opt = nopt ? dl_calloc(nopt, sizeof *d->opt) : NULL;
    if (!d->text || (nopt && !d->opt))
        return DL_ENOMEM;
    for (size_t k = 0; k < nopt; k++) {
        if (!(d->opt[k] = dl_strdup(opt[k])))
            return DL_ENOMEM;
        d->nopt = k + 1;
    }
    return 0;
}

/* Worded as analyse has always reported them, so a version-1 file's analysis
 * stays byte-identical. */
int rp_qlist_paper(rp_qlist *out)
{
    static const char *const q2[] = {"No", "Maybe", "Yes"};
    static const char *const q3[] = {"No", "Slightly", "Very"};
    memset(out, 0, sizeof *out);
    int rc = add_question(out, "q1",
                          "How many objects belonging to different categories are in the image?",
                          DL_REPORT_Q_COUNT, DL_LEVEL_INTERVAL, NULL, 0);
    if (!rc)
        rc = add_question(out, "q2", "Is there a main category in the image?", DL_REPORT_Q_ORDERED,
                          DL_LEVEL_ORDINAL, q2, 3);
    if (!rc)
        rc = add_question(out, "q3",
                          "Is the presentation of the objects unusual in any manner "
                          "(orientation, location, size, viewpoint)?",
                          DL_REPORT_Q_ORDERED, DL_LEVEL_ORDINAL, q3, 3);
    out->paper = 1;
    if (rc)
        rp_qlist_clear(out);
    return rc;
}

static const char *str_member(const dl_jvalue *o, const char *name)
{
    const dl_jvalue *v = dl_jget(o, name);
    return v && v->type == DL_JSTRING ? v->string : NULL;
}

/* q1 ... q9, as experiment/config.c names them: the keys become JSON keys
 * and column names of analyse's output, where "items" or "ratings" would
 * collide with its own. */
static int key_ok(const char *k)
{
    return k[0] == 'q' && k[1] >= '1' && k[1] <= '9' && k[2] == '\0';
}

static int one_question(const dl_jvalue *o, size_t i, rp_qlist *out, dl_error *err)
{
    if (o->type != DL_JOBJECT)
        return dl_fail(err, DL_EINVAL, "question %zu is not an object", i + 1);
    const char *key = str_member(o, "key"), *text = str_member(o, "text");
    const char *type = str_member(o, "type"), *level = str_member(o, "level");
    if (!key || !key_ok(key))
        return dl_fail(err, DL_EINVAL, "question %zu: \"key\" must be one of q1 ... q9", i + 1);
    if (rp_qlist_find(out, key) >= 0)
        return dl_fail(err, DL_EINVAL, "question %zu: key '%s' is used twice", i + 1, key);
    if (!text)
        return dl_fail(err, DL_EINVAL, "question %s: \"text\" must be a string", key);
    int t = -1;
    for (int k = 0; type && k < 3; k++)
        if (strcmp(type, qtype_names[k]) == 0)
            t = k;
    if (t < 0)
        return dl_fail(err, DL_EINVAL,
                       "question %s: \"type\" must be \"count\", \"ordered\" or \"unordered\"",
                       key);
    int lv = -1;
    for (int k = 0; level && k < 4; k++)
        if (strcmp(level, dl_stats_level_name((dl_level)k)) == 0)
            lv = k;
    if (lv < 0)
        return dl_fail(err, DL_EINVAL,
                       "question %s: \"level\" must be \"nominal\", \"ordinal\", \"interval\" "
                       "or \"ratio\"",
                       key);
    const dl_jvalue *opts = dl_jget(o, "options");
    if (opts && opts->type != DL_JARRAY)
        return dl_fail(err, DL_EINVAL, "question %s: \"options\" must be an array of strings", key);
    size_t nopt = opts ? opts->n : 0;
    const char *labels[10];
    if (t == DL_REPORT_Q_COUNT && nopt)
        return dl_fail(err, DL_EINVAL, "question %s: a count has no \"options\"", key);
    if (t != DL_REPORT_Q_COUNT && (nopt < 2 || nopt > 10))
        return dl_fail(err, DL_EINVAL, "question %s: %s needs 2 to 10 \"options\", not %zu", key,
                       type, nopt);
    for (size_t k = 0; k < nopt; k++) {
        if (opts->items[k].type != DL_JSTRING)
            return dl_fail(err, DL_EINVAL, "question %s: option %zu is not a string", key, k + 1);
        labels[k] = opts->items[k].string;
    }
    if (add_question(out, key, text, (dl_report_qtype)t, (dl_level)lv, labels, nopt))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    return 0;
}

int rp_qlist_parse(const char *json, rp_qlist *out, dl_error *err)
{
    memset(out, 0, sizeof *out);
    dl_jvalue *v = NULL;
    int rc = dl_jparse(json, strlen(json), &v, err);
    if (rc)
        return rc;
    if (v->type != DL_JARRAY || v->n < 1 || v->n > DL_REPORT_MAXQ) {
        rc = dl_fail(err, DL_EINVAL, "expected an array of 1 to %d questions", DL_REPORT_MAXQ);
        goto done;
    }
    for (size_t i = 0; i < v->n && !rc; i++)
        rc = one_question(&v->items[i], i, out, err);
done:
    dl_jfree(v);
    if (rc)
        rp_qlist_clear(out);
    return rc;
}

int rp_qlist_find(const rp_qlist *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->q[i].key, key) == 0)
            return (int)i;
    return -1;
}

int rp_qlist_same(const rp_qlist *a, const rp_qlist *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const rp_qdef *x = &a->q[i], *y = &b->q[i];
        if (strcmp(x->key, y->key) != 0 || x->type != y->type || x->level != y->level ||
            x->nopt != y->nopt)
            return 0;
    }
    return 1;
}

int rp_qlist_same_words(const rp_qlist *a, const rp_qlist *b)
{
    if (!rp_qlist_same(a, b))
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->q[i].text, b->q[i].text) != 0)
            return 0;
        for (size_t k = 0; k < a->q[i].nopt; k++)
            if (strcmp(a->q[i].opt[k], b->q[i].opt[k]) != 0)
                return 0;
    }
    return 1;
}

void rp_qlist_describe(const rp_qlist *q, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < q->n && used < cap; i++) {
        const rp_qdef *d = &q->q[i];
        int n;
        if (d->type == DL_REPORT_Q_COUNT)
            n = snprintf(buf + used, cap - used, "%s%s count %s", i ? ", " : "", d->key,
                         dl_stats_level_name(d->level));
        else
            n = snprintf(buf + used, cap - used, "%s%s %s %s (%zu labels)", i ? ", " : "", d->key,
                         rp_qtype_name(d->type), dl_stats_level_name(d->level), d->nopt);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
