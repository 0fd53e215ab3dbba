/* test_stimuli_formats.c — model results as ML tools write them: pandas
 * floats (65.0), other column names, one file per model, top-k lists,
 * model-vs-human raw data, timm's inference.py CSV, NumPy .npy/.npz. The
 * fixtures and the expected accuracies and splits come from
 * data/formats/make_fixtures.py (numpy/pandas), never from dddlab. */
#include "helpers.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dl_stats.h"
#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* Numbers of "name v1 v2 ..." in data/formats/reference.txt. */
static size_t ref(const char *name, double *out, size_t max)
{
    return ts_ref_numbers("tests/stimuli/data/formats/reference.txt", name, out, max);
}

static char *fx(const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "formats/%s", name);
    return th_data(rel);
}

static double accuracy(const dl_stimuli_results *r, size_t m)
{
    const uint64_t *w = r->correct->words + m * r->correct->words_per_row;
    size_t right = 0;
    for (size_t k = 0; k < r->correct->words_per_row; k++)
        right += (size_t)__builtin_popcountll(w[k]);
    return (double)right / (double)r->nimages;
}

/* The accuracies and the split (near 0) of r against reference NAME. */
static void check_ref(const dl_stimuli_results *r, const char *name)
{
    double acc[64], split[3];
    char key[128];
    snprintf(key, sizeof key, "%s.accuracy", name);
    size_t n = ref(key, acc, 64);
    assert_true(n > 0);
    assert_int_equal(r->nmodels, n);
    for (size_t m = 0; m < n; m++)
        assert_true(fabs(accuracy(r, m) - acc[m]) < 1e-12);
    snprintf(key, sizeof key, "%s.split", name);
    assert_int_equal(ref(key, split, 3), 3);
    size_t t = 0, b = 0, i = 0;
    for (size_t k = 0; k < r->nimages; k++) {
        t += r->n_correct[k] == r->nmodels;
        i += r->n_correct[k] == 0;
        b += r->n_correct[k] > 0 && r->n_correct[k] < r->nmodels;
    }
    assert_int_equal(t, (size_t)split[0]);
    assert_int_equal(b, (size_t)split[1]);
    assert_int_equal(i, (size_t)split[2]);
}

/* Read fixture name with ro and check it against reference key. */
static dl_stimuli_results *read_fx(const char *name, const dl_stimuli_read_opts *ro)
{
    char *p = fx(name);
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    int rc = dl_stimuli_results_read(p, ro, &r, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    free(p);
    return r;
}

/* The failure message of reading fixture name, without the folder. */
static void expect_fail(const char *name, const dl_stimuli_read_opts *ro, const char *msg)
{
    char *p = fx(name);
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    assert_int_not_equal(dl_stimuli_results_read(p, ro, &r, &err), 0);
    assert_null(r);
    const char *s = strstr(err.msg, "formats/");
    assert_non_null(s);
    assert_string_equal(s + strlen("formats/"), msg);
    free(p);
}

/* ---- 1. numbers compare as numbers ------------------------------------- */

static void test_65_equals_65_0(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    char *p = th_write(dir, "r.csv",
                       "model,image,label,prediction\n"
                       "m,a,65,65.0\nm,b,7,7\nm,c,3,3.5\nm,d,1e2,100\nm,e,cat,cat\n"
                       "m,f,0x10,16\nm,g,nan,nan\nm,h, 5,5\n");
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    assert_int_equal(dl_stimuli_results_read(p, NULL, &r, &err), 0);
    /* a 65/65.0, b 7/7, d 1e2/100, e text, f 0x10 = 16 (strtod reads hex),
     * g nan (equal text), h " 5" (blanks allowed around numbers) */
    int want[] = {1, 1, 0, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < 8; i++)
        assert_int_equal((r->correct->words[0] >> i) & 1, want[i]);
    assert_int_equal(r->nwarnings, 0);
    dl_stimuli_results_free(r);
    free(p);
    th_rmtree(dir);
}

static void test_pandas_float(void **state)
{
    (void)state;
    dl_stimuli_results *r = read_fx("pandas_float.csv", NULL);
    check_ref(r, "pandas_float");
    assert_string_equal(r->models[3], "oracle");
    assert_true(accuracy(r, 3) == 1.0);
    dl_stimuli_results_free(r);
}

static void test_warnings(void **state)
{
    (void)state;
    dl_stimuli_results *r = read_fx("mismatch.csv", NULL);
    assert_int_equal(r->nwarnings, 1);
    assert_string_equal(r->warnings[0],
                        "model 'named': accuracy 0; its predictions share no value with the "
                        "labels (prediction 'class_66', label '88', ...): wrong column?");
    dl_stimuli_results_free(r);
    /* a model that is never right although its predictions are labels */
    char *dir = th_tmpdir();
    char *p = th_write(dir, "r.csv", "model,image,correct\na,x,1\na,y,0\nb,x,0\nb,y,0\n");
    dl_error err = {0};
    assert_int_equal(dl_stimuli_results_read(p, NULL, &r, &err), 0);
    assert_int_equal(r->nwarnings, 1);
    assert_string_equal(r->warnings[0], "model 'b': accuracy 0 (no image correct)");
    dl_stimuli_results_free(r);
    free(p);
    th_rmtree(dir);
}

/* ---- 2. column options ---------------------------------------------------- */

static void test_columns(void **state)
{
    (void)state;
    dl_stimuli_read_opts ro = {.cols = {.model = "net",
                                        .image = "file",
                                        .label = "truth",
                                        .prediction = "guess",
                                        .epoch = "ep",
                                        .image_regex = "([^/]+)$"}};
    dl_stimuli_results *r = read_fx("columns.csv", &ro);
    check_ref(r, "columns");
    assert_int_equal(r->nepochs, 2);
    assert_string_equal(r->images[0], "pic_000.JPEG");
    dl_stimuli_results_free(r);
    ro.cols.image_regex = "^train/(.*)";
    expect_fail("columns.csv", &ro,
                "columns.csv:2: image name 'val/class3/pic_000.JPEG' does not match "
                "--image-regex");
    ro.cols.image_regex = NULL;
    ro.cols.label = "truths";
    expect_fail("columns.csv", &ro,
                "columns.csv:1: no column 'truths' (--label-col) in the header");
    ro.cols.label = "truth";
    ro.cols.epoch = "epoch";
    expect_fail("columns.csv", &ro, "columns.csv:1: no column 'epoch' (--epoch-col) in the header");
}

/* ---- 3. many files ---------------------------------------------------------- */

/* The text after "name " in data/formats/reference.txt (at most 127 bytes). */
static void ref_text(const char *name, char out[128])
{
    const char *src = getenv("DL_SOURCE_DIR");
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/tests/stimuli/data/formats/reference.txt", src ? src : ".");
    FILE *f = fopen(path, "r");
    size_t len = strlen(name);
    out[0] = '\0';
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ' ')
            sscanf(line + len + 1, "%127s", out);
    if (f)
        fclose(f);
}

static void test_folder_glob_list(void **state)
{
    (void)state;
    dl_stimuli_results *r = read_fx("per_model", NULL);
    check_ref(r, "per_model");
    char sha[128];
    ref_text("per_model.sha256", sha);
    assert_int_equal(strlen(sha), 64);
    assert_string_equal(r->sha256, sha); /* what stimuli build records */
    assert_string_equal(r->models[0], "alexnet");
    assert_string_equal(r->models[2], "vit_b16");
    assert_int_equal(r->nfiles, 3);
    dl_stimuli_results_free(r);
    r = read_fx("per_model/*.csv", NULL);
    check_ref(r, "per_model");
    dl_stimuli_results_free(r);
    char *a = fx("per_model/alexnet.csv"), *b = fx("per_model/resnet50.csv"),
         *c = fx("per_model/vit_b16.csv");
    const char *paths[] = {a, b, c};
    dl_error err = {0};
    assert_int_equal(dl_stimuli_results_read_many(paths, 3, NULL, &r, &err), 0);
    check_ref(r, "per_model");
    assert_string_equal(r->sha256, sha);
    dl_stimuli_results_free(r);
    /* a model file short of an image names both files */
    char *dir = th_tmpdir();
    char *p1 = th_write(dir, "m1.csv", "image,correct\nx,1\ny,0\n");
    char *p2 = th_write(dir, "m2.csv", "image,correct\nx,1\n");
    assert_int_not_equal(dl_stimuli_results_read(dir, NULL, &r, &err), 0);
    char want[8192];
    snprintf(want, sizeof want,
             "%s:2: model 'm2' has results for 1 of 2 images; missing e.g. image 'y' (%s:3)", p2,
             p1);
    assert_string_equal(err.msg, want);
    free(p1);
    free(p2);
    th_rmtree(dir);
    free(a);
    free(b);
    free(c);
    expect_fail("nothing*.csv", NULL, "nothing*.csv: no file matches the pattern");
}

/* ---- 4. top-k ------------------------------------------------------------------ */

static void test_topk(void **state)
{
    (void)state;
    dl_stimuli_read_opts ro = {.top_k = 1};
    dl_stimuli_results *r = read_fx("topk.csv", &ro);
    check_ref(r, "topk1");
    dl_stimuli_results_free(r);
    ro.top_k = 5;
    r = read_fx("topk.csv", &ro);
    check_ref(r, "topk5");
    dl_stimuli_results_free(r);
}

/* ---- 6. model-vs-human, timm ------------------------------------------------------ */

static void test_mvh(void **state)
{
    (void)state;
    dl_stimuli_results *r = read_fx("mvh", NULL);
    assert_int_equal(r->format, DL_STIMULI_MVH);
    check_ref(r, "mvh");
    assert_string_equal(r->models[0], "subject-01");
    assert_null(strstr(r->images[0], "_s01_")); /* the subject prefix is gone */
    dl_stimuli_results_free(r);
    char *dir = th_tmpdir();
    char *p = th_write(dir, "s.csv",
                       "subj,session,trial,rt,object_response,category,condition,imagename\n"
                       "subject-01,1,1,0.5,knife,oven,0,0001_edg_s01_0_oven_00_oven10.png\n"
                       "subject-01,1,2,0.5,knife,,0,0002_edg_s01_0_dog_00_dog2.png\n");
    dl_error err = {0};
    assert_int_not_equal(dl_stimuli_results_read(p, NULL, &r, &err), 0);
    assert_non_null(strstr(err.msg, "s.csv:3: empty label"));
    free(p);
    th_rmtree(dir);
}

static void test_timm(void **state)
{
    (void)state;
    char *labels = fx("timm_val_labels.csv");
    dl_stimuli_read_opts ro = {.labels = labels};
    dl_stimuli_results *r = read_fx("timm", &ro);
    assert_int_equal(r->format, DL_STIMULI_TIMM);
    check_ref(r, "timm1");
    assert_string_equal(r->images[0], "ILSVRC2012_val_00000001.JPEG");
    dl_stimuli_results_free(r);
    ro.top_k = 5;
    r = read_fx("timm", &ro);
    check_ref(r, "timm5");
    dl_stimuli_results_free(r);
    r = read_fx("timm_separate.csv", &ro);
    check_ref(r, "timm_separate5");
    dl_stimuli_results_free(r);
    ro.labels = NULL;
    expect_fail("timm", &ro,
                "timm/convnext_tiny.csv:1: no column 'label': the true labels are needed (give "
                "--labels FILE with rows image,label)");
    ro.labels = labels;
    ro.cols.image_regex = "val_0000000[1-5]";
    expect_fail("timm", &ro,
                "timm_val_labels.csv:6: image name 'ILSVRC2012_val_00000006.JPEG' does not "
                "match --image-regex");
    free(labels);
}

/* ---- 5. NumPy ------------------------------------------------------------------ */

static void test_npy_matrix(void **state)
{
    (void)state;
    dl_stimuli_results *r = read_fx("correct_bool.npy", NULL);
    assert_int_equal(r->format, DL_STIMULI_NPY);
    check_ref(r, "npy_matrix");
    assert_string_equal(r->models[0], "correct_bool_0");
    assert_string_equal(r->images[8], "8");
    dl_stimuli_results_free(r);
    char *list = fx("npy_images.txt");
    dl_stimuli_read_opts ro = {.image_list = list};
    r = read_fx("correct_i8.npy", &ro);
    check_ref(r, "npy_matrix");
    assert_string_equal(r->images[8], "pic8.png");
    dl_stimuli_results_free(r);
    free(list);
}

static void test_npz_predictions(void **state)
{
    (void)state;
    char *labels = fx("npy_labels.csv"), *labels_npy = fx("npy_labels.npy");
    dl_stimuli_read_opts ro = {.labels = labels};
    dl_stimuli_results *r = read_fx("models.npz", &ro);
    check_ref(r, "npz_models");
    assert_string_equal(r->models[2], "clip");
    assert_int_equal(r->nwarnings, 2); /* resnet and vit never right */
    dl_stimuli_results_free(r);
    ro.top_k = 3;
    r = read_fx("models_deflated.npz", &ro);
    check_ref(r, "npz_models_top3");
    dl_stimuli_results_free(r);
    ro.labels = labels_npy;
    r = read_fx("models.npz", &ro);
    check_ref(r, "npz_models_top3");
    dl_stimuli_results_free(r);
    free(labels);
    free(labels_npy);
}

static void test_npy_imagefolder(void **state)
{
    (void)state;
    char *root = fx("imagefolder");
    dl_stimuli_read_opts ro = {.image_list = root};
    dl_stimuli_results *r = read_fx("imagefolder_logits.npy", &ro);
    check_ref(r, "imagefolder");
    /* class folders sorted, image files sorted within, notes.txt left out */
    static const char *const order[] = {"ant/c.png", "ant/x.png", "cat/1.jpg", "zebra/a.JPEG",
                                        "zebra/b.JPEG"};
    assert_int_equal(r->nimages, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(r->images[i], order[i]);
    assert_string_equal(r->class_label[2], "1");
    dl_stimuli_results_free(r);
    free(root);
}

static void test_npy_errors(void **state)
{
    (void)state;
    expect_fail("bad_big_endian.npy", NULL,
                "bad_big_endian.npy: dtype '>i4' is big-endian; save with .astype('<i4')");
    expect_fail("bad_fortran.npy", NULL,
                "bad_fortran.npy: array is in Fortran order; save np.ascontiguousarray(a)");
    expect_fail("bad_header.npy", NULL,
                "bad_header.npy: bad .npy header at offset 20: expected 'key': value");
    expect_fail("bad_object.npy", NULL,
                "bad_object.npy: dtype '|O' holds Python objects (pickles), which are not read; "
                "save a numeric array");
    expect_fail("bad_truncated.npy", NULL,
                "bad_truncated.npy: truncated data: the header announces 36 elements of |b1 (36 "
                "bytes) from offset 128, the file has 33 bytes there (element 33 is cut)");
    expect_fail("bad_values.npy", NULL,
                "bad_values.npy: array 'bad_values' element [0, 2]: 2 is not 0 or 1 (without "
                "--labels the array is correctness)");
    char *list = fx("npy_images.txt");
    dl_stimuli_read_opts ro = {.image_list = list};
    expect_fail("bad_values.npy", &ro,
                "bad_values.npy: array 'bad_values' has 3 images, but there are 9 image names");
    free(list);
    char *dir = th_tmpdir();
    char *p = th_write(dir, "x.npz", "not a zip archive, only some text\n");
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    assert_int_not_equal(dl_stimuli_results_read(p, NULL, &r, &err), 0);
    char want[8192];
    snprintf(want, sizeof want,
             "%s: damaged .npz (zip) archive: no end-of-central-directory record at offset 34", p);
    assert_string_equal(err.msg, want);
    free(p);
    th_rmtree(dir);
}

/* ---- 7. scale ------------------------------------------------------------------ */

/* The O(M log² M) Poisson-binomial equals the exact recursion. */
static void test_pb_fast(void **state)
{
    (void)state;
    for (unsigned m = 4000; m <= 12000; m += 8000) {
        double *acc = calloc(m, sizeof *acc), *exact = calloc(m + 1, sizeof *exact),
               *fast = calloc(m + 1, sizeof *fast);
        uint64_t x = 88172645463325252ULL;
        for (unsigned i = 0; i < m; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            acc[i] = (double)(x >> 11) / 9007199254740992.0;
        }
        acc[0] = 0, acc[1] = 1; /* the ends of the range */
        assert_int_equal(dl_stats_poisson_binom_pmf(acc, m, exact), 0);
        assert_int_equal(stim_pb_pmf(acc, m, fast), 0);
        double worst = 0, sum = 0;
        for (unsigned k = 0; k <= m; k++) {
            worst = fmax(worst, fabs(exact[k] - fast[k]));
            sum += fast[k];
        }
        assert_true(worst < 1e-13);
        assert_true(fabs(sum - 1) < 1e-12);
        assert_true(fast[0] == 0 && fast[m] == 0); /* acc 1 and acc 0 */
        free(acc);
        free(exact);
        free(fast);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_65_equals_65_0),
        cmocka_unit_test(test_pandas_float),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_folder_glob_list),
        cmocka_unit_test(test_topk),
        cmocka_unit_test(test_mvh),
        cmocka_unit_test(test_timm),
        cmocka_unit_test(test_npy_matrix),
        cmocka_unit_test(test_npz_predictions),
        cmocka_unit_test(test_npy_errors),
        cmocka_unit_test(test_pb_fast),
        cmocka_unit_test(test_npy_imagefolder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
