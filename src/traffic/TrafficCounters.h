#ifndef HEADER_TrafficCounters
#define HEADER_TrafficCounters
/* The last reading of every cumulative counter a source reads per process
   (a command's request count, uwsgi's requests per worker, read syscalls),
   keyed by PID and start time so that a reused PID starts a new counter.
   Pure bookkeeping: the traffic of a tick is the difference of two readings. */

#include <stdbool.h>
#include <sys/types.h>

typedef struct TrafficCounter {
   pid_t pid; /* 0 for a tree's counter */
   unsigned long long startTicks;
   double value;
   unsigned long tick; /* the last tick it was read in */
} TrafficCounter;

typedef struct TrafficCounters {
   TrafficCounter* counters;
   int count;
   int capacity;
   unsigned long tick;
} TrafficCounters;

/* Starts a tick: the readings that follow are this tick's. */
void TrafficCounters_beginTick(TrafficCounters* this);

/* Records this tick's reading of the counter of (pid, startTicks); *delta
   is the traffic since its last reading. False for its first reading (the
   baseline, *delta 0). */
bool TrafficCounters_advance(TrafficCounters* this, pid_t pid, unsigned long long startTicks,
                             double value, double* delta);

/* Forgets the counters not read this tick: their processes ended, or the
   counters start again from a new baseline when they come back. */
void TrafficCounters_prune(TrafficCounters* this);

void TrafficCounters_done(TrafficCounters* this);

#endif
