/* csv.c — CSV reading and writing through libcsv (RFC 4180).
 *
 * Every error names FILE:LINE. */
#include "dl_common.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The fields of the record being parsed live back to back in one buffer
 * reused for every record: a wide results file of 1,000 models x 50,000
 * images has 50 million cells, and a malloc per cell was 40% of the time of
 * `stimuli analyse`. */
typedef struct reader {
    const char *path;
    dl_csv_row_fn row_fn;
    void *ctx;
    dl_error *err;
    char *buf; /* the record's fields, NUL-terminated, back to back */
    size_t len, cap;
    size_t *off; /* start of field i in buf */
    char **ptr;  /* field pointers handed to row_fn */
    size_t n, fcap;
    size_t line;       /* physical line being fed */
    size_t rec_line;   /* line the current record started on */
    size_t start_line; /* line the record being parsed began on (for csv_fini) */
    int boundary;      /* the last line fed ended a record (or was blank) */
    int stop;          /* non-zero return of row_fn, or DL_ENOMEM */
} reader;

static int grow(reader *r, size_t need_bytes)
{
    if (r->n == r->fcap) {
        size_t cap = r->fcap ? r->fcap * 2 : 64;
        size_t *off = dl_realloc_array(r->off, cap, sizeof *off);
        if (!off)
            return DL_ENOMEM;
        r->off = off;
        char **ptr = dl_realloc_array(r->ptr, cap, sizeof *ptr);
        if (!ptr)
            return DL_ENOMEM;
        r->ptr = ptr;
        r->fcap = cap;
    }
    return dl_grow(&r->buf, &r->cap, r->len + need_bytes, 1);
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (r->n == 0) {
        size_t nl = 0;
        for (size_t i = 0; i < len; i++)
            nl += ((const char *)s)[i] == '\n';
        r->rec_line = r->line - nl;
    }
    if (grow(r, len + 1) != 0) {
        r->stop = dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        return;
    }
    r->off[r->n++] = r->len;
    if (len)
        memcpy(r->buf + r->len, s, len);
    r->len += len;
    r->buf[r->len++] = '\0';
}

static void on_record(int c, void *data)
{
    reader *r = data;
    (void)c;
    if (!r->stop && r->n > 0) {
        for (size_t i = 0; i < r->n; i++)
            r->ptr[i] = r->buf + r->off[i];
        r->stop = r->row_fn(r->ctx, r->ptr, r->n, r->rec_line);
    }
    r->n = 0;
    r->len = 0;
    r->boundary = 1;
}

static int is_bom(const char *s, size_t n)
{
    return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
           (unsigned char)s[2] == 0xBF;
}

/* libcsv reports fields and record ends but not line numbers, so it is fed
 * one physical line at a time and the lines are counted here. */
static int feed(reader *r, FILE *fp, struct csv_parser *p, dl_progress_fn progress,
                void *progress_ctx, size_t total)
{
    char *line = NULL;
    size_t line_cap = 0;
    uint64_t bytes = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &line_cap, fp)) > 0) {
        const char *s = line;
        r->line++;
        bytes += (uint64_t)n;
        if (progress && (r->line & 1023) == 0)
            progress(progress_ctx, bytes, total && total < bytes ? bytes : total);
        if (r->line == 1 && is_bom(line, (size_t)n)) {
            s += 3;
            n -= 3;
        }
        if (r->boundary)
            r->start_line = r->line;
        r->boundary = strspn(s, "\r\n") == (size_t)n;
        if (memchr(s, '\0', (size_t)n)) {
            rc = dl_fail(r->err, DL_EINVAL, "%s:%zu: binary data (NUL byte); is this a CSV file?",
                         r->path, r->line);
            break;
        }
        if (csv_parse(p, s, (size_t)n, on_field, on_record, r) != (size_t)n) {
            rc = dl_fail(r->err, DL_EINVAL, "%s:%zu: malformed CSV: %s", r->path, r->line,
                         csv_strerror(csv_error(p)));
            break;
        }
        if ((rc = r->stop) != 0)
            break;
    }
    if (!rc && ferror(fp))
        rc = dl_fail(r->err, DL_EIO, "%s: read error: %s", r->path, strerror(errno));
    /* The end of a good read: everything there was (stdin's total was unknown). */
    if (progress && !rc)
        progress(progress_ctx, bytes, bytes);
    free(line);
    return rc;
}

int dl_csv_stream_progress(const char *path, dl_csv_row_fn row, void *ctx, dl_progress_fn progress,
                           void *progress_ctx, dl_error *err)
{
    FILE *fp = stdin;
    size_t total = 0;
    if (strcmp(path, "-") != 0) {
        int orc = dl_open_read(path, &fp, err);
        if (orc)
            return orc;
        struct stat st;
        if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
            total = (size_t)st.st_size;
    }
    struct csv_parser p;
    reader r = {.path = path, .row_fn = row, .ctx = ctx, .err = err, .boundary = 1};
    int rc;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    rc = feed(&r, fp, &p, progress, progress_ctx, total);
    if (!rc && csv_fini(&p, on_field, on_record, &r) != 0)
        rc = dl_fail(err, DL_EINVAL, "%s:%zu: malformed CSV: unterminated quoted field", path,
                     r.start_line ? r.start_line : r.line);
    if (!rc)
        rc = r.stop;
    if (!rc && r.line == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:1: the file is empty (expected a header row)", path);
    csv_free(&p);
done:
    free(r.buf);
    free(r.off);
    free(r.ptr);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

int dl_csv_stream(const char *path, dl_csv_row_fn row, void *ctx, dl_error *err)
{
    return dl_csv_stream_progress(path, row, ctx, NULL, NULL, err);
}

/* ---- whole-table reading ---- */

typedef struct table_ctx {
    dl_csv *csv;
    size_t cap;
    dl_error *err;
} table_ctx;

/* A copy of the n fields (the reader reuses its buffer). */
static char **copy_fields(char **fields, size_t n)
{
    char **copy = dl_calloc(n, sizeof *copy);
    for (size_t i = 0; copy && i < n; i++) {
        if (!(copy[i] = dl_strdup(fields[i]))) {
            for (size_t k = 0; k < i; k++)
                free(copy[k]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

/* The first column name that repeats an earlier one, or -1; -2 when out of
 * memory. Through the interning table, not pairwise strcmp: a wide header of
 * 20,000 names took 2e8 comparisons. */
static long duplicate_name(char **fields, size_t n)
{
    dl_names seen = {0};
    long dup = -1;
    for (size_t i = 0; i < n && dup == -1; i++) {
        size_t idx;
        int is_new;
        if (dl_names_add(&seen, fields[i], NULL, &idx, &is_new) != 0)
            dup = -2;
        else if (!is_new)
            dup = (long)i;
    }
    dl_names_free(&seen);
    return dup;
}

static int table_row(void *ctx, char **fields, size_t n, size_t line)
{
    table_ctx *t = ctx;
    dl_csv *csv = t->csv;
    if (!csv->header) {
        for (size_t i = 0; i < n; i++)
            if (fields[i][0] == '\0')
                return dl_fail(t->err, DL_EINVAL, "%s:%zu: header column %zu has no name",
                               csv->path, line, i + 1);
        long dup = duplicate_name(fields, n);
        if (dup == -2)
            return dl_fail(t->err, DL_ENOMEM, "%s: out of memory", csv->path);
        if (dup >= 0)
            return dl_fail(t->err, DL_EINVAL, "%s:%zu: duplicate column name '%s'", csv->path, line,
                           fields[dup]);
        csv->header = copy_fields(fields, n);
        if (!csv->header)
            return dl_fail(t->err, DL_ENOMEM, "%s: out of memory", csv->path);
        csv->ncols = n;
        return 0;
    }
    if (n != csv->ncols)
        return dl_fail(t->err, DL_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                       csv->path, line, csv->ncols, n);
    if (csv->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        char ***rows = dl_realloc_array(csv->rows, cap, sizeof *rows);
        size_t *lines = rows ? dl_realloc_array(csv->row_line, cap, sizeof *lines) : NULL;
        if (rows)
            csv->rows = rows;
        if (!lines)
            return dl_fail(t->err, DL_ENOMEM, "%s: out of memory", csv->path);
        csv->row_line = lines;
        t->cap = cap;
    }
    char **copy = copy_fields(fields, n);
    if (!copy)
        return dl_fail(t->err, DL_ENOMEM, "%s: out of memory", csv->path);
    csv->rows[csv->nrows] = copy;
    csv->row_line[csv->nrows] = line;
    csv->nrows++;
    return 0;
}

int dl_csv_read(const char *path, dl_csv **out, dl_error *err)
{
    return dl_csv_read_progress(path, NULL, NULL, out, err);
}

int dl_csv_read_progress(const char *path, dl_progress_fn progress, void *progress_ctx,
                         dl_csv **out, dl_error *err)
{
    *out = NULL;
    dl_csv *csv = dl_calloc(1, sizeof *csv);
    if (!csv || !(csv->path = dl_strdup(path))) {
        free(csv);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    }
    table_ctx t = {.csv = csv, .err = err};
    /* Long tables (millions of ratings) take seconds: the caller may show
     * how far reading got. */
    int rc = dl_csv_stream_progress(path, table_row, &t, progress, progress_ctx, err);
    if (rc == 0 && !csv->header)
        rc = dl_fail(err, DL_EINVAL, "%s:1: the file is empty (expected a header row)", path);
    if (rc) {
        dl_csv_free(csv);
        return rc;
    }
    *out = csv;
    return 0;
}

void dl_csv_free(dl_csv *csv)
{
    if (!csv)
        return;
    for (size_t r = 0; r < csv->nrows; r++) {
        for (size_t c = 0; c < csv->ncols; c++)
            free(csv->rows[r][c]);
        free(csv->rows[r]);
    }
    for (size_t c = 0; c < csv->ncols; c++)
        free(csv->header ? csv->header[c] : NULL);
    free(csv->header);
    free(csv->rows);
    free(csv->row_line);
    free(csv->path);
    free(csv);
}

int dl_csv_col(const dl_csv *csv, const char *name)
{
    for (size_t c = 0; c < csv->ncols; c++)
        if (strcmp(csv->header[c], name) == 0)
            return (int)c;
    return -1;
}

int dl_csv_require_col(const dl_csv *csv, const char *name, int *col, dl_error *err)
{
    *col = dl_csv_col(csv, name);
    if (*col >= 0)
        return 0;
    dl_buf b;
    dl_buf_init(&b);
    for (size_t c = 0; c < csv->ncols; c++)
        dl_buf_printf(&b, "%s%s", c ? ", " : "", csv->header[c]);
    dl_fail(err, DL_EINVAL, "%s:1: no column '%s' (columns are: %s)", csv->path, name,
            b.data ? b.data : "");
    dl_buf_free(&b);
    return DL_EINVAL;
}

void dl_csv_write_field(FILE *out, const char *s)
{
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        fputs(s, out);
        return;
    }
    /* csv_fwrite quotes the field and doubles inner quotes (RFC 4180). */
    csv_fwrite(out, s, strlen(s));
}

void dl_csv_write_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        dl_csv_write_field(out, fields[i]);
    }
    fputc('\n', out);
}

void dl_csv_write_num(FILE *out, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs("NA", out);
        return;
    }
    dl_fmt_shortest(buf, sizeof buf, v);
    fputs(buf, out);
}

int dl_is_missing(const char *s)
{
    static const char *const missing[] = {"", "NA", "NaN", "na", "nan", "null", "NULL", "N/A"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
        if (strcmp(s, missing[i]) == 0)
            return 1;
    return 0;
}

int dl_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return DL_EINVAL;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return DL_EINVAL;
    *out = v;
    return 0;
}

int dl_parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return DL_EINVAL;
    long v = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    if (*end != '\0' || errno == ERANGE)
        return DL_EINVAL;
    *out = v;
    return 0;
}
