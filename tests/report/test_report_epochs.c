/* test_report_epochs.c — per-epoch decisions and per-class spread, from the
 * synthetic results of tests/report/data/epochs (made by make_results.py:
 * no real epoch-wise results exist in ../shared/data):
 * - `stimuli analyse --out` writes epoch_decisions.csv and the class spread
 *   columns of class_accuracy.csv; both are read back and compared with
 *   values this test computes itself from the raw results.csv / images.csv;
 * - codebook.csv names every column of every table in the folder;
 * - `analyse --ddd` draws epoch_decisions (PNG + PDF) and class_bars (PNG +
 *   PDF + SVG with text as text) and report.html / report.md refer to them;
 * - bad input names FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dl_common.h"
#include "dl_stimuli.h"
#include "report_test_util.h"

enum { NM = 6, NI = 240, NE = 10, NC = 12 };

typedef struct truth {
    char model[NM][32];
    char image[NI][32];
    int cls[NI];
    uint8_t correct[NE][NI][NM]; /* epoch 1..NE at index 0..NE-1 */
    int nm, ni;
} truth;

static char *source_path(const char *rel)
{
    const char *src = getenv("DL_SOURCE_DIR");
    return ts_path(src ? src : "../..", rel);
}

static int index_of(char (*names)[32], int *n, int cap, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    assert_true(*n < cap && strlen(s) < 32);
    memcpy(names[*n], s, strlen(s) + 1);
    return (*n)++;
}

/* The raw fixture, read with sscanf (not the library's CSV reader). */
static void read_truth(truth *t)
{
    memset(t, 0, sizeof *t);
    char *path = source_path("tests/report/data/epochs/results.csv");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256], m[32], img[32];
    int e, c;
    char models[NM][32];
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(sscanf(line, "%31[^,],%31[^,],%d,%d", m, img, &e, &c), 4);
        int mi = index_of(models, &t->nm, NM, m);
        int ii = index_of(t->image, &t->ni, NI, img);
        assert_true(e >= 1 && e <= NE);
        t->correct[e - 1][ii][mi] = (uint8_t)c;
    }
    fclose(f);
    free(path);
    memcpy(t->model, models, sizeof t->model);
    path = source_path("tests/report/data/epochs/images.csv");
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    int le;
    while (fgets(line, sizeof line, f)) {
        int k;
        assert_int_equal(sscanf(line, "%31[^,],class%d,%d", img, &k, &le), 3);
        int found = -1;
        for (int i = 0; i < t->ni; i++)
            if (strcmp(t->image[i], img) == 0)
                found = i;
        assert_true(found >= 0 && k >= 0 && k < NC);
        t->cls[found] = k;
    }
    fclose(f);
    free(path);
}

static dl_stimuli_results *read_results(void)
{
    char *res = source_path("tests/report/data/epochs/results.csv");
    char *img = source_path("tests/report/data/epochs/images.csv");
    dl_stimuli_read_opts o = {.images_csv = img};
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    rt_check(dl_stimuli_results_read(res, &o, &r, &err), &err);
    free(res);
    free(img);
    return r;
}

static void write_analysis(const char *out)
{
    dl_stimuli_results *r = read_results();
    dl_stimuli_analysis *a = NULL;
    dl_error err = {0};
    rt_check(dl_stimuli_analyse(r, 1, 1, &a, &err), &err);
    rt_check(dl_stimuli_analysis_write(a, out, &err), &err);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(r);
}

static dl_csv *read_table(const char *dir, const char *name)
{
    char *p = ts_path(dir, name);
    dl_csv *csv = NULL;
    dl_error err = {0};
    rt_check(dl_csv_read(p, &csv, &err), &err);
    free(p);
    return csv;
}

/* epoch_decisions.csv: one row per epoch and image, the decisions of the
 * raw file. */
static void test_epoch_decisions_csv(void **state)
{
    (void)state;
    static truth t;
    read_truth(&t);
    assert_int_equal(t.nm, NM);
    assert_int_equal(t.ni, NI);
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *out = ts_path(dir, "ddd");
    write_analysis(out);
    dl_csv *csv = read_table(out, "epoch_decisions.csv");
    assert_int_equal(csv->ncols, 2 + NM);
    assert_string_equal(csv->header[0], "epoch");
    assert_string_equal(csv->header[1], "image");
    for (int m = 0; m < NM; m++)
        assert_string_equal(csv->header[2 + m], t.model[m]);
    assert_int_equal(csv->nrows, (size_t)NE * NI);
    size_t ones = 0;
    for (size_t row = 0; row < csv->nrows; row++) {
        char **f = csv->rows[row];
        int e = (int)(row / NI) + 1, i = (int)(row % NI);
        assert_int_equal(atoi(f[0]), e); /* epochs ascending, images in file order */
        assert_string_equal(f[1], t.image[i]);
        for (int m = 0; m < NM; m++) {
            assert_string_equal(f[2 + m], t.correct[e - 1][i][m] ? "1" : "0");
            ones += t.correct[e - 1][i][m];
        }
    }
    assert_true(ones > 1000 && ones < (size_t)NE * NI * NM - 1000); /* not constant */
    dl_csv_free(csv);
    ts_rmtree(dir);
    free(out);
}

/* class_accuracy.csv: mean, least and most accurate model per class at the
 * last epoch, against the same sums done here. */
static void test_class_spread_csv(void **state)
{
    (void)state;
    static truth t;
    read_truth(&t);
    double hits[NC][NM] = {{0}}, n[NC] = {0};
    for (int i = 0; i < NI; i++) {
        n[t.cls[i]]++;
        for (int m = 0; m < NM; m++)
            hits[t.cls[i]][m] += t.correct[NE - 1][i][m];
    }
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *out = ts_path(dir, "ddd");
    write_analysis(out);
    dl_csv *csv = read_table(out, "class_accuracy.csv");
    assert_int_equal(csv->nrows, NC);
    int cc = dl_csv_col(csv, "class"), ca = dl_csv_col(csv, "accuracy"),
        cn = dl_csv_col(csv, "images"), clo = dl_csv_col(csv, "min_model_accuracy"),
        chi = dl_csv_col(csv, "max_model_accuracy");
    assert_true(cc >= 0 && ca >= 0 && cn >= 0 && clo >= 0 && chi >= 0);
    double prev = 2;
    int spread = 0;
    for (size_t row = 0; row < csv->nrows; row++) {
        char **f = csv->rows[row];
        int k = atoi(f[cc] + strlen("class"));
        double lo = 1, hi = 0, sum = 0;
        for (int m = 0; m < NM; m++) {
            double acc = hits[k][m] / n[k];
            lo = acc < lo ? acc : lo;
            hi = acc > hi ? acc : hi;
            sum += hits[k][m];
        }
        double mean = sum / (n[k] * NM);
        assert_int_equal(atoi(f[cn]), (int)n[k]);
        /* the fewest digits that read back: the same double */
        assert_true(strtod(f[ca], NULL) == mean);
        assert_true(strtod(f[clo], NULL) == lo);
        assert_true(strtod(f[chi], NULL) == hi);
        assert_true(mean <= prev); /* easiest first */
        prev = mean;
        spread += hi > lo;
    }
    assert_true(spread > NC / 2); /* the models differ on most classes */
    dl_csv_free(csv);
    ts_rmtree(dir);
    free(out);
}

/* codebook.csv names every column of every table, "<model>" standing for a
 * column named after a model. */
static void test_codebook(void **state)
{
    (void)state;
    static truth t;
    read_truth(&t);
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *out = ts_path(dir, "ddd");
    write_analysis(out);
    dl_csv *cb = read_table(out, "codebook.csv");
    static const char *const tables[] = {
        "per_image.csv",     "model_accuracy.csv", "histogram.csv",      "ec_all.csv",
        "ec_in_between.csv", "ec_pairs.csv",       "class_accuracy.csv", "agreement.csv",
        "decisions.csv",     "epoch_decisions.csv"};
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
        dl_csv *csv = read_table(out, tables[k]);
        for (size_t c = 0; c < csv->ncols; c++) {
            const char *col = csv->header[c];
            for (int m = 0; m < NM; m++)
                if (strcmp(col, t.model[m]) == 0)
                    col = "<model>";
            int found = 0;
            for (size_t row = 0; row < cb->nrows; row++)
                found |= strcmp(cb->rows[row][0], tables[k]) == 0 &&
                         strcmp(cb->rows[row][1], col) == 0 && cb->rows[row][2][0];
            if (!found)
                fail_msg("codebook.csv has no meaning for %s column '%s'", tables[k], col);
        }
        dl_csv_free(csv);
    }
    dl_csv_free(cb);
    ts_rmtree(dir);
    free(out);
}

static void assert_file(const char *dir, const char *name, const char *magic, size_t min)
{
    char *p = ts_path(dir, name);
    size_t len = 0;
    char *d = ts_slurp(p, &len);
    if (!d)
        fail_msg("%s was not written", name);
    assert_true(len >= min);
    assert_memory_equal(d, magic, strlen(magic));
    if (strstr(name, ".pdf"))
        assert_true(memcmp(d + len - 6, "%%EOF\n", 6) == 0);
    if (strstr(name, ".svg")) {
        assert_non_null(strstr(d, "</svg>"));
        assert_non_null(strstr(d, "<text")); /* text stays text */
    }
    free(d);
    free(p);
}

static void test_figures_and_pages(void **state)
{
    (void)state;
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *out = ts_path(dir, "ddd"), *rep = ts_path(dir, "report");
    write_analysis(out);
    dl_report *r = dl_report_new();
    dl_error err = {0};
    rt_check(dl_report_load_ddd(r, out, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *json = rt_json(r), *text = rt_text(r);
    /* the text names the hardest class with its models' range, computed here */
    static truth t;
    read_truth(&t);
    double hits[NC][NM] = {{0}}, n[NC] = {0}, best = 2;
    int hard = -1;
    for (int i = 0; i < NI; i++) {
        n[t.cls[i]]++;
        for (int m = 0; m < NM; m++)
            hits[t.cls[i]][m] += t.correct[NE - 1][i][m];
    }
    for (int k = 0; k < NC; k++) {
        double sum = 0;
        for (int m = 0; m < NM; m++)
            sum += hits[k][m];
        if (sum / (n[k] * NM) < best)
            best = sum / (n[k] * NM), hard = k;
    }
    double lo = 1, hi = 0;
    for (int m = 0; m < NM; m++) {
        lo = fmin(lo, hits[hard][m] / n[hard]);
        hi = fmax(hi, hits[hard][m] / n[hard]);
    }
    char want[160];
    snprintf(want, sizeof want, "12 classes: hardest class%02d %.1f%% (models %.1f%% to %.1f%%)",
             hard, 100 * best, 100 * lo, 100 * hi);
    if (!strstr(text, want))
        fail_msg("no '%s' in\n%s", want, text);
    assert_non_null(strstr(text, "per-epoch decisions: 10 epochs (1 to 10), 240 images"));
    free(text);
    assert_non_null(strstr(json, "\"decision_epochs\":10"));
    assert_non_null(strstr(json, "\"classes\":12"));
    rt_check(dl_report_write_dir(r, rep, "dddlab analyse --ddd ddd", &err), &err);
    assert_file(rep, "epoch_decisions.png", "\x89PNG\r\n\x1a\n", 20000);
    assert_file(rep, "epoch_decisions.pdf", "%PDF-", 2000);
    assert_file(rep, "class_bars.png", "\x89PNG\r\n\x1a\n", 20000);
    assert_file(rep, "class_bars.pdf", "%PDF-", 2000);
    assert_file(rep, "class_bars.svg", "<?xml", 5000);
    char *p = ts_path(rep, "epoch_decisions.svg");
    assert_int_not_equal(access(p, F_OK), 0); /* a raster: PNG and PDF only */
    free(p);
    p = ts_path(rep, "report.html");
    char *html = ts_slurp(p, NULL);
    free(p);
    assert_non_null(strstr(html, "href=\"epoch_decisions.pdf\""));
    assert_non_null(strstr(html, "href=\"class_bars.svg\""));
    assert_non_null(strstr(html, "cf. the paper's Fig. 8"));
    assert_non_null(strstr(html, "<h3>Over training</h3>"));
    assert_non_null(strstr(html, "<h3>Classes</h3>"));
    p = ts_path(rep, "report.md");
    char *md = ts_slurp(p, NULL);
    free(p);
    assert_non_null(strstr(md, "](epoch_decisions.png)"));
    assert_non_null(strstr(md, "](class_bars.png)"));
    free(html);
    free(md);
    free(json);
    dl_report_free(r);
    ts_rmtree(dir);
    free(out);
    free(rep);
}

/* Without epochs and classes: no such figure, no section for them. */
static void test_absent_without_data(void **state)
{
    (void)state;
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *res = ts_path(dir, "r.csv"), *out = ts_path(dir, "ddd"), *rep = ts_path(dir, "rep");
    ts_write(res, "image,a,b,c\nx,1,1,0\ny,0,1,0\nz,1,1,1\nw,0,0,0\n");
    dl_stimuli_read_opts o = {0};
    dl_stimuli_results *r = NULL;
    dl_stimuli_analysis *a = NULL;
    dl_error err = {0};
    rt_check(dl_stimuli_results_read(res, &o, &r, &err), &err);
    rt_check(dl_stimuli_analyse(r, 0, 1, &a, &err), &err);
    rt_check(dl_stimuli_analysis_write(a, out, &err), &err);
    char *p = ts_path(out, "epoch_decisions.csv");
    char *text = ts_slurp(p, NULL);
    assert_string_equal(text, "epoch,image\n"); /* header only */
    free(text);
    free(p);
    dl_report *rp = dl_report_new();
    rt_check(dl_report_load_ddd(rp, out, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    rt_check(dl_report_analyse(rp, &opt, &err), &err);
    rt_check(dl_report_write_dir(rp, rep, "t", &err), &err);
    p = ts_path(rep, "report.html");
    text = ts_slurp(p, NULL);
    assert_null(strstr(text, "epoch_decisions")); /* no figure, and no note either */
    assert_null(strstr(text, "class_bars"));
    assert_null(strstr(text, "Over training"));
    free(text);
    free(p);
    dl_report_free(rp);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(r);
    ts_rmtree(dir);
    free(res);
    free(out);
    free(rep);
}

/* An image epoch_decisions.csv names but decisions.csv does not, and a
 * value other than 0/1: FILE:LINE and the problem. */
static void test_bad_epoch_file(void **state)
{
    (void)state;
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *out = ts_path(dir, "ddd");
    write_analysis(out);
    char *p = ts_path(out, "epoch_decisions.csv");
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"epoch,image,net-a,net-b,net-c,net-d,net-e,net-f\n1,img00_00.png,1,1,1,1,0,0\n"
         "1,nowhere.png,1,1,1,1,0,0\n",
         "epoch_decisions.csv:3: image 'nowhere.png' is not in the decisions table"},
        {"epoch,image,net-a,net-b,net-c,net-d,net-e,net-f\n1,img00_00.png,1,1,1,1,0,0\n"
         "2,img00_00.png,1,1,1,1,0,0\n1,img00_00.png,1,1,1,1,1,1\n",
         "epoch_decisions.csv:4: image 'img00_00.png' appears twice in epoch 1"},
        {"epoch,image,net-a,net-b,net-c,net-d,net-e,net-f\nx,img00_00.png,1,1,1,1,0,0\n",
         "epoch_decisions.csv:2: epoch 'x' is not a number"},
        {"epoch,image,net-a,net-b,net-c,net-d,net-e,net-f\n1,img00_00.png,1,1,2,1,0,0\n",
         "epoch_decisions.csv:2: net-c is '2', expected 0 or 1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ts_write(p, cases[k].text);
        dl_report *r = dl_report_new();
        dl_error err = {0};
        assert_int_not_equal(dl_report_load_ddd(r, out, &err), 0);
        if (!strstr(err.msg, cases[k].want))
            fail_msg("case %zu: '%s' does not say '%s'", k, err.msg, cases[k].want);
        dl_report_free(r);
    }
    free(p);
    ts_rmtree(dir);
    free(out);
}

/* The figure places each row of epoch_decisions.csv by its image name and
 * epoch, not by its position: the same rows in another order (images
 * reversed, epochs descending) draw the same PNG, pixel for pixel. */
static void test_row_order_does_not_matter(void **state)
{
    (void)state;
    char dir[256];
    ts_tmpdir(dir, "dl_report_test");
    char *out = ts_path(dir, "ddd"), *rep[2] = {ts_path(dir, "r0"), ts_path(dir, "r1")};
    write_analysis(out);
    char *p = ts_path(out, "epoch_decisions.csv");
    dl_csv *csv = read_table(out, "epoch_decisions.csv");
    for (int k = 0; k < 2; k++) {
        if (k == 1) { /* rewrite the rows backwards */
            FILE *f = fopen(p, "w");
            assert_non_null(f);
            dl_csv_write_row(f, (const char *const *)csv->header, csv->ncols);
            for (size_t row = csv->nrows; row-- > 0;)
                dl_csv_write_row(f, (const char *const *)csv->rows[row], csv->ncols);
            assert_int_equal(fclose(f), 0);
        }
        dl_report *r = dl_report_new();
        dl_error err = {0};
        rt_check(dl_report_load_ddd(r, out, &err), &err);
        dl_report_options opt;
        dl_report_options_default(&opt);
        rt_check(dl_report_analyse(r, &opt, &err), &err);
        rt_check(dl_report_write_dir(r, rep[k], "t", &err), &err);
        dl_report_free(r);
    }
    size_t n[2];
    char *png[2];
    for (int k = 0; k < 2; k++) {
        char *q = ts_path(rep[k], "epoch_decisions.png");
        png[k] = ts_slurp(q, &n[k]);
        assert_non_null(png[k]);
        free(q);
    }
    assert_int_equal(n[0], n[1]);
    assert_memory_equal(png[0], png[1], n[0]);
    for (int k = 0; k < 2; k++) {
        free(png[k]);
        free(rep[k]);
    }
    dl_csv_free(csv);
    free(p);
    ts_rmtree(dir);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_epoch_decisions_csv),
        cmocka_unit_test(test_class_spread_csv),
        cmocka_unit_test(test_codebook),
        cmocka_unit_test(test_figures_and_pages),
        cmocka_unit_test(test_absent_without_data),
        cmocka_unit_test(test_bad_epoch_file),
        cmocka_unit_test(test_row_order_does_not_matter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
