/* stats_ecmat.c — error consistency of every pair of many observers at once.
 *
 * For rows a and b over the compared items, everything follows from four
 * counts: n, right(a), right(b) and both_right = popcount(a & b); both wrong
 * is n - right(a) - right(b) + both_right. So the M x M matrix is a binary
 * "matrix product" done with AND + popcount on 64 items per word, in tiles
 * of rows that stay in cache, spread over threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "dl_stats.h"
#include "stats_private.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

enum {
    TILE_MAX = 64,     /* rows per tile side: two tiles of chunks fit L2 */
    CHUNK_WORDS = 256, /* words per row and chunk: 2 KiB, so a micro block stays in L1 */
    MAX_THREADS = 256
};

typedef struct ec_work {
    const uint64_t *w;   /* rows_pad x ld words, already masked */
    size_t ld;           /* words per row */
    size_t rows;         /* real rows (the rest is zero padding) */
    size_t tile;         /* rows per tile side, even */
    size_t nblocks;      /* tiles per side */
    size_t ntiles;       /* tiles on and above the diagonal */
    size_t n;            /* items compared */
    const size_t *right; /* items right per row */
    double *kappa, *c_obs;
    uint64_t *both;     /* or NULL: both-right counts of pairs i < j, row by row */
    atomic_size_t next; /* next tile to take */
} ec_work;

typedef void (*tile_fn)(const ec_work *, size_t, size_t, uint64_t *);

typedef struct ec_thread {
    ec_work *work;
    tile_fn counts;
    uint64_t *cnt; /* tile x tile both-right counts */
} ec_thread;

/* Both-right counts of rows a, a+1 against b, b+1 over kw words. */
ALWAYS_INLINE void micro_2x2(const uint64_t *a, const uint64_t *b, size_t ld, size_t kw,
                             uint64_t *c, size_t ldc)
{
    const uint64_t *a1 = a + ld, *b1 = b + ld;
    uint64_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    for (size_t k = 0; k < kw; k++) {
        uint64_t x0 = a[k], x1 = a1[k], y0 = b[k], y1 = b1[k];
        s00 += (uint64_t)__builtin_popcountll(x0 & y0);
        s01 += (uint64_t)__builtin_popcountll(x0 & y1);
        s10 += (uint64_t)__builtin_popcountll(x1 & y0);
        s11 += (uint64_t)__builtin_popcountll(x1 & y1);
    }
    c[0] += s00;
    c[1] += s01;
    c[ldc] += s10;
    c[ldc + 1] += s11;
}

/* Counts of one tile (row blocks i0, j0); on the diagonal only j >= i. */
ALWAYS_INLINE void tile_counts_body(const ec_work *w, size_t i0, size_t j0, uint64_t *cnt)
{
    size_t tb = w->tile, ld = w->ld;
    memset(cnt, 0, tb * tb * sizeof *cnt);
    for (size_t k0 = 0; k0 < ld; k0 += CHUNK_WORDS) {
        size_t kw = ld - k0 < CHUNK_WORDS ? ld - k0 : CHUNK_WORDS;
        for (size_t i = 0; i < tb; i += 2) {
            const uint64_t *a = w->w + (i0 + i) * ld + k0;
            for (size_t j = i0 == j0 ? i : 0; j < tb; j += 2)
                micro_2x2(a, w->w + (j0 + j) * ld + k0, ld, kw, cnt + i * tb + j, tb);
        }
    }
}

#if defined(__x86_64__)
/* popcount(x & y) summed into 64-bit lanes, 4 words at a time: the nibble
 * table lookup of Mula, Kurz & Lemire (2018), "Faster population counts using
 * AVX2 instructions". Bytes hold at most 8 per step, so they are folded into
 * 64-bit lanes (vpsadbw) every 31 steps before they can overflow. */
#define AVX2_TARGET __attribute__((target("avx2,popcnt")))

AVX2_TARGET ALWAYS_INLINE __m256i nib_count(__m256i v, __m256i lut, __m256i low)
{
    __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(v, low));
    __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
    return _mm256_add_epi8(lo, hi);
}

AVX2_TARGET ALWAYS_INLINE uint64_t hsum64(__m256i v)
{
    __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return (uint64_t)_mm_cvtsi128_si64(s) + (uint64_t)_mm_extract_epi64(s, 1);
}

/* As micro_2x2; kw and the row starts are multiples of 4 words. */
AVX2_TARGET ALWAYS_INLINE void micro_2x2_avx2(const uint64_t *a, const uint64_t *b, size_t ld,
                                              size_t kw, uint64_t *c, size_t ldc)
{
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
    const uint64_t *a1 = a + ld, *b1 = b + ld;
    __m256i s00 = zero, s01 = zero, s10 = zero, s11 = zero;
    const size_t fold = (size_t)31 * 4; /* words between two folds into 64-bit lanes */
    for (size_t k0 = 0; k0 < kw; k0 += fold) {
        size_t k1 = kw - k0 < fold ? kw : k0 + fold;
        __m256i t00 = zero, t01 = zero, t10 = zero, t11 = zero;
        for (size_t k = k0; k < k1; k += 4) {
            __m256i x0 = _mm256_loadu_si256((const __m256i *)(a + k));
            __m256i x1 = _mm256_loadu_si256((const __m256i *)(a1 + k));
            __m256i y0 = _mm256_loadu_si256((const __m256i *)(b + k));
            __m256i y1 = _mm256_loadu_si256((const __m256i *)(b1 + k));
            t00 = _mm256_add_epi8(t00, nib_count(_mm256_and_si256(x0, y0), lut, low));
            t01 = _mm256_add_epi8(t01, nib_count(_mm256_and_si256(x0, y1), lut, low));
            t10 = _mm256_add_epi8(t10, nib_count(_mm256_and_si256(x1, y0), lut, low));
            t11 = _mm256_add_epi8(t11, nib_count(_mm256_and_si256(x1, y1), lut, low));
        }
        s00 = _mm256_add_epi64(s00, _mm256_sad_epu8(t00, zero));
        s01 = _mm256_add_epi64(s01, _mm256_sad_epu8(t01, zero));
        s10 = _mm256_add_epi64(s10, _mm256_sad_epu8(t10, zero));
        s11 = _mm256_add_epi64(s11, _mm256_sad_epu8(t11, zero));
    }
    c[0] += hsum64(s00);
    c[1] += hsum64(s01);
    c[ldc] += hsum64(s10);
    c[ldc + 1] += hsum64(s11);
}

AVX2_TARGET static void tile_counts_avx2(const ec_work *w, size_t i0, size_t j0, uint64_t *cnt)
{
    size_t tb = w->tile, ld = w->ld;
    memset(cnt, 0, tb * tb * sizeof *cnt);
    for (size_t k0 = 0; k0 < ld; k0 += CHUNK_WORDS) {
        size_t kw = ld - k0 < CHUNK_WORDS ? ld - k0 : CHUNK_WORDS;
        for (size_t i = 0; i < tb; i += 2) {
            const uint64_t *a = w->w + (i0 + i) * ld + k0;
            for (size_t j = i0 == j0 ? i : 0; j < tb; j += 2)
                micro_2x2_avx2(a, w->w + (j0 + j) * ld + k0, ld, kw, cnt + i * tb + j, tb);
        }
    }
}
#endif

/* The scalar tile twice: portable C (popcount in software) and, on x86-64,
 * with the POPCNT instruction; pick_tile_fn chooses at run time. */
#if defined(__x86_64__)
__attribute__((target("popcnt"))) static void tile_counts_popcnt(const ec_work *w, size_t i0,
                                                                 size_t j0, uint64_t *cnt)
{
    tile_counts_body(w, i0, j0, cnt);
}
#endif

static void tile_counts_plain(const ec_work *w, size_t i0, size_t j0, uint64_t *cnt)
{
    tile_counts_body(w, i0, j0, cnt);
}

static tile_fn pick_tile_fn(stats_kernel kernel)
{
    if (kernel == STATS_KERNEL_PLAIN)
        return tile_counts_plain;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && kernel != STATS_KERNEL_POPCNT)
        return tile_counts_avx2;
    if (__builtin_cpu_supports("popcnt"))
        return tile_counts_popcnt;
#endif
    return tile_counts_plain;
}

static void tile_finish(const ec_work *w, size_t i0, size_t j0, const uint64_t *cnt)
{
    size_t m = w->rows, tb = w->tile;
    for (size_t i = 0; i < tb && i0 + i < m; i++) {
        size_t gi = i0 + i;
        for (size_t j = i0 == j0 ? i : 0; j < tb && j0 + j < m; j++) {
            size_t gj = j0 + j;
            dl_ec e;
            stats_ec_from_counts(w->n, w->right[gi], w->right[gj], cnt[i * tb + j], &e);
            if (w->kappa)
                w->kappa[gi * m + gj] = w->kappa[gj * m + gi] = e.kappa;
            if (w->both && gj > gi)
                w->both[gi * m - gi * (gi + 1) / 2 + (gj - gi - 1)] = cnt[i * tb + j];
            if (w->c_obs)
                w->c_obs[gi * m + gj] = w->c_obs[gj * m + gi] = e.c_obs;
        }
    }
}

static void *ec_worker(void *arg)
{
    ec_thread *t = arg;
    ec_work *w = t->work;
    for (;;) {
        size_t k = atomic_fetch_add(&w->next, 1);
        if (k >= w->ntiles)
            break;
        size_t bi = 0; /* tile k of the upper triangle, row by row */
        while (k >= w->nblocks - bi) {
            k -= w->nblocks - bi;
            bi++;
        }
        size_t bj = bi + k;
        t->counts(w, bi * w->tile, bj * w->tile, t->cnt);
        tile_finish(w, bi * w->tile, bj * w->tile, t->cnt);
    }
    return NULL;
}

/* Copy the rows (zero-padded to rows_pad) with the mask applied and count
 * the items right per row. Returns the number of items compared. */
static size_t masked_copy(const dl_bits *b, const dl_bits *mask, uint64_t *dst, size_t ld,
                          size_t *right)
{
    size_t wpr = b->words_per_row;
    uint64_t last = b->n % 64 ? ((uint64_t)1 << (b->n % 64)) - 1 : ~(uint64_t)0;
    size_t n = 0;
    for (size_t k = 0; k < wpr; k++) {
        uint64_t m = mask ? mask->words[k] : ~(uint64_t)0;
        n += (size_t)__builtin_popcountll(k + 1 == wpr ? m & last : m);
    }
    for (size_t i = 0; i < b->rows; i++) {
        const uint64_t *src = b->words + i * wpr;
        uint64_t *d = dst + i * ld;
        size_t r = 0;
        for (size_t k = 0; k < wpr; k++) {
            uint64_t m = mask ? mask->words[k] : ~(uint64_t)0;
            d[k] = src[k] & m & (k + 1 == wpr ? last : ~(uint64_t)0);
            r += (size_t)__builtin_popcountll(d[k]);
        }
        right[i] = r;
    }
    return n;
}

static int resolve_threads(int threads, size_t ntiles)
{
    long t = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    if (t > MAX_THREADS)
        t = MAX_THREADS;
    if ((size_t)t > ntiles)
        t = (long)(ntiles ? ntiles : 1);
    return (int)t;
}

static void run_threads(ec_work *w, ec_thread *th, int nthreads)
{
    pthread_t ids[MAX_THREADS];
    int started = 0;
    for (int t = 1; t < nthreads; t++) {
        /* A thread that cannot start is no error: the others take its tiles. */
        if (pthread_create(&ids[started], NULL, ec_worker, &th[t]) == 0)
            started++;
    }
    ec_worker(&th[0]);
    for (int t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
}

static int ec_matrix_run(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                         double *c_obs, stats_kernel kernel, dl_ec_counts *counts)
{
    if (!b || !(kappa || counts) || (mask && (mask->n != b->n || mask->rows < 1)))
        return DL_EINVAL;
    if (b->rows == 0)
        return 0;
    /* Rows padded to whole 256-bit vectors. */
    ec_work w = {.ld = (b->words_per_row + 3) / 4 * 4,
                 .rows = b->rows,
                 .kappa = kappa,
                 .c_obs = c_obs,
                 .both = counts ? counts->both_right : NULL};
    w.tile = b->rows < TILE_MAX ? b->rows + (b->rows & 1) : TILE_MAX;
    w.nblocks = (b->rows + w.tile - 1) / w.tile;
    w.ntiles = w.nblocks * (w.nblocks + 1) / 2;
    size_t rows_pad = w.nblocks * w.tile;
    int nthreads = resolve_threads(threads, w.ntiles);

    int rc = DL_ENOMEM;
    uint64_t *words = dl_calloc(rows_pad * (w.ld ? w.ld : 1), sizeof *words);
    size_t *right = dl_calloc(b->rows, sizeof *right);
    uint64_t *cnt = dl_calloc((size_t)nthreads * w.tile * w.tile, sizeof *cnt);
    ec_thread *th = dl_calloc((size_t)nthreads, sizeof *th);
    if (!words || !right || !cnt || !th)
        goto done;
    w.n = masked_copy(b, mask, words, w.ld, right);
    w.w = words;
    w.right = right;
    atomic_init(&w.next, 0);
    tile_fn fn = pick_tile_fn(kernel);
    for (int t = 0; t < nthreads; t++)
        th[t] = (ec_thread){.work = &w, .counts = fn, .cnt = cnt + (size_t)t * w.tile * w.tile};
    run_threads(&w, th, nthreads);
    if (counts) {
        counts->n = w.n;
        memcpy(counts->right, right, b->rows * sizeof *right);
    }
    rc = w.n == 0 ? DL_EUNDEF : 0;
done:
    free(words);
    free(right);
    free(cnt);
    free(th);
    return rc;
}

int stats_ec_matrix_with(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                         double *c_obs, stats_kernel kernel)
{
    return ec_matrix_run(b, mask, threads, kappa, c_obs, kernel, NULL);
}

int dl_stats_ec_matrix_counts(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                              dl_ec_counts *counts)
{
    if (!counts || !counts->both_right || !counts->right)
        return DL_EINVAL;
    return ec_matrix_run(b, mask, threads, kappa, NULL, STATS_KERNEL_AUTO, counts);
}

int dl_stats_ec_matrix(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                       double *c_obs)
{
    return stats_ec_matrix_with(b, mask, threads, kappa, c_obs, STATS_KERNEL_AUTO);
}
