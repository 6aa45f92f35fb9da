#include "config.h"

#include "classify/Classifier.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Thresholds. Durations are in seconds, never in ticks, so a faster tick
   gives more evidence in the same time, not a different classifier. */

/* Increments are taken between bucket floors (the minimum RSS of a bucket):
   a leak raises the floor, a transient spike only the maximum (§2.2). Short
   enough to keep the variation of bursty traffic that breaks collinearity. */
#define CLASSIFY_BUCKET_SECONDS 2.0
/* Effective window of the decayed regression sums (e-folding time): five
   minutes, the time a verdict must be reached in. */
#define CLASSIFY_TAU_SECONDS 300.0
/* Nothing but "warming up" before this much has been watched. */
#define CLASSIFY_WARMUP_SECONDS 30.0
/* Fewer closed buckets than this after warm-up: "too few samples". */
#define CLASSIFY_MIN_BUCKETS 10
/* Growth that matters: 128 KiB/min is 180 MiB a day. */
#define CLASSIFY_MIN_GROWTH_KIB_PER_MIN 128.0
/* t statistics to enter and to stay in a growth verdict: testing every
   bucket calls for a strict entry (§2.6); the lower bar to stay is the
   hysteresis that keeps noise from flapping the verdict. */
#define CLASSIFY_T_ENTER 4.0
#define CLASSIFY_T_STAY  2.0
/* A coefficient is attributed growth when its own t reaches this. */
#define CLASSIFY_T_ATTRIBUTE 3.0
/* Above this |corr| of dt and dA (VIF = 1/(1-r^2) > 10, statsmodels'
   rule of thumb quoted in §2.3) time and traffic cannot be told apart. */
#define CLASSIFY_MAX_COLLINEARITY 0.9487
/* The idle-interval test needs about ten increments (§2.4.1). */
#define CLASSIFY_MIN_IDLE_BUCKETS 10.0
/* Floor segments of the ratchet; the sustain window is split in thirds,
   each of which must set a new high before a growth verdict: warm-up, a
   filling cache and one high-water-mark step do not keep doing so. This is
   the strict window, for weak evidence; its newest high must be recent. */
#define CLASSIFY_SEGMENT_SECONDS       10.0
#define CLASSIFY_SUSTAIN_SECONDS       180.0
#define CLASSIFY_STRICT_RECORD_SECONDS 30.0
/* Evidence shortens the window (doc/classification.md): a span of S
   seconds, down to 30, suffices when the floor rose by 180/S ratchet steps
   a segment on average, with a new high in 60% of its segments, and the t
   of its segments' rises reaches 4 sqrt(180/S) (the shape of O'Brien and
   Fleming's group-sequential boundary: an early look needs stronger
   evidence, so that looking every segment does not inflate false alarms). */
#define CLASSIFY_FAST_SECONDS 30.0
#define CLASSIFY_FAST_DENSITY 0.6
/* A shortened window also needs its newest third to carry a quarter of its
   rise (a filling cache slows down before it stops, a leak does not) ... */
#define CLASSIFY_NEWEST_SHARE 0.25
/* ... idle buckets, if there were three, growing at half the whole rate
   (growth in bursts only may be a cache filling with requests: the strict
   window tells them apart) ... */
#define CLASSIFY_FAST_IDLE_BUCKETS 3.0
#define CLASSIFY_FAST_IDLE_SHARE   0.5
/* ... a new high of the bucket floors within a fifth of the span or 6 s,
   as segment floors lag by a segment ... */
#define CLASSIFY_FRESH_SECONDS 6.0
/* ... and it is shown after a hold shortened in proportion, down to 10 s. */
#define CLASSIFY_FAST_HOLD_SECONDS 10.0
/* No new high for this long ends a growth verdict (plateau); for one
   entered on a span S, twice S, at least 60 s. */
#define CLASSIFY_STALL_SECONDS      120.0
#define CLASSIFY_FAST_STALL_SECONDS 60.0
/* A new high must clear the floor's noise: socketry counts rises of 10 MiB
   over the running maximum; a per-worker floor is far quieter. */
#define CLASSIFY_RATCHET_MIN_KIB 128.0
#define CLASSIFY_RATCHET_NOISE   3.0
/* A single-tick rise this large is a payload (spike or high-water step),
   not a leak accumulating: the modified z-score's 3.5 MAD (§2.5 D),
   rounded up, against the floor noise. */
#define CLASSIFY_SPIKE_MIN_KIB 2048.0
#define CLASSIFY_SPIKE_NOISE   6.0
#define CLASSIFY_SPIKE_SECONDS 600.0
/* ... and it must outrun RSS's recent rise: a leak of several MiB a tick
   rises that much every tick, and is not a payload. The rise is a decayed
   mean of the change (signed: a spike that falls back adds nothing),
   judged from when it has this much history. */
#define CLASSIFY_RISE_TAU_SECONDS 30.0
#define CLASSIFY_RISE_MIN_SECONDS 5.0
#define CLASSIFY_SPIKE_OVER_RISE  4.0
/* Grew at least this much and stopped: plateau rather than stable. */
#define CLASSIFY_PLATEAU_MIN_KIB 2048.0
/* One record may not carry more than this share of the window's rise. */
#define CLASSIFY_MAX_RECORD_SHARE 0.5
/* A new verdict is shown after its candidate held this long (`for:`). */
#define CLASSIFY_HOLD_SECONDS 20.0
/* USS trend: decay, and the fewest points before it says anything. */
#define CLASSIFY_USS_TAU_SECONDS 600.0
#define CLASSIFY_USS_MIN_POINTS  6.0

void Classifier_init(GrowthClassifier* this) {
   memset(this, 0, sizeof(*this));
   this->firstTime = -1;
   this->prevFloorKiB = -1;
   this->lastRssKiB = -1;
   this->riseSince = -1;
   this->lastSpike = this->lastRecord = this->lastDrop = this->lastBucketRecord = -1;
   this->bucketHighKiB = -1;
   this->floorT = NAN;
   this->highFloorKiB = -1;
   this->ussTime = -1;
   this->verdict = this->candidate = VERDICT_WARMING_UP;
   GrowthEvidence* e = &this->evidence;
   e->growthPerMin = e->growthStderr = NAN;
   e->unexplainedPerMin = e->unexplainedStderr = NAN;
   e->perThousandUnits = e->perThousandStderr = NAN;
   e->idlePerMin = e->idleStderr = NAN;
   e->collinearity = e->confidence = e->ussPerMin = NAN;
}

static void GrowthSums_decay(GrowthSums* s, double f) {
   s->n *= f;
   s->t *= f;
   s->a *= f;
   s->tt *= f;
   s->aa *= f;
   s->ta *= f;
   s->tm *= f;
   s->am *= f;
   s->mm *= f;
}

static void GrowthSums_add(GrowthSums* s, double dt, double da, double dm) {
   s->n += 1;
   s->t += dt;
   s->a += da;
   s->tt += dt * dt;
   s->aa += da * da;
   s->ta += dt * da;
   s->tm += dt * dm;
   s->am += da * dm;
   s->mm += dm * dm;
}

/* Two-sided normal confidence that an estimate with this t is not zero. */
static double Classifier_confidenceOf(double t) {
   return isfinite(t) ? erf(fabs(t) / M_SQRT2) : 0;
}

static double Classifier_t(double value, double stderr_) {
   if (!isfinite(value) || !isfinite(stderr_))
      return NAN;
   if (stderr_ <= 0)
      return value > 0 ? INFINITY : value < 0 ? -INFINITY : 0;
   return value / stderr_;
}

/* Growth rate through the origin, dM = g dt, from sums of dt dM (tm), dt^2
   (tt) and dM^2 (mm), in KiB/min with its standard error. */
static void Classifier_fitRate(double n, double tm, double tt, double mm, double* rate,
                               double* stderr_) {
   if (n < 3 || tt <= 0) {
      *rate = *stderr_ = NAN;
      return;
   }
   double g = tm / tt;
   *rate = 60 * g;
   *stderr_ = 60 * sqrt(fmax(mm - g * tm, 0) / (n - 1) / tt);
}

/* Both coefficients, their standard errors and the collinearity (§2.3). */
static void Classifier_fitTwo(GrowthClassifier* this) {
   const GrowthSums* s = &this->withTraffic;
   GrowthEvidence* e = &this->evidence;
   e->unexplainedPerMin = e->unexplainedStderr = NAN;
   e->perThousandUnits = e->perThousandStderr = NAN;
   e->collinearity = NAN;
   if (s->aa <= 0) {
      /* Traffic known but none served: all of the growth is unexplained. */
      Classifier_fitRate(s->n, s->tm, s->tt, s->mm, &e->unexplainedPerMin, &e->unexplainedStderr);
      e->collinearity = s->n > 0 ? 0 : NAN;
      return;
   }
   if (s->n < 4 || s->tt <= 0)
      return;
   double r2 = s->ta * s->ta / (s->tt * s->aa);
   e->collinearity = sqrt(fmin(r2, 1));
   double d = s->tt * s->aa - s->ta * s->ta;
   if (d <= 1e-12 * s->tt * s->aa)
      return;
   double alpha = (s->aa * s->tm - s->ta * s->am) / d;
   double beta = (s->tt * s->am - s->ta * s->tm) / d;
   double s2 = fmax(s->mm - alpha * s->tm - beta * s->am, 0) / fmax(s->n - 2, 1);
   e->unexplainedPerMin = 60 * alpha;
   e->unexplainedStderr = 60 * sqrt(s2 * s->aa / d);
   e->perThousandUnits = 1000 * beta;
   e->perThousandStderr = 1000 * sqrt(s2 * s->tt / d);
}

static void Classifier_closeBucket(GrowthClassifier* this, double end) {
   double dt = end - this->bucketStart;
   if (!this->bucketHasRss || dt <= 0)
      return;
   double floor = this->bucketMinKiB;
   if (this->prevFloorKiB >= 0) {
      double dm = floor - this->prevFloorKiB;
      double f = exp(-dt / CLASSIFY_TAU_SECONDS);
      GrowthSums_decay(&this->all, f);
      GrowthSums_add(&this->all, dt, 0, dm);
      this->idleT *= f;
      this->idleM *= f;
      this->idleMM *= f;
      this->idleN *= f;
      this->evidence.idle = false;
      if (this->bucketTrafficKnown) {
         double da = this->bucketTraffic;
         GrowthSums_decay(&this->withTraffic, f);
         GrowthSums_add(&this->withTraffic, dt, da, dm);
         if (this->bucketIdle) {
            /* Per-second increments, weighted by dt: a no-intercept fit. */
            this->idleT += dt;
            this->idleM += dm;
            this->idleMM += dm * dm / dt;
            this->idleN += 1;
            this->evidence.idle = true;
         }
      }
      this->buckets++;
   }
   this->prevFloorKiB = floor;
   /* The ratchet on bucket floors, for whether the floor rises right now. */
   double step = fmax(CLASSIFY_RATCHET_MIN_KIB, CLASSIFY_RATCHET_NOISE * this->noiseKiB);
   if (this->bucketHighKiB < 0 ||
       floor < this->bucketHighKiB - fmax(CLASSIFY_SPIKE_MIN_KIB, 2 * step))
      this->bucketHighKiB = floor;
   else if (floor > this->bucketHighKiB + step) {
      this->bucketHighKiB = floor;
      this->lastBucketRecord = end;
   }
}

/* The newest floor segment that ended at or before time t, or the oldest. */
static double Classifier_floorAt(const GrowthClassifier* this, double t) {
   double value = this->floorKiB[this->floorHead];
   for (int k = 0; k < this->floorCount; k++) {
      int i = (this->floorHead - k + CLASSIFY_FLOORS) % CLASSIFY_FLOORS;
      value = this->floorKiB[i];
      if (this->floorTime[i] <= t)
         break;
   }
   return value;
}

static void Classifier_closeSegment(GrowthClassifier* this, double end) {
   double floor = this->segmentMinKiB;
   double rel = end - this->firstTime;
   if (this->floorCount > 0) {
      double prev = this->floorKiB[this->floorHead];
      if (floor < prev) /* leaks do not lower the floor: drops measure noise */
         this->noiseKiB += 0.1 * (prev - floor - this->noiseKiB);
   }
   int i = this->floorHead = (this->floorHead + 1) % CLASSIFY_FLOORS;
   this->floorTime[i] = (float)rel;
   this->floorKiB[i] = (float)floor;
   this->floorJump[i] = 0;
   if (this->floorCount < CLASSIFY_FLOORS)
      this->floorCount++;

   double step = fmax(CLASSIFY_RATCHET_MIN_KIB, CLASSIFY_RATCHET_NOISE * this->noiseKiB);
   if (this->highFloorKiB < 0) {
      this->highFloorKiB = this->baseFloorKiB = floor;
   } else if (floor > this->highFloorKiB + step) {
      this->floorJump[i] = (float)(floor - this->highFloorKiB);
      this->lastRecord = end;
      this->highFloorKiB = floor;
   } else if (floor < this->highFloorKiB - fmax(CLASSIFY_SPIKE_MIN_KIB, 2 * step)) {
      /* The floor came back down: that high was a long spike, not a level. */
      this->highFloorKiB = floor;
      this->lastDrop = end;
   }
   this->baseFloorKiB = fmin(this->baseFloorKiB, floor);
   this->segmentStart = end;
   this->segmentMinKiB = -1;
}

static double Classifier_lastRecordAge(const GrowthClassifier* this, double now) {
   return this->lastRecord < 0 ? INFINITY : now - this->lastRecord;
}

/* The floor segments of the last span seconds. Ages are taken to the
   nearest segment, so float times and a tick that closes a segment late do
   not move a record into the next third. */
typedef struct SpanRise {
   int segments, records;
   bool thirds;    /* a new high in each third */
   double largest; /* the largest new high, KiB */
   double rise;    /* of the floor over the span, KiB */
   double newest;  /* of which in the newest third */
   double t;       /* of the segments' rises: their mean over its standard error */
} SpanRise;

static bool Classifier_spanRise(const GrowthClassifier* this, double rel, double span,
                                SpanRise* out) {
   const double half = CLASSIFY_SEGMENT_SECONDS / 2;
   *out = (SpanRise){.t = NAN};
   if (rel + half < span)
      return false;
   bool seen[3] = {false, false, false};
   double sum = 0, squares = 0;
   for (int k = 0; k < this->floorCount - 1; k++) {
      int i = (this->floorHead - k + CLASSIFY_FLOORS) % CLASSIFY_FLOORS;
      double age = fmax(rel - this->floorTime[i], 0);
      if (age >= span - half)
         break;
      double rise = this->floorKiB[i] - this->floorKiB[(i - 1 + CLASSIFY_FLOORS) % CLASSIFY_FLOORS];
      sum += rise;
      squares += rise * rise;
      out->segments++;
      if (this->floorJump[i] > 0) {
         seen[(int)fmin((age + half) / (span / 3), 2)] = true;
         out->largest = fmax(out->largest, this->floorJump[i]);
         out->records++;
      }
   }
   int n = out->segments;
   if (n < 2)
      return false;
   double now = this->floorKiB[this->floorHead];
   out->thirds = seen[0] && seen[1] && seen[2];
   out->rise = now - Classifier_floorAt(this, rel - span + half);
   out->newest = now - Classifier_floorAt(this, rel - span / 3 + half);
   double mean = sum / n;
   /* Under white noise the rises of successive floors are anticorrelated
      and this t errs low; under a random walk it is exact. */
   out->t = Classifier_t(mean, sqrt(fmax(squares - n * mean * mean, 0) / (n - 1) / n));
   return true;
}

/* The floor kept setting new highs over the last span seconds: one in each
   third, none carrying most of the net rise (a high-water-mark step). */
static bool Classifier_sustained(const GrowthClassifier* this, double rel, double span) {
   SpanRise r;
   if (!Classifier_spanRise(this, rel, span, &r) || !r.thirds ||
       !(r.largest <= CLASSIFY_MAX_RECORD_SHARE * r.rise))
      return false;
   if (span >= CLASSIFY_SUSTAIN_SECONDS)
      /* Still setting highs: a cache that just filled has stopped. */
      return rel - (this->lastRecord - this->firstTime) < CLASSIFY_STRICT_RECORD_SECONDS;
   /* A shortened window: many records at a high rate, still rising (a
      filling cache slows before it stops), on rises whose t clears a bar
      that is higher the shorter the span. */
   double step = fmax(CLASSIFY_RATCHET_MIN_KIB, CLASSIFY_RATCHET_NOISE * this->noiseKiB);
   double steps = r.rise / step / r.segments;
   return r.newest >= CLASSIFY_NEWEST_SHARE * r.rise &&
          r.records >= CLASSIFY_FAST_DENSITY * r.segments &&
          steps * span >= CLASSIFY_SUSTAIN_SECONDS &&
          r.t >= CLASSIFY_T_ENTER * sqrt(CLASSIFY_SUSTAIN_SECONDS / span);
}

/* The shortest shortened span over which the floor's rise suffices, 0 for
   none: evaluated when a segment closes, the only time the ring changes. */
static double Classifier_fastSpan(const GrowthClassifier* this, double rel) {
   for (double span = CLASSIFY_FAST_SECONDS; span < CLASSIFY_SUSTAIN_SECONDS;
        span += CLASSIFY_SEGMENT_SECONDS)
      if (Classifier_sustained(this, rel, span))
         return span;
   return 0;
}

static bool Classifier_growthVerdict(GrowthVerdict v, GrowthReason r) {
   return v == VERDICT_GROWS_WITH_TIME || v == VERDICT_GROWS_WITH_TRAFFIC ||
          (v == VERDICT_INCONCLUSIVE &&
           (r == REASON_TRAFFIC_CONSTANT || r == REASON_TOO_NOISY || r == REASON_NO_TRAFFIC));
}

/* The t of the floor's growth: of the buckets' increments, or of the
   segments' over the strict window where that is stronger (the minimum of
   ten seconds is far less noisy than that of two). */
static double Classifier_growthT(const GrowthClassifier* this) {
   const GrowthEvidence* e = &this->evidence;
   return fmax(Classifier_t(e->growthPerMin, e->growthStderr), this->floorT);
}

/* No new high for this long ends a growth verdict: twice the span it was
   entered on, so that a warm-up taken for growth on a short span is let go
   soon, within the bounds. */
static double Classifier_stallSeconds(const GrowthClassifier* this) {
   if (!Classifier_growthVerdict(this->verdict, this->reason))
      return CLASSIFY_STALL_SECONDS;
   return fmin(CLASSIFY_STALL_SECONDS, fmax(CLASSIFY_FAST_STALL_SECONDS, 2 * this->enteredSpan));
}

/* The span of records a growth verdict can be entered on now: the
   shortened one where it suffices, else the strict window, 0 for none. */
static double Classifier_entering(const GrowthClassifier* this, double now, double tTotal) {
   double strict = this->strictHeld && tTotal >= CLASSIFY_T_ENTER ? CLASSIFY_SUSTAIN_SECONDS : 0;
   double span = this->fastSpan;
   /* The span's own t was tested; the ticks' must at least hold a verdict. */
   if (span <= 0 || !(tTotal >= CLASSIFY_T_STAY))
      return strict;
   /* Spikes, a floor that came back down, or growth that stops while idle
      are the traps the strict window is for. */
   const GrowthEvidence* e = &this->evidence;
   bool recent = (this->lastSpike >= 0 && now - this->lastSpike < CLASSIFY_SPIKE_SECONDS) ||
                 (this->lastDrop >= 0 && now - this->lastDrop < CLASSIFY_SPIKE_SECONDS);
   bool idleStill = this->idleN >= CLASSIFY_FAST_IDLE_BUCKETS &&
                    !(e->idlePerMin >= CLASSIFY_FAST_IDLE_SHARE * e->growthPerMin);
   /* Segment floors lag by a segment: the buckets' say whether the floor
      still rises now, so a warm-up that stopped is not entered on. */
   bool rising = this->lastBucketRecord >= 0 &&
                 now - this->lastBucketRecord <= fmax(CLASSIFY_FRESH_SECONDS, span / 5);
   return !recent && !idleStill && rising ? span : strict;
}

/* Which of time and traffic the growth belongs to, or why it cannot be said. */
static GrowthVerdict Classifier_attribute(GrowthClassifier* this, GrowthReason* reason) {
   GrowthEvidence* e = &this->evidence;
   double tAlpha = Classifier_t(e->unexplainedPerMin, e->unexplainedStderr);
   double tBeta = Classifier_t(e->perThousandUnits, e->perThousandStderr);
   double tIdle = Classifier_t(e->idlePerMin, e->idleStderr);
   bool idleEnough = this->idleN >= CLASSIFY_MIN_IDLE_BUCKETS;
   double tTotal = Classifier_growthT(this);
   *reason = REASON_NONE;
   if (!this->everTraffic) {
      *reason = REASON_NO_TRAFFIC;
      e->confidence = Classifier_confidenceOf(tTotal);
      return VERDICT_INCONCLUSIVE;
   }
   if (!(e->collinearity <= CLASSIFY_MAX_COLLINEARITY) && !idleEnough) {
      *reason = REASON_TRAFFIC_CONSTANT;
      e->confidence = Classifier_confidenceOf(tTotal);
      return VERDICT_INCONCLUSIVE;
   }
   /* The cause already named keeps its name on the lower bar (hysteresis). */
   double tTime = this->verdict == VERDICT_GROWS_WITH_TIME ? CLASSIFY_T_STAY : CLASSIFY_T_ATTRIBUTE;
   double tTraffic =
         this->verdict == VERDICT_GROWS_WITH_TRAFFIC ? CLASSIFY_T_STAY : CLASSIFY_T_ATTRIBUTE;
   bool byTime = tAlpha >= tTime || (idleEnough && tIdle >= tTime);
   bool byTraffic = tBeta >= tTraffic;
   if (byTime && byTraffic) {
      /* Both: name the larger share of the growth. */
      const GrowthSums* s = &this->withTraffic;
      byTime = e->unexplainedPerMin / 60 * s->t >= e->perThousandUnits / 1000 * s->a;
      byTraffic = !byTime;
   }
   if (byTime) {
      e->confidence = Classifier_confidenceOf(fmax(tAlpha, idleEnough ? tIdle : 0));
      return VERDICT_GROWS_WITH_TIME;
   }
   if (byTraffic) {
      e->confidence = Classifier_confidenceOf(tBeta);
      return VERDICT_GROWS_WITH_TRAFFIC;
   }
   *reason = REASON_TOO_NOISY;
   e->confidence = Classifier_confidenceOf(tTotal);
   return VERDICT_INCONCLUSIVE;
}

static GrowthVerdict Classifier_propose(GrowthClassifier* this, double now, GrowthReason* reason) {
   GrowthEvidence* e = &this->evidence;
   double observed = now - this->firstTime;
   *reason = REASON_NONE;
   e->confidence = NAN;
   if (observed < CLASSIFY_WARMUP_SECONDS)
      return VERDICT_WARMING_UP;
   if (this->buckets < CLASSIFY_MIN_BUCKETS) {
      *reason = REASON_TOO_FEW_SAMPLES;
      return VERDICT_INCONCLUSIVE;
   }
   double tTotal = Classifier_growthT(this);
   bool growing = Classifier_growthVerdict(this->verdict, this->reason);
   bool grows = e->growthPerMin >= CLASSIFY_MIN_GROWTH_KIB_PER_MIN &&
                (growing ? tTotal >= CLASSIFY_T_STAY &&
                                 Classifier_lastRecordAge(this, now) < Classifier_stallSeconds(this)
                         : (this->enteringSpan = Classifier_entering(this, now, tTotal)) > 0);
   if (grows)
      return Classifier_attribute(this, reason);

   double quiet = 1 - Classifier_confidenceOf(fmax(tTotal, 0));
   e->confidence = quiet * fmin(1, observed / CLASSIFY_SUSTAIN_SECONDS);
   if (this->lastSpike >= 0 && now - this->lastSpike < CLASSIFY_SPIKE_SECONDS)
      return VERDICT_SPIKES;
   if (this->highFloorKiB - this->baseFloorKiB >= CLASSIFY_PLATEAU_MIN_KIB) {
      /* Still setting highs: too early to call it a plateau. */
      if (Classifier_lastRecordAge(this, now) < Classifier_stallSeconds(this))
         return this->verdict == VERDICT_WARMING_UP ? VERDICT_WARMING_UP : this->verdict;
      return VERDICT_PLATEAU;
   }
   return VERDICT_STABLE;
}

/* Shows the candidate once it held for the hold time (`for:` semantics). */
static void Classifier_decide(GrowthClassifier* this, double now) {
   GrowthReason reason;
   GrowthVerdict proposed = Classifier_propose(this, now, &reason);
   if (proposed != this->candidate || reason != this->candidateReason) {
      this->candidate = proposed;
      this->candidateReason = reason;
      this->candidateSince = now;
   }
   bool changed = this->candidate != this->verdict || this->candidateReason != this->reason;
   double hold = CLASSIFY_HOLD_SECONDS;
   if (Classifier_growthVerdict(this->candidate, this->candidateReason) &&
       !Classifier_growthVerdict(this->verdict, this->reason) && this->enteringSpan > 0)
      /* Entering growth on a shortened window: a hold shortened alike. */
      hold = fmax(CLASSIFY_FAST_HOLD_SECONDS,
                  CLASSIFY_HOLD_SECONDS * this->enteringSpan / CLASSIFY_SUSTAIN_SECONDS);
   if (changed && now - this->candidateSince >= hold) {
      if (!Classifier_growthVerdict(this->verdict, this->reason))
         this->enteredSpan = this->enteringSpan;
      this->verdict = this->candidate;
      this->reason = this->candidateReason;
      this->since = now;
   }
}

static void Classifier_updateUss(GrowthClassifier* this, double t, double uss) {
   double f = this->ussTime >= 0 ? exp(-(t - this->ussTime) / CLASSIFY_USS_TAU_SECONDS) : 1;
   this->ussTime = t;
   double x = t - this->firstTime;
   this->uw = f * this->uw + 1;
   this->ut = f * this->ut + x;
   this->uy = f * this->uy + uss;
   this->utt = f * this->utt + x * x;
   this->uty = f * this->uty + x * uss;
   this->uyy = f * this->uyy + uss * uss;
   GrowthEvidence* e = &this->evidence;
   double sxx = this->utt - this->ut * this->ut / this->uw;
   if (this->uw < CLASSIFY_USS_MIN_POINTS || sxx <= 0) {
      e->ussPerMin = NAN;
      e->ussRising = false;
      return;
   }
   double sxy = this->uty - this->ut * this->uy / this->uw;
   double syy = this->uyy - this->uy * this->uy / this->uw;
   double slope = sxy / sxx;
   double se = sqrt(fmax(syy - slope * sxy, 0) / (this->uw - 2) / sxx);
   e->ussPerMin = 60 * slope;
   /* RSS flat, USS rising: pages once shared became private (bpo-31558). */
   e->ussRising = e->ussPerMin >= CLASSIFY_MIN_GROWTH_KIB_PER_MIN &&
                  Classifier_t(slope, se) >= CLASSIFY_T_ENTER &&
                  !(e->growthPerMin >= e->ussPerMin / 2);
}

/* A single-tick jump of delta KiB over dt seconds: a spike when it clears
   the floor's noise and outruns the recent rise. */
static void Classifier_updateRise(GrowthClassifier* this, double t, double delta, double dt) {
   bool jump = delta >= fmax(CLASSIFY_SPIKE_MIN_KIB, CLASSIFY_SPIKE_NOISE * this->noiseKiB);
   bool judged = this->riseSince >= 0 && t - this->riseSince >= CLASSIFY_RISE_MIN_SECONDS;
   double rise = this->riseWeight > 0 ? fmax(this->riseSum / this->riseWeight, 0) : 0;
   if (jump && judged && delta >= CLASSIFY_SPIKE_OVER_RISE * rise * dt)
      this->lastSpike = t;
   /* Normalised by the sum of the weights: no bias toward 0 at the start. */
   double keep = exp(-dt / CLASSIFY_RISE_TAU_SECONDS);
   this->riseSum = this->riseSum * keep + (1 - keep) * delta / dt;
   this->riseWeight = this->riseWeight * keep + (1 - keep);
   if (this->riseSince < 0)
      this->riseSince = t;
}

void Classifier_update(GrowthClassifier* this, const ClassifierInput* in) {
   double t = in->time;
   if (this->firstTime < 0) {
      this->firstTime = this->lastTime = this->bucketStart = this->segmentStart = t;
      this->since = this->candidateSince = t;
      this->bucketMinKiB = this->segmentMinKiB = -1;
      this->bucketTrafficKnown = this->bucketIdle = true;
   }
   if (t < this->lastTime)
      return;
   if (in->trafficKnown) {
      this->bucketTraffic += in->trafficDelta;
      this->bucketTrafficSeen = true;
      this->bucketIdle = this->bucketIdle && in->idle;
      this->everTraffic = true;
   } else {
      this->bucketTrafficKnown = false;
   }
   if (in->rssKnown) {
      double rss = in->rssKiB;
      if (this->lastRssKiB >= 0 && t > this->lastRssTime)
         Classifier_updateRise(this, t, rss - this->lastRssKiB, t - this->lastRssTime);
      this->lastRssKiB = rss;
      this->lastRssTime = t;
      if (!this->bucketHasRss || rss < this->bucketMinKiB)
         this->bucketMinKiB = rss;
      this->bucketHasRss = true;
      if (this->segmentMinKiB < 0 || rss < this->segmentMinKiB)
         this->segmentMinKiB = rss;
   }
   if (in->ussKnown && in->ussTime > this->ussTime)
      Classifier_updateUss(this, in->ussTime, in->ussKiB);
   this->lastTime = t;

   if (t - this->bucketStart >= CLASSIFY_BUCKET_SECONDS) {
      this->bucketTrafficKnown = this->bucketTrafficKnown && this->bucketTrafficSeen;
      this->bucketIdle = this->bucketIdle && this->bucketTrafficKnown;
      Classifier_closeBucket(this, t);
      this->bucketStart = t;
      this->bucketHasRss = false;
      this->bucketTraffic = 0;
      this->bucketTrafficKnown = this->bucketIdle = true;
      this->bucketTrafficSeen = false;
      GrowthEvidence* e = &this->evidence;
      Classifier_fitRate(this->all.n, this->all.tm, this->all.tt, this->all.mm, &e->growthPerMin,
                         &e->growthStderr);
      Classifier_fitTwo(this);
      /* Idle increments are weighted by 1/dt (variance grows with dt). */
      Classifier_fitRate(this->idleN, this->idleM, this->idleT, this->idleMM, &e->idlePerMin,
                         &e->idleStderr);
   }
   if (t - this->segmentStart >= CLASSIFY_SEGMENT_SECONDS && this->segmentMinKiB >= 0) {
      Classifier_closeSegment(this, t);
      /* The ring changes only here. */
      double rel = t - this->firstTime;
      this->fastSpan = Classifier_fastSpan(this, rel);
      this->strictHeld = Classifier_sustained(this, rel, CLASSIFY_SUSTAIN_SECONDS);
      SpanRise r;
      double span = CLASSIFY_SEGMENT_SECONDS * round(rel / CLASSIFY_SEGMENT_SECONDS);
      Classifier_spanRise(this, rel, fmin(span, CLASSIFY_SUSTAIN_SECONDS), &r);
      this->floorT = r.t;
   }
   Classifier_decide(this, t);
}

void Classifier_resetTraffic(GrowthClassifier* this) {
   memset(&this->withTraffic, 0, sizeof(this->withTraffic));
   this->idleT = this->idleM = this->idleMM = this->idleN = 0;
   this->everTraffic = false;
   this->bucketTraffic = 0;
   this->bucketTrafficKnown = this->bucketTrafficSeen = false;
}

bool Classifier_isGrowth(const GrowthClassifier* this) {
   return Classifier_growthVerdict(this->verdict, this->reason);
}

double Classifier_projectedGrowth(const GrowthClassifier* this) {
   const GrowthEvidence* e = &this->evidence;
   double t = Classifier_growthT(this);
   return t >= CLASSIFY_T_STAY && e->growthPerMin > 0 ? e->growthPerMin : NAN;
}

const char* Classifier_label(GrowthVerdict verdict) {
   static const char* const labels[] = {
         [VERDICT_WARMING_UP] = "warming up",
         [VERDICT_STABLE] = "stable",
         [VERDICT_PLATEAU] = "plateau",
         [VERDICT_GROWS_WITH_TIME] = "grows with time",
         [VERDICT_GROWS_WITH_TRAFFIC] = "grows with traffic",
         [VERDICT_SPIKES] = "spikes",
         [VERDICT_INCONCLUSIVE] = "inconclusive",
   };
   return labels[verdict];
}

const char* Classifier_reasonText(GrowthReason reason) {
   static const char* const reasons[] = {
         [REASON_NONE] = NULL,
         [REASON_TRAFFIC_CONSTANT] = "traffic constant",
         [REASON_TOO_NOISY] = "too noisy",
         [REASON_TOO_FEW_SAMPLES] = "too few samples",
         [REASON_NO_TRAFFIC] = "no traffic signal",
   };
   return reasons[reason];
}

void Classifier_describe(const GrowthClassifier* this, char* out, int size) {
   const char* reason = Classifier_reasonText(this->reason);
   if (reason)
      snprintf(out, (size_t)size, "%s: %s", Classifier_label(this->verdict), reason);
   else
      snprintf(out, (size_t)size, "%s", Classifier_label(this->verdict));
}
