/* store_export.c — tidy long CSV of one table, with the names joined in that R
 * and pandas users need (observer code, session UUID, set name, image names,
 * difficulty class), so nobody has to join ids by hand.
 *
 * Every table is one fixed SELECT; its column names are the CSV header. SQL
 * NULL becomes NA. Every session is exported whatever its status; the
 * session_status column lets the analyst filter. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

typedef struct export_table {
    const char *name;
    const char *sql;
} export_table;

static const export_table tables[] = {
    {"trials",
     "SELECT o.code AS observer, s.uuid AS session_uuid, s.status AS session_status,"
     " t.name AS set_name, tr.idx AS trial, tr.practice, tr.item_index,"
     " tr.left_image, tr.right_image, ia.path AS trivial_image, ib.path AS impossible_image,"
     /* the side it was shown on (sessions may mirror the set's sides) */
     " CASE WHEN ia.path IS NULL THEN NULL WHEN tr.left_image = ia.path THEN 'left'"
     "  ELSE 'right' END AS trivial_side,"
     " CASE tr.choice WHEN 0 THEN 'left' WHEN 1 THEN 'right' END AS choice,"
     " CASE tr.choice WHEN 0 THEN tr.left_image WHEN 1 THEN tr.right_image END"
     "  AS chosen_image,"
     " CASE WHEN tr.choice < 0 THEN NULL ELSE tr.correct END AS correct,"
     " tr.rt_ms, tr.onset_s, tr.response_s, tr.frames_dropped,"
     " ia.frac_correct AS trivial_frac_correct, ib.frac_correct AS impossible_frac_correct,"
     " ia.class_label AS trivial_class_label, ib.class_label AS impossible_class_label,"
     " tr.logged_utc"
     " FROM trials tr JOIN sessions s ON s.id = tr.session_id"
     " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
     " LEFT JOIN set_items it ON it.set_id = s.set_id AND it.idx = tr.item_index"
     " LEFT JOIN images ia ON ia.id = it.image_a LEFT JOIN images ib ON ib.id = it.image_b"
     " ORDER BY o.code, s.started_utc, s.id, tr.idx"},
    {"ratings",
     "SELECT o.code AS observer, s.uuid AS session_uuid, s.status AS session_status,"
     " t.name AS set_name, r.idx AS trial, r.practice, r.item_index, r.image,"
     " ia.difficulty, ia.frac_correct, ia.class_label, ia.label_error,"
     " r.q1, r.q2, r.q3, r.rt_q1_ms, r.rt_q2_ms, r.rt_q3_ms, r.onset_s, r.frames_dropped,"
     " r.logged_utc"
     " FROM ratings r JOIN sessions s ON s.id = r.session_id"
     " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
     " LEFT JOIN set_items it ON it.set_id = s.set_id AND it.idx = r.item_index"
     " LEFT JOIN images ia ON ia.id = it.image_a"
     " ORDER BY o.code, s.started_utc, s.id, r.idx"},
    {"sessions", "SELECT s.uuid AS session_uuid, o.code AS observer, t.name AS set_name, t.task,"
                 " s.status, s.started_utc, s.ended_utc,"
                 " (SELECT count(*) FROM trials WHERE session_id = s.id)"
                 " + (SELECT count(*) FROM ratings WHERE session_id = s.id) AS trials_done,"
                 " s.norder AS trials_total, printf('%llu', s.seed) AS seed, s.trial_order,"
                 " s.experiment_sha256, s.software_version, s.git_revision, s.sdl_version,"
                 " s.video_driver, s.renderer, s.display_mode, s.refresh_mean_ms, s.refresh_sd_ms,"
                 " s.window_w, s.window_h, s.drawable_w, s.drawable_h, s.viewing_distance_cm,"
                 " s.screen_width_cm, s.hostname, s.pid, s.simulated, s.sides_mirrored,"
                 " (SELECT uuid FROM sessions x WHERE x.id = s.superseded_by) AS superseded_by,"
                 " (SELECT count(*) FROM runs WHERE session_id = s.id) AS runs"
                 " FROM sessions s JOIN observers o ON o.id = s.observer_id"
                 " JOIN stimulus_sets t ON t.id = s.set_id ORDER BY s.started_utc, s.id"},
    {"runs",
     "SELECT s.uuid AS session_uuid, o.code AS observer, t.name AS set_name, r.seq AS run,"
     " r.started_utc, r.ended_utc, r.end_status, r.first_index, r.time_offset_s, r.hostname,"
     " r.pid, r.proc_start_ticks, r.boot_id, r.software_version, r.git_revision,"
     " r.experiment_sha256, r.experiment_changed, r.sdl_version, r.video_driver, r.renderer,"
     " r.display_mode, r.nominal_refresh_ms, r.refresh_mean_ms, r.refresh_sd_ms, r.window_w,"
     " r.window_h, r.drawable_w, r.drawable_h, r.windowed, r.simulate, r.sched_policy,"
     " r.sched_priority, r.nice, r.memory_locked, r.frames, r.frames_dropped,"
     " r.deadlines_missed"
     " FROM runs r JOIN sessions s ON s.id = r.session_id"
     " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
     " ORDER BY s.started_utc, s.id, r.seq"},
    {"answers",
     "SELECT o.code AS observer, s.uuid AS session_uuid, s.status AS session_status,"
     " t.name AS set_name, a.idx AS trial, a.question, a.value, a.rt_ms, a.device, a.button,"
     " a.x_px, a.y_px"
     " FROM answers a JOIN sessions s ON s.id = a.session_id"
     " JOIN observers o ON o.id = s.observer_id JOIN stimulus_sets t ON t.id = s.set_id"
     " ORDER BY o.code, s.started_utc, s.id, a.idx, a.question"},
    {"observers",
     "SELECT o.code AS observer, o.age, o.gender, o.handedness, o.vision_corrected, o.naive,"
     " o.created_utc, (SELECT count(*) FROM sessions WHERE observer_id = o.id) AS sessions"
     " FROM observers o ORDER BY o.code"},
    {"stimuli",
     "SELECT t.name AS set_name, t.task, printf('%llu', t.seed) AS set_seed,"
     " t.content_sha256 AS set_sha256, t.results_sha256, it.idx AS item_index, it.practice,"
     " CASE WHEN t.task = 'rating' THEN 'image' WHEN im.id = it.image_a THEN 'trivial'"
     "  ELSE 'impossible' END AS role,"
     " CASE WHEN t.task = 'rating' THEN NULL"
     "  WHEN (im.id = it.image_a) = (it.trivial_left = 1) THEN 'left' ELSE 'right' END AS side,"
     " im.path AS image, im.sha256, im.width_px, im.height_px, im.difficulty,"
     " im.frac_correct, im.class_label, im.label_error"
     " FROM set_items it JOIN stimulus_sets t ON t.id = it.set_id"
     " JOIN images im ON im.id = it.image_a OR im.id = it.image_b"
     " ORDER BY t.name, it.idx, im.id = it.image_b"},
};
#define NTABLES (sizeof tables / sizeof *tables)

static void write_value(FILE *out, sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
        fputs("NA", out);
        break;
    case SQLITE_FLOAT:
        dl_csv_write_num(out, sqlite3_column_double(s, i)); /* as every table */
        break;
    default:
        dl_csv_write_field(out, (const char *)sqlite3_column_text(s, i));
    }
}

static int write_csv(dl_store *st, sqlite3_stmt *s, FILE *out, size_t *nrows, const char *op,
                     dl_error *err)
{
    int ncols = sqlite3_column_count(s);
    for (int i = 0; i < ncols; i++) {
        if (i)
            fputc(',', out);
        dl_csv_write_field(out, sqlite3_column_name(s, i));
    }
    fputc('\n', out);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            if (i)
                fputc(',', out);
            write_value(out, s, i);
        }
        fputc('\n', out);
        (*nrows)++;
    }
    return step == SQLITE_DONE ? 0 : st_fail(st, step, op, err);
}

static const export_table *find_table(const char *name)
{
    for (size_t i = 0; name && i < NTABLES; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

int dl_store_export_known(const char *table)
{
    return find_table(table) != NULL;
}

int dl_store_export(dl_store *st, const char *table, const char *path, dl_error *err)
{
    return dl_store_export_count(st, table, path, NULL, err);
}

int dl_store_export_count(dl_store *st, const char *table, const char *path, size_t *nrows,
                          dl_error *err)
{
    size_t rows = 0;
    if (nrows)
        *nrows = 0;
    char op[128];
    snprintf(op, sizeof op, "export %s", table ? table : "(none)");
    const export_table *t = find_table(table);
    if (!t)
        return dl_fail(err, DL_EINVAL,
                       "%s: %s: no such table (trials, ratings, answers, sessions, runs, observers, "
                       "stimuli)",
                       st->path, op);
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st, t->sql, &s, op, err);
    if (rc)
        return rc;
    int to_stdout = strcmp(path, "-") == 0;
    dl_atomic a = {0};
    if (!to_stdout && (rc = dl_atomic_open(&a, path, err)) != 0) {
        sqlite3_finalize(s);
        return rc;
    }
    FILE *out = to_stdout ? stdout : a.fp;
    rc = write_csv(st, s, out, &rows, op, err);
    if (nrows)
        *nrows = rows;
    sqlite3_finalize(s);
    if (to_stdout) {
        if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
            rc = dl_fail(err, DL_EIO, "%s: %s: cannot write to standard output", st->path, op);
        return rc;
    }
    if (rc) {
        dl_atomic_abort(&a);
        return rc;
    }
    return dl_atomic_commit(&a, err);
}
