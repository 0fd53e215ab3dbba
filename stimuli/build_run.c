/* build_run.c — `stimuli build` as one call: a fresh seed when none is
 * given, the manifest's and demo.ini's paths, the results, the set, and
 * saving it with its manifest so that neither exists without the other. The
 * store itself is the caller's (stimuli does not depend on sessions/). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dl_stimuli.h"

/* A fresh seed when none is given; it is printed and stored with the set. */
static uint32_t fresh_seed(void)
{
    uint32_t s = 0;
    if (dl_random_bytes(&s, sizeof s) != 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        s = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ ((uint32_t)getpid() << 16);
    }
    return s;
}

/* path with its last component replaced by name; malloc'd. */
static char *beside(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    char *out = malloc(dir + strlen(name) + 1);
    if (out) {
        memcpy(out, path, dir);
        strcpy(out + dir, name);
    }
    return out;
}

int dl_stimuli_set_save(dl_stim_set *set, const char *manifest, dl_stimuli_store_fn store,
                        void *store_ctx, dl_error *err)
{
    dl_atomic at;
    if (access(manifest, F_OK) == 0)
        return dl_fail(err, DL_EEXIST,
                       "%s: manifest exists already; choose another --manifest or set name",
                       manifest);
    int rc = dl_atomic_open(&at, manifest, err);
    if (rc)
        return rc;
    dl_stimuli_manifest(set, at.fp);
    /* The manifest is on disk before the set is stored, so a full disk
     * cannot leave a stored set without its manifest. */
    if ((rc = dl_atomic_flush(&at, err)) != 0 || (rc = store(store_ctx, set, err)) != 0) {
        dl_atomic_abort(&at);
        return rc;
    }
    return dl_atomic_commit(&at, err);
}

static int paths(dl_stimuli_build_job *j, dl_error *err)
{
    size_t mlen = strlen(j->bo.name) + 16;
    char *mname = malloc(mlen);
    if (mname)
        snprintf(mname, mlen, "%s.manifest.csv", j->bo.name);
    j->manifest_path = j->manifest ? dl_strdup(j->manifest) : mname ? beside(j->db, mname) : NULL;
    free(mname);
    if (j->demo_images)
        j->bo.demo_ini = j->demo_ini = beside(j->results, "demo.ini");
    if (!j->manifest_path || (j->demo_images && !j->demo_ini))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    return 0;
}

int dl_stimuli_build_run(dl_stimuli_build_job *j, dl_error *err)
{
    if (!j->seed_given)
        j->bo.seed = fresh_seed();
    j->bo.images_csv = j->ro.images_csv;
    j->bo.exclude = j->ro.exclude;
    j->bo.labels = j->ro.labels;
    j->bo.image_list = j->ro.image_list;
    int rc = paths(j, err);
    if (rc || (rc = dl_stimuli_results_read(j->results, &j->ro, &j->res, err)) != 0)
        return rc;
    if ((rc = dl_stimuli_build(j->res, &j->bo, &j->set, err)) != 0) {
        size_t n = err ? strlen(err->msg) : 0;
        if (err)
            snprintf(err->msg + n, sizeof err->msg - n, "; set '%s' not stored", j->bo.name);
        return rc;
    }
    return dl_stimuli_set_save(j->set, j->manifest_path, j->store, j->store_ctx, err);
}

void dl_stimuli_build_job_free(dl_stimuli_build_job *j)
{
    dl_stim_set_free(j->set);
    dl_stimuli_results_free(j->res);
    free(j->demo_ini);
    free(j->manifest_path);
    j->set = NULL;
    j->res = NULL;
    j->demo_ini = j->manifest_path = NULL;
}
