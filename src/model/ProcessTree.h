#ifndef HEADER_ProcessTree
#define HEADER_ProcessTree
/* A service tree: a root (master) and its descendants, the workers that
   exited (a bounded summary), the worker slots (the positions workers hold
   across recycling, each with its history), and the memory limit the tree
   lives under. */

#include <stdbool.h>
#include <stdint.h>

#include "classify/RecycleVerdict.h"
#include "classify/TreeVerdict.h"
#include "model/DeployWatch.h"
#include "model/Process.h"
#include "sample/Cgroup.h"

#define TREE_EXITED_KEPT 8
#define TREE_HOW_SIZE    80
/* Generations a slot remembers: enough for a verdict, and its spread. */
#define SLOT_GENERATIONS_KEPT 8

typedef struct ExitedProcess {
   pid_t pid;
   unsigned long long startTicks;
   unsigned generation;
   double lifetime; /* seconds */
   uint64_t peakRssKiB;
   double exitEpoch;
   char name[32];
   char how[TREE_HOW_SIZE]; /* "exit 0", "killed by SIGKILL", "OOM kill", "exited" (unknown) */
   RecycleEnd end;          /* what how means: recycle, crash, OOM kill, unknown */
   unsigned slot;           /* 0: it held none */
} ExitedProcess;

/* Exited processes by how they ended. */
typedef struct EndCounts {
   unsigned recycles, crashes, oomKills, unknown;
} EndCounts;

/* A worker position, numbered 1..N like uwsgi's worker ids: a worker that
   replaces one that exited takes the lowest vacant slot. Its history runs
   across the generations that held it. */
typedef struct WorkerSlot {
   unsigned number;
   Process* occupant;   /* NULL while vacant */
   unsigned generation; /* of the occupant, or of the last one */
   EndCounts ends;
   GenerationTrace live; /* the occupant's generation so far */
   /* Its ended generations, a ring newest at doneHead: NULL until the first
      one ends, so that a slot never recycled costs no more. With the
      occupant's own history they draw the slot's sawtooth. */
   GenerationRecord* done;
   int doneHead, doneCount;
   RecycleVerdict verdict; /* over done, judged again when one ends */
} WorkerSlot;

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

   EndCounts ends; /* of every process that exited */

   WorkerSlot** slots; /* slots[i]->number == i + 1; never shrinks */
   int slotCount;
   RecycleVerdict recycle; /* over every slot's generations */
   bool slotsEnded;        /* a generation ended since the last judgement */

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

/* Adds a descendant. A worker takes the lowest vacant slot; if a worker
   exited from that slot before, it is that one's next generation. The
   depth-first order is restored by ProcessTree_reorder(), once after a
   round of adds. */
void ProcessTree_add(ProcessTree* this, Process* proc);

/* Removes proc (which has ended) and keeps its summary; proc is freed. */
void ProcessTree_retire(ProcessTree* this, Process* proc, const char* how, double wallNow);

/* Feeds the slots the tick's samples of their occupants and, when one
   ended, judges their generations (classify/RecycleVerdict.h); unit names
   the traffic unit. */
void ProcessTree_updateSlots(ProcessTree* this, double now, const char* unit);

/* The slot numbered number, NULL if there is none. */
const WorkerSlot* ProcessTree_slot(const ProcessTree* this, unsigned number);
/* Newest-first access to a slot's ended generations, age 0 = newest. */
const GenerationRecord* WorkerSlot_generation(const WorkerSlot* this, int age);

/* Recomputes depths, roles and the depth-first order: O(n log n). */
void ProcessTree_reorder(ProcessTree* this);

/* Newest-first access to the exited summaries, age 0 = newest. */
const ExitedProcess* ProcessTree_exited(const ProcessTree* this, int age);

int ProcessTree_workerCount(const ProcessTree* this);
uint64_t ProcessTree_totalRss(const ProcessTree* this);
/* Sum of PSS; *complete is false when some process's PSS is unknown. */
uint64_t ProcessTree_totalPss(const ProcessTree* this, bool* complete);

#endif
