/* fixture.c — see fixture.h. */
#include "fixture.h"

#include <SDL.h>
#include <SDL_image.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void fx_color(int k, uint8_t rgb[3])
{
    /* far from the grey and white backgrounds and from each other */
    rgb[0] = (uint8_t)(20 + (k * 67) % 200);
    rgb[1] = (uint8_t)(10 + (k * 151 + 90) % 120);
    rgb[2] = (uint8_t)(30 + (k * 97 + 40) % 190);
    if (rgb[1] >= 100 && rgb[1] <= 140)
        rgb[1] = (uint8_t)(rgb[1] + 60);
}

static void put(SDL_Surface *s, int x0, int y0, int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    SDL_Rect rect = {x0, y0, w, h};
    SDL_FillRect(s, &rect, SDL_MapRGB(s->format, r, g, b));
}

static int write_png(const char *path, int k, int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return -1;
    uint8_t c[3];
    fx_color(k, c);
    put(s, 0, 0, w, h, c[0], c[1], c[2]);
    put(s, 0, 0, 4, 4, 255, 0, 0);
    put(s, w - 4, 0, 4, 4, 0, 255, 0);
    put(s, w - 4, h - 4, 4, 4, 0, 0, 255);
    put(s, 0, h - 4, 4, 4, 255, 255, 0);
    int rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    return rc;
}

static int image(fx *f, dl_set_image *im, int k, const char *difficulty)
{
    char rel[64], path[512];
    snprintf(rel, sizeof rel, "img%03d.png", k);
    snprintf(path, sizeof path, "%s/%s", f->images, rel);
    if (write_png(path, k, f->w, f->h))
        return -1;
    if (f->corrupt_k1 == k + 1 && truncate(path, 60) != 0)
        return -1;
    dl_error e = {0};
    if (dl_sha256_file(path, im->sha256, &e))
        return -1;
    im->path = dl_strdup(rel);
    im->width_px = f->w;
    im->height_px = f->h;
    im->difficulty = dl_strdup(difficulty);
    im->frac_correct = strcmp(difficulty, "trivial") == 0 ? 1.0 : 0.0;
    im->class_label = NULL;
    im->label_error = -1;
    return 0;
}

static int make_set(fx *f, const fx_opts *o)
{
    static const char *const diff[] = {"trivial", "in-between", "impossible"};
    int two = strcmp(o->task, "2afc") == 0;
    dl_stim_set *set = dl_calloc(1, sizeof *set);
    set->name = dl_strdup(o->set);
    set->task = dl_strdup(o->task);
    set->seed = 7;
    set->params_json = dl_strdup("{}");
    set->results_sha256 = dl_strdup("");
    set->image_root = dl_strdup(f->images);
    set->nitems = (size_t)(o->npractice + o->nmain);
    set->items = dl_calloc(set->nitems, sizeof *set->items);
    int rc = 0;
    for (size_t i = 0; i < set->nitems && !rc; i++) {
        dl_set_item *it = &set->items[i];
        it->index = (int)i;
        it->practice = (int)i < o->npractice;
        it->trivial_left = (int)(i % 2 == 0);
        if (two)
            rc = image(f, &it->a, 2 * (int)i, "trivial") ||
                 image(f, &it->b, 2 * (int)i + 1, "impossible");
        else
            rc = image(f, &it->a, 2 * (int)i, diff[i % 3]);
    }
    dl_store *st = NULL;
    dl_error e = {0};
    if (!rc && (rc = dl_store_open(f->db, 0, &st, &e)) == 0)
        rc = dl_store_add_set(st, set, &e);
    if (rc)
        fprintf(stderr, "fixture: %s\n", e.msg);
    dl_store_close(st);
    dl_stim_set_free(set);
    return rc;
}

int fx_setup(fx *f, const fx_opts *o)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/dl-exp-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof f->db, "%s/lab.sqlite", f->dir);
    snprintf(f->images, sizeof f->images, "%s/images", f->dir);
    snprintf(f->ini, sizeof f->ini, "%s/exp.ini", f->dir);
    snprintf(f->shots, sizeof f->shots, "%s/shots", f->dir);
    snprintf(f->instr, sizeof f->instr, "%s/instructions.txt", f->dir);
    f->nitems = o->nmain + o->npractice;
    f->w = o->w;
    f->h = o->h;
    f->corrupt_k1 = o->corrupt_k1;
    if (mkdir(f->images, 0755))
        return -1;
    FILE *fp = fopen(f->instr, "w");
    if (!fp)
        return -1;
    fputs("In each trial you see two images.\nChoose the one a neural network finds easier.\n", fp);
    fclose(fp);
    return make_set(f, o);
}

int fx_ini(fx *f, const char *task, const char *set, const char *body)
{
    FILE *fp = fopen(f->ini, "w");
    if (!fp)
        return -1;
    fprintf(fp, "[experiment]\ntask = %s\nset = %s\nseed = 5\n%s", task, set, body);
    return fclose(fp);
}

int fx_write(const fx *f, const char *name, const char *text, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", f->dir, name);
    FILE *fp = fopen(out, "wb");
    if (!fp)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

void fx_teardown(fx *f)
{
    if (!f->dir[0] || getenv("DL_KEEP_TMP"))
        return;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fixture: cannot remove %s\n", f->dir);
}

/* ---- children ----------------------------------------------------------------------- */

pid_t fx_spawn(const fx *f, const char *const *args)
{
    const char *bin = getenv("DL_BINARY");
    char out[320], errp[320];
    snprintf(out, sizeof out, "%s/stdout.txt", f->dir);
    snprintf(errp, sizeof errp, "%s/stderr.txt", f->dir);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (!freopen(out, "w", stdout) || !freopen(errp, "w", stderr))
        _exit(126);
    size_t n = 0;
    while (args[n])
        n++;
    char **argv = calloc(n + 1, sizeof *argv);
    argv[0] = (char *)(bin ? bin : "dddlab");
    for (size_t i = 1; i < n; i++)
        argv[i] = (char *)args[i];
    execv(argv[0], argv);
    _exit(127);
}

int fx_wait(pid_t pid, int timeout_s)
{
    int status;
    for (int i = 0; i < timeout_s * 20; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        fx_sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

int fx_slurp(const char *path, char *buf, size_t len)
{
    buf[0] = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    size_t n = fread(buf, 1, len - 1, fp);
    buf[n] = 0;
    fclose(fp);
    return 0;
}

int fx_run(const fx *f, const char *const *args, int timeout_s, char *err, size_t len)
{
    int rc = fx_wait(fx_spawn(f, args), timeout_s);
    if (err) {
        char p[320];
        snprintf(p, sizeof p, "%s/stderr.txt", f->dir);
        fx_slurp(p, err, len);
    }
    return rc;
}

static int count_one(void *ctx, const void *row)
{
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

static int count_trial(void *ctx, const dl_trial_view *t)
{
    return count_one(ctx, t);
}
static int count_rating(void *ctx, const dl_rating_view *r)
{
    return count_one(ctx, r);
}

int fx_each_trial(const fx *f, int include_incomplete, dl_trial_fn fn, void *ctx)
{
    dl_store *st = NULL;
    dl_error e = {0};
    int rc = dl_store_open(f->db, DL_STORE_READONLY, &st, &e);
    if (rc == 0)
        rc = dl_store_each_trial(st, NULL, include_incomplete, fn, ctx, &e);
    dl_store_close(st);
    return rc;
}

int fx_each_rating(const fx *f, int include_incomplete, dl_rating_fn fn, void *ctx)
{
    dl_store *st = NULL;
    dl_error e = {0};
    int rc = dl_store_open(f->db, DL_STORE_READONLY, &st, &e);
    if (rc == 0)
        rc = dl_store_each_rating(st, NULL, include_incomplete, fn, ctx, &e);
    dl_store_close(st);
    return rc;
}

int fx_count_trials(const fx *f)
{
    int n = 0;
    fx_each_trial(f, 1, count_trial, &n);
    return n;
}

int fx_count_ratings(const fx *f)
{
    int n = 0;
    fx_each_rating(f, 1, count_rating, &n);
    return n;
}

void fx_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int fx_xdo(const char *fmt, ...)
{
    char args[512], cmd[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "timeout 20 xdotool %s >/dev/null 2>&1", args);
    return system(cmd);
}

int fx_focus_window(char *id, size_t cap)
{
    FILE *p = popen("timeout 30 xdotool search --sync --name '^dddlab$' 2>/dev/null", "r");
    if (!p)
        return -1;
    id[0] = 0;
    if (!fgets(id, (int)cap, p))
        id[0] = 0;
    pclose(p);
    id[strcspn(id, "\n")] = 0;
    if (!id[0])
        return -1;
    fx_xdo("windowfocus --sync %s", id);
    return 0;
}

/* ---- screenshots --------------------------------------------------------------------------- */

int fx_image_load(const char *path, fx_image *img)
{
    memset(img, 0, sizeof *img);
    SDL_Surface *raw = IMG_Load(path);
    if (!raw)
        return -1;
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB24, 0);
    SDL_FreeSurface(raw);
    if (!s)
        return -1;
    img->w = s->w;
    img->h = s->h;
    img->pitch = s->pitch;
    img->px = malloc((size_t)s->pitch * (size_t)s->h);
    memcpy(img->px, s->pixels, (size_t)s->pitch * (size_t)s->h);
    SDL_FreeSurface(s);
    return 0;
}

void fx_image_free(fx_image *img)
{
    free(img->px);
    memset(img, 0, sizeof *img);
}

int fx_find_color(const fx_image *img, const uint8_t rgb[3], int *x, int *y, int *w, int *h)
{
    int x0 = img->w, y0 = img->h, x1 = -1, y1 = -1;
    for (int yy = 0; yy < img->h; yy++)
        for (int xx = 0; xx < img->w; xx++) {
            const unsigned char *p = img->px + yy * img->pitch + 3 * xx;
            if (p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2]) {
                x0 = xx < x0 ? xx : x0;
                y0 = yy < y0 ? yy : y0;
                x1 = xx > x1 ? xx : x1;
                y1 = yy > y1 ? yy : y1;
            }
        }
    if (x1 < 0)
        return 0;
    *x = x0;
    *y = y0;
    *w = x1 - x0 + 1;
    *h = y1 - y0 + 1;
    return 1;
}

long fx_count_not(const fx_image *img, const uint8_t rgb[3], int tol, int x0, int y0, int x1,
                  int y1)
{
    long n = 0;
    for (int yy = y0 < 0 ? 0 : y0; yy < y1 && yy < img->h; yy++)
        for (int xx = x0 < 0 ? 0 : x0; xx < x1 && xx < img->w; xx++) {
            const unsigned char *p = img->px + yy * img->pitch + 3 * xx;
            if (abs(p[0] - rgb[0]) > tol || abs(p[1] - rgb[1]) > tol || abs(p[2] - rgb[2]) > tol)
                n++;
        }
    return n;
}
