/* buf.c — checked allocation, a growable string buffer, UTF-8 table cells. */
#include "dl_common.h"

#include <stdlib.h>
#include <string.h>

void *dl_calloc(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        n = size = 1;
    return calloc(n, size);
}

void *dl_realloc_array(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return realloc(p, bytes ? bytes : 1);
}

char *dl_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void dl_buf_init(dl_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void dl_buf_free(dl_buf *b)
{
    free(b->data);
    dl_buf_init(b);
}

static int buf_reserve(dl_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        return DL_ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}

int dl_buf_append(dl_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n))
        return DL_ENOMEM;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int dl_buf_printf(dl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n))
        return DL_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

/* A byte that continues a UTF-8 sequence (10xxxxxx). */
static int continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

int dl_utf8_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += !continuation((unsigned char)*s);
    return n;
}

void dl_put_cell(FILE *out, const char *s, int width)
{
    int left = width >= 0, w = left ? width : -width, chars = 0;
    size_t bytes = 0;
    /* take whole characters while they fit */
    while (s[bytes] && chars < w) {
        bytes++;
        while (continuation((unsigned char)s[bytes]))
            bytes++;
        chars++;
    }
    if (!left)
        fprintf(out, "%*s", w - chars, "");
    fwrite(s, 1, bytes, out);
    if (left)
        fprintf(out, "%*s", w - chars, "");
}
