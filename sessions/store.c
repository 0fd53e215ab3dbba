/* store.c — opening and closing the store, SQLite error mapping, and the small
 * statement helpers the other store_*.c files share. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store_internal.h"

/* Long enough for a station whose other process writes a burst of rows, short
 * enough that an observer never waits on a locked file unnoticed. */
#define ST_BUSY_TIMEOUT_MS 5000

static const char *const cached_sql[ST_NCACHED] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_LOG_TRIAL] =
        "INSERT INTO trials(session_id, idx, practice, item_index, left_image, right_image,"
        " choice, correct, rt_ms, onset_s, response_s, frames_dropped, logged_utc, run_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [ST_LOG_RATING] =
        "INSERT INTO ratings(session_id, idx, practice, item_index, image, q1, q2, q3,"
        " rt_q1_ms, rt_q2_ms, rt_q3_ms, onset_s, frames_dropped, logged_utc, run_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [ST_LOG_EVENT] = "INSERT INTO events(session_id, t_s, kind, detail, logged_utc, run_id)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_LOG_ANSWER] = "INSERT INTO answers(session_id, idx, question, value, rt_ms, device,"
                      " button, x_px, y_px) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
};

/* ---- errors ----------------------------------------------------------------- */

static int fail_ioerr(sqlite3 *db, const char *path, const char *op, const char *why, dl_error *err)
{
    int e = db ? sqlite3_system_errno(db) : 0;
    if (e == ENOSPC || e == EDQUOT)
        return dl_fail(err, DL_EFULL, "%s: %s: disk is full (%s); free some space and try again",
                       path, op, strerror(e));
    if (e == EROFS || e == EACCES || e == EPERM)
        return dl_fail(err, DL_EIO, "%s: %s: cannot write: %s", path, op, strerror(e));
    return dl_fail(err, DL_EIO, "%s: %s: input/output error: %s%s%s", path, op, why, e ? "; " : "",
                   e ? strerror(e) : "");
}

int st_fail_db(sqlite3 *db, const char *path, int rc, const char *op, dl_error *err)
{
    const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int e = db ? sqlite3_system_errno(db) : 0;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return dl_fail(err, DL_EBUSY,
                       "%s: %s: database is locked (another dddlab is writing to it and did not "
                       "let go in time; wait until it has finished or close it, then try again)",
                       path, op);
    case SQLITE_FULL:
        return dl_fail(err, DL_EFULL, "%s: %s: disk is full; free some space and try again", path,
                       op);
    case SQLITE_CORRUPT:
        return st_fail_damaged(path, op, why, err);
    case SQLITE_NOTADB:
        return dl_fail(err, DL_ECORRUPT,
                       "%s: %s: the file is corrupt or not a dddlab database (%s); if it held "
                       "your data, see 'dddlab db check --db %s' and restore it from its backup",
                       path, op, why, path);
    case SQLITE_READONLY:
        return dl_fail(err, DL_EIO,
                       "%s: %s: cannot write: the database or its folder is read-only (%s)", path,
                       op, e ? strerror(e) : why);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return dl_fail(err, DL_EIO, "%s: %s: cannot open the database: %s", path, op,
                       e ? strerror(e) : why);
    case SQLITE_IOERR:
        return fail_ioerr(db, path, op, why, err);
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return dl_fail(err, DL_EEXIST, "%s: %s: already stored (%s)", path, op, why);
        return dl_fail(err, DL_EINVAL, "%s: %s: %s", path, op, why);
    case SQLITE_NOMEM:
        return dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", path, op);
    default:
        return dl_fail(err, DL_EIO, "%s: %s: %s", path, op, why);
    }
}

int st_fail_damaged(const char *path, const char *op, const char *detail, dl_error *err)
{
    return dl_fail(err, DL_ECORRUPT,
                   "%s: %s: the database file is damaged (%s); nothing was changed. See "
                   "'dddlab db check --db %s' for what is wrong, and restore the file from its "
                   "backup",
                   path, op, detail, path);
}

int st_fail(dl_store *st, int rc, const char *op, dl_error *err)
{
    return st_fail_db(st->db, st->path, rc, op, err);
}

/* ---- statements ---------------------------------------------------------------- */

int st_prepare(dl_store *st, const char *sql, sqlite3_stmt **out, const char *op, dl_error *err)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return st_fail(st, rc, op, err);
    }
    return 0;
}

int st_cached(dl_store *st, int which, sqlite3_stmt **out, const char *op, dl_error *err)
{
    if (!st->cached[which]) {
        int rc = sqlite3_prepare_v3(st->db, cached_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                    &st->cached[which], NULL);
        if (rc != SQLITE_OK) {
            st->cached[which] = NULL;
            return st_fail(st, rc, op, err);
        }
    }
    sqlite3_reset(st->cached[which]);
    sqlite3_clear_bindings(st->cached[which]);
    *out = st->cached[which];
    return 0;
}

static int run_cached(dl_store *st, int which, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_cached(st, which, &s, op, err);
    if (rc)
        return rc;
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : st_fail(st, rc, op, err);
}

int st_begin(dl_store *st, const char *op, dl_error *err)
{
    return run_cached(st, ST_BEGIN, op, err);
}

int st_commit(dl_store *st, const char *op, dl_error *err)
{
    int rc = run_cached(st, ST_COMMIT, op, err);
    if (rc)
        st_rollback(st); /* a failed COMMIT may leave the transaction open */
    return rc;
}

void st_rollback(dl_store *st)
{
    if (sqlite3_get_autocommit(st->db))
        return; /* SQLite already rolled back (e.g. after SQLITE_FULL) */
    if (run_cached(st, ST_ROLLBACK, "rollback", NULL) != 0)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int st_exec(dl_store *st, const char *sql, const char *op, dl_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : st_fail(st, rc, op, err);
}

int st_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

int st_bind_double(sqlite3_stmt *s, int i, double v)
{
    return isfinite(v) ? sqlite3_bind_double(s, i, v) : sqlite3_bind_null(s, i);
}

int st_bind_int_unknown(sqlite3_stmt *s, int i, int v)
{
    return v < 0 ? sqlite3_bind_null(s, i) : sqlite3_bind_int(s, i, v);
}

char *st_col_strdup(sqlite3_stmt *s, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    if (!t)
        return NULL;
    char *c = dl_strdup((const char *)t);
    if (!c)
        *oom = 1;
    return c;
}

double st_col_double(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

int st_col_int_unknown(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int(s, i);
}

const char *st_col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

/* ---- open / close ---------------------------------------------------------------- */

/* Create the file ourselves so it gets mode 0600 whatever the umask: the
 * database holds observer data. SQLite gives its -wal and -shm files the
 * database file's mode. */
static int create_file(const char *path, int flags, dl_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return dl_fail(err, DL_EINVAL, "%s: open database: is a folder, not a database file", path);
    if (stat(path, &sb) == 0)
        return 0;
    if (errno != ENOENT)
        return dl_fail(err, DL_EIO, "%s: open database: %s", path, strerror(errno));
    if (flags & (DL_STORE_NOCREATE | DL_STORE_READONLY))
        return dl_fail(err, DL_ENOENT, "%s: open database: no such file", path);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
        int e = errno;
        return dl_fail(err, e == ENOSPC ? DL_EFULL : DL_EIO, "%s: create database: %s", path,
                       strerror(e));
    }
    if (fd >= 0)
        close(fd);
    return 0;
}

/* A PRAGMA that returns one row (journal_mode) or none (the others). */
static int pragma(dl_store *st, const char *sql, const char *want, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, sql, &s, "open database", err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && want && strcmp(st_col_text(s, 0), want) != 0)
        rc = dl_fail(err, DL_EIO, "%s: open database: %s gave '%s', not '%s'", st->path, sql,
                     st_col_text(s, 0), want);
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = st_fail(st, step, "open database", err);
    sqlite3_finalize(s);
    return rc;
}

static int apply_pragmas(dl_store *st, dl_error *err)
{
    int rc = pragma(st, "PRAGMA foreign_keys = ON", NULL, err);
    if (!rc && !st->readonly)
        rc = pragma(st, "PRAGMA journal_mode = WAL", "wal", err);
    if (!rc)
        rc = pragma(st, "PRAGMA synchronous = FULL", NULL, err);
    return rc;
}

/* "file:PATH?immutable=1" with PATH percent-encoded, for SQLite's URI open. */
static char *immutable_uri(const char *path)
{
    dl_buf b;
    dl_buf_init(&b);
    int rc = dl_buf_append(&b, "file:", 5);
    for (const unsigned char *p = (const unsigned char *)path; !rc && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p))
            rc = dl_buf_append(&b, (const char *)p, 1);
        else
            rc = dl_buf_printf(&b, "%%%02X", *p);
    }
    if (!rc)
        rc = dl_buf_append(&b, "?immutable=1", 12);
    if (rc) {
        dl_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static int on_read_only_fs(const char *path)
{
    struct statvfs vfs;
    return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

size_t st_append_problem(char *buf, size_t size, size_t used, const char *line)
{
    const char *hdr = line ? strstr(line, "***\n") : NULL; /* "*** in database main ***" */
    line = hdr ? hdr + 4 : line ? line : "";
    if (used && *line && used + 2 < size) {
        memcpy(buf + used, "; ", 2);
        used += 2;
    }
    for (; *line && used + 2 < size; line++) {
        if (*line == '\n' && used + 3 < size) {
            memcpy(buf + used, "; ", 2);
            used += 2;
        } else if (*line != '\n') {
            buf[used++] = *line;
        }
    }
    if (size)
        buf[used < size ? used : size - 1] = '\0';
    return used;
}

/* SQLite's quick check (the b-trees, without matching indexes to tables):
 * a damaged page can make a query return fewer rows without any error, so
 * every command looks before it reads or writes. Linear in the file size
 * (sessions list on a 128 MB file: 0.6 s). */
static int quick_check(dl_store *st, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, "PRAGMA quick_check(3)", &s, "check database", err);
    if (rc)
        return rc;
    char found[512] = "";
    size_t used = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        used = st_append_problem(found, sizeof found, used, st_col_text(s, 0));
    if (step != SQLITE_DONE)
        rc = st_fail(st, step, "check database", err);
    else if (strcmp(found, "ok") != 0)
        rc = st_fail_damaged(st->path, "check database", found, err);
    sqlite3_finalize(s);
    return rc;
}

/* A file that must already be a dddlab database (DL_STORE_NOCREATE, the
 * runner) but has no schema yet — an empty file, say — is refused before
 * anything could write into it: the runner never turns a stray file into a
 * database. */
static int must_be_dddlab(dl_store *st, dl_error *err)
{
    int version = 0;
    int rc = st_schema_version(st->db, st->path, &version, err);
    if (rc || version > 0)
        return rc;
    struct stat sb;
    int empty = stat(st->path, &sb) == 0 && sb.st_size == 0;
    return dl_fail(err, DL_EINVAL,
                   "%s: open database: not a dddlab database (%s); it was left unchanged. "
                   "Build a stimulus set into a database with 'dddlab stimuli build' first",
                   st->path, empty ? "an empty file" : "no dddlab schema");
}

/* Open the connection, apply the pragmas, check the schema. */
static int st_connect(dl_store *st, const char *uri, int flags, dl_error *err)
{
    int oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    const char *file = uri ? uri : st->new_path ? st->new_path : st->path;
    int src = sqlite3_open_v2(file, &st->db, oflags | (uri ? SQLITE_OPEN_URI : 0), NULL);
    if (src != SQLITE_OK)
        return st_fail(st, src, "open database", err);
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, ST_BUSY_TIMEOUT_MS);
    /* SQLite quietly falls back to read-only when the file cannot be opened
     * for writing; a runner must learn that now, not at the first trial. */
    if (!st->readonly && sqlite3_db_readonly(st->db, "main") == 1)
        return dl_fail(err, DL_EIO,
                       "%s: open database: cannot open for writing: the file or its folder is "
                       "read-only (it can still be opened read-only to read it)",
                       st->path);
    int rc = (flags & DL_STORE_NOCREATE) && !st->readonly ? must_be_dddlab(st, err) : 0;
    if (!rc)
        rc = quick_check(st, err);
    if (!rc)
        rc = apply_pragmas(st, err);
    if (!rc)
        rc = st_migrate(st, err);
    return rc;
}

static int folder_writable(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    return access(dir, W_OK) == 0;
}

static int wal_pending(const char *path)
{
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sb;
    return stat(wal, &sb) == 0 && sb.st_size > 0;
}

int st_readonly_fallback(const char *path, dl_error *err)
{
    /* A WAL file cannot get its -shm index on a read-only file system (a
     * locked USB stick, a read-only mount) or in a folder we may not write
     * (a shared results folder). Nobody can write there, so reading it as
     * immutable is safe, unless a -wal beside it holds changes the file does
     * not have yet: those the immutable view would miss. */
    if (on_read_only_fs(path))
        return 1;
    if (folder_writable(path))
        return 0;
    if (wal_pending(path))
        return dl_fail(err, DL_EIO,
                       "%s: open database: the folder is read-only and %s-wal holds changes not "
                       "yet in the file; copy both files to a folder you can write, or open it "
                       "once where it can be written",
                       path, path);
    return 1;
}

char *st_immutable_uri(const char *path)
{
    return immutable_uri(path);
}

static void remove_db_files(const char *path)
{
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* DL_STORE_NEW_ATOMIC on a missing file: work on PATH.dddlab-new.PID. */
static int new_atomic(dl_store *st, const char *path, dl_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 || errno != ENOENT)
        return 0; /* there already (or create_file will say why not) */
    dl_sweep_stale(path, ".dddlab-new.");
    size_t n = strlen(path) + 40;
    if (!(st->new_path = malloc(n)))
        return dl_fail(err, DL_ENOMEM, "%s: open database: out of memory", path);
    snprintf(st->new_path, n, "%s.dddlab-new.%ld", path, (long)getpid());
    remove_db_files(st->new_path); /* ours from an earlier open in this process */
    return 0;
}

int dl_store_open(const char *path, int flags, dl_store **out, dl_error *err)
{
    *out = NULL;
    dl_store *st = dl_calloc(1, sizeof *st);
    if (!st || !(st->path = dl_strdup(path))) {
        free(st);
        return dl_fail(err, DL_ENOMEM, "%s: open database: out of memory", path);
    }
    st->readonly = (flags & DL_STORE_READONLY) != 0;
    int rc = 0;
    if ((flags & DL_STORE_NEW_ATOMIC) && !st->readonly && !(flags & DL_STORE_NOCREATE))
        rc = new_atomic(st, path, err);
    if (!rc)
        rc = create_file(st->new_path ? st->new_path : path, flags, err);
    if (!rc)
        rc = st_connect(st, NULL, flags, err);
    if (rc == DL_EIO && st->readonly) {
        dl_error why = {0};
        int fb = st_readonly_fallback(path, &why);
        if (fb < 0 && err)
            *err = why;
        if (fb > 0) {
            sqlite3_close_v2(st->db);
            st->db = NULL;
            char *uri = immutable_uri(path);
            rc = uri ? st_connect(st, uri, flags, err)
                     : dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
            free(uri);
        }
    }
    if (rc) {
        dl_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

static void fsync_path(const char *path, int dir)
{
    int fd = open(path, O_RDONLY | (dir ? O_DIRECTORY : 0) | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Put a finished new database in place: SQLite folds the WAL back into the
 * file when the last connection closes; a -wal still there means it could
 * not (a full disk), and the file alone would lack data. link() refuses to
 * replace a PATH that appeared meanwhile; where the file system has no hard
 * links (FAT), rename() it is. */
static int publish(const char *tmp, const char *path, int close_rc, dl_error *err)
{
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", tmp);
    struct stat sb;
    if (close_rc != SQLITE_OK || (stat(wal, &sb) == 0 && sb.st_size > 0))
        return dl_fail(err, DL_EIO,
                       "%s: could not finish the new database (its journal was not written "
                       "back: is the disk full?); nothing was created",
                       path);
    fsync_path(tmp, 0);
    int rc = 0;
    if (link(tmp, path) != 0) {
        int e = errno;
        if (e == EEXIST)
            rc = dl_fail(err, DL_EEXIST,
                         "%s: another program created this file meanwhile; it was left as it is "
                         "and nothing was stored",
                         path);
        else if ((e == EPERM || e == ENOTSUP || e == EOPNOTSUPP) && rename(tmp, path) == 0)
            rc = 0;
        else
            rc = dl_fail(err, e == ENOSPC ? DL_EFULL : DL_EIO, "%s: cannot put the new database "
                         "in place: %s", path, strerror(e));
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    fsync_path(slash ? dir : ".", 1);
    return rc;
}

int dl_store_finish(dl_store *st, dl_error *err)
{
    if (!st)
        return 0;
    if (!st->new_path) {
        dl_store_close(st);
        return 0;
    }
    for (int i = 0; i < ST_NCACHED; i++) {
        sqlite3_finalize(st->cached[i]);
        st->cached[i] = NULL;
    }
    sqlite3 *db = st->db;
    st->db = NULL;
    int crc = sqlite3_close(db);
    if (crc != SQLITE_OK) /* a statement left open: close it anyway, and fail */
        sqlite3_close_v2(db);
    int rc = publish(st->new_path, st->path, crc, err);
    remove_db_files(st->new_path);
    free(st->new_path);
    st->new_path = NULL;
    dl_store_close(st);
    return rc;
}

void dl_store_close(dl_store *st)
{
    if (!st)
        return;
    for (int i = 0; i < ST_NCACHED; i++)
        sqlite3_finalize(st->cached[i]);
    sqlite3_close_v2(st->db);
    if (st->new_path) /* never finished: the new database goes */
        remove_db_files(st->new_path);
    free(st->new_path);
    free(st->path);
    free(st);
}

const char *dl_store_path(const dl_store *st)
{
    return st->path;
}

void dl_store_set_busy_timeout(dl_store *st, int ms)
{
    sqlite3_busy_timeout(st->db, ms > 0 ? ms : 0);
}
