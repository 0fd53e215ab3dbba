/* imghdr.c — look at an image file before anything decodes it.
 *
 * Decoders trust the header: a 254-byte PNG that claims 60000x60000 px makes
 * SDL_image allocate 14 GB, and a JPEG cut in half decodes into a half-grey
 * picture without complaint. So every image is first read here: a regular
 * file only (a FIFO named t3.png would block the open forever), PNG or JPEG,
 * its size read from the PNG IHDR chunk or the JPEG frame header and held to
 * DL_IMAGE_MAX_SIDE_PX / DL_IMAGE_MAX_PIXELS, and its structure walked to the
 * end (every PNG chunk's CRC and the IEND chunk; the JPEG markers up to EOI).
 * libpng prints its own complaints about a damaged file to stderr; checked
 * here first, the user gets one message, ours, naming the file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "dl_common.h"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* CRC-32 as PNG defines it (ISO 3309), which is zlib's crc32: its
 * word-at-a-time code checks a 256 x 256 noise PNG about ten times faster
 * than a byte-wise table (the check reads every byte of every image). */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) { /* uInt lengths: chunks can reach 2^31 - 1 bytes */
        uInt part = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, part);
        p += part;
        n -= part;
    }
    return (uint32_t)c;
}

static int too_large(const char *path, const char *fmt, uint32_t w, uint32_t h, dl_error *err)
{
    if (w > DL_IMAGE_MAX_SIDE_PX || h > DL_IMAGE_MAX_SIDE_PX)
        return dl_fail(err, DL_EINVAL,
                       "%s: %s of %ux%u px: larger than dddlab's limit of %d px per side "
                       "(nothing was decoded)",
                       path, fmt, (unsigned)w, (unsigned)h, DL_IMAGE_MAX_SIDE_PX);
    if ((uint64_t)w * h > (uint64_t)DL_IMAGE_MAX_PIXELS)
        return dl_fail(err, DL_EINVAL,
                       "%s: %s of %ux%u px: more than dddlab's limit of %ld pixels (25 Mpx; "
                       "nothing was decoded)",
                       path, fmt, (unsigned)w, (unsigned)h, (long)DL_IMAGE_MAX_PIXELS);
    return 0;
}

/* Valid PNG bit depths per colour type (PNG spec, table 11.1), as bit sets. */
static int png_depth_ok(unsigned color, unsigned depth)
{
    static const unsigned char ok[7] = {
        [0] = 1 | 2 | 4 | 8 | 16, [2] = 8 | 16, [3] = 1 | 2 | 4 | 8, [4] = 8 | 16, [6] = 8 | 16};
    return color < 7 && depth <= 16 && (depth & (depth - 1)) == 0 && (ok[color] & depth);
}

static int check_png(const char *path, const unsigned char *d, size_t len, dl_image_info *info,
                     dl_error *err)
{
    if (len < 8 + 25 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
        return dl_fail(err, DL_ECORRUPT, "%s: damaged PNG: no image header (IHDR) after the "
                       "signature", path);
    if (crc32_of(d + 12, 17) != be32(d + 29))
        return dl_fail(err, DL_ECORRUPT, "%s: damaged PNG: bad checksum in the image header",
                       path);
    uint32_t w = be32(d + 16), h = be32(d + 20);
    unsigned depth = d[24], color = d[25];
    if (w == 0 || h == 0 || w > 0x7FFFFFFFu || h > 0x7FFFFFFFu)
        return dl_fail(err, DL_ECORRUPT, "%s: damaged PNG: impossible size %ux%u px", path,
                       (unsigned)w, (unsigned)h);
    if (!png_depth_ok(color, depth) || d[26] != 0 || d[27] != 0 || d[28] > 1)
        return dl_fail(err, DL_ECORRUPT,
                       "%s: damaged PNG: invalid image header (colour type %u, bit depth %u)",
                       path, color, depth);
    int rc = too_large(path, "PNG", w, h, err);
    if (rc)
        return rc;
    int idat = 0;
    for (size_t pos = 8; pos + 12 <= len;) {
        uint32_t n = be32(d + pos);
        char type[5] = {0};
        memcpy(type, d + pos + 4, 4);
        for (int i = 0; i < 4; i++)
            if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z')))
                return dl_fail(err, DL_ECORRUPT,
                               "%s: damaged PNG: invalid chunk name at byte %zu", path, pos + 4);
        if (n > 0x7FFFFFFFu || n > len - pos - 12)
            return dl_fail(err, DL_ECORRUPT,
                           "%s: truncated PNG: the file ends inside chunk %s (at byte %zu of %zu)",
                           path, type, pos, len);
        if (crc32_of(d + pos + 4, (size_t)n + 4) != be32(d + pos + 8 + n))
            return dl_fail(err, DL_ECORRUPT, "%s: damaged PNG: bad checksum in chunk %s at byte %zu",
                           path, type, pos);
        if (strcmp(type, "IDAT") == 0)
            idat = 1;
        if (strcmp(type, "IEND") == 0) {
            if (!idat)
                return dl_fail(err, DL_ECORRUPT, "%s: damaged PNG: no image data (IDAT)", path);
            info->format = "PNG";
            info->width_px = (int)w;
            info->height_px = (int)h;
            return 0;
        }
        pos += 12 + (size_t)n;
    }
    return dl_fail(err, DL_ECORRUPT,
                   "%s: truncated PNG: no end chunk (IEND); the file was cut short", path);
}

/* The frame header markers SOF0..SOF15 (C4 is DHT, C8 reserved, CC DAC). */
static int is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Skip the entropy-coded data after a scan header: up to the next marker
 * that is not a stuffed 0xFF00, a restart marker or fill bytes. Returns
 * the position of that marker's 0xFF, or len when the data runs out. */
static size_t skip_scan(const unsigned char *d, size_t pos, size_t len)
{
    while (pos < len) {
        if (d[pos] != 0xFF) {
            pos++;
            continue;
        }
        if (pos + 1 >= len)
            return len;
        unsigned next = d[pos + 1];
        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
            pos += 2;
        else if (next == 0xFF)
            pos++;
        else
            return pos;
    }
    return len;
}

static int check_jpeg(const char *path, const unsigned char *d, size_t len, dl_image_info *info,
                      dl_error *err)
{
    uint32_t w = 0, h = 0;
    int frame = 0;
    size_t pos = 2;
    while (pos < len) {
        if (d[pos] != 0xFF)
            return dl_fail(err, DL_ECORRUPT, "%s: damaged JPEG: no marker at byte %zu", path,
                           pos);
        while (pos < len && d[pos] == 0xFF)
            pos++; /* fill bytes */
        if (pos >= len)
            break;
        unsigned m = d[pos++];
        if (m == 0xD9) { /* EOI */
            if (!frame)
                return dl_fail(err, DL_ECORRUPT, "%s: damaged JPEG: no frame header", path);
            info->format = "JPEG";
            info->width_px = (int)w;
            info->height_px = (int)h;
            return 0;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue; /* markers without a segment */
        if (m == 0x00 || m == 0xD8)
            return dl_fail(err, DL_ECORRUPT, "%s: damaged JPEG: stray marker at byte %zu", path,
                           pos - 1);
        if (pos + 2 > len)
            break;
        size_t seg = be16(d + pos);
        if (seg < 2)
            return dl_fail(err, DL_ECORRUPT, "%s: damaged JPEG: bad segment length at byte %zu",
                           path, pos);
        if (seg > len - pos)
            break;
        if (is_sof(m)) {
            if (seg < 8)
                return dl_fail(err, DL_ECORRUPT, "%s: damaged JPEG: short frame header", path);
            h = be16(d + pos + 3);
            w = be16(d + pos + 5);
            if (w == 0 || h == 0)
                return dl_fail(err, DL_ECORRUPT,
                               "%s: damaged or unsupported JPEG: frame of %ux%u px", path,
                               (unsigned)w, (unsigned)h);
            int rc = too_large(path, "JPEG", w, h, err);
            if (rc)
                return rc;
            frame = 1;
        }
        pos += seg;
        if (m == 0xDA) { /* SOS: the compressed data follows */
            if (!frame)
                return dl_fail(err, DL_ECORRUPT, "%s: damaged JPEG: scan before the frame header",
                               path);
            pos = skip_scan(d, pos, len);
        }
    }
    return dl_fail(err, DL_ECORRUPT,
                   "%s: truncated JPEG: no end-of-image marker; the file was cut short", path);
}

int dl_image_check_buf(const char *path, const void *data, size_t len, dl_image_info *info,
                       dl_error *err)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    const unsigned char *d = data;
    dl_image_info tmp = {0};
    info = info ? info : &tmp;
    memset(info, 0, sizeof *info);
    if (len == 0)
        return dl_fail(err, DL_ECORRUPT, "%s: empty file (0 bytes), not an image", path);
    if (len >= 8 && memcmp(d, png_sig, 8) == 0)
        return check_png(path, d, len, info, err);
    if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return check_jpeg(path, d, len, info, err);
    return dl_fail(err, DL_ECORRUPT,
                   "%s: not a PNG or JPEG file (dddlab reads PNG and JPEG images)",
                   path);
}

/* Open path for reading only when it is a regular file: stat first, then
 * open without blocking (a FIFO swapped in between would otherwise block
 * the open) and check the opened file again. */
static int open_regular(const char *path, int *fd_out, off_t *size, dl_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return dl_fail(err, errno == ENOENT ? DL_ENOENT : DL_EIO, "%s: cannot open: %s", path,
                       strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return dl_fail(err, DL_EINVAL, "%s: not a regular file (%s); images must be plain files",
                       path,
                       S_ISDIR(sb.st_mode)    ? "a folder"
                       : S_ISFIFO(sb.st_mode) ? "a FIFO"
                                              : "a device or socket");
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return dl_fail(err, errno == ENOENT ? DL_ENOENT : DL_EIO, "%s: cannot open: %s", path,
                       strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return dl_fail(err, DL_EINVAL, "%s: not a regular file; images must be plain files", path);
    }
    if (sb.st_size > DL_IMAGE_MAX_FILE_BYTES) {
        close(fd);
        return dl_fail(err, DL_EINVAL, "%s: %lld bytes: larger than dddlab's limit of %lld bytes "
                       "for an image file",
                       path, (long long)sb.st_size, (long long)DL_IMAGE_MAX_FILE_BYTES);
    }
    *fd_out = fd;
    *size = sb.st_size;
    return 0;
}

int dl_image_read(const char *path, char **data, size_t *len, dl_image_info *info, dl_error *err)
{
    *data = NULL;
    *len = 0;
    int fd = -1;
    off_t size = 0;
    int rc = open_regular(path, &fd, &size, err);
    if (rc)
        return rc;
    size_t cap = (size_t)size + 1, n = 0; /* +1: see a file that grew meanwhile */
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory for %lld bytes", path, (long long)size);
    }
    for (;;) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = dl_fail(err, DL_EIO, "%s: read failed: %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n == cap) {
            rc = dl_fail(err, DL_EIO, "%s: the file changed while it was read", path);
            break;
        }
    }
    close(fd);
    if (!rc)
        rc = dl_image_check_buf(path, buf, n, info, err);
    if (rc) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

int dl_image_check_path(const char *path, dl_image_info *info, dl_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc = dl_image_read(path, &data, &len, info, err);
    free(data);
    return rc;
}
