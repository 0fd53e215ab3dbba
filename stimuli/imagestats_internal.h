/* imagestats_internal.h — private to stimuli/imagestats*.c and their tests.
 *
 * The statistics one by one, on buffers the caller owns, and the per-thread
 * workspace that keeps buffers and the FFTW plan between images. */
#ifndef DL_IMAGESTATS_INTERNAL_H
#define DL_IMAGESTATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dl_stimuli.h"

/* Parameters of the statistics (docs/imagestats.md). */
#define IMGSTATS_WINDOW 10            /* local entropy window side */
#define IMGSTATS_DCT_NORM 0.9998      /* fraction of the L2 norm to reach */
#define IMGSTATS_SEG_SIGMA 0.5f       /* Gaussian smoothing before segmenting */
#define IMGSTATS_SEG_K 500.0f         /* Felzenszwalb-Huttenlocher scale k */
#define IMGSTATS_SEG_MIN_SIZE 20      /* components smaller than this are merged */
#define IMGSTATS_MAX_PIXELS 25000000L /* about 120 bytes each per thread */

/* Buffers and the FFTW plan of one worker, reused from image to image. */
typedef struct imgstats_ws imgstats_ws;

imgstats_ws *imgstats_ws_new(void);
void imgstats_ws_free(imgstats_ws *ws); /* accepts NULL */

/* Grow *p (of *cap elements of size bytes) to at least n elements; the old
 * contents are not kept. 0 or DL_ENOMEM. */
int imgstats_grow(void **p, size_t *cap, size_t n, size_t size);

/* gray = 0.2989 R + 0.5870 G + 0.1140 B (0..255, not rounded) and, when
 * gray8 is non-NULL, gray rounded to the nearest integer. */
void imgstats_gray(const uint8_t *rgb, size_t npix, double *gray, uint8_t *gray8);

/* Mean of gray and the population SD of gray / 255. */
void imgstats_luminance(const double *gray, size_t npix, double *mean, double *rms);

/* Mean over all 10 x 10 windows (stride 1) of the Shannon entropy (log2) of
 * the window's distinct values: of gray8 (imgstats_entropy) or of the
 * unrounded gray doubles, as the authors' np.unique (imgstats_entropy_float).
 * NaN when w or h < 10. Both need imgstats_entropy_buffers(ws, w * h). */
int imgstats_entropy_buffers(imgstats_ws *ws, size_t n);
double imgstats_entropy(imgstats_ws *ws, const uint8_t *gray8, int w, int h);
double imgstats_entropy_float(imgstats_ws *ws, const double *gray, int w, int h);

/* Percentage of orthonormal DCT-II coefficients of gray / 255 needed to reach
 * 99.98% of the L2 norm. Uses ws's FFTW plan (made under a process-wide lock,
 * as FFTW's planner is not thread-safe). */
int imgstats_dct_pct(imgstats_ws *ws, const double *gray, int w, int h, double *pct, dl_error *err);

/* Destroy ws's FFTW plan and buffer (under the planner lock). */
void imgstats_dct_release(imgstats_ws *ws);

/* Smallest k such that the k largest of e[0..n) (all >= 0) sum to at least
 * need (> 0); reorders e. */
size_t imgstats_top_k(double *e, size_t n, double need);
/* The same answer by histograms of the values' bits first (faster). */
size_t imgstats_top_k_hist(double *e, size_t n, double need);

/* Felzenszwalb-Huttenlocher segment count of an RGB image. */
int imgstats_segments(imgstats_ws *ws, const uint8_t *rgb, int w, int h, float sigma, float k,
                      int min_size, long *count, dl_error *err);

/* Sum of Sobel gradient magnitudes of gray over the pixel count; border
 * pixels replicated. */
double imgstats_sobel_mean(const double *gray, int w, int h);

/* Resize an RGB image to dw x dh by area averaging (each output pixel is the
 * coverage-weighted mean of the source pixels under it), rounded to the
 * nearest integer. */
int imgstats_resize_area(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh);

/* Resize an RGB image to dw x dh as PIL's Image.resize with BILINEAR does
 * for 8-bit images (torchvision's Resize on a PIL image): a triangle filter
 * widened by the downscale factor, fixed-point coefficients, horizontal pass
 * then vertical, each rounded to 8 bits. */
int imgstats_resize_bilinear_aa(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh);

/* Image names sorted for lookup, each with its input index. */
typedef struct imgstats_named {
    const char *name;
    size_t i;
} imgstats_named;

/* Sort names[0..n) (NULL when out of memory); find one: its input index, or
 * -1 (the first one if repeated). */
imgstats_named *imgstats_index_build(const char *const *names, size_t n);
long imgstats_index_find(const imgstats_named *ix, size_t n, const char *name);

/* All statistics of an RGB image with ws, the entropy of gray
 * (dl_imgstats_gray); width_px/height_px set to w, h. */
int imgstats_compute_ws(imgstats_ws *ws, const uint8_t *rgb, int w, int h, int gray,
                        dl_imgstats *out, dl_error *err);

/* The workspace's scratch buffers (used by the statistics above). */
struct imgstats_ws {
    double *gray;
    uint8_t *gray8;
    size_t gray_cap, gray8_cap;
    /* entropy: value ids, their counts, the hash table numbering values */
    uint32_t *ids;
    uint8_t *hist;
    uint64_t *table_keys;
    uint32_t *table_vals;
    size_t ids_cap, hist_cap, table_keys_cap, table_cap, table_size;
    int table_bits;
    /* DCT */
    void *plan; /* fftw_plan */
    int plan_w, plan_h;
    double *dct;
    size_t dct_cap;
    /* segmentation */
    float *planes, *tmp;
    size_t planes_cap, tmp_cap;
    void *edges, *edges2;
    size_t edges_cap, edges2_cap;
    void *nodes; /* union-find nodes */
    uint32_t *sizes;
    uint8_t *flags;
    size_t nodes_cap, sizes_cap, flags_cap;
};

#endif
