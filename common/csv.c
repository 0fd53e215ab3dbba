/* csv.c — CSV reading and writing through libcsv (RFC 4180).
 *
 * libcsv reports fields and record ends but not line numbers, so we feed it
 * one physical line at a time and count lines ourselves; every error can then
 * name FILE:LINE. */
#include "dl_common.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const char *path;
    dl_csv_row_fn row_fn;
    void *ctx;
    char **fields;
    size_t nfields;
    size_t cap;
    size_t line;       /* physical line being fed */
    size_t rec_line;   /* line the current record started on */
    size_t end_line;   /* line the last complete record ended on */
    int stop;          /* non-zero return of row_fn or DL_ENOMEM */
    dl_error *err;
} reader;

static size_t count_newlines(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += s[i] == '\n';
    return c;
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (r->nfields == 0)
        r->rec_line = r->line - count_newlines(s, len);
    if (r->nfields == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **f = dl_realloc_array(r->fields, cap, sizeof *f);
        if (!f) {
            r->stop = dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
            return;
        }
        r->fields = f;
        r->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        r->stop = dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        return;
    }
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    r->fields[r->nfields++] = copy;
}

static void clear_fields(reader *r)
{
    for (size_t i = 0; i < r->nfields; i++)
        free(r->fields[i]);
    r->nfields = 0;
}

static void on_record(int c, void *data)
{
    reader *r = data;
    (void)c;
    if (!r->stop && r->nfields > 0)
        r->stop = r->row_fn(r->ctx, r->fields, r->nfields, r->rec_line);
    r->end_line = r->line;
    /* row_fn may take ownership of fields by setting them to NULL. */
    clear_fields(r);
}

static int is_bom(const char *s, size_t n)
{
    return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
           (unsigned char)s[2] == 0xBF;
}

int dl_csv_stream(const char *path, dl_csv_row_fn row, void *ctx, dl_error *err)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp)
        return dl_fail(err, errno == ENOENT ? DL_ENOENT : DL_EIO, "%s: cannot open: %s", path,
                       strerror(errno));
    struct csv_parser p;
    reader r = {.path = path, .row_fn = row, .ctx = ctx, .err = err};
    int rc = 0;
    char *line = NULL;
    size_t line_cap = 0;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    ssize_t n;
    while ((n = getline(&line, &line_cap, fp)) > 0) {
        r.line++;
        const char *s = line;
        if (r.line == 1 && is_bom(line, (size_t)n)) {
            s += 3;
            n -= 3;
        }
        if (memchr(s, '\0', (size_t)n)) {
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: binary data (NUL byte); is this a CSV file?",
                         path, r.line);
            goto fini;
        }
        if (csv_parse(&p, s, (size_t)n, on_field, on_record, &r) != (size_t)n) {
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: malformed CSV: %s", path, r.line,
                         csv_strerror(csv_error(&p)));
            goto fini;
        }
        if (r.stop) {
            rc = r.stop;
            goto fini;
        }
    }
    if (ferror(fp)) {
        rc = dl_fail(err, DL_EIO, "%s: read error: %s", path, strerror(errno));
        goto fini;
    }
    if (csv_fini(&p, on_field, on_record, &r) != 0) {
        rc = dl_fail(err, DL_EINVAL, "%s:%zu: malformed CSV: unterminated quoted field", path,
                     r.nfields ? r.rec_line : r.end_line + 1);
        goto fini;
    }
    rc = r.stop;
    if (rc == 0 && r.line == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:1: the file is empty (expected a header row)", path);
fini:
    clear_fields(&r);
    csv_free(&p);
done:
    free(r.fields);
    free(line);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

/* ---- whole-table reading ---- */

typedef struct table_ctx {
    dl_csv *csv;
    size_t cap;
    dl_error *err;
} table_ctx;

static int table_row(void *ctx, char **fields, size_t n, size_t line)
{
    table_ctx *t = ctx;
    dl_csv *csv = t->csv;
    if (!csv->header) {
        for (size_t i = 0; i < n; i++) {
            if (fields[i][0] == '\0')
                return dl_fail(t->err, DL_EINVAL, "%s:%zu: header column %zu has no name",
                               csv->path, line, i + 1);
            for (size_t k = 0; k < i; k++)
                if (strcmp(fields[k], fields[i]) == 0)
                    return dl_fail(t->err, DL_EINVAL, "%s:%zu: duplicate column name '%s'",
                                   csv->path, line, fields[i]);
        }
        csv->header = dl_calloc(n, sizeof *csv->header);
        if (!csv->header)
            return DL_ENOMEM;
        memcpy(csv->header, fields, n * sizeof *fields);
        for (size_t i = 0; i < n; i++)
            fields[i] = NULL;
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
    char **copy = dl_calloc(n, sizeof *copy);
    if (!copy)
        return dl_fail(t->err, DL_ENOMEM, "%s: out of memory", csv->path);
    memcpy(copy, fields, n * sizeof *fields);
    for (size_t i = 0; i < n; i++)
        fields[i] = NULL;
    csv->rows[csv->nrows] = copy;
    csv->row_line[csv->nrows] = line;
    csv->nrows++;
    return 0;
}

int dl_csv_read(const char *path, dl_csv **out, dl_error *err)
{
    *out = NULL;
    dl_csv *csv = dl_calloc(1, sizeof *csv);
    if (!csv || !(csv->path = dl_strdup(path))) {
        free(csv);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    }
    table_ctx t = {.csv = csv, .err = err};
    int rc = dl_csv_stream(path, table_row, &t, err);
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
