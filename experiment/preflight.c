/* preflight.c — everything checked before a window opens: the store, the
 * stimulus set, and every image of it (present, unchanged since the set was
 * built, decodable, of the stored size). The decoded images are kept as
 * surfaces and become textures behind the loading screen. The caller hears
 * of the progress through dl_exp_options.progress; nothing is printed here. */
#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

#include "exp_internal.h"

/* Read, verify and decode one image into s. */
static int load_one(exp_run *rc, const dl_set_image *im, int item, exp_stim *s, dl_error *err)
{
    char *path = dl_path_join(rc->image_root, im->path);
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    char *data = NULL;
    size_t len = 0;
    dl_error e = {0};
    int r = 0;
    /* dl_read_file refuses a FIFO named like the image (it would block the
     * read forever), a folder or a device without waiting */
    if (dl_read_file(path, &data, &len, &e)) {
        if (e.code == DL_EINVAL)
            r = dl_fail(err, DL_EINVAL,
                        "%s: image of stimulus set '%s' (item %d) is not a regular file; images "
                        "must be plain files",
                        path, rc->set->name, item);
        else
            r = dl_fail(err, e.code == DL_ENOENT ? DL_ENOENT : DL_EIO,
                        "%s: missing image of stimulus set '%s' (item %d): %s", path,
                        rc->set->name, item, e.code == DL_ENOENT ? "no such file" : e.msg);
        goto done;
    }
    char hex[65];
    dl_sha256_buf(data, len, hex);
    if (im->sha256[0] && strcmp(hex, im->sha256) != 0) {
        r = dl_fail(err, DL_ECORRUPT,
                    "%s: image differs from stimulus set '%s' (SHA-256 %.12s..., set has "
                    "%.12s...); was it changed after 'dddlab stimuli build'?",
                    path, rc->set->name, hex, im->sha256);
        goto done;
    }
    /* The structure check every reader of images shares (common/imghdr.c):
     * libpng prints its own complaints about a damaged file to stderr, and
     * a header claiming a huge size would make SDL_image allocate it; the
     * observer's terminal gets one clear line instead. */
    if ((r = dl_image_check_buf(path, data, len, NULL, err)) != 0)
        goto done;
    SDL_Surface *raw = IMG_Load_RW(SDL_RWFromConstMem(data, (int)len), 1);
    if (!raw) {
        r = dl_fail(err, DL_ECORRUPT, "%s: cannot decode image: %s", path, IMG_GetError());
        goto done;
    }
    s->surf = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    if (!s->surf) {
        r = dl_fail(err, DL_ENOMEM, "%s: %s", path, SDL_GetError());
        goto done;
    }
    s->w = s->surf->w;
    s->h = s->surf->h;
    s->rel = im->path;
    if ((im->width_px > 0 && im->width_px != s->w) || (im->height_px > 0 && im->height_px != s->h))
        r = dl_fail(err, DL_ECORRUPT, "%s: image is %dx%d px but stimulus set '%s' has %dx%d", path,
                    s->w, s->h, rc->set->name, im->width_px, im->height_px);
done:
    free(data);
    free(path);
    return r;
}

int exp_preload(exp_run *rc, dl_error *err)
{
    size_t n = rc->set->nitems;
    rc->nstims = 2 * n;
    rc->stims = dl_calloc(rc->nstims, sizeof *rc->stims);
    if (!rc->stims)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int per_item = rc->cfg->task == DL_TASK_2AFC ? 2 : 1;
    const dl_exp_options *o = rc->opt;
    int r = 0;
    for (size_t i = 0; i < n && !r; i++) {
        const dl_set_item *it = &rc->set->items[i];
        if (!it->practice || rc->cfg->practice) { /* unused practice items stay unloaded */
            r = load_one(rc, &it->a, it->index, &rc->stims[2 * i], err);
            if (!r && per_item == 2)
                r = load_one(rc, &it->b, it->index, &rc->stims[2 * i + 1], err);
        }
        if (!r && o->progress)
            o->progress(o->progress_ctx, i + 1, n);
    }
    return r;
}

void exp_unload(exp_run *rc)
{
    for (size_t i = 0; i < rc->nstims; i++) {
        if (rc->stims[i].surf)
            SDL_FreeSurface(rc->stims[i].surf);
        if (rc->stims[i].tex)
            SDL_DestroyTexture(rc->stims[i].tex);
    }
    free(rc->stims);
    rc->stims = NULL;
    rc->nstims = 0;
}

/* The set must exist and be of the experiment's task. */
int exp_find_set(exp_run *rc, dl_error *err)
{
    const dl_exp_config *c = rc->cfg;
    dl_error e = {0};
    int r = dl_store_find_set(rc->st, c->set_name, &rc->set, &e);
    if (r == DL_ENOENT)
        return dl_fail(err, r,
                       "%s:%zu: unknown stimulus set '%s': %s has no set of that name (make one "
                       "with 'dddlab stimuli build')",
                       c->path, c->set_line, c->set_name, rc->opt->db_path);
    if (r)
        return dl_fail(err, r, "%s", e.msg);
    /* The schema takes any task name (a new task needs no migration), so a
     * set can name one this build cannot run. */
    if (!exp_task_named(rc->set->task)) {
        char known[128];
        exp_task_names(known, sizeof known);
        return dl_fail(err, DL_EINVAL,
                       "%s:%zu: stimulus set '%s' in %s is for task '%s', which this dddlab "
                       "cannot run (known tasks: %s)",
                       c->path, c->set_line, c->set_name, rc->opt->db_path, rc->set->task, known);
    }
    const char *want = dl_exp_config_task(c);
    if (strcmp(rc->set->task, want) != 0)
        return dl_fail(err, DL_EINVAL, "%s:%zu: task = %s, but stimulus set '%s' is a %s set",
                       c->path, c->task_line, want, c->set_name, rc->set->task);
    if (rc->set->nitems == 0)
        return dl_fail(err, DL_EINVAL, "%s:%zu: stimulus set '%s' has no items", c->path,
                       c->set_line, c->set_name);
    return 0;
}
