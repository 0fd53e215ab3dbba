/* fuzz_json.c — common/json_read.c, the strict JSON reader, and on what it
 * accepts the reader of a session's rating questions (analysis/
 * report_questions.c), as analyse meets them in sessions.questions_json. */
#include "dl_common.h"
#include "fuzz_util.h"
#include "report_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dl_error err = {0};
    dl_jvalue *v = NULL;
    if (dl_jparse((const char *)data, size, &v, &err) == 0) {
        (void)dl_jget(v, "key");
        dl_jfree(v);
        /* accepted text has no NUL, so it is one C string */
        char *text = malloc(size + 1);
        if (!text)
            return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        rp_qlist q;
        if (rp_qlist_parse(text, &q, &err) == 0) {
            char buf[256];
            rp_qlist_describe(&q, buf, sizeof buf);
            rp_qlist_clear(&q);
        }
        free(text);
    }
    return 0;
}
