/* test_imagestats.c — the image statistics: values derived by hand on
 * synthetic images, a NumPy/SciPy reference (make_reference.py ->
 * ref_values.h) on generated noise, PNG decoding, corrupt files, the
 * difficulty file, and identical results for any thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>

#include "imagestats_internal.h"
#include "imgtest.h"
#include "ref_values.h"

/* cmocka 1.1 has no double comparison. */
#define assert_double_equal(a, b, tol) assert_near((a), (b), (tol), #a, __LINE__)
static void assert_near(double got, double want, double tol, const char *what, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s = %.17g, want %.17g (+- %g)", line, what, got, want, tol);
}

/* 0.2989 + 0.5870 + 0.1140: the gray value of white. */
#define WHITE_GRAY (255.0 * 0.9999)

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dl_imgstats_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *tmp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static uint8_t *filled(int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    uint8_t *px = malloc((size_t)w * h * 3);
    for (int i = 0; i < w * h; i++) {
        px[3 * i] = r;
        px[3 * i + 1] = g;
        px[3 * i + 2] = b;
    }
    return px;
}

static dl_imgstats stats_of(const uint8_t *px, int w, int h)
{
    dl_imgstats s;
    dl_error err = {0};
    assert_int_equal(dl_imgstats_compute(px, w, h, &s, &err), 0);
    return s;
}

static double h2(double p)
{
    return -p * log2(p) - (1 - p) * log2(1 - p);
}

/* ---- values derived by hand -------------------------------------------------- */

static void test_constant_image(void **state)
{
    (void)state;
    uint8_t *px = filled(20, 16, 100, 150, 200);
    dl_imgstats s = stats_of(px, 20, 16);
    assert_true(s.entropy_bits == 0.0); /* one value per window */
    /* The DC coefficient alone; the authors report (k - 1) / N = 0. */
    assert_true(s.dct_pct == 0.0);
    assert_true(s.segments == 1.0);
    assert_true(s.sobel_mean == 0.0);
    assert_true(s.rms_contrast == 0.0);
    assert_true(s.mean_luminance == 0.2989 * 100 + 0.5870 * 150 + 0.1140 * 200);
    assert_int_equal(s.width_px, 20);
    assert_int_equal(s.height_px, 16);
    free(px);
}

static void test_black_image(void **state)
{
    (void)state;
    uint8_t *px = filled(12, 12, 0, 0, 0);
    dl_imgstats s = stats_of(px, 12, 12);
    assert_true(s.dct_pct == 0.0); /* no norm to reach: no coefficient needed */
    assert_true(s.entropy_bits == 0.0);
    assert_true(s.segments == 1.0);
    free(px);
}

static void test_checkerboard(void **state)
{
    (void)state;
    uint8_t *px = imgtest_make("checker", 20, 20, 0);
    dl_imgstats s = stats_of(px, 20, 20);
    /* Every 10 x 10 window holds 50 black and 50 white pixels. */
    assert_double_equal(s.entropy_bits, 1.0, 1e-9);
    /* Inside, and along the sides, the two neighbours a Sobel kernel
     * subtracts have the same colour: only the 4 corners have a gradient,
     * (2W, 2W) each. */
    assert_double_equal(s.sobel_mean, 4 * 2 * sqrt(2.0) * WHITE_GRAY / 400, 1e-10);
    assert_double_equal(s.mean_luminance, WHITE_GRAY / 2, 1e-10);
    assert_double_equal(s.rms_contrast, 0.9999 / 2, 1e-12);
    free(px);
}

static void test_two_regions(void **state)
{
    (void)state;
    /* Black left half, white right half, 32 px wide. */
    uint8_t *px = imgtest_make("halves", 32, 16, 0);
    dl_imgstats s = stats_of(px, 32, 16);
    /* 23 window columns; those starting at x = 7..15 hold j = 1..9 white
     * columns, the others one colour. */
    double sum = 0;
    for (int j = 1; j <= 9; j++)
        sum += h2(j / 10.0);
    assert_double_equal(s.entropy_bits, sum / 23, 1e-9);
    /* Per row, x = 15 and 16 see a step of W across the kernel: gx = 4W. */
    assert_double_equal(s.sobel_mean, 2 * 4 * WHITE_GRAY / 32, 1e-10);
    /* Smoothing (sigma 0.5) leaves columns 15 and 16 in between (27.2 and
     * 227.8); they differ from their sides by 47 > k / |C|, so they stay
     * apart in the main pass. Being 16 < 20 pixels, the minimum size then
     * merges each into its side: two segments. */
    assert_true(s.segments == 2.0);
    free(px);
    /* At 32 px high the two middle columns reach the minimum size. */
    px = imgtest_make("halves", 32, 32, 0);
    s = stats_of(px, 32, 32);
    assert_true(s.segments == 4.0);
    free(px);
}

static void test_top_k(void **state)
{
    (void)state;
    double e[] = {1, 4, 1, 1, 1, 0, 0};
    assert_int_equal(imgstats_top_k(e, 7, 4.0), 1);
    double e2[] = {1, 4, 1, 1, 1, 0, 0};
    assert_int_equal(imgstats_top_k(e2, 7, 4.5), 2);
    double e3[] = {1, 4, 1, 1, 1, 0, 0};
    assert_int_equal(imgstats_top_k(e3, 7, 7.0), 4);
    double e4[] = {1, 4, 1, 1, 1, 0, 0};
    assert_int_equal(imgstats_top_k(e4, 7, 8.0), 5); /* zeros never count */
    double e5[] = {2, 2, 2, 2};
    assert_int_equal(imgstats_top_k(e5, 4, 5.0), 3);
    double h1[] = {1, 4, 1, 1, 1, 0, 0}, h2[] = {2, 2, 2, 2};
    assert_int_equal(imgstats_top_k_hist(h1, 7, 7.0), 4);
    assert_int_equal(imgstats_top_k_hist(h2, 4, 5.0), 3);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The histogram selection against sorting, on values spread over 40
 * octaves with repeats (as DCT energies are), for needs halfway between
 * two running sums (so rounding cannot decide). */
static void test_top_k_hist_matches_sorting(void **state)
{
    (void)state;
    enum { N = 5000 };
    static double v[N], sorted[N], work[N];
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        v[i] = (double)(s >> 22 & 63) * ldexp(1.0, (int)(s >> 8 & 31) - 20);
        sorted[i] = v[i];
    }
    qsort(sorted, N, sizeof *sorted, cmp_desc);
    double cum = 0;
    for (int k = 0; k < N - 1; k++) {
        cum += sorted[k];
        if (sorted[k + 1] <= 0 || k % 37)
            continue;
        double need = cum + sorted[k + 1] / 2; /* needs k + 2 values */
        memcpy(work, v, sizeof v);
        size_t got = imgstats_top_k_hist(work, N, need);
        if (got != (size_t)k + 2)
            fail_msg("need %.17g: %zu values, want %d", need, got, k + 2);
    }
}

static void test_resize_by_hand(void **state)
{
    (void)state;
    /* 4x1 -> 2x1 averages pairs; 3x1 -> 2x1 weighs 2/3 and 1/3. */
    uint8_t src[] = {0, 0, 0, 10, 20, 30, 100, 100, 100, 201, 201, 201};
    uint8_t dst[6];
    assert_int_equal(imgstats_resize_area(src, 4, 1, dst, 2, 1), 0);
    uint8_t want[] = {5, 10, 15, 151, 151, 151}; /* 150.5 rounds up */
    assert_memory_equal(dst, want, 6);
    uint8_t src3[] = {30, 30, 30, 60, 60, 60, 90, 90, 90};
    assert_int_equal(imgstats_resize_area(src3, 3, 1, dst, 2, 1), 0);
    assert_int_equal(dst[0], 40); /* (2 * 30 + 60) / 3 */
    assert_int_equal(dst[3], 80); /* (60 + 2 * 90) / 3 */
    /* 1x1 -> 2x2 repeats the pixel. */
    uint8_t one[] = {7, 8, 9}, four[12];
    assert_int_equal(imgstats_resize_area(one, 1, 1, four, 2, 2), 0);
    for (int i = 0; i < 4; i++)
        assert_memory_equal(four + 3 * i, one, 3);
}

/* ---- the NumPy/SciPy reference ------------------------------------------------ */

static void pixel_checks(const uint8_t *px, size_t nbytes, unsigned long *sum, unsigned long *hash)
{
    uint64_t s = 0, hsh = 0;
    for (size_t i = 0; i < nbytes; i++) {
        s += px[i];
        hsh += (uint64_t)px[i] * (i % 65521 + 1);
    }
    *sum = (unsigned long)s;
    *hash = (unsigned long)(hsh % ((uint64_t)1 << 32));
}

static uint8_t *ref_image(const struct ref_case *c, int *w, int *h)
{
    uint8_t *px = imgtest_make(c->kind, c->w, c->h, c->seed);
    *w = c->w;
    *h = c->h;
    if (c->size_px) {
        uint8_t *r = malloc((size_t)c->size_px * c->size_px * 3);
        assert_int_equal(imgstats_resize_area(px, c->w, c->h, r, c->size_px, c->size_px), 0);
        free(px);
        px = r;
        *w = *h = c->size_px;
    }
    return px;
}

static void assert_close(const char *what, const char *name, double got, double want, double tol)
{
    if ((isnan(want) && isnan(got)) || fabs(got - want) <= tol * fmax(1.0, fabs(want)))
        return;
    fail_msg("%s of %s: got %.17g, want %.17g", what, name, got, want);
}

static void test_reference_values(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ref_cases / sizeof *ref_cases; i++) {
        const struct ref_case *c = &ref_cases[i];
        int w, h;
        uint8_t *px = ref_image(c, &w, &h);
        unsigned long sum, hash;
        pixel_checks(px, (size_t)w * h * 3, &sum, &hash);
        assert_int_equal(sum, c->pixel_sum);
        assert_int_equal(hash, c->pixel_hash);
        dl_imgstats s = stats_of(px, w, h);
        assert_close("entropy", c->name, s.entropy_bits, c->entropy_bits, 1e-9);
        assert_close("dct", c->name, s.dct_pct, c->dct_pct, 1e-12);
        assert_close("segments", c->name, s.segments, c->segments, 0);
        assert_close("edges", c->name, s.sobel_mean, c->sobel_mean, 1e-11);
        assert_close("luminance", c->name, s.mean_luminance, c->mean_luminance, 1e-12);
        assert_close("contrast", c->name, s.rms_contrast, c->rms_contrast, 1e-11);
        free(px);
    }
}

/* Both ways of keeping the components give the reference counts, and the
 * same count on images past IMGSTATS_SEG_RELABEL_MAX_PX (where AUTO
 * switches to union-find; no Python reference at that size). */
static long segments_by(imgstats_ws *ws, const uint8_t *px, int w, int h, imgstats_seg_method how)
{
    long n = -1;
    assert_int_equal(imgstats_segments_by(ws, px, w, h, IMGSTATS_SEG_SIGMA, IMGSTATS_SEG_K,
                                          IMGSTATS_SEG_MIN_SIZE, how, &n, NULL),
                     0);
    return n;
}

static void test_segment_methods_agree(void **state)
{
    (void)state;
    imgstats_ws *ws = imgstats_ws_new();
    assert_non_null(ws);
    for (size_t i = 0; i < sizeof ref_cases / sizeof *ref_cases; i++) {
        const struct ref_case *c = &ref_cases[i];
        int w, h;
        uint8_t *px = ref_image(c, &w, &h);
        assert_close("segments (relabel)", c->name,
                     (double)segments_by(ws, px, w, h, IMGSTATS_SEG_RELABEL), c->segments, 0);
        assert_close("segments (union-find)", c->name,
                     (double)segments_by(ws, px, w, h, IMGSTATS_SEG_UNION_FIND), c->segments, 0);
        free(px);
    }
    static const struct {
        const char *kind;
        int w, h;
    } big[] = {{"blocks", 520, 512}, {"noise", 513, 512}, {"halves", 600, 480}};
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
        assert_true((long)big[i].w * big[i].h > IMGSTATS_SEG_RELABEL_MAX_PX);
        uint8_t *px = imgtest_make(big[i].kind, big[i].w, big[i].h, 11u + (unsigned)i);
        long r = segments_by(ws, px, big[i].w, big[i].h, IMGSTATS_SEG_RELABEL);
        long u = segments_by(ws, px, big[i].w, big[i].h, IMGSTATS_SEG_UNION_FIND);
        long a = segments_by(ws, px, big[i].w, big[i].h, IMGSTATS_SEG_AUTO);
        assert_true(r > 1 || !strcmp(big[i].kind, "halves"));
        assert_int_equal(r, u);
        assert_int_equal(a, u);
        free(px);
    }
    imgstats_ws_free(ws);
}

/* ---- decoding files -------------------------------------------------------------- */

static void test_png_roundtrip_and_alpha(void **state)
{
    (void)state;
    uint8_t *px = imgtest_make("blocks", 21, 13, 9);
    assert_int_equal(imgtest_save_png(px, 21, 13, 3, tmp_path("rgb.png")), 0);
    uint8_t *got;
    int w, h, orig[2];
    dl_error err = {0};
    assert_int_equal(
        dl_imgstats_load(tmp_path("rgb.png"), 0, DL_IMGSTATS_BILINEAR_AA, &got, &w, &h, orig, &err),
        0);
    assert_int_equal(w, 21);
    assert_int_equal(h, 13);
    assert_memory_equal(got, px, 21 * 13 * 3);
    free(got);
    /* Resized on load exactly as the filter asked for; the size of the file
     * is still reported. */
    uint8_t want[8 * 8 * 3];
    assert_int_equal(imgstats_resize_area(px, 21, 13, want, 8, 8), 0);
    assert_int_equal(
        dl_imgstats_load(tmp_path("rgb.png"), 8, DL_IMGSTATS_AREA, &got, &w, &h, orig, &err), 0);
    assert_int_equal(w, 8);
    assert_int_equal(orig[0], 21);
    assert_int_equal(orig[1], 13);
    assert_memory_equal(got, want, sizeof want);
    free(got);
    /* RGBA: alpha is ignored, the colours are used as stored. */
    uint8_t rgba[2 * 4] = {10, 20, 30, 0, 200, 100, 50, 128};
    assert_int_equal(imgtest_save_png(rgba, 2, 1, 4, tmp_path("rgba.png")), 0);
    assert_int_equal(dl_imgstats_load(tmp_path("rgba.png"), 0, DL_IMGSTATS_BILINEAR_AA, &got, &w,
                                      &h, NULL, &err),
                     0);
    uint8_t rgb[6] = {10, 20, 30, 200, 100, 50};
    assert_memory_equal(got, rgb, 6);
    free(got);
    free(px);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
}

/* Six good PNGs with a truncated PNG at index 3 and garbage at index 5. */
static void make_set(char paths[8][256])
{
    for (int i = 0; i < 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "set%d.png", i);
        snprintf(paths[i], 256, "%s", tmp_path(name));
        uint8_t *px = imgtest_make(i % 2 ? "noise" : "blocks", 24 + i, 20 + 2 * i, 100u + i);
        assert_int_equal(imgtest_save_png(px, 24 + i, 20 + 2 * i, 3, paths[i]), 0);
        free(px);
    }
    char *data;
    size_t len;
    assert_int_equal(dl_read_file(paths[3], &data, &len, NULL), 0);
    write_bytes(paths[3], data, len / 2);
    free(data);
    write_bytes(paths[5], "not an image at all\n", 20);
}

static void test_corrupt_stops_the_run(void **state)
{
    (void)state;
    char paths[8][256];
    const char *p[8];
    make_set(paths);
    for (int i = 0; i < 8; i++)
        p[i] = paths[i];
    char want[1024];
    /* found from the file's structure before decoding (stimuli/imghdr.c) */
    snprintf(want, sizeof want, "%s: truncated PNG: the file ends inside chunk IDAT", paths[3]);
    for (int threads = 1; threads <= 3; threads++) {
        dl_imgstats_row rows[8];
        dl_imgstats_opts o = {.threads = threads};
        dl_error err = {0};
        size_t bad = 99;
        assert_int_equal(dl_imgstats_run(p, 8, &o, rows, &bad, &err), DL_ECORRUPT);
        assert_int_equal(bad, 3); /* the first bad one in input order */
        assert_memory_equal(err.msg, want, strlen(want));
        dl_imgstats_rows_clear(rows, 8);
    }
    /* Garbage is not a PNG or JPEG at all. */
    snprintf(want, sizeof want, "%s: not a PNG or JPEG file (dddlab reads PNG and JPEG images)",
             paths[5]);
    dl_imgstats_row rows[8];
    dl_imgstats_opts o = {.threads = 2, .skip_bad = 1};
    dl_error err = {0};
    assert_int_equal(dl_imgstats_run(p, 8, &o, rows, NULL, &err), 0);
    assert_non_null(rows[3].error);
    assert_string_equal(rows[5].error, want);
    for (int i = 0; i < 8; i++)
        if (i != 3 && i != 5)
            assert_null(rows[i].error);
    dl_imgstats_rows_clear(rows, 8);
    /* A missing file. */
    const char *missing[] = {tmp_path("nope.png")};
    char path[256];
    snprintf(path, sizeof path, "%s", missing[0]);
    assert_int_equal(dl_imgstats_run(missing, 1, &o, rows, NULL, &err), 0);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    assert_string_equal(rows[0].error, want);
    dl_imgstats_rows_clear(rows, 1);
    o.skip_bad = 0;
    assert_int_equal(dl_imgstats_run(missing, 1, &o, rows, NULL, &err), DL_ENOENT);
    assert_string_equal(err.msg, want);
}

static void progress_count(void *ctx, size_t done, size_t total)
{
    size_t *last = ctx;
    assert_true(done == *last + 1 && done <= total);
    *last = done;
}

static void test_threads_give_identical_rows(void **state)
{
    (void)state;
    enum { N = 13 };
    char paths[N][256];
    const char *p[N];
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "det%d.png", i);
        snprintf(paths[i], 256, "%s", tmp_path(name));
        p[i] = paths[i];
        int w = 16 + 5 * i, h = 40 - i;
        uint8_t *px = imgtest_make(i % 3 ? "blocks" : "noise", w, h, 7u * i + 1);
        assert_int_equal(imgtest_save_png(px, w, h, 3, paths[i]), 0);
        free(px);
    }
    for (int size = 0; size <= 24; size += 24) {
        dl_imgstats_row one[N], many[N];
        size_t done = 0;
        dl_imgstats_opts o = {
            .size_px = size, .threads = 1, .progress = progress_count, .progress_ctx = &done};
        assert_int_equal(dl_imgstats_run(p, N, &o, one, NULL, NULL), 0);
        assert_int_equal(done, N);
        for (int threads = 0; threads <= 4; threads++) {
            o.threads = threads;
            done = 0;
            assert_int_equal(dl_imgstats_run(p, N, &o, many, NULL, NULL), 0);
            for (int i = 0; i < N; i++)
                assert_memory_equal(&one[i].stats, &many[i].stats, sizeof one[i].stats);
        }
        /* Row i is image i: the same as computing it alone. */
        for (int i = 0; i < N; i++) {
            uint8_t *px;
            int w, h;
            assert_int_equal(dl_imgstats_load(p[i], size, o.filter, &px, &w, &h, NULL, NULL), 0);
            dl_imgstats s = stats_of(px, w, h);
            assert_true(s.dct_pct == one[i].stats.dct_pct);
            assert_true(s.segments == one[i].stats.segments);
            assert_int_equal(one[i].stats.analysed_width_px, size ? size : 16 + 5 * i);
            assert_int_equal(one[i].stats.width_px, 16 + 5 * i);
            free(px);
        }
    }
}

/* ---- difficulty and association ------------------------------------------------------ */

static char *write_text(const char *name, const char *text)
{
    char *path = tmp_path(name);
    write_bytes(path, text, strlen(text));
    return path;
}

static void test_difficulty_file(void **state)
{
    (void)state;
    const char *images[] = {"a.png", "b.png", "c.png", "d.png"};
    double frac[4];
    int8_t cls[4];
    size_t matched;
    dl_error err = {0};
    char *path = write_text("d1.csv", "image,frac_correct,difficulty\n"
                                      "b.png,0.5,\nc.png,1,\na.png,0,trivial\nzzz.png,0.3,\n");
    assert_int_equal(dl_imgstats_difficulty_read(path, 0, images, 4, frac, cls, &matched, &err), 0);
    assert_int_equal(matched, 3);
    assert_true(frac[0] == 0 && frac[1] == 0.5 && frac[2] == 1 && isnan(frac[3]));
    assert_int_equal(cls[0], DL_STATS_TRIVIAL); /* the column wins over the fraction */
    assert_int_equal(cls[1], DL_STATS_IN_BETWEEN);
    assert_int_equal(cls[2], DL_STATS_TRIVIAL);
    assert_int_equal(cls[3], -1);
    path = write_text("d2.csv", "n_models,image,n_correct\n11,d.png,0\n11,a.png,11\n");
    assert_int_equal(dl_imgstats_difficulty_read(path, 0, images, 4, frac, cls, &matched, &err), 0);
    assert_true(frac[3] == 0 && frac[0] == 1);
    assert_int_equal(cls[3], DL_STATS_IMPOSSIBLE);
    /* Errors name the file and line. */
    char want[512];
    path = write_text("d3.csv", "image,frac_correct\na.png,0.5\nb.png,1.5\n");
    assert_int_equal(dl_imgstats_difficulty_read(path, 0, images, 4, frac, cls, NULL, &err),
                     DL_EINVAL);
    snprintf(want, sizeof want, "%s:3: frac_correct '1.5' is not a number in 0..1", path);
    assert_string_equal(err.msg, want);
    path = write_text("d4.csv", "image,frac_correct,class\na.png,0.5,easy\n");
    assert_int_equal(dl_imgstats_difficulty_read(path, 0, images, 4, frac, cls, NULL, &err), 0);
    assert_int_equal(dl_imgstats_difficulty_read(path, 1, images, 4, frac, cls, NULL, &err),
                     DL_EINVAL);
    snprintf(want, sizeof want, "%s:2: difficulty 'easy' is not trivial, in-between or impossible",
             path);
    assert_string_equal(err.msg, want);
    path = write_text("d5.csv", "image,frac_correct\na.png,0.5\nb.png,1\na.png,0\n");
    assert_int_equal(dl_imgstats_difficulty_read(path, 0, images, 4, frac, cls, NULL, &err),
                     DL_EINVAL);
    snprintf(want, sizeof want, "%s:4: duplicate image 'a.png' (first on line 2)", path);
    assert_string_equal(err.msg, want);
    path = write_text("d6.csv", "image,correct\na.png,1\n");
    assert_int_equal(dl_imgstats_difficulty_read(path, 0, images, 4, frac, cls, NULL, &err),
                     DL_EINVAL);
    snprintf(want, sizeof want, "%s:1: no column 'frac_correct' (nor 'n_correct' and 'n_models')",
             path);
    assert_string_equal(err.msg, want);
}

static void test_associate(void **state)
{
    (void)state;
    /* Constant images whose gray level is proportional to the fraction of
     * models correct: luminance correlates perfectly; RMS contrast is 0
     * everywhere, so its correlation is undefined. */
    enum { N = 9 };
    dl_imgstats_row rows[N + 1];
    double frac[N + 1];
    int8_t cls[N + 1];
    for (int i = 0; i < N; i++) {
        uint8_t v = (uint8_t)(30 * i);
        uint8_t *px = filled(12, 12, v, v, v);
        rows[i].stats = stats_of(px, 12, 12);
        rows[i].error = NULL;
        frac[i] = i / 8.0;
        cls[i] = (int8_t)(i < 3   ? DL_STATS_IMPOSSIBLE
                          : i < 6 ? DL_STATS_IN_BETWEEN
                                  : DL_STATS_TRIVIAL);
        free(px);
    }
    rows[N] = rows[0]; /* a skipped image counts nowhere */
    rows[N].error = "skipped";
    frac[N] = 1;
    cls[N] = DL_STATS_TRIVIAL;
    dl_imgstats_assoc a[DL_IMGSTATS_NSTATS];
    dl_error err = {0};
    assert_int_equal(dl_imgstats_associate(rows, frac, cls, N + 1, a, &err), 0);
    dl_imgstats_assoc *lum = &a[DL_IMGSTATS_LUMINANCE];
    assert_int_equal(lum->pearson.n, N);
    assert_double_equal(lum->pearson.r, 1.0, 1e-12);
    assert_double_equal(lum->spearman.r, 1.0, 1e-12);
    assert_int_equal(lum->by_class[DL_STATS_TRIVIAL].n, 3);
    assert_double_equal(lum->by_class[DL_STATS_TRIVIAL].mean, 0.9999 * 210, 1e-9);
    assert_double_equal(lum->by_class[DL_STATS_TRIVIAL].sd, 0.9999 * 30, 1e-9);
    assert_true(isnan(a[DL_IMGSTATS_CONTRAST].pearson.r));
    assert_non_null(a[DL_IMGSTATS_CONTRAST].why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant_image),
        cmocka_unit_test(test_black_image),
        cmocka_unit_test(test_checkerboard),
        cmocka_unit_test(test_two_regions),
        cmocka_unit_test(test_top_k),
        cmocka_unit_test(test_top_k_hist_matches_sorting),
        cmocka_unit_test(test_resize_by_hand),
        cmocka_unit_test(test_reference_values),
        cmocka_unit_test(test_segment_methods_agree),
        cmocka_unit_test(test_png_roundtrip_and_alpha),
        cmocka_unit_test(test_corrupt_stops_the_run),
        cmocka_unit_test(test_threads_give_identical_rows),
        cmocka_unit_test(test_difficulty_file),
        cmocka_unit_test(test_associate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
