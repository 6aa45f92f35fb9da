#include "config.h"

#include "model/History.h"

#include <math.h>
#include <string.h>

static const int History_rows[HISTORY_TIERS] = {HISTORY_ROWS_T0, HISTORY_ROWS_T1, HISTORY_ROWS_T2,
                                                HISTORY_ROWS_T3};
static const double History_coarseSteps[HISTORY_TIERS] = {0, 10, 60, 300};

void History_init(History* this, double tickSeconds) {
   memset(this, 0, sizeof(*this));
   if (!(tickSeconds > 0))
      tickSeconds = 1;
   HistoryBucket* next = this->storage;
   for (int i = 0; i < HISTORY_TIERS; i++) {
      HistoryTier* tier = &this->tiers[i];
      double step = i == 0 ? tickSeconds : History_coarseSteps[i];
      /* A tier finer than the tick would only hold gaps. */
      tier->step = step < tickSeconds ? tickSeconds : step;
      tier->rows = History_rows[i];
      tier->head = -1;
      tier->buckets = next;
      next += tier->rows;
   }
   this->lastTime = -1;
   this->lastValue = HISTORY_UNKNOWN;
   /* rrdtool's heartbeat: a sample late by up to two ticks still describes
      the time in between; a longer silence is unknown. */
   this->heartbeat = 2.5 * tickSeconds;
}

void History_copy(History* this, const History* from) {
   *this = *from;
   for (int i = 0; i < HISTORY_TIERS; i++)
      this->tiers[i].buckets = this->storage + (from->tiers[i].buckets - from->storage);
}

static void HistoryTier_push(HistoryTier* tier, HistoryBucket bucket) {
   tier->head = (tier->head + 1) % tier->rows;
   tier->buckets[tier->head] = bucket;
   if (tier->count < tier->rows)
      tier->count++;
}

static void HistoryBucket_merge(HistoryBucket* b, uint32_t value) {
   if (value == HISTORY_UNKNOWN)
      return;
   if (b->min == HISTORY_UNKNOWN) {
      b->min = b->max = b->last = value;
      return;
   }
   if (value < b->min)
      b->min = value;
   if (value > b->max)
      b->max = value;
   b->last = value;
}

static void HistoryTier_record(HistoryTier* tier, long long number, uint32_t value,
                               uint32_t carry) {
   const HistoryBucket unknown = {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN};
   if (tier->head >= 0 && number <= tier->current) {
      /* Same bucket, or a clock step backwards: fold into the newest bucket. */
      HistoryBucket_merge(&tier->buckets[tier->head], value);
      return;
   }
   if (tier->head >= 0) {
      long long skipped = number - tier->current - 1;
      if (skipped > tier->rows)
         skipped = tier->rows;
      HistoryBucket filler = unknown;
      HistoryBucket_merge(&filler, carry);
      for (long long i = 0; i < skipped; i++)
         HistoryTier_push(tier, filler);
   }
   HistoryBucket fresh = unknown;
   HistoryBucket_merge(&fresh, value);
   HistoryTier_push(tier, fresh);
   tier->current = number;
}

static void History_record(History* this, double now, uint32_t value) {
   uint32_t carry = HISTORY_UNKNOWN;
   if (this->lastTime >= 0 && now - this->lastTime <= this->heartbeat)
      carry = this->lastValue;
   for (int i = 0; i < HISTORY_TIERS; i++) {
      HistoryTier* tier = &this->tiers[i];
      HistoryTier_record(tier, (long long)floor(now / tier->step), value, carry);
   }
   if (value != HISTORY_UNKNOWN) {
      this->lastTime = now;
      this->lastValue = value;
   } else {
      this->lastTime = -1;
   }
}

void History_add(History* this, double now, uint32_t valueKiB) {
   if (valueKiB == HISTORY_UNKNOWN)
      valueKiB = HISTORY_UNKNOWN - 1;
   History_record(this, now, valueKiB);
}

void History_addUnknown(History* this, double now) {
   History_record(this, now, HISTORY_UNKNOWN);
}

bool History_bucket(const History* this, int tier, int age, HistoryBucket* out) {
   if (tier < 0 || tier >= HISTORY_TIERS)
      return false;
   const HistoryTier* t = &this->tiers[tier];
   if (age < 0 || age >= t->count)
      return false;
   *out = t->buckets[(t->head - age + t->rows) % t->rows];
   return true;
}

int History_tierFor(const History* this, double windowSeconds) {
   for (int i = 0; i < HISTORY_TIERS; i++) {
      const HistoryTier* t = &this->tiers[i];
      /* A tier not yet full still holds everything recorded so far. */
      if (t->step * t->rows >= windowSeconds || t->count < t->rows)
         return i;
   }
   return HISTORY_TIERS - 1;
}

static int History_windowBuckets(const History* this, int tier, double windowSeconds) {
   const HistoryTier* t = &this->tiers[tier];
   int n = (int)ceil(windowSeconds / t->step);
   if (n < 1)
      n = 1;
   return n < t->count ? n : t->count;
}

double History_slopePerMinute(const History* this, double windowSeconds, int minPoints) {
   int tier = History_tierFor(this, windowSeconds);
   const HistoryTier* t = &this->tiers[tier];
   int n = History_windowBuckets(this, tier, windowSeconds);
   double sx = 0, sy = 0, sxx = 0, sxy = 0;
   int known = 0;
   /* x in minutes before now, y in KiB; centring on the first known value keeps
      the sums small enough for doubles even at terabyte sizes. */
   double origin = NAN;
   for (int age = 0; age < n; age++) {
      HistoryBucket b;
      if (!History_bucket(this, tier, age, &b) || b.min == HISTORY_UNKNOWN)
         continue;
      if (isnan(origin))
         origin = b.last;
      double x = -age * t->step / 60.0;
      double y = (double)b.last - origin;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      known++;
   }
   if (known < minPoints || known < 2)
      return NAN;
   double denom = known * sxx - sx * sx;
   if (denom <= 0)
      return NAN;
   return (known * sxy - sx * sy) / denom;
}

double History_coveredSeconds(const History* this, double windowSeconds) {
   int tier = History_tierFor(this, windowSeconds);
   int n = History_windowBuckets(this, tier, windowSeconds);
   int known = 0;
   for (int age = 0; age < n; age++) {
      HistoryBucket b;
      if (History_bucket(this, tier, age, &b) && b.min != HISTORY_UNKNOWN)
         known++;
   }
   return known * this->tiers[tier].step;
}
