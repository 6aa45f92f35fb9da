#include "config.h"

#include "classify/RecycleVerdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/Format.h"

/* Generations that must agree before recycling is said to mask growth. */
#define RECYCLE_MIN_GENERATIONS 3
/* A generation seen for less than this (points, seconds) tells nothing. */
#define RECYCLE_MIN_POINTS  6
#define RECYCLE_MIN_SECONDS 4.0
/* The first quarter of a life is warm-up: imports, first requests, caches
   filled once. Its growth is the same in every generation, leak or not. */
#define RECYCLE_WARMUP_SHARE 0.25
/* Growth after warm-up that counts as growth: above what the allocator's
   arenas and CPython's free lists move by in a flat worker. */
#define RECYCLE_MIN_GROWTH_KIB 512.0
/* Linear growth puts half of it in the second half of the span; a plateau
   (a cache that fills and stops) puts none there. */
#define RECYCLE_MIN_LATE_SHARE 0.25
/* Largest coefficient of variation of the per-generation rates still called
   consistent. */
#define RECYCLE_MAX_SPREAD 0.35

RecycleEnd RecycleVerdict_endOf(const char* how) {
   if (strstr(how, "OOM kill"))
      return END_OOM_KILL;
   if (strcmp(how, "exit 0") == 0 || strcmp(how, "killed by SIGTERM") == 0 ||
       strcmp(how, "killed by SIGQUIT") == 0)
      return END_RECYCLE;
   if (strncmp(how, "exit ", 5) == 0 || strncmp(how, "killed by ", 10) == 0)
      return END_CRASH;
   return END_UNKNOWN;
}

const char* RecycleVerdict_endName(RecycleEnd end) {
   static const char* const names[] = {
         [END_RECYCLE] = "recycle",
         [END_CRASH] = "crash",
         [END_OOM_KILL] = "oom kill",
         [END_UNKNOWN] = "unknown",
   };
   return names[end];
}

void GenerationTrace_init(GenerationTrace* this) {
   memset(this, 0, sizeof(*this));
   this->stride = 1;
   this->trafficKnown = true;
}

void GenerationTrace_add(GenerationTrace* this, double time, double rssKiB, bool trafficKnown,
                         double trafficDelta) {
   /* The first tick's traffic was served before the trace began; a new
      worker's first delta is often unknown (no earlier reading to take it from). */
   if (this->count == 0) {
      this->firstTime = time;
   } else {
      this->trafficKnown = this->trafficKnown && trafficKnown;
      if (trafficKnown)
         this->served += trafficDelta;
   }
   this->lastTime = time;
   this->lastRssKiB = rssKiB;
   if (this->count > 0 && ++this->skipped < this->stride)
      return;
   this->skipped = 0;
   if (this->count == RECYCLE_TRACE_POINTS) {
      /* Full: keep every other point, and from now on every other sample. */
      for (int i = 0; i < RECYCLE_TRACE_POINTS / 2; i++) {
         this->time[i] = this->time[2 * i];
         this->rssKiB[i] = this->rssKiB[2 * i];
         this->units[i] = this->units[2 * i];
      }
      this->count = RECYCLE_TRACE_POINTS / 2;
      this->stride *= 2;
   }
   this->time[this->count] = (float)(time - this->firstTime);
   this->rssKiB[this->count] = (float)rssKiB;
   this->units[this->count] = (float)this->served;
   this->count++;
}

/* First kept point at or after t seconds. */
static int GenerationTrace_at(const GenerationTrace* this, double t) {
   for (int i = 0; i < this->count; i++)
      if (this->time[i] >= t)
         return i;
   return this->count - 1;
}

void GenerationRecord_close(GenerationRecord* out, const GenerationTrace* trace,
                            unsigned generation, double lifetime, RecycleEnd end) {
   memset(out, 0, sizeof(*out));
   out->generation = generation;
   out->end = end;
   out->lifetime = lifetime;
   out->exitTime = -1;
   if (trace->count == 0)
      return;
   out->exitTime = trace->lastTime;
   out->startTime = trace->firstTime;
   out->points = trace->count;
   memcpy(out->time, trace->time, sizeof(float) * (size_t)trace->count);
   memcpy(out->rssKiB, trace->rssKiB, sizeof(float) * (size_t)trace->count);
   double span = trace->lastTime - trace->firstTime;
   /* Where it ended: the highest RSS of its last quarter. A worker may free
      much as it shuts down (the interpreter's teardown clears modules), and
      its last sample before exit shows that, not what it had grown to. */
   double endKiB = trace->lastRssKiB;
   for (int i = GenerationTrace_at(trace, (1 - RECYCLE_WARMUP_SHARE) * span); i < trace->count; i++)
      endKiB = fmax(endKiB, trace->rssKiB[i]);
   out->totalGrowthKiB = endKiB - trace->rssKiB[0];
   out->totalUnits = trace->served;
   out->trafficKnown = trace->trafficKnown;
   int base = GenerationTrace_at(trace, RECYCLE_WARMUP_SHARE * span);
   double baseTime = trace->time[base];
   int mid = GenerationTrace_at(trace, baseTime + (span - baseTime) / 2);
   out->seconds = span - baseTime;
   out->growthKiB = endKiB - trace->rssKiB[base];
   out->lateGrowthKiB = endKiB - trace->rssKiB[mid];
   out->units = trace->served - trace->units[base];
   out->measured = trace->count - base >= RECYCLE_MIN_POINTS / 2 &&
                   trace->count >= RECYCLE_MIN_POINTS && out->seconds >= RECYCLE_MIN_SECONDS;
}

/* Coefficient of variation of n rates (sample standard deviation over the
   mean); INFINITY when the mean is not positive. */
static double RecycleVerdict_spread(const double* rates, int n) {
   double sum = 0;
   for (int i = 0; i < n; i++)
      sum += rates[i];
   double mean = sum / n;
   if (!(mean > 0))
      return INFINITY;
   double ss = 0;
   for (int i = 0; i < n; i++)
      ss += (rates[i] - mean) * (rates[i] - mean);
   return sqrt(ss / (n - 1)) / mean;
}

static void RecycleVerdict_describe(RecycleVerdict* this, const char* unit) {
   char growth[16], every[16], rate[16];
   Format_size(growth, sizeof(growth), (uint64_t)llround(fmax(this->growthKiB, 0)));
   Format_span(every, sizeof(every), this->lifetime);
   size_t size = sizeof(this->evidence);
   int n;
   if (this->label == RECYCLE_GROWS_WITH_TRAFFIC) {
      Format_size(rate, sizeof(rate), (uint64_t)llround(this->perThousandUnits));
      n = snprintf(this->evidence, size, "per generation +%s over %.0f %s (%s/1000), ", growth,
                   this->units, unit, rate);
   } else {
      Format_growth(rate, sizeof(rate), this->perMinute);
      n = snprintf(this->evidence, size, "per generation +%s (%s/min), ", growth, rate);
   }
   char spread[16];
   if (this->spread < 0.01)
      snprintf(spread, sizeof(spread), "<1%%");
   else
      snprintf(spread, sizeof(spread), "%.0f%%", 100 * this->spread);
   if (n > 0 && (size_t)n < size)
      snprintf(this->evidence + n, size - (size_t)n,
               "recycled every %s: %d generations, spread %s; %.0f restarts/h", every,
               this->generations, spread, this->restartsPerHour);
}

void RecycleVerdict_judge(RecycleVerdict* this, const GenerationRecord* const* gens, int n,
                          int slots, const char* unit) {
   memset(this, 0, sizeof(*this));
   this->perThousandUnits = NAN;
   this->perMinute = NAN;
   double byTime[RECYCLE_JUDGE_MAX], byTraffic[RECYCLE_JUDGE_MAX];
   int judged = 0;
   if (n > RECYCLE_JUDGE_MAX)
      n = RECYCLE_JUDGE_MAX;
   bool traffic = true;
   double growth = 0, units = 0, lifetime = 0, seconds = 0, late = 0, kept = 0;
   for (int i = 0; i < n; i++) {
      const GenerationRecord* g = gens[i];
      if (!g->measured)
         continue;
      /* Each one grew, and kept growing to its end. */
      if (g->growthKiB < RECYCLE_MIN_GROWTH_KIB ||
          g->lateGrowthKiB < RECYCLE_MIN_LATE_SHARE * g->growthKiB)
         return;
      byTime[judged] = g->growthKiB / g->seconds * 60;
      traffic = traffic && g->trafficKnown && g->units > 0;
      byTraffic[judged] = traffic ? g->growthKiB / g->units * 1000 : NAN;
      growth += g->totalGrowthKiB;
      units += g->totalUnits;
      lifetime += g->lifetime;
      seconds += g->seconds;
      late += g->growthKiB;
      kept += traffic ? g->units : 0;
      judged++;
   }
   if (judged < RECYCLE_MIN_GENERATIONS)
      return;
   double timeSpread = RecycleVerdict_spread(byTime, judged);
   double trafficSpread = traffic ? RecycleVerdict_spread(byTraffic, judged) : INFINITY;
   /* Traffic first where it explains the generations: with max_requests the
      traffic per generation is what is fixed, and time follows the load. */
   if (trafficSpread <= RECYCLE_MAX_SPREAD) {
      this->label = RECYCLE_GROWS_WITH_TRAFFIC;
      this->spread = trafficSpread;
      this->perThousandUnits = late / kept * 1000;
   } else if (timeSpread <= RECYCLE_MAX_SPREAD) {
      this->label = RECYCLE_GROWS_WITH_TIME;
      this->spread = timeSpread;
   } else {
      return;
   }
   this->generations = judged;
   this->growthKiB = growth / judged;
   this->units = units / judged;
   this->perMinute = late / seconds * 60;
   this->lifetime = lifetime / judged;
   this->restartsPerHour =
         this->lifetime > 0 ? 3600.0 * (slots > 0 ? slots : 1) / this->lifetime : NAN;
   RecycleVerdict_describe(this, unit);
}

const char* RecycleVerdict_label(RecycleLabel label) {
   static const char* const labels[] = {
         [RECYCLE_NONE] = "",
         [RECYCLE_GROWS_WITH_TRAFFIC] = "grows with traffic, recycled",
         [RECYCLE_GROWS_WITH_TIME] = "grows with time, recycled",
   };
   return labels[label];
}
