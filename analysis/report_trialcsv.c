/* report_trialcsv.c — the fields of a trials CSV read one way, by the
 * report's loader and by `consistency`: which words mean right and wrong,
 * and how --item-regex picks the item key. Right and wrong are the words
 * the model-results reader takes (stimuli/results.c: 0, 1, true, false),
 * here in any case; "yes" stays an error, as there. Before, the two readers
 * disagreed ("tRuE" was right for one and an error for the other; a group
 * that took no part in the match fell back to the whole match in one). */
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
