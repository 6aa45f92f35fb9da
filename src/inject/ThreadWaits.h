#ifndef HEADER_ThreadWaits
#define HEADER_ThreadWaits
/* Whether every thread of a process waits in the kernel and none wakes:
   each thread's system call (/proc/PID/task/TID/syscall) and its context
   switches (voluntary and not, from its status), read at two moments. A
   thread that runs Python code now and then (a loop around time.sleep)
   switches each time it wakes; one blocked in accept() or on a lock for
   good does not. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define THREAD_WAITS_MAX 256

typedef struct {
   pid_t tid;         /* as this process sees it */
   pid_t nsTid;       /* in the target's PID namespace */
   long syscall;      /* the system call it is in, -1 when running */
   uint64_t switches; /* voluntary + nonvoluntary context switches */
} ThreadWait;

typedef struct {
   int count;
   ThreadWait threads[THREAD_WAITS_MAX];
} ThreadWaits;

/* Reads pid's threads now (the first THREAD_WAITS_MAX); false when the
   process cannot be read. */
bool ThreadWaits_read(pid_t pid, ThreadWaits* out);

/* Pure: the switch count a status text gives, or UINT64_MAX without one. */
uint64_t ThreadWaits_switches(const char* status);

/* Pure: true when after holds the same threads as before, every one of
   them in the same system call both times and with no context switch in
   between. */
bool ThreadWaits_still(const ThreadWaits* before, const ThreadWaits* after);

#endif
