/* fuzz_csv.c — common/csv.c: the whole-file reader and the streaming one. */
#include "dl_common.h"
#include "fuzz_util.h"

static int count_row(void *ctx, char **fields, size_t nfields, size_t line)
{
    size_t *n = ctx;
    for (size_t i = 0; i < nfields; i++)
        *n += strlen(fields[i]) + line;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_file(data, size, ".csv");
    dl_error err = {0};
    dl_csv *csv = NULL;
    if (dl_csv_read(path, &csv, &err) == 0) {
        for (size_t r = 0; r < csv->nrows; r++)
            for (size_t c = 0; c < csv->ncols; c++)
                if (!csv->rows[r][c])
                    abort(); /* "never NULL" says the header */
        (void)dl_csv_col(csv, "image");
        dl_csv_free(csv);
    }
    size_t n = 0;
    (void)dl_csv_stream(path, count_row, &n, &err);
    return 0;
}
