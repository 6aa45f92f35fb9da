#include "config.h"

#include "record/RecordSchema.h"

#include <stdio.h>
#include <string.h>

#include "record/RecordFormat.h"

typedef struct FieldDef {
   RecordScope scope;
   unsigned kind;
   unsigned cadence;
   const char* name;
   const char* unit;
} FieldDef;

/* In id order within each scope (the id is the position + 1), and in each
   scope what changes every tick first, so a row's bitmap stays one byte. */
static const FieldDef RecordSchema_defs[] = {
      {RECORD_SCOPE_HOST, FIELD_COUNTER, CADENCE_TICK, "tick", "count"},
      {RECORD_SCOPE_HOST, FIELD_GAUGE, CADENCE_TICK, "mem_available_kib", "KiB"},
      {RECORD_SCOPE_HOST, FIELD_GAUGE, CADENCE_TICK, "mem_total_kib", "KiB"},

      {RECORD_SCOPE_TREE, FIELD_GAUGE, CADENCE_TICK, "cgroup_current_bytes", "bytes"},
      {RECORD_SCOPE_TREE, FIELD_AMOUNT, CADENCE_SAMPLE, "traffic_delta", "unit x scale"},
      {RECORD_SCOPE_TREE, FIELD_GAUGE, CADENCE_TICK, "cgroup_limit_bytes", "bytes"},
      {RECORD_SCOPE_TREE, FIELD_COUNTER, CADENCE_TICK, "cgroup_oom_kills", "count"},
      {RECORD_SCOPE_TREE, FIELD_ENUM, CADENCE_TICK, "verdict", "tree verdict"},
      {RECORD_SCOPE_TREE, FIELD_ENUM, CADENCE_TICK, "traffic_idle", "0/1"},
      {RECORD_SCOPE_TREE, FIELD_ENUM, CADENCE_TICK, "traffic_split", "0/1"},
      {RECORD_SCOPE_TREE, FIELD_ENUM, CADENCE_TICK, "root_exited", "0/1"},
      {RECORD_SCOPE_TREE, FIELD_COUNTER, CADENCE_TICK, "exited_total", "count"},

      {RECORD_SCOPE_PROCESS, FIELD_COUNTER, CADENCE_TICK, "cpu_ticks", "clock ticks"},
      {RECORD_SCOPE_PROCESS, FIELD_COUNTER, CADENCE_TICK, "ctx_voluntary", "count"},
      {RECORD_SCOPE_PROCESS, FIELD_COUNTER, CADENCE_TICK, "ctx_involuntary", "count"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_TICK, "rss_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_TICK, "rss_anon_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_AMOUNT, CADENCE_SAMPLE, "traffic_delta", "unit x scale"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_TICK, "rss_file_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_SAMPLE, "pss_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_SAMPLE, "uss_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_SAMPLE, "swap_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_GAUGE, CADENCE_TICK, "rss_shmem_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_COUNTER, CADENCE_TICK, "peak_rss_kib", "KiB"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "state", "ASCII"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "idle", "0/1"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "verdict", "growth verdict"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "verdict_reason", "reason"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "snapshot_verdict", "snapshot verdict"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_SAMPLE, "smaps_errno", "errno"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "ppid", "pid"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "role", "role"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "generation", "count"},
      {RECORD_SCOPE_PROCESS, FIELD_ENUM, CADENCE_TICK, "depth", "count"},
};

static RecordField* RecordSchema_add(RecordSchema* this, RecordScope scope, unsigned id,
                                     unsigned stat, unsigned kind, unsigned cadence,
                                     const char* name, const char* unit) {
   RecordField* f = &this->fields[scope][this->count[scope]++];
   *f = (RecordField){.id = id, .stat = stat, .kind = kind, .cadence = cadence};
   snprintf(f->name, sizeof(f->name), "%s", name);
   snprintf(f->unit, sizeof(f->unit), "%s", unit);
   return f;
}

void RecordSchema_raw(RecordSchema* out) {
   memset(out, 0, sizeof(*out));
   for (size_t i = 0; i < sizeof(RecordSchema_defs) / sizeof(RecordSchema_defs[0]); i++) {
      const FieldDef* d = &RecordSchema_defs[i];
      RecordSchema_add(out, d->scope, (unsigned)out->count[d->scope] + 1, STAT_RAW, d->kind,
                       d->cadence, d->name, d->unit);
   }
}

void RecordSchema_consolidated(const RecordSchema* raw, RecordSchema* out) {
   static const unsigned gauge[] = {STAT_MIN, STAT_MAX, STAT_LAST, STAT_MEAN};
   static const unsigned last[] = {STAT_LAST};
   static const unsigned sum[] = {STAT_SUM};
   memset(out, 0, sizeof(*out));
   for (int s = 0; s < RECORD_SCOPES; s++) {
      for (int i = 0; i < raw->count[s]; i++) {
         const RecordField* f = &raw->fields[s][i];
         if (f->stat != STAT_RAW || f->id == RF_TICKS)
            continue;
         const unsigned* stats = f->kind == FIELD_GAUGE    ? gauge
                                 : f->kind == FIELD_AMOUNT ? sum
                                                           : last;
         int n = f->kind == FIELD_GAUGE ? 4 : 1;
         for (int k = 0; k < n && out->count[s] < RECORD_FIELDS_MAX - 1; k++)
            RecordSchema_add(out, (RecordScope)s, f->id, stats[k], f->kind, CADENCE_TICK, f->name,
                             f->unit);
      }
      RecordSchema_add(out, (RecordScope)s, RF_TICKS, STAT_SUM, FIELD_COUNTER, CADENCE_TICK,
                       "ticks", "count");
   }
}

int RecordSchema_find(const RecordSchema* this, RecordScope scope, unsigned id, unsigned stat) {
   for (int i = 0; i < this->count[scope]; i++)
      if (this->fields[scope][i].id == id && this->fields[scope][i].stat == stat)
         return i;
   return -1;
}

bool RecordSchema_equal(const RecordSchema* a, const RecordSchema* b) {
   for (int s = 0; s < RECORD_SCOPES; s++) {
      if (a->count[s] != b->count[s])
         return false;
      for (int i = 0; i < a->count[s]; i++) {
         const RecordField* x = &a->fields[s][i];
         const RecordField* y = &b->fields[s][i];
         if (x->id != y->id || x->stat != y->stat || x->kind != y->kind ||
             x->cadence != y->cadence || strcmp(x->name, y->name) != 0 ||
             strcmp(x->unit, y->unit) != 0)
            return false;
      }
   }
   return true;
}

void RecordSchema_encode(const RecordSchema* this, ByteBuffer* out) {
   for (int s = 0; s < RECORD_SCOPES; s++) {
      ByteBuffer_putVarint(out, (uint64_t)this->count[s]);
      for (int i = 0; i < this->count[s]; i++) {
         const RecordField* f = &this->fields[s][i];
         ByteBuffer_putVarint(out, f->id);
         ByteBuffer_putVarint(out, f->stat);
         ByteBuffer_putVarint(out, f->kind);
         ByteBuffer_putVarint(out, f->cadence);
         ByteBuffer_putString(out, f->name, strlen(f->name));
         ByteBuffer_putString(out, f->unit, strlen(f->unit));
      }
   }
}

/* Names and units are for people: a longer one than we keep is cut, not refused. */
static void RecordSchema_text(ByteReader* in, char* out, size_t size) {
   const uint8_t* data;
   size_t n;
   ByteReader_string(in, &data, &n, 4096);
   if (n >= size)
      n = size - 1;
   if (n)
      memcpy(out, data, n);
   out[n] = '\0';
}

bool RecordSchema_decode(RecordSchema* this, ByteReader* in, char* err, size_t errSize) {
   memset(this, 0, sizeof(*this));
   for (int s = 0; s < RECORD_SCOPES && in->ok; s++) {
      int count = (int)ByteReader_bounded(in, RECORD_FIELDS_MAX);
      for (int i = 0; i < count && in->ok; i++) {
         RecordField* f = &this->fields[s][i];
         f->id = (unsigned)ByteReader_bounded(in, 0xffff);
         f->stat = (unsigned)ByteReader_bounded(in, 0xffff);
         f->kind = (unsigned)ByteReader_bounded(in, 0xffff);
         f->cadence = (unsigned)ByteReader_varint(in);
         RecordSchema_text(in, f->name, sizeof(f->name));
         RecordSchema_text(in, f->unit, sizeof(f->unit));
         if (in->ok && f->cadence > CADENCE_SAMPLE) {
            snprintf(err, errSize, "field %s has cadence %u, which format %d.x cannot decode",
                     f->name, f->cadence, RECORD_FORMAT_MAJOR);
            return false;
         }
      }
      this->count[s] = in->ok ? count : 0;
   }
   if (!in->ok)
      snprintf(err, errSize, "malformed field table");
   return in->ok;
}
