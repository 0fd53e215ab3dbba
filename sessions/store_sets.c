/* store_sets.c — stimulus sets and their items. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* ---- the content hash ----------------------------------------------------------- */

/* Strings enter the canonical text with their length in front, so no choice
 * of separator inside a path can make two different sets hash alike. */
static void hash_str(dl_sha256 *h, const char *s)
{
    char head[32];
    if (!s) {
        dl_sha256_update(h, "-;", 2);
        return;
    }
    size_t n = strlen(s);
    int k = snprintf(head, sizeof head, "%zu:", n);
    dl_sha256_update(h, head, (size_t)k);
    dl_sha256_update(h, s, n);
    dl_sha256_update(h, ";", 1);
}

static void hash_int(dl_sha256 *h, long long v)
{
    char buf[32];
    int k = snprintf(buf, sizeof buf, "%lld;", v);
    dl_sha256_update(h, buf, (size_t)k);
}

/* %.17g round-trips a double exactly; every unknown value is spelt "NA". */
static void hash_double(dl_sha256 *h, double d)
{
    char buf[64];
    int k = isfinite(d) ? snprintf(buf, sizeof buf, "%.17g;", d) : snprintf(buf, sizeof buf, "NA;");
    dl_sha256_update(h, buf, (size_t)k);
}

static void hash_image(dl_sha256 *h, const dl_set_image *im)
{
    if (!im->path) {
        dl_sha256_update(h, "no-image;", 9);
        return;
    }
    hash_str(h, im->path);
    hash_str(h, im->sha256);
    hash_int(h, im->width_px);
    hash_int(h, im->height_px);
    hash_str(h, im->difficulty);
    hash_double(h, im->frac_correct);
    hash_str(h, im->class_label);
    hash_int(h, im->label_error < 0 ? -1 : im->label_error);
}

int st_set_content_sha256(const dl_stim_set *set, char hex[65])
{
    dl_sha256 h;
    dl_sha256_init(&h);
    dl_sha256_update(&h, "dddlab-set-v1;", 14);
    hash_str(&h, set->task);
    for (size_t i = 0; i < set->nitems; i++) {
        const dl_set_item *it = &set->items[i];
        hash_int(&h, it->index);
        hash_int(&h, it->practice != 0);
        hash_int(&h, it->trivial_left != 0);
        hash_image(&h, &it->a);
        hash_image(&h, &it->b);
        dl_sha256_update(&h, "\n", 1);
    }
    dl_sha256_hex(&h, hex);
    return 0;
}

/* ---- adding a set ------------------------------------------------------------------ */

static int insert_set_row(dl_store *st, dl_stim_set *set, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "INSERT INTO stimulus_sets(name, task, created_utc, seed, params_json,"
                        " results_sha256, image_root, content_sha256)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        &s, op, err);
    if (rc)
        return rc;
    st_bind_text(s, 1, set->name);
    st_bind_text(s, 2, set->task);
    st_bind_text(s, 3, set->created_utc);
    sqlite3_bind_int64(s, 4, (int64_t)set->seed);
    st_bind_text(s, 5, set->params_json);
    st_bind_text(s, 6, set->results_sha256);
    st_bind_text(s, 7, set->image_root);
    st_bind_text(s, 8, set->content_sha256);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step == SQLITE_CONSTRAINT_UNIQUE)
        return dl_fail(err, DL_EEXIST, "%s: %s: a stimulus set named '%s' already exists", st->path,
                       op, set->name);
    if (step != SQLITE_DONE)
        return st_fail(st, step, op, err);
    set->id = sqlite3_last_insert_rowid(st->db);
    return 0;
}

typedef struct set_stmts {
    sqlite3_stmt *insert_image, *find_image, *insert_item;
} set_stmts;

static void set_stmts_free(set_stmts *ss)
{
    sqlite3_finalize(ss->insert_image);
    sqlite3_finalize(ss->find_image);
    sqlite3_finalize(ss->insert_item);
}

static int set_stmts_prepare(dl_store *st, set_stmts *ss, const char *op, dl_error *err)
{
    int rc = st_prepare(st,
                        "INSERT INTO images(set_id, path, sha256, width_px, height_px, difficulty,"
                        " frac_correct, class_label, label_error)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                        " ON CONFLICT (set_id, path) DO NOTHING",
                        &ss->insert_image, op, err);
    if (!rc)
        rc = st_prepare(st, "SELECT id, sha256 FROM images WHERE set_id = ?1 AND path = ?2",
                        &ss->find_image, op, err);
    if (!rc)
        rc = st_prepare(st,
                        "INSERT INTO set_items(set_id, idx, practice, trivial_left, image_a,"
                        " image_b) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &ss->insert_item, op, err);
    return rc;
}

/* The id of the set's image row for im, adding the row the first time the
 * path is seen. The same path with other bytes in one set is a broken set. */
static int image_id(dl_store *st, set_stmts *ss, const dl_stim_set *set, const dl_set_image *im,
                    int64_t *id, const char *op, dl_error *err)
{
    sqlite3_stmt *s = ss->insert_image;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, set->id);
    st_bind_text(s, 2, im->path);
    st_bind_text(s, 3, im->sha256);
    sqlite3_bind_int(s, 4, im->width_px);
    sqlite3_bind_int(s, 5, im->height_px);
    st_bind_text(s, 6, im->difficulty);
    st_bind_double(s, 7, im->frac_correct);
    st_bind_text(s, 8, im->class_label);
    st_bind_int_unknown(s, 9, im->label_error);
    int step = sqlite3_step(s);
    if (step != SQLITE_DONE)
        return st_fail(st, step, op, err);
    if (sqlite3_changes(st->db) == 1) {
        *id = sqlite3_last_insert_rowid(st->db);
        return 0;
    }
    s = ss->find_image;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, set->id);
    st_bind_text(s, 2, im->path);
    step = sqlite3_step(s);
    if (step != SQLITE_ROW)
        return st_fail(st, step, op, err);
    *id = sqlite3_column_int64(s, 0);
    if (strcmp(st_col_text(s, 1), im->sha256) != 0)
        return dl_fail(err, DL_EINVAL,
                       "%s: %s: image '%s' appears twice in set '%s' with different SHA-256",
                       st->path, op, im->path, set->name);
    return 0;
}

static int insert_item(dl_store *st, set_stmts *ss, const dl_stim_set *set, const dl_set_item *it,
                       const char *op, dl_error *err)
{
    int64_t a = 0, b = 0;
    if (!it->a.path)
        return dl_fail(err, DL_EINVAL, "%s: %s: item %d of set '%s' has no image", st->path, op,
                       it->index, set->name);
    int rc = image_id(st, ss, set, &it->a, &a, op, err);
    if (!rc && it->b.path)
        rc = image_id(st, ss, set, &it->b, &b, op, err);
    if (rc)
        return rc;
    sqlite3_stmt *s = ss->insert_item;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, set->id);
    sqlite3_bind_int(s, 2, it->index);
    sqlite3_bind_int(s, 3, it->practice != 0);
    sqlite3_bind_int(s, 4, it->trivial_left != 0);
    sqlite3_bind_int64(s, 5, a);
    if (it->b.path)
        sqlite3_bind_int64(s, 6, b);
    else
        sqlite3_bind_null(s, 6);
    int step = sqlite3_step(s);
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY)
        return dl_fail(err, DL_EINVAL, "%s: %s: item index %d appears twice in set '%s'", st->path,
                       op, it->index, set->name);
    return step == SQLITE_DONE ? 0 : st_fail(st, step, op, err);
}

static int task_name_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '-' ||
              t[i] == '_'))
            return 0;
    return 1;
}

static int check_set(dl_store *st, const dl_stim_set *set, const char *op, dl_error *err)
{
    if (!set->name || !set->name[0])
        return dl_fail(err, DL_EINVAL, "%s: %s: the set has no name", st->path, op);
    /* Any task name: which tasks exist is the runner's business (its task
     * table refuses a set it cannot run), so a new task needs no change
     * here or in the schema. Only a plain word is stored. */
    if (!task_name_ok(set->task))
        return dl_fail(err, DL_EINVAL,
                       "%s: %s: task '%s' is not a task name (lower-case letters, digits, "
                       "'-' and '_', at most 32)",
                       st->path, op, set->task ? set->task : "(none)");
    for (size_t i = 0; i < set->nitems; i++) {
        const dl_set_image *ims[2] = {&set->items[i].a, &set->items[i].b};
        for (int k = 0; k < 2; k++)
            if (ims[k]->path && strlen(ims[k]->sha256) != 64)
                return dl_fail(err, DL_EINVAL, "%s: %s: image '%s' has no SHA-256", st->path, op,
                               ims[k]->path);
    }
    return 0;
}

int dl_store_add_set(dl_store *st, dl_stim_set *set, dl_error *err)
{
    char op[160];
    snprintf(op, sizeof op, "add stimulus set '%s'", set->name ? set->name : "");
    int rc = check_set(st, set, op, err);
    if (rc)
        return rc;
    char hex[65], now[32];
    st_set_content_sha256(set, hex);
    dl_utc_iso(now);
    char *hash = dl_strdup(hex), *created = set->created_utc ? NULL : dl_strdup(now);
    if (!hash || (!set->created_utc && !created)) {
        free(hash);
        free(created);
        return dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", st->path, op);
    }
    free(set->content_sha256);
    set->content_sha256 = hash;
    if (created)
        set->created_utc = created;
    set_stmts ss = {0};
    rc = st_begin(st, op, err);
    if (rc)
        return rc;
    rc = insert_set_row(st, set, op, err);
    if (!rc)
        rc = set_stmts_prepare(st, &ss, op, err);
    for (size_t i = 0; !rc && i < set->nitems; i++)
        rc = insert_item(st, &ss, set, &set->items[i], op, err);
    set_stmts_free(&ss);
    if (!rc)
        rc = st_commit(st, op, err);
    if (rc) {
        st_rollback(st);
        set->id = 0;
    }
    return rc;
}

/* ---- finding a set ------------------------------------------------------------------- */

static int read_set_row(dl_store *st, const char *name, dl_stim_set *set, const char *op,
                        dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = st_prepare(st,
                        "SELECT id, name, task, created_utc, seed, params_json, results_sha256,"
                        " image_root, content_sha256 FROM stimulus_sets WHERE name = ?1",
                        &s, op, err);
    if (rc)
        return rc;
    st_bind_text(s, 1, name);
    int step = sqlite3_step(s), oom = 0;
    if (step == SQLITE_ROW) {
        set->id = sqlite3_column_int64(s, 0);
        set->name = st_col_strdup(s, 1, &oom);
        set->task = st_col_strdup(s, 2, &oom);
        set->created_utc = st_col_strdup(s, 3, &oom);
        set->seed = (uint64_t)sqlite3_column_int64(s, 4);
        set->params_json = st_col_strdup(s, 5, &oom);
        set->results_sha256 = st_col_strdup(s, 6, &oom);
        set->image_root = st_col_strdup(s, 7, &oom);
        set->content_sha256 = st_col_strdup(s, 8, &oom);
    }
    sqlite3_finalize(s);
    if (step == SQLITE_DONE)
        return dl_fail(err, DL_ENOENT, "%s: %s: no stimulus set named '%s'", st->path, op, name);
    if (step != SQLITE_ROW)
        return st_fail(st, step, op, err);
    return oom ? dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", st->path, op) : 0;
}

/* Image columns start at col: path, sha256, w, h, difficulty, frac, class, error. */
static void read_image(sqlite3_stmt *s, int col, dl_set_image *im, int *oom)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL) {
        im->frac_correct = NAN;
        im->label_error = -1;
        return;
    }
    im->path = st_col_strdup(s, col, oom);
    snprintf(im->sha256, sizeof im->sha256, "%s", st_col_text(s, col + 1));
    im->width_px = sqlite3_column_int(s, col + 2);
    im->height_px = sqlite3_column_int(s, col + 3);
    im->difficulty = st_col_strdup(s, col + 4, oom);
    im->frac_correct = st_col_double(s, col + 5);
    im->class_label = st_col_strdup(s, col + 6, oom);
    im->label_error = st_col_int_unknown(s, col + 7);
}

static int read_items(dl_store *st, dl_stim_set *set, const char *op, dl_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc =
        st_prepare(st,
                   "SELECT it.idx, it.practice, it.trivial_left,"
                   " a.path, a.sha256, a.width_px, a.height_px, a.difficulty, a.frac_correct,"
                   " a.class_label, a.label_error,"
                   " b.path, b.sha256, b.width_px, b.height_px, b.difficulty, b.frac_correct,"
                   " b.class_label, b.label_error,"
                   " (SELECT count(*) FROM set_items WHERE set_id = ?1)"
                   " FROM set_items it JOIN images a ON a.id = it.image_a"
                   " LEFT JOIN images b ON b.id = it.image_b WHERE it.set_id = ?1 ORDER BY it.idx",
                   &s, op, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, set->id);
    int step, oom = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && !oom) {
        if (!set->items) {
            size_t n = (size_t)sqlite3_column_int64(s, 19);
            set->items = dl_calloc(n, sizeof *set->items);
            if (!set->items) {
                oom = 1;
                break;
            }
        }
        dl_set_item *it = &set->items[set->nitems++];
        it->index = sqlite3_column_int(s, 0);
        it->practice = sqlite3_column_int(s, 1);
        it->trivial_left = sqlite3_column_int(s, 2);
        read_image(s, 3, &it->a, &oom);
        read_image(s, 11, &it->b, &oom);
    }
    sqlite3_finalize(s);
    if (oom)
        return dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", st->path, op);
    return step == SQLITE_DONE ? 0 : st_fail(st, step, op, err);
}

int dl_store_find_set(dl_store *st, const char *name, dl_stim_set **out, dl_error *err)
{
    char op[160];
    snprintf(op, sizeof op, "find stimulus set '%s'", name);
    *out = NULL;
    dl_stim_set *set = dl_calloc(1, sizeof *set);
    if (!set)
        return dl_fail(err, DL_ENOMEM, "%s: %s: out of memory", st->path, op);
    /* One read transaction, so the items match the set row we read. */
    int rc = st_exec(st, "BEGIN", op, err);
    if (rc) {
        free(set);
        return rc;
    }
    rc = read_set_row(st, name, set, op, err);
    if (!rc)
        rc = read_items(st, set, op, err);
    st_exec(st, "COMMIT", op, NULL);
    if (rc) {
        dl_stim_set_free(set);
        return rc;
    }
    *out = set;
    return 0;
}
