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
   bool stopped; /* in a ptrace stop: may be unwound, must be detached */
   bool seized;  /* attached (stopped or not yet) */
   int signal;   /* a signal caught while stopping, given back on detach */
} TracedThread;

typedef struct {
   pid_t pid;
   TracedThread* threads;
   int count;
   sigset_t savedMask;
   bool masked;
} PtraceThreads;

/* Stops all threads of pid, re-listing /proc/PID/task until no new thread
   appears. On failure nothing stays attached, errno is kept and err says
   why (errno EPERM: not permitted). */
bool PtraceThreads_stop(PtraceThreads* pt, pid_t pid, char* err, size_t errSize);
/* True when tid is stopped by pt. */
bool PtraceThreads_isStopped(const PtraceThreads* pt, pid_t tid);
/* Detaches every thread and restores leaktop's signal mask (a blocked
   termination signal takes effect here, after the target is free). */
void PtraceThreads_resume(PtraceThreads* pt);

#endif
