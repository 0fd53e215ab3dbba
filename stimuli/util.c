/* util.c — small private helpers of stimuli/ (the string index is dl_names,
 * common/names.c). */
#include "stimuli_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *stim_render(stim_render_fn fn, void *ctx)
{
    char *data = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&data, &len);
    if (!out)
        return NULL;
    fn(ctx, out);
    if (fclose(out) != 0) {
        free(data);
        return NULL;
    }
    return data;
}
