/* fuzz_imghdr.c — common/imghdr.c, the check every image passes before it
 * is decoded. What it accepts must be within the limits it promises. */
#include "dl_stimuli.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dl_error err = {0};
    dl_image_info info;
    if (dl_image_check_buf("fuzz.img", data, size, &info, &err) == 0) {
        if (info.width_px <= 0 || info.height_px <= 0 || info.width_px > DL_IMAGE_MAX_SIDE_PX ||
            info.height_px > DL_IMAGE_MAX_SIDE_PX ||
            (long)info.width_px * info.height_px > DL_IMAGE_MAX_PIXELS)
            abort();
    } else if (!err.msg[0] || strncmp(err.msg, "fuzz.img: ", 10) != 0) {
        abort(); /* every refusal is one message naming the file */
    }
    return 0;
}
