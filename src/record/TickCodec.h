#ifndef HEADER_TickCodec
#define HEADER_TickCodec
/* TICK records (doc/recording-format.md, "TICK"): each row's fields as
   zigzag varint deltas against the same key's previous tick in the chunk,
   with a bitmap of what changed, so that what did not change costs
   nothing. The codec is the chunk's state (keys met and their last
   values): reset it at every chunk start, on both sides. Pure logic. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"
#include "record/KeyMap.h"
#include "record/RecordSchema.h"
#include "record/RecordTick.h"

typedef struct TickSlot {
   uint64_t key[2];
   uint64_t known; /* tick-cadence fields that are known */
   uint64_t last[RECORD_FIELDS_MAX];
} TickSlot;

typedef struct TickKeys {
   TickSlot* slots;
   int count;
   int capacity;
   KeyMap index; /* encoder only */
} TickKeys;

typedef struct TickCodec {
   const RecordSchema* schema;
   uint64_t prevWall, prevMono;
   TickSlot host;
   TickKeys keys[2]; /* trees, processes */
} TickCodec;

void TickCodec_init(TickCodec* this, const RecordSchema* schema);
void TickCodec_done(TickCodec* this);
void TickCodec_reset(TickCodec* this);

/* The most keys of one scope this chunk has numbered: the writer seals
   before RECORD_MAX_KEYS. */
int TickCodec_keyCount(const TickCodec* this);

/* Appends the TICK payload of tick to out. */
void TickCodec_encode(TickCodec* this, const RecordTick* tick, ByteBuffer* out);

/* Decodes one TICK payload into out; false when it is malformed (the
   codec's state is then undefined until the next reset). */
bool TickCodec_decode(TickCodec* this, const uint8_t* data, size_t size, RecordTick* out);

#endif
