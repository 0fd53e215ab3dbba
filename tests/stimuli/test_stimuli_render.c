/* test_stimuli_render.c — the reports of `stimuli analyse` and `stimuli
 * imagestats` come from stimuli/, written to the stream the caller gives:
 * the library's rendering, made here, is byte for byte what `dddlab` prints
 * for the same input, and rendering writes nothing to stdout or stderr. */
#include "helpers.h" /* first: it sets _XOPEN_SOURCE */

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "dl_stimuli.h"

/* What `dddlab ARGS` (run by the shell in dir) prints on stdout; malloc'd. */
static char *dddlab_stdout(const char *dir, const char *args)
{
    const char *bin = getenv("DL_BINARY");
    if (!bin || access(bin, X_OK) != 0) {
        print_message("SKIP: DL_BINARY not set or not executable\n");
        skip();
    }
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s 2>/dev/null", dir, bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(p)) != EOF)
        fputc(c, m);
    fclose(m);
    assert_int_equal(pclose(p), 0);
    return buf;
}

/* Render into a memory stream with stdout and stderr sent to files, which
 * must stay empty: the renderer writes to its stream only. */
typedef struct render {
    char *buf;
    size_t len;
    FILE *m;
    int saved[2];
    char *path[2];
} render;

static void render_begin(render *r, const char *dir)
{
    r->m = open_memstream(&r->buf, &r->len);
    assert_non_null(r->m);
    fflush(stdout);
    fflush(stderr);
    for (int k = 0; k < 2; k++) {
        r->path[k] = ts_path(dir, k ? "err.txt" : "out.txt");
        r->saved[k] = dup(k + 1);
        int fd = open(r->path[k], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0 && r->saved[k] >= 0);
        dup2(fd, k + 1);
        close(fd);
    }
}

static char *render_end(render *r)
{
    fflush(stdout);
    fflush(stderr);
    for (int k = 0; k < 2; k++) {
        dup2(r->saved[k], k + 1);
        close(r->saved[k]);
        FILE *f = fopen(r->path[k], "rb");
        assert_non_null(f);
        assert_int_equal(fgetc(f), EOF);
        fclose(f);
        free(r->path[k]);
    }
    fclose(r->m);
    return r->buf;
}

static void test_analyse_text_and_json(void **state)
{
    (void)state;
    char *dir = th_tmpdir(), *data = th_data("wide_small.csv");
    assert_non_null(dir);
    char *cli_text =
        dddlab_stdout(dir, "stimuli analyse --near 1 --bootstrap 40 --seed 3 "
                           "--out ddd \"$DL_SOURCE_DIR/tests/stimuli/data/wide_small.csv\"");
    char *cli_json = dddlab_stdout(dir, "stimuli analyse --near 1 --json "
                                        "\"$DL_SOURCE_DIR/tests/stimuli/data/wide_small.csv\"");
    /* The same runs through the library: the options the CLI's defaults give. */
    char *out = ts_path(dir, "ddd2");
    const char *paths[1] = {data};
    dl_stimuli_analyse_job j = {
        .paths = paths,
        .npaths = 1,
        .replicates = 40,
        .seed = 3,
        .conf = 0.95,
        .ao = {.near = 1, .ec_max_models = DL_STIMULI_EC_MAX_MODELS, .ec_seed = 3},
        .out_dir = out};
    dl_error err = {0};
    assert_int_equal(dl_stimuli_analyse_run(&j, &err), 0);
    render r;
    render_begin(&r, dir);
    dl_stimuli_analyse_job_write_text(r.m, &j);
    char *text = render_end(&r);
    /* Only the folder's name differs. */
    const char *tail = strstr(cli_text, " to ddd\n");
    assert_non_null(tail);
    char *want = malloc(strlen(cli_text) + strlen(out) + 8);
    sprintf(want, "%.*s to %s\n", (int)(tail - cli_text), cli_text, out);
    assert_string_equal(text, want);
    dl_stimuli_analyse_job_free(&j);

    dl_stimuli_analyse_job k = {
        .paths = paths,
        .npaths = 1,
        .seed = 1,
        .conf = 0.95,
        .ao = {.near = 1, .ec_max_models = DL_STIMULI_EC_MAX_MODELS, .ec_seed = 1}};
    assert_int_equal(dl_stimuli_analyse_run(&k, &err), 0);
    render_begin(&r, dir);
    dl_stimuli_analysis_write_json(r.m, k.a);
    char *json = render_end(&r);
    assert_string_equal(json, cli_json);
    dl_stimuli_analyse_job_free(&k);
    free(want), free(text), free(json), free(cli_text), free(cli_json), free(out), free(data);
    th_rmtree(dir);
}

static void test_imagestats_text_and_json(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    assert_non_null(dir);
    const char *src = getenv("DL_SOURCE_DIR") ? getenv("DL_SOURCE_DIR") : ".";
    static const char *const names[] = {"scene_128x128", "scene_160x120", "scene_300x200",
                                        "scene_64x48", "scene_96x128"};
    static const char *const frac[] = {"1", "0", "0.5", "0.25", "0"};
    char *list = ts_path(dir, "list.csv");
    FILE *f = fopen(list, "w");
    assert_non_null(f);
    fputs("image,path,frac_correct\n", f);
    for (int i = 0; i < 5; i++)
        fprintf(f, "%s,%s/tests/imagestats/images/%s.png,%s\n", names[i], src, names[i], frac[i]);
    fclose(f);
    char *cli_text = dddlab_stdout(dir, "stimuli imagestats --images-csv list.csv --image-root / "
                                        "--threads 2 --size 64");
    char *cli_json = dddlab_stdout(dir, "stimuli imagestats --images-csv list.csv --image-root / "
                                        "--threads 2 --json");

    char *cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(dir), 0); /* the list by the name the CLI was given */
    for (int json = 0; json < 2; json++) {
        dl_imgstats_job j;
        memset(&j, 0, sizeof j);
        j.o.images_csv = "list.csv";
        j.o.image_root = "/";
        j.o.run.threads = 2;
        j.o.run.size_px = json ? 0 : 64;
        dl_error err = {0};
        assert_int_equal(dl_imgstats_job_run(&j, &err), 0);
        assert_non_null(j.source); /* the list's own frac_correct column */
        assert_int_equal(j.matched, 5);
        render r;
        render_begin(&r, dir);
        (json ? dl_imgstats_job_write_json : dl_imgstats_job_write_text)(r.m, &j);
        char *got = render_end(&r);
        assert_string_equal(got, json ? cli_json : cli_text);
        free(got);
        dl_imgstats_job_free(&j);
    }
    assert_int_equal(chdir(cwd), 0);
    free(cwd), free(cli_text), free(cli_json), free(list);
    th_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyse_text_and_json),
        cmocka_unit_test(test_imagestats_text_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
