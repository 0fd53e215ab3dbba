/* test_images.c — image files that used to hurt (issue 15, items 5, 7, 12):
 * a PNG or JPEG whose header claims a huge size, one cut in half, one with a
 * flipped byte, an empty one, and a FIFO named t3.png. The header check
 * (stimuli/imghdr.c) directly, then `stimuli build`, `stimuli check` and
 * `stimuli imagestats` through the real binary: exit 1 and exactly one line
 * on stderr, ours, naming the file (no libpng line, no SDL_image wording). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <SDL.h>
#include <SDL_image.h>
#include <sys/stat.h>

#include "../store/store_fixture.h"
#include "dl_stimuli.h"
#include "hardening.h"

typedef struct blob {
    unsigned char *d;
    size_t n;
} blob;

static char dir[256];

static blob slurp(const char *name)
{
    blob b = {0};
    char *data = NULL;
    dl_error err = {0};
    assert_int_equal(dl_read_file(hd_in(dir, name), &data, &b.n, &err), 0);
    b.d = (unsigned char *)data;
    return b;
}

static void put(const char *name, const unsigned char *d, size_t n)
{
    FILE *f = fopen(hd_in(dir, name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, n, f), n);
    fclose(f);
}

static uint32_t crc(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void be32put(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* A copy of ok.png whose IHDR says w x h (CRC fixed, so only the size is
 * wrong): 254 bytes that claim gigabytes. */
static void png_claiming(const char *name, uint32_t w, uint32_t h)
{
    blob b = slurp("ok.png");
    be32put(b.d + 16, w);
    be32put(b.d + 20, h);
    be32put(b.d + 29, crc(b.d + 12, 17));
    put(name, b.d, b.n);
    free(b.d);
}

/* A copy of ok.jpg whose frame header (SOF0) says w x h. */
static void jpeg_claiming(const char *name, unsigned w, unsigned h)
{
    blob b = slurp("ok.jpg");
    size_t i = 2;
    while (i + 4 < b.n && !(b.d[i] == 0xFF && b.d[i + 1] == 0xC0))
        i++;
    assert_true(i + 9 < b.n);
    b.d[i + 5] = (unsigned char)(h >> 8), b.d[i + 6] = (unsigned char)h;
    b.d[i + 7] = (unsigned char)(w >> 8), b.d[i + 8] = (unsigned char)w;
    put(name, b.d, b.n);
    free(b.d);
}

static int setup(void **state)
{
    (void)state;
    ts_tmpdir(dir, "dl_store_test");
    /* a 64x48 noise image as PNG and JPEG, written by SDL_image itself */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 64, 48, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return -1;
    uint64_t x = 1;
    for (int y = 0; y < s->h; y++)
        for (int i = 0; i < s->w * 3; i++)
            ((unsigned char *)s->pixels)[y * s->pitch + i] = (unsigned char)((x = dl_mix64(x)) >> 56);
    if (IMG_SavePNG(s, hd_in(dir, "ok.png")) != 0 || IMG_SaveJPG(s, hd_in(dir, "ok.jpg"), 90) != 0)
        return -1;
    SDL_FreeSurface(s);
    png_claiming("bomb.png", 60000, 60000);
    png_claiming("wide.png", 70000, 1);
    png_claiming("big.png", 5001, 5001); /* under 16384 per side, over 25 Mpx */
    jpeg_claiming("bomb.jpg", 65000, 65000);
    blob p = slurp("ok.png"), j = slurp("ok.jpg");
    put("half.png", p.d, p.n / 2);
    put("half.jpg", j.d, j.n / 2);
    put("noiend.png", p.d, p.n - 12); /* every chunk whole, only IEND missing */
    p.d[p.n / 2] ^= 0x40;
    put("flip.png", p.d, p.n);
    put("zero.png", p.d, 0);
    put("text.png", (const unsigned char *)"hello, world\n", 13);
    free(p.d), free(j.d);
    assert_int_equal(mkfifo(hd_in(dir, "t3.png"), 0600), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(dir);
    return 0;
}

typedef struct bad {
    const char *file;
    int code;
    const char *msg; /* after "DIR/FILE: " */
} bad;

static const bad BAD[] = {
    {"bomb.png", DL_EINVAL,
     "PNG of 60000x60000 px: larger than dddlab's limit of 16384 px per side (nothing was "
     "decoded)"},
    {"wide.png", DL_EINVAL,
     "PNG of 70000x1 px: larger than dddlab's limit of 16384 px per side (nothing was decoded)"},
    {"big.png", DL_EINVAL,
     "PNG of 5001x5001 px: more than dddlab's limit of 25000000 pixels (25 Mpx; nothing was "
     "decoded)"},
    {"bomb.jpg", DL_EINVAL,
     "JPEG of 65000x65000 px: larger than dddlab's limit of 16384 px per side (nothing was "
     "decoded)"},
    {"half.jpg", DL_ECORRUPT, "truncated JPEG: no end-of-image marker; the file was cut short"},
    {"half.png", DL_ECORRUPT, "truncated PNG: the file ends inside chunk IDAT"},
    {"noiend.png", DL_ECORRUPT, "truncated PNG: no end chunk (IEND); the file was cut short"},
    {"flip.png", DL_ECORRUPT, "damaged PNG: bad checksum in chunk IDAT"},
    {"zero.png", DL_ECORRUPT, "empty file (0 bytes), not an image"},
    {"text.png", DL_ECORRUPT, "not a PNG or JPEG file (dddlab reads PNG and JPEG images)"},
    {"t3.png", DL_EINVAL, "not a regular file (a FIFO); images must be plain files"},
};
#define NBAD (sizeof BAD / sizeof *BAD)

static void test_header_check(void **state)
{
    (void)state;
    dl_error err = {0};
    dl_image_info info;
    assert_int_equal(dl_image_check_path(hd_in(dir, "ok.png"), &info, &err), 0);
    assert_string_equal(info.format, "PNG");
    assert_int_equal(info.width_px, 64);
    assert_int_equal(info.height_px, 48);
    assert_int_equal(dl_image_check_path(hd_in(dir, "ok.jpg"), &info, &err), 0);
    assert_string_equal(info.format, "JPEG");
    assert_int_equal(info.width_px, 64);
    assert_int_equal(info.height_px, 48);
    for (size_t i = 0; i < NBAD; i++) {
        int rc = dl_image_check_path(hd_in(dir, BAD[i].file), &info, &err);
        if (rc != BAD[i].code || !strstr(err.msg, BAD[i].msg) ||
            strncmp(err.msg, hd_in(dir, BAD[i].file), strlen(hd_in(dir, BAD[i].file))) != 0)
            fail_msg("%s: rc %d, message '%s'", BAD[i].file, rc, err.msg);
    }
    /* exactly at the limits is fine as far as the header goes */
    png_claiming("edge.png", 16384, 1525); /* 24.98 Mpx */
    blob e = slurp("edge.png");
    assert_int_equal(dl_image_check_buf("edge.png", e.d, e.n, &info, &err), 0);
    assert_int_equal(info.width_px, 16384);
    free(e.d);
}

/* Exactly one line on stderr, ours: "dddlab: [LIST:LINE: ]PATH: MESSAGE..." */
static void one_line(const hd_run *r, const bad *b)
{
    char want[1024];
    snprintf(want, sizeof want, "%s: %s", hd_in(dir, b->file), b->msg);
    if (!strstr(r->err, want) || strncmp(r->err, "dddlab: ", 8) != 0 || strchr(r->err, '\n') != r->err + strlen(r->err) - 1 ||
        strstr(r->err, "libpng") || strstr(r->err, "NULL"))
        fail_msg("%s: want one line with '%s', got:\n%s", b->file, want, r->err);
}

static void test_imagestats(void **state)
{
    (void)state;
    hd_run r = {0};
    char args[1024];
    for (size_t i = 0; i < NBAD; i++) {
        FILE *f = fopen(hd_in(dir, "list.csv"), "w");
        fprintf(f, "image,path\nx,%s\n", BAD[i].file);
        fclose(f);
        snprintf(args, sizeof args, "timeout 30 '%s' stimuli imagestats --images-csv list.csv "
                 "--image-root '%s'", getenv("DL_BINARY"), dir);
        /* hd_dddlab prefixes the binary; run the timeout through sh instead */
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "cd '%s' && %s >out.txt 2>err.txt", dir, args);
        int status = system(cmd);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 1);
        r.err = hd_slurp(hd_in(dir, "err.txt"));
        r.out = hd_slurp(hd_in(dir, "out.txt"));
        one_line(&r, &BAD[i]);
        hd_run_free(&r);
    }
}

static void test_build_and_check(void **state)
{
    (void)state;
    hd_run r = {0};
    char cmd[2048];
    FILE *f = fopen(hd_in(dir, "r.csv"), "w");
    fputs("image,m1,m2\ngood,1,1\nbad,0,0\n", f);
    fclose(f);
    for (size_t i = 0; i < NBAD; i++) {
        f = fopen(hd_in(dir, "ic.csv"), "w");
        fprintf(f, "image,path\ngood,%s\nbad,ok.jpg\n", BAD[i].file);
        fclose(f);
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && timeout 30 '%s' stimuli build r.csv --images-csv ic.csv --task 2afc "
                 "--name s --pairs 1 --image-root '%s' --db lab.sqlite --seed 1 >out.txt "
                 "2>err.txt",
                 dir, getenv("DL_BINARY"), dir);
        int status = system(cmd);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 1);
        r.err = hd_slurp(hd_in(dir, "err.txt"));
        r.out = hd_slurp(hd_in(dir, "out.txt"));
        one_line(&r, &BAD[i]);
        hd_has(r.err, "; set 's' not stored\n");
        hd_run_free(&r);
        assert_int_equal(access(hd_in(dir, "lab.sqlite"), F_OK), -1);
    }
    /* a good set, whose image then becomes a FIFO: check reports it, at once */
    f = fopen(hd_in(dir, "ic.csv"), "w");
    fputs("image,path\ngood,sub/g.png\nbad,ok.jpg\n", f);
    fclose(f);
    mkdir(hd_in(dir, "sub"), 0700);
    blob p = slurp("ok.png");
    put("sub/g.png", p.d, p.n);
    free(p.d);
    assert_int_equal(hd_dddlab(&r, dir,
                               "stimuli build r.csv --images-csv ic.csv --task 2afc --name s "
                               "--pairs 1 --image-root . --db lab.sqlite --seed 1"),
                     0);
    unlink(hd_in(dir, "sub/g.png"));
    assert_int_equal(mkfifo(hd_in(dir, "sub/g.png"), 0600), 0);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && timeout 30 '%s' stimuli check --db lab.sqlite --set s --json >out.txt "
             "2>err.txt",
             dir, getenv("DL_BINARY"));
    int status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    hd_run_free(&r);
    r.out = hd_slurp(hd_in(dir, "out.txt"));
    hd_has(r.out, "not a regular file (a FIFO)");
    free(r.out);
    /* and the runner's check before the window opens does not block on it */
    f = fopen(hd_in(dir, "e.ini"), "w");
    fprintf(f, "[experiment]\ntask = 2afc\nset = s\nimage_root = %s\n", dir);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && SDL_VIDEODRIVER=offscreen timeout 30 '%s' run --db lab.sqlite "
             "--experiment e.ini --observer P1 --simulate seed=1 >out.txt 2>err.txt",
             dir, getenv("DL_BINARY"));
    status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    r.err = hd_slurp(hd_in(dir, "err.txt"));
    hd_has(r.err, "sub/g.png: image of stimulus set 's' (item 0) is not a regular file");
    free(r.err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_check),
        cmocka_unit_test(test_imagestats),
        cmocka_unit_test(test_build_and_check),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
