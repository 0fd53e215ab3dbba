/* test_files.c — what dddlab leaves on disk (issue 15, items 8 and 10):
 *   - every output (exports, reports with their figures, manifests, DDD
 *     tables) is mode 0600 under a umask of 022;
 *   - temporary files and folders a killed run left behind are removed by
 *     the next run of the same command, and a merge killed half-way leaves
 *     no database under the output's name;
 *   - on a full disk (a small tmpfs; root only, else skipped) `stimuli
 *     build`, `merge`, `export`, `analyse --out` and `stimuli analyse --out`
 *     fail and leave nothing behind: no 4 KB database, no empty folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "../store/store_fixture.h"
#include "hardening.h"
#include "hd_db.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    if (!getenv("DL_BINARY"))
        return -1;
    umask(022); /* the usual one, which used to give 0644 outputs */
    ts_tmpdir(dir, "dl_store_test");
    hd_make_db(dir, "lab.sqlite");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(dir);
    return 0;
}

/* Every regular file under path (one level of subfolders) is 0600. */
static size_t all_private(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    if (S_ISREG(sb.st_mode)) {
        if ((sb.st_mode & 0777) != 0600)
            fail_msg("%s: mode %o, want 600", path, (unsigned)(sb.st_mode & 0777));
        return 1;
    }
    size_t n = 0;
    DIR *d = opendir(path);
    assert_non_null(d);
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        n += all_private(sub);
    }
    closedir(d);
    return n;
}

static void test_outputs_are_private(void **state)
{
    (void)state;
    hd_run r = {0};
    assert_int_equal(hd_dddlab(&r, dir, "export --table trials --db lab.sqlite --out t.csv"), 0);
    assert_int_equal(all_private(hd_in(dir, "t.csv")), 1);
    assert_int_equal(hd_dddlab(&r, dir, "analyse --db lab.sqlite --set pairs --out rep"), 0);
    size_t n = all_private(hd_in(dir, "rep"));
    assert_true(n >= 5); /* tables, figures (PNG, SVG), report.html, report.md */
    assert_int_equal(all_private(hd_in(dir, "rep/report.html")), 1);
    assert_int_equal(all_private(hd_in(dir, "pairs.manifest.csv")), 1);
    assert_int_equal(hd_dddlab(&r, dir, "stimuli analyse dd/results.csv --out ddd"), 0);
    assert_true(all_private(hd_in(dir, "ddd")) >= 5);
    hd_run_free(&r);
}

/* A pid no process has: a child that has exited and been reaped. */
static long dead_pid(void)
{
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    int st;
    waitpid(p, &st, 0);
    return (long)p;
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("left by a killed run\n", f);
    fclose(f);
}

static void gone(const char *path)
{
    if (access(path, F_OK) == 0)
        fail_msg("%s is still there", path);
}

static void test_stale_temporaries_removed(void **state)
{
    (void)state;
    long dead = dead_pid();
    char p[4][600];
    snprintf(p[0], sizeof p[0], "%s/x.csv.dddlab-tmp.%ld.AbC123", dir, dead);
    snprintf(p[1], sizeof p[1], "%s/m.sqlite.dddlab-new.%ld", dir, dead);
    snprintf(p[2], sizeof p[2], "%s/m.sqlite.dddlab-new.%ld-wal", dir, dead);
    for (int i = 0; i < 3; i++)
        touch(p[i]);
    /* one of a live process (ours) stays */
    snprintf(p[3], sizeof p[3], "%s/x.csv.dddlab-tmp.%ld.LiVe00", dir, (long)getppid());
    touch(p[3]);
    hd_run r = {0};
    assert_int_equal(hd_dddlab(&r, dir, "export --table trials --db lab.sqlite --out x.csv"), 0);
    gone(p[0]);
    assert_int_equal(access(p[3], F_OK), 0);
    unlink(p[3]);
    assert_int_equal(hd_dddlab(&r, dir, "merge --out m.sqlite lab.sqlite"), 0);
    gone(p[1]);
    gone(p[2]);
    /* a staging folder inside a report folder */
    hd_sh(
        "mkdir -p '%s/rep2/.dddlab-tmp.%ld.Q1w2E3' && touch '%s/rep2/.dddlab-tmp.%ld.Q1w2E3/a.csv'",
        dir, dead, dir, dead);
    assert_int_equal(hd_dddlab(&r, dir, "analyse --db lab.sqlite --set pairs --out rep2"), 0);
    char stage[600];
    snprintf(stage, sizeof stage, "%s/rep2/.dddlab-tmp.%ld.Q1w2E3", dir, dead);
    gone(stage);
    hd_run_free(&r);
}

/* Merge into a new file, or export, and kill it half-way: nothing
 * half-made under the output's name (or, if it won the race, a complete
 * file), and the next run removes the killed one's temporary file. */
static void test_merge_killed(void **state)
{
    (void)state;
    /* a bigger input, so the merge takes a while: 40 sessions of 200 trials */
    dl_error err = {0};
    dl_store *st;
    assert_int_equal(dl_store_open(hd_in(dir, "big.sqlite"), 0, &st, &err), 0);
    dl_stim_set *set = fx_set_2afc("big", 200, 0, "b");
    assert_int_equal(dl_store_add_set(st, set, &err), 0);
    for (int k = 0; k < 40; k++) {
        char code[16];
        snprintf(code, sizeof code, "K%d", k);
        dl_observer o = {.code = code, .age = -1, .vision_corrected = -1, .naive = -1};
        assert_int_equal(dl_store_ensure_observer(st, &o, &err), 0);
        dl_session x;
        fx_session(&x, o.id, set->id, 200);
        assert_int_equal(dl_store_start_session(st, &x, &err), 0);
        for (int i = 0; i < 200; i++) {
            dl_trial t = fx_trial(x.id, i);
            assert_int_equal(dl_store_log_trial(st, &t, &err), 0);
        }
        dl_store_session_clear(&x);
    }
    dl_stim_set_free(set);
    dl_store_close(st);
    for (int delay_ms = 5; delay_ms <= 40; delay_ms += 35) {
        pid_t p = fork();
        if (p == 0) {
            char bin[1024];
            snprintf(bin, sizeof bin, "%s", getenv("DL_BINARY"));
            if (chdir(dir) != 0)
                _exit(99);
            execl(bin, bin, "merge", "--out", "killed.sqlite", "big.sqlite", (char *)NULL);
            _exit(98);
        }
        struct timespec ts = {0, (long)delay_ms * 1000000L};
        nanosleep(&ts, NULL);
        kill(p, SIGKILL);
        int status;
        waitpid(p, &status, 0);
        hd_run r = {0};
        if (access(hd_in(dir, "killed.sqlite"), F_OK) == 0) { /* it had finished: complete */
            assert_int_equal(hd_dddlab(&r, dir, "db check --db killed.sqlite"), 0);
            hd_has(r.out, "trials           8000");
            hd_sh("rm -f '%s/killed.sqlite'*", dir);
        }
        assert_int_equal(access(hd_in(dir, "killed.sqlite-wal"), F_OK), -1);
        /* the next merge completes and tidies up the killed one's file */
        assert_int_equal(hd_dddlab(&r, dir, "merge --out killed.sqlite big.sqlite"), 0);
        char left[600];
        snprintf(left, sizeof left, "%s/killed.sqlite.dddlab-new.%ld", dir, (long)p);
        gone(left);
        hd_sh("rm -f '%s/killed.sqlite'*", dir);
        hd_run_free(&r);
    }
    /* the same for an export: no half CSV under its name, and the next
     * export removes what the killed one left */
    for (int delay_ms = 5; delay_ms <= 25; delay_ms += 20) {
        pid_t p = fork();
        if (p == 0) {
            char bin[1024];
            snprintf(bin, sizeof bin, "%s", getenv("DL_BINARY"));
            if (chdir(dir) != 0)
                _exit(99);
            execl(bin, bin, "export", "--table", "trials", "--db", "big.sqlite", "--out",
                  "killed.csv", (char *)NULL);
            _exit(98);
        }
        struct timespec ts = {0, (long)delay_ms * 1000000L};
        nanosleep(&ts, NULL);
        kill(p, SIGKILL);
        int status;
        waitpid(p, &status, 0);
        if (access(hd_in(dir, "killed.csv"), F_OK) == 0) { /* it had finished: complete */
            char *csv = hd_slurp(hd_in(dir, "killed.csv"));
            size_t lines = 0;
            for (const char *c = csv; *c; c++)
                lines += *c == '\n';
            assert_int_equal(lines, 8001);
            free(csv);
        }
        hd_run r = {0};
        assert_int_equal(
            hd_dddlab(&r, dir, "export --table trials --db big.sqlite --out killed.csv"), 0);
        hd_run_free(&r);
        hd_sh("ls -a '%s' | grep -q 'killed.csv.dddlab-tmp' && exit 1 || exit 0", dir);
        unlink(hd_in(dir, "killed.csv"));
    }
}

/* ---- full disk ---------------------------------------------------------------- */

/* Mount a 256 KiB tmpfs on DIR/mnt and fill it to within room KiB. */
static int full_tmpfs(int room_kib)
{
    char cmd[1024];
    mkdir(hd_in(dir, "mnt"), 0700);
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=256k tmpfs '%s' 2>/dev/null",
             hd_in(dir, "mnt"));
    if (geteuid() != 0 || system(cmd) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "dd if=/dev/zero of='%s/ballast' bs=4k count=%d 2>/dev/null",
             hd_in(dir, "mnt"), (256 - room_kib) / 4);
    if (system(cmd) != 0)
        return -1;
    return 0;
}

static void unmount(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "umount -l '%s'", hd_in(dir, "mnt"));
    if (system(cmd) != 0)
        fprintf(stderr, "could not unmount %s\n", hd_in(dir, "mnt"));
}

static void test_full_disk(void **state)
{
    (void)state;
    static const struct {
        int room_kib;
        const char *args;
    } cmds[] = {
        {8, "stimuli build dd/results.csv --task 2afc --name full --pairs 30 --near 4 "
            "--demo-images --image-root dd/images --db mnt/new.sqlite --manifest full.manifest.csv "
            "--seed 5"},
        {24, "stimuli build dd/results.csv --task 2afc --name full --pairs 30 --near 4 "
             "--demo-images --image-root dd/images --db mnt/new.sqlite --manifest full.manifest.csv "
            "--seed 5"},
        {8, "merge --out mnt/merged.sqlite lab.sqlite"},
        {24, "merge --out mnt/merged.sqlite lab.sqlite"},
        {0, "export --table trials --db lab.sqlite --out mnt/t.csv"},
        {0, "analyse --db lab.sqlite --set pairs --out mnt/rep"},
        {8, "analyse --db lab.sqlite --set pairs --out mnt/rep"},
        {0, "stimuli analyse dd/results.csv --out mnt/ddd"},
        {4, "stimuli analyse dd/results.csv --out mnt/ddd"},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        if (full_tmpfs(cmds[i].room_kib) != 0) {
            print_message("SKIP: cannot mount a tmpfs here (needs root and mount rights); "
                          "full disk not tested\n");
            skip();
        }
        hd_run r = {0};
        int status = hd_dddlab(&r, dir, cmds[i].args);
        char what[1200];
        snprintf(what, sizeof what, "dddlab %s (%d KiB free)", cmds[i].args, cmds[i].room_kib);
        DIR *d = opendir(hd_in(dir, "mnt"));
        size_t left = 0;
        const struct dirent *e;
        while (d && (e = readdir(d)) != NULL)
            left += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
                    strcmp(e->d_name, "ballast");
        if (d)
            closedir(d);
        unmount();
        if (status != 1)
            fail_msg("%s: exit %d, want 1\n%s", what, status, r.err);
        if (!strstr(r.err, "No space left on device") && !strstr(r.err, "disk is full"))
            fail_msg("%s: no full-disk message:\n%s", what, r.err);
        if (left)
            fail_msg("%s left %zu entries on the full disk", what, left);
        gone(hd_in(dir, "full.manifest.csv"));
        hd_run_free(&r);
    }
}

/* Item 11: names from the data reach report.md as text, not markup. */
static void test_report_md_escaped(void **state)
{
    (void)state;
    hd_sh("cp '%s/lab.sqlite' '%s/evil.sqlite'", dir, dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s/evil.sqlite' \"UPDATE observers SET code = "
             "'<script>alert(1)</script>[x](javascript:y)|*b*'\" 2>/dev/null",
             dir);
    if (system(cmd) != 0) { /* no sqlite3 shell: through the library */
        sqlite3 *h = NULL;
        assert_int_equal(sqlite3_open(hd_in(dir, "evil.sqlite"), &h), SQLITE_OK);
        assert_int_equal(sqlite3_exec(h,
                                      "UPDATE observers SET code = "
                                      "'<script>alert(1)</script>[x](javascript:y)|*b*'",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(h);
    }
    hd_run r = {0};
    /* the command line, shown in a code block, holds a run of 4 backticks */
    assert_int_equal(hd_dddlab(&r, dir,
                               "analyse --db evil.sqlite --set pairs --out 'evil````<b>'"),
                     0);
    hd_run_free(&r);
    char *md = hd_slurp(hd_in(dir, "evil````<b>/report.md"));
    char *html = hd_slurp(hd_in(dir, "evil````<b>/report.html"));
    assert_null(strstr(md, "<script>"));
    assert_null(strstr(html, "<script>"));
    hd_has(md, "&lt;script&gt;alert(1)&lt;/script&gt;\\[x\\](javascript:y)\\|\\*b\\*");
    hd_has(html, "&lt;script&gt;alert(1)&lt;/script&gt;[x](javascript:y)|*b*");
    /* a fence of 5 backticks around it, so the 4 cannot end the code block */
    hd_has(md, "\n`````\ndddlab analyse");
    assert_null(strstr(md, "\n````\n"));
    free(md);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs_are_private),
        cmocka_unit_test(test_stale_temporaries_removed),
        cmocka_unit_test(test_merge_killed),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_report_md_escaped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
