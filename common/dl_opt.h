/* dl_opt.h — one declarative option parser for every dddlab command.
 *
 * A command declares a table of options: the long name, a short letter if
 * any, the kind of value, where the value goes (an offset into the command's
 * options struct), a metavar and one help text. dl_opt_parse fills the
 * struct from argv and words every error the same way for every command
 * (into a dl_error, like every library here: it prints nothing);
 * dl_opt_help writes --help from the same table, so an option cannot be
 * accepted and go unmentioned, or the other way round. Checks that involve
 * two options ("--json and --csv exclude each other") stay with the
 * command, after parsing. Written here rather than on getopt_long so that
 * one table drives parsing, the messages and the help, and a value's range
 * is checked where the option is declared. */
#ifndef DL_OPT_H
#define DL_OPT_H

#include <stddef.h>
#include <stdio.h>

#include "dl_common.h"

typedef enum dl_opt_kind {
    DL_ARG_FLAG,   /* no value; sets an integer member to 1 */
    DL_ARG_STRING, /* the value itself (a pointer into argv); nonempty: may not be "" */
    DL_ARG_WHOLE,  /* a whole number in [lo, hi], into an integer member */
    DL_ARG_REAL,   /* a number in [rlo, rhi] (ends open as `open` says), into a double */
    DL_ARG_CHOICE, /* one of the words, into an integer member: parse(word), or its index */
    DL_ARG_LIST,   /* repeatable: each value appended to a dl_opt_list member */
    DL_ARG_NUMS,   /* a comma list of numbers in [rlo, rhi] (as DL_ARG_REAL), at most hi of them
                   (0: DL_OPT_NUMS_MAX), into a dl_opt_nums member */
    DL_ARG_HOOK    /* the option's own parser */
} dl_opt_kind;

/* A DL_ARG_LIST member: the values in the order given. */
enum { DL_OPT_LIST_MAX = 256 };
typedef struct dl_opt_list {
    const char *v[DL_OPT_LIST_MAX];
    size_t n;
} dl_opt_list;

/* A DL_ARG_NUMS member: the numbers in the order given. */
enum { DL_OPT_NUMS_MAX = 32 };
typedef struct dl_opt_nums {
    double v[DL_OPT_NUMS_MAX];
    size_t n;
} dl_opt_nums;

/* DL_ARG_REAL, DL_ARG_NUMS: which ends of the range are excluded. */
enum { DL_OPT_OPEN_LO = 1, DL_OPT_OPEN_HI = 2, DL_OPT_OPEN = 3 };

typedef struct dl_opt dl_opt;
struct dl_opt {
    const char *name; /* long name without "--" */
    char letter;      /* short option, 0 for none */
    dl_opt_kind kind;
    size_t offset, size;            /* the member the value goes to */
    long long lo, hi;               /* DL_ARG_WHOLE; DL_ARG_NUMS: hi is the most values */
    double rlo, rhi;                /* DL_ARG_REAL, DL_ARG_NUMS */
    int open;                       /* DL_ARG_REAL, DL_ARG_NUMS: DL_OPT_OPEN_* */
    int nonempty;                   /* DL_ARG_STRING */
    const char *words;              /* DL_ARG_CHOICE: "a|b|c" */
    int (*parse)(const char *word); /* DL_ARG_CHOICE: value of a word, < 0 unknown */
    /* DL_ARG_HOOK: store arg at dest; 0, or DL_EINVAL with the message in err. */
    int (*hook)(const char *arg, void *dest, dl_error *err);
    const char *metavar; /* NULL for a flag */
    const char *help;    /* may hold '\n': continued under the help column */
};

/* Table entries: T is the options struct, F a member designator (a.b ok);
 * those two cannot take parentheses. */
#define DL_OPT_MEMBER(T, F) .offset = offsetof(T, F), .size = sizeof(((T *)0)->F) /* NOLINT */
#define DL_OPT_FLAG(T, N, L, F, H)                                                                 \
    {                                                                                              \
        .name = (N), .letter = (L), .kind = DL_ARG_FLAG, DL_OPT_MEMBER(T, F), .help = (H)          \
    }
#define DL_OPT_STR(T, N, F, M, H)                                                                  \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_STRING, DL_OPT_MEMBER(T, F), .metavar = (M), .help = (H)       \
    }
#define DL_OPT_COL(T, N, F, M, H)                                                                  \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_STRING, DL_OPT_MEMBER(T, F), .nonempty = 1, .metavar = (M),    \
        .help = (H)                                                                                \
    }
#define DL_OPT_WHOLE(T, N, F, LO, HI, M, H)                                                        \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_WHOLE, DL_OPT_MEMBER(T, F), .lo = (LO), .hi = (HI),            \
        .metavar = (M), .help = (H)                                                                \
    }
#define DL_OPT_REAL(T, N, F, LO, HI, OPEN, M, H)                                                   \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_REAL, DL_OPT_MEMBER(T, F), .rlo = (LO), .rhi = (HI),           \
        .open = (OPEN), .metavar = (M), .help = (H)                                                \
    }
#define DL_OPT_NUMS(T, N, F, LO, HI, OPEN, MAX, M, H)                                              \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_NUMS, DL_OPT_MEMBER(T, F), .rlo = (LO), .rhi = (HI),           \
        .open = (OPEN), .hi = (MAX), .metavar = (M), .help = (H)                                   \
    }
#define DL_OPT_CHOICE(T, N, F, W, P, M, H)                                                         \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_CHOICE, DL_OPT_MEMBER(T, F), .words = (W), .parse = (P),       \
        .metavar = (M), .help = (H)                                                                \
    }
#define DL_OPT_LIST(T, N, F, M, H)                                                                 \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_LIST, DL_OPT_MEMBER(T, F), .metavar = (M), .help = (H)         \
    }
#define DL_OPT_HOOK(T, N, F, FN, M, H)                                                             \
    {                                                                                              \
        .name = (N), .kind = DL_ARG_HOOK, DL_OPT_MEMBER(T, F), .hook = (FN), .metavar = (M),       \
        .help = (H)                                                                                \
    }

/* A table of options whose members sit at base in the command's struct
 * (the results options sit in different places in different jobs);
 * heading (NULL for the command's own) and notes are printed by --help. */
typedef struct dl_opt_group {
    const char *heading;
    const dl_opt *opts;
    size_t nopts;
    size_t base;
    const char *notes;
} dl_opt_group;
#define DL_OPT_GROUP(TABLE, BASE) DL_OPT_HEADED_GROUP(TABLE, NULL, BASE)
#define DL_OPT_HEADED_GROUP(TABLE, HEADING, BASE)                                                  \
    {                                                                                              \
        .heading = (HEADING), .opts = (TABLE), .nopts = sizeof(TABLE) / sizeof *(TABLE),           \
        .base = (BASE)                                                                             \
    }

/* npos_max: any number of positionals. */
enum { DL_OPT_MANY = -1 };

typedef struct dl_opt_spec {
    const char *cmd;  /* "stimuli analyse": named in every message */
    const char *args; /* the positionals in the usage line ("RESULTS..."); may be NULL */
    /* What the command does, after the usage line, which --help makes from
     * cmd, args and the required options; intro instead when it needs a value. */
    const char *about;
    void (*intro)(FILE *out);
    const dl_opt_group *groups;
    size_t ngroups;
    const char *epilog; /* after the options: examples; may be NULL */
    /* Positionals: at least npos_min (else the message `missing`), at most
     * npos_max (DL_OPT_MANY: no limit; 0, the default: none). */
    int npos_min, npos_max;
    const char *missing;
    /* Options that must be given, "a|b|c": the first missing one is named
     * ("--a METAVAR is required"). */
    const char *required;
} dl_opt_spec;

enum { DL_OPT_MAX = 64 };

/* What parsing found besides the struct's members. */
typedef struct dl_opt_args {
    char **pos; /* the positional arguments, in order (argv rearranged) */
    int npos;
    unsigned char seen[DL_OPT_MAX]; /* by index over all groups */
} dl_opt_args;

/* What dl_opt_parse returns when it met --help or -h: the caller writes
 * dl_opt_help. Positive, so it is no error code. */
enum { DL_OPT_HELP = 1 };

/* Parse argv[1..argc-1] into opts (defaults set by the caller). Options and
 * positionals mix; "--" ends the options; "--name=value" and "--name value";
 * a unique prefix of a long name works; a repeated option: the last value
 * counts (a list: every value, in order); a word that looks like a negative
 * number is positional. Then the number of positionals and the required
 * options are checked. Returns 0, DL_OPT_HELP, or DL_EINVAL with the message
 * ("--near needs a whole number from 0 to 100000, not 'x'") in err. */
int dl_opt_parse(const dl_opt_spec *s, int argc, char **argv, void *opts, dl_opt_args *a,
                 dl_error *err);

/* Whether the option --name was given. */
int dl_opt_seen(const dl_opt_spec *s, const dl_opt_args *a, const char *name);

/* The whole --help ("usage: dddlab CMD ARGS --required X [options]", what
 * the command does, the options, the epilog), and the options part alone. */
void dl_opt_help(FILE *out, const dl_opt_spec *s);
void dl_opt_help_options(FILE *out, const dl_opt_spec *s);

#endif
