#ifndef HEADER_ProcessSnapshots
#define HEADER_ProcessSnapshots
/* The heap snapshots of one process (one worker generation) that leaktop
   took while it ran: the newest, its diff with the one before, what it
   says of native growth, and the request's own figures. The job layer
   (inject/SnapshotRunner.h) records them; views and batch output read
   them. Kept in memory with the process and gone with it. */

#include <stdbool.h>

#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotDiff.h"

/* Snapshot times kept for the chart's time axis. */
#define PROCESS_SNAPSHOT_MARKS 16

typedef struct ProcessSnapshots {
   bool haveLatest;
   Snapshot latest;
   bool haveDiff; /* latest against the snapshot before it (from memory or the store) */
   SnapshotDiff diff;
   int taken; /* snapshots recorded */
   /* The verdict of the latest diff that saw material growth: a later
      diff without growth does not undo it. UNKNOWN before one did. */
   SnapshotVerdict verdict;

   /* How the latest request went: its route, the time to its answer and
      the longest time a thread of the worker was stopped (0 threads: the
      route stopped none). */
   char route[32];
   double answerMs;
   int pausedThreads;
   double pauseMs;
   double takenAt; /* monotonic time the latest answer came */

   double lastAttempt; /* monotonic time of the last request, answered or not; < 0 never */
   char error[512];    /* why the last request failed; "" when it did not */

   double marks[PROCESS_SNAPSHOT_MARKS]; /* monotonic times, oldest first */
   int markCount;
} ProcessSnapshots;

ProcessSnapshots* ProcessSnapshots_new(void);
void ProcessSnapshots_free(ProcessSnapshots* this);

/* Makes snap (moved in: the caller's copy is emptied) the latest, compared
   with the previous latest, or with earlier (a snapshot of the same
   generation from the store, may be NULL) when there is none in memory. */
void ProcessSnapshots_record(ProcessSnapshots* this, Snapshot* snap, const Snapshot* earlier,
                             double now);

/* Where the worker's growth went, as its snapshots last saw it grow
   (native, Python or allocator retention); SNAPSHOT_VERDICT_UNKNOWN before
   a diff saw material growth (this may be NULL). */
SnapshotVerdict ProcessSnapshots_verdict(const ProcessSnapshots* this);

/* Is tracemalloc tracing in the worker, as its latest snapshot said? */
bool ProcessSnapshots_tracing(const ProcessSnapshots* this);

#endif
