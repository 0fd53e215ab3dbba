/* util.c — small pieces several modules need once each: a qsort comparison
 * for doubles, kernel random bytes, array growth, the "-" cell for a
 * missing number and the task names. Kept here so each exists once. */
#include "dl_common.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int dl_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int dl_random_bytes(void *buf, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return DL_EIO;
    unsigned char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return got == n ? 0 : DL_EIO;
}

int dl_grow(void *pp, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return DL_ENOMEM;
        ncap *= 2;
    }
    /* pp is the address of some T *: read and write it as bytes, as a T **
     * cannot be passed as a void ** in portable C. */
    void *old;
    memcpy(&old, pp, sizeof old);
    void *p = dl_realloc_array(old, ncap, elem);
    if (!p)
        return DL_ENOMEM;
    memcpy(pp, &p, sizeof p);
    *cap = ncap;
    return 0;
}

const char *dl_fmt_num(char buf[DL_NUM_CELL], double v, int width, int prec)
{
    if (isfinite(v))
        snprintf(buf, DL_NUM_CELL, "%*.*f", width, prec, v);
    else
        snprintf(buf, DL_NUM_CELL, "%*s", width, "-");
    return buf;
}

int dl_task_parse(const char *s)
{
    if (!s)
        return 0;
    /* "2AFC" as written in papers is accepted too. */
    if (strcasecmp(s, "2afc") == 0)
        return DL_TASK_2AFC;
    if (strcasecmp(s, "rating") == 0)
        return DL_TASK_RATING;
    return 0;
}

const char *dl_task_name(int task)
{
    return task == DL_TASK_2AFC ? "2afc" : task == DL_TASK_RATING ? "rating" : "unknown";
}
