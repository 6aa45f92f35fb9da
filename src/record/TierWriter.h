#ifndef HEADER_TierWriter
#define HEADER_TierWriter
/* The writer of one tier of a recording (1 s or 1 min): its segments, its
   journal and its open chunk. Every record goes to the journal at once
   (one frame, so a crash costs at most that frame) and to the open chunk
   in memory; a full chunk is sealed into the active segment, compressed,
   and the journal starts again. On opening it carries on from what a
   crash left: torn tails truncated, the journal's records sealed. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"
#include "record/ChunkCodec.h"
#include "record/KeyMap.h"
#include "record/RecordEvent.h"
#include "record/RecordTick.h"
#include "record/SegmentFile.h"
#include "record/SegmentHeader.h"
#include "record/TickCodec.h"

typedef void (*RecordLog)(void* ctx, const char* message);

/* Formats a message for log (nothing when log is NULL). */
void RecordLog_printf(RecordLog log, void* ctx, const char* fmt, ...)
      __attribute__((format(printf, 3, 4)));

typedef struct TierConfig {
   uint64_t segmentBytes; /* a segment this large is closed */
   int sealTicks;         /* a chunk of this many ticks is sealed */
   size_t sealBytes;      /* ... and one whose body is this large */
   const ChunkCodec* codec;
   int level;
   bool sync; /* fdatasync each sealed chunk before the journal is reset */
   RecordLog log;
   void* logCtx;
} TierConfig;

/* A closed segment, as the size cap sees it. */
typedef struct TierSegment {
   uint64_t seq;
   int64_t startUs; /* its first record's time */
   uint64_t bytes;
} TierSegment;

typedef struct TierInfo {
   RecordScope scope;
   uint64_t key[2];
   ByteBuffer payload; /* the info event, as encoded */
} TierInfo;

typedef struct TierWriter {
   int dirFd;
   TierConfig config;
   SegmentHeader header; /* what this writer writes: tier, host, boot, table */
   SegmentFile segment;  /* the active segment; fd -1 until the next seal creates one */
   int64_t segmentStartUs;
   SegmentFile journal;
   bool journalBroken; /* a write failed: the journal holds a prefix of the chunk until it is sealed
                        */

   TierSegment* closed; /* oldest first */
   int closedCount;
   int closedCapacity;
   uint64_t nextSegmentSeq;
   uint64_t nextChunkSeq;

   bool chunkOpen;
   ByteBuffer body;
   TickCodec codec;
   uint32_t ticks, events;
   int64_t firstUs, lastUs;
   KeyMap lastKeys[2]; /* the trees and processes of the last tick */
   TierInfo* infos;
   int infoCount;
   int infoCapacity;

   ByteBuffer record;
   ByteBuffer frame;
} TierWriter;

/* Opens the tier for writing in the directory dirFd (locked by the
   caller): header is what it will write (its segment and chunk sequences
   are the writer's); existing are the tier's segments found there, oldest
   first. Recovery is reported through config->log. */
bool TierWriter_open(TierWriter* this, int dirFd, const TierConfig* config,
                     const SegmentHeader* header, const TierSegment* existing, int existingCount,
                     char* err, size_t errSize);

/* Each returns 0, or the errno of a write that failed (the record is then
   still in the open chunk, or the seal still pending); E2BIG for a tick of
   more than RECORD_MAX_ROWS rows, which is not written. */
int TierWriter_appendTick(TierWriter* this, const RecordTick* tick);
int TierWriter_appendEvent(TierWriter* this, const RecordEvent* event);
int TierWriter_seal(TierWriter* this);

/* The open chunk is full and waits for a seal (one that failed, say). */
bool TierWriter_sealDue(const TierWriter* this);

/* Gives up the open chunk (the disk stayed full); returns its ticks. */
uint32_t TierWriter_dropChunk(TierWriter* this);

/* Closes the active segment, so that the size cap may delete it; false
   when there is none. */
bool TierWriter_roll(TierWriter* this);

/* Deletes the oldest closed segment; false when there is none. */
bool TierWriter_deleteOldest(TierWriter* this, TierSegment* deleted, char* name, size_t nameSize);

/* Bytes of every file of the tier. */
uint64_t TierWriter_bytes(const TierWriter* this);

/* Seals what is open and closes the files; returns the errno of a failed seal, or 0. */
int TierWriter_close(TierWriter* this);

#endif
