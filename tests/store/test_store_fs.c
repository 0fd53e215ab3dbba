/* test_store_fs.c — the store on file systems that fight back: a read-only
 * folder and a full disk. Both need a small tmpfs we mount ourselves (root
 * ignores chmod, so a read-only mount is the honest test); when mounting is
 * not allowed here the tests skip with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>

#include "store_fixture.h"

typedef struct fs_fx {
    char dir[256];
    char mnt[300];
    int mounted;
    dl_error err;
} fs_fx;

/* Run "mount OPTS 'DIR'" (quiet); 0 on success. */
static int run_mount(const char *opts, const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "%s '%s' 2>/dev/null", opts, dir);
    return system(cmd);
}

static int setup(void **state)
{
    fs_fx *f = calloc(1, sizeof *f);
    ts_tmpdir(f->dir, "dl_store_test");
    snprintf(f->mnt, sizeof f->mnt, "%s/mnt", f->dir);
    if (mkdir(f->mnt, 0700) != 0) {
        ts_rmtree(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fs_fx *f = *state;
    if (f->mounted)
        run_mount("umount -l", f->mnt);
    ts_rmtree(f->dir);
    free(f);
    return 0;
}

/* Mount a tmpfs of size (e.g. "512k") on f->mnt, or skip the test. */
static void mount_tmpfs(fs_fx *f, const char *size)
{
    char opts[64];
    snprintf(opts, sizeof opts, "mount -t tmpfs -o size=%s tmpfs", size);
    if (geteuid() != 0 || run_mount(opts, f->mnt) != 0) {
        print_message("SKIP: cannot mount a tmpfs here (needs root and mount rights); "
                      "read-only and full-disk behaviour not tested\n");
        skip();
    }
    f->mounted = 1;
}

/* A store at path with observer, set and a running session; returns it open. */
static dl_store *store_with_session(fs_fx *f, const char *path, int64_t *sid)
{
    dl_store *st = NULL;
    assert_int_equal(dl_store_open(path, 0, &st, &f->err), 0);
    dl_observer o = {.code = "O1", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(st, &o, &f->err), 0);
    dl_stim_set *set = fx_set_2afc("s", 4, 0, "");
    assert_int_equal(dl_store_add_set(st, set, &f->err), 0);
    dl_session x;
    fx_session(&x, o.id, set->id, 3000);
    int rc = dl_store_start_session(st, &x, &f->err);
    if (rc)
        fprintf(stderr, "%s\n", f->err.msg);
    assert_int_equal(rc, 0);
    *sid = x.id;
    dl_store_session_clear(&x);
    dl_stim_set_free(set);
    return st;
}

static void test_read_only_folder(void **state)
{
    fs_fx *f = *state;
    mount_tmpfs(f, "1m");
    char path[400], fresh[400];
    snprintf(path, sizeof path, "%s/lab.sqlite", f->mnt);
    snprintf(fresh, sizeof fresh, "%s/new.sqlite", f->mnt);
    int64_t sid;
    dl_store *st = store_with_session(f, path, &sid);
    dl_trial t = fx_trial(sid, 0);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), 0);
    dl_store_close(st);
    assert_int_equal(run_mount("mount -o remount,ro", f->mnt), 0);

    /* A new database cannot be made there. */
    st = NULL;
    assert_int_equal(dl_store_open(fresh, 0, &st, &f->err), DL_EIO);
    assert_null(st);
    assert_non_null(strstr(f->err.msg, "new.sqlite"));
    assert_non_null(strstr(f->err.msg, "Read-only file system"));
    /* The existing one cannot be opened for writing, and says why. */
    int rc = dl_store_open(path, 0, &st, &f->err);
    assert_int_equal(rc, DL_EIO);
    assert_non_null(strstr(f->err.msg, "lab.sqlite"));
    assert_non_null(strstr(f->err.msg, "read-only"));
    /* Reading still works: `sessions list` and `export` from a locked-down
     * stick must not need write access. */
    rc = dl_store_open(path, DL_STORE_READONLY, &st, &f->err);
    if (rc)
        fprintf(stderr, "%s\n", f->err.msg);
    assert_int_equal(rc, 0);
    size_t next = 0;
    assert_int_equal(dl_store_next_index(st, sid, &next, &f->err), 0);
    assert_int_equal(next, 1);
    t = fx_trial(sid, 1);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), DL_EIO);
    assert_non_null(strstr(f->err.msg, "read-only"));
    dl_store_close(st);
}

/* Log trials with long image names until the disk is full. */
static void test_full_disk(void **state)
{
    fs_fx *f = *state;
    mount_tmpfs(f, "512k");
    char path[400], ballast[400];
    snprintf(path, sizeof path, "%s/lab.sqlite", f->mnt);
    snprintf(ballast, sizeof ballast, "%s/ballast", f->mnt);
    /* Space we can give back afterwards, to show the store then carries on. */
    FILE *fp = fopen(ballast, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 64 * 1024; i++)
        fputc(0, fp);
    fclose(fp);
    int64_t sid;
    dl_store *st = store_with_session(f, path, &sid);
    char name[300];
    memset(name, 'n', sizeof name - 5);
    memcpy(name + sizeof name - 5, ".png", 5);
    int rc = 0, logged = 0;
    for (; logged < 100000; logged++) {
        dl_trial t = fx_trial(sid, logged);
        t.left_image = t.right_image = name;
        if ((rc = dl_store_log_trial(st, &t, &f->err)) != 0)
            break;
    }
    assert_int_equal(rc, DL_EFULL);
    assert_true(logged > 0);
    print_message("disk full after %d trials\n", logged);
    assert_non_null(strstr(f->err.msg, "lab.sqlite"));
    assert_non_null(strstr(f->err.msg, "disk is full"));
    char want[64];
    snprintf(want, sizeof want, "log trial %d", logged);
    assert_non_null(strstr(f->err.msg, want));
    /* Every trial whose call returned is there, and the failed one is not. */
    size_t next = 0;
    assert_int_equal(dl_store_next_index(st, sid, &next, &f->err), 0);
    assert_int_equal(next, (size_t)logged);
    dl_store_close(st);
    assert_int_equal(unlink(ballast), 0);
    dl_store_report r;
    assert_int_equal(dl_store_check(path, &r, &f->err), 0);
    assert_true(r.integrity_ok);
    assert_int_equal(r.trials, logged);
    /* With space back, the session resumes at the next index. */
    assert_int_equal(dl_store_open(path, 0, &st, &f->err), 0);
    dl_trial t = fx_trial(sid, logged);
    assert_int_equal(dl_store_log_trial(st, &t, &f->err), 0);
    assert_int_equal(dl_store_next_index(st, sid, &next, &f->err), 0);
    assert_int_equal(next, (size_t)logged + 1);
    dl_store_close(st);
}

/* A merge into a new file on a full disk fails while the new file gets its
 * schema; the file it made must not be left behind, half a database. */
static void test_merge_full_disk(void **state)
{
    fs_fx *f = *state;
    char src[400], dst[400], ballast[400], side[420];
    snprintf(src, sizeof src, "%s/station.sqlite", f->dir);
    int64_t sid;
    dl_store_close(store_with_session(f, src, &sid));
    mount_tmpfs(f, "256k");
    snprintf(dst, sizeof dst, "%s/all.sqlite", f->mnt);
    snprintf(ballast, sizeof ballast, "%s/ballast", f->mnt);
    FILE *fp = fopen(ballast, "wb");
    assert_non_null(fp);
    char block[4096] = {0};
    while (fwrite(block, 1, sizeof block, fp) == sizeof block && fflush(fp) == 0)
        ;
    fclose(fp); /* the disk is full now */
    const char *srcs[] = {src};
    int rc = dl_store_merge(dst, srcs, 1, &f->err);
    assert_int_equal(rc, DL_EFULL);
    assert_non_null(strstr(f->err.msg, "all.sqlite"));
    assert_non_null(strstr(f->err.msg, "disk is full"));
    assert_int_equal(access(dst, F_OK), -1);
    snprintf(side, sizeof side, "%s-wal", dst);
    assert_int_equal(access(side, F_OK), -1);
    snprintf(side, sizeof side, "%s-shm", dst);
    assert_int_equal(access(side, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_only_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_full_disk, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
