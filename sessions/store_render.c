/* store_render.c — the store's answers as a reader sees them: the session
 * list, an export's summary, a merge's totals and a check's verdict, as an
 * aligned table or one JSON object on the caller's stream (`dddlab
 * sessions list`, `export`, `merge`, `db check`). */
#include <string.h>

#include "dl_store.h"

/* ---- sessions list ---- */

void dl_store_write_sessions_json(FILE *out, const char *db, const dl_session_summary *v, size_t n)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "db");
    dl_json_string(&j, db);
    dl_json_key(&j, "sessions");
    dl_json_array_begin(&j);
    for (size_t i = 0; i < n; i++) {
        dl_json_object_begin(&j);
        dl_json_key(&j, "uuid");
        dl_json_string(&j, v[i].uuid);
        dl_json_key(&j, "observer");
        dl_json_string(&j, v[i].observer_code);
        dl_json_key(&j, "set");
        dl_json_string(&j, v[i].set_name);
        dl_json_key(&j, "task");
        dl_json_string(&j, v[i].task);
        dl_json_key(&j, "status");
        dl_json_string(&j, v[i].status);
        dl_json_key(&j, "done");
        dl_json_int(&j, (long long)v[i].done);
        dl_json_key(&j, "total");
        dl_json_int(&j, (long long)v[i].total);
        dl_json_key(&j, "started_utc");
        dl_json_string(&j, v[i].started_utc);
        dl_json_key(&j, "ended_utc");
        if (v[i].ended_utc)
            dl_json_string(&j, v[i].ended_utc);
        else
            dl_json_null(&j);
        dl_json_key(&j, "hostname");
        dl_json_string(&j, v[i].hostname ? v[i].hostname : "");
        dl_json_key(&j, "simulated");
        dl_json_bool(&j, v[i].simulated);
        dl_json_key(&j, "runs");
        dl_json_int(&j, (long long)v[i].runs);
        dl_json_key(&j, "superseded");
        dl_json_bool(&j, v[i].superseded);
        dl_json_object_end(&j);
    }
    dl_json_array_end(&j);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

/* Column width: the longest value (capped so one long name cannot push the
 * table off the screen), at least the header. */
static int width_of(const dl_session_summary *v, size_t n, size_t field, int min)
{
    int w = min;
    for (size_t i = 0; i < n; i++) {
        const char *s = field == 0 ? v[i].observer_code : v[i].set_name;
        int len = dl_utf8_width(s ? s : "");
        if (len > w)
            w = len > 40 ? 40 : len;
    }
    return w;
}

void dl_store_write_sessions_text(FILE *out, const char *db, const dl_session_summary *v, size_t n)
{
    if (n == 0) {
        fprintf(out, "%s: no sessions\n", db);
        return;
    }
    int wo = width_of(v, n, 0, 8), ws = width_of(v, n, 1, 3);
    fprintf(out, "%-8s  %-*s  %-*s  %-6s  %-9s  %11s  %s\n", "session", wo, "observer", ws, "set",
            "task", "status", "done/total", "started (UTC)");
    for (size_t i = 0; i < n; i++) {
        char done[32];
        snprintf(done, sizeof done, "%zu/%zu", v[i].done, v[i].total);
        fprintf(out, "%-8.8s  ", v[i].uuid);
        dl_put_cell(out, v[i].observer_code ? v[i].observer_code : "", wo);
        fputs("  ", out);
        dl_put_cell(out, v[i].set_name ? v[i].set_name : "", ws);
        fprintf(out, "  %-6s  %-9s  %11s  %.19s%s%s\n", v[i].task, v[i].status, done,
                v[i].started_utc ? v[i].started_utc : "", v[i].simulated ? "  simulated" : "",
                v[i].superseded ? "  replaced" : "");
    }
    fprintf(out, "%zu session%s in %s\n", n, n == 1 ? "" : "s", db);
}

/* ---- export ---- */

void dl_store_write_export_json(FILE *out, const char *db, const char *table, const char *path,
                                size_t rows)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "db");
    dl_json_string(&j, db);
    dl_json_key(&j, "table");
    dl_json_string(&j, table);
    dl_json_key(&j, "out");
    dl_json_string(&j, path);
    dl_json_key(&j, "rows");
    dl_json_int(&j, (long long)rows);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

/* ---- merge ---- */

void dl_store_write_merge(FILE *fp, int json, const char *out, const char *const *inputs,
                          size_t ninputs, const dl_store_report *r)
{
    if (!json) {
        fprintf(fp,
                "merged %zu file%s into %s: %lld sets, %lld observers, %lld sessions, "
                "%lld trials, %lld ratings\n",
                ninputs, ninputs == 1 ? "" : "s", out, (long long)r->sets, (long long)r->observers,
                (long long)r->sessions, (long long)r->trials, (long long)r->ratings);
        return;
    }
    dl_json j;
    dl_json_init(&j, fp);
    dl_json_object_begin(&j);
    dl_json_key(&j, "out");
    dl_json_string(&j, out);
    dl_json_key(&j, "inputs");
    dl_json_array_begin(&j);
    for (size_t i = 0; i < ninputs; i++)
        dl_json_string(&j, inputs[i]);
    dl_json_array_end(&j);
    const char *keys[] = {"sets", "observers", "sessions", "trials", "ratings", "events"};
    const int64_t vals[] = {r->sets, r->observers, r->sessions, r->trials, r->ratings, r->events};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        dl_json_key(&j, keys[i]);
        dl_json_int(&j, (long long)vals[i]);
    }
    dl_json_object_end(&j);
    dl_json_end(&j);
}

/* ---- check ---- */

/* Schema version 0 is an empty file or another program's database: intact,
 * perhaps, but not a dddlab database. */
int dl_store_report_ok(const dl_store_report *r)
{
    return r->integrity_ok && r->foreign_keys_ok && r->schema_version >= 1 &&
           r->schema_version <= DL_STORE_SCHEMA_VERSION;
}

static const char *const count_names[] = {"sets",      "images",  "observers", "sessions",
                                          "trials",    "ratings", "events",    "running",
                                          "completed", "aborted", "crashed"};

static void report_counts(const dl_store_report *r, int64_t v[11])
{
    const int64_t c[11] = {r->sets,   r->images,  r->observers, r->sessions, r->trials, r->ratings,
                           r->events, r->running, r->completed, r->aborted,  r->crashed};
    memcpy(v, c, sizeof c);
}

void dl_store_write_check_json(FILE *out, const char *db, const dl_store_report *r)
{
    int64_t v[11];
    report_counts(r, v);
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "db");
    dl_json_string(&j, db);
    dl_json_key(&j, "ok");
    dl_json_bool(&j, dl_store_report_ok(r));
    dl_json_key(&j, "integrity");
    dl_json_string(&j, r->integrity);
    dl_json_key(&j, "foreign_keys_ok");
    dl_json_bool(&j, r->foreign_keys_ok);
    dl_json_key(&j, "schema_version");
    dl_json_int(&j, r->schema_version);
    dl_json_key(&j, "program_schema_version");
    dl_json_int(&j, DL_STORE_SCHEMA_VERSION);
    dl_json_key(&j, "journal_mode");
    dl_json_string(&j, r->journal_mode);
    dl_json_key(&j, "counts");
    dl_json_object_begin(&j);
    for (size_t i = 0; i < 11; i++) {
        dl_json_key(&j, count_names[i]);
        if (v[i] < 0)
            dl_json_null(&j);
        else
            dl_json_int(&j, (long long)v[i]);
    }
    dl_json_object_end(&j);
    dl_json_key(&j, "orphan_rows");
    dl_json_int(&j, (long long)r->orphans);
    dl_json_key(&j, "orphans");
    dl_json_string(&j, r->orphan_text);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

void dl_store_write_check_text(FILE *out, const char *db, const dl_store_report *r)
{
    int64_t v[11];
    report_counts(r, v);
    fprintf(out, "%s\n", db);
    fprintf(out, "  %-16s %s\n", "integrity", r->integrity);
    fprintf(out, "  %-16s %s\n", "foreign keys", r->foreign_keys_ok ? "ok" : "broken references");
    if (r->orphans > 0)
        fprintf(out, "  %-16s %s\n", "orphan rows", r->orphan_text);
    fprintf(out, "  %-16s %d (this dddlab writes %d)\n", "schema version", r->schema_version,
            DL_STORE_SCHEMA_VERSION);
    fprintf(out, "  %-16s %s\n", "journal mode", r->journal_mode);
    for (size_t i = 0; i < 11; i++) {
        if (v[i] < 0)
            fprintf(out, "  %-16s -\n", count_names[i]);
        else
            fprintf(out, "  %-16s %lld\n", count_names[i], (long long)v[i]);
    }
}

int dl_store_check_verdict(const char *db, const dl_store_report *r, dl_error *err)
{
    if (dl_store_report_ok(r))
        return 0;
    if (r->schema_version > DL_STORE_SCHEMA_VERSION)
        return dl_fail(err, DL_ESCHEMA,
                       "%s: schema version %d is newer than this dddlab knows (version %d); use a "
                       "newer dddlab",
                       db, r->schema_version, DL_STORE_SCHEMA_VERSION);
    if (r->integrity_ok && r->foreign_keys_ok && r->schema_version == 0)
        return dl_fail(err, DL_EINVAL,
                       "%s: not a dddlab database (schema version 0: an empty file or another "
                       "program's database)",
                       db);
    return dl_fail(err, DL_ECORRUPT,
                   "%s: the database is damaged: %s%s%s; restore it from its backup (sqlite3's "
                   "'.recover' can salvage what is left into a new file)",
                   db, r->integrity_ok ? "" : r->integrity,
                   r->foreign_keys_ok ? ""
                   : r->integrity_ok  ? "foreign keys point at missing rows: "
                                      : "; foreign keys point at missing rows: ",
                   r->foreign_keys_ok ? ""
                   : r->orphans > 0   ? r->orphan_text
                                      : "(could not be listed)");
}
