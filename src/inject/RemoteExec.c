#include "config.h"

#include "inject/RemoteExec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "target/RemoteWrite.h"
#include "target/PtraceThreads.h"

/* _PY_EVAL_PLEASE_STOP_BIT (3.14 and 3.15 Include/internal/pycore_ceval.h):
   a bit that makes _Py_HandlePending run, which ends with
   _PyRunRemoteDebugger. */
#define EVAL_PLEASE_STOP_BIT (1ULL << 5)
/* Bounds a damaged or changing thread list. */
#define MAX_THREAD_STATES 4096

/* The main interpreter, if it allows remote execution; else why not. */
static uint64_t RemoteExec_interp(CPython* py, RemoteMemory* mem, char* err, size_t errSize) {
   const CPythonLayout* l = CPython_layout(py);
   if (l->tsRemoteDebuggerSupport == LAYOUT_NONE || l->interpThreadsMain == LAYOUT_NONE) {
      snprintf(err, errSize, "CPython %s has no remote-execution protocol (3.14 and later)",
               CPython_version(py));
      return 0;
   }
   uint64_t interp = CPython_mainInterpreter(py);
   int32_t enabled = 0;
   if (!interp || !RemoteMemory_readDirect(mem, interp + (uint64_t)l->interpRemoteDebuggingEnabled,
                                           &enabled, sizeof(enabled))) {
      snprintf(err, errSize, "cannot read the interpreter state: %s", strerror(errno));
      return 0;
   }
   /* PEP 768's opt-out is the operator's choice: say so, and what else works. */
   if (enabled != 1) {
      snprintf(err, errSize,
               "remote debugging is turned off in this interpreter (PYTHON_DISABLE_REMOTE_DEBUG, "
               "-X disable-remote-debug, or a build --without-remote-debug); leaktop honours "
               "that: use the agent instead (see leaktop(1), AGENT)");
      return 0;
   }
   return interp;
}

/* The interpreter's thread states, head first; returns how many. */
static int RemoteExec_threads(CPython* py, RemoteMemory* mem, uint64_t interp, uint64_t* out,
                              int max) {
   const CPythonLayout* l = CPython_layout(py);
   uint64_t tstate = 0;
   int n = 0;
   if (!RemoteMemory_readU64(mem, interp + (uint64_t)l->interpThreadsHead, &tstate))
      return 0;
   while (tstate && n < max) {
      for (int i = 0; i < n; i++)
         if (out[i] == tstate)
            return n;
      out[n++] = tstate;
      if (!RemoteMemory_readU64(mem, tstate + (uint64_t)l->tsNext, &tstate))
         break;
   }
   return n;
}

static int RemoteExec_find(const uint64_t* states, int n, uint64_t tstate) {
   for (int i = 0; i < n; i++)
      if (states[i] == tstate)
         return i;
   return -1;
}

/* A thread state's support block: its pending flag, and eval_breaker. */
static bool RemoteExec_pending(CPython* py, RemoteMemory* mem, uint64_t tstate, int32_t* pending,
                               uint64_t* breaker) {
   const CPythonLayout* l = CPython_layout(py);
   uint64_t support = tstate + (uint64_t)l->tsRemoteDebuggerSupport;
   return RemoteMemory_readDirect(mem, support + (uint64_t)l->rdsPendingCall, pending,
                                  sizeof(*pending)) &&
          RemoteMemory_readU64(mem, tstate + (uint64_t)l->tsEvalBreaker, breaker);
}

/* Whether tstate's pending request is the one for path. */
static bool RemoteExec_ours(CPython* py, RemoteMemory* mem, uint64_t tstate, const char* path) {
   const CPythonLayout* l = CPython_layout(py);
   char pending[512];
   int32_t flag;
   uint64_t breaker;
   size_t len = strlen(path) + 1;
   return len <= sizeof(pending) && RemoteExec_pending(py, mem, tstate, &flag, &breaker) && flag &&
          RemoteMemory_readDirect(
                mem, tstate + (uint64_t)(l->tsRemoteDebuggerSupport + l->rdsScriptPath), pending,
                len) &&
          memcmp(pending, path, len) == 0;
}

/* Writes the request into tstate: the path, then the flag that makes it
   count, then the bit that makes the thread look; cut anywhere, nothing
   half-written is ever read. */
static bool RemoteExec_place(pid_t pid, CPython* py, RemoteMemory* mem, uint64_t tstate,
                             const char* path, char* err, size_t errSize) {
   const CPythonLayout* l = CPython_layout(py);
   uint64_t support = tstate + (uint64_t)l->tsRemoteDebuggerSupport;
   int32_t flag, one = 1;
   uint64_t breaker;
   if (!RemoteExec_pending(py, mem, tstate, &flag, &breaker)) {
      snprintf(err, errSize, "cannot read the thread state: %s", strerror(errno));
      return false;
   }
   if (!RemoteWrite_bytes(pid, support + (uint64_t)l->rdsScriptPath, path, strlen(path) + 1) ||
       !RemoteWrite_bytes(pid, support + (uint64_t)l->rdsPendingCall, &one, sizeof(one))) {
      snprintf(err, errSize, "cannot write the request into %d: %s", (int)pid, strerror(errno));
      return false;
   }
   Inject_testPause("written");
   breaker |= EVAL_PLEASE_STOP_BIT;
   if (!RemoteWrite_bytes(pid, tstate + (uint64_t)l->tsEvalBreaker, &breaker, sizeof(breaker))) {
      snprintf(err, errSize, "cannot write the request into %d: %s", (int)pid, strerror(errno));
      return false;
   }
   return true;
}

static InjectOutcome RemoteExec_whileStopped(pid_t pid, CPython* py, RemoteMemory* mem,
                                             const char* path, const PtraceThreads* pt,
                                             uint64_t* target, InjectReport* report, char* err,
                                             size_t errSize) {
   const CPythonLayout* l = CPython_layout(py);
   uint64_t fsBase;
   if (!InjectReport_mainThread(report, pt, &fsBase)) {
      snprintf(err, errSize, "the main thread of %d could not be stopped", (int)pid);
      return INJECT_REFUSED;
   }
   uint64_t interp = RemoteExec_interp(py, mem, err, errSize);
   if (!interp)
      return INJECT_REFUSED;
   uint64_t states[MAX_THREAD_STATES];
   int n = RemoteExec_threads(py, mem, interp, states, MAX_THREAD_STATES);
   uint64_t tstate = CPython_gilHolder(py, interp);
   if (!tstate || RemoteExec_find(states, n, tstate) < 0)
      tstate = 0;
   if (!tstate && !RemoteMemory_readU64(mem, interp + (uint64_t)l->interpThreadsMain, &tstate))
      tstate = 0;
   if (!tstate || RemoteExec_find(states, n, tstate) < 0) {
      snprintf(err, errSize, "the interpreter has no main thread state (starting or exiting)");
      return INJECT_REFUSED;
   }
   /* An earlier request still waiting in any thread (its flag and its bit
      set) runs first. A flag without its bit is an orphan: its writer died
      between the two writes, and it would wait for an unrelated
      eval-breaker event that a quiet worker may never have. (Or its
      thread, having cleared the bit, is about to read the flag.) Either
      way the thread reads the path only after the flag: ours, written over
      it now, is what runs. */
   for (int i = 0; i < n; i++) {
      int32_t pending;
      uint64_t breaker;
      if (RemoteExec_pending(py, mem, states[i], &pending, &breaker) && pending &&
          (breaker & EVAL_PLEASE_STOP_BIT))
         return INJECT_BUSY;
   }
   if ((int64_t)(strlen(path) + 1) > l->rdsScriptPathSize) {
      snprintf(err, errSize, "the script path is longer than the interpreter takes (%lld bytes)",
               (long long)l->rdsScriptPathSize);
      return INJECT_REFUSED;
   }
   Inject_testPause("checked");
   if (!RemoteExec_place(pid, py, mem, tstate, path, err, errSize))
      return INJECT_REFUSED;
   Inject_testPause("queued");
   *target = tstate;
   return INJECT_QUEUED;
}

InjectOutcome RemoteExec_inject(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                                uint64_t* tstate, InjectReport* report, char* err, size_t errSize) {
   InjectReport_init(report);
   *tstate = 0;
   if (!RemoteExec_interp(py, mem, err, errSize))
      return INJECT_REFUSED;
   PtraceThreads pt;
   if (!PtraceThreads_stop(&pt, pid, err, errSize))
      return INJECT_REFUSED;
   Inject_testPause("stopped");
   InjectOutcome outcome =
         RemoteExec_whileStopped(pid, py, mem, path, &pt, tstate, report, err, errSize);
   PtraceThreads_resume(&pt);
   InjectReport_pauses(report, &pt);
   PtraceThreads_done(&pt);
   return outcome;
}

/* Clears the request for path from tstate if it still waits there, and
   tstate is still one of the interpreter's (a thread that exited has
   freed its state). */
static bool RemoteExec_take(pid_t pid, CPython* py, RemoteMemory* mem, const uint64_t* states,
                            int n, uint64_t tstate, const char* path) {
   const CPythonLayout* l = CPython_layout(py);
   int32_t zero = 0;
   return RemoteExec_find(states, n, tstate) >= 0 && RemoteExec_ours(py, mem, tstate, path) &&
          RemoteWrite_bytes(pid,
                            tstate + (uint64_t)(l->tsRemoteDebuggerSupport + l->rdsPendingCall),
                            &zero, sizeof(zero));
}

/* The thread state to move a request from `from` to: the GIL holder's, or
   else the next one after it (wrapping) without a request of its own. */
static uint64_t RemoteExec_next(CPython* py, RemoteMemory* mem, uint64_t interp,
                                const uint64_t* states, int n, uint64_t from) {
   uint64_t holder = CPython_gilHolder(py, interp);
   int at = RemoteExec_find(states, n, from);
   for (int k = 0; k <= n; k++) {
      uint64_t next = k == 0 ? holder : states[(at + k) % n];
      int32_t pending;
      uint64_t breaker;
      if (next && next != from && RemoteExec_find(states, n, next) >= 0 &&
          RemoteExec_pending(py, mem, next, &pending, &breaker) && !pending)
         return next;
   }
   return 0;
}

bool RemoteExec_move(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                     uint64_t* tstate) {
   char err[256];
   PtraceThreads pt;
   if (!PtraceThreads_stop(&pt, pid, err, sizeof(err)))
      return false;
   uint64_t states[MAX_THREAD_STATES];
   uint64_t interp = RemoteExec_interp(py, mem, err, sizeof(err));
   int n = interp ? RemoteExec_threads(py, mem, interp, states, MAX_THREAD_STATES) : 0;
   uint64_t next = n > 1 ? RemoteExec_next(py, mem, interp, states, n, *tstate) : 0;
   /* Taken from the old thread before it goes to the new one: cut in
      between, the request is lost, never run twice. */
   bool moved = next && RemoteExec_take(pid, py, mem, states, n, *tstate, path) &&
                RemoteExec_place(pid, py, mem, next, path, err, sizeof(err));
   if (moved)
      *tstate = next;
   PtraceThreads_resume(&pt);
   PtraceThreads_done(&pt);
   return moved;
}

void RemoteExec_withdraw(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                         uint64_t tstate) {
   char err[256];
   PtraceThreads pt;
   if (!tstate || !PtraceThreads_stop(&pt, pid, err, sizeof(err)))
      return;
   uint64_t states[MAX_THREAD_STATES];
   uint64_t interp = RemoteExec_interp(py, mem, err, sizeof(err));
   int n = interp ? RemoteExec_threads(py, mem, interp, states, MAX_THREAD_STATES) : 0;
   /* Only our own: the flag may by now stand for another leaktop's request. */
   RemoteExec_take(pid, py, mem, states, n, tstate, path);
   PtraceThreads_resume(&pt);
   PtraceThreads_done(&pt);
}
