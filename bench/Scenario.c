#include "config.h"

#include "Scenario.h"

#include <math.h>

/* A Python worker's baseline, and its large variant. */
#define SCENARIO_BASE_KIB  (30 * 1024.0)
#define SCENARIO_LARGE_KIB (150 * 1024.0)
/* Requests per second while busy; bursts and idle gaps last 20-60 s and
   10-40 s, like an on-call night's traffic. */
#define SCENARIO_BUSY_RATE 20.0
/* 1 MiB/min: the slowest growth leaktop must name within 5 minutes. */
#define SCENARIO_LEAK_KIB_PER_MIN 1024.0
#define SCENARIO_RETAIN_KIB       2.0 /* per request: about 1.5 MiB/min on average */
#define SCENARIO_CACHE_KIB        (30 * 1024.0)
#define SCENARIO_CACHE_PER_REQ    20.0
#define SCENARIO_PAYLOAD_KIB      (40 * 1024.0)
#define SCENARIO_SPIKE_PERIOD     45.0
#define SCENARIO_SPIKE_SECONDS    3.0
#define SCENARIO_STEP_AT          200.0
#define SCENARIO_DAY_SECONDS      1200.0 /* a compressed day */
/* Allocator jitter above the floor, per sample. */
#define SCENARIO_JITTER_KIB 96.0
/* Warm-up: a cache that fills in its first minute, e^-t/20 s slower as it
   fills (fewer misses), full at a minute. */
#define SCENARIO_WARM_SECONDS  60.0
#define SCENARIO_WARM_TAU      20.0
#define SCENARIO_SPIKE_ONCE_AT 120.0
/* Wandering: a slow swing of this amplitude and period. */
#define SCENARIO_WANDER_KIB     768.0
#define SCENARIO_WANDER_SECONDS 300.0

static double Scenario_uniform(Scenario* this) {
   /* splitmix64: deterministic and good enough for synthetic series. */
   unsigned long long z = (this->rng += 0x9e3779b97f4a7c15ull);
   z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
   z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
   z ^= z >> 31;
   return (double)(z >> 11) / 9007199254740992.0;
}

/* Requests in one tick at this mean: normal approximation of Poisson. */
static double Scenario_arrivals(Scenario* this, double mean) {
   double u1 = fmax(Scenario_uniform(this), 1e-12);
   double u2 = Scenario_uniform(this);
   double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
   return fmax(0, round(mean + sqrt(mean) * z));
}

void Scenario_init(Scenario* this, ScenarioKind kind, double tick, double scale,
                   unsigned long long seed) {
   *this = (Scenario){.kind = kind, .tick = tick, .scale = scale, .rng = seed, .busy = true};
   this->floorKiB = this->baseKiB =
         kind == SCENARIO_LARGE_FLAT ? SCENARIO_LARGE_KIB : SCENARIO_BASE_KIB;
   this->phaseLeft = 30;
   this->leakKiBPerMin = scale * SCENARIO_LEAK_KIB_PER_MIN;
   this->jitterKiB = SCENARIO_JITTER_KIB;
   this->leakUntil = INFINITY;
}

void Scenario_initLeak(Scenario* this, double tick, double kibPerMin, double baseKiB,
                       double jitterKiB, unsigned long long seed) {
   Scenario_init(this, SCENARIO_LEAK_TIME, tick, 1.0, seed);
   this->floorKiB = this->baseKiB = baseKiB;
   this->leakKiBPerMin = kibPerMin;
   this->jitterKiB = jitterKiB;
}

static double Scenario_rate(Scenario* this) {
   if (this->kind == SCENARIO_CONSTANT)
      return SCENARIO_BUSY_RATE;
   if (this->kind == SCENARIO_DIURNAL)
      return SCENARIO_BUSY_RATE * (1 + 0.75 * sin(2 * M_PI * this->t / SCENARIO_DAY_SECONDS));
   this->phaseLeft -= this->tick;
   if (this->phaseLeft <= 0) {
      this->busy = !this->busy;
      this->phaseLeft =
            this->busy ? 20 + 40 * Scenario_uniform(this) : 10 + 30 * Scenario_uniform(this);
   }
   return this->busy ? SCENARIO_BUSY_RATE : 0;
}

void Scenario_next(Scenario* this, ClassifierInput* out) {
   this->t += this->tick;
   double requests = Scenario_arrivals(this, Scenario_rate(this) * this->tick);
   switch (this->kind) {
   case SCENARIO_LEAK_TIME:
      if (this->t <= this->leakUntil)
         this->floorKiB += this->leakKiBPerMin * this->tick / 60;
      break;
   case SCENARIO_WARM_CACHE: {
      double full = 1 - exp(-SCENARIO_WARM_SECONDS / SCENARIO_WARM_TAU);
      double filled = 1 - exp(-fmin(this->t, SCENARIO_WARM_SECONDS) / SCENARIO_WARM_TAU);
      /* Not scaled: ten times as fast it rises more per tick than a payload. */
      this->floorKiB = this->baseKiB + SCENARIO_CACHE_KIB * filled / full;
      break;
   }
   case SCENARIO_WANDER:
      this->floorKiB =
            this->baseKiB + SCENARIO_WANDER_KIB * sin(2 * M_PI * this->t / SCENARIO_WANDER_SECONDS);
      break;
   case SCENARIO_SPIKE_ONCE:
      if (this->t >= SCENARIO_SPIKE_ONCE_AT && this->t - this->tick < SCENARIO_SPIKE_ONCE_AT)
         this->spikeLeft = SCENARIO_SPIKE_SECONDS;
      break;
   case SCENARIO_LEAK_TRAFFIC:
   case SCENARIO_CONSTANT:
   case SCENARIO_DIURNAL:
      this->floorKiB += this->scale * SCENARIO_RETAIN_KIB * requests;
      break;
   case SCENARIO_PLATEAU: {
      double add = fmin(this->scale * SCENARIO_CACHE_PER_REQ * requests,
                        this->scale * SCENARIO_CACHE_KIB - this->cachedKiB);
      this->cachedKiB += add;
      this->floorKiB += add;
      break;
   }
   case SCENARIO_STEP:
      if (this->t >= SCENARIO_STEP_AT && this->t - this->tick < SCENARIO_STEP_AT)
         this->floorKiB += this->scale * SCENARIO_PAYLOAD_KIB;
      break;
   case SCENARIO_SPIKES:
      if (fmod(this->t, SCENARIO_SPIKE_PERIOD) < this->tick)
         this->spikeLeft = SCENARIO_SPIKE_SECONDS;
      break;
   default:
      break;
   }
   double spike = 0;
   if (this->spikeLeft > 0) {
      spike = this->scale * SCENARIO_PAYLOAD_KIB;
      this->spikeLeft -= this->tick;
   }
   *out = (ClassifierInput){
         .time = 1000 + this->t,
         .rssKnown = true,
         .rssKiB = floor(this->floorKiB + spike + this->jitterKiB * Scenario_uniform(this)),
         .trafficKnown = true,
         .trafficDelta = requests,
         .idle = requests == 0,
   };
}

const char* Scenario_name(ScenarioKind kind) {
   static const char* const names[] = {
         [SCENARIO_STABLE] = "stable",
         [SCENARIO_LEAK_TIME] = "leak while idle",
         [SCENARIO_LEAK_TRAFFIC] = "per-request retention",
         [SCENARIO_PLATEAU] = "cache fills, plateau",
         [SCENARIO_SPIKES] = "periodic spikes",
         [SCENARIO_STEP] = "one step (high-water)",
         [SCENARIO_CONSTANT] = "constant traffic",
         [SCENARIO_DIURNAL] = "diurnal traffic",
         [SCENARIO_LARGE_FLAT] = "large and flat",
         [SCENARIO_WARM_CACHE] = "fast warm-up, then flat",
         [SCENARIO_SPIKE_ONCE] = "one spike",
         [SCENARIO_WANDER] = "wanders near zero",
   };
   return names[kind];
}

GrowthVerdict Scenario_expected(ScenarioKind kind, GrowthReason* reason) {
   *reason = REASON_NONE;
   switch (kind) {
   case SCENARIO_LEAK_TIME:
      return VERDICT_GROWS_WITH_TIME;
   case SCENARIO_LEAK_TRAFFIC:
      return VERDICT_GROWS_WITH_TRAFFIC;
   case SCENARIO_PLATEAU:
   case SCENARIO_WARM_CACHE:
      return VERDICT_PLATEAU;
   case SCENARIO_SPIKES:
   case SCENARIO_STEP:
   case SCENARIO_SPIKE_ONCE:
      return VERDICT_SPIKES;
   case SCENARIO_CONSTANT:
   case SCENARIO_DIURNAL:
      /* A daily swing barely moves within the 5-minute window: traffic
         per bucket is as good as constant there, and saying so is honest. */
      *reason = REASON_TRAFFIC_CONSTANT;
      return VERDICT_INCONCLUSIVE;
   default:
      return VERDICT_STABLE;
   }
}

bool Scenario_leaks(ScenarioKind kind) {
   return kind == SCENARIO_LEAK_TIME || kind == SCENARIO_LEAK_TRAFFIC ||
          kind == SCENARIO_CONSTANT || kind == SCENARIO_DIURNAL;
}
