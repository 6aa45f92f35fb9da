#include "config.h"

#include "stacks/StackSession.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/CPython.h"
#include "stacks/NativeUnwind.h"
#include "target/ProcMaps.h"
#include "target/PtraceThreads.h"
#include "target/RemoteMemory.h"
#include "stacks/StackTarget.h"
#include "target/TargetAccess.h"
#include "stacks/Symbolizer.h"
#include "util/XUtils.h"

struct StackSession_ {
   pid_t pid;
   bool pythonOnly;
   char command[64];
   char python[32];
   ProcMaps maps;
   RemoteMemory mem;
   CPython* py;
   NativeUnwind* unwind; /* NULL with pythonOnly */
   Symbolizer* sym;      /* NULL with pythonOnly */
};

StackSession* StackSession_open(pid_t pid, bool pythonOnly, char* err, size_t errSize) {
   char command[sizeof(((StackSession*)0)->command)];
   if (!TargetAccess_check(pid, !pythonOnly, command, sizeof(command), err, errSize))
      return NULL;
   StackSession* s = xCalloc(1, sizeof(StackSession));
   s->pid = pid;
   s->pythonOnly = pythonOnly;
   memcpy(s->command, command, sizeof(s->command));
   RemoteMemory_init(&s->mem, pid);
   if (!ProcMaps_read(&s->maps, pid)) {
      TargetAccess_explain(pid, errno == ESRCH || errno == ENOENT ? ESRCH : errno, err, errSize);
      StackSession_free(s);
      return NULL;
   }
   bool found = false;
   s->py = CPython_attach(pid, &s->maps, &s->mem, &found, err, errSize);
   if (found && !s->py) {
      StackSession_free(s);
      return NULL;
   }
   if (!s->py && pythonOnly) {
      snprintf(err, errSize,
               "process %d (%s) is not a Python process (no _PyRuntime in its "
               "executable or a libpython); leave out --python-only for its native "
               "stacks",
               (int)pid, s->command);
      StackSession_free(s);
      return NULL;
   }
   if (s->py)
      snprintf(s->python, sizeof(s->python), "%s", CPython_version(s->py));
   if (!pythonOnly) {
      s->unwind = NativeUnwind_new(&s->mem, &s->maps);
      if (!s->unwind) {
         snprintf(err, errSize, "libunwind cannot create an address space");
         StackSession_free(s);
         return NULL;
      }
      s->sym = Symbolizer_new(pid, &s->maps);
   }
   return s;
}

void StackSession_free(StackSession* s) {
   if (!s)
      return;
   Symbolizer_free(s->sym);
   NativeUnwind_free(s->unwind);
   CPython_free(s->py);
   RemoteMemory_done(&s->mem);
   ProcMaps_done(&s->maps);
   free(s);
}

static int StackSession_byTid(const void* a, const void* b) {
   const StackThread* x = a;
   const StackThread* y = b;
   return (x->tid > y->tid) - (x->tid < y->tid);
}

static StackThread* StackSession_thread(StackDump* dump, uint64_t nsTid) {
   for (int k = 0; k < dump->count; k++)
      if ((uint64_t)dump->threads[k].nsTid == nsTid)
         return &dump->threads[k];
   return NULL;
}

/* Attaches each Python thread state's frames to its OS thread, merged with
   the native frames already there. */
static void StackSession_attachPython(StackSession* s, StackDump* dump, PyThreadStack* py,
                                      int count) {
   for (int i = 0; i < count; i++) {
      StackThread* t = StackSession_thread(dump, py[i].nativeTid);
      if (!t) /* a stale native_thread_id, see CPython_pthreadTid */
         t = StackSession_thread(dump, CPython_pthreadTid(s->py, &py[i]));
      /* Not found: started after the thread list was read, or left over
         from a thread of the parent. A thread with Python frames keeps
         them over another, idle state of its own (a subinterpreter's). */
      if (!t || (t->python && py[i].frames.count == 0))
         continue;
      t->python = true;
      t->gil = py[i].gil;
      FrameList merged = {0};
      StackMerge_merge(&t->frames, &py[i].frames, &merged);
      FrameList_clear(&t->frames);
      t->frames = merged;
   }
}

/* Stops the threads, copies each one's registers and stack and reads the
   Python frames while nothing can change under us, lets the target go,
   and only then unwinds and names the frames. */
static bool StackSession_native(StackSession* s, StackDump* dump, PyThreadStack** pyThreads,
                                int* pyCount, char* pyErr, size_t pyErrSize, char* err,
                                size_t errSize) {
   NativeSnapshot* snaps = xCalloc((size_t)dump->count + 1, sizeof(NativeSnapshot));
   PtraceThreads pt;
   RemoteMemory_setCached(&s->mem, true);
   double start = XUtils_monotonicNow();
   if (!PtraceThreads_stop(&pt, s->pid, err, errSize)) {
      RemoteMemory_setCached(&s->mem, false);
      if (errno == EPERM || errno == ESRCH)
         TargetAccess_explain(s->pid, errno, err, errSize);
      free(snaps);
      return false;
   }
   for (int i = 0; i < dump->count; i++) {
      StackThread* t = &dump->threads[i];
      if (!PtraceThreads_isStopped(&pt, t->tid))
         snprintf(t->note, sizeof(t->note), "not stopped: the thread exited or is in the kernel");
      else
         NativeSnapshot_take(&snaps[i], t->tid, &s->maps, &s->mem, t->note, sizeof(t->note));
   }
   if (s->py)
      *pyCount = CPython_threads(s->py, pyThreads, pyErr, pyErrSize);
   PtraceThreads_resume(&pt);
   dump->pauseMs = (XUtils_monotonicNow() - start) * 1000.0;
   for (int i = 0; i < dump->count; i++) {
      const TracedThread* traced = PtraceThreads_get(&pt, dump->threads[i].tid);
      dump->threads[i].pauseMs = traced ? traced->pauseMs : 0.0;
   }
   PtraceThreads_done(&pt);
   dump->native = true;
   /* The page cache still holds the memory as it was while stopped, which
      is what the snapshots must be read with. */
   for (int i = 0; i < dump->count; i++) {
      StackThread* t = &dump->threads[i];
      if (snaps[i].valid)
         NativeUnwind_walk(s->unwind, &snaps[i], &t->frames, t->note, sizeof(t->note));
      NativeSnapshot_done(&snaps[i]);
      Symbolizer_list(s->sym, &t->frames);
   }
   RemoteMemory_setCached(&s->mem, false);
   free(snaps);
   return true;
}

bool StackSession_sample(StackSession* s, StackDump* dump, char* err, size_t errSize) {
   StackDump_done(dump);
   memset(dump, 0, sizeof(*dump));
   dump->pid = s->pid;
   memcpy(dump->command, s->command, sizeof(dump->command));
   memcpy(dump->python, s->python, sizeof(dump->python));
   StackTarget_threads(s->pid, dump);
   if (dump->count == 0) {
      TargetAccess_explain(s->pid, ESRCH, err, errSize);
      return false;
   }
   qsort(dump->threads, (size_t)dump->count, sizeof(StackThread), StackSession_byTid);
   PyThreadStack* pyThreads = NULL;
   int pyCount = 0;
   bool ok = true;
   if (s->pythonOnly) {
      pyCount = CPython_threads(s->py, &pyThreads, err, errSize);
      ok = pyCount >= 0;
   } else {
      char pyErr[200] = "";
      ok = StackSession_native(s, dump, &pyThreads, &pyCount, pyErr, sizeof(pyErr), err, errSize);
      if (ok && pyCount < 0)
         snprintf(dump->warning, sizeof(dump->warning), "Python frames missing: %s", pyErr);
   }
   if (pyCount > 0)
      StackSession_attachPython(s, dump, pyThreads, pyCount);
   CPython_freeThreads(pyThreads, pyCount > 0 ? pyCount : 0);
   return ok;
}
