/* stats.c — names of the levels of measurement and of test alternatives. */
#include <string.h>

#include "dl_stats.h"

static const char *const LEVEL_NAMES[] = {"nominal", "ordinal", "interval", "ratio"};
static const char *const ALT_NAMES[] = {"two-sided", "greater", "less"};

static int name_index(const char *const *names, int count, const char *s)
{
    for (int i = 0; s && i < count; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int dl_stats_level_parse(const char *s)
{
    return name_index(LEVEL_NAMES, 4, s);
}

const char *dl_stats_level_name(dl_level level)
{
    return (unsigned)level <= DL_LEVEL_RATIO ? LEVEL_NAMES[level] : "unknown";
}

int dl_stats_alternative_parse(const char *s)
{
    return name_index(ALT_NAMES, 3, s);
}

int dl_stats_difficulty_parse(const char *s)
{
    if (strcmp(s, "impossible") == 0)
        return DL_STATS_IMPOSSIBLE;
    if (strcmp(s, "in-between") == 0 || strcmp(s, "in_between") == 0 || strcmp(s, "inbetween") == 0)
        return DL_STATS_IN_BETWEEN;
    if (strcmp(s, "trivial") == 0)
        return DL_STATS_TRIVIAL;
    return -1;
}

const char *dl_stats_difficulty_name(int difficulty)
{
    static const char *const names[] = {"impossible", "in-between", "trivial"};
    return difficulty >= 0 && difficulty <= DL_STATS_TRIVIAL ? names[difficulty] : "unknown";
}

const char *dl_stats_alternative_name(dl_alternative alt)
{
    return (unsigned)alt <= DL_ALT_LESS ? ALT_NAMES[alt] : "unknown";
}
