#ifndef HEADER_ReportResults
#define HEADER_ReportResults
/* The heap snapshots and stack profiles a recording holds in a report's
   window (the results of its snapshot and profile events, inline), kept
   for the renderers: per worker generation its first and newest snapshot
   and the diff between them once there are two; each profile's folded
   stacks as recorded. Bounded: REPORT_MAX_HEAPS generations and
   REPORT_MAX_PROFILES profiles (the newest kept), the rest counted. Pure:
   result texts in, parsed results out. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotDiff.h"

#define REPORT_MAX_HEAPS    32
#define REPORT_MAX_PROFILES 8

typedef struct ReportHeap {
   pid_t pid;
   unsigned long long startTicks;
   int64_t firstUs, lastUs; /* when the first and the newest were recorded */
   int count;               /* snapshots of it in the window */
   Snapshot first, last;    /* last is valid from count 2 */
   bool haveDiff;           /* last against first */
   SnapshotDiff diff;
} ReportHeap;

typedef struct ReportProfile {
   pid_t pid;
   unsigned long long startTicks;
   int64_t wallUs;
   char summary[192];
   char route[32];
   char* folded; /* the stacks as `leaktop stack --folded` writes them */
   size_t size;
} ReportProfile;

typedef struct ReportResults {
   ReportHeap heaps[REPORT_MAX_HEAPS];
   int heapCount;
   int heapsLeftOut;
   int snapshotsUnusable; /* failed, too large to be inline, or not parsed */
   ReportProfile profiles[REPORT_MAX_PROFILES];
   int profileCount;
   int profilesLeftOut;
} ReportResults;

void ReportResults_done(ReportResults* this);

/* A snapshot result (the JSON text of len bytes) of a process generation,
   recorded at wallUs; oldest first. Returns false when it does not parse. */
bool ReportResults_addSnapshot(ReportResults* this, int64_t wallUs, pid_t pid,
                               unsigned long long startTicks, const char* text, size_t len);

/* A profile's folded stacks (len bytes, copied) with its summary and route
   (may be NULL); oldest first, so that the newest are kept. */
void ReportResults_addProfile(ReportResults* this, int64_t wallUs, pid_t pid,
                              unsigned long long startTicks, const char* summary, const char* route,
                              const char* folded, size_t len);

/* The generations with a diff, in the order a report lists them: by RSS
   growth between their snapshots, largest first; returns how many. */
int ReportResults_diffs(const ReportResults* this, const ReportHeap* out[REPORT_MAX_HEAPS]);

#endif
