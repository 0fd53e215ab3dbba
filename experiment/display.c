/* display.c — the window, the renderer and the frame clock.
 *
 * Frames are presented with vsync and stamped right after SDL_RenderPresent
 * returns. Where the display reports no refresh rate (Xvfb, the offscreen
 * driver), there is no vblank to wait for, so frames are paced on a fixed
 * 60 Hz grid by our own sleep; the timing code runs the same either way and
 * the session records which it was. */
#include <SDL_image.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "exp_internal.h"

/* Poll events until this long before an expected vblank, then present: the
 * present then blocks only briefly, so key presses are stamped promptly. */
#define VSYNC_MARGIN_MS 2.0
/* Frames left out of the refresh measurement while the window settles. */
#define MEASURE_SKIP 10

static int headless(void)
{
    const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    return (!d || !*d) && (!w || !*w) && !getenv("SDL_VIDEODRIVER");
}

static int init_video(exp_display *d, const exp_display_opts *o, dl_error *err)
{
    if (headless()) {
        if (!o->headless_ok) /* SDL's probing would only find invisible drivers */
            return dl_fail(err, DL_EDISPLAY,
                           "cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY are not "
                           "set; on a console without X set SDL_VIDEODRIVER=kmsdrm)");
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    }
    /* An observer's alt-tab must not minimise the experiment. */
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0");
    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    d->saved_signals =
        sigaction(SIGINT, NULL, &d->old_int) == 0 && sigaction(SIGTERM, NULL, &d->old_term) == 0;
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        return dl_fail(err, DL_EDISPLAY,
                       "cannot open a window: %s (run it on the lab screen; for a headless "
                       "simulated run give --simulate with no DISPLAY set)",
                       SDL_GetError());
    /* SDL falls back to drivers nobody can see; an observer needs a screen */
    const char *drv = SDL_GetCurrentVideoDriver();
    if (!o->headless_ok && !getenv("SDL_VIDEODRIVER") &&
        (strcmp(drv, "offscreen") == 0 || strcmp(drv, "dummy") == 0)) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
        return dl_fail(err, DL_EDISPLAY,
                       "cannot open a window: no display found (is DISPLAY set? SDL offered "
                       "only its invisible '%s' driver)",
                       drv);
    }
    return 0;
}

static void describe(exp_display *d, const SDL_DisplayMode *m)
{
    SDL_version v;
    SDL_GetVersion(&v);
    snprintf(d->sdl_version, sizeof d->sdl_version, "%u.%u.%u", v.major, v.minor, v.patch);
    snprintf(d->driver, sizeof d->driver, "%s", SDL_GetCurrentVideoDriver());
    if (m->refresh_rate > 0)
        snprintf(d->mode, sizeof d->mode, "%dx%d @ %d Hz, %s", m->w, m->h, m->refresh_rate,
                 SDL_GetPixelFormatName(m->format));
    else
        snprintf(d->mode, sizeof d->mode, "%dx%d, refresh not reported, %s", m->w, m->h,
                 SDL_GetPixelFormatName(m->format));
}

static int make_window(exp_display *d, const exp_display_opts *o, const SDL_DisplayMode *m,
                       dl_error *err)
{
    int pos = (int)SDL_WINDOWPOS_CENTERED_DISPLAY(o->display_index);
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    int w = m->w, h = m->h;
    if (o->windowed) {
        w = w < 1024 ? w : 1024;
        h = h < 768 ? h : 768;
    } else {
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    }
    d->win = SDL_CreateWindow(o->title, pos, pos, w, h, flags);
    if (!d->win)
        return dl_fail(err, DL_EDISPLAY, "cannot open a window: %s", SDL_GetError());
    d->window_id = SDL_GetWindowID(d->win);
    /* Software means software: no GL behind the window's framebuffer */
    if (d->software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    Uint32 rflags = d->software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED;
    if (!d->vsync_emulated)
        rflags |= SDL_RENDERER_PRESENTVSYNC;
    d->ren = SDL_CreateRenderer(d->win, -1, rflags);
    if (!d->ren && !d->software) {
        d->software = 1;
        d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!d->ren)
        return dl_fail(err, DL_EDISPLAY, "cannot create a renderer: %s", SDL_GetError());
    SDL_RendererInfo ri;
    SDL_GetRendererInfo(d->ren, &ri);
    snprintf(d->renderer, sizeof d->renderer, "%s", ri.name);
    /* Lay out in drawable pixels: on HiDPI screens they differ from the
     * window's coordinates, and stimuli must be pixel-exact. */
    SDL_GetWindowSize(d->win, &d->win_w, &d->win_h);
    SDL_GetRendererOutputSize(d->ren, &d->draw_w, &d->draw_h);
    d->scale = d->win_w > 0 ? (double)d->draw_w / d->win_w : 1.0;
    SDL_SetRenderDrawBlendMode(d->ren, SDL_BLENDMODE_BLEND);
    SDL_RaiseWindow(d->win);
    return 0;
}

int exp_display_open(exp_display *d, const exp_display_opts *o, dl_error *err)
{
    memset(d, 0, sizeof *d);
    int rc = init_video(d, o, err);
    if (rc)
        return rc;
    int ndisp = SDL_GetNumVideoDisplays();
    if (o->display_index < 0 || o->display_index >= ndisp) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
        return dl_fail(err, DL_EINVAL, "there is no display %d (this machine has %d: 0 to %d)",
                       o->display_index, ndisp, ndisp - 1);
    }
    SDL_DisplayMode m;
    if (SDL_GetDesktopDisplayMode(o->display_index, &m) != 0) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
        return dl_fail(err, DL_EDISPLAY, "cannot read the display mode: %s", SDL_GetError());
    }
    describe(d, &m);
    const char *drv = SDL_GetCurrentVideoDriver();
    d->software = strcmp(drv, "offscreen") == 0 || strcmp(drv, "dummy") == 0;
    d->vsync_emulated = m.refresh_rate <= 0 || d->software;
    d->nominal_ms = m.refresh_rate > 0 ? 1000.0 / m.refresh_rate : 1000.0 / 60.0;
    d->period_ms = d->nominal_ms;
    d->refresh_mean_ms = d->refresh_sd_ms = NAN;
    if ((rc = make_window(d, o, &m, err))) {
        exp_display_close(d);
        return rc;
    }
    d->origin = exp_now();
    return 0;
}

/* The window closes, but SDL's video subsystem stays up until the process
 * ends (dl_exp_shutdown): closing the display makes Mesa unload its GL
 * driver, whose own small leaks then show up in leak checkers as frames of
 * an unknown module that no suppression can name. SDL's Ctrl-C handlers are
 * put back to what they were, so the rest of the process is not left
 * deaf to signals. */
void exp_display_close(exp_display *d)
{
    if (d->ren)
        SDL_DestroyRenderer(d->ren);
    if (d->win)
        SDL_DestroyWindow(d->win);
    d->ren = NULL;
    d->win = NULL;
    SDL_PumpEvents();
    SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
    if (d->saved_signals) {
        sigaction(SIGINT, &d->old_int, NULL);
        sigaction(SIGTERM, &d->old_term, NULL);
        d->saved_signals = 0;
    }
}

void dl_exp_shutdown(void)
{
    SDL_Quit();
}

void exp_display_sequence(exp_display *d)
{
    d->in_sequence = 0;
}

uint64_t exp_display_due(const exp_display *d)
{
    if (!d->in_sequence || d->vsync_emulated)
        return exp_now(); /* the emulated present waits for the slot itself */
    return exp_add_ms(d->last_present, d->period_ms - VSYNC_MARGIN_MS);
}

/* The first slot of the emulated refresh grid at or after t. The grid runs
 * from the moment the display opened, like a real display's vblanks. */
static uint64_t next_slot(const exp_display *d, uint64_t t)
{
    double k = ceil(exp_ms(d->origin, t) / d->period_ms);
    return exp_add_ms(d->origin, (k < 0 ? 0 : k) * d->period_ms);
}

/* Welford's running mean and variance over the measured intervals. */
static void add_measurement(exp_display *d, double ms)
{
    if (!d->measuring)
        return;
    if (d->measuring <= MEASURE_SKIP) {
        d->measuring++;
        return;
    }
    d->nmeasure++;
    double delta = ms - d->m_mean;
    d->m_mean += delta / d->nmeasure;
    d->m_m2 += delta * (ms - d->m_mean);
    if (d->nmeasure < d->measure_frames)
        return;
    d->refresh_mean_ms = d->m_mean;
    d->refresh_sd_ms = sqrt(d->m_m2 / (d->nmeasure - 1));
    d->measuring = 0;
    d->measured = 1;
}

static void count_interval(exp_display *d, uint64_t stamp)
{
    double ms = exp_ms(d->last_present, stamp);
    d->frames++;
    d->seq_frames++;
    if (ms > 1.5 * d->period_ms) {
        d->drops++;
        d->seq_drops++;
    }
    if (ms > d->max_interval_ms)
        d->max_interval_ms = ms;
    if (ms > d->seq_max_ms)
        d->seq_max_ms = ms;
    add_measurement(d, ms);
}

uint64_t exp_display_present(exp_display *d)
{
    if (!d->in_sequence) {
        d->seq_drops = d->seq_frames = 0;
        d->seq_max_ms = 0;
    }
    SDL_RenderPresent(d->ren);
    /* Emulated vsync: the frame "flips" at the next slot after the present
     * has finished, so a slow present misses a slot exactly as it would
     * miss a vblank. */
    if (d->vsync_emulated)
        exp_sleep_until(next_slot(d, exp_now()));
    uint64_t stamp = exp_now();
    if (d->in_sequence)
        count_interval(d, stamp);
    d->last_present = stamp;
    d->in_sequence = 1;
    return stamp;
}

uint64_t exp_display_show(exp_display *d)
{
    SDL_RenderPresent(d->ren);
    d->in_sequence = 0;
    return exp_now();
}

void exp_display_measure_begin(exp_display *d, int frames)
{
    d->measuring = 1;
    d->nmeasure = 0;
    d->m_mean = d->m_m2 = 0;
    d->measure_frames = frames < 2 ? 2 : frames;
}

int exp_display_measure_done(exp_display *d, char *warn, size_t warn_len)
{
    warn[0] = 0;
    if (!d->measured)
        return 0;
    double mean = d->refresh_mean_ms, sd = d->refresh_sd_ms;
    if (!d->vsync_emulated && mean < 0.5 * d->nominal_ms) {
        snprintf(warn, warn_len,
                 "vsync does not wait (frames every %.2f ms, display says %.2f ms); frames are "
                 "now paced by sleeping",
                 mean, d->nominal_ms);
        d->vsync_emulated = 1;
        d->period_ms = d->nominal_ms;
        return 1;
    }
    if (!d->vsync_emulated) /* our own grid keeps its nominal period */
        d->period_ms = mean;
    if (sd > 0.05 * mean)
        snprintf(warn, warn_len,
                 "refresh interval unstable: mean %.3f ms, SD %.3f ms over %d frames", mean, sd,
                 d->nmeasure);
    return 1;
}

void exp_display_clear(exp_display *d, exp_color c)
{
    SDL_SetRenderDrawColor(d->ren, c.r, c.g, c.b, 255);
    SDL_RenderClear(d->ren);
}

int exp_display_resync(exp_display *d)
{
    int ww, wh, dw, dh;
    SDL_GetWindowSize(d->win, &ww, &wh);
    if (SDL_GetRendererOutputSize(d->ren, &dw, &dh) != 0 || dw <= 0 || dh <= 0)
        return 0;
    if (ww == d->win_w && wh == d->win_h && dw == d->draw_w && dh == d->draw_h)
        return 0;
    d->win_w = ww;
    d->win_h = wh;
    d->draw_w = dw;
    d->draw_h = dh;
    d->scale = ww > 0 ? (double)dw / ww : 1.0;
    return 1;
}

int exp_display_screenshot(exp_display *d, const char *path, dl_error *err)
{
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, d->draw_w, d->draw_h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return dl_fail(err, DL_ENOMEM, "screenshot: %s", SDL_GetError());
    int rc = 0;
    if (SDL_RenderReadPixels(d->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch) != 0)
        rc = dl_fail(err, DL_EIO, "screenshot: cannot read the screen: %s", SDL_GetError());
    else if (IMG_SavePNG(s, path) != 0)
        rc = dl_fail(err, DL_EIO, "%s: cannot write the screenshot: %s", path, IMG_GetError());
    SDL_FreeSurface(s);
    return rc;
}
