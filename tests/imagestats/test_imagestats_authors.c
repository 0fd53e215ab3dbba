/* test_imagestats_authors.c — the statistics against values computed the
 * way Pliushch et al. (2022) computed them (make_reference_authors.py ->
 * ref_authors.csv), on the committed scenes in images/ at their own size
 * and resized to 128 x 128 with the authors' resize, whose bytes must equal
 * PIL's (images/pil128/). Tolerances, and why:
 *   resize: every byte equal (same fixed-point arithmetic as PIL);
 *   entropy: 1e-9 bits (both sides exact up to summation order over
 *     ~60,000 windows; a different set of distinct values would move a
 *     window by >= 0.01 bits);
 *   DCT %: at most one coefficient (100 / N) apart: the reference sorts in
 *     float64 from a float32 gray image as the authors' torch code, we use
 *     double throughout, and the cut at 0.9998 can fall between two
 *     coefficients of nearly equal size;
 *   segments: exact (same float32 arithmetic and edge order as the port of
 *     Felzenszwalb's code), and equal to scikit-image's felzenszwalb on
 *     these scenes;
 *   luminance, contrast, Sobel mean: 1e-9 (double both sides). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "dl_common.h"
#include "imagestats_internal.h"

#ifndef IMGDIR
#error "IMGDIR (tests/imagestats) must be defined"
#endif

static void near(const char *what, const char *name, int size, double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s at size %d: %s = %.17g, want %.17g (+- %g)", name, size, what, got, want, tol);
}

static double field(const dl_csv *csv, size_t row, const char *col)
{
    int c = dl_csv_col(csv, col);
    assert_true(c >= 0);
    return strtod(csv->rows[row][c], NULL);
}

static uint8_t *load(const char *name, const char *sub, int size, int filter, int *w, int *h)
{
    char path[512];
    snprintf(path, sizeof path, "%s/images/%s%s.png", IMGDIR, sub, name);
    uint8_t *rgb = NULL;
    dl_error err = {0};
    int rc = dl_imgstats_load(path, size, filter, &rgb, w, h, NULL, &err);
    if (rc)
        fail_msg("%s", err.msg);
    return rgb;
}

static void check_row(const dl_csv *csv, size_t r, imgstats_ws *ws)
{
    const char *name = csv->rows[r][dl_csv_col(csv, "image")];
    int size = (int)field(csv, r, "size_px"), w, h;
    uint8_t *rgb = load(name, "", size, DL_IMGSTATS_BILINEAR_AA, &w, &h);
    assert_int_equal(w, (int)field(csv, r, "width_px"));
    assert_int_equal(h, (int)field(csv, r, "height_px"));
    size_t nbytes = (size_t)w * (size_t)h * 3;
    if (size) { /* the resize, byte for byte against PIL's */
        int pw, ph;
        uint8_t *pil = load(name, "pil128/", 0, 0, &pw, &ph);
        assert_int_equal(pw, w);
        assert_int_equal(ph, h);
        size_t differ = 0;
        for (size_t i = 0; i < nbytes; i++)
            differ += rgb[i] != pil[i];
        if (differ)
            fail_msg("%s: %zu of %zu bytes differ from PIL's resize", name, differ, nbytes);
        free(pil);
    }
    double sum = 0;
    for (size_t i = 0; i < nbytes; i++)
        sum += rgb[i];
    assert_true(sum == field(csv, r, "pixel_sum"));

    dl_imgstats s, s8;
    dl_error err = {0};
    assert_int_equal(imgstats_compute_ws(ws, rgb, w, h, DL_IMGSTATS_GRAY_FLOAT, &s, &err), 0);
    assert_int_equal(imgstats_compute_ws(ws, rgb, w, h, DL_IMGSTATS_GRAY_ROUNDED, &s8, &err), 0);
    near("entropy", name, size, s.entropy_bits, field(csv, r, "local_entropy_bits"), 1e-9);
    near("rounded entropy", name, size, s8.entropy_bits,
         field(csv, r, "local_entropy_rounded_bits"), 1e-9);
    double one = 100.0 / ((double)w * h);
    near("dct_coef_pct", name, size, s.dct_pct, field(csv, r, "dct_coef_pct"), one * 1.000001);
    near("segments", name, size, s.segments, field(csv, r, "segments"), 0);
    /* scikit-image's port differs in details (docs/imagestats.md) but
     * agrees on these scenes; a change that broke that would be news. */
    near("segments (skimage)", name, size, s.segments, field(csv, r, "segments_skimage"), 0);
    near("sobel_mean", name, size, s.sobel_mean, field(csv, r, "sobel_mean"), 1e-9);
    near("mean_luminance", name, size, s.mean_luminance, field(csv, r, "mean_luminance"), 1e-9);
    near("rms_contrast", name, size, s.rms_contrast, field(csv, r, "rms_contrast"), 1e-9);
    /* Only the entropy depends on the gray option. */
    assert_true(s8.dct_pct == s.dct_pct && s8.segments == s.segments);
    free(rgb);
}

static void test_against_authors(void **state)
{
    (void)state;
    dl_csv *csv = NULL;
    dl_error err = {0};
    if (dl_csv_read(IMGDIR "/ref_authors.csv", &csv, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(csv->nrows >= 10);
    imgstats_ws *ws = imgstats_ws_new();
    for (size_t r = 0; r < csv->nrows; r++)
        check_row(csv, r, ws);
    imgstats_ws_free(ws);
    dl_csv_free(csv);
}

/* The unrounded gray has many more distinct values than the rounded one,
 * so its entropy is the larger on every scene (the 0.5-2.6 bits). */
static void test_float_entropy_exceeds_rounded(void **state)
{
    (void)state;
    dl_csv *csv = NULL;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(IMGDIR "/ref_authors.csv", &csv, &err), 0);
    for (size_t r = 0; r < csv->nrows; r++)
        assert_true(field(csv, r, "local_entropy_bits") >
                    field(csv, r, "local_entropy_rounded_bits") + 0.5);
    dl_csv_free(csv);
}

/* By hand: a 2 x 1 image to 1 x 1 averages; an upscale 1 -> 2 copies. */
static void test_bilinear_aa_by_hand(void **state)
{
    (void)state;
    const uint8_t src[6] = {0, 10, 255, 100, 11, 0};
    uint8_t dst[12];
    assert_int_equal(imgstats_resize_bilinear_aa(src, 2, 1, dst, 1, 1), 0);
    /* weights 1/2, 1/2: (0 + 100) / 2 = 50, (10 + 11) / 2 = 10.5 -> 11 (PIL
     * adds half and truncates), (255 + 0) / 2 = 127.5 -> 128 */
    assert_int_equal(dst[0], 50);
    assert_int_equal(dst[1], 11);
    assert_int_equal(dst[2], 128);
    const uint8_t one[3] = {7, 8, 9};
    assert_int_equal(imgstats_resize_bilinear_aa(one, 1, 1, dst, 2, 2), 0);
    for (int i = 0; i < 12; i++)
        assert_int_equal(dst[i], 7 + i % 3);
    assert_int_equal(dl_imgstats_resize(one, 1, 1, dst, 2, 2, 99), DL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_authors),
        cmocka_unit_test(test_float_entropy_exceeds_rounded),
        cmocka_unit_test(test_bilinear_aa_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
