/* Runs a fuzz target (LLVMFuzzerTestOneInput) without libFuzzer, as a TAP
   check program: over every seed of the corpus and a few thousand
   deterministic mutations of them (bit flips, byte overwrites,
   truncations, zeroed runs, splices of two seeds), so make check (and its
   sanitizer build) exercises the parser on bad input. With --make-corpus
   DIR it writes the seeds instead, for a target whose seeds are made
   (FuzzTarget_makeCorpus, e.g. segment_corpus.c).
   Usage: fuzz_NAME [CORPUS_DIR] | fuzz_NAME --make-corpus DIR */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_driver.h"

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

bool FuzzDriver_readFile(const char* path, uint8_t** data, size_t* size) {
   FILE* f = fopen(path, "rb");
   if (!f)
      return false;
   /* A directory among the seeds (tests/unit/data/proc) opens too, and
      its "size" is LONG_MAX. */
   struct stat st;
   if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
      fclose(f);
      return false;
   }
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

int main(int argc, char** argv) {
   if (argc == 3 && strcmp(argv[1], "--make-corpus") == 0) {
      if (!FuzzTarget_makeCorpus) {
         fprintf(stderr, "%s: its seeds are files of the tree, not made\n", argv[0]);
         return 2;
      }
      return FuzzTarget_makeCorpus(argv[2]);
   }
   return FuzzDriver_run(argc > 1 ? argv[1] : FUZZ_CORPUS);
}
