/* clock.c — the one time base of a session: SDL's performance counter.
 *
 * SDL's event timestamps are whole milliseconds and taken when SDL pumps the
 * queue, so every onset and response is stamped here instead, right where it
 * happens. */
#include <time.h>

#include "exp_internal.h"

uint64_t exp_now(void)
{
    return SDL_GetPerformanceCounter();
}

double exp_ms(uint64_t from, uint64_t to)
{
    double f = (double)SDL_GetPerformanceFrequency();
    if (to >= from)
        return (double)(to - from) * 1000.0 / f;
    return -(double)(from - to) * 1000.0 / f;
}

uint64_t exp_add_ms(uint64_t t, double ms)
{
    double f = (double)SDL_GetPerformanceFrequency();
    double ticks = ms * f / 1000.0;
    if (ticks <= 0)
        return t;
    return t + (uint64_t)(ticks + 0.5);
}

void exp_sleep_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000.0);
    ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000.0) * 1e6);
    if (ts.tv_nsec >= 1000000000L)
        ts.tv_nsec = 999999999L;
    nanosleep(&ts, NULL);
}

/* nanosleep overshoots by the timer slack (50 us by default); the last
 * stretch is re-checked so we never return early. */
void exp_sleep_until(uint64_t t)
{
    for (;;) {
        double left = exp_ms(exp_now(), t);
        if (left <= 0)
            return;
        exp_sleep_ms(left);
    }
}
