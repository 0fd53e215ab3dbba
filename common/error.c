/* error.c — error codes and the one place their messages are made. */
#include "dl_common.h"
#include "dl_version.h"

#include <string.h>

const char *dl_strerror(int code)
{
    switch (code) {
    case DL_OK: return "success";
    case DL_EINVAL: return "invalid data";
    case DL_ENOMEM: return "out of memory";
    case DL_EIO: return "input/output error";
    case DL_ENOENT: return "not found";
    case DL_EEXIST: return "already exists";
    case DL_EBUSY: return "database is locked";
    case DL_ECORRUPT: return "file is corrupt";
    case DL_ESCHEMA: return "database schema is newer than this program";
    case DL_EFULL: return "disk is full";
    case DL_EUNDEF: return "undefined for this input";
    case DL_EABORT: return "aborted";
    case DL_EDISPLAY: return "no display";
    default: return "unknown error";
    }
}

/* The name in parentheses is not expanded by dl_common.h's analyzer macro. */
int(dl_fail)(dl_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int dl_fail_prefix(dl_error *err, const char *fmt, ...)
{
    if (!err)
        return DL_EINVAL;
    char prefix[DL_ERROR_MAX];
    char old[DL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t n = strlen(prefix);
    if (n >= sizeof err->msg)
        n = sizeof err->msg - 1;
    memcpy(err->msg, prefix, n);
    size_t rest = strnlen(old, sizeof old - 1);
    if (rest > sizeof err->msg - 1 - n)
        rest = sizeof err->msg - 1 - n;
    memcpy(err->msg + n, old, rest);
    err->msg[n + rest] = '\0';
    return err->code;
}

const char *dl_version(void) { return DL_VERSION_STRING; }
const char *dl_git_revision(void) { return DL_GIT_REVISION; }
