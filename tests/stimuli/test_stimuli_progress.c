/* test_stimuli_progress.c — libraries report long work through a
 * dl_progress_fn and never draw it: a counting callback sees counts that
 * never go down and end at the total, and nothing reaches stderr even with
 * the display forced on (DL_PROGRESS=1) and work long enough (over half a
 * second) for the old drawing code to have shown it. */
#include "helpers.h" /* first: it sets _XOPEN_SOURCE */

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "dl_stimuli.h"

enum { MAX_CALLS = 100000 };

/* Every report of one piece of work. */
typedef struct counter {
    size_t n;
    size_t done[MAX_CALLS], total[MAX_CALLS];
} counter;

static void count(void *ctx, size_t done, size_t total)
{
    counter *c = ctx;
    if (c->n < MAX_CALLS) {
        c->done[c->n] = done;
        c->total[c->n] = total;
    }
    c->n++;
}

/* Counts never go down, the total never changes, and the last report is
 * done == total == want; at least min reports. */
static void check_counts(const counter *c, size_t want, size_t min)
{
    assert_true(c->n >= min);
    assert_true(c->n <= MAX_CALLS);
    for (size_t i = 1; i < c->n; i++) {
        assert_true(c->done[i] >= c->done[i - 1]);
        assert_int_equal(c->total[i], c->total[0]);
    }
    assert_int_equal(c->done[c->n - 1], want);
    assert_int_equal(c->total[c->n - 1], want);
}

static size_t file_bytes(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (size_t)st.st_size;
}

/* stderr goes to a file while the library works. */
typedef struct capture {
    int saved;
    char *path;
} capture;

static void capture_begin(capture *k, const char *dir)
{
    k->path = ts_path(dir, "stderr.txt");
    fflush(stderr);
    k->saved = dup(STDERR_FILENO);
    int fd = open(k->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(k->saved >= 0 && fd >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    close(fd);
}

static size_t capture_end(capture *k)
{
    fflush(stderr);
    dup2(k->saved, STDERR_FILENO);
    close(k->saved);
    size_t n = file_bytes(k->path);
    free(k->path);
    return n;
}

static counter csv_c, res_c, demo_c, check_c;

static void test_progress_reported_not_drawn(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    assert_non_null(dir);
    setenv("DL_PROGRESS", "1", 1); /* the old display drew even without a terminal */
    dl_error err = {0};

    /* A CSV of 5,000 lines: reports every 1,024 lines and at the end. */
    char *csv = ts_path(dir, "big.csv");
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("image,value\n", f);
    for (int i = 0; i < 5000; i++)
        fprintf(f, "img%05d,%d\n", i, i % 7);
    fclose(f);

    /* The demo data set: 6,000 test images take long enough to be shown. */
    dl_stimuli_demo d;
    dl_stimuli_demo_defaults(&d);
    d.images_per_class = 60;
    d.progress = count;
    d.progress_ctx = &demo_c;
    char *demo = ts_path(dir, "demo"), *results = ts_path(demo, "results.csv");
    char *ini = ts_path(demo, "demo.ini"), *images = ts_path(dir, "images");

    capture k;
    capture_begin(&k, dir);
    dl_csv *t = NULL;
    int csv_rc = dl_csv_read_progress(csv, count, &csv_c, &t, &err);
    int demo_rc = dl_stimuli_demo_generate(&d, demo, &err);
    dl_stimuli_read_opts ro = {.progress = count, .progress_ctx = &res_c};
    dl_stimuli_results *r = NULL;
    int res_rc = demo_rc ? demo_rc : dl_stimuli_results_read(results, &ro, &r, &err);
    dl_stimuli_build_opts bo;
    dl_stimuli_build_defaults(&bo);
    bo.name = "progress";
    bo.image_root = images;
    bo.near = 1;
    bo.pairs = 12;
    bo.practice = 2;
    bo.seed = 7;
    bo.demo_ini = ini;
    bo.progress = count;
    bo.progress_ctx = &check_c;
    dl_stim_set *set = NULL;
    int build_rc = res_rc ? res_rc : dl_stimuli_build(r, &bo, &set, &err);
    size_t errbytes = capture_end(&k);

    assert_int_equal(csv_rc, 0);
    assert_int_equal(demo_rc, 0);
    assert_int_equal(res_rc, 0);
    assert_int_equal(build_rc, 0);
    assert_int_equal(errbytes, 0);

    assert_int_equal(t->nrows, 5000);
    check_counts(&csv_c, file_bytes(csv), 5);
    check_counts(&demo_c, 6000, 6000 / 256);
    check_counts(&res_c, file_bytes(results), 2);
    assert_int_equal(set->nitems, 14);
    check_counts(&check_c, set->nitems, set->nitems);

    unsetenv("DL_PROGRESS");
    dl_stim_set_free(set);
    dl_stimuli_results_free(r);
    dl_csv_free(t);
    free(csv);
    free(demo);
    free(results);
    free(ini);
    free(images);
    th_rmtree(dir);
}

/* A folder of results files counts the bytes of all of them. */
static counter many_c;

static void test_progress_over_files(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    assert_non_null(dir);
    char *a = th_write(dir, "a.csv", "image,correct\nx,1\ny,0\nz,1\n");
    char *b = th_write(dir, "b.csv", "image,correct\nx,0\ny,0\nz,1\n");
    dl_stimuli_read_opts ro = {.progress = count, .progress_ctx = &many_c};
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    assert_int_equal(dl_stimuli_results_read(dir, &ro, &r, &err), 0);
    assert_int_equal(r->nmodels, 2);
    check_counts(&many_c, file_bytes(a) + file_bytes(b), 2);
    dl_stimuli_results_free(r);
    free(a);
    free(b);
    th_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_reported_not_drawn),
        cmocka_unit_test(test_progress_over_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
