#include "config.h"

#include "record/RecordTick.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void RecordTick_init(RecordTick* this) {
   memset(this, 0, sizeof(*this));
}

void RecordTick_done(RecordTick* this) {
   free(this->trees);
   free(this->procs);
   memset(this, 0, sizeof(*this));
}

void RecordTick_clear(RecordTick* this, int64_t wallUs, int64_t monoUs) {
   this->wallUs = wallUs;
   this->monoUs = monoUs;
   this->host.present = 0;
   this->treeCount = 0;
   this->procCount = 0;
}

static void RecordRow_start(RecordRow* row, uint64_t pid, uint64_t startTicks) {
   row->key[0] = pid;
   row->key[1] = startTicks;
   row->present = 0;
}

RecordRow* RecordTick_addTree(RecordTick* this, uint64_t pid, uint64_t startTicks) {
   if (this->treeCount == this->treeCapacity) {
      this->treeCapacity = this->treeCapacity ? this->treeCapacity * 2 : 4;
      this->trees = xReallocArray(this->trees, (size_t)this->treeCapacity, sizeof(RecordTree));
   }
   RecordTree* t = &this->trees[this->treeCount++];
   RecordRow_start(&t->row, pid, startTicks);
   t->first = this->procCount;
   t->count = 0;
   return &t->row;
}

RecordRow* RecordTick_addProcess(RecordTick* this, uint64_t pid, uint64_t startTicks) {
   if (this->procCount == this->procCapacity) {
      this->procCapacity = this->procCapacity ? this->procCapacity * 2 : 16;
      this->procs = xReallocArray(this->procs, (size_t)this->procCapacity, sizeof(RecordRow));
   }
   RecordRow* row = &this->procs[this->procCount++];
   RecordRow_start(row, pid, startTicks);
   this->trees[this->treeCount - 1].count++;
   return row;
}

void RecordTick_copy(RecordTick* this, const RecordTick* from) {
   RecordTick_clear(this, from->wallUs, from->monoUs);
   this->host = from->host;
   for (int t = 0; t < from->treeCount; t++) {
      const RecordTree* tree = &from->trees[t];
      *RecordTick_addTree(this, tree->row.key[0], tree->row.key[1]) = tree->row;
      for (int p = tree->first; p < tree->first + tree->count; p++)
         *RecordTick_addProcess(this, from->procs[p].key[0], from->procs[p].key[1]) =
               from->procs[p];
   }
}
