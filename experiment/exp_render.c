/* exp_render.c — a session's result as `dddlab run` shows it: aligned
 * lines or one JSON object on the caller's stream. */
#include <math.h>

#include "dl_experiment.h"

void dl_exp_result_write_json(FILE *out, const dl_exp_result *r)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "session_uuid");
    dl_json_string(&j, r->session_uuid);
    dl_json_key(&j, "status");
    dl_json_string(&j, r->status);
    dl_json_key(&j, "observer");
    dl_json_string(&j, r->observer_code);
    dl_json_key(&j, "resumed");
    dl_json_bool(&j, r->resumed);
    dl_json_key(&j, "trials_total");
    dl_json_int(&j, (long long)r->norder);
    dl_json_key(&j, "first_index");
    dl_json_int(&j, (long long)r->first_index);
    dl_json_key(&j, "logged");
    dl_json_int(&j, (long long)r->logged);
    dl_json_key(&j, "main_answered");
    dl_json_int(&j, (long long)r->main_answered);
    dl_json_key(&j, "main_correct");
    dl_json_int(&j, (long long)r->main_correct);
    dl_json_key(&j, "startup_s");
    dl_json_number(&j, r->startup_s);
    dl_json_key(&j, "refresh_mean_ms");
    dl_json_number(&j, r->refresh_mean_ms);
    dl_json_key(&j, "refresh_sd_ms");
    dl_json_number(&j, r->refresh_sd_ms);
    dl_json_key(&j, "vsync_emulated");
    dl_json_bool(&j, r->vsync_emulated);
    dl_json_key(&j, "frames");
    dl_json_int(&j, (long long)r->frames);
    dl_json_key(&j, "frames_dropped");
    dl_json_int(&j, (long long)r->frames_dropped);
    dl_json_key(&j, "trial_frames_dropped");
    dl_json_int(&j, (long long)r->trial_frames_dropped);
    dl_json_key(&j, "frame_max_ms");
    dl_json_number(&j, r->frame_max_ms);
    dl_json_key(&j, "rt_n");
    dl_json_int(&j, (long long)r->rt_n);
    dl_json_key(&j, "rt_err_median_ms");
    dl_json_number(&j, r->rt_err_median_ms);
    dl_json_key(&j, "rt_err_p99_ms");
    dl_json_number(&j, r->rt_err_p99_ms);
    dl_json_key(&j, "rt_err_max_ms");
    dl_json_number(&j, r->rt_err_max_ms);
    dl_json_key(&j, "video_driver");
    dl_json_string(&j, r->video_driver);
    dl_json_key(&j, "renderer");
    dl_json_string(&j, r->renderer);
    dl_json_key(&j, "drawable_w");
    dl_json_int(&j, r->drawable_w);
    dl_json_key(&j, "drawable_h");
    dl_json_int(&j, r->drawable_h);
    dl_json_key(&j, "screenshots");
    dl_json_int(&j, (long long)r->screenshots);
    dl_json_key(&j, "deadlines_missed");
    dl_json_int(&j, (long long)r->deadlines_missed);
    dl_json_key(&j, "warnings");
    dl_json_array_begin(&j);
    for (size_t i = 0; i < r->nwarnings; i++)
        dl_json_string(&j, r->warnings[i]);
    dl_json_array_end(&j);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

void dl_exp_result_write_text(FILE *out, const dl_exp_result *r)
{
    fprintf(out, "%-11s %s (%s%s)\n", "session", r->session_uuid[0] ? r->session_uuid : "(none)",
            r->status, r->resumed ? ", resumed" : "");
    fprintf(out, "%-11s %s\n", "observer", r->observer_code[0] ? r->observer_code : "(none)");
    fprintf(out, "%-11s %zu of %zu logged (%zu in this run)\n", "trials",
            r->first_index + r->logged, r->norder, r->logged);
    if (r->main_answered)
        fprintf(out, "%-11s %zu of %zu main trials correct (%.1f%%)\n", "accuracy", r->main_correct,
                r->main_answered, 100.0 * (double)r->main_correct / (double)r->main_answered);
    fprintf(out, "%-11s refresh %.3f ms (SD %.3f)%s, %zu of %zu frames dropped, longest %.2f ms\n",
            "timing", r->refresh_mean_ms, r->refresh_sd_ms,
            r->vsync_emulated ? ", vsync emulated" : "", r->frames_dropped, r->frames,
            r->frame_max_ms);
    if (!isnan(r->startup_s))
        fprintf(out, "%-11s %.3f s to the first instruction frame\n", "startup", r->startup_s);
    if (r->rt_n)
        fprintf(out, "%-11s rt error median %.3f ms, p99 %.3f ms, max %.3f ms (n = %zu)\n",
                "simulated", r->rt_err_median_ms, r->rt_err_p99_ms, r->rt_err_max_ms, r->rt_n);
    if (r->screenshots)
        fprintf(out, "%-11s %zu written\n", "screenshots", r->screenshots);
}
