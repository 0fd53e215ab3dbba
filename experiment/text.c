/* text.c — fonts and text textures (SDL2_ttf). Every string is UTF-8, so an
 * experiment file in German or Greek shows as written. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl_version.h"
#include "exp_internal.h"

int exp_font_path(char *buf, size_t len, dl_error *err)
{
    const char *env = getenv("DDDLAB_FONT");
    if (env && *env)
        snprintf(buf, len, "%s", env);
    else
        snprintf(buf, len, "%s/DejaVuSans.ttf", DL_FONT_DIR);
    if (access(buf, R_OK) != 0)
        return dl_fail(err, DL_ENOENT,
                       "%s: font not found (apt-get install fonts-dejavu-core, or set "
                       "DDDLAB_FONT to a .ttf file)",
                       buf);
    return 0;
}

int exp_fonts_check(dl_error *err)
{
    char path[1024];
    int rc = exp_font_path(path, sizeof path, err);
    if (rc)
        return rc;
    TTF_Font *f = TTF_OpenFont(path, 12);
    if (!f)
        return dl_fail(err, DL_EINVAL, "%s: cannot use this font: %s", path, TTF_GetError());
    TTF_CloseFont(f);
    return 0;
}

/* DejaVuSans-Bold.ttf beside the regular face, else the regular face made bold. */
static TTF_Font *open_bold(const char *path, int px)
{
    const char *base = strrchr(path, '/');
    if (!getenv("DDDLAB_FONT") && base && strcmp(base, "/DejaVuSans.ttf") == 0) {
        char bold[1100];
        snprintf(bold, sizeof bold, "%.*s/DejaVuSans-Bold.ttf", (int)(base - path), path);
        TTF_Font *f = TTF_OpenFont(bold, px);
        if (f)
            return f;
    }
    TTF_Font *f = TTF_OpenFont(path, px);
    if (f)
        TTF_SetFontStyle(f, TTF_STYLE_BOLD);
    return f;
}

int exp_fonts_open(exp_fonts *f, int body_px, dl_error *err)
{
    memset(f, 0, sizeof *f);
    char path[1024];
    int rc = exp_font_path(path, sizeof path, err);
    if (rc)
        return rc;
    f->body_px = body_px;
    f->body = TTF_OpenFont(path, body_px);
    f->small = TTF_OpenFont(path, body_px * 3 / 4);
    f->large = TTF_OpenFont(path, body_px * 8 / 5);
    f->bold = open_bold(path, body_px);
    if (!f->body || !f->small || !f->large || !f->bold) {
        exp_fonts_close(f);
        return dl_fail(err, DL_EINVAL, "%s: cannot use this font: %s", path, TTF_GetError());
    }
    TTF_Font *all[] = {f->body, f->small, f->large, f->bold};
    for (size_t i = 0; i < 4; i++) {
        TTF_SetFontWrappedAlign(all[i], TTF_WRAPPED_ALIGN_CENTER);
        TTF_SetFontHinting(all[i], TTF_HINTING_LIGHT);
    }
    return 0;
}

int exp_fonts_px(int text_size_px, int draw_w, int draw_h)
{
    if (text_size_px > 0)
        return text_size_px;
    /* the height sets the size; a narrow (portrait) screen the width */
    int by_h = (int)lround(draw_h / 36.0), by_w = (int)lround(draw_w / 48.0);
    int px = by_h < by_w ? by_h : by_w;
    return px < 14 ? 14 : px;
}

void exp_fonts_close(exp_fonts *f)
{
    TTF_Font *all[] = {f->body, f->small, f->large, f->bold};
    for (size_t i = 0; i < 4; i++)
        if (all[i])
            TTF_CloseFont(all[i]);
    memset(f, 0, sizeof *f);
}

int exp_text_make(SDL_Renderer *ren, TTF_Font *font, const char *utf8, exp_color c, int wrap_px,
                  exp_text *out)
{
    memset(out, 0, sizeof *out);
    if (!utf8 || !*utf8)
        return 0; /* nothing to show is fine: a lab may blank a text */
    SDL_Color col = {c.r, c.g, c.b, 255};
    /* A wrapped surface can be as wide as the wrap width; one short line is
     * rendered as it is, so its width is the text's own. */
    int w = 0, h = 0;
    int one_line = !strchr(utf8, '\n') && TTF_SizeUTF8(font, utf8, &w, &h) == 0 &&
                   (wrap_px <= 0 || w <= wrap_px);
    SDL_Surface *s = one_line ? TTF_RenderUTF8_Blended(font, utf8, col)
                              : TTF_RenderUTF8_Blended_Wrapped(font, utf8, col, (Uint32)wrap_px);
    if (!s)
        return DL_EINVAL;
    out->tex = SDL_CreateTextureFromSurface(ren, s);
    out->w = s->w;
    out->h = s->h;
    SDL_FreeSurface(s);
    return out->tex ? 0 : DL_ENOMEM;
}

void exp_text_free(exp_text *t)
{
    if (t->tex)
        SDL_DestroyTexture(t->tex);
    memset(t, 0, sizeof *t);
}

void exp_text_draw(SDL_Renderer *ren, const exp_text *t, int x, int y)
{
    if (!t->tex)
        return;
    SDL_Rect r = {x, y, t->w, t->h};
    SDL_RenderCopy(ren, t->tex, NULL, &r);
}

void exp_text_draw_centred(SDL_Renderer *ren, const exp_text *t, int cx, int cy)
{
    exp_text_draw(ren, t, cx - t->w / 2, cy - t->h / 2);
}

/* ---- lines, for pages ----------------------------------------------------------------------- */

static int fits(TTF_Font *font, const char *s, size_t n, int wrap_px)
{
    char buf[4096];
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    int w = 0, h = 0;
    return TTF_SizeUTF8(font, buf, &w, &h) == 0 && w <= wrap_px;
}

static int push_line(size_t **starts, int *n, size_t *cap, size_t at)
{
    if (dl_grow(starts, cap, (size_t)*n + 1, sizeof **starts) != 0)
        return DL_ENOMEM;
    (*starts)[(*n)++] = at;
    return 0;
}

/* Greedy, word by word, as SDL_ttf wraps: a line takes words while they fit;
 * a word wider than the line stands on a line of its own. */
int exp_text_lines(TTF_Font *font, const char *utf8, int wrap_px, size_t **starts)
{
    size_t cap = 0;
    int n = 0;
    *starts = NULL;
    size_t i = 0, len = strlen(utf8);
    while (i <= len) {
        if (push_line(starts, &n, &cap, i)) {
            free(*starts);
            *starts = NULL;
            return DL_ENOMEM;
        }
        size_t end = i; /* end of the words taken so far */
        size_t j = i;
        for (;;) {
            while (j < len && utf8[j] == ' ')
                j++;
            size_t w = j;
            while (w < len && utf8[w] != ' ' && utf8[w] != '\n')
                w++;
            if (end > i && !fits(font, utf8 + i, w - i, wrap_px))
                break; /* the word goes to the next line */
            end = w;
            j = w;
            if (j >= len || utf8[j] == '\n')
                break;
        }
        if (end >= len)
            break;
        i = utf8[end] == '\n' ? end + 1 : end;
        while (utf8[end] != '\n' && i < len && utf8[i] == ' ')
            i++;
    }
    return n;
}

char *exp_text_break(TTF_Font *font, const char *utf8, int wrap_px)
{
    size_t *starts = NULL;
    int n = exp_text_lines(font, utf8, wrap_px, &starts);
    if (n < 0)
        return NULL;
    size_t len = strlen(utf8);
    char *out = malloc(len + (size_t)n + 1), *w = out;
    for (int k = 0; k < n && out; k++) {
        size_t from = starts[k], to = k + 1 < n ? starts[k + 1] : len;
        while (to > from && (utf8[to - 1] == ' ' || utf8[to - 1] == '\n'))
            to--;
        if (k)
            *w++ = '\n';
        memcpy(w, utf8 + from, to - from);
        w += to - from;
    }
    if (out)
        *w = 0;
    free(starts);
    return out;
}
