/* layout.c — the rectangles a screen was drawn in, and the check that none
 * of them overlaps another or leaves the drawable.
 *
 * Every screen records each element it draws (a text box, an image, its
 * frame, a button, a button's label) in rc->lay as it draws it. The list is
 * what the layout test checks at every screen size; the runner itself only
 * keeps it for the last frame. A label drawn inside a button (or an image
 * inside its frame) names its holder as parent: it must lie inside it and
 * may overlap nothing else. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exp_internal.h"

void exp_layout_begin(exp_layout *l, int w, int h)
{
    l->w = w;
    l->h = h;
    l->n = 0;
    l->dropped = 0;
}

int exp_layout_add(exp_layout *l, int kind, int parent, const SDL_Rect *r, const char *fmt, ...)
{
    if (r->w <= 0 || r->h <= 0)
        return -1; /* nothing drawn (an empty text) takes no room */
    if (l->n == EXP_MAX_ELEMENTS) {
        l->dropped++;
        return -1;
    }
    exp_element *e = &l->el[l->n];
    e->r = *r;
    e->kind = kind;
    e->parent = parent;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof e->name, fmt, ap);
    va_end(ap);
    return l->n++;
}

static int contains(const SDL_Rect *outer, const SDL_Rect *in)
{
    return in->x >= outer->x && in->y >= outer->y && in->x + in->w <= outer->x + outer->w &&
           in->y + in->h <= outer->y + outer->h;
}

/* 1 when a is b or one of b's holders. */
static int holds(const exp_layout *l, int a, int b)
{
    for (int k = b; k >= 0; k = l->el[k].parent)
        if (k == a)
            return 1;
    return 0;
}

int exp_layout_check(const exp_layout *l, char *why, size_t len)
{
    SDL_Rect screen = {0, 0, l->w, l->h};
    if (l->dropped) {
        snprintf(why, len, "%d elements not recorded (more than %d)", l->dropped, EXP_MAX_ELEMENTS);
        return DL_EINVAL;
    }
    for (int i = 0; i < l->n; i++) {
        const exp_element *a = &l->el[i];
        if (!contains(&screen, &a->r)) {
            snprintf(why, len, "%s (%d,%d %dx%d) leaves the %dx%d screen", a->name, a->r.x, a->r.y,
                     a->r.w, a->r.h, l->w, l->h);
            return DL_EINVAL;
        }
        if (a->parent >= 0 && !contains(&l->el[a->parent].r, &a->r)) {
            const exp_element *p = &l->el[a->parent];
            snprintf(why, len, "%s (%d,%d %dx%d) sticks out of %s (%d,%d %dx%d)", a->name, a->r.x,
                     a->r.y, a->r.w, a->r.h, p->name, p->r.x, p->r.y, p->r.w, p->r.h);
            return DL_EINVAL;
        }
        for (int k = i + 1; k < l->n; k++) {
            const exp_element *b = &l->el[k];
            if (holds(l, i, k) || holds(l, k, i) || !SDL_HasIntersection(&a->r, &b->r))
                continue;
            snprintf(why, len, "%s (%d,%d %dx%d) overlaps %s (%d,%d %dx%d)", a->name, a->r.x,
                     a->r.y, a->r.w, a->r.h, b->name, b->r.x, b->r.y, b->r.w, b->r.h);
            return DL_EINVAL;
        }
    }
    why[0] = 0;
    return 0;
}

/* ---- drawing while recording ---------------------------------------------------------------- */

void exp_view_begin(exp_run *rc)
{
    exp_display_clear(&rc->disp, rc->cfg->background);
    exp_layout_begin(&rc->lay, rc->disp.draw_w, rc->disp.draw_h);
}

int exp_put_text(exp_run *rc, const exp_text *t, int x, int y, int parent, const char *name)
{
    if (!t->tex)
        return -1;
    exp_text_draw(rc->disp.ren, t, x, y);
    SDL_Rect r = {x, y, t->w, t->h};
    return exp_layout_add(&rc->lay, EXP_EL_TEXT, parent, &r, "%s", name);
}

int exp_put_text_centred(exp_run *rc, const exp_text *t, int cx, int cy, int parent,
                         const char *name)
{
    return exp_put_text(rc, t, cx - t->w / 2, cy - t->h / 2, parent, name);
}

/* A frame around every stimulus, a little away from its edge: an image whose
 * mean is the background's (the demo's low-noise classes on grey 128) would
 * otherwise have no visible edge. The frame never touches the image, so the
 * image itself stays pixel-exact. */
int exp_put_image(exp_run *rc, SDL_Texture *tex, const SDL_Rect *r, const char *name)
{
    int parent = -1;
    if (rc->cfg->image_frame) {
        int t = exp_frame_px(rc), m = exp_frame_margin_px(rc);
        SDL_Rect f = {r->x - m - t, r->y - m - t, r->w + 2 * (m + t), r->h + 2 * (m + t)};
        exp_color c = rc->cfg->text_color;
        SDL_SetRenderDrawColor(rc->disp.ren, c.r, c.g, c.b, 96);
        for (int k = 0; k < t; k++) {
            SDL_Rect line = {f.x + k, f.y + k, f.w - 2 * k, f.h - 2 * k};
            SDL_RenderDrawRect(rc->disp.ren, &line);
        }
        parent = exp_layout_add(&rc->lay, EXP_EL_FRAME, -1, &f, "frame of %s", name);
    }
    if (tex)
        SDL_RenderCopy(rc->disp.ren, tex, NULL, r);
    return exp_layout_add(&rc->lay, EXP_EL_IMAGE, parent, r, "%s", name);
}

int exp_frame_px(const exp_run *rc)
{
    return rc->disp.scale > 1.5 ? 2 : 1;
}

int exp_frame_margin_px(const exp_run *rc)
{
    int m = rc->fonts.body_px / 5;
    return m < 3 ? 3 : m;
}

int exp_frame_extent_px(const exp_run *rc)
{
    return rc->cfg->image_frame ? exp_frame_px(rc) + exp_frame_margin_px(rc) : 0;
}
