#ifndef HEADER_History
#define HEADER_History
/* Bounded multi-resolution history of one gauge (memory, in KiB), in the
   manner of rrdtool: every tier is a ring created at its final size, and each
   bucket keeps the min, max and last sample that fell into it. Memory does
   not grow with run time. Pure logic: time is passed in, nothing is read. */

#include <stdbool.h>
#include <stdint.h>

#define HISTORY_TIERS   4
#define HISTORY_UNKNOWN UINT32_MAX

/* Rows per tier: 5 min at the tick, 1 h at 10 s, 4 h at 1 min, 24 h at 5 min;
   sized so 1000 processes with full tiers stay under 32 MiB (bench/own_memory). */
#define HISTORY_ROWS_T0    300
#define HISTORY_ROWS_T1    360
#define HISTORY_ROWS_T2    240
#define HISTORY_ROWS_T3    288
#define HISTORY_ROWS_TOTAL (HISTORY_ROWS_T0 + HISTORY_ROWS_T1 + HISTORY_ROWS_T2 + HISTORY_ROWS_T3)

typedef struct HistoryBucket {
   uint32_t min; /* HISTORY_UNKNOWN when no sample was readable in the bucket */
   uint32_t max;
   uint32_t last;
} HistoryBucket;

typedef struct HistoryTier {
   double step;       /* seconds per bucket */
   int rows;          /* capacity */
   int count;         /* buckets filled so far, <= rows */
   int head;          /* index of the newest bucket */
   long long current; /* bucket number (time / step) of the newest bucket */
   HistoryBucket* buckets;
} HistoryTier;

typedef struct History {
   HistoryTier tiers[HISTORY_TIERS];
   double lastTime; /* time of the last known sample; < 0 before the first */
   uint32_t lastValue;
   double heartbeat; /* longest gap bridged by carrying the last value */
   HistoryBucket storage[HISTORY_ROWS_TOTAL];
} History;

/* tickSeconds is the sampling interval: tier 0 has one bucket per tick. */
void History_init(History* this, double tickSeconds);

/* Makes this a copy of from, its tiers in its own storage. */
void History_copy(History* this, const History* from);

/* Records a sample taken at time now (seconds, monotonic). */
void History_add(History* this, double now, uint32_t valueKiB);
/* Records that the value could not be read at time now. */
void History_addUnknown(History* this, double now);

/* Bucket number age (0 = newest) of a tier; false when it does not exist. */
bool History_bucket(const History* this, int tier, int age, HistoryBucket* out);

/* Finest tier that covers windowSeconds, or all the history there is so far
   (the coarsest if none does). */
int History_tierFor(const History* this, double windowSeconds);

/* Least-squares slope of the last values over the last windowSeconds, in
   KiB per minute. NAN when fewer than minPoints known buckets exist. */
double History_slopePerMinute(const History* this, double windowSeconds, int minPoints);

/* Known samples covered by the window: how much evidence a slope rests on. */
double History_coveredSeconds(const History* this, double windowSeconds);

#endif
