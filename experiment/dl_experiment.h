/* dl_experiment.h — placeholder */
#ifndef DL_EXPERIMENT_H
#define DL_EXPERIMENT_H
#endif
