/* build_text.c — the reports of `stimuli build` (what was stored) and
 * `stimuli check` (what is wrong with a stored set's images), as text or as
 * one JSON object on a stream. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dl_stimuli.h"

/* Practice items, and main 2AFC pairs with the trivial image on the left. */
static void count_items(const dl_stim_set *set, size_t *practice, size_t *left)
{
    *practice = *left = 0;
    for (size_t i = 0; i < set->nitems; i++) {
        *practice += set->items[i].practice != 0;
        *left += !set->items[i].practice && set->items[i].trivial_left;
    }
}

void dl_stimuli_build_job_write_json(FILE *out, const dl_stimuli_build_job *b)
{
    const dl_stim_set *set = b->set;
    size_t practice, left;
    count_items(set, &practice, &left);
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "set"), dl_json_string(&j, set->name);
    dl_json_key(&j, "id"), dl_json_int(&j, set->id);
    dl_json_key(&j, "task"), dl_json_string(&j, set->task);
    dl_json_key(&j, "items"), dl_json_int(&j, (long long)set->nitems);
    dl_json_key(&j, "practice_items"), dl_json_int(&j, (long long)practice);
    if (dl_task_parse(set->task) == DL_TASK_2AFC)
        dl_json_key(&j, "trivial_left"), dl_json_int(&j, (long long)left);
    dl_json_key(&j, "seed"), dl_json_int(&j, (long long)set->seed);
    dl_json_key(&j, "results_sha256"), dl_json_string(&j, set->results_sha256);
    dl_json_key(&j, "content_sha256"), dl_json_string(&j, set->content_sha256);
    dl_json_key(&j, "db"), dl_json_string(&j, b->db);
    dl_json_key(&j, "image_root"), dl_json_string(&j, set->image_root);
    dl_json_key(&j, "manifest"), dl_json_string(&j, b->manifest_path);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

void dl_stimuli_build_job_write_text(FILE *out, const dl_stimuli_build_job *b)
{
    const dl_stim_set *set = b->set;
    size_t practice, left;
    count_items(set, &practice, &left);
    fprintf(out, "stored set '%s' (%s) in %s\n", set->name, set->task, b->db);
    fprintf(out, "  items          %zu (%zu practice)\n", set->nitems, practice);
    if (dl_task_parse(set->task) == DL_TASK_2AFC)
        fprintf(out, "  trivial left   %zu of %zu main pairs\n", left, set->nitems - practice);
    fprintf(out, "  seed           %" PRIu64 "%s\n", set->seed,
            b->seed_given ? "" : " (fresh; use --seed to repeat)");
    fprintf(out, "  results sha256 %s\n", set->results_sha256);
    fprintf(out, "  content sha256 %s\n", set->content_sha256);
    fprintf(out, "  manifest       %s\n", b->manifest_path);
}

void dl_stimuli_check_write_json(FILE *out, const dl_stim_set *set, const char *root,
                                 const dl_stimuli_problem *p, size_t np, size_t nimages)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "set"), dl_json_string(&j, set->name);
    dl_json_key(&j, "image_root"), dl_json_string(&j, root);
    dl_json_key(&j, "images"), dl_json_int(&j, (long long)nimages);
    dl_json_key(&j, "ok"), dl_json_bool(&j, np == 0);
    dl_json_key(&j, "problems");
    dl_json_array_begin(&j);
    for (size_t i = 0; i < np; i++) {
        dl_json_object_begin(&j);
        dl_json_key(&j, "item"), dl_json_int(&j, p[i].item);
        dl_json_key(&j, "path"), dl_json_string(&j, p[i].path);
        dl_json_key(&j, "problem"), dl_json_string(&j, p[i].what);
        dl_json_object_end(&j);
    }
    dl_json_array_end(&j);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

void dl_stimuli_check_write_text(FILE *out, const dl_stim_set *set, const char *root,
                                 const dl_stimuli_problem *p, size_t np, size_t nimages)
{
    fprintf(out, "set '%s': %zu images under %s: %s\n", set->name, nimages, root,
            np ? "PROBLEMS" : "all present and unchanged");
    if (np)
        fprintf(out, "  %5s  %-40s %s\n", "item", "image", "problem");
    for (size_t i = 0; i < np; i++)
        fprintf(out, "  %5d  %-40s %s\n", p[i].item, p[i].path, p[i].what);
}
