#ifndef HEADER_PendingCall
#define HEADER_PendingCall
/* Getting a snapshot request into CPython 3.11-3.13 without running code
   at an arbitrary point: with every thread stopped, leaktop appends
   {PyRun_SimpleString, text} to the interpreter's main-thread pending-call
   queue (as Py_AddPendingCall would, lock checked free) and sets the flags
   that make the main thread look at it; the text lives in leaktop's own
   region, mapped by one single-stepped mmap the first time. The main
   thread then runs it between two bytecodes with the GIL held, where
   signal handlers run (research/injection.md §3.5). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stacks/CPython.h"
#include "stacks/ProcMaps.h"
#include "stacks/RemoteMemory.h"

typedef enum {
   PENDING_QUEUED,  /* appended; the main thread will run it */
   PENDING_BUSY,    /* an earlier request of ours is still queued: wait for it */
   PENDING_REFUSED, /* not safe or not possible now; err says why */
} PendingOutcome;

typedef struct {
   double pauseMs;     /* longest time any thread was stopped */
   int threads;        /* threads stopped */
   bool regionCreated; /* this request made the mmap */
   uint64_t region;
   long mainSyscall; /* what the main thread was in: a syscall number, or -1 */
} PendingReport;

/* Appends a call running text (a bootstrap) in pid, whose interpreter py
   was found in maps and reads through mem. */
PendingOutcome PendingCall_inject(pid_t pid, CPython* py, const ProcMaps* maps, RemoteMemory* mem,
                                  const char* text, size_t len, PendingReport* report, char* err,
                                  size_t errSize);

/* The test hook: when $LEAKTOP_TEST_PAUSE names stage, says so on stderr
   and waits there for ever (the test then kills leaktop with SIGKILL). */
void PendingCall_testPause(const char* stage);

#endif
