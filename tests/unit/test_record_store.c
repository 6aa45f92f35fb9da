/* The recording store on disk: a round trip through both tiers; a flipped
   byte in the middle of a segment costs a hole with its time range and
   nothing else; a crash's torn tails are cut on reopening and recording
   goes on; a newer format, a directory that is not a recording and an
   empty one are refused with what they are; a second writer is refused by
   PID; links are never followed; the size cap drops 1 s data before its
   1 min consolidation. Every file lives under a private mkdtemp directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "RecordSim.h"
#include "TempDir.h"
#include "record/RecordReader.h"
#include "record/SegmentFile.h"
#include "record/Store.h"
#include "record/StoreDir.h"

#define START_US (1790000000LL * 1000000)

static char root[4096];
static char dir[4200];
static char logText[8192];

static int setup(void** state) {
   (void)state;
   if (TempDir_make(root, sizeof(root), "leaktop-record") != 0)
      return -1;
   snprintf(dir, sizeof(dir), "%s/rec", root);
   logText[0] = '\0';
   return 0;
}

static int teardown(void** state) {
   (void)state;
   return TempDir_remove(root);
}

static void collectLog(void* ctx, const char* message) {
   (void)ctx;
   size_t used = strlen(logText);
   snprintf(logText + used, sizeof(logText) - used, "%s\n", message);
}

static void configure(StoreConfig* c) {
   StoreConfig_defaults(c, dir);
   c->sealTicks[RECORD_TIER_1S] = 10;
   c->sealTicks[RECORD_TIER_1M] = 5;
   c->segmentBytes = 1u << 20;
   c->sync = false;
   c->log = collectLog;
}

static Store* openStore(const StoreConfig* c) {
   char err[512];
   Store* s = Store_open(c, err, sizeof(err));
   if (!s)
      fail_msg("Store_open: %s", err);
   return s;
}

/* Appends n seconds of the simulation: its events, then its tick. */
static void writeTicks(Store* s, RecordSim* sim, int n) {
   for (int i = 0; i < n; i++) {
      const RecordTick* t = RecordSim_next(sim);
      for (int e = 0; e < sim->eventCount; e++)
         assert_int_equal(Store_appendEvent(s, &sim->events[e]), 0);
      assert_int_equal(Store_appendTick(s, t), 0);
   }
}

/* A closed recording of ticks seconds of procs processes. */
static void recordSome(int procs, uint64_t seed, int ticks) {
   StoreConfig c;
   configure(&c);
   Store* s = openStore(&c);
   RecordSim sim;
   RecordSim_init(&sim, procs, seed, START_US);
   writeTicks(s, &sim, ticks);
   assert_int_equal(Store_close(s), 0);
   RecordSim_done(&sim);
}

typedef struct ReadResult {
   int ticks, events, holes;
   int64_t firstUs, lastUs;
   RecordHole hole; /* the first */
} ReadResult;

/* Reads a tier; the ticks must match a simulation with the same seed. */
static ReadResult readTier(unsigned tier, RecordSim* expect) {
   char err[512];
   RecordReader* r = RecordReader_open(dir, tier, err, sizeof(err));
   if (!r)
      fail_msg("RecordReader_open: %s", err);
   ReadResult res = {.firstUs = -1, .lastUs = -1};
   RecordItem item;
   for (RecordItemType t; (t = RecordReader_next(r, &item)) != RECORD_ITEM_END;) {
      if (t == RECORD_ITEM_HOLE) {
         if (res.holes++ == 0)
            res.hole = item.hole;
         continue;
      }
      if (t == RECORD_ITEM_EVENT) {
         res.events++;
         continue;
      }
      const RecordTick* got = item.tick;
      if (res.firstUs < 0)
         res.firstUs = got->wallUs;
      assert_true(got->wallUs > res.lastUs);
      res.lastUs = got->wallUs;
      res.ticks++;
      if (!expect)
         continue;
      /* Skip what a hole lost, then the rows must be the ones written. */
      const RecordTick* want;
      do
         want = RecordSim_next(expect);
      while (want->wallUs < got->wallUs);
      assert_true(want->wallUs == got->wallUs);
      assert_int_equal(got->procCount, want->procCount);
      for (int p = 0; p < want->procCount; p++) {
         assert_true(got->procs[p].key[0] == want->procs[p].key[0]);
         assert_true(got->procs[p].present == want->procs[p].present);
         for (int f = 0; f < RECORD_FIELDS_MAX; f++)
            if (want->procs[p].present >> f & 1)
               assert_true(got->procs[p].value[f] == want->procs[p].value[f]);
      }
      assert_true(got->host.value[RF_HOST_MEM_AVAILABLE - 1] ==
                  want->host.value[RF_HOST_MEM_AVAILABLE - 1]);
   }
   RecordReader_delete(r);
   return res;
}

static void assertMode(const char* name, unsigned mode) {
   char path[4400];
   snprintf(path, sizeof(path), "%s/%s", dir, name);
   struct stat st;
   assert_int_equal(lstat(path, &st), 0);
   assert_int_equal(st.st_mode & 07777, mode);
}

static void test_round_trip_both_tiers(void** state) {
   (void)state;
   recordSome(5, 7, 185);
   RecordSim expect;
   RecordSim_init(&expect, 5, 7, START_US);
   ReadResult r = readTier(RECORD_TIER_1S, &expect);
   assert_int_equal(r.ticks, 185);
   assert_int_equal(r.holes, 0);
   /* The first tick's infos and starts, and each chunk's repeated infos. */
   assert_true(r.events >= 2 + 2 * 5);
   ReadResult m = readTier(RECORD_TIER_1M, NULL);
   assert_int_equal(m.ticks, 4); /* 185 s from a whole minute: 3 full minutes and a part */
   assert_int_equal(m.holes, 0);
   assert_true(m.firstUs == START_US - START_US % RECORD_MINUTE_US);
   assertMode(".", 0700);
   assertMode("1s-0000000001.seg", 0600);
   assertMode("1m-0000000001.seg", 0600);
   assertMode("1s.journal", 0600);
   assertMode(STORE_LOCK_NAME, 0600);
   RecordSim_done(&expect);
}

/* The offset of chunk number n (from 0) of a segment, and its length. */
static void findChunk(const char* name, int n, uint64_t* offset, uint32_t* length) {
   char path[4400];
   snprintf(path, sizeof(path), "%s/%s", dir, name);
   int fd = open(path, O_RDONLY);
   assert_true(fd >= 0);
   struct stat st;
   fstat(fd, &st);
   FrameSource src;
   FrameSource_fd(&src, fd, (uint64_t)st.st_size);
   SegmentIndex index;
   SegmentIndex_init(&index);
   SegmentIndex_build(&index, &src, true);
   int seen = 0;
   for (int i = 0; i < index.count; i++) {
      const IndexEntry* e = &index.entries[i];
      if (!e->isHole && e->frame.type == RECORD_CHUNK && seen++ == n) {
         *offset = e->frame.offset;
         *length = e->frame.length;
      }
   }
   assert_true(seen > n);
   SegmentIndex_done(&index);
   close(fd);
}

static void flipByte(const char* name, uint64_t offset) {
   char path[4400];
   snprintf(path, sizeof(path), "%s/%s", dir, name);
   int fd = open(path, O_RDWR);
   assert_true(fd >= 0);
   uint8_t b;
   assert_int_equal(pread(fd, &b, 1, (off_t)offset), 1);
   b ^= 0x20;
   assert_int_equal(pwrite(fd, &b, 1, (off_t)offset), 1);
   close(fd);
}

static void test_flipped_byte_costs_a_hole(void** state) {
   (void)state;
   recordSome(4, 11, 100);
   RecordSim expect;
   uint64_t offset;
   uint32_t length;
   /* The fifth chunk holds ticks 40 to 49. */
   findChunk("1s-0000000001.seg", 4, &offset, &length);
   flipByte("1s-0000000001.seg", offset + FRAME_HEADER_SIZE + length / 2);
   RecordSim_init(&expect, 4, 11, START_US);
   ReadResult r = readTier(RECORD_TIER_1S, &expect);
   assert_int_equal(r.ticks, 90);
   assert_int_equal(r.holes, 1);
   assert_string_equal(r.hole.file, "1s-0000000001.seg");
   assert_true(r.hole.start == offset);
   assert_true(r.hole.fromUs / 1000000 == START_US / 1000000 + 39);
   assert_true(r.hole.toUs / 1000000 == START_US / 1000000 + 50);
   assert_non_null(strstr(r.hole.why, "CRC"));
   /* A damaged frame header is crossed by resynchronisation. */
   findChunk("1s-0000000001.seg", 7, &offset, &length);
   flipByte("1s-0000000001.seg", offset + 5);
   RecordSim_done(&expect);
   RecordSim_init(&expect, 4, 11, START_US);
   r = readTier(RECORD_TIER_1S, &expect);
   assert_int_equal(r.ticks, 80);
   assert_int_equal(r.holes, 2);
   RecordSim_done(&expect);
}

static uint64_t fileSize(const char* name) {
   char path[4400];
   snprintf(path, sizeof(path), "%s/%s", dir, name);
   struct stat st;
   assert_int_equal(stat(path, &st), 0);
   return (uint64_t)st.st_size;
}

static void appendBytes(const char* name, const char* bytes, size_t n) {
   char path[4400];
   snprintf(path, sizeof(path), "%s/%s", dir, name);
   int fd = open(path, O_WRONLY | O_APPEND);
   assert_true(fd >= 0);
   assert_int_equal(write(fd, bytes, n), (ssize_t)n);
   close(fd);
}

static void test_torn_tail_truncated_on_reopen(void** state) {
   (void)state;
   StoreConfig c;
   configure(&c);
   /* A writer dies without closing: 5 chunks sealed, 5 ticks in the journal. */
   pid_t child = fork();
   assert_true(child >= 0);
   if (child == 0) {
      char err[512];
      Store* s = Store_open(&c, err, sizeof(err));
      RecordSim sim;
      RecordSim_init(&sim, 4, 3, START_US);
      for (int i = 0; s && i < 55; i++) {
         const RecordTick* t = RecordSim_next(&sim);
         for (int e = 0; e < sim.eventCount; e++)
            Store_appendEvent(s, &sim.events[e]);
         Store_appendTick(s, t);
      }
      _exit(s ? 0 : 1);
   }
   int status;
   waitpid(child, &status, 0);
   assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
   /* The last journal frame torn, and half a frame after the segment's end. */
   uint64_t journal = fileSize("1s.journal");
   char path[4400];
   snprintf(path, sizeof(path), "%s/1s.journal", dir);
   assert_int_equal(truncate(path, (off_t)(journal - 3)), 0);
   uint64_t segment = fileSize("1s-0000000001.seg");
   appendBytes("1s-0000000001.seg", "\x4c\xd3\x02\x00\xff\xff", 6);

   Store* s = openStore(&c);
   assert_non_null(strstr(logText, "torn tail of 6 bytes"));
   assert_non_null(strstr(logText, "sealed 4 ticks"));
   assert_true(fileSize("1s-0000000001.seg") > segment);
   RecordSim sim, expect;
   RecordSim_init(&sim, 4, 3, START_US);
   for (int i = 0; i < 55; i++)
      RecordSim_next(&sim);
   writeTicks(s, &sim, 20);
   assert_int_equal(Store_close(s), 0);
   RecordSim_init(&expect, 4, 3, START_US);
   ReadResult r = readTier(RECORD_TIER_1S, &expect);
   assert_int_equal(r.ticks, 54 + 20);
   assert_int_equal(r.holes, 0);
   RecordSim_done(&sim);
   RecordSim_done(&expect);
}

/* The reader refuses path, saying what. */
static void assertReaderRefuses(const char* path, const char* what) {
   char err[512];
   assert_null(RecordReader_open(path, RECORD_TIER_1S, err, sizeof(err)));
   if (!strstr(err, what))
      fail_msg("\"%s\" does not say \"%s\"", err, what);
}

/* The writer refuses the recording's directory, saying what. */
static void assertWriterRefuses(const char* what) {
   StoreConfig c;
   configure(&c);
   char err[512];
   assert_null(Store_open(&c, err, sizeof(err)));
   if (!strstr(err, what))
      fail_msg("\"%s\" does not say \"%s\"", err, what);
}

static void test_newer_version_refused(void** state) {
   (void)state;
   recordSome(3, 5, 30);
   /* What a leaktop of format 2 would leave. */
   static SegmentHeader h;
   memset(&h, 0, sizeof(h));
   h.major = RECORD_FORMAT_MAJOR + 1;
   RecordSchema_raw(&h.schema);
   int dirFd = open(dir, O_RDONLY | O_DIRECTORY);
   SegmentFile f;
   char err[512];
   assert_true(SegmentFile_create(&f, dirFd, "1s-0000000009.seg", &h, err, sizeof(err)));
   SegmentFile_close(&f);
   close(dirFd);
   assertReaderRefuses(dir, "1s-0000000009.seg: recording format 2.0 is newer than this leaktop "
                            "reads (1.x): use a newer leaktop");
   char file[4400];
   snprintf(file, sizeof(file), "%s/1s-0000000009.seg", dir);
   assertReaderRefuses(file, "newer");
   assertWriterRefuses("newer");
}

static void test_not_a_recording_refused(void** state) {
   (void)state;
   assert_int_equal(mkdir(dir, 0700), 0);
   char path[4400];
   snprintf(path, sizeof(path), "%s/notes.txt", dir);
   FILE* f = fopen(path, "w");
   fputs("not a segment\n", f);
   fclose(f);
   assertReaderRefuses(dir, "is not a leaktop recording");
   assertReaderRefuses(path, "is not a leaktop recording (no segment header)");
   assertWriterRefuses("is not a leaktop recording");
}

static void test_empty_directory(void** state) {
   (void)state;
   assert_int_equal(mkdir(dir, 0700), 0);
   assertReaderRefuses(dir, "the directory is empty");
   /* A writer that has not written a tick yet leaves only its lock. */
   StoreConfig c;
   configure(&c);
   Store* s = openStore(&c);
   char name[SEGMENT_NAME_SIZE];
   for (unsigned t = 0; t < RECORD_TIERS; t++) {
      SegmentFile_name(name, sizeof(name), t, 0, true);
      char path[4400];
      snprintf(path, sizeof(path), "%s/%s", dir, name);
      unlink(path);
   }
   assertReaderRefuses(dir, "holds no recorded data yet");
   Store_close(s);
}

static void test_second_writer_refused_naming_pid(void** state) {
   (void)state;
   int ready[2], done[2];
   assert_int_equal(pipe(ready), 0);
   assert_int_equal(pipe(done), 0);
   StoreConfig c;
   configure(&c);
   pid_t child = fork();
   assert_true(child >= 0);
   if (child == 0) {
      char err[512];
      Store* s = Store_open(&c, err, sizeof(err));
      char ok = s ? 'y' : 'n';
      ssize_t n = write(ready[1], &ok, 1);
      n += read(done[0], &ok, 1);
      Store_close(s);
      _exit(n == 2 ? 0 : 1);
   }
   char ok = 0;
   assert_int_equal(read(ready[0], &ok, 1), 1);
   assert_int_equal(ok, 'y');
   char err[512], pid[32];
   snprintf(pid, sizeof(pid), "PID %d", (int)child);
   assert_null(Store_open(&c, err, sizeof(err)));
   assert_non_null(strstr(err, pid));
   assert_non_null(strstr(err, "is being recorded by"));
   int dirFd = open(dir, O_RDONLY | O_DIRECTORY);
   assert_int_equal(StoreDir_writer(dirFd), child);
   assert_int_equal(write(done[1], "x", 1), 1);
   int status;
   waitpid(child, &status, 0);
   assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
   assert_int_equal(StoreDir_writer(dirFd), 0);
   close(dirFd);
   Store* s = openStore(&c);
   Store_close(s);
   close(ready[0]);
   close(ready[1]);
   close(done[0]);
   close(done[1]);
}

static void test_links_never_followed(void** state) {
   (void)state;
   assert_int_equal(mkdir(dir, 0700), 0);
   char target[4400], link[4400];
   snprintf(target, sizeof(target), "%s/elsewhere", root);
   snprintf(link, sizeof(link), "%s/%s", dir, STORE_LOCK_NAME);
   assert_int_equal(symlink(target, link), 0);
   assertWriterRefuses("symbolic link");
   assert_int_equal(access(target, F_OK), -1);
   unlink(link);
   /* The recording's directory itself, as a link. */
   char other[4400];
   snprintf(other, sizeof(other), "%s/real", root);
   assert_int_equal(mkdir(other, 0700), 0);
   assert_int_equal(rmdir(dir), 0);
   assert_int_equal(symlink(other, dir), 0);
   assertWriterRefuses("symbolic link");
}

static void test_directory_open_to_others_refused(void** state) {
   (void)state;
   assert_int_equal(mkdir(dir, 0755), 0);
   assert_int_equal(chmod(dir, 0755), 0);
   assertWriterRefuses("lets others in");
}

static void test_cap_drops_seconds_before_minutes(void** state) {
   (void)state;
   StoreConfig c;
   configure(&c);
   c.maxBytes = 160u << 10;
   c.segmentBytes = 8u << 10;
   c.sealTicks[RECORD_TIER_1S] = 60;
   c.sealTicks[RECORD_TIER_1M] = 10;
   Store* s = openStore(&c);
   RecordSim sim;
   RecordSim_init(&sim, 4, 13, START_US);
   const int ticks = 4 * 3600;
   for (int i = 0; i < ticks; i++) {
      const RecordTick* t = RecordSim_next(&sim);
      for (int e = 0; e < sim.eventCount; e++)
         assert_int_equal(Store_appendEvent(s, &sim.events[e]), 0);
      assert_int_equal(Store_appendTick(s, t), 0);
      /* Enforced at every append, not at rollover. */
      assert_true(Store_bytes(s) <= c.maxBytes);
   }
   assert_int_equal(Store_close(s), 0);
   assert_non_null(strstr(logText, "to stay under the"));
   ReadResult seconds = readTier(RECORD_TIER_1S, NULL);
   ReadResult minutes = readTier(RECORD_TIER_1M, NULL);
   /* The oldest seconds are gone; their minutes are all there. */
   assert_true(seconds.ticks < ticks / 2);
   assert_true(seconds.lastUs / 1000000 == START_US / 1000000 + ticks - 1);
   assert_true(minutes.firstUs == START_US - START_US % RECORD_MINUTE_US);
   assert_int_equal(minutes.ticks, ticks / 60 + (START_US % RECORD_MINUTE_US != 0));
   assert_true(minutes.firstUs + 3600LL * 1000000 < seconds.firstUs);
   RecordSim_done(&sim);
}

/* The default directory follows XDG_STATE_HOME, then HOME, as the snapshot
   store does; root's is the system one. */
static void test_default_directory(void** state) {
   (void)state;
   char where[512], err[256] = "";
   if (geteuid() == 0) {
      assert_true(StoreDir_default(where, sizeof(where), err, sizeof(err)));
      assert_string_equal(where, "/var/lib/leaktop");
      return;
   }
   setenv("XDG_STATE_HOME", "/srv/state", 1);
   setenv("HOME", "/home/oncall", 1);
   assert_true(StoreDir_default(where, sizeof(where), err, sizeof(err)));
   assert_string_equal(where, "/srv/state/leaktop/recordings");
   /* A relative XDG_STATE_HOME is ignored, as the spec says. */
   setenv("XDG_STATE_HOME", "state", 1);
   assert_true(StoreDir_default(where, sizeof(where), err, sizeof(err)));
   assert_string_equal(where, "/home/oncall/.local/state/leaktop/recordings");
   unsetenv("XDG_STATE_HOME");
   unsetenv("HOME");
   assert_false(StoreDir_default(where, sizeof(where), err, sizeof(err)));
   assert_non_null(strstr(err, "--where"));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_default_directory),
         cmocka_unit_test_setup_teardown(test_round_trip_both_tiers, setup, teardown),
         cmocka_unit_test_setup_teardown(test_flipped_byte_costs_a_hole, setup, teardown),
         cmocka_unit_test_setup_teardown(test_torn_tail_truncated_on_reopen, setup, teardown),
         cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
         cmocka_unit_test_setup_teardown(test_not_a_recording_refused, setup, teardown),
         cmocka_unit_test_setup_teardown(test_empty_directory, setup, teardown),
         cmocka_unit_test_setup_teardown(test_second_writer_refused_naming_pid, setup, teardown),
         cmocka_unit_test_setup_teardown(test_links_never_followed, setup, teardown),
         cmocka_unit_test_setup_teardown(test_directory_open_to_others_refused, setup, teardown),
         cmocka_unit_test_setup_teardown(test_cap_drops_seconds_before_minutes, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
