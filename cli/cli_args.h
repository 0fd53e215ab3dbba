/* cli_args.h — one declarative option parser for every command (private to
 * cli/).
 *
 * A command declares a table of options: the long name, a short letter if
 * any, the kind of value, where the value goes (an offset into the command's
 * options struct), a metavar and one help text. cli_args_parse fills the
 * struct from argv and words every error the same way for every command;
 * cli_args_help prints the options part of --help from the same table, so
 * an option cannot be accepted and go unmentioned, or the other way round.
 * Checks that involve two options ("--json and --csv exclude each other")
 * stay with the command, after parsing. */
#ifndef DL_CLI_ARGS_H
#define DL_CLI_ARGS_H

#include <stddef.h>
#include <stdio.h>

typedef enum cli_kind {
    CLI_FLAG,   /* no value; sets an integer member to 1 */
    CLI_STRING, /* the value itself (a pointer into argv); nonempty: may not be "" */
    CLI_WHOLE,  /* a whole number in [lo, hi], into an integer member */
    CLI_REAL,   /* a number in [rlo, rhi] (ends open as `open` says), into a double */
    CLI_CHOICE, /* one of the words, into an integer member: parse(word), or its index */
    CLI_LIST,   /* repeatable: each value appended to a cli_list member */
    CLI_NUMS,   /* a comma list of numbers in [rlo, rhi] (as CLI_REAL), at most hi of them
                   (0: CLI_NUMS_MAX), into a cli_nums member */
    CLI_HOOK    /* the option's own parser */
} cli_kind;

/* A CLI_LIST member: the values in the order given. */
enum { CLI_LIST_MAX = 256 };
typedef struct cli_list {
    const char *v[CLI_LIST_MAX];
    size_t n;
} cli_list;

/* A CLI_NUMS member: the numbers in the order given. */
enum { CLI_NUMS_MAX = 32 };
typedef struct cli_nums {
    double v[CLI_NUMS_MAX];
    size_t n;
} cli_nums;

/* CLI_REAL: which ends of the range are excluded. */
enum { CLI_OPEN_LO = 1, CLI_OPEN_HI = 2, CLI_OPEN = 3 };

typedef struct cli_opt cli_opt;
struct cli_opt {
    const char *name; /* long name without "--" */
    char letter;      /* short option, 0 for none */
    cli_kind kind;
    size_t offset, size;            /* the member the value goes to */
    long long lo, hi;               /* CLI_WHOLE; CLI_NUMS: hi is the most values */
    double rlo, rhi;                /* CLI_REAL, CLI_NUMS */
    int open;                       /* CLI_REAL, CLI_NUMS: CLI_OPEN_* */
    int nonempty;                   /* CLI_STRING */
    const char *words;              /* CLI_CHOICE: "a|b|c" */
    int (*parse)(const char *word); /* CLI_CHOICE: value of a word, < 0 unknown */
    /* CLI_HOOK: store arg at dest; 0, or DL_EXIT_USAGE after cli_usage. */
    int (*hook)(const char *cmd, const char *arg, void *dest);
    const char *metavar; /* NULL for a flag */
    const char *help;    /* may hold '\n': continued under the help column */
};

/* Table entries: T is the options struct, F a member designator (a.b ok);
 * those two cannot take parentheses. */
#define CLI_MEMBER(T, F) .offset = offsetof(T, F), .size = sizeof(((T *)0)->F) /* NOLINT */
#define CLI_FLAG_OPT(T, N, L, F, H)                                                                \
    {                                                                                              \
        .name = (N), .letter = (L), .kind = CLI_FLAG, CLI_MEMBER(T, F), .help = (H)                \
    }
#define CLI_STR_OPT(T, N, F, M, H)                                                                 \
    {                                                                                              \
        .name = (N), .kind = CLI_STRING, CLI_MEMBER(T, F), .metavar = (M), .help = (H)             \
    }
#define CLI_COL_OPT(T, N, F, M, H)                                                                 \
    {                                                                                              \
        .name = (N), .kind = CLI_STRING, CLI_MEMBER(T, F), .nonempty = 1, .metavar = (M),          \
        .help = (H)                                                                                \
    }
#define CLI_WHOLE_OPT(T, N, F, LO, HI, M, H)                                                       \
    {                                                                                              \
        .name = (N), .kind = CLI_WHOLE, CLI_MEMBER(T, F), .lo = (LO), .hi = (HI), .metavar = (M),  \
        .help = (H)                                                                                \
    }
#define CLI_REAL_OPT(T, N, F, LO, HI, OPEN, M, H)                                                  \
    {                                                                                              \
        .name = (N), .kind = CLI_REAL, CLI_MEMBER(T, F), .rlo = (LO), .rhi = (HI), .open = (OPEN), \
        .metavar = (M), .help = (H)                                                                \
    }
#define CLI_NUMS_OPT(T, N, F, LO, HI, OPEN, MAX, M, H)                                             \
    {                                                                                              \
        .name = (N), .kind = CLI_NUMS, CLI_MEMBER(T, F), .rlo = (LO), .rhi = (HI), .open = (OPEN), \
        .hi = (MAX), .metavar = (M), .help = (H)                                                   \
    }
#define CLI_CHOICE_OPT(T, N, F, W, P, M, H)                                                        \
    {                                                                                              \
        .name = (N), .kind = CLI_CHOICE, CLI_MEMBER(T, F), .words = (W), .parse = (P),             \
        .metavar = (M), .help = (H)                                                                \
    }
#define CLI_LIST_OPT(T, N, F, M, H)                                                                \
    {                                                                                              \
        .name = (N), .kind = CLI_LIST, CLI_MEMBER(T, F), .metavar = (M), .help = (H)               \
    }
#define CLI_HOOK_OPT(T, N, F, FN, M, H)                                                            \
    {                                                                                              \
        .name = (N), .kind = CLI_HOOK, CLI_MEMBER(T, F), .hook = (FN), .metavar = (M), .help = (H) \
    }

/* A table of options whose members sit at base in the command's struct
 * (the results options sit in different places in different jobs);
 * heading (NULL for the command's own) and notes are printed by --help. */
typedef struct cli_group {
    const char *heading;
    const cli_opt *opts;
    size_t nopts;
    size_t base;
    const char *notes;
} cli_group;
#define CLI_GROUP(TABLE, BASE) CLI_HEADED_GROUP(TABLE, NULL, BASE)
#define CLI_HEADED_GROUP(TABLE, HEADING, BASE)                                                     \
    {                                                                                              \
        .heading = (HEADING), .opts = (TABLE), .nopts = sizeof(TABLE) / sizeof *(TABLE),           \
        .base = (BASE)                                                                             \
    }

/* npos_max: any number of positionals. */
enum { CLI_MANY = -1 };

typedef struct cli_spec {
    const char *cmd;  /* "stimuli analyse": named in every message */
    const char *args; /* the positionals in the usage line ("RESULTS..."); may be NULL */
    /* What the command does, after the usage line, which --help makes from
     * cmd, args and the required options; intro instead when it needs a value. */
    const char *about;
    void (*intro)(FILE *out);
    const cli_group *groups;
    size_t ngroups;
    const char *epilog; /* after the options: examples; may be NULL */
    /* Positionals: at least npos_min (else the message `missing`), at most
     * npos_max (CLI_MANY: no limit; 0, the default: none). */
    int npos_min, npos_max;
    const char *missing;
    /* Options that must be given, "a|b|c": the first missing one is named
     * ("--a METAVAR is required"). */
    const char *required;
} cli_spec;

enum { CLI_MAX_OPTS = 64 };

/* What parsing found besides the struct's members. */
typedef struct cli_args {
    char **pos; /* the positional arguments, in order (argv rearranged) */
    int npos;
    unsigned char seen[CLI_MAX_OPTS]; /* by index over all groups */
} cli_args;

/* Parse argv[1..argc-1] into opts (defaults set by the caller). Options and
 * positionals mix; "--" ends the options; "--name=value" and "--name value";
 * a unique prefix of a long name works; a repeated option: the last value
 * counts (a list: every value, in order); a word that looks like a negative number is positional.
 * Then the number of positionals and the required options are checked.
 * Returns 0, CLI_HELP_SHOWN after printing the help (--help, -h), or DL_EXIT_USAGE after the usage
 * error. */
int cli_args_parse(const cli_spec *s, int argc, char **argv, void *opts, cli_args *a);

/* Whether the option --name was given. */
int cli_args_seen(const cli_spec *s, const cli_args *a, const char *name);

/* The whole --help ("usage: dddlab CMD ARGS --required X [options]", what
 * the command does, the options, the epilog), and the options part alone. */
void cli_args_help(FILE *out, const cli_spec *s);
void cli_args_help_options(FILE *out, const cli_spec *s);

/* Every command's spec, NULL-terminated, for
 * the test that walks them (cli_specs.c). */
extern const cli_spec *const cli_all_specs[];

#endif
