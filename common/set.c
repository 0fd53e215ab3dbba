/* set.c — freeing the records of dl_set.h. */
#include "dl_set.h"

#include <stdlib.h>

static void image_clear(dl_set_image *im)
{
    free(im->path);
    free(im->difficulty);
    free(im->class_label);
}

void dl_stim_set_free(dl_stim_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nitems; i++) {
        image_clear(&set->items[i].a);
        image_clear(&set->items[i].b);
    }
    free(set->items);
    free(set->name);
    free(set->task);
    free(set->created_utc);
    free(set->params_json);
    free(set->results_sha256);
    free(set->image_root);
    free(set->content_sha256);
    free(set);
}
