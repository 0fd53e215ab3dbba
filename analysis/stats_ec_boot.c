/* stats_ec_boot.c — percentile bootstrap of every pairwise error consistency
 * and of their mean, resampling items (and optionally observers).
 *
 * Why it is fast: a replicate resamples the n items with replacement, which
 * is the same as giving item i the weight w_i (how often it was drawn,
 * multinomial). A pair's kappa needs only four weighted counts (items, right
 * for each, both right), and sum_i w_i z_i for a bit vector z equals
 * sum_b 2^b popcount(W_b AND z) over the bit planes W_b of the weights. The
 * weights of a replicate are small (Poisson(1)-like: four planes for 10,000
 * items), so a pair costs a few AND + popcount passes over n / 64 words,
 * exactly, with no resampled copy of the data (only the ~63% of items drawn
 * at least once are packed together first, when the CPU has PEXT).
 *
 * Why it is deterministic: replicate r draws its item indices from its own
 * splitmix64 stream keyed by (seed, r) and its observers from another, so a
 * replicate's numbers do not depend on which thread ran it or in which
 * order; every sum over replicates runs in replicate order afterwards. */
#include <math.h>
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
    MAX_THREADS = 256,
    MAX_PLANES = 32,     /* a weight is at most n < 2^32 */
    CHUNK_REPS = 8,      /* replicates a thread takes at a time */
    STREAM_ITEMS = 0,    /* which stream of a replicate */
    STREAM_OBSERVERS = 1 /* kept apart so --resample-observers leaves pairs alone */
};

/* At most this many stored replicate kappas at once (256 MiB); more pairs
 * are done in blocks, each redrawing the same replicates from their seeds. */
static const size_t BLOCK_VALUES = (size_t)32 << 20;

static const uint64_t GOLDEN = 0x9E3779B97F4A7C15ULL;

/* The key of stream `which` of replicate r: splitmix64 mixes of the seed
 * and the replicate; draw k of the stream is dl_mix64(key + k * GOLDEN),
 * i.e. the k-th output of a splitmix64 generator started at key. */
static uint64_t stream_key(uint64_t seed, uint64_t r, uint64_t which)
{
    return dl_mix64(dl_mix64(seed) ^ dl_mix64(2 * r + which));
}

/* A stream hands out 32-bit draws: the upper, then the lower half of each
 * splitmix64 output. */
typedef struct boot_stream {
    uint64_t key, k, buf;
    int have;
} boot_stream;

ALWAYS_INLINE uint32_t next32(boot_stream *s)
{
    if (s->have) {
        s->have = 0;
        return (uint32_t)s->buf;
    }
    s->buf = dl_mix64(s->key + s->k++ * GOLDEN);
    s->have = 1;
    return (uint32_t)(s->buf >> 32);
}

/* Uniform integer in [0, n), 1 <= n < 2^32, by Lemire's multiply-and-reject
 * on 32-bit draws (unbiased). */
ALWAYS_INLINE uint32_t draw_below(boot_stream *s, uint32_t n)
{
    uint32_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t m = (uint64_t)next32(s) * n;
        if ((uint32_t)m >= threshold)
            return (uint32_t)(m >> 32);
    }
}

/* sum_i w_i y_i over the items, from the weights' bit planes p (np of them). */
typedef uint64_t (*wsum_fn)(const uint64_t *p, int np, size_t words, const uint64_t *y);
/* The same for two vectors y0, y1 at once (the planes loaded once). */
typedef void (*wsum2_fn)(const uint64_t *p, int np, size_t words, const uint64_t *y0,
                         const uint64_t *y1, uint64_t *s0, uint64_t *s1);

typedef struct boot_work {
    const dl_bits *correct, *seen; /* seen NULL: every row saw every item */
    const dl_ec_boot_opts *o;
    size_t rows, n, words;
    uint64_t last; /* valid bits of the last word */
    size_t p0, p1; /* pairs of this block */
    double *kap;   /* replicates x (p1 - p0), replicate-major; NaN = undefined */
    double *rep_sum, *rep_wt;
    wsum_fn wsum;   /* weighted popcount kernel */
    wsum2_fn wsum2; /* ... of two vectors */
    int pack;       /* pack each replicate to its drawn items (BMI2) */
    void (*split)(const uint32_t *, size_t, size_t, int, uint64_t *); /* weights to planes */
    atomic_size_t next;
} boot_work;

typedef struct boot_thread {
    boot_work *w;
    uint32_t *weight; /* n: how often each item was drawn */
    uint64_t *planes; /* MAX_PLANES x words: bit b of every item's weight */
    uint64_t *ap;     /* row a AND plane, MAX_PLANES x words */
    uint64_t *as;     /* seen row a AND plane, MAX_PLANES x words */
    uint64_t *right;  /* rows: weighted right counts (all-seen case) */
    uint32_t *mult;   /* rows: observer multiplicities */
    /* The items a replicate drew at least once (about 63%), packed: rows of
     * correct and seen and the planes, so the counts skip the weight-0 ones.
     * NULL when the CPU has no BMI2 or the rows are too big to copy. */
    uint64_t *pc, *ps, *pp;
    uint32_t *cnt; /* per word: items drawn at least once */
} boot_thread;

static size_t pair_index(size_t m, size_t a, size_t b)
{
    return a * m - a * (a + 1) / 2 + (b - a - 1);
}

/* Bit b of each of the n weights into plane b (np planes of `words` words). */
static void split_plain(const uint32_t *wt, size_t n, size_t words, int np, uint64_t *planes)
{
    for (size_t k = 0; k < words; k++) {
        size_t lo = k * 64, hi = lo + 64 < n ? lo + 64 : n;
        for (int b = 0; b < np; b++) {
            uint64_t bits = 0;
            for (size_t i = lo; i < hi; i++)
                bits |= (uint64_t)((wt[i] >> b) & 1) << (i - lo);
            planes[(size_t)b * words + k] = bits;
        }
    }
}

#if defined(__x86_64__)
/* The same sixteen weights at a time: one mask test per plane. */
__attribute__((target("avx512f"))) static void split_avx512(const uint32_t *wt, size_t n,
                                                            size_t words, int np, uint64_t *planes)
{
    size_t full = n / 64;
    for (size_t k = 0; k < full; k++) {
        const uint32_t *x = wt + k * 64;
        __m512i v0 = _mm512_loadu_si512((const void *)x);
        __m512i v1 = _mm512_loadu_si512((const void *)(x + 16));
        __m512i v2 = _mm512_loadu_si512((const void *)(x + 32));
        __m512i v3 = _mm512_loadu_si512((const void *)(x + 48));
        for (int b = 0; b < np; b++) {
            __m512i bit = _mm512_set1_epi32((int)(1u << b));
            uint64_t m = (uint64_t)_mm512_test_epi32_mask(v0, bit) |
                         (uint64_t)_mm512_test_epi32_mask(v1, bit) << 16 |
                         (uint64_t)_mm512_test_epi32_mask(v2, bit) << 32 |
                         (uint64_t)_mm512_test_epi32_mask(v3, bit) << 48;
            planes[(size_t)b * words + k] = m;
        }
    }
    if (full < words) /* the ragged last word */
        for (int b = 0; b < np; b++) {
            uint64_t bits = 0;
            for (size_t i = full * 64; i < n; i++)
                bits |= (uint64_t)((wt[i] >> b) & 1) << (i - full * 64);
            planes[(size_t)b * words + full] = bits;
        }
}
#endif

/* Draw the item weights of replicate r and split them into bit planes.
 * Counting first and splitting after is branch-free; incrementing binary
 * counters in the planes directly mispredicts on every carry. Returns the
 * number of planes. */
static int draw_planes(const boot_work *w, boot_thread *t, size_t r)
{
    size_t n = w->n, words = w->words;
    boot_stream st = {.key = stream_key(w->o->seed, r, STREAM_ITEMS)};
    uint32_t *wt = t->weight;
    memset(wt, 0, n * sizeof *wt);
    for (size_t d = 0; d < n; d++)
        wt[draw_below(&st, (uint32_t)n)]++;
    uint32_t any = 0;
    for (size_t i = 0; i < n; i++)
        any |= wt[i];
    int np = 1;
    while (np < MAX_PLANES && (any >> np))
        np++;
    w->split(wt, n, words, np, t->planes);
    return np;
}

/* sum_b 2^b popcount(p_b AND y) over np planes of `words` words. */
ALWAYS_INLINE uint64_t wcount(const uint64_t *p, int np, size_t words, const uint64_t *y)
{
    uint64_t total = 0;
    for (int b = 0; b < np; b++) {
        const uint64_t *pb = p + (size_t)b * words;
        uint64_t s = 0;
        for (size_t k = 0; k < words; k++)
            s += (uint64_t)__builtin_popcountll(pb[k] & y[k]);
        total += s << b;
    }
    return total;
}

/* Four planes at once (the usual case): one pass over y. */
ALWAYS_INLINE uint64_t wcount4(const uint64_t *p, size_t words, const uint64_t *y)
{
    const uint64_t *p1 = p + words, *p2 = p1 + words, *p3 = p2 + words;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t k = 0; k < words; k++) {
        uint64_t v = y[k];
        s0 += (uint64_t)__builtin_popcountll(p[k] & v);
        s1 += (uint64_t)__builtin_popcountll(p1[k] & v);
        s2 += (uint64_t)__builtin_popcountll(p2[k] & v);
        s3 += (uint64_t)__builtin_popcountll(p3[k] & v);
    }
    return s0 + (s1 << 1) + (s2 << 2) + (s3 << 3);
}

static uint64_t wsum_plain(const uint64_t *p, int np, size_t words, const uint64_t *y)
{
    return np == 4 ? wcount4(p, words, y) : wcount(p, np, words, y);
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) static uint64_t wsum_popcnt(const uint64_t *p, int np,
                                                              size_t words, const uint64_t *y)
{
    return np == 4 ? wcount4(p, words, y) : wcount(p, np, words, y);
}

/* AVX-512 VPOPCNTQ: eight words per instruction, all planes in one pass
 * over y (NP a constant, so the accumulators stay in registers); the ragged
 * end through a masked load. */
#define AVX512_TARGET __attribute__((target("avx512f,avx512vpopcntdq")))

AVX512_TARGET ALWAYS_INLINE uint64_t wsum512_np(const uint64_t *p, size_t words, const uint64_t *y,
                                                const int NP)
{
    size_t full = words / 8 * 8;
    __mmask8 tail = (__mmask8)((1u << (words % 8)) - 1);
    __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                      _mm512_setzero_si512()};
    for (size_t k = 0; k < full; k += 8) {
        __m512i v = _mm512_loadu_si512((const void *)(y + k));
        for (int b = 0; b < NP; b++) {
            __m512i x = _mm512_and_si512(_mm512_loadu_si512((const void *)(p + b * words + k)), v);
            acc[b] = _mm512_add_epi64(acc[b], _mm512_popcnt_epi64(x));
        }
    }
    if (tail) {
        __m512i v = _mm512_maskz_loadu_epi64(tail, y + full);
        for (int b = 0; b < NP; b++) {
            __m512i x = _mm512_and_si512(_mm512_maskz_loadu_epi64(tail, p + b * words + full), v);
            acc[b] = _mm512_add_epi64(acc[b], _mm512_popcnt_epi64(x));
        }
    }
    uint64_t total = 0;
    for (int b = 0; b < NP; b++)
        total += (uint64_t)_mm512_reduce_add_epi64(acc[b]) << b;
    return total;
}

AVX512_TARGET static uint64_t wsum_avx512(const uint64_t *p, int np, size_t words,
                                          const uint64_t *y)
{
    switch (np) {
    case 1:
        return wsum512_np(p, words, y, 1);
    case 2:
        return wsum512_np(p, words, y, 2);
    case 3:
        return wsum512_np(p, words, y, 3);
    case 4:
        return wsum512_np(p, words, y, 4);
    default: { /* four planes at a time, each group shifted by its first plane */
        uint64_t total = 0;
        for (int b = 0; b < np; b += 4) {
            int g = np - b < 4 ? np - b : 4;
            const uint64_t *pb = p + (size_t)b * words;
            uint64_t t = g == 4   ? wsum512_np(pb, words, y, 4)
                         : g == 3 ? wsum512_np(pb, words, y, 3)
                         : g == 2 ? wsum512_np(pb, words, y, 2)
                                  : wsum512_np(pb, words, y, 1);
            total += t << b;
        }
        return total;
    }
    }
}
#endif

static void wsum2_plain(const uint64_t *p, int np, size_t words, const uint64_t *y0,
                        const uint64_t *y1, uint64_t *s0, uint64_t *s1)
{
    *s0 = wsum_plain(p, np, words, y0);
    *s1 = wsum_plain(p, np, words, y1);
}

#if defined(__x86_64__)
AVX512_TARGET ALWAYS_INLINE void wsum2_512_np(const uint64_t *p, size_t words, const uint64_t *y0,
                                              const uint64_t *y1, uint64_t *s0, uint64_t *s1,
                                              const int NP)
{
    size_t full = words / 8 * 8;
    __mmask8 tail = (__mmask8)((1u << (words % 8)) - 1);
    __m512i a0[4], a1[4];
    for (int b = 0; b < 4; b++)
        a0[b] = a1[b] = _mm512_setzero_si512();
    for (size_t k = 0; k < full; k += 8) {
        __m512i v0 = _mm512_loadu_si512((const void *)(y0 + k));
        __m512i v1 = _mm512_loadu_si512((const void *)(y1 + k));
        for (int b = 0; b < NP; b++) {
            __m512i x = _mm512_loadu_si512((const void *)(p + b * words + k));
            a0[b] = _mm512_add_epi64(a0[b], _mm512_popcnt_epi64(_mm512_and_si512(x, v0)));
            a1[b] = _mm512_add_epi64(a1[b], _mm512_popcnt_epi64(_mm512_and_si512(x, v1)));
        }
    }
    if (tail) {
        __m512i v0 = _mm512_maskz_loadu_epi64(tail, y0 + full);
        __m512i v1 = _mm512_maskz_loadu_epi64(tail, y1 + full);
        for (int b = 0; b < NP; b++) {
            __m512i x = _mm512_maskz_loadu_epi64(tail, p + b * words + full);
            a0[b] = _mm512_add_epi64(a0[b], _mm512_popcnt_epi64(_mm512_and_si512(x, v0)));
            a1[b] = _mm512_add_epi64(a1[b], _mm512_popcnt_epi64(_mm512_and_si512(x, v1)));
        }
    }
    uint64_t t0 = 0, t1 = 0;
    for (int b = 0; b < NP; b++) {
        t0 += (uint64_t)_mm512_reduce_add_epi64(a0[b]) << b;
        t1 += (uint64_t)_mm512_reduce_add_epi64(a1[b]) << b;
    }
    *s0 = t0;
    *s1 = t1;
}

AVX512_TARGET static void wsum2_avx512(const uint64_t *p, int np, size_t words, const uint64_t *y0,
                                       const uint64_t *y1, uint64_t *s0, uint64_t *s1)
{
    switch (np) {
    case 1:
        wsum2_512_np(p, words, y0, y1, s0, s1, 1);
        return;
    case 2:
        wsum2_512_np(p, words, y0, y1, s0, s1, 2);
        return;
    case 3:
        wsum2_512_np(p, words, y0, y1, s0, s1, 3);
        return;
    case 4:
        wsum2_512_np(p, words, y0, y1, s0, s1, 4);
        return;
    default:
        *s0 = wsum_avx512(p, np, words, y0);
        *s1 = wsum_avx512(p, np, words, y1);
    }
}
#endif

/* The fastest weighted count this CPU has (all give the same numbers). */
static wsum_fn pick_wsum(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq"))
        return wsum_avx512;
    if (__builtin_cpu_supports("popcnt"))
        return wsum_popcnt;
#endif
    return wsum_plain;
}

/* row AND each plane into dst. */
static void and_planes(const uint64_t *planes, int np, size_t words, const uint64_t *row,
                       uint64_t *dst)
{
    for (int b = 0; b < np; b++)
        for (size_t k = 0; k < words; k++)
            dst[(size_t)b * words + k] = planes[(size_t)b * words + k] & row[k];
}

/* Weighted kappas of the block's pairs for one set of planes; pair p goes to
 * out[p - p0]. */
static void pairs_kappa(const boot_work *w, boot_thread *t, const uint64_t *c, const uint64_t *s,
                        size_t words, const uint64_t *planes, int np, uint64_t total, double *out)
{
    size_t m = w->rows;
    wsum_fn wsum = w->wsum;
    if (!s)
        for (size_t a = 0; a < m; a++)
            t->right[a] = wsum(planes, np, words, c + a * words);
    for (size_t a = 0; a + 1 < m; a++) {
        size_t first = pair_index(m, a, a + 1), lastp = first + (m - a - 2);
        if (lastp < w->p0 || first >= w->p1)
            continue;
        and_planes(planes, np, words, c + a * words, t->ap);
        if (s)
            and_planes(planes, np, words, s + a * words, t->as);
        size_t b = a + 1;
        /* Without missing items only both_right varies: two rows per pass,
         * while both pairs lie in the block. */
        for (; !s && b + 1 < m; b += 2) {
            size_t p = first + (b - a - 1);
            if (p < w->p0 || p + 1 >= w->p1)
                break;
            uint64_t both0, both1;
            w->wsum2(t->ap, np, words, c + b * words, c + (b + 1) * words, &both0, &both1);
            dl_ec e;
            stats_ec_counts((size_t)total, (size_t)t->right[a], (size_t)t->right[b], (size_t)both0,
                            w->o->boundary, &e);
            out[p - w->p0] = e.kappa;
            stats_ec_counts((size_t)total, (size_t)t->right[a], (size_t)t->right[b + 1],
                            (size_t)both1, w->o->boundary, &e);
            out[p + 1 - w->p0] = e.kappa;
        }
        for (; b < m; b++) {
            size_t p = first + (b - a - 1);
            if (p < w->p0 || p >= w->p1)
                continue;
            const uint64_t *cb = c + b * words;
            uint64_t n, r1, r2, both = wsum(t->ap, np, words, cb);
            if (s) {
                const uint64_t *sb = s + b * words;
                n = wsum(t->as, np, words, sb);
                r1 = wsum(t->ap, np, words, sb);
                r2 = wsum(t->as, np, words, cb);
            } else {
                n = total;
                r1 = t->right[a];
                r2 = t->right[b];
            }
            dl_ec e;
            stats_ec_counts((size_t)n, (size_t)r1, (size_t)r2, (size_t)both, w->o->boundary, &e);
            out[p - w->p0] = e.kappa;
        }
    }
}

/* Observer multiplicities of replicate r (its own stream). */
static void draw_observers(const boot_work *w, boot_thread *t, size_t r)
{
    boot_stream st = {.key = stream_key(w->o->seed, r, STREAM_OBSERVERS)};
    memset(t->mult, 0, w->rows * sizeof *t->mult);
    for (size_t i = 0; i < w->rows; i++)
        t->mult[draw_below(&st, (uint32_t)w->rows)]++;
}

/* Add the block's pairs of replicate r to its mean's sum and weight. */
static void add_to_mean(const boot_work *w, const boot_thread *t, size_t r)
{
    size_t m = w->rows, width = w->p1 - w->p0;
    const double *k = w->kap + r * width;
    /* One running sum per replicate, continued from block to block, so the
     * additions happen in pair order whatever the blocks are. */
    double sum = w->rep_sum[r], wt = w->rep_wt[r];
    for (size_t a = 0, p = 0; a + 1 < m; a++) {
        size_t first = p;
        p += m - a - 1;
        if (p <= w->p0 || first >= w->p1)
            continue;
        for (size_t b = a + 1, q = first; b < m; b++, q++) {
            if (q < w->p0 || q >= w->p1 || isnan(k[q - w->p0]))
                continue;
            double v = w->o->resample_observers ? (double)t->mult[a] * (double)t->mult[b] : 1.0;
            sum += v * k[q - w->p0];
            wt += v;
        }
    }
    w->rep_sum[r] = sum;
    w->rep_wt[r] = wt;
}

#if defined(__x86_64__)
/* Append the bits of every src word selected by mask (PEXT) to dst, for
 * `rows` rows of `words` words into rows of `pwords` words. */
__attribute__((target("bmi2"))) static void pack_rows(const uint64_t *src, size_t rows,
                                                      size_t words, const uint64_t *mask,
                                                      const uint32_t *cnt, size_t pwords,
                                                      uint64_t *dst)
{
    for (size_t r = 0; r < rows; r++) {
        const uint64_t *x = src + r * words;
        uint64_t *d = dst + r * pwords;
        uint64_t acc = 0;
        size_t fill = 0, out = 0;
        for (size_t k = 0; k < words; k++) {
            uint64_t v = _pext_u64(x[k], mask[k]);
            acc |= v << fill; /* fill < 64 */
            fill += cnt[k];
            if (fill >= 64) {
                d[out++] = acc;
                fill -= 64;
                acc = fill ? v >> (cnt[k] - fill) : 0;
            }
        }
        if (out < pwords)
            d[out++] = acc;
        while (out < pwords)
            d[out++] = 0;
    }
}

/* Pack correct, seen and the planes down to the drawn items; returns the
 * packed words per row. */
static size_t pack_replicate(const boot_work *w, boot_thread *t, int np)
{
    size_t words = w->words, drawn = 0;
    uint64_t *mask = t->ap; /* scratch: any plane set = drawn at least once */
    for (size_t k = 0; k < words; k++) {
        uint64_t any = 0;
        for (int b = 0; b < np; b++)
            any |= t->planes[(size_t)b * words + k];
        mask[k] = any;
        t->cnt[k] = (uint32_t)__builtin_popcountll(any);
        drawn += t->cnt[k];
    }
    size_t pwords = (drawn + 63) / 64;
    pack_rows(w->correct->words, w->rows, words, mask, t->cnt, pwords, t->pc);
    if (w->seen)
        pack_rows(w->seen->words, w->rows, words, mask, t->cnt, pwords, t->ps);
    pack_rows(t->planes, (size_t)np, words, mask, t->cnt, pwords, t->pp);
    return pwords;
}
#endif

static void *boot_worker(void *arg)
{
    boot_thread *t = arg;
    boot_work *w = t->w;
    size_t reps = w->o->replicates;
    for (;;) {
        size_t r0 = atomic_fetch_add(&w->next, CHUNK_REPS);
        if (r0 >= reps)
            break;
        for (size_t r = r0; r < r0 + CHUNK_REPS && r < reps; r++) {
            int np = draw_planes(w, t, r);
            double *out = w->kap + r * (w->p1 - w->p0);
#if defined(__x86_64__)
            if (t->pc) {
                size_t pw = pack_replicate(w, t, np);
                pairs_kappa(w, t, t->pc, w->seen ? t->ps : NULL, pw, t->pp, np, w->n, out);
                goto drawn;
            }
#endif
            pairs_kappa(w, t, w->correct->words, w->seen ? w->seen->words : NULL, w->words,
                        t->planes, np, w->n, out);
#if defined(__x86_64__)
        drawn:
#endif
            if (w->o->resample_observers)
                draw_observers(w, t, r);
            add_to_mean(w, t, r);
        }
    }
    return NULL;
}

static void thread_free(boot_thread *t)
{
    free(t->weight);
    free(t->pc);
    free(t->ps);
    free(t->pp);
    free(t->cnt);
    free(t->planes);
    free(t->ap);
    free(t->as);
    free(t->right);
    free(t->mult);
}

static int thread_init(boot_thread *t, boot_work *w)
{
    size_t pw = (size_t)MAX_PLANES * (w->words ? w->words : 1);
    *t = (boot_thread){.w = w};
    t->weight = dl_calloc(w->n ? w->n : 1, sizeof *t->weight);
    t->planes = dl_calloc(pw, sizeof *t->planes);
    t->ap = dl_calloc(pw, sizeof *t->ap);
    t->as = dl_calloc(pw, sizeof *t->as);
    t->right = dl_calloc(w->rows, sizeof *t->right);
    t->mult = dl_calloc(w->rows, sizeof *t->mult);
    if (!t->weight || !t->planes || !t->ap || !t->as || !t->right || !t->mult) {
        thread_free(t);
        return DL_ENOMEM;
    }
#if defined(__x86_64__)
    /* Packing copies the rows once per replicate: worth it while they stay
     * in cache (up to 8 MiB). */
    size_t cells = w->rows * (w->words ? w->words : 1);
    if (w->pack && cells <= ((size_t)1 << 20)) {
        t->pc = dl_calloc(cells, sizeof *t->pc);
        t->ps = w->seen ? dl_calloc(cells, sizeof *t->ps) : NULL;
        t->pp = dl_calloc(pw, sizeof *t->pp);
        t->cnt = dl_calloc(w->words ? w->words : 1, sizeof *t->cnt);
        if (!t->pc || (w->seen && !t->ps) || !t->pp || !t->cnt) {
            /* no room to pack: count over all items instead */
            free(t->pc);
            free(t->ps);
            free(t->pp);
            free(t->cnt);
            t->pc = t->ps = t->pp = NULL;
            t->cnt = NULL;
        }
    }
#endif
    return 0;
}

static int resolve_threads(int threads, size_t reps)
{
    long t = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    if (t > MAX_THREADS)
        t = MAX_THREADS;
    size_t chunks = (reps + CHUNK_REPS - 1) / CHUNK_REPS;
    if ((size_t)t > chunks)
        t = (long)(chunks ? chunks : 1);
    return (int)t;
}

static void run_block(boot_work *w, boot_thread *th, int nthreads)
{
    pthread_t ids[MAX_THREADS];
    int started = 0;
    atomic_store(&w->next, 0);
    for (int i = 1; i < nthreads; i++)
        /* A thread that cannot start is no error: the others take its share. */
        if (pthread_create(&ids[started], NULL, boot_worker, &th[i]) == 0)
            started++;
    boot_worker(&th[0]);
    for (int i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
}

/* ---- percentiles ---------------------------------------------------------------- */

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Put the k-th smallest of v[0..n) at v[k] (quickselect, median-of-three). */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap_d(&v[mid], &v[lo]);
        if (v[hi] < v[lo])
            swap_d(&v[hi], &v[lo]);
        if (v[hi] < v[mid])
            swap_d(&v[hi], &v[mid]);
        double pivot = v[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap_d(&v[i], &v[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

double dl_stats_percentile(double *v, size_t n, double q)
{
    if (n == 0 || isnan(q))
        return NAN;
    double h = (double)(n - 1) * (q < 0 ? 0 : q > 1 ? 1 : q);
    size_t k = (size_t)floor(h);
    if (k >= n - 1) {
        select_kth(v, n, n - 1);
        return v[n - 1];
    }
    select_kth(v, n, k);
    double lo = v[k], hi = v[k + 1];
    for (size_t i = k + 2; i < n; i++)
        hi = v[i] < hi ? v[i] : hi;
    return lo + (h - (double)k) * (hi - lo);
}

/* Sift-down in a max-heap of h values (values are negated for the upper
 * tail, so one heap serves both). */
static void sift(double *heap, size_t h, size_t i)
{
    double x = heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h)
            break;
        if (c + 1 < h && heap[c + 1] > heap[c])
            c++;
        if (heap[c] <= x)
            break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = x;
}

/* The k-th and (k+1)-th smallest (sign +1) or largest (sign -1) of v[0..n),
 * k + 2 <= n, from a max-heap of the k + 2 most extreme values (times sign):
 * one pass that mostly compares with the heap's top, for the tails an
 * interval needs. */
static void tail_pair(const double *restrict v, size_t n, size_t k, double sign,
                      double *restrict heap, double *xk, double *xk1)
{
    size_t h = k + 2;
    for (size_t i = 0; i < h; i++)
        heap[i] = sign * v[i];
    for (size_t i = h / 2; i-- > 0;)
        sift(heap, h, i);
    double top = heap[0];
    for (size_t i = h; i < n; i++) {
        double x = sign * v[i];
        if (x < top) {
            heap[0] = x;
            sift(heap, h, 0);
            top = heap[0];
        }
    }
    /* top: the (k+1)-th; the next one is the larger child of the top */
    *xk1 = sign * heap[0];
    *xk = sign * (h == 2 ? heap[1] : heap[1] > heap[2] ? heap[1] : heap[2]);
}

/* Move the values x with sign x <= t to the front of v; returns how many.
 * Branch-free Lomuto: the swap always happens, the count moves on a match. */
static size_t front_of(double *v, size_t n, double t, double sign)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        v[i] = v[c];
        v[c] = x;
        c += sign * x <= t;
    }
    return c;
}

/* tail_pair, first narrowed to the values below a threshold taken from a
 * sample (the replicates are i.i.d., so the first ones are a fair sample):
 * when at least k + 2 values fall below it, the answer lies among those few
 * hundred, found by selection (no heap: its sifts mispredict). v is
 * reordered; `scratch` holds SAMPLE values. */
enum { SAMPLE = 512 };

static void tail_pair_fast(double *v, size_t n, size_t k, double sign, double *scratch, double *xk,
                           double *xk1)
{
    size_t s = n < SAMPLE ? n : SAMPLE, j = (k + 2) * s / n * 2 + 16;
    if (j + 2 < s && 4 * (k + 2) < n) {
        for (size_t i = 0; i < s; i++)
            scratch[i] = sign * v[i];
        select_kth(scratch, s, j);
        size_t c = front_of(v, n, scratch[j], sign);
        if (c >= k + 2) {
            for (size_t i = 0; i < c; i++) /* negation is exact: undone below */
                v[i] *= sign;
            select_kth(v, c, k);
            double next = v[k + 1];
            for (size_t i = k + 2; i < c; i++)
                next = v[i] < next ? v[i] : next;
            *xk = sign * v[k];
            *xk1 = sign * next;
            for (size_t i = 0; i < c; i++)
                v[i] *= sign;
            return;
        }
    }
    tail_pair(v, n, k, sign, scratch, xk, xk1);
}

/* Both ends of an interval. Equals two dl_stats_percentile calls. */
static void percentile2(double *v, size_t n, double qlo, double qhi, double *lo, double *hi)
{
    if (n < 2) {
        *lo = *hi = n ? v[0] : NAN;
        return;
    }
    double hl = (double)(n - 1) * qlo, hh = (double)(n - 1) * qhi;
    size_t kl = (size_t)floor(hl), kh = (size_t)floor(hh);
    if (kh >= n - 1 || kl >= kh) {
        *lo = dl_stats_percentile(v, n, qlo);
        *hi = dl_stats_percentile(v, n, qhi);
        return;
    }
    if ((kl + 2) * 8 <= n && (n - 1 - kh + 1) * 8 <= n) { /* both ends in thin tails */
        double heap[64], *hp = kl + 2 <= 64 && n - kh <= 64 ? heap : NULL, a, b;
        size_t need = kl + 2 > n - kh ? kl + 2 : n - kh;
        need = need > SAMPLE ? need : SAMPLE; /* the sample too */
        if (need > 64)
            hp = NULL;
        if (!hp && !(hp = malloc(need * sizeof *hp)))
            goto select;
        tail_pair_fast(v, n, kl, 1.0, hp, &a, &b);
        *lo = a + (hl - (double)kl) * (b - a);
        /* the kh-th smallest is the (n - 1 - kh)-th largest */
        tail_pair_fast(v, n, n - 2 - kh, -1.0, hp, &b, &a); /* b: (kh+1)-th, a: kh-th */
        *hi = a + (hh - (double)kh) * (b - a);
        if (hp != heap)
            free(hp);
        return;
    }
select:
    select_kth(v, n, kh);
    double next_h = v[kh + 1];
    for (size_t i = kh + 2; i < n; i++)
        next_h = v[i] < next_h ? v[i] : next_h;
    *hi = v[kh] + (hh - (double)kh) * (next_h - v[kh]);
    select_kth(v, kh, kl); /* v[0..kh) holds the kh smallest */
    double next_l = v[kh];
    for (size_t i = kl + 1; i < kh; i++)
        next_l = v[i] < next_l ? v[i] : next_l;
    *lo = v[kl] + (hl - (double)kl) * (next_l - v[kl]);
}

/* ---- the estimate on the data ------------------------------------------------------ */

static int point_estimates(boot_work *w, dl_ec_boot *out)
{
    boot_thread t;
    if (thread_init(&t, w))
        return DL_ENOMEM;
    /* One plane of all ones: every item weight 1. */
    for (size_t k = 0; k < w->words; k++)
        t.planes[k] = k + 1 == w->words ? w->last : ~(uint64_t)0;
    pairs_kappa(w, &t, w->correct->words, w->seen ? w->seen->words : NULL, w->words, t.planes, 1,
                w->n, out->kappa + w->p0);
    thread_free(&t);
    return 0;
}

static void finish_mean(dl_ec_boot *out, const double *kappa, const double *sum, const double *wt,
                        size_t reps, double conf)
{
    double total = 0;
    size_t used = 0;
    for (size_t p = 0; p < out->npairs; p++)
        if (!isnan(kappa[p])) {
            total += kappa[p];
            used++;
        }
    out->mean = used ? total / (double)used : NAN;
    out->mean_pairs = used;
    double *means = dl_calloc(reps, sizeof *means);
    size_t nd = 0;
    for (size_t r = 0; means && r < reps; r++)
        if (wt[r] > 0)
            means[nd++] = sum[r] / wt[r];
    out->mean_defined = nd;
    double m = 0, ss = 0;
    for (size_t i = 0; i < nd; i++)
        m += means[i];
    m = nd ? m / (double)nd : NAN;
    for (size_t i = 0; i < nd; i++)
        ss += (means[i] - m) * (means[i] - m);
    out->mean_se = nd > 1 ? sqrt(ss / (double)(nd - 1)) : NAN;
    out->mean_ci_low = means ? dl_stats_percentile(means, nd, (1 - conf) / 2) : NAN;
    out->mean_ci_high = means ? dl_stats_percentile(means, nd, (1 + conf) / 2) : NAN;
    free(means);
}

/* Intervals of the block's pairs from their stored replicates, gathered
 * GATHER pairs (one cache line) at a time. */
enum { GATHER = 8 };

static void block_intervals(const boot_work *w, dl_ec_boot *out, double *tmp)
{
    size_t reps = w->o->replicates, width = w->p1 - w->p0;
    double conf = w->o->conf_level;
    for (size_t p0 = w->p0; p0 < w->p1; p0 += GATHER) {
        size_t g = w->p1 - p0 < GATHER ? w->p1 - p0 : GATHER, nd[GATHER] = {0};
        for (size_t r = 0; r < reps; r++) {
            const double *k = w->kap + r * width + (p0 - w->p0);
            for (size_t j = 0; j < g; j++)
                if (!isnan(k[j]))
                    tmp[j * reps + nd[j]++] = k[j];
        }
        for (size_t j = 0; j < g; j++) {
            out->defined[p0 + j] = nd[j];
            percentile2(tmp + j * reps, nd[j], (1 - conf) / 2, (1 + conf) / 2, &out->ci_low[p0 + j],
                        &out->ci_high[p0 + j]);
        }
    }
}

void dl_stats_ec_boot_free(dl_ec_boot *b)
{
    if (!b)
        return;
    free(b->kappa);
    free(b->ci_low);
    free(b->ci_high);
    free(b->defined);
    memset(b, 0, sizeof *b);
}

static int check_args(const dl_bits *correct, const dl_bits *seen, const dl_ec_boot_opts *o)
{
    if (!correct || !o || o->replicates < 1 || !(o->conf_level > 0 && o->conf_level < 1))
        return DL_EINVAL;
    if (seen && (seen->rows != correct->rows || seen->n != correct->n))
        return DL_EINVAL;
    if ((uint64_t)correct->n >= ((uint64_t)1 << 32) ||
        (uint64_t)correct->rows >= ((uint64_t)1 << 32))
        return DL_EINVAL;
    return 0;
}

int stats_ec_bootstrap_with(const dl_bits *correct, const dl_bits *seen, const dl_ec_boot_opts *o,
                            dl_ec_boot *out, int portable, size_t block_values)
{
    memset(out, 0, sizeof *out);
    int rc = check_args(correct, seen, o);
    if (rc)
        return rc;
    size_t m = correct->rows, reps = o->replicates;
    boot_work w = {.correct = correct,
                   .seen = seen,
                   .o = o,
                   .rows = m,
                   .n = correct->n,
                   .words = correct->words_per_row};
    w.wsum = portable ? wsum_plain : pick_wsum();
    w.wsum2 = wsum2_plain;
#if defined(__x86_64__)
    if (!portable && w.wsum == wsum_avx512)
        w.wsum2 = wsum2_avx512;
    w.pack = !portable && __builtin_cpu_supports("bmi2");
#endif
    w.split = split_plain;
#if defined(__x86_64__)
    if (!portable && __builtin_cpu_supports("avx512f"))
        w.split = split_avx512;
#endif
    w.last = w.n % 64 ? ((uint64_t)1 << (w.n % 64)) - 1 : ~(uint64_t)0;
    out->npairs = m > 1 ? m * (m - 1) / 2 : 0;
    size_t np = out->npairs, budget = block_values ? block_values : BLOCK_VALUES,
           per_block = budget / reps ? budget / reps : 1;
    if (per_block > np)
        per_block = np;
    int nthreads = resolve_threads(o->threads, reps);
    boot_thread *th = dl_calloc((size_t)nthreads, sizeof *th);
    double *tmp = dl_calloc((size_t)GATHER * reps, sizeof *tmp);
    out->kappa = dl_calloc(np ? np : 1, sizeof *out->kappa);
    out->ci_low = dl_calloc(np ? np : 1, sizeof *out->ci_low);
    out->ci_high = dl_calloc(np ? np : 1, sizeof *out->ci_high);
    out->defined = dl_calloc(np ? np : 1, sizeof *out->defined);
    w.rep_sum = dl_calloc(reps, sizeof *w.rep_sum);
    w.rep_wt = dl_calloc(reps, sizeof *w.rep_wt);
    w.kap = dl_calloc(per_block ? per_block * reps : 1, sizeof *w.kap);
    int ready = 0;
    rc = DL_ENOMEM;
    if (!th || !tmp || !out->kappa || !out->ci_low || !out->ci_high || !out->defined ||
        !w.rep_sum || !w.rep_wt || !w.kap)
        goto done;
    for (; ready < nthreads; ready++)
        if (thread_init(&th[ready], &w))
            goto done;
    w.p0 = 0;
    w.p1 = np;
    if (np && point_estimates(&w, out))
        goto done;
    for (size_t p0 = 0; p0 < np; p0 += per_block) {
        w.p0 = p0;
        w.p1 = p0 + per_block < np ? p0 + per_block : np;
        run_block(&w, th, nthreads);
        block_intervals(&w, out, tmp);
    }
    finish_mean(out, out->kappa, w.rep_sum, w.rep_wt, reps, o->conf_level);
    rc = 0;
done:
    for (int i = 0; i < ready; i++)
        thread_free(&th[i]);
    free(th);
    free(tmp);
    free(w.rep_sum);
    free(w.rep_wt);
    free(w.kap);
    if (rc)
        dl_stats_ec_boot_free(out);
    return rc;
}

int dl_stats_ec_bootstrap(const dl_bits *correct, const dl_bits *seen, const dl_ec_boot_opts *o,
                          dl_ec_boot *out)
{
    return stats_ec_bootstrap_with(correct, seen, o, out, 0, 0);
}
