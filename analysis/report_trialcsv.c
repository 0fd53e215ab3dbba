/* report_trialcsv.c — the one reader of a trials CSV row, used by the
 * report's loader (report_load.c) and by `consistency` (report_consistency.c):
 * which columns hold observer, item and right or wrong, which words mean
 * right and wrong, how --item-regex picks the item key, and the message for
 * each fault. Right and wrong are the words the model-results reader takes
 * (stimuli/results.c: 0, 1, true, false), here in any case; "yes" stays an
 * error, as there. Before, two readers disagreed on booleans ("tRuE"), on a
 * regex group that took no part in the match, on a repeated item, and cut
 * keys at 511 bytes. */
#include <string.h>
#include <strings.h>

#include "dl_report.h"

int dl_report_parse_correct(const char *s, uint8_t *correct)
{
    static const char *const yes[] = {"1", "true"}, *const no[] = {"0", "false"};
    if (dl_is_missing(s)) {
        *correct = 0;
        return 0;
    }
    for (size_t i = 0; i < 2; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *correct = 1;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *correct = 0;
            return 0;
        }
    }
    return DL_EINVAL;
}

int dl_report_item_key(const regex_t *re, const char *s, const char **key, size_t *len)
{
    *key = s;
    *len = strlen(s);
    if (!re)
        return 0;
    regmatch_t m[2];
    size_t g = re->re_nsub > 0;
    if (regexec(re, s, 2, m, 0) != 0 || m[g].rm_so < 0)
        return DL_EINVAL;
    *key = s + m[g].rm_so;
    *len = (size_t)(m[g].rm_eo - m[g].rm_so);
    return 0;
}

int dl_report_item_regex(regex_t *re, const char *pattern, dl_error *err)
{
    int rc = regcomp(re, pattern, REG_EXTENDED);
    if (rc == 0)
        return 0;
    char msg[256];
    regerror(rc, re, msg, sizeof msg);
    return dl_fail(err, DL_EINVAL, "bad --item-regex '%s': %s", pattern, msg);
}

/* ---- the row reader ---- */

int dl_trialcsv_open(dl_trialcsv *t, const dl_report_columns *cols, dl_error *err)
{
    *t = (dl_trialcsv){.cols = cols};
    if (!cols->item_regex)
        return 0;
    int rc = dl_report_item_regex(&t->re, cols->item_regex, err);
    t->has_re = rc == 0;
    return rc;
}

void dl_trialcsv_close(dl_trialcsv *t)
{
    if (t && t->has_re)
        regfree(&t->re);
    if (t)
        t->has_re = 0;
}

int dl_trialcsv_header(dl_trialcsv *t, const char *path, char **fields, size_t n, dl_error *err)
{
    const dl_report_columns *k = t->cols;
    dl_csv head = {.path = (char *)path, .ncols = n, .header = fields};
    int rc;
    t->path = path;
    t->c_correct = t->c_resp = t->c_truth = -1;
    if ((rc = dl_csv_require_col(&head, k->observer, &t->c_obs, err)) ||
        (rc = dl_csv_require_col(&head, k->item, &t->c_item, err)))
        return rc;
    if (!k->response && !k->truth)
        return dl_csv_require_col(&head, k->correct ? k->correct : "correct", &t->c_correct, err);
    if (!k->response || !k->truth)
        return dl_fail(err, DL_EINVAL, "%s: --response-col and --truth-col go together", path);
    if ((rc = dl_csv_require_col(&head, k->response, &t->c_resp, err)))
        return rc;
    return dl_csv_require_col(&head, k->truth, &t->c_truth, err);
}

/* Right or wrong: the correct column, or response == truth (a missing
 * response is a time-out: wrong, as the original analyses count it). */
static int row_correct(const dl_trialcsv *t, char **f, size_t line, uint8_t *correct, dl_error *err)
{
    const dl_report_columns *k = t->cols;
    if (t->c_correct >= 0) {
        const char *s = f[t->c_correct];
        if (dl_report_parse_correct(s, correct))
            return dl_fail(err, DL_EINVAL,
                           "%s:%zu: value '%s' in column '%s' is not 1, 0, true or false", t->path,
                           line, s, k->correct ? k->correct : "correct");
        return 0;
    }
    const char *response = f[t->c_resp], *truth = f[t->c_truth];
    if (dl_is_missing(truth))
        return dl_fail(err, DL_EINVAL, "%s:%zu: no right answer in column '%s'", t->path, line,
                       k->truth);
    *correct = !dl_is_missing(response) && strcmp(response, truth) == 0;
    return 0;
}

int dl_trialcsv_read(const dl_trialcsv *t, char **f, size_t line, dl_trialcsv_row *row,
                     dl_error *err)
{
    const dl_report_columns *k = t->cols;
    const char *item = f[t->c_item];
    row->observer = f[t->c_obs];
    if (dl_is_missing(row->observer))
        return dl_fail(err, DL_EINVAL, "%s:%zu: no observer in column '%s'", t->path, line,
                       k->observer);
    if (dl_is_missing(item))
        return dl_fail(err, DL_EINVAL, "%s:%zu: no item in column '%s'", t->path, line, k->item);
    if (dl_report_item_key(t->has_re ? &t->re : NULL, item, &row->key, &row->key_len))
        return dl_fail(err, DL_EINVAL, "%s:%zu: item '%s' does not match --item-regex '%s'",
                       t->path, line, item, k->item_regex);
    if (row->key_len == 0)
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: item '%s' gives an empty key with --item-regex '%s'", t->path, line,
                       item, k->item_regex);
    return row_correct(t, f, line, &row->correct, err);
}
