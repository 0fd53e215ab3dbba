/* npy_results.c — model results from NumPy arrays (placeholder). */
#include "results_internal.h"

int rd_read_npy(rd *r, const char *path)
{
    return dl_fail(r->err, DL_EINVAL, "%s: NumPy input is not supported yet", path);
}
