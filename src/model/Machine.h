#ifndef HEADER_Machine
#define HEADER_Machine
/* Everything leaktop watches: the tracked trees, host memory, and the
   sampling schedule. Machine_scan() is one tick: discover, sample, record,
   from a SampleSource (sample/SampleSource.h): live /proc, or a recording or
   a script, which nothing above Machine can tell apart. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "CommandLine.h"
#include "model/ProcessTree.h"

struct SampleSource;
struct TrafficSource;

typedef struct Machine {
   const Options* opts;
   ProcessTree** trees;
   int treeCount;
   int treeCapacity;

   bool hostMemKnown;
   uint64_t memAvailableKiB;
   uint64_t memTotalKiB;

   unsigned long tick;
   double now;     /* monotonic time of the last scan */
   double wallNow; /* wall time of the last scan */
   double lastSmaps;
   double lastFds; /* the last round of fd kinds (SCAN_FDS), on the smaps cadence */
   double lastDiscovery;
   double lastChildScan;

   /* The optional reads (ScanFlag bits), set from what is shown, stored or
      printed: smaps_rollup is read only while SCAN_SMAPS is set, the fds'
      kinds only while SCAN_FDS is. */
   unsigned scanFlags;

   /* Why some value shows as n/a, for the status line; empty when all is read. */
   char notice[320];

   unsigned endedTrees; /* trees whose every process has ended */
   /* The trees the last scan dropped, kept until the next scan so that a
      recorder can still read how their last processes ended. */
   ProcessTree** dropped;
   int droppedCount;
   int droppedCapacity;

   struct SampleSource* source;
   struct TrafficSource* traffic; /* never NULL; Traffic_displayName() says which */
   void* priv;                    /* discovery and sampling scratch, private to Machine.c */
} Machine;

/* Resolves the targets of opts on the live host. Returns NULL and writes a
   message to err (for the user, no trailing newline) when a target does not
   exist. */
Machine* Machine_new(const Options* opts, char* err, size_t errSize);
/* The same over any sample source, which the Machine then owns (it is
   deleted with it, or at once when NULL is returned). */
Machine* Machine_newFrom(const Options* opts, struct SampleSource* source, char* err,
                         size_t errSize);
void Machine_delete(Machine* this);

/* One tick. */
void Machine_scan(Machine* this);

/* Demo mode: the tree to watch is rooted at pid. False (with a message in
   err) when that process cannot be watched. */
bool Machine_setDemoRoot(Machine* this, pid_t pid, char* err, size_t errSize);

/* True when explicit targets were given and every one of them has ended. */
bool Machine_allTargetsGone(const Machine* this);

int Machine_processCount(const Machine* this);

/* The process with identity (pid, start) in any tree, or NULL; *tree (when
   not NULL) gets its tree's index. */
Process* Machine_findProcess(const Machine* this, pid_t pid, unsigned long long start, int* tree);

/* Replaces the traffic source with spec (as --traffic takes it, NULL for
   the automatic choice) and forgets the traffic recorded with the old one.
   False, with a message in err and the old source kept, when spec is invalid. */
bool Machine_setTraffic(Machine* this, const char* spec, char* err, size_t errSize);

#endif
