/* npy.h — a small reader of NumPy's .npy format and of .npz archives (zip),
 * private to stimuli/. Works on a buffer in memory, so it is easy to fuzz
 * (fuzz/fuzz_npy.c). Little-endian, C order, the dtypes
 * b1 u1 i1 i2 i4 i8 u2 u4 u8 f4 f8; every other array is refused with
 * "NAME: problem" naming the offset or element where it can. */
#ifndef DL_NPY_H
#define DL_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"

typedef enum npy_kind { NPY_BOOL, NPY_UINT, NPY_INT, NPY_FLOAT } npy_kind;

#define NPY_MAXDIM 8

typedef struct npy_array {
    npy_kind kind;
    size_t itemsize; /* bytes per element: 1, 2, 4 or 8 */
    char descr[32];  /* as written, e.g. "<f4" */
    int ndim;
    size_t shape[NPY_MAXDIM];
    size_t count;              /* product of shape */
    const unsigned char *data; /* count * itemsize bytes, borrowed from the buffer */
    size_t data_offset;        /* of data in the buffer */
} npy_array;

/* Parse one .npy image of len bytes; name is used in messages. */
int npy_parse(const char *name, const void *buf, size_t len, npy_array *a, dl_error *err);

/* Element i (flat, C order) as a double / as an integer (floats truncated). */
double npy_get(const npy_array *a, size_t i);

/* One member of an .npz archive; data is malloc'ed (inflated when stored
 * deflated) and owned by the member. */
typedef struct npz_member {
    char *name; /* without ".npy" */
    unsigned char *data;
    size_t len;
} npz_member;

/* Every member of a zip archive. DL_EINVAL with "NAME: ..." for a damaged
 * archive, a member that is neither stored nor deflated, zip64, or a CRC
 * mismatch. */
int npz_read(const char *name, const void *buf, size_t len, npz_member **members, size_t *n,
             dl_error *err);
void npz_free(npz_member *m, size_t n);

#endif
