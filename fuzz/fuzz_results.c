/* fuzz_results.c — stimuli/results*.c, every format the reader knows
 * (auto-detected, long with and without epochs, wide, counts): the first
 * byte chooses the format, the rest is the results file. A successful read
 * must hold together (counts within the number of models). */
#include "dl_stimuli.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const dl_stimuli_format formats[4] = {DL_STIMULI_AUTO, DL_STIMULI_LONG,
                                                 DL_STIMULI_WIDE, DL_STIMULI_COUNTS};
    dl_stimuli_read_opts o = {.format = formats[data[0] % 4]};
    const char *path = fz_file(data + 1, size - 1, ".csv");
    dl_error err = {0};
    dl_stimuli_results *r = NULL;
    if (dl_stimuli_results_read(path, &o, &r, &err) == 0) {
        for (size_t i = 0; i < r->nimages; i++)
            if (r->n_correct[i] > r->models_per_image || !r->images[i])
                abort();
        dl_stimuli_results_free(r);
    }
    return 0;
}
