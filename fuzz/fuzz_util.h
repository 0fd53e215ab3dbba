/* fuzz_util.h — shared by the libFuzzer targets: the readers under test take
 * a path, so each input is written to one scratch file per process first
 * (in $TMPDIR, removed at exit). */
#ifndef DL_FUZZ_UTIL_H
#define DL_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fz_path[512];

static void fz_cleanup(void)
{
    if (fz_path[0])
        unlink(fz_path);
}

/* The scratch file, holding data; its name ends in suffix (".csv"). */
static inline const char *fz_file(const uint8_t *data, size_t size, const char *suffix)
{
    if (!fz_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fz_path, sizeof fz_path, "%s/dl_fuzz_%ld%s", tmp && *tmp ? tmp : "/tmp",
                 (long)getpid(), suffix);
        atexit(fz_cleanup);
    }
    FILE *f = fopen(fz_path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    return fz_path;
}

#endif
