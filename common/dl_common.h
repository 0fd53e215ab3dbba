/* dl_common.h — the small pieces every dddlab module shares: error codes and
 * messages, a JSON writer, a CSV table reader (libcsv), SHA-256, atomic file
 * writes and a progress display.
 *
 * Error convention (after libuv): functions return 0 on success or a negative
 * DL_E* code; when they take a `dl_error *`, they also leave a message there
 * that names the file, line or operation. Only the CLI prints. */
#ifndef DL_COMMON_H
#define DL_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- errors ------------------------------------------------------------ */

/* The one list of error codes: X(NAME, value, message). The enum, the
 * messages (dl_strerror) and the names (dl_err_name) are all made from it, so
 * a new code is one line here (after libuv's UV_ERRNO_MAP). */
#define DL_ERRNO_MAP(X)                                                                \
    X(OK, 0, "success")                                                                \
    X(EINVAL, -1, "invalid data")            /* bad argument or bad data in a file */  \
    X(ENOMEM, -2, "out of memory")                                                     \
    X(EIO, -3, "input/output error")         /* read/write failed */                   \
    X(ENOENT, -4, "not found")               /* file, set, observer or session */      \
    X(EEXIST, -5, "already exists")          /* and may not be overwritten */          \
    X(EBUSY, -6, "database is locked")       /* by another process */                  \
    X(ECORRUPT, -7, "file is corrupt")       /* database or image file */              \
    X(ESCHEMA, -8, "database schema is newer than this program")                       \
    X(EFULL, -9, "disk is full")                                                       \
    X(EUNDEF, -10, "undefined for this input") /* statistic is NaN */                  \
    X(EABORT, -11, "aborted")                /* the observer quit */                   \
    X(EDISPLAY, -12, "no display")           /* no window or renderer */

#define DL_ERRNO_ENUM_(name, value, msg) DL_##name = (value),
enum { DL_ERRNO_MAP(DL_ERRNO_ENUM_) };
#undef DL_ERRNO_ENUM_

#define DL_ERROR_MAX 1024

/* A message slot filled by the function that failed. */
typedef struct dl_error {
    int code;
    char msg[DL_ERROR_MAX];
} dl_error;

/* A short description of a DL_E* code ("invalid data", "database is locked");
 * "unknown error" for a value not in DL_ERRNO_MAP. */
const char *dl_strerror(int code);
/* The code's name ("DL_EINVAL"); "DL_UNKNOWN" for a value not in the map. */
const char *dl_err_name(int code);

/* Set err (may be NULL) to code and a printf-style message; returns code, so
 * callers can write `return dl_fail(err, DL_EINVAL, "%s:%zu: ...", ...)`. */
int dl_fail(dl_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#ifdef __clang_analyzer__
/* The static analyzer sees one file at a time and cannot know that dl_fail
 * returns its code, so `rc = dl_fail(...)` would look like success to it and
 * every error path would be explored as if it went on. Tell it the contract.
 * (Only the analyzer sees this; code is always a constant or a plain rc.) */
#define dl_fail(err, code, ...) (dl_fail((err), (code), __VA_ARGS__), (code))
#endif

/* Prefix an existing message with context ("merge A.sqlite: " + old msg). */
int dl_fail_prefix(dl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- tasks ------------------------------------------------------------- */

/* The two kinds of session: a two-alternative forced choice between two
 * images, or a rating of one image. A set, a config and a session name their
 * task as the text "2afc" / "rating"; the modules compare it through these. */
typedef enum dl_task { DL_TASK_2AFC = 1, DL_TASK_RATING = 2 } dl_task;

/* DL_TASK_2AFC for "2afc", DL_TASK_RATING for "rating" (either in any case),
 * 0 for anything else (also NULL). */
int dl_task_parse(const char *s);
/* "2afc" / "rating"; "unknown" otherwise. */
const char *dl_task_name(int task);

/* ---- memory ------------------------------------------------------------ */

/* Allocation helpers that never return NULL for n == 0 and check overflow. */
void *dl_calloc(size_t n, size_t size);
void *dl_realloc_array(void *p, size_t n, size_t size);
char *dl_strdup(const char *s);

/* Make room for need elements in the array *pp (pp is the address of a T *,
 * elem is sizeof(T)); *cap doubles until it holds need. 0, or DL_ENOMEM with
 * *pp and *cap unchanged. The one array-growth step of every module. */
int dl_grow(void *pp, size_t *cap, size_t need, size_t elem);

/* qsort/bsearch comparison of doubles in ascending order. */
int dl_cmp_double(const void *a, const void *b);

/* n bytes from the kernel's generator (/dev/urandom): 0 or DL_EIO (errno
 * says why). Seeds and session UUIDs come from here. */
int dl_random_bytes(void *buf, size_t n);

/* A number in a table cell: "%*.*f", or "-" right-aligned in width when it
 * is missing (NaN) or not finite -- tables never print "nan". Returns buf. */
#define DL_NUM_CELL 64
const char *dl_fmt_num(char buf[DL_NUM_CELL], double v, int width, int prec);

/* ---- interned strings ------------------------------------------------------ */

/* A list of distinct strings with a hash index: names[i] <-> i. */
typedef struct dl_names {
    char **names;
    size_t n, cap;
    uint32_t *slots; /* open addressing; slot value = index + 1, 0 = empty */
    size_t nslots;
} dl_names;

/* Index of s, or -1. */
long dl_names_find(const dl_names *t, const char *s);
/* Find s or append it. When it is new and *owned is non-NULL, the table takes
 * the string *owned (== s) and sets *owned to NULL; otherwise it copies s.
 * *is_new (may be NULL) tells which happened. DL_ENOMEM on failure. */
int dl_names_add(dl_names *t, const char *s, char **owned, size_t *idx, int *is_new);
/* dl_names_add for the len bytes at s (a key cut out of a longer field; no
 * NUL needed), always copying. 0 or DL_ENOMEM. */
int dl_names_add_len(dl_names *t, const char *s, size_t len, size_t *idx);
/* dl_names_add_len(s, strlen(s)) with the index as a uint32_t, the width the
 * report's row records keep (a table never holds UINT32_MAX names). */
int dl_names_add32(dl_names *t, const char *s, uint32_t *idx);
/* Display width (dl_utf8_width) of the widest name, at least min and, for a
 * wider one, at most max: the column width of an aligned table. */
int dl_names_width(const dl_names *t, int min, int max);
/* Hand the names array to the caller (the table keeps nothing). */
char **dl_names_take(dl_names *t);
void dl_names_free(dl_names *t);

/* ---- growable string buffer --------------------------------------------- */

typedef struct dl_buf {
    char *data;
    size_t len;
    size_t cap;
} dl_buf;

void dl_buf_init(dl_buf *b);
void dl_buf_free(dl_buf *b);
int dl_buf_append(dl_buf *b, const char *s, size_t n);
int dl_buf_printf(dl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- text columns ---------------------------------------------------------- */

/* Characters (UTF-8 code points) in s: the width of a name in a table, where
 * strlen would count "Zoë" as 4. */
int dl_utf8_width(const char *s);

/* Write s in a table column `width` characters wide: left-aligned (width > 0)
 * or right-aligned (width < 0), padded with spaces, cut at a character
 * boundary when longer -- never inside a UTF-8 sequence. */
void dl_put_cell(FILE *out, const char *s, int width);

/* ---- JSON writer --------------------------------------------------------- */

/* Writes compact, valid JSON to a FILE. Non-finite numbers become null.
 * Keys and commas are handled by the writer: call dl_json_key before each
 * value inside an object. */
typedef struct dl_json {
    FILE *out;
    int depth;
    unsigned char need_comma[64];
    int after_key;
} dl_json;

void dl_json_init(dl_json *j, FILE *out);
void dl_json_object_begin(dl_json *j);
void dl_json_object_end(dl_json *j);
void dl_json_array_begin(dl_json *j);
void dl_json_array_end(dl_json *j);
void dl_json_key(dl_json *j, const char *key);
void dl_json_string(dl_json *j, const char *s);
void dl_json_number(dl_json *j, double v); /* NaN/inf -> null; %.17g */
void dl_json_int(dl_json *j, long long v);
void dl_json_bool(dl_json *j, int v);
void dl_json_null(dl_json *j);
/* Finish the document with a newline. */
void dl_json_end(dl_json *j);

/* Write s as a JSON string literal (with quotes) to out. */
void dl_json_write_string(FILE *out, const char *s);

/* How a library reports long work to its caller, who may draw it (only the
 * CLI does, cli/cli_progress.c): done counts up to total (0 when the
 * total is unknown), never goes down, and a run that finishes ends with
 * done == total. Called from the calling thread unless a function says
 * otherwise. */
typedef void (*dl_progress_fn)(void *ctx, size_t done, size_t total);

/* ---- JSON reader (json_read.c) ------------------------------------------- */

/* A strict RFC 8259 reader for the small documents dddlab stores (e.g. a
 * session's rating questions): one value, whitespace around it, nothing else.
 * Rejected with DL_EINVAL and "line L, column C: what was expected": trailing
 * commas, comments, single quotes, leading zeros, NaN, control characters and
 * invalid UTF-8 inside strings, unpaired surrogates, \u0000 (a C string could
 * not hold it), duplicate keys, nesting deeper than 64. */
typedef enum dl_jtype {
    DL_JNULL,
    DL_JFALSE,
    DL_JTRUE,
    DL_JNUMBER,
    DL_JSTRING,
    DL_JARRAY,
    DL_JOBJECT
} dl_jtype;

typedef struct dl_jvalue dl_jvalue;
struct dl_jvalue {
    dl_jtype type;
    double number;    /* DL_JNUMBER */
    char *string;     /* DL_JSTRING: UTF-8, NUL-terminated */
    size_t n;         /* DL_JARRAY items / DL_JOBJECT members */
    dl_jvalue *items; /* n values */
    char **keys;      /* DL_JOBJECT: keys[i] names items[i] */
};

/* Parse text (len bytes; a NUL inside is an error) into *out. */
int dl_jparse(const char *text, size_t len, dl_jvalue **out, dl_error *err);
void dl_jfree(dl_jvalue *v); /* accepts NULL */
/* The member of an object named key; NULL when absent or v is no object. */
const dl_jvalue *dl_jget(const dl_jvalue *v, const char *key);

/* ---- CSV tables (libcsv) -------------------------------------------------- */

/* A whole CSV file in memory: a header row and data rows of strings.
 * RFC 4180 quoting, CRLF or LF line ends, a UTF-8 BOM is dropped. Every row
 * remembers the line it started on, so errors can name it. */
typedef struct dl_csv {
    char *path;       /* as given, for messages */
    size_t ncols;     /* header width */
    char **header;    /* ncols names */
    size_t nrows;     /* data rows */
    char ***rows;     /* nrows x ncols fields (never NULL; "" when empty) */
    size_t *row_line; /* 1-based line number of each data row */
} dl_csv;

/* Read path ("-" = stdin). Fails with "FILE:LINE: ..." for an empty file,
 * a header with an empty or duplicate name, a ragged row (wrong field count),
 * or a quoting error. */
int dl_csv_read(const char *path, dl_csv **out, dl_error *err);
/* dl_csv_read reporting the bytes read to progress (may be NULL). */
int dl_csv_read_progress(const char *path, dl_progress_fn progress, void *progress_ctx,
                         dl_csv **out, dl_error *err);
void dl_csv_free(dl_csv *csv);

/* Column index of name, or -1. */
int dl_csv_col(const dl_csv *csv, const char *name);

/* Column index of name; on absence fails with
 * "FILE:1: no column 'NAME' (columns are: a, b, c)". */
int dl_csv_require_col(const dl_csv *csv, const char *name, int *col, dl_error *err);

/* Streaming read for large files: calls row(ctx, fields, nfields, line) for
 * every record including the header (line 1). The fields live in a buffer
 * reused for the next record: row must copy what it keeps. A non-zero
 * return from row stops the read and is returned. */
typedef int (*dl_csv_row_fn)(void *ctx, char **fields, size_t nfields, size_t line);
int dl_csv_stream(const char *path, dl_csv_row_fn row, void *ctx, dl_error *err);
/* The same, reporting the bytes read of the file's size to progress (may
 * be NULL) every 1024 lines and at the end. */
int dl_csv_stream_progress(const char *path, dl_csv_row_fn row, void *ctx, dl_progress_fn progress,
                           void *progress_ctx, dl_error *err);

/* CSV writing: a field, quoted when needed, to out. */
void dl_csv_write_field(FILE *out, const char *s);
/* A row of n fields followed by "\n". */
void dl_csv_write_row(FILE *out, const char *const *fields, size_t n);
/* A number as every table writes it: the fewest digits that read back as v
 * (dl_fmt_shortest), "NA" when it is missing (NaN) or not finite. */
void dl_csv_write_num(FILE *out, double v);

/* True for the strings that mean "missing": "", "NA", "NaN", "na", "nan",
 * "null", "NULL". */
int dl_is_missing(const char *s);

/* Parse a whole string as a finite double / long; 0 on success. */
int dl_parse_double(const char *s, double *out);
/* v in the fewest of 15, 16 or 17 significant digits that strtod reads
 * back as v ("0.1", not "0.10000000000000001"); -0 as "0". cap >= 32. */
void dl_fmt_shortest(char *buf, size_t cap, double v);
int dl_parse_long(const char *s, long *out);

/* ---- atomic files ---------------------------------------------------------- */

/* Open a temporary file beside path for writing; dl_atomic_commit flushes,
 * fsyncs, renames it onto path and fsyncs the folder, dl_atomic_abort removes
 * it. Nothing half-written is ever left under path. The file is mode 0600
 * (it usually copies data from the 0600 database) and named
 * PATH.dddlab-tmp.PID.XXXXXX, so one left behind by a killed process is
 * recognisable: the next dl_atomic_open of the same path removes it. */
typedef struct dl_atomic {
    FILE *fp;
    char *path;
    char *tmp_path;
} dl_atomic;

int dl_atomic_open(dl_atomic *a, const char *path, dl_error *err);
/* Flush and fsync the temporary file without renaming it: a writer of
 * several files flushes them all before it commits any, so a full disk
 * leaves none of them rather than some. On failure a stays open: abort it. */
int dl_atomic_flush(dl_atomic *a, dl_error *err);
int dl_atomic_commit(dl_atomic *a, dl_error *err);
void dl_atomic_abort(dl_atomic *a);

/* A set of output files that appears in a folder all together or not at
 * all: dl_stage_open makes the folder and a hidden staging folder inside
 * it (DIR/.dddlab-tmp-XXXXXX, flat); the writers write into s->tmp_dir; then
 * dl_stage_commit renames every file into DIR, or dl_stage_abort removes
 * them. So a full disk half-way through a report leaves DIR as it was.
 * dl_stage_abort also rewrites a message in err (may be NULL) that names a
 * staged file so that it names the file's place in DIR. */
typedef struct dl_stage {
    char *dir;
    char *tmp_dir;
    int created; /* dl_stage_open made dir: dl_stage_abort removes it again
                    (when empty), so a failure leaves no new empty folder */
} dl_stage;

int dl_stage_open(dl_stage *s, const char *dir, dl_error *err);
int dl_stage_commit(dl_stage *s, dl_error *err);
void dl_stage_abort(dl_stage *s, dl_error *err);

/* rel inside dir, malloc'd: "dir/rel" (trailing slashes of dir dropped), or
 * rel itself when rel is absolute or dir is NULL or empty. NULL when out of
 * memory. */
char *dl_path_join(const char *dir, const char *rel);

/* Make a folder and its parents (mode 0755); 0 if it exists. Fails with
 * "PATH: exists and is not a folder" when a file is in the way. */
int dl_mkdir_p(const char *path, dl_error *err);
/* dl_mkdir_p that says whether path itself was made now (*created = 1), so
 * a writer that fails can take a new folder away again (rmdir when empty). */
int dl_mkdir_p_new(const char *path, int *created, dl_error *err);

/* Remove what killed processes left beside path: entries of path's folder
 * named BASE TAG PID [anything], BASE being path's last component, whose
 * process PID no longer exists on this machine (a folder with the files in
 * it). tag is e.g. ".dddlab-tmp.". Never fails: it only tidies up. */
void dl_sweep_stale(const char *path, const char *tag);

/* fopen(path, "rb") with the message every reader gives: "PATH: cannot
 * open: REASON", or "PATH: is a folder, not a file" (fopen accepts a folder
 * and only the first read would fail, with a vaguer message). */
int dl_open_read(const char *path, FILE **fp, dl_error *err);

/* Read a whole file into a NUL-terminated buffer. Only a regular file: a
 * folder, a named pipe (which would block the open until someone writes to
 * it), a device or a socket fails with "PATH: is a named pipe (FIFO), not a
 * regular file" and the like, without waiting. */
int dl_read_file(const char *path, char **data, size_t *len, dl_error *err);

/* ---- hashing ---- */

/* splitmix64: a well-mixed 64-bit value of x (for deriving seeds and
 * per-item draws that must not depend on anything but x). Inline, as the
 * bootstraps call it once per draw (an out-of-line call was a quarter of the
 * alpha bootstrap's time). */
static inline uint64_t dl_mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* 64-bit FNV-1a of len bytes / of a NUL-terminated string: the hash of the
 * string-interning table (dl_names). */
static inline uint64_t dl_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL; /* FNV offset basis */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}
static inline uint64_t dl_hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ULL; /* FNV offset basis */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* ---- SHA-256 ---------------------------------------------------------------- */

typedef struct dl_sha256 {
    uint32_t state[8];
    uint64_t bits;
    unsigned char block[64];
    size_t used;
} dl_sha256;

void dl_sha256_init(dl_sha256 *s);
void dl_sha256_update(dl_sha256 *s, const void *data, size_t len);
/* hex must hold 65 bytes. */
void dl_sha256_hex(dl_sha256 *s, char hex[65]);
void dl_sha256_buf(const void *data, size_t len, char hex[65]);
int dl_sha256_file(const char *path, char hex[65], dl_error *err);

/* ---- image files (imghdr.c) ---------------------------------------------------
 * What dddlab accepts as an image, checked before anything decodes it: a
 * regular file of at most DL_IMAGE_MAX_FILE_BYTES, PNG or JPEG, at most
 * DL_IMAGE_MAX_SIDE_PX per side and DL_IMAGE_MAX_PIXELS in all (read from
 * the PNG IHDR / JPEG frame header), complete (PNG: every chunk's CRC and
 * the IEND chunk; JPEG: the markers up to EOI). */
#define DL_IMAGE_MAX_SIDE_PX 16384
#define DL_IMAGE_MAX_PIXELS 25000000L /* 25 Mpx: 100 MB as RGBA */
#define DL_IMAGE_MAX_FILE_BYTES (256LL * 1024 * 1024)

typedef struct dl_image_info {
    const char *format; /* "PNG" or "JPEG" (static) */
    int width_px, height_px;
} dl_image_info;

/* Check the bytes of an image file (path names it in messages). info may be
 * NULL. DL_ECORRUPT when damaged, truncated, empty or not PNG/JPEG;
 * DL_EINVAL when too large. One message naming the file. */
int dl_image_check_buf(const char *path, const void *data, size_t len, dl_image_info *info,
                       dl_error *err);
/* Read a regular file (never blocks on a FIFO) and check it as above;
 * *data (malloc'd) and *len on success. DL_ENOENT when missing, DL_EINVAL
 * for a FIFO, folder or device. */
int dl_image_read(const char *path, char **data, size_t *len, dl_image_info *info, dl_error *err);
/* dl_image_read without keeping the bytes. */
int dl_image_check_path(const char *path, dl_image_info *info, dl_error *err);

/* ---- clocks (clock.c) ------------------------------------------------------- */

/* Monotonic seconds (CLOCK_MONOTONIC). */
double dl_now_s(void);

/* UTC time as ISO 8601 "2026-11-22T10:00:00.123Z"; buf of 32 bytes. */
void dl_utc_iso(char buf[32]);

/* Version string "0.1.0" and git revision baked in at build time. */
const char *dl_version(void);
const char *dl_git_revision(void);

#endif
