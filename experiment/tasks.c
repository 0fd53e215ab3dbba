/* tasks.c — the list of tasks the runner can run (exp_task in
 * exp_internal.h). Each lives in its own file; adding one is a line here. */
#include "exp_internal.h"

static const exp_task *const tasks[] = {&exp_task_2afc_def, &exp_task_rating_def, NULL};

const exp_task *exp_task_of(const dl_exp_config *cfg)
{
    for (size_t i = 0; tasks[i]; i++)
        if (tasks[i]->id == cfg->task)
            return tasks[i];
    return NULL;
}
