#ifndef HEADER_Process
#define HEADER_Process
/* One process of a tracked tree: its identity (PID, start time), its latest
   sample and its memory history. A value that could not be read is marked
   unknown, never stored as 0. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "classify/Classifier.h"
#include "classify/ResourceGrowth.h"
#include "model/History.h"
#include "model/ProcessSnapshots.h"
#include "model/SmapsHistory.h"
#include "model/SumHistory.h"
#include "sample/FdProbe.h"

typedef enum ProcessRole {
   ROLE_MASTER, /* root of a tree with children */
   ROLE_WORKER, /* direct child of the root */
   ROLE_CHILD,  /* deeper descendant */
   ROLE_SINGLE, /* a lone Python process without children */
} ProcessRole;

typedef struct Process {
   pid_t pid;
   pid_t ppid;
   unsigned long long startTicks; /* /proc/PID/stat starttime: with pid, the identity */
   double startEpoch;             /* start time, seconds since the epoch */
   int depth;                     /* 0 for the root */
   ProcessRole role;
   unsigned generation; /* 1 for the workers found at attach, +1 per replacement */
   unsigned slot;       /* its worker position, 1..N across recycling; 0 if not a worker */
   char state;          /* R, S, D, Z, ... */
   char name[32];       /* gunicorn, uwsgi, celery, or the program name */
   char* cmdline;       /* printable, bounded; never NULL */

   /* Every tick, from /proc/PID/stat and status (KiB). */
   bool memKnown;
   uint64_t rssKiB, anonKiB, fileKiB, shmemKiB;
   uint64_t peakRssKiB;
   bool cpuKnown;
   double cpuPercent;
   unsigned long long cpuTicks;
   bool cpuBaseline; /* cpuTicks holds an earlier sample to take a delta from */

   /* Traffic signal, set each tick by the traffic source (traffic/Traffic.h)
      before the update; units are the source's (requests, connections, CPU s). */
   bool trafficKnown;   /* the traffic source had a value for this process this tick */
   double trafficDelta; /* traffic units served during the last tick */
   double trafficTotal; /* since first seen */
   bool idle;           /* trafficKnown and trafficDelta at or below the source's idle floor */

   /* Cumulative, from /proc/PID/status. */
   bool ctxKnown;
   uint64_t ctxVoluntary, ctxInvoluntary;

   /* Every tick: stat's thread count, and the fd count read with status
      (sample/ProcSampler.h). */
   unsigned threads; /* 0 unknown */
   bool fdKnown;
   uint32_t fds;
   int fdErrno; /* why fds is unknown: 0 = not read yet */
   /* On the smaps cadence while SCAN_FDS is set: what the fds are. */
   FdSample fdKinds;   /* .known false until read */
   double fdKindsTime; /* monotonic time of the last read, < 0 never */
   /* RLIMIT_NOFILE, read with the first fd kinds and then every few minutes. */
   bool fdLimitKnown; /* known and not unlimited */
   uint64_t fdLimit;
   double fdLimitTime;       /* < 0 never read */
   ResourceGrowth resources; /* fds and threads growth (classify/ResourceGrowth.h) */

   /* Slower cadence, from /proc/PID/smaps_rollup (KiB). */
   bool smapsKnown;
   int smapsErrno; /* why smaps is unknown: 0 = not read yet */
   uint64_t pssKiB, ussKiB, swapKiB;
   double smapsTime;    /* monotonic time of the last read, < 0 never */
   uint64_t statHash;   /* of the last stat read (ProcSample.statHash), 0 unknown */
   double statChanged;  /* monotonic time statHash last changed */
   double childrenTime; /* monotonic time its children list was read, < 0 never */

   bool hasChildren; /* a parent in its tree: its children are looked up every tick */
   double firstSeen; /* monotonic time leaktop first saw it */
   bool seen;        /* found in the current tick */
   History rssHistory;
   SumHistory trafficHistory;   /* trafficDelta per tick, on rssHistory's tiers */
   SmapsHistory smapsHistory;   /* the known USS and PSS readings, on their cadence */
   GrowthClassifier growth;     /* live verdict (classify/Classifier.h), fed every tick */
   ProcessSnapshots* snapshots; /* heap snapshots taken of it; NULL until the first request */
} Process;

Process* Process_new(pid_t pid, unsigned long long startTicks, double tickSeconds, double now);
void Process_delete(Process* this);

void Process_setCmdline(Process* this, const char* cmdline);

/* Its snapshot record, created on first use. */
ProcessSnapshots* Process_snapshots(Process* this);

/* Growth of RSS in KiB per minute over the last windowSeconds; NAN while
   there is too little history to say. */
double Process_growthPerMinute(const Process* this, double windowSeconds);

/* Seconds since the process started (wall clock). */
double Process_age(const Process* this, double wallNow);

const char* Process_roleName(ProcessRole role);

#endif
