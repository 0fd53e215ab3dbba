/* imagestats_resize.c — the resize of the authors' pipeline: torchvision's
 * Resize((128, 128)) on a PIL image, which is PIL's Image.resize with the
 * BILINEAR filter. For a downscale PIL widens the triangle filter by the
 * scale factor (so it antialiases, unlike a plain bilinear interpolation),
 * turns each output pixel's weights into 22-bit fixed point and runs a
 * horizontal then a vertical pass over 8-bit data, rounding to 8 bits after
 * each. We follow those semantics (Pillow's libImaging/Resample.c) step by
 * step so that the bytes agree with PIL's; tests/imagestats checks them
 * against PIL on committed images. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

/* 8 bits of result, 2 bits of headroom for the sums: PIL's PRECISION_BITS. */
#define AA_BITS 22

static double triangle(double x)
{
    x = fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

/* One axis: for each output pixel the first source pixel, how many, and
 * their fixed-point weights (ksize per pixel, unused ones 0). */
typedef struct aa_axis {
    int ksize;
    int *first, *count;
    int32_t *k;
} aa_axis;

static void axis_free(aa_axis *a)
{
    free(a->first);
    free(a->count);
    free(a->k);
}

static int axis_make(int in, int out, aa_axis *a)
{
    memset(a, 0, sizeof *a);
    /* PIL passes the box edges as float; 0 and in are exact in float. */
    double scale = (double)(float)in / out, fscale = scale < 1.0 ? 1.0 : scale;
    double support = 1.0 * fscale;
    a->ksize = (int)ceil(support) * 2 + 1;
    a->first = malloc((size_t)out * sizeof *a->first);
    a->count = malloc((size_t)out * sizeof *a->count);
    a->k = calloc((size_t)out * (size_t)a->ksize, sizeof *a->k);
    double *w = malloc((size_t)a->ksize * sizeof *w);
    if (!a->first || !a->count || !a->k || !w) {
        free(w);
        axis_free(a);
        return DL_ENOMEM;
    }
    for (int o = 0; o < out; o++) {
        double center = (o + 0.5) * scale, sum = 0, ss = 1.0 / fscale;
        /* PIL rounds the window ends by truncating x + 0.5 towards zero. */
        int lo = (int)(center - support + 0.5), hi = (int)(center + support + 0.5);
        lo = lo < 0 ? 0 : lo;
        hi = (hi > in ? in : hi) - lo;
        for (int x = 0; x < hi; x++) {
            w[x] = triangle((x + lo - center + 0.5) * ss);
            sum += w[x];
        }
        int32_t *k = a->k + (size_t)o * (size_t)a->ksize;
        for (int x = 0; x < hi; x++) {
            double v = sum != 0.0 ? w[x] / sum : w[x];
            /* PIL rounds half away from zero; the weights are >= 0 here. */
            k[x] = (int32_t)(0.5 + v * (1 << AA_BITS));
        }
        a->first[o] = lo;
        a->count[o] = hi;
    }
    free(w);
    return 0;
}

static uint8_t clip8(int32_t v)
{
    /* PIL's clip8: the integer part, clamped to 0..255 (arithmetic shift). */
    int32_t q = v >> AA_BITS;
    return (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
}

/* rows [y0, y0 + nrows) of src (width sw) -> dst (width dw, nrows rows). */
static void pass_h(const uint8_t *src, int sw, int y0, int nrows, const aa_axis *a, uint8_t *dst,
                   int dw)
{
    for (int y = 0; y < nrows; y++) {
        const uint8_t *line = src + (size_t)(y0 + y) * (size_t)sw * 3;
        uint8_t *o = dst + (size_t)y * (size_t)dw * 3;
        for (int x = 0; x < dw; x++) {
            const int32_t *k = a->k + (size_t)x * (size_t)a->ksize;
            const uint8_t *p = line + (size_t)a->first[x] * 3;
            int32_t s0 = 1 << (AA_BITS - 1), s1 = s0, s2 = s0;
            for (size_t j = 0; j < (size_t)a->count[x]; j++) {
                s0 += p[3 * j] * k[j];
                s1 += p[3 * j + 1] * k[j];
                s2 += p[3 * j + 2] * k[j];
            }
            uint8_t *q = o + (size_t)x * 3;
            q[0] = clip8(s0);
            q[1] = clip8(s1);
            q[2] = clip8(s2);
        }
    }
}

/* src (w x any rows, first used row at offset 0) -> dst (w x dh). */
static void pass_v(const uint8_t *src, int w, const aa_axis *a, int row0, uint8_t *dst, int dh)
{
    size_t rowb = (size_t)w * 3;
    for (int y = 0; y < dh; y++) {
        const int32_t *k = a->k + (size_t)y * (size_t)a->ksize;
        const uint8_t *base = src + (size_t)(a->first[y] - row0) * rowb;
        uint8_t *o = dst + (size_t)y * rowb;
        for (size_t i = 0; i < rowb; i++) {
            int32_t s = 1 << (AA_BITS - 1);
            for (int j = 0; j < a->count[y]; j++)
                s += base[(size_t)j * rowb + i] * k[j];
            o[i] = clip8(s);
        }
    }
}

int imgstats_resize_bilinear_aa(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh)
{
    if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0)
        return DL_EINVAL;
    if (sw == dw && sh == dh) { /* PIL returns a copy */
        memcpy(dst, src, (size_t)sw * (size_t)sh * 3);
        return 0;
    }
    aa_axis ax, ay;
    uint8_t *tmp = NULL;
    int rc = axis_make(sw, dw, &ax);
    if (rc)
        return rc;
    if ((rc = axis_make(sh, dh, &ay)) != 0) {
        axis_free(&ax);
        return rc;
    }
    if (sw == dw) { /* only the vertical pass, as PIL */
        pass_v(src, sw, &ay, 0, dst, dh);
    } else if (sh == dh) { /* only the horizontal pass */
        pass_h(src, sw, 0, sh, &ax, dst, dw);
    } else {
        /* The horizontal pass covers only the source rows the vertical one
         * reads (PIL's ybox_first .. ybox_last). */
        int first = ay.first[0], last = ay.first[dh - 1] + ay.count[dh - 1];
        tmp = calloc((size_t)(last - first) * (size_t)dw, 3);
        if (!tmp) {
            rc = DL_ENOMEM;
        } else {
            pass_h(src, sw, first, last - first, &ax, tmp, dw);
            pass_v(tmp, dw, &ay, first, dst, dh);
        }
    }
    free(tmp);
    axis_free(&ax);
    axis_free(&ay);
    return rc;
}
