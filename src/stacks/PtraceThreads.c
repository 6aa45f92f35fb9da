#include "config.h"

#include "stacks/PtraceThreads.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "util/XUtils.h"

/* A thread that does not stop within this time (uninterruptible sleep in
   the kernel) is left seized; it is detached when it stops, at the latest
   when leaktop exits. */
#define STOP_TIMEOUT_MS 2000
#define MAX_PASSES      64

static TracedThread* PtraceThreads_find(const PtraceThreads* pt, pid_t tid) {
   for (int i = 0; i < pt->count; i++)
      if (pt->threads[i].tid == tid)
         return &pt->threads[i];
   return NULL;
}

bool PtraceThreads_isStopped(const PtraceThreads* pt, pid_t tid) {
   const TracedThread* t = PtraceThreads_find(pt, tid);
   return t && t->stopped;
}

/* Waits for t's stop. A signal that arrives first is remembered and given
   back on detach; an exit means the thread is gone. */
static void PtraceThreads_wait(TracedThread* t, int timeoutMs) {
   /* Polls from 10 us up to 1 ms: most threads stop within microseconds,
      and a blocking waitpid could hang on a thread stuck in the kernel. */
   long waitedUs = 0, stepUs = 10;
   for (;;) {
      int status;
      pid_t r = waitpid(t->tid, &status, __WALL | WNOHANG);
      if (r < 0 && errno == EINTR)
         continue;
      if (r < 0) {
         t->seized = false; /* ECHILD: not ours any more (exited and reaped) */
         return;
      }
      if (r == t->tid) {
         if (WIFSTOPPED(status)) {
            t->stopped = true;
            if ((status >> 16) != PTRACE_EVENT_STOP)
               t->signal = WSTOPSIG(status); /* signal-delivery stop */
         } else {
            t->seized = false; /* exited or killed */
         }
         return;
      }
      if (waitedUs >= timeoutMs * 1000L)
         return;
      struct timespec pause = {0, stepUs * 1000};
      nanosleep(&pause, NULL);
      waitedUs += stepUs;
      stepUs = stepUs < 1000 ? stepUs * 2 : 1000;
   }
}

static void PtraceThreads_detach(TracedThread* t) {
   if (!t->seized)
      return;
   if (!t->stopped)
      PtraceThreads_wait(t, STOP_TIMEOUT_MS);
   if (!t->stopped)
      return; /* gone, or still in the kernel: the exit of leaktop detaches it */
   if (ptrace(PTRACE_DETACH, t->tid, NULL, (void*)(long)t->signal) < 0 && errno == ESRCH)
      PtraceThreads_wait(t, 0); /* killed while stopped: reap it */
   t->stopped = false;
   t->seized = false;
}

/* Seizes and interrupts the threads not seen yet; the number of new ones,
   or -1 with errno when the process cannot be traced. */
static int PtraceThreads_pass(PtraceThreads* pt, char* err, size_t errSize) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/task", (int)pt->pid);
   DIR* dir = opendir(path);
   if (!dir) {
      snprintf(err, errSize, "cannot list the threads of %d: %s", (int)pt->pid, strerror(errno));
      return -1;
   }
   int added = 0;
   struct dirent* entry;
   while ((entry = readdir(dir)) != NULL) {
      pid_t tid = (pid_t)atoi(entry->d_name);
      if (tid <= 0 || PtraceThreads_find(pt, tid))
         continue;
      pt->threads = xReallocArray(pt->threads, (size_t)pt->count + 1, sizeof(TracedThread));
      TracedThread* t = &pt->threads[pt->count++];
      *t = (TracedThread){.tid = tid};
      added++;
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
      if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0 && errno == ESRCH) {
         PtraceThreads_wait(t, 0);
         continue;
      }
      PtraceThreads_wait(t, STOP_TIMEOUT_MS);
   }
   closedir(dir);
   return added;
}

bool PtraceThreads_stop(PtraceThreads* pt, pid_t pid, char* err, size_t errSize) {
   memset(pt, 0, sizeof(*pt));
   pt->pid = pid;
   sigset_t block;
   sigemptyset(&block);
   sigaddset(&block, SIGINT);
   sigaddset(&block, SIGTERM);
   sigaddset(&block, SIGHUP);
   sigaddset(&block, SIGQUIT);
   pt->masked = sigprocmask(SIG_BLOCK, &block, &pt->savedMask) == 0;
   int added = 1;
   for (int pass = 0; added > 0 && pass < MAX_PASSES; pass++) {
      added = PtraceThreads_pass(pt, err, errSize);
      if (added < 0) {
         int saved = errno;
         PtraceThreads_resume(pt);
         errno = saved;
         return false;
      }
   }
   return true;
}

void PtraceThreads_resume(PtraceThreads* pt) {
   for (int i = 0; i < pt->count; i++)
      PtraceThreads_detach(&pt->threads[i]);
   free(pt->threads);
   pt->threads = NULL;
   pt->count = 0;
   if (pt->masked)
      sigprocmask(SIG_SETMASK, &pt->savedMask, NULL);
   pt->masked = false;
}
