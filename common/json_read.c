/* json_read.c — a strict JSON reader (RFC 8259) for the small documents
 * dddlab stores itself, such as a session's rating questions. Strict because
 * what it reads decides how answers are analysed: a document that any other
 * reader might take differently (a trailing comma, a duplicate key, a lone
 * surrogate) is refused with the line and column, never guessed at.
 * Recursive descent with a depth limit, so any input -- including a fuzzer's
 * -- ends in a value or a message. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dl_common.h"

#define JR_MAX_DEPTH 64

typedef struct jr {
    const char *s;
    size_t len, pos;
    dl_error *err;
    int oom;
} jr;

static int jr_fail(jr *p, const char *what)
{
    if (p->oom)
        return dl_fail(p->err, DL_ENOMEM, "out of memory");
    size_t line = 1, col = 1;
    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)p->s[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    if (p->pos >= p->len)
        return dl_fail(p->err, DL_EINVAL, "line %zu, column %zu: %s, found the end of the text",
                       line, col, what);
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c >= 0x20 && c < 0x7F)
        return dl_fail(p->err, DL_EINVAL, "line %zu, column %zu: %s, found '%c'", line, col, what,
                       c);
    return dl_fail(p->err, DL_EINVAL, "line %zu, column %zu: %s, found byte 0x%02X", line, col,
                   what, c);
}

static void skip_ws(jr *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static int peek(const jr *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int literal(jr *p, const char *word, dl_jtype type, dl_jvalue *v)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return jr_fail(p, "expected a value");
    p->pos += n;
    v->type = type;
    return 0;
}

/* The number grammar exactly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(jr *p, dl_jvalue *v)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0') {
        p->pos++;
        if (peek(p) >= '0' && peek(p) <= '9')
            return jr_fail(p, "a number must not have leading zeros");
    } else if (peek(p) >= '1' && peek(p) <= '9') {
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    } else {
        return jr_fail(p, "expected a digit");
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9'))
            return jr_fail(p, "expected a digit after the decimal point");
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9'))
            return jr_fail(p, "expected a digit in the exponent");
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    char buf[64];
    size_t n = p->pos - start;
    if (n >= sizeof buf) {
        p->pos = start;
        return jr_fail(p, "a number longer than 63 characters");
    }
    memcpy(buf, p->s + start, n);
    buf[n] = '\0';
    errno = 0;
    double d = strtod(buf, NULL);
    if (!isfinite(d)) {
        p->pos = start;
        return jr_fail(p, "a number out of range");
    }
    v->type = DL_JNUMBER;
    v->number = d;
    return 0;
}

static int hex4(jr *p, unsigned *out)
{
    unsigned u = 0;
    for (int i = 0; i < 4; i++) {
        int c = peek(p);
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return jr_fail(p, "expected four hex digits after \\u");
        u = u * 16 + d;
        p->pos++;
    }
    *out = u;
    return 0;
}

static void put_utf8(char *o, size_t *k, unsigned cp)
{
    if (cp < 0x80) {
        o[(*k)++] = (char)cp;
    } else if (cp < 0x800) {
        o[(*k)++] = (char)(0xC0 | cp >> 6);
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        o[(*k)++] = (char)(0xE0 | cp >> 12);
        o[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        o[(*k)++] = (char)(0xF0 | cp >> 18);
        o[(*k)++] = (char)(0x80 | (cp >> 12 & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* Length of the well-formed UTF-8 sequence at s (Unicode's table 3-7:
 * no overlongs, no surrogates, nothing above U+10FFFF); 0 when ill-formed. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* A string literal at p->pos (the opening quote) into a new C string. The
 * decoded text is never longer than the literal, so one buffer of that size
 * holds it. */
static int string(jr *p, char **out)
{
    p->pos++; /* " */
    size_t end = p->pos;
    while (end < p->len && p->s[end] != '"')
        end += p->s[end] == '\\' ? 2 : 1;
    char *o = malloc(end - p->pos + 1);
    if (!o) {
        p->oom = 1;
        jr_fail(p, "");
        return DL_ENOMEM;
    }
    size_t k = 0;
    for (;;) {
        int c = peek(p);
        if (c < 0) {
            free(o);
            return jr_fail(p, "expected '\"' to end the string");
        }
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            free(o);
            return jr_fail(p, "a control character inside a string must be escaped");
        }
        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
            if (!n) {
                free(o);
                return jr_fail(p, "invalid UTF-8 inside a string");
            }
            memcpy(o + k, p->s + p->pos, n);
            k += n;
            p->pos += n;
            continue;
        }
        if (c != '\\') {
            o[k++] = (char)c;
            p->pos++;
            continue;
        }
        p->pos++;
        int e = peek(p);
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = e > 0 ? strchr(from, e) : NULL;
        if (hit && e) {
            o[k++] = to[hit - from];
            p->pos++;
            continue;
        }
        if (e != 'u') {
            free(o);
            return jr_fail(p, "expected one of \" \\ / b f n r t u after a backslash");
        }
        p->pos++;
        unsigned cp = 0, lo = 0;
        if (hex4(p, &cp)) {
            free(o);
            return DL_EINVAL;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(o);
            p->pos -= 6;
            return jr_fail(p, "a low surrogate without a high one before it");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                free(o);
                return jr_fail(p, "expected \\u and a low surrogate after a high one");
            }
            p->pos += 2;
            if (hex4(p, &lo)) {
                free(o);
                return DL_EINVAL;
            }
            if (lo < 0xDC00 || lo > 0xDFFF) {
                free(o);
                p->pos -= 6;
                return jr_fail(p, "expected a low surrogate after a high one");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp == 0) {
            free(o);
            p->pos -= 6;
            return jr_fail(p, "\\u0000 is not allowed in a string");
        }
        put_utf8(o, &k, cp);
    }
    o[k] = '\0';
    *out = o;
    return 0;
}

static void value_clear(dl_jvalue *v)
{
    free(v->string);
    for (size_t i = 0; i < v->n; i++) {
        value_clear(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

static int value(jr *p, dl_jvalue *v, int depth);

/* One more slot in v->items (and v->keys for an object). */
static dl_jvalue *append(jr *p, dl_jvalue *v, size_t *cap, size_t *kcap)
{
    if (dl_grow(&v->items, cap, v->n + 1, sizeof *v->items) ||
        (v->type == DL_JOBJECT && dl_grow(&v->keys, kcap, v->n + 1, sizeof *v->keys))) {
        p->oom = 1;
        return NULL;
    }
    memset(&v->items[v->n], 0, sizeof *v->items);
    if (v->keys)
        v->keys[v->n] = NULL;
    return &v->items[v->n++];
}

static int container(jr *p, dl_jvalue *v, int depth)
{
    int object = peek(p) == '{';
    int close = object ? '}' : ']';
    if (depth >= JR_MAX_DEPTH)
        return jr_fail(p, "nesting deeper than 64 levels");
    v->type = object ? DL_JOBJECT : DL_JARRAY;
    p->pos++;
    skip_ws(p);
    if (peek(p) == close) {
        p->pos++;
        return 0;
    }
    size_t cap = 0, kcap = 0;
    for (;;) {
        skip_ws(p);
        char *key = NULL;
        if (object) {
            if (peek(p) != '"')
                return jr_fail(p, "expected '\"' to begin a key");
            size_t at = p->pos;
            int rc = string(p, &key);
            if (rc || !key)
                return rc ? rc : DL_EINVAL;
            for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->keys[i], key) == 0) {
                    free(key);
                    p->pos = at;
                    return jr_fail(p, "a key that appeared before in the same object");
                }
            skip_ws(p);
            if (peek(p) != ':') {
                free(key);
                return jr_fail(p, "expected ':' after a key");
            }
            p->pos++;
            skip_ws(p);
        }
        dl_jvalue *slot = append(p, v, &cap, &kcap);
        if (!slot) {
            free(key);
            return jr_fail(p, "");
        }
        if (object)
            v->keys[v->n - 1] = key;
        int rc = value(p, slot, depth + 1);
        if (rc)
            return rc;
        skip_ws(p);
        if (peek(p) == ',') {
            p->pos++;
            skip_ws(p);
            if (peek(p) == close)
                return jr_fail(p, "expected a value after ',' (no trailing commas)");
            continue;
        }
        if (peek(p) == close) {
            p->pos++;
            return 0;
        }
        return jr_fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int value(jr *p, dl_jvalue *v, int depth)
{
    skip_ws(p);
    int c = peek(p);
    switch (c) {
    case '{':
    case '[':
        return container(p, v, depth);
    case '"':
        v->type = DL_JSTRING;
        return string(p, &v->string);
    case 't':
        return literal(p, "true", DL_JTRUE, v);
    case 'f':
        return literal(p, "false", DL_JFALSE, v);
    case 'n':
        return literal(p, "null", DL_JNULL, v);
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return number(p, v);
        return jr_fail(p, "expected a value");
    }
}

int dl_jparse(const char *text, size_t len, dl_jvalue **out, dl_error *err)
{
    *out = NULL;
    if (memchr(text, '\0', len)) {
        jr at = {text, len, (size_t)((const char *)memchr(text, '\0', len) - text), err, 0};
        return jr_fail(&at, "a NUL byte is not allowed");
    }
    dl_jvalue *v = dl_calloc(1, sizeof *v);
    if (!v)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    jr p = {text, len, 0, err, 0};
    int rc = value(&p, v, 0);
    if (!rc) {
        skip_ws(&p);
        if (p.pos < p.len)
            rc = jr_fail(&p, "expected the end of the text after the value");
    }
    if (rc) {
        dl_jfree(v);
        return rc;
    }
    *out = v;
    return 0;
}

void dl_jfree(dl_jvalue *v)
{
    if (!v)
        return;
    value_clear(v);
    free(v);
}

const dl_jvalue *dl_jget(const dl_jvalue *v, const char *key)
{
    if (!v || v->type != DL_JOBJECT)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}
