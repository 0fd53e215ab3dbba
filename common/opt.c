/* opt.c — the option parser and --help writer of dl_opt.h. */
#include "dl_opt.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* The column where help texts start: "  --name METAVAR" padded to it. */
#define HELP_COL 20

typedef struct found {
    const dl_opt *o;
    size_t base;
    int index; /* over all groups, for seen[] */
} found;

static int by_long(const dl_opt_spec *s, const char *name, size_t len, found *f)
{
    int n = 0, idx = 0, exact = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        for (size_t i = 0; i < s->groups[g].nopts; i++, idx++) {
            const dl_opt *o = &s->groups[g].opts[i];
            if (strncmp(o->name, name, len) != 0)
                continue;
            int is_exact = o->name[len] == '\0';
            if (is_exact && !exact)
                n = 0;
            if (exact && !is_exact)
                continue;
            exact |= is_exact;
            *f = (found){o, s->groups[g].base, idx};
            n++;
        }
    return n; /* 0 unknown, 1 found, more: an ambiguous prefix */
}

static int by_letter(const dl_opt_spec *s, char c, found *f)
{
    int idx = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        for (size_t i = 0; i < s->groups[g].nopts; i++, idx++)
            if (c && s->groups[g].opts[i].letter == c) {
                *f = (found){&s->groups[g].opts[i], s->groups[g].base, idx};
                return 1;
            }
    return 0;
}

static void store_int(void *dest, size_t size, long long v)
{
    if (size == sizeof(int8_t)) {
        int8_t x = (int8_t)v;
        memcpy(dest, &x, size);
    } else if (size == sizeof(int16_t)) {
        int16_t x = (int16_t)v;
        memcpy(dest, &x, size);
    } else if (size == sizeof(uint32_t)) {
        /* a seed up to 4294967295 goes into a uint32_t */
        uint32_t x = (uint32_t)(unsigned long long)v;
        memcpy(dest, &x, size);
    } else {
        uint64_t x = (uint64_t)v;
        memcpy(dest, &x, sizeof x);
    }
}

/* "a|b|c" -> "a, b or c" into buf. */
static const char *words_text(const char *words, char *buf, size_t cap)
{
    size_t n = 0, k = 0, nbars = 0;
    for (const char *p = words; *p; p++)
        nbars += *p == '|';
    for (const char *p = words; *p && n + 6 < cap; p++) {
        if (*p != '|') {
            buf[n++] = *p;
            continue;
        }
        const char *sep = ++k == nbars ? " or " : ", ";
        memcpy(buf + n, sep, strlen(sep));
        n += strlen(sep);
    }
    buf[n] = '\0';
    return buf;
}

static int word_index(const char *words, const char *w)
{
    size_t len = strlen(w);
    int i = 0;
    for (const char *p = words; p; i++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, w, n) == 0)
            return i;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* "from 0 to 1", "between 0 and 1 (exclusive)", "> 0 and <= 1". */
static const char *range_text(const dl_opt *o, char *buf, size_t cap)
{
    if (o->open == 0)
        snprintf(buf, cap, "from %g to %g", o->rlo, o->rhi);
    else if (o->open == DL_OPT_OPEN)
        snprintf(buf, cap, "between %g and %g (exclusive)", o->rlo, o->rhi);
    else
        snprintf(buf, cap, "%s %g and %s %g", o->open & DL_OPT_OPEN_LO ? ">" : ">=", o->rlo,
                 o->open & DL_OPT_OPEN_HI ? "<" : "<=", o->rhi);
    return buf;
}

/* A number within the option's range (DL_ARG_REAL, DL_ARG_NUMS). */
static int real_in_range(const dl_opt *o, const char *arg, double *d)
{
    return dl_parse_double(arg, d) == 0 &&
           (o->open & DL_OPT_OPEN_LO ? *d > o->rlo : *d >= o->rlo) &&
           (o->open & DL_OPT_OPEN_HI ? *d < o->rhi : *d <= o->rhi);
}

/* DL_ARG_NUMS: "0.7,0.8" (empty items skipped) replaces what an earlier use of
 * the option gave. */
static int set_nums(const dl_opt *o, const char *arg, dl_opt_nums *l, dl_error *err)
{
    size_t max = o->hi > 0 && o->hi < DL_OPT_NUMS_MAX ? (size_t)o->hi : DL_OPT_NUMS_MAX;
    char buf[1024], range[128];
    if (strlen(arg) >= sizeof buf)
        return dl_fail(err, DL_EINVAL, "--%s: list too long", o->name);
    strcpy(buf, arg);
    l->n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (l->n == max)
            return dl_fail(err, DL_EINVAL, "--%s takes at most %zu values", o->name, max);
        if (!real_in_range(o, t, &l->v[l->n]))
            return dl_fail(err, DL_EINVAL, "--%s needs numbers %s, not '%s'", o->name,
                           range_text(o, range, sizeof range), t);
        l->n++;
    }
    return l->n ? 0 : dl_fail(err, DL_EINVAL, "--%s needs at least one number", o->name);
}

static int set_value(const found *f, const char *arg, void *opts, dl_error *err)
{
    const dl_opt *o = f->o;
    char *dest = (char *)opts + f->base + o->offset;
    char buf[256];
    long v;
    double d;
    int w;
    switch (o->kind) {
    case DL_ARG_FLAG:
        store_int(dest, o->size, 1);
        return 0;
    case DL_ARG_STRING:
        if (o->nonempty && arg[0] == '\0')
            return dl_fail(err, DL_EINVAL, "--%s must not be empty", o->name);
        memcpy(dest, &arg, sizeof arg);
        return 0;
    case DL_ARG_WHOLE:
        if (dl_parse_long(arg, &v) != 0 || v < o->lo || v > o->hi)
            return dl_fail(err, DL_EINVAL, "--%s needs a whole number from %lld to %lld, not '%s'",
                           o->name, o->lo, o->hi, arg);
        store_int(dest, o->size, v);
        return 0;
    case DL_ARG_REAL:
        if (!real_in_range(o, arg, &d))
            return dl_fail(err, DL_EINVAL, "--%s needs a number %s, not '%s'", o->name,
                           range_text(o, buf, sizeof buf), arg);
        memcpy(dest, &d, sizeof d);
        return 0;
    case DL_ARG_NUMS:
        return set_nums(o, arg, (dl_opt_nums *)(void *)dest, err);
    case DL_ARG_CHOICE:
        if ((w = o->parse ? o->parse(arg) : word_index(o->words, arg)) < 0)
            return dl_fail(err, DL_EINVAL, "--%s must be %s, not '%s'", o->name,
                           words_text(o->words, buf, sizeof buf), arg);
        store_int(dest, o->size, w);
        return 0;
    case DL_ARG_LIST: {
        dl_opt_list *l = (dl_opt_list *)(void *)dest;
        if (l->n == DL_OPT_LIST_MAX)
            return dl_fail(err, DL_EINVAL, "--%s takes at most %d values", o->name,
                           DL_OPT_LIST_MAX);
        l->v[l->n++] = arg;
        return 0;
    }
    case DL_ARG_HOOK:
        return o->hook(arg, dest, err);
    }
    return dl_fail(err, DL_EINVAL, "internal: option --%s has no kind", o->name);
}

/* A word that is a negative number ("-1", "-.5") is an argument, not an
 * option: no option of ours is a digit. */
static int is_number_word(const char *w)
{
    return w[0] == '-' && (isdigit((unsigned char)w[1]) || w[1] == '.');
}

/* Option f, named `shown` in messages, with the value given inline after
 * '=' (or attached to a short letter), else the next word. */
static int take(const found *f, const char *shown, const char *arg, char **argv, int argc, int *i,
                void *opts, dl_opt_args *a, dl_error *err)
{
    if (f->o->kind == DL_ARG_FLAG && arg)
        return dl_fail(err, DL_EINVAL, "option '%s' takes no value", shown);
    if (f->o->kind != DL_ARG_FLAG && !arg) {
        if (*i + 1 >= argc)
            return dl_fail(err, DL_EINVAL, "option '%s' needs a value", shown);
        arg = argv[++*i];
    }
    if (f->index < DL_OPT_MAX) /* tests/cli/test_cli_args.c checks every table fits */
        a->seen[f->index] = 1;
    return set_value(f, arg, opts, err);
}

static int long_option(const dl_opt_spec *s, char **argv, int argc, int *i, void *opts,
                       dl_opt_args *a, dl_error *err)
{
    const char *word = argv[*i] + 2, *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    found f;
    int n = by_long(s, word, len, &f);
    if (n == 0 && len > 0 && strncmp("help", word, len) == 0 && !eq)
        return DL_OPT_HELP;
    if (n == 0)
        return dl_fail(err, DL_EINVAL, "unknown option '--%.*s'", (int)len, word);
    if (n > 1)
        return dl_fail(err, DL_EINVAL, "option '--%.*s' is ambiguous", (int)len, word);
    char shown[128];
    snprintf(shown, sizeof shown, "--%s", f.o->name);
    return take(&f, shown, eq ? eq + 1 : NULL, argv, argc, i, opts, a, err);
}

static int short_option(const dl_opt_spec *s, char **argv, int argc, int *i, void *opts,
                        dl_opt_args *a, dl_error *err)
{
    char c = argv[*i][1], shown[3] = {'-', c, '\0'};
    found f;
    if (c == 'h' && argv[*i][2] == '\0')
        return DL_OPT_HELP;
    if (!by_letter(s, c, &f))
        return dl_fail(err, DL_EINVAL, "unknown option '%s'", shown);
    return take(&f, shown, argv[*i][2] ? argv[*i] + 2 : NULL, argv, argc, i, opts, a, err);
}

/* The next option that s->required ("a|b|c") names, from *p on; 0 at the
 * end. */
static int next_required(const dl_opt_spec *s, const char **p, found *f)
{
    while (*p && **p) {
        size_t len = strcspn(*p, "|");
        int n = by_long(s, *p, len, f);
        *p += len + ((*p)[len] == '|');
        if (n == 1)
            return 1;
    }
    return 0;
}

/* After parsing: the number of positionals and the required options. */
static int check_counts(const dl_opt_spec *s, const dl_opt_args *a, dl_error *err)
{
    if (a->npos < s->npos_min)
        return dl_fail(err, DL_EINVAL, "%s", s->missing ? s->missing : "missing an argument");
    if (s->npos_max != DL_OPT_MANY && a->npos > s->npos_max)
        return dl_fail(err, DL_EINVAL, "unexpected argument '%s'", a->pos[s->npos_max]);
    found f;
    for (const char *p = s->required; next_required(s, &p, &f);)
        if (!a->seen[f.index])
            return dl_fail(err, DL_EINVAL, "--%s%s%s is required", f.o->name,
                           f.o->metavar ? " " : "", f.o->metavar ? f.o->metavar : "");
    return 0;
}

int dl_opt_parse(const dl_opt_spec *s, int argc, char **argv, void *opts, dl_opt_args *a,
                 dl_error *err)
{
    memset(a, 0, sizeof *a);
    /* The positionals move to argv[1..], in order. */
    int npos = 0, rc = 0, only_pos = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        char *w = argv[i];
        if (only_pos || w[0] != '-' || w[1] == '\0' || is_number_word(w)) {
            /* rotate it in front of the options read so far: argv stays a
             * permutation (a command may still quote its command line) */
            memmove(argv + 2 + npos, argv + 1 + npos, (size_t)(i - 1 - npos) * sizeof *argv);
            argv[1 + npos++] = w;
        } else if (strcmp(w, "--") == 0)
            only_pos = 1;
        else if (w[1] == '-')
            rc = long_option(s, argv, argc, &i, opts, a, err);
        else
            rc = short_option(s, argv, argc, &i, opts, a, err);
    }
    a->pos = argv + 1;
    a->npos = npos;
    return rc ? rc : check_counts(s, a, err);
}

int dl_opt_seen(const dl_opt_spec *s, const dl_opt_args *a, const char *name)
{
    found f;
    return by_long(s, name, strlen(name), &f) == 1 && strcmp(f.o->name, name) == 0 &&
           a->seen[f.index];
}

static void help_line(FILE *out, const dl_opt *o)
{
    char left[128];
    int n = o->letter ? snprintf(left, sizeof left, "-%c, --%s", o->letter, o->name)
                      : snprintf(left, sizeof left, "--%s", o->name);
    if (o->metavar)
        n += snprintf(left + n, sizeof left - (size_t)n, " %s", o->metavar);
    /* at least two spaces before the help; a long name pushes it right */
    if (n > HELP_COL - 4)
        fprintf(out, "  %s  ", left);
    else
        fprintf(out, "  %-*s", HELP_COL - 2, left);
    for (const char *p = o->help; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fprintf(out, "%*s", HELP_COL, "");
    }
    fputc('\n', out);
}

void dl_opt_help_options(FILE *out, const dl_opt_spec *s)
{
    for (size_t g = 0; g < s->ngroups; g++) {
        const dl_opt_group *gr = &s->groups[g];
        const char *heading = gr->heading ? gr->heading : g == 0 ? "options" : NULL;
        if (heading)
            fprintf(out, "\n%s:\n", heading);
        for (size_t i = 0; i < gr->nopts; i++)
            help_line(out, &gr->opts[i]);
        if (gr->notes)
            fputs(gr->notes, out);
    }
}

void dl_opt_help(FILE *out, const dl_opt_spec *s)
{
    fprintf(out, "usage: dddlab %s%s%s", s->cmd, s->args ? " " : "", s->args ? s->args : "");
    found f;
    for (const char *p = s->required; next_required(s, &p, &f);)
        fprintf(out, " --%s%s%s", f.o->name, f.o->metavar ? " " : "",
                f.o->metavar ? f.o->metavar : "");
    fputs(" [options]\n\n", out);
    if (s->intro)
        s->intro(out);
    else
        fputs(s->about, out);
    dl_opt_help_options(out, s);
    if (s->epilog)
        fprintf(out, "\n%s", s->epilog);
}
