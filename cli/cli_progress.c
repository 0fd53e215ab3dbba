/* cli_progress.c — the one-line progress display on stderr that the command
 * line draws for long work. Libraries only report through a dl_progress_fn;
 * they never draw. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_progress_begin(cli_progress *p, const char *label, uint64_t total)
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

void cli_progress_update(cli_progress *p, uint64_t done)
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

void cli_progress_end(cli_progress *p)
{
    if (p->enabled && p->shown && !p->ended)
        fprintf(stderr, "\r%s: done in %.1f s%20s\n", p->label, dl_now_s() - p->start_s, "");
    p->ended = 1;
}

void cli_progress_cb(void *ctx, size_t done, size_t total)
{
    cli_progress *p = ctx;
    if (p->ended)
        return;
    if (!p->started)
        p->start_s = p->last_s = dl_now_s();
    p->started = 1;
    p->total = total;
    cli_progress_update(p, done);
    if (total && done >= total)
        cli_progress_end(p);
}
