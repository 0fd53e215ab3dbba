/* imagestats_segment.c — Felzenszwalb & Huttenlocher (2004) graph-based
 * segmentation, counted. Follows the authors' public code (segment.tar.gz):
 * each RGB channel smoothed by a Gaussian (float arithmetic, mask of length
 * ceil(4 sigma) + 1, borders clamped), one 8-connected grid graph whose
 * weights are Euclidean RGB distances, edges taken in ascending weight order,
 * threshold w + k / |C|, then components smaller than min_size merged along
 * the sorted edges. The paper's text segments each channel separately and
 * intersects the results; the code (and skimage) use one colour graph, and
 * so do we. Equal weights keep the order in which the code makes the edges
 * (a stable sort), where the code's std::sort leaves it unspecified. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

#define MASK_MAX 64

/* The code's make_fgauss + normalize, in the same float arithmetic. */
static int gauss_mask(float sigma, float mask[MASK_MAX])
{
    sigma = sigma > 0.01f ? sigma : 0.01f;
    int len = (int)ceil(sigma * 4.0) + 1;
    if (len > MASK_MAX)
        len = MASK_MAX;
    for (int i = 0; i < len; i++) {
        float t = (float)i / sigma;
        mask[i] = (float)exp(-0.5 * (double)(t * t));
    }
    float sum = 0;
    for (int i = 1; i < len; i++)
        sum += fabsf(mask[i]);
    sum = 2 * sum + fabsf(mask[0]);
    for (int i = 0; i < len; i++)
        mask[i] /= sum;
    return len;
}

/* src -> tmp along rows, tmp -> dst along columns; per pixel the sum is
 * m0 v + m1 (v[-1] + v[+1]) + m2 (v[-2] + v[+2]) ... in that order, as the
 * code's convolve_even. */
static void smooth_plane(const float *src, float *tmp, float *dst, int w, int h, const float *m,
                         int len)
{
    for (int y = 0; y < h; y++) {
        const float *s = src + (size_t)y * w;
        float *d = tmp + (size_t)y * w;
        for (int x = 0; x < w; x++)
            d[x] = m[0] * s[x];
        /* Tap by tap over the row, so the middle runs without clamping (and
         * vectorises); per pixel the terms are still added in the code's
         * order. */
        for (int i = 1; i < len; i++) {
            int lo = i < w ? i : w, hi = w - i > lo ? w - i : lo;
            for (int x = 0; x < lo; x++)
                d[x] += m[i] * (s[0] + s[x + i > w - 1 ? w - 1 : x + i]);
            for (int x = lo; x < hi; x++)
                d[x] += m[i] * (s[x - i] + s[x + i]);
            for (int x = hi; x < w; x++)
                d[x] += m[i] * (s[x - i < 0 ? 0 : x - i] + s[w - 1]);
        }
    }
    for (int y = 0; y < h; y++) {
        float *d = dst + (size_t)y * w;
        const float *c = tmp + (size_t)y * w;
        for (int x = 0; x < w; x++)
            d[x] = m[0] * c[x];
        for (int i = 1; i < len; i++) {
            const float *u = tmp + (size_t)(y - i < 0 ? 0 : y - i) * w;
            const float *v = tmp + (size_t)(y + i > h - 1 ? h - 1 : y + i) * w;
            for (int x = 0; x < w; x++)
                d[x] += m[i] * (u[x] + v[x]);
        }
    }
}

static float rgb_diff(const float *p, size_t n, size_t i, size_t j)
{
    float dr = p[i] - p[j], dg = p[n + i] - p[n + j], db = p[2 * n + i] - p[2 * n + j];
    return sqrtf(dr * dr + dg * dg + db * db);
}

/* An edge is one 64-bit key: the weight's bits above, pixel * 4 + direction
 * below (right, down, down-right, up-right: the code's order of making
 * them). Sorting the keys sorts by weight, and equal weights stay in the
 * order the code makes its edges. Weights are >= 0, so their bit patterns
 * order like their values. */
static uint64_t edge_key(float w, size_t pixel, int dir)
{
    /* pixel * 4 + dir fits in 32 bits: images have at most
     * IMGSTATS_MAX_PIXELS (25 million) pixels. */
    uint32_t bits;
    memcpy(&bits, &w, sizeof bits);
    return (uint64_t)bits << 32 | (uint64_t)(pixel * 4 + (size_t)dir);
}

static size_t build_edges(const float *p, int w, int h, uint64_t *e)
{
    size_t n = (size_t)w * (size_t)h, ne = 0, sw = (size_t)w;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * sw + (size_t)x;
            if (x < w - 1)
                e[ne++] = edge_key(rgb_diff(p, n, i, i + 1), i, 0);
            if (y < h - 1)
                e[ne++] = edge_key(rgb_diff(p, n, i, i + sw), i, 1);
            if (x < w - 1 && y < h - 1)
                e[ne++] = edge_key(rgb_diff(p, n, i, i + sw + 1), i, 2);
            if (x < w - 1 && y > 0)
                e[ne++] = edge_key(rgb_diff(p, n, i, i - sw + 1), i, 3);
        }
    return ne;
}

/* The pixels an edge key joins. */
static void edge_ends(uint64_t key, size_t w, uint32_t *a, uint32_t *b)
{
    size_t low = (size_t)(key & 0xffffffffu), pixel = low / 4;
    static const int dy[4] = {0, 1, 1, -1}, dx[4] = {1, 0, 1, 1};
    int d = (int)(low % 4);
    *a = (uint32_t)pixel;
    *b = (uint32_t)((ptrdiff_t)pixel + dy[d] * (ptrdiff_t)w + dx[d]);
}

static float edge_weight(uint64_t key)
{
    uint32_t bits = (uint32_t)(key >> 32);
    float w;
    memcpy(&w, &bits, sizeof w);
    return w;
}

/* Stable LSD radix sort on the weight bits (the upper 32), 11 bits a pass;
 * keys arrive in making order, so ties keep it. Passes in which every key
 * has the same digit are skipped. Returns the buffer holding the result. */
static uint64_t *sort_edges(uint64_t *e, uint64_t *buf, size_t ne)
{
    enum { BITS = 11, BUCKETS = 1 << BITS };
    static const int shift[3] = {32, 43, 54};
    size_t count[3][BUCKETS];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < ne; i++)
        for (int d = 0; d < 3; d++)
            count[d][(e[i] >> shift[d]) & (BUCKETS - 1)]++;
    for (int d = 0; d < 3; d++) {
        size_t *c = count[d], pos = 0;
        if (c[(e[0] >> shift[d]) & (BUCKETS - 1)] == ne)
            continue;
        for (int b = 0; b < BUCKETS; b++) {
            size_t t = c[b];
            c[b] = pos;
            pos += t;
        }
        for (size_t i = 0; i < ne; i++)
            buf[c[(e[i] >> shift[d]) & (BUCKETS - 1)]++] = e[i];
        uint64_t *t = e;
        e = buf;
        buf = t;
    }
    return e;
}

/* The union-find forest: per pixel its parent and, at a root, the
 * component's threshold side by side (8 bytes: a find and the threshold
 * test that follows touch one cache line per step), sizes apart as they
 * are needed only when two components merge. */
typedef struct uf_node {
    uint32_t parent;
    float thr; /* valid at a root */
} uf_node;

typedef struct uf {
    uf_node *node;
    uint32_t *size;
    uint8_t *flag; /* per pixel: in a component below min_size after pass 1 */
} uf;

static uint32_t uf_find(uf_node *u, uint32_t x)
{
    /* Path halving, but no store when x's parent is already the root (the
     * common case once components have grown): stores dirty cache lines. */
    uint32_t p = u[x].parent;
    while (p != x) {
        uint32_t g = u[p].parent;
        if (g == p)
            return p;
        u[x].parent = g;
        x = g;
        p = u[x].parent;
    }
    return x;
}

/* Union by size; which root survives does not change the partition. */
static uint32_t uf_join(uf *u, uint32_t a, uint32_t b)
{
    if (u->size[a] < u->size[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    u->node[b].parent = a;
    u->size[a] += u->size[b];
    return a;
}

static long segment_graph(uf *u, size_t n, size_t w, const uint64_t *e, size_t ne, float k,
                          int min_size)
{
    uf_node *nd = u->node;
    for (size_t i = 0; i < n; i++) {
        nd[i] = (uf_node){(uint32_t)i, k}; /* threshold k / 1 */
        u->size[i] = 1;
    }
    long sets = (long)n;
    for (size_t i = 0; i < ne; i++) {
        uint32_t a, b;
        if (i + 16 < ne) { /* the finds are random reads: ask for them early */
            edge_ends(e[i + 16], w, &a, &b);
            __builtin_prefetch(&nd[a]);
            __builtin_prefetch(&nd[b]);
        }
        edge_ends(e[i], w, &a, &b);
        a = uf_find(nd, a);
        b = uf_find(nd, b);
        float wt = edge_weight(e[i]);
        if (a != b && wt <= nd[a].thr && wt <= nd[b].thr) {
            uint32_t r = uf_join(u, a, b);
            nd[r].thr = wt + k / (float)u->size[r];
            sets--;
        }
    }
    /* The merge of small components, along the sorted edges. Only an edge
     * with an end in a component below min_size can merge, and components
     * only grow, so an edge between two components that are large now
     * never will: one scan with a per-pixel flag keeps the few candidates
     * (in order), and the finds run on those alone. Once no component is
     * below min_size nothing can change any more. */
    size_t small = 0;
    uint8_t *flag = u->flag;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = uf_find(nd, (uint32_t)i);
        nd[i].parent = r;
        flag[i] = u->size[r] < (uint32_t)min_size;
        small += r == i && flag[i];
    }
    for (size_t i = 0; i < ne && small > 0; i++) {
        uint32_t a, b;
        edge_ends(e[i], w, &a, &b);
        if (!(flag[a] | flag[b]))
            continue;
        a = uf_find(nd, a);
        b = uf_find(nd, b);
        int sa = u->size[a] < (uint32_t)min_size, sb = u->size[b] < (uint32_t)min_size;
        if (a != b && (sa || sb)) {
            uint32_t r = uf_join(u, a, b);
            small -= (size_t)(sa + sb);
            small += u->size[r] < (uint32_t)min_size;
            sets--;
        }
    }
    return sets;
}

static int seg_buffers(imgstats_ws *ws, size_t n)
{
    if (imgstats_grow((void **)&ws->planes, &ws->planes_cap, 6 * n, sizeof(float)) ||
        imgstats_grow((void **)&ws->tmp, &ws->tmp_cap, n, sizeof(float)) ||
        imgstats_grow(&ws->edges, &ws->edges_cap, 4 * n, sizeof(uint64_t)) ||
        imgstats_grow(&ws->edges2, &ws->edges2_cap, 4 * n, sizeof(uint64_t)) ||
        imgstats_grow(&ws->nodes, &ws->nodes_cap, n, sizeof(uf_node)) ||
        imgstats_grow((void **)&ws->sizes, &ws->sizes_cap, n, sizeof(uint32_t)) ||
        imgstats_grow((void **)&ws->flags, &ws->flags_cap, n, 1))
        return DL_ENOMEM;
    return 0;
}

int imgstats_segments(imgstats_ws *ws, const uint8_t *rgb, int w, int h, float sigma, float k,
                      int min_size, long *count, dl_error *err)
{
    size_t n = (size_t)w * (size_t)h;
    if (seg_buffers(ws, n))
        return dl_fail(err, DL_ENOMEM, "out of memory segmenting a %dx%d image", w, h);
    float *raw = ws->planes, *smooth = ws->planes + 3 * n;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            raw[c * n + i] = rgb[3 * i + c];
    float mask[MASK_MAX] = {0};
    int len = gauss_mask(sigma, mask);
    for (int c = 0; c < 3; c++)
        smooth_plane(raw + c * n, ws->tmp, smooth + c * n, w, h, mask, len);
    size_t ne = build_edges(smooth, w, h, ws->edges);
    const uint64_t *sorted = ne ? sort_edges(ws->edges, ws->edges2, ne) : ws->edges;
    uf u = {ws->nodes, ws->sizes, ws->flags};
    *count = segment_graph(&u, n, (size_t)w, sorted, ne, k, min_size);
    return 0;
}
