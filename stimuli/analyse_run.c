/* analyse_run.c — `stimuli analyse` as one call: read the results, analyse
 * them, the bootstrap when asked, and the --out tables. */
#include <stdio.h>

#include "dl_stimuli.h"

int dl_stimuli_analyse_run(dl_stimuli_analyse_job *j, dl_error *err)
{
    int rc = dl_stimuli_results_read_many(j->paths, j->npaths, &j->ro, &j->res, err);
    if (rc)
        return rc;
    dl_ec_boot_opts eb = {.replicates = j->replicates,
                          .seed = j->seed,
                          .conf_level = j->conf,
                          .boundary = j->ao.ec_boundary,
                          .threads = j->ao.threads};
    if ((rc = dl_stimuli_analyse_with(j->res, &j->ao, &j->a, err)) != 0)
        return rc;
    if (j->replicates && ((rc = dl_stimuli_ddd_uncertainty(j->a, j->replicates, j->seed, j->conf,
                                                           &j->unc, err)) != 0 ||
                          (rc = dl_stimuli_ec_uncertainty(j->a, &eb, err)) != 0))
        return rc;
    if (j->replicates)
        j->a->unc = &j->unc; /* summary.json and the JSON carry it */
    if (j->out_dir &&
        ((rc = dl_stimuli_analysis_write(j->a, j->out_dir, err)) != 0 ||
         (j->replicates && (rc = dl_stimuli_ddd_unc_write(j->a, &j->unc, j->out_dir, err)) != 0)))
        return rc;
    return 0;
}

void dl_stimuli_analyse_job_write_text(FILE *out, const dl_stimuli_analyse_job *j)
{
    dl_stimuli_analysis_write_text(out, j->a);
    if (j->replicates)
        dl_stimuli_ddd_unc_write_text(out, j->a, &j->unc);
    if (j->out_dir)
        fprintf(out,
                "\nwrote per_image.csv, model_accuracy.csv, histogram.csv, ec_all.csv,\n"
                "ec_in_between.csv, ec_pairs.csv, class_accuracy.csv, agreement.csv,\n"
                "decisions.csv, epoch_decisions.csv, codebook.csv, summary.json%s to %s\n",
                j->replicates ? ", uncertainty.csv" : "", j->out_dir);
}

void dl_stimuli_analyse_job_free(dl_stimuli_analyse_job *j)
{
    dl_stimuli_ddd_unc_free(&j->unc);
    dl_stimuli_analysis_free(j->a);
    dl_stimuli_results_free(j->res);
    j->a = NULL;
    j->res = NULL;
}
