#ifndef HEADER_PtraceThreads
#define HEADER_PtraceThreads
/* Stopping every thread of a process with PTRACE_SEIZE + PTRACE_INTERRUPT
   and letting them all go again. Every thread seized is detached on every
   path; while any is stopped, SIGINT, SIGTERM, SIGHUP and SIGQUIT are
   blocked in leaktop, so they act only once the target runs again. If
   leaktop dies anyway (SIGKILL) the kernel detaches. Nothing is ever
   written into the target. */

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
   pid_t tid;
   bool stopped;         /* in a ptrace stop: may be unwound, must be detached */
   bool seized;          /* attached (stopped or not yet) */
   int signal;           /* a signal caught while stopping, given back on detach */
   double interruptedAt; /* monotonic seconds when PTRACE_INTERRUPT was sent */
   double pauseMs;       /* from the interrupt to the detach; 0 if never stopped */
} TracedThread;

typedef struct {
   pid_t pid;
   TracedThread* threads;
   int count;
   sigset_t savedMask;
   bool masked;
   int savedSlack; /* leaktop's timer slack to restore (ns), 0 if unchanged */
} PtraceThreads;

typedef enum {
   STOP_STOPPED, /* in a ptrace stop */
   STOP_GONE,    /* exited, killed, or no longer ours */
   STOP_TIMEOUT, /* still running (or in the kernel) after the wait */
} StopWait;

/* Waits up to timeoutMs for the traced thread tid's next stop, polling so
   a thread stuck in the kernel cannot hang leaktop; *sig is the stop's
   signal, 0 for a ptrace event stop. */
StopWait PtraceThreads_waitStop(pid_t tid, int timeoutMs, int* sig);

/* Stops all threads of pid, re-listing /proc/PID/task until no new thread
   appears. A thread that does not stop within 2 s (asleep in the kernel,
   where a ptrace interrupt cannot reach it) is handed to a lingering list
   and detached by PtraceThreads_release as soon as it stops. On failure
   nothing stays attached, errno is kept and err says why (errno EPERM: not
   permitted). */
bool PtraceThreads_stop(PtraceThreads* pt, pid_t pid, char* err, size_t errSize);
/* tid's entry in pt, or NULL. */
const TracedThread* PtraceThreads_get(const PtraceThreads* pt, pid_t tid);
/* True when tid is stopped by pt. */
bool PtraceThreads_isStopped(const PtraceThreads* pt, pid_t tid);
/* Detaches every thread and restores leaktop's signal mask (a blocked
   termination signal takes effect here, after the target is free). The
   thread list stays, with each one's pause, until PtraceThreads_done. */
void PtraceThreads_resume(PtraceThreads* pt);
void PtraceThreads_done(PtraceThreads* pt);
/* Detaches the lingering threads that have stopped since (or exited), and
   returns how many are still seized. Called by every stop; a long-running
   caller (the dashboard, a profile) calls it between samples too, since a
   lingering thread that leaves the kernel stays stopped until then. */
int PtraceThreads_release(void);

#endif
