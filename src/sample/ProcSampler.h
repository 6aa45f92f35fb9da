#ifndef HEADER_ProcSampler
#define HEADER_ProcSampler
/* Per-process figures. Every tick: /proc/PID/stat, and status and the fd
   count where stat changed or is due a refresh (sample/StatusCache.h): a
   process that did not run opened no fd. smaps_rollup, which
   walks the target's page tables, and the host-wide listing go through
   libproc2 on a slower cadence. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/FdProbe.h"

typedef struct ProcSample {
   pid_t pid;
   pid_t ppid;
   unsigned long long startTicks;
   char state;
   unsigned long flags; /* stat flags (PF_KTHREAD) */
   bool memKnown;       /* status had VmRSS (kernel threads and zombies have none) */
   uint64_t rssKiB, anonKiB, fileKiB, shmemKiB;
   unsigned long long cpuTicks;
   bool ctxKnown;
   uint64_t ctxVoluntary, ctxInvoluntary;
   unsigned threads; /* stat's num_threads; 0 unknown */
   bool fdKnown;
   uint32_t fds; /* open fds */
   int fdErr;    /* errno explaining why they are not known */
   /* A hash of the stat text, 0 when the source has none: equal hashes mean
      the process did not run, fault or change (Machine skips its smaps). */
   uint64_t statHash;
   /* Traffic served during the last tick, from sample sources that carry
      it with the samples (a recording, a script); the live one leaves it
      unknown and its traffic source measures (traffic/Traffic.h). */
   bool trafficKnown;
   double trafficDelta;
} ProcSample;

typedef struct SmapsSample {
   pid_t pid;
   bool known;
   int err;     /* errno explaining why not known */
   bool unread; /* no reading this tick (a recording between two): the last one stands */
   uint64_t pssKiB, ussKiB, swapKiB;
} SmapsSample;

typedef struct ProcSampler ProcSampler;

ProcSampler* ProcSampler_new(void);
void ProcSampler_delete(ProcSampler* this);

/* Samples the given PIDs; returns how many exist (out is filled in order of
   discovery, not of pids). out must hold n entries. */
int ProcSampler_sample(ProcSampler* this, const pid_t* pids, int n, ProcSample* out);

/* Reads smaps_rollup of the given PIDs; out[i] belongs to pids[i]. */
void ProcSampler_smaps(ProcSampler* this, const pid_t* pids, int n, SmapsSample* out);

/* What the fds of the given PIDs are (sample/FdProbe.h); out[i] belongs to pids[i]. */
void ProcSampler_fds(ProcSampler* this, const pid_t* pids, int n, FdSample* out);

/* Every process on the host, from /proc/PID/stat only (pid, ppid, start,
   state, RSS); the result stays valid until the next call. */
int ProcSampler_listAll(ProcSampler* this, ProcSample** out);

/* Clock ticks per second, for start times and CPU. */
long ProcSampler_hertz(void);

#endif
