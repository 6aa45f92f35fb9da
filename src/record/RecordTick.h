#ifndef HEADER_RecordTick
#define HEADER_RecordTick
/* One tick as the store takes and gives it: the host row, and per watched
   tree its row and its processes' rows, each row keyed by (pid, start
   ticks) and holding the fields of a RecordSchema by index, with a bit per
   field saying whether it is known. A value that was not read is absent,
   never 0. */

#include <stdbool.h>
#include <stdint.h>

#include "record/RecordSchema.h"

typedef struct RecordRow {
   uint64_t key[2]; /* pid and start ticks; the host row has none */
   uint64_t present;
   int64_t value[RECORD_FIELDS_MAX];
} RecordRow;

typedef struct RecordTree {
   RecordRow row;
   int first; /* its processes are procs[first .. first + count) */
   int count;
} RecordTree;

typedef struct RecordTick {
   int64_t wallUs;
   int64_t monoUs;
   RecordRow host;
   RecordTree* trees;
   int treeCount;
   int treeCapacity;
   RecordRow* procs;
   int procCount;
   int procCapacity;
} RecordTick;

void RecordTick_init(RecordTick* this);
void RecordTick_done(RecordTick* this);

/* Empties the tick for the time given. */
void RecordTick_clear(RecordTick* this, int64_t wallUs, int64_t monoUs);

RecordRow* RecordTick_addTree(RecordTick* this, uint64_t pid, uint64_t startTicks);
/* A process of the tree added last (there must be one). */
RecordRow* RecordTick_addProcess(RecordTick* this, uint64_t pid, uint64_t startTicks);

void RecordTick_copy(RecordTick* this, const RecordTick* from);

static inline void RecordRow_set(RecordRow* row, int index, int64_t value) {
   row->present |= 1ULL << index;
   row->value[index] = value;
}

/* False when index is -1 (a field the schema lacks) or the value is absent. */
static inline bool RecordRow_get(const RecordRow* row, int index, int64_t* value) {
   if (index < 0 || index >= RECORD_FIELDS_MAX || !(row->present >> index & 1))
      return false;
   *value = row->value[index];
   return true;
}

#endif
