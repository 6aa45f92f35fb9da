/* The segment fuzzer's seeds, made with the real writer: segments of both
   tiers (zstd and uncompressed), a journal holding ticks, and a bare chunk
   body (fuzz_segment --make-corpus DIR). */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "RecordSim.h"
#include "fuzz_driver.h"
#include "record/Chunk.h"
#include "record/ChunkCodec.h"
#include "record/Frame.h"
#include "record/SegmentIndex.h"
#include "record/Store.h"

static bool SegmentCorpus_copy(const char* from, const char* to) {
   uint8_t* data;
   size_t size;
   if (!FuzzDriver_readFile(from, &data, &size))
      return false;
   FILE* f = fopen(to, "wb");
   bool ok = f && fwrite(data, 1, size, f) == size;
   if (f)
      fclose(f);
   free(data);
   return ok;
}

static int SegmentCorpus_remove(const char* path, const struct stat* st, int flag,
                                struct FTW* ftw) {
   (void)st;
   (void)flag;
   (void)ftw;
   return remove(path);
}

/* Records 25 s of a small tree with codec into dir; the journal is copied
   as journalCopy before the store closes, while it still holds ticks. */
static bool SegmentCorpus_record(const char* dir, const ChunkCodec* codec,
                                 const char* journalCopy) {
   StoreConfig c;
   StoreConfig_defaults(&c, dir);
   c.codec = codec;
   c.sealTicks[RECORD_TIER_1S] = 10;
   c.sealTicks[RECORD_TIER_1M] = 2;
   c.sync = false;
   snprintf(c.host, sizeof(c.host), "fuzz-host");
   snprintf(c.bootId, sizeof(c.bootId), "00000000-0000-4000-8000-000000000000");
   char err[512];
   Store* s = Store_open(&c, err, sizeof(err));
   if (!s) {
      fprintf(stderr, "fuzz_segment: %s\n", err);
      return false;
   }
   RecordSim sim;
   RecordSim_init(&sim, 2, 1, 1790000000LL * 1000000);
   for (int i = 0; i < 125; i++) {
      const RecordTick* t = RecordSim_next(&sim);
      for (int e = 0; e < sim.eventCount; e++)
         Store_appendEvent(s, &sim.events[e]);
      Store_appendTick(s, t);
   }
   RecordSim_done(&sim);
   char path[4400];
   snprintf(path, sizeof(path), "%s/1s.journal", dir);
   bool ok = !journalCopy || SegmentCorpus_copy(path, journalCopy);
   return Store_close(s) == 0 && ok;
}

/* The uncompressed body of the first chunk of a segment written with codec none. */
static bool SegmentCorpus_body(const char* segment, const char* out) {
   uint8_t* data;
   size_t size;
   if (!FuzzDriver_readFile(segment, &data, &size))
      return false;
   FrameSource source;
   FrameSource_memory(&source, data, size);
   SegmentIndex index;
   SegmentIndex_init(&index);
   SegmentIndex_build(&index, &source, true);
   bool ok = false;
   for (int i = 0; i < index.count && !ok; i++) {
      const IndexEntry* e = &index.entries[i];
      if (e->isHole || e->frame.type != RECORD_CHUNK)
         continue;
      FILE* f = fopen(out, "wb");
      const uint8_t* body = data + e->frame.offset + FRAME_HEADER_SIZE + CHUNK_HEADER_SIZE;
      ok = f && fwrite(body, 1, e->chunk.rawSize, f) == e->chunk.rawSize;
      if (f)
         fclose(f);
   }
   SegmentIndex_done(&index);
   free(data);
   return ok;
}

int FuzzTarget_makeCorpus(const char* out) {
   const char* base = getenv("TMPDIR");
   char tmp[4096];
   snprintf(tmp, sizeof(tmp), "%s/leaktop-fuzz-corpus-XXXXXX", base && *base ? base : "/tmp");
   if (!mkdtemp(tmp)) {
      perror("mkdtemp");
      return 1;
   }
   char zstd[4200], none[4200], from[4400], to[4400], journal[4400];
   snprintf(zstd, sizeof(zstd), "%s/zstd", tmp);
   snprintf(none, sizeof(none), "%s/none", tmp);
   snprintf(journal, sizeof(journal), "%s/journal-1s", out);
   bool ok = SegmentCorpus_record(zstd, &ChunkCodec_zstd, journal) &&
             SegmentCorpus_record(none, &ChunkCodec_none, NULL);
   const char* copies[][2] = {
         {zstd, "1s-0000000001.seg"}, {zstd, "1m-0000000001.seg"}, {none, "1s-0000000001.seg"}};
   const char* names[] = {"segment-1s-zstd", "segment-1m-zstd", "segment-1s-none"};
   for (int i = 0; i < 3 && ok; i++) {
      snprintf(from, sizeof(from), "%s/%s", copies[i][0], copies[i][1]);
      snprintf(to, sizeof(to), "%s/%s", out, names[i]);
      ok = SegmentCorpus_copy(from, to);
   }
   snprintf(from, sizeof(from), "%s/1s-0000000001.seg", none);
   snprintf(to, sizeof(to), "%s/body-1s", out);
   ok = ok && SegmentCorpus_body(from, to);
   nftw(tmp, SegmentCorpus_remove, 16, FTW_DEPTH | FTW_PHYS);
   return ok ? 0 : 1;
}
