#ifndef HEADER_SegmentIndex
#define HEADER_SegmentIndex
/* What one segment or journal holds, found by walking its frames: the
   first readable copy of its header, then its records in file order (for
   chunks, their headers: the time index) and the holes between them. A
   damaged byte becomes a hole here, never a failure of the whole file;
   only a file with no readable header, or one of a newer major version,
   cannot be used. Works through a FrameSource, on files and buffers. */

#include <stdbool.h>
#include <stdint.h>

#include "record/Chunk.h"
#include "record/Frame.h"
#include "record/SegmentHeader.h"

typedef struct IndexEntry {
   bool isHole;
   union {
      struct {
         FrameRef frame;    /* a record */
         ChunkHeader chunk; /* when frame.type is RECORD_CHUNK */
      };
      FrameHole hole;
   };
} IndexEntry;

typedef struct SegmentIndex {
   bool magic; /* the file starts with the magic */
   SegmentHeaderStatus status;
   char error[200]; /* why status is not OK */
   SegmentHeader header;
   IndexEntry* entries;
   int count;
   int capacity;
   uint64_t validEnd; /* end of the last intact frame (of the magic, at least) */
   int chunks;        /* entries that are chunks */
   uint64_t lastChunkSeq;
} SegmentIndex;

void SegmentIndex_init(SegmentIndex* this);
void SegmentIndex_done(SegmentIndex* this);

/* Walks source. With verify, every payload's CRC is checked and a frame
   that fails is a hole (the writer, before it truncates a torn tail);
   without, only headers are read (a reader's index: one small read per
   chunk) and payloads are checked when they are read. */
void SegmentIndex_build(SegmentIndex* this, const FrameSource* source, bool verify);

/* The TICK and EVENT frames of a journal up to its first hole, or the
   first that does not decode (later ticks are deltas against what is
   lost), as a chunk: times and counts into chunk, the records appended to
   body (when not NULL) as a chunk body. False when there are none. */
bool SegmentIndex_collect(const SegmentIndex* this, const FrameSource* source, ChunkHeader* chunk,
                          ByteBuffer* body);

#endif
