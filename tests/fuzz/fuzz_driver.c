/* Runs fuzz_segment.c's target without libFuzzer, as a TAP check program:
   over every seed of the corpus and a few thousand deterministic mutations
   of them (bit flips, byte overwrites, truncations, zeroed runs, splices of
   two seeds), so make check (and its sanitizer build) exercises the reader
   on bad input. With --make-corpus DIR it writes the seeds instead, with
   the real writer: segments of both tiers (zstd and uncompressed), a
   journal holding ticks, and a bare chunk body.
   Usage: fuzz_segment [CORPUS_DIR] | fuzz_segment --make-corpus DIR */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "RecordSim.h"
#include "record/ChunkCodec.h"
#include "record/SegmentIndex.h"
#include "record/Store.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define MUTATIONS_PER_SEED 600

typedef struct Seed {
   char name[256];
   uint8_t* data;
   size_t size;
} Seed;

static uint64_t FuzzDriver_rng = 0x5eed;

static uint64_t FuzzDriver_random(void) {
   FuzzDriver_rng ^= FuzzDriver_rng << 13;
   FuzzDriver_rng ^= FuzzDriver_rng >> 7;
   FuzzDriver_rng ^= FuzzDriver_rng << 17;
   return FuzzDriver_rng;
}

static bool FuzzDriver_readFile(const char* path, uint8_t** data, size_t* size) {
   FILE* f = fopen(path, "rb");
   if (!f)
      return false;
   fseek(f, 0, SEEK_END);
   long n = ftell(f);
   fseek(f, 0, SEEK_SET);
   *data = malloc(n > 0 ? (size_t)n : 1);
   *size = n > 0 && fread(*data, 1, (size_t)n, f) == (size_t)n ? (size_t)n : 0;
   fclose(f);
   return *data != NULL;
}

/* One mutation of seed a (b for splices) into out; returns its size. */
static size_t FuzzDriver_mutate(const Seed* a, const Seed* b, uint8_t* out) {
   size_t n = a->size;
   memcpy(out, a->data, n);
   if (n == 0)
      return 0;
   switch (FuzzDriver_random() % 5) {
   case 0: /* a few bit flips */
      for (int k = 1 + (int)(FuzzDriver_random() % 4); k > 0; k--)
         out[FuzzDriver_random() % n] ^= (uint8_t)(1u << (FuzzDriver_random() % 8));
      return n;
   case 1: { /* a byte set to a boundary value */
      static const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x4c, 0xd3};
      out[FuzzDriver_random() % n] = values[FuzzDriver_random() % sizeof(values)];
      return n;
   }
   case 2: /* cut short */
      return (size_t)(FuzzDriver_random() % n);
   case 3: { /* a zeroed run, as a power loss leaves */
      size_t at = (size_t)(FuzzDriver_random() % n);
      size_t len = (size_t)(FuzzDriver_random() % 256);
      memset(out + at, 0, len < n - at ? len : n - at);
      return n;
   }
   default: { /* the head of one seed and the tail of another */
      size_t cut = (size_t)(FuzzDriver_random() % n);
      size_t from = b->size ? (size_t)(FuzzDriver_random() % b->size) : 0;
      memcpy(out + cut, b->data + from, b->size - from);
      return cut + (b->size - from);
   }
   }
}

static int FuzzDriver_compareSeeds(const void* x, const void* y) {
   return strcmp(((const Seed*)x)->name, ((const Seed*)y)->name);
}

static int FuzzDriver_run(const char* corpus) {
   DIR* d = opendir(corpus);
   if (!d) {
      printf("1..0 # SKIP no corpus at %s\n", corpus);
      return 0;
   }
   Seed seeds[64];
   int count = 0;
   size_t largest = 0;
   for (struct dirent* e; (e = readdir(d)) != NULL && count < 64;) {
      if (e->d_name[0] == '.')
         continue;
      Seed* s = &seeds[count];
      char path[4400];
      snprintf(path, sizeof(path), "%s/%s", corpus, e->d_name);
      snprintf(s->name, sizeof(s->name), "%s", e->d_name);
      if (!FuzzDriver_readFile(path, &s->data, &s->size))
         continue;
      if (s->size > largest)
         largest = s->size;
      count++;
   }
   closedir(d);
   /* Sorted, so that the mutations are the same from run to run. */
   qsort(seeds, (size_t)count, sizeof(Seed), FuzzDriver_compareSeeds);
   printf("1..%d\n", count);
   uint8_t* buf = malloc(2 * largest + 1);
   for (int i = 0; i < count; i++) {
      LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].size);
      for (int m = 0; m < MUTATIONS_PER_SEED; m++) {
         const Seed* other = &seeds[FuzzDriver_random() % (uint64_t)count];
         size_t n = FuzzDriver_mutate(&seeds[i], other, buf);
         /* Exactly n bytes on the heap, so ASan sees a read past the end. */
         uint8_t* input = malloc(n ? n : 1);
         memcpy(input, buf, n);
         LLVMFuzzerTestOneInput(input, n);
         free(input);
      }
      printf("ok %d - %s and %d mutations of it\n", i + 1, seeds[i].name, MUTATIONS_PER_SEED);
   }
   free(buf);
   for (int i = 0; i < count; i++)
      free(seeds[i].data);
   return 0;
}

/* ---- the seeds, from the real writer ---------------------------------- */

static bool FuzzDriver_copy(const char* from, const char* to) {
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

static int FuzzDriver_remove(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
   (void)st;
   (void)flag;
   (void)ftw;
   return remove(path);
}

/* Records 25 s of a small tree with codec into dir; the journal is copied
   as journalCopy before the store closes, while it still holds ticks. */
static bool FuzzDriver_record(const char* dir, const ChunkCodec* codec, const char* journalCopy) {
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
   bool ok = !journalCopy || FuzzDriver_copy(path, journalCopy);
   return Store_close(s) == 0 && ok;
}

/* The uncompressed body of the first chunk of a segment written with codec none. */
static bool FuzzDriver_body(const char* segment, const char* out) {
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

static int FuzzDriver_makeCorpus(const char* out) {
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
   bool ok = FuzzDriver_record(zstd, &ChunkCodec_zstd, journal) &&
             FuzzDriver_record(none, &ChunkCodec_none, NULL);
   const char* copies[][2] = {
         {zstd, "1s-0000000001.seg"}, {zstd, "1m-0000000001.seg"}, {none, "1s-0000000001.seg"}};
   const char* names[] = {"segment-1s-zstd", "segment-1m-zstd", "segment-1s-none"};
   for (int i = 0; i < 3 && ok; i++) {
      snprintf(from, sizeof(from), "%s/%s", copies[i][0], copies[i][1]);
      snprintf(to, sizeof(to), "%s/%s", out, names[i]);
      ok = FuzzDriver_copy(from, to);
   }
   snprintf(from, sizeof(from), "%s/1s-0000000001.seg", none);
   snprintf(to, sizeof(to), "%s/body-1s", out);
   ok = ok && FuzzDriver_body(from, to);
   nftw(tmp, FuzzDriver_remove, 16, FTW_DEPTH | FTW_PHYS);
   return ok ? 0 : 1;
}

int main(int argc, char** argv) {
   if (argc == 3 && strcmp(argv[1], "--make-corpus") == 0)
      return FuzzDriver_makeCorpus(argv[2]);
   return FuzzDriver_run(argc > 1 ? argv[1] : FUZZ_CORPUS);
}
