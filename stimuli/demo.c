/* demo.c — the synthetic Gaussian data set of Meding et al. (2022): class
 * i = 1..N is pixel-wise independent RGB Gaussian noise with mean 128 and
 * sigma i (clipped to 0..255). Every image is a pure function of (seed,
 * index), so PNGs are written only for the images a stimulus set needs and
 * can be regenerated at any time.
 *
 * The low classes are nearly flat grey 128, the runner's 2AFC background:
 * they stay as the paper defined them, and the runner draws a thin frame
 * around every stimulus ([display] image_frame) so they do not vanish. */
#include "demo_internal.h"

#include <SDL.h>
#include <SDL_image.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void dl_stimuli_demo_defaults(dl_stimuli_demo *d)
{
    d->classes = 100;
    d->images_per_class = 100;
    d->train_per_class = 20;
    d->seed = 1;
    d->size_px = 32;
    d->png_px = 128;
    d->progress = NULL;
    d->progress_ctx = NULL;
}

static size_t n_test(const dl_stimuli_demo *d)
{
    return (size_t)d->classes * d->images_per_class;
}

/* Test images come first (index < n_test), training images after; the RNG
 * seed base + index is distinct for every image of a data set. */
static void gen_image(const dl_stimuli_demo *d, gsl_rng *rng, size_t index, unsigned cls,
                      uint8_t *rgb)
{
    uint32_t base = (uint32_t)dl_mix64(0x64656d6fULL ^ ((uint64_t)d->seed << 20));
    gsl_rng_set(rng, (unsigned long)(uint32_t)(base + (uint32_t)index));
    size_t total = (size_t)d->size_px * d->size_px * 3;
    for (size_t i = 0; i < total; i++) {
        double v = nearbyint(128.0 + cls * gsl_ran_gaussian_ziggurat(rng, 1.0));
        rgb[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

void dl_stimuli_demo_image_name(const dl_stimuli_demo *d, size_t index, char name[64])
{
    unsigned cls = (unsigned)(index / d->images_per_class) + 1;
    snprintf(name, 64, "c%03u_%04zu.png", cls, index % d->images_per_class + 1);
}

int dl_stimuli_demo_image_index(const dl_stimuli_demo *d, const char *name, size_t *index)
{
    unsigned cls, k;
    int end = 0;
    if (sscanf(name, "c%3u_%4u.png%n", &cls, &k, &end) != 2 || name[end] != '\0')
        return DL_EINVAL;
    if (cls < 1 || cls > d->classes || k < 1 || k > d->images_per_class)
        return DL_EINVAL;
    char check[64];
    *index = (size_t)(cls - 1) * d->images_per_class + (k - 1);
    dl_stimuli_demo_image_name(d, *index, check);
    return strcmp(check, name) == 0 ? 0 : DL_EINVAL;
}

static int check_params(const dl_stimuli_demo *d, dl_error *err)
{
    if (d->classes < 2 || d->classes > 255)
        return dl_fail(err, DL_EINVAL, "demo data: classes must be 2..255 (sigma = class <= 255)");
    if (d->images_per_class < 1 || d->images_per_class > 9999 || d->train_per_class < 1 ||
        d->train_per_class > 9999)
        return dl_fail(err, DL_EINVAL, "demo data: images per class must be 1..9999");
    if (d->size_px < 8 || d->size_px > 1024 || d->png_px < 1 || d->png_px > 4096)
        return dl_fail(err, DL_EINVAL, "demo data: size must be 8..1024 px, PNG size 1..4096 px");
    return 0;
}

/* Training: the features of every training image, then every model fits. */
static int train(const dl_stimuli_demo *d, gsl_rng *rng, uint8_t *rgb, demo_zoo **zoo)
{
    size_t base = n_test(d), ntrain = (size_t)d->classes * d->train_per_class;
    double *tf = dl_calloc(ntrain * DEMO_NSETS * DEMO_NFEAT, sizeof *tf);
    unsigned *tcls = dl_calloc(ntrain, sizeof *tcls);
    int rc = DL_ENOMEM;
    if (!tf || !tcls)
        goto done;
    for (size_t i = 0; i < ntrain; i++) {
        tcls[i] = (unsigned)(i / d->train_per_class);
        gen_image(d, rng, base + i, tcls[i] + 1, rgb);
        demo_features(rgb, d->size_px, (double(*)[DEMO_NFEAT])(tf + i * DEMO_NSETS * DEMO_NFEAT));
    }
    rc = demo_zoo_fit(tf, tcls, ntrain, d->classes, zoo);
done:
    free(tf);
    free(tcls);
    return rc;
}

static void classify_all(const dl_stimuli_demo *d, gsl_rng *rng, uint8_t *rgb, const demo_zoo *zoo,
                         FILE *results, FILE *images)
{
    size_t nm = dl_stimuli_demo_nmodels();
    fputs("model,image,label,prediction\n", results);
    fputs("image,path,class\n", images);
    for (size_t i = 0; i < n_test(d); i++) {
        unsigned cls = (unsigned)(i / d->images_per_class) + 1;
        char name[64];
        double f[DEMO_NSETS][DEMO_NFEAT];
        dl_stimuli_demo_image_name(d, i, name);
        gen_image(d, rng, i, cls, rgb);
        demo_features(rgb, d->size_px, f);
        fprintf(images, "%s,%s,%u\n", name, name, cls);
        for (size_t m = 0; m < nm; m++)
            fprintf(results, "%s,%s,%u,%u\n", demo_zoo_name(m), name, cls,
                    demo_zoo_predict(zoo, m, f));
        if (d->progress && ((i + 1) & 255) == 0)
            d->progress(d->progress_ctx, i + 1, n_test(d));
    }
    if (d->progress)
        d->progress(d->progress_ctx, n_test(d), n_test(d));
}

static void write_ini(const dl_stimuli_demo *d, FILE *f)
{
    fprintf(f,
            "; dddlab synthetic Gaussian data set (Meding et al. 2022): class i is RGB\n"
            "; Gaussian noise with mean 128 and sigma i. Images are regenerated from\n"
            "; (seed, index) by 'dddlab stimuli build --demo-images'.\n"
            "[demo]\nclasses = %u\nimages_per_class = %u\ntrain_per_class = %u\nseed = %u\n"
            "size_px = %u\npng_px = %u\nresults = results.csv\nimages = images.csv\n",
            d->classes, d->images_per_class, d->train_per_class, (unsigned)d->seed, d->size_px,
            d->png_px);
}

int dl_stimuli_demo_generate(const dl_stimuli_demo *d, const char *dir, dl_error *err)
{
    static const char *const names[3] = {"results.csv", "images.csv", "demo.ini"};
    dl_atomic at[3];
    size_t opened = 0;
    gsl_rng *rng = NULL;
    uint8_t *rgb = NULL;
    demo_zoo *zoo = NULL;
    int rc = check_params(d, err);
    if (rc || (rc = dl_mkdir_p(dir, err)) != 0)
        return rc;
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    rgb = dl_calloc((size_t)d->size_px * d->size_px * 3, 1);
    if (!rng || !rgb) {
        rc = dl_fail(err, DL_ENOMEM, "demo data: out of memory");
        goto done;
    }
    for (; opened < 3; opened++) {
        char *path = dl_path_join(dir, names[opened]);
        rc = path ? dl_atomic_open(&at[opened], path, err)
                  : dl_fail(err, DL_ENOMEM, "out of memory");
        free(path);
        if (rc)
            goto done;
    }
    if (train(d, rng, rgb, &zoo)) {
        rc = dl_fail(err, DL_ENOMEM, "demo data: out of memory");
        goto done;
    }
    classify_all(d, rng, rgb, zoo, at[0].fp, at[1].fp);
    write_ini(d, at[2].fp);
    /* All three reach the disk before the first rename, so a full disk
     * leaves none of them. A commit releases its file either way. */
    for (size_t i = 0; i < 3 && !rc; i++)
        rc = dl_atomic_flush(&at[i], err);
    size_t done_files = 0;
    while (done_files < 3 && !rc)
        rc = dl_atomic_commit(&at[done_files++], err);
    for (size_t i = done_files; i < 3; i++)
        dl_atomic_abort(&at[i]);
    opened = 0;
done:
    for (size_t i = 0; i < opened; i++)
        dl_atomic_abort(&at[i]);
    if (rng)
        gsl_rng_free(rng);
    free(rgb);
    demo_zoo_free(zoo);
    return rc;
}

/* ---- demo.ini ------------------------------------------------------------------ */

typedef struct ini_ctx {
    dl_stimuli_demo *d;
    const char *bad_key;
    char bad[128];
} ini_ctx;

static int ini_value(void *user, const char *section, const char *key, const char *value)
{
    ini_ctx *c = user;
    static const char *const keys[] = {"classes", "images_per_class", "train_per_class",
                                       "size_px", "png_px",           "seed"};
    dl_stimuli_demo *d = c->d;
    unsigned *slots[] = {&d->classes, &d->images_per_class, &d->train_per_class, &d->size_px,
                         &d->png_px};
    long v;
    if (strcmp(section, "demo") != 0 || strcmp(key, "results") == 0 || strcmp(key, "images") == 0)
        return 1;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        if (strcmp(key, keys[k]) != 0)
            continue;
        if (dl_parse_long(value, &v) != 0 || v < 0 || v > 4294967295L) {
            snprintf(c->bad, sizeof c->bad, "'%s' needs a whole number, found '%.40s'", key, value);
            return 0;
        }
        if (k < sizeof slots / sizeof *slots)
            *slots[k] = (unsigned)v;
        else /* the seed is a uint32_t, the others unsigned */
            d->seed = (uint32_t)v;
        return 1;
    }
    snprintf(c->bad, sizeof c->bad, "unknown key '%.60s' in [demo]", key);
    return 0;
}

int dl_stimuli_demo_read_ini(const char *path, dl_stimuli_demo *d, dl_error *err)
{
    ini_ctx c = {.d = d};
    dl_stimuli_demo_defaults(d);
    int line = ini_parse(path, ini_value, &c);
    if (line < 0)
        return dl_fail(err, DL_ENOENT, "%s: cannot open the demo data description", path);
    if (line > 0)
        return dl_fail(err, DL_EINVAL, "%s:%d: %s", path, line, c.bad[0] ? c.bad : "syntax error");
    return check_params(d, err);
}

/* ---- PNG ------------------------------------------------------------------------- */

static int save_png(SDL_Surface *s, const char *path, dl_error *err)
{
    dl_atomic a;
    int rc = dl_atomic_open(&a, path, err);
    if (rc)
        return rc;
    SDL_RWops *rw = SDL_RWFromFP(a.fp, SDL_FALSE);
    if (!rw || IMG_SavePNG_RW(s, rw, 1) != 0) {
        rc = dl_fail(err, DL_EIO, "%s: cannot write PNG: %s", path, IMG_GetError());
        dl_atomic_abort(&a);
        return rc;
    }
    return dl_atomic_commit(&a, err);
}

int dl_stimuli_demo_write_image(const dl_stimuli_demo *d, size_t index, const char *path,
                                dl_error *err)
{
    int rc = check_params(d, err);
    if (rc)
        return rc;
    if (index >= n_test(d))
        return dl_fail(err, DL_EINVAL, "demo data: no image %zu (there are %zu)", index, n_test(d));
    unsigned n = d->size_px, out = d->png_px;
    uint8_t *rgb = dl_calloc((size_t)n * n * 3, 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, (int)out, (int)out, 24, SDL_PIXELFORMAT_RGB24);
    if (!rgb || !rng || !s) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    gen_image(d, rng, index, (unsigned)(index / d->images_per_class) + 1, rgb);
    /* nearest-neighbour scaling keeps every noise pixel a crisp square */
    for (unsigned y = 0; y < out; y++) {
        uint8_t *row = (uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
        const uint8_t *src = rgb + (size_t)y * n / out * n * 3;
        for (unsigned x = 0; x < out; x++)
            memcpy(row + (size_t)x * 3, src + (size_t)x * n / out * 3, 3);
    }
    rc = save_png(s, path, err);
done:
    SDL_FreeSurface(s);
    if (rng)
        gsl_rng_free(rng);
    free(rgb);
    return rc;
}
