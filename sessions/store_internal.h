/* store_internal.h — private to sessions/: the store handle, the cached
 * statements and the helpers every store_*.c file shares. */
#ifndef DL_STORE_INTERNAL_H
#define DL_STORE_INTERNAL_H

#include <sqlite3.h>

#include "dl_store.h"

#define DL_XSTR(x) #x
#define DL_STR(x) DL_XSTR(x)

/* Statements prepared once and reused, because the hot path (one trial per
 * transaction) must not pay for parsing SQL each time. */
enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_LOG_TRIAL,
    ST_LOG_RATING,
    ST_LOG_EVENT,
    ST_LOG_ANSWER,
    ST_NCACHED
};

struct dl_store {
    sqlite3 *db;
    char *path; /* as the caller named it; every message uses it */
    char *new_path; /* DL_STORE_NEW_ATOMIC: the temporary file, else NULL */
    int readonly;
    sqlite3_stmt *cached[ST_NCACHED];
    /* the run this handle started last (dl_store_start_run): events and
     * rows of that session without a run id get it */
    int64_t run_id, run_session_id;
};

/* Turn a SQLite result code into a DL_E* code and a message
 * "FILE: OPERATION: reason" in err. rc is the SQLite (extended) code. */
int st_fail(dl_store *st, int rc, const char *op, dl_error *err);
/* st_fail for a bare sqlite3 handle and path (before a dl_store exists). */
int st_fail_db(sqlite3 *db, const char *path, int rc, const char *op, dl_error *err);

/* DL_ECORRUPT with the message every damaged-file error carries: what
 * happened, that nothing was changed, and what to do (db check, backup). */
int st_fail_damaged(const char *path, const char *op, const char *detail, dl_error *err);

/* Append one problem line of SQLite's integrity / quick check to buf (size
 * bytes, used of them taken) on one line: "; " between problems and for
 * the newlines inside one, the "*** in database main ***" header dropped.
 * Returns the new length; buf stays terminated and is cut when full. */
size_t st_append_problem(char *buf, size_t size, size_t used, const char *line);

/* After a read-only open failed with DL_EIO: 1 when the file may be read
 * as immutable (read-only file system, or a folder we cannot write and no
 * pending -wal), 0 when not, or a negative DL_E* code with a message in err
 * when the folder is read-only but a -wal holds changes. st_immutable_uri
 * makes the "file:PATH?immutable=1" URI (malloc'd, NULL when out of memory). */
int st_readonly_fallback(const char *path, dl_error *err);
char *st_immutable_uri(const char *path);

/* Prepare sql (not cached); the statement is finalised by the caller. */
int st_prepare(dl_store *st, const char *sql, sqlite3_stmt **out, const char *op, dl_error *err);
/* A cached statement, reset and with its bindings cleared. */
int st_cached(dl_store *st, int which, sqlite3_stmt **out, const char *op, dl_error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK through cached statements. Rollback
 * never fails loudly: it runs on paths that already carry an error. */
int st_begin(dl_store *st, const char *op, dl_error *err);
int st_commit(dl_store *st, const char *op, dl_error *err);
void st_rollback(dl_store *st);

/* Run sql without results (DDL or pragmas that take no parameters). */
int st_exec(dl_store *st, const char *sql, const char *op, dl_error *err);

/* Bind helpers: NULL strings, NaN doubles and negative "unknown" ints
 * become SQL NULL. */
int st_bind_text(sqlite3_stmt *s, int i, const char *v);
int st_bind_double(sqlite3_stmt *s, int i, double v);
int st_bind_int_unknown(sqlite3_stmt *s, int i, int v); /* v < 0 -> NULL */

/* Column helpers: a malloc'd copy (NULL for SQL NULL), NaN for NULL, -1 for
 * NULL. *oom is set when a copy fails. */
char *st_col_strdup(sqlite3_stmt *s, int i, int *oom);
double st_col_double(sqlite3_stmt *s, int i);
int st_col_int_unknown(sqlite3_stmt *s, int i);
const char *st_col_text(sqlite3_stmt *s, int i); /* "" for NULL */

/* Schema creation and forward migration (store_schema.c). */
int st_schema_version(sqlite3 *db, const char *path, int *version, dl_error *err);
int st_migrate(dl_store *st, dl_error *err);

/* The run a row of session_id belongs to: given, else this handle's current
 * run of that session, else 0 (NULL). */
int64_t st_run_for(const dl_store *st, int64_t session_id, int64_t given);

/* Canonical SHA-256 over a set's items (store_sets.c). */
int st_set_content_sha256(const dl_stim_set *set, char hex[65]);

#endif
