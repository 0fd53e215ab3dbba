/* fixture.h — test fixtures for the runner: a temporary folder with PNG
 * stimuli of distinctive colours, a database holding a stimulus set made of
 * them, an experiment file, and helpers to run `dddlab` as a child. */
#ifndef EXP_FIXTURE_H
#define EXP_FIXTURE_H

#include <stdint.h>
#include <sys/types.h>

#include "dl_store.h"

typedef struct fx_opts {
    const char *task; /* "2afc" | "rating" */
    const char *set;  /* set name */
    int nmain, npractice;
    int w, h;       /* image size in px */
    int corrupt_k1; /* 1 + the image k to store truncated (a set built from a bad file) */
} fx_opts;

typedef struct fx {
    char dir[256], db[300], images[300], ini[300], shots[300], instr[300];
    int nitems;
    int w, h;
    int corrupt_k1;
} fx;

/* The fill colour of image k (k = 2 * item + 0 for a, + 1 for b). Corner
 * markers of 4x4 px: red top-left, green top-right, blue bottom-right,
 * yellow bottom-left. */
void fx_color(int k, uint8_t rgb[3]);

/* Make the folder, images and set. */
int fx_setup(fx *f, const fx_opts *o);
/* Write f->ini: "[experiment]" with task/set/image_root/seed, then body. */
int fx_ini(fx *f, const char *task, const char *set, const char *body);
/* Write a text file into the folder; path in out. */
int fx_write(const fx *f, const char *name, const char *text, char *out, size_t len);
/* Remove the folder (kept when DL_KEEP_TMP is set). */
void fx_teardown(fx *f);

/* Start dddlab with argv (argv[0] ignored; DL_BINARY is used); stderr and
 * stdout go to files in the folder. Returns the pid. */
pid_t fx_spawn(const fx *f, const char *const *args);
/* Wait for pid at most timeout_s (then SIGKILL); returns the exit status,
 * or -1 on timeout/signal. */
int fx_wait(pid_t pid, int timeout_s);
/* Run and wait; also reads stderr into err (len bytes). */
int fx_run(const fx *f, const char *const *args, int timeout_s, char *err, size_t len);
/* The file's text (NUL-terminated, truncated to len). */
int fx_slurp(const char *path, char *buf, size_t len);

/* Trials / ratings logged so far in the db (any session status). */
int fx_count_trials(const fx *f);
int fx_count_ratings(const fx *f);
/* Every trial / rating row of the db through fn (dl_store_each_trial /
 * dl_store_each_rating with include_incomplete), the db opened read-only
 * for the call; 0 or the store's error code. */
int fx_each_trial(const fx *f, int include_incomplete, dl_trial_fn fn, void *ctx);
int fx_each_rating(const fx *f, int include_incomplete, dl_rating_fn fn, void *ctx);

/* Sleep ms milliseconds. */
void fx_sleep_ms(int ms);

/* xdotool under Xvfb (the tests that press keys): run `xdotool ARGS` for at
 * most 20 s, output discarded; system()'s status. */
int fx_xdo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Wait up to 30 s for the runner's window (titled "dddlab") and give it the
 * keyboard (there is no window manager); its id into id. 0, or -1 when no
 * window appeared. */
int fx_focus_window(char *id, size_t cap);

/* A PNG loaded as RGB24 rows: pixel (x, y) at px + y * pitch + 3 * x. */
typedef struct fx_image {
    int w, h, pitch;
    unsigned char *px;
} fx_image;
int fx_image_load(const char *path, fx_image *img);
void fx_image_free(fx_image *img);
/* The bounding box of pixels exactly rgb; 0 when none. */
int fx_find_color(const fx_image *img, const uint8_t rgb[3], int *x, int *y, int *w, int *h);
/* Pixels that differ from rgb by more than tol in some channel, inside a box. */
long fx_count_not(const fx_image *img, const uint8_t rgb[3], int tol, int x0, int y0, int x1,
                  int y1);

#endif
