/* cmd_store.c — the store's commands: `sessions list`, `export`, `merge` and
 * `db check`. They only read a database, except merge, which writes its
 * output in one transaction; what they show is sessions/store_render.c. */
#include <string.h>

#include "cli.h"
#include "dl_store.h"

#define DEFAULT_DB "dddlab.sqlite"

/* Options of the commands that read one database (and merge's --out). */
typedef struct db_opts {
    const char *db;
    const char *table;
    const char *out;
    int json;
} db_opts;

#define T db_opts
#define DB_OPT DL_OPT_STR(T, "db", db, "PATH", "the database (default " DEFAULT_DB ")")
static const dl_opt sessions_table[] = {
    DB_OPT,
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: db, sessions [{uuid, observer, set, task,\n"
                "status, done, total, started_utc, ended_utc, hostname,\n"
                "simulated, runs, superseded}]"),
};
static const dl_opt export_table[] = {
    DL_OPT_STR(T, "table", table, "TABLE",
               "trials, ratings, answers, sessions, runs, observers or\n"
               "stimuli"),
    DB_OPT,
    DL_OPT_STR(T, "out", out, "FILE", "the CSV file (default: standard output)"),
    DL_OPT_FLAG(T, "json", 0, json, "with --out: one JSON object: db, table, out, rows"),
};
static const dl_opt merge_table[] = {
    DL_OPT_STR(T, "out", out, "PATH", "the merged database"),
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: out, inputs, sets, observers, sessions,\n"
                "trials, ratings, events (totals in the output)"),
};
static const dl_opt db_table[] = {
    DB_OPT,
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: db, ok, integrity, foreign_keys_ok,\n"
                "schema_version, program_schema_version, journal_mode,\n"
                "counts {sets, images, observers, sessions, trials, ratings,\n"
                "events, running, completed, aborted, crashed}, orphan_rows,\n"
                "orphans (rows whose parent row is missing)"),
};
#undef DB_OPT
#undef T
static const dl_opt_group sessions_groups[] = {DL_OPT_GROUP(sessions_table, 0)};
static const dl_opt_group export_groups[] = {DL_OPT_GROUP(export_table, 0)};
static const dl_opt_group merge_groups[] = {DL_OPT_GROUP(merge_table, 0)};
static const dl_opt_group db_groups[] = {DL_OPT_GROUP(db_table, 0)};

static const dl_opt_spec cli_spec_sessions = {
    .cmd = "sessions",
    .args = "list",
    .about = "List the sessions stored in a database, oldest first: observer code,\n"
             "stimulus set, task, status (running, completed, aborted, crashed),\n"
             "trials done / total and start time (UTC); \"simulated\" marks sessions a\n"
             "simulated observer answered (--simulate), \"replaced\" unfinished ones an\n"
             "observer left for a new session (--new-session).\n",
    .groups = sessions_groups,
    .ngroups = 1,
    .npos_max = 1, /* `list`, the one subcommand, which may be left out */
    .epilog = "example: dddlab sessions list --db lab1.sqlite\n"};

static const dl_opt_spec cli_spec_export = {
    .cmd = "export",
    .about =
        "Write one table of a database as tidy long CSV (RFC 4180), one row per\n"
        "trial, rating, answer, session, run, observer or stimulus image, with\n"
        "observer code, session UUID, set name, image names and difficulty class\n"
        "joined in, so R and pandas load it directly. Missing values are NA. Sessions of every\n"
        "status are exported; filter on session_status. The file is written to a\n"
        "temporary name and renamed, so a half-written FILE never exists.\n",
    .groups = export_groups,
    .ngroups = 1,
    .required = "table",
    .epilog = "example: dddlab export --db lab.sqlite --table trials --out trials.csv\n"};

static const dl_opt_spec cli_spec_merge = {
    .cmd = "merge",
    .args = "A.sqlite B.sqlite ...",
    .about = "Combine the databases of several testing stations into one. Observers are\n"
             "matched by code (the first file's record is kept), stimulus sets by name\n"
             "and content hash, sessions by UUID: a session found twice is copied once.\n"
             "It is an error, and nothing is written, when two files hold a set of the\n"
             "same name with different items, or a session with the same UUID but\n"
             "different trials. The output (created when missing) is written in one\n"
             "transaction: a failed merge leaves it as it was.\n",
    .groups = merge_groups,
    .ngroups = 1,
    .required = "out",
    .npos_min = 1,
    .npos_max = DL_OPT_MANY,
    .missing = "expected at least one database to merge",
    .epilog = "example: dddlab merge --out all.sqlite station1.sqlite station2.sqlite\n"};

static const dl_opt_spec cli_spec_db = {
    .cmd = "db check",
    .about = "Check a database without changing it: SQLite's integrity check, foreign\n"
             "keys, the schema version (against the one this dddlab writes) and how\n"
             "many sets, observers, sessions, trials, ratings and events it holds.\n"
             "Exit status 1 when the file is damaged or newer than this dddlab.\n",
    .groups = db_groups,
    .ngroups = 1,
    .epilog = "example: dddlab db check --db lab.sqlite\n"};

/* Parse s's options into o, the database's default first. */
static int parse(const dl_opt_spec *s, int argc, char **argv, db_opts *o, dl_opt_args *a)
{
    *o = (db_opts){.db = DEFAULT_DB};
    return cli_parse(s, argc, argv, o, a);
}

static int cmd_sessions(int argc, char **argv)
{
    db_opts o;
    dl_opt_args a;
    int rc = parse(&cli_spec_sessions, argc, argv, &o, &a);
    if (rc)
        return rc;
    if (a.npos == 1 && strcmp(a.pos[0], "list") != 0)
        return cli_usage("sessions", "unknown subcommand '%s' (the one subcommand is 'list')",
                         a.pos[0]);
    dl_error err = {0};
    dl_store *st = NULL;
    dl_session_summary *v = NULL;
    size_t n = 0;
    rc = dl_store_open(o.db, DL_STORE_READONLY, &st, &err);
    if (!rc)
        rc = dl_store_list_sessions(st, &v, &n, &err);
    dl_store_close(st);
    if (rc)
        return cli_fail(rc, &err);
    if (o.json)
        dl_store_write_sessions_json(stdout, o.db, v, n);
    else
        dl_store_write_sessions_text(stdout, o.db, v, n);
    dl_session_summaries_free(v, n);
    return DL_EXIT_OK;
}

static int cmd_export(int argc, char **argv)
{
    const char *cmd = "export";
    db_opts o;
    dl_opt_args a;
    int rc = parse(&cli_spec_export, argc, argv, &o, &a);
    if (rc)
        return rc;
    if (!dl_store_export_known(o.table))
        return cli_usage(cmd,
                         "--table must be trials, ratings, answers, sessions, runs, observers "
                         "or stimuli, not '%s'",
                         o.table);
    if (o.json && (!o.out || strcmp(o.out, "-") == 0))
        return cli_usage(cmd, "--json needs --out (the CSV would share standard output)");
    dl_error err = {0};
    dl_store *st = NULL;
    size_t rows = 0;
    rc = dl_store_open(o.db, DL_STORE_READONLY, &st, &err);
    if (!rc)
        dl_store_write_orphans(stderr, st, o.db, "this export");
    if (!rc)
        rc = dl_store_export_count(st, o.table, o.out ? o.out : "-", &rows, &err);
    dl_store_close(st);
    if (rc)
        return cli_fail(rc, &err);
    if (o.json) {
        dl_store_write_export_json(stdout, o.db, o.table, o.out, rows);
    } else if (o.out) {
        fprintf(stderr, "dddlab: wrote %zu %s row%s to %s\n", rows, o.table, rows == 1 ? "" : "s",
                o.out);
    }
    return DL_EXIT_OK;
}

static int cmd_merge(int argc, char **argv)
{
    db_opts o;
    dl_opt_args a;
    int rc = parse(&cli_spec_merge, argc, argv, &o, &a);
    if (rc)
        return rc;
    const char *out = o.out;
    const char *const *in = (const char *const *)a.pos;
    size_t nin = (size_t)a.npos;
    dl_error err = {0};
    for (size_t i = 0; i < nin; i++)
        if (dl_store_write_orphans_path(stderr, in[i], "the merge", &err) != 0)
            return cli_fail(err.code, &err);
    rc = dl_store_merge(out, in, nin, &err);
    dl_store_report r;
    if (!rc)
        rc = dl_store_check(out, &r, &err);
    if (rc)
        return cli_fail(rc, &err);
    dl_store_write_merge(stdout, o.json, out, in, nin, &r);
    return DL_EXIT_OK;
}

static int cmd_db_check(int argc, char **argv)
{
    db_opts o;
    dl_opt_args a;
    int rc = parse(&cli_spec_db, argc, argv, &o, &a);
    if (rc)
        return rc;
    dl_error err = {0};
    dl_store_report r;
    rc = dl_store_check(o.db, &r, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (o.json)
        dl_store_write_check_json(stdout, o.db, &r);
    else
        dl_store_write_check_text(stdout, o.db, &r);
    if ((rc = dl_store_check_verdict(o.db, &r, &err)) != 0)
        return cli_fail(rc, &err);
    return DL_EXIT_OK;
}

const cli_cmd cli_cmd_sessions = {.name = "sessions",
                                  .summary = "list the sessions in a database",
                                  .run = cmd_sessions,
                                  .spec = &cli_spec_sessions};
const cli_cmd cli_cmd_export = {.name = "export",
                                .summary = "export a database table as tidy CSV",
                                .run = cmd_export,
                                .spec = &cli_spec_export};
const cli_cmd cli_cmd_merge = {.name = "merge",
                               .summary = "merge the databases of several stations",
                               .run = cmd_merge,
                               .spec = &cli_spec_merge};
const cli_cmd cli_cmd_db_check = {.name = "check",
                                  .summary = "integrity, foreign keys, schema version and counts",
                                  .run = cmd_db_check,
                                  .spec = &cli_spec_db};
