#include "config.h"

#include "inject/PendingCall.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "inject/InjectRegion.h"
#include "inject/PendingLayout.h"
#include "target/RemoteWrite.h"
#include "target/PtraceThreads.h"

/* The bytes of the queue leaktop reads at once: up to the index after the
   last slot (3.13: 7232). */
#define QUEUE_READ_MAX 8192

static bool PendingCall_readWord(RemoteMemory* mem, uint64_t addr, void* out, size_t len) {
   return RemoteMemory_readDirect(mem, addr, out, len);
}

static int32_t PendingCall_i32(const uint8_t* block, int64_t at) {
   int32_t v;
   memcpy(&v, block + at, sizeof(v));
   return v;
}

/* Reads everything PendingLayout_check needs. */
static bool PendingCall_readState(const PendingLayout* l, CPython* py, RemoteMemory* mem,
                                  PendingState* st, uint64_t* queueAddr, uint64_t* breakerAddr) {
   uint64_t runtime = CPython_runtime(py);
   memset(st, 0, sizeof(*st));
   bool ok = PendingCall_readWord(mem, runtime + l->rtInitialized, &st->initialized, 4) &&
             PendingCall_readWord(mem, runtime + l->rtFinalizing, &st->runtimeFinalizing, 8) &&
             PendingCall_readWord(mem, runtime + l->rtMainInterp, &st->interp, 8) &&
             PendingCall_readWord(mem, runtime + l->rtMainThread, &st->mainThread, 8);
   if (!ok || st->interp == 0)
      return ok;
   ok = PendingCall_readWord(mem, st->interp + l->interpFinalizing, &st->interpFinalizing,
                             (size_t)l->interpFinalizingSize);
   *queueAddr = st->interp + (uint64_t)l->queue;
   static uint8_t block[QUEUE_READ_MAX];
   size_t span = (size_t)l->qLast + 4;
   if (!ok || span > sizeof(block) || !RemoteMemory_readDirect(mem, *queueAddr, block, span))
      return false;
   st->count = PendingCall_i32(block, l->qCount);
   st->max = l->qMax == PENDING_NONE ? 0 : PendingCall_i32(block, l->qMax);
   st->first = PendingCall_i32(block, l->qFirst);
   st->last = PendingCall_i32(block, l->qLast);
   for (int i = 0; i < l->arraySize; i++)
      memcpy(st->calls[i], block + l->qCalls + (int64_t)i * l->callStride, 16);
   if (l->lockKind == QUEUE_LOCK_SEMAPHORE) {
      /* glibc's sem_t keeps the value in the low 32 bits of its first word
         (nptl internaltypes.h, struct new_sem on 64-bit). */
      memcpy(&st->lockAddr, block + l->qLock, 8);
      uint64_t word = 0;
      if (st->lockAddr && !PendingCall_readWord(mem, st->lockAddr, &word, 8))
         return false;
      st->lockValue = (uint32_t)word;
   } else {
      st->lockValue = block[l->qLock];
   }
   if (l->breaker == BREAKER_INTERP_FLAG) {
      uint32_t flag = 0;
      *breakerAddr = st->interp + (uint64_t)l->breakerOffset;
      ok = PendingCall_readWord(mem, *breakerAddr, &flag, 4);
      st->breaker = flag;
      return ok;
   }
   st->gilHolder = CPython_gilHolder(py, st->interp);
   *breakerAddr = st->gilHolder ? st->gilHolder + (uint64_t)l->breakerOffset : 0;
   return !st->gilHolder || PendingCall_readWord(mem, *breakerAddr, &st->breaker, 8);
}

/* The thread that makes the mmap: one stopped in a system call, whose
   `syscall` instruction is right behind it, else the first stopped one. */
static pid_t PendingCall_stepper(const PtraceThreads* pt) {
   pid_t fallback = 0;
   for (int i = 0; i < pt->count; i++) {
      const TracedThread* t = &pt->threads[i];
      if (!t->stopped || t->signal != 0)
         continue;
      struct user_regs_struct regs;
      if (ptrace(PTRACE_GETREGS, t->tid, NULL, &regs) == 0 && (long long)regs.orig_rax >= 0)
         return t->tid;
      if (!fallback)
         fallback = t->tid;
   }
   return fallback;
}

static InjectOutcome PendingCall_whileStopped(pid_t pid, CPython* py, const PendingLayout* l,
                                              const ProcMaps* maps, RemoteMemory* mem,
                                              const PtraceThreads* pt, uint64_t func,
                                              const char* text, size_t len, InjectReport* report,
                                              int* deferredSignal, pid_t* stepper, char* err,
                                              size_t errSize) {
   uint64_t leaderFsBase;
   if (!InjectReport_mainThread(report, pt, &leaderFsBase)) {
      snprintf(err, errSize, "the main thread of %d could not be stopped", (int)pid);
      return INJECT_REFUSED;
   }
   PendingState st;
   uint64_t queueAddr = 0, breakerAddr = 0;
   if (!PendingCall_readState(l, py, mem, &st, &queueAddr, &breakerAddr)) {
      snprintf(err, errSize, "cannot read the interpreter state of %d: %s", (int)pid,
               strerror(errno));
      return INJECT_REFUSED;
   }
   if (!PendingLayout_check(l, &st, leaderFsBase, err, errSize))
      return INJECT_REFUSED;
   Inject_testPause("checked");
   uint64_t region = InjectRegion_find(maps, mem);
   if (region && PendingLayout_queued(l, &st, region, region + INJECT_REGION_BYTES))
      return INJECT_BUSY;
   if (!region) {
      *stepper = PendingCall_stepper(pt);
      region = *stepper
                     ? InjectRegion_create(pid, *stepper, maps, mem, deferredSignal, err, errSize)
                     : 0;
      if (!region) {
         if (!*stepper)
            snprintf(err, errSize, "no thread of %d could make the mmap", (int)pid);
         return INJECT_REFUSED;
      }
      report->regionCreated = true;
   }
   report->region = region;
   Inject_testPause("mapped");
   uint64_t arg = InjectRegion_put(pid, region, mem, text, len, err, errSize);
   if (!arg)
      return INJECT_REFUSED;
   Inject_testPause("written");
   PendingWrite writes[PENDING_MAX_WRITES];
   int n = PendingLayout_plan(l, &st, queueAddr, breakerAddr, func, arg, writes);
   for (int i = 0; i < n; i++) {
      if (!RemoteWrite_bytes(pid, writes[i].addr, writes[i].bytes, writes[i].len)) {
         snprintf(err, errSize, "cannot write the queue of %d: %s", (int)pid, strerror(errno));
         return INJECT_REFUSED;
      }
      if (i == 0)
         Inject_testPause("slot");
   }
   Inject_testPause("queued");
   return INJECT_QUEUED;
}

InjectOutcome PendingCall_inject(pid_t pid, CPython* py, const ProcMaps* maps, RemoteMemory* mem,
                                 const char* text, size_t len, InjectReport* report, char* err,
                                 size_t errSize) {
   InjectReport_init(report);
   const PendingLayout* l = PendingLayout_forMinor(CPython_minor(py));
   if (!l) {
      snprintf(err, errSize, "CPython %s has no pending-call route (3.11 to 3.13 only)",
               CPython_version(py));
      return INJECT_REFUSED;
   }
   /* 3.13's debug offsets vary with the build; a table that disagrees
      with them on the runtime's start is not the build ours was taken from. */
   if (CPython_layout(py)->rtInterpretersHead != l->rtInterpretersHead) {
      snprintf(err, errSize, "CPython %s is a build whose runtime layout leaktop does not know",
               CPython_version(py));
      return INJECT_REFUSED;
   }
   uint64_t func;
   if (!CPython_symbol(py, "PyRun_SimpleString", &func)) {
      snprintf(err, errSize, "the interpreter exports no PyRun_SimpleString");
      return INJECT_REFUSED;
   }
   PtraceThreads pt;
   if (!PtraceThreads_stop(&pt, pid, err, errSize))
      return INJECT_REFUSED;
   Inject_testPause("stopped");
   int deferredSignal = 0;
   pid_t stepper = 0;
   InjectOutcome outcome =
         PendingCall_whileStopped(pid, py, l, maps, mem, &pt, func, text, len, report,
                                  &deferredSignal, &stepper, err, errSize);
   PtraceThreads_resume(&pt);
   InjectReport_pauses(report, &pt);
   PtraceThreads_done(&pt);
   /* A signal held back during the mmap step goes to the thread it was
      meant for, now that it runs. */
   if (deferredSignal && stepper)
      syscall(SYS_tgkill, pid, stepper, deferredSignal);
   return outcome;
}
