/* experiment.c — placeholder */
typedef int dl_placeholder_experiment;
