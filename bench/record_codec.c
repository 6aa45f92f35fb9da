/* The recorder's store, measured: a simulated day (bench/RecordSim: 1 s
   ticks, smaps every 10 s, slowly growing RSS, noisy CPU) written through
   the real writer with each codec, then read back through the real reader.
   Reports bytes per process per day, the writer's CPU per day and as a
   share of a core at 1 Hz, and decode speed, CPU figures as the median of
   --runs runs (one run's vary by a third on a shared machine). Figures,
   not pass/fail.
   Usage: record_codec [--hours H] [--procs N,...] [--runs N] [--dir DIR] */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "RecordSim.h"
#include "record/RecordReader.h"
#include "record/Store.h"
#ifdef HAVE_LZ4
#include "Lz4Codec.h"
#endif

#define START_US (1790000000LL * 1000000)

typedef struct Variant {
   const char* label;
   const ChunkCodec* codec;
   int level;
} Variant;

static double cpuNow(void) {
   struct timespec ts;
   clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wallNow(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes of the files of a tier ("1s-", "1m-"; journals included). */
static uint64_t tierBytes(const char* dir, const char* prefix) {
   DIR* d = opendir(dir);
   uint64_t total = 0;
   for (struct dirent* e; d && (e = readdir(d)) != NULL;) {
      if (strncmp(e->d_name, prefix, 2) != 0)
         continue;
      char path[4400];
      snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
      struct stat st;
      if (stat(path, &st) == 0)
         total += (uint64_t)st.st_size;
   }
   if (d)
      closedir(d);
   return total;
}

static int removeEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
   (void)st;
   (void)flag;
   (void)ftw;
   return remove(path);
}

/* CPU seconds the simulation alone takes, to subtract from the writer's. */
static double simulationCpu(int procs, long ticks) {
   RecordSim sim;
   RecordSim_init(&sim, procs, 1, START_US);
   double t0 = cpuNow();
   for (long i = 0; i < ticks; i++)
      RecordSim_next(&sim);
   double cpu = cpuNow() - t0;
   RecordSim_done(&sim);
   return cpu;
}

typedef struct Figures {
   uint64_t bytes1s, bytes1m;
   double encodeCpu;
   double decodeCpu, decodeWall;
   long decodedTicks, decodedRows, holes;
} Figures;

static bool writeDay(const char* dir, const Variant* v, int procs, long ticks, double simCpu,
                     Figures* out) {
   StoreConfig c;
   StoreConfig_defaults(&c, dir);
   c.maxBytes = 64ULL << 30; /* measure everything: nothing deleted */
   c.codec = v->codec;
   c.level = v->level;
   char err[512];
   double t0 = cpuNow();
   Store* s = Store_open(&c, err, sizeof(err));
   if (!s) {
      fprintf(stderr, "record_codec: %s\n", err);
      return false;
   }
   RecordSim sim;
   RecordSim_init(&sim, procs, 1, START_US);
   for (long i = 0; i < ticks; i++) {
      const RecordTick* t = RecordSim_next(&sim);
      for (int e = 0; e < sim.eventCount; e++)
         Store_appendEvent(s, &sim.events[e]);
      Store_appendTick(s, t);
   }
   Store_close(s);
   out->encodeCpu = cpuNow() - t0 - simCpu;
   RecordSim_done(&sim);
   out->bytes1s = tierBytes(dir, "1s");
   out->bytes1m = tierBytes(dir, "1m");
   return true;
}

static bool readDay(const char* dir, Figures* out) {
   char err[512];
   double c0 = cpuNow(), w0 = wallNow();
   RecordReader* r = RecordReader_open(dir, RECORD_TIER_1S, err, sizeof(err));
   if (!r) {
      fprintf(stderr, "record_codec: %s\n", err);
      return false;
   }
   RecordItem item;
   for (RecordItemType t; (t = RecordReader_next(r, &item)) != RECORD_ITEM_END;) {
      if (t == RECORD_ITEM_TICK) {
         out->decodedTicks++;
         out->decodedRows += item.tick->procCount;
      } else if (t == RECORD_ITEM_HOLE) {
         out->holes++;
      }
   }
   RecordReader_delete(r);
   out->decodeCpu = cpuNow() - c0;
   out->decodeWall = wallNow() - w0;
   return true;
}

static int compareDoubles(const void* a, const void* b) {
   double x = *(const double*)a, y = *(const double*)b;
   return x < y ? -1 : x > y;
}

static double median(double* v, int n) {
   qsort(v, (size_t)n, sizeof(double), compareDoubles);
   return v[n / 2];
}

/* One variant, runs times in fresh directories: sizes (the same every
   time) and the median CPU figures into out. */
static bool measure(const char* base, const Variant* v, int procs, long ticks, double simCpu,
                    int runs, Figures* out) {
   double enc[16], dec[16];
   for (int r = 0; r < runs; r++) {
      char dir[4096];
      snprintf(dir, sizeof(dir), "%s/leaktop-bench-record-XXXXXX", base);
      if (!mkdtemp(dir)) {
         perror("mkdtemp");
         return false;
      }
      char store[4200];
      snprintf(store, sizeof(store), "%s/rec", dir);
      *out = (Figures){0};
      bool ok = writeDay(store, v, procs, ticks, simCpu, out) && readDay(store, out);
      nftw(dir, removeEntry, 16, FTW_DEPTH | FTW_PHYS);
      if (!ok)
         return false;
      enc[r] = out->encodeCpu;
      dec[r] = out->decodeCpu;
   }
   out->encodeCpu = median(enc, runs);
   out->decodeCpu = median(dec, runs);
   return true;
}

static void report(const Variant* v, int procs, double days, long ticks, const Figures* f) {
   double perProcDay1s = (double)f->bytes1s / procs / days;
   double perProcDay = (double)(f->bytes1s + f->bytes1m) / procs / days;
   double cpuPerDay = f->encodeCpu / days;
   printf("%5d  %-8s %9.1f %8.1f %10.0f %10.0f %9.2f %9.4f %8.3f %9.0f %5ld\n", procs, v->label,
          (double)f->bytes1s / 1024, (double)f->bytes1m / 1024, perProcDay1s / 1024,
          perProcDay / 1024, cpuPerDay, 100.0 * f->encodeCpu / (double)ticks, f->decodeCpu,
          (double)f->decodedTicks / f->decodeCpu, f->holes);
}

int main(int argc, char** argv) {
   double hours = 24;
   int runs = 3;
   const char* procList = "33,50";
   const char* base = getenv("TMPDIR");
   base = base && *base ? base : "/tmp";
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc)
         hours = atof(argv[++i]);
      else if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc)
         procList = argv[++i];
      else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
         runs = atoi(argv[++i]);
      else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
         base = argv[++i];
      else {
         fprintf(stderr, "usage: %s [--hours H] [--procs N,...] [--runs N] [--dir DIR]\n", argv[0]);
         return 2;
      }
   }
   const Variant variants[] = {
         {"zstd-1", &ChunkCodec_zstd, 1}, {"zstd-3", &ChunkCodec_zstd, 3},
         {"zstd-9", &ChunkCodec_zstd, 9},
#ifdef HAVE_LZ4
         {"lz4", &Lz4Codec, 0},           {"lz4hc-9", &Lz4Codec, 9},
#endif
         {"none", &ChunkCodec_none, 0},
   };
#ifdef HAVE_LZ4
   ChunkCodec_register(&Lz4Codec);
#else
   puts("(lz4 not built: install liblz4-dev and configure again to compare it)");
#endif
   if (runs < 1 || runs > 16)
      runs = 3;
   long ticks = (long)(hours * 3600);
   double days = hours / 24;
   printf("%.1f h of 1 s ticks, smaps every 10 s, one worker recycled per hour; chunks of 300 "
          "ticks (1 s) and 60 (1 min); CPU: median of %d runs\n",
          hours, runs);
   printf("procs  codec      1s KiB   1m KiB  KiB/proc/d KiB/proc/d  enc CPU    %% core  dec CPU "
          " ticks/s holes\n");
   printf("                                      (1 s)  (1 s + 1 m)  s/day    at 1 Hz     s   "
          "(decode)\n");
   char list[256];
   snprintf(list, sizeof(list), "%s", procList);
   char* save = NULL;
   for (char* p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
      int procs = atoi(p);
      if (procs < 2)
         continue;
      double simCpu = simulationCpu(procs, ticks);
      for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
         Figures f;
         if (!measure(base, &variants[v], procs, ticks, simCpu, runs, &f))
            return 1;
         report(&variants[v], procs, days, ticks, &f);
         fflush(stdout);
      }
   }
   struct rusage ru;
   getrusage(RUSAGE_SELF, &ru);
   printf("peak RSS of the bench (simulation, writer and reader): %.1f MiB\n",
          (double)ru.ru_maxrss / 1024);
   return 0;
}
