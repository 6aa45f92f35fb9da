#include "config.h"

#include "record/Consolidator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "record/RecordFormat.h"
#include "util/XUtils.h"

void Consolidator_init(Consolidator* this, const RecordSchema* raw) {
   memset(this, 0, sizeof(*this));
   this->raw = raw;
   RecordSchema_consolidated(raw, &this->schema);
   for (int s = 0; s < RECORD_SCOPES; s++)
      for (int i = 0; i < this->schema.count[s]; i++) {
         const RecordField* f = &this->schema.fields[s][i];
         this->source[s][i] =
               f->id == RF_TICKS ? -1 : RecordSchema_find(raw, (RecordScope)s, f->id, STAT_RAW);
      }
   this->minuteUs = -1;
   KeyMap_init(&this->trees.index);
   KeyMap_init(&this->procs.index);
   RecordTick_init(&this->out);
}

void Consolidator_done(Consolidator* this) {
   free(this->trees.rows);
   free(this->procs.rows);
   KeyMap_done(&this->trees.index);
   KeyMap_done(&this->procs.index);
   RecordTick_done(&this->out);
   memset(this, 0, sizeof(*this));
}

static void ConsolidatorRow_start(ConsolidatorRow* this, const uint64_t key[2], int tree) {
   this->key[0] = key[0];
   this->key[1] = key[1];
   this->tree = tree;
   this->ticks = 0;
   this->seen = 0;
}

static ConsolidatorRow* ConsolidatorRows_find(ConsolidatorRows* this, const uint64_t key[2],
                                              int tree) {
   int i = KeyMap_get(&this->index, key[0], key[1]);
   if (i >= 0)
      return &this->rows[i];
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 16;
      this->rows = xReallocArray(this->rows, (size_t)this->capacity, sizeof(ConsolidatorRow));
   }
   KeyMap_put(&this->index, key[0], key[1], this->count);
   ConsolidatorRow* r = &this->rows[this->count++];
   ConsolidatorRow_start(r, key, tree);
   return r;
}

static void ConsolidatorRow_add(ConsolidatorRow* this, int fields, const RecordRow* row) {
   this->ticks++;
   for (int i = 0; i < fields; i++) {
      int64_t v;
      if (!RecordRow_get(row, i, &v))
         continue;
      uint64_t bit = 1ULL << i;
      if (!(this->seen & bit)) {
         this->seen |= bit;
         this->min[i] = this->max[i] = this->sum[i] = v;
         this->n[i] = 1;
      } else {
         if (v < this->min[i])
            this->min[i] = v;
         if (v > this->max[i])
            this->max[i] = v;
         if (__builtin_add_overflow(this->sum[i], v, &this->sum[i]))
            this->sum[i] = v < 0 ? INT64_MIN : INT64_MAX;
         this->n[i]++;
      }
      this->last[i] = v;
   }
}

static void Consolidator_fill(const Consolidator* this, RecordScope scope,
                              const ConsolidatorRow* acc, RecordRow* out) {
   for (int j = 0; j < this->schema.count[scope]; j++) {
      int src = this->source[scope][j];
      if (src < 0) {
         RecordRow_set(out, j, acc->ticks);
         continue;
      }
      if (!(acc->seen >> src & 1))
         continue;
      int64_t v;
      switch (this->schema.fields[scope][j].stat) {
      case STAT_MIN:
         v = acc->min[src];
         break;
      case STAT_MAX:
         v = acc->max[src];
         break;
      case STAT_MEAN:
         v = (int64_t)llround((double)acc->sum[src] / acc->n[src]);
         break;
      case STAT_SUM:
         v = acc->sum[src];
         break;
      default:
         v = acc->last[src];
         break;
      }
      RecordRow_set(out, j, v);
   }
}

static const RecordTick* Consolidator_finish(Consolidator* this) {
   if (this->minuteUs < 0)
      return NULL;
   RecordTick* out = &this->out;
   RecordTick_clear(out, this->minuteUs, this->lastMonoUs);
   Consolidator_fill(this, RECORD_SCOPE_HOST, &this->host, &out->host);
   for (int t = 0; t < this->trees.count; t++) {
      const ConsolidatorRow* tree = &this->trees.rows[t];
      Consolidator_fill(this, RECORD_SCOPE_TREE, tree,
                        RecordTick_addTree(out, tree->key[0], tree->key[1]));
      for (int p = 0; p < this->procs.count; p++) {
         const ConsolidatorRow* proc = &this->procs.rows[p];
         if (proc->tree == t)
            Consolidator_fill(this, RECORD_SCOPE_PROCESS, proc,
                              RecordTick_addProcess(out, proc->key[0], proc->key[1]));
      }
   }
   this->minuteUs = -1;
   this->host.ticks = 0;
   this->host.seen = 0;
   this->trees.count = this->procs.count = 0;
   KeyMap_clear(&this->trees.index);
   KeyMap_clear(&this->procs.index);
   return out;
}

const RecordTick* Consolidator_add(Consolidator* this, const RecordTick* tick) {
   int64_t minute = tick->wallUs - tick->wallUs % RECORD_MINUTE_US;
   const RecordTick* done = NULL;
   if (this->minuteUs >= 0 && minute != this->minuteUs)
      done = Consolidator_finish(this);
   this->minuteUs = minute;
   this->lastMonoUs = tick->monoUs;
   const RecordSchema* raw = this->raw;
   ConsolidatorRow_add(&this->host, raw->count[RECORD_SCOPE_HOST], &tick->host);
   for (int t = 0; t < tick->treeCount; t++) {
      const RecordTree* tree = &tick->trees[t];
      int treeIndex = KeyMap_get(&this->trees.index, tree->row.key[0], tree->row.key[1]);
      if (treeIndex < 0)
         treeIndex = this->trees.count;
      ConsolidatorRow_add(ConsolidatorRows_find(&this->trees, tree->row.key, -1),
                          raw->count[RECORD_SCOPE_TREE], &tree->row);
      for (int p = tree->first; p < tree->first + tree->count; p++)
         ConsolidatorRow_add(ConsolidatorRows_find(&this->procs, tick->procs[p].key, treeIndex),
                             raw->count[RECORD_SCOPE_PROCESS], &tick->procs[p]);
   }
   return done;
}

const RecordTick* Consolidator_flush(Consolidator* this) {
   return Consolidator_finish(this);
}
