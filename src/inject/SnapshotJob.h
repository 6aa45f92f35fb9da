#ifndef HEADER_SnapshotJob
#define HEADER_SnapshotJob
/* One snapshot request to one worker, from start to result, by the best
   route it has: its agent when one answers (the service imported
   leaktop_agent), else the remote execution of CPython 3.14+, else the
   pending-call queue of 3.11-3.13. Injected requests are answered through
   a result file; the job polls for it, so a dashboard can keep drawing. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "inject/Inject.h"
#include "inject/SnapshotRequest.h"

typedef struct SnapshotJob_ SnapshotJob;

typedef enum {
   SNAPSHOT_JOB_WAITING, /* the worker has not run the request yet */
   SNAPSHOT_JOB_DONE,    /* SnapshotJob_result holds the answer */
   SNAPSHOT_JOB_FAILED,  /* the message says why */
   SNAPSHOT_JOB_IDLE,    /* no answer soon: every thread waits in C (3.12+), the
                            message says where each one waits */
} SnapshotJobState;

/* Starts a request. NULL with err set when pid cannot be asked at all: not
   Python, an unsupported version, not permitted, unsafe right now. An
   earlier request still waiting there is given a second to run first,
   woken by the worker's wake-up signal when wake is set. */
SnapshotJob* SnapshotJob_start(pid_t pid, const SnapshotRequest* req, bool wake, char* err,
                               size_t errSize);

/* Looks for the answer. While waiting, msg says what the main thread is
   doing; on failure, why; when idle, where every thread waits. */
SnapshotJobState SnapshotJob_poll(SnapshotJob* job, char* msg, size_t msgSize);

/* The result text (JSON) once done. */
const char* SnapshotJob_result(const SnapshotJob* job, size_t* len);

/* "agent", "pending call" or "remote exec" */
const char* SnapshotJob_route(const SnapshotJob* job);
const InjectReport* SnapshotJob_report(const SnapshotJob* job);
/* Seconds since the request went in. */
double SnapshotJob_age(const SnapshotJob* job);

/* The worker's own harmless wake-up, if it has one: a gunicorn worker
   handles SIGWINCH in Python ("ignored"), which interrupts its select()
   so the request runs. NULL when there is none; leaktop never sends a
   signal whose default action would end the worker. */
const char* SnapshotJob_wakeSignal(const SnapshotJob* job, int* sig);
bool SnapshotJob_wake(SnapshotJob* job);

/* Whether SnapshotJob_free withdraws a request still waiting (3.14+);
   else it stays queued and runs later. */
bool SnapshotJob_withdraws(const SnapshotJob* job);
/* What becomes of a request left unanswered: "the request is withdrawn",
   or when it will still run. */
const char* SnapshotJob_fate(const SnapshotJob* job);

/* Ends the job: a request still waiting is withdrawn where the route
   allows (3.14) and its files are removed. */
void SnapshotJob_free(SnapshotJob* job);

#endif
