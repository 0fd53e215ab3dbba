/* test_imagestats_cli.c — `dddlab stimuli imagestats` end to end: the real
 * binary ($DL_BINARY) on PNGs written here with SDL2_image; exit status,
 * exact messages, the files of --out (identical for any thread count), the
 * figure and --json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl_common.h"
#include "imgtest.h"

extern char **environ;

static const char *binary;
static char dir[64];

typedef struct run_out {
    int status;
    char *out, *err;
} run_out;

static char *slurp(const char *path)
{
    char *data = NULL;
    return dl_read_file(path, &data, NULL, NULL) == 0 ? data : NULL;
}

/* Run dddlab with args (NULL-terminated), stdout and stderr to files. */
static run_out run(const char *const *args)
{
    char out_path[128], err_path[128];
    snprintf(out_path, sizeof out_path, "%s/stdout.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", dir);
    const char *argv[32] = {binary};
    int n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, binary, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    run_out r = {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), slurp(out_path),
                 slurp(err_path)};
    return r;
}

static void run_free(run_out *r)
{
    free(r->out);
    free(r->err);
}

static const char *in_dir(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *name, const char *text)
{
    FILE *fp = fopen(in_dir(name), "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Six uniform images (gray 0, 40, ..., 200) and one of blocks; difficulty
 * proportional to the gray level. */
static int setup(void **state)
{
    (void)state;
    binary = getenv("DL_BINARY");
    if (!binary)
        return -1;
    snprintf(dir, sizeof dir, "/tmp/dl_imgstats_cli_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    mkdir(in_dir("img"), 0755);
    dl_buf list, diff;
    dl_buf_init(&list);
    dl_buf_init(&diff);
    dl_buf_printf(&list, "image,path\n");
    dl_buf_printf(&diff, "image,frac_correct\n");
    for (int i = 0; i < 6; i++) {
        uint8_t *px = malloc(30 * 20 * 3);
        memset(px, 40 * i, 30 * 20 * 3);
        char name[32];
        snprintf(name, sizeof name, "img/u%d.png", i);
        if (imgtest_save_png(px, 30, 20, 3, in_dir(name)) != 0)
            return -1;
        free(px);
        dl_buf_printf(&list, "u%d,%s\n", i, name);
        dl_buf_printf(&diff, "u%d,%g\n", i, 0.2 * i);
    }
    uint8_t *px = imgtest_make("blocks", 48, 40, 3);
    if (imgtest_save_png(px, 48, 40, 3, in_dir("img/blocks.png")) != 0)
        return -1;
    free(px);
    dl_buf_printf(&list, "blocks,img/blocks.png\n");
    write_text("images.csv", list.data);
    write_text("difficulty.csv", diff.data);
    dl_buf_free(&list);
    dl_buf_free(&diff);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_out_files_and_threads(void **state)
{
    (void)state;
    const char *a1[] = {"stimuli",
                        "imagestats",
                        "--images-csv",
                        in_dir("images.csv"),
                        "--difficulty",
                        in_dir("difficulty.csv"),
                        "--threads",
                        "1",
                        "--out",
                        in_dir("out1"),
                        NULL};
    run_out r = run(a1);
    assert_int_equal(r.status, 0);
    run_free(&r);
    const char *a3[] = {"stimuli",
                        "imagestats",
                        "--images-csv",
                        in_dir("images.csv"),
                        "--difficulty",
                        in_dir("difficulty.csv"),
                        "--threads",
                        "3",
                        "--out",
                        in_dir("out3"),
                        NULL};
    r = run(a3);
    assert_int_equal(r.status, 0);
    run_free(&r);
    const char *files[] = {"imagestats.csv", "correlations.csv", "class_summary.csv"};
    for (int f = 0; f < 3; f++) {
        char p1[128], p3[128];
        snprintf(p1, sizeof p1, "out1/%s", files[f]);
        snprintf(p3, sizeof p3, "out3/%s", files[f]);
        char *x = slurp(in_dir(p1)), *y = slurp(in_dir(p3));
        assert_non_null(x);
        assert_non_null(y);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    /* The uniform images by hand: entropy 0, one DCT coefficient (counted
     * as the authors, (k - 1) / N = 0), one segment, no edges; rows in input
     * order. */
    char *csv = slurp(in_dir("out1/imagestats.csv"));
    assert_non_null(strstr(csv, "image,width_px,height_px,local_entropy_bits,dct_coef_pct,"
                                "segments,sobel_mean,mean_luminance,rms_contrast,"
                                "frac_correct,difficulty\n"
                                "u0,30,20,0,0,1,0,0,0,0,impossible\n"
                                "u1,30,20,0,0,1,0,39.996,0,0.2,in-between\n"));
    assert_non_null(strstr(csv, "\nu5,30,20,0,0,1,0,199.98,0,1,trivial\nblocks,48,40,"));
    assert_non_null(strstr(csv, ",NA,\n")); /* blocks has no difficulty */
    free(csv);
    /* Luminance is proportional to frac_correct over the six. */
    csv = slurp(in_dir("out1/correlations.csv"));
    assert_non_null(strstr(csv, "\nmean_luminance,6,1,0,1,0\n"));
    assert_non_null(strstr(csv, "\nrms_contrast,6,NA,NA,NA,NA\n"));
    free(csv);
    SDL_Surface *fig = IMG_Load(in_dir("out1/imagestats.png"));
    assert_non_null(fig);
    assert_int_equal(fig->w, 1600);
    assert_int_equal(fig->h, 800);
    SDL_FreeSurface(fig);
}

static void test_json(void **state)
{
    (void)state;
    const char *a[] = {"stimuli", "imagestats", "--images-csv", in_dir("images.csv"),
                       "--size",  "16",         "--json",       NULL};
    run_out r = run(a);
    assert_int_equal(r.status, 0);
    assert_true(strncmp(r.out, "{\"images\":7,\"skipped\":[],\"size_px\":16,", 38) == 0);
    /* The output names the resize and the gray image of the entropy. */
    assert_non_null(strstr(r.out, "\"size_px\":16,\"resize_filter\":\"bilinear-aa\","
                                  "\"entropy_gray\":\"float\","));
    assert_non_null(strstr(r.out, "\"difficulty\":null"));
    assert_non_null(strstr(r.out, "{\"name\":\"width_px\",\"n\":7,\"mean\":"));
    assert_string_equal(r.out + strlen(r.out) - 2, "}\n");
    run_free(&r);
    /* The table's summary line names them too, here the other choices. */
    const char *t[] = {"stimuli",
                       "imagestats",
                       "--images-csv",
                       in_dir("images.csv"),
                       "--size",
                       "16",
                       "--resize-filter",
                       "area",
                       "--entropy-gray",
                       "rounded",
                       "--threads",
                       "1",
                       NULL};
    r = run(t);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\n7 images (0 skipped), resized to 16 x 16 px (area), entropy "
                                  "of the rounded gray image, 1 threads\n"));
    run_free(&r);
}

static void test_corrupt_image(void **state)
{
    (void)state;
    /* A PNG cut in half, listed on line 3. */
    char *png = NULL;
    size_t len;
    assert_int_equal(dl_read_file(in_dir("img/blocks.png"), &png, &len, NULL), 0);
    FILE *fp = fopen(in_dir("img/cut.png"), "wb");
    fwrite(png, 1, len / 2, fp);
    fclose(fp);
    free(png);
    write_text("bad.csv", "image,path\nu1,img/u1.png\ncut,img/cut.png\nu2,img/u2.png\n");
    char want[1024];
    snprintf(want, sizeof want,
             "dddlab: %s:3: %s/img/cut.png: truncated PNG: the file ends inside chunk IDAT",
             in_dir("bad.csv"), dir);
    const char *a[] = {"stimuli",         "imagestats", "--images-csv", in_dir("bad.csv"), "--out",
                       in_dir("out_bad"), NULL};
    run_out r = run(a);
    assert_int_equal(r.status, 1);
    /* ours is the first line: the header check runs before libpng could
     * print (LSan may add a report after) */
    assert_true(strncmp(r.err, want, strlen(want)) == 0);
    run_free(&r);
    const char *ours = NULL;
    struct stat st;
    assert_int_not_equal(stat(in_dir("out_bad/imagestats.csv"), &st), 0); /* nothing written */
    const char *b[] = {"stimuli",    "imagestats", "--images-csv",     in_dir("bad.csv"),
                       "--skip-bad", "--out",      in_dir("out_skip"), NULL};
    r = run(b);
    assert_int_equal(r.status, 0);
    /* One line for all skipped images, the list in skipped.csv. */
    snprintf(want, sizeof want,
             "dddlab: skipped 1 of 3 images (missing or undecodable), listed in %s/skipped.csv\n",
             in_dir("out_skip"));
    ours = strstr(r.err, "dddlab: ");
    assert_non_null(ours);
    assert_string_equal(ours, want);
    run_free(&r);
    /* Without --out the line names the first one and where a list goes. */
    const char *c[] = {"stimuli",         "imagestats", "--images-csv",
                       in_dir("bad.csv"), "--skip-bad", NULL};
    r = run(c);
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want,
             "dddlab: skipped 1 of 3 images (missing or undecodable), the first %s:3: "
             "%s/img/cut.png: truncated PNG: ",
             in_dir("bad.csv"), dir);
    ours = strstr(r.err, "dddlab: ");
    assert_non_null(ours);
    assert_true(strncmp(ours, want, strlen(want)) == 0);
    assert_non_null(strstr(ours, "; --out DIR lists them in DIR/skipped.csv\n"));
    assert_null(strstr(ours + 1, "dddlab: "));
    run_free(&r);
    char *csv = slurp(in_dir("out_skip/imagestats.csv"));
    assert_non_null(strstr(csv, "\nu1,"));
    assert_null(strstr(csv, "\ncut,"));
    free(csv);
    csv = slurp(in_dir("out_skip/skipped.csv"));
    assert_true(strncmp(csv, "image,line,error\ncut,3,", 23) == 0);
    free(csv);
}

/* Two models, two epochs. Epoch 1: a right on u0..u2, b on u0, u1 -> all
 * right {u0, u1}, TPa 2/3; epoch 2: both right on u0..u5, TPa 1. blocks is
 * never right: impossible; the u images trivial (2 of 2 in the last epoch).
 * The u images are uniform, so their DCT percentage is 0 ((k - 1) / N with
 * k = 1, the DC coefficient). */
static void test_results_with_epochs(void **state)
{
    (void)state;
    dl_buf b;
    dl_buf_init(&b);
    dl_buf_printf(&b, "model,image,correct,epoch\n");
    for (int e = 1; e <= 2; e++)
        for (int m = 0; m < 2; m++)
            for (int i = 0; i <= 6; i++) {
                int right = i < 6 && (e == 2 || i < (m == 0 ? 3 : 2));
                if (i < 6)
                    dl_buf_printf(&b, "%c,u%d,%d,%d\n", 'a' + m, i, right, e);
                else
                    dl_buf_printf(&b, "%c,blocks,0,%d\n", 'a' + m, e);
            }
    write_text("results.csv", b.data);
    dl_buf_free(&b);
    const char *a[] = {"stimuli",   "imagestats",          "--images-csv", in_dir("images.csv"),
                       "--results", in_dir("results.csv"), "--out",        in_dir("out_res"),
                       NULL};
    run_out r = run(a);
    assert_int_equal(r.status, 0);
    run_free(&r);
    char *csv = slurp(in_dir("out_res/epochs.csv"));
    assert_non_null(csv);
    assert_non_null(strstr(csv, "epoch,tpa,all_right,width_px,height_px,local_entropy_bits,"
                                "dct_coef_pct,segments,sobel_mean,mean_luminance,"
                                "rms_contrast\n"
                                "1,0.6666666667,2,30,20,0,0,1,0,19.998,0\n"
                                "2,1,6,30,20,0,0,1,0,99.99,0\n"));
    free(csv);
    csv = slurp(in_dir("out_res/imagestats.csv"));
    assert_non_null(strstr(csv, "\nu5,30,20,0,0,1,0,199.98,0,1,trivial\n"));
    assert_non_null(strstr(csv, ",0,impossible\n"));
    free(csv);
    const char *c[] = {"stimuli", "imagestats", "--images-csv", in_dir("images.csv"), "--near",
                       "1",       NULL};
    r = run(c);
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* An undefined statistic (the correlation of a constant) prints as "-" in
 * the table, never as "nan". */
static void test_table_undefined(void **state)
{
    (void)state;
    const char *a[] = {"stimuli",
                       "imagestats",
                       "--images-csv",
                       in_dir("images.csv"),
                       "--difficulty",
                       in_dir("difficulty.csv"),
                       NULL};
    run_out r = run(a);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, " nan")); /* a column, not "mean_luminance" */
    assert_non_null(strstr(r.out, "\nrms_contrast               6          -          -            "
                                  "-          -\n"));
    run_free(&r);
}

/* --out gets all its files or none: the figure (about 100 kB) is cut short
 * by a 20 kB file-size limit, which the child inherits, standing in for a
 * full disk. PLplot does not report the failed write; the check of the PNG's
 * last chunk does, and imagestats.csv, already written, must go too. */
static void test_out_cut_short(void **state)
{
    (void)state;
    const char *a[] = {"stimuli",
                       "imagestats",
                       "--images-csv",
                       in_dir("images.csv"),
                       "--difficulty",
                       in_dir("difficulty.csv"),
                       "--out",
                       in_dir("cut"),
                       NULL};
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 20000;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    run_out r = run(a);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(r.status, 1);
    char want[512];
    snprintf(want, sizeof want,
             "dddlab: %s/imagestats.png: PLplot could not write the whole figure (is the disk "
             "full?)\n",
             in_dir("cut"));
    /* the first line exactly: under ASan, LSan may add its suppression summary */
    assert_true(strlen(r.err) >= strlen(want));
    assert_memory_equal(r.err, want, strlen(want));
    run_free(&r);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", in_dir("cut"));
    assert_int_equal(system(cmd), 0);
}

static void test_usage_errors(void **state)
{
    (void)state;
    const char *a[] = {"stimuli", "imagestats", "--size", "16", NULL};
    run_out r = run(a);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli imagestats: --images-csv FILE is required "
                               "(see 'dddlab help stimuli imagestats')\n");
    run_free(&r);
    const char *b[] = {"stimuli", "imagestats", "--images-csv", in_dir("images.csv"), "--threads",
                       "x",       NULL};
    r = run(b);
    assert_int_equal(r.status, 2);
    run_free(&r);
    const char *b2[] = {"stimuli", "imagestats", "--images-csv",    in_dir("images.csv"),
                        "--size",  "8",          "--resize-filter", "bicubic",
                        NULL};
    r = run(b2);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli imagestats: --resize-filter must be bilinear-aa or "
                               "area, not 'bicubic' (see 'dddlab help stimuli imagestats')\n");
    run_free(&r);
    const char *b3[] = {
        "stimuli", "imagestats", "--images-csv", in_dir("images.csv"), "--resize-filter",
        "area",    NULL};
    r = run(b3);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli imagestats: --resize-filter needs --size "
                               "(see 'dddlab help stimuli imagestats')\n");
    run_free(&r);
    const char *c[] = {"stimuli",
                       "imagestats",
                       "--images-csv",
                       in_dir("images.csv"),
                       "--difficulty",
                       in_dir("images.csv"),
                       NULL};
    r = run(c);
    assert_int_equal(r.status, 1);
    char want[512];
    snprintf(want, sizeof want,
             "dddlab: %s:1: no column 'frac_correct' (nor 'n_correct' and 'n_models')\n",
             in_dir("images.csv"));
    assert_string_equal(r.err, want);
    run_free(&r);
    const char *d[] = {"stimuli", "imagestats", "--help", NULL};
    r = run(d);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: dddlab stimuli imagestats"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out_files_and_threads), cmocka_unit_test(test_json),
        cmocka_unit_test(test_corrupt_image),         cmocka_unit_test(test_results_with_epochs),
        cmocka_unit_test(test_usage_errors),          cmocka_unit_test(test_table_undefined),
        cmocka_unit_test(test_out_cut_short),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
