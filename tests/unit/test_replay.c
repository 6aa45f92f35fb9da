/* Replay gives back what the live model said: a scripted tree (a master,
   a worker that leaks with its traffic, one that holds steady, one that is
   OOM-killed and replaced) is run live through the Recorder into a Store,
   then played with Replay. At every tick the replayed model must hold the
   same processes with the same verdicts, and the tree the same verdict, as
   the live one did; seeking into the middle rebuilds the same state, and
   the events are listed in order. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "ScriptedSource.h"
#include "TempDir.h"
#include "model/Machine.h"
#include "record/Recorder.h"
#include "record/Store.h"
#include "replay/Replay.h"
#include "replay/ReplayPrime.h"

#define MIB   1024u
#define TICKS 600
#define PROCS 8

typedef struct LiveProc {
   pid_t pid;
   unsigned long long start;
   GrowthVerdict verdict;
   uint64_t rssKiB;
   unsigned generation;
} LiveProc;

typedef struct LiveTick {
   int64_t wallUs;
   TreeVerdictLabel tree;
   int count;
   LiveProc procs[PROCS];
} LiveTick;

/* The live leaktop's: the tree of PID 100. */
static pid_t master = 100;
static Options liveOpts = {.mode = TARGET_PIDS,
                           .pids = &master,
                           .pidCount = 1,
                           .delay = 1,
                           .smapsInterval = 10,
                           .growthWindow = 300};

static char root[4096];
static char dir[4200];
static LiveTick live[TICKS];
static int liveCount;

static void snapshotLive(const Machine* m) {
   assert_true(liveCount < TICKS);
   LiveTick* t = &live[liveCount++];
   t->wallUs = (int64_t)(m->wallNow * 1e6 + 0.5);
   assert_int_equal(m->treeCount, 1);
   const ProcessTree* tree = m->trees[0];
   t->tree = tree->verdict.label;
   t->count = tree->count;
   for (int i = 0; i < tree->count && i < PROCS; i++) {
      const Process* p = tree->procs[i];
      t->procs[i] = (LiveProc){p->pid, p->startTicks, p->growth.verdict, p->rssKiB, p->generation};
   }
}

/* The live run: scan, record, remember what the model said. */
static int record(void** state) {
   (void)state;
   if (TempDir_make(root, sizeof(root), "leaktop-replay") != 0)
      return -1;
   snprintf(dir, sizeof(dir), "%.4000s/rec", root);
   SampleSource* host = ScriptedSource_new(1, 2048 * MIB, 8192 * MIB);
   ScriptedSource_spawn(host, 100, 1, "gunicorn", 30 * MIB);
   ScriptedSource_spawn(host, 101, 100, "gunicorn", 40 * MIB);
   ScriptedSource_spawn(host, 102, 100, "gunicorn", 40 * MIB);
   ScriptedSource_spawn(host, 103, 100, "gunicorn", 40 * MIB);
   ScriptedSource_setTraffic(host, 101, 5);
   ScriptedSource_setTraffic(host, 102, 5);
   ScriptedSource_setTraffic(host, 103, 5);
   char err[512] = "";
   Machine* m = Machine_newFrom(&liveOpts, host, err, sizeof(err));
   if (!m)
      fail_msg("%s", err);
   StoreConfig c;
   StoreConfig_defaults(&c, dir);
   c.sync = false;
   Store* store = Store_open(&c, err, sizeof(err));
   if (!store)
      fail_msg("Store_open: %s", err);
   Recorder* recorder = Recorder_new(Store_schema(store), 4321, "leaktop test");
   liveCount = 0;
   for (int i = 0; i < TICKS; i++) {
      /* 101 leaks 64 KiB a tick; 103 is OOM-killed at 400 and replaced. */
      ScriptedSource_setRss(host, 101, ScriptedSource_rss(host, 101) + 64);
      /* Traffic that varies, so growth with time can be told from growth
         with traffic. */
      if (i % 30 == 0) {
         double rate = (i / 30) % 2 ? 2 : 9;
         ScriptedSource_setTraffic(host, 101, rate);
         ScriptedSource_setTraffic(host, 102, rate);
      }
      if (i == 400) {
         ScriptedSource_oomKill(host);
         ScriptedSource_exit(host, 103, "killed by SIGKILL");
      }
      if (i == 402) {
         ScriptedSource_reap(host, 103);
         ScriptedSource_spawn(host, 104, 100, "gunicorn", 40 * MIB);
         ScriptedSource_setTraffic(host, 104, 5);
      }
      Machine_scan(m);
      Recorder_capture(recorder, m);
      assert_int_equal(Recorder_write(recorder, store), 0);
      snapshotLive(m);
   }
   Recorder_delete(recorder);
   assert_int_equal(Store_close(store), 0);
   Machine_delete(m);
   return 0;
}

static int cleanup(void** state) {
   (void)state;
   return TempDir_remove(root);
}

static Options replayOptions(void) {
   return (Options){
         .mode = TARGET_ALL_PYTHON, .delay = 1, .smapsInterval = 10, .growthWindow = 300};
}

static void assertSame(const Machine* m, const LiveTick* t) {
   assert_int_equal((int64_t)(m->wallNow * 1e6 + 0.5), t->wallUs);
   assert_int_equal(m->treeCount, 1);
   const ProcessTree* tree = m->trees[0];
   assert_int_equal(tree->count, t->count);
   assert_int_equal(tree->verdict.label, t->tree);
   for (int i = 0; i < t->count && i < PROCS; i++) {
      const LiveProc* lp = &t->procs[i];
      const Process* p = Machine_findProcess(m, lp->pid, lp->start, NULL);
      if (!p)
         fail_msg("PID %d missing in replay at tick %d", (int)lp->pid, (int)(t - live));
      assert_int_equal(p->rssKiB, lp->rssKiB);
      assert_int_equal(p->generation, lp->generation);
      if (p->growth.verdict != lp->verdict)
         fail_msg("PID %d at tick %d: replay says %s, live said %s", (int)lp->pid, (int)(t - live),
                  Classifier_label(p->growth.verdict), Classifier_label(lp->verdict));
   }
}

static void test_same_verdicts_tick_by_tick(void** state) {
   (void)state;
   Options opts = replayOptions();
   char err[512] = "";
   Replay* r = Replay_open(dir, &opts, err, sizeof(err));
   if (!r)
      fail_msg("Replay_open: %s", err);
   int64_t first, last;
   Replay_span(r, &first, &last);
   assert_true(Replay_seek(r, live[0].wallUs, err, sizeof(err)));
   assertSame(Replay_machine(r), &live[0]);
   for (int i = 1; i < liveCount; i++) {
      assert_true(Replay_forward(r));
      assertSame(Replay_machine(r), &live[i]);
   }
   assert_false(Replay_forward(r));
   /* The leak was judged live, so replay must have judged it too. */
   const Process* leaker =
         Machine_findProcess(Replay_machine(r), 101, live[0].procs[1].start, NULL);
   assert_non_null(leaker);
   print_message("the leaking worker: %s\n", Classifier_label(leaker->growth.verdict));
   assert_true(leaker->growth.verdict == VERDICT_GROWS_WITH_TIME ||
               leaker->growth.verdict == VERDICT_GROWS_WITH_TRAFFIC);
   Replay_delete(r);
}

static void test_seek_rebuilds_the_same_state(void** state) {
   (void)state;
   Options opts = replayOptions();
   char err[512] = "";
   Replay* r = Replay_open(dir, &opts, err, sizeof(err));
   assert_non_null(r);
   /* The newest data first, as the screen opens. */
   assertSame(Replay_machine(r), &live[liveCount - 1]);
   assert_true(Replay_seek(r, live[450].wallUs, err, sizeof(err)));
   assertSame(Replay_machine(r), &live[450]);
   assert_true(Replay_back(r));
   assertSame(Replay_machine(r), &live[449]);
   assert_true(Replay_forward(r));
   assert_true(Replay_forward(r));
   assertSame(Replay_machine(r), &live[451]);
   /* Between two ticks: the one before. */
   assert_true(Replay_seek(r, live[300].wallUs + 500000, err, sizeof(err)));
   assertSame(Replay_machine(r), &live[300]);
   assert_false(Replay_seek(r, live[0].wallUs - 3600 * 1000000LL, err, sizeof(err)));
   assert_non_null(strstr(err, "before the recording"));
   assert_false(Replay_seek(r, live[liveCount - 1].wallUs + 3600 * 1000000LL, err, sizeof(err)));
   assert_non_null(strstr(err, "after the recording"));
   assertSame(Replay_machine(r), &live[300]);
   Replay_delete(r);
}

static void test_events_in_order(void** state) {
   (void)state;
   Options opts = replayOptions();
   char err[512] = "";
   Replay* r = Replay_open(dir, &opts, err, sizeof(err));
   assert_non_null(r);
   bool exit = false, start = false, verdict = false, oom = false;
   int64_t previous = INT64_MIN;
   for (int i = 0; i < Replay_eventCount(r); i++) {
      const ReplayEvent* e = Replay_event(r, i);
      assert_true(e->wallUs >= previous);
      previous = e->wallUs;
      exit |= e->kind == REPLAY_EVENT_EXIT && e->pid == 103 && strstr(e->text, "SIGKILL");
      start |= e->kind == REPLAY_EVENT_START && e->pid == 104;
      verdict |= e->kind == REPLAY_EVENT_VERDICT && e->pid == 101;
      oom |= e->kind == REPLAY_EVENT_OOM_KILL;
   }
   assert_true(exit && start && verdict && oom);
   assert_int_equal(Replay_lostCount(r), 0);
   /* ] from the start finds the first event after it; [ from the end the last. */
   assert_true(Replay_seek(r, live[0].wallUs, err, sizeof(err)));
   const ReplayEvent* next = Replay_nextEvent(r, 1);
   assert_non_null(next);
   assert_true(next->wallUs > live[0].wallUs);
   /* ] visits every event, also those of one tick, each once. */
   int visited = 1;
   const ReplayEvent* e = next;
   while (e) {
      if (e->wallUs != Replay_cursor(r))
         assert_true(Replay_seek(r, e->wallUs, err, sizeof(err)));
      const ReplayEvent* following = Replay_nextEvent(r, 1);
      if (following) {
         assert_int_equal(following - Replay_event(r, 0), e - Replay_event(r, 0) + 1);
         visited++;
      }
      e = following;
   }
   assert_int_equal(visited, Replay_eventCount(r) - (int)(next - Replay_event(r, 0)));
   Replay_seekEnd(r);
   const ReplayEvent* before = Replay_nextEvent(r, -1);
   assert_non_null(before);
   assert_true(before->wallUs < Replay_cursor(r));
   Replay_delete(r);
}

static void test_bad_input(void** state) {
   (void)state;
   Options opts = replayOptions();
   char err[512] = "";
   char empty[4300];
   snprintf(empty, sizeof(empty), "%.4000s/empty", root);
   assert_int_equal(mkdir(empty, 0700), 0);
   assert_null(Replay_open(empty, &opts, err, sizeof(err)));
   assert_non_null(strstr(err, "empty"));
   snprintf(empty, sizeof(empty), "%.4000s/missing", root);
   assert_null(Replay_open(empty, &opts, err, sizeof(err)));
   assert_non_null(strstr(err, "missing"));
}

/* A restart (of the recorder, or a live leaktop started later): the same
   host, the same processes, a new model. Primed from the recording, it has
   the recorded verdicts before its first tick; without, it is warming up. */
static void test_restart_takes_the_recorded_history(void** state) {
   (void)state;
   const LiveTick* end = &live[liveCount - 1];
   for (int primed = 0; primed < 2; primed++) {
      SampleSource* host = ScriptedSource_new(1, 2048 * MIB, 8192 * MIB);
      for (pid_t pid = 100; pid <= 102; pid++)
         ScriptedSource_spawn(host, pid, pid == 100 ? 1 : 100, "gunicorn", 40 * MIB);
      ScriptedSource_advance(host, 402);
      ScriptedSource_spawn(host, 104, 100, "gunicorn", 40 * MIB);
      ScriptedSource_advance(host, TICKS - 402);
      for (int i = 0; i < end->count; i++)
         ScriptedSource_setRss(host, end->procs[i].pid, end->procs[i].rssKiB);
      char err[512] = "", note[600] = "";
      Machine* m = Machine_newFrom(&liveOpts, host, err, sizeof(err));
      if (!m)
         fail_msg("%s", err);
      const Process* leaker = Machine_findProcess(m, 101, end->procs[1].start, NULL);
      assert_non_null(leaker);
      if (primed) {
         assert_int_equal(ReplayPrime_fromDir(m, dir, note, sizeof(note)), end->count);
         assert_non_null(strstr(note, "history from"));
         assert_int_equal(leaker->growth.verdict, end->procs[1].verdict);
         assert_true(leaker->growth.verdict == VERDICT_GROWS_WITH_TIME);
      }
      Machine_scan(m);
      if (primed)
         assert_int_equal(leaker->growth.verdict, VERDICT_GROWS_WITH_TIME);
      else
         assert_int_equal(leaker->growth.verdict, VERDICT_WARMING_UP);
      Machine_delete(m);
   }
}

/* Bytes flipped inside the first sealed chunk: replay reads around it,
   says what was lost, and the ticks after it still replay as they were. */
static void test_damage_is_a_hole(void** state) {
   (void)state;
   char seg[4300];
   snprintf(seg, sizeof(seg), "%s/1s-0000000001.seg", dir);
   FILE* f = fopen(seg, "r+b");
   assert_non_null(f);
   assert_int_equal(fseek(f, 0, SEEK_END), 0);
   long size = ftell(f);
   /* Past the magic and the two header frames (16 bytes and the payload
      whose length is at bytes 4-7 of the frame), a quarter into the
      chunks: the first of the two holds the first 300 ticks. */
   unsigned char frame[8];
   assert_int_equal(fseek(f, 8, SEEK_SET), 0);
   assert_int_equal(fread(frame, 1, sizeof(frame), f), sizeof(frame));
   long length = frame[4] | frame[5] << 8 | frame[6] << 16 | (long)frame[7] << 24;
   long chunks = 8 + 2 * (16 + length);
   assert_true(size > chunks + 64);
   assert_int_equal(fseek(f, chunks + (size - chunks) / 4, SEEK_SET), 0);
   assert_int_equal(fwrite("\xde\xad\xbe\xef\xde\xad\xbe\xef", 1, 8, f), 8);
   fclose(f);
   Options opts = replayOptions();
   char err[512] = "";
   Replay* r = Replay_open(dir, &opts, err, sizeof(err));
   if (!r)
      fail_msg("Replay_open: %s", err);
   assert_true(Replay_lostCount(r) >= 1);
   /* Where the seconds are lost, the minutes stand in: a tick of the 1 min
      tier, at most a minute before the time asked for. */
   assert_true(Replay_seek(r, live[200].wallUs, err, sizeof(err)));
   assert_true(Replay_cursor(r) <= live[200].wallUs);
   assert_true(Replay_cursor(r) > live[200].wallUs - 60 * 1000000LL);
   assert_true(Replay_cursor(r) % (60 * 1000000LL) == 0);
   assert_non_null(strstr(Replay_lost(r, 0)->why, "1s-0000000001.seg"));
   /* The ticks of the second chunk are all there. */
   assert_true(Replay_seek(r, live[590].wallUs, err, sizeof(err)));
   assert_int_equal(Replay_cursor(r), live[590].wallUs);
   Replay_delete(r);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_same_verdicts_tick_by_tick),
         cmocka_unit_test(test_seek_rebuilds_the_same_state),
         cmocka_unit_test(test_events_in_order),
         cmocka_unit_test(test_bad_input),
         cmocka_unit_test(test_restart_takes_the_recorded_history),
         cmocka_unit_test(test_damage_is_a_hole),
   };
   return cmocka_run_group_tests(tests, record, cleanup);
}
