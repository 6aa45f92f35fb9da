#ifndef HEADER_SegmentHeader
#define HEADER_SegmentHeader
/* The HEADER record that opens every segment and journal, twice: format
   version, tier, sequence numbers, host, boot, clock tick rate and the
   field table (doc/recording-format.md, "HEADER"). Pure logic. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/ByteBuffer.h"
#include "record/RecordSchema.h"

typedef struct SegmentHeader {
   unsigned major, minor;
   unsigned tier;
   bool journal;
   uint64_t segmentSeq;
   uint64_t chunkSeq; /* a journal: the sequence its open chunk will be sealed with */
   int64_t createdUs;
   char host[256];
   char bootId[64];
   int64_t bootTimeUs;
   uint64_t hertz;
   char writer[64];
   unsigned codec;
   RecordSchema schema;
} SegmentHeader;

typedef enum SegmentHeaderStatus {
   SEGMENT_HEADER_OK,
   SEGMENT_HEADER_MALFORMED,
   SEGMENT_HEADER_NEWER, /* a major version this leaktop does not read */
} SegmentHeaderStatus;

void SegmentHeader_encode(const SegmentHeader* this, ByteBuffer* out);

/* Decodes a HEADER payload; for NEWER only major and minor are set. err
   says what is wrong. */
SegmentHeaderStatus SegmentHeader_decode(SegmentHeader* this, const uint8_t* data, size_t size,
                                         char* err, size_t errSize);

/* Whether ticks written under a may go on in a segment that has b: the
   same tier, host, boot, tick rate and field table. */
bool SegmentHeader_continues(const SegmentHeader* a, const SegmentHeader* b);

#endif
