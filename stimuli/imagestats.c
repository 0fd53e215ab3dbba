/* imagestats.c — all statistics of one image, decoding with SDL2_image, and
 * the thread pool that runs over many image files. */
#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imagestats_internal.h"

static const char *const stat_names[DL_IMGSTATS_NSTATS] = {
    "width_px", "height_px",  "local_entropy_bits", "dct_coef_pct",
    "segments", "sobel_mean", "mean_luminance",     "rms_contrast"};

const char *dl_imgstats_gray_name(int gray)
{
    return gray == DL_IMGSTATS_GRAY_FLOAT     ? "float"
           : gray == DL_IMGSTATS_GRAY_ROUNDED ? "rounded"
                                              : NULL;
}

const char *dl_imgstats_filter_name(int filter)
{
    return filter == DL_IMGSTATS_BILINEAR_AA ? "bilinear-aa"
           : filter == DL_IMGSTATS_AREA      ? "area"
                                             : NULL;
}

const char *dl_imgstats_name(int stat)
{
    return stat >= 0 && stat < DL_IMGSTATS_NSTATS ? stat_names[stat] : NULL;
}

/* Titles for a reader (figures), in the order of DL_IMGSTATS_*, with units. */
static const char *const stat_titles[DL_IMGSTATS_NSTATS] = {
    "Width (px)",           "Height (px)",
    "Local entropy (bits)", "DCT coefficients for 99.98% (%)",
    "Segments (count)",     "Edge strength (Sobel)",
    "Luminance (0-255)",    "RMS contrast"};

const char *dl_imgstats_title(int stat)
{
    return stat >= 0 && stat < DL_IMGSTATS_NSTATS ? stat_titles[stat] : NULL;
}

double dl_imgstats_value(const dl_imgstats *s, int stat)
{
    switch (stat) {
    case DL_IMGSTATS_WIDTH:
        return s->width_px;
    case DL_IMGSTATS_HEIGHT:
        return s->height_px;
    case DL_IMGSTATS_ENTROPY:
        return s->entropy_bits;
    case DL_IMGSTATS_DCT:
        return s->dct_pct;
    case DL_IMGSTATS_SEGMENTS:
        return s->segments;
    case DL_IMGSTATS_SOBEL:
        return s->sobel_mean;
    case DL_IMGSTATS_LUMINANCE:
        return s->mean_luminance;
    case DL_IMGSTATS_CONTRAST:
        return s->rms_contrast;
    default:
        return NAN;
    }
}

int imgstats_grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return 0;
    free(*p);
    *p = dl_calloc(n, size);
    *cap = *p ? n : 0;
    return *p ? 0 : DL_ENOMEM;
}

imgstats_ws *imgstats_ws_new(void)
{
    return calloc(1, sizeof(imgstats_ws));
}

void imgstats_ws_free(imgstats_ws *ws)
{
    if (!ws)
        return;
    imgstats_dct_release(ws);
    free(ws->gray);
    free(ws->gray8);
    free(ws->ids);
    free(ws->hist);
    free(ws->table_keys);
    free(ws->table_vals);
    free(ws->planes);
    free(ws->tmp);
    free(ws->edges);
    free(ws->edges2);
    free(ws->links);
    free(ws->comps);
    free(ws);
}

static int check_size(int w, int h, dl_error *err)
{
    if (w <= 0 || h <= 0)
        return dl_fail(err, DL_EINVAL, "empty image (%dx%d)", w, h);
    if ((long)w * (long)h > IMGSTATS_MAX_PIXELS)
        return dl_fail(err, DL_EINVAL, "image of %dx%d pixels is larger than %ld pixels", w, h,
                       IMGSTATS_MAX_PIXELS);
    return 0;
}

int imgstats_compute_ws(imgstats_ws *ws, const uint8_t *rgb, int w, int h, int gray,
                        dl_imgstats *out, dl_error *err)
{
    int rc = check_size(w, h, err);
    if (rc)
        return rc;
    size_t n = (size_t)w * (size_t)h;
    if (imgstats_grow((void **)&ws->gray, &ws->gray_cap, n, sizeof(double)) ||
        imgstats_grow((void **)&ws->gray8, &ws->gray8_cap, n, 1) || imgstats_entropy_buffers(ws, n))
        return dl_fail(err, DL_ENOMEM, "out of memory for a %dx%d image", w, h);
    memset(out, 0, sizeof *out);
    out->width_px = out->analysed_width_px = w;
    out->height_px = out->analysed_height_px = h;
    int rounded = gray == DL_IMGSTATS_GRAY_ROUNDED;
    imgstats_gray(rgb, n, ws->gray, rounded ? ws->gray8 : NULL);
    imgstats_luminance(ws->gray, n, &out->mean_luminance, &out->rms_contrast);
    out->entropy_bits = rounded ? imgstats_entropy(ws, ws->gray8, w, h)
                                : imgstats_entropy_float(ws, ws->gray, w, h);
    out->sobel_mean = imgstats_sobel_mean(ws->gray, w, h);
    if ((rc = imgstats_dct_pct(ws, ws->gray, w, h, &out->dct_pct, err)) != 0)
        return rc;
    long segments;
    rc = imgstats_segments(ws, rgb, w, h, IMGSTATS_SEG_SIGMA, IMGSTATS_SEG_K, IMGSTATS_SEG_MIN_SIZE,
                           &segments, err);
    out->segments = (double)segments;
    return rc;
}

int dl_imgstats_compute(const uint8_t *rgb, int width_px, int height_px, dl_imgstats *out,
                        dl_error *err)
{
    imgstats_ws *ws = imgstats_ws_new();
    if (!ws)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int rc = imgstats_compute_ws(ws, rgb, width_px, height_px, DL_IMGSTATS_GRAY_FLOAT, out, err);
    imgstats_ws_free(ws);
    return rc;
}

/* Copy a converted RGB24 surface into packed rows (SDL pads its pitch). */
static uint8_t *packed_rgb(const SDL_Surface *s)
{
    size_t row = (size_t)s->w * 3;
    uint8_t *rgb = malloc(row * (size_t)s->h);
    if (rgb)
        for (int y = 0; y < s->h; y++)
            memcpy(rgb + row * (size_t)y, (const uint8_t *)s->pixels + (size_t)s->pitch * y, row);
    return rgb;
}

/* Decode the bytes dl_image_read checked: the file is read once, and what
 * is decoded is what was checked (a file replaced in between cannot slip
 * past the size limits). */
static int decode(const char *path, const char *data, size_t len, SDL_Surface **out, dl_error *err)
{
    /* len <= DL_IMAGE_MAX_FILE_BYTES (256 MiB) fits SDL's int */
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    if (!rw)
        return dl_fail(err, DL_ENOMEM, "%s: cannot read: %s", path, SDL_GetError());
    /* SDL's error string is per thread, so the reason is this image's. */
    SDL_Surface *img = IMG_Load_RW(rw, 1);
    if (!img)
        return dl_fail(err, DL_ECORRUPT, "%s: cannot decode image (%s)", path, SDL_GetError());
    /* A plain copy into RGB24: alpha is dropped, colours kept as stored. */
    *out = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_RGB24, 0);
    SDL_FreeSurface(img);
    if (!*out)
        return dl_fail(err, DL_ECORRUPT, "%s: cannot convert image to RGB (%s)", path,
                       SDL_GetError());
    return 0;
}

int dl_imgstats_resize(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh, int filter)
{
    if (filter == DL_IMGSTATS_BILINEAR_AA)
        return imgstats_resize_bilinear_aa(src, sw, sh, dst, dw, dh);
    if (filter == DL_IMGSTATS_AREA)
        return imgstats_resize_area(src, sw, sh, dst, dw, dh);
    return DL_EINVAL;
}

int dl_imgstats_load(const char *path, int size_px, int filter, uint8_t **rgb, int *width_px,
                     int *height_px, int orig_px[2], dl_error *err)
{
    *rgb = NULL;
    SDL_Surface *s = NULL;
    /* size limit, truncation, regular file: from the header, before decoding */
    char *data = NULL;
    size_t len = 0;
    int rc = dl_image_read(path, &data, &len, NULL, err);
    if (!rc)
        rc = decode(path, data, len, &s, err);
    free(data);
    if (rc)
        return rc;
    if ((rc = check_size(s->w, s->h, err)) != 0) {
        dl_fail_prefix(err, "%s: ", path);
        goto done;
    }
    if (orig_px) {
        orig_px[0] = s->w;
        orig_px[1] = s->h;
    }
    uint8_t *full = packed_rgb(s);
    if (!full) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if (size_px <= 0 || (size_px == s->w && size_px == s->h)) {
        *rgb = full;
        *width_px = s->w;
        *height_px = s->h;
        goto done;
    }
    *rgb = malloc((size_t)size_px * (size_t)size_px * 3);
    rc = *rgb ? dl_imgstats_resize(full, s->w, s->h, *rgb, size_px, size_px, filter) : DL_ENOMEM;
    if (rc) {
        free(*rgb);
        *rgb = NULL;
        rc = rc == DL_ENOMEM
                 ? dl_fail(err, rc, "%s: out of memory resizing to %d px", path, size_px)
                 : dl_fail(err, rc, "%s: unknown resize filter %d", path, filter);
    }
    *width_px = *height_px = size_px;
    free(full);
done:
    SDL_FreeSurface(s);
    return rc;
}

/* ---- the thread pool ------------------------------------------------------- */

typedef struct run_state {
    const char *const *paths;
    size_t n;
    const dl_imgstats_opts *opts;
    dl_imgstats_row *rows;
    pthread_mutex_t lock;
    size_t next, done;
    int stop;          /* an image failed: hand out no more images */
    size_t fail_index; /* smallest index of an image that stopped the run, n if none */
    dl_error fail_err;
    int fatal; /* a worker could not start (no memory) */
    dl_error fatal_err;
} run_state;

static int one_image(imgstats_ws *ws, const char *path, const dl_imgstats_opts *o, dl_imgstats *st,
                     dl_error *err)
{
    uint8_t *rgb = NULL;
    int w, h, orig[2];
    int rc = dl_imgstats_load(path, o->size_px, o->filter, &rgb, &w, &h, orig, err);
    if (!rc && (rc = imgstats_compute_ws(ws, rgb, w, h, o->gray, st, err)) != 0)
        dl_fail_prefix(err, "%s: ", path);
    if (!rc) {
        st->width_px = orig[0];
        st->height_px = orig[1];
    }
    free(rgb);
    return rc;
}

/* Record image i's outcome; called with the lock held. */
static void record(run_state *rs, size_t i, int rc, const dl_error *e)
{
    int skippable = rc == DL_ECORRUPT || rc == DL_ENOENT || rc == DL_EIO || rc == DL_EINVAL;
    if (rc && skippable && rs->opts->skip_bad) {
        rs->rows[i].error = dl_strdup(e->msg);
        if (!rs->rows[i].error)
            rc = DL_ENOMEM;
        else
            rc = 0;
    }
    /* Images are handed out in input order and every worker finishes its
     * current image, so the smallest failing index is the first bad image of
     * the input, whatever the number of threads. */
    if (rc && i < rs->fail_index) {
        rs->fail_index = i;
        rs->fail_err = *e;
        rs->fail_err.code = rc;
        if (rc == DL_ENOMEM && !e->msg[0])
            snprintf(rs->fail_err.msg, sizeof rs->fail_err.msg, "out of memory");
    }
    if (rc)
        rs->stop = 1;
    rs->done++;
    if (rs->opts->progress)
        rs->opts->progress(rs->opts->progress_ctx, rs->done, rs->n);
}

static void *worker(void *arg)
{
    run_state *rs = arg;
    imgstats_ws *ws = imgstats_ws_new();
    dl_error e;
    pthread_mutex_lock(&rs->lock);
    if (!ws && !rs->fatal) {
        rs->fatal = 1;
        dl_fail(&rs->fatal_err, DL_ENOMEM, "out of memory");
    }
    while (ws && !rs->stop && !rs->fatal && rs->next < rs->n) {
        size_t i = rs->next++;
        pthread_mutex_unlock(&rs->lock);
        memset(&e, 0, sizeof e);
        int rc = one_image(ws, rs->paths[i], rs->opts, &rs->rows[i].stats, &e);
        pthread_mutex_lock(&rs->lock);
        record(rs, i, rc, &e);
    }
    pthread_mutex_unlock(&rs->lock);
    imgstats_ws_free(ws);
    return NULL;
}

static int thread_count(const dl_imgstats_opts *o, size_t n)
{
    long t = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    if ((size_t)t > n)
        t = n > 0 ? (long)n : 1;
    return t > 256 ? 256 : (int)t;
}

int dl_imgstats_run(const char *const *paths, size_t n, const dl_imgstats_opts *opts,
                    dl_imgstats_row *rows, size_t *bad_index, dl_error *err)
{
    run_state rs = {.paths = paths, .n = n, .opts = opts, .rows = rows, .fail_index = n};
    for (size_t i = 0; i < n; i++)
        rows[i].error = NULL;
    /* Initialise the decoders once, before any thread loads an image:
     * IMG_Load would otherwise set SDL2_image's init flags from every thread. */
    IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG | IMG_INIT_TIF | IMG_INIT_WEBP);
    pthread_mutex_init(&rs.lock, NULL);
    int nthreads = thread_count(opts, n), started = 0;
    pthread_t tid[256];
    for (; started < nthreads; started++)
        if (pthread_create(&tid[started], NULL, worker, &rs) != 0)
            break;
    if (started == 0)
        worker(&rs); /* no thread could be made: work on this one */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&rs.lock);
    if (rs.fail_index < n) {
        if (bad_index)
            *bad_index = rs.fail_index;
        if (err)
            *err = rs.fail_err;
        return rs.fail_err.code;
    }
    if (rs.fatal) {
        if (err)
            *err = rs.fatal_err;
        return rs.fatal_err.code;
    }
    return 0;
}

void dl_imgstats_rows_clear(dl_imgstats_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].error);
        rows[i].error = NULL;
    }
}
