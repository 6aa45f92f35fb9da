#ifndef HEADER_ResourceGrowth
#define HEADER_ResourceGrowth
/* Growth of a worker's open fds and threads, apart from its memory: a
   streaming detector fed every tick (the fd count and thread count) and on
   the fd-kind cadence (CLOSE_WAIT and ESTABLISHED sockets). It keeps one
   hour of 10 s buckets, the last value of each, and calls a count growing
   when it rises steadily over the last five minutes: split in thirds, the
   middle third's floor above the oldest's, the newest third all above the
   middle one, and the rise past a threshold. A pool that fills and stays
   full, a burst that closes again and a count that wanders do not rise
   that way. Pure logic: time and
   values in, nothing read. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESOURCE_STEP_SECONDS 10.0
#define RESOURCE_ROWS         360 /* one hour */
#define RESOURCE_UNKNOWN      UINT32_MAX

typedef enum ResourceSeries {
   RESOURCE_FDS,
   RESOURCE_THREADS,
   RESOURCE_CLOSE_WAIT,
   RESOURCE_ESTABLISHED,
   RESOURCE_SERIES
} ResourceSeries;

/* One tick's readings; a series not read this tick is not known. */
typedef struct ResourceInput {
   double time;
   bool known[RESOURCE_SERIES];
   uint32_t value[RESOURCE_SERIES];
} ResourceInput;

typedef struct ResourceGrowth {
   long long current; /* bucket number (time / step) of the newest row; -1 before any */
   int head;          /* row of the newest bucket */
   int count;         /* rows filled, <= RESOURCE_ROWS */
   uint32_t rows[RESOURCE_ROWS][RESOURCE_SERIES]; /* last value per bucket, RESOURCE_UNKNOWN none */
   bool grows[RESOURCE_SERIES];   /* fds and threads are judged; the socket states are evidence */
   int32_t rise[RESOURCE_SERIES]; /* over the detection window */
   double fdsPerSecond;           /* the fd count's rise over the window, while it grows */
   unsigned revision;             /* changes whenever the verdict or its evidence does */
} ResourceGrowth;

void ResourceGrowth_init(ResourceGrowth* this);
void ResourceGrowth_add(ResourceGrowth* this, const ResourceInput* in);

/* The newest known value of a series; false when none is known. */
bool ResourceGrowth_latest(const ResourceGrowth* this, ResourceSeries s, uint32_t* value);

/* How much a series changed over the last windowSeconds before now: its
   newest value minus the one as the window began (the last of the bucket
   before it), or the oldest known when the history is shorter. False when
   fewer than two buckets are known in it. */
bool ResourceGrowth_change(const ResourceGrowth* this, ResourceSeries s, double now,
                           double windowSeconds, int64_t* change);

/* True when the fds or the threads grow. */
bool ResourceGrowth_any(const ResourceGrowth* this);

/* The verdict's words for what grows, "grows/fds: CLOSE_WAIT +120",
   "grows/threads +40", both joined by "; "; empty when nothing grows. */
void ResourceGrowth_describe(const ResourceGrowth* this, char* buf, size_t size);

/* Short, for a table cell after the memory verdict: "fds", "thr",
   "fds+thr"; NULL when nothing grows. */
const char* ResourceGrowth_brief(const ResourceGrowth* this);

/* Seconds until the fd count reaches limit at its rise, NAN when it does
   not grow or the count is unknown. */
double ResourceGrowth_secondsToLimit(const ResourceGrowth* this, uint64_t limit);

#endif
