#ifndef HEADER_SmapsHistory
#define HEADER_SmapsHistory
/* Bounded history of a process's USS and PSS readings (KiB), taken on the
   slower smaps cadence (--smaps-interval) and only while they are shown, so
   not on the RSS tiers: a ring of the last readings, each with its own time.
   A time with no reading stays a gap. Pure logic: time is passed in. */

#include <stdbool.h>
#include <stdint.h>

/* 90 readings, 12 bytes each: 15 minutes at the default 10 s cadence (45
   at --smaps-interval 30). 1000 processes cost 1.1 MiB more, and
   bench/own_memory must stay under 31.5 MiB peak: 120 readings left no
   margin. */
#define SMAPS_HISTORY_ROWS 90

typedef struct SmapsReading {
   double time; /* monotonic seconds */
   uint32_t ussKiB;
   uint32_t pssKiB;
} SmapsReading;

typedef struct SmapsHistory {
   double origin; /* times are stored as tenths of a second since it */
   int count;     /* readings kept, <= SMAPS_HISTORY_ROWS */
   int head;      /* index of the newest reading */
   /* Parallel arrays: no padding between the 4-byte fields. */
   uint32_t tenths[SMAPS_HISTORY_ROWS];
   uint32_t ussKiB[SMAPS_HISTORY_ROWS];
   uint32_t pssKiB[SMAPS_HISTORY_ROWS];
} SmapsHistory;

/* origin: the earliest time a reading can have (when the process was first
   seen); 32 bits of tenths reach 13 years past it. */
void SmapsHistory_init(SmapsHistory* this, double origin);

/* Records the reading taken at time now; values saturate at 4 TiB. */
void SmapsHistory_add(SmapsHistory* this, double now, uint64_t ussKiB, uint64_t pssKiB);

/* Reading number age (0 = newest); false beyond what is kept. */
bool SmapsHistory_reading(const SmapsHistory* this, int age, SmapsReading* out);

#endif
