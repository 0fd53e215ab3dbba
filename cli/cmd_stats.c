/* cmd_stats.c — helpers shared by the statistics commands: a table of
 * distinct names and small printing aids. The commands themselves are in
 * cmd_reliability.c, cmd_consistency.c and cmd_binomial.c. */
#include "cmd_stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void cli_names_init(cli_names *t)
{
    memset(t, 0, sizeof *t);
}

void cli_names_free(cli_names *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
    cli_names_init(t);
}

static int same(const char *name, const char *s, size_t len)
{
    return strncmp(name, s, len) == 0 && name[len] == '\0';
}

/* Keep the table at most half full so probes stay short. */
static int grow_slots(cli_names *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 64;
    size_t *slots = dl_calloc(nslots, sizeof *slots);
    if (!slots)
        return DL_ENOMEM;
    for (size_t i = 0; i < t->n; i++) {
        size_t k = dl_hash_str(t->names[i]) & (nslots - 1);
        while (slots[k])
            k = (k + 1) & (nslots - 1);
        slots[k] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

int cli_names_add(cli_names *t, const char *s, size_t len, size_t *index)
{
    if (2 * (t->n + 1) > t->nslots && grow_slots(t) != 0)
        return DL_ENOMEM;
    size_t k = dl_hash_bytes(s, len) & (t->nslots - 1);
    for (; t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
        if (same(t->names[t->slots[k] - 1], s, len)) {
            *index = t->slots[k] - 1;
            return 0;
        }
    }
    if (dl_grow(&t->names, &t->cap, t->n + 1, sizeof *t->names) != 0)
        return DL_ENOMEM;
    char *copy = malloc(len + 1);
    if (!copy)
        return DL_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->names[t->n] = copy;
    t->slots[k] = ++t->n;
    *index = t->n - 1;
    return 0;
}

int cli_names_width(const cli_names *t, int min)
{
    int w = min;
    for (size_t i = 0; i < t->n; i++) {
        int len = dl_utf8_width(t->names[i]);
        if (len > w)
            w = len > 60 ? 60 : len;
    }
    return w;
}

void cli_print_stat(FILE *out, int width, double v)
{
    char buf[DL_NUM_CELL];
    fputs(dl_fmt_num(buf, v, width, 4), out);
}

int cli_stats_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    const char *eq = strchr(arg, '=');
    /* getopt_long sets optopt to the option's val here, 0 for unknown ones. */
    if (c == '?' && optopt && strncmp(arg, "--", 2) == 0 && eq)
        return cli_usage(cmd, "option '%.*s' takes no value", (int)(eq - arg), arg);
    return cli_bad_option(cmd, c, argv);
}

int cli_csv_load(const char *path, dl_csv **out, dl_error *err)
{
    /* Long tables (millions of ratings) take seconds: show how far reading
     * got, on a terminal only. */
    dl_progress pr;
    dl_progress_begin(&pr, path, 0);
    int rc = dl_csv_read_progress(path, dl_progress_cb, &pr, out, err);
    dl_progress_end(&pr);
    if (rc == 0 && (*out)->nrows == 0) {
        dl_csv_free(*out);
        *out = NULL;
        rc = dl_fail(err, DL_EINVAL, "%s:1: no data rows after the header", path);
    }
    return rc;
}
