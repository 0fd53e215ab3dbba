/* progress.c — clocks, and the one-line progress display on stderr that the
 * command line draws for long work (libraries only report through a
 * dl_progress_fn; they never call the display). */
#include "dl_common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double dl_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void dl_utc_iso(char buf[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char base[20];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, 32, "%.19s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
}

void dl_progress_begin(dl_progress *p, const char *label, uint64_t total)
{
    const char *force = getenv("DL_PROGRESS");
    p->label = label;
    p->total = total;
    p->done = 0;
    p->start_s = p->last_s = dl_now_s();
    p->enabled = force ? strcmp(force, "1") == 0 : isatty(STDERR_FILENO);
    p->shown = 0;
    p->started = p->ended = 0;
}

void dl_progress_update(dl_progress *p, uint64_t done)
{
    p->done = done;
    if (!p->enabled)
        return;
    double now = dl_now_s();
    /* Quiet for short work; at most ten updates a second. */
    if (now - p->start_s < 0.5 || now - p->last_s < 0.1)
        return;
    p->last_s = now;
    p->shown = 1;
    if (p->total)
        fprintf(stderr, "\r%s: %llu / %llu (%.0f%%)   ", p->label, (unsigned long long)done,
                (unsigned long long)p->total, 100.0 * (double)done / (double)p->total);
    else
        fprintf(stderr, "\r%s: %llu   ", p->label, (unsigned long long)done);
    fflush(stderr);
}

void dl_progress_end(dl_progress *p)
{
    if (p->enabled && p->shown && !p->ended)
        fprintf(stderr, "\r%s: done in %.1f s%20s\n", p->label, dl_now_s() - p->start_s, "");
    p->ended = 1;
}

void dl_progress_cb(void *ctx, size_t done, size_t total)
{
    dl_progress *p = ctx;
    if (p->ended)
        return;
    if (!p->started)
        p->start_s = p->last_s = dl_now_s();
    p->started = 1;
    p->total = total;
    dl_progress_update(p, done);
    if (total && done >= total)
        dl_progress_end(p);
}
