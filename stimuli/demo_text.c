/* demo_text.c — what `stimuli demo-data` made, as text or JSON, and the
 * observers and experiment files `dddlab demo` runs its sessions with. */
#include <stdio.h>

#include "dl_stimuli.h"

void dl_stimuli_demo_write_json(FILE *out, const dl_stimuli_demo *d, const char *dir, double secs)
{
    size_t nm = dl_stimuli_demo_nmodels();
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "out"), dl_json_string(&j, dir);
    dl_json_key(&j, "classes"), dl_json_int(&j, d->classes);
    dl_json_key(&j, "images_per_class"), dl_json_int(&j, d->images_per_class);
    dl_json_key(&j, "images"), dl_json_int(&j, (long long)d->classes * d->images_per_class);
    dl_json_key(&j, "seed"), dl_json_int(&j, d->seed);
    dl_json_key(&j, "models");
    dl_json_array_begin(&j);
    for (size_t m = 0; m < nm; m++)
        dl_json_string(&j, dl_stimuli_demo_model(m));
    dl_json_array_end(&j);
    dl_json_key(&j, "seconds"), dl_json_number(&j, secs);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

void dl_stimuli_demo_write_text(FILE *out, const dl_stimuli_demo *d, const char *dir, double secs)
{
    size_t nm = dl_stimuli_demo_nmodels();
    fprintf(out, "demo data in %s (%.1f s)\n", dir, secs);
    fprintf(out, "  %u classes x %u images, %zu models:", d->classes, d->images_per_class, nm);
    for (size_t m = 0; m < nm; m++)
        fprintf(out, " %s", dl_stimuli_demo_model(m));
    fprintf(out, "\n  next: dddlab stimuli analyse %s/results.csv\n", dir);
}

/* A lab writes its own (docs/examples/); the demo images are small noise
 * patches, shown enlarged. */
int dl_stimuli_demo_write_experiment(const char *path, const char *task, const char *set,
                                     const char *root, unsigned long long seed, dl_error *err)
{
    dl_atomic a;
    int rc = dl_atomic_open(&a, path, err);
    if (rc)
        return rc;
    if (dl_task_parse(task) == DL_TASK_2AFC)
        fprintf(a.fp,
                "; dddlab demo: a short 2AFC session (see docs/examples/experiment1_2afc.ini)\n"
                "[experiment]\ntask = 2afc\nset = %s\nimage_root = %s\nseed = %llu\n\n"
                "[procedure]\npractice = yes\nbreak_every = 10\niti_ms = 300\ncountdown_s = 1\n\n"
                "[display]\nimage_width_px = 192\n",
                set, root, seed);
    else
        fprintf(a.fp,
                "; dddlab demo: a short rating session (see docs/examples/experiment2_rating.ini)\n"
                "[experiment]\ntask = rating\nset = %s\nimage_root = %s\nseed = %llu\n\n"
                "[procedure]\npractice = no\nbreak_every = 10\niti_ms = 300\ncountdown_s = 1\n\n"
                "[display]\nimage_width_px = 224\n",
                set, root, seed);
    return dl_atomic_commit(&a, err);
}

void dl_stimuli_demo_observer(unsigned long seed, int task, int i, int person,
                              dl_stimuli_demo_obs *o)
{
    if (person && i == 0)
        snprintf(o->code, sizeof o->code, "you");
    else
        snprintf(o->code, sizeof o->code, "sim%02d", i + 1 - person);
    /* Observers differ in skill and speed, so the report has something to
     * show. shared=0.75: like people, they err on the same items (kappa near
     * 0.56; the paper's observers: 0.59). */
    snprintf(o->spec, sizeof o->spec, "accuracy=%.2f,shared=0.75,rt=lognormal:%d:0.3,seed=%lu",
             0.60 + 0.05 * (double)(i % 5), 350 + 50 * (i % 4), seed * 100 + (unsigned long)i + 1);
    /* dl_mix64 spreads neighbouring seeds apart; 53 bits stay exact in JSON. */
    o->order_seed = dl_mix64((uint64_t)seed * 1000003u + (uint64_t)task * 1000u + (uint64_t)i) &
                    ((1ULL << 53) - 1);
}
