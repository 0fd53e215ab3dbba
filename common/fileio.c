/* fileio.c — atomic writes (temp file, fsync, rename, fsync folder), staged
 * folders of output files, mkdir -p, whole-file reads. */
#include "dl_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int io_code(int e) { return e == ENOSPC || e == EDQUOT ? DL_EFULL : e == ENOENT ? DL_ENOENT : DL_EIO; }

/* The last component of path and the folder it is in ("." when none). */
static void split_path(const char *path, char *dir, size_t dsize, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, dsize, ".");
    else if (slash == path)
        snprintf(dir, dsize, "/");
    else
        snprintf(dir, dsize, "%.*s", (int)(slash - path), path);
}

static void remove_tree_1(const char *p)
{
    DIR *d = opendir(p);
    if (d) { /* a staging folder is flat: its files, then itself */
        const struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *f = dl_path_join(p, e->d_name);
            if (f)
                unlink(f);
            free(f);
        }
        closedir(d);
        rmdir(p);
        return;
    }
    unlink(p);
}

void dl_sweep_stale(const char *path, const char *tag)
{
    char dir[4096];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    size_t nb = strlen(base), nt = strlen(tag);
    DIR *d = opendir(dir);
    if (!d)
        return;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strncmp(name, base, nb) != 0 || strncmp(name + nb, tag, nt) != 0)
            continue;
        char *end;
        long pid = strtol(name + nb + nt, &end, 10);
        if (end == name + nb + nt || pid <= 0 || (pid_t)pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its process still runs (or is not ours to ask) */
        char *p = dl_path_join(dir, name);
        if (p)
            remove_tree_1(p);
        free(p);
    }
    closedir(d);
}

int dl_atomic_open(dl_atomic *a, const char *path, dl_error *err)
{
    a->fp = NULL;
    a->path = dl_strdup(path);
    size_t n = strlen(path) + 64;
    a->tmp_path = malloc(n);
    if (!a->path || !a->tmp_path) {
        dl_atomic_abort(a);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    }
    dl_sweep_stale(path, ".dddlab-tmp.");
    snprintf(a->tmp_path, n, "%s.dddlab-tmp.%ld.XXXXXX", path, (long)getpid());
    int fd = mkstemp(a->tmp_path);
    if (fd < 0) {
        int e = errno;
        free(a->tmp_path);
        a->tmp_path = NULL;
        dl_atomic_abort(a);
        return dl_fail(err, io_code(e), "%s: cannot create: %s", path, strerror(e));
    }
    fchmod(fd, 0600); /* as mkstemp made it; said here because it matters */
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

int dl_atomic_flush(dl_atomic *a, dl_error *err)
{
    if (fflush(a->fp) != 0 || ferror(a->fp) || fsync(fileno(a->fp)) != 0) {
        int e = errno;
        return dl_fail(err, io_code(e), "%s: write failed: %s", a->path, strerror(e));
    }
    return 0;
}

int dl_atomic_commit(dl_atomic *a, dl_error *err)
{
    int rc = dl_atomic_flush(a, err);
    if (rc)
        goto fail;
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

int dl_mkdir_p_new(const char *path, int *created, dl_error *err)
{
    struct stat st;
    *created = stat(path, &st) != 0 && errno == ENOENT;
    int rc = dl_mkdir_p(path, err);
    if (rc)
        *created = 0;
    return rc;
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
    struct stat st;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = dl_fail(err, io_code(errno), "%s: cannot create folder: %s", path, strerror(errno));
    else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
        rc = dl_fail(err, DL_EEXIST, "%s: exists and is not a folder", path);
    free(p);
    return rc;
}

char *dl_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0])
        return dl_strdup(rel);
    size_t a = strlen(dir), b = strlen(rel);
    while (a > 0 && dir[a - 1] == '/')
        a--;
    char *p = malloc(a + b + 2);
    if (p)
        snprintf(p, a + b + 2, "%.*s/%s", (int)a, dir, rel);
    return p;
}

int dl_stage_open(dl_stage *s, const char *dir, dl_error *err)
{
    s->dir = s->tmp_dir = NULL;
    int created = 0;
    int rc = dl_mkdir_p_new(dir, &created, err);
    if (rc)
        return rc;
    s->dir = dl_strdup(dir);
    s->created = created;
    char name[64];
    snprintf(name, sizeof name, ".dddlab-tmp.%ld.XXXXXX", (long)getpid());
    s->tmp_dir = dl_path_join(dir, name);
    if (s->dir) { /* staging folders of killed runs: DIR/.dddlab-tmp.PID.* */
        char *probe = dl_path_join(dir, "");
        if (probe)
            dl_sweep_stale(probe, ".dddlab-tmp.");
        free(probe);
    }
    if (!s->dir || !s->tmp_dir) {
        dl_stage_abort(s, NULL);
        return dl_fail(err, DL_ENOMEM, "%s: out of memory", dir);
    }
    if (!mkdtemp(s->tmp_dir)) {
        int e = errno;
        free(s->tmp_dir);
        s->tmp_dir = NULL;
        dl_stage_abort(s, NULL);
        return dl_fail(err, io_code(e), "%s: cannot write here: %s", dir, strerror(e));
    }
    return 0;
}

/* Calls fn(s, name) for every entry of the staging folder but . and ..;
 * stops at the first non-zero return. */
static int each_staged(dl_stage *s, int (*fn)(dl_stage *, const char *, dl_error *), dl_error *err)
{
    DIR *d = opendir(s->tmp_dir);
    if (!d)
        return dl_fail(err, DL_EIO, "%s: cannot read: %s", s->tmp_dir, strerror(errno));
    int rc = 0;
    const struct dirent *e;
    while (!rc && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            rc = fn(s, e->d_name, err);
    closedir(d);
    return rc;
}

/* A folder in the way would make rename fail half-way, so it is found first. */
static int check_target(dl_stage *s, const char *name, dl_error *err)
{
    char *to = dl_path_join(s->dir, name);
    struct stat st;
    int rc = !to ? dl_fail(err, DL_ENOMEM, "out of memory")
             : lstat(to, &st) == 0 && S_ISDIR(st.st_mode)
                 ? dl_fail(err, DL_EEXIST, "%s: is a folder; cannot write a file there", to)
                 : 0;
    free(to);
    return rc;
}

static int move_in(dl_stage *s, const char *name, dl_error *err)
{
    char *from = dl_path_join(s->tmp_dir, name), *to = dl_path_join(s->dir, name);
    int rc = 0;
    if (!from || !to)
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
    else if (rename(from, to) != 0)
        rc = dl_fail(err, io_code(errno), "%s: cannot rename into place: %s", to, strerror(errno));
    free(from);
    free(to);
    return rc;
}

static int remove_one(dl_stage *s, const char *name, dl_error *err)
{
    char *p = dl_path_join(s->tmp_dir, name);
    if (p)
        unlink(p);
    free(p);
    return 0;
}

int dl_stage_commit(dl_stage *s, dl_error *err)
{
    int rc = each_staged(s, check_target, err);
    if (!rc)
        rc = each_staged(s, move_in, err);
    if (!rc) {
        fsync_dir(s->tmp_dir); /* the folder holding it: s->dir */
        s->created = 0;        /* committed: the folder stays */
    }
    dl_stage_abort(s, err);
    return rc;
}

/* The user never sees the staging folder: "DIR/.dddlab-tmp-X/f.csv: ..."
 * becomes "DIR/f.csv: ...". */
static void unstage_message(const dl_stage *s, dl_error *err)
{
    size_t n = strlen(s->tmp_dir), m = strlen(s->dir);
    char *at = strstr(err->msg, s->tmp_dir);
    if (at)
        memmove(at + m, at + n, strlen(at + n) + 1);
}

void dl_stage_abort(dl_stage *s, dl_error *err)
{
    if (s->tmp_dir && err)
        unstage_message(s, err);
    if (s->tmp_dir) {
        each_staged(s, remove_one, NULL);
        rmdir(s->tmp_dir);
    }
    if (s->created && s->dir) /* not committed: the folder we made goes too */
        rmdir(s->dir);
    free(s->tmp_dir);
    free(s->dir);
    s->tmp_dir = s->dir = NULL;
    s->created = 0;
}

int dl_open_read(const char *path, FILE **fp, dl_error *err)
{
    struct stat st;
    *fp = fopen(path, "rb");
    if (!*fp)
        return dl_fail(err, io_code(errno), "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(*fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(*fp);
        *fp = NULL;
        return dl_fail(err, DL_EINVAL, "%s: is a folder, not a file", path);
    }
    return 0;
}

/* What a file that is not a regular file is, for the message. */
static const char *file_kind(mode_t m)
{
    if (S_ISFIFO(m))
        return "a named pipe (FIFO)";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "a special file";
}

/* Open path for reading only when it is a regular file. A named pipe would
 * block the open until some other process writes to it (forever, for an
 * experiment file someone replaced by a FIFO), so the open does not wait
 * (O_NONBLOCK), the type is checked on the descriptor itself (no race with a
 * rename between a stat and the open), and only then is the descriptor made
 * blocking again for the reads. */
static int open_regular(const char *path, FILE **fp, dl_error *err)
{
    *fp = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return dl_fail(err, io_code(errno), "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc = 0, known = fstat(fd, &st) == 0;
    if (known && S_ISDIR(st.st_mode))
        rc = dl_fail(err, DL_EINVAL, "%s: is a folder, not a file", path);
    else if (known && !S_ISREG(st.st_mode))
        rc = dl_fail(err, DL_EINVAL, "%s: is %s, not a regular file", path,
                     file_kind(st.st_mode));
    else if (!known || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
             !(*fp = fdopen(fd, "rb")))
        rc = dl_fail(err, io_code(errno), "%s: cannot open: %s", path, strerror(errno));
    if (rc)
        close(fd);
    return rc;
}

int dl_read_file(const char *path, char **data, size_t *len, dl_error *err)
{
    *data = NULL;
    FILE *fp;
    int orc = open_regular(path, &fp, err);
    if (orc)
        return orc;
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
