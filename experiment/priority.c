/* priority.c — what the runner asks of the scheduler while the window is
 * open: real-time scheduling, locked memory, and one CPU of its own.
 *
 * A busy machine should not make the session late. Like Psychtoolbox's
 * Priority() and PsychoPy's rush(), ask for real-time scheduling (SCHED_FIFO
 * at a moderate priority: above every normal process, below the kernel's
 * own threads) and lock the memory already mapped (the textures are loaded
 * by now) so no page fault waits for the disk; where that is not allowed,
 * nice -10. The loop sleeps between polls, so a real-time runner leaves the
 * CPU to others. What was obtained goes into the run row.
 *
 * Both the scheduling policy and the CPU affinity belong to a thread, not to
 * the process, and the runner is not alone in its process by the time the
 * window is open: SDL and the GL driver have started threads of their own,
 * and a present waits for some of them (Mesa's llvmpipe rasterises every
 * frame on worker threads). Left at normal priority they compete with
 * whatever else runs, and the present is as late as they are — under a CPU
 * hog that was most of the dropped frames. So every thread of the process is
 * changed; threads started later inherit from the thread that starts them. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exp_internal.h"

#define EXP_RT_PRIORITY 10

/* A sanitizer build does not go real-time: mlockall would try to lock
 * AddressSanitizer's shadow memory. */
#if defined(__SANITIZE_ADDRESS__)
#define EXP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXP_SANITIZED 1
#endif
#endif

#ifdef EXP_SANITIZED
/* LeakSanitizer's exit-time check crashed now and then in runner processes
 * ("Tracer caught signal 11: addr=0x1048", about one run in 30; under
 * LSAN_OPTIONS=log_threads=1 the last line before it is the main thread's
 * "DTLS 12 at 0x000000001042-0x001800002144"). The range is garbage: the
 * sanitizer runtime (GCC 12's, on glibc 2.36) intercepts __tls_get_addr to
 * note each thread's dynamic TLS blocks, and guesses a block's bounds from
 * a header older glibcs put in front of it; when the block of a module
 * loaded with dlopen (here Mesa's GL driver and LLVM, which SDL loads for
 * the window) happens to start 16 bytes into a page, the guess reads
 * whatever lies there. Nothing is lost without the interception: glibc
 * allocates those blocks with malloc and keeps them in the thread's DTV,
 * which the leak check reaches through the static TLS it scans anyway. An
 * ASAN_OPTIONS in the environment still has the last word. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "intercept_tls_get_addr=0";
}
#endif

typedef int (*thread_fn)(pid_t tid, const void *arg);

static int set_sched(pid_t tid, const void *arg)
{
    const struct sched_param *sp = arg;
    int policy = sp->sched_priority > 0 ? SCHED_FIFO : SCHED_OTHER;
    return sched_setscheduler(tid, policy, sp);
}

static int set_nice(pid_t tid, const void *arg)
{
    return setpriority(PRIO_PROCESS, (id_t)tid, *(const int *)arg);
}

static int set_cpu(pid_t tid, const void *arg)
{
    return sched_setaffinity(tid, sizeof(cpu_set_t), arg);
}

/* fn on the calling thread first, then on every other thread of the
 * process. Returns the number of threads changed, or -errno when the
 * calling thread could not be (then nothing was). A thread that ended in
 * the meantime is no failure. */
static int each_thread(thread_fn fn, const void *arg)
{
    pid_t self = (pid_t)syscall(SYS_gettid);
    if (fn(self, arg) != 0)
        return -errno;
    int n = 1;
    DIR *dir = opendir("/proc/self/task");
    if (!dir)
        return n;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        char *end;
        long tid = strtol(de->d_name, &end, 10);
        if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end || tid == self)
            continue;
        if (fn((pid_t)tid, arg) == 0)
            n++;
    }
    closedir(dir);
    return n;
}

#ifdef EXP_SANITIZED
static void realtime(exp_run *rc)
{
    exp_event(rc, "info", "no real-time scheduling (a sanitizer build); nice -10 instead");
}
#else
static void realtime(exp_run *rc)
{
    struct sched_param sp = {.sched_priority = EXP_RT_PRIORITY};
    int max = sched_get_priority_max(SCHED_FIFO);
    if (max > 0 && sp.sched_priority > max)
        sp.sched_priority = max;
    int n = each_thread(set_sched, &sp);
    if (n > 0) {
        rc->sched_policy = "SCHED_FIFO";
        rc->sched_priority = sp.sched_priority;
        rc->sched_threads = n;
        rc->sched_raised = 1;
    } else {
        exp_event(rc, "info",
                  "no real-time scheduling (%s); see docs/experiment.md, Timing, on how a lab "
                  "grants it",
                  strerror(-n));
    }
    if (mlockall(MCL_CURRENT) == 0)
        rc->memory_locked = 1;
    else
        exp_event(rc, "info", "memory not locked (%s)", strerror(errno));
}
#endif

/* cpu = N: the runner's threads run on CPU N only, so a process that keeps
 * another CPU busy never shares one with them. A CPU this machine does not
 * have, or the runner may not use, is a warning, not a reason to stop a
 * session (experiment files travel between stations). */
static void pin(exp_run *rc)
{
    int want = rc->cfg->cpu;
    rc->cpu = -1;
    if (want < 0)
        return;
    cpu_set_t allowed, one;
    CPU_ZERO(&one);
    if (want >= CPU_SETSIZE || sched_getaffinity(0, sizeof allowed, &allowed) != 0 ||
        !CPU_ISSET(want, &allowed)) {
        exp_warn(rc,
                 "cpu = %d: the runner may not use that CPU here (%ld online); it runs on "
                 "any",
                 want, sysconf(_SC_NPROCESSORS_ONLN));
        return;
    }
    CPU_SET(want, &one);
    cpu_set_t *saved = malloc(sizeof *saved);
    if (!saved)
        return; /* no pin rather than one that cannot be undone */
    memcpy(saved, &allowed, sizeof allowed);
    int n = each_thread(set_cpu, &one);
    if (n < 0) {
        exp_warn(rc, "cpu = %d: cannot pin the runner (%s); it runs on any", want,
                 strerror(-n));
        free(saved);
        return;
    }
    rc->cpu = want;
    rc->saved_cpus = saved;
    exp_event(rc, "info", "the runner's %d thread%s run on CPU %d only (cpu = %d)", n,
              n == 1 ? "" : "s", want, want);
}

void exp_priority_raise(exp_run *rc)
{
    rc->sched_policy = "SCHED_OTHER";
    pin(rc);
    errno = 0;
    int old = getpriority(PRIO_PROCESS, 0);
    rc->nice_now = old == -1 && errno ? 0 : old;
    if (rc->cfg->high_priority == EXP_PRIO_REALTIME)
        realtime(rc);
    if (rc->sched_raised || !rc->cfg->high_priority || (old == -1 && errno) || old <= -10)
        return;
    int nice_high = -10, n = each_thread(set_nice, &nice_high);
    if (n < 0) {
        exp_event(rc, "info",
                  "could not raise the priority (%s); timing may suffer on a busy "
                  "machine",
                  strerror(-n));
        return;
    }
    rc->sched_threads = n;
    rc->priority_raised = 1;
    rc->old_nice = old;
    rc->nice_now = -10;
}

/* Back to normal when the session is over: the rest of the process (a test
 * driving several sessions, SDL's threads that outlive the window) must not
 * stay real-time or pinned. An unprivileged process cannot lower its nice
 * value back; that is left as it is. */
void exp_priority_restore(exp_run *rc)
{
    if (rc->sched_raised) {
        struct sched_param sp = {.sched_priority = 0};
        each_thread(set_sched, &sp);
        rc->sched_raised = 0;
    }
    if (rc->memory_locked)
        munlockall();
    if (rc->priority_raised)
        each_thread(set_nice, &rc->old_nice);
    rc->priority_raised = 0;
    if (rc->saved_cpus)
        each_thread(set_cpu, rc->saved_cpus);
    free(rc->saved_cpus);
    rc->saved_cpus = NULL;
}
