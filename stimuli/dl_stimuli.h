/* dl_stimuli.h — placeholder */
#ifndef DL_STIMULI_H
#define DL_STIMULI_H
#endif
