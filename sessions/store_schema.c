/* store_schema.c — the schema and its forward-only migrations.
 *
 * PRAGMA user_version holds the schema version. migrations[v] brings a file
 * from version v to v + 1; each runs in its own BEGIN IMMEDIATE transaction
 * together with the new user_version, so a crash mid-migration leaves the old
 * version intact. A file with a version above DL_STORE_SCHEMA_VERSION was
 * written by a newer dddlab and is refused rather than guessed at. */
#include <string.h>

#include "store_internal.h"

static const char schema_v1[] =
    "CREATE TABLE stimulus_sets("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " task TEXT NOT NULL CHECK (task IN ('2afc', 'rating')),"
    " created_utc TEXT NOT NULL,"
    " seed INTEGER NOT NULL," /* uint64 stored as its int64 bit pattern */
    " params_json TEXT,"
    " results_sha256 TEXT,"
    " image_root TEXT,"
    " content_sha256 TEXT NOT NULL);"
    "CREATE TABLE images("
    " id INTEGER PRIMARY KEY,"
    " set_id INTEGER NOT NULL REFERENCES stimulus_sets(id),"
    " path TEXT NOT NULL,"
    " sha256 TEXT NOT NULL,"
    " width_px INTEGER NOT NULL,"
    " height_px INTEGER NOT NULL,"
    " difficulty TEXT,"
    " frac_correct REAL,"
    " class_label TEXT,"
    " label_error INTEGER,"
    " UNIQUE (set_id, path));"
    "CREATE TABLE set_items("
    " set_id INTEGER NOT NULL REFERENCES stimulus_sets(id),"
    " idx INTEGER NOT NULL,"
    " practice INTEGER NOT NULL,"
    " trivial_left INTEGER,"
    " image_a INTEGER NOT NULL REFERENCES images(id),"
    " image_b INTEGER REFERENCES images(id),"
    " PRIMARY KEY (set_id, idx)) WITHOUT ROWID;"
    "CREATE TABLE observers("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " age INTEGER,"
    " gender TEXT,"
    " handedness TEXT,"
    " vision_corrected INTEGER,"
    " naive INTEGER,"
    " created_utc TEXT NOT NULL);"
    "CREATE TABLE sessions("
    " id INTEGER PRIMARY KEY,"
    " uuid TEXT NOT NULL UNIQUE,"
    " observer_id INTEGER NOT NULL REFERENCES observers(id),"
    " set_id INTEGER NOT NULL REFERENCES stimulus_sets(id),"
    " status TEXT NOT NULL"
    "  CHECK (status IN ('running', 'completed', 'aborted', 'crashed')),"
    " started_utc TEXT NOT NULL,"
    " ended_utc TEXT,"
    " seed INTEGER NOT NULL,"
    " trial_order TEXT NOT NULL," /* comma-separated set item indices */
    " norder INTEGER NOT NULL,"
    " experiment_text TEXT,"
    " experiment_sha256 TEXT,"
    " software_version TEXT,"
    " git_revision TEXT,"
    " sdl_version TEXT,"
    " video_driver TEXT,"
    " renderer TEXT,"
    " display_mode TEXT,"
    " refresh_mean_ms REAL,"
    " refresh_sd_ms REAL,"
    " window_w INTEGER, window_h INTEGER,"
    " drawable_w INTEGER, drawable_h INTEGER,"
    " viewing_distance_cm REAL,"
    " screen_width_cm REAL,"
    " pid INTEGER,"
    " hostname TEXT);"
    "CREATE INDEX sessions_observer_set ON sessions(observer_id, set_id);"
    /* Trials and ratings are keyed by (session, index) WITHOUT ROWID: one
     * b-tree instead of a table plus a unique index, so a logged trial
     * writes one page to the WAL, not two, before its fsync. */
    "CREATE TABLE trials("
    " session_id INTEGER NOT NULL REFERENCES sessions(id),"
    " idx INTEGER NOT NULL,"
    " practice INTEGER NOT NULL,"
    " item_index INTEGER NOT NULL,"
    " left_image TEXT NOT NULL,"
    " right_image TEXT NOT NULL,"
    " choice INTEGER NOT NULL CHECK (choice IN (-1, 0, 1)),"
    " correct INTEGER NOT NULL CHECK (correct IN (0, 1)),"
    " rt_ms REAL,"
    " onset_s REAL,"
    " response_s REAL,"
    " frames_dropped INTEGER NOT NULL,"
    " logged_utc TEXT NOT NULL,"
    " PRIMARY KEY (session_id, idx)) WITHOUT ROWID;"
    "CREATE TABLE ratings("
    " session_id INTEGER NOT NULL REFERENCES sessions(id),"
    " idx INTEGER NOT NULL,"
    " practice INTEGER NOT NULL,"
    " item_index INTEGER NOT NULL,"
    " image TEXT NOT NULL,"
    " q1 INTEGER, q2 INTEGER, q3 INTEGER,"
    " rt_q1_ms REAL, rt_q2_ms REAL, rt_q3_ms REAL,"
    " onset_s REAL,"
    " frames_dropped INTEGER NOT NULL,"
    " logged_utc TEXT NOT NULL,"
    " PRIMARY KEY (session_id, idx)) WITHOUT ROWID;"
    "CREATE TABLE events("
    " id INTEGER PRIMARY KEY,"
    " session_id INTEGER NOT NULL REFERENCES sessions(id),"
    " t_s REAL,"
    " kind TEXT NOT NULL,"
    " detail TEXT,"
    " logged_utc TEXT NOT NULL);"
    "CREATE INDEX events_session ON events(session_id);";

/* Version 2 (issue 11): a session goes through runs, one per process that
 * worked on it; answers get one generic row each; sessions learn whether a
 * simulated observer answered and which session replaced them. Only ADD
 * COLUMN and new tables: rebuilding `sessions` would need foreign keys off,
 * which cannot be switched inside the migration's transaction. Every v1
 * session becomes one run carrying its old metadata, and every v1 trial and
 * rating its answer rows, so version-1 data reads exactly as before. The one
 * rebuilt table, stimulus_sets, loses its CHECK on the task name (below). */
static const char schema_v2[] =
    "ALTER TABLE sessions ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE sessions ADD COLUMN superseded_by INTEGER REFERENCES sessions(id);"
    "ALTER TABLE sessions ADD COLUMN questions_json TEXT;"
    /* 1: this observer saw every 2AFC pair mirrored (counterbalancing) */
    "ALTER TABLE sessions ADD COLUMN sides_mirrored INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX observers_code_nocase ON observers(code COLLATE NOCASE);"
    "CREATE TABLE runs("
    " id INTEGER PRIMARY KEY,"
    " session_id INTEGER NOT NULL REFERENCES sessions(id),"
    " seq INTEGER NOT NULL," /* 1, 2, ... within the session */
    " started_utc TEXT NOT NULL,"
    " ended_utc TEXT,"
    " end_status TEXT CHECK (end_status IN ('completed', 'aborted', 'crashed')),"
    " first_index INTEGER,"
    " time_offset_s REAL NOT NULL DEFAULT 0," /* onset_s of this run = offset + run clock */
    " hostname TEXT,"
    " pid INTEGER,"
    " proc_start_ticks INTEGER," /* /proc/PID/stat field 22: pid reuse */
    " boot_id TEXT,"             /* /proc/sys/kernel/random/boot_id: reboots */
    " software_version TEXT,"
    " git_revision TEXT,"
    " experiment_sha256 TEXT,"
    " experiment_text TEXT," /* only when it differs from the session's */
    " experiment_changed INTEGER NOT NULL DEFAULT 0,"
    " sdl_version TEXT, video_driver TEXT, renderer TEXT, display_mode TEXT,"
    " nominal_refresh_ms REAL, refresh_mean_ms REAL, refresh_sd_ms REAL,"
    " window_w INTEGER, window_h INTEGER, drawable_w INTEGER, drawable_h INTEGER,"
    " windowed INTEGER,"
    " simulate TEXT," /* the --simulate spec, NULL for a real observer */
    " sched_policy TEXT, sched_priority INTEGER, nice INTEGER, memory_locked INTEGER,"
    " frames INTEGER, frames_dropped INTEGER, deadlines_missed INTEGER,"
    " UNIQUE (session_id, seq));"
    /* One row per answer, so a task with K buttons or a rating with any
     * number of questions needs no new column: question is 'choice' for
     * 2AFC and the question's key for ratings. */
    "CREATE TABLE answers("
    " session_id INTEGER NOT NULL REFERENCES sessions(id),"
    " idx INTEGER NOT NULL,"
    " question TEXT NOT NULL,"
    " value INTEGER," /* NULL: not answered (deadline) */
    " rt_ms REAL,"
    " device TEXT,"   /* keyboard | mouse; NULL unknown */
    " button TEXT,"   /* the key's name or the mouse button */
    " x_px INTEGER, y_px INTEGER," /* click position, drawable px */
    " PRIMARY KEY (session_id, idx, question)) WITHOUT ROWID;"
    "ALTER TABLE trials ADD COLUMN run_id INTEGER REFERENCES runs(id);"
    "ALTER TABLE ratings ADD COLUMN run_id INTEGER REFERENCES runs(id);"
    "ALTER TABLE events ADD COLUMN run_id INTEGER REFERENCES runs(id);"
    "INSERT INTO runs(session_id, seq, started_utc, ended_utc, end_status, first_index,"
    " hostname, pid, software_version, git_revision, experiment_sha256, sdl_version,"
    " video_driver, renderer, display_mode, refresh_mean_ms, refresh_sd_ms, window_w,"
    " window_h, drawable_w, drawable_h)"
    " SELECT id, 1, started_utc, ended_utc,"
    " CASE WHEN status = 'running' THEN NULL ELSE status END, 0, hostname, pid,"
    " software_version, git_revision, experiment_sha256, sdl_version, video_driver, renderer,"
    " display_mode, refresh_mean_ms, refresh_sd_ms, window_w, window_h, drawable_w, drawable_h"
    " FROM sessions ORDER BY id;"
    "UPDATE trials SET run_id = (SELECT r.id FROM runs r WHERE r.session_id = trials.session_id);"
    "UPDATE ratings SET run_id = (SELECT r.id FROM runs r WHERE r.session_id = ratings.session_id);"
    "UPDATE events SET run_id = (SELECT r.id FROM runs r WHERE r.session_id = events.session_id);"
    "INSERT INTO answers(session_id, idx, question, value, rt_ms)"
    " SELECT session_id, idx, 'choice', CASE WHEN choice < 0 THEN NULL ELSE choice END, rt_ms"
    " FROM trials;"
    "INSERT INTO answers(session_id, idx, question, value, rt_ms)"
    " SELECT session_id, idx, 'q1', q1, rt_q1_ms FROM ratings;"
    "INSERT INTO answers(session_id, idx, question, value, rt_ms)"
    " SELECT session_id, idx, 'q2', q2, rt_q2_ms FROM ratings;"
    "INSERT INTO answers(session_id, idx, question, value, rt_ms)"
    " SELECT session_id, idx, 'q3', q3, rt_q3_ms FROM ratings;"
    "CREATE INDEX runs_session ON runs(session_id);"
    /* stimulus_sets without version 1's CHECK (task IN ('2afc', 'rating')):
     * a new task must not need a schema change; `run` checks the name
     * against the task table (experiment/tasks.c). SQLite cannot drop a
     * CHECK, so the table is rebuilt (create, copy, drop, rename). st_migrate
     * runs this with foreign keys off -- otherwise the DROP's implicit
     * DELETE would break images, set_items and sessions -- and checks them
     * with PRAGMA foreign_key_check before it commits. */
    "CREATE TABLE stimulus_sets_v2("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " task TEXT NOT NULL,"
    " created_utc TEXT NOT NULL,"
    " seed INTEGER NOT NULL,"
    " params_json TEXT,"
    " results_sha256 TEXT,"
    " image_root TEXT,"
    " content_sha256 TEXT NOT NULL);"
    "INSERT INTO stimulus_sets_v2(id, name, task, created_utc, seed, params_json,"
    " results_sha256, image_root, content_sha256)"
    " SELECT id, name, task, created_utc, seed, params_json, results_sha256, image_root,"
    " content_sha256 FROM stimulus_sets ORDER BY id;"
    "DROP TABLE stimulus_sets;"
    "ALTER TABLE stimulus_sets_v2 RENAME TO stimulus_sets;";

static const char *const migrations[DL_STORE_SCHEMA_VERSION] = {schema_v1, schema_v2};

int st_schema_version(sqlite3 *db, const char *path, int *version, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *version = sqlite3_column_int(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : st_fail_db(db, path, rc, "read schema version", err);
}

static int count_tables(dl_store *st, int *n, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, "SELECT count(*) FROM sqlite_schema", &s, "read schema", err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int(s, 0);
    else
        rc = st_fail(st, step, "read schema", err);
    sqlite3_finalize(s);
    return rc;
}

/* Schema version 0 read-only: either another program's database or an
 * empty one; "upgrade it" would be the wrong advice for both. */
static int not_yet_dddlab(dl_store *st, dl_error *err)
{
    int ntables = 0;
    int rc = count_tables(st, &ntables, err);
    if (rc)
        return rc;
    if (ntables > 0)
        return dl_fail(err, DL_EINVAL,
                       "%s: open database: the file holds tables but no dddlab schema version; "
                       "it is not a dddlab database",
                       st->path);
    return dl_fail(err, DL_ENOENT, "%s: open database: the database is empty (no dddlab data yet)",
                   st->path);
}

static int refuse_newer(dl_store *st, int version, dl_error *err)
{
    return dl_fail(err, DL_ESCHEMA,
                   "%s: open database: schema version %d is newer than this dddlab knows "
                   "(version %d); use a newer dddlab to open it",
                   st->path, version, DL_STORE_SCHEMA_VERSION);
}

static int fk_check(dl_store *st, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, "PRAGMA foreign_key_check", &s, "check foreign keys", err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        rc = dl_fail(err, DL_EINVAL,
                     "%s: migrate schema: table %s row %lld refers to a missing %s row", st->path,
                     st_col_text(s, 0), (long long)sqlite3_column_int64(s, 1), st_col_text(s, 2));
    else if (step != SQLITE_DONE)
        rc = st_fail(st, step, "check foreign keys", err);
    sqlite3_finalize(s);
    return rc;
}

/* Bring the file from `version` to the current schema, inside the caller's
 * transaction. A version-0 file must be empty: anything else is some other
 * program's database, and we do not write into it. */
static int migrate_locked(dl_store *st, int version, dl_error *err)
{
    if (version == 0) {
        int ntables = 0;
        int rc = count_tables(st, &ntables, err);
        if (rc)
            return rc;
        if (ntables > 0)
            return dl_fail(err, DL_EINVAL,
                           "%s: open database: the file holds tables but no dddlab schema "
                           "version; it is not a dddlab database",
                           st->path);
    }
    for (int v = version; v < DL_STORE_SCHEMA_VERSION; v++) {
        char op[64];
        snprintf(op, sizeof op, "migrate schema %d -> %d", v, v + 1);
        int rc = st_exec(st, migrations[v], op, err);
        if (rc)
            return rc;
    }
    /* The rebuild of stimulus_sets ran with foreign keys off: every
     * reference must still resolve before this commits. */
    int rc = fk_check(st, err);
    if (rc)
        return rc;
    /* user_version is written in the same transaction as the tables. The
     * value is a compile-time constant, so no SQL is built from data. */
    return st_exec(st, "PRAGMA user_version = " DL_STR(DL_STORE_SCHEMA_VERSION),
                   "set schema version", err);
}

/* A file of an older version opened read-only (analyse, export, a merge
 * input) is read through a private in-memory copy that is migrated there:
 * the file itself stays as it is, and every reader sees the current schema.
 * A station's files are a few MB, so the copy costs little. */
static int copy_to_memory(dl_store *st, dl_error *err)
{
    sqlite3 *mem = NULL;
    int rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(mem, "main", st->db, "main") : NULL;
    if (b) {
        rc = sqlite3_backup_step(b, -1);
        int fin = sqlite3_backup_finish(b);
        rc = rc == SQLITE_DONE ? fin : rc;
    } else if (rc == SQLITE_OK) {
        rc = sqlite3_errcode(mem);
    }
    if (rc != SQLITE_OK) {
        int e = st_fail_db(mem ? mem : st->db, st->path, rc, "read an older schema into memory",
                           err);
        sqlite3_close(mem);
        return e;
    }
    sqlite3_extended_result_codes(mem, 1);
    sqlite3_exec(mem, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    for (int i = 0; i < ST_NCACHED; i++) { /* none yet, but they would name the file */
        sqlite3_finalize(st->cached[i]);
        st->cached[i] = NULL;
    }
    sqlite3_close_v2(st->db);
    st->db = mem;
    return 0;
}

int st_migrate(dl_store *st, dl_error *err)
{
    int version = 0;
    int rc = st_schema_version(st->db, st->path, &version, err);
    if (rc)
        return rc;
    if (version > DL_STORE_SCHEMA_VERSION)
        return refuse_newer(st, version, err);
    if (version == DL_STORE_SCHEMA_VERSION)
        return 0;
    if (st->readonly && version == 0)
        return not_yet_dddlab(st, err);
    if (st->readonly && (rc = copy_to_memory(st, err)))
        return rc;
    /* Off for the rebuild of a table others refer to; only possible outside
     * a transaction, and switched back on whatever happens. */
    sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
    rc = st_begin(st, "migrate schema", err);
    if (rc) {
        sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        return rc;
    }
    /* Another process may have migrated between our read and our lock. */
    rc = st_schema_version(st->db, st->path, &version, err);
    if (!rc && version > DL_STORE_SCHEMA_VERSION)
        rc = refuse_newer(st, version, err);
    if (!rc && version < DL_STORE_SCHEMA_VERSION)
        rc = migrate_locked(st, version, err);
    if (!rc)
        rc = st_commit(st, "migrate schema", err);
    if (rc)
        st_rollback(st);
    sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return rc;
}
