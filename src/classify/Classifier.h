#ifndef HEADER_Classifier
#define HEADER_Classifier
/* Live growth classification of one worker's memory: a streaming state fed
   one sample per tick, O(1) work per tick and a fixed size (well under
   1 KiB), that names the pattern of growth with its evidence. Pure logic:
   time and values are passed in, nothing is read.

   Method (doc/classification.md, with its thresholds and measured times):
   per-bucket increments of the RSS floor regressed on elapsed time and
   traffic served, with exponentially decayed running sums; growth during
   idle intervals; a new-high-water-mark ratchet on the floor (socketry's
   memory-leak monitor) against warm-up, plateau and high-water-mark steps,
   over a window that shortens from 3 minutes to 30 s as the evidence
   strengthens (many new highs at a high rate, a high t); single-tick jumps
   for spikes; and a verdict that changes only after its candidate held for
   a while, with a stricter test to enter a growth verdict than to stay in
   one (hysteresis). */

#include <stdbool.h>
#include <stdint.h>

typedef enum GrowthVerdict {
   VERDICT_WARMING_UP,
   VERDICT_STABLE,
   VERDICT_PLATEAU,
   VERDICT_GROWS_WITH_TIME,
   VERDICT_GROWS_WITH_TRAFFIC,
   VERDICT_SPIKES,
   VERDICT_INCONCLUSIVE,
} GrowthVerdict;

typedef enum GrowthReason {
   REASON_NONE,
   REASON_TRAFFIC_CONSTANT,
   REASON_TOO_NOISY,
   REASON_TOO_FEW_SAMPLES,
   REASON_NO_TRAFFIC,
} GrowthReason;

/* One tick's sample. */
typedef struct ClassifierInput {
   double time; /* monotonic seconds */
   bool rssKnown;
   double rssKiB;
   bool trafficKnown;
   double trafficDelta; /* units served since the previous sample */
   bool idle;           /* trafficKnown and below the source's idle floor */
   bool ussKnown;       /* ussKiB was read at ussTime; fed once per new reading */
   double ussTime;
   double ussKiB;
} ClassifierInput;

/* Exponentially decayed sums of the increments regression
   dM = alpha dt + beta dA (no intercept), §2.3. */
typedef struct GrowthSums {
   double n, t, a, tt, aa, ta, tm, am, mm;
} GrowthSums;

/* What a verdict rests on, refreshed at every bucket. NAN where unknown. */
typedef struct GrowthEvidence {
   double growthPerMin;      /* total floor growth, KiB/min */
   double growthStderr;      /* its standard error */
   double unexplainedPerMin; /* alpha: growth not explained by traffic, KiB/min */
   double unexplainedStderr;
   double perThousandUnits; /* beta: KiB retained per 1000 traffic units */
   double perThousandStderr;
   double idlePerMin; /* growth over idle buckets only, KiB/min */
   double idleStderr;
   double collinearity; /* |corr| of dt and dA (uncentred, §2.3); 1 = indistinguishable */
   double confidence;   /* 0..1 */
   double ussPerMin;    /* USS trend, KiB/min */
   bool ussRising;      /* USS grows while RSS is flat: copy-on-write unsharing */
   bool idle;           /* the last bucket was idle */
} GrowthEvidence;

#define CLASSIFY_FLOORS 24

typedef struct GrowthClassifier {
   double firstTime; /* < 0 before the first sample */
   double lastTime;

   /* The open bucket. */
   double bucketStart;
   double bucketMinKiB;
   double bucketTraffic;
   bool bucketHasRss;
   bool bucketTrafficKnown;
   bool bucketTrafficSeen;
   bool bucketIdle; /* every tick of it was idle */

   double prevFloorKiB;     /* floor of the last closed bucket, < 0 none */
   double bucketHighKiB;    /* highest bucket floor, the ratchet's at bucket scale, < 0 none */
   double lastBucketRecord; /* time a bucket floor last set a new high, < 0 none */
   double lastRssKiB;       /* < 0 none */
   double lastRssTime;
   double riseSum,
         riseWeight; /* decayed mean of RSS's change, KiB/s: what a jump is measured against */
   double riseSince; /* time of the first change in it, < 0 none */
   int buckets;      /* closed buckets with a floor increment */
   GrowthSums all;   /* every bucket, traffic known or not: dt and dM only */
   GrowthSums withTraffic;
   double idleT, idleM, idleMM, idleN; /* decayed sums of idle buckets */
   bool everTraffic;

   /* Floor segments for the ratchet, newest at floorHead; times relative to
   firstTime; floorJump > 0 where the segment set a new high. */
   double segmentStart;
   double segmentMinKiB;
   float floorTime[CLASSIFY_FLOORS];
   float floorKiB[CLASSIFY_FLOORS];
   float floorJump[CLASSIFY_FLOORS];
   int floorHead, floorCount;
   double highFloorKiB, baseFloorKiB, noiseKiB;
   double lastRecord;   /* time of the last new high, < 0 none */
   double lastSpike;    /* time of the last single-tick jump, < 0 none */
   double lastDrop;     /* time the floor last came back down from a high, < 0 none */
   double fastSpan;     /* shortest shortened span whose records suffice, 0 none */
   bool strictHeld;     /* the strict window's records suffice */
   double enteringSpan; /* the span a growth candidate rests on, 0 none */
   double enteredSpan;  /* the span the growth verdict was entered on */
   double floorT;       /* t of the segments' rises over the strict window, NAN unknown */

   /* USS trend: decayed least squares with an intercept. */
   double ussTime; /* of the last reading fed, < 0 none */
   double uw, ut, uy, utt, uty, uyy;

   GrowthVerdict verdict, candidate;
   GrowthReason reason, candidateReason;
   double since;          /* time of the last verdict change */
   double candidateSince; /* time the candidate was first proposed */
   GrowthEvidence evidence;
} GrowthClassifier;

void Classifier_init(GrowthClassifier* this);

/* Feeds one tick. Times must not go backwards; gaps are allowed. */
void Classifier_update(GrowthClassifier* this, const ClassifierInput* in);

/* Forgets what was learnt about traffic: the source changed, and its units
   with it. Memory-only evidence and the verdict are kept. */
void Classifier_resetTraffic(GrowthClassifier* this);

/* True for the verdicts that say memory is growing now. */
bool Classifier_isGrowth(const GrowthClassifier* this);

/* Floor growth in KiB/min when significantly positive, else NAN: the slope
   a time to the limit is projected from. */
double Classifier_projectedGrowth(const GrowthClassifier* this);

const char* Classifier_label(GrowthVerdict verdict);
/* NULL for REASON_NONE. */
const char* Classifier_reasonText(GrowthReason reason);
/* "inconclusive: traffic constant" and the like, for one-line display. */
void Classifier_describe(const GrowthClassifier* this, char* out, int size);

#endif
