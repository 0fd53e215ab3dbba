/* csv_stream.c — dl_csv_stream without a malloc per field.
 *
 * A wide results file of 1,000 models x 50,000 images has 50 million cells;
 * dl_csv_stream copies each into its own allocation, which was 40% of the
 * whole `stimuli analyse` time. This reader gives the row callback the same
 * char ** view, but the strings live in one buffer reused for every record,
 * so the callback must copy what it keeps. Parsing is still libcsv's, fed one
 * physical line at a time so errors name FILE:LINE as dl_csv_stream's do. */
#include "stimuli_internal.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct fast {
    const char *path;
    dl_csv_row_fn row_fn;
    void *ctx;
    dl_error *err;
    char *buf; /* the record's fields, NUL-terminated, back to back */
    size_t len, cap;
    size_t *off; /* start of field i in buf */
    char **ptr;  /* field pointers handed to row_fn */
    size_t n, fcap;
    size_t line, rec_line;
    size_t start_line; /* line the record being parsed began on */
    int boundary;      /* the last line fed ended a record (or was blank) */
    int stop;
} fast;

static int grow(fast *f, size_t need_bytes)
{
    if (f->n == f->fcap) {
        size_t cap = f->fcap ? f->fcap * 2 : 64;
        size_t *off = dl_realloc_array(f->off, cap, sizeof *off);
        if (!off)
            return DL_ENOMEM;
        f->off = off;
        char **ptr = dl_realloc_array(f->ptr, cap, sizeof *ptr);
        if (!ptr)
            return DL_ENOMEM;
        f->ptr = ptr;
        f->fcap = cap;
    }
    if (f->len + need_bytes > f->cap) {
        size_t cap = f->cap ? f->cap : 4096;
        while (cap < f->len + need_bytes)
            cap *= 2;
        char *buf = realloc(f->buf, cap);
        if (!buf)
            return DL_ENOMEM;
        f->buf = buf;
        f->cap = cap;
    }
    return 0;
}

static void on_field(void *s, size_t len, void *data)
{
    fast *f = data;
    if (f->stop)
        return;
    if (f->n == 0) {
        size_t nl = 0;
        for (size_t i = 0; i < len; i++)
            nl += ((const char *)s)[i] == '\n';
        f->rec_line = f->line - nl;
    }
    if (grow(f, len + 1) != 0) {
        f->stop = dl_fail(f->err, DL_ENOMEM, "%s: out of memory", f->path);
        return;
    }
    f->off[f->n++] = f->len;
    if (len)
        memcpy(f->buf + f->len, s, len);
    f->len += len;
    f->buf[f->len++] = '\0';
}

static void on_record(int c, void *data)
{
    fast *f = data;
    (void)c;
    if (!f->stop && f->n > 0) {
        for (size_t i = 0; i < f->n; i++)
            f->ptr[i] = f->buf + f->off[i];
        f->stop = f->row_fn(f->ctx, f->ptr, f->n, f->rec_line);
    }
    f->n = 0;
    f->len = 0;
    f->boundary = 1;
}

static int is_bom(const char *s, size_t n)
{
    return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
           (unsigned char)s[2] == 0xBF;
}

static int feed(fast *f, FILE *fp, struct csv_parser *p, dl_progress *progress)
{
    char *line = NULL;
    size_t line_cap = 0;
    uint64_t bytes = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &line_cap, fp)) > 0) {
        const char *s = line;
        f->line++;
        bytes += (uint64_t)n;
        if (progress && (f->line & 1023) == 0)
            dl_progress_update(progress, bytes);
        if (f->line == 1 && is_bom(line, (size_t)n))
            s += 3, n -= 3;
        /* for an unterminated quote at the end: where did its record start? */
        if (f->boundary)
            f->start_line = f->line;
        f->boundary = strspn(s, "\r\n") == (size_t)n;
        if (memchr(s, '\0', (size_t)n)) {
            rc = dl_fail(f->err, DL_EINVAL, "%s:%zu: binary data (NUL byte); is this a CSV file?",
                         f->path, f->line);
            break;
        }
        if (csv_parse(p, s, (size_t)n, on_field, on_record, f) != (size_t)n) {
            rc = dl_fail(f->err, DL_EINVAL, "%s:%zu: malformed CSV: %s", f->path, f->line,
                         csv_strerror(csv_error(p)));
            break;
        }
        if ((rc = f->stop) != 0)
            break;
    }
    if (!rc && ferror(fp))
        rc = dl_fail(f->err, DL_EIO, "%s: read error: %s", f->path, strerror(errno));
    if (progress)
        dl_progress_update(progress, bytes);
    free(line);
    return rc;
}

int st_csv_stream(const char *path, dl_csv_row_fn row, void *ctx, dl_progress *progress,
                  dl_error *err)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp)
        return dl_fail(err, errno == ENOENT ? DL_ENOENT : DL_EIO, "%s: cannot open: %s", path,
                       strerror(errno));
    struct csv_parser p;
    fast f = {.path = path, .row_fn = row, .ctx = ctx, .err = err, .boundary = 1};
    int rc;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    rc = feed(&f, fp, &p, progress);
    if (!rc && csv_fini(&p, on_field, on_record, &f) != 0)
        rc = dl_fail(err, DL_EINVAL, "%s:%zu: malformed CSV: unterminated quoted field", path,
                     f.start_line ? f.start_line : f.line);
    if (!rc)
        rc = f.stop;
    if (!rc && f.line == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:1: the file is empty (expected a header row)", path);
    csv_free(&p);
done:
    free(f.buf);
    free(f.off);
    free(f.ptr);
    if (fp != stdin)
        fclose(fp);
    return rc;
}
