/* images.c — image preflight: every stimulus must exist under the image root,
 * decode with SDL2_image (the library the runner will load it with), and is
 * recorded with its size and SHA-256; `stimuli check` repeats this before a
 * session day. No window is opened: IMG_Load needs no SDL_Init. The file is
 * read and its header checked by imghdr.c first (size limits, truncation,
 * regular files only), so nothing too large is ever decoded. */
#include "build_internal.h"

#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int safe_rel(const char *rel)
{
    if (!rel[0] || rel[0] == '/')
        return 0;
    /* no ".." component: images stay under the root */
    for (const char *p = rel; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == rel || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return 0;
    return 1;
}

int dl_stimuli_probe_image(const char *image_root, const char *rel_path, dl_set_image *img,
                           dl_error *err)
{
    if (!safe_rel(rel_path))
        return dl_fail(err, DL_EINVAL,
                       "image path '%s' must be relative to the image root, without '..'",
                       rel_path);
    char *full = dl_path_join(image_root, rel_path), *data = NULL;
    size_t len = 0;
    int rc;
    if (!full)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    dl_image_info info;
    if ((rc = dl_image_read(full, &data, &len, &info, err)) != 0) {
        if (rc == DL_ENOENT)
            dl_fail(err, rc, "%s: image not found", full);
        goto done;
    }
    dl_sha256_buf(data, len, img->sha256);
    SDL_Surface *s = IMG_Load_RW(SDL_RWFromConstMem(data, (int)len), 1);
    if (!s) {
        rc = dl_fail(err, DL_ECORRUPT, "%s: cannot decode %s image: %s", full, info.format,
                     IMG_GetError());
        goto done;
    }
    if (s->w != info.width_px || s->h != info.height_px) { /* the header said otherwise */
        rc = dl_fail(err, DL_ECORRUPT, "%s: damaged %s: decodes to %dx%d px, header says %dx%d",
                     full, info.format, s->w, s->h, info.width_px, info.height_px);
        SDL_FreeSurface(s);
        goto done;
    }
    img->width_px = s->w;
    img->height_px = s->h;
    SDL_FreeSurface(s);
done:
    free(data);
    free(full);
    return rc;
}

static int file_exists(const char *root, const char *rel)
{
    char *full = dl_path_join(root, rel);
    struct stat st;
    int ok = full && stat(full, &st) == 0;
    free(full);
    return ok;
}

/* A demo image the set needs but nobody has written yet. */
static int write_demo(const dl_stimuli_demo *demo, const char *root, const char *rel, dl_error *err)
{
    size_t index;
    if (dl_stimuli_demo_image_index(demo, rel, &index) != 0)
        return dl_fail(err, DL_ENOENT, "%s/%s: image not found (and not a demo image name)", root,
                       rel);
    char *full = dl_path_join(root, rel);
    if (!full)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    char *slash = strrchr(full, '/');
    int rc = 0;
    if (slash) {
        *slash = '\0';
        rc = dl_mkdir_p(full, err);
        *slash = '/';
    }
    if (!rc)
        rc = dl_stimuli_demo_write_image(demo, index, full, err);
    free(full);
    return rc;
}

static int probe_one(dl_set_image *im, const dl_stimuli_demo *demo, const char *root, dl_error *err)
{
    if (!im->path)
        return 0;
    if (demo && safe_rel(im->path) && !file_exists(root, im->path)) {
        int rc = write_demo(demo, root, im->path, err);
        if (rc)
            return rc;
    }
    return dl_stimuli_probe_image(root, im->path, im, err);
}

int stim_bs_probe_set(dl_stim_set *set, const dl_stimuli_build_opts *o, dl_error *err)
{
    dl_stimuli_demo demo;
    int rc = 0;
    if (o->demo_ini && (rc = dl_stimuli_demo_read_ini(o->demo_ini, &demo, err)) != 0)
        return rc;
    for (size_t i = 0; i < set->nitems && !rc; i++) {
        rc = probe_one(&set->items[i].a, o->demo_ini ? &demo : NULL, o->image_root, err);
        if (!rc)
            rc = probe_one(&set->items[i].b, o->demo_ini ? &demo : NULL, o->image_root, err);
        if (!rc && o->progress)
            o->progress(o->progress_ctx, i + 1, set->nitems);
    }
    return rc;
}

/* ---- stimuli check ---------------------------------------------------------------- */

static int add_problem(dl_stimuli_problem **p, size_t *n, int item, const char *path,
                       const char *what)
{
    dl_stimuli_problem *q = dl_realloc_array(*p, *n + 1, sizeof *q);
    if (!q)
        return DL_ENOMEM;
    *p = q;
    q[*n].item = item;
    q[*n].path = dl_strdup(path);
    q[*n].what = dl_strdup(what);
    (*n)++;
    return q[*n - 1].path && q[*n - 1].what ? 0 : DL_ENOMEM;
}

static int check_image(const dl_set_image *im, int item, const char *root, dl_stimuli_problem **p,
                       size_t *n)
{
    dl_set_image now = {0};
    dl_error e = {0};
    char what[DL_ERROR_MAX + 160];
    int rc = dl_stimuli_probe_image(root, im->path, &now, &e);
    if (rc == DL_ENOENT)
        return add_problem(p, n, item, im->path, "missing");
    if (rc == DL_ENOMEM)
        return rc;
    if (rc) {
        snprintf(what, sizeof what, "unreadable: %s", e.msg);
        return add_problem(p, n, item, im->path, what);
    }
    if (strcmp(now.sha256, im->sha256) != 0) {
        snprintf(what, sizeof what, "changed: SHA-256 %.12s..., was %.12s...", now.sha256,
                 im->sha256);
        return add_problem(p, n, item, im->path, what);
    }
    if (now.width_px != im->width_px || now.height_px != im->height_px) {
        snprintf(what, sizeof what, "size %dx%d px, was %dx%d px", now.width_px, now.height_px,
                 im->width_px, im->height_px);
        return add_problem(p, n, item, im->path, what);
    }
    return 0;
}

int dl_stimuli_check(const dl_stim_set *set, const char *image_root, dl_stimuli_problem **problems,
                     size_t *nproblems, size_t *nimages, dl_error *err)
{
    const char *root = image_root ? image_root : set->image_root;
    *problems = NULL;
    *nproblems = *nimages = 0;
    int rc = 0;
    for (size_t i = 0; i < set->nitems && !rc; i++) {
        const dl_set_image *ims[2] = {&set->items[i].a, &set->items[i].b};
        for (int k = 0; k < 2 && !rc; k++) {
            if (!ims[k]->path)
                continue;
            (*nimages)++;
            rc = check_image(ims[k], set->items[i].index, root, problems, nproblems);
        }
    }
    if (rc) {
        dl_stimuli_problems_free(*problems, *nproblems);
        *problems = NULL;
        *nproblems = 0;
        return dl_fail(err, rc, "check set '%s': out of memory", set->name);
    }
    return 0;
}

void dl_stimuli_problems_free(dl_stimuli_problem *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].path);
        free(p[i].what);
    }
    free(p);
}

/* ---- manifest ------------------------------------------------------------------------ */

static void manifest_row(FILE *out, const dl_stim_set *set, const dl_set_item *it,
                         const dl_set_image *im, const char *side)
{
    char buf[64];
    dl_csv_write_field(out, set->name);
    fprintf(out, ",%d,%d,%s,", it->index, it->practice, side);
    dl_csv_write_field(out, im->path);
    fprintf(out, ",%s,", im->difficulty ? im->difficulty : "");
    snprintf(buf, sizeof buf, "%.6f", im->frac_correct);
    fputs(im->frac_correct == im->frac_correct ? buf : "", out);
    fputc(',', out);
    dl_csv_write_field(out, im->class_label);
    fputc(',', out);
    if (im->label_error >= 0)
        fprintf(out, "%d", im->label_error);
    fprintf(out, ",%d,%d,%s\n", im->width_px, im->height_px, im->sha256);
}

void dl_stimuli_manifest(const dl_stim_set *set, FILE *out)
{
    fputs("set,item,practice,side,path,difficulty,frac_correct,class,label_error,width_px,"
          "height_px,sha256\n",
          out);
    for (size_t i = 0; i < set->nitems; i++) {
        const dl_set_item *it = &set->items[i];
        if (!it->b.path) {
            manifest_row(out, set, it, &it->a, "");
            continue;
        }
        /* a is the trivial image; it goes left when trivial_left */
        manifest_row(out, set, it, it->trivial_left ? &it->a : &it->b, "left");
        manifest_row(out, set, it, it->trivial_left ? &it->b : &it->a, "right");
    }
}
