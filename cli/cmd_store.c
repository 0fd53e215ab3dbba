/* cmd_store.c — the store's commands: `sessions list`, `export`, `merge` and
 * `db check`. They only read a database, except merge, which writes its
 * output in one transaction; what they show is sessions/store_render.c. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dl_store.h"

#define DEFAULT_DB "dddlab.sqlite"

/* ---- sessions list ----------------------------------------------------------------- */

void help_sessions(FILE *out)
{
    fprintf(out, "usage: dddlab sessions list [--db PATH] [--json]\n\n"
                 "List the sessions stored in a database, oldest first: observer code,\n"
                 "stimulus set, task, status (running, completed, aborted, crashed),\n"
                 "trials done / total and start time (UTC); \"simulated\" marks sessions a\n"
                 "simulated observer answered (--simulate), \"replaced\" unfinished ones an\n"
                 "observer left for a new session (--new-session).\n\n"
                 "  --db PATH   the database (default " DEFAULT_DB ")\n"
                 "  --json      one JSON object: db, sessions [{uuid, observer, set, task,\n"
                 "              status, done, total, started_utc, ended_utc, hostname,\n"
                 "              simulated, runs, superseded}]\n\n"
                 "example: dddlab sessions list --db lab1.sqlite\n");
}

/* Options shared by the commands that read one database. */
typedef struct db_opts {
    const char *db;
    const char *table;
    const char *out;
    int json;
} db_opts;

static const struct option db_longopts[] = {{"db", required_argument, NULL, 'd'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
static const struct option export_longopts[] = {
    {"db", required_argument, NULL, 'd'},  {"table", required_argument, NULL, 't'},
    {"out", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};

/* Parse --db/--json (and --table/--out for export); -1 after --help. */
static int parse_db_opts(const char *cmd, int argc, char **argv, int is_export,
                         void (*help)(FILE *), db_opts *o)
{
    *o = (db_opts){.db = DEFAULT_DB};
    const struct option *longopts = is_export ? export_longopts : db_longopts;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 't':
            o->table = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'h':
            help(stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_bad_option(cmd, c, argv);
        }
    }
    return 0;
}

int cmd_sessions(int argc, char **argv)
{
    const char *cmd = "sessions";
    /* `dddlab sessions` alone lists too; `list` is the one subcommand. */
    if (argc > 1 && argv[1][0] != '-') {
        if (strcmp(argv[1], "list") != 0)
            return cli_usage(cmd, "unknown subcommand '%s' (the one subcommand is 'list')",
                             argv[1]);
        argc--;
        argv++;
    }
    db_opts o;
    int rc = parse_db_opts(cmd, argc, argv, 0, help_sessions, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
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

/* ---- orphan rows ------------------------------------------------------------------------------
 */

void cli_warn_orphans(dl_store *st, const char *db, const char *what)
{
    int64_t n = 0;
    char text[512];
    dl_error err = {0};
    if (dl_store_orphans(st, &n, text, sizeof text, &err) != 0 || n == 0)
        return; /* the command's own reading reports a file it cannot read */
    fprintf(stderr,
            "dddlab: warning: %s: %lld row%s belong%s to no stored parent (%s); %s left out "
            "of %s. See 'dddlab db check --db %s'\n",
            db, (long long)n, n == 1 ? "" : "s", n == 1 ? "s" : "", text,
            n == 1 ? "it is" : "they are", what, db);
}

int cli_warn_orphans_path(const char *db, const char *what, dl_error *err)
{
    dl_store *st = NULL;
    int rc = dl_store_open(db, DL_STORE_READONLY | DL_STORE_NOCREATE, &st, err);
    if (!rc)
        cli_warn_orphans(st, db, what);
    dl_store_close(st);
    return rc;
}

/* ---- export -------------------------------------------------------------------------------- */

void help_export(FILE *out)
{
    fprintf(
        out,
        "usage: dddlab export --table TABLE [--db PATH] [--out FILE.csv] [--json]\n\n"
        "Write one table of a database as tidy long CSV (RFC 4180), one row per\n"
        "trial, rating, answer, session, run, observer or stimulus image, with\n"
        "observer code, session UUID, set name, image names and difficulty class\n"
        "joined in, so R and pandas load it directly. Missing values are NA. Sessions of every\n"
        "status are exported; filter on session_status. The file is written to a\n"
        "temporary name and renamed, so a half-written FILE never exists.\n\n"
        "  --table TABLE   trials, ratings, answers, sessions, runs, observers or\n"
        "                  stimuli\n"
        "  --db PATH       the database (default " DEFAULT_DB ")\n"
        "  --out FILE      the CSV file (default: standard output)\n"
        "  --json          with --out: one JSON object: db, table, out, rows\n\n"
        "example: dddlab export --db lab.sqlite --table trials --out trials.csv\n");
}

int cmd_export(int argc, char **argv)
{
    const char *cmd = "export";
    db_opts o;
    int rc = parse_db_opts(cmd, argc, argv, 1, help_export, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!o.table)
        return cli_usage(cmd, "--table is required (trials, ratings, answers, sessions, runs, "
                              "observers, stimuli)");
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
        cli_warn_orphans(st, o.db, "this export");
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

/* ---- merge ------------------------------------------------------------------------------------
 */

void help_merge(FILE *out)
{
    fprintf(out, "usage: dddlab merge --out ALL.sqlite A.sqlite B.sqlite ... [--json]\n\n"
                 "Combine the databases of several testing stations into one. Observers are\n"
                 "matched by code (the first file's record is kept), stimulus sets by name\n"
                 "and content hash, sessions by UUID: a session found twice is copied once.\n"
                 "It is an error, and nothing is written, when two files hold a set of the\n"
                 "same name with different items, or a session with the same UUID but\n"
                 "different trials. The output (created when missing) is written in one\n"
                 "transaction: a failed merge leaves it as it was.\n\n"
                 "  --out PATH   the merged database\n"
                 "  --json       one JSON object: out, inputs, sets, observers, sessions,\n"
                 "               trials, ratings, events (totals in the output)\n\n"
                 "example: dddlab merge --out all.sqlite station1.sqlite station2.sqlite\n");
}

int cmd_merge(int argc, char **argv)
{
    const char *cmd = "merge";
    static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            help_merge(stdout);
            return DL_EXIT_OK;
        default:
            return cli_bad_option(cmd, c, argv);
        }
    }
    if (!out)
        return cli_usage(cmd, "--out is required");
    if (optind >= argc)
        return cli_usage(cmd, "expected at least one database to merge");
    dl_error err = {0};
    for (int i = optind; i < argc; i++)
        if (cli_warn_orphans_path(argv[i], "the merge", &err) != 0)
            return cli_fail(err.code, &err);
    int rc =
        dl_store_merge(out, (const char *const *)(argv + optind), (size_t)(argc - optind), &err);
    dl_store_report r;
    if (!rc)
        rc = dl_store_check(out, &r, &err);
    if (rc)
        return cli_fail(rc, &err);
    dl_store_write_merge(stdout, json, out, (const char *const *)(argv + optind),
                         (size_t)(argc - optind), &r);
    return DL_EXIT_OK;
}

/* ---- db check
 * ------------------------------------------------------------------------------------ */

void help_db(FILE *out)
{
    fprintf(out, "usage: dddlab db check [--db PATH] [--json]\n\n"
                 "Check a database without changing it: SQLite's integrity check, foreign\n"
                 "keys, the schema version (against the one this dddlab writes) and how\n"
                 "many sets, observers, sessions, trials, ratings and events it holds.\n"
                 "Exit status 1 when the file is damaged or newer than this dddlab.\n\n"
                 "  --db PATH   the database (default " DEFAULT_DB ")\n"
                 "  --json      one JSON object: db, ok, integrity, foreign_keys_ok,\n"

                 "              schema_version, program_schema_version, journal_mode,\n"
                 "              counts {sets, images, observers, sessions, trials, ratings,\n"
                 "              events, running, completed, aborted, crashed}, orphan_rows,\n"
                 "              orphans (rows whose parent row is missing)\n\n"
                 "example: dddlab db check --db lab.sqlite\n");
}

int cmd_db(int argc, char **argv)
{
    const char *cmd = "db";
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            help_db(stdout);
            return DL_EXIT_OK;
        }
        return cli_usage(cmd, "expected a subcommand: check");
    }
    if (strcmp(argv[1], "check") != 0)
        return cli_usage(cmd, "unknown subcommand '%s' (the one subcommand is 'check')", argv[1]);
    db_opts o;
    int rc = parse_db_opts(cmd, argc - 1, argv + 1, 0, help_db, &o);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    if (optind < argc - 1)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind + 1]);
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
