/* report_binom.c — `dddlab binomial`: the exact binomial test as a small
 * table or one JSON object on the caller's stream. */
#include <math.h>

#include "dl_report.h"

static void write_json(const dl_binom *b, dl_alternative alt, FILE *out)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "k");
    dl_json_int(&j, b->k);
    dl_json_key(&j, "n");
    dl_json_int(&j, b->n);
    dl_json_key(&j, "p0");
    dl_json_number(&j, b->p0);
    dl_json_key(&j, "alternative");
    dl_json_string(&j, dl_stats_alternative_name(alt));
    dl_json_key(&j, "conf_level");
    dl_json_number(&j, b->conf_level);
    dl_json_key(&j, "p_value");
    dl_json_number(&j, b->p_value);
    dl_json_key(&j, "log10_p"); /* null only when p is exactly 0 (p0 = 0 or 1) */
    dl_json_number(&j, b->log10_p);
    dl_json_key(&j, "estimate");
    dl_json_number(&j, b->estimate);
    dl_json_key(&j, "ci_low");
    dl_json_number(&j, b->ci_low);
    dl_json_key(&j, "ci_high");
    dl_json_number(&j, b->ci_high);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

static void write_text(const dl_binom *b, dl_alternative alt, FILE *out)
{
    char ci[32];
    snprintf(ci, sizeof ci, "%g%% CI", 100 * b->conf_level);
    fprintf(out, "exact binomial test: %u successes in %u trials\n", b->k, b->n);
    fprintf(out, "  %-13s %g\n", "p0", b->p0);
    fprintf(out, "  %-13s %s\n", "alternative", dl_stats_alternative_name(alt));
    fprintf(out, "  %-13s %.4f\n", "estimate", b->estimate);
    if (b->p_value < 1e-300 && isfinite(b->log10_p))
        fprintf(out, "  %-13s < 1e-300 (log10 p = %.3f)\n", "p-value", b->log10_p);
    else
        fprintf(out, "  %-13s %.4g\n", "p-value", b->p_value);
    fprintf(out, "  %-13s %.4f .. %.4f (Clopper-Pearson%s)\n", ci, b->ci_low, b->ci_high,
            alt == DL_ALT_TWO_SIDED ? "" : ", one-sided");
}

void dl_report_binom_write(const dl_binom *b, dl_alternative alt, int json, FILE *out)
{
    if (json)
        write_json(b, alt, out);
    else
        write_text(b, alt, out);
}
