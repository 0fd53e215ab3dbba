/* test_report_ddd_unc.c — the DDD uncertainty from `stimuli analyse
 * --bootstrap --out DIR` reaches the report: uncertainty.csv is written,
 * read back by dl_report_load_ddd with the same numbers, and shown in the
 * text, the JSON and report.html with its seed and level. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dl_stimuli.h"
#include "report_test_util.h"

static void test_ddd_uncertainty_roundtrip(void **state)
{
    (void)state;
    const char *src = getenv("DL_SOURCE_DIR");
    char path[1024], dir[256], out[512], rep[512];
    snprintf(path, sizeof path, "%s/tests/stimuli/data/wide_small.csv", src ? src : "../..");
    dl_stimuli_read_opts ro = {0};
    dl_stimuli_results *res = NULL;
    dl_stimuli_analysis *a = NULL;
    dl_stimuli_ddd_unc u;
    dl_error err = {0};
    rt_check(dl_stimuli_results_read(path, &ro, &res, &err), &err);
    rt_check(dl_stimuli_analyse(res, 1, 1, &a, &err), &err);
    rt_check(dl_stimuli_ddd_uncertainty(a, 400, 11, 0.9, &u, &err), &err);
    assert_true(u.has_models);
    /* The intervals hold the observed shares (images) and are ordered. */
    double n = (double)res->nimages, share[3]; /* by dl_stats_difficulty */
    share[DL_STATS_TRIVIAL] = a->trivial / n;
    share[DL_STATS_IN_BETWEEN] = a->in_between / n;
    share[DL_STATS_IMPOSSIBLE] = a->impossible / n;
    for (int c = 0; c < 3; c++) {
        assert_true(u.by_images.low[c] <= share[c] && share[c] <= u.by_images.high[c]);
        assert_true(u.by_models.low[c] <= u.by_models.high[c]);
    }
    a->unc = &u;
    ts_tmpdir(dir, "dl_report_test");
    snprintf(out, sizeof out, "%s/ddd", dir);
    rt_check(dl_stimuli_analysis_write(a, out, &err), &err);
    rt_check(dl_stimuli_ddd_unc_write(a, &u, out, &err), &err);

    dl_report *r = dl_report_new();
    rt_check(dl_report_load_ddd(r, out, &err), &err);
    dl_report_options opt;
    dl_report_options_default(&opt);
    rt_check(dl_report_analyse(r, &opt, &err), &err);
    char *json = rt_json(r), *text = rt_text(r);
    char want[128];
    /* The CSV carries 10 significant digits. */
    const char *at = strstr(json, "\"rho_ci_low\":");
    assert_non_null(at);
    assert_float_equal(strtod(at + strlen("\"rho_ci_low\":"), NULL), u.rho_low, 1e-9);
    const char *key = "\"split_by_models\":{\"trivial\":[";
    at = strstr(json, key);
    assert_non_null(at);
    char *end;
    assert_float_equal(strtod(at + strlen(key), &end), u.by_models.low[DL_STATS_TRIVIAL], 1e-9);
    assert_float_equal(strtod(end + 1, NULL), u.by_models.high[DL_STATS_TRIVIAL], 1e-9);
    assert_non_null(strstr(text, "90% intervals (400 bootstrap replicates, seed 11, percentile)"));
    snprintf(want, sizeof want, "beta-binomial rho %.4f (%.4f to %.4f", u.betabin.rho, u.rho_low,
             u.rho_high);
    assert_non_null(strstr(text, want));
    /* The headline: the split of per_image.csv with the --near K that made
     * it (1 here), the intervals resampling images. */
    char head[512];
    snprintf(head, sizeof head,
             "With --near 1 (trivial: at least %zu of %zu models correct; impossible: at most "
             "1): trivial %.1f%% [%.1f, %.1f], in-between %.1f%% [%.1f, %.1f], impossible "
             "%.1f%% [%.1f, %.1f] (90%% bootstrap intervals, resampling images)",
             res->nmodels - 1, res->nmodels, 100 * share[DL_STATS_TRIVIAL],
             100 * u.by_images.low[DL_STATS_TRIVIAL], 100 * u.by_images.high[DL_STATS_TRIVIAL],
             100 * share[DL_STATS_IN_BETWEEN], 100 * u.by_images.low[DL_STATS_IN_BETWEEN],
             100 * u.by_images.high[DL_STATS_IN_BETWEEN], 100 * share[DL_STATS_IMPOSSIBLE],
             100 * u.by_images.low[DL_STATS_IMPOSSIBLE],
             100 * u.by_images.high[DL_STATS_IMPOSSIBLE]);
    assert_non_null(strstr(text, head));
    snprintf(rep, sizeof rep, "%s/report", dir);
    rt_check(dl_report_write_dir(r, rep, "dddlab analyse --ddd ddd", &err), &err);
    char *html_path = ts_path(rep, "report.html");
    char *html = ts_slurp(html_path, NULL);
    assert_non_null(strstr(html, "resampling models"));
    assert_non_null(strstr(html, "(seed 11)"));
    assert_non_null(strstr(html, head));
    char *acc_png = ts_path(rep, "model_accuracy.png");
    size_t acc_len = 0;
    char *acc = ts_slurp(acc_png, &acc_len);
    assert_true(acc_len > 1000 && memcmp(acc, "\x89PNG", 4) == 0);
    free(acc);
    free(acc_png);
    free(html);
    free(html_path);
    free(json);
    free(text);
    dl_report_free(r);
    ts_rmtree(dir);
    dl_stimuli_ddd_unc_free(&u);
    dl_stimuli_analysis_free(a);
    dl_stimuli_results_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ddd_uncertainty_roundtrip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
