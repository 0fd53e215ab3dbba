/* fileio.c — atomic writes (temp file, fsync, rename, fsync folder), mkdir -p,
 * whole-file reads. */
#include "dl_common.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int io_code(int e) { return e == ENOSPC || e == EDQUOT ? DL_EFULL : e == ENOENT ? DL_ENOENT : DL_EIO; }

int dl_atomic_open(dl_atomic *a, const char *path, dl_error *err)
{
    a->fp = NULL;
    a->path = dl_strdup(path);
    size_t n = strlen(path) + 32;
    a->tmp_path = malloc(n);
    if (!a->path || !a->tmp_path) {
        dl_atomic_abort(a);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    }
    snprintf(a->tmp_path, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(a->tmp_path);
    if (fd < 0) {
        int e = errno;
        free(a->tmp_path);
        a->tmp_path = NULL;
        dl_atomic_abort(a);
        return dl_fail(err, io_code(e), "%s: cannot create: %s", path, strerror(e));
    }
    fchmod(fd, 0644);
    a->fp = fdopen(fd, "w");
    if (!a->fp) {
        close(fd);
        dl_atomic_abort(a);
        return dl_fail(err, DL_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    return 0;
}

static void fsync_dir(const char *path)
{
    char *copy = dl_strdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

int dl_atomic_commit(dl_atomic *a, dl_error *err)
{
    int rc = 0;
    if (fflush(a->fp) != 0 || ferror(a->fp) || fsync(fileno(a->fp)) != 0) {
        int e = errno;
        rc = dl_fail(err, io_code(e), "%s: write failed: %s", a->path, strerror(e));
        goto fail;
    }
    if (fclose(a->fp) != 0) {
        a->fp = NULL;
        int e = errno;
        rc = dl_fail(err, io_code(e), "%s: write failed: %s", a->path, strerror(e));
        goto fail;
    }
    a->fp = NULL;
    if (rename(a->tmp_path, a->path) != 0) {
        int e = errno;
        rc = dl_fail(err, io_code(e), "%s: cannot rename into place: %s", a->path, strerror(e));
        goto fail;
    }
    fsync_dir(a->path);
    free(a->tmp_path);
    a->tmp_path = NULL;
    dl_atomic_abort(a);
    return 0;
fail:
    dl_atomic_abort(a);
    return rc;
}

void dl_atomic_abort(dl_atomic *a)
{
    if (a->fp)
        fclose(a->fp);
    if (a->tmp_path)
        unlink(a->tmp_path);
    free(a->tmp_path);
    free(a->path);
    a->fp = NULL;
    a->tmp_path = NULL;
    a->path = NULL;
}

int dl_mkdir_p(const char *path, dl_error *err)
{
    char *p = dl_strdup(path);
    if (!p)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            return dl_fail(err, io_code(e), "%s: cannot create folder: %s", path, strerror(e));
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = dl_fail(err, io_code(errno), "%s: cannot create folder: %s", path, strerror(errno));
    free(p);
    return rc;
}

int dl_read_file(const char *path, char **data, size_t *len, dl_error *err)
{
    *data = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return dl_fail(err, io_code(errno), "%s: cannot open: %s", path, strerror(errno));
    dl_buf b;
    dl_buf_init(&b);
    char chunk[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if ((rc = dl_buf_append(&b, chunk, n)) != 0)
            break;
    if (!rc && ferror(fp))
        rc = dl_fail(err, DL_EIO, "%s: read error", path);
    fclose(fp);
    if (rc) {
        dl_buf_free(&b);
        return rc == DL_ENOMEM ? dl_fail(err, rc, "%s: out of memory", path) : rc;
    }
    if (!b.data && dl_buf_append(&b, "", 0) != 0)
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    *data = b.data;
    if (len)
        *len = b.len;
    return 0;
}
