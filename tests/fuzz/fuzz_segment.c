/* Fuzz target: arbitrary bytes as a recording's segment or journal file,
   through the reader (index, holes, chunks, ticks, events, seeking) and
   the writer's recovery scan. CRCs stop nearly every mutated input at the
   frames, so the reader also gets a copy whose CRCs are made right, and
   the bytes go straight into the decoders of chunk bodies, ticks, events
   and headers. Built for libFuzzer with clang -fsanitize=fuzzer
   (DEVELOPERS.md), or with fuzz_driver.c into a check program. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record/ByteBuffer.h"
#include "record/ByteReader.h"
#include "record/Chunk.h"
#include "record/Frame.h"
#include "record/RecordEvent.h"
#include "record/RecordFormat.h"
#include "record/RecordReader.h"
#include "record/RecordSchema.h"
#include "record/SegmentHeader.h"
#include "record/SegmentIndex.h"
#include "record/TickCodec.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/* Folds what was decoded into a value the compiler cannot drop. */
static volatile uint64_t FuzzSegment_sink;

static void FuzzSegment_reader(const uint8_t* data, size_t size) {
   char err[256];
   RecordReader* r = RecordReader_openMemory(data, size, "fuzz.seg", err, sizeof(err));
   if (!r)
      return;
   RecordItem item;
   int items = 0;
   for (RecordItemType t; (t = RecordReader_next(r, &item)) != RECORD_ITEM_END; items++) {
      if (t == RECORD_ITEM_TICK)
         FuzzSegment_sink += (uint64_t)item.tick->wallUs + (uint64_t)item.tick->procCount;
      else if (t == RECORD_ITEM_EVENT)
         FuzzSegment_sink += (uint64_t)item.event->attrCount;
      else
         FuzzSegment_sink += item.hole.end;
   }
   int64_t first, last;
   if (RecordReader_span(r, &first, &last) && RecordReader_seek(r, first / 2 + last / 2))
      for (int i = 0; i < 4 && RecordReader_next(r, &item) != RECORD_ITEM_END; i++)
         FuzzSegment_sink++;
   RecordReader_delete(r);
}

/* Reads the bytes after the magic as back-to-back frames (a length past the
   end is cut to fit) and gives each frame, and each chunk header, the CRCs
   it should have. */
static void FuzzSegment_repair(uint8_t* data, size_t size) {
   size_t at = RECORD_MAGIC_SIZE;
   while (at + FRAME_HEADER_SIZE <= size) {
      uint8_t* h = data + at;
      size_t left = size - at - FRAME_HEADER_SIZE;
      size_t length = ByteReader_le32(h + 4) % (left + 1);
      h[0] = FRAME_SYNC0;
      h[1] = FRAME_SYNC1;
      if (h[2] == 0)
         h[2] = RECORD_TICK;
      ByteBuffer_le32(h + 4, (uint32_t)length);
      uint8_t* payload = h + FRAME_HEADER_SIZE;
      if (h[2] == RECORD_CHUNK && length >= CHUNK_HEADER_SIZE)
         ByteBuffer_le32(payload + CHUNK_HEADER_SIZE - 4,
                         Frame_crc(payload, CHUNK_HEADER_SIZE - 4));
      ByteBuffer_le32(h + 8, Frame_crc(payload, length));
      ByteBuffer_le32(h + 12, Frame_crc(h, 12));
      at += FRAME_HEADER_SIZE + length;
   }
}

static void FuzzSegment_repaired(const uint8_t* data, size_t size) {
   if (size <= RECORD_MAGIC_SIZE)
      return;
   uint8_t* copy = malloc(size);
   memcpy(copy, RECORD_MAGIC, RECORD_MAGIC_SIZE);
   memcpy(copy + RECORD_MAGIC_SIZE, data + RECORD_MAGIC_SIZE, size - RECORD_MAGIC_SIZE);
   FuzzSegment_repair(copy, size);
   FuzzSegment_reader(copy, size);
   free(copy);
}

static void FuzzSegment_recoveryScan(const uint8_t* data, size_t size) {
   FrameSource source;
   FrameSource_memory(&source, data, size);
   SegmentIndex index;
   SegmentIndex_init(&index);
   SegmentIndex_build(&index, &source, true);
   ChunkHeader chunk;
   ByteBuffer body;
   ByteBuffer_init(&body);
   if (SegmentIndex_collect(&index, &source, &chunk, &body))
      FuzzSegment_sink += chunk.ticks + body.length;
   ByteBuffer_done(&body);
   SegmentIndex_done(&index);
}

static void FuzzSegment_decoders(const uint8_t* data, size_t size) {
   static RecordSchema schemas[2];
   static bool ready;
   if (!ready) {
      RecordSchema_raw(&schemas[0]);
      RecordSchema_consolidated(&schemas[0], &schemas[1]);
      ready = true;
   }
   RecordTick tick;
   RecordTick_init(&tick);
   RecordEvent event;
   for (int s = 0; s < 2; s++) {
      TickCodec codec;
      TickCodec_init(&codec, &schemas[s]);
      /* As a chunk body, records decoded one after another. */
      ByteReader body;
      ByteReader_init(&body, data, size);
      unsigned type;
      const uint8_t* payload;
      size_t length;
      while (Chunk_nextRecord(&body, &type, &payload, &length)) {
         if (type == RECORD_TICK && !TickCodec_decode(&codec, payload, length, &tick))
            break;
         if (type == RECORD_EVENT && RecordEvent_decode(&event, payload, length))
            FuzzSegment_sink += event.kind;
      }
      TickCodec_reset(&codec);
      if (TickCodec_decode(&codec, data, size, &tick))
         FuzzSegment_sink += (uint64_t)tick.treeCount;
      TickCodec_done(&codec);
   }
   if (RecordEvent_decode(&event, data, size))
      FuzzSegment_sink += (uint64_t)event.wallUs;
   static SegmentHeader header;
   char err[256];
   FuzzSegment_sink += SegmentHeader_decode(&header, data, size, err, sizeof(err));
   ChunkHeader chunk;
   FuzzSegment_sink += Chunk_decodeHeader(&chunk, data, size);
   RecordTick_done(&tick);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   FuzzSegment_reader(data, size);
   FuzzSegment_repaired(data, size);
   FuzzSegment_recoveryScan(data, size);
   FuzzSegment_decoders(data, size);
   return 0;
}
