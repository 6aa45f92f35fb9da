#ifndef HEADER_Store
#define HEADER_Store
/* The writer's side of a recording directory: the lock, both tiers (the
   1 s ticks, and their 1 min consolidation made on the way), and the one
   size cap, enforced after every append by deleting whole closed segments
   (CapPolicy). A full disk is handled here too: the oldest data goes, the
   writer says so through its log and carries on. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ChunkCodec.h"
#include "record/RecordEvent.h"
#include "record/RecordFormat.h"
#include "record/RecordSchema.h"
#include "record/RecordTick.h"
#include "record/TierWriter.h"

#define STORE_DEFAULT_MAX_BYTES (256ULL << 20)

typedef struct StoreConfig {
   const char* dir;
   uint64_t maxBytes;
   uint64_t segmentBytes; /* 0: a 32nd of maxBytes, between 64 KiB and 16 MiB */
   int sealTicks[RECORD_TIERS];
   size_t sealBytes;
   const ChunkCodec* codec;
   int level;
   bool sync;
   char host[256];
   char bootId[64];
   int64_t bootTimeUs;
   uint64_t hertz;
   char writer[64];
   RecordLog log; /* NULL: messages are dropped */
   void* logCtx;
} StoreConfig;

/* This host's names and clocks, zstd, 256 MiB, chunks of 300 and 60 ticks. */
void StoreConfig_defaults(StoreConfig* this, const char* dir);

typedef struct Store Store;

/* Opens (creating it 0700) and locks dir, and carries on from what is in
   it. NULL with a message when dir is not ours, not a recording, holds a
   newer format, or is locked by another writer (named by PID). */
Store* Store_open(const StoreConfig* config, char* err, size_t errSize);

/* The table that ticks given to Store_appendTick follow (the 1 s tier's). */
const RecordSchema* Store_schema(const Store* this);

/* Each returns 0, or the errno of a failure it could not get around (it
   has been logged; the store goes on). */
int Store_appendTick(Store* this, const RecordTick* tick);
int Store_appendEvent(Store* this, const RecordEvent* event);

/* Bytes of every file of the directory. */
uint64_t Store_bytes(const Store* this);

/* Writes the partial minute, seals both tiers, unlocks. Returns 0 or the
   errno of what could not be written. */
int Store_close(Store* this);

#endif
