/* The recorder's mapping, end to end: a Machine over a scripted host
   (ScriptedSource) is recorded through the Recorder into a Store in a
   private temporary directory and read back with RecordReader. A worker
   spawns, grows until its verdict changes, another exits, one is
   OOM-killed, the whole tree ends; the fields, the format's enum values,
   the events and the order replay relies on (a scan's events before its
   TICK, with its time; a process's start before its first TICK, its exit
   before the first TICK it is absent from) are what is checked. */
#include "config.h"

#include <math.h>
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
#include "record/RecordReader.h"
#include "record/Recorder.h"
#include "record/Store.h"
#include "traffic/Traffic.h"

#define MIB        1024u
#define MAX_TICKS  1024
#define MAX_PROCS  8
#define MAX_EVENTS 256
#define TEXT_SIZE  96

typedef struct ReadTick {
   int64_t wallUs;
   RecordRow host;
   int treeCount;
   RecordRow tree;
   int procCount;
   RecordRow procs[MAX_PROCS];
} ReadTick;

typedef struct ReadEvent {
   int64_t wallUs;
   unsigned kind, scope;
   uint64_t key[2];
   int64_t number[RECORD_EVENT_ATTRS_MAX + 1];
   uint64_t has;
   char text[9][TEXT_SIZE];
   int afterTicks; /* ticks read before it */
} ReadEvent;

typedef struct Fixture {
   char root[4096];
   char dir[4200];
   pid_t master;
   Options opts;
   SampleSource* host;
   Machine* machine;
   Store* store;
   Recorder* recorder;
   RecordSchema schema;
   ReadTick ticks[MAX_TICKS];
   int tickCount;
   ReadEvent events[MAX_EVENTS];
   int eventCount;
} Fixture;

static Fixture fixture;

static int setup(void** state) {
   Fixture* f = &fixture;
   memset(f, 0, sizeof(*f));
   if (TempDir_make(f->root, sizeof(f->root), "leaktop-recorder") != 0)
      return -1;
   snprintf(f->dir, sizeof(f->dir), "%.4000s/rec", f->root);
   f->master = 100;
   f->opts = (Options){.mode = TARGET_PIDS,
                       .pids = &f->master,
                       .pidCount = 1,
                       .delay = 1,
                       .smapsInterval = 10,
                       .growthWindow = 300};
   f->host = ScriptedSource_new(1, 1024 * MIB, 8192 * MIB);
   ScriptedSource_spawn(f->host, 100, 1, "gunicorn", 30 * MIB);
   ScriptedSource_spawn(f->host, 101, 100, "gunicorn", 40 * MIB);
   ScriptedSource_spawn(f->host, 102, 100, "gunicorn", 40 * MIB);
   char err[512] = "";
   f->machine = Machine_newFrom(&f->opts, f->host, err, sizeof(err));
   if (!f->machine)
      fail_msg("%s", err);
   StoreConfig c;
   StoreConfig_defaults(&c, f->dir);
   c.sync = false;
   f->store = Store_open(&c, err, sizeof(err));
   if (!f->store)
      fail_msg("Store_open: %s", err);
   f->recorder = Recorder_new(Store_schema(f->store), 4321, "leaktop test");
   RecordSchema_raw(&f->schema);
   *state = f;
   return 0;
}

static int teardown(void** state) {
   Fixture* f = *state;
   Recorder_delete(f->recorder);
   if (f->store)
      Store_close(f->store);
   Machine_delete(f->machine);
   return TempDir_remove(f->root);
}

/* One tick of leaktop record: scan, map, append. */
static void scan(Fixture* f, int ticks) {
   for (int i = 0; i < ticks; i++) {
      Machine_scan(f->machine);
      Recorder_capture(f->recorder, f->machine);
      assert_int_equal(Recorder_write(f->recorder, f->store), 0);
   }
}

static void grow(Fixture* f, pid_t pid, uint64_t kibPerTick, int ticks) {
   for (int i = 0; i < ticks; i++) {
      ScriptedSource_setRss(f->host, pid, ScriptedSource_rss(f->host, pid) + kibPerTick);
      scan(f, 1);
   }
}

static void readEvent(Fixture* f, const RecordEvent* e) {
   assert_true(f->eventCount < MAX_EVENTS);
   ReadEvent* r = &f->events[f->eventCount++];
   memset(r, 0, sizeof(*r));
   r->wallUs = e->wallUs;
   r->kind = e->kind;
   r->scope = e->scope;
   r->key[0] = e->key[0];
   r->key[1] = e->key[1];
   r->afterTicks = f->tickCount;
   for (int i = 0; i < e->attrCount; i++) {
      const RecordAttr* a = &e->attrs[i];
      if (a->id > RECORD_EVENT_ATTRS_MAX)
         continue;
      r->has |= 1ULL << a->id;
      if (a->isBytes && a->id < 9)
         RecordEvent_text(e, a->id, r->text[a->id], TEXT_SIZE);
      else
         r->number[a->id] = a->number;
   }
}

static void readTick(Fixture* f, const RecordTick* t) {
   assert_true(f->tickCount < MAX_TICKS);
   ReadTick* r = &f->ticks[f->tickCount++];
   r->wallUs = t->wallUs;
   r->host = t->host;
   r->treeCount = t->treeCount;
   r->procCount = 0;
   if (t->treeCount > 0) {
      r->tree = t->trees[0].row;
      assert_true(t->trees[0].count <= MAX_PROCS);
      r->procCount = t->trees[0].count;
      for (int p = 0; p < r->procCount; p++)
         r->procs[p] = t->procs[t->trees[0].first + p];
   }
}

/* Closes the store and reads its 1 s tier back: no hole may be met. */
static void readBack(Fixture* f) {
   assert_int_equal(Store_close(f->store), 0);
   f->store = NULL;
   char err[512];
   RecordReader* reader = RecordReader_open(f->dir, RECORD_TIER_1S, err, sizeof(err));
   if (!reader)
      fail_msg("RecordReader_open: %s", err);
   RecordItem item;
   RecordItemType type;
   while ((type = RecordReader_next(reader, &item)) != RECORD_ITEM_END) {
      if (type == RECORD_ITEM_HOLE)
         fail_msg("hole: %s", item.hole.why);
      else if (type == RECORD_ITEM_TICK)
         readTick(f, item.tick);
      else
         readEvent(f, item.event);
   }
   RecordReader_delete(reader);
}

static int field(const Fixture* f, RecordScope scope, unsigned id) {
   int index = RecordSchema_find(&f->schema, scope, id, STAT_RAW);
   assert_true(index >= 0);
   return index;
}

static const RecordRow* procRow(const ReadTick* t, pid_t pid) {
   for (int p = 0; p < t->procCount; p++)
      if (t->procs[p].key[0] == (uint64_t)pid)
         return &t->procs[p];
   return NULL;
}

static int64_t value(const Fixture* f, const RecordRow* row, RecordScope scope, unsigned id) {
   int64_t v = -1;
   if (!RecordRow_get(row, field(f, scope, id), &v))
      fail_msg("field %u of scope %d is absent", id, (int)scope);
   return v;
}

static bool has(const Fixture* f, const RecordRow* row, RecordScope scope, unsigned id) {
   int64_t v;
   return RecordRow_get(row, field(f, scope, id), &v);
}

/* The events of kind about pid (0: any key), in order. */
static int findEvents(const Fixture* f, unsigned kind, pid_t pid, const ReadEvent** out, int max) {
   int n = 0;
   for (int i = 0; i < f->eventCount && n < max; i++)
      if (f->events[i].kind == kind && (pid == 0 || f->events[i].key[0] == (uint64_t)pid))
         out[n++] = &f->events[i];
   return n;
}

static const ReadEvent* findEvent(const Fixture* f, unsigned kind, pid_t pid) {
   const ReadEvent* e = NULL;
   return findEvents(f, kind, pid, &e, 1) == 1 ? e : NULL;
}

/* The contract replay relies on, over the whole recording: every event
   carries the time of the TICK that follows it; a process's info and start
   come before the first TICK it is in; its exit before the first TICK it
   is absent from, after one it was in. */
static void checkOrder(const Fixture* f) {
   for (int i = 0; i < f->eventCount; i++) {
      const ReadEvent* e = &f->events[i];
      assert_true(e->afterTicks < f->tickCount);
      assert_int_equal(e->wallUs, f->ticks[e->afterTicks].wallUs);
   }
   for (int t = 0; t < f->tickCount; t++) {
      const ReadTick* tick = &f->ticks[t];
      for (int p = 0; p < tick->procCount; p++) {
         const RecordRow* row = &tick->procs[p];
         if (t > 0 && procRow(&f->ticks[t - 1], (pid_t)row->key[0]))
            continue;
         bool info = false, start = false;
         for (int i = 0; i < f->eventCount; i++) {
            const ReadEvent* e = &f->events[i];
            if (e->afterTicks != t || e->scope != RECORD_SCOPE_PROCESS ||
                e->key[0] != row->key[0] || e->key[1] != row->key[1])
               continue;
            info |= e->kind == EVENT_INFO;
            start |= e->kind == EVENT_PROCESS_START;
         }
         if (!info || !start)
            fail_msg("PID %d enters tick %d without its info and start", (int)row->key[0], t);
      }
      if (t == 0)
         continue;
      const ReadTick* before = &f->ticks[t - 1];
      for (int p = 0; p < before->procCount; p++) {
         const RecordRow* row = &before->procs[p];
         if (procRow(tick, (pid_t)row->key[0]))
            continue;
         bool exited = false;
         for (int i = 0; i < f->eventCount; i++)
            exited |= f->events[i].afterTicks == t && f->events[i].kind == EVENT_PROCESS_EXIT &&
                      f->events[i].key[0] == row->key[0] && f->events[i].key[1] == row->key[1];
         if (!exited)
            fail_msg("PID %d leaves at tick %d without its exit", (int)row->key[0], t);
      }
   }
}

/* A worker spawns, one grows until its verdict changes, one exits, one is
   OOM-killed. */
static void test_lifecycle(void** state) {
   Fixture* f = *state;
   scan(f, 3);
   ScriptedSource_spawn(f->host, 103, 100, "gunicorn", 20 * MIB);
   ScriptedSource_setTraffic(f->host, 103, 5);
   scan(f, 2);
   grow(f, 101, 200, 400);
   assert_int_equal(ProcessTree_find(f->machine->trees[0], 101)->growth.verdict,
                    VERDICT_GROWS_WITH_TIME);
   ScriptedSource_exit(f->host, 102, "exit 3");
   scan(f, 1);
   ScriptedSource_reap(f->host, 102);
   scan(f, 1);
   ScriptedSource_oomKill(f->host);
   ScriptedSource_exit(f->host, 101, "killed by SIGKILL");
   scan(f, 2);
   readBack(f);
   checkOrder(f);
   assert_int_equal(f->tickCount, 409);

   /* The first tick: three processes with their fields and the format's roles. */
   const ReadTick* first = &f->ticks[0];
   assert_int_equal(first->treeCount, 1);
   assert_int_equal(first->tree.key[0], 100);
   assert_int_equal(first->procCount, 3);
   assert_int_equal(value(f, &first->host, RECORD_SCOPE_HOST, RF_HOST_TICK), 1);
   assert_int_equal(value(f, &first->host, RECORD_SCOPE_HOST, RF_HOST_MEM_TOTAL), 8192 * MIB);
   const RecordRow* master = procRow(first, 100);
   const RecordRow* w101 = procRow(first, 101);
   assert_non_null(master);
   assert_non_null(w101);
   assert_int_equal(value(f, master, RECORD_SCOPE_PROCESS, RF_PROC_ROLE), 0);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_ROLE), 1);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_RSS), 40 * MIB);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_PPID), 100);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_GENERATION), 1);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_DEPTH), 1);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_STATE), 'S');
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_VERDICT), 0);
   /* Known and idle: 0 served, which is not absent. */
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_TRAFFIC_DELTA), 0);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_IDLE), 1);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_PSS), 20 * MIB);
   assert_int_equal(value(f, w101, RECORD_SCOPE_PROCESS, RF_PROC_USS), 40 * MIB);
   assert_int_equal(value(f, &first->tree, RECORD_SCOPE_TREE, RF_TREE_CGROUP_LIMIT),
                    1024ULL * MIB * 1024);
   assert_int_equal(value(f, &first->tree, RECORD_SCOPE_TREE, RF_TREE_OOM_KILLS), 0);
   assert_int_equal(value(f, &first->tree, RECORD_SCOPE_TREE, RF_TREE_EXITED_TOTAL), 0);

   /* smaps is read every 10 ticks: PSS is absent in between, never 0. */
   assert_false(has(f, procRow(&f->ticks[1], 101), RECORD_SCOPE_PROCESS, RF_PROC_PSS));
   assert_true(has(f, procRow(&f->ticks[1], 101), RECORD_SCOPE_PROCESS, RF_PROC_RSS));
   assert_true(has(f, procRow(&f->ticks[10], 101), RECORD_SCOPE_PROCESS, RF_PROC_USS));
   /* The worker that appeared is read at once. */
   assert_true(has(f, procRow(&f->ticks[3], 103), RECORD_SCOPE_PROCESS, RF_PROC_PSS));

   /* Host info and recorder_start open the recording. */
   assert_int_equal(f->events[0].kind, EVENT_RECORDER_START);
   assert_int_equal(f->events[0].number[ATTR_RECORDER_PID], 4321);
   assert_string_equal(f->events[0].text[ATTR_RECORDER_WRITER], "leaktop test");
   const ReadEvent* host = findEvent(f, EVENT_INFO, 0);
   assert_non_null(host);
   assert_int_equal(host->scope, RECORD_SCOPE_HOST);
   assert_string_equal(host->text[ATTR_HOST_TRAFFIC_SOURCE], "scripted requests");
   assert_string_equal(host->text[ATTR_HOST_TRAFFIC_UNIT], "requests");
   assert_int_equal(host->number[ATTR_HOST_INTERVAL_US], 1000000);
   assert_int_equal(host->number[ATTR_HOST_SMAPS_INTERVAL_US], 10000000);
   assert_int_equal(host->number[ATTR_HOST_GROWTH_WINDOW_US], 300000000);
   assert_int_equal(host->number[ATTR_HOST_TRAFFIC_SCALE], 1);
   const ReadEvent* treeInfo = findEvent(f, EVENT_INFO, 100);
   assert_non_null(treeInfo);
   assert_int_equal(treeInfo->scope, RECORD_SCOPE_TREE);
   assert_string_equal(treeInfo->text[ATTR_TREE_NAME], "gunicorn");
   assert_string_equal(treeInfo->text[ATTR_TREE_CGROUP_PATH], "/scripted/100");
   assert_int_equal(treeInfo->number[ATTR_TREE_CGROUP_VERSION], 2);

   /* The spawned worker: info and start in the tick it first appears in. */
   const ReadEvent* start = findEvent(f, EVENT_PROCESS_START, 103);
   assert_non_null(start);
   assert_int_equal(start->afterTicks, 3);
   assert_int_equal(start->number[ATTR_START_PPID], 100);
   assert_int_equal(start->number[ATTR_START_GENERATION], 1);
   assert_null(procRow(&f->ticks[2], 103));
   assert_int_equal(
         value(f, procRow(&f->ticks[4], 103), RECORD_SCOPE_PROCESS, RF_PROC_TRAFFIC_DELTA), 5);
   assert_int_equal(value(f, procRow(&f->ticks[4], 103), RECORD_SCOPE_PROCESS, RF_PROC_IDLE), 0);

   /* The growing worker's verdict change, from warming up. */
   const ReadEvent* changes[8];
   int n = findEvents(f, EVENT_VERDICT_CHANGE, 101, changes, 8);
   assert_true(n >= 1);
   const ReadEvent* last = changes[n - 1];
   for (int i = 1; i < n; i++)
      assert_int_equal(changes[i]->number[ATTR_VERDICT_FROM],
                       changes[i - 1]->number[ATTR_VERDICT_TO]);
   assert_int_equal(last->scope, RECORD_SCOPE_PROCESS);
   assert_int_equal(last->number[ATTR_VERDICT_TO], 3);
   assert_true(last->has >> ATTR_VERDICT_REASON & 1);
   assert_int_equal(changes[0]->number[ATTR_VERDICT_FROM], 0);
   assert_int_equal(
         value(f, procRow(&f->ticks[last->afterTicks], 101), RECORD_SCOPE_PROCESS, RF_PROC_VERDICT),
         3);
   /* And the tree's, to "one grows". */
   const ReadEvent* treeChanges[8];
   const ReadEvent* about100[16];
   int tn = 0;
   for (int i = 0, n100 = findEvents(f, EVENT_VERDICT_CHANGE, 100, about100, 16); i < n100; i++)
      if (about100[i]->scope == RECORD_SCOPE_TREE && tn < 8)
         treeChanges[tn++] = about100[i];
   bool oneGrows = false;
   for (int i = 0; i < tn; i++) {
      assert_false(treeChanges[i]->has >> ATTR_VERDICT_REASON & 1);
      oneGrows |= treeChanges[i]->number[ATTR_VERDICT_TO] == 2;
      if (i > 0)
         assert_int_equal(treeChanges[i]->number[ATTR_VERDICT_FROM],
                          treeChanges[i - 1]->number[ATTR_VERDICT_TO]);
   }
   assert_true(oneGrows);

   /* 102 exited with status 3. */
   const ReadEvent* exit102 = findEvent(f, EVENT_PROCESS_EXIT, 102);
   assert_non_null(exit102);
   assert_int_equal(exit102->number[ATTR_EXIT_HOW], EXIT_HOW_EXITED);
   assert_int_equal(exit102->number[ATTR_EXIT_CODE], 3);
   assert_string_equal(exit102->text[ATTR_EXIT_TEXT], "exit 3");
   assert_string_equal(exit102->text[ATTR_EXIT_NAME], "gunicorn");
   assert_int_equal(exit102->number[ATTR_EXIT_GENERATION], 1);
   assert_int_equal(exit102->number[ATTR_EXIT_PEAK_RSS], 40 * MIB);
   assert_true(exit102->number[ATTR_EXIT_LIFETIME_US] >= 405000000);

   /* 101 was OOM-killed: the cgroup's counter and the how text. */
   const ReadEvent* oom = findEvent(f, EVENT_OOM_KILL, 100);
   assert_non_null(oom);
   assert_int_equal(oom->number[ATTR_OOM_COUNT], 1);
   const ReadEvent* exit101 = findEvent(f, EVENT_PROCESS_EXIT, 101);
   assert_non_null(exit101);
   assert_int_equal(exit101->number[ATTR_EXIT_HOW], EXIT_HOW_OOM_KILL);
   assert_int_equal(exit101->number[ATTR_EXIT_CODE], 9);
   assert_string_equal(exit101->text[ATTR_EXIT_TEXT], "killed by SIGKILL (OOM kill in its cgroup)");
   assert_int_equal(exit101->number[ATTR_EXIT_PEAK_RSS], 40 * MIB + 400 * 200);
   assert_int_equal(oom->afterTicks, exit101->afterTicks);
   const ReadTick* final = &f->ticks[f->tickCount - 1];
   assert_int_equal(value(f, &final->tree, RECORD_SCOPE_TREE, RF_TREE_OOM_KILLS), 1);
   assert_int_equal(value(f, &final->tree, RECORD_SCOPE_TREE, RF_TREE_EXITED_TOTAL), 2);
   assert_int_equal(final->procCount, 2);
}

/* The last processes of a tree end: the tree is dropped by the same scan,
   and still their exits say how they ended. */
static void test_tree_ends(void** state) {
   Fixture* f = *state;
   scan(f, 2);
   ScriptedSource_exit(f->host, 101, "exit 0");
   ScriptedSource_exit(f->host, 102, "killed by SIGTERM");
   ScriptedSource_exit(f->host, 100, "exit 0");
   scan(f, 1);
   scan(f, 1);
   readBack(f);
   checkOrder(f);
   assert_int_equal(f->tickCount, 4);
   assert_int_equal(f->ticks[3].treeCount, 0);
   const ReadEvent* exit102 = findEvent(f, EVENT_PROCESS_EXIT, 102);
   assert_non_null(exit102);
   assert_int_equal(exit102->number[ATTR_EXIT_HOW], EXIT_HOW_SIGNAL);
   assert_int_equal(exit102->number[ATTR_EXIT_CODE], 15);
   assert_string_equal(exit102->text[ATTR_EXIT_TEXT], "killed by SIGTERM");
   const ReadEvent* exit100 = findEvent(f, EVENT_PROCESS_EXIT, 100);
   assert_non_null(exit100);
   assert_string_equal(exit100->text[ATTR_EXIT_TEXT], "exit 0");
   assert_int_equal(exit100->number[ATTR_EXIT_CODE], 0);
}

/* New code the tree's DeployWatch found is a deploy event of the tree,
   written once, at the tick after it was found. */
static void test_deploy_events(void** state) {
   Fixture* f = *state;
   scan(f, 2);
   DeployWatch* w = &f->machine->trees[0]->deploy;
   DeployEvent code = {.wall = 1000.5,
                       .kind = DEPLOY_CODE_CHANGED,
                       .pid = 101,
                       .startTicks = 4242,
                       .codeChanged = 999.25};
   snprintf(code.file, sizeof(code.file), "app.py");
   DeployEvent master = {
         .wall = 1001, .kind = DEPLOY_NEW_MASTER, .pid = 103, .startTicks = 7, .codeChanged = NAN};
   DeployWatch_add(w, &code);
   DeployWatch_add(w, &master);
   scan(f, 3);
   readBack(f);
   checkOrder(f);
   const ReadEvent* e[4];
   assert_int_equal(findEvents(f, EVENT_DEPLOY, 0, e, 4), 2);
   assert_int_equal(e[0]->scope, RECORD_SCOPE_TREE);
   assert_int_equal(e[0]->key[0], 100);
   assert_int_equal(e[0]->afterTicks, 2);
   assert_int_equal(e[0]->number[ATTR_DEPLOY_KIND], DEPLOY_KIND_CODE_CHANGED);
   assert_int_equal(e[0]->number[ATTR_DEPLOY_TIME_US], 1000500000);
   assert_int_equal(e[0]->number[ATTR_DEPLOY_PID], 101);
   assert_int_equal(e[0]->number[ATTR_DEPLOY_START], 4242);
   assert_int_equal(e[0]->number[ATTR_DEPLOY_CODE_CHANGED_US], 999250000);
   assert_string_equal(e[0]->text[ATTR_DEPLOY_FILE], "app.py");
   assert_int_equal(e[1]->number[ATTR_DEPLOY_KIND], DEPLOY_KIND_NEW_MASTER);
   assert_int_equal(e[1]->number[ATTR_DEPLOY_PID], 103);
   assert_false(e[1]->has & (1ULL << ATTR_DEPLOY_CODE_CHANGED_US));
   assert_false(e[1]->has & (1ULL << ATTR_DEPLOY_FILE));
}

/* CPU seconds are stored in thousandths, and the change of source is a
   new host info that says so. Pure mapping: no store. */
static void test_cpu_scale(void** state) {
   Fixture* f = *state;
   scan(f, 2);
   char err[256];
   TrafficSource* cpu = Traffic_new("cpu", err, sizeof(err));
   assert_non_null(cpu);
   Traffic_delete(f->machine->traffic);
   f->machine->traffic = cpu;
   Process* w = ProcessTree_find(f->machine->trees[0], 101);
   w->trafficKnown = true;
   w->trafficDelta = 0.25;
   Recorder_capture(f->recorder, f->machine);
   assert_int_equal(Recorder_trafficScale(f->machine), RECORDER_SCALE_CPU_SEC);
   const RecordTick* t = Recorder_tick(f->recorder);
   int64_t v = 0;
   bool found = false;
   for (int p = 0; p < t->procCount; p++)
      if (t->procs[p].key[0] == 101)
         found = RecordRow_get(&t->procs[p], field(f, RECORD_SCOPE_PROCESS, RF_PROC_TRAFFIC_DELTA),
                               &v);
   assert_true(found);
   assert_int_equal(v, 250);
   assert_int_equal(Recorder_eventCount(f->recorder), 1);
   const RecordEvent* info = Recorder_event(f->recorder, 0);
   assert_int_equal(info->kind, EVENT_INFO);
   assert_int_equal(RecordEvent_attr(info, ATTR_HOST_TRAFFIC_SCALE)->number, 1000);
   /* Nothing changed since: no event. */
   Recorder_capture(f->recorder, f->machine);
   assert_int_equal(Recorder_eventCount(f->recorder), 0);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
         cmocka_unit_test_setup_teardown(test_tree_ends, setup, teardown),
         cmocka_unit_test_setup_teardown(test_cpu_scale, setup, teardown),
         cmocka_unit_test_setup_teardown(test_deploy_events, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
