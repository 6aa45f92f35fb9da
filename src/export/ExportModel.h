#ifndef HEADER_ExportModel
#define HEADER_ExportModel
/* What leaktop exports to Prometheus (doc/metrics.md), mapped from the
   model after each tick: one group per tree, one row per worker slot and
   one for the master. Rows are keyed by slot, never by pid, and a vacant
   slot keeps its last values, so that recycling makes neither a gap nor a
   new series. Pure mapping of the in-memory model; nothing is read. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/Machine.h"
#include "model/ProcessTree.h"
#include "snapshot/SnapshotDiff.h"

typedef enum ExportWorkerState {
   EXPORT_WORKER_WARMING_UP,
   EXPORT_WORKER_STABLE,
   EXPORT_WORKER_PLATEAU,
   EXPORT_WORKER_SPIKES,
   EXPORT_WORKER_GROWS_WITH_TIME,
   EXPORT_WORKER_GROWS_WITH_TRAFFIC,
   EXPORT_WORKER_NATIVE_GROWTH,
   EXPORT_WORKER_RECYCLED_GROWTH,
   EXPORT_WORKER_INCONCLUSIVE,
   EXPORT_WORKER_STATES
} ExportWorkerState;

typedef enum ExportGroupState {
   EXPORT_GROUP_WARMING_UP,
   EXPORT_GROUP_STABLE,
   EXPORT_GROUP_ONE_GROWS,
   EXPORT_GROUP_SOME_GROW,
   EXPORT_GROUP_ALL_GROW,
   EXPORT_GROUP_WORKER_MULTIPLICATION,
   EXPORT_GROUP_COW_UNSHARING,
   EXPORT_GROUP_RECYCLED_GROWTH,
   EXPORT_GROUP_STATES
} ExportGroupState;

typedef struct ExportRow {
   bool used; /* some process held it: a slot never held is not exported */
   pid_t pid; /* 0 while vacant */
   bool memKnown;
   double rssBytes, anonBytes;
   bool smapsKnown;
   double pssBytes, ussBytes, swapBytes;
   double growthBytesPerSecond;
   double timeToLimit; /* seconds; +Inf when not growing or beyond a day */
   ExportWorkerState state;
   double confidence; /* 0..1 */
   bool trafficKnown;
   double trafficPerSecond;
   double startTime; /* seconds since the epoch */
} ExportRow;

#define EXPORT_GROUP_NAME_SIZE 48

typedef struct ExportGroup {
   char name[EXPORT_GROUP_NAME_SIZE];
   pid_t rootPid; /* with rootStart, the tree it follows across ticks */
   unsigned long long rootStart;
   bool seen; /* its tree was in the last update */
   int workers;
   bool limitKnown;
   bool limitFromCgroup;
   double limitBytes;
   double usageBytes;
   ExportGroupState state;
   double timeToLimit;
   unsigned firstGenerations; /* the slots' generations when first seen */
   unsigned spawns;
   EndCounts exits;
   ExportRow master;
   ExportRow* slots; /* slots[i] is slot i + 1 */
   int slotCount;
} ExportGroup;

typedef struct ExportModel {
   ExportGroup* groups;
   int count, capacity;
   /* --group NAME, in target order: the i-th names the i-th tree found. */
   const char* const* names;
   int nameCount;
   int namedTrees; /* trees that took a name so far */
   bool exportPid; /* leaktop_worker_info with a pid label */

   double intervalSeconds;
   double lastSampleTime; /* wall clock, 0 before the first tick */
   unsigned long long samples;
   uint64_t recordingBytes;
   unsigned long long recordingErrors;
} ExportModel;

void ExportModel_init(ExportModel* this, const char* const* names, int nameCount, bool exportPid);
void ExportModel_done(ExportModel* this);

/* Maps the model after a scan. A tree that is gone takes its group along. */
void ExportModel_update(ExportModel* this, const Machine* machine);

/* The state a classifier verdict exports as, given what the worker's heap
   snapshots said and its slot's recycle verdict (NULL: none). */
ExportWorkerState ExportModel_verdictState(GrowthVerdict verdict, SnapshotVerdict heap,
                                           const RecycleVerdict* slot);
/* The same for a live worker. */
ExportWorkerState ExportModel_workerState(const Process* p, const WorkerSlot* slot);

#endif
