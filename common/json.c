/* json.c — a small streaming JSON writer for --json output. */
#include "dl_common.h"

#include <math.h>

void dl_json_init(dl_json *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->need_comma[0] = 0;
    j->after_key = 0;
}

/* Before any value: a comma when a sibling came first (not after a key). */
static void before_value(dl_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->need_comma[j->depth])
        fputc(',', j->out);
    j->need_comma[j->depth] = 1;
}

static void open(dl_json *j, char c)
{
    before_value(j);
    fputc(c, j->out);
    if (j->depth < 63)
        j->depth++;
    j->need_comma[j->depth] = 0;
}

static void close_(dl_json *j, char c)
{
    fputc(c, j->out);
    if (j->depth > 0)
        j->depth--;
}

void dl_json_object_begin(dl_json *j) { open(j, '{'); }
void dl_json_object_end(dl_json *j) { close_(j, '}'); }
void dl_json_array_begin(dl_json *j) { open(j, '['); }
void dl_json_array_end(dl_json *j) { close_(j, ']'); }

void dl_json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void dl_json_key(dl_json *j, const char *key)
{
    before_value(j);
    dl_json_write_string(j->out, key);
    fputc(':', j->out);
    j->after_key = 1;
}

void dl_json_string(dl_json *j, const char *s)
{
    before_value(j);
    if (s)
        dl_json_write_string(j->out, s);
    else
        fputs("null", j->out);
}

void dl_json_number(dl_json *j, double v)
{
    before_value(j);
    if (!isfinite(v))
        fputs("null", j->out);
    else
        fprintf(j->out, "%.17g", v);
}

void dl_json_int(dl_json *j, long long v)
{
    before_value(j);
    fprintf(j->out, "%lld", v);
}

void dl_json_bool(dl_json *j, int v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->out);
}

void dl_json_null(dl_json *j)
{
    before_value(j);
    fputs("null", j->out);
}

void dl_json_end(dl_json *j)
{
    fputc('\n', j->out);
    fflush(j->out);
}
