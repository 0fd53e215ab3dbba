/* report_test_util.h — shared by the report tests: temporary folders, the
 * committed reference numbers (reference.txt, made by make_reference.py),
 * captured output, and a store filled with simulated sessions. Folders and
 * files come from tests/support/test_support.h. */
#ifndef REPORT_TEST_UTIL_H
#define REPORT_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl_report.h"
#include "dl_store.h"
#include "test_support.h" /* folders, files, reading back */

/* What fn writes for r, as a string (a tmpfile rather than open_memstream,
 * whose pointer-to-local API GCC 12 flags as dangling). */
static inline char *rt_capture(const dl_report *r, void (*fn)(const dl_report *, FILE *))
{
    FILE *f = tmpfile();
    fn(r, f);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static inline char *rt_json(const dl_report *r)
{
    return rt_capture(r, dl_report_write_json);
}
static inline char *rt_text(const dl_report *r)
{
    return rt_capture(r, dl_report_write_text);
}

/* ---- reference numbers ---- */

/* The value of key in tests/report/reference.txt; aborts when missing, so a
 * renamed key cannot make a test pass silently. */
static inline double rt_ref(const char *key)
{
    static char *text;
    if (!text) {
        const char *src = getenv("DL_SOURCE_DIR");
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/report/reference.txt", src ? src : "../..");
        text = ts_slurp(path, NULL);
        if (!text) {
            fprintf(stderr, "cannot read %s\n", path);
            abort();
        }
    }
    size_t n = strlen(key);
    for (const char *p = text; (p = strstr(p, key)) != NULL; p += n)
        if ((p == text || p[-1] == '\n') && strncmp(p + n, " = ", 3) == 0)
            return strtod(p + n + 3, NULL);
    fprintf(stderr, "reference.txt has no key %s\n", key);
    abort();
}

static inline const char *rt_shared(void)
{
    const char *d = getenv("DL_SHARED_DATA");
    struct stat st;
    if (!d || !d[0] || stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return d;
}

/* The path of the authors' experiment 2 ratings in the shared data (call
 * only when rt_shared() is not NULL) and its columns: observer, item, the
 * three questions, the excluded-item flag. */
static inline void rt_experiment2(char path[1024], dl_report_columns *c)
{
    snprintf(path, 1024, "%s/trivial-or-impossible/experiment2_ratings.csv", rt_shared());
    dl_report_columns_default(c);
    c->observer = "subject";
    c->item = "item";
    c->q[0] = "q1_num_categories";
    c->q[1] = "q2_main_category";
    c->q[2] = "q3_unusual_presentation";
    c->exclude = "excluded_item";
}

/* ---- a store with simulated sessions ---- */

static inline void rt_image(dl_set_image *im, const char *path, const char *difficulty, double frac,
                            int label_error)
{
    im->path = strdup(path);
    dl_sha256_buf(path, strlen(path), im->sha256);
    im->width_px = im->height_px = 224;
    im->difficulty = difficulty ? strdup(difficulty) : NULL;
    im->frac_correct = frac;
    im->class_label = NULL;
    im->label_error = label_error;
}

static inline int64_t rt_observer(dl_store *st, const char *code)
{
    dl_observer o = {0};
    dl_error err = {0};
    o.code = strdup(code);
    o.age = -1;
    o.vision_corrected = o.naive = -1;
    if (dl_store_ensure_observer(st, &o, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        abort();
    }
    int64_t id = o.id;
    dl_observer_clear(&o);
    return id;
}

static inline int64_t rt_session(dl_store *st, int64_t observer_id, int64_t set_id, size_t n)
{
    dl_session x;
    dl_error err = {0};
    memset(&x, 0, sizeof x);
    x.observer_id = observer_id;
    x.set_id = set_id;
    x.seed = 42;
    x.norder = n;
    x.order = calloc(n, sizeof *x.order);
    for (size_t i = 0; i < n; i++)
        x.order[i] = (int)i;
    x.experiment_text = strdup("[experiment]\n");
    dl_sha256_buf(x.experiment_text, strlen(x.experiment_text), x.experiment_sha256);
    x.software_version = strdup("0.1.0");
    x.git_revision = strdup("test");
    x.refresh_mean_ms = x.refresh_sd_ms = NAN;
    x.viewing_distance_cm = x.screen_width_cm = NAN;
    if (dl_store_start_session(st, &x, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        abort();
    }
    int64_t id = x.id;
    dl_store_session_clear(&x);
    return id;
}

static inline void rt_check(int rc, const dl_error *err)
{
    if (rc != 0) {
        fprintf(stderr, "unexpected failure: %s\n", err->msg);
        abort();
    }
}

/* A report of the ratings (else trials) CSV at path, read with cols (NULL:
 * the default columns) and analysed with opt (NULL: the default options);
 * aborts when either step fails. */
static inline dl_report *rt_csv_report(const char *path, int ratings, const dl_report_columns *cols,
                                       const dl_report_options *opt)
{
    dl_report_columns def_cols;
    dl_report_options def_opt;
    dl_report_columns_default(&def_cols);
    dl_report_options_default(&def_opt);
    dl_report *r = dl_report_new();
    dl_error err = {0};
    rt_check(ratings ? dl_report_load_ratings_csv(r, path, cols ? cols : &def_cols, &err)
                     : dl_report_load_trials_csv(r, path, cols ? cols : &def_cols, &err),
             &err);
    rt_check(dl_report_analyse(r, opt ? opt : &def_opt, &err), &err);
    return r;
}

#endif
