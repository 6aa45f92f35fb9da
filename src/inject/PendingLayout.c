#include "config.h"

#include "inject/PendingLayout.h"

#include <stdio.h>
#include <string.h>

/* Offsets below were taken with offsetof() under Py_BUILD_CORE against the
   internal headers of each version (Debian's libpython3.11-dev 3.11.2 and
   pyenv 3.11.7 agree; pyenv 3.12.1; pyenv 3.13.0 and Debian trixie's
   3.13.5 sources agree), and checked live by appending a call. */

/* CPython 3.11: Py_AddPendingCall appends to interp->ceval.pending under
   its PyThread_type_lock, sets calls_to_do and recomputes eval_breaker
   (Python/ceval.c, _PyEval_AddPendingCall and SIGNAL_PENDING_CALLS); only
   the main thread runs the queue (make_pending_calls). */
static const PendingLayout PendingLayout_311 = {
      .minor = 11,
      .rtInterpretersHead = 40, /* _PyRuntimeState.interpreters.head */
      .rtInitialized = 16,      /* _PyRuntimeState.initialized */
      .rtFinalizing = 24,       /* _PyRuntimeState._finalizing */
      .rtMainInterp = 48,       /* _PyRuntimeState.interpreters.main */
      .rtMainThread = 80,       /* _PyRuntimeState.main_thread */
      .interpFinalizing = 84,   /* PyInterpreterState.finalizing (int) */
      .interpFinalizingSize = 4,
      .queue = 112, /* PyInterpreterState.ceval.pending */
      .lockKind = QUEUE_LOCK_SEMAPHORE,
      .qLock = 0,  /* struct _pending_calls.lock */
      .qCount = 8, /* .calls_to_do */
      .countIsNumber = false,
      .qMax = PENDING_NONE,
      .qCalls = 16, /* .calls[NPENDINGCALLS = 32] of {func, arg} */
      .callStride = 16,
      .callFlags = PENDING_NONE,
      .arraySize = 32,
      .qFirst = 528, /* .first */
      .qLast = 532,  /* .last */
      .breaker = BREAKER_INTERP_FLAG,
      .breakerOffset = 100, /* PyInterpreterState.ceval.eval_breaker */
      .breakerBit = 1,
};

/* CPython 3.12 (Python/ceval_gil.c): Py_AddPendingCall targets
   _PyRuntime.ceval.pending_mainthread, which make_pending_calls drains only
   when _Py_IsMainThread(); but make_pending_calls(interp) first drains
   interp->ceval.pending in whichever thread of the interpreter gets there
   (pending->busy keeps it to one), and _Py_HandlePending gets there when
   maybe_has_pending_calls sees its calls_to_do. eval_breaker is a 0/1 flag
   in interp->ceval that every thread of the interpreter checks, and
   COMPUTE_EVAL_BREAKER keeps it up while pending.calls_to_do is set. So
   leaktop appends to interp->ceval.pending (struct _pending_calls, the
   same type as pending_mainthread) and the first thread to run bytecode
   runs it. interp->ceval.pending at 400 (gdb ptype/o of pyenv 3.12.1's
   struct _ceval_state, at 368 in PyInterpreterState). */
static const PendingLayout PendingLayout_312 = {
      .minor = 12,
      .rtInterpretersHead = 40,
      .rtInitialized = 16,
      .rtFinalizing = 24,
      .rtMainInterp = 48,
      .rtMainThread = 64,
      .interpFinalizing = 44, /* PyInterpreterState.finalizing (int) */
      .interpFinalizingSize = 4,
      .queue = 400, /* PyInterpreterState.ceval.pending */
      .lockKind = QUEUE_LOCK_SEMAPHORE,
      .qLock = 8,   /* struct _pending_calls.lock (after int busy) */
      .qCount = 16, /* .calls_to_do */
      .countIsNumber = false,
      .qMax = PENDING_NONE,
      .qCalls = 24,
      .callStride = 16,
      .callFlags = PENDING_NONE,
      .arraySize = 32,
      .qFirst = 536,
      .qLast = 540,
      .breaker = BREAKER_INTERP_FLAG,
      .breakerOffset = 368, /* PyInterpreterState.ceval.eval_breaker */
      .breakerBit = 1,
};

/* CPython 3.13 (Python/ceval_gil.c 3.13.5): a queue is guarded by a
   PyMutex, counted by npending, bounded by max (MAXPENDINGCALLS = 300 for
   an interpreter's) inside calls[PENDINGCALLSARRAYSIZE = 300] of {func,
   arg, flags} (_push_pending_call). make_pending_calls drains
   interp->ceval.pending in any thread of the interpreter (handling_thread
   keeps it to one) and _PyRuntime.ceval.pending_mainthread only on the
   main thread. eval_breaker is per thread state: for an interpreter's
   queue _PyEval_AddPendingCall sets _PY_CALLS_TO_DO_BIT (1 << 2) in the
   GIL holder's (signal_active_thread), and take_gil sets it in the next
   thread to take the GIL while npending is not 0
   (update_eval_breaker_for_thread). leaktop does the same. The interpreter
   state begins with its struct _ceval_state, whose pending is at 32 (gdb
   ptype/o of pyenv 3.13.0; relative offsets as pending_mainthread's). */
static const PendingLayout PendingLayout_313 = {
      .minor = 13,
      .rtInterpretersHead = 632,
      .rtInitialized = 600,
      .rtFinalizing = 608,
      .rtMainInterp = 640,
      .rtMainThread = 656,
      .interpFinalizing = 7320,
      .interpFinalizingSize = 4,
      .queue = 32, /* PyInterpreterState.ceval.pending */
      .lockKind = QUEUE_LOCK_PYMUTEX,
      .qLock = 8,   /* struct _pending_calls.mutex */
      .qCount = 12, /* .npending */
      .countIsNumber = true,
      .qMax = 16, /* .max */
      .qCalls = 24,
      .callStride = 24,
      .callFlags = 16, /* struct _pending_call.flags */
      .arraySize = 300,
      .qFirst = 7224,
      .qLast = 7228, /* .next */
      .breaker = BREAKER_HOLDER_BITS,
      .breakerOffset = 24,   /* PyThreadState.eval_breaker */
      .breakerBit = 1u << 2, /* _PY_CALLS_TO_DO_BIT (pycore_ceval.h) */
};

const PendingLayout* PendingLayout_forMinor(int minor) {
   switch (minor) {
   case 11:
      return &PendingLayout_311;
   case 12:
      return &PendingLayout_312;
   case 13:
      return &PendingLayout_313;
   default:
      return NULL;
   }
}

static int PendingLayout_queueLimit(const PendingLayout* layout, const PendingState* state) {
   return layout->qMax == PENDING_NONE ? layout->arraySize : state->max;
}

static int PendingLayout_used(const PendingLayout* layout, const PendingState* state) {
   if (layout->countIsNumber)
      return state->count;
   return (state->last - state->first + layout->arraySize) % layout->arraySize;
}

bool PendingLayout_check(const PendingLayout* layout, const PendingState* state,
                         uint64_t leaderFsBase, char* err, size_t errSize) {
   if (state->initialized != 1 || state->interp == 0) {
      snprintf(err, errSize, "the interpreter is not initialised yet");
      return false;
   }
   if (state->runtimeFinalizing != 0 || state->interpFinalizing != 0) {
      snprintf(err, errSize, "the interpreter is shutting down");
      return false;
   }
   if (state->mainThread != leaderFsBase) {
      snprintf(err, errSize,
               "the interpreter's main thread (%#llx) is not the process's first thread (%#llx): "
               "an embedder or an unrecognised build",
               (unsigned long long)state->mainThread, (unsigned long long)leaderFsBase);
      return false;
   }
   int limit = PendingLayout_queueLimit(layout, state);
   bool sane = state->first >= 0 && state->first < layout->arraySize && state->last >= 0 &&
               state->last < layout->arraySize && limit > 0 && limit <= layout->arraySize;
   if (layout->countIsNumber)
      sane = sane && state->count >= 0 && state->count <= limit;
   else
      sane = sane && (state->count == 0 || state->count == 1) && state->lockAddr != 0;
   if (layout->breaker == BREAKER_INTERP_FLAG)
      sane = sane && state->breaker <= 1;
   if (layout->lockKind == QUEUE_LOCK_SEMAPHORE)
      sane = sane && state->lockValue <= 1;
   else
      sane = sane && state->lockValue <= 3; /* _Py_LOCKED | _Py_HAS_PARKED */
   if (!sane) {
      snprintf(err, errSize,
               "the pending-call queue does not read back as one (first %d, last %d, count %d): "
               "an unrecognised build of CPython 3.%d",
               state->first, state->last, state->count, layout->minor);
      return false;
   }
   bool held = layout->lockKind == QUEUE_LOCK_SEMAPHORE ? state->lockValue == 0
                                                        : (state->lockValue & 1) != 0;
   if (held) {
      snprintf(err, errSize, "a thread holds the pending-call lock right now; try again");
      return false;
   }
   /* 3.11/3.12 keep one slot empty to tell full from empty. */
   int room = layout->countIsNumber ? limit : layout->arraySize - 1;
   if (PendingLayout_used(layout, state) >= room) {
      snprintf(err, errSize, "the pending-call queue is full");
      return false;
   }
   return true;
}

bool PendingLayout_queued(const PendingLayout* layout, const PendingState* state, uint64_t lo,
                          uint64_t hi) {
   int used = PendingLayout_used(layout, state);
   for (int i = 0; i < used; i++) {
      int slot = (state->first + i) % layout->arraySize;
      uint64_t arg = state->calls[slot][1];
      if (arg >= lo && arg < hi)
         return true;
   }
   return false;
}

static void PendingLayout_put(PendingWrite* w, uint64_t addr, const void* bytes, size_t len) {
   w->addr = addr;
   w->len = len;
   memcpy(w->bytes, bytes, len);
}

int PendingLayout_plan(const PendingLayout* layout, const PendingState* state, uint64_t queueAddr,
                       uint64_t breakerAddr, uint64_t func, uint64_t arg,
                       PendingWrite out[PENDING_MAX_WRITES]) {
   int n = 0;
   uint64_t slot = queueAddr + (uint64_t)layout->qCalls +
                   (uint64_t)state->last * (uint64_t)layout->callStride;
   uint64_t entry[2] = {func, arg};
   PendingLayout_put(&out[n++], slot, entry, sizeof(entry));
   if (layout->callFlags != PENDING_NONE) {
      /* 0: never _Py_PENDING_RAWFREE (3.13 pycore_ceval.h), which would
         make CPython free our argument. */
      int32_t flags = 0;
      PendingLayout_put(&out[n++], slot + (uint64_t)layout->callFlags, &flags, sizeof(flags));
   }
   int32_t next = (state->last + 1) % layout->arraySize;
   if (layout->countIsNumber) {
      /* npending before next: cut between the two, a count one too high
         only makes CPython pop an empty slot (func NULL ends the loop),
         whereas an index ahead of the count would strand a later call. */
      int32_t count = state->count + 1;
      PendingLayout_put(&out[n++], queueAddr + (uint64_t)layout->qCount, &count, sizeof(count));
      PendingLayout_put(&out[n++], queueAddr + (uint64_t)layout->qLast, &next, sizeof(next));
   } else {
      PendingLayout_put(&out[n++], queueAddr + (uint64_t)layout->qLast, &next, sizeof(next));
      int32_t callsToDo = 1;
      PendingLayout_put(&out[n++], queueAddr + (uint64_t)layout->qCount, &callsToDo,
                        sizeof(callsToDo));
   }
   if (layout->breaker == BREAKER_INTERP_FLAG) {
      int32_t flag = 1;
      PendingLayout_put(&out[n++], breakerAddr, &flag, sizeof(flag));
   } else if (breakerAddr) {
      uint64_t bits = state->breaker | layout->breakerBit;
      PendingLayout_put(&out[n++], breakerAddr, &bits, sizeof(bits));
   }
   return n;
}
