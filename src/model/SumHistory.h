#ifndef HEADER_SumHistory
#define HEADER_SumHistory
/* Bounded multi-resolution history of a counter's increments (the traffic a
   process served), on the very tiers of a History, so the two line up bucket
   for bucket on a chart: each bucket keeps the sum of the increments that
   fell into it, NAN when none was known. Floats keep it at 4 bytes a bucket
   (6.3 KiB a process). Pure logic: time is passed in, nothing is read. */

#include <stdbool.h>

#include "model/History.h"

typedef struct SumTier {
   double step;
   int rows;
   int count;         /* buckets filled so far, <= rows */
   int head;          /* index of the newest bucket */
   long long current; /* bucket number (time / step) of the newest bucket */
   float* sums;
} SumTier;

typedef struct SumHistory {
   SumTier tiers[HISTORY_TIERS];
   float storage[HISTORY_ROWS_TOTAL];
} SumHistory;

/* Takes the tiers' steps and sizes from shape (already initialised). */
void SumHistory_init(SumHistory* this, const History* shape);

/* Makes this a copy of from, its tiers in its own storage. */
void SumHistory_copy(SumHistory* this, const SumHistory* from);

/* Records at time now an increment (known) or that none could be read. */
void SumHistory_add(SumHistory* this, double now, bool known, double delta);

/* Sum of bucket age (0 = newest) of a tier: NAN when unknown or beyond what
   was recorded. */
double SumHistory_bucket(const SumHistory* this, int tier, int age);

#endif
