/* imgtest.h — test images shared by the image-statistics tests and the
 * benchmark: the generator of imagestats_ref.py, repeated exactly, and PNG
 * writing with SDL2_image. */
#ifndef DL_IMGTEST_H
#define DL_IMGTEST_H

#include <SDL.h>
#include <SDL_image.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint8_t imgtest_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return (uint8_t)(*s >> 24);
}

static inline uint8_t imgtest_clamp(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

enum { IMGTEST_NOISE, IMGTEST_BLOCKS, IMGTEST_GRAY, IMGTEST_CHECKER, IMGTEST_HALVES };

/* IMGTEST_* of a kind's name in imagestats_ref.py, or -1. */
static inline int imgtest_kind(const char *name)
{
    static const char *const names[] = {"noise", "blocks", "gray", "checker", "halves"};
    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* The test image of imagestats_ref.test_image(kind, w, h, seed), RGB24,
 * malloc'ed; NULL for an unknown kind. */
static inline uint8_t *imgtest_make(const char *name, int w, int h, uint32_t seed)
{
    int kind = imgtest_kind(name);
    size_t n = (size_t)w * (size_t)h;
    uint8_t *img = malloc(3 * n), *rnd = malloc(3 * n);
    int bw = (w + 7) / 8, bh = (h + 7) / 8;
    uint8_t *col = malloc((size_t)bw * (size_t)bh * 3);
    uint32_t s = seed, s2 = seed ^ 0x9E3779B9u;
    for (size_t i = 0; i < 3 * n; i++)
        rnd[i] = imgtest_next(&s);
    for (size_t i = 0; i < (size_t)bw * (size_t)bh * 3; i++)
        col[i] = imgtest_next(&s2);
    int ok = 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                size_t i = ((size_t)y * w + x) * 3 + c;
                int v;
                switch (kind) {
                case IMGTEST_NOISE:
                    v = rnd[i];
                    break;
                case IMGTEST_BLOCKS:
                    v = col[((size_t)(y / 8) * bw + x / 8) * 3 + c] + rnd[i] / 8 - 16;
                    break;
                case IMGTEST_GRAY:
                    v = 120 + rnd[i - c] / 16;
                    break;
                case IMGTEST_CHECKER:
                    v = (x + y) % 2 == 1 ? 255 : 0;
                    break;
                case IMGTEST_HALVES:
                    v = x >= w / 2 ? 255 : 0;
                    break;
                default:
                    v = ok = 0;
                }
                img[i] = imgtest_clamp(v);
            }
    free(rnd);
    free(col);
    if (!ok) {
        free(img);
        return NULL;
    }
    return img;
}

/* Write an RGB24 (channels 3) or RGBA32 (channels 4) buffer as PNG; 0 on
 * success. */
static inline int imgtest_save_png(const uint8_t *px, int w, int h, int channels, const char *path)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(
        (void *)px, w, h, 8 * channels, channels * w,
        channels == 4 ? SDL_PIXELFORMAT_RGBA32 : SDL_PIXELFORMAT_RGB24);
    if (!s)
        return -1;
    int rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    return rc;
}

#endif
