#include "config.h"

#include "target/PtraceThreads.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "sample/ProcFiles.h"
#include "util/XUtils.h"

/* Longer than any ordinary stop (microseconds) and than a page fault on a
   slow disk; a thread still in the kernel after this lingers. */
#define STOP_TIMEOUT_MS 2000
#define MAX_PASSES      64
#define FINE_POLL_US    200
/* Timer slack while threads are stopped: the default 50 us would stretch
   every 10 us poll, and the pause with it (measured: median pause on a
   running thread 0.11 ms with the default, 0.06 ms with 1 us). */
#define STOP_TIMER_SLACK_NS 1000

/* Threads seized by an earlier stop that had not stopped when it resumed
   the others (see PtraceThreads_release). */
static struct {
   TracedThread* threads;
   int count;
} PtraceThreads_lingering;

static bool PtraceThreads_isLingering(pid_t tid) {
   for (int i = 0; i < PtraceThreads_lingering.count; i++)
      if (PtraceThreads_lingering.threads[i].tid == tid)
         return true;
   return false;
}

static TracedThread* PtraceThreads_find(const PtraceThreads* pt, pid_t tid) {
   for (int i = 0; i < pt->count; i++)
      if (pt->threads[i].tid == tid)
         return &pt->threads[i];
   return NULL;
}

const TracedThread* PtraceThreads_get(const PtraceThreads* pt, pid_t tid) {
   return PtraceThreads_find(pt, tid);
}

bool PtraceThreads_isStopped(const PtraceThreads* pt, pid_t tid) {
   const TracedThread* t = PtraceThreads_find(pt, tid);
   return t && t->stopped;
}

StopWait PtraceThreads_waitStop(pid_t tid, int timeoutMs, int* sig) {
   /* Polls every 10 us for the first 200 us, then less and less often up
      to every 1 ms: most threads stop within microseconds, and a blocking
      waitpid could hang on a thread stuck in the kernel. */
   long waitedUs = 0, stepUs = 10;
   for (;;) {
      int status;
      pid_t r = waitpid(tid, &status, __WALL | WNOHANG);
      if (r < 0 && errno == EINTR)
         continue;
      if (r < 0)
         return STOP_GONE; /* ECHILD: not ours any more (exited and reaped) */
      if (r == tid) {
         if (!WIFSTOPPED(status))
            return STOP_GONE; /* exited or killed */
         *sig = (status >> 16) == PTRACE_EVENT_STOP ? 0 : WSTOPSIG(status);
         return STOP_STOPPED;
      }
      if (waitedUs >= timeoutMs * 1000L)
         return STOP_TIMEOUT;
      struct timespec pause = {0, stepUs * 1000};
      nanosleep(&pause, NULL);
      waitedUs += stepUs;
      if (waitedUs >= FINE_POLL_US)
         stepUs = stepUs < 1000 ? stepUs * 2 : 1000;
   }
}

/* Waits for t's stop. A signal that arrives first is remembered and given
   back on detach; an exit means the thread is gone. */
static void PtraceThreads_wait(TracedThread* t, int timeoutMs) {
   int sig = 0;
   switch (PtraceThreads_waitStop(t->tid, timeoutMs, &sig)) {
   case STOP_STOPPED:
      t->stopped = true;
      if (sig)
         t->signal = sig; /* signal-delivery stop */
      break;
   case STOP_GONE:
      t->seized = false;
      break;
   case STOP_TIMEOUT:
      break;
   }
}

/* Detaches t if it is stopped; true when it is no longer ours (detached,
   or gone). */
static bool PtraceThreads_detach(TracedThread* t) {
   if (t->seized && !t->stopped)
      PtraceThreads_wait(t, 0);
   if (!t->seized)
      return true;
   if (!t->stopped)
      return false; /* still in the kernel: PTRACE_DETACH needs a stopped tracee */
   if (ptrace(PTRACE_DETACH, t->tid, NULL, (void*)(long)t->signal) < 0 && errno == ESRCH)
      PtraceThreads_wait(t, 0); /* killed while stopped: reap it */
   t->pauseMs = (XUtils_monotonicNow() - t->interruptedAt) * 1000.0;
   t->stopped = false;
   t->seized = false;
   return true;
}

int PtraceThreads_release(void) {
   int kept = 0;
   for (int i = 0; i < PtraceThreads_lingering.count; i++) {
      TracedThread* t = &PtraceThreads_lingering.threads[i];
      if (!PtraceThreads_detach(t))
         PtraceThreads_lingering.threads[kept++] = *t;
   }
   PtraceThreads_lingering.count = kept;
   return kept;
}

/* Seizes and interrupts the threads not seen yet, then waits for all of
   them together (one deadline, so N stuck threads cost 2 s, not 2N s).
   Returns the number of new ones, or -1 with errno when the process cannot
   be traced. */
static int PtraceThreads_pass(PtraceThreads* pt, char* err, size_t errSize) {
   DIR* dir = ProcFiles_openDir(pt->pid, "task");
   if (!dir) {
      /* Gone between two samples: it exited (and was reaped). */
      if (errno == ENOENT || errno == ESRCH)
         snprintf(err, errSize, "process %d exited", (int)pt->pid);
      else
         snprintf(err, errSize, "cannot list the threads of %d: %s", (int)pt->pid, strerror(errno));
      return -1;
   }
   int first = pt->count;
   struct dirent* entry;
   while ((entry = readdir(dir)) != NULL) {
      pid_t tid = (pid_t)atoi(entry->d_name);
      if (tid <= 0 || PtraceThreads_find(pt, tid) || PtraceThreads_isLingering(tid))
         continue;
      pt->threads = xReallocArray(pt->threads, (size_t)pt->count + 1, sizeof(TracedThread));
      TracedThread* t = &pt->threads[pt->count++];
      *t = (TracedThread){.tid = tid};
      if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) < 0) {
         if (errno == ESRCH)
            continue; /* exited meanwhile */
         int saved = errno;
         snprintf(err, errSize, "cannot trace thread %d of %d: %s", (int)tid, (int)pt->pid,
                  strerror(saved));
         closedir(dir);
         errno = saved;
         return -1;
      }
      t->seized = true;
      t->interruptedAt = XUtils_monotonicNow();
      if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0 && errno == ESRCH)
         PtraceThreads_wait(t, 0);
   }
   closedir(dir);
   double deadline = XUtils_monotonicNow() + STOP_TIMEOUT_MS / 1000.0;
   for (int i = first; i < pt->count; i++) {
      TracedThread* t = &pt->threads[i];
      if (t->seized && !t->stopped) {
         double left = deadline - XUtils_monotonicNow();
         PtraceThreads_wait(t, left > 0 ? (int)(left * 1000.0) : 0);
      }
   }
   return pt->count - first;
}

bool PtraceThreads_stop(PtraceThreads* pt, pid_t pid, char* err, size_t errSize) {
   PtraceThreads_release();
   memset(pt, 0, sizeof(*pt));
   pt->pid = pid;
   sigset_t block;
   sigemptyset(&block);
   sigaddset(&block, SIGINT);
   sigaddset(&block, SIGTERM);
   sigaddset(&block, SIGHUP);
   sigaddset(&block, SIGQUIT);
   pt->masked = sigprocmask(SIG_BLOCK, &block, &pt->savedMask) == 0;
   int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
   pt->savedSlack =
         slack > 0 && prctl(PR_SET_TIMERSLACK, STOP_TIMER_SLACK_NS, 0, 0, 0) == 0 ? slack : 0;
   int added = 1;
   for (int pass = 0; added > 0 && pass < MAX_PASSES; pass++) {
      added = PtraceThreads_pass(pt, err, errSize);
      if (added < 0) {
         int saved = errno;
         PtraceThreads_resume(pt);
         PtraceThreads_done(pt);
         errno = saved;
         return false;
      }
   }
   return true;
}

void PtraceThreads_resume(PtraceThreads* pt) {
   for (int i = 0; i < pt->count; i++) {
      if (PtraceThreads_detach(&pt->threads[i]))
         continue;
      PtraceThreads_lingering.threads =
            xReallocArray(PtraceThreads_lingering.threads,
                          (size_t)PtraceThreads_lingering.count + 1, sizeof(TracedThread));
      PtraceThreads_lingering.threads[PtraceThreads_lingering.count++] = pt->threads[i];
   }
   if (pt->masked)
      sigprocmask(SIG_SETMASK, &pt->savedMask, NULL);
   pt->masked = false;
   if (pt->savedSlack > 0)
      prctl(PR_SET_TIMERSLACK, pt->savedSlack, 0, 0, 0);
   pt->savedSlack = 0;
}

void PtraceThreads_done(PtraceThreads* pt) {
   free(pt->threads);
   pt->threads = NULL;
   pt->count = 0;
}
