/* fuzz_npy.c — libFuzzer entry point for the NumPy reader (stimuli/npy.c):
 * every input is parsed as a .npy file and as an .npz archive whose members
 * are parsed as .npy; every element of a parsed array is read, so a size
 * check that lets data run past the buffer shows under ASan. */
#include <stddef.h>
#include <stdint.h>

#include "npy.h"

static void touch(const npy_array *a)
{
    volatile double sum = 0;
    for (size_t i = 0; i < a->count && i < 1000000; i++)
        sum += npy_get(a, i);
    (void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dl_error err = {0};
    npy_array a;
    if (npy_parse("fuzz.npy", data, size, &a, &err) == 0)
        touch(&a);
    npz_member *m = NULL;
    size_t n = 0;
    if (npz_read("fuzz.npz", data, size, &m, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            if (npy_parse("member", m[i].data, m[i].len, &a, &err) == 0)
                touch(&a);
        npz_free(m, n);
    }
    return 0;
}
