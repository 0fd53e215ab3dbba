/* bench_imagestats.c — images per second of dl_imgstats_run on generated
 * 256 x 256 PNGs (decoding included), with 1 and 2 threads, the time per
 * statistic, and the values of the first images for bench_numpy.py to
 * compare.
 *
 * Usage: bench_imagestats DIR [N [CHECK]] — writes N (default 2000) PNGs
 * into DIR (made if missing; existing files are reused), and the values of
 * the first CHECK (default 20) images to DIR/dddlab_values.csv. Run by
 * run.sh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "imagestats_internal.h"
#include "imgtest.h"

#define SIDE 256

static int generate(const char *dir, char **paths, int n)
{
    for (int i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/img%04d.png", dir, i);
        paths[i] = strdup(p);
        struct stat st;
        if (stat(p, &st) == 0)
            continue;
        /* Even: 8x8 colour blocks with noise; odd: uniform noise. */
        uint8_t *px = imgtest_make(i % 2 ? "noise" : "blocks", SIDE, SIDE, 1000u + (uint32_t)i);
        if (!px || imgtest_save_png(px, SIDE, SIDE, 3, p) != 0) {
            fprintf(stderr, "bench_imagestats: cannot write %s: %s\n", p, SDL_GetError());
            return -1;
        }
        free(px);
    }
    return 0;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

static int timed_run(char **paths, int n, int threads, dl_imgstats_row *rows)
{
    dl_imgstats_opts o = {.threads = threads};
    dl_error err = {0};
    double t0 = dl_now_s(), c0 = cpu_s();
    if (dl_imgstats_run((const char *const *)paths, (size_t)n, &o, rows, NULL, &err) != 0) {
        fprintf(stderr, "bench_imagestats: %s\n", err.msg);
        return -1;
    }
    double s = dl_now_s() - t0, c = cpu_s() - c0;
    /* On a shared machine the wall clock counts other jobs' time too; the
     * CPU seconds of this process say what the work itself cost. */
    printf("threads=%d images=%d seconds=%.3f images_per_s=%.1f cpu_seconds=%.3f "
           "images_per_cpu_s=%.1f\n",
           threads, n, s, n / s, c, n / c);
    return 0;
}

static double thread_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU milliseconds per image of each statistic alone, on m decoded images
 * (CPU time: the wall clock of a shared machine counts other jobs). */
static void per_statistic(char **paths, int m)
{
    imgstats_ws *ws = imgstats_ws_new();
    double t[5] = {0};
    double *gray = malloc(SIDE * SIDE * sizeof *gray);
    for (int i = 0; i < m; i++) {
        uint8_t *rgb;
        int w, h;
        double t0 = thread_cpu_s();
        if (dl_imgstats_load(paths[i], 0, 0, &rgb, &w, &h, NULL, NULL) != 0 ||
            imgstats_entropy_buffers(ws, (size_t)w * h) != 0)
            continue;
        double t1 = thread_cpu_s();
        imgstats_gray(rgb, (size_t)w * h, gray, NULL);
        volatile double e = imgstats_entropy_float(ws, gray, w, h);
        double t2 = thread_cpu_s(), pct;
        imgstats_dct_pct(ws, gray, w, h, &pct, NULL);
        double t3 = thread_cpu_s();
        long segs;
        imgstats_segments(ws, rgb, w, h, IMGSTATS_SEG_SIGMA, IMGSTATS_SEG_K, IMGSTATS_SEG_MIN_SIZE,
                          &segs, NULL);
        double t4 = thread_cpu_s();
        e = imgstats_sobel_mean(gray, w, h);
        (void)e;
        double t5 = thread_cpu_s();
        double d[5] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4};
        for (int k = 0; k < 5; k++)
            t[k] += d[k];
        free(rgb);
    }
    printf("cpu_ms_per_image decode=%.2f entropy=%.2f dct=%.2f segments=%.2f sobel=%.2f\n",
           1e3 * t[0] / m, 1e3 * t[1] / m, 1e3 * t[2] / m, 1e3 * t[3] / m, 1e3 * t[4] / m);
    free(gray);
    imgstats_ws_free(ws);
}

/* The first check images' values, for bench_numpy.py to compare. */
static int write_values(const char *dir, const dl_imgstats_row *rows, int check)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/dddlab_values.csv", dir);
    FILE *fp = fopen(p, "w");
    if (!fp)
        return -1;
    fprintf(fp, "image,entropy,dct,segments,sobel\n");
    for (int i = 0; i < check; i++)
        fprintf(fp, "img%04d.png,%.17g,%.17g,%.0f,%.17g\n", i, rows[i].stats.entropy_bits,
                rows[i].stats.dct_pct, rows[i].stats.segments, rows[i].stats.sobel_mean);
    return fclose(fp);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_imagestats DIR [N [CHECK]]\n");
        return 2;
    }
    const char *dir = argv[1];
    int n = argc > 2 ? atoi(argv[2]) : 2000, check = argc > 3 ? atoi(argv[3]) : 20;
    if (n < 1 || check < 1 || check > n || (mkdir(dir, 0755) != 0 && errno != EEXIST)) {
        fprintf(stderr, "bench_imagestats: bad arguments\n");
        return 2;
    }
    char **paths = calloc((size_t)n, sizeof *paths);
    dl_imgstats_row *rows = calloc((size_t)n, sizeof *rows);
    double t0 = dl_now_s();
    if (!paths || !rows || generate(dir, paths, n) != 0)
        return 1;
    printf("generated images=%d side_px=%d seconds=%.1f dir=%s\n", n, SIDE, dl_now_s() - t0, dir);
    int rc = timed_run(paths, n, 1, rows) || timed_run(paths, n, 2, rows);
    if (!rc) {
        rc = write_values(dir, rows, check);
        per_statistic(paths, n < 100 ? n : 100);
    }
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    dl_imgstats_rows_clear(rows, (size_t)n);
    free(rows);
    return rc ? 1 : 0;
}
