/* tasks.c — the list of tasks the runner can run (exp_task in
 * exp_internal.h). Each lives in its own file; adding one is a line here. */
#include <stdio.h>
#include <string.h>

#include "exp_internal.h"

static const exp_task *const tasks[] = {&exp_task_2afc_def, &exp_task_rating_def, NULL};

const exp_task *exp_task_of(const dl_exp_config *cfg)
{
    for (size_t i = 0; tasks[i]; i++)
        if (tasks[i]->id == cfg->task)
            return tasks[i];
    return NULL;
}

const exp_task *exp_task_named(const char *name)
{
    for (size_t i = 0; name && tasks[i]; i++)
        if (strcmp(tasks[i]->name, name) == 0)
            return tasks[i];
    return NULL;
}

/* "2afc, rating": for a message naming the tasks this build can run. */
void exp_task_names(char *buf, size_t size)
{
    size_t n = 0;
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; tasks[i] && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "", tasks[i]->name);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}
