#ifndef HEADER_ReportModel
#define HEADER_ReportModel
/* What an incident report says, gathered once from the model tick by tick
   over a window of a recording (or of any Machine: the unit tests drive a
   scripted one), so that each renderer (ReportMarkdown, and the HTML one)
   only formats. Per tree: its verdict at the end, peak memory, limit, OOM
   kills and restarts; per process seen in the window: its memory at the
   first and last tick and at peak, its traffic, its verdict at its last
   tick, and its RSS downsampled to REPORT_POINTS buckets. Bounded: at most
   REPORT_MAX_PROCESSES processes per tree and REPORT_MAX_EVENTS events;
   past either, the count of what was left out is kept. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "classify/Classifier.h"
#include "classify/TreeVerdict.h"
#include "model/Machine.h"
#include "model/ProcessTree.h"
#include "report/ReportResults.h"

#define REPORT_POINTS        240
#define REPORT_MAX_TREES     16
#define REPORT_MAX_PROCESSES 512
#define REPORT_MAX_EVENTS    200
#define REPORT_TEXT_SIZE     192

typedef struct ReportProcess {
   pid_t pid;
   unsigned long long startTicks;
   unsigned generation;
   ProcessRole role;
   char name[32];
   char cmdline[256];
   int64_t firstUs, lastUs; /* first and last tick it was seen in */
   bool memKnown;
   uint64_t firstRssKiB, lastRssKiB, peakRssKiB;
   bool pssKnown;
   uint64_t peakPssKiB;
   bool trafficKnown;
   double trafficTotal; /* units served within the window */
   /* At its last tick. */
   GrowthVerdict verdict;
   bool growing;        /* Classifier_isGrowth */
   double growthPerMin; /* the classifier's floor growth, KiB/min, NAN unknown */
   char summary[96];
   char nextStep[REPORT_TEXT_SIZE];
   char ended[TREE_HOW_SIZE]; /* how it ended within the window ("exit 0"), "" if not seen to */
   /* Per bucket of the window: the highest RSS (0 where not seen), the
      traffic served, and whether every tick seen in it was idle. */
   uint32_t rssKiB[REPORT_POINTS];
   float traffic[REPORT_POINTS];
   uint8_t busy[REPORT_POINTS]; /* 1: some tick in it was not idle */
} ReportProcess;

typedef struct ReportTree {
   pid_t rootPid;
   unsigned long long rootStartTicks;
   char name[32];
   char rootCmdline[256];
   TreeVerdictLabel label;
   char evidence[TREE_EVIDENCE_SIZE];
   double growthPerMin, timeToLimit; /* NAN unknown */
   uint64_t peakRssKiB;              /* of the whole tree at one tick */
   int64_t peakUs;
   bool limited;
   uint64_t limitBytes;
   bool oomKnown;
   uint64_t oomKillsFirst, oomKillsLast;
   unsigned exitedFirst, exitedLast; /* processes that ended, counted since attach */
   ReportProcess* processes;
   int processCount;
   int processesLeftOut;
} ReportTree;

typedef struct ReportEvent {
   int64_t wallUs;
   pid_t pid; /* the process or the tree's root it is about, 0 the host */
   char text[REPORT_TEXT_SIZE];
} ReportEvent;

typedef struct ReportModel {
   int64_t fromUs, toUs;    /* the window asked for */
   pid_t onlyRoot;          /* not 0: only the tree of this master PID (set after init) */
   int64_t firstUs, lastUs; /* the first and last tick in it, 0 none */
   long ticks;
   double tickSeconds;
   /* Buckets in use: one per tick for a window of fewer than REPORT_POINTS
      ticks, so that none is empty, else REPORT_POINTS. */
   int points;
   char trafficUnit[32];
   bool hostKnown;
   uint64_t memTotalKiB, minAvailableKiB;
   ReportTree trees[REPORT_MAX_TREES];
   int treeCount;
   int treesLeftOut;
   ReportEvent events[REPORT_MAX_EVENTS];
   int eventCount;
   int eventsLeftOut;
   char lost[4][REPORT_TEXT_SIZE]; /* ranges lost to damage, as said to the user */
   int lostCount;
   ReportResults results; /* heap snapshots and stack profiles */
} ReportModel;

void ReportModel_init(ReportModel* this, int64_t fromUs, int64_t toUs, double tickSeconds);
void ReportModel_done(ReportModel* this);

/* One tick of the model, at wallUs (within the window). */
void ReportModel_addTick(ReportModel* this, const Machine* machine, int64_t wallUs);
/* An event of a process or tree of the model, or of the host (pid 0);
   with onlyRoot, those of other trees' processes are left out. */
void ReportModel_addEvent(ReportModel* this, int64_t wallUs, pid_t pid, const char* text);
void ReportModel_addLost(ReportModel* this, const char* text);

/* Is this process generation (startTicks 0: any) in the model? */
bool ReportModel_holds(const ReportModel* this, pid_t pid, unsigned long long startTicks);

/* The processes of r in the order a report lists them: those that grow
   first (by growth), then by peak RSS; NULL when out of memory. The caller
   frees the array. */
const ReportProcess** ReportModel_order(const ReportTree* r);

/* The bucket of wallUs in the window, 0 .. points - 1. */
int ReportModel_bucket(const ReportModel* this, int64_t wallUs);

#endif
