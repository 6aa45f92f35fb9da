#ifndef HEADER_RecycleVerdict
#define HEADER_RecycleVerdict
/* Growth masked by recycling (gunicorn max_requests, celery
   max_tasks_per_child, uwsgi reload-on-rss): no generation of a worker
   lives long enough for a live verdict, so each one is judged from birth to
   exit, and the verdict says whether they all grew alike. Pure logic: the
   samples and the ends are passed in, nothing is read.

   A generation's trace is bounded (downsampled by halving as it fills);
   what is kept of it when it ends is a GenerationRecord: its growth after
   its warm-up (the first quarter of its life, where imports and first
   requests allocate), the share of that growth in its second half (a
   plateau has none), the traffic it served meanwhile, and the trace's
   points, for a chart of the generations one after another. Its RSS at its
   end is the highest of its last quarter: what a worker frees as it shuts
   down is not what it had grown to. */

#include <stdbool.h>

/* How a worker ended, from ExitedProcess.how. */
typedef enum RecycleEnd {
   END_RECYCLE,  /* exit 0, or SIGTERM/SIGQUIT/SIGHUP from its master */
   END_CRASH,    /* a non-zero exit, or any other signal */
   END_OOM_KILL, /* the cgroup counted an OOM kill as it ended */
   END_UNKNOWN,  /* gone before its exit status could be read (its master reaped it) */
} RecycleEnd;

#define RECYCLE_TRACE_POINTS 32

typedef struct GenerationTrace {
   int count;   /* points kept */
   int stride;  /* samples per kept point: doubles each time the trace fills */
   int skipped; /* samples since the last kept point */
   double firstTime;
   float time[RECYCLE_TRACE_POINTS]; /* seconds after firstTime */
   float rssKiB[RECYCLE_TRACE_POINTS];
   float units[RECYCLE_TRACE_POINTS]; /* traffic served before the point */
   double lastTime, lastRssKiB;       /* the newest sample, kept or not */
   double served;                     /* traffic served so far */
   bool trafficKnown;                 /* in every sample after the first */
} GenerationTrace;

typedef struct GenerationRecord {
   unsigned generation;
   RecycleEnd end;
   double lifetime;       /* seconds from its start to its exit */
   double exitTime;       /* its last sample, monotonic seconds; < 0 never sampled */
   double totalGrowthKiB; /* RSS at its end minus RSS when first seen */
   double totalUnits;     /* traffic served while seen */
   bool measured;         /* seen long enough for the fields below */
   double seconds;        /* after its warm-up */
   double growthKiB;      /* after its warm-up */
   double lateGrowthKiB;  /* of growthKiB, in the second half of that span */
   bool trafficKnown;
   double units; /* after its warm-up */
   /* Its RSS over its life, the trace's points: one tooth of the slot's
      sawtooth. Times are seconds after startTime (monotonic). */
   double startTime;
   int points;
   float time[RECYCLE_TRACE_POINTS];
   float rssKiB[RECYCLE_TRACE_POINTS];
} GenerationRecord;

typedef enum RecycleLabel {
   RECYCLE_NONE,
   RECYCLE_GROWS_WITH_TRAFFIC,
   RECYCLE_GROWS_WITH_TIME,
} RecycleLabel;

#define RECYCLE_EVIDENCE_SIZE 160

typedef struct RecycleVerdict {
   RecycleLabel label;
   int generations;         /* measured generations judged */
   double growthKiB;        /* mean growth per generation, birth to exit */
   double units;            /* mean traffic per generation */
   double perThousandUnits; /* KiB per 1000 units after warm-up, NAN unless by traffic */
   double perMinute;        /* KiB/min after warm-up */
   double lifetime;         /* mean seconds between restarts of one slot */
   double restartsPerHour;  /* of all the slots judged */
   double spread;           /* coefficient of variation of the judged rate */
   char evidence[RECYCLE_EVIDENCE_SIZE];
} RecycleVerdict;

RecycleEnd RecycleVerdict_endOf(const char* how);
const char* RecycleVerdict_endName(RecycleEnd end);

void GenerationTrace_init(GenerationTrace* this);
/* One tick of the live generation; an unknown RSS is not fed. */
void GenerationTrace_add(GenerationTrace* this, double time, double rssKiB, bool trafficKnown,
                         double trafficDelta);

/* What is kept of a generation that ended. */
void GenerationRecord_close(GenerationRecord* out, const GenerationTrace* trace,
                            unsigned generation, double lifetime, RecycleEnd end);

#define RECYCLE_JUDGE_MAX 64

/* Judges n generations (the first RECYCLE_JUDGE_MAX) of one slot, or of
   every slot of a tree (slots says how many, for the restarts per hour);
   unit names the traffic unit ("requests") for the evidence. */
void RecycleVerdict_judge(RecycleVerdict* this, const GenerationRecord* const* gens, int n,
                          int slots, const char* unit);

/* "grows with traffic, recycled"; "" for RECYCLE_NONE. */
const char* RecycleVerdict_label(RecycleLabel label);

#endif
