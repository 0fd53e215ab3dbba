/* report_plan.c — the tables of `dddlab plan`: trials for a 2AFC binomial
 * test, items for an error-consistency interval, units for a Krippendorff's
 * alpha interval; each computed with the statistics core (stats_plan.c,
 * stats_alpha_plan.c) and written as text or JSON on the caller's stream. */
#include <math.h>
#include <stdlib.h>

#include "dl_report.h"

/* ---- 2AFC ---- */

static void json_2afc_row(dl_json *j, double acc, double power, int rc, const dl_plan_2afc *r,
                          const char *why)
{
    dl_json_object_begin(j);
    dl_json_key(j, "accuracy");
    dl_json_number(j, acc);
    dl_json_key(j, "power_target");
    dl_json_number(j, power);
    dl_json_key(j, "trials");
    rc ? dl_json_null(j) : dl_json_int(j, r->n);
    dl_json_key(j, "first_trials");
    rc ? dl_json_null(j) : dl_json_int(j, r->first_n);
    dl_json_key(j, "critical");
    rc ? dl_json_null(j) : dl_json_int(j, r->critical);
    dl_json_key(j, "power");
    dl_json_number(j, rc ? NAN : r->power);
    if (rc) {
        dl_json_key(j, "why");
        dl_json_string(j, why ? why : "invalid input");
    }
    dl_json_object_end(j);
}

void dl_report_plan_2afc(const dl_report_plan_2afc_in *p, int json, FILE *out)
{
    dl_json j;
    if (json) {
        dl_json_init(&j, out);
        dl_json_object_begin(&j);
        dl_json_key(&j, "chance");
        dl_json_number(&j, p->chance);
        dl_json_key(&j, "alpha");
        dl_json_number(&j, p->alpha);
        dl_json_key(&j, "rows");
        dl_json_array_begin(&j);
    } else {
        fprintf(out,
                "2AFC: trials for the exact binomial test against chance %g (one-sided, alpha "
                "%g)\n",
                p->chance, p->alpha);
        fprintf(out, "  %8s  %6s  %8s  %8s  %8s  %8s\n", "accuracy", "power", "trials", "first",
                "critical", "power@n");
    }
    for (size_t a = 0; a < p->nacc; a++)
        for (size_t k = 0; k < p->npower; k++) {
            dl_plan_2afc r;
            const char *why = NULL;
            double acc = p->acc[a], power = p->power[k];
            int rc = dl_stats_plan_2afc(acc, p->chance, p->alpha, power, p->nmax, &r, &why);
            if (json)
                json_2afc_row(&j, acc, power, rc, &r, why);
            else if (rc)
                fprintf(out, "  %8.4g  %6.4g  %s\n", acc, power, why ? why : "invalid input");
            else
                fprintf(out, "  %8.4g  %6.4g  %8u  %8u  %8u  %8.4f\n", acc, power, r.n, r.first_n,
                        r.critical, r.power);
        }
    if (json) {
        dl_json_array_end(&j);
        dl_json_object_end(&j);
        dl_json_end(&j);
    } else {
        fputs("trials: smallest number from which the power stays >= the target; critical: "
              "correct answers needed at that number\n",
              out);
    }
}

/* ---- error consistency ---- */

static void json_ec_head(dl_json *j, const dl_plan_ec_opts *b, FILE *out)
{
    dl_json_init(j, out);
    dl_json_object_begin(j);
    const char *keys[] = {"p1", "p2", "conf_level"};
    const double vals[] = {b->p1, b->p2, b->conf_level};
    for (size_t i = 0; i < 3; i++) {
        dl_json_key(j, keys[i]);
        dl_json_number(j, vals[i]);
    }
    dl_json_key(j, "sims");
    dl_json_int(j, (long long)b->sims);
    dl_json_key(j, "seed");
    dl_json_int(j, (long long)b->seed);
    dl_json_key(j, "rows");
    dl_json_array_begin(j);
}

static void json_ec_row(dl_json *j, const dl_plan_ec_opts *b, int rc, const dl_plan_ec *r,
                        const char *why)
{
    dl_json_object_begin(j);
    dl_json_key(j, "kappa");
    dl_json_number(j, b->kappa);
    dl_json_key(j, "half_width_target");
    dl_json_number(j, b->half_width);
    dl_json_key(j, "items");
    rc ? dl_json_null(j) : dl_json_int(j, (long long)r->n);
    dl_json_key(j, "half_width");
    dl_json_number(j, rc ? NAN : r->half_width);
    dl_json_key(j, "copy_prob");
    dl_json_number(j, rc ? NAN : r->copy_prob);
    if (rc) {
        dl_json_key(j, "why");
        dl_json_string(j, why ? why : "invalid input");
    }
    dl_json_object_end(j);
}

int dl_report_plan_ec(const dl_report_plan_ec_in *p, int json, FILE *out, dl_error *err)
{
    const dl_plan_ec_opts *base = &p->base;
    dl_json j;
    if (json) {
        json_ec_head(&j, base, out);
    } else {
        fprintf(out,
                "error consistency: items for a %g%% interval of half-width H (copy model, "
                "accuracies %g and %g, %zu simulations, seed %llu)\n",
                100 * base->conf_level, base->p1, base->p2, base->sims,
                (unsigned long long)base->seed);
        fprintf(out, "  %6s  %6s  %8s  %10s  %9s\n", "kappa", "H", "items", "half-width",
                "copy prob");
    }
    for (size_t k = 0; k < p->nkappa; k++)
        for (size_t h = 0; h < p->nhw; h++) {
            dl_plan_ec_opts b = *base;
            b.kappa = p->kappa[k];
            b.half_width = p->half_width[h];
            dl_plan_ec r;
            const char *why = NULL;
            int rc = dl_stats_plan_ec(&b, &r, &why);
            if (rc == DL_ENOMEM)
                return dl_fail(err, rc, "plan: out of memory");
            if (json)
                json_ec_row(&j, &b, rc, &r, why);
            else if (rc)
                fprintf(out, "  %6.4g  %6.4g  %s\n", b.kappa, b.half_width,
                        why ? why : "invalid input");
            else
                fprintf(out, "  %6.4g  %6.4g  %8zu  %10.4f  %9.4f\n", b.kappa, b.half_width, r.n,
                        r.half_width, r.copy_prob);
        }
    if (json) {
        dl_json_array_end(&j);
        dl_json_object_end(&j);
        dl_json_end(&j);
    }
    return 0;
}

/* ---- Krippendorff's alpha ---- */

/* Candidate study sizes, tried in order until one is narrow enough. */
static const size_t GRID[] = {20,  30,   50,   75,   100,  150,  200,  300,   500,
                              750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 20000};
enum { NGRID = sizeof GRID / sizeof *GRID };

static void json_alpha(const dl_alpha_plan_opts *o, double width, const dl_alpha_plan_row *rows,
                       size_t n, size_t needed, double noise_sd, FILE *out)
{
    dl_json j;
    dl_json_init(&j, out);
    dl_json_object_begin(&j);
    dl_json_key(&j, "coders");
    dl_json_int(&j, (long long)o->coders);
    dl_json_key(&j, "alpha");
    dl_json_number(&j, o->alpha);
    dl_json_key(&j, "level");
    dl_json_string(&j, dl_stats_level_name(o->level));
    dl_json_key(&j, "categories");
    if (o->level == DL_LEVEL_INTERVAL)
        dl_json_null(&j);
    else
        dl_json_int(&j, o->categories);
    const char *keys[] = {"width", "conf"};
    const double vals[] = {width, o->conf};
    for (size_t i = 0; i < 2; i++) {
        dl_json_key(&j, keys[i]);
        dl_json_number(&j, vals[i]);
    }
    dl_json_key(&j, "sims");
    dl_json_int(&j, (long long)o->sims);
    dl_json_key(&j, "seed");
    dl_json_int(&j, (long long)o->seed);
    dl_json_key(&j, "noise_sd");
    dl_json_number(&j, noise_sd);
    dl_json_key(&j, "rows");
    dl_json_array_begin(&j);
    for (size_t i = 0; i < n; i++) {
        const char *rk[] = {"mean_alpha", "ci_low", "ci_high", "width"};
        const double rv[] = {rows[i].mean_alpha, rows[i].ci_low, rows[i].ci_high, rows[i].width};
        dl_json_object_begin(&j);
        dl_json_key(&j, "units");
        dl_json_int(&j, (long long)rows[i].units);
        for (size_t k = 0; k < 4; k++) {
            dl_json_key(&j, rk[k]);
            dl_json_number(&j, rv[k]);
        }
        dl_json_object_end(&j);
    }
    dl_json_array_end(&j);
    dl_json_key(&j, "units_needed");
    if (needed)
        dl_json_int(&j, (long long)needed);
    else
        dl_json_null(&j);
    dl_json_object_end(&j);
    dl_json_end(&j);
}

static void text_alpha(const dl_alpha_plan_opts *o, double width, const dl_alpha_plan_row *rows,
                       size_t n, size_t needed, double noise_sd, FILE *out)
{
    fprintf(out, "alpha %.3g with %zu coders (%s", o->alpha, o->coders,
            dl_stats_level_name(o->level));
    if (o->level != DL_LEVEL_INTERVAL)
        fprintf(out, ", %d categories", o->categories);
    fprintf(out, "); %g%% interval width wanted: %.3g\n", 100 * o->conf, width);
    fprintf(out, "%zu simulated studies per size, seed %llu, coder noise SD %.4f\n\n", o->sims,
            (unsigned long long)o->seed, noise_sd);
    fprintf(out, "  %7s  %10s  %17s  %7s\n", "units", "mean alpha", "interval", "width");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %7zu  %10.4f  %7.4f - %7.4f  %7.4f\n", rows[i].units, rows[i].mean_alpha,
                rows[i].ci_low, rows[i].ci_high, rows[i].width);
    if (needed)
        fprintf(out,
                "\nunits needed: %zu (the last row: the smallest size found with width <= %.3g)\n",
                needed, width);
    else
        fprintf(out, "\nunits needed: more than %zu (width %.3g not reached)\n", rows[n - 1].units,
                width);
}

int dl_report_plan_alpha(const dl_alpha_plan_opts *opts, double width, int json, FILE *out,
                         dl_error *err)
{
    dl_alpha_plan_opts o = *opts;
    dl_alpha_plan_row rows[NGRID + 1];
    size_t n = 0, needed = 0;
    double noise_sd = NAN;
    int rc = 0;
    /* Coarse grid until narrow enough, then bisect between the last two sizes. */
    for (size_t i = 0; i < NGRID && !needed; i++, n++) {
        if ((rc = dl_alpha_plan(&o, &GRID[i], 1, &rows[n], &noise_sd)) != 0)
            break;
        o.noise_sd = noise_sd; /* calibrated once */
        if (rows[n].width <= width)
            needed = GRID[i];
    }
    if (rc == 0 && needed && n >= 2) {
        size_t lo = GRID[n - 2], hi = GRID[n - 1];
        dl_alpha_plan_row r;
        while (hi - lo > (hi < 200 ? 1 : hi / 100)) {
            size_t mid = lo + (hi - lo) / 2;
            if ((rc = dl_alpha_plan(&o, &mid, 1, &r, NULL)) != 0)
                break;
            if (r.width <= width) {
                hi = mid;
                rows[n - 1] = r;
            } else {
                lo = mid;
            }
        }
        needed = hi;
    }
    if (rc)
        return dl_fail(err, rc, "plan alpha: %s",
                       rc == DL_EUNDEF ? "the generator cannot reach that alpha" : dl_strerror(rc));
    if (json)
        json_alpha(&o, width, rows, n, needed, noise_sd, out);
    else
        text_alpha(&o, width, rows, n, needed, noise_sd, out);
    return 0;
}
