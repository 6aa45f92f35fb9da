#include "config.h"

#include "record/SegmentIndex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/RecordEvent.h"
#include "record/RecordFormat.h"
#include "record/TickCodec.h"
#include "record/Varint.h"
#include "util/XUtils.h"

void SegmentIndex_init(SegmentIndex* this) {
   memset(this, 0, sizeof(*this));
}

void SegmentIndex_done(SegmentIndex* this) {
   free(this->entries);
   memset(this, 0, sizeof(*this));
}

static IndexEntry* SegmentIndex_add(SegmentIndex* this) {
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 32;
      this->entries = xReallocArray(this->entries, (size_t)this->capacity, sizeof(IndexEntry));
   }
   IndexEntry* e = &this->entries[this->count++];
   memset(e, 0, sizeof(*e));
   return e;
}

/* Damaged bytes next to each other make one hole. */
static void SegmentIndex_addHole(SegmentIndex* this, uint64_t start, uint64_t end, bool tail,
                                 int error) {
   IndexEntry* last = this->count ? &this->entries[this->count - 1] : NULL;
   if (last && last->isHole && last->hole.end == start && !last->hole.error) {
      last->hole.end = end;
      last->hole.tail = tail;
      last->hole.error = error;
      return;
   }
   IndexEntry* e = SegmentIndex_add(this);
   e->isHole = true;
   e->hole = (FrameHole){.start = start, .end = end, .tail = tail, .error = error};
}

/* The first header that reads is the segment's; the copy after it is
   then redundant. False when scanning should stop (a newer version). */
static bool SegmentIndex_header(SegmentIndex* this, FrameScanner* scanner, const FrameRef* f,
                                bool* haveHeader) {
   const uint8_t* payload = FrameScanner_payload(scanner, f);
   /* A damaged copy of a header already read loses nothing. */
   if (*haveHeader)
      return true;
   if (!payload) {
      SegmentIndex_addHole(this, f->offset, FrameRef_end(f), false, 0);
      return true;
   }
   char err[sizeof(this->error)];
   SegmentHeaderStatus status =
         SegmentHeader_decode(&this->header, payload, f->length, err, sizeof(err));
   if (status == SEGMENT_HEADER_MALFORMED) {
      snprintf(this->error, sizeof(this->error), "%s", err);
      SegmentIndex_addHole(this, f->offset, FrameRef_end(f), false, 0);
      return true;
   }
   this->status = status;
   snprintf(this->error, sizeof(this->error), "%s", status == SEGMENT_HEADER_OK ? "" : err);
   *haveHeader = status == SEGMENT_HEADER_OK;
   return *haveHeader;
}

void SegmentIndex_build(SegmentIndex* this, const FrameSource* source, bool verify) {
   SegmentIndex_done(this);
   this->status = SEGMENT_HEADER_MALFORMED;
   snprintf(this->error, sizeof(this->error), "no readable segment header");
   uint8_t magic[RECORD_MAGIC_SIZE];
   this->magic = source->size >= RECORD_MAGIC_SIZE &&
                 source->read(source->ctx, 0, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
                 memcmp(magic, RECORD_MAGIC, RECORD_MAGIC_SIZE) == 0;
   /* A damaged magic does not hide the frames after it. */
   uint64_t start = this->magic ? RECORD_MAGIC_SIZE : 0;
   this->validEnd = start;
   FrameScanner scanner;
   FrameScanner_init(&scanner, source, start);
   bool haveHeader = false;
   FrameRef f;
   FrameHole hole;
   for (FrameStep step; (step = FrameScanner_next(&scanner, &f, &hole)) != FRAME_STEP_END;) {
      if (step == FRAME_STEP_HOLE) {
         SegmentIndex_addHole(this, hole.start, hole.end, hole.tail, hole.error);
         continue;
      }
      if (f.type == RECORD_HEADER) {
         if (!SegmentIndex_header(this, &scanner, &f, &haveHeader))
            break;
         this->validEnd = FrameRef_end(&f);
         continue;
      }
      ChunkHeader chunk = {0};
      bool intact = !verify || FrameScanner_payload(&scanner, &f);
      if (intact && f.type == RECORD_CHUNK) {
         uint8_t h[CHUNK_HEADER_SIZE];
         intact = FrameScanner_peek(&scanner, &f, h, sizeof(h)) &&
                  Chunk_decodeHeader(&chunk, h, sizeof(h));
      }
      if (!intact) {
         SegmentIndex_addHole(this, f.offset, FrameRef_end(&f), false, 0);
         continue;
      }
      IndexEntry* e = SegmentIndex_add(this);
      e->frame = f;
      e->chunk = chunk;
      if (f.type == RECORD_CHUNK) {
         this->chunks++;
         if (chunk.seq > this->lastChunkSeq)
            this->lastChunkSeq = chunk.seq;
      }
      this->validEnd = FrameRef_end(&f);
   }
   FrameScanner_done(&scanner);
}

bool SegmentIndex_collect(const SegmentIndex* this, const FrameSource* source, ChunkHeader* chunk,
                          ByteBuffer* body) {
   *chunk = (ChunkHeader){.firstUs = INT64_MAX, .lastUs = INT64_MIN};
   if (this->status != SEGMENT_HEADER_OK)
      return false;
   FrameScanner scanner;
   FrameScanner_init(&scanner, source, 0);
   TickCodec codec;
   TickCodec_init(&codec, &this->header.schema);
   RecordTick tick;
   RecordTick_init(&tick);
   RecordEvent event;
   size_t raw = 0;
   for (int i = 0; i < this->count && !this->entries[i].isHole; i++) {
      const FrameRef* f = &this->entries[i].frame;
      raw += f->length + 2 * VARINT_MAX_BYTES;
      if (raw > CHUNK_MAX_RAW)
         break;
      const uint8_t* payload = FrameScanner_payload(&scanner, f);
      int64_t time;
      if (payload && f->type == RECORD_TICK &&
          TickCodec_decode(&codec, payload, f->length, &tick)) {
         time = tick.wallUs;
         chunk->ticks++;
      } else if (payload && f->type == RECORD_EVENT &&
                 RecordEvent_decode(&event, payload, f->length)) {
         time = event.wallUs;
         chunk->events++;
      } else {
         break;
      }
      if (body)
         Chunk_putRecord(body, f->type, payload, f->length);
      if (time < chunk->firstUs)
         chunk->firstUs = time;
      if (time > chunk->lastUs)
         chunk->lastUs = time;
   }
   RecordTick_done(&tick);
   TickCodec_done(&codec);
   FrameScanner_done(&scanner);
   chunk->rawSize = body ? (uint32_t)body->length : 0;
   chunk->seq = this->header.chunkSeq;
   return chunk->ticks + chunk->events > 0;
}
