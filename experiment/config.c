/* config.c — the INI experiment file (inih): one table of keys with their
 * types, ranges and defaults; errors name the file and the line.
 *
 * Debian's libinih is built without INI_HANDLER_LINENO, so the handler never
 * learns the line. We feed inih through our own line reader instead: inih
 * calls the reader once per line and the handler right after, so the reader's
 * count is the handler's line. The reader also sees section headers, which
 * inih does not report, so unknown or empty sections are caught too. */
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exp_internal.h"

enum {
    K_PRIORITY,
    K_TASK,
    K_NAME,
    K_PATH,
    K_SEED,
    K_BOOL,
    K_INT,
    K_DOUBLE,
    K_COLOR,
    K_KEYS,
    K_TEXT,
    K_OPTIONS,
    K_QSPEC /* "TYPE LEVEL" of a rating question */
};

typedef struct key_def {
    const char *section, *name;
    int type;
    size_t off; /* into dl_exp_config; for K_TEXT the TXT_* index */
    double min, max;
    const char *def;       /* default as text; NULL = required or unset */
    const char *auto_word; /* a word that means "choose for me" (value -1) */
} key_def;

#define OFF(f) offsetof(dl_exp_config, f)

/* The default texts are the paper's wording (Meding et al. 2022). */
static const key_def keys[] = {
    {"experiment", "task", K_TASK, OFF(task), 0, 0, NULL, NULL},
    {"experiment", "set", K_NAME, OFF(set_name), 0, 0, NULL, NULL},
    {"experiment", "image_root", K_PATH, OFF(image_root), 0, 0, NULL, NULL},
    {"experiment", "seed", K_SEED, OFF(seed), 0, 0, NULL, NULL},

    {"procedure", "instructions", K_PATH, OFF(instructions_path), 0, 0, NULL, NULL},
    {"procedure", "practice", K_BOOL, OFF(practice), 0, 1, "yes", NULL},
    {"procedure", "practice_feedback", K_BOOL, OFF(practice_feedback), 0, 1, "yes", NULL},
    {"procedure", "feedback_ms", K_INT, OFF(feedback_ms), 0, 10000, "800", NULL},
    {"procedure", "shuffle", K_BOOL, OFF(shuffle), 0, 1, "yes", NULL},
    {"procedure", "counterbalance_sides", K_BOOL, OFF(counterbalance), 0, 1, "yes", NULL},
    {"procedure", "break_every", K_INT, OFF(break_every), 0, 100000, "0", NULL},
    {"procedure", "iti_ms", K_INT, OFF(iti_ms), 0, 60000, "500", NULL},
    {"procedure", "fixation_ms", K_INT, OFF(fixation_ms), 0, 10000, "0", NULL},
    {"procedure", "deadline_ms", K_INT, OFF(deadline_ms), 0, 600000, "0", NULL},
    {"procedure", "min_rt_ms", K_INT, OFF(min_rt_ms), 0, 5000, "100", NULL},
    {"procedure", "countdown_s", K_INT, OFF(countdown_s), 0, 10, "3", NULL},
    {"procedure", "screen_min_ms", K_INT, OFF(screen_min_ms), 0, 10000, "300", NULL},
    {"procedure", "priority", K_PRIORITY, OFF(high_priority), 0, 2, "realtime", NULL},
    {"procedure", "cpu", K_INT, OFF(cpu), 0, 1023, "any", "any"},

    {"display", "refresh_frames", K_INT, OFF(refresh_frames), 10, 1000, "90", NULL},
    {"display", "background", K_COLOR, OFF(background), 0, 0, "auto", "auto"},
    {"display", "text_color", K_COLOR, OFF(text_color), 0, 0, "#101010", NULL},
    {"display", "highlight_color", K_COLOR, OFF(highlight), 0, 0, "#2F6DB5", NULL},
    {"display", "text_size_px", K_INT, OFF(text_size_px), 8, 200, "auto", "auto"},
    {"display", "image_width_px", K_INT, OFF(image_width_px), 1, 20000, "native", "native"},
    {"display", "image_width_deg", K_DOUBLE, OFF(image_width_deg), 0.1, 90, NULL, NULL},
    {"display", "viewing_distance_cm", K_DOUBLE, OFF(viewing_distance_cm), 1, 1000, NULL, NULL},
    {"display", "screen_width_cm", K_DOUBLE, OFF(screen_width_cm), 1, 1000, NULL, NULL},
    {"display", "gap_px", K_INT, OFF(gap_px), 0, 20000, "auto", "auto"},
    {"display", "gap_deg", K_DOUBLE, OFF(gap_deg), 0, 90, NULL, NULL},
    {"display", "image_frame", K_BOOL, OFF(image_frame), 0, 1, "yes", NULL},

    {"keys", "left", K_KEYS, OFF(key_left), 0, 0, "Left, F", NULL},
    {"keys", "right", K_KEYS, OFF(key_right), 0, 0, "Right, J", NULL},
    {"keys", "continue", K_KEYS, OFF(key_continue), 0, 0, "Space, Return", NULL},
    {"keys", "pause", K_KEYS, OFF(key_pause), 0, 0, "Escape", NULL},
    {"keys", "quit", K_KEYS, OFF(key_quit), 0, 0, "Q", NULL},
    {"keys", "resume", K_KEYS, OFF(key_resume), 0, 0, "R", NULL},
    {"keys", "new", K_KEYS, OFF(key_new), 0, 0, "N", NULL},
    {"keys", "mouse", K_BOOL, OFF(mouse), 0, 1, "yes", NULL},

    {"text", "window_title", K_TEXT, TXT_WINDOW_TITLE, 0, 0, "dddlab", NULL},
    {"text", "code_prompt", K_TEXT, TXT_CODE_PROMPT, 0, 0, "Please type your observer code.", NULL},
    {"text", "code_hint", K_TEXT, TXT_CODE_HINT, 0, 0,
     "Letters, digits, - and _ only. Press Enter when done.", NULL},
    {"text", "resume_prompt", K_TEXT, TXT_RESUME_PROMPT, 0, 0,
     "There is an unfinished session for {code} ({done} of {total} done).\\n"
     "Press R to continue it or N to start a new one.",
     NULL},
    {"text", "confirm_new", K_TEXT, TXT_CONFIRM_NEW, 0, 0,
     "Start a new session? Your unfinished session stays saved, but will not be continued.\\n"
     "Press N again to start a new session, or R to continue where you left off.",
     NULL},
    {"text", "welcome_back", K_TEXT, TXT_WELCOME_BACK, 0, 0,
     "Welcome back! The session continues where it stopped ({done} of {total} done).", NULL},
    {"text", "loading", K_TEXT, TXT_LOADING, 0, 0, "Loading images ({done} of {total})", NULL},
    {"text", "continue_hint", K_TEXT, TXT_CONTINUE_HINT, 0, 0, "Press the space bar to continue.",
     NULL},
    {"text", "practice_intro", K_TEXT, TXT_PRACTICE_INTRO, 0, 0,
     "First, a few practice trials. They do not count.{feedback}", NULL},
    {"text", "practice_feedback", K_TEXT, TXT_PRACTICE_FEEDBACK, 0, 0,
     "After each one you will see whether your answer was right.", NULL},
    {"text", "practice_end", K_TEXT, TXT_PRACTICE_END, 0, 0,
     "The practice is over. Now the real trials begin.{feedback}", NULL},
    {"text", "feedback_ends", K_TEXT, TXT_FEEDBACK_ENDS, 0, 0, "From now on there is no feedback.",
     NULL},
    {"text", "get_ready", K_TEXT, TXT_GET_READY, 0, 0, "Get ready", NULL},
    {"text", "break", K_TEXT, TXT_BREAK, 0, 0, "Time for a short break.\\n{done} of {total} done.",
     NULL},
    {"text", "pause", K_TEXT, TXT_PAUSE, 0, 0, "Paused", NULL},
    {"text", "pause_hint", K_TEXT, TXT_PAUSE_HINT, 0, 0,
     "Press the space bar to continue, or Q to quit.\\nYour answers so far are saved.", NULL},
    {"text", "end", K_TEXT, TXT_END, 0, 0, "Thank you! The session is complete.", NULL},
    {"text", "question", K_TEXT, TXT_QUESTION, 0, 0,
     "Which image is easier for a neural network to classify?", NULL},
    {"text", "correct", K_TEXT, TXT_CORRECT, 0, 0, "Correct", NULL},
    {"text", "wrong", K_TEXT, TXT_WRONG, 0, 0, "Wrong", NULL},
    {"text", "too_slow", K_TEXT, TXT_TOO_SLOW, 0, 0, "Too slow", NULL},
    {"text", "trial_label", K_TEXT, TXT_TRIAL_LABEL, 0, 0, "{n}", NULL},
    {"text", "practice_label", K_TEXT, TXT_PRACTICE_LABEL, 0, 0, "Practice {n} of {total}", NULL},
    {"text", "q1", K_TEXT, TXT_Q1, 0, 0,
     "How many objects belonging to different categories are in the image? (e.g. three dogs are "
     "still one category: dog. But two dogs and one cat are two categories: dog and cat)",
     NULL},
    {"text", "q2", K_TEXT, TXT_Q2, 0, 0, "Is there a main category in the image?", NULL},
    {"text", "q3", K_TEXT, TXT_Q3, 0, 0,
     "Is the presentation of the objects unusual in any manner "
     "(e.g. orientation, location, size, viewpoint)?",
     NULL},
    {"text", "q2_options", K_OPTIONS, TXT_Q2_OPTIONS, 0, 0, "No, Maybe, Yes", NULL},
    {"text", "q3_options", K_OPTIONS, TXT_Q3_OPTIONS, 0, 0, "No, Slightly, Very", NULL},
    {"text", "q4", K_TEXT, TXT_Q4, 0, 0, NULL, NULL},
    {"text", "q5", K_TEXT, TXT_Q5, 0, 0, NULL, NULL},
    {"text", "q6", K_TEXT, TXT_Q6, 0, 0, NULL, NULL},
    {"text", "q7", K_TEXT, TXT_Q7, 0, 0, NULL, NULL},
    {"text", "q8", K_TEXT, TXT_Q8, 0, 0, NULL, NULL},
    {"text", "q9", K_TEXT, TXT_Q9, 0, 0, NULL, NULL},
    {"text", "q1_options", K_OPTIONS, TXT_Q1_OPTIONS, 0, 0, NULL, NULL},
    {"text", "q4_options", K_OPTIONS, TXT_Q4_OPTIONS, 0, 0, NULL, NULL},
    {"text", "q5_options", K_OPTIONS, TXT_Q5_OPTIONS, 0, 0, NULL, NULL},
    {"text", "q6_options", K_OPTIONS, TXT_Q6_OPTIONS, 0, 0, NULL, NULL},
    {"text", "q7_options", K_OPTIONS, TXT_Q7_OPTIONS, 0, 0, NULL, NULL},
    {"text", "q8_options", K_OPTIONS, TXT_Q8_OPTIONS, 0, 0, NULL, NULL},
    {"text", "q9_options", K_OPTIONS, TXT_Q9_OPTIONS, 0, 0, NULL, NULL},

    {"questions", "count", K_INT, OFF(nquestions), 1, EXP_MAX_QUESTIONS, "3", NULL},
    {"questions", "q1", K_QSPEC, 0, 0, 0, "count interval", NULL},
    {"questions", "q2", K_QSPEC, 1, 0, 0, "ordered ordinal", NULL},
    {"questions", "q3", K_QSPEC, 2, 0, 0, "ordered ordinal", NULL},
    {"questions", "q4", K_QSPEC, 3, 0, 0, "ordered ordinal", NULL},
    {"questions", "q5", K_QSPEC, 4, 0, 0, "ordered ordinal", NULL},
    {"questions", "q6", K_QSPEC, 5, 0, 0, "ordered ordinal", NULL},
    {"questions", "q7", K_QSPEC, 6, 0, 0, "ordered ordinal", NULL},
    {"questions", "q8", K_QSPEC, 7, 0, 0, "ordered ordinal", NULL},
    {"questions", "q9", K_QSPEC, 8, 0, 0, "ordered ordinal", NULL},
    {"text", "rating_hint", K_TEXT, TXT_RATING_HINT, 0, 0,
     "Press the number shown on a button, or click it. Enter goes on.", NULL},
    {"text", "confirm", K_TEXT, TXT_CONFIRM, 0, 0, "Next", NULL},
};
#define NKEYS (sizeof keys / sizeof *keys)

static const char *const sections[] = {"experiment", "procedure", "display",
                                       "keys",       "text",      "questions"};
#define NSECTIONS (sizeof sections / sizeof *sections)

typedef struct parse_state {
    dl_exp_config *cfg;
    dl_error *err;
    const char *path;
    const char *src;
    size_t pos;
    size_t line;  /* of the line inih is working on */
    int indented; /* that line starts with white space */
    int failed;
    size_t seen_line[NKEYS];
    int last_key; /* for continuation lines */
} parse_state;

/* ---- small helpers -------------------------------------------------------------------------- */

int exp_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
        if (n == 9 || (n && i + n >= len) || (n == 1 && c < 0xC2))
            goto bad;
        for (size_t k = 1; k <= n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                goto bad;
        if ((n == 2 && c == 0xE0 && p[i + 1] < 0xA0) || (n == 3 && c == 0xF0 && p[i + 1] < 0x90) ||
            (n == 3 && (c > 0xF4 || (c == 0xF4 && p[i + 1] > 0x8F))) ||
            (n == 2 && c == 0xED && p[i + 1] > 0x9F))
            goto bad;
        i += n + 1;
    }
    return 1;
bad:
    if (bad_offset)
        *bad_offset = i;
    return 0;
}

static int fail_line(parse_state *ps, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_line(parse_state *ps, size_t line, const char *fmt, ...)
{
    char msg[DL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!ps->failed)
        dl_fail(ps->err, DL_EINVAL, "%s:%zu: %s", ps->path, line, msg);
    ps->failed = 1;
    return 0;
}

/* "a\nb" written in the file as a backslash and n becomes a line break. */
static char *unescape(const char *s)
{
    char *out = dl_strdup(s), *w = out;
    if (!out)
        return NULL;
    for (const char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return out;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
                                                                                "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "#RRGGBB", "R, G, B" (0-255 each) or one grey level "128". */
static int parse_color(const char *v, exp_color *c)
{
    if (v[0] == '#') {
        if (strlen(v) != 7)
            return -1;
        int x[6];
        for (int i = 0; i < 6; i++)
            if ((x[i] = hexval(v[i + 1])) < 0)
                return -1;
        c->r = (uint8_t)(16 * x[0] + x[1]);
        c->g = (uint8_t)(16 * x[2] + x[3]);
        c->b = (uint8_t)(16 * x[4] + x[5]);
        return 0;
    }
    long rgb[3];
    int n = 0;
    char *copy = dl_strdup(v), *save = NULL;
    if (!copy)
        return -1;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = 0;
        if (n == 3 || dl_parse_long(tok, &rgb[n]) || rgb[n] < 0 || rgb[n] > 255) {
            free(copy);
            return -1;
        }
        n++;
    }
    free(copy);
    if (n == 1)
        rgb[1] = rgb[2] = rgb[0];
    else if (n != 3)
        return -1;
    c->r = (uint8_t)rgb[0];
    c->g = (uint8_t)rgb[1];
    c->b = (uint8_t)rgb[2];
    return 0;
}

/* Split "a, b, c" on commas into trimmed, non-empty parts. */
static int split_list(const char *v, char **parts, int max, int *n)
{
    char *copy = dl_strdup(v), *save = NULL;
    if (!copy)
        return -1;
    *n = 0;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t len = strlen(tok);
        while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            tok[--len] = 0;
        if (!len || *n == max) {
            rc = -1;
            break;
        }
        if (!(parts[(*n)++] = dl_strdup(tok))) {
            rc = -1;
            break;
        }
    }
    free(copy);
    if (rc)
        for (int i = 0; i < *n; i++)
            free(parts[i]);
    return rc;
}

static int parse_keys(const char *v, exp_keys *k, char *bad, size_t bad_len)
{
    char *parts[EXP_MAX_KEYS];
    int n;
    if (split_list(v, parts, EXP_MAX_KEYS, &n) || n == 0) {
        snprintf(bad, bad_len, "%s", v);
        return -1;
    }
    int rc = 0;
    k->n = 0;
    for (int i = 0; i < n; i++) {
        SDL_Keycode code = SDL_GetKeyFromName(parts[i]);
        if (code == SDLK_UNKNOWN && !rc) {
            snprintf(bad, bad_len, "%s", parts[i]);
            rc = -1;
        }
        k->key[k->n++] = code;
        free(parts[i]);
    }
    return rc;
}

/* ---- one key = value ------------------------------------------------------------------------ */

static int set_string(char **slot, const char *v)
{
    char *copy = dl_strdup(v);
    if (!copy)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

static int store_options(char **opt, int *n, const char *v)
{
    char *parts[EXP_MAX_OPTIONS];
    int np;
    if (split_list(v, parts, EXP_MAX_OPTIONS, &np))
        return -1;
    if (np < 2) {
        for (int i = 0; i < np; i++)
            free(parts[i]);
        return -1;
    }
    for (int i = 0; i < *n; i++)
        free(opt[i]);
    for (int i = 0; i < np; i++)
        opt[i] = parts[i];
    *n = np;
    return 0;
}

/* The labels of question (which - TXT_Q1_OPTIONS); q2 and q3 also keep
 * their own copies, which the rating screen reads. */
static int set_options(dl_exp_config *cfg, size_t which, const char *v)
{
    size_t q = which - TXT_Q1_OPTIONS;
    if (store_options(cfg->qopt[q], &cfg->qnopt[q], v))
        return -1;
    if (which == TXT_Q2_OPTIONS)
        return store_options(cfg->q2_opt, &cfg->q2_nopt, v);
    if (which == TXT_Q3_OPTIONS)
        return store_options(cfg->q3_opt, &cfg->q3_nopt, v);
    return 0;
}

static const char *const qtypes[] = {"count", "ordered", "unordered"};
static const char *const qlevels[] = {"nominal", "ordinal", "interval", "ratio"};

static int parse_qspec(const char *v, int *type, int *level)
{
    char t[16], l[16], extra;
    if (sscanf(v, "%15s %15s %c", t, l, &extra) != 2)
        return -1;
    *type = *level = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(t, qtypes[i]) == 0)
            *type = i;
    for (int i = 0; i < 4; i++)
        if (strcmp(l, qlevels[i]) == 0)
            *level = i;
    return *type < 0 || *level < 0 ? -1 : 0;
}

static const char *type_hint(const key_def *k, char *buf, size_t len)
{
    switch (k->type) {
    case K_TASK:
        return "2afc or rating";
    case K_PRIORITY:
        return "realtime, high or normal";
    case K_BOOL:
        return "yes or no";
    case K_SEED:
        return "a whole number from 0 to 2^63";
    case K_COLOR:
        return k->auto_word ? "#RRGGBB, R,G,B, a grey level 0-255, or auto"
                            : "#RRGGBB, R,G,B or a grey level 0-255";
    case K_KEYS:
        return "SDL key names separated by commas, e.g. Left, F";
    case K_OPTIONS:
        return "2 to 5 answer labels separated by commas";
    case K_QSPEC:
        return "a type (count, ordered or unordered) and the level its agreement is analysed "
               "at (nominal, ordinal, interval or ratio), e.g. 'ordered ordinal'";
    case K_INT:
        snprintf(buf, len, "a whole number from %.0f to %.0f%s%s", k->min, k->max,
                 k->auto_word ? ", or " : "", k->auto_word ? k->auto_word : "");
        return buf;
    case K_DOUBLE:
        snprintf(buf, len, "a number from %g to %g", k->min, k->max);
        return buf;
    default:
        return "a value";
    }
}

/* The table addresses fields by offset; copying avoids type-punned pointers. */
static void store_int(char *field, int v)
{
    memcpy(field, &v, sizeof v);
}

/* Parse v into cfg for key k; 0 or -1 with *why naming what was expected. */
static int apply(dl_exp_config *cfg, const key_def *k, const char *v, char *why, size_t why_len)
{
    char *base = (char *)cfg;
    char hint[96];
    if (k->auto_word && strcasecmp(v, k->auto_word) == 0) {
        if (k->type == K_INT)
            store_int(base + k->off, -1);
        else if (k->type == K_COLOR)
            cfg->background_auto = 1; /* the only colour with "auto" */
        return 0;
    }
    int ok = 1;
    switch (k->type) {
    case K_TASK:
        cfg->task = dl_task_parse(v);
        ok = cfg->task != 0;
        break;
    case K_PRIORITY:
        ok = strcmp(v, "realtime") == 0 || strcmp(v, "high") == 0 || strcmp(v, "normal") == 0;
        cfg->high_priority = strcmp(v, "realtime") == 0 ? EXP_PRIO_REALTIME
                             : strcmp(v, "high") == 0   ? EXP_PRIO_HIGH
                                                        : EXP_PRIO_NORMAL;
        break;
    case K_NAME:
    case K_PATH:
        ok = v[0] && set_string((char **)(base + k->off), v) == 0;
        break;
    case K_SEED: {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(v, &end, 10);
        ok = v[0] >= '0' && v[0] <= '9' && !*end && errno == 0 && s <= (1ULL << 63);
        cfg->seed = s;
        cfg->has_seed = 1;
        break;
    }
    case K_BOOL: {
        int b = 0;
        ok = parse_bool(v, &b) == 0;
        if (ok)
            store_int(base + k->off, b);
        break;
    }
    case K_INT: {
        long x;
        ok = dl_parse_long(v, &x) == 0 && x >= k->min && x <= k->max;
        if (ok)
            store_int(base + k->off, (int)x);
        break;
    }
    case K_DOUBLE: {
        double x;
        ok = dl_parse_double(v, &x) == 0 && x >= k->min && x <= k->max;
        if (ok)
            memcpy(base + k->off, &x, sizeof x);
        break;
    }
    case K_COLOR:
        ok = parse_color(v, (exp_color *)(base + k->off)) == 0;
        if (k->auto_word)
            cfg->background_auto = 0;
        break;
    case K_KEYS: {
        char bad[64];
        if (parse_keys(v, (exp_keys *)(base + k->off), bad, sizeof bad)) {
            snprintf(why, why_len, "unknown key name '%s' (expected %s)", bad,
                     type_hint(k, hint, sizeof hint));
            return -1;
        }
        return 0;
    }
    case K_TEXT: {
        char *t = unescape(v);
        if (!t)
            return snprintf(why, why_len, "out of memory"), -1;
        free(cfg->text[k->off]);
        cfg->text[k->off] = t;
        return 0;
    }
    case K_OPTIONS:
        ok = set_options(cfg, k->off, v) == 0;
        if (ok)
            return set_string(&cfg->text[k->off], v);
        break;
    case K_QSPEC:
        ok = parse_qspec(v, &cfg->qtype[k->off], &cfg->qlevel[k->off]) == 0;
        break;
    }
    if (!ok)
        snprintf(why, why_len, "bad value '%s' for '%s' (expected %s)", v, k->name,
                 type_hint(k, hint, sizeof hint));
    return ok ? 0 : -1;
}

static int find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int remember_value(dl_exp_config *cfg, int i, const char *v)
{
    return set_string(&cfg->values[i], v);
}

/* Text keys may continue on indented lines (inih calls us again with the
 * same name); the parts are joined with a space. */
static int continue_text(parse_state *ps, int i, const char *value)
{
    dl_exp_config *cfg = ps->cfg;
    if (keys[i].type != K_TEXT)
        return fail_line(ps, ps->line,
                         "indented line: only [text] values may continue on the "
                         "next line (start keys at the beginning of the line)");
    dl_buf b;
    dl_buf_init(&b);
    char *add = unescape(value);
    int rc = !add || dl_buf_printf(&b, "%s %s", cfg->text[keys[i].off], add);
    free(add);
    if (rc) {
        dl_buf_free(&b);
        return fail_line(ps, ps->line, "out of memory");
    }
    free(cfg->text[keys[i].off]);
    cfg->text[keys[i].off] = b.data;
    return remember_value(cfg, i, b.data) ? fail_line(ps, ps->line, "out of memory") : 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state *ps = user;
    if (ps->failed)
        return 0;
    int i = find_key(section, name);
    if (ps->indented && ps->last_key >= 0 && i == ps->last_key)
        return continue_text(ps, i, value);
    if (!section[0])
        return fail_line(ps, ps->line, "key '%s' outside a section (start with [experiment])",
                         name);
    if (i < 0)
        return fail_line(ps, ps->line, "unknown key '%s' in section [%s]", name, section);
    if (ps->seen_line[i])
        return fail_line(ps, ps->line, "duplicate key '%s' in section [%s] (first at line %zu)",
                         name, section, ps->seen_line[i]);
    size_t bad;
    if (!exp_utf8_valid(value, strlen(value), &bad))
        return fail_line(ps, ps->line, "value of '%s' is not valid UTF-8 (byte %zu)", name,
                         bad + 1);
    char why[256];
    if (apply(ps->cfg, &keys[i], value, why, sizeof why))
        return fail_line(ps, ps->line, "%s", why);
    if (remember_value(ps->cfg, i, value))
        return fail_line(ps, ps->line, "out of memory");
    ps->seen_line[i] = ps->line;
    ps->last_key = i;
    return 1;
}

/* ---- the line reader ------------------------------------------------------------------------ */

static int check_section(parse_state *ps, const char *s)
{
    const char *end = strchr(s, ']');
    if (!end)
        return fail_line(ps, ps->line, "section header without ']'");
    size_t len = (size_t)(end - s - 1);
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strlen(sections[i]) == len && strncmp(sections[i], s + 1, len) == 0)
            return 1;
    return fail_line(ps, ps->line,
                     "unknown section [%.*s] (sections are: experiment, procedure, display, "
                     "keys, text, questions)",
                     (int)len, s + 1);
}

static char *reader(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    if (ps->failed || !ps->src[ps->pos])
        return NULL;
    const char *start = ps->src + ps->pos;
    const char *nl = strchr(start, '\n');
    size_t len = nl ? (size_t)(nl - start) + 1 : strlen(start);
    ps->line++;
    /* inih needs room for "\r\n\0" */
    if (len + 2 > (size_t)num) {
        fail_line(ps, ps->line,
                  "line longer than %d characters (continue a long text on an "
                  "indented next line)",
                  num - 3);
        return NULL;
    }
    memcpy(str, start, len);
    str[len] = 0;
    ps->pos += len;
    ps->indented = str[0] == ' ' || str[0] == '\t';
    const char *s = str;
    if (ps->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '[') {
        ps->last_key = -1;
        if (!check_section(ps, s))
            return NULL;
    }
    return str;
}

/* ---- defaults, checks, loading -------------------------------------------------------------- */

static int apply_defaults(dl_exp_config *cfg, dl_error *err)
{
    char why[256];
    cfg->viewing_distance_cm = cfg->screen_width_cm = NAN;
    for (size_t i = 0; i < NKEYS; i++) {
        if (!keys[i].def)
            continue;
        if (apply(cfg, &keys[i], keys[i].def, why, sizeof why) ||
            remember_value(cfg, (int)i, keys[i].def))
            return dl_fail(err, DL_EINVAL, "default of '%s': %s", keys[i].name, why);
    }
    return 0;
}

static int check_required(parse_state *ps)
{
    dl_exp_config *cfg = ps->cfg;
    if (!ps->seen_line[find_key("experiment", "task")])
        return dl_fail(ps->err, DL_EINVAL,
                       "%s: missing key 'task' in section [experiment] (2afc or rating)", ps->path);
    if (!ps->seen_line[find_key("experiment", "set")])
        return dl_fail(ps->err, DL_EINVAL,
                       "%s: missing key 'set' in section [experiment] (the stimulus set's name)",
                       ps->path);
    size_t deg_line = ps->seen_line[find_key("display", "image_width_deg")];
    size_t gdeg_line = ps->seen_line[find_key("display", "gap_deg")];
    size_t line = deg_line ? deg_line : gdeg_line;
    if (line && (isnan(cfg->viewing_distance_cm) || isnan(cfg->screen_width_cm)))
        return dl_fail(ps->err, DL_EINVAL,
                       "%s:%zu: sizes in degrees need viewing_distance_cm and screen_width_cm "
                       "in section [display]",
                       ps->path, line);
    if (deg_line && ps->seen_line[find_key("display", "image_width_px")])
        return dl_fail(ps->err, DL_EINVAL,
                       "%s:%zu: give image_width_px or image_width_deg, not both", ps->path,
                       deg_line);
    if (gdeg_line && ps->seen_line[find_key("display", "gap_px")])
        return dl_fail(ps->err, DL_EINVAL, "%s:%zu: give gap_px or gap_deg, not both", ps->path,
                       gdeg_line);
    if (cfg->background_auto) {
        uint8_t g = cfg->task == DL_TASK_RATING ? 255 : 128;
        cfg->background = (exp_color){g, g, g};
    }
    return 0;
}

/* ---- one key, one action ------------------------------------------------------------------ */

/* Keys that are active on the same screen must differ, or one press would
 * mean two things (left = right = Right logged every trial as "left"). */
static const char *const key_groups[][4] = {
    {"left", "right", "pause", NULL},    /* 2AFC trial */
    {"continue", "quit", "pause", NULL}, /* pause screen; messages: continue, pause */
    {"resume", "new", "pause", NULL},    /* the resume question */
};

/* Keys the rating screen uses itself: digits, arrows, Tab, Enter. */
static int rating_key(SDL_Keycode k)
{
    return (k >= SDLK_0 && k <= SDLK_9) || (k >= SDLK_KP_1 && k <= SDLK_KP_0) || k == SDLK_LEFT ||
           k == SDLK_RIGHT || k == SDLK_UP || k == SDLK_DOWN || k == SDLK_TAB || k == SDLK_RETURN ||
           k == SDLK_KP_ENTER;
}

static const exp_keys *keys_of(const dl_exp_config *cfg, int i)
{
    return (const exp_keys *)((const char *)cfg + keys[i].off);
}

static int clash(parse_state *ps, int a, int b, SDL_Keycode k)
{
    size_t la = ps->seen_line[a], lb = ps->seen_line[b];
    size_t line = la > lb ? la : lb;
    char other[64];
    size_t lo = la > lb ? lb : la;
    if (lo)
        snprintf(other, sizeof other, "line %zu", lo);
    else
        snprintf(other, sizeof other, "its default");
    return dl_fail(ps->err, DL_EINVAL,
                   "%s:%zu: key '%s' is bound to both '%s' and '%s' (%s) in [keys]; one key "
                   "can have one meaning only",
                   ps->path, line, SDL_GetKeyName(k), keys[la >= lb ? a : b].name,
                   keys[la >= lb ? b : a].name, other);
}

static int check_key_clashes(parse_state *ps)
{
    const dl_exp_config *cfg = ps->cfg;
    for (size_t g = 0; g < sizeof key_groups / sizeof *key_groups; g++)
        for (int x = 0; key_groups[g][x]; x++)
            for (int y = x + 1; key_groups[g][y]; y++) {
                int a = find_key("keys", key_groups[g][x]), b = find_key("keys", key_groups[g][y]);
                if (g == 0 && cfg->task != DL_TASK_2AFC)
                    continue;
                const exp_keys *ka = keys_of(cfg, a), *kb = keys_of(cfg, b);
                for (int i = 0; i < ka->n; i++)
                    for (int j = 0; j < kb->n; j++)
                        if (ka->key[i] == kb->key[j])
                            return clash(ps, a, b, ka->key[i]);
            }
    int p = find_key("keys", "pause");
    const exp_keys *kp = keys_of(cfg, p);
    for (int i = 0; cfg->task == DL_TASK_RATING && i < kp->n; i++)
        if (rating_key(kp->key[i]))
            return dl_fail(ps->err, DL_EINVAL,
                           "%s:%zu: key '%s' of 'pause' is one the rating screen uses for its "
                           "answers (digits, arrows, Tab, Enter); choose another",
                           ps->path, ps->seen_line[p] ? ps->seen_line[p] : 1,
                           SDL_GetKeyName(kp->key[i]));
    return 0;
}

/* ---- rating questions ------------------------------------------------------------------------ */

/* Every question asked needs its text, and labels unless it is a count. */
static int check_questions(parse_state *ps)
{
    dl_exp_config *cfg = ps->cfg;
    size_t count_line = ps->seen_line[find_key("questions", "count")];
    for (int i = 0; i < cfg->nquestions; i++) {
        exp_question *q = &cfg->question[i];
        q->key[0] = 'q'; /* i < 9: one digit */
        q->key[1] = (char)('1' + i);
        q->key[2] = '\0';
        q->text = cfg->text[TXT_Q1 + i];
        q->type = cfg->qtype[i];
        q->level = cfg->qlevel[i];
        q->nopt = q->type == EXP_Q_COUNT ? 0 : cfg->qnopt[i];
        q->opt = cfg->qopt[i];
        if (!q->text || !q->text[0])
            return dl_fail(ps->err, DL_EINVAL,
                           "%s:%zu: question %d is asked (count = %d) but has no text: add "
                           "'%s = ...' to [text]",
                           ps->path, count_line ? count_line : 1, i + 1, cfg->nquestions, q->key);
        if (q->type != EXP_Q_COUNT && q->nopt < 2) {
            size_t line = ps->seen_line[find_key("questions", q->key)];
            return dl_fail(ps->err, DL_EINVAL,
                           "%s:%zu: question %d is %s but has no answer labels: add "
                           "'%s_options = A, B, ...' to [text]",
                           ps->path,
                           line         ? line
                           : count_line ? count_line
                                        : 1,
                           i + 1, qtypes[q->type], q->key);
        }
    }
    return 0;
}

int exp_questions_standard(const dl_exp_config *cfg)
{
    return cfg->nquestions == 3 && cfg->question[0].type == EXP_Q_COUNT &&
           cfg->question[1].type != EXP_Q_COUNT && cfg->question[2].type != EXP_Q_COUNT;
}

char *exp_questions_json(const dl_exp_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    dl_json j;
    dl_json_init(&j, f);
    dl_json_array_begin(&j);
    for (int i = 0; i < cfg->nquestions; i++) {
        const exp_question *q = &cfg->question[i];
        dl_json_object_begin(&j);
        dl_json_key(&j, "key");
        dl_json_string(&j, q->key);
        dl_json_key(&j, "text");
        dl_json_string(&j, q->text ? q->text : "");
        dl_json_key(&j, "type");
        dl_json_string(&j, qtypes[q->type]);
        dl_json_key(&j, "level");
        dl_json_string(&j, qlevels[q->level]);
        dl_json_key(&j, "options");
        dl_json_array_begin(&j);
        for (int k = 0; k < q->nopt; k++)
            dl_json_string(&j, q->opt[k]);
        dl_json_array_end(&j);
        dl_json_object_end(&j);
    }
    dl_json_array_end(&j);
    dl_json_end(&j);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    /* dl_json_end ends the document with a newline; the column holds the value */
    if (len && buf[len - 1] == '\n')
        buf[len - 1] = '\0';
    return buf;
}

static int read_instructions(parse_state *ps)
{
    dl_exp_config *cfg = ps->cfg;
    if (!cfg->instructions_path)
        return 0;
    size_t line = ps->seen_line[find_key("procedure", "instructions")];
    char *full = dl_path_join(cfg->dir, cfg->instructions_path);
    if (!full)
        return dl_fail(ps->err, DL_ENOMEM, "out of memory");
    free(cfg->instructions_path);
    cfg->instructions_path = full;
    size_t len;
    dl_error e = {0};
    if (dl_read_file(full, &cfg->instructions, &len, &e))
        return dl_fail(ps->err, DL_EINVAL, "%s:%zu: cannot read the instructions: %s", ps->path,
                       line, e.msg);
    size_t bad;
    if (!exp_utf8_valid(cfg->instructions, len, &bad)) {
        size_t l = 1;
        for (size_t i = 0; i < bad; i++)
            l += cfg->instructions[i] == '\n';
        return dl_fail(ps->err, DL_EINVAL, "%s:%zu: not valid UTF-8 (save it as UTF-8)", full, l);
    }
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return dl_strdup(".");
    if (slash == path)
        return dl_strdup("/");
    char *d = dl_strdup(path);
    if (d)
        d[slash - path] = 0;
    return d;
}

static int resolve_paths(dl_exp_config *cfg, dl_error *err)
{
    if (cfg->image_root) {
        char *full = dl_path_join(cfg->dir, cfg->image_root);
        if (!full)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        free(cfg->image_root);
        cfg->image_root = full;
    }
    return 0;
}

int dl_exp_config_parse(const char *path, const char *text, dl_exp_config **out, dl_error *err)
{
    *out = NULL;
    dl_exp_config *cfg = dl_calloc(1, sizeof *cfg);
    if (!cfg)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    cfg->nvalues = NKEYS;
    cfg->values = dl_calloc(NKEYS, sizeof *cfg->values);
    cfg->path = dl_strdup(path);
    cfg->dir = dir_of(path);
    cfg->file_text = dl_strdup(text);
    int rc = DL_ENOMEM;
    if (!cfg->values || !cfg->path || !cfg->dir || !cfg->file_text) {
        dl_fail(err, rc, "out of memory");
        goto fail;
    }
    dl_sha256_buf(text, strlen(text), cfg->sha256);
    if ((rc = apply_defaults(cfg, err)))
        goto fail;
    parse_state ps = {.cfg = cfg, .err = err, .path = path, .src = text, .last_key = -1};
    int line = ini_parse_stream(reader, &ps, handler, &ps);
    rc = DL_EINVAL;
    if (ps.failed)
        goto fail;
    if (line > 0) {
        dl_fail(err, rc, "%s:%d: expected 'key = value', '[section]' or a comment", path, line);
        goto fail;
    }
    if (line < 0) {
        dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    cfg->task_line = ps.seen_line[find_key("experiment", "task")];
    cfg->set_line = ps.seen_line[find_key("experiment", "set")];
    if ((rc = check_required(&ps)) || (rc = check_key_clashes(&ps)) ||
        (rc = check_questions(&ps)) || (rc = read_instructions(&ps)) ||
        (rc = resolve_paths(cfg, err)))
        goto fail;
    *out = cfg;
    return 0;
fail:
    dl_exp_config_free(cfg);
    return rc;
}

int dl_exp_config_load(const char *path, dl_exp_config **out, dl_error *err)
{
    char *text = NULL;
    size_t len;
    *out = NULL;
    dl_error e = {0};
    if (dl_read_file(path, &text, &len, &e))
        return dl_fail(err, e.code == DL_ENOENT || e.code == DL_EINVAL ? e.code : DL_EIO,
                       "cannot read the experiment file: %s", e.msg);
    if (strlen(text) != len) {
        free(text);
        return dl_fail(err, DL_EINVAL, "%s: contains a NUL byte; is it a text file?", path);
    }
    int rc = dl_exp_config_parse(path, text, out, err);
    free(text);
    return rc;
}

void dl_exp_config_free(dl_exp_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->dir);
    free(cfg->file_text);
    free(cfg->set_name);
    free(cfg->image_root);
    free(cfg->instructions_path);
    free(cfg->instructions);
    for (int i = 0; i < TXT_COUNT; i++)
        free(cfg->text[i]);
    for (int q = 0; q < EXP_MAX_QUESTIONS; q++)
        for (int i = 0; i < cfg->qnopt[q]; i++)
            free(cfg->qopt[q][i]);
    for (int i = 0; i < cfg->q2_nopt; i++)
        free(cfg->q2_opt[i]);
    for (int i = 0; i < cfg->q3_nopt; i++)
        free(cfg->q3_opt[i]);
    if (cfg->values)
        for (size_t i = 0; i < cfg->nvalues; i++)
            free(cfg->values[i]);
    free(cfg->values);
    free(cfg);
}

const char *dl_exp_config_task(const dl_exp_config *cfg)
{
    return dl_task_name(cfg->task);
}

const char *dl_exp_config_set(const dl_exp_config *cfg)
{
    return cfg->set_name;
}

const char *dl_exp_config_value(const dl_exp_config *cfg, const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if ((!section || strcmp(keys[i].section, section) == 0) && strcmp(keys[i].name, key) == 0)
            return cfg->values[i];
    return NULL;
}

/* ---- placeholders --------------------------------------------------------------------------- */

char *exp_format(const char *tmpl, const char *const *names, const char *const *values, size_t n)
{
    dl_buf b;
    dl_buf_init(&b);
    const char *p = tmpl;
    int rc = 0;
    while (*p && !rc) {
        size_t k = n;
        if (*p == '{')
            for (k = 0; k < n; k++) {
                size_t len = strlen(names[k]);
                if (strncmp(p + 1, names[k], len) == 0 && p[1 + len] == '}')
                    break;
            }
        if (k < n) {
            rc = dl_buf_append(&b, values[k], strlen(values[k]));
            p += strlen(names[k]) + 2;
        } else {
            rc = dl_buf_append(&b, p, 1);
            p++;
        }
    }
    if (rc || dl_buf_append(&b, "", 0)) {
        dl_buf_free(&b);
        return NULL;
    }
    if (!b.data)
        return dl_strdup("");
    return b.data;
}
