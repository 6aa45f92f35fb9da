/* Replay over a week: a 7-day recording of one tree of 33 processes (a
   master and 32 workers from bench/RecordSim: ppid, name and command-line
   infos, every field of the 1 s tier, a worker recycled each hour) written
   through the real Store under the default 256 MiB cap, then opened with
   Replay. Reports what the directory holds, the time to the first screen
   (Replay_open, which builds the model at the newest data), and 20 jumps
   (Replay_seek) to random times, with the phases of both timed by reading
   the same spans through RecordReader alone. The recording is made once
   and kept under DIR (default $TMPDIR/leaktop-bench) for the next runs.
   Figures, not pass/fail.
   --max-mib sets another cap, to see the week kept at 1 min when the
   seconds no longer fit.
   --hours N records N hours instead of days, --procs N another tree size
   (bench/report.sh's 50 workers over 6 hours).
   Usage: replay_speed [--dir DIR] [--days N | --hours N] [--procs N] [--max-mib N]
                       [--regenerate] */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "CommandLine.h"
#include "RecordSim.h"
#include "model/Machine.h"
#include "record/RecordReader.h"
#include "record/Store.h"
#include "replay/Replay.h"

#define START_US (1790000000LL * 1000000)
#define PROCS    33
#define SEEKS    20
#define OPENS    3
/* Replay's lookbacks (src/replay/Replay.c), for the phase profile. */
#define COARSE_LOOKBACK_US (4 * 3600 * 1000000LL)
#define FINE_LOOKBACK_US   (15 * 60 * 1000000LL)

static double wallNow(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int removeEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
   (void)st;
   (void)flag;
   (void)ftw;
   return remove(path);
}

/* The week, through the real writer, as `leaktop record` would leave it
   with the default cap; the stamp is written last, so an interrupted run
   is made again. */
/* The tree's processes, the master first (--procs). */
static int treeProcs = PROCS;

static bool generate(const char* dir, const char* stamp, long hours, uint64_t maxBytes) {
   nftw(dir, removeEntry, 16, FTW_DEPTH | FTW_PHYS);
   StoreConfig c;
   StoreConfig_defaults(&c, dir);
   c.maxBytes = maxBytes;
   c.sync = false; /* the same bytes, without a week of fdatasyncs */
   char err[512];
   Store* s = Store_open(&c, err, sizeof(err));
   if (!s) {
      fprintf(stderr, "replay_speed: %s\n", err);
      return false;
   }
   double t0 = wallNow();
   RecordSim sim;
   RecordSim_init(&sim, treeProcs, 7, START_US);
   long ticks = hours * 3600;
   for (long i = 0; i < ticks; i++) {
      const RecordTick* t = RecordSim_next(&sim);
      for (int e = 0; e < sim.eventCount; e++)
         Store_appendEvent(s, &sim.events[e]);
      Store_appendTick(s, t);
   }
   RecordSim_done(&sim);
   int rc = Store_close(s);
   if (rc != 0) {
      fprintf(stderr, "replay_speed: closing the store: %s\n", strerror(rc));
      return false;
   }
   FILE* f = fopen(stamp, "w");
   if (!f || fprintf(f, "%ld hours of %d processes\n", hours, treeProcs) < 0 || fclose(f) != 0) {
      perror(stamp);
      return false;
   }
   printf("generated %ld hours of %d processes in %.1f s (cached for the next runs)\n", hours,
          treeProcs, wallNow() - t0);
   return true;
}

static void tierFiles(const char* dir, const char* prefix, int* files, double* mib) {
   DIR* d = opendir(dir);
   *files = 0;
   uint64_t total = 0;
   for (struct dirent* e; d && (e = readdir(d)) != NULL;) {
      if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
         continue;
      char path[4600];
      snprintf(path, sizeof(path), "%.4300s/%.255s", dir, e->d_name);
      struct stat st;
      if (stat(path, &st) == 0) {
         total += (uint64_t)st.st_size;
         (*files)++;
      }
   }
   if (d)
      closedir(d);
   *mib = (double)total / (1 << 20);
}

/* What the cap left: each tier's files, bytes and span. */
static void describe(const char* dir, uint64_t maxBytes) {
   static const struct {
      const char* prefix;
      unsigned tier;
   } tiers[] = {{"1s", RECORD_TIER_1S}, {"1m", RECORD_TIER_1M}};
   printf("the directory (cap %llu MiB):\n", (unsigned long long)(maxBytes >> 20));
   for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
      int files;
      double mib;
      tierFiles(dir, tiers[i].prefix, &files, &mib);
      char err[512];
      RecordReader* r = RecordReader_open(dir, tiers[i].tier, err, sizeof(err));
      int64_t a = 0, b = 0;
      if (r && RecordReader_span(r, &a, &b))
         printf("  %s tier: %3d files, %6.1f MiB, %.2f days (%.1f h)\n", tiers[i].prefix, files,
                mib, (double)(b - a) / 86400e6, (double)(b - a) / 3600e6);
      else
         printf("  %s tier: %3d files, %6.1f MiB, nothing readable (%s)\n", tiers[i].prefix, files,
                mib, r ? "empty" : err);
      RecordReader_delete(r);
   }
}

static void replayOptions(Options* opts) {
   CommandLine_defaults(opts);
   opts->mode = TARGET_ALL_PYTHON;
}

static int compareDoubles(const void* a, const void* b) {
   double x = *(const double*)a, y = *(const double*)b;
   return x < y ? -1 : x > y;
}

/* Ticks read from a tier over [fromUs, toUs], and the wall time taken. */
static double readSpan(const char* dir, unsigned tier, int64_t fromUs, int64_t toUs, long* ticks) {
   char err[512];
   RecordReader* r = RecordReader_open(dir, tier, err, sizeof(err));
   *ticks = 0;
   if (!r)
      return 0;
   double t0 = wallNow();
   RecordItem item;
   if (RecordReader_seek(r, fromUs)) {
      for (RecordItemType t; (t = RecordReader_next(r, &item)) != RECORD_ITEM_END;) {
         if (t != RECORD_ITEM_TICK)
            continue;
         if (item.tick->wallUs > toUs)
            break;
         (*ticks)++;
      }
   }
   double took = wallNow() - t0;
   RecordReader_delete(r);
   return took;
}

/* Where a seek to wallUs spends its time: decoding the 1 min tier over
   4 h and the 1 s tier over 15 min, as Replay reads them; the rest of
   Replay_seek is feeding those ticks through Machine_scan. */
static void profileSeek(const char* dir, int64_t wallUs, int64_t fineFirstUs, double seekTotal) {
   int64_t fineFrom = wallUs - FINE_LOOKBACK_US;
   int64_t switchUs = fineFirstUs > fineFrom ? fineFirstUs : fineFrom;
   long coarseTicks = 0, fineTicks = 0;
   double coarse = 0, fine = 0;
   if (wallUs - COARSE_LOOKBACK_US < switchUs)
      coarse = readSpan(dir, RECORD_TIER_1M, wallUs - COARSE_LOOKBACK_US,
                        switchUs < wallUs ? switchUs : wallUs, &coarseTicks);
   if (switchUs <= wallUs)
      fine = readSpan(dir, RECORD_TIER_1S, switchUs, wallUs, &fineTicks);
   double model = seekTotal - coarse - fine;
   long fed = coarseTicks + fineTicks;
   printf("    decode 1 min tier %4ld ticks %6.1f ms | decode 1 s tier %4ld ticks %6.1f ms | "
          "model (Machine_scan x %ld) %6.1f ms = %.0f us/tick\n",
          coarseTicks, coarse * 1e3, fineTicks, fine * 1e3, fed, model * 1e3,
          fed ? model * 1e6 / (double)fed : 0);
}

/* The phases of Replay_open: the readers' indexes, the event list (a pass
   over the whole 1 min tier), then the seek to the newest tick. */
static void profileOpen(const char* dir, double openTotal, int64_t lastUs, int64_t fineFirstUs) {
   char err[512];
   double t0 = wallNow();
   RecordReader* fine = RecordReader_open(dir, RECORD_TIER_1S, err, sizeof(err));
   double t1 = wallNow();
   RecordReader* coarse = RecordReader_open(dir, RECORD_TIER_1M, err, sizeof(err));
   double t2 = wallNow();
   long items = 0;
   RecordItem item;
   while (coarse && RecordReader_next(coarse, &item) != RECORD_ITEM_END)
      items++;
   double t3 = wallNow();
   RecordReader_delete(fine);
   RecordReader_delete(coarse);
   printf("  phases of the first screen (%.1f ms):\n", openTotal * 1e3);
   printf("    open 1 s tier index %6.1f ms | open 1 min tier index %6.1f ms | events: whole "
          "1 min tier, %ld items %6.1f ms\n",
          (t1 - t0) * 1e3, (t2 - t1) * 1e3, items, (t3 - t2) * 1e3);
   double seek = openTotal - (t3 - t0);
   printf("    the seek to the newest tick, %.1f ms:\n", seek * 1e3);
   profileSeek(dir, lastUs, fineFirstUs, seek);
}

static bool checkModel(const Machine* m) {
   int procs = 0;
   for (int t = 0; t < m->treeCount; t++)
      procs += m->trees[t]->count;
   const Process* root = m->treeCount ? ProcessTree_root(m->trees[0]) : NULL;
   printf("  model at the newest tick: %d tree(s), %d processes, root %s (PID %d)\n", m->treeCount,
          procs, root ? root->name : "-", root ? (int)root->pid : 0);
   return m->treeCount == 1 && procs == treeProcs;
}

/* First screen: Replay_open, median of OPENS; the model must be the tree. */
static Replay* firstScreen(const char* dir, const Options* opts, double* median, double* worst) {
   double took[OPENS];
   Replay* r = NULL;
   for (int i = 0; i < OPENS; i++) {
      Replay_delete(r);
      char err[512];
      double t0 = wallNow();
      r = Replay_open(dir, opts, err, sizeof(err));
      took[i] = wallNow() - t0;
      if (!r) {
         fprintf(stderr, "replay_speed: Replay_open: %s\n", err);
         return NULL;
      }
   }
   qsort(took, OPENS, sizeof(double), compareDoubles);
   *median = took[OPENS / 2];
   *worst = took[OPENS - 1];
   return r;
}

static uint64_t nextRandom(uint64_t* s) {
   *s ^= *s >> 12;
   *s ^= *s << 25;
   *s ^= *s >> 27;
   return *s * 2685821657736338717ULL;
}

/* SEEKS jumps to random times of the span; returns false if one fails. */
static bool jumps(Replay* r, const char* dir, int64_t fineFirstUs) {
   int64_t first, last;
   Replay_span(r, &first, &last);
   uint64_t rng = 0x5eed;
   double took[SEEKS], worst = 0;
   int64_t worstAt = last;
   int inFine = 0;
   for (int i = 0; i < SEEKS; i++) {
      int64_t at = first + (int64_t)(nextRandom(&rng) % (uint64_t)(last - first + 1));
      char err[512];
      double t0 = wallNow();
      bool ok = Replay_seek(r, at, err, sizeof(err));
      took[i] = wallNow() - t0;
      if (!ok) {
         fprintf(stderr, "replay_speed: Replay_seek: %s\n", err);
         return false;
      }
      inFine += at >= fineFirstUs;
      if (took[i] > worst) {
         worst = took[i];
         worstAt = at;
      }
   }
   qsort(took, SEEKS, sizeof(double), compareDoubles);
   printf("  jumps: %d random times (%d in the 1 s tier's span, %d before it): median %.1f ms, "
          "max %.1f ms\n",
          SEEKS, inFine, SEEKS - inFine, (took[SEEKS / 2 - 1] + took[SEEKS / 2]) / 2 * 1e3,
          worst * 1e3);
   printf("  phases of the slowest jump (%.1f days before the end):\n",
          (double)(last - worstAt) / 86400e6);
   char err[512];
   double t0 = wallNow();
   Replay_seek(r, worstAt, err, sizeof(err));
   profileSeek(dir, worstAt, fineFirstUs, wallNow() - t0);
   printf("RESULT jump_median_ms=%.1f\nRESULT jump_max_ms=%.1f\n",
          (took[SEEKS / 2 - 1] + took[SEEKS / 2]) / 2 * 1e3, took[SEEKS - 1] * 1e3);
   return true;
}

/* The first screen, its phases, then the jumps. */
static bool measure(const char* dir) {
   char err[512];
   RecordReader* fine = RecordReader_open(dir, RECORD_TIER_1S, err, sizeof(err));
   int64_t fineFirstUs = INT64_MAX, fineLastUs;
   if (!fine || !RecordReader_span(fine, &fineFirstUs, &fineLastUs))
      fineFirstUs = INT64_MAX;
   RecordReader_delete(fine);
   Options opts;
   replayOptions(&opts);
   double median, worst;
   Replay* r = firstScreen(dir, &opts, &median, &worst);
   if (!r)
      return false;
   printf("replay (warm page cache):\n");
   printf("  first screen (Replay_open, the model at the newest tick): median of %d %.1f ms, "
          "max %.1f ms\n",
          OPENS, median * 1e3, worst * 1e3);
   printf("RESULT first_screen_ms=%.1f\n", median * 1e3);
   bool ok = checkModel(Replay_machine(r));
   int64_t first, last;
   Replay_span(r, &first, &last);
   profileOpen(dir, median, last, fineFirstUs);
   ok = jumps(r, dir, fineFirstUs) && ok;
   Replay_delete(r);
   CommandLine_done(&opts);
   return ok;
}

int main(int argc, char** argv) {
   const char* base = getenv("TMPDIR");
   base = base && *base ? base : "/tmp";
   char baseDir[4096];
   snprintf(baseDir, sizeof(baseDir), "%s/leaktop-bench", base);
   int days = 7, hours = 0;
   uint64_t maxBytes = STORE_DEFAULT_MAX_BYTES;
   bool regenerate = false;
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
         snprintf(baseDir, sizeof(baseDir), "%s", argv[++i]);
      else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc)
         days = atoi(argv[++i]);
      else if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc)
         hours = atoi(argv[++i]);
      else if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc)
         treeProcs = atoi(argv[++i]);
      else if (strcmp(argv[i], "--max-mib") == 0 && i + 1 < argc)
         maxBytes = strtoull(argv[++i], NULL, 10) << 20;
      else if (strcmp(argv[i], "--regenerate") == 0)
         regenerate = true;
      else {
         fprintf(stderr,
                 "usage: %s [--dir DIR] [--days N | --hours N] [--procs N] [--max-mib N] "
                 "[--regenerate]\n",
                 argv[0]);
         return 2;
      }
   }
   if (days < 1)
      days = 7;
   if (treeProcs < 2)
      treeProcs = PROCS;
   char work[4200], dir[4300], stamp[4300];
   if (maxBytes < (1ULL << 20))
      maxBytes = STORE_DEFAULT_MAX_BYTES;
   if (hours > 0)
      snprintf(work, sizeof(work), "%s/replay-%dh-%dp-%lluM", baseDir, hours, treeProcs,
               (unsigned long long)(maxBytes >> 20));
   else
      snprintf(work, sizeof(work), "%s/replay-%dd-%dp-%lluM", baseDir, days, treeProcs,
               (unsigned long long)(maxBytes >> 20));
   snprintf(dir, sizeof(dir), "%s/rec", work);
   snprintf(stamp, sizeof(stamp), "%s/complete", work);
   if ((mkdir(baseDir, 0700) != 0 && errno != EEXIST) ||
       (mkdir(work, 0700) != 0 && errno != EEXIST)) {
      perror(work);
      return 1;
   }
   struct stat st;
   if (regenerate || stat(stamp, &st) != 0) {
      remove(stamp);
      if (!generate(dir, stamp, hours > 0 ? hours : 24L * days, maxBytes))
         return 1;
   } else {
      printf("reusing %s (--regenerate to make it again)\n", dir);
   }
   describe(dir, maxBytes);
   return measure(dir) ? 0 : 1;
}
