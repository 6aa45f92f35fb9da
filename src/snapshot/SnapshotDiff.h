#ifndef HEADER_SnapshotDiff
#define HEADER_SnapshotDiff
/* What changed between two snapshots of one worker generation: the types
   and lines that grew most, Python-heap growth against RSS growth, and the
   verdict on native growth. Pure: snapshots in, numbers out. */

#include <stdbool.h>
#include <stdint.h>

#include "snapshot/Snapshot.h"

/* Rows of each "grew most" table. */
#define SNAPSHOT_DIFF_TOP 10

typedef enum {
   SNAPSHOT_VERDICT_UNKNOWN, /* RSS or the Python heap was not measured in both */
   SNAPSHOT_VERDICT_STEADY,  /* RSS did not grow materially (or shrank) */
   SNAPSHOT_VERDICT_PYTHON,  /* RSS grew and the Python heap grew with it */
   SNAPSHOT_VERDICT_NATIVE,  /* RSS grew, the Python heap did not: a C extension or the allocator */
   SNAPSHOT_VERDICT_ALLOCATOR, /* malloc_trim gave the growth back: retention, not a leak */
} SnapshotVerdict;

/* What the verdict is decided on, in the units the collector reports; -1
   where unknown. */
typedef struct {
   /* The earlier RSS after its malloc_trim if it had one, the later RSS
      before its own: growth the probe did not change. */
   int64_t rssBeforeKiB, rssAfterKiB;
   /* tracemalloc's own memory grew by this much (its tables are raw
      malloc: RSS, not Python heap); 0 when unknown. */
   int64_t overheadDeltaBytes;
   bool tracedKnown; /* tracing in both snapshots */
   int64_t tracedDeltaBytes;
   int64_t blocksBefore, blocksAfter;
   int64_t objectsBefore, objectsAfter;
   int64_t trimReleasedKiB; /* RSS malloc_trim(0) returned in the later snapshot */
} SnapshotGrowth;

/* RSS growth counts as material from max(4 MiB, 5% of the earlier RSS):
   below that, RSS moves with ordinary churn (pymalloc maps 1 MiB arenas on
   64-bit since CPython 3.10, Objects/obmalloc.c ARENA_BITS 20; glibc grows
   and trims its heaps by whole pages around M_TRIM_THRESHOLD, 128 KiB by
   default, mallopt(3)), and a few percent of a large worker is churn too. */
#define SNAPSHOT_RSS_MATERIAL_KIB     4096
#define SNAPSHOT_RSS_MATERIAL_PERCENT 5.0
/* With tracemalloc in both snapshots, Python memory explains the growth
   when traced bytes grew by at least a quarter of it: traced counts the
   requested bytes only, and pymalloc pools, free lists and fragmentation
   can multiply that footprint in RSS by 2 or 3. */
#define SNAPSHOT_TRACED_SHARE_PERCENT 25.0
/* Without tracemalloc: sys.getallocatedblocks() counts every PyObject
   allocation, large ones included (Objects/obmalloc.c _PyObject_Malloc
   counts its PyMem_RawMalloc fallback in raw_allocated_blocks), and
   gc objects count containers. Both growing by under 1% while RSS grew
   materially means the growth is not Python objects. A few very large
   Python objects can still hide below 1%; tracemalloc settles it. */
#define SNAPSHOT_BLOCKS_PERCENT  1.0
#define SNAPSHOT_OBJECTS_PERCENT 1.0
/* malloc_trim explains the growth when it returned at least half of it. */
#define SNAPSHOT_TRIM_SHARE_PERCENT 50.0

typedef struct {
   char* name;
   int64_t before, after, delta;
   bool beforeKnown; /* false: not in the earlier top list; before is the
                        earlier list's smallest count, an upper bound, so
                        delta is a lower bound. True for a type absent from
                        an earlier list of every type: before is 0. */
   /* Estimated shallow bytes (Snapshot.h); sizeKnown false when either
      snapshot has no estimate for the type or before is only a bound. */
   bool sizeKnown;
   int64_t sizeBefore, sizeAfter, sizeDelta;
} SnapshotTypeDelta;

typedef struct {
   char* file;
   int line;
   int64_t sizeBefore, sizeAfter, sizeDelta;
   int64_t countBefore, countAfter, countDelta;
   bool beforeKnown; /* as for types, on size (and count) */
   char* text;       /* the line's source in the later snapshot; NULL unknown */
} SnapshotLineDelta;

typedef struct SnapshotDiff {
   bool comparable; /* false: why says why there is no diff */
   char why[160];
   long beforeSeq;
   long beforeNumber; /* the earlier snapshot's number in its series; 0 unknown */
   double beforeTime; /* its wall-clock time; NAN unknown */
   double interval;   /* seconds between the two; NAN unknown */

   bool typesAvailable;      /* both snapshots have a types list */
   SnapshotTypeDelta* types; /* biggest positive count delta first */
   int typeCount;
   /* Biggest positive shallow-size delta first: a few large objects that
      grow rank here, whatever their count. Empty without estimates. */
   SnapshotTypeDelta* typesBySize;
   int typeBySizeCount;
   /* Both lists held every type: no delta is a bound. */
   bool typesComplete;

   bool linesAvailable; /* both snapshots were tracing; else linesWhy */
   char linesWhy[160];
   SnapshotLineDelta* lines; /* biggest positive size delta first */
   int lineCount;

   SnapshotGrowth growth; /* what the verdict was decided on */
   bool rssKnown;
   int64_t rssDeltaKiB;                  /* growth.rssAfterKiB - growth.rssBeforeKiB */
   double blocksPercent, objectsPercent; /* growth relative to before; NAN unknown */
   SnapshotVerdict verdict;
} SnapshotDiff;

/* The verdict, from growth figures alone (thresholds above). */
SnapshotVerdict SnapshotDiff_verdict(const SnapshotGrowth* g);

/* Is RSS growth of deltaKiB over beforeKiB material? */
bool SnapshotDiff_materialGrowth(int64_t beforeKiB, int64_t deltaKiB);

/* Compares after with before, the previous snapshot of the same worker
   generation. Not comparable when the pids or the generations differ, or
   before is not earlier. The diff owns copies of the names it shows. */
void SnapshotDiff_compute(const Snapshot* before, const Snapshot* after, SnapshotDiff* diff);

void SnapshotDiff_done(SnapshotDiff* diff);

/* "native growth", "python growth", ... for tables and JSON. */
const char* SnapshotDiff_verdictName(SnapshotVerdict v);

#endif
