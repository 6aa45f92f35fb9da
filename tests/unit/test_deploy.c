/* Deploys: the exec identity and code-file candidates a probe reads, and
   when DeployWatch calls it new code (a worker started after its files
   changed, a re-exec in place, a new master), or not (no change, a fork, a
   helper program); whether a growth began after the deploy. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ScriptedSource.h"
#include "model/Machine.h"

#include "classify/TreeVerdict.h"
#include "model/DeployWatch.h"
#include "model/ProcessTree.h"
#include "sample/CodeProbe.h"

/* A stat line as proc(5) lays it out, with fields 28 and 48-51 given. */
static void stat_line(char* out, size_t size, const char* comm, unsigned long long stack,
                      unsigned long long args) {
   char* p = out;
   p += snprintf(p, size, "1234 (%s) S", comm);
   for (int field = 4; field <= 52; field++) {
      unsigned long long v = field == 28   ? stack
                             : field == 48 ? args
                             : field == 49 ? (args ? args + 40 : 0)
                                           : 7;
      p += snprintf(p, size - (size_t)(p - out), " %llu", v);
   }
}

static void test_exec_id_from_stat(void** state) {
   (void)state;
   char a[1024], b[1024], c[1024];
   stat_line(a, sizeof(a), "gunicorn", 0x7ffd1000, 0x7ffd2000);
   stat_line(b, sizeof(b), "a) (b", 0x7ffd1000, 0x7ffd2000);
   stat_line(c, sizeof(c), "gunicorn", 0x7ffe5000, 0x7ffe6000);
   uint64_t x, y, z;
   assert_true(CodeProbe_parseExecId(a, &x));
   assert_true(CodeProbe_parseExecId(b, &y));
   assert_true(CodeProbe_parseExecId(c, &z));
   assert_int_equal(x, y); /* comm with spaces and parentheses does not shift fields */
   assert_true(x != z);    /* an exec places the stack and arguments anew */
   /* Without ptrace access the kernel shows the addresses as 0. */
   char hidden[1024];
   stat_line(hidden, sizeof(hidden), "gunicorn", 0, 0);
   for (char* p = hidden; (p = strstr(p, " 7")) != NULL;)
      *++p = '0';
   assert_false(CodeProbe_parseExecId(hidden, &x));
   assert_false(CodeProbe_parseExecId("1234 (short) S 1 2 3", &x));
   assert_false(CodeProbe_parseExecId("garbage", &x));
}

#define ARGS(s) s, sizeof(s)

static void test_candidates_from_command_line(void** state) {
   (void)state;
   char paths[16][256];
   int n = CodeProbe_candidates(ARGS("/usr/bin/python3\0/usr/bin/gunicorn\0--workers\0002\0--bind\0"
                                     "127.0.0.1:8000\0--chdir=/srv\0pkg.wsgi:application"),
                                "/srv", &paths[0][0], sizeof(paths[0]), 16);
   assert_int_equal(n, 5);
   assert_string_equal(paths[0], "/usr/bin/python3");
   assert_string_equal(paths[1], "/usr/bin/gunicorn");
   assert_string_equal(paths[2], "/srv"); /* a directory: dropped when it is stat()ed */
   assert_string_equal(paths[3], "/srv/pkg/wsgi.py");
   assert_string_equal(paths[4], "/srv/pkg/wsgi/__init__.py");

   /* A script relative to the working directory, uwsgi's --module=, no duplicates. */
   n = CodeProbe_candidates(ARGS("python3\0./app.py\0--module=app:app\0app.py"), "/w", &paths[0][0],
                            sizeof(paths[0]), 16);
   assert_int_equal(n, 5);
   assert_string_equal(paths[0], "/w/python3.py");
   assert_string_equal(paths[1], "/w/python3/__init__.py");
   assert_string_equal(paths[2], "/w/./app.py");
   assert_string_equal(paths[3], "/w/app.py");
   assert_string_equal(paths[4], "/w/app/__init__.py");

   /* Without a working directory only absolute paths; the cap holds. */
   n = CodeProbe_candidates(ARGS("/a\0app:app\0/b\0/c"), NULL, &paths[0][0], sizeof(paths[0]), 2);
   assert_int_equal(n, 2);
   assert_string_equal(paths[1], "/b");
}

static DeployWatch watch;

static CodeFacts facts(uint64_t execId, uint64_t fingerprint, double newest, const char* file) {
   CodeFacts f = {.execKnown = execId != 0,
                  .execId = execId,
                  .exeId = 77,
                  .filesKnown = fingerprint != 0,
                  .fileCount = 3,
                  .fingerprint = fingerprint,
                  .newestChange = newest};
   snprintf(f.newestFile, sizeof(f.newestFile), "%s", file);
   return f;
}

static void test_worker_after_code_change(void** state) {
   (void)state;
   DeployWatch_init(&watch);
   CodeFacts f = facts(11, 500, 1000.0, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2000.0); /* baseline */
   DeployProcess old[] = {{20, 200, 1500.0}, {21, 201, 1500.5}};
   DeployWatch_observeWorkers(&watch, old, 2);
   for (double t = 2005; t < 2100; t += 5)
      DeployWatch_observeRoot(&watch, 10, 100, &f, t);
   assert_int_equal(watch.total, 0); /* nothing changed */

   /* app.py replaced at 2101.5, the workers reloaded (HUP) at 2103. */
   f = facts(11, 501, 2101.5, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2102.0);
   assert_true(DeployWatch_waiting(&watch));
   DeployWatch_observeWorkers(&watch, old, 2); /* they still run the old code */
   assert_int_equal(watch.total, 0);
   DeployProcess reloaded[] = {{31, 301, 2103.4}, {30, 300, 2103.2}};
   DeployWatch_observeWorkers(&watch, reloaded, 2);
   assert_int_equal(watch.total, 1);
   const DeployEvent* e = DeployWatch_event(&watch, 0);
   assert_int_equal(e->kind, DEPLOY_CODE_CHANGED);
   assert_int_equal(e->pid, 30); /* the first to start */
   assert_true(e->wall == 2103.2);
   assert_true(e->codeChanged == 2101.5);
   assert_string_equal(e->file, "app.py");
   char text[DEPLOY_DESCRIBE_SIZE];
   DeployWatch_describe(e, text, sizeof(text));
   assert_string_equal(text, "a worker started (PID 30) after app.py changed at 00:35:01");

   /* One deploy, one event: the next workers and scans add none. */
   DeployWatch_observeWorkers(&watch, reloaded, 2);
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2110.0);
   assert_int_equal(watch.total, 1);
   assert_false(DeployWatch_waiting(&watch));
}

static void test_removed_file_dates_from_last_scan(void** state) {
   (void)state;
   DeployWatch_init(&watch);
   CodeFacts f = facts(11, 500, 1000.0, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2000.0);
   f = facts(11, 499, 900.0, "other.py");
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2005.0);
   /* Started (by its clock) within the slack before the change: taken as after. */
   DeployProcess w[] = {{40, 400, 1999.5}};
   DeployWatch_observeWorkers(&watch, w, 1);
   assert_int_equal(watch.total, 1);
   const DeployEvent* e = DeployWatch_event(&watch, 0);
   assert_true(e->codeChanged == 2000.0);
   assert_true(e->wall == 2000.0); /* not before the change it runs */
   assert_string_equal(e->file, "");
}

static void test_reexec_in_place(void** state) {
   (void)state;
   DeployWatch_init(&watch);
   CodeFacts f = facts(11, 500, 1000.0, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2000.0);
   /* Hidden exec identity: no verdict either way. */
   CodeFacts hidden = facts(0, 500, 1000.0, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &hidden, 2005.0);
   assert_int_equal(watch.total, 0);
   /* Files changed and the master exec'd itself (uwsgi reload): one event. */
   f = facts(12, 501, 2007.0, "wsgi.py");
   DeployWatch_observeRoot(&watch, 10, 100, &f, 2010.0);
   assert_int_equal(watch.total, 1);
   const DeployEvent* e = DeployWatch_event(&watch, 0);
   assert_int_equal(e->kind, DEPLOY_REEXEC);
   assert_int_equal(e->pid, 10);
   assert_true(e->codeChanged == 2007.0);
   assert_false(DeployWatch_waiting(&watch));
   DeployProcess w[] = {{41, 401, 2011.0}};
   DeployWatch_observeWorkers(&watch, w, 1);
   assert_int_equal(watch.total, 1);
   char text[DEPLOY_DESCRIBE_SIZE];
   DeployWatch_describe(e, text, sizeof(text));
   assert_string_equal(text, "the master re-exec'd (PID 10) after wsgi.py changed at 00:33:27");
}

static void test_new_master_child(void** state) {
   (void)state;
   DeployWatch_init(&watch);
   CodeFacts root = facts(11, 500, 1000.0, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &root, 2000.0);
   /* A forked worker keeps the master's image; a helper runs another program. */
   CodeFacts forked = facts(11, 0, 0, "");
   DeployWatch_observeChild(&watch, 20, 200, 2001.0, &forked);
   CodeFacts helper = facts(13, 0, 0, "");
   helper.exeId = 78;
   DeployWatch_observeChild(&watch, 21, 201, 2002.0, &helper);
   CodeFacts unknown = facts(0, 0, 0, "");
   DeployWatch_observeChild(&watch, 22, 202, 2002.0, &unknown);
   assert_int_equal(watch.total, 0);
   /* USR2: the master forks a child that execs the same program. */
   CodeFacts exec = facts(14, 0, 0, "");
   DeployWatch_observeChild(&watch, 50, 500, 2030.0, &exec);
   DeployWatch_observeChild(&watch, 50, 500, 2030.0, &exec);
   assert_int_equal(watch.total, 1);
   const DeployEvent* e = DeployWatch_event(&watch, 0);
   assert_int_equal(e->kind, DEPLOY_NEW_MASTER);
   assert_int_equal(e->pid, 50);
   assert_true(e->wall == 2030.0);
   assert_true(isnan(e->codeChanged));
   assert_string_equal(DeployWatch_kindName(e->kind), "new-master");
   /* The change the next scan finds is what the new master loaded: told already. */
   root = facts(11, 502, 2028.0, "app.py");
   DeployWatch_observeRoot(&watch, 10, 100, &root, 2031.0);
   assert_false(DeployWatch_waiting(&watch));
   DeployProcess w[] = {{51, 510, 2031.0}};
   DeployWatch_observeWorkers(&watch, w, 1);
   assert_int_equal(watch.total, 1);
}

static void test_ring_keeps_newest(void** state) {
   (void)state;
   DeployWatch_init(&watch);
   for (int i = 0; i < DEPLOY_EVENTS_KEPT + 3; i++) {
      DeployEvent e = {.wall = 100.0 + i, .kind = DEPLOY_REEXEC, .pid = i, .codeChanged = NAN};
      DeployWatch_add(&watch, &e);
   }
   assert_int_equal(watch.total, DEPLOY_EVENTS_KEPT + 3);
   assert_int_equal(DeployWatch_event(&watch, 0)->pid, DEPLOY_EVENTS_KEPT + 2);
   assert_int_equal(DeployWatch_event(&watch, DEPLOY_EVENTS_KEPT - 1)->pid, 3);
   assert_null(DeployWatch_event(&watch, DEPLOY_EVENTS_KEPT));
}

/* A growing classifier whose floor set new highs at the given times. */
static void growing(GrowthClassifier* g, double first, const double* highs, int n, int segments) {
   Classifier_init(g);
   g->firstTime = first;
   g->verdict = VERDICT_GROWS_WITH_TIME;
   g->reason = REASON_NONE;
   g->floorCount = segments;
   for (int k = 0; k < segments; k++) {
      /* Segments every 10 s, the newest at head, ending at first + 10 * (k + 1). */
      g->floorHead = k;
      g->floorTime[k] = (float)(10.0 * (k + 1));
      g->floorJump[k] = 0;
      for (int h = 0; h < n; h++)
         if (fabs(first + 10.0 * (k + 1) - highs[h]) < 0.01)
            g->floorJump[k] = 512;
   }
}

static void test_growth_timing(void** state) {
   (void)state;
   GrowthClassifier g;
   /* Flat until 1100, new highs from 1110 on; deploy at 1090. */
   const double after[] = {1110, 1120, 1130, 1140, 1150};
   growing(&g, 1000, after, 5, 15);
   assert_int_equal(DeployWatch_growthTiming(&g, 1090), DEPLOY_GROWTH_AFTER);
   /* The same growth against a deploy in the middle of it. */
   assert_int_equal(DeployWatch_growthTiming(&g, 1125), DEPLOY_GROWTH_BEFORE);
   /* A warm-up run long before does not count: a gap separates the runs. */
   const double warm[] = {1010, 1020, 1200, 1210, 1220};
   growing(&g, 1000, warm, 5, CLASSIFY_FLOORS);
   assert_int_equal(DeployWatch_growthTiming(&g, 1150), DEPLOY_GROWTH_AFTER);
   /* A worker started after the deploy: whatever it grows, it grows after. */
   assert_int_equal(DeployWatch_growthTiming(&g, 900), DEPLOY_GROWTH_AFTER);
   /* A run that fills every kept segment may reach back further. */
   double full[CLASSIFY_FLOORS];
   for (int i = 0; i < CLASSIFY_FLOORS; i++)
      full[i] = 1000 + 10.0 * (i + 1);
   growing(&g, 1000, full, CLASSIFY_FLOORS, CLASSIFY_FLOORS);
   /* ...unless they hold the whole life of the process: it grew from its start. */
   assert_int_equal(DeployWatch_growthTiming(&g, 1005), DEPLOY_GROWTH_BEFORE);
   g.firstTime = 500; /* older than the ring */
   for (int i = 0; i < CLASSIFY_FLOORS; i++)
      g.floorTime[i] += 500;
   assert_int_equal(DeployWatch_growthTiming(&g, 700), DEPLOY_GROWTH_UNKNOWN);
   assert_int_equal(DeployWatch_growthTiming(&g, 1100), DEPLOY_GROWTH_BEFORE);
   /* No growth, nothing to say. */
   g.verdict = VERDICT_STABLE;
   assert_int_equal(DeployWatch_growthTiming(&g, 700), DEPLOY_GROWTH_UNKNOWN);
}

/* The tree's verdict says whether its growth began after the newest deploy. */
static void test_tree_verdict_text(void** state) {
   (void)state;
   ProcessTree* tree = ProcessTree_new(Process_new(10, 100, 1.0, 1000));
   Process* worker = Process_new(20, 200, 1.0, 1000);
   ProcessTree_add(tree, worker);
   ProcessTree_reorder(tree);
   tree->procs[0]->seen = worker->seen = true;
   const double highs[] = {1110, 1120, 1130, 1140, 1150};
   growing(&worker->growth, 1000, highs, 5, 15);
   const double offset = 1e9; /* wall minus monotonic */
   DeployWatch_setClock(&tree->deploy, 1160, 1160 + offset);

   TreeVerdict_compute(&tree->verdict, tree, NAN, NAN);
   assert_int_equal(tree->verdict.label, TREE_ONE_GROWS);
   assert_null(strstr(tree->verdict.evidence, "new code")); /* no deploy yet */

   DeployEvent e = {.wall = 1090 + offset, .kind = DEPLOY_CODE_CHANGED, .codeChanged = NAN};
   DeployWatch_add(&tree->deploy, &e);
   TreeVerdict_compute(&tree->verdict, tree, NAN, NAN);
   assert_non_null(strstr(tree->verdict.evidence, "; growth began after new code at 02:04"));

   DeployEvent later = {.wall = 1125 + offset, .kind = DEPLOY_REEXEC, .codeChanged = NAN};
   DeployWatch_add(&tree->deploy, &later);
   TreeVerdict_compute(&tree->verdict, tree, NAN, NAN);
   assert_non_null(
         strstr(tree->verdict.evidence, "; growth was under way before new code at 02:05"));
   ProcessTree_delete(tree);
}

/* uwsgi's HUP: the master re-execs in place and forks new workers, which
   are first seen in a tick when the master's own probe is not due (it is
   every DEPLOY_SCAN_SECONDS). The root is probed with them: one re-exec,
   not two new masters (CI saw that race on a loaded machine). */
static void test_reexec_between_probes(void** state) {
   (void)state;
   SampleSource* host = ScriptedSource_new(1, 0, 8192 * 1024);
   ScriptedSource_spawn(host, 100, 1, "uwsgi", 30 * 1024);
   ScriptedSource_exec(host, 100, 0xA, 0xE);
   ScriptedSource_spawn(host, 101, 100, "uwsgi", 40 * 1024);
   ScriptedSource_spawn(host, 102, 100, "uwsgi", 40 * 1024);
   pid_t master = 100;
   Options opts = {.mode = TARGET_PIDS,
                   .pids = &master,
                   .pidCount = 1,
                   .delay = 1,
                   .smapsInterval = 10,
                   .growthWindow = 300};
   char err[256] = "";
   Machine* m = Machine_newFrom(&opts, host, err, sizeof(err));
   assert_non_null(m);
   for (int i = 0; i < 7; i++)
      Machine_scan(m);
   /* One tick after a root probe, so that the next is not due. */
   while (m->trees[0]->deploy.lastProbe != m->wallNow)
      Machine_scan(m);
   Machine_scan(m);
   ScriptedSource_exec(host, 100, 0xB, 0xE);
   ScriptedSource_exit(host, 101, "exit 0");
   ScriptedSource_exit(host, 102, "exit 0");
   Machine_scan(m);
   ScriptedSource_reap(host, 101);
   ScriptedSource_reap(host, 102);
   ScriptedSource_spawn(host, 103, 100, "uwsgi", 40 * 1024);
   ScriptedSource_spawn(host, 104, 100, "uwsgi", 40 * 1024);
   Machine_scan(m);
   Machine_scan(m);
   const DeployWatch* w = &m->trees[0]->deploy;
   assert_int_equal(w->total, 1);
   assert_int_equal(DeployWatch_event(w, 0)->kind, DEPLOY_REEXEC);
   assert_int_equal(DeployWatch_event(w, 0)->pid, 100);
   Machine_delete(m);
}

int main(void) {
   setenv("TZ", "UTC", 1);
   tzset();
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_exec_id_from_stat),
         cmocka_unit_test(test_candidates_from_command_line),
         cmocka_unit_test(test_worker_after_code_change),
         cmocka_unit_test(test_removed_file_dates_from_last_scan),
         cmocka_unit_test(test_reexec_in_place),
         cmocka_unit_test(test_new_master_child),
         cmocka_unit_test(test_reexec_between_probes),
         cmocka_unit_test(test_ring_keeps_newest),
         cmocka_unit_test(test_growth_timing),
         cmocka_unit_test(test_tree_verdict_text),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
