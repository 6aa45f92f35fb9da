#ifndef HEADER_Scenario
#define HEADER_Scenario
/* Synthetic worker series labelled by construction (research §4.3): memory
   and traffic of one worker per tick for each growth pattern and trap, from
   a deterministic seed. Shared by the classifier's unit tests and the
   replay benchmark, so both judge the same series. */

#include <stdbool.h>

#include "classify/Classifier.h"

typedef enum ScenarioKind {
   SCENARIO_STABLE,
   SCENARIO_LEAK_TIME,    /* grows while idle too */
   SCENARIO_LEAK_TRAFFIC, /* retains a little per request */
   SCENARIO_PLATEAU,      /* a cache fills with requests, then is full */
   SCENARIO_SPIKES,       /* periodic large payloads that are freed */
   SCENARIO_STEP,         /* one large payload: the high-water mark stays */
   SCENARIO_CONSTANT,     /* per-request retention under constant traffic */
   SCENARIO_DIURNAL,      /* per-request retention under a daily swing, never idle */
   SCENARIO_LARGE_FLAT,   /* a large worker that does not grow (multiplication) */
   SCENARIO_WARM_CACHE,   /* fills fast in its first minute, slowing as it fills, then flat
                             (not scaled) */
   SCENARIO_SPIKE_ONCE,   /* one large payload, freed */
   SCENARIO_WANDER,       /* drifts up and down around a level (noise-sized, not scaled) */
   SCENARIO_COUNT,
} ScenarioKind;

typedef struct Scenario {
   ScenarioKind kind;
   double tick;  /* seconds per sample */
   double scale; /* multiplies every growth rate and size */
   unsigned long long rng;
   double t;
   double floorKiB;  /* the worker's retained memory */
   double cachedKiB; /* plateau: filled part of the cache */
   double phaseLeft; /* seconds left in the current burst or idle phase */
   bool busy;
   double spikeLeft; /* seconds left of the current payload */
   double baseKiB;   /* the level at the start */
   /* Set after Scenario_init to vary a time leak (SCENARIO_LEAK_TIME): its
      rate and end, and the allocator jitter of every sample (uniform, KiB). */
   double leakKiBPerMin;
   double jitterKiB;
   double leakUntil; /* seconds: the time leak stops here (a warm-up), INFINITY never */
} Scenario;

void Scenario_init(Scenario* this, ScenarioKind kind, double tick, double scale,
                   unsigned long long seed);
/* A time leak of this rate from this level, with this jitter. */
void Scenario_initLeak(Scenario* this, double tick, double kibPerMin, double baseKiB,
                       double jitterKiB, unsigned long long seed);
/* The next tick's sample. */
void Scenario_next(Scenario* this, ClassifierInput* out);

const char* Scenario_name(ScenarioKind kind);
/* The verdict a classifier should reach; whether it is a leak that alerts. */
GrowthVerdict Scenario_expected(ScenarioKind kind, GrowthReason* reason);
bool Scenario_leaks(ScenarioKind kind);

#endif
