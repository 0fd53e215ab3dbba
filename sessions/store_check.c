/* store_check.c — `dddlab db check`: look at a file without changing it.
 *
 * It opens the file read-only through SQLite directly (not dl_store_open),
 * because a file with a newer schema must still be checkable, and checking
 * must never migrate anything. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_internal.h"

/* One integer from a one-row query; -1 when it fails (a table missing in an
 * older or foreign file must not abort the whole check). */
static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void count_rows(sqlite3 *db, dl_store_report *r)
{
    r->sets = scalar(db, "SELECT count(*) FROM stimulus_sets");
    r->images = scalar(db, "SELECT count(*) FROM images");
    r->observers = scalar(db, "SELECT count(*) FROM observers");
    r->sessions = scalar(db, "SELECT count(*) FROM sessions");
    r->trials = scalar(db, "SELECT count(*) FROM trials");
    r->ratings = scalar(db, "SELECT count(*) FROM ratings");
    r->events = scalar(db, "SELECT count(*) FROM events");
    r->running = scalar(db, "SELECT count(*) FROM sessions WHERE status = 'running'");
    r->completed = scalar(db, "SELECT count(*) FROM sessions WHERE status = 'completed'");
    r->aborted = scalar(db, "SELECT count(*) FROM sessions WHERE status = 'aborted'");
    r->crashed = scalar(db, "SELECT count(*) FROM sessions WHERE status = 'crashed'");
}

/* Count the rows PRAGMA foreign_key_check reports, by table and parent. */
static int orphan_scan(sqlite3 *db, int64_t *n, char *text, size_t size)
{
    sqlite3_stmt *s = NULL;
    *n = 0;
    if (size)
        text[0] = '\0';
    int rc = sqlite3_prepare_v2(db,
                                "SELECT \"table\", parent, count(*) FROM pragma_foreign_key_check"
                                " GROUP BY 1, 2 ORDER BY 1, 2",
                                -1, &s, NULL);
    size_t used = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t k = sqlite3_column_int64(s, 2);
        *n += k;
        int w = snprintf(text + used, size - used, "%s%lld %s row%s whose %s row is missing",
                         used ? "; " : "", (long long)k, (const char *)sqlite3_column_text(s, 0),
                         k == 1 ? "" : "s", (const char *)sqlite3_column_text(s, 1));
        if (w > 0)
            used += (size_t)w < size - used ? (size_t)w : size - used - 1;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_OK ? SQLITE_OK : rc;
}

int dl_store_orphans(dl_store *st, int64_t *n, char *text, size_t size, dl_error *err)
{
    int rc = orphan_scan(st->db, n, text, size);
    return rc == SQLITE_OK ? 0 : st_fail(st, rc, "look for orphan rows", err);
}

/* Run PRAGMA integrity_check and keep what it says. A file so damaged that
 * the check itself fails is reported as not intact, not as an error. */
static int integrity(sqlite3 *db, const char *path, dl_store_report *r, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &s, NULL);
    if (rc == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
        sqlite3_finalize(s);
        return st_fail_db(db, path, rc, "check database", err);
    }
    size_t used = 0;
    r->integrity[0] = '\0';
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        used = st_append_problem(r->integrity, sizeof r->integrity, used,
                                 (const char *)sqlite3_column_text(s, 0));
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_OK && used < sizeof r->integrity - 1)
        snprintf(r->integrity + used, sizeof r->integrity - used, "%s%s", used ? "; " : "",
                 sqlite3_errmsg(db));
    r->integrity_ok = rc == SQLITE_DONE && strcmp(r->integrity, "ok") == 0;
    r->foreign_keys_ok =
        orphan_scan(db, &r->orphans, r->orphan_text, sizeof r->orphan_text) == SQLITE_OK &&
        r->orphans == 0;
    return 0;
}

static int journal_mode(sqlite3 *db, const char *path, dl_store_report *r, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        snprintf(r->journal_mode, sizeof r->journal_mode, "%s",
                 (const char *)sqlite3_column_text(s, 0));
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : st_fail_db(db, path, rc, "check database", err);
}

static sqlite3 *open_ro(const char *name, int uri)
{
    sqlite3 *db = NULL;
    sqlite3_open_v2(name, &db, SQLITE_OPEN_READONLY | (uri ? SQLITE_OPEN_URI : 0), NULL);
    if (db) {
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, 5000);
    }
    return db;
}

/* Open read-only and read the journal mode; a WAL file in a folder we cannot
 * write (or on a read-only file system) is opened as immutable instead,
 * since its -shm index cannot be made there (st_readonly_fallback). */
static int open_for_check(const char *path, dl_store_report *out, sqlite3 **dbp, dl_error *err)
{
    sqlite3 *db = open_ro(path, 0);
    if (!db)
        return dl_fail(err, DL_ENOMEM, "%s: check database: out of memory", path);
    int rc = journal_mode(db, path, out, err);
    if (rc == DL_EIO) {
        dl_error why = {0};
        int fb = st_readonly_fallback(path, &why);
        if (fb < 0 && err)
            *err = why;
        rc = fb < 0 ? fb : rc;
        char *uri = fb > 0 ? st_immutable_uri(path) : NULL;
        if (uri) {
            sqlite3_close(db);
            db = open_ro(uri, 1);
            rc = db ? journal_mode(db, path, out, err)
                    : dl_fail(err, DL_ENOMEM, "%s: check database: out of memory", path);
        }
        free(uri);
    }
    *dbp = db;
    return rc;
}

int dl_store_check(const char *path, dl_store_report *out, dl_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return dl_fail(err, errno == ENOENT ? DL_ENOENT : DL_EIO, "%s: check database: %s", path,
                       strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return dl_fail(err, DL_EINVAL, "%s: check database: is a folder, not a database file",
                       path);
    sqlite3 *db = NULL;
    int rc = open_for_check(path, out, &db, err);
    if (!rc)
        rc = st_schema_version(db, path, &out->schema_version, err);
    if (!rc)
        rc = integrity(db, path, out, err);
    if (!rc) {
        count_rows(db, out);
        if (out->schema_version > DL_STORE_SCHEMA_VERSION)
            out->sets = out->images = out->observers = out->sessions = out->trials = out->ratings =
                out->events = out->running = out->completed = out->aborted = out->crashed = -1;
    }
    sqlite3_close(db);
    return rc;
}
