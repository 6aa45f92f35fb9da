#ifndef HEADER_SnapshotRunner
#define HEADER_SnapshotRunner
/* Snapshot requests for the dashboard and batch output: one request at a
   time to a watched process, polled without blocking, its answer parsed,
   compared with the process's previous snapshot (in memory, else the
   store that `leaktop snapshot` shares) and recorded in the process
   (model/ProcessSnapshots.h). Optionally a request every N seconds: to
   the selected worker in the dashboard, to each worker in batch output. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model/Machine.h"

typedef enum {
   SNAPSHOT_KIND_PLAIN,
   SNAPSHOT_KIND_START_TRACING, /* tracemalloc.start() first: later diffs show lines */
   SNAPSHOT_KIND_STOP_TRACING,  /* tracemalloc.stop() afterwards */
   SNAPSHOT_KIND_TRIM,          /* malloc_trim(0): the RSS the allocator gives back */
} SnapshotKind;

typedef enum {
   SNAPSHOT_RUNNER_IDLE,    /* no request under way */
   SNAPSHOT_RUNNER_WAITING, /* the worker has not answered yet */
   SNAPSHOT_RUNNER_DONE,    /* answered and recorded in this poll */
   SNAPSHOT_RUNNER_FAILED,  /* failed (or gave up) in this poll */
} SnapshotRunnerState;

typedef struct SnapshotRunner_ SnapshotRunner;

/* every: seconds between periodic snapshots, 0 for none. */
SnapshotRunner* SnapshotRunner_new(double every);
void SnapshotRunner_free(SnapshotRunner* this);

/* Asks p for a snapshot. False with the reason in msg when nothing was
   started: another request is under way, or p cannot be asked (the reason
   is recorded in p's snapshot record too). */
bool SnapshotRunner_start(SnapshotRunner* this, Process* p, SnapshotKind kind, char* msg,
                          size_t msgSize);

/* Looks for the answer of the request under way. msg gets a line for the
   status bar: what the worker is doing while WAITING, the verdict once
   DONE, why on FAILED; nothing when IDLE. */
SnapshotRunnerState SnapshotRunner_poll(SnapshotRunner* this, const Machine* m, char* msg,
                                        size_t msgSize);

/* The process a request is under way for; false when none is. */
bool SnapshotRunner_busy(const SnapshotRunner* this, pid_t* pid, unsigned long long* start);

/* How long to wait before the next poll: a busy worker answers within
   tens of milliseconds, so the first half second is polled closely; a
   worker blocked in C is looked at less often. */
int SnapshotRunner_pollMs(const SnapshotRunner* this);

/* The last WAITING line ("" when idle). */
const char* SnapshotRunner_status(const SnapshotRunner* this);

/* Sends the waiting worker its own harmless wake-up (SnapshotJob.h). False
   with the reason in msg when it has none or no request waits. */
bool SnapshotRunner_wake(SnapshotRunner* this, char* msg, size_t msgSize);

/* Abandons the request under way (SnapshotJob_free: a 3.14 request is
   withdrawn; a queued pending call still runs, and its result file is
   removed by the next request). */
void SnapshotRunner_cancel(SnapshotRunner* this, char* msg, size_t msgSize);

double SnapshotRunner_every(const SnapshotRunner* this);

/* Dashboard: snapshots of the selected process (may be NULL), the first
   once it stayed selected SNAPSHOT_RUNNER_DWELL seconds, then every
   `every` seconds. True when it started one (msg says so). */
#define SNAPSHOT_RUNNER_DWELL 5.0
bool SnapshotRunner_follow(SnapshotRunner* this, Process* selected, double now, char* msg,
                           size_t msgSize);

/* Batch: every worker (and lone process) of m in turn, each every `every`
   seconds from when it was first seen. True when it started one. */
bool SnapshotRunner_schedule(SnapshotRunner* this, const Machine* m, double now, char* msg,
                             size_t msgSize);

#endif
