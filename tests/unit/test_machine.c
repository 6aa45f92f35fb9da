/* The model over a scripted host (ScriptedSource): Machine fed through the
   SampleSource seam, as live /proc or a recording would feed it. A master
   with workers is attached; a worker appears, grows, is recycled, is
   OOM-killed; the generations, the exited summary, the verdicts and the
   scan flags are what the dashboard and --batch would show. */
#include "config.h"

#include <math.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ScriptedSource.h"
#include "classify/TreeVerdict.h"
#include "model/Machine.h"
#include "traffic/Traffic.h"

#define MIB 1024u

typedef struct Fixture {
   pid_t master;
   Options opts;
   SampleSource* host; /* owned by machine */
   Machine* machine;
} Fixture;

/* Master 100 with workers 101 and 102 of 40 MiB, at 1 s ticks, in a cgroup
   limited to 1 GiB on a host of 8 GiB. */
static int setup(void** state) {
   static Fixture f;
   memset(&f, 0, sizeof(f));
   f.master = 100;
   f.opts = (Options){.mode = TARGET_PIDS,
                      .pids = &f.master,
                      .pidCount = 1,
                      .delay = 1,
                      .smapsInterval = 10,
                      .growthWindow = 300};
   f.host = ScriptedSource_new(1, 1024 * MIB, 8192 * MIB);
   ScriptedSource_spawn(f.host, 100, 1, "gunicorn", 30 * MIB);
   ScriptedSource_spawn(f.host, 101, 100, "gunicorn", 40 * MIB);
   ScriptedSource_spawn(f.host, 102, 100, "gunicorn", 40 * MIB);
   char err[256] = "";
   f.machine = Machine_newFrom(&f.opts, f.host, err, sizeof(err));
   if (!f.machine)
      fail_msg("%s", err);
   Machine_scan(f.machine);
   *state = &f;
   return 0;
}

static int teardown(void** state) {
   Fixture* f = *state;
   Machine_delete(f->machine);
   return 0;
}

static ProcessTree* tree0(const Fixture* f) {
   assert_int_equal(f->machine->treeCount, 1);
   return f->machine->trees[0];
}

static Process* proc(const Fixture* f, pid_t pid) {
   return ProcessTree_find(tree0(f), pid);
}

/* ticks scans, with pid's RSS growing by kibPerTick before each. */
static void grow(Fixture* f, pid_t pid, uint64_t kibPerTick, int ticks) {
   for (int i = 0; i < ticks; i++) {
      if (pid)
         ScriptedSource_setRss(f->host, pid, ScriptedSource_rss(f->host, pid) + kibPerTick);
      Machine_scan(f->machine);
   }
}

static void test_attach(void** state) {
   Fixture* f = *state;
   ProcessTree* t = tree0(f);
   assert_int_equal(t->count, 3);
   assert_string_equal(t->name, "gunicorn");
   assert_int_equal(ProcessTree_root(t)->pid, 100);
   assert_int_equal(ProcessTree_root(t)->role, ROLE_MASTER);
   assert_int_equal(proc(f, 101)->role, ROLE_WORKER);
   assert_int_equal(proc(f, 101)->generation, 1);
   assert_true(proc(f, 101)->memKnown);
   assert_int_equal(proc(f, 101)->rssKiB, 40 * MIB);
   assert_int_equal(ProcessTree_totalRss(t), 110 * MIB);
   assert_true(t->cgroup.limited);
   assert_true(f->machine->hostMemKnown);
   assert_int_equal(f->machine->memTotalKiB, 8192 * MIB);
   assert_string_equal(Traffic_displayName(f->machine->traffic), "scripted requests");
}

static void test_unknown_pid_refused(void** state) {
   (void)state;
   pid_t missing = 999;
   Options opts = {.mode = TARGET_PIDS, .pids = &missing, .pidCount = 1, .delay = 1};
   SampleSource* host = ScriptedSource_new(1, 0, 1024 * MIB);
   ScriptedSource_spawn(host, 100, 1, "python3", 30 * MIB);
   char err[256] = "";
   assert_null(Machine_newFrom(&opts, host, err, sizeof(err)));
   assert_string_equal(err, "no process with PID 999 in the script");
}

static void test_worker_appears(void** state) {
   Fixture* f = *state;
   ScriptedSource_spawn(f->host, 103, 100, "gunicorn", 20 * MIB);
   Machine_scan(f->machine);
   assert_int_equal(tree0(f)->count, 4);
   assert_non_null(proc(f, 103));
   assert_int_equal(proc(f, 103)->role, ROLE_WORKER);
   /* No worker exited before it: a new position, not a replacement. */
   assert_int_equal(proc(f, 103)->generation, 1);
   assert_int_equal(tree0(f)->exitedTotal, 0);
   /* A grandchild is a child, not a worker. The children of a process
      not known as a parent are read once per 5 s discovery round. */
   ScriptedSource_spawn(f->host, 104, 103, "sh", 1 * MIB);
   grow(f, 0, 0, 5);
   assert_non_null(proc(f, 104));
   assert_int_equal(proc(f, 104)->role, ROLE_CHILD);
   assert_int_equal(proc(f, 104)->depth, 2);
}

/* A master whose stat does not move has not forked: its children list is
   not read again until it runs, or for 60 s; once it ran, the worker it
   forked is found at the next tick. */
static void test_children_read_when_parent_ran(void** state) {
   Fixture* f = *state;
   ScriptedSource_setStatHash(f->host, 100, 7);
   grow(f, 0, 0, 2);
   int reads = ScriptedSource_childrenReads(f->host, 100);
   ScriptedSource_spawn(f->host, 103, 100, "gunicorn", 20 * MIB);
   grow(f, 0, 0, 10);
   assert_int_equal(ScriptedSource_childrenReads(f->host, 100), reads);
   assert_null(proc(f, 103));
   ScriptedSource_setStatHash(f->host, 100, 8); /* the fork's faults */
   grow(f, 0, 0, 2);
   assert_non_null(proc(f, 103));
   /* Still again: the list stands, but not longer than 60 s. */
   ScriptedSource_spawn(f->host, 104, 100, "gunicorn", 20 * MIB);
   grow(f, 0, 0, 30);
   assert_null(proc(f, 104));
   grow(f, 0, 0, 35);
   assert_non_null(proc(f, 104));
}

/* 12 MiB/min in an idle worker beside a flat one: the growing one is judged
   to grow with time, the flat one stable, the tree "one grows", with a time
   to the cgroup's limit from the slope. */
static void test_grows_and_verdicts(void** state) {
   Fixture* f = *state;
   grow(f, 101, 200, 400);
   Process* leaking = proc(f, 101);
   Process* flat = proc(f, 102);
   assert_int_equal(leaking->rssKiB, 40 * MIB + 400 * 200);
   assert_int_equal(leaking->peakRssKiB, leaking->rssKiB);
   double perMin = Process_growthPerMinute(leaking, 300);
   assert_true(fabs(perMin - 12000) < 600);
   assert_int_equal(leaking->growth.verdict, VERDICT_GROWS_WITH_TIME);
   assert_int_equal(flat->growth.verdict, VERDICT_STABLE);
   assert_int_equal(tree0(f)->verdict.label, TREE_ONE_GROWS);
   double ttl = tree0(f)->verdict.timeToLimit;
   /* 1 GiB minus what the tree uses now, at about 12 MiB/min. */
   double headroom = 1024.0 * MIB - (double)ProcessTree_totalRss(tree0(f));
   assert_true(isfinite(ttl));
   assert_true(fabs(ttl - headroom / 12000 * 60) < 0.15 * ttl);
}

/* A worker that exits is summarised with how it ended; its replacement,
   even on the same PID, is its next generation. */
static void test_recycled(void** state) {
   Fixture* f = *state;
   grow(f, 102, 100, 30);
   uint64_t peak = proc(f, 102)->peakRssKiB;
   ScriptedSource_exit(f->host, 102, "exit 0");
   Machine_scan(f->machine);
   assert_null(proc(f, 102));
   const ExitedProcess* e = ProcessTree_exited(tree0(f), 0);
   assert_non_null(e);
   assert_int_equal(e->pid, 102);
   assert_string_equal(e->how, "exit 0");
   assert_int_equal(e->generation, 1);
   assert_int_equal(e->peakRssKiB, peak);
   assert_true(e->lifetime >= 30 && e->lifetime <= 33);

   ScriptedSource_reap(f->host, 102);
   ScriptedSource_spawn(f->host, 105, 100, "gunicorn", 40 * MIB);
   Machine_scan(f->machine);
   assert_int_equal(proc(f, 105)->generation, 2);

   /* The PID comes back between two ticks on a new process: its start time
      tells it from the one that ended. */
   ScriptedSource_exit(f->host, 105, NULL);
   ScriptedSource_spawn(f->host, 105, 100, "gunicorn", 40 * MIB);
   Machine_scan(f->machine);
   Process* again = proc(f, 105);
   assert_int_equal(again->generation, 3);
   assert_int_equal(again->peakRssKiB, 40 * MIB);
   assert_int_equal(tree0(f)->exitedTotal, 2);
   assert_string_equal(ProcessTree_exited(tree0(f), 0)->how, "exited");
}

/* Worker slots: filled 1..N at attach, a new position takes a new slot, a
   replacement the slot its predecessor left, as its next generation. */
static void test_slots(void** state) {
   Fixture* f = *state;
   assert_int_equal(proc(f, 101)->slot, 1);
   assert_int_equal(proc(f, 102)->slot, 2);
   assert_int_equal(ProcessTree_root(tree0(f))->slot, 0);
   ScriptedSource_spawn(f->host, 103, 100, "gunicorn", 20 * MIB);
   Machine_scan(f->machine);
   assert_int_equal(proc(f, 103)->slot, 3);
   ScriptedSource_exit(f->host, 101, "exit 0");
   grow(f, 0, 0, 2);
   const ExitedProcess* e = ProcessTree_exited(tree0(f), 0);
   assert_int_equal(e->slot, 1);
   assert_int_equal(e->end, END_RECYCLE);
   ScriptedSource_reap(f->host, 101);
   ScriptedSource_spawn(f->host, 104, 100, "gunicorn", 40 * MIB);
   Machine_scan(f->machine);
   assert_int_equal(proc(f, 104)->slot, 1);
   assert_int_equal(proc(f, 104)->generation, 2);
   const WorkerSlot* slot = ProcessTree_slot(tree0(f), 1);
   assert_non_null(slot);
   assert_ptr_equal(slot->occupant, proc(f, 104));
   assert_int_equal(slot->ends.recycles, 1);
   assert_int_equal(slot->doneCount, 1);
   assert_int_equal(WorkerSlot_generation(slot, 0)->generation, 1);
   assert_int_equal(tree0(f)->ends.recycles, 1);
   assert_null(ProcessTree_slot(tree0(f), 4));
   assert_null(ProcessTree_slot(tree0(f), 2)->done);
   /* The ended generation's RSS over its life, for the slot's sawtooth. */
   const GenerationRecord* g = WorkerSlot_generation(slot, 0);
   assert_true(g->points >= 2);
   assert_float_equal(g->rssKiB[0], 40 * MIB, 0.5);
}

/* Both workers recycled every 30 s (max_requests of 60 at 2 requests/s),
   each generation retaining kibPerRequest; returns the tick the tree's
   verdict became a recycled-growth one, 0 if it never did. */
static int recycle(Fixture* f, double kibPerRequest, int ticks) {
   pid_t next = 200;
   pid_t workers[2] = {101, 102};
   int born[2] = {-10, -25}; /* warm at attach, and out of step */
   int verdictAt = 0;
   for (int w = 0; w < 2; w++)
      ScriptedSource_setTraffic(f->host, workers[w], 2);
   for (int tick = 1; tick <= ticks; tick++) {
      for (int w = 0; w < 2; w++) {
         int age = tick - born[w];
         if (age >= 30) {
            ScriptedSource_exit(f->host, workers[w], NULL);
            workers[w] = next++;
            born[w] = tick;
            ScriptedSource_spawn(f->host, workers[w], 100, "gunicorn", 30 * MIB);
            ScriptedSource_setTraffic(f->host, workers[w], 2);
         } else if (age > 0 && age <= 3) {
            /* Imports and first requests: the same in every generation. */
            ScriptedSource_setRss(f->host, workers[w],
                                  ScriptedSource_rss(f->host, workers[w]) + 3 * MIB);
         } else {
            ScriptedSource_setRss(f->host, workers[w],
                                  ScriptedSource_rss(f->host, workers[w]) +
                                        (uint64_t)(2 * kibPerRequest));
         }
      }
      Machine_scan(f->machine);
      TreeVerdictLabel label = tree0(f)->verdict.label;
      if (!verdictAt && (label == TREE_RECYCLED_TRAFFIC || label == TREE_RECYCLED_TIME))
         verdictAt = tick;
   }
   return verdictAt;
}

/* 200 KiB per request, masked by recycling: grows with traffic, recycled,
   for the tree and for each slot, within three generations. */
static void test_recycled_growth(void** state) {
   Fixture* f = *state;
   int at = recycle(f, 200, 150);
   assert_true(at > 0 && at <= 120);
   ProcessTree* t = tree0(f);
   assert_int_equal(t->verdict.label, TREE_RECYCLED_TRAFFIC);
   assert_int_equal(t->slotCount, 2);
   assert_int_equal(t->recycle.label, RECYCLE_GROWS_WITH_TRAFFIC);
   assert_true(fabs(t->recycle.perThousandUnits - 200 * 1000) < 20 * 1000);
   assert_true(fabs(t->recycle.restartsPerHour - 240) < 15);
   assert_non_null(strstr(t->verdict.evidence, "restarts/h"));
   for (unsigned n = 1; n <= 2; n++)
      assert_int_equal(ProcessTree_slot(t, n)->verdict.label, RECYCLE_GROWS_WITH_TRAFFIC);
   assert_int_equal(t->ends.unknown, t->exitedTotal);
}

/* The control: the same recycling and warm-up, nothing retained. */
static void test_recycled_flat(void** state) {
   Fixture* f = *state;
   assert_int_equal(recycle(f, 0, 150), 0);
   assert_int_equal(tree0(f)->recycle.label, RECYCLE_NONE);
   assert_int_equal(ProcessTree_slot(tree0(f), 1)->verdict.label, RECYCLE_NONE);
}

/* The cgroup counts an OOM kill as the worker dies: that is how it ended. */
static void test_oom_killed(void** state) {
   Fixture* f = *state;
   grow(f, 101, 500, 20);
   ScriptedSource_oomKill(f->host);
   ScriptedSource_exit(f->host, 101, "killed by SIGKILL");
   Machine_scan(f->machine);
   assert_null(proc(f, 101));
   assert_string_equal(ProcessTree_exited(tree0(f), 0)->how,
                       "killed by SIGKILL (OOM kill in its cgroup)");
   assert_true(tree0(f)->lastOomKill >= 0);

   /* Gone before it could be seen as a zombie: the count alone tells. */
   ScriptedSource_oomKill(f->host);
   ScriptedSource_exit(f->host, 102, NULL);
   Machine_scan(f->machine);
   assert_string_equal(ProcessTree_exited(tree0(f), 0)->how, "OOM kill in its cgroup");
   /* Counted apart from recycles and crashes, in the tree and the slots. */
   assert_int_equal(ProcessTree_exited(tree0(f), 0)->end, END_OOM_KILL);
   assert_int_equal(tree0(f)->ends.oomKills, 2);
   assert_int_equal(tree0(f)->ends.recycles + tree0(f)->ends.crashes, 0);
   assert_int_equal(ProcessTree_slot(tree0(f), 1)->ends.oomKills, 1);
   assert_int_equal(ProcessTree_slot(tree0(f), 2)->ends.oomKills, 1);
}

/* A SIGKILL long after the cgroup's last OOM kill is not one. */
static void test_killed_not_oom(void** state) {
   Fixture* f = *state;
   ScriptedSource_oomKill(f->host);
   grow(f, 0, 0, 10);
   ScriptedSource_exit(f->host, 101, "killed by SIGKILL");
   Machine_scan(f->machine);
   assert_string_equal(ProcessTree_exited(tree0(f), 0)->how, "killed by SIGKILL");
   assert_int_equal(tree0(f)->ends.crashes, 1);
   assert_int_equal(ProcessTree_slot(tree0(f), 1)->ends.crashes, 1);
   ScriptedSource_exit(f->host, 102, "exit 3");
   Machine_scan(f->machine);
   assert_int_equal(ProcessTree_exited(tree0(f), 0)->end, END_CRASH);
   assert_int_equal(tree0(f)->ends.crashes, 2);
}

/* The master and its workers end: the tree goes, and with explicit targets
   leaktop knows every one of them has ended. */
static void test_tree_ends(void** state) {
   Fixture* f = *state;
   assert_false(Machine_allTargetsGone(f->machine));
   ScriptedSource_exit(f->host, 101, NULL);
   ScriptedSource_exit(f->host, 102, NULL);
   ScriptedSource_exit(f->host, 100, "exit 0");
   Machine_scan(f->machine);
   Machine_scan(f->machine);
   assert_int_equal(f->machine->treeCount, 0);
   assert_true(Machine_allTargetsGone(f->machine));
}

/* Traffic handed over with the samples: totals per worker and tree, and
   idle ticks where a worker served nothing. */
static void test_supplied_traffic(void** state) {
   Fixture* f = *state;
   ScriptedSource_setTraffic(f->host, 101, 5);
   grow(f, 0, 0, 10);
   assert_true(proc(f, 101)->trafficKnown);
   assert_true(proc(f, 101)->trafficTotal >= 50);
   assert_false(proc(f, 101)->idle);
   assert_true(proc(f, 102)->idle);
   assert_true(tree0(f)->trafficTotal >= 50);
   char err[128] = "";
   assert_false(Machine_setTraffic(f->machine, "tcp", err, sizeof(err)));
   assert_string_equal(err, "a scripted host has only its own traffic");
   assert_string_equal(Traffic_unit(f->machine->traffic), "requests");
}

/* smaps is read only while SCAN_SMAPS is asked for. */
static void test_scan_flags(void** state) {
   Fixture* f = *state;
   assert_true(proc(f, 101)->smapsKnown);
   assert_int_equal(proc(f, 101)->ussKiB, 40 * MIB);
   f->machine->scanFlags = 0;
   ScriptedSource_spawn(f->host, 106, 100, "gunicorn", 10 * MIB);
   grow(f, 101, 1024, 15);
   assert_false(proc(f, 106)->smapsKnown);
   assert_true(proc(f, 106)->smapsTime < 0);
   assert_int_equal(proc(f, 101)->ussKiB, 40 * MIB);
   f->machine->scanFlags = SCAN_SMAPS;
   Machine_scan(f->machine);
   assert_true(proc(f, 106)->smapsKnown);
   assert_int_equal(proc(f, 101)->ussKiB, 40 * MIB + 15 * 1024);
}

/* Worker 101 leaks a CLOSE_WAIT socket a second while running (its stat
   changes every tick), worker 102 holds 8 fds and never runs. */
static void leakSockets(Fixture* f, int ticks) {
   for (int i = 0; i < ticks; i++) {
      uint32_t leaked = (uint32_t)f->machine->tick;
      ScriptedSource_setFds(f->host, 101, 8 + leaked, leaked, 2);
      ScriptedSource_setStatHash(f->host, 101, 1000 + (uint64_t)f->machine->tick);
      ScriptedSource_setFds(f->host, 102, 8, 0, 2);
      ScriptedSource_setStatHash(f->host, 102, 7);
      Machine_scan(f->machine);
   }
}

/* The counts every tick feed the fds verdict; what the fds are is read on
   the smaps cadence while SCAN_FDS is set, names CLOSE_WAIT, and stands
   for a process that did not run. */
static void test_fds_and_threads(void** state) {
   Fixture* f = *state;
   leakSockets(f, 70);
   Process* leaker = proc(f, 101);
   assert_true(leaker->fdKnown);
   assert_int_equal(leaker->threads, 2);
   assert_true(leaker->resources.grows[RESOURCE_FDS]);
   char text[96];
   ResourceGrowth_describe(&leaker->resources, text, sizeof(text));
   assert_non_null(strstr(text, "grows/fds: CLOSE_WAIT +"));
   /* The last round's reading, taken in the tick before the last one. */
   assert_in_range(leaker->fdKinds.tcpStates[PROC_TCP_CLOSE_WAIT], 60, 70);
   assert_true(leaker->fdLimitKnown);
   assert_int_equal(leaker->fdLimit, 1024);
   /* A round every 10 s: 7 or 8 in 70 s. */
   assert_in_range(ScriptedSource_fdReads(f->host, 101), 7, 8);
   /* The idle worker: read at its first round, then every 60 s. */
   assert_in_range(ScriptedSource_fdReads(f->host, 102), 2, 3);
   assert_false(proc(f, 102)->resources.grows[RESOURCE_FDS]);

   /* Without SCAN_FDS the counts still judge, but no kind is read. */
   f->machine->scanFlags = SCAN_SMAPS;
   int reads = ScriptedSource_fdReads(f->host, 101);
   leakSockets(f, 30);
   assert_int_equal(ScriptedSource_fdReads(f->host, 101), reads);
   assert_true(leaker->resources.grows[RESOURCE_FDS]);

   /* An fd directory that cannot be read is n/a, and the status line says why. */
   ScriptedSource_hideFds(f->host, 102, EACCES);
   Machine_scan(f->machine);
   assert_false(proc(f, 102)->fdKnown);
   assert_non_null(
         strstr(f->machine->notice, "FDS n/a for 1 process (e.g. PID 102): /proc/PID/fd"));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test_setup_teardown(test_attach, setup, teardown),
         cmocka_unit_test_setup_teardown(test_fds_and_threads, setup, teardown),
         cmocka_unit_test(test_unknown_pid_refused),
         cmocka_unit_test_setup_teardown(test_worker_appears, setup, teardown),
         cmocka_unit_test_setup_teardown(test_children_read_when_parent_ran, setup, teardown),
         cmocka_unit_test_setup_teardown(test_grows_and_verdicts, setup, teardown),
         cmocka_unit_test_setup_teardown(test_recycled, setup, teardown),
         cmocka_unit_test_setup_teardown(test_slots, setup, teardown),
         cmocka_unit_test_setup_teardown(test_recycled_growth, setup, teardown),
         cmocka_unit_test_setup_teardown(test_recycled_flat, setup, teardown),
         cmocka_unit_test_setup_teardown(test_oom_killed, setup, teardown),
         cmocka_unit_test_setup_teardown(test_killed_not_oom, setup, teardown),
         cmocka_unit_test_setup_teardown(test_tree_ends, setup, teardown),
         cmocka_unit_test_setup_teardown(test_supplied_traffic, setup, teardown),
         cmocka_unit_test_setup_teardown(test_scan_flags, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
