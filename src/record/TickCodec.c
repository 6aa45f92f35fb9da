#include "config.h"

#include "record/TickCodec.h"

#include <stdlib.h>
#include <string.h>

#include "record/ByteReader.h"
#include "record/RecordFormat.h"
#include "record/Varint.h"
#include "util/XUtils.h"

void TickCodec_init(TickCodec* this, const RecordSchema* schema) {
   memset(this, 0, sizeof(*this));
   this->schema = schema;
   for (int k = 0; k < 2; k++)
      KeyMap_init(&this->keys[k].index);
}

void TickCodec_done(TickCodec* this) {
   for (int k = 0; k < 2; k++) {
      free(this->keys[k].slots);
      KeyMap_done(&this->keys[k].index);
   }
   memset(this, 0, sizeof(*this));
}

void TickCodec_reset(TickCodec* this) {
   this->prevWall = this->prevMono = 0;
   memset(&this->host, 0, sizeof(this->host));
   for (int k = 0; k < 2; k++) {
      this->keys[k].count = 0;
      KeyMap_clear(&this->keys[k].index);
   }
}

int TickCodec_keyCount(const TickCodec* this) {
   return this->keys[0].count > this->keys[1].count ? this->keys[0].count : this->keys[1].count;
}

static TickSlot* TickKeys_add(TickKeys* this, uint64_t a, uint64_t b) {
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 16;
      this->slots = xReallocArray(this->slots, (size_t)this->capacity, sizeof(TickSlot));
   }
   TickSlot* s = &this->slots[this->count++];
   memset(s, 0, sizeof(*s));
   s->key[0] = a;
   s->key[1] = b;
   return s;
}

/* The key's number if the chunk has met it, else a new number followed by
   the key itself. */
static TickSlot* TickCodec_putKey(TickKeys* keys, const RecordRow* row, ByteBuffer* out) {
   int i = KeyMap_get(&keys->index, row->key[0], row->key[1]);
   if (i >= 0) {
      ByteBuffer_putVarint(out, (uint64_t)i);
      return &keys->slots[i];
   }
   ByteBuffer_putVarint(out, (uint64_t)keys->count);
   ByteBuffer_putVarint(out, row->key[0]);
   ByteBuffer_putVarint(out, row->key[1]);
   KeyMap_put(&keys->index, row->key[0], row->key[1], keys->count);
   return TickKeys_add(keys, row->key[0], row->key[1]);
}

static void TickCodec_putRow(const TickCodec* this, RecordScope scope, TickSlot* s,
                             const RecordRow* row, ByteBuffer* out) {
   const RecordField* fields = this->schema->fields[scope];
   int n = this->schema->count[scope];
   uint64_t bits = 0;
   uint64_t u[RECORD_FIELDS_MAX];
   for (int i = 0; i < n; i++) {
      uint64_t bit = 1ULL << i;
      bool has = row->present & bit;
      uint64_t v = (uint64_t)row->value[i];
      if (fields[i].cadence == CADENCE_SAMPLE) {
         if (!has)
            continue;
         u[i] = Varint_zigzag(v - s->last[i]);
         s->last[i] = v;
      } else if (s->known & bit) {
         if (has && v == s->last[i])
            continue;
         /* 0 says "now unknown": a real change has a nonzero delta. */
         u[i] = has ? Varint_zigzag(v - s->last[i]) : 0;
         if (has)
            s->last[i] = v;
         else
            s->known &= ~bit;
      } else {
         if (!has)
            continue;
         u[i] = Varint_zigzag(v - s->last[i]);
         s->last[i] = v;
         s->known |= bit;
      }
      bits |= bit;
   }
   ByteBuffer_putVarint(out, bits);
   for (int i = 0; i < n; i++)
      if (bits >> i & 1)
         ByteBuffer_putVarint(out, u[i]);
}

void TickCodec_encode(TickCodec* this, const RecordTick* tick, ByteBuffer* out) {
   ByteBuffer_putVarint(out, Varint_zigzag((uint64_t)tick->wallUs - this->prevWall));
   ByteBuffer_putVarint(out, Varint_zigzag((uint64_t)tick->monoUs - this->prevMono));
   this->prevWall = (uint64_t)tick->wallUs;
   this->prevMono = (uint64_t)tick->monoUs;
   TickCodec_putRow(this, RECORD_SCOPE_HOST, &this->host, &tick->host, out);
   ByteBuffer_putVarint(out, (uint64_t)tick->treeCount);
   for (int t = 0; t < tick->treeCount; t++) {
      const RecordTree* tree = &tick->trees[t];
      TickSlot* s = TickCodec_putKey(&this->keys[0], &tree->row, out);
      TickCodec_putRow(this, RECORD_SCOPE_TREE, s, &tree->row, out);
      ByteBuffer_putVarint(out, (uint64_t)tree->count);
      for (int p = tree->first; p < tree->first + tree->count; p++) {
         s = TickCodec_putKey(&this->keys[1], &tick->procs[p], out);
         TickCodec_putRow(this, RECORD_SCOPE_PROCESS, s, &tick->procs[p], out);
      }
   }
}

static TickSlot* TickCodec_getKey(TickKeys* keys, ByteReader* in, RecordRow* row) {
   uint64_t i = ByteReader_bounded(in, (uint64_t)keys->count);
   if (!in->ok)
      return NULL;
   if (i < (uint64_t)keys->count) {
      TickSlot* s = &keys->slots[i];
      row->key[0] = s->key[0];
      row->key[1] = s->key[1];
      return s;
   }
   row->key[0] = ByteReader_varint(in);
   row->key[1] = ByteReader_varint(in);
   if (!in->ok || keys->count >= RECORD_MAX_KEYS) {
      in->ok = false;
      return NULL;
   }
   return TickKeys_add(keys, row->key[0], row->key[1]);
}

static void TickCodec_getRow(const TickCodec* this, RecordScope scope, TickSlot* s, ByteReader* in,
                             RecordRow* row) {
   const RecordField* fields = this->schema->fields[scope];
   int n = this->schema->count[scope];
   uint64_t bits = ByteReader_varint(in);
   row->present = 0;
   if (n < 64 && bits >> n) {
      in->ok = false;
      return;
   }
   for (int i = 0; i < n && in->ok; i++) {
      uint64_t bit = 1ULL << i;
      bool sample = fields[i].cadence == CADENCE_SAMPLE;
      if (bits & bit) {
         uint64_t u = ByteReader_varint(in);
         if (!sample && (s->known & bit) && u == 0) {
            s->known &= ~bit;
         } else {
            s->last[i] += Varint_unzigzag(u);
            if (sample)
               row->present |= bit;
            else
               s->known |= bit;
         }
      }
      if (!sample && (s->known & bit))
         row->present |= bit;
      row->value[i] = (int64_t)s->last[i];
   }
}

bool TickCodec_decode(TickCodec* this, const uint8_t* data, size_t size, RecordTick* out) {
   ByteReader in;
   ByteReader_init(&in, data, size);
   this->prevWall += Varint_unzigzag(ByteReader_varint(&in));
   this->prevMono += Varint_unzigzag(ByteReader_varint(&in));
   RecordTick_clear(out, (int64_t)this->prevWall, (int64_t)this->prevMono);
   TickCodec_getRow(this, RECORD_SCOPE_HOST, &this->host, &in, &out->host);
   /* Every tree and process takes at least two bytes (key, bitmap): a
      count beyond the bytes left cannot be true. */
   uint64_t trees = ByteReader_bounded(&in, ByteReader_left(&in) / 2);
   uint64_t rows = 0;
   for (uint64_t t = 0; t < trees && in.ok; t++) {
      RecordRow* row = RecordTick_addTree(out, 0, 0);
      TickSlot* s = TickCodec_getKey(&this->keys[0], &in, row);
      if (!s)
         break;
      TickCodec_getRow(this, RECORD_SCOPE_TREE, s, &in, row);
      uint64_t procs = ByteReader_bounded(&in, ByteReader_left(&in) / 2);
      rows += procs;
      if (rows > RECORD_MAX_ROWS || trees > RECORD_MAX_ROWS)
         in.ok = false;
      for (uint64_t p = 0; p < procs && in.ok; p++) {
         RecordRow* prow = RecordTick_addProcess(out, 0, 0);
         s = TickCodec_getKey(&this->keys[1], &in, prow);
         if (!s)
            break;
         TickCodec_getRow(this, RECORD_SCOPE_PROCESS, s, &in, prow);
      }
   }
   return in.ok && ByteReader_left(&in) == 0;
}
