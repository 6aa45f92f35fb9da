/* A worker's verdict with what its heap snapshots add: the composition of
   labels, the runbook step that follows, and the per-process snapshot
   record that feeds them, on the recorded CPython 3.11.2 results of
   tests/unit/data (see test_snapshot.c). */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/Runbook.h"
#include "classify/WorkerVerdict.h"
#include "model/Process.h"
#include "model/ProcessSnapshots.h"
#include "snapshot/Snapshot.h"
#include "ui/Columns.h"
#include "util/XUtils.h"

static void loadData(const char* name, Snapshot* s) {
   char path[4096];
   snprintf(path, sizeof(path), "%s/%s", SNAPSHOT_DATA, name);
   char* buf = xMalloc(SNAPSHOT_TEXT_MAX);
   ssize_t n = XUtils_readFileAt(AT_FDCWD, path, buf, SNAPSHOT_TEXT_MAX);
   char err[256] = "";
   if (n <= 0 || !Snapshot_parse(buf, (size_t)n, s, err, sizeof(err)))
      fail_msg("%s: %s", name, err);
   free(buf);
   /* The generation a runner would give it. */
   s->hostPid = 4242;
   s->startTicks = 1000;
}

static void test_compose(void** state) {
   (void)state;
   char buf[96];
   WorkerVerdict_compose("grows/time", SNAPSHOT_VERDICT_NATIVE, true, buf, sizeof(buf));
   assert_string_equal(buf, "grows/time+native");
   WorkerVerdict_compose("grows with time", SNAPSHOT_VERDICT_NATIVE, false, buf, sizeof(buf));
   assert_string_equal(buf, "grows with time + native growth");
   WorkerVerdict_compose("plateau", SNAPSHOT_VERDICT_ALLOCATOR, true, buf, sizeof(buf));
   assert_string_equal(buf, "plateau+alloc");
   WorkerVerdict_compose("inconclusive: traffic constant", SNAPSHOT_VERDICT_ALLOCATOR, false, buf,
                         sizeof(buf));
   assert_string_equal(buf, "inconclusive: traffic constant + allocator retention");
   /* Python growth, steadiness and no diff add nothing: the label says it. */
   SnapshotVerdict none[] = {SNAPSHOT_VERDICT_PYTHON, SNAPSHOT_VERDICT_STEADY,
                             SNAPSHOT_VERDICT_UNKNOWN};
   for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
      assert_null(WorkerVerdict_suffix(none[i], true));
      assert_null(WorkerVerdict_suffix(none[i], false));
      WorkerVerdict_compose("grows/traffic", none[i], true, buf, sizeof(buf));
      assert_string_equal(buf, "grows/traffic");
   }
   /* A short buffer cuts, never overflows. */
   char small[12];
   WorkerVerdict_compose("grows/traffic", SNAPSHOT_VERDICT_NATIVE, true, small, sizeof(small));
   assert_string_equal(small, "grows/traff");
}

static void test_runbook_step(void** state) {
   (void)state;
   const char* time = Runbook_workerStep(VERDICT_GROWS_WITH_TIME, REASON_NONE);
   assert_ptr_equal(Runbook_step(VERDICT_GROWS_WITH_TIME, REASON_NONE, SNAPSHOT_VERDICT_UNKNOWN),
                    time);
   assert_ptr_equal(Runbook_step(VERDICT_GROWS_WITH_TIME, REASON_NONE, SNAPSHOT_VERDICT_STEADY),
                    time);
   const char* native = Runbook_step(VERDICT_GROWS_WITH_TIME, REASON_NONE, SNAPSHOT_VERDICT_NATIVE);
   assert_non_null(strstr(native, "malloc_trim"));
   assert_non_null(strstr(native, "C extension"));
   assert_non_null(strstr(Runbook_step(VERDICT_PLATEAU, REASON_NONE, SNAPSHOT_VERDICT_ALLOCATOR),
                          "not a leak"));
   assert_non_null(strstr(
         Runbook_step(VERDICT_INCONCLUSIVE, REASON_TRAFFIC_CONSTANT, SNAPSHOT_VERDICT_PYTHON),
         "types and lines"));
   /* Inconclusive without a diff keeps its reason's advice. */
   assert_ptr_equal(
         Runbook_step(VERDICT_INCONCLUSIVE, REASON_TRAFFIC_CONSTANT, SNAPSHOT_VERDICT_UNKNOWN),
         Runbook_workerStep(VERDICT_INCONCLUSIVE, REASON_TRAFFIC_CONSTANT));
}

static void test_record_series(void** state) {
   (void)state;
   Process* p = Process_new(4242, 1000, 1.0, 0.0);
   assert_null(p->snapshots);
   assert_int_equal(ProcessSnapshots_verdict(p->snapshots), SNAPSHOT_VERDICT_UNKNOWN);
   ProcessSnapshots* r = Process_snapshots(p);
   assert_ptr_equal(Process_snapshots(p), r);
   assert_true(r->lastAttempt < 0);

   Snapshot a, b;
   loadData("snapshot_native_a.json", &a);
   loadData("snapshot_native_b.json", &b);
   ProcessSnapshots_record(r, &a, NULL, 10.0);
   /* Moved in: the caller's copy owns nothing. */
   assert_null(a.types);
   assert_int_equal(a.typeCount, 0);
   assert_true(r->haveLatest);
   assert_false(r->haveDiff);
   assert_int_equal(ProcessSnapshots_verdict(r), SNAPSHOT_VERDICT_UNKNOWN);
   assert_false(ProcessSnapshots_tracing(r));

   snprintf(r->error, sizeof(r->error), "an earlier failure");
   ProcessSnapshots_record(r, &b, NULL, 70.0);
   assert_int_equal(r->taken, 2);
   assert_true(r->haveDiff);
   assert_true(r->diff.comparable);
   assert_int_equal(ProcessSnapshots_verdict(r), SNAPSHOT_VERDICT_NATIVE);
   assert_string_equal(r->error, "");
   assert_int_equal(r->markCount, 2);
   assert_true(r->marks[0] == 10.0 && r->marks[1] == 70.0);

   /* A later snapshot without growth keeps what the growth was. */
   Snapshot c;
   loadData("snapshot_native_b.json", &c);
   c.time += 60;
   ProcessSnapshots_record(r, &c, NULL, 130.0);
   assert_int_equal(r->diff.verdict, SNAPSHOT_VERDICT_STEADY);
   assert_int_equal(ProcessSnapshots_verdict(r), SNAPSHOT_VERDICT_NATIVE);

   p->growth.verdict = VERDICT_GROWS_WITH_TIME;
   char cell[64];
   Columns_workerVerdict(p, cell, sizeof(cell));
   assert_string_equal(cell, "grows/time+native");
   /* Growing fds or threads join it, and stand alone on flat memory. */
   p->resources.grows[RESOURCE_FDS] = true;
   Columns_workerVerdict(p, cell, sizeof(cell));
   assert_string_equal(cell, "grows/time+fds+native");
   p->growth.verdict = VERDICT_STABLE;
   p->resources.grows[RESOURCE_THREADS] = true;
   Columns_workerVerdict(p, cell, sizeof(cell));
   assert_string_equal(cell, "grows/fds+thr+native");
   Snapshot_done(&a);
   Snapshot_done(&b);
   Snapshot_done(&c);
   Process_delete(p);
}

/* With nothing in memory, the store's earlier snapshot of the same
   generation is the one compared with; another generation's is not. */
static void test_record_earlier(void** state) {
   (void)state;
   ProcessSnapshots* r = ProcessSnapshots_new();
   Snapshot a, b;
   loadData("snapshot_python_a.json", &a);
   loadData("snapshot_python_b.json", &b);
   ProcessSnapshots_record(r, &b, &a, 5.0);
   assert_true(r->haveDiff);
   assert_int_equal(ProcessSnapshots_verdict(r), SNAPSHOT_VERDICT_PYTHON);
   assert_true(ProcessSnapshots_tracing(r));
   assert_true(r->diff.typeCount > 0);
   assert_string_equal(r->diff.types[0].name, "__main__.Session");
   ProcessSnapshots_free(r);

   r = ProcessSnapshots_new();
   Snapshot c, d;
   loadData("snapshot_native_a.json", &c);
   loadData("snapshot_native_b.json", &d);
   c.startTicks = 999; /* an earlier worker with the same PID */
   ProcessSnapshots_record(r, &d, &c, 5.0);
   assert_true(r->haveDiff);
   assert_false(r->diff.comparable);
   assert_int_equal(ProcessSnapshots_verdict(r), SNAPSHOT_VERDICT_UNKNOWN);
   ProcessSnapshots_free(r);
   Snapshot_done(&a);
   Snapshot_done(&c);
}

/* The chart keeps the newest marks; older ones drop off the front. */
static void test_record_marks(void** state) {
   (void)state;
   ProcessSnapshots* r = ProcessSnapshots_new();
   for (int i = 0; i < PROCESS_SNAPSHOT_MARKS + 3; i++) {
      Snapshot s;
      loadData(i % 2 ? "snapshot_trim_b.json" : "snapshot_trim_a.json", &s);
      ProcessSnapshots_record(r, &s, NULL, (double)i);
   }
   assert_int_equal(r->taken, PROCESS_SNAPSHOT_MARKS + 3);
   assert_int_equal(r->markCount, PROCESS_SNAPSHOT_MARKS);
   assert_true(r->marks[0] == 3.0);
   assert_true(r->marks[PROCESS_SNAPSHOT_MARKS - 1] == (double)(PROCESS_SNAPSHOT_MARKS + 2));
   ProcessSnapshots_free(r);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_compose),       cmocka_unit_test(test_runbook_step),
         cmocka_unit_test(test_record_series), cmocka_unit_test(test_record_earlier),
         cmocka_unit_test(test_record_marks),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
