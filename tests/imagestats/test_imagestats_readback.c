/* test_imagestats_readback.c — what `stimuli imagestats --out` writes
 * (imagestats.csv, correlations.csv, class_summary.csv) and what --json
 * prints, parsed back and compared column by column and key by key with
 * values from elsewhere: the statistics of the five committed scenes from the
 * authors' definitions (ref_authors.csv, made by make_reference_authors.py),
 * and the summaries, Pearson and Spearman correlations and their p-values
 * computed here from those numbers and the difficulties this test gives. */
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dl_common.h"
#include "test_support.h"

#define NIMG 5
#define NSTAT 8

static const char *const scene[NIMG] = {"scene_160x120", "scene_96x128", "scene_300x200",
                                        "scene_64x48", "scene_128x128"};
/* trivial, in-between, in-between, impossible, trivial */
static const double frac[NIMG] = {1, 0.3, 0.5, 0, 1};
static const char *const stat_name[NSTAT] = {
    "width_px",   "height_px",      "local_entropy_bits", "dct_coef_pct",
    "segments",   "sobel_mean",     "mean_luminance",     "rms_contrast"};
static const char *const class_name[3] = {"trivial", "in-between", "impossible"};

static char dir[256], out[300];   /* the temporary folder; out: what --out wrote */
static double value[NIMG][NSTAT]; /* from ref_authors.csv, each at its own size */

static int class_of(double f)
{
    return f == 1 ? 0 : f == 0 ? 2 : 1;
}

static int setup(void **state)
{
    (void)state;
    ts_tmpdir(dir, "dl_imgstats_rb");
    snprintf(out, sizeof out, "%s/out", dir);
    dl_csv *csv = NULL;
    dl_error err = {0};
    if (dl_csv_read(IMGDIR "/ref_authors.csv", &csv, &err) != 0)
        return -1;
    int found = 0;
    for (size_t r = 0; r < csv->nrows; r++) {
        if (strcmp(csv->rows[r][dl_csv_col(csv, "size_px")], "0") != 0)
            continue;
        for (int i = 0; i < NIMG; i++)
            if (strcmp(csv->rows[r][dl_csv_col(csv, "image")], scene[i]) == 0) {
                for (int s = 0; s < NSTAT; s++)
                    value[i][s] = strtod(csv->rows[r][dl_csv_col(csv, stat_name[s])], NULL);
                found++;
            }
    }
    dl_csv_free(csv);
    return found == NIMG ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(dir);
    return 0;
}

/* ---- independent numbers ---- */

static double mean_of(const double *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return s / n;
}

static double sd_of(const double *x, int n)
{
    double m = mean_of(x, n), s = 0;
    for (int i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (n - 1));
}

static double pearson(const double *x, const double *y, int n)
{
    double mx = mean_of(x, n), my = mean_of(y, n), sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* Ranks 1..n, ties get their mean rank. */
static void ranks(const double *x, int n, double *r)
{
    for (int i = 0; i < n; i++) {
        int below = 0, same = 0;
        for (int k = 0; k < n; k++) {
            below += x[k] < x[i];
            same += x[k] == x[i];
        }
        r[i] = below + (same + 1) / 2.0;
    }
}

/* The two-sided p of r with n = 5 from Student's t with 3 degrees of
 * freedom, whose CDF has a closed form: 1/2 + (th + sin th cos th) / pi,
 * th = atan(t / sqrt 3). */
static double p_of_r(double r)
{
    double t = fabs(r) * sqrt(3 / (1 - r * r)), th = atan(t / sqrt(3.0));
    return 1 - 2 * (th + sin(th) * cos(th)) / (4 * atan(1.0));
}

/* The values of statistic s on the images of class c (-1: all). */
static int values(int s, int c, double *x)
{
    int n = 0;
    for (int i = 0; i < NIMG; i++)
        if (c < 0 || class_of(frac[i]) == c)
            x[n++] = value[i][s];
    return n;
}

static double median_of(double *x, int n)
{
    for (int i = 1; i < n; i++) /* insertion sort, n <= 5 */
        for (int k = i; k > 0 && x[k - 1] > x[k]; k--) {
            double t = x[k];
            x[k] = x[k - 1];
            x[k - 1] = t;
        }
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

static void check_tables(void)
{
    dl_csv *t = ts_read_table(out, "imagestats.csv");
    assert_int_equal(t->nrows, NIMG);
    for (int i = 0; i < NIMG; i++) {
        assert_string_equal(ts_cell(t, i, "image"), scene[i]);
        for (int s = 0; s < NSTAT; s++)
            ts_assert_cell(t, i, stat_name[s], value[i][s]);
        ts_assert_cell(t, i, "frac_correct", frac[i]);
        assert_string_equal(ts_cell(t, i, "difficulty"), class_name[class_of(frac[i])]);
    }
    dl_csv_free(t);

    t = ts_read_table(out, "correlations.csv");
    assert_int_equal(t->nrows, NSTAT);
    double rf[NIMG];
    ranks(frac, NIMG, rf);
    for (int s = 0; s < NSTAT; s++) {
        double x[NIMG], rx[NIMG];
        values(s, -1, x);
        ranks(x, NIMG, rx);
        double r = pearson(x, frac, NIMG), rho = pearson(rx, rf, NIMG);
        assert_string_equal(ts_cell(t, s, "statistic"), stat_name[s]);
        ts_assert_cell(t, s, "n", NIMG);
        ts_assert_cell(t, s, "pearson_r", r);
        ts_assert_cell(t, s, "pearson_p", p_of_r(r));
        ts_assert_cell(t, s, "spearman_rho", rho);
        ts_assert_cell(t, s, "spearman_p", p_of_r(rho));
    }
    dl_csv_free(t);

    t = ts_read_table(out, "class_summary.csv");
    assert_int_equal(t->nrows, NSTAT * 3);
    for (int s = 0; s < NSTAT; s++)
        for (int c = 0; c < 3; c++) {
            size_t row = (size_t)s * 3 + (size_t)c;
            double x[NIMG];
            int n = values(s, c, x);
            assert_string_equal(ts_cell(t, row, "statistic"), stat_name[s]);
            assert_string_equal(ts_cell(t, row, "difficulty"), class_name[c]);
            ts_assert_cell(t, row, "n", n);
            ts_assert_cell(t, row, "mean", mean_of(x, n));
            ts_assert_cell(t, row, "sd", n > 1 ? sd_of(x, n) : NAN);
        }
    dl_csv_free(t);
}

static void check_summary(const jv *root, const char *prefix, int s, int c)
{
    double x[NIMG];
    int n = values(s, c, x);
    char key[128];
    snprintf(key, sizeof key, "%s.n", prefix);
    ts_assert_key_tol(root, key, n, 0);
    snprintf(key, sizeof key, "%s.mean", prefix);
    ts_assert_key_tol(root, key, mean_of(x, n), 1e-9);
    snprintf(key, sizeof key, "%s.sd", prefix);
    ts_assert_key_tol(root, key, n > 1 ? sd_of(x, n) : NAN, 1e-9);
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++)
        lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    snprintf(key, sizeof key, "%s.min", prefix);
    ts_assert_key_tol(root, key, n ? lo : NAN, 1e-9);
    snprintf(key, sizeof key, "%s.max", prefix);
    ts_assert_key_tol(root, key, n ? hi : NAN, 1e-9);
    snprintf(key, sizeof key, "%s.median", prefix);
    ts_assert_key_tol(root, key, n ? median_of(x, n) : NAN, 1e-9);
}

static void check_json(const jv *root)
{
    ts_assert_key_tol(root, "images", NIMG, 0);
    ts_assert_key_tol(root, "difficulty.matched", NIMG, 0);
    ts_assert_key_str(root, "entropy_gray", "float");
    char key[128], prefix[96];
    double rf[NIMG];
    ranks(frac, NIMG, rf);
    for (int s = 0; s < NSTAT; s++) {
        snprintf(key, sizeof key, "statistics.%d.name", s);
        ts_assert_key_str(root, key, stat_name[s]);
        snprintf(prefix, sizeof prefix, "statistics.%d", s);
        check_summary(root, prefix, s, -1);
        snprintf(key, sizeof key, "difficulty.statistics.%d.name", s);
        ts_assert_key_str(root, key, stat_name[s]);
        double x[NIMG], rx[NIMG];
        values(s, -1, x);
        ranks(x, NIMG, rx);
        double r = pearson(x, frac, NIMG), rho = pearson(rx, rf, NIMG);
        snprintf(key, sizeof key, "difficulty.statistics.%d.pearson_r", s);
        ts_assert_key_tol(root, key, r, 1e-9);
        snprintf(key, sizeof key, "difficulty.statistics.%d.pearson_p", s);
        ts_assert_key_tol(root, key, p_of_r(r), 1e-9);
        snprintf(key, sizeof key, "difficulty.statistics.%d.spearman_rho", s);
        ts_assert_key_tol(root, key, rho, 1e-12);
        snprintf(key, sizeof key, "difficulty.statistics.%d.spearman_p", s);
        ts_assert_key_tol(root, key, p_of_r(rho), 1e-9);
        for (int c = 0; c < 3; c++) {
            snprintf(prefix, sizeof prefix, "difficulty.statistics.%d.%s", s, class_name[c]);
            check_summary(root, prefix, s, c);
        }
    }
}

static void test_out_and_json_readback(void **state)
{
    (void)state;
    const char *binary = getenv("DL_BINARY");
    assert_non_null(binary);
    char list[512], diff[512];
    snprintf(list, sizeof list, "%s/images.csv", dir);
    snprintf(diff, sizeof diff, "%s/difficulty.csv", dir);
    FILE *fl = fopen(list, "w"), *fd = fopen(diff, "w");
    assert_non_null(fl);
    assert_non_null(fd);
    fputs("image,path\n", fl);
    fputs("image,frac_correct\n", fd);
    for (int i = 0; i < NIMG; i++) {
        fprintf(fl, "%s,%s/images/%s.png\n", scene[i], IMGDIR, scene[i]);
        fprintf(fd, "%s,%g\n", scene[i], frac[i]);
    }
    assert_int_equal(fclose(fl), 0);
    assert_int_equal(fclose(fd), 0);

    char cmd[2048], json_path[512];
    snprintf(json_path, sizeof json_path, "%s/stdout.json", dir);
    snprintf(cmd, sizeof cmd,
             "'%s' stimuli imagestats --images-csv '%s' --difficulty '%s' --out '%s' --json "
             ">'%s'",
             binary, list, diff, out, json_path);
    assert_int_equal(system(cmd), 0);
    check_tables();

    char *text = NULL;
    dl_error err = {0};
    assert_int_equal(dl_read_file(json_path, &text, NULL, &err), 0);
    jv *root = jv_parse(text);
    assert_non_null(root);
    check_json(root);
    jv_free(root);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out_and_json_readback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
