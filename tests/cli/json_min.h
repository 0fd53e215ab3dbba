/* json_min.h — a small JSON reader for checking --json output in tests.
 * Strict enough to reject what a JSON parser would reject (trailing
 * garbage, bare NaN, missing commas); not fast, not for production. */
#ifndef DL_JSON_MIN_H
#define DL_JSON_MIN_H

#include <stddef.h>

typedef enum { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT } jv_type;

typedef struct jv {
    jv_type type;
    double num;       /* number, or 0/1 for a bool */
    char *str;        /* string */
    size_t n;         /* array items or object members */
    char **keys;      /* object member names */
    struct jv *items; /* array items or object values */
} jv;

/* Parse a whole document (surrounding white space allowed); NULL when it is
 * not valid JSON. */
jv *jv_parse(const char *text);
void jv_free(jv *v);

/* Follow a dotted path: object keys, or decimal indices into arrays
 * ("pairs.3.kappa"). NULL when absent. */
const jv *jv_get(const jv *root, const char *path);

#endif
