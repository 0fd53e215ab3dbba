/* store_sessions.c — sessions: start, finish, load, resume, stale detection. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_internal.h"

#define SESSION_COLUMNS                                                                            \
    "s.id, s.uuid, s.observer_id, s.set_id, s.status, s.started_utc, s.ended_utc, s.seed,"         \
    " s.trial_order, s.norder, s.experiment_text, s.experiment_sha256, s.software_version,"        \
    " s.git_revision, s.sdl_version, s.video_driver, s.renderer, s.display_mode,"                  \
    " s.refresh_mean_ms, s.refresh_sd_ms, s.window_w, s.window_h, s.drawable_w, s.drawable_h,"     \
    " s.viewing_distance_cm, s.screen_width_cm, s.pid, s.hostname, s.simulated,"                 \
    " s.superseded_by, s.questions_json, s.sides_mirrored,"                                        \
    " coalesce((SELECT r.experiment_sha256 FROM runs r WHERE r.session_id = s.id"                \
    "  AND r.experiment_sha256 IS NOT NULL ORDER BY r.seq DESC LIMIT 1), s.experiment_sha256)"

/* ---- stepping ---------------------------------------------------------------------------- */

/* Step s for the one row of a session: 0 with the row ready, DL_ENOENT "no
 * such session" when there is none, else SQLite's error. */
static int step_session_row(dl_store *st, sqlite3_stmt *s, const char *op, dl_error *err)
{
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        return 0;
    if (step == SQLITE_DONE)
        return dl_fail(err, DL_ENOENT, "%s: %s: no such session", st->path, op);
    return st_fail(st, step, op, err);
}

/* Step a bound statement that returns no rows (INSERT, UPDATE). */
static int step_done(dl_store *st, sqlite3_stmt *s, const char *op, dl_error *err)
{
    int step = sqlite3_step(s);
    return step == SQLITE_DONE ? 0 : st_fail(st, step, op, err);
}

/* End an operation's transaction: COMMIT when rc is 0; ROLLBACK when rc is
 * not, or when the COMMIT fails. Returns the operation's final code. */
static int end_transaction(dl_store *st, int rc, const char *op, dl_error *err)
{
    if (!rc)
        rc = st_commit(st, op, err);
    if (rc)
        st_rollback(st);
    return rc;
}

/* ---- UUID, host, order -------------------------------------------------------------- */

/* A random (version 4) UUID from the kernel's generator, so two stations
 * never mint the same session id and merge can key on it. */
static int make_uuid(char out[37])
{
    unsigned char b[16];
    if (dl_random_bytes(b, sizeof b) != 0)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return 0;
}

static void host_name(char *buf, size_t n)
{
    if (gethostname(buf, n) != 0)
        snprintf(buf, n, "unknown");
    buf[n - 1] = '\0';
}

static char *order_text(const int *order, size_t n)
{
    dl_buf b;
    dl_buf_init(&b);
    if (dl_buf_append(&b, "", 0) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (dl_buf_printf(&b, i ? ",%d" : "%d", order[i]) != 0) {
            dl_buf_free(&b);
            return NULL;
        }
    return b.data;
}

static int parse_order(const char *text, size_t n, int **out)
{
    *out = dl_calloc(n, sizeof **out);
    if (!*out)
        return DL_ENOMEM;
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end != ',' && *end != '\0'))
            return DL_ECORRUPT;
        (*out)[i] = (int)v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* ---- start / finish ------------------------------------------------------------------ */

static void bind_session(sqlite3_stmt *s, const dl_session *x, const char *order)
{
    st_bind_text(s, 1, x->uuid);
    sqlite3_bind_int64(s, 2, x->observer_id);
    sqlite3_bind_int64(s, 3, x->set_id);
    st_bind_text(s, 4, x->status);
    st_bind_text(s, 5, x->started_utc);
    sqlite3_bind_int64(s, 6, (int64_t)x->seed);
    st_bind_text(s, 7, order);
    sqlite3_bind_int64(s, 8, (int64_t)x->norder);
    st_bind_text(s, 9, x->experiment_text);
    st_bind_text(s, 10, x->experiment_sha256[0] ? x->experiment_sha256 : NULL);
    st_bind_text(s, 11, x->software_version);
    st_bind_text(s, 12, x->git_revision);
    st_bind_text(s, 13, x->sdl_version);
    st_bind_text(s, 14, x->video_driver);
    st_bind_text(s, 15, x->renderer);
    st_bind_text(s, 16, x->display_mode);
    st_bind_double(s, 17, x->refresh_mean_ms);
    st_bind_double(s, 18, x->refresh_sd_ms);
    sqlite3_bind_int(s, 19, x->window_w);
    sqlite3_bind_int(s, 20, x->window_h);
    sqlite3_bind_int(s, 21, x->drawable_w);
    sqlite3_bind_int(s, 22, x->drawable_h);
    st_bind_double(s, 23, x->viewing_distance_cm);
    st_bind_double(s, 24, x->screen_width_cm);
    sqlite3_bind_int(s, 25, x->pid);
    st_bind_text(s, 26, x->hostname);
    sqlite3_bind_int(s, 27, x->sides_mirrored != 0);
    st_bind_text(s, 28, x->questions_json);
}

/* Fill what start_session owns: uuid, status, start time, pid, host. */
static int session_defaults(dl_session *sess)
{
    char now[32];
    if (make_uuid(sess->uuid) != 0)
        return DL_EIO;
    dl_utc_iso(now);
    char *status = dl_strdup("running"), *started = dl_strdup(now), *hostname = NULL;
    if (!sess->hostname) {
        char host[256];
        host_name(host, sizeof host);
        hostname = dl_strdup(host);
    }
    if (!status || !started || (!sess->hostname && !hostname)) {
        free(status);
        free(started);
        free(hostname);
        return DL_ENOMEM;
    }
    free(sess->status);
    free(sess->started_utc);
    sess->status = status;
    sess->started_utc = started;
    if (hostname)
        sess->hostname = hostname;
    if (sess->pid <= 0)
        sess->pid = (int)getpid();
    return 0;
}

int dl_store_start_session(dl_store *st, dl_session *sess, dl_error *err)
{
    const char *op = "start session";
    int rc = session_defaults(sess);
    if (rc == DL_EIO)
        return dl_fail(err, DL_EIO, "%s: %s: cannot read /dev/urandom for the session UUID: %s",
                       st->path, op, strerror(errno));
    if (rc)
        return dl_fail(err, rc, "%s: %s: out of memory", st->path, op);
    char *order = order_text(sess->order, sess->norder);
    if (!order)
        return dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", st->path, op);
    sqlite3_stmt *s = NULL;
    rc = st_prepare(st,
                    "INSERT INTO sessions(uuid, observer_id, set_id, status, started_utc, seed,"
                    " trial_order, norder, experiment_text, experiment_sha256, software_version,"
                    " git_revision, sdl_version, video_driver, renderer, display_mode,"
                    " refresh_mean_ms, refresh_sd_ms, window_w, window_h, drawable_w, drawable_h,"
                    " viewing_distance_cm, screen_width_cm, pid, hostname, sides_mirrored,"
                    " questions_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
                    " ?28)",
                    &s, op, err);
    if (!rc) {
        bind_session(s, sess, order);
        int step = sqlite3_step(s);
        if (step == SQLITE_CONSTRAINT_FOREIGNKEY)
            rc = dl_fail(err, DL_ENOENT,
                         "%s: %s: observer %" PRId64 " or stimulus set %" PRId64 " is not stored",
                         st->path, op, sess->observer_id, sess->set_id);
        else if (step != SQLITE_DONE)
            rc = st_fail(st, step, op, err);
        else
            sess->id = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(s);
    free(order);
    return rc;
}

static int valid_end_status(const char *status)
{
    return status && (strcmp(status, "completed") == 0 || strcmp(status, "aborted") == 0 ||
                      strcmp(status, "crashed") == 0);
}

int dl_store_finish_session(dl_store *st, int64_t session_id, const char *status, dl_error *err)
{
    char op[96];
    snprintf(op, sizeof op, "finish session %" PRId64, session_id);
    if (!valid_end_status(status))
        return dl_fail(err, DL_EINVAL,
                       "%s: %s: status '%s' is not one of completed, aborted, crashed", st->path,
                       op, status ? status : "(none)");
    char now[32];
    dl_utc_iso(now);
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, "UPDATE sessions SET status = ?1, ended_utc = ?2 WHERE id = ?3", &s, op,
                        err);
    if (rc)
        return rc;
    st_bind_text(s, 1, status);
    st_bind_text(s, 2, now);
    sqlite3_bind_int64(s, 3, session_id);
    rc = step_done(st, s, op, err);
    sqlite3_finalize(s);
    if (rc)
        return rc;
    if (sqlite3_changes(st->db) == 0)
        return dl_fail(err, DL_ENOENT, "%s: %s: no such session", st->path, op);
    return 0;
}

/* ---- loading ----------------------------------------------------------------------------- */

static int read_session_row(sqlite3_stmt *s, dl_session *x)
{
    int oom = 0;
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    snprintf(x->uuid, sizeof x->uuid, "%s", st_col_text(s, 1));
    x->observer_id = sqlite3_column_int64(s, 2);
    x->set_id = sqlite3_column_int64(s, 3);
    x->status = st_col_strdup(s, 4, &oom);
    x->started_utc = st_col_strdup(s, 5, &oom);
    x->ended_utc = st_col_strdup(s, 6, &oom);
    x->seed = (uint64_t)sqlite3_column_int64(s, 7);
    x->norder = (size_t)sqlite3_column_int64(s, 9);
    int rc = parse_order(st_col_text(s, 8), x->norder, &x->order);
    x->experiment_text = st_col_strdup(s, 10, &oom);
    snprintf(x->experiment_sha256, sizeof x->experiment_sha256, "%s", st_col_text(s, 11));
    x->software_version = st_col_strdup(s, 12, &oom);
    x->git_revision = st_col_strdup(s, 13, &oom);
    x->sdl_version = st_col_strdup(s, 14, &oom);
    x->video_driver = st_col_strdup(s, 15, &oom);
    x->renderer = st_col_strdup(s, 16, &oom);
    x->display_mode = st_col_strdup(s, 17, &oom);
    x->refresh_mean_ms = st_col_double(s, 18);
    x->refresh_sd_ms = st_col_double(s, 19);
    x->window_w = sqlite3_column_int(s, 20);
    x->window_h = sqlite3_column_int(s, 21);
    x->drawable_w = sqlite3_column_int(s, 22);
    x->drawable_h = sqlite3_column_int(s, 23);
    x->viewing_distance_cm = st_col_double(s, 24);
    x->screen_width_cm = st_col_double(s, 25);
    x->pid = sqlite3_column_int(s, 26);
    x->hostname = st_col_strdup(s, 27, &oom);
    x->simulated = sqlite3_column_int(s, 28);
    x->superseded_by = sqlite3_column_int64(s, 29);
    x->questions_json = st_col_strdup(s, 30, &oom);
    x->sides_mirrored = sqlite3_column_int(s, 31);
    snprintf(x->current_sha256, sizeof x->current_sha256, "%s", st_col_text(s, 32));
    return oom ? DL_ENOMEM : rc;
}

static int load_one(dl_store *st, const char *sql, int64_t id, const char *uuid, dl_session *out,
                    const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, sql, &s, op, err);
    if (rc)
        return rc;
    if (uuid)
        st_bind_text(s, 1, uuid);
    else
        sqlite3_bind_int64(s, 1, id);
    rc = step_session_row(st, s, op, err);
    if (!rc) {
        rc = read_session_row(s, out);
        if (rc) {
            dl_store_session_clear(out);
            rc = dl_fail(err, rc, "%s: %s: %s", st->path, op,
                         rc == DL_ENOMEM ? "out of memory" : "the stored trial order is damaged");
        }
    }
    sqlite3_finalize(s);
    return rc;
}

int dl_store_get_session(dl_store *st, int64_t session_id, dl_session *out, dl_error *err)
{
    char op[96];
    snprintf(op, sizeof op, "load session %" PRId64, session_id);
    return load_one(st, "SELECT " SESSION_COLUMNS " FROM sessions s WHERE s.id = ?1", session_id,
                    NULL, out, op, err);
}

int dl_store_get_session_uuid(dl_store *st, const char *uuid, dl_session *out, dl_error *err)
{
    char op[96];
    snprintf(op, sizeof op, "load session %s", uuid);
    return load_one(st, "SELECT " SESSION_COLUMNS " FROM sessions s WHERE s.uuid = ?1", 0, uuid,
                    out, op, err);
}

void dl_store_session_clear(dl_session *x)
{
    if (!x)
        return;
    free(x->status);
    free(x->started_utc);
    free(x->ended_utc);
    free(x->order);
    free(x->experiment_text);
    free(x->software_version);
    free(x->git_revision);
    free(x->sdl_version);
    free(x->video_driver);
    free(x->renderer);
    free(x->display_mode);
    free(x->hostname);
    free(x->questions_json);
    memset(x, 0, sizeof *x);
}

void dl_sessions_free(dl_session *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        dl_store_session_clear(&s[i]);
    free(s);
}

/* ---- resume ------------------------------------------------------------------------------ */

static int collect_sessions(dl_store *st, sqlite3_stmt *s, dl_session **out, size_t *n,
                            const char *op, dl_error *err)
{
    dl_session *v = NULL;
    size_t len = 0, cap = 0;
    int step, rc = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if ((rc = dl_grow(&v, &cap, len + 1, sizeof *v)) != 0)
            break;
        rc = read_session_row(s, &v[len]);
        len++;
        if (rc)
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = st_fail(st, step, op, err);
    else if (rc)
        rc = dl_fail(err, rc, "%s: %s: %s", st->path, op,
                     rc == DL_ENOMEM ? "out of memory" : "a stored trial order is damaged");
    if (rc) {
        dl_sessions_free(v, len);
        return rc;
    }
    *out = v;
    *n = len;
    return 0;
}

int dl_store_find_resumable(dl_store *st, const char *observer_code, const char *set_name,
                            dl_session **out, size_t *n, dl_error *err)
{
    char op[256];
    snprintf(op, sizeof op, "find resumable sessions of '%s' on '%s'", observer_code, set_name);
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "SELECT " SESSION_COLUMNS " FROM sessions s"
                        " JOIN observers o ON o.id = s.observer_id"
                        " JOIN stimulus_sets t ON t.id = s.set_id"
                        " WHERE o.code = ?1 COLLATE NOCASE AND t.name = ?2"
                        " AND s.status IN ('running', 'aborted', 'crashed')"
                        " AND s.superseded_by IS NULL"
                        " ORDER BY s.started_utc DESC, s.id DESC",
                        &s, op, err);
    if (rc)
        return rc;
    st_bind_text(s, 1, observer_code);
    st_bind_text(s, 2, set_name);
    rc = collect_sessions(st, s, out, n, op, err);
    sqlite3_finalize(s);
    return rc;
}

int dl_store_next_index(dl_store *st, int64_t session_id, size_t *next, dl_error *err)
{
    char op[96];
    snprintf(op, sizeof op, "find the next trial of session %" PRId64, session_id);
    sqlite3_stmt *s = NULL;
    /* One past the highest logged index (not a count), so a gap can never
     * make the runner repeat an index that is already stored. */
    int rc =
        st_prepare(st,
                   "SELECT norder,"
                   " max(coalesce((SELECT max(idx) + 1 FROM trials WHERE session_id = ?1), 0),"
                   "     coalesce((SELECT max(idx) + 1 FROM ratings WHERE session_id = ?1), 0))"
                   " FROM sessions WHERE id = ?1",
                   &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, session_id);
    rc = step_session_row(st, s, op, err);
    if (!rc) {
        int64_t norder = sqlite3_column_int64(s, 0), k = sqlite3_column_int64(s, 1);
        *next = (size_t)(k < norder ? k : norder);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- process identity ---------------------------------------------------------------------- */

/* A pid alone does not name a process: after a reboot, or when pids wrap, the
 * stored one may belong to another program. The start time in clock ticks
 * since boot (field 22 of /proc/PID/stat) and the kernel's boot id make the
 * identity unique on a host. */
static int64_t proc_start_ticks(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* the command name (field 2) may hold spaces and ')': skip to the last ')' */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    for (int field = 3; field < 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return -1;
    }
    char *end;
    long long v = strtoll(p + 1, &end, 10);
    return end == p + 1 ? -1 : (int64_t)v;
}

static void boot_id(char out[40])
{
    out[0] = '\0';
    int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, 39);
    close(fd);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
}

/* Is the process that ran a session still the same live process? A row
 * without start time (schema 1) falls back to the pid plus "it is a dddlab
 * executable", which still frees a pid reused by another program. */
static int owner_alive(int pid, int64_t ticks, const char *stored_boot)
{
    if (pid <= 0)
        return 0;
    char boot[40];
    boot_id(boot);
    if (stored_boot && stored_boot[0] && boot[0] && strcmp(stored_boot, boot) != 0)
        return 0;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return 0;
    if (ticks > 0) {
        int64_t now = proc_start_ticks(pid);
        return now < 0 || now == ticks; /* unreadable /proc: assume alive */
    }
    char path[64], exe[4096], self[4096];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    ssize_t a = readlink(path, exe, sizeof exe - 1), b = readlink("/proc/self/exe", self,
                                                                  sizeof self - 1);
    if (a <= 0 || b <= 0)
        return 1;
    exe[a] = self[b] = '\0';
    const char *ea = strrchr(exe, '/'), *eb = strrchr(self, '/');
    return strcmp(ea ? ea + 1 : exe, eb ? eb + 1 : self) == 0;
}

/* Owner of a session: the identity of its latest run (sessions.pid for a
 * session without runs), inside the caller's transaction. */
static const char owner_sql[] =
    "SELECT s.status, coalesce(r.pid, s.pid), coalesce(r.hostname, s.hostname),"
    " r.proc_start_ticks, r.boot_id, s.superseded_by FROM sessions s"
    " LEFT JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE session_id = s.id)"
    " WHERE s.id = ?1";

typedef struct owner {
    char status[32], host[256], boot[40];
    int pid;
    int64_t ticks, superseded_by;
} owner;

static int read_owner(dl_store *st, int64_t id, owner *o, const char *op, dl_error *err)
{
    memset(o, 0, sizeof *o);
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, owner_sql, &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    rc = step_session_row(st, s, op, err);
    if (!rc) {
        snprintf(o->status, sizeof o->status, "%s", st_col_text(s, 0));
        o->pid = sqlite3_column_int(s, 1);
        snprintf(o->host, sizeof o->host, "%s", st_col_text(s, 2));
        o->ticks = sqlite3_column_type(s, 3) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 3);
        snprintf(o->boot, sizeof o->boot, "%s", st_col_text(s, 4));
        o->superseded_by = sqlite3_column_int64(s, 5);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Running on this host in a live process other than this one. */
static int owner_live_elsewhere(const owner *o)
{
    char host[256];
    host_name(host, sizeof host);
    return strcmp(o->status, "running") == 0 && strcmp(o->host, host) == 0 &&
           o->pid != (int)getpid() && owner_alive(o->pid, o->ticks, o->boot);
}

int dl_store_session_owner_alive(dl_store *st, int64_t session_id, int *pid, dl_error *err)
{
    char op[96];
    snprintf(op, sizeof op, "check who runs session %" PRId64, session_id);
    owner o = {0};
    int rc = read_owner(st, session_id, &o, op, err);
    if (rc)
        return rc;
    *pid = o.pid;
    return owner_live_elsewhere(&o);
}

/* ---- stale sessions ------------------------------------------------------------------------ */

int dl_store_mark_stale(dl_store *st, size_t *n, dl_error *err)
{
    const char *op = "mark stale sessions as crashed";
    char host[256];
    host_name(host, sizeof host);
    *n = 0;
    sqlite3_stmt *sel = NULL, *upd = NULL, *run = NULL;
    int rc = st_begin(st, op, err);
    if (rc)
        return rc;
    rc = st_prepare(st, "SELECT id FROM sessions WHERE status = 'running'", &sel, op, err);
    if (!rc)
        rc = st_prepare(st,
                        "UPDATE sessions SET status = 'crashed' WHERE id = ?1"
                        " AND status = 'running'",
                        &upd, op, err);
    if (!rc)
        rc = st_prepare(st,
                        "UPDATE runs SET end_status = 'crashed' WHERE session_id = ?1"
                        " AND end_status IS NULL",
                        &run, op, err);
    if (!rc) {
        int step;
        while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(sel, 0);
            owner o = {0};
            if ((rc = read_owner(st, id, &o, op, err)))
                break;
            if (strcmp(o.host, host) != 0 || (o.pid == (int)getpid()) ||
                owner_alive(o.pid, o.ticks, o.boot))
                continue; /* another computer's, ours, or alive */
            sqlite3_reset(upd);
            sqlite3_bind_int64(upd, 1, id);
            sqlite3_reset(run);
            sqlite3_bind_int64(run, 1, id);
            int u = sqlite3_step(upd);
            if (u == SQLITE_DONE)
                u = sqlite3_step(run);
            if (u != SQLITE_DONE) {
                step = u;
                break;
            }
            (*n)++;
        }
        if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
            rc = st_fail(st, step, op, err);
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_finalize(run);
    rc = end_transaction(st, rc, op, err);
    if (rc)
        *n = 0;
    return rc;
}

/* ---- taking a session over for --resume ---------------------------------------------------- */

int dl_store_reopen_session(dl_store *st, int64_t session_id, dl_error *err)
{
    char op[96], host[256];
    snprintf(op, sizeof op, "resume session %" PRId64, session_id);
    host_name(host, sizeof host);
    int me = (int)getpid();
    owner o = {0};
    int rc = st_begin(st, op, err);
    if (rc)
        return rc;
    rc = read_owner(st, session_id, &o, op, err);
    if (!rc && strcmp(o.status, "completed") == 0)
        rc = dl_fail(err, DL_EINVAL, "%s: %s: the session is completed; there is nothing to resume",
                     st->path, op);
    if (!rc && o.superseded_by)
        rc = dl_fail(err, DL_EINVAL,
                     "%s: %s: the session was replaced by session %" PRId64 " (--new-session)",
                     st->path, op, o.superseded_by);
    /* A live process on this machine still runs it: two runners must never
     * log into one session. */
    if (!rc && owner_live_elsewhere(&o))
        rc = dl_fail(err, DL_EBUSY, "%s: %s: process %d on this computer is still running it",
                     st->path, op, o.pid);
    sqlite3_stmt *s = NULL;
    if (!rc)
        rc = st_prepare(st,
                        "UPDATE sessions SET status = 'running', ended_utc = NULL, pid = ?1,"
                        " hostname = ?2 WHERE id = ?3",
                        &s, op, err);
    if (!rc) {
        sqlite3_bind_int(s, 1, me);
        st_bind_text(s, 2, host);
        sqlite3_bind_int64(s, 3, session_id);
        rc = step_done(st, s, op, err);
    }
    sqlite3_finalize(s);
    return end_transaction(st, rc, op, err);
}

int dl_store_supersede(dl_store *st, int64_t old_id, int64_t new_id, dl_error *err)
{
    char op[128];
    snprintf(op, sizeof op, "mark session %" PRId64 " as replaced by %" PRId64, old_id, new_id);
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "UPDATE sessions SET superseded_by = ?2, status = CASE status"
                        " WHEN 'running' THEN 'aborted' ELSE status END,"
                        " ended_utc = coalesce(ended_utc, ?3) WHERE id = ?1",
                        &s, op, err);
    if (rc)
        return rc;
    char now[32];
    dl_utc_iso(now);
    sqlite3_bind_int64(s, 1, old_id);
    sqlite3_bind_int64(s, 2, new_id);
    st_bind_text(s, 3, now);
    rc = step_done(st, s, op, err);
    sqlite3_finalize(s);
    return rc;
}

/* ---- runs ---------------------------------------------------------------------------------- */

/* The time base of a later run: its clock starts past everything logged so
 * far, and no earlier than the wall-clock time since the session started, so
 * onset_s keeps counting the session's seconds. Events queued early in the
 * run (run clock near 0) come after the last run's too. */
static int run_time_offset(dl_store *st, dl_run *run, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(
        st,
        "SELECT (SELECT count(*) FROM runs WHERE session_id = ?1),"
        " max(coalesce((SELECT max(max(coalesce(onset_s, 0), coalesce(response_s, 0)))"
        "  FROM trials WHERE session_id = ?1), 0),"
        " coalesce((SELECT max(onset_s + coalesce(rt_q1_ms, 0) / 1000 + coalesce(rt_q2_ms, 0)"
        "  / 1000 + coalesce(rt_q3_ms, 0) / 1000) FROM ratings WHERE session_id = ?1), 0),"
        " coalesce((SELECT max(t_s) FROM events WHERE session_id = ?1), 0)),"
        " (julianday('now') - julianday(started_utc)) * 86400.0"
        " FROM sessions WHERE id = ?1",
        &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run->session_id);
    rc = step_session_row(st, s, op, err);
    if (!rc) {
        int nruns = sqlite3_column_int(s, 0);
        double last = sqlite3_column_double(s, 1), wall = st_col_double(s, 2);
        run->seq = nruns + 1;
        run->time_offset_s = 0;
        if (nruns > 0) { /* where this run's clock started, on the session's time */
            double began = isnan(wall) ? 0 : wall - run->run_clock_s;
            run->time_offset_s = began > last + 0.001 ? began : last + 0.001;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

static void bind_run(sqlite3_stmt *s, const dl_run *r, const char *now, const char *host,
                     const char *boot)
{
    int pid = (int)getpid();
    sqlite3_bind_int64(s, 1, r->session_id);
    sqlite3_bind_int(s, 2, r->seq);
    st_bind_text(s, 3, now);
    sqlite3_bind_int64(s, 4, (int64_t)r->first_index);
    sqlite3_bind_double(s, 5, r->time_offset_s);
    st_bind_text(s, 6, host);
    sqlite3_bind_int(s, 7, pid);
    int64_t ticks = proc_start_ticks(pid);
    if (ticks > 0)
        sqlite3_bind_int64(s, 8, ticks);
    st_bind_text(s, 9, boot[0] ? boot : NULL);
    st_bind_text(s, 10, dl_version());
    st_bind_text(s, 11, dl_git_revision());
    st_bind_text(s, 12, r->experiment_sha256);
    st_bind_text(s, 13, r->experiment_text);
    sqlite3_bind_int(s, 14, r->experiment_changed != 0);
    st_bind_text(s, 15, r->sdl_version);
    st_bind_text(s, 16, r->video_driver);
    st_bind_text(s, 17, r->renderer);
    st_bind_text(s, 18, r->display_mode);
    st_bind_double(s, 19, r->nominal_refresh_ms);
    st_bind_double(s, 20, r->refresh_mean_ms);
    st_bind_double(s, 21, r->refresh_sd_ms);
    sqlite3_bind_int(s, 22, r->window_w);
    sqlite3_bind_int(s, 23, r->window_h);
    sqlite3_bind_int(s, 24, r->drawable_w);
    sqlite3_bind_int(s, 25, r->drawable_h);
    sqlite3_bind_int(s, 26, r->windowed != 0);
    st_bind_text(s, 27, r->simulate);
    st_bind_text(s, 28, r->sched_policy);
    sqlite3_bind_int(s, 29, r->sched_priority);
    sqlite3_bind_int(s, 30, r->nice);
    sqlite3_bind_int(s, 31, r->memory_locked != 0);
}

int dl_store_start_run(dl_store *st, dl_run *run, dl_error *err)
{
    char op[96], now[32], host[256], boot[40];
    snprintf(op, sizeof op, "start a run of session %" PRId64, run->session_id);
    dl_utc_iso(now);
    host_name(host, sizeof host);
    boot_id(boot);
    sqlite3_stmt *s = NULL;
    int rc = st_begin(st, op, err);
    if (!rc)
        rc = run_time_offset(st, run, op, err);
    if (!rc)
        rc = st_prepare(st,
                        "INSERT INTO runs(session_id, seq, started_utc, first_index,"
                        " time_offset_s, hostname, pid, proc_start_ticks, boot_id,"
                        " software_version, git_revision, experiment_sha256, experiment_text,"
                        " experiment_changed, sdl_version, video_driver, renderer, display_mode,"
                        " nominal_refresh_ms, refresh_mean_ms, refresh_sd_ms, window_w,"
                        " window_h, drawable_w, drawable_h, windowed, simulate, sched_policy,"
                        " sched_priority, nice, memory_locked) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                        " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
                        " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)",
                        &s, op, err);
    if (!rc) {
        bind_run(s, run, now, host, boot);
        rc = step_done(st, s, op, err);
        if (!rc)
            run->id = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!rc && run->simulate) {
        rc = st_prepare(st, "UPDATE sessions SET simulated = 1 WHERE id = ?1", &s, op, err);
        if (!rc) {
            sqlite3_bind_int64(s, 1, run->session_id);
            rc = step_done(st, s, op, err);
        }
        sqlite3_finalize(s);
    }
    rc = end_transaction(st, rc, op, err);
    if (rc)
        return rc;
    st->run_id = run->id;
    st->run_session_id = run->session_id;
    return 0;
}

int dl_store_end_run(dl_store *st, int64_t run_id, const char *status, size_t frames,
                     size_t frames_dropped, size_t deadlines_missed, dl_error *err)
{
    char op[96], now[32];
    snprintf(op, sizeof op, "end run %" PRId64, run_id);
    dl_utc_iso(now);
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "UPDATE runs SET ended_utc = ?2, end_status = ?3, frames = ?4,"
                        " frames_dropped = ?5, deadlines_missed = ?6 WHERE id = ?1",
                        &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    st_bind_text(s, 2, now);
    st_bind_text(s, 3, status);
    sqlite3_bind_int64(s, 4, (int64_t)frames);
    sqlite3_bind_int64(s, 5, (int64_t)frames_dropped);
    sqlite3_bind_int64(s, 6, (int64_t)deadlines_missed);
    rc = step_done(st, s, op, err);
    sqlite3_finalize(s);
    return rc;
}
