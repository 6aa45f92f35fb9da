#ifndef HEADER_Inject
#define HEADER_Inject
/* What the injection routes have in common: their outcome, what they
   observed while the target was stopped, and the test hook that holds
   leaktop at a named stage so a test can kill it there. */

#include <stdbool.h>
#include <stdint.h>

#include "target/PtraceThreads.h"

typedef enum {
   INJECT_QUEUED,  /* the worker will run the request at its next safe point */
   INJECT_BUSY,    /* an earlier request of ours is still waiting there */
   INJECT_REFUSED, /* not safe or not possible now; the message says why */
} InjectOutcome;

typedef struct {
   double pauseMs;     /* longest time any thread was stopped */
   int threads;        /* threads stopped */
   bool regionCreated; /* this request made leaktop's region (pending-call route) */
   uint64_t region;
   long mainSyscall; /* the system call the main thread was in, or -1 */
} InjectReport;

void InjectReport_init(InjectReport* report);

/* Fills pauseMs and threads from a resumed PtraceThreads. */
void InjectReport_pauses(InjectReport* report, const PtraceThreads* pt);

/* Reads the main thread's registers: which system call it is in goes to
   the report; *fsBase is its pthread_t. False if it is not stopped. */
bool InjectReport_mainThread(InjectReport* report, const PtraceThreads* pt, uint64_t* fsBase);

/* When $LEAKTOP_TEST_PAUSE names stage, says so on stderr and waits there
   for ever: the fault tests kill leaktop with SIGKILL at each stage. */
void Inject_testPause(const char* stage);

#endif
