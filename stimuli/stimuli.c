/* stimuli.c — placeholder */
typedef int dl_placeholder_stimuli;
