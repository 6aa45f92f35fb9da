#include "config.h"

#include "inject/RemoteExec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "target/RemoteWrite.h"
#include "target/PtraceThreads.h"

/* _PY_EVAL_PLEASE_STOP_BIT (3.14 Include/internal/pycore_ceval.h): the bit
   _Py_HandlePending answers by calling _PyRunRemoteDebugger. */
#define EVAL_PLEASE_STOP_BIT (1ULL << 5)

typedef struct {
   uint64_t interp;
   uint64_t tstate;  /* the main thread's */
   uint64_t support; /* tstate's _PyRemoteDebuggerSupport */
   int32_t enabled;  /* interp->config.remote_debug */
   int32_t pending;  /* debugger_pending_call */
} RemoteExecState;

static bool RemoteExec_read(CPython* py, RemoteMemory* mem, RemoteExecState* st, char* err,
                            size_t errSize) {
   const CPythonLayout* l = CPython_layout(py);
   if (l->tsRemoteDebuggerSupport == LAYOUT_NONE || l->interpThreadsMain == LAYOUT_NONE) {
      snprintf(err, errSize, "CPython %s has no remote-execution protocol (3.14 and later)",
               CPython_version(py));
      return false;
   }
   memset(st, 0, sizeof(*st));
   st->interp = CPython_mainInterpreter(py);
   if (!st->interp ||
       !RemoteMemory_readDirect(mem, st->interp + (uint64_t)l->interpRemoteDebuggingEnabled,
                                &st->enabled, sizeof(st->enabled)) ||
       !RemoteMemory_readU64(mem, st->interp + (uint64_t)l->interpThreadsMain, &st->tstate)) {
      snprintf(err, errSize, "cannot read the interpreter state: %s", strerror(errno));
      return false;
   }
   if (!st->tstate) {
      snprintf(err, errSize, "the interpreter has no main thread state (starting or exiting)");
      return false;
   }
   st->support = st->tstate + (uint64_t)l->tsRemoteDebuggerSupport;
   if (!RemoteMemory_readDirect(mem, st->support + (uint64_t)l->rdsPendingCall, &st->pending,
                                sizeof(st->pending))) {
      snprintf(err, errSize, "cannot read the main thread state: %s", strerror(errno));
      return false;
   }
   return true;
}

/* PEP 768's opt-out is the operator's choice: say so, and what else works. */
static bool RemoteExec_enabled(const RemoteExecState* st, char* err, size_t errSize) {
   if (st->enabled == 1)
      return true;
   snprintf(err, errSize,
            "remote debugging is turned off in this interpreter (PYTHON_DISABLE_REMOTE_DEBUG, "
            "-X disable-remote-debug, or a build --without-remote-debug); leaktop honours "
            "that: use the agent instead (see leaktop(1), AGENT)");
   return false;
}

static InjectOutcome RemoteExec_whileStopped(pid_t pid, CPython* py, RemoteMemory* mem,
                                             const char* path, const PtraceThreads* pt,
                                             InjectReport* report, char* err, size_t errSize) {
   const CPythonLayout* l = CPython_layout(py);
   uint64_t fsBase;
   RemoteExecState st;
   if (!InjectReport_mainThread(report, pt, &fsBase)) {
      snprintf(err, errSize, "the main thread of %d could not be stopped", (int)pid);
      return INJECT_REFUSED;
   }
   if (!RemoteExec_read(py, mem, &st, err, errSize) || !RemoteExec_enabled(&st, err, errSize))
      return INJECT_REFUSED;
   uint64_t breaker;
   uint64_t breakerAddr = st.tstate + (uint64_t)l->tsEvalBreaker;
   if (!RemoteMemory_readU64(mem, breakerAddr, &breaker)) {
      snprintf(err, errSize, "cannot read the main thread state: %s", strerror(errno));
      return INJECT_REFUSED;
   }
   /* A flag without its bit is an orphan: its writer died between the two
      writes, and it would wait for an unrelated eval-breaker event that a
      quiet worker may never have. (Or the main thread, having cleared the
      bit, is about to read the flag.) Either way the thread reads the path
      only after the flag: ours, written over it now, is what runs. */
   if (st.pending && (breaker & EVAL_PLEASE_STOP_BIT))
      return INJECT_BUSY;
   size_t len = strlen(path) + 1;
   if ((int64_t)len > l->rdsScriptPathSize) {
      snprintf(err, errSize, "the script path is longer than the interpreter takes (%lld bytes)",
               (long long)l->rdsScriptPathSize);
      return INJECT_REFUSED;
   }
   Inject_testPause("checked");
   int32_t one = 1;
   /* The path, then the flag that makes it count, then the bit that makes
      the thread look: cut anywhere, nothing half-written is ever read. */
   if (!RemoteWrite_bytes(pid, st.support + (uint64_t)l->rdsScriptPath, path, len) ||
       !RemoteWrite_bytes(pid, st.support + (uint64_t)l->rdsPendingCall, &one, sizeof(one))) {
      snprintf(err, errSize, "cannot write the request into %d: %s", (int)pid, strerror(errno));
      return INJECT_REFUSED;
   }
   Inject_testPause("written");
   breaker |= EVAL_PLEASE_STOP_BIT;
   if (!RemoteWrite_bytes(pid, breakerAddr, &breaker, sizeof(breaker))) {
      snprintf(err, errSize, "cannot write the request into %d: %s", (int)pid, strerror(errno));
      return INJECT_REFUSED;
   }
   Inject_testPause("queued");
   return INJECT_QUEUED;
}

InjectOutcome RemoteExec_inject(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                                InjectReport* report, char* err, size_t errSize) {
   InjectReport_init(report);
   RemoteExecState st;
   if (!RemoteExec_read(py, mem, &st, err, errSize) || !RemoteExec_enabled(&st, err, errSize))
      return INJECT_REFUSED;
   PtraceThreads pt;
   if (!PtraceThreads_stop(&pt, pid, err, errSize))
      return INJECT_REFUSED;
   Inject_testPause("stopped");
   InjectOutcome outcome = RemoteExec_whileStopped(pid, py, mem, path, &pt, report, err, errSize);
   PtraceThreads_resume(&pt);
   InjectReport_pauses(report, &pt);
   PtraceThreads_done(&pt);
   return outcome;
}

void RemoteExec_withdraw(pid_t pid, CPython* py, RemoteMemory* mem, const char* path) {
   char err[256], pending[512];
   const CPythonLayout* l = CPython_layout(py);
   size_t len = strlen(path) + 1;
   RemoteExecState st;
   PtraceThreads pt;
   if (len > sizeof(pending) || !PtraceThreads_stop(&pt, pid, err, sizeof(err)))
      return;
   int32_t zero = 0;
   /* Only our own: the flag may by now stand for another leaktop's request. */
   if (RemoteExec_read(py, mem, &st, err, sizeof(err)) && st.pending &&
       RemoteMemory_readDirect(mem, st.support + (uint64_t)l->rdsScriptPath, pending, len) &&
       memcmp(pending, path, len) == 0)
      RemoteWrite_bytes(pid, st.support + (uint64_t)l->rdsPendingCall, &zero, sizeof(zero));
   PtraceThreads_resume(&pt);
   PtraceThreads_done(&pt);
}
