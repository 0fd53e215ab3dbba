/* fuzz_ini.c — experiment/config.c, the experiment file (INI through inih
 * fed by our own line reader), and the demo data set's demo.ini reader. */
#include "dl_experiment.h"
#include "dl_stimuli.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    dl_error err = {0};
    dl_exp_config *cfg = NULL;
    if (dl_exp_config_parse("/nonexistent/fuzz.ini", text, &cfg, &err) == 0) {
        (void)dl_exp_config_task(cfg);
        (void)dl_exp_config_set(cfg);
        dl_exp_config_free(cfg);
    }
    free(text);
    dl_stimuli_demo demo;
    (void)dl_stimuli_demo_read_ini(fz_file(data, size, ".ini"), &demo, &err);
    return 0;
}
