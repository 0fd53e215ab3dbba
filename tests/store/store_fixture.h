/* store_fixture.h — shared by the store tests: small stimulus sets,
 * observers and sessions to log into. Folders come from tests/support. */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl_store.h"
#include "test_support.h" /* folders and files */

static inline char *fx_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static inline void fx_image(dl_set_image *im, const char *path, const char *difficulty, double frac)
{
    im->path = fx_strdup(path);
    dl_sha256_buf(path, strlen(path), im->sha256); /* stands in for the file's hash */
    im->width_px = 224;
    im->height_px = 224;
    im->difficulty = fx_strdup(difficulty);
    im->frac_correct = frac;
    im->class_label = fx_strdup("n01440764");
    im->label_error = 0;
}

/* A 2AFC set of n pairs: trivial t<i>.png vs impossible x<i>.png; the first
 * `practice` items are practice. prefix makes the image names. */
static inline dl_stim_set *fx_set_2afc(const char *name, size_t n, int practice, const char *prefix)
{
    dl_stim_set *s = calloc(1, sizeof *s);
    s->name = strdup(name);
    s->task = strdup("2afc");
    s->seed = 0xfedcba9876543210ULL; /* above INT64_MAX: checks the uint64 round trip */
    s->params_json = strdup("{\"pairs\":3}");
    s->results_sha256 = strdup("ab12");
    s->image_root = strdup("/data/imagenet/val");
    s->nitems = n;
    s->items = calloc(n, sizeof *s->items);
    for (size_t i = 0; i < n; i++) {
        char a[128], b[128];
        snprintf(a, sizeof a, "%st%zu.png", prefix, i);
        snprintf(b, sizeof b, "%sx%zu.png", prefix, i);
        s->items[i].index = (int)i;
        s->items[i].practice = (int)i < practice;
        s->items[i].trivial_left = (int)(i % 2);
        fx_image(&s->items[i].a, a, "trivial", 1.0);
        fx_image(&s->items[i].b, b, "impossible", 0.0);
        s->items[i].b.label_error = -1;
        s->items[i].b.frac_correct = NAN;
    }
    return s;
}

/* A rating set of n images with the three classes in turn. */
static inline dl_stim_set *fx_set_rating(const char *name, size_t n)
{
    static const char *const cls[] = {"trivial", "in-between", "impossible"};
    dl_stim_set *s = calloc(1, sizeof *s);
    s->name = strdup(name);
    s->task = strdup("rating");
    s->seed = 7;
    s->nitems = n;
    s->items = calloc(n, sizeof *s->items);
    for (size_t i = 0; i < n; i++) {
        char a[64];
        snprintf(a, sizeof a, "r%zu.jpg", i);
        s->items[i].index = (int)i;
        fx_image(&s->items[i].a, a, cls[i % 3], (double)(i % 3) / 2.0);
        s->items[i].b.label_error = -1;
    }
    return s;
}

/* A session of observer/set with order 0..n-1 and plausible display data. */
static inline void fx_session(dl_session *x, int64_t observer_id, int64_t set_id, size_t n)
{
    memset(x, 0, sizeof *x);
    x->observer_id = observer_id;
    x->set_id = set_id;
    x->seed = 42;
    x->norder = n;
    x->order = calloc(n ? n : 1, sizeof *x->order);
    for (size_t i = 0; i < n; i++)
        x->order[i] = (int)(n - 1 - i);
    x->experiment_text = strdup("[experiment]\ntask = 2afc\n");
    dl_sha256_buf(x->experiment_text, strlen(x->experiment_text), x->experiment_sha256);
    x->software_version = strdup("0.1.0");
    x->git_revision = strdup("abc");
    x->sdl_version = strdup("2.26.5");
    x->video_driver = strdup("x11");
    x->renderer = strdup("opengl");
    x->display_mode = strdup("1920x1080@60");
    x->refresh_mean_ms = 16.667;
    x->refresh_sd_ms = 0.05;
    x->window_w = x->drawable_w = 1920;
    x->window_h = x->drawable_h = 1080;
    x->viewing_distance_cm = 57.0;
    x->screen_width_cm = NAN;
}

static inline dl_trial fx_trial(int64_t session_id, int index)
{
    dl_trial t = {0};
    t.session_id = session_id;
    t.index = index;
    t.item_index = index;
    t.left_image = "t0.png";
    t.right_image = "x0.png";
    t.choice = index % 2;
    t.correct = index % 2 == 0;
    t.rt_ms = 500.25 + index;
    t.onset_s = 1.5 * index;
    t.response_s = 1.5 * index + 0.5;
    t.frames_dropped = index % 3;
    return t;
}

#endif
