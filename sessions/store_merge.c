/* store_merge.c — combine the files of several stations into one.
 *
 * Natural keys, not row ids, decide what is the same thing: observers by
 * code, stimulus sets by name (and then their content hash must agree),
 * sessions by UUID (and then their trials and ratings must agree). Each source
 * is opened through dl_store_open, so a newer schema or a corrupt file is
 * refused before anything is copied. The whole merge is one transaction on
 * the output: a failure rolls everything back, and a new output is made
 * under a temporary name and put in place only at the end. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"

/* Source row id -> output row id. Sources are read in id order, so the
 * source ids arrive sorted and lookup is a binary search. */
typedef struct idmap {
    int64_t *src, *dst;
    size_t n, cap;
} idmap;

static void idmap_free(idmap *m)
{
    free(m->src);
    free(m->dst);
    memset(m, 0, sizeof *m);
}

static int idmap_add(idmap *m, int64_t src, int64_t dst)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        int64_t *s = dl_realloc_array(m->src, cap, sizeof *s);
        if (!s)
            return DL_ENOMEM;
        m->src = s;
        int64_t *d = dl_realloc_array(m->dst, cap, sizeof *d);
        if (!d)
            return DL_ENOMEM;
        m->dst = d;
        m->cap = cap;
    }
    m->src[m->n] = src;
    m->dst[m->n++] = dst;
    return 0;
}

static int64_t idmap_get(const idmap *m, int64_t src)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->src[mid] < src)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->src[lo] == src ? m->dst[lo] : -1;
}

typedef struct merge {
    dl_store *out, *in;
    idmap observers, sets;
    idmap runs; /* of the session being copied */
    dl_error *err;
} merge;

/* ---- small statement helpers --------------------------------------------------- */

/* Bind the columns of sel, from the first, to ins parameters from `first`. */
static void bind_columns(sqlite3_stmt *ins, int first, sqlite3_stmt *sel, int from)
{
    int n = sqlite3_column_count(sel);
    for (int i = from; i < n; i++)
        sqlite3_bind_value(ins, first + i - from, sqlite3_column_value(sel, i));
}

static int step_insert(dl_store *st, sqlite3_stmt *ins, const char *op, dl_error *err)
{
    int step = sqlite3_step(ins);
    sqlite3_reset(ins);
    return step == SQLITE_DONE ? 0 : st_fail(st, step, op, err);
}

/* id of the row found by a one-parameter text lookup; 0 when absent. The
 * second column, if any, is copied into extra. */
static int lookup(dl_store *st, const char *sql, const char *key, int64_t *id, char *extra,
                  size_t nextra, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, sql, &s, op, err);
    if (rc)
        return rc;
    st_bind_text(s, 1, key);
    int step = sqlite3_step(s);
    *id = 0;
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        if (extra)
            snprintf(extra, nextra, "%s", st_col_text(s, 1));
    } else if (step != SQLITE_DONE) {
        rc = st_fail(st, step, op, err);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- the copy loop every table shares ---------------------------------------------------- */

/* Called for each row sel (on the source) yields, with ins prepared on the
 * output: binds ins from sel and inserts. */
typedef int (*copy_row_fn)(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx,
                           const char *op);

/* Run sel_sql on the source (?1 bound to key unless key < 0) and hand every
 * row to row() with ins_sql prepared on the output. */
static int copy_rows(merge *m, const char *op, const char *sel_sql, int64_t key,
                     const char *ins_sql, copy_row_fn row, void *ctx)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    int rc = st_prepare(m->in, sel_sql, &sel, op, m->err);
    if (!rc)
        rc = st_prepare(m->out, ins_sql, &ins, op, m->err);
    int step = SQLITE_DONE;
    if (!rc && key >= 0)
        sqlite3_bind_int64(sel, 1, key);
    while (!rc && (step = sqlite3_step(sel)) == SQLITE_ROW)
        rc = row(m, sel, ins, ctx, op);
    if (!rc && step != SQLITE_DONE)
        rc = st_fail(m->in, step, op, m->err);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* ---- observers ----------------------------------------------------------------------- */

static int observer_row(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx,
                        const char *op)
{
    (void)ctx;
    /* The first file that knows an observer keeps its record; codes are
     * compared without regard to case, as the runner does. */
    int64_t id = 0;
    int rc = lookup(m->out, "SELECT id FROM observers WHERE code = ?1 COLLATE NOCASE ORDER BY id",
                    st_col_text(sel, 1), &id, NULL, 0, op, m->err);
    if (!rc && id == 0) {
        bind_columns(ins, 1, sel, 1);
        rc = step_insert(m->out, ins, op, m->err);
        id = sqlite3_last_insert_rowid(m->out->db);
    }
    if (!rc && idmap_add(&m->observers, sqlite3_column_int64(sel, 0), id) != 0)
        rc = dl_fail(m->err, DL_ENOMEM, "%s: %s: out of memory", m->out->path, op);
    return rc;
}

static int merge_observers(merge *m)
{
    return copy_rows(m, "merge observers",
                     "SELECT id, code, age, gender, handedness, vision_corrected, naive,"
                     " created_utc FROM observers ORDER BY id",
                     -1,
                     "INSERT INTO observers(code, age, gender, handedness, vision_corrected,"
                     " naive, created_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                     " ON CONFLICT (code) DO NOTHING",
                     observer_row, NULL);
}

/* ---- stimulus sets ----------------------------------------------------------------------- */

/* Where a set's rows go: the output set, and the image ids old -> new. */
typedef struct set_copy {
    int64_t dst_set;
    idmap *images;
} set_copy;

static int image_row(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx, const char *op)
{
    set_copy *c = ctx;
    sqlite3_bind_int64(ins, 1, c->dst_set);
    bind_columns(ins, 2, sel, 1);
    int rc = step_insert(m->out, ins, op, m->err);
    if (!rc && idmap_add(c->images, sqlite3_column_int64(sel, 0),
                         sqlite3_last_insert_rowid(m->out->db)) != 0)
        rc = dl_fail(m->err, DL_ENOMEM, "%s: %s: out of memory", m->out->path, op);
    return rc;
}

static int copy_images(merge *m, int64_t src_set, int64_t dst_set, idmap *images)
{
    set_copy c = {dst_set, images};
    return copy_rows(m, "merge stimulus images",
                     "SELECT id, path, sha256, width_px, height_px, difficulty, frac_correct,"
                     " class_label, label_error FROM images WHERE set_id = ?1 ORDER BY id",
                     src_set,
                     "INSERT INTO images(set_id, path, sha256, width_px, height_px,"
                     " difficulty, frac_correct, class_label, label_error)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                     image_row, &c);
}

static int item_row(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx, const char *op)
{
    const set_copy *c = ctx;
    sqlite3_bind_int64(ins, 1, c->dst_set);
    bind_columns(ins, 2, sel, 0);
    sqlite3_bind_int64(ins, 5, idmap_get(c->images, sqlite3_column_int64(sel, 3)));
    if (sqlite3_column_type(sel, 4) != SQLITE_NULL)
        sqlite3_bind_int64(ins, 6, idmap_get(c->images, sqlite3_column_int64(sel, 4)));
    return step_insert(m->out, ins, op, m->err);
}

static int copy_items(merge *m, int64_t src_set, int64_t dst_set, idmap *images)
{
    set_copy c = {dst_set, images};
    return copy_rows(m, "merge stimulus items",
                     "SELECT idx, practice, trivial_left, image_a, image_b FROM set_items"
                     " WHERE set_id = ?1 ORDER BY idx",
                     src_set,
                     "INSERT INTO set_items(set_id, idx, practice, trivial_left, image_a,"
                     " image_b) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     item_row, &c);
}

/* Copy one set row (sel's current row) and its images and items. */
static int copy_set(merge *m, sqlite3_stmt *sel, int64_t *dst_set)
{
    const char *op = "merge stimulus sets";
    sqlite3_stmt *ins = NULL;
    int rc = st_prepare(m->out,
                        "INSERT INTO stimulus_sets(name, task, created_utc, seed, params_json,"
                        " results_sha256, image_root, content_sha256)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        &ins, op, m->err);
    if (rc)
        return rc;
    bind_columns(ins, 1, sel, 1);
    rc = step_insert(m->out, ins, op, m->err);
    sqlite3_finalize(ins);
    if (rc)
        return rc;
    *dst_set = sqlite3_last_insert_rowid(m->out->db);
    idmap images = {0};
    int64_t src_set = sqlite3_column_int64(sel, 0);
    rc = copy_images(m, src_set, *dst_set, &images);
    if (!rc)
        rc = copy_items(m, src_set, *dst_set, &images);
    idmap_free(&images);
    return rc;
}

static int merge_sets(merge *m)
{
    const char *op = "merge stimulus sets";
    sqlite3_stmt *sel = NULL;
    int rc = st_prepare(m->in,
                        "SELECT id, name, task, created_utc, seed, params_json, results_sha256,"
                        " image_root, content_sha256 FROM stimulus_sets ORDER BY id",
                        &sel, op, m->err);
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *name = st_col_text(sel, 1), *hash = st_col_text(sel, 8);
        char have[80];
        int64_t id = 0;
        rc = lookup(m->out, "SELECT id, content_sha256 FROM stimulus_sets WHERE name = ?1", name,
                    &id, have, sizeof have, op, m->err);
        if (!rc && id && strcmp(have, hash) != 0)
            rc = dl_fail(m->err, DL_EEXIST,
                         "stimulus set '%s' has different content in %s and %s (content "
                         "SHA-256 %.12s... vs %.12s...); rename one of them before merging",
                         name, m->in->path, m->out->path, hash, have);
        if (!rc && !id)
            rc = copy_set(m, sel, &id);
        if (!rc && idmap_add(&m->sets, sqlite3_column_int64(sel, 0), id) != 0)
            rc = dl_fail(m->err, DL_ENOMEM, "%s: %s: out of memory", m->out->path, op);
    }
    if (!rc && step != SQLITE_DONE)
        rc = st_fail(m->in, step, op, m->err);
    sqlite3_finalize(sel);
    return rc;
}

/* ---- sessions ------------------------------------------------------------------------------ */

static const char trials_digest_sql[] =
    "SELECT idx, practice, item_index, left_image, right_image, choice, correct, rt_ms,"
    " onset_s, response_s, frames_dropped FROM trials WHERE session_id = ?1 ORDER BY idx";
static const char ratings_digest_sql[] =
    "SELECT idx, practice, item_index, image, q1, q2, q3, rt_q1_ms, rt_q2_ms, rt_q3_ms,"
    " onset_s, frames_dropped FROM ratings WHERE session_id = ?1 ORDER BY idx";

/* SHA-256 over a session's logged rows (typed, length-prefixed values) and
 * their number, to tell whether two copies of a session agree. */
static int digest_rows(dl_store *st, const char *sql, int64_t session_id, char hex[65],
                       int64_t *nrows, dl_error *err)
{
    const char *op = "compare sessions";
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, sql, &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, session_id);
    dl_sha256 h;
    dl_sha256_init(&h);
    *nrows = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            int type = sqlite3_column_type(s, i);
            char head[40];
            if (type == SQLITE_FLOAT) {
                double d = sqlite3_column_double(s, i);
                dl_sha256_update(&h, "f", 1);
                dl_sha256_update(&h, &d, sizeof d);
                continue;
            }
            int n = sqlite3_column_bytes(s, i);
            int k = snprintf(head, sizeof head, "%d:%d:", type, n);
            dl_sha256_update(&h, head, (size_t)k);
            dl_sha256_update(&h, sqlite3_column_text(s, i), (size_t)n);
        }
        (*nrows)++;
    }
    if (step != SQLITE_DONE)
        rc = st_fail(st, step, op, err);
    sqlite3_finalize(s);
    dl_sha256_hex(&h, hex);
    return rc;
}

/* Both copies of a session must hold the same trials and ratings. */
static int same_session(merge *m, const char *uuid, int64_t src_id, int64_t dst_id)
{
    const char *sqls[2] = {trials_digest_sql, ratings_digest_sql};
    const char *what[2] = {"trials", "ratings"};
    for (int k = 0; k < 2; k++) {
        char a[65], b[65];
        int64_t na = 0, nb = 0;
        int rc = digest_rows(m->in, sqls[k], src_id, a, &na, m->err);
        if (!rc)
            rc = digest_rows(m->out, sqls[k], dst_id, b, &nb, m->err);
        if (rc)
            return rc;
        if (strcmp(a, b) != 0)
            return dl_fail(m->err, DL_EEXIST,
                           "session %s is in both %s (%" PRId64 " %s) and %s (%" PRId64
                           " %s) but its %s differ; was one file copied while the session "
                           "was still running?",
                           uuid, m->in->path, na, what[k], m->out->path, nb, what[k], what[k]);
    }
    return 0;
}

static int session_row(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx,
                       const char *op)
{
    sqlite3_bind_int64(ins, 1, *(const int64_t *)ctx);
    bind_columns(ins, 2, sel, 0);
    return step_insert(m->out, ins, op, m->err);
}

/* Copy the rows of one session's table: sel (on the source) selects the
 * columns after session_id, ins (on the output) takes ?1 = session id. */
static int copy_session_rows(merge *m, const char *sel_sql, const char *ins_sql, int64_t src_id,
                             int64_t dst_id)
{
    return copy_rows(m, "merge session rows", sel_sql, src_id, ins_sql, session_row, &dst_id);
}

/* A row whose last column is a run id of the source: the output's run id. */
static int run_child_row(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx,
                         const char *op)
{
    int last = sqlite3_column_count(sel) - 1;
    sqlite3_bind_int64(ins, 1, *(const int64_t *)ctx);
    bind_columns(ins, 2, sel, 0);
    int64_t run = sqlite3_column_type(sel, last) == SQLITE_NULL
                      ? -1
                      : idmap_get(&m->runs, sqlite3_column_int64(sel, last));
    if (run > 0)
        sqlite3_bind_int64(ins, last + 2, run);
    else
        sqlite3_bind_null(ins, last + 2);
    return step_insert(m->out, ins, op, m->err);
}

static int run_row(merge *m, sqlite3_stmt *sel, sqlite3_stmt *ins, void *ctx, const char *op)
{
    sqlite3_bind_int64(ins, 1, *(const int64_t *)ctx);
    bind_columns(ins, 2, sel, 1);
    int rc = step_insert(m->out, ins, op, m->err);
    if (!rc && idmap_add(&m->runs, sqlite3_column_int64(sel, 0),
                         sqlite3_last_insert_rowid(m->out->db)) != 0)
        rc = dl_fail(m->err, DL_ENOMEM, "%s: %s: out of memory", m->out->path, op);
    return rc;
}

#define RUN_DATA_COLUMNS                                                                           \
    "seq, started_utc, ended_utc, end_status, first_index, time_offset_s, hostname, pid,"          \
    " proc_start_ticks, boot_id, software_version, git_revision, experiment_sha256,"               \
    " experiment_text, experiment_changed, sdl_version, video_driver, renderer, display_mode,"     \
    " nominal_refresh_ms, refresh_mean_ms, refresh_sd_ms, window_w, window_h, drawable_w,"         \
    " drawable_h, windowed, simulate, sched_policy, sched_priority, nice, memory_locked, frames,"  \
    " frames_dropped, deadlines_missed"

static int copy_runs(merge *m, int64_t src_id, int64_t dst_id)
{
    idmap_free(&m->runs);
    return copy_rows(m, "merge runs",
                     "SELECT id, " RUN_DATA_COLUMNS " FROM runs WHERE session_id = ?1 ORDER BY id",
                     src_id,
                     "INSERT INTO runs(session_id, " RUN_DATA_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"
                     " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
                     " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34,"
                     " ?35, ?36)",
                     run_row, &dst_id);
}

static int copy_session_children(merge *m, int64_t src_id, int64_t dst_id)
{
    int rc = copy_runs(m, src_id, dst_id);
    if (!rc)
        rc = copy_rows(
            m, "merge trials",
            "SELECT idx, practice, item_index, left_image, right_image, choice, correct, rt_ms,"
            " onset_s, response_s, frames_dropped, logged_utc, run_id FROM trials"
            " WHERE session_id = ?1 ORDER BY idx",
            src_id,
            "INSERT INTO trials(session_id, idx, practice, item_index, left_image, right_image,"
            " choice, correct, rt_ms, onset_s, response_s, frames_dropped, logged_utc, run_id)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            run_child_row, &dst_id);
    if (!rc)
        rc = copy_rows(
            m, "merge ratings",
            "SELECT idx, practice, item_index, image, q1, q2, q3, rt_q1_ms, rt_q2_ms, rt_q3_ms,"
            " onset_s, frames_dropped, logged_utc, run_id FROM ratings WHERE session_id = ?1"
            " ORDER BY idx",
            src_id,
            "INSERT INTO ratings(session_id, idx, practice, item_index, image, q1, q2, q3,"
            " rt_q1_ms, rt_q2_ms, rt_q3_ms, onset_s, frames_dropped, logged_utc, run_id)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            run_child_row, &dst_id);
    if (!rc)
        rc = copy_rows(m, "merge events",
                       "SELECT t_s, kind, detail, logged_utc, run_id FROM events"
                       " WHERE session_id = ?1 ORDER BY id",
                       src_id,
                       "INSERT INTO events(session_id, t_s, kind, detail, logged_utc, run_id)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       run_child_row, &dst_id);
    if (!rc)
        rc = copy_session_rows(m,
                               "SELECT idx, question, value, rt_ms, device, button, x_px, y_px"
                               " FROM answers WHERE session_id = ?1 ORDER BY idx, question",
                               "INSERT INTO answers(session_id, idx, question, value, rt_ms,"
                               " device, button, x_px, y_px)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                               src_id, dst_id);
    return rc;
}

/* superseded_by names a session of the same file: map it by UUID once all
 * of the source's sessions are in the output. */
static int merge_superseded(merge *m)
{
    const char *op = "merge replaced sessions";
    sqlite3_stmt *sel = NULL, *upd = NULL;
    int rc = st_prepare(m->in,
                        "SELECT a.uuid, b.uuid FROM sessions a JOIN sessions b"
                        " ON b.id = a.superseded_by ORDER BY a.id",
                        &sel, op, m->err);
    if (!rc)
        rc = st_prepare(m->out,
                        "UPDATE sessions SET superseded_by = (SELECT id FROM sessions"
                        " WHERE uuid = ?2) WHERE uuid = ?1 AND superseded_by IS NULL",
                        &upd, op, m->err);
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        sqlite3_bind_value(upd, 1, sqlite3_column_value(sel, 0));
        sqlite3_bind_value(upd, 2, sqlite3_column_value(sel, 1));
        rc = step_insert(m->out, upd, op, m->err);
    }
    if (!rc && step != SQLITE_DONE)
        rc = st_fail(m->in, step, op, m->err);
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return rc;
}

#define SESSION_DATA_COLUMNS                                                                       \
    "uuid, status, started_utc, ended_utc, seed, trial_order, norder, experiment_text,"            \
    " experiment_sha256, software_version, git_revision, sdl_version, video_driver, renderer,"     \
    " display_mode, refresh_mean_ms, refresh_sd_ms, window_w, window_h, drawable_w,"               \
    " drawable_h, viewing_distance_cm, screen_width_cm, pid, hostname, simulated,"              \
    " questions_json, sides_mirrored"

static int copy_session(merge *m, sqlite3_stmt *sel, int64_t *dst_id)
{
    const char *op = "merge sessions";
    sqlite3_stmt *ins = NULL;
    int rc = st_prepare(m->out,
                        "INSERT INTO sessions(observer_id, set_id, " SESSION_DATA_COLUMNS ")"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                        " ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28,"
                        " ?29, ?30)",
                        &ins, op, m->err);
    if (rc)
        return rc;
    sqlite3_bind_int64(ins, 1, idmap_get(&m->observers, sqlite3_column_int64(sel, 1)));
    sqlite3_bind_int64(ins, 2, idmap_get(&m->sets, sqlite3_column_int64(sel, 2)));
    bind_columns(ins, 3, sel, 3);
    rc = step_insert(m->out, ins, op, m->err);
    sqlite3_finalize(ins);
    if (!rc)
        *dst_id = sqlite3_last_insert_rowid(m->out->db);
    return rc;
}

static int merge_sessions(merge *m)
{
    const char *op = "merge sessions";
    sqlite3_stmt *sel = NULL;
    int rc = st_prepare(
        m->in, "SELECT id, observer_id, set_id, " SESSION_DATA_COLUMNS " FROM sessions ORDER BY id",
        &sel, op, m->err);
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        int64_t src_id = sqlite3_column_int64(sel, 0), dst_id = 0;
        char uuid[40];
        snprintf(uuid, sizeof uuid, "%s", st_col_text(sel, 3));
        rc = lookup(m->out, "SELECT id FROM sessions WHERE uuid = ?1", uuid, &dst_id, NULL, 0, op,
                    m->err);
        if (!rc && dst_id) {
            rc = same_session(m, uuid, src_id, dst_id); /* already there: copied once */
            continue;
        }
        if (!rc)
            rc = copy_session(m, sel, &dst_id);
        if (!rc)
            rc = copy_session_children(m, src_id, dst_id);
    }
    if (!rc && step != SQLITE_DONE)
        rc = st_fail(m->in, step, op, m->err);
    sqlite3_finalize(sel);
    return rc;
}

/* ---- the whole merge --------------------------------------------------------------------------
 */

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int merge_one(dl_store *out, const char *src, dl_error *err)
{
    merge m = {.out = out, .err = err};
    int rc = dl_store_open(src, DL_STORE_READONLY, &m.in, err);
    if (!rc)
        rc = merge_observers(&m);
    if (!rc)
        rc = merge_sets(&m);
    if (!rc)
        rc = merge_sessions(&m);
    if (!rc)
        rc = merge_superseded(&m);
    dl_store_close(m.in);
    idmap_free(&m.observers);
    idmap_free(&m.sets);
    idmap_free(&m.runs);
    return rc;
}

int dl_store_merge(const char *dst, const char *const *srcs, size_t nsrcs, dl_error *err)
{
    if (nsrcs == 0)
        return dl_fail(err, DL_EINVAL, "%s: merge: no input files", dst);
    for (size_t i = 0; i < nsrcs; i++)
        if (same_file(dst, srcs[i]))
            return dl_fail(err, DL_EINVAL, "%s: merge: the output is also an input", dst);
    /* A new output is built under a temporary name and appears only when
     * the merge committed: a failure, a full disk or a kill leaves nothing
     * under dst (and the next merge removes a killed one's temporary file). */
    dl_store *out = NULL;
    int rc = dl_store_open(dst, DL_STORE_NEW_ATOMIC, &out, err);
    if (rc)
        return rc;
    rc = st_begin(out, "merge", err);
    for (size_t i = 0; !rc && i < nsrcs; i++) {
        rc = merge_one(out, srcs[i], err);
        if (rc)
            dl_fail_prefix(err, "merge %s into %s: ", srcs[i], dst);
    }
    if (!rc)
        rc = st_commit(out, "merge", err);
    if (rc) {
        st_rollback(out);
        dl_store_close(out);
        return rc;
    }
    return dl_store_finish(out, err);
}
