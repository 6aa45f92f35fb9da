#include "config.h"

#include "record/SegmentHeader.h"

#include <stdio.h>
#include <string.h>

#include "record/ByteReader.h"
#include "record/RecordFormat.h"

void SegmentHeader_encode(const SegmentHeader* this, ByteBuffer* out) {
   ByteBuffer_putU16(out, (uint16_t)this->major);
   ByteBuffer_putU16(out, (uint16_t)this->minor);
   ByteBuffer_putVarint(out, this->tier);
   ByteBuffer_putVarint(out, this->journal ? 1 : 0);
   ByteBuffer_putVarint(out, this->segmentSeq);
   ByteBuffer_putVarint(out, this->chunkSeq);
   ByteBuffer_putVarint(out, (uint64_t)this->createdUs);
   ByteBuffer_putString(out, this->host, strlen(this->host));
   ByteBuffer_putString(out, this->bootId, strlen(this->bootId));
   ByteBuffer_putVarint(out, (uint64_t)this->bootTimeUs);
   ByteBuffer_putVarint(out, this->hertz);
   ByteBuffer_putString(out, this->writer, strlen(this->writer));
   ByteBuffer_putVarint(out, this->codec);
   RecordSchema_encode(&this->schema, out);
}

SegmentHeaderStatus SegmentHeader_decode(SegmentHeader* this, const uint8_t* data, size_t size,
                                         char* err, size_t errSize) {
   ByteReader in;
   ByteReader_init(&in, data, size);
   this->major = ByteReader_u16(&in);
   this->minor = ByteReader_u16(&in);
   if (!in.ok) {
      snprintf(err, errSize, "header too short");
      return SEGMENT_HEADER_MALFORMED;
   }
   if (this->major > RECORD_FORMAT_MAJOR) {
      snprintf(
            err, errSize,
            "recording format %u.%u is newer than this leaktop reads (%d.x): use a newer leaktop",
            this->major, this->minor, RECORD_FORMAT_MAJOR);
      return SEGMENT_HEADER_NEWER;
   }
   if (this->major < 1) {
      snprintf(err, errSize, "format version %u.%u was never written", this->major, this->minor);
      return SEGMENT_HEADER_MALFORMED;
   }
   this->tier = (unsigned)ByteReader_bounded(&in, RECORD_TIERS - 1);
   this->journal = ByteReader_varint(&in) & 1;
   this->segmentSeq = ByteReader_varint(&in);
   this->chunkSeq = ByteReader_varint(&in);
   this->createdUs = (int64_t)ByteReader_bounded(&in, INT64_MAX);
   ByteReader_text(&in, this->host, sizeof(this->host));
   ByteReader_text(&in, this->bootId, sizeof(this->bootId));
   this->bootTimeUs = (int64_t)ByteReader_bounded(&in, INT64_MAX);
   this->hertz = ByteReader_varint(&in);
   ByteReader_text(&in, this->writer, sizeof(this->writer));
   this->codec = (unsigned)ByteReader_bounded(&in, 0xff);
   if (!in.ok) {
      snprintf(err, errSize, "malformed header");
      return SEGMENT_HEADER_MALFORMED;
   }
   /* What follows the field table is for later minor versions. */
   if (!RecordSchema_decode(&this->schema, &in, err, errSize))
      return SEGMENT_HEADER_MALFORMED;
   return SEGMENT_HEADER_OK;
}

bool SegmentHeader_continues(const SegmentHeader* a, const SegmentHeader* b) {
   /* Not the boot time: btime moves when the clock is set; the boot id does not. */
   return a->major == b->major && a->minor == b->minor && a->tier == b->tier &&
          a->hertz == b->hertz && strcmp(a->host, b->host) == 0 &&
          strcmp(a->bootId, b->bootId) == 0 && RecordSchema_equal(&a->schema, &b->schema);
}
