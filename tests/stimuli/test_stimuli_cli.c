/* test_stimuli_cli.c — `dddlab stimuli ...` end to end: help, usage errors
 * (exit 2), bad data (exit 1, "dddlab: FILE:LINE: ..."), --json and --out,
 * and a build that fails on a missing image storing nothing. */
#include "helpers.h"

#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "dl_stimuli.h"
#include "dl_store.h"

typedef struct run {
    int status;
    char *out, *err;
} run;

static char *slurp(const char *path)
{
    char *data = NULL;
    if (dl_read_file(path, &data, NULL, NULL) != 0)
        return dl_strdup("");
    return data;
}

/* When > 0, the largest file the next dddlab() child may write (bytes): a
 * write beyond it fails with EFBIG, standing in for a disk that fills up
 * half-way through a set of output files. */
static long file_limit_bytes;

/* Run DL_BINARY with args (NULL-terminated) in dir; capture both streams. */
static run dddlab(const char *dir, ...)
{
    const char *bin = getenv("DL_BINARY");
    if (!bin || access(bin, X_OK) != 0) {
        print_message("SKIP: DL_BINARY not set or not executable\n");
        skip();
    }
    char *argv[64];
    int argc = 0;
    va_list ap;
    argv[argc++] = (char *)bin;
    va_start(ap, dir);
    char *a;
    while ((a = va_arg(ap, char *)) != NULL && argc < 63)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    char *outp = ts_path(dir, "stdout.txt"), *errp = ts_path(dir, "stderr.txt");
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        if (chdir(dir) != 0)
            _exit(126);
        if (file_limit_bytes > 0) {
            struct rlimit lim = {(rlim_t)file_limit_bytes, (rlim_t)file_limit_bytes};
            signal(SIGXFSZ, SIG_IGN); /* stays ignored across exec: EFBIG, not death */
            setrlimit(RLIMIT_FSIZE, &lim);
        }
        execv(bin, argv);
        _exit(127);
    }
    run r = {0};
    int st;
    if (pid < 0)
        fail_msg("fork failed");
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    r.out = slurp(outp);
    r.err = slurp(errp);
    free(outp);
    free(errp);
    return r;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void run_free(run *r)
{
    free(r->out);
    free(r->err);
}

static int setup(void **state)
{
    *state = th_tmpdir();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    th_rmtree(*state);
    return 0;
}

static void test_help_and_usage(void **state)
{
    char *dir = *state;
    run r = dddlab(dir, "stimuli", "--help", NULL);
    assert_int_equal(r.status, 0);
    static const char *const subs[] = {"analyse", "build", "check", "demo-data", "imagestats"};
    for (size_t i = 0; i < 5; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n  %s ", subs[i]);
        assert_non_null(strstr(r.out, want));
    }
    run_free(&r);
    for (size_t i = 0; i < 4; i++) {
        char want[64];
        r = dddlab(dir, "stimuli", subs[i], "--help", NULL);
        snprintf(want, sizeof want, "usage: dddlab stimuli %s ", subs[i]);
        assert_int_equal(r.status, 0);
        assert_memory_equal(r.out, want, strlen(want));
        run_free(&r);
    }
    r = dddlab(dir, "stimuli", NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = dddlab(dir, "stimuli", "frobnicate", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli: unknown subcommand 'frobnicate' (analyse, build, "
                               "check, demo-data or imagestats) (see 'dddlab help stimuli')\n");
    run_free(&r);
    r = dddlab(dir, "stimuli", "analyse", NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = dddlab(dir, "stimuli", "analyse", "x.csv", "--bogus", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option '--bogus'"));
    run_free(&r);
    r = dddlab(dir, "stimuli", "analyse", "x.csv", "--near", "two", NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    r = dddlab(dir, "stimuli", "build", "x.csv", "--task", "3afc", "--name", "a", "--image-root",
               dir, "--db", "x.sqlite", NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* an option value out of range is a usage error (2), not bad data (1) */
    r = dddlab(dir, "stimuli", "demo-data", "--out", "d", "--classes", "0", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli demo-data: --classes needs a whole number from 2 "
                               "to 255, not '0' (see 'dddlab help stimuli demo-data')\n");
    run_free(&r);
    r = dddlab(dir, "stimuli", "build", "x.csv", "--task", "rating", "--name", "a", "--image-root",
               dir, "--per-class", "0", NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* --db defaults to dddlab.sqlite in the working folder, as for every
     * other command that reads the store */
    r = dddlab(dir, "stimuli", "check", "--set", "one", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.err, "dddlab: dddlab.sqlite: open database: no such file\n");
    run_free(&r);
    r = dddlab(dir, "stimuli", "check", "--help", NULL);
    assert_non_null(strstr(r.out, "  --db PATH         the database (default dddlab.sqlite)\n"));
    run_free(&r);
}

/* --out DIR gets all nine files or none: here the fourth, ec_all.csv (39 kB
 * for 120 models; the three before it are under 5 kB), cannot be written, and the three before it
 * must not appear either. */
static void test_analyse_out_all_or_nothing(void **state)
{
    char *dir = *state, want[512];
    char *wide = ts_path(dir, "wide.csv"), *out = ts_path(dir, "out");
    FILE *f = fopen(wide, "w");
    fputs("image", f);
    for (int m = 0; m < 120; m++)
        fprintf(f, ",m%d", m);
    for (int i = 0; i < 12; i++) {
        fprintf(f, "\ni%d", i);
        for (int m = 0; m < 120; m++)
            fprintf(f, ",%d", (i * 7 + m * 13 + i * m) % 3 != 0);
    }
    fputc('\n', f);
    fclose(f);
    file_limit_bytes = 20000;
    run r = dddlab(dir, "stimuli", "analyse", wide, "--out", out, NULL);
    file_limit_bytes = 0;
    assert_int_equal(r.status, 1);
    snprintf(want, sizeof want, "dddlab: %s/ec_all.csv: write failed: File too large\n", out);
    assert_string_equal(r.err, want);
    run_free(&r);
    char *per_image = ts_path(out, "per_image.csv");
    assert_int_equal(access(per_image, F_OK), -1);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", out);
    assert_int_equal(system(cmd), 0); /* no temporary files left either */
    /* without the limit the same command writes all of them */
    r = dddlab(dir, "stimuli", "analyse", wide, "--out", out, NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(access(per_image, F_OK), 0);
    run_free(&r);
    free(per_image), free(wide), free(out);
}

static void test_analyse_cli(void **state)
{
    char *dir = *state, want[2048];
    char *bad = th_write(dir, "bad.csv", "model,image,correct\na,x,1\na,x,0\n");
    run r = dddlab(dir, "stimuli", "analyse", bad, NULL);
    assert_int_equal(r.status, 1);
    snprintf(want, sizeof want, "dddlab: %s:3: duplicate result for model 'a' and image 'x'\n",
             bad);
    assert_string_equal(r.err, want);
    assert_string_equal(r.out, "");
    run_free(&r);
    char *wide = th_data("wide_small.csv"), *out = ts_path(dir, "out");
    r = dddlab(dir, "stimuli", "analyse", wide, "--near", "1", "--json", "--out", out, NULL);
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "{\"results\":", 11);
    assert_non_null(strstr(r.out, "\"near\":1"));
    assert_non_null(strstr(r.out, "\"trivial\":{\"images\":27,"));
    assert_int_equal(strchr(r.out, '\n') - r.out, (long)strlen(r.out) - 1); /* one line */
    run_free(&r);
    char *summary = ts_path(out, "summary.json");
    char *text = slurp(summary);
    assert_non_null(strstr(text, "\"in_between\":{\"images\":23,"));
    free(text);
    /* the human-readable table */
    r = dddlab(dir, "stimuli", "analyse", wide, "--near", "1", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  trivial              27     45.0%\n"));
    run_free(&r);
    free(summary), free(out), free(wide), free(bad);
}

static void test_build_check_cli(void **state)
{
    char *dir = *state;
    char *demo = ts_path(dir, "demo"), *results = ts_path(demo, "results.csv");
    char *root = ts_path(demo, "images"), *db = ts_path(dir, "lab.sqlite");
    run r = dddlab(dir, "stimuli", "demo-data", "--out", demo, "--classes", "40",
                   "--images-per-class", "10", "--train-per-class", "8", "--png-px", "32", NULL);
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = dddlab(dir, "stimuli", "build", results, "--task", "2afc", "--name", "one", "--pairs", "4",
               "--image-root", root, "--db", db, "--seed", "3", "--demo-images", "--json", "--near",
               "1", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"items\":4,"));
    assert_non_null(strstr(r.out, "\"trivial_left\":2,"));
    assert_non_null(strstr(r.out, "\"seed\":3,"));
    run_free(&r);
    char *manifest = ts_path(dir, "one.manifest.csv");
    assert_int_equal(access(manifest, F_OK), 0);
    r = dddlab(dir, "stimuli", "check", "--db", db, "--set", "one", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "8 images"));
    run_free(&r);

    /* the same name again (given as --set, the name 'check' uses): refused,
     * nothing written */
    char *m2 = ts_path(dir, "two.csv");
    r = dddlab(dir, "stimuli", "build", results, "--task", "2afc", "--set", "one", "--pairs", "4",
               "--image-root", root, "--db", db, "--seed", "4", "--manifest", m2, "--near", "1",
               "--demo-images", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "a stimulus set named 'one' already exists"));
    assert_int_equal(access(m2, F_OK), -1);
    run_free(&r);

    /* a rating set that needs an image nobody wrote: nothing stored */
    r = dddlab(dir, "stimuli", "build", results, "--task", "rating", "--name", "rate",
               "--per-class", "5", "--image-root", root, "--db", db, "--seed", "4", "--near", "1",
               NULL);
    assert_int_equal(r.status, 1);
    /* one message: what is wrong and that nothing was stored */
    assert_non_null(strstr(r.err, ": image not found; set 'rate' not stored\n"));
    assert_int_equal(count_lines(r.err), 1);
    run_free(&r);
    dl_store *st = NULL;
    dl_stim_set *set = NULL;
    dl_error err = {0};
    assert_int_equal(dl_store_open(db, DL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(dl_store_find_set(st, "rate", &set, &err), DL_ENOENT);
    assert_int_equal(dl_store_find_set(st, "one", &set, &err), 0);
    /* check notices a deleted image */
    char *victim = ts_path(root, set->items[0].b.path);
    remove(victim);
    r = dddlab(dir, "stimuli", "check", "--db", db, "--set", "one", "--json", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"ok\":false"));
    assert_non_null(strstr(r.out, "\"problem\":\"missing\""));
    run_free(&r);
    dl_stim_set_free(set);
    dl_store_close(st);
    free(victim), free(m2), free(manifest), free(demo), free(results), free(root), free(db);
}

/* The manifest reaches the disk before the set is stored: with no room for
 * the manifest (a full tmpfs; root only, else skipped) the set must not be
 * stored either. */
static void test_build_manifest_full_disk(void **state)
{
    char *dir = *state, cmd[1024];
    char *demo = ts_path(dir, "demo"), *results = ts_path(demo, "results.csv");
    char *root = ts_path(demo, "images"), *db = ts_path(dir, "lab.sqlite");
    char *mnt = ts_path(dir, "mnt"), *manifest = ts_path(mnt, "full.manifest.csv");
    run r = dddlab(dir, "stimuli", "demo-data", "--out", demo, "--classes", "40",
                   "--images-per-class", "10", "--train-per-class", "8", "--png-px", "32", NULL);
    assert_int_equal(r.status, 0);
    run_free(&r);
    mkdir(mnt, 0700);
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=64k tmpfs '%s' 2>/dev/null", mnt);
    if (geteuid() != 0 || system(cmd) != 0) {
        print_message("SKIP: cannot mount a tmpfs here (needs root); full disk not tested\n");
        free(demo), free(results), free(root), free(db), free(mnt), free(manifest);
        skip();
    }
    snprintf(cmd, sizeof cmd, "dd if=/dev/zero of='%s/ballast' bs=4k 2>/dev/null", mnt);
    int filled = system(cmd); /* ends with "no space left": the disk is full */
    (void)filled;
    r = dddlab(dir, "stimuli", "build", results, "--task", "2afc", "--name", "full", "--pairs", "4",
               "--image-root", root, "--db", db, "--manifest", manifest, "--seed", "3",
               "--demo-images", "--near", "1", NULL);
    int manifest_there = access(manifest, F_OK) == 0;
    snprintf(cmd, sizeof cmd, "umount -l '%s'", mnt);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(r.status, 1);
    char want[600];
    snprintf(want, sizeof want, "dddlab: %s: write failed: No space left on device\n", manifest);
    assert_string_equal(r.err, want);
    run_free(&r);
    assert_false(manifest_there);
    assert_int_equal(access(db, F_OK), -1); /* the set was not stored: no database at all */
    free(demo), free(results), free(root), free(db), free(mnt), free(manifest);
}

/* The results options: listed by every reading command's --help, parsed by
 * one parser, warnings printed by the CLI (the library only collects them). */
static void test_results_options_cli(void **state)
{
    char *dir = *state;
    static const char *const cmds[] = {"analyse", "build", "imagestats"};
    static const char *const opts[] = {"--format F",    "--model-col C",      "--image-col C",
                                       "--label-col C", "--prediction-col C", "--correct-col C",
                                       "--epoch-col C", "--image-regex RE",   "--top-k K",
                                       "--labels FILE", "--image-list FILE"};
    for (size_t c = 0; c < 3; c++) {
        run r = dddlab(dir, "stimuli", cmds[c], "--help", NULL);
        assert_int_equal(r.status, 0);
        for (size_t o = 0; o < sizeof opts / sizeof *opts; o++)
            if (!strstr(r.out, opts[o]))
                fail_msg("'stimuli %s --help' does not list %s", cmds[c], opts[o]);
        run_free(&r);
    }
    char *p = th_write(dir, "r.csv",
                       "net,file,truth,guess\na,x,65,65.0\na,y,3,3\nb,x,65,dog\nb,y,3,cat\n");
    run r = dddlab(dir, "stimuli", "analyse", "r.csv", "--model-col", "net", "--image-col", "file",
                   "--label-col", "truth", "--prediction-col", "guess", "--json", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"model_accuracy\":[{\"model\":\"a\",\"accuracy\":1}"));
    assert_string_equal(r.err, "dddlab: warning: r.csv: model 'b': accuracy 0; its predictions "
                               "share no value with the labels (prediction 'dog', label '65', "
                               "...): wrong column?\n");
    run_free(&r);
    r = dddlab(dir, "stimuli", "analyse", "r.csv", "--format", "parquet", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli analyse: --format must be auto, long, wide, "
                               "counts, mvh, timm or npy, not 'parquet' (see 'dddlab help "
                               "stimuli analyse')\n");
    run_free(&r);
    r = dddlab(dir, "stimuli", "build", "r.csv", "--top-k", "0", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli build: --top-k needs a whole number from 1 to "
                               "1000, not '0' (see 'dddlab help stimuli build')\n");
    run_free(&r);
    r = dddlab(dir, "stimuli", "analyse", "r.csv", "--model-col", "net", "--image-regex", "(",
               NULL);
    assert_int_equal(r.status, 1);
    assert_memory_equal(r.err, "dddlab: --image-regex '(': ", 26);
    run_free(&r);
    free(p);
}

/* The number after the first "key": at or after from in a JSON text; NaN if
 * the key is missing or its value is null. */
static double json_after(const char *from, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(from, pat);
    if (!p)
        fail_msg("no %s in %s", pat, from);
    p += strlen(pat);
    return strncmp(p, "null", 4) == 0 ? NAN : strtod(p, NULL);
}

static double cell_num(const dl_csv *c, size_t row, const char *col)
{
    int k = dl_csv_col(c, col);
    if (k < 0)
        fail_msg("%s: no column %s", c->path, col);
    const char *s = c->rows[row][k];
    return *s ? strtod(s, NULL) : NAN;
}

static void assert_same(double x, double y, const char *what)
{
    if (!(x == y || (isnan(x) && isnan(y))))
        fail_msg("%s: stimuli analyse %.17g, consistency %.17g", what, x, y);
}

/* Pairs of subset in ec_pairs.csv against the pair rows of a consistency
 * --out CSV: same order (models in file order), same numbers to the bit. */
static void compare_pairs(const char *stim_csv, const char *subset, const char *con_csv)
{
    dl_csv *s = NULL, *c = NULL;
    dl_error err = {0};
    assert_int_equal(dl_csv_read(stim_csv, &s, &err), 0);
    assert_int_equal(dl_csv_read(con_csv, &c, &err), 0);
    static const char *const cols[] = {"a",         "b",         "kappa",   "kappa_corrected",
                                       "kappa_min", "kappa_max", "p_value", "ci_low",
                                       "ci_high",   "p1",        "p2",      "ec_boundary"};
    size_t k = 0, pairs = 0;
    for (size_t i = 0; i < s->nrows; i++) {
        if (strcmp(s->rows[i][dl_csv_col(s, "subset")], subset) != 0 ||
            strcmp(s->rows[i][0], "pair") != 0)
            continue;
        while (k < c->nrows && strcmp(c->rows[k][0], "pair") != 0)
            k++;
        assert_true(k < c->nrows);
        for (size_t j = 0; j < sizeof cols / sizeof *cols; j++) {
            const char *x = s->rows[i][dl_csv_col(s, cols[j])],
                       *y = c->rows[k][dl_csv_col(c, cols[j])];
            if (j < 2 || j == 11)
                assert_string_equal(x, y);
            else
                assert_same(cell_num(s, i, cols[j]), cell_num(c, k, cols[j]), cols[j]);
        }
        k++, pairs++;
    }
    assert_int_equal(pairs, 15); /* 6 models */
    dl_csv_free(s);
    dl_csv_free(c);
}

/* Issue 13: `stimuli analyse --bootstrap` gives every model pair and the mean
 * the same intervals, bounds and Fisher p as `dddlab consistency` on the same
 * correctness with the same seed, on all images and (consistency run on those
 * images only) on the in-between ones; under both boundary conventions. */
static void test_analyse_ec_matches_consistency(void **state)
{
    char *dir = *state;
    /* 6 models x 90 images; m1 and m2 always right, so their kappa is undefined
     * (or 1 under --ec-boundary one) on every subset. */
    char *all = ts_path(dir, "all.csv"), *mid = ts_path(dir, "mid.csv");
    FILE *fa = fopen(all, "w"), *fm = fopen(mid, "w");
    fputs("model,image,correct\n", fa);
    fputs("model,image,correct\n", fm);
    uint64_t x = 12345;
    int bit[6][90];
    for (int i = 0; i < 90; i++)
        for (int m = 0; m < 6; m++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            bit[m][i] = m < 2 ? 1 : (int)((x >> 33) % 100) < 40 + 10 * m + (i % 3) * 10;
        }
    for (int m = 0; m < 6; m++)
        for (int i = 0; i < 90; i++) {
            int n = 0;
            for (int k = 0; k < 6; k++)
                n += bit[k][i];
            fprintf(fa, "m%d,img%02d,%d\n", m + 1, i, bit[m][i]);
            if (n > 0 && n < 6)
                fprintf(fm, "m%d,img%02d,%d\n", m + 1, i, bit[m][i]);
        }
    fclose(fa);
    fclose(fm);
    static const char *const bounds[] = {"undefined", "one"};
    for (int b = 0; b < 2; b++) {
        char *out = ts_path(dir, b ? "out1" : "out0"), *pairs = ts_path(out, "ec_pairs.csv");
        char *call = ts_path(dir, "c_all.csv"), *cmid = ts_path(dir, "c_mid.csv");
        run s = dddlab(dir, "stimuli", "analyse", all, "--bootstrap", "300", "--seed", "7",
                       "--conf", "0.9", "--ec-boundary", bounds[b], "--json", "--out", out, NULL);
        assert_int_equal(s.status, 0);
        char want[64];
        snprintf(want, sizeof want, "\"ec_boundary\":\"%s\"", bounds[b]);
        assert_non_null(strstr(s.out, want));
        run ca = dddlab(dir, "consistency", all, "--observer-col", "model", "--item-col", "image",
                        "--correct-col", "correct", "--bootstrap", "300", "--seed", "7", "--conf",
                        "0.9", "--ec-boundary", bounds[b], "--json", "--out", call, NULL);
        run cm = dddlab(dir, "consistency", mid, "--observer-col", "model", "--item-col", "image",
                        "--correct-col", "correct", "--bootstrap", "300", "--seed", "7", "--conf",
                        "0.9", "--ec-boundary", bounds[b], "--json", "--out", cmid, NULL);
        assert_int_equal(ca.status, 0);
        assert_int_equal(cm.status, 0);
        const char *sa = strstr(s.out, "\"all\":{"),
                   *sm = sa ? strstr(sa, "\"in_between\":{") : NULL;
        assert_non_null(sa);
        assert_non_null(sm);
        const run *con[2] = {&ca, &cm};
        const char *side[2] = {sa, sm};
        for (int k = 0; k < 2; k++) {
            assert_same(json_after(side[k], "mean"), json_after(con[k]->out, "mean_kappa"), "mean");
            assert_same(json_after(side[k], "mean_ci_low"),
                        json_after(con[k]->out, "mean_kappa_ci_low"), "mean_ci_low");
            assert_same(json_after(side[k], "mean_ci_high"),
                        json_after(con[k]->out, "mean_kappa_ci_high"), "mean_ci_high");
            assert_same(json_after(side[k], "mean_se"), json_after(con[k]->out, "mean_kappa_se"),
                        "mean_se");
            assert_same(json_after(side[k], "images"), json_after(con[k]->out, "items"), "images");
            assert_false(isnan(json_after(side[k], "mean_ci_low")));
        }
        /* the undefined pair m1-m2 is left out (and counted), or counts as 1 */
        assert_same(json_after(sa, "undefined_pairs"), b ? 0 : 1, "undefined_pairs");
        compare_pairs(pairs, "all", call);
        compare_pairs(pairs, "in_between", cmid);
        run_free(&s), run_free(&ca), run_free(&cm);
        free(out), free(pairs), free(call), free(cmid);
    }
    /* the text names the convention and shows the mean's interval */
    run t =
        dddlab(dir, "stimuli", "analyse", all, "--ec-boundary", "one", "--bootstrap", "50", NULL);
    assert_int_equal(t.status, 0);
    assert_non_null(strstr(t.out, "    1 (--ec-boundary one, the older convention)\n"));
    assert_non_null(strstr(t.out, "pairs    ci_low  ci_high\n"));
    assert_non_null(strstr(t.out, "50 replicates resampling\n"));
    run_free(&t);
    run r = dddlab(dir, "stimuli", "analyse", all, "--ec-boundary", "sometimes", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "dddlab stimuli analyse: --ec-boundary must be undefined or one, "
                               "not 'sometimes' (see 'dddlab help stimuli analyse')\n");
    run_free(&r);
    free(all), free(mid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_and_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyse_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyse_out_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyse_ec_matches_consistency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_check_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_manifest_full_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_options_cli, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
