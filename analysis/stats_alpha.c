/* stats_alpha.c — Krippendorff's alpha (Krippendorff 2011, "Computing
 * Krippendorff's alpha-reliability").
 *
 * alpha = 1 - D_o / D_e with, over the pairable units u (m_u >= 2 values) and
 * n_uc = how often value c occurs in unit u,
 *   D_o = 1/n  sum_u 1/(m_u - 1) sum_{c,k} n_uc n_uk delta2(c, k)
 *   D_e = 1/(n (n-1)) sum_{c,k} n_c n_k delta2(c, k),
 * which is the coincidence-matrix form (o_ck = sum_u n_uc n_uk / (m_u - 1))
 * summed unit by unit, so no V x V matrix is needed for many distinct values.
 * For nominal, interval and ordinal data the double sums collapse to
 * per-value sums (see docs/statistics.md), so the whole computation is
 * O(coders x units + V log V); ratio data needs O(V^2) for D_e.
 *
 * Three passes over the data, each row by row so memory is read in order:
 * count values per unit; collect the distinct values of pairable units (in
 * a direct table when they are small integers, else a hash table) and sort
 * them; tally each pairable unit and add its share of D_o. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_stats.h"

/* Units per block of pass 3. The block's rows are BLOCK_STRIDE apart: a
 * stride of exactly 4 KiB would put every coder of a unit in the same L1 set. */
enum { BLOCK_UNITS = 1024, BLOCK_STRIDE = BLOCK_UNITS + 16 };
/* Up to this many distinct values, pass 3 counts a block of units at once. */
enum { FEW_VALUES = 32 };
#define NO_VALUE UINT32_MAX

/* ---- distinct values: open addressing on the bits of the double --------- */

typedef struct vmap {
    uint64_t *keys;    /* bit patterns; EMPTY_KEY marks a free slot */
    uint32_t *slot_id; /* value number (first-seen order) of each slot */
    size_t cap, shift; /* cap = 2^(64 - shift) slots */
    double *vals;      /* value of each value number */
    size_t *count;     /* occurrences of each value number */
    size_t used, vcap;
} vmap;

/* A NaN payload never stored: NaN is "missing" and skipped before lookup. */
static const uint64_t EMPTY_KEY = 0x7ff8dead0000beefULL;

static uint64_t key_of(double v)
{
    uint64_t k;
    if (v == 0.0)
        v = 0.0; /* -0.0 and 0.0 are one value */
    memcpy(&k, &v, sizeof k);
    return k;
}

static size_t key_slot(const vmap *m, uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ULL) >> m->shift);
}

static int vmap_init(vmap *m, size_t cap_log2)
{
    memset(m, 0, sizeof *m);
    m->cap = (size_t)1 << cap_log2;
    m->shift = 64 - cap_log2;
    m->keys = malloc(m->cap * sizeof *m->keys);
    m->slot_id = malloc(m->cap * sizeof *m->slot_id);
    if (!m->keys || !m->slot_id)
        return DL_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        m->keys[i] = EMPTY_KEY;
    return 0;
}

static void vmap_free(vmap *m)
{
    free(m->keys);
    free(m->slot_id);
    free(m->vals);
    free(m->count);
}

static int vmap_grow(vmap *m)
{
    vmap big;
    size_t log2 = 64 - m->shift + 1;
    if (vmap_init(&big, log2)) {
        vmap_free(&big);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == EMPTY_KEY)
            continue;
        size_t s = key_slot(&big, m->keys[i]);
        while (big.keys[s] != EMPTY_KEY)
            s = (s + 1) & (big.cap - 1);
        big.keys[s] = m->keys[i];
        big.slot_id[s] = m->slot_id[i];
    }
    free(m->keys);
    free(m->slot_id);
    m->keys = big.keys;
    m->slot_id = big.slot_id;
    m->cap = big.cap;
    m->shift = big.shift;
    return 0;
}

/* Value number of v, inserting it when new; NO_VALUE when out of memory. */
static uint32_t vmap_insert(vmap *m, double v)
{
    uint64_t k = key_of(v);
    size_t s = key_slot(m, k);
    while (m->keys[s] != EMPTY_KEY) {
        if (m->keys[s] == k)
            return m->slot_id[s];
        s = (s + 1) & (m->cap - 1);
    }
    if (m->used == m->vcap) {
        size_t vcap = m->vcap ? 2 * m->vcap : 16;
        double *vals = dl_realloc_array(m->vals, vcap, sizeof *vals);
        if (vals)
            m->vals = vals;
        size_t *count = dl_realloc_array(m->count, vcap, sizeof *count);
        if (count)
            m->count = count;
        if (!vals || !count || vcap >= NO_VALUE)
            return NO_VALUE;
        m->vcap = vcap;
    }
    uint32_t id = (uint32_t)m->used++;
    m->keys[s] = k;
    m->slot_id[s] = id;
    m->vals[id] = v == 0.0 ? 0.0 : v;
    m->count[id] = 0;
    if (2 * m->used > m->cap && vmap_grow(m))
        return NO_VALUE;
    return id;
}

/* Value number of v, which is in the map. */
static uint32_t vmap_find(const vmap *m, double v)
{
    uint64_t k = key_of(v);
    size_t s = key_slot(m, k);
    while (m->keys[s] != k)
        s = (s + 1) & (m->cap - 1);
    return m->slot_id[s];
}

/* ---- the computation ------------------------------------------------------ */

typedef struct alpha_ctx {
    const double *data;
    size_t ncoders, nunits;
    dl_level level;
    uint32_t *m;    /* values per unit */
    double lo, hi;  /* smallest and largest value */
    vmap map;       /* value numbers when the values are not small integers */
    uint32_t *ipos; /* small integers: value - lo -> position; [range] = none */
    size_t range;   /* hi - lo + 1 when ipos is used, else 0 */
    size_t nv;      /* distinct pairable values */
    uint32_t *rank; /* value number -> position among the sorted values */
    double *x;      /* per position: value (interval, ratio) or mid-rank
                       cumulative count (ordinal) */
    size_t *n_c;    /* per position: pairable occurrences */
    size_t n;       /* pairable values */
} alpha_ctx;

/* Largest hi - lo for which integer data get a direct lookup table. */
enum { INT_RANGE_MAX = 1 << 16 };

/* Pass 1: values per unit, smallest and largest value. Branch-free, since
 * missing values come at random. */
static int count_per_unit(alpha_ctx *a, const char **why)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t c = 0; c < a->ncoders; c++) {
        const double *row = a->data + c * a->nunits;
        for (size_t u = 0; u < a->nunits; u++) {
            double v = row[u]; /* NaN compares false everywhere */
            a->m[u] += v == v;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    }
    if (hi >= lo && (isinf(lo) || isinf(hi))) { /* hi < lo: no values at all */
        *why = "a value is infinite";
        return DL_EINVAL;
    }
    if (a->level == DL_LEVEL_RATIO && lo < 0) {
        *why = "ratio data must not be negative";
        return DL_EINVAL;
    }
    a->lo = lo;
    a->hi = hi;
    return 0;
}

/* Pass 2 when every value is lo plus a small whole number (integer ratings,
 * also half-steps from 0.5): count by value - lo. Returns 1 when a value is
 * not of that kind (the caller then uses the hash table). */
static int collect_values_int(alpha_ctx *a)
{
    size_t range = (size_t)(a->hi - a->lo) + 1;
    size_t *count = dl_calloc(range + 1, sizeof *count);
    if (!count)
        return DL_ENOMEM;
    int notint = 0;
    double lo = a->lo, spare = (double)range;
    for (size_t c = 0; c < a->ncoders; c++) {
        const double *row = a->data + c * a->nunits;
        for (size_t u = 0; u < a->nunits; u++) {
            double v = row[u], off = v - lo;
            int here = off == off;
            off = here ? off : spare; /* a NaN is never converted */
            uint32_t k = (uint32_t)(int32_t)off;
            /* lo + k must give v back exactly, else two values that round
             * to the same offset would merge. */
            notint |= here & (lo + (double)k != v);
            count[a->m[u] >= 2 ? k : range]++;
        }
    }
    int rc = 1;
    if (!notint) {
        /* Value numbers in value order; the map's hash table stays unused. */
        a->map.vals = dl_calloc(range, sizeof *a->map.vals);
        a->map.count = dl_calloc(range, sizeof *a->map.count);
        a->ipos = dl_calloc(range + 1, sizeof *a->ipos);
        rc = !a->map.vals || !a->map.count || !a->ipos ? DL_ENOMEM : 0;
        for (size_t k = 0; rc == 0 && k < range; k++) {
            a->ipos[k] = count[k] ? (uint32_t)a->map.used : NO_VALUE;
            if (count[k]) {
                a->map.vals[a->map.used] = a->lo + (double)k;
                a->map.count[a->map.used++] = count[k];
            }
        }
        if (rc == 0)
            a->ipos[range] = NO_VALUE;
        a->range = range;
    }
    free(count);
    return rc;
}

/* Pass 2: distinct values of pairable units and how often each occurs. */
static int collect_values(alpha_ctx *a)
{
    if (a->hi >= a->lo && a->hi - a->lo < INT_RANGE_MAX) {
        int rc = collect_values_int(a);
        if (rc <= 0)
            return rc;
        vmap_free(&a->map); /* not integers after all: start over, hashed */
        free(a->ipos);
        a->ipos = NULL;
        a->range = 0;
    }
    if (vmap_init(&a->map, 6))
        return DL_ENOMEM;
    for (size_t c = 0; c < a->ncoders; c++) {
        const double *row = a->data + c * a->nunits;
        for (size_t u = 0; u < a->nunits; u++) {
            if (a->m[u] < 2 || isnan(row[u]))
                continue;
            uint32_t id = vmap_insert(&a->map, row[u]);
            if (id == NO_VALUE)
                return DL_ENOMEM;
            a->map.count[id]++;
        }
    }
    return 0;
}

typedef struct value_id {
    double v;
    uint32_t id;
} value_id;

static int cmp_value_id(const void *pa, const void *pb)
{
    double x = ((const value_id *)pa)->v, y = ((const value_id *)pb)->v;
    return (x > y) - (x < y);
}

/* Sort the distinct values; fill rank, n_c, n and the positions x. */
static int order_values(alpha_ctx *a)
{
    size_t nv = a->nv = a->map.used;
    value_id *sorted = dl_calloc(nv, sizeof *sorted);
    a->rank = dl_calloc(nv, sizeof *a->rank);
    a->x = dl_calloc(nv, sizeof *a->x);
    a->n_c = dl_calloc(nv, sizeof *a->n_c);
    if (!sorted || !a->rank || !a->x || !a->n_c) {
        free(sorted);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < nv; i++)
        sorted[i] = (value_id){a->map.vals[i], (uint32_t)i};
    qsort(sorted, nv, sizeof *sorted, cmp_value_id);
    double cum = 0;
    a->n = 0;
    for (size_t r = 0; r < nv; r++) {
        uint32_t id = sorted[r].id;
        a->rank[id] = (uint32_t)r;
        a->n_c[r] = a->map.count[id];
        a->n += a->n_c[r];
        /* Ordinal: delta(c, k) = sum_{g=c..k} n_g - (n_c + n_k) / 2, which
         * is the difference of mid-cumulative counts cum_g - n_g / 2. */
        cum += (double)a->n_c[r];
        a->x[r] = a->level == DL_LEVEL_ORDINAL ? cum - (double)a->n_c[r] / 2.0 : sorted[r].v;
    }
    free(sorted);
    /* Small integers: value - lo -> position; absent values and "none"
     * (slot range) -> nv, the tally's spare slot. */
    for (size_t k = 0; a->ipos && k <= a->range; k++)
        a->ipos[k] = a->ipos[k] == NO_VALUE ? (uint32_t)nv : a->rank[a->ipos[k]];
    return 0;
}

static double ratio_delta2(double x, double y)
{
    double d = (x - y) / (x + y);
    return d * d;
}

/* sum_{c,k} n_c n_k delta2(c, k) over the whole data (D_e's numerator). */
static double expected_sum(const alpha_ctx *a)
{
    double n = (double)a->n;
    if (a->level == DL_LEVEL_NOMINAL) {
        double sq = 0;
        for (size_t r = 0; r < a->nv; r++)
            sq += (double)a->n_c[r] * (double)a->n_c[r];
        return n * n - sq;
    }
    if (a->level == DL_LEVEL_RATIO) {
        double s = 0;
        for (size_t r = 0; r < a->nv; r++)
            for (size_t q = r + 1; q < a->nv; q++)
                s += (double)a->n_c[r] * (double)a->n_c[q] * ratio_delta2(a->x[r], a->x[q]);
        return 2 * s;
    }
    /* Interval (and ordinal on mid-cumulative counts): sum_{c,k} n_c n_k
     * (x_c - x_k)^2 = 2 n sum_c n_c (x_c - mean)^2, centred for accuracy. */
    double mean = 0, ss = 0;
    for (size_t r = 0; r < a->nv; r++)
        mean += (double)a->n_c[r] * a->x[r];
    mean /= n;
    for (size_t r = 0; r < a->nv; r++)
        ss += (double)a->n_c[r] * (a->x[r] - mean) * (a->x[r] - mean);
    return 2 * n * ss;
}

/* One unit's sum_{c,k} n_uc n_uk delta2(c, k); cnt[] holds its counts at the
 * `nt` positions listed in touched[]. */
static double unit_sum(const alpha_ctx *a, const uint32_t *cnt, const uint32_t *touched, size_t nt,
                       uint32_t m)
{
    double dm = (double)m;
    if (a->level == DL_LEVEL_NOMINAL) {
        double sq = 0;
        for (size_t t = 0; t < nt; t++)
            sq += (double)cnt[touched[t]] * (double)cnt[touched[t]];
        return dm * dm - sq;
    }
    if (a->level == DL_LEVEL_RATIO) {
        double s = 0;
        for (size_t t = 0; t < nt; t++)
            for (size_t q = t + 1; q < nt; q++)
                s += (double)cnt[touched[t]] * (double)cnt[touched[q]] *
                     ratio_delta2(a->x[touched[t]], a->x[touched[q]]);
        return 2 * s;
    }
    double mean = 0, ss = 0;
    for (size_t t = 0; t < nt; t++)
        mean += (double)cnt[touched[t]] * a->x[touched[t]];
    mean /= dm;
    for (size_t t = 0; t < nt; t++) {
        double d = a->x[touched[t]] - mean;
        ss += (double)cnt[touched[t]] * d * d;
    }
    return 2 * dm * ss;
}

/* Positions of one block of units, row by row; nv where there is none. */
static void block_positions(const alpha_ctx *a, size_t u0, size_t bu, uint32_t *pos)
{
    uint32_t none = (uint32_t)a->nv;
    for (size_t c = 0; c < a->ncoders; c++) {
        const double *row = a->data + c * a->nunits + u0;
        const uint32_t *m = a->m + u0;
        uint32_t *p = pos + c * BLOCK_STRIDE;
        if (a->ipos) {
            double lo = a->lo, spare = (double)a->range;
            uint32_t range = (uint32_t)a->range;
            for (size_t u = 0; u < bu; u++) {
                double off = row[u] - lo;
                off = off == off ? off : spare; /* a NaN is never converted */
                uint32_t k = (uint32_t)(int32_t)off;
                p[u] = a->ipos[m[u] >= 2 ? k : range];
            }
        } else {
            for (size_t u = 0; u < bu; u++)
                p[u] = m[u] < 2 || isnan(row[u]) ? none : a->rank[vmap_find(&a->map, row[u])];
        }
    }
}

/* Pass 3 for few distinct values: counts of a block of units, row by row
 * (cntb is BLOCK_UNITS x (nv + 1), slot nv takes the missing values), then
 * each unit's share. Consecutive updates hit different units, so they do
 * not wait for each other. */
static void observed_sum_few(const alpha_ctx *a, uint32_t *pos, uint32_t *cntb, const uint32_t *all,
                             double *sum)
{
    size_t nv = a->nv, w = nv + 1;
    for (size_t u0 = 0; u0 < a->nunits; u0 += BLOCK_UNITS) {
        size_t bu = a->nunits - u0 < BLOCK_UNITS ? a->nunits - u0 : BLOCK_UNITS;
        block_positions(a, u0, bu, pos);
        memset(cntb, 0, bu * w * sizeof *cntb);
        for (size_t c = 0; c < a->ncoders; c++) {
            const uint32_t *p = pos + c * BLOCK_STRIDE;
            for (size_t u = 0; u < bu; u++)
                cntb[u * w + p[u]]++;
        }
        for (size_t u = 0; u < bu; u++) {
            uint32_t m = a->m[u0 + u];
            if (m >= 2)
                *sum += unit_sum(a, cntb + u * w, all, nv, m) / (double)(m - 1);
        }
    }
}

/* Pass 3 for many distinct values: tally each unit over its coders, keeping
 * a list of the positions it touched (slot nv takes the missing values). */
static void observed_sum_many(const alpha_ctx *a, uint32_t *pos, uint32_t *cnt, uint32_t *touched,
                              double *sum)
{
    size_t nv = a->nv;
    for (size_t u0 = 0; u0 < a->nunits; u0 += BLOCK_UNITS) {
        size_t bu = a->nunits - u0 < BLOCK_UNITS ? a->nunits - u0 : BLOCK_UNITS;
        block_positions(a, u0, bu, pos);
        for (size_t u = 0; u < bu; u++) {
            uint32_t m = a->m[u0 + u];
            if (m < 2)
                continue;
            size_t nt = 0;
            for (size_t c = 0; c < a->ncoders; c++) {
                uint32_t r = pos[c * BLOCK_STRIDE + u];
                touched[nt] = r;
                nt += (cnt[r]++ == 0) & (r != nv);
            }
            *sum += unit_sum(a, cnt, touched, nt, m) / (double)(m - 1);
            for (size_t t = 0; t < nt; t++)
                cnt[touched[t]] = 0;
            cnt[nv] = 0;
        }
    }
}

/* Pass 3: sum over pairable units of unit_sum / (m_u - 1). */
static int observed_sum(const alpha_ctx *a, double *out)
{
    size_t nc = a->ncoders, nv = a->nv;
    int few = nv <= FEW_VALUES;
    uint32_t *pos = dl_calloc(nc * BLOCK_STRIDE, sizeof *pos);
    uint32_t *cnt = dl_calloc(few ? BLOCK_UNITS * (nv + 1) : nv + 1, sizeof *cnt);
    uint32_t *list = dl_calloc(few ? nv : nc + 1, sizeof *list);
    int rc = DL_ENOMEM;
    double sum = 0;
    if (pos && cnt && list) {
        if (few) {
            for (size_t r = 0; r < nv; r++)
                list[r] = (uint32_t)r;
            observed_sum_few(a, pos, cnt, list, &sum);
        } else {
            observed_sum_many(a, pos, cnt, list, &sum);
        }
        rc = 0;
    }
    free(pos);
    free(cnt);
    free(list);
    *out = sum;
    return rc;
}

static void alpha_ctx_free(alpha_ctx *a)
{
    free(a->m);
    vmap_free(&a->map);
    free(a->ipos);
    free(a->rank);
    free(a->x);
    free(a->n_c);
}

static int undefined(dl_alpha *out, const char **reason_out, const char *reason)
{
    out->alpha = NAN;
    *reason_out = reason;
    return DL_EUNDEF;
}

int dl_stats_kripp_alpha(const double *data, size_t ncoders, size_t nunits, dl_level level,
                         dl_alpha *out, const char **why)
{
    const char *reason = NULL;
    memset(out, 0, sizeof *out);
    out->alpha = out->d_obs = out->d_exp = NAN;
    if ((unsigned)level > DL_LEVEL_RATIO || (ncoders && nunits > SIZE_MAX / ncoders) ||
        (!data && ncoders && nunits)) {
        if (why)
            *why = "invalid arguments";
        return DL_EINVAL;
    }
    alpha_ctx a = {.data = data, .ncoders = ncoders, .nunits = nunits, .level = level};
    int rc = DL_ENOMEM;
    a.m = dl_calloc(nunits, sizeof *a.m);
    if (!a.m)
        goto done;
    if ((rc = count_per_unit(&a, &reason)) != 0)
        goto done;
    if ((rc = collect_values(&a)) != 0 || (rc = order_values(&a)) != 0)
        goto done;
    for (size_t u = 0; u < nunits; u++)
        out->units_used += a.m[u] >= 2;
    out->pairable_values = a.n;
    out->nvalues = a.nv;
    if (a.n == 0) {
        rc = undefined(out, &reason, "no unit has two or more values");
        goto done;
    }
    double n = (double)a.n, sum_obs;
    if ((rc = observed_sum(&a, &sum_obs)) != 0)
        goto done;
    out->d_obs = sum_obs / n;
    out->d_exp = expected_sum(&a) / (n * (n - 1));
    if (a.nv < 2) {
        rc = undefined(out, &reason, "only one distinct value: expected disagreement is 0");
        goto done;
    }
    out->alpha = 1.0 - out->d_obs / out->d_exp;
    rc = 0;
    if (!isfinite(out->alpha)) /* squared distances beyond the range of a double */
        rc = undefined(out, &reason, "values too far apart or too close: distances overflow");
done:
    if (rc == DL_ENOMEM)
        reason = "out of memory";
    if (why && reason)
        *why = reason;
    alpha_ctx_free(&a);
    return rc;
}
