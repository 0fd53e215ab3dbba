/* test_report_out.c — what --out writes (CSV tables, PNG and SVG figures,
 * report.html / report.md with the command and input hashes), the DDD
 * tables of `stimuli analyse`, and the command line end to end. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "report_test_util.h"

/* A PNG: the 8-byte signature, an IHDR of the expected size, and enough
 * bytes that something was drawn. */
static void assert_png(const char *dir, const char *name, unsigned w, unsigned h)
{
    char file[128];
    snprintf(file, sizeof file, "%s.png", name);
    char *path = ts_path(dir, file);
    size_t len = 0;
    unsigned char *d = (unsigned char *)ts_slurp(path, &len);
    assert_non_null(d);
    assert_memory_equal(d, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(d + 12, "IHDR", 4);
    unsigned pw = (unsigned)d[16] << 24 | d[17] << 16 | d[18] << 8 | d[19];
    unsigned ph = (unsigned)d[20] << 24 | d[21] << 16 | d[22] << 8 | d[23];
    assert_int_equal(pw, w);
    assert_int_equal(ph, h);
    assert_true(len > 20000);
    free(d);
    free(path);
    /* the PDF beside it, whole; the SVG too, except for the raster */
    snprintf(file, sizeof file, "%s.pdf", name);
    path = ts_path(dir, file);
    char *pdf = ts_slurp(path, &len);
    assert_non_null(pdf);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_true(len > 2000 && memcmp(pdf + len - 6, "%%EOF\n", 6) == 0);
    free(pdf);
    free(path);
    snprintf(file, sizeof file, "%s.svg", name);
    path = ts_path(dir, file);
    if (strcmp(name, "decisions") == 0) {
        assert_int_not_equal(access(path, F_OK), 0);
        free(path);
        return;
    }
    char *svg = ts_slurp(path, &len);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "</svg>"));
    assert_non_null(strstr(svg, "<text"));
    assert_true(len > 5000);
    free(svg);
    free(path);
}

static int exists(const char *dir, const char *name)
{
    char *p = ts_path(dir, name);
    int ok = access(p, F_OK) == 0;
    free(p);
    return ok;
}

/* codebook.csv names every column of every table in dir (read back with the
 * CSV reader); the observer columns of error_consistency.csv by one entry. */
static void assert_codebook(const char *dir, const char *const *tables, size_t n)
{
    char *path = ts_path(dir, "codebook.csv");
    dl_csv *cb = NULL;
    dl_error err = {0};
    rt_check(dl_csv_read(path, &cb, &err), &err);
    assert_int_equal(cb->ncols, 5);
    assert_string_equal(cb->header[0], "table");
    for (size_t t = 0; t < n; t++) {
        char *tp = ts_path(dir, tables[t]);
        dl_csv *csv = NULL;
        rt_check(dl_csv_read(tp, &csv, &err), &err);
        for (size_t c = 0; c < csv->ncols; c++) {
            int found = 0;
            int observer_col = strcmp(tables[t], "error_consistency.csv") == 0 && c > 0;
            const char *want = observer_col ? "<observer code>" : csv->header[c];
            for (size_t i = 0; i < cb->nrows && !found; i++)
                found = strcmp(cb->rows[i][0], tables[t]) == 0 &&
                        strcmp(cb->rows[i][1], want) == 0 && cb->rows[i][2][0] != '\0';
            if (!found)
                fail_msg("codebook.csv has no meaning for %s column '%s'", tables[t], want);
        }
        dl_csv_free(csv);
        free(tp);
    }
    dl_csv_free(cb);
    free(path);
}

static void test_trials_out(void **state)
{
    ts_dir_fixture *f = *state;
    char *csv = ts_path(f->dir, "trials.csv");
    ts_write(csv, "observer,item,correct,rt_ms\n"
                  "S1,1,1,500\nS1,2,1,510\nS1,3,0,520\nS1,4,1,530\n"
                  "S2,1,1,600\nS2,2,0,610\nS2,3,0,620\nS2,4,1,630\n"
                  "S3,1,1,700\nS3,2,1,710\nS3,3,1,720\nS3,4,0,730\n");
    dl_report *r = rt_csv_report(csv, 0, NULL, NULL);
    dl_error err = {0};
    char *out = ts_path(f->dir, "out");
    rt_check(dl_report_write_dir(r, out, "dddlab analyse --trials trials.csv", &err), &err);
    assert_png(out, "observer_accuracy", 1600, 1000);
    assert_png(out, "ec_observers", 1300, 1150);
    static const char *const trial_tables[] = {"observers.csv", "error_consistency.csv",
                                               "ec_pairs.csv"};
    assert_codebook(out, trial_tables, 3);
    char *p = ts_path(out, "observers.csv");
    char *text = ts_slurp(p, NULL);
    assert_non_null(strstr(text, "observer,trials,correct,accuracy,ci_low,ci_high,p_greater,"
                                 "p_two_sided,rt_median_ms,rt_mean_ms\nS1,4,3,0.75,"));
    free(text);
    free(p);
    p = ts_path(out, "error_consistency.csv");
    text = ts_slurp(p, NULL);
    assert_non_null(strstr(text, "observer,S1,S2,S3\nS1,1,"));
    free(text);
    free(p);
    /* the page names the command, the version and the input's hash */
    char hash[65];
    rt_check(dl_sha256_file(csv, hash, &err), &err);
    p = ts_path(out, "report.html");
    text = ts_slurp(p, NULL);
    assert_non_null(strstr(text, "<!DOCTYPE html>"));
    assert_non_null(strstr(text, hash));
    assert_non_null(strstr(text, "dddlab analyse --trials trials.csv"));
    assert_non_null(strstr(text, dl_version()));
    assert_non_null(strstr(text, "<img src=\"data:image/png;base64,iVBORw0KGgo"));
    assert_null(strstr(text, "<img src=\"observer_accuracy.png\""));
    free(text);
    free(p);
    p = ts_path(out, "report.md");
    text = ts_slurp(p, NULL);
    assert_non_null(strstr(text, "![Figure 1](observer_accuracy.png)"));
    assert_non_null(strstr(text, hash));
    free(text);
    free(p);
    assert_true(exists(out, "summary.json"));
    assert_true(exists(out, "ec_pairs.csv"));
    assert_false(exists(out, "answers.csv"));
    free(out);
    free(csv);
    dl_report_free(r);
}

/* PLplot does not report a failed write, so a figure cut short by a full
 * disk used to be kept; and the tables written before it stayed without
 * their report. Now the figure is recognised as incomplete and --out is left
 * as it was. A child with a 40 kB file-size limit stands in for the disk
 * (observer_accuracy.png is about 68 kB). */
static void test_out_cut_short(void **state)
{
    ts_dir_fixture *f = *state;
    char *csv = ts_path(f->dir, "trials.csv");
    ts_write(csv, "observer,item,correct\nS1,1,1\nS1,2,0\nS2,1,1\nS2,2,1\n");
    char *out = ts_path(f->dir, "out"), *msg_path = ts_path(f->dir, "msg.txt");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit lim = {40000, 40000};
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &lim);
        dl_report *r = dl_report_new();
        dl_error err = {0};
        dl_report_columns cols;
        dl_report_columns_default(&cols);
        dl_report_options opt;
        dl_report_options_default(&opt);
        int rc = dl_report_load_trials_csv(r, csv, &cols, &err);
        if (!rc)
            rc = dl_report_analyse(r, &opt, &err);
        if (!rc)
            rc = dl_report_write_dir(r, out, "test", &err);
        FILE *m = fopen(msg_path, "w");
        fputs(err.msg, m);
        fclose(m);
        _exit(rc == 0 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 1);
    char *msg = ts_slurp(msg_path, NULL), want[512];
    snprintf(want, sizeof want,
             "%s/observer_accuracy.png: PLplot could not write the whole figure (is the disk "
             "full?)",
             out);
    assert_string_equal(msg, want);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", out);
    assert_int_equal(system(cmd), 0); /* no table, no temporary file */
    free(msg), free(msg_path), free(out), free(csv);
}

static void test_ratings_and_ddd_out(void **state)
{
    ts_dir_fixture *f = *state;
    char *csv = ts_path(f->dir, "ratings.csv");
    ts_write(csv, "observer,item,q1,q2,q3,difficulty,frac_correct\n"
                  "A,1,1,2,0,trivial,1\nA,2,2,1,1,in-between,0.5\nA,3,3,0,2,impossible,0\n"
                  "B,1,1,2,0,trivial,1\nB,2,3,1,0,in-between,0.5\nB,3,3,0,1,impossible,0\n");
    char *ddd = ts_source_path("tests/report/data/ddd", "../..");
    dl_report *r = dl_report_new();
    dl_error err = {0};
    dl_report_columns cols;
    dl_report_columns_default(&cols);
    rt_check(dl_report_load_ratings_csv(r, csv, &cols, &err), &err);
    rt_check(dl_report_load_ddd(r, ddd, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *out = ts_path(f->dir, "out");
    rt_check(dl_report_write_dir(r, out, "dddlab analyse ...", &err), &err);
    assert_png(out, "answers", 2200, 950);
    assert_png(out, "ddd_histogram", 1600, 1000);
    assert_png(out, "ec_models", 2200, 1250);
    assert_png(out, "decisions", 2000, 800);
    assert_png(out, "agreement", 1600, 1000);
    static const char *const tables[] = {"questions.csv", "answers.csv", "rating_pairs.csv",
                                         "items.csv", "observers.csv"};
    for (size_t i = 0; i < 5; i++)
        assert_true(exists(out, tables[i]));
    assert_codebook(out, tables, 5);
    char *json = rt_json(r);
    assert_non_null(strstr(json, "\"ddd\":{"));
    assert_non_null(strstr(json, "\"models\":11"));
    assert_non_null(strstr(json, "\"decisions_images\":400"));
    assert_non_null(strstr(json, "\"agreement_epochs\":20"));
    free(json);
    char *p = ts_path(out, "report.html");
    char *html = ts_slurp(p, NULL);
    /* One self-contained page: every figure embedded, none linked as a PNG;
     * the vector files beside it. */
    assert_null(strstr(html, "src=\"ec_models.png\""));
    size_t embedded = 0;
    for (const char *at = html; (at = strstr(at, "src=\"data:image/png;base64,iVBORw0KGgo")); at++)
        embedded++;
    /* answers, ddd_histogram, decisions, model_accuracy, ec_models, agreement */
    assert_int_equal(embedded, 6);
    assert_non_null(strstr(html, "href=\"ec_models.pdf\""));
    assert_non_null(strstr(html, "href=\"ec_models.svg\""));
    assert_null(strstr(html, "href=\"decisions.svg\""));
    assert_true(exists(out, "ec_models.pdf") && exists(out, "ec_models.svg"));
    assert_non_null(strstr(html, "histogram.csv"));
    free(html);
    free(p);
    /* The SVG keeps its text as text and states a print width. */
    p = ts_path(out, "ddd_histogram.svg");
    char *svg = ts_slurp(p, NULL);
    assert_non_null(strstr(svg, "width=\"17.8cm\""));
    /* PLplot's svg device writes each character as a reference */
    char want[256] = "";
    for (const char *c = "number of models correct (of 11)"; *c; c++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "&#x%x;", (unsigned)*c);
    assert_non_null(strstr(svg, want));
    free(svg);
    free(p);
    dl_report_free(r);

    /* A second report into the same folder replaces the first as a whole:
     * figures it does not draw go, a file the report did not write stays. */
    char *note = ts_path(out, "notes.txt");
    ts_write(note, "the lab's own notes\n");
    char *counts = ts_source_path("tests/report/data/ddd_counts", "../..");
    r = dl_report_new();
    rt_check(dl_report_load_ddd(r, counts, &err), &err);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    rt_check(dl_report_write_dir(r, out, "dddlab analyse --ddd counts", &err), &err);
    assert_png(out, "ddd_histogram", 1600, 1000);
    assert_false(exists(out, "decisions.png"));
    assert_false(exists(out, "ec_models.svg"));
    assert_false(exists(out, "answers.pdf"));
    assert_false(exists(out, "questions.csv"));
    assert_true(exists(out, "notes.txt"));
    free(counts);
    free(note);
    free(out);
    free(ddd);
    free(csv);
    dl_report_free(r);
}

static void test_ddd_counts(void **state)
{
    ts_dir_fixture *f = *state;
    char *ddd = ts_source_path("tests/report/data/ddd_counts", "../..");
    dl_report *r = dl_report_new();
    dl_error err = {0};
    rt_check(dl_report_load_ddd(r, ddd, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *out = ts_path(f->dir, "out");
    rt_check(dl_report_write_dir(r, out, "cmd", &err), &err);
    assert_png(out, "ddd_histogram", 1600, 1000);
    assert_false(exists(out, "ec_models.png"));
    assert_false(exists(out, "decisions.png"));
    assert_false(exists(out, "agreement.png"));
    char *json = rt_json(r);
    assert_non_null(strstr(json, "\"task\":\"ddd\""));
    assert_non_null(strstr(json, "holds no models (aggregate results)"));
    assert_non_null(strstr(json, "decisions figure skipped: no model names"));
    /* histogram.csv of the ts_dir_fixture: images 0 and 11 correct, from the script */
    char hist[64];
    snprintf(hist, sizeof hist, "\"fraction\":[%.17g,", rt_ref("ddd.hist0") / 400);
    assert_non_null(strstr(json, hist));
    free(json);
    free(out);
    free(ddd);
    dl_report_free(r);

    /* class_accuracy.csv beside the histogram: the classes figure */
    char *counts = ts_source_path("tests/report/data/ddd_counts", "../..");
    char *cls = ts_path(f->dir, "cls"), *src_hist = ts_path(counts, "histogram.csv");
    assert_int_equal(mkdir(cls, 0755), 0);
    char *hist_text = ts_slurp(src_hist, NULL), *dst_hist = ts_path(cls, "histogram.csv");
    ts_write(dst_hist, hist_text);
    char *cls_csv = ts_path(cls, "class_accuracy.csv");
    ts_write(cls_csv, "rank,class,images,accuracy,trivial,in_between,impossible\n"
                      "1,a,10,0.9,8,2,0\n2,b,10,0.5,3,4,3\n3,c,10,0.1,0,2,8\n");
    r = dl_report_new();
    rt_check(dl_report_load_ddd(r, cls, &err), &err);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *cls_out = ts_path(f->dir, "cls_out");
    rt_check(dl_report_write_dir(r, cls_out, "cmd", &err), &err);
    assert_png(cls_out, "class_accuracy", 1600, 900);
    dl_report_free(r);
    free(cls_out);
    free(cls_csv);
    free(dst_hist);
    free(hist_text);
    free(src_hist);
    free(cls);
    free(counts);

    char *bad = ts_path(f->dir, "empty");
    r = dl_report_new();
    assert_int_equal(dl_report_load_ddd(r, bad, &err), DL_ENOENT);
    assert_non_null(strstr(err.msg, "no histogram.csv"));
    dl_report_free(r);
    free(bad);
}

/* ---- the command line ---- */

static const char *binary(void)
{
    const char *b = getenv("DL_BINARY");
    return b && access(b, X_OK) == 0 ? b : NULL;
}

/* Run the dddlab binary with args through the shell; stdout and stderr to
 * files in dir. Returns the exit status. */
static int run(const char *dir, const char *args, char **out, char **errtext)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s/stdout' 2>'%s/stderr'", binary(), args, dir, dir);
    int st = system(cmd);
    char *p = ts_path(dir, "stdout");
    *out = ts_slurp(p, NULL);
    free(p);
    p = ts_path(dir, "stderr");
    *errtext = ts_slurp(p, NULL);
    free(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
    ts_dir_fixture *f = *state;
    if (!binary())
        skip();
    char *o, *e;
    assert_int_equal(run(f->dir, "analyse", &o, &e), 2);
    assert_non_null(strstr(e, "dddlab analyse: no source"));
    free(o), free(e);
    assert_int_equal(run(f->dir, "analyse --ratings x.csv --trials y.csv", &o, &e), 2);
    free(o), free(e);
    assert_int_equal(run(f->dir, "analyse --trials y.csv --rt-unit h", &o, &e), 2);
    assert_non_null(strstr(e, "--rt-unit must be s or ms"));
    free(o), free(e);
    assert_int_equal(run(f->dir, "analyse --help", &o, &e), 0);
    assert_non_null(strstr(o, "--exclude-label-errors"));
    free(o), free(e);

    char *csv = ts_path(f->dir, "r.csv");
    ts_write(csv, "subject,item,q1\ns1,1,2\n");
    char args[1024];
    snprintf(args, sizeof args, "analyse --ratings '%s' --observer-col subject", csv);
    assert_int_equal(run(f->dir, args, &o, &e), 1);
    char expected[1200];
    snprintf(expected, sizeof expected,
             "dddlab: %s:1: no column 'q2' (columns are: subject, "
             "item, q1)\n",
             csv);
    assert_string_equal(e, expected);
    assert_string_equal(o, "");
    free(o), free(e);

    ts_write(csv, "subject,item,q1,q2,q3\ns1,1,2,0,1\ns1,2,1,2,0\ns2,1,2,1,1\ns2,2,1,2,0\n");
    snprintf(args, sizeof args, "analyse --ratings '%s' --observer-col subject --json --out '%s/o'",
             csv, f->dir);
    assert_int_equal(run(f->dir, args, &o, &e), 0);
    assert_true(o[0] == '{' && o[strlen(o) - 2] == '}' && o[strlen(o) - 1] == '\n');
    assert_non_null(strstr(o, "\"task\":\"rating\",\"observers\":2,\"items\":2"));
    free(o), free(e);
    char *page = ts_path(f->dir, "o/report.md");
    char *md = ts_slurp(page, NULL);
    assert_non_null(strstr(md, "--observer-col subject --json --out"));
    free(md);
    free(page);

    /* UTF-8 codes: columns counted in characters; the shared prefix cut from
     * the matrix header ("J\xc3" of "J\xc3\xb6" and "J\xc3\xbc") stops at a
     * character boundary, so the headers stay valid UTF-8 */
    ts_write(csv, "observer,item,correct\nJ\xc3\xbc,1,1\nJ\xc3\xbc,2,0\nJ\xc3\xbc,3,1\n"
                  "J\xc3\xb6,1,1\nJ\xc3\xb6,2,1\nJ\xc3\xb6,3,0\n");
    snprintf(args, sizeof args, "analyse --trials '%s'", csv);
    assert_int_equal(run(f->dir, args, &o, &e), 0);
    assert_non_null(strstr(o, "\nJ\xc3\xbc             3       2    0.667    [0.094, 0.992]"));
    assert_non_null(strstr(o, "\nkappa         \xc3\xb6      \xc3\xbc\n"
                              "J\xc3\xb6         1.00  -0.50\n"
                              "J\xc3\xbc        -0.50   1.00\n"));
    free(o), free(e);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trials_out, ts_dir_setup, ts_dir_teardown),
        cmocka_unit_test_setup_teardown(test_out_cut_short, ts_dir_setup, ts_dir_teardown),
        cmocka_unit_test_setup_teardown(test_ratings_and_ddd_out, ts_dir_setup, ts_dir_teardown),
        cmocka_unit_test_setup_teardown(test_ddd_counts, ts_dir_setup, ts_dir_teardown),
        cmocka_unit_test_setup_teardown(test_cli, ts_dir_setup, ts_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
