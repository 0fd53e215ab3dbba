/* bench_store.c — latency of logging one trial (its own transaction, fsynced
 * WAL) with synchronous=FULL, the store's setting, and with NORMAL as the
 * baseline that skips the per-commit fsync.
 *
 * usage: bench_store [--trials N] [--dir FOLDER]
 * The database goes in FOLDER (default: the current folder), because the
 * disk under the lab's database is what the number is about. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_internal.h"

/* Nearest-rank quantile of sorted v. */
static double quantile(const double *v, size_t n, double q)
{
    size_t k = (size_t)(q * (double)n + 0.999999);
    return v[k == 0 ? 0 : (k > n ? n - 1 : k - 1)];
}

typedef struct result {
    double median_ms, p99_ms, max_ms, mean_ms, total_s;
} result;

static void summarise(double *lat, size_t n, double total_s, result *r)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += lat[i];
    qsort(lat, n, sizeof *lat, dl_cmp_double);
    r->median_ms = quantile(lat, n, 0.5);
    r->p99_ms = quantile(lat, n, 0.99);
    r->max_ms = lat[n - 1];
    r->mean_ms = sum / (double)n;
    r->total_s = total_s;
}

static int setup_session(dl_store *st, size_t n, int64_t *sid, dl_error *err)
{
    dl_observer o = {.code = "bench", .age = -1, .vision_corrected = -1, .naive = -1};
    int rc = dl_store_ensure_observer(st, &o, err);
    dl_set_image a = {.path = "t.png", .width_px = 224, .height_px = 224, .difficulty = "trivial"};
    dl_set_image b = {.path = "x.png", .width_px = 224, .height_px = 224, .difficulty = "impossible"};
    dl_sha256_buf("t", 1, a.sha256);
    dl_sha256_buf("x", 1, b.sha256);
    dl_set_item item = {.index = 0, .a = a, .b = b};
    dl_stim_set set = {.name = "bench", .task = "2afc", .nitems = 1, .items = &item};
    if (!rc)
        rc = dl_store_add_set(st, &set, err);
    free(set.created_utc);
    free(set.content_sha256);
    dl_session x = {.observer_id = o.id, .set_id = set.id, .norder = 0};
    (void)n;
    if (!rc)
        rc = dl_store_start_session(st, &x, err);
    *sid = x.id;
    dl_store_session_clear(&x);
    return rc;
}

static int run(const char *dir, const char *sync_pragma, size_t n, result *r, dl_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_store.%d.sqlite", dir, (int)getpid());
    dl_store *st = NULL;
    int64_t sid = 0;
    double *lat = malloc(n * sizeof *lat);
    int rc = lat ? dl_store_open(path, 0, &st, err) : DL_ENOMEM;
    if (!rc)
        rc = st_exec(st, sync_pragma, "set synchronous", err);
    if (!rc)
        rc = setup_session(st, n, &sid, err);
    double t0 = dl_now_s();
    for (size_t i = 0; !rc && i < n; i++) {
        dl_trial t = {.session_id = sid,
                      .index = (int)i,
                      .item_index = 0,
                      .left_image = "t.png",
                      .right_image = "x.png",
                      .choice = (int)(i % 2),
                      .correct = i % 2 == 0,
                      .rt_ms = 612.5,
                      .onset_s = (double)i,
                      .response_s = (double)i + 0.6};
        double s = dl_now_s();
        rc = dl_store_log_trial(st, &t, err);
        lat[i] = (dl_now_s() - s) * 1000.0;
    }
    if (!rc)
        summarise(lat, n, dl_now_s() - t0, r);
    dl_store_close(st);
    free(lat);
    char side[4200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return rc;
}

/* The disk's own floor: append 4 KiB and fdatasync, n times. No store can
 * commit durably faster than this. */
static int run_raw(const char *dir, size_t n, result *r, dl_error *err)
{
    char path[4096], page[4096];
    snprintf(path, sizeof path, "%s/bench_store.%d.raw", dir, (int)getpid());
    memset(page, 0x5a, sizeof page);
    double *lat = malloc(n * sizeof *lat);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!lat || fd < 0) {
        free(lat);
        if (fd >= 0)
            close(fd);
        return dl_fail(err, DL_EIO, "%s: cannot create", path);
    }
    int rc = 0;
    double t0 = dl_now_s();
    for (size_t i = 0; !rc && i < n; i++) {
        double s = dl_now_s();
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page || fdatasync(fd) != 0)
            rc = dl_fail(err, DL_EIO, "%s: write failed", path);
        lat[i] = (dl_now_s() - s) * 1000.0;
    }
    if (!rc)
        summarise(lat, n, dl_now_s() - t0, r);
    close(fd);
    unlink(path);
    free(lat);
    return rc;
}

static void print_row(const char *name, const result *r)
{
    printf("%-26s %10.3f %10.3f %10.3f %10.3f %10.2f\n", name, r->median_ms, r->p99_ms, r->max_ms,
           r->mean_ms, r->total_s);
}

int main(int argc, char **argv)
{
    size_t n = 10000;
    const char *dir = ".";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--trials") == 0)
            n = (size_t)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
    }
    if (n == 0)
        n = 1;
    result full, normal, raw;
    dl_error err = {0};
    if (run(dir, "PRAGMA synchronous = FULL", n, &full, &err) != 0 ||
        run(dir, "PRAGMA synchronous = NORMAL", n, &normal, &err) != 0 ||
        run_raw(dir, n, &raw, &err) != 0) {
        fprintf(stderr, "bench_store: %s\n", err.msg);
        return 1;
    }
    printf("log_trial, %zu trials, one transaction each, WAL, database in %s\n", n, dir);
    printf("%-26s %10s %10s %10s %10s %10s\n", "", "median_ms", "p99_ms", "max_ms", "mean_ms",
           "total_s");
    print_row("synchronous=FULL (store)", &full);
    print_row("synchronous=NORMAL", &normal);
    print_row("raw 4 KiB write+fdatasync", &raw);
    printf("FULL / NORMAL: median x%.1f, p99 x%.1f; FULL / raw fdatasync: p99 x%.1f\n",
           full.median_ms / normal.median_ms, full.p99_ms / normal.p99_ms,
           full.p99_ms / raw.p99_ms);
    printf("target p99 < 5 ms: %s\n", full.p99_ms < 5.0 ? "met" : "NOT met");
    return 0;
}
