#ifndef HEADER_RecordSim
#define HEADER_RecordSim
/* A simulated service tree for the recorder, from a deterministic seed: a
   master and its workers sampled every second (RSS creeping up, one worker
   leaking, noisy CPU, context switches and traffic, smaps every 10 s) and
   a worker recycled every hour, with the events and infos a recorder
   writes. Shared by bench/record_codec, the store's unit tests and the
   fuzzer's corpus, so all of them write the same kind of data. */

#include <stdint.h>

#include "record/RecordEvent.h"
#include "record/RecordSchema.h"
#include "record/RecordTick.h"

#define RECORDSIM_CMDLINE_SIZE 112

typedef struct RecordSimProcess {
   uint64_t pid, startTicks;
   unsigned generation;
   int64_t cpu, ctxVoluntary, ctxInvoluntary;
   int64_t rssKiB, fileKiB, shmemKiB, peakKiB;
   int64_t pssKiB, ussKiB, swapKiB;
   int64_t leakCarry; /* KiB of growth not yet a whole page */
   int64_t leakPerMinKiB;
} RecordSimProcess;

typedef struct RecordSim {
   uint64_t rng;
   int count; /* processes, the master first */
   RecordSimProcess* procs;
   int64_t wallUs, monoUs;
   int64_t ticks;
   int smapsEvery; /* seconds */
   uint64_t nextPid;
   int exitedTotal;
   RecordTick tick;
   RecordEvent* events; /* room for the first tick's: two per process and a few */
   int eventCount;
   char (*text)[RECORDSIM_CMDLINE_SIZE]; /* the command line of events[i] */
} RecordSim;

/* processes: the master and processes - 1 workers, in a tree recorded from
   startWallUs on. */
void RecordSim_init(RecordSim* this, int processes, uint64_t seed, int64_t startWallUs);
void RecordSim_done(RecordSim* this);

/* The next second: its tick, and in this->events what happened since the
   last (the infos and starts of the first tick, a worker's recycling).
   Rows follow RecordSchema_raw(). */
const RecordTick* RecordSim_next(RecordSim* this);

#endif
