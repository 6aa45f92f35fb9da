#ifndef HEADER_ProcessTree
#define HEADER_ProcessTree
/* A service tree: a root (master) and its descendants, the workers that
   exited (a bounded summary), and the memory limit the tree lives under. */

#include <stdbool.h>
#include <stdint.h>

#include "classify/TreeVerdict.h"
#include "model/DeployWatch.h"
#include "model/Process.h"
#include "sample/Cgroup.h"

#define TREE_EXITED_KEPT 8
#define TREE_HOW_SIZE    80

typedef struct ExitedProcess {
   pid_t pid;
   unsigned long long startTicks;
   unsigned generation;
   double lifetime; /* seconds */
   uint64_t peakRssKiB;
   double exitEpoch;
   char name[32];
   char how[TREE_HOW_SIZE]; /* "exit 0", "killed by SIGKILL", "OOM kill", "exited" (unknown) */
} ExitedProcess;

typedef struct ProcessTree {
   Process** procs; /* procs[0] is the root; then in tree (depth-first) order */
   Process** byPid; /* the same processes sorted by PID, for lookups */
   int count;
   int capacity;
   char name[32];

   ExitedProcess exited[TREE_EXITED_KEPT]; /* ring, newest at exitedHead */
   int exitedHead;
   int exitedKept;
   unsigned exitedTotal;

   /* Generations of exited workers still waiting for their replacement. */
   unsigned pendingGenerations[TREE_EXITED_KEPT];
   int pendingCount;

   CgroupStatus cgroup;
   double lastOomKill; /* monotonic time the cgroup last counted an OOM kill, < 0 never */
   bool rootGone;
   TreeVerdict verdict; /* from its processes' verdicts, every tick */
   DeployWatch deploy;  /* new code at T (model/DeployScan.h) */

   /* Traffic of the whole tree this tick (the sum over its processes). */
   bool trafficKnown;
   double trafficDelta;
   double trafficTotal;
   bool trafficIdle;
   bool trafficSplit; /* part of it had no PID and was shared equally by the workers */
} ProcessTree;

ProcessTree* ProcessTree_new(Process* root);
void ProcessTree_delete(ProcessTree* this);

Process* ProcessTree_root(const ProcessTree* this);
Process* ProcessTree_find(const ProcessTree* this, pid_t pid);

/* Adds a descendant; one found after attaching becomes the next generation
   of a worker that exited before it, if any. The depth-first order is
   restored by ProcessTree_reorder(), once after a round of adds. */
void ProcessTree_add(ProcessTree* this, Process* proc, bool foundAtAttach);

/* Removes proc (which has ended) and keeps its summary; proc is freed. */
void ProcessTree_retire(ProcessTree* this, Process* proc, const char* how, double wallNow);

/* Recomputes depths, roles and the depth-first order: O(n log n). */
void ProcessTree_reorder(ProcessTree* this);

/* Newest-first access to the exited summaries, age 0 = newest. */
const ExitedProcess* ProcessTree_exited(const ProcessTree* this, int age);

int ProcessTree_workerCount(const ProcessTree* this);
uint64_t ProcessTree_totalRss(const ProcessTree* this);
/* Sum of PSS; *complete is false when some process's PSS is unknown. */
uint64_t ProcessTree_totalPss(const ProcessTree* this, bool* complete);

#endif
