/* demo_zoo.c — the model zoo of the synthetic Gaussian data set: simple,
 * genuinely different estimators of the noise level. Each turns an image into
 * one number; the classifier built on it predicts the class whose training
 * images gave the nearest mean of that number. They disagree where their
 * estimators differ (pixel subsets, channels, robustness, quantisation), and
 * they agree on images whose noise happens to look like another class — so
 * trivial and impossible images arise from the data. */
#include "demo_internal.h"

#include <math.h>
#include <stdlib.h>

/* Pixel (x, y) channel c of an RGB image of side n. */
#define PIX(im, n, x, y, c) ((double)(im)[((size_t)(y) * (n) + (x)) * 3 + (c)])

static double sd_of(double s, double s2, double k)
{
    double var = (s2 - s * s / k) / (k - 1);
    return var > 0 ? sqrt(var) : 0;
}

/* Sample SD over channels [c0, c1) of rows [y0, y1) and columns [x0, x1). */
static double sd_region(const uint8_t *im, unsigned n, unsigned x0, unsigned x1, unsigned y0,
                        unsigned y1, int c0, int c1)
{
    double s = 0, s2 = 0, k = 0;
    for (unsigned y = y0; y < y1; y++)
        for (unsigned x = x0; x < x1; x++)
            for (int c = c0; c < c1; c++) {
                double v = PIX(im, n, x, y, c);
                s += v;
                s2 += v * v;
                k++;
            }
    return sd_of(s, s2, k);
}

static double m_sd_all(const uint8_t *im, unsigned n)
{
    return sd_region(im, n, 0, n, 0, n, 0, 3);
}
static double m_sd_red(const uint8_t *im, unsigned n)
{
    return sd_region(im, n, 0, n, 0, n, 0, 1);
}
static double m_sd_green_top(const uint8_t *im, unsigned n)
{
    return sd_region(im, n, 0, n, 0, n / 2, 1, 2);
}
static double m_patch8(const uint8_t *im, unsigned n)
{
    unsigned a = n > 8 ? (n - 8) / 2 : 0, b = n > 8 ? a + 8 : n;
    return sd_region(im, n, a, b, a, b, 0, 3);
}

/* Median absolute deviation from the known mean 128 (robust to outliers),
 * by counting: values are whole numbers 0..128. */
static double m_mad(const uint8_t *im, unsigned n)
{
    size_t count[129] = {0}, total = (size_t)n * n * 3, half = total / 2, acc = 0;
    for (size_t i = 0; i < total; i++)
        count[abs((int)im[i] - 128)]++;
    for (int d = 0; d <= 128; d++)
        if ((acc += count[d]) > half)
            return 1.4826 * d;
    return 1.4826 * 128;
}

static double m_mean_abs(const uint8_t *im, unsigned n)
{
    size_t total = (size_t)n * n * 3;
    double s = 0;
    for (size_t i = 0; i < total; i++)
        s += fabs((double)im[i] - 128.0);
    return s / (double)total;
}

/* Mean over rows of the blue channel's range. */
static double m_range_rows(const uint8_t *im, unsigned n)
{
    double s = 0;
    for (unsigned y = 0; y < n; y++) {
        double lo = 255, hi = 0;
        for (unsigned x = 0; x < n; x++) {
            double v = PIX(im, n, x, y, 2);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        s += hi - lo;
    }
    return s / n;
}

/* SD after quantising the input to 8 levels, as a coarse sensor would. */
static double m_quant8(const uint8_t *im, unsigned n)
{
    size_t total = (size_t)n * n * 3;
    double s = 0, s2 = 0;
    for (size_t i = 0; i < total; i++) {
        double v = (double)(im[i] >> 5);
        s += v;
        s2 += v * v;
    }
    return sd_of(s, s2, (double)total);
}

/* SD of horizontal neighbour differences: insensitive to the image mean. */
static double m_gradient(const uint8_t *im, unsigned n)
{
    double s = 0, s2 = 0, k = 0;
    for (unsigned y = 0; y < n; y++)
        for (unsigned x = 0; x + 1 < n; x++)
            for (int c = 0; c < 3; c++) {
                double d = PIX(im, n, x + 1, y, c) - PIX(im, n, x, y, c);
                s += d;
                s2 += d * d;
                k++;
            }
    return sd_of(s, s2, k) / sqrt(2.0);
}

/* SD of 2x2 block means: a blurred view of the image. */
static double m_blur2(const uint8_t *im, unsigned n)
{
    double s = 0, s2 = 0, k = 0;
    for (unsigned y = 0; y + 1 < n; y += 2)
        for (unsigned x = 0; x + 1 < n; x += 2)
            for (int c = 0; c < 3; c++) {
                double v = (PIX(im, n, x, y, c) + PIX(im, n, x + 1, y, c) +
                            PIX(im, n, x, y + 1, c) + PIX(im, n, x + 1, y + 1, c)) /
                           4;
                s += v;
                s2 += v * v;
                k++;
            }
    return 2 * sd_of(s, s2, k);
}

/* SD of the luminance (channels averaged with Rec. 601 weights). */
static double m_luma(const uint8_t *im, unsigned n)
{
    double s = 0, s2 = 0, k = 0;
    for (unsigned y = 0; y < n; y++)
        for (unsigned x = 0; x < n; x++) {
            double v = 0.299 * PIX(im, n, x, y, 0) + 0.587 * PIX(im, n, x, y, 1) +
                       0.114 * PIX(im, n, x, y, 2);
            s += v;
            s2 += v * v;
            k++;
        }
    return sd_of(s, s2, k);
}

const demo_model demo_zoo[] = {
    {"sd-all", m_sd_all},
    {"sd-red", m_sd_red},
    {"sd-green-top", m_sd_green_top},
    {"sd-patch8", m_patch8},
    {"mad", m_mad},
    {"mean-abs", m_mean_abs},
    {"range-rows", m_range_rows},
    {"quantised-8", m_quant8},
    {"gradient", m_gradient},
    {"blur-2x2", m_blur2},
    {"luma", m_luma},
};
const size_t demo_nzoo = sizeof demo_zoo / sizeof *demo_zoo;

size_t dl_stimuli_demo_nmodels(void)
{
    return demo_nzoo;
}

const char *dl_stimuli_demo_model(size_t i)
{
    return i < demo_nzoo ? demo_zoo[i].name : NULL;
}
