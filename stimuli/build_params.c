/* build_params.c — the parameters a set was built with, as JSON stored with
 * the set: everything needed to draw the same set again. */
#include "build_internal.h"

#include <string.h>

typedef struct params_ctx {
    const dl_stimuli_results *r;
    const dl_stimuli_build_opts *o;
    const char *results_sha256;
} params_ctx;

static void key_str(dl_json *j, const char *key, const char *s)
{
    dl_json_key(j, key);
    if (s)
        dl_json_string(j, s);
    else
        dl_json_null(j);
}

static void key_int(dl_json *j, const char *key, long long v)
{
    dl_json_key(j, key);
    dl_json_int(j, v);
}

/* A side file's path with its SHA-256 (null when absent or unreadable). */
static void key_file(dl_json *j, const char *key, const char *path)
{
    char sha[65], name[64];
    key_str(j, key, path);
    snprintf(name, sizeof name, "%s_sha256", key);
    key_str(j, name, path && dl_sha256_file(path, sha, NULL) == 0 ? sha : NULL);
}

static void render(void *ctx, FILE *out)
{
    const params_ctx *p = ctx;
    const dl_stimuli_build_opts *o = p->o;
    int afc = o->task == DL_TASK_2AFC;
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    key_str(&j, "task", dl_task_name(o->task));
    key_str(&j, "name", o->name);
    key_int(&j, "seed", o->seed);
    key_str(&j, "rng", "gsl_rng_mt19937");
    key_int(&j, "near", o->near);
    key_int(&j, afc ? "pairs" : "per_class", (long long)(afc ? o->pairs : o->per_class));
    if (afc)
        key_int(&j, "pool", (long long)o->pool);
    else
        key_int(&j, "balance_classes", o->balance_classes);
    key_int(&j, "practice", (long long)o->practice);
    key_int(&j, "exclude_label_errors", o->exclude_label_errors);
    key_str(&j, "results", p->r->path);
    key_str(&j, "results_format", dl_stimuli_format_name(p->r->format));
    key_str(&j, "results_sha256", p->results_sha256);
    key_int(&j, "results_images", (long long)p->r->nimages);
    key_int(&j, "results_models", p->r->models_per_image);
    key_file(&j, "images_csv", o->images_csv);
    key_file(&j, "exclude", o->exclude);
    key_file(&j, "labels", o->labels);
    key_str(&j, "image_list", o->image_list);
    key_str(&j, "image_root", o->image_root);
    key_str(&j, "demo_ini", o->demo_ini);
    key_str(&j, "software_version", dl_version());
    key_str(&j, "git_revision", dl_git_revision());
    dl_json_object_end(&j);
}

char *stim_bs_params_json(const dl_stimuli_results *r, const dl_stimuli_build_opts *o,
                          const char *results_sha256)
{
    params_ctx p = {r, o, results_sha256};
    return stim_render(render, &p);
}
