/* hardening.h — shared by the hardening tests (issue 15): run the real dddlab
 * binary (DL_BINARY) in a folder, capture its streams, find source files. */
#ifndef HARDENING_H
#define HARDENING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct hd_run {
    char *out, *err; /* what the command printed */
} hd_run;

/* dir/name in one of four rotating buffers, so a call may take up to four
 * such paths at once. */
static inline char *hd_in(const char *dir, const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Run a shell command made from fmt; fails the test unless it exits 0. */
static inline void hd_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void hd_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fail_msg("failed: %s", cmd);
}

static inline void hd_source_path(char *buf, size_t size, const char *rel)
{
    const char *src = getenv("DL_SOURCE_DIR");
    if (!src)
        fail_msg("DL_SOURCE_DIR is not set (run the test through ctest)");
    snprintf(buf, size, "%s/%s", src, rel);
}

static inline char *hd_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2)
            s = realloc(s, cap *= 2);
    }
    s[len] = 0;
    fclose(f);
    return s;
}

static inline void hd_run_free(hd_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Run `PREFIX dddlab ARGS` (shell words; prefix may be NULL, e.g. a
 * setpriv that drops root) in folder dir (NULL: the current one); returns
 * the exit status. r must start zeroed; an older run in it is freed. */
static inline int hd_dddlab_as(hd_run *r, const char *dir, const char *prefix, const char *args)
{
    hd_run_free(r);
    const char *bin = getenv("DL_BINARY");
    if (!bin)
        fail_msg("DL_BINARY is not set (run the test through ctest)");
    char tmpl[] = "/tmp/hd_run.XXXXXX";
    if (!mkdtemp(tmpl))
        fail_msg("mkdtemp failed");
    char cmd[8192];
    if (prefix)
        chmod(tmpl, 0777); /* the dropped user writes the streams there */
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s >'%s/out' 2>'%s/err' </dev/null",
             dir ? dir : ".", prefix ? prefix : "", bin, args, tmpl, tmpl);
    int status = system(cmd);
    char path[64];
    snprintf(path, sizeof path, "%s/out", tmpl);
    r->out = hd_slurp(path);
    unlink(path);
    snprintf(path, sizeof path, "%s/err", tmpl);
    r->err = hd_slurp(path);
    unlink(path);
    rmdir(tmpl);
    if (!WIFEXITED(status))
        fail_msg("dddlab %s did not exit normally", args);
    return WEXITSTATUS(status);
}

static inline int hd_dddlab(hd_run *r, const char *dir, const char *args)
{
    return hd_dddlab_as(r, dir, NULL, args);
}

static inline void hd_has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("expected '%s' in:\n%s", want, text);
}

#endif
