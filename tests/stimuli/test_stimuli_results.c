/* test_stimuli_results.c — the model-results readers: every format, the
 * metadata and exclusion files, CRLF, BOM, quoting, and every error message. */
#include "helpers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dl_stimuli.h"

typedef struct fx {
    char *dir;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = th_tmpdir();
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    th_rmtree(f->dir);
    free(f);
    return 0;
}

static int bit(const dl_bits *b, size_t row, size_t item)
{
    return (int)((b->words[row * b->words_per_row + item / 64] >> (item % 64)) & 1);
}

/* Read text as name; returns the results (or NULL with err filled). */
static dl_stimuli_results *read_text(fx *f, const char *name, const char *text,
                                     const dl_stimuli_read_opts *ro, dl_error *err, char **path)
{
    dl_stimuli_results *r = NULL;
    char *p = th_write(f->dir, name, text);
    memset(err, 0, sizeof *err);
    dl_stimuli_results_read(p, ro, &r, err);
    if (path)
        *path = p;
    else
        free(p);
    return r;
}

/* The read must fail with exactly "PATH:" + expected. */
static void expect_error(fx *f, const char *text, const dl_stimuli_read_opts *ro,
                         const char *expected)
{
    dl_error err;
    char *path, want[2048];
    dl_stimuli_results *r = read_text(f, "bad.csv", text, ro, &err, &path);
    snprintf(want, sizeof want, "%s:%s", path, expected);
    assert_null(r);
    assert_int_equal(err.code, DL_EINVAL);
    assert_string_equal(err.msg, want);
    free(path);
}

/* ---- formats ---------------------------------------------------------------- */

static void test_long_correct(void **state)
{
    dl_error err;
    dl_stimuli_results *r = read_text(*state, "long.csv",
                                      "model,image,correct\n"
                                      "a,x.png,1\na,y.png,0\nb,y.png,true\nb,x.png,FALSE\n"
                                      "c,x.png,0\nc,y.png, 1 \n",
                                      NULL, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->format, DL_STIMULI_LONG);
    assert_int_equal(r->nimages, 2);
    assert_int_equal(r->nmodels, 3);
    assert_int_equal(r->models_per_image, 3);
    assert_string_equal(r->images[0], "x.png");
    assert_string_equal(r->models[2], "c");
    assert_int_equal(bit(r->correct, 0, 0), 1);
    assert_int_equal(bit(r->correct, 0, 1), 0);
    assert_int_equal(bit(r->correct, 1, 0), 0);
    assert_int_equal(bit(r->correct, 1, 1), 1);
    assert_int_equal(r->n_correct[0], 1);
    assert_int_equal(r->n_correct[1], 2);
    assert_int_equal(r->has_class, 0);
    assert_null(r->epoch_correct);
    dl_stimuli_results_free(r);
}

static void test_long_label_prediction(void **state)
{
    dl_error err;
    dl_stimuli_results *r = read_text(*state, "lp.csv",
                                      "model,image,label,prediction\n"
                                      "a,x,cat,cat\na,y,dog,cat\nb,x,cat,dog\nb,y,dog,dog\n",
                                      NULL, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->n_correct[0], 1);
    assert_int_equal(r->n_correct[1], 1);
    assert_int_equal(bit(r->correct, 0, 0), 1);
    assert_int_equal(bit(r->correct, 1, 1), 1);
    assert_int_equal(r->has_class, 1);
    assert_string_equal(r->class_label[0], "cat");
    assert_string_equal(r->class_label[1], "dog");
    dl_stimuli_results_free(r);
}

static void test_long_epochs_sorted(void **state)
{
    char *path = th_data("epochs_small.csv");
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    assert_int_equal(dl_stimuli_results_read(path, NULL, &r, &err), 0);
    assert_int_equal(r->nepochs, 3);
    assert_int_equal(r->epochs[0], 1);
    assert_int_equal(r->epochs[2], 3);
    assert_int_equal(r->nmodels, 3);
    assert_int_equal(r->nimages, 40);
    /* the last epoch is the one analysed as "the" results */
    for (size_t m = 0; m < 3; m++)
        for (size_t i = 0; i < 40; i++)
            assert_int_equal(bit(r->correct, m, i), bit(r->epoch_correct, 2 * 3 + m, i));
    dl_stimuli_results_free(r);
    free(path);
    (void)state;
}

static void test_wide(void **state)
{
    dl_error err;
    dl_stimuli_results *r = read_text(*state, "wide.csv",
                                      "image,class,m1,m2,m3\n"
                                      "x,cat,1,1,1\ny,dog,0,1,0\nz,,0,0,0\n",
                                      NULL, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->format, DL_STIMULI_WIDE);
    assert_int_equal(r->nmodels, 3);
    assert_string_equal(r->models[0], "m1");
    assert_int_equal(r->n_correct[0], 3);
    assert_int_equal(r->n_correct[1], 1);
    assert_int_equal(r->n_correct[2], 0);
    assert_string_equal(r->class_label[1], "dog");
    assert_null(r->class_label[2]);
    assert_int_equal(bit(r->correct, 1, 1), 1);
    dl_stimuli_results_free(r);
}

static void test_counts(void **state)
{
    dl_error err;
    dl_stimuli_results *r =
        read_text(*state, "counts.csv",
                  "image,wnid,label,n_correct,n_models,label_error\n"
                  "a.JPEG,n01,0,11,11,0\nb.JPEG,n02,1,0,11,1\nc.JPEG,n02,1,5,11,\n",
                  NULL, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->format, DL_STIMULI_COUNTS);
    assert_int_equal(r->nmodels, 0);
    assert_null(r->correct);
    assert_int_equal(r->models_per_image, 11);
    assert_int_equal(r->n_correct[2], 5);
    assert_string_equal(r->class_label[1], "n02"); /* wnid before the numeric label */
    assert_int_equal(r->label_error[0], 0);
    assert_int_equal(r->label_error[1], 1);
    assert_int_equal(r->label_error[2], -1);
    assert_int_equal(r->has_label_error, 1);
    dl_stimuli_results_free(r);
}

static void test_crlf_bom_quotes(void **state)
{
    dl_error err;
    dl_stimuli_results *r = read_text(*state, "q.csv",
                                      "\xEF\xBB\xBFimage,\"model, one\",\"m\"\"2\"\r\n"
                                      "\"a,1.png\",1,0\r\n\"b \"\"q\"\".png\",0,1\r\n",
                                      NULL, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->format, DL_STIMULI_WIDE);
    assert_string_equal(r->models[0], "model, one");
    assert_string_equal(r->models[1], "m\"2");
    assert_string_equal(r->images[0], "a,1.png");
    assert_string_equal(r->images[1], "b \"q\".png");
    assert_int_equal(bit(r->correct, 0, 0), 1);
    assert_int_equal(bit(r->correct, 1, 1), 1);
    dl_stimuli_results_free(r);
}

static void test_format_forced(void **state)
{
    dl_stimuli_read_opts ro = {.format = DL_STIMULI_WIDE};
    /* Read as wide, n_correct and n_models are "models" with values 0/1 only. */
    expect_error(*state, "image,n_correct,n_models\nx,3,11\n", &ro,
                 "2: column 'n_correct': expected 0, 1, true or false, found '3'");
    assert_int_equal(dl_stimuli_format_parse("counts"), DL_STIMULI_COUNTS);
    assert_int_equal(dl_stimuli_format_parse("csv"), -1);
}

/* ---- metadata and exclusion ---------------------------------------------------- */

static void test_images_csv_and_exclude(void **state)
{
    fx *f = *state;
    char *meta = th_write(f->dir, "images.csv",
                          "image,path,class,superclass,label_error\n"
                          "x,sub/x.png,cat,animal,1\ny,,dog,animal,0\nunused,u.png,,,\n");
    char *excl = th_write(f->dir, "exclude.txt", "z\n");
    dl_stimuli_read_opts ro = {.images_csv = meta, .exclude = excl};
    dl_error err;
    dl_stimuli_results *r =
        read_text(f, "wide.csv", "image,m1,m2\nx,1,1\ny,1,0\nz,0,0\n", &ro, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->nimages, 2);
    assert_int_equal(r->excluded, 1);
    assert_string_equal(r->image_path[0], "sub/x.png");
    assert_null(r->image_path[1]);
    assert_string_equal(r->class_label[1], "dog");
    assert_string_equal(r->superclass[0], "animal");
    assert_int_equal(r->label_error[0], 1);
    assert_int_equal(r->label_error[1], 0);
    dl_stimuli_results_free(r);

    /* an exclusion list with an 'image' column */
    free(excl);
    excl = th_write(f->dir, "exclude.csv", "image,reason\ny,blurry\n");
    ro.exclude = excl;
    ro.images_csv = NULL;
    r = read_text(f, "wide.csv", "image,m1,m2\nx,1,1\ny,1,0\nz,0,0\n", &ro, &err, NULL);
    assert_non_null(r);
    assert_int_equal(r->nimages, 2);
    assert_string_equal(r->images[1], "z");
    dl_stimuli_results_free(r);
    free(meta);
    free(excl);
}

static void test_images_csv_errors(void **state)
{
    fx *f = *state;
    char want[2048];
    dl_error err;
    char *meta = th_write(f->dir, "meta1.csv", "image,colour\nx,red\n");
    dl_stimuli_read_opts ro = {.images_csv = meta};
    assert_null(read_text(f, "w.csv", "image,m1\nx,1\n", &ro, &err, NULL));
    snprintf(want, sizeof want,
             "%s:1: unknown column 'colour' in an images file (allowed: image, path, class, "
             "superclass, label_error, wnid, label)",
             meta);
    assert_string_equal(err.msg, want);
    free(meta);
    meta = th_write(f->dir, "meta2.csv", "image,class\nx,a\ny,b\nx,c\n");
    ro.images_csv = meta;
    assert_null(read_text(f, "w.csv", "image,m1\nx,1\n", &ro, &err, NULL));
    snprintf(want, sizeof want, "%s:4: duplicate image 'x' (first on line 2)", meta);
    assert_string_equal(err.msg, want);
    free(meta);
    meta = th_write(f->dir, "meta3.csv", "image,label_error\nx,maybe\n");
    ro.images_csv = meta;
    assert_null(read_text(f, "w.csv", "image,m1\nx,1\n", &ro, &err, NULL));
    snprintf(want, sizeof want,
             "%s:2: column 'label_error': expected 0, 1, true or false, found 'maybe'", meta);
    assert_string_equal(err.msg, want);
    free(meta);
}

/* ---- errors --------------------------------------------------------------------------- */

static void test_errors_long(void **state)
{
    fx *f = *state;
    expect_error(f, "model,image,correct\na,x,1\na,y,0\na,x,0\n", NULL,
                 "4: duplicate result for model 'a' and image 'x'");
    expect_error(f, "model,image,correct,epoch\na,x,1,1\na,x,0,2\na,x,1,2\n", NULL,
                 "4: duplicate result for model 'a', image 'x', epoch 2");
    expect_error(f, "model,image,correct\na,x,1\na,y,1\nb,x,0\n", NULL,
                 "4: model 'b' has results for 1 of 2 images; missing e.g. image 'y' (line 3)");
    expect_error(f, "model,image,correct,epoch\na,x,1,1\na,x,1,2\nb,x,1,1\n", NULL,
                 "4: model 'b' has results for 0 of 1 images in epoch 2; missing e.g. image 'x' "
                 "(line 2)");
    expect_error(f, "model,image,correct\na,x,2\n", NULL,
                 "2: column 'correct': expected 0, 1, true or false, found '2'");
    expect_error(f, "model,image,correct\na,x,yes\n", NULL,
                 "2: column 'correct': expected 0, 1, true or false, found 'yes'");
    expect_error(f, "model,image,correct,score\na,x,1,0.5\n", NULL,
                 "1: unknown column 'score' in a long results file (allowed: model, image, "
                 "correct, label, prediction, epoch)");
    expect_error(f, "model,image,label\na,x,1\n", NULL,
                 "1: a long results file needs a 'correct' column or both 'label' and "
                 "'prediction'");
    expect_error(f, "model,image,label,prediction\na,x,cat,cat\nb,x,dog,cat\n", NULL,
                 "3: image 'x' has label 'dog' here but 'cat' on line 2");
    expect_error(f, "model,image,correct,epoch\na,x,1,first\n", NULL,
                 "2: column 'epoch': expected a whole number, found 'first'");
    expect_error(f, "model,image,correct\n,x,1\n", NULL, "2: empty model name");
    expect_error(f, "model,image,correct\na,,1\n", NULL, "2: empty image name");
}

static void test_errors_wide_counts(void **state)
{
    fx *f = *state;
    expect_error(f, "image,m1,m2\nx,1,0\ny,0,0\nx,1,1\n", NULL,
                 "4: duplicate image 'x' (first on line 2)");
    expect_error(f, "image,m1,m2\nx,1,\n", NULL,
                 "2: model 'm2' has no result for image 'x' (empty cell)");
    expect_error(f, "image,m1,m2\nx,1,0.5\n", NULL,
                 "2: column 'm2': expected 0, 1, true or false, found '0.5'");
    expect_error(f, "image,m1,m2\nx,1,0\ny,1\n", NULL,
                 "3: expected 3 fields as in the header, found 2");
    expect_error(f, "image,m1,m1\nx,1,0\n", NULL, "1: duplicate column name 'm1'");
    expect_error(f, "image,class\nx,cat\n", NULL,
                 "1: no model columns besides 'image' in a wide results file");
    expect_error(f, "picture,m1\nx,1\n", NULL,
                 "1: cannot tell the format from the header (expected model,image,correct | "
                 "model,image,label,prediction | image,<model>,... | image,n_correct,n_models | "
                 "subj,...,imagename | filename,index); see --format");
    expect_error(f, "image,n_correct,n_models,score\nx,1,2,3\n", NULL,
                 "1: unknown column 'score' in a counts results file (allowed: image, n_correct, "
                 "n_models, path, class, superclass, label_error, wnid, label)");
    expect_error(f, "image,n_correct,n_models\nx,1,11\ny,1,10\n", NULL,
                 "3: n_models is 10 here but 11 on line 2");
    expect_error(f, "image,n_correct,n_models\nx,12,11\n", NULL,
                 "2: n_correct 12 is larger than n_models 11");
    expect_error(f, "image,n_correct,n_models\nx,-1,11\n", NULL,
                 "2: column 'n_correct': expected a whole number >= 0, found '-1'");
    expect_error(f, "image,m1\n", NULL, "2: no results (only a header)");
    expect_error(f, "", NULL, "1: the file is empty (expected a header row)");
    expect_error(f, "image,m1\n\"x,1\n", NULL, "2: malformed CSV: unterminated quoted field");
}

static void test_missing_file(void **state)
{
    dl_stimuli_results *r = NULL;
    dl_error err = {0};
    (void)state;
    assert_int_equal(dl_stimuli_results_read("/nonexistent/r.csv", NULL, &r, &err), DL_ENOENT);
    assert_null(r);
    assert_non_null(strstr(err.msg, "/nonexistent/r.csv: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_long_correct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_label_prediction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_epochs_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_bom_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_forced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images_csv_and_exclude, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images_csv_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_wide_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
