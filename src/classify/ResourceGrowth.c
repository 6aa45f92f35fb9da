#include "config.h"

#include "classify/ResourceGrowth.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The detection window, and the fewest known buckets a verdict rests on
   (40 to 50 s, as the first one may be partly seen: a leak of a few fds a
   second is named within a minute). */
#define RESOURCE_DETECT_BUCKETS 30
#define RESOURCE_MIN_BUCKETS    6
/* The floor must rise by this much, and by a tenth of where it started:
   a worker's fds and threads move by a few with its work. */
#define RESOURCE_MIN_FDS     10
#define RESOURCE_MIN_THREADS 4

void ResourceGrowth_init(ResourceGrowth* this) {
   memset(this, 0, sizeof(*this));
   this->current = -1;
}

static uint32_t* ResourceGrowth_row(ResourceGrowth* this, int age) {
   return this->rows[(this->head - age + RESOURCE_ROWS) % RESOURCE_ROWS];
}

static const uint32_t* ResourceGrowth_rowAt(const ResourceGrowth* this, int age) {
   return this->rows[(this->head - age + RESOURCE_ROWS) % RESOURCE_ROWS];
}

static void ResourceGrowth_clearRow(uint32_t* row) {
   for (int s = 0; s < RESOURCE_SERIES; s++)
      row[s] = RESOURCE_UNKNOWN;
}

/* Moves to the bucket of time, opening empty rows for the buckets between. */
static void ResourceGrowth_advance(ResourceGrowth* this, double time) {
   long long bucket = (long long)floor(time / RESOURCE_STEP_SECONDS);
   if (this->current < 0) {
      this->current = bucket;
      this->head = 0;
      this->count = 1;
      ResourceGrowth_clearRow(this->rows[0]);
      return;
   }
   if (bucket <= this->current)
      return;
   long long steps = bucket - this->current;
   if (steps > RESOURCE_ROWS)
      steps = RESOURCE_ROWS;
   for (long long i = 0; i < steps; i++) {
      this->head = (this->head + 1) % RESOURCE_ROWS;
      ResourceGrowth_clearRow(this->rows[this->head]);
   }
   this->count =
         this->count + (int)steps > RESOURCE_ROWS ? RESOURCE_ROWS : this->count + (int)steps;
   this->current = bucket;
}

static uint32_t ResourceGrowth_min(const uint32_t* v, int from, int to) {
   uint32_t m = RESOURCE_UNKNOWN;
   for (int i = from; i < to; i++)
      if (v[i] < m)
         m = v[i];
   return m;
}

static uint32_t ResourceGrowth_max(const uint32_t* v, int from, int to) {
   uint32_t m = 0;
   for (int i = from; i < to; i++)
      if (v[i] > m)
         m = v[i];
   return m;
}

/* When the value of the bucket age was taken: the end of its bucket (a
   bucket keeps its last), the newest one at now. */
static double ResourceGrowth_timeOf(const ResourceGrowth* this, int age, double now) {
   double end = (double)(this->current - age + 1) * RESOURCE_STEP_SECONDS;
   return end < now ? end : now;
}

/* Judges one series over the detection window; returns whether it grows. */
static bool ResourceGrowth_judge(ResourceGrowth* this, ResourceSeries s, bool judged, double now) {
   uint32_t values[RESOURCE_DETECT_BUCKETS];
   int ages[RESOURCE_DETECT_BUCKETS];
   int n = 0;
   int window = this->count < RESOURCE_DETECT_BUCKETS ? this->count : RESOURCE_DETECT_BUCKETS;
   for (int age = window - 1; age >= 0; age--) {
      uint32_t v = ResourceGrowth_rowAt(this, age)[s];
      if (v != RESOURCE_UNKNOWN) {
         values[n] = v;
         ages[n++] = age;
      }
   }
   this->rise[s] = n >= 2 ? (int32_t)((int64_t)values[n - 1] - (int64_t)values[0]) : 0;
   if (!judged || n < RESOURCE_MIN_BUCKETS)
      return false;
   int third = n / 3;
   uint32_t oldFloor = ResourceGrowth_min(values, 0, third);
   uint32_t midFloor = ResourceGrowth_min(values, third, n - third);
   uint32_t midTop = ResourceGrowth_max(values, third, n - third);
   uint32_t newFloor = ResourceGrowth_min(values, n - third, n);
   uint32_t least = s == RESOURCE_FDS ? RESOURCE_MIN_FDS : RESOURCE_MIN_THREADS;
   uint32_t threshold = oldFloor / 10 > least ? oldFloor / 10 : least;
   /* The newest third all above the middle one: a pool that filled and
      stays full has its newest third level with the middle's top. */
   bool rising = oldFloor < midFloor && midTop < newFloor && newFloor - oldFloor >= threshold;
   /* Once named, it stays so while the floor keeps half the rise. */
   bool holds = this->grows[s] && newFloor >= midFloor && newFloor > oldFloor &&
                newFloor - oldFloor >= threshold / 2;
   bool grows = rising || holds;
   if (grows && s == RESOURCE_FDS)
      this->fdsPerSecond = (double)this->rise[s] / (ResourceGrowth_timeOf(this, ages[n - 1], now) -
                                                    ResourceGrowth_timeOf(this, ages[0], now));
   return grows;
}

void ResourceGrowth_add(ResourceGrowth* this, const ResourceInput* in) {
   long long bucket = this->current;
   ResourceGrowth_advance(this, in->time);
   uint32_t* row = ResourceGrowth_row(this, 0);
   bool moved = bucket != this->current;
   for (int s = 0; s < RESOURCE_SERIES; s++) {
      if (in->known[s] && in->value[s] != RESOURCE_UNKNOWN && row[s] != in->value[s]) {
         row[s] = in->value[s];
         moved = true;
      }
   }
   /* The same rows give the same verdict: most ticks of most processes. */
   if (!moved)
      return;
   bool before[RESOURCE_SERIES];
   int32_t riseBefore[RESOURCE_SERIES];
   memcpy(before, this->grows, sizeof(before));
   memcpy(riseBefore, this->rise, sizeof(riseBefore));
   for (int s = 0; s < RESOURCE_SERIES; s++)
      this->grows[s] = ResourceGrowth_judge(this, (ResourceSeries)s,
                                            s == RESOURCE_FDS || s == RESOURCE_THREADS, in->time);
   if (!this->grows[RESOURCE_FDS])
      this->fdsPerSecond = 0;
   /* The evidence changes what is said only while something grows. */
   bool changed = memcmp(before, this->grows, sizeof(before)) != 0 ||
                  (ResourceGrowth_any(this) && memcmp(riseBefore, this->rise, sizeof(riseBefore)));
   if (changed)
      this->revision++;
}

bool ResourceGrowth_latest(const ResourceGrowth* this, ResourceSeries s, uint32_t* value) {
   for (int age = 0; age < this->count; age++) {
      uint32_t v = ResourceGrowth_rowAt(this, age)[s];
      if (v != RESOURCE_UNKNOWN) {
         *value = v;
         return true;
      }
   }
   return false;
}

bool ResourceGrowth_change(const ResourceGrowth* this, ResourceSeries s, double now,
                           double windowSeconds, int64_t* change) {
   if (this->current < 0)
      return false;
   /* The bucket before the window's first: its last value was taken as the window began. */
   long long first = (long long)floor((now - windowSeconds) / RESOURCE_STEP_SECONDS) - 1;
   int span = (int)(this->current - first);
   if (span >= this->count)
      span = this->count - 1;
   bool haveNew = false, haveOld = false;
   uint32_t newest = 0, oldest = 0;
   int newAge = 0, oldAge = 0;
   for (int age = 0; age <= span; age++) {
      uint32_t v = ResourceGrowth_rowAt(this, age)[s];
      if (v == RESOURCE_UNKNOWN)
         continue;
      if (!haveNew) {
         newest = v;
         newAge = age;
         haveNew = true;
      }
      oldest = v;
      oldAge = age;
      haveOld = true;
   }
   if (!haveOld || oldAge == newAge)
      return false;
   *change = (int64_t)newest - (int64_t)oldest;
   return true;
}

bool ResourceGrowth_any(const ResourceGrowth* this) {
   return this->grows[RESOURCE_FDS] || this->grows[RESOURCE_THREADS];
}

void ResourceGrowth_describe(const ResourceGrowth* this, char* buf, size_t size) {
   char fds[64] = "", threads[48] = "";
   int32_t rise = this->rise[RESOURCE_FDS];
   if (this->grows[RESOURCE_FDS]) {
      /* A socket state that makes at least half the rise is its cause. */
      int32_t closeWait = this->rise[RESOURCE_CLOSE_WAIT];
      int32_t established = this->rise[RESOURCE_ESTABLISHED];
      if (closeWait > 0 && 2 * closeWait >= rise)
         snprintf(fds, sizeof(fds), "grows/fds: CLOSE_WAIT %+d", (int)closeWait);
      else if (established > 0 && 2 * established >= rise)
         snprintf(fds, sizeof(fds), "grows/fds: ESTABLISHED %+d", (int)established);
      else
         snprintf(fds, sizeof(fds), "grows/fds %+d", (int)rise);
   }
   if (this->grows[RESOURCE_THREADS])
      snprintf(threads, sizeof(threads), "grows/threads %+d", (int)this->rise[RESOURCE_THREADS]);
   snprintf(buf, size, "%s%s%s", fds, fds[0] && threads[0] ? "; " : "", threads);
}

const char* ResourceGrowth_brief(const ResourceGrowth* this) {
   bool fds = this->grows[RESOURCE_FDS], threads = this->grows[RESOURCE_THREADS];
   return fds && threads ? "fds+thr" : fds ? "fds" : threads ? "thr" : NULL;
}

double ResourceGrowth_secondsToLimit(const ResourceGrowth* this, uint64_t limit) {
   uint32_t fds;
   if (!this->grows[RESOURCE_FDS] || this->fdsPerSecond <= 0 ||
       !ResourceGrowth_latest(this, RESOURCE_FDS, &fds))
      return NAN;
   if (fds >= limit)
      return 0;
   return (double)(limit - fds) / this->fdsPerSecond;
}
