#ifndef HEADER_PendingLayout
#define HEADER_PendingLayout
/* CPython's pending-call queue (3.11-3.13, x86_64): where it lives, what a
   consistent queue looks like, and the writes that append one call to it
   the way CPython's own _PyEval_AddPendingCall would, without running
   anything in the target. 3.11 has one queue, run by the main thread only;
   3.12 and 3.13 also have one per interpreter, which any of its threads
   runs, and leaktop uses that one. Pure: the state is read elsewhere. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
   QUEUE_LOCK_SEMAPHORE, /* PyThread_type_lock: a pointer to a glibc sem_t (3.11, 3.12) */
   QUEUE_LOCK_PYMUTEX,   /* PyMutex: one byte in the queue (3.13) */
} QueueLockKind;

typedef enum {
   BREAKER_INTERP_FLAG, /* interp->ceval.eval_breaker, a 0/1 int (3.11, 3.12) */
   BREAKER_HOLDER_BITS, /* the GIL holder's tstate->eval_breaker, a bit set (3.13) */
} BreakerKind;

#define PENDING_NONE (-1)

typedef struct {
   int minor;
   /* _PyRuntimeState */
   int64_t rtInterpretersHead; /* cross-checked against the stack reader's table */
   int64_t rtInitialized;
   int64_t rtFinalizing;
   int64_t rtMainInterp;
   int64_t rtMainThread;
   /* PyInterpreterState */
   int64_t interpFinalizing;
   int interpFinalizingSize; /* an int (3.11, 3.12) or a PyThreadState* (3.13) */
   int64_t queue;            /* in the interpreter */
   QueueLockKind lockKind;
   int64_t qLock;
   int64_t qCount; /* calls_to_do flag (3.11, 3.12) or npending (3.13) */
   bool countIsNumber;
   int64_t qMax; /* 3.13 only: the queue's own limit */
   int64_t qCalls;
   int callStride;
   int64_t callFlags; /* 3.13 only */
   int arraySize;     /* slots in calls[]; indices wrap modulo this */
   int64_t qFirst;
   int64_t qLast; /* last (3.11, 3.12) or next (3.13): the slot to fill */
   BreakerKind breaker;
   int64_t breakerOffset; /* in the interpreter, or in the GIL holder's tstate */
   uint64_t breakerBit;
} PendingLayout;

/* The table for 3.MINOR, or NULL outside 3.11-3.13. */
const PendingLayout* PendingLayout_forMinor(int minor);

#define PENDING_MAX_SLOTS 300

/* What leaktop reads from a stopped target before writing. */
typedef struct {
   uint32_t initialized;
   uint64_t runtimeFinalizing; /* a PyThreadState*, 0 while running */
   uint64_t interp;            /* main interpreter */
   uint64_t mainThread;        /* pthread_t of the main thread */
   uint64_t gilHolder;         /* 3.13: the thread state holding the GIL, 0 if none */
   uint64_t interpFinalizing;
   uint64_t lockAddr;  /* sem_t* (semaphore kind) */
   uint32_t lockValue; /* sem value (1 free) or PyMutex bits (0 free) */
   int32_t count;      /* calls_to_do or npending */
   int32_t max;        /* 3.13 */
   int32_t first;
   int32_t last;
   uint64_t breaker;
   uint64_t calls[PENDING_MAX_SLOTS][2]; /* func, arg of every slot */
} PendingState;

/* False, with the reason in err, when a call cannot be added now: the
   interpreter is not initialised or is finalising, the main thread is not
   the one leaderFsBase belongs to, the lock is held, the queue is full, or
   the values read do not look like a queue at all (wrong build). */
bool PendingLayout_check(const PendingLayout* layout, const PendingState* state,
                         uint64_t leaderFsBase, char* err, size_t errSize);

/* True when a queued call's argument lies in [lo, hi): a request of ours
   is still waiting for the main thread. */
bool PendingLayout_queued(const PendingLayout* layout, const PendingState* state, uint64_t lo,
                          uint64_t hi);

typedef struct {
   uint64_t addr;
   uint8_t bytes[16];
   size_t len;
} PendingWrite;

#define PENDING_MAX_WRITES 6

/* The writes, in order, that append {func, arg}: the slot first, then the
   index that publishes it, then the flags that make a thread look. A write
   cut short after any of them leaves a consistent queue. queueAddr and
   breakerAddr are absolute (computed from the interp or tstate by the
   caller); breakerAddr 0 for 3.13 when no thread holds the GIL: the next
   to take it sets its own bit (take_gil, update_eval_breaker_for_thread).
   Returns the count. */
int PendingLayout_plan(const PendingLayout* layout, const PendingState* state, uint64_t queueAddr,
                       uint64_t breakerAddr, uint64_t func, uint64_t arg,
                       PendingWrite out[PENDING_MAX_WRITES]);

#endif
