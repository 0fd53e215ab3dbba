/* error.c — error codes and the one place their messages are made. */
#include "dl_common.h"
#include "dl_version.h"

#include <string.h>

const char *dl_strerror(int code)
{
#define DL_ERRNO_MSG_(name, value, msg)                                                \
    case (value): return (msg);
    switch (code) {
        DL_ERRNO_MAP(DL_ERRNO_MSG_)
    default: return "unknown error";
    }
#undef DL_ERRNO_MSG_
}

const char *dl_err_name(int code)
{
#define DL_ERRNO_NAME_(name, value, msg)                                               \
    case (value): return "DL_" #name;
    switch (code) {
        DL_ERRNO_MAP(DL_ERRNO_NAME_)
    default: return "DL_UNKNOWN";
    }
#undef DL_ERRNO_NAME_
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
