/* The recording format's pure layer: varints, frames and resynchronisation,
   the field tables, tick deltas (absent PSS included), events, chunk
   headers, codecs, consolidation to 1 min and the size cap's choices. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "record/ByteReader.h"
#include "record/CapPolicy.h"
#include "record/Chunk.h"
#include "record/ChunkCodec.h"
#include "record/Consolidator.h"
#include "record/Frame.h"
#include "record/RecordEvent.h"
#include "record/RecordFormat.h"
#include "record/RecordSchema.h"
#include "record/SegmentHeader.h"
#include "record/TickCodec.h"
#include "record/Varint.h"

static void test_varint_round_trip(void** state) {
   (void)state;
   const uint64_t values[] = {0,         1, 127, 128, 300, 16383, 16384, 1ULL << 32, UINT64_MAX - 1,
                              UINT64_MAX};
   const size_t lengths[] = {1, 1, 1, 2, 2, 2, 3, 5, 10, 10};
   for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
      uint8_t buf[VARINT_MAX_BYTES];
      size_t n = Varint_put(buf, values[i]);
      assert_int_equal(n, lengths[i]);
      const uint8_t* p = buf;
      uint64_t v;
      assert_true(Varint_get(&p, buf + n, &v));
      assert_true(v == values[i]);
      assert_ptr_equal(p, buf + n);
      /* Cut short, it is refused. */
      p = buf;
      assert_false(Varint_get(&p, buf + n - 1, &v));
   }
}

static void test_varint_refuses_overlong(void** state) {
   (void)state;
   uint8_t eleven[11];
   memset(eleven, 0x80, sizeof(eleven));
   eleven[10] = 0;
   const uint8_t* p = eleven;
   uint64_t v;
   assert_false(Varint_get(&p, eleven + sizeof(eleven), &v));
   /* Ten bytes whose last carries more than bit 63. */
   uint8_t ten[10];
   memset(ten, 0xff, 9);
   ten[9] = 0x02;
   p = ten;
   assert_false(Varint_get(&p, ten + 10, &v));
}

static void test_zigzag(void** state) {
   (void)state;
   assert_true(Varint_zigzag(0) == 0);
   assert_true(Varint_zigzag((uint64_t)-1) == 1);
   assert_true(Varint_zigzag(1) == 2);
   assert_true(Varint_zigzag((uint64_t)-2) == 3);
   const int64_t values[] = {0, -1, 1, 4096, -4096, INT64_MAX, INT64_MIN};
   for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
      assert_true((int64_t)Varint_unzigzag(Varint_zigzag((uint64_t)values[i])) == values[i]);
}

/* Three frames of distinct payloads, one after another. */
static void frames_encode(ByteBuffer* out) {
   for (int i = 0; i < 3; i++) {
      size_t start = Frame_begin(out);
      for (int k = 0; k < 40 + i; k++)
         ByteBuffer_putByte(out, (uint8_t)(i * 50 + k));
      Frame_finish(out, start, RECORD_TICK);
   }
}

/* Three frames in a buffer and a scanner over the first size bytes. */
typedef struct FrameFixture {
   ByteBuffer buf;
   FrameSource src;
   FrameScanner scanner;
   FrameRef f;
   FrameHole hole;
} FrameFixture;

static FrameFixture ff;

static int frame_setup(void** state) {
   (void)state;
   ByteBuffer_init(&ff.buf);
   frames_encode(&ff.buf);
   return 0;
}

static void frame_scan(size_t size) {
   FrameSource_memory(&ff.src, ff.buf.data, size);
   FrameScanner_init(&ff.scanner, &ff.src, 0);
}

static FrameStep frame_next(void) {
   return FrameScanner_next(&ff.scanner, &ff.f, &ff.hole);
}

static int frame_teardown(void** state) {
   (void)state;
   FrameScanner_done(&ff.scanner);
   ByteBuffer_done(&ff.buf);
   return 0;
}

static void test_frames_round_trip(void** state) {
   (void)state;
   frame_scan(ff.buf.length);
   for (int i = 0; i < 3; i++) {
      assert_int_equal(frame_next(), FRAME_STEP_FRAME);
      assert_int_equal(ff.f.type, RECORD_TICK);
      assert_int_equal(ff.f.length, 40 + i);
      const uint8_t* payload = FrameScanner_payload(&ff.scanner, &ff.f);
      assert_non_null(payload);
      assert_int_equal(payload[3], i * 50 + 3);
   }
   assert_int_equal(frame_next(), FRAME_STEP_END);
}

static void test_frame_payload_flip_costs_one_frame(void** state) {
   (void)state;
   ff.buf.data[FRAME_HEADER_SIZE + 10] ^= 0x10; /* the first frame's payload */
   frame_scan(ff.buf.length);
   assert_int_equal(frame_next(), FRAME_STEP_FRAME);
   assert_null(FrameScanner_payload(&ff.scanner, &ff.f));
   /* The header's length is trusted: the next frame follows at once. */
   assert_int_equal(frame_next(), FRAME_STEP_FRAME);
   assert_int_equal(ff.f.length, 41);
   assert_non_null(FrameScanner_payload(&ff.scanner, &ff.f));
}

static void test_frame_header_flip_resyncs(void** state) {
   (void)state;
   size_t second = FRAME_HEADER_SIZE + 40;
   ff.buf.data[second + 5] ^= 0x01; /* the second frame's length */
   frame_scan(ff.buf.length);
   assert_int_equal(frame_next(), FRAME_STEP_FRAME);
   assert_int_equal(frame_next(), FRAME_STEP_HOLE);
   assert_int_equal(ff.hole.start, second);
   assert_int_equal(ff.hole.end, second + FRAME_HEADER_SIZE + 41);
   assert_false(ff.hole.tail);
   assert_int_equal(frame_next(), FRAME_STEP_FRAME);
   assert_int_equal(ff.f.length, 42);
   assert_non_null(FrameScanner_payload(&ff.scanner, &ff.f));
   assert_int_equal(frame_next(), FRAME_STEP_END);
}

static void test_frame_torn_tail(void** state) {
   (void)state;
   frame_scan(ff.buf.length - 7);
   assert_int_equal(frame_next(), FRAME_STEP_FRAME);
   assert_int_equal(frame_next(), FRAME_STEP_FRAME);
   assert_int_equal(frame_next(), FRAME_STEP_HOLE);
   assert_true(ff.hole.tail);
   assert_int_equal(ff.hole.end, ff.buf.length - 7);
   assert_int_equal(frame_next(), FRAME_STEP_END);
}

static void test_schema_round_trip(void** state) {
   (void)state;
   static RecordSchema raw, minute, back;
   RecordSchema_raw(&raw);
   assert_int_equal(RecordSchema_find(&raw, RECORD_SCOPE_PROCESS, RF_PROC_RSS, STAT_RAW),
                    RF_PROC_RSS - 1);
   assert_string_equal(raw.fields[RECORD_SCOPE_PROCESS][RF_PROC_PSS - 1].name, "pss_kib");
   RecordSchema_consolidated(&raw, &minute);
   for (unsigned stat = STAT_MIN; stat <= STAT_MEAN; stat++)
      assert_true(RecordSchema_find(&minute, RECORD_SCOPE_PROCESS, RF_PROC_RSS, stat) >= 0);
   assert_true(RecordSchema_find(&minute, RECORD_SCOPE_PROCESS, RF_PROC_CPU_TICKS, STAT_LAST) >= 0);
   assert_true(RecordSchema_find(&minute, RECORD_SCOPE_PROCESS, RF_PROC_TRAFFIC_DELTA, STAT_SUM) >=
               0);
   assert_true(RecordSchema_find(&minute, RECORD_SCOPE_HOST, RF_TICKS, STAT_SUM) >= 0);
   assert_true(minute.count[RECORD_SCOPE_PROCESS] <= RECORD_FIELDS_MAX);
   ByteBuffer buf;
   ByteBuffer_init(&buf);
   RecordSchema_encode(&minute, &buf);
   ByteReader in;
   ByteReader_init(&in, buf.data, buf.length);
   char err[200];
   assert_true(RecordSchema_decode(&back, &in, err, sizeof(err)));
   assert_true(RecordSchema_equal(&minute, &back));
   assert_false(RecordSchema_equal(&raw, &back));
   ByteBuffer_done(&buf);
}

static void test_header_round_trip_and_newer_major(void** state) {
   (void)state;
   static SegmentHeader h, back;
   memset(&h, 0, sizeof(h));
   h.major = RECORD_FORMAT_MAJOR;
   h.minor = RECORD_FORMAT_MINOR;
   h.tier = RECORD_TIER_1M;
   h.segmentSeq = 7;
   h.createdUs = 1790000000000000;
   strcpy(h.host, "web-3");
   strcpy(h.bootId, "9f767ec8-6fa6-49ef-8492-34e62152a0e3");
   h.hertz = 100;
   strcpy(h.writer, "leaktop test");
   RecordSchema_raw(&h.schema);
   ByteBuffer buf;
   ByteBuffer_init(&buf);
   SegmentHeader_encode(&h, &buf);
   char err[200];
   assert_int_equal(SegmentHeader_decode(&back, buf.data, buf.length, err, sizeof(err)),
                    SEGMENT_HEADER_OK);
   assert_true(SegmentHeader_continues(&h, &back));
   assert_string_equal(back.host, "web-3");
   assert_int_equal(back.segmentSeq, 7);
   /* Bytes a later minor version appends after the field table are ignored. */
   ByteBuffer_put(&buf, "\x05\x06", 2);
   assert_int_equal(SegmentHeader_decode(&back, buf.data, buf.length, err, sizeof(err)),
                    SEGMENT_HEADER_OK);
   buf.data[0] = RECORD_FORMAT_MAJOR + 1;
   assert_int_equal(SegmentHeader_decode(&back, buf.data, buf.length, err, sizeof(err)),
                    SEGMENT_HEADER_NEWER);
   assert_non_null(strstr(err, "newer"));
   ByteBuffer_done(&buf);
}

/* A tick of one tree: the master and two workers; PSS only when smaps. */
static void tick_fill(RecordTick* t, int64_t i, bool smaps, bool secondWorker) {
   RecordTick_clear(t, 1790000000000000 + i * 1000000, 5000000000 + i * 1000000);
   RecordRow_set(&t->host, RF_HOST_MEM_AVAILABLE - 1, 8000000 - i * 4);
   RecordRow* tree = RecordTick_addTree(t, 100, 555);
   RecordRow_set(tree, RF_TREE_CGROUP_CURRENT - 1, (int64_t)3 << 30);
   for (int p = 0; p < (secondWorker ? 3 : 2); p++) {
      RecordRow* row = RecordTick_addProcess(t, 100 + (uint64_t)p, 555 + (uint64_t)p);
      RecordRow_set(row, RF_PROC_RSS - 1, 60000 + p * 1000 + i * 4 * p);
      RecordRow_set(row, RF_PROC_CPU_TICKS - 1, i * (p + 1));
      if (smaps)
         RecordRow_set(row, RF_PROC_PSS - 1, 40000 + i);
      /* Negative deltas and unknown values both have to survive. */
      if (p != 1 || i % 3 != 0)
         RecordRow_set(row, RF_PROC_RSS_ANON - 1, 50000 - i * 8);
   }
}

static void assert_rows_equal(const RecordRow* a, const RecordRow* b, int fields) {
   assert_true(a->key[0] == b->key[0] && a->key[1] == b->key[1]);
   uint64_t mask = fields == 64 ? UINT64_MAX : (1ULL << fields) - 1;
   assert_true((a->present & mask) == (b->present & mask));
   for (int i = 0; i < fields; i++)
      if (a->present >> i & 1)
         assert_true(a->value[i] == b->value[i]);
}

/* Both ends of a tick stream, and the tick going through. */
typedef struct TickFixture {
   RecordSchema schema;
   TickCodec enc, dec;
   RecordTick in, out;
   ByteBuffer buf;
} TickFixture;

static TickFixture fx;

static int tick_setup(void** state) {
   (void)state;
   RecordSchema_raw(&fx.schema);
   TickCodec_init(&fx.enc, &fx.schema);
   TickCodec_init(&fx.dec, &fx.schema);
   RecordTick_init(&fx.in);
   RecordTick_init(&fx.out);
   ByteBuffer_init(&fx.buf);
   return 0;
}

static int tick_teardown(void** state) {
   (void)state;
   ByteBuffer_done(&fx.buf);
   RecordTick_done(&fx.in);
   RecordTick_done(&fx.out);
   TickCodec_done(&fx.enc);
   TickCodec_done(&fx.dec);
   return 0;
}

static void test_ticks_round_trip_with_absent_pss(void** state) {
   (void)state;
   const RecordSchema* schema = &fx.schema;
   size_t firstSize = 0;
   for (int64_t i = 0; i < 25; i++) {
      tick_fill(&fx.in, i, i % 10 == 0, i < 20);
      ByteBuffer_clear(&fx.buf);
      TickCodec_encode(&fx.enc, &fx.in, &fx.buf);
      if (i == 0)
         firstSize = fx.buf.length;
      assert_true(TickCodec_decode(&fx.dec, fx.buf.data, fx.buf.length, &fx.out));
      assert_true(fx.out.wallUs == fx.in.wallUs && fx.out.monoUs == fx.in.monoUs);
      assert_int_equal(fx.out.treeCount, 1);
      assert_int_equal(fx.out.procCount, fx.in.procCount);
      assert_rows_equal(&fx.out.host, &fx.in.host, schema->count[RECORD_SCOPE_HOST]);
      assert_rows_equal(&fx.out.trees[0].row, &fx.in.trees[0].row,
                        schema->count[RECORD_SCOPE_TREE]);
      for (int p = 0; p < fx.in.procCount; p++)
         assert_rows_equal(&fx.out.procs[p], &fx.in.procs[p], schema->count[RECORD_SCOPE_PROCESS]);
      int64_t pss;
      assert_int_equal(RecordRow_get(&fx.out.procs[0], RF_PROC_PSS - 1, &pss), i % 10 == 0);
   }
   /* Once the keys are known, a tick costs a fraction of the first. */
   assert_true(fx.buf.length * 2 < firstSize);
   /* A truncated tick is refused, never half read. */
   TickCodec_reset(&fx.dec);
   TickCodec_reset(&fx.enc);
   tick_fill(&fx.in, 0, true, true);
   ByteBuffer_clear(&fx.buf);
   TickCodec_encode(&fx.enc, &fx.in, &fx.buf);
   assert_false(TickCodec_decode(&fx.dec, fx.buf.data, fx.buf.length - 1, &fx.out));
}

static void test_tick_of_too_many_rows_refused(void** state) {
   (void)state;
   RecordTick_clear(&fx.in, 1, 1);
   RecordTick_addTree(&fx.in, 1, 1);
   /* One key again and again: two bytes a row, so bytes alone do not bound it. */
   for (int i = 0; i <= RECORD_MAX_ROWS; i++)
      RecordTick_addProcess(&fx.in, 7, 7);
   TickCodec_encode(&fx.enc, &fx.in, &fx.buf);
   assert_false(TickCodec_decode(&fx.dec, fx.buf.data, fx.buf.length, &fx.out));
   assert_true(fx.out.procCount <= RECORD_MAX_ROWS);
}

static void test_event_round_trip(void** state) {
   (void)state;
   RecordEvent e, back;
   RecordEvent_init(&e, EVENT_PROCESS_EXIT, RECORD_SCOPE_PROCESS, 4242, 987654, 1790000001000000);
   RecordEvent_addNumber(&e, ATTR_EXIT_HOW, EXIT_HOW_OOM_KILL);
   RecordEvent_addNumber(&e, ATTR_EXIT_CODE, 9);
   RecordEvent_addText(&e, ATTR_EXIT_TEXT, "killed by SIGKILL (OOM kill in its cgroup)");
   RecordEvent_addNumber(&e, ATTR_EXIT_PEAK_RSS, -1);
   ByteBuffer buf;
   ByteBuffer_init(&buf);
   RecordEvent_encode(&e, &buf);
   assert_true(RecordEvent_decode(&back, buf.data, buf.length));
   assert_int_equal(back.kind, EVENT_PROCESS_EXIT);
   assert_int_equal(back.scope, RECORD_SCOPE_PROCESS);
   assert_true(back.key[0] == 4242 && back.key[1] == 987654);
   assert_true(back.wallUs == e.wallUs);
   assert_int_equal(RecordEvent_attr(&back, ATTR_EXIT_HOW)->number, EXIT_HOW_OOM_KILL);
   assert_int_equal(RecordEvent_attr(&back, ATTR_EXIT_PEAK_RSS)->number, -1);
   char text[16];
   assert_true(RecordEvent_text(&back, ATTR_EXIT_TEXT, text, sizeof(text)));
   assert_string_equal(text, "killed by SIGKI");
   assert_null(RecordEvent_attr(&back, 99));
   /* An attribute tag this version does not know cannot be skipped. */
   size_t tag = buf.length - 2; /* the last attribute: id, tag, one-byte value */
   assert_int_equal(buf.data[tag], 0);
   buf.data[tag] = 7;
   assert_false(RecordEvent_decode(&back, buf.data, buf.length));
   ByteBuffer_done(&buf);
}

static void test_chunk_header_and_body(void** state) {
   (void)state;
   ChunkHeader h = {.seq = 12,
                    .firstUs = 1790000000000000,
                    .lastUs = 1790000299000000,
                    .ticks = 300,
                    .events = 4,
                    .rawSize = 123456,
                    .codec = CHUNK_CODEC_ZSTD},
               back;
   ByteBuffer buf;
   ByteBuffer_init(&buf);
   Chunk_encodeHeader(&h, &buf);
   assert_int_equal(buf.length, CHUNK_HEADER_SIZE);
   assert_true(Chunk_decodeHeader(&back, buf.data, buf.length));
   assert_true(back.seq == 12 && back.ticks == 300 && back.rawSize == 123456);
   buf.data[20] ^= 4;
   assert_false(Chunk_decodeHeader(&back, buf.data, buf.length));
   ByteBuffer_clear(&buf);
   Chunk_putRecord(&buf, RECORD_TICK, (const uint8_t*)"abc", 3);
   Chunk_putRecord(&buf, 200, (const uint8_t*)"", 0);
   ByteReader in;
   ByteReader_init(&in, buf.data, buf.length);
   unsigned type;
   const uint8_t* payload;
   size_t size;
   assert_true(Chunk_nextRecord(&in, &type, &payload, &size));
   assert_int_equal(type, RECORD_TICK);
   assert_int_equal(size, 3);
   assert_true(Chunk_nextRecord(&in, &type, &payload, &size));
   assert_int_equal(type, 200);
   assert_false(Chunk_nextRecord(&in, &type, &payload, &size));
   assert_true(in.ok);
   ByteBuffer_done(&buf);
}

static void test_codecs_round_trip(void** state) {
   (void)state;
   const ChunkCodec* codecs[] = {&ChunkCodec_none, &ChunkCodec_zstd};
   uint8_t raw[5000];
   for (size_t i = 0; i < sizeof(raw); i++)
      raw[i] = (uint8_t)(i % 7 == 0 ? i : i % 13);
   for (size_t c = 0; c < 2; c++) {
      ByteBuffer packed;
      ByteBuffer_init(&packed);
      char err[160];
      assert_true(codecs[c]->compress(codecs[c]->defaultLevel, raw, sizeof(raw), &packed, err,
                                      sizeof(err)));
      assert_ptr_equal(ChunkCodec_byId(codecs[c]->id), codecs[c]);
      uint8_t out[sizeof(raw)];
      assert_true(
            codecs[c]->decompress(packed.data, packed.length, out, sizeof(out), err, sizeof(err)));
      assert_memory_equal(out, raw, sizeof(raw));
      /* A body that is not the size the chunk header says is refused. */
      assert_false(codecs[c]->decompress(packed.data, packed.length, out, sizeof(out) - 1, err,
                                         sizeof(err)));
      ByteBuffer_done(&packed);
   }
   assert_null(ChunkCodec_byId(CHUNK_CODEC_LZ4));
}

static void test_consolidates_a_minute(void** state) {
   (void)state;
   static RecordSchema raw;
   RecordSchema_raw(&raw);
   static Consolidator c;
   Consolidator_init(&c, &raw);
   RecordTick t;
   RecordTick_init(&t);
   const int64_t minute = 1790000040LL * 1000000; /* a whole minute */
   const RecordTick* done = NULL;
   for (int i = 0; i < 61 && !done; i++) {
      RecordTick_clear(&t, minute + i * 1000000LL, 7000000 + i * 1000000LL);
      RecordRow* tree = RecordTick_addTree(&t, 1, 2);
      RecordRow_set(tree, RF_TREE_CGROUP_CURRENT - 1, 1000);
      RecordRow* row = RecordTick_addProcess(&t, 10, 20);
      RecordRow_set(row, RF_PROC_RSS - 1, i == 30 ? 900 : 100 + i);
      RecordRow_set(row, RF_PROC_CPU_TICKS - 1, 5 * i);
      RecordRow_set(row, RF_PROC_TRAFFIC_DELTA - 1, 1000);
      if (i % 10 == 0)
         RecordRow_set(row, RF_PROC_PSS - 1, i);
      done = Consolidator_add(&c, &t);
      assert_true(done == NULL || i == 60);
   }
   assert_non_null(done);
   assert_true(done->wallUs == minute);
   assert_int_equal(done->procCount, 1);
   const RecordSchema* m = &c.schema;
   const RecordRow* row = &done->procs[0];
   int64_t v;
#define STAT_OF(id, stat)                                                                          \
   (assert_true(RecordRow_get(row, RecordSchema_find(m, RECORD_SCOPE_PROCESS, id, stat), &v)), v)
   assert_int_equal(STAT_OF(RF_PROC_RSS, STAT_MIN), 100);
   assert_int_equal(STAT_OF(RF_PROC_RSS, STAT_MAX), 900);
   assert_int_equal(STAT_OF(RF_PROC_RSS, STAT_LAST), 159);
   /* 100..159 sum to 7770; the spike adds 770: 8540 / 60 = 142.3. */
   assert_int_equal(STAT_OF(RF_PROC_RSS, STAT_MEAN), 142);
   assert_int_equal(STAT_OF(RF_PROC_CPU_TICKS, STAT_LAST), 5 * 59);
   assert_int_equal(STAT_OF(RF_PROC_TRAFFIC_DELTA, STAT_SUM), 60000);
   assert_int_equal(STAT_OF(RF_PROC_PSS, STAT_MEAN), 25);
   assert_int_equal(STAT_OF(RF_TICKS, STAT_SUM), 60);
#undef STAT_OF
   /* A field never read in the minute stays unknown. */
   assert_false(
         RecordRow_get(row, RecordSchema_find(m, RECORD_SCOPE_PROCESS, RF_PROC_USS, STAT_MIN), &v));
   /* The 61st tick opened the next minute; a stop writes it. */
   done = Consolidator_flush(&c);
   assert_non_null(done);
   assert_true(done->wallUs == minute + RECORD_MINUTE_US);
   assert_null(Consolidator_flush(&c));
   RecordTick_done(&t);
   Consolidator_done(&c);
}

#define SEG(tier_, start, end, bytes_, closed_)                                                    \
   (CapSegment) {                                                                                  \
      .tier = (tier_), .startUs = (start), .endUs = (end), .bytes = (bytes_), .closed = (closed_)  \
   }

static void test_cap_deletes_seconds_before_minutes(void** state) {
   (void)state;
   CapSegment s[] = {
         SEG(RECORD_TIER_1S, 100, 200, 40, true),        SEG(RECORD_TIER_1S, 200, 300, 40, true),
         SEG(RECORD_TIER_1S, 300, INT64_MAX, 10, false), SEG(RECORD_TIER_1M, 0, 250, 5, true),
         SEG(RECORD_TIER_1M, 250, INT64_MAX, 2, false),
   };
   CapChoice c = CapPolicy_choose(s, 5, 3, 200);
   assert_int_equal(c.action, CAP_KEEP);
   c = CapPolicy_choose(s, 5, 3, 90);
   assert_int_equal(c.action, CAP_DELETE);
   assert_int_equal(c.tier, RECORD_TIER_1S);
   /* Without closed 1 s segments the oldest minutes go. */
   c = CapPolicy_choose(s + 2, 3, 3, 10);
   assert_int_equal(c.action, CAP_DELETE);
   assert_int_equal(c.tier, RECORD_TIER_1M);
   /* Nothing closed: the bigger active segment is closed, to go next. */
   CapSegment active[] = {SEG(RECORD_TIER_1S, 0, INT64_MAX, 30, false),
                          SEG(RECORD_TIER_1M, 0, INT64_MAX, 5, false)};
   c = CapPolicy_choose(active, 2, 0, 10);
   assert_int_equal(c.action, CAP_ROLL);
   assert_int_equal(c.tier, RECORD_TIER_1S);
}

static void test_cap_keeps_minutes_from_starving_seconds(void** state) {
   (void)state;
   /* The 1 min tier holds more than half the cap. */
   CapSegment s[] = {
         SEG(RECORD_TIER_1S, 5000, INT64_MAX, 20, false),
         SEG(RECORD_TIER_1S, 900, 5000, 10, true),
         SEG(RECORD_TIER_1M, 0, 1000, 40, true),
         SEG(RECORD_TIER_1M, 1000, INT64_MAX, 40, false),
   };
   /* A 1 s segment starting before the oldest minutes end goes first... */
   CapChoice c = CapPolicy_choose(s, 4, 0, 100);
   assert_int_equal(c.action, CAP_DELETE);
   assert_int_equal(c.tier, RECORD_TIER_1S);
   /* ... then those minutes, though closed 1 s data remains. */
   s[1].startUs = 1500;
   c = CapPolicy_choose(s, 4, 0, 100);
   assert_int_equal(c.action, CAP_DELETE);
   assert_int_equal(c.tier, RECORD_TIER_1M);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_varint_round_trip),
         cmocka_unit_test(test_varint_refuses_overlong),
         cmocka_unit_test(test_zigzag),
         cmocka_unit_test_setup_teardown(test_frames_round_trip, frame_setup, frame_teardown),
         cmocka_unit_test_setup_teardown(test_frame_payload_flip_costs_one_frame, frame_setup,
                                         frame_teardown),
         cmocka_unit_test_setup_teardown(test_frame_header_flip_resyncs, frame_setup,
                                         frame_teardown),
         cmocka_unit_test_setup_teardown(test_frame_torn_tail, frame_setup, frame_teardown),
         cmocka_unit_test(test_schema_round_trip),
         cmocka_unit_test(test_header_round_trip_and_newer_major),
         cmocka_unit_test_setup_teardown(test_ticks_round_trip_with_absent_pss, tick_setup,
                                         tick_teardown),
         cmocka_unit_test_setup_teardown(test_tick_of_too_many_rows_refused, tick_setup,
                                         tick_teardown),
         cmocka_unit_test(test_event_round_trip),
         cmocka_unit_test(test_chunk_header_and_body),
         cmocka_unit_test(test_codecs_round_trip),
         cmocka_unit_test(test_consolidates_a_minute),
         cmocka_unit_test(test_cap_deletes_seconds_before_minutes),
         cmocka_unit_test(test_cap_keeps_minutes_from_starving_seconds),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
