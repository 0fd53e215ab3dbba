/* npy.c — NumPy .npy and .npz (npy.h). The header is a Python dict literal
 * ({'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }); we parse
 * only that grammar rather than evaluate anything, and check every size
 * before touching data, because these files come from other people. */
#include "npy.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- the header dict ---------------------------------------------------- */

typedef struct hdr {
    const char *s, *end, *base; /* base: the file's first byte, for offsets */
} hdr;

static void skip_ws(hdr *h)
{
    while (h->s < h->end && (*h->s == ' ' || *h->s == '\t' || *h->s == '\n'))
        h->s++;
}

static int eat(hdr *h, char c)
{
    skip_ws(h);
    if (h->s < h->end && *h->s == c) {
        h->s++;
        return 1;
    }
    return 0;
}

/* A quoted string into buf (truncated to size - 1). */
static int string(hdr *h, char *buf, size_t size)
{
    skip_ws(h);
    if (h->s >= h->end || (*h->s != '\'' && *h->s != '"'))
        return -1;
    char q = *h->s++;
    size_t n = 0;
    while (h->s < h->end && *h->s != q) {
        if (n + 1 < size)
            buf[n++] = *h->s;
        h->s++;
    }
    if (h->s >= h->end)
        return -1;
    h->s++;
    buf[n] = '\0';
    return 0;
}

static int shape_tuple(hdr *h, npy_array *a)
{
    if (!eat(h, '('))
        return -1;
    a->ndim = 0;
    for (;;) {
        skip_ws(h);
        if (eat(h, ')'))
            return 0;
        if (h->s >= h->end || *h->s < '0' || *h->s > '9' || a->ndim == NPY_MAXDIM)
            return -1;
        size_t v = 0;
        while (h->s < h->end && *h->s >= '0' && *h->s <= '9') {
            if (v > (SIZE_MAX - 9) / 10)
                return -1;
            v = v * 10 + (size_t)(*h->s++ - '0');
        }
        while (h->s < h->end && *h->s == 'L') /* Python 2 longs */
            h->s++;
        a->shape[a->ndim++] = v;
        if (!eat(h, ',')) {
            if (!eat(h, ')'))
                return -1;
            return 0;
        }
    }
}

static int fail_hdr(const char *name, dl_error *err, const char *why)
{
    return dl_fail(err, DL_EINVAL, "%s: bad .npy header: %s", name, why);
}

static int fail_at(const char *name, const hdr *h, dl_error *err, const char *why)
{
    return dl_fail(err, DL_EINVAL, "%s: bad .npy header at offset %zu: %s", name,
                   (size_t)(h->s - h->base), why);
}

static int descr(const char *name, npy_array *a, const char *d, dl_error *err)
{
    snprintf(a->descr, sizeof a->descr, "%s", d);
    if (strchr(d, 'O'))
        return dl_fail(err, DL_EINVAL,
                       "%s: dtype '%s' holds Python objects (pickles), which are not read; save "
                       "a numeric array",
                       name, d);
    if (strlen(d) != 3)
        return dl_fail(err, DL_EINVAL,
                       "%s: dtype '%s' is not supported (only bool, integers and float32/64)", name,
                       d);
    char order = d[0], kind = d[1];
    int size = d[2] - '0';
    if (kind == 'O')
        return dl_fail(err, DL_EINVAL,
                       "%s: dtype '%s' holds Python objects (pickles), which are not read; save "
                       "a numeric array",
                       name, d);
    if (order == '>' && size > 1)
        return dl_fail(err, DL_EINVAL, "%s: dtype '%s' is big-endian; save with .astype('<%c%d')",
                       name, d, kind, size);
    if (order != '<' && order != '|' && order != '=' && order != '>')
        return fail_hdr(name, err, "descr has no byte order");
    int ok = (kind == 'b' && size == 1) ||
             (kind == 'u' && (size == 1 || size == 2 || size == 4 || size == 8)) ||
             (kind == 'i' && (size == 1 || size == 2 || size == 4 || size == 8)) ||
             (kind == 'f' && (size == 4 || size == 8));
    if (!ok)
        return dl_fail(err, DL_EINVAL,
                       "%s: dtype '%s' is not supported (only bool, integers and float32/64)", name,
                       d);
    a->kind = kind == 'b' ? NPY_BOOL : kind == 'u' ? NPY_UINT : kind == 'i' ? NPY_INT : NPY_FLOAT;
    a->itemsize = (size_t)size;
    return 0;
}

static int parse_dict(const char *name, hdr *h, npy_array *a, dl_error *err)
{
    int have_descr = 0, have_order = 0, have_shape = 0, rc;
    if (!eat(h, '{'))
        return fail_at(name, h, err, "expected '{'");
    while (!eat(h, '}')) {
        char key[32], val[32];
        if (string(h, key, sizeof key) != 0 || !eat(h, ':'))
            return fail_at(name, h, err, "expected 'key': value");
        if (strcmp(key, "descr") == 0) {
            skip_ws(h);
            if (h->s < h->end && *h->s == '[')
                return dl_fail(err, DL_EINVAL,
                               "%s: structured dtype (record array) is not supported", name);
            if (string(h, val, sizeof val) != 0)
                return fail_at(name, h, err, "descr is not a string");
            if ((rc = descr(name, a, val, err)) != 0)
                return rc;
            have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            skip_ws(h);
            if ((size_t)(h->end - h->s) >= 4 && strncmp(h->s, "True", 4) == 0)
                return dl_fail(err, DL_EINVAL,
                               "%s: array is in Fortran order; save np.ascontiguousarray(a)", name);
            if ((size_t)(h->end - h->s) < 5 || strncmp(h->s, "False", 5) != 0)
                return fail_at(name, h, err, "fortran_order is not True or False");
            h->s += 5;
            have_order = 1;
        } else if (strcmp(key, "shape") == 0) {
            if (shape_tuple(h, a) != 0)
                return fail_at(name, h, err, "shape is not a tuple of whole numbers");
            have_shape = 1;
        } else {
            return fail_at(name, h, err, "unknown key");
        }
        if (!eat(h, ',')) {
            if (!eat(h, '}'))
                return fail_at(name, h, err, "expected ',' or '}'");
            break;
        }
    }
    if (!have_descr || !have_order || !have_shape)
        return fail_hdr(name, err, "descr, fortran_order and shape are all needed");
    return 0;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

int npy_parse(const char *name, const void *buf, size_t len, npy_array *a, dl_error *err)
{
    const unsigned char *b = buf;
    memset(a, 0, sizeof *a);
    if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0)
        return dl_fail(err, DL_EINVAL, "%s: not a .npy file (no \\x93NUMPY magic at offset 0)",
                       name);
    int major = b[6];
    size_t hlen, start;
    if (major == 1) {
        hlen = le16(b + 8), start = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return dl_fail(err, DL_EINVAL, "%s: truncated .npy header", name);
        hlen = le32(b + 8), start = 12;
    } else {
        return dl_fail(err, DL_EINVAL, "%s: .npy format version %d is not supported", name, major);
    }
    if (hlen > len - start)
        return dl_fail(err, DL_EINVAL,
                       "%s: truncated .npy header (%zu bytes announced at offset 8, %zu there)",
                       name, hlen, len - start);
    hdr h = {(const char *)b + start, (const char *)b + start + hlen, (const char *)b};
    int rc = parse_dict(name, &h, a, err);
    if (rc)
        return rc;
    size_t count = 1;
    for (int d = 0; d < a->ndim; d++) {
        if (a->shape[d] && count > SIZE_MAX / a->shape[d])
            return fail_hdr(name, err, "shape too large");
        count *= a->shape[d];
    }
    if (count > SIZE_MAX / a->itemsize)
        return fail_hdr(name, err, "shape too large");
    a->count = count;
    a->data_offset = start + hlen;
    size_t need = count * a->itemsize, have = len - a->data_offset;
    if (need > have)
        return dl_fail(err, DL_EINVAL,
                       "%s: truncated data: the header announces %zu elements of %s (%zu bytes) "
                       "from offset %zu, the file has %zu bytes there (element %zu is cut)",
                       name, count, a->descr, need, a->data_offset, have, have / a->itemsize);
    if (need < have)
        return dl_fail(err, DL_EINVAL, "%s: %zu bytes after the data (offset %zu)", name,
                       have - need, a->data_offset + need);
    a->data = b + a->data_offset;
    return 0;
}

double npy_get(const npy_array *a, size_t i)
{
    const unsigned char *p = a->data + i * a->itemsize;
    uint64_t u = 0;
    for (size_t k = 0; k < a->itemsize; k++)
        u |= (uint64_t)p[k] << (8 * k);
    switch (a->kind) {
    case NPY_BOOL:
    case NPY_UINT:
        return (double)u;
    case NPY_INT: {
        if (a->itemsize >= 1 && a->itemsize < 8 && (u >> (8 * a->itemsize - 1)) & 1)
            u |= ~(uint64_t)0 << (8 * a->itemsize); /* sign-extend */
        int64_t v;
        memcpy(&v, &u, sizeof v);
        return (double)v;
    }
    default:
        if (a->itemsize == 4) {
            uint32_t w = (uint32_t)u;
            float f;
            memcpy(&f, &w, sizeof f);
            return (double)f;
        } else {
            double d;
            memcpy(&d, &u, sizeof d);
            return d;
        }
    }
}

/* ---- .npz: a zip archive of .npy members -------------------------------- */

static int zfail(const char *name, dl_error *err, const char *why, size_t off)
{
    return dl_fail(err, DL_EINVAL, "%s: damaged .npz (zip) archive: %s at offset %zu", name, why,
                   off);
}

static int inflate_member(const unsigned char *src, size_t clen, unsigned char *dst, size_t ulen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK)
        return -1;
    int rc = 0;
    size_t in_done = 0, out_done = 0;
    /* zlib counts in uInt: feed large members in pieces */
    while (rc == 0) {
        size_t in_now = clen - in_done > 1u << 30 ? 1u << 30 : clen - in_done;
        size_t out_now = ulen - out_done > 1u << 30 ? 1u << 30 : ulen - out_done;
        z.next_in = (Bytef *)src + in_done; /* zlib's API is not const; it only reads */
        z.avail_in = (uInt)in_now;
        z.next_out = dst + out_done;
        z.avail_out = (uInt)out_now;
        int zr = inflate(&z, Z_NO_FLUSH);
        in_done += in_now - z.avail_in;
        out_done += out_now - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK || (in_now == z.avail_in && out_now == z.avail_out))
            rc = -1;
    }
    inflateEnd(&z);
    return rc == 0 && out_done == ulen ? 0 : -1;
}

static int member(const char *name, const unsigned char *b, size_t len, const unsigned char *cd,
                  npz_member *m, dl_error *err)
{
    size_t cd_off = (size_t)(cd - b);
    unsigned method = le16(cd + 10);
    uint32_t crc = le32(cd + 16), clen = le32(cd + 20), ulen = le32(cd + 24);
    size_t nlen = le16(cd + 28), loc = le32(cd + 42);
    if (clen == 0xFFFFFFFFu || ulen == 0xFFFFFFFFu || loc == 0xFFFFFFFFu)
        return dl_fail(err, DL_EINVAL,
                       "%s: member at offset %zu is a zip64 entry (over 4 GB), not supported; "
                       "save the arrays as separate .npy files",
                       name, cd_off);
    if (loc > len || len - loc < 30 || le32(b + loc) != 0x04034b50u)
        return zfail(name, err, "no local header", loc);
    size_t data = loc + 30 + le16(b + loc + 26) + le16(b + loc + 28);
    if (data > len || len - data < clen)
        return zfail(name, err, "member data runs past the end", data);
    /* Sizes come from the file: check them before allocating. Deflate
     * cannot expand more than about 1032:1. */
    if (method != 0 && method != 8)
        return dl_fail(err, DL_EINVAL,
                       "%s: member at offset %zu uses zip compression method %u; only stored "
                       "(np.savez) and deflated (np.savez_compressed) are read",
                       name, cd_off, method);
    if ((method == 0 && clen != ulen) || (method == 8 && ulen / 1032 > clen + 1))
        return zfail(name, err, "member sizes do not fit its compression", cd_off);
    m->name = dl_calloc(nlen + 1, 1);
    m->data = malloc(ulen ? ulen : 1);
    if (!m->name || !m->data)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", name);
    memcpy(m->name, cd + 46, nlen);
    if (nlen > 4 && strcmp(m->name + nlen - 4, ".npy") == 0)
        m->name[nlen - 4] = '\0';
    m->len = ulen;
    if (method == 0) {
        memcpy(m->data, b + data, ulen);
    } else if (inflate_member(b + data, clen, m->data, ulen) != 0) {
        return dl_fail(err, DL_EINVAL, "%s: member '%s' (offset %zu): cannot inflate it", name,
                       m->name, data);
    }
    if ((uint32_t)crc32(0L, m->data, (uInt)ulen) != crc)
        return dl_fail(err, DL_EINVAL, "%s: member '%s': CRC mismatch (damaged archive)", name,
                       m->name);
    return 0;
}

int npz_read(const char *name, const void *buf, size_t len, npz_member **out, size_t *n,
             dl_error *err)
{
    const unsigned char *b = buf;
    *out = NULL;
    *n = 0;
    if (len < 22)
        return zfail(name, err, "too short for a zip archive", 0);
    size_t eocd = len - 22, stop = len > 22 + 65535 ? len - 22 - 65535 : 0;
    while (le32(b + eocd) != 0x06054b50u) {
        if (eocd == stop)
            return zfail(name, err, "no end-of-central-directory record", len);
        eocd--;
    }
    size_t count = le16(b + eocd + 10), cd = le32(b + eocd + 16);
    if (count == 0xFFFF || cd == 0xFFFFFFFFu)
        return dl_fail(err, DL_EINVAL, "%s: zip64 archive (over 4 GB), not supported", name);
    npz_member *m = dl_calloc(count ? count : 1, sizeof *m);
    if (!m)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", name);
    int rc = 0;
    size_t i = 0;
    for (; i < count && rc == 0; i++) {
        if (cd > len || len - cd < 46 || le32(b + cd) != 0x02014b50u) {
            rc = zfail(name, err, "bad central directory entry", cd);
            break;
        }
        size_t next = cd + 46 + le16(b + cd + 28) + le16(b + cd + 30) + le16(b + cd + 32);
        if (next > len) {
            rc = zfail(name, err, "central directory runs past the end", cd);
            break;
        }
        rc = member(name, b, len, b + cd, &m[i], err);
        cd = next;
    }
    if (rc) {
        npz_free(m, i);
        return rc;
    }
    *out = m;
    *n = count;
    return 0;
}

void npz_free(npz_member *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].name);
        free(m[i].data);
    }
    free(m);
}
