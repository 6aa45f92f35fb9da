#ifndef HEADER_Consolidator
#define HEADER_Consolidator
/* Turns 1 s ticks into the 1 min tier's ticks: one per wall-clock minute,
   one row per key seen in it, each 1 s field by its kind (gauge: min,
   max, last, mean; counter and enum: last; amount: sum) plus the count of
   ticks the row was in (doc/recording-format.md, "Consolidation tiers").
   Pure logic: ticks in, ticks out. */

#include <stdint.h>

#include "record/KeyMap.h"
#include "record/RecordSchema.h"
#include "record/RecordTick.h"

typedef struct ConsolidatorRow {
   uint64_t key[2];
   int tree; /* a process's tree: its index among the minute's trees */
   uint32_t ticks;
   uint64_t seen; /* 1 s fields read at least once in the minute */
   int64_t min[RECORD_FIELDS_MAX];
   int64_t max[RECORD_FIELDS_MAX];
   int64_t last[RECORD_FIELDS_MAX];
   int64_t sum[RECORD_FIELDS_MAX]; /* saturating */
   uint32_t n[RECORD_FIELDS_MAX];
} ConsolidatorRow;

typedef struct ConsolidatorRows {
   ConsolidatorRow* rows;
   int count;
   int capacity;
   KeyMap index;
} ConsolidatorRows;

typedef struct Consolidator {
   const RecordSchema* raw;
   RecordSchema schema; /* the 1 min tier's table */
   /* For each field of schema, the 1 s field it comes from; -1 for ticks. */
   int source[RECORD_SCOPES][RECORD_FIELDS_MAX];
   int64_t minuteUs; /* start of the open minute; -1 before the first tick */
   int64_t lastMonoUs;
   ConsolidatorRow host;
   ConsolidatorRows trees;
   ConsolidatorRows procs;
   RecordTick out;
} Consolidator;

void Consolidator_init(Consolidator* this, const RecordSchema* raw);
void Consolidator_done(Consolidator* this);

/* Adds a 1 s tick. When it falls in another minute than the open one, that
   minute is finished first and returned (valid until the next call);
   otherwise NULL. */
const RecordTick* Consolidator_add(Consolidator* this, const RecordTick* tick);

/* Finishes the open minute (a clean stop); NULL when there is none. */
const RecordTick* Consolidator_flush(Consolidator* this);

#endif
