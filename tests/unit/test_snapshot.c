/* Snapshot results: parsing (recorded and hostile texts), the diff and its
   native-growth verdict, the result-file reader on real files, the store
   and the rendering.

   tests/unit/data/snapshot_*.json are real results: CPython 3.11.2
   (Debian) running the collector of python/leaktop_collector.py on four
   scenarios, each a pair from one process: "python" (tracemalloc on, then
   20000 instances of __main__.Session each holding bytes(2048) made on
   line 16), "native" (48 MiB malloc'd and written through ctypes),
   "trim" (200000 small blocks malloc'd then freed, the second snapshot
   with trim) and "started" (the second request starts tracemalloc). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "snapshot/ResultFile.h"
#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotDiff.h"
#include "snapshot/SnapshotOutput.h"
#include "snapshot/SnapshotStore.h"
#include "util/XUtils.h"

#define NOBODY 65534

static char* readData(const char* name, size_t* len) {
   char path[4096];
   snprintf(path, sizeof(path), "%s/%s", SNAPSHOT_DATA, name);
   char* buf = xMalloc(SNAPSHOT_TEXT_MAX);
   ssize_t n = XUtils_readFileAt(AT_FDCWD, path, buf, SNAPSHOT_TEXT_MAX);
   if (n <= 0)
      fail_msg("cannot read %s", path);
   *len = (size_t)n;
   return buf;
}

static void loadData(const char* name, Snapshot* s) {
   size_t len;
   char* text = readData(name, &len);
   char err[256] = "";
   if (!Snapshot_parse(text, len, s, err, sizeof(err)))
      fail_msg("%s: %s", name, err);
   free(text);
}

static bool parseText(const char* text, Snapshot* s, char* err, size_t errSize) {
   return Snapshot_parse(text, strlen(text), s, err, errSize);
}

static bool hasError(const Snapshot* s, const char* part) {
   for (int i = 0; i < s->errorCount; i++)
      if (strstr(s->errors[i], part))
         return true;
   return false;
}

/* ---- parsing ---------------------------------------------------------- */

static void test_parse_recorded(void** state) {
   (void)state;
   Snapshot s;
   loadData("snapshot_python_b.json", &s);
   assert_int_equal(s.seq, 2);
   assert_true(s.pid > 0);
   assert_string_equal(s.python, "3.11.2");
   assert_true(s.time > 1.7e9);
   assert_false(s.truncated);
   assert_int_equal(s.rssKiB, 63972);
   assert_int_equal(s.allocatedBlocks, 107019);
   assert_int_equal(s.gcObjects, 28715);
   assert_int_equal(s.gcGarbage, 0);
   assert_int_equal(s.gcEnabled, 1);
   assert_true(s.gcCounts[0] >= 0 && s.gcCounts[2] >= 0);
   assert_int_equal(s.typeCount, 25);
   assert_string_equal(s.types[0].name, "__main__.Session");
   assert_int_equal(s.types[0].count, 20100);
   assert_true(s.tracemallocKnown && s.tracing);
   assert_int_equal(s.frames, 1);
   assert_int_equal(s.traced, 44408331);
   assert_true(s.lineCount >= 3);
   assert_string_equal(s.lines[0].file, "/tmp/leakapp/app.py");
   assert_int_equal(s.lines[0].line, 16);
   assert_int_equal(s.lines[0].size, 41828100);
   assert_int_equal(s.lines[0].count, 20100);
   assert_true(s.tracebackCount >= 1);
   assert_int_equal(s.tracebacks[0].frameCount, 1);
   assert_int_equal(s.tracebacks[0].frames[0].line, 16);
   assert_int_equal(s.trimBeforeKiB, -1);
   assert_int_equal(s.errorCount, 0);
   assert_int_equal(s.hostPid, 0);
   Snapshot_done(&s);

   loadData("snapshot_trim_b.json", &s);
   assert_int_equal(s.trimBeforeKiB, 66272);
   assert_int_equal(s.trimAfterKiB, 13240);
   assert_false(s.tracing);
   assert_int_equal(s.lineCount, 0);
   Snapshot_done(&s);
}

static void test_parse_round_trip(void** state) {
   (void)state;
   static const char* const files[] = {"snapshot_python_b.json", "snapshot_trim_b.json",
                                       "snapshot_started_a.json"};
   for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
      Snapshot a, b;
      loadData(files[f], &a);
      a.hostPid = 4242;
      a.startTicks = 123456;
      char* text = Snapshot_serialize(&a);
      char err[256];
      assert_true(Snapshot_parse(text, strlen(text), &b, err, sizeof(err)));
      assert_int_equal(b.hostPid, 4242);
      assert_int_equal(b.startTicks, 123456);
      assert_int_equal(b.typeCount, a.typeCount);
      assert_int_equal(b.lineCount, a.lineCount);
      assert_int_equal(b.tracebackCount, a.tracebackCount);
      assert_int_equal(b.errorCount, a.errorCount);
      assert_true(fabs(b.time - a.time) < 1e-3);
      char* again = Snapshot_serialize(&b);
      assert_string_equal(text, again);
      free(text);
      free(again);
      Snapshot_done(&a);
      Snapshot_done(&b);
   }
}

static void test_parse_rejects(void** state) {
   (void)state;
   static const struct {
      const char* text;
      const char* message;
   } cases[] = {
         {"", "empty"},
         {"this is not json", "not JSON"},
         {"{\"leaktop_snapshot\": 1, \"seq\": 1, \"pid\": 5, \"types\": [[\"dict\", 3",
          "cut short"},
         {"{\"seq\": 1, \"pid\": 5}", "not a leaktop snapshot"},
         {"{\"leaktop_snapshot\": 2, \"seq\": 1, \"pid\": 5}", "not a leaktop snapshot"},
         {"{\"leaktop_snapshot\": \"1\", \"seq\": 1, \"pid\": 5}", "not a leaktop snapshot"},
         {"[1, 2, 3]", "not a leaktop snapshot"},
         {"{\"leaktop_snapshot\": 1, \"pid\": 5}", "seq"},
         {"{\"leaktop_snapshot\": 1, \"seq\": 1, \"pid\": -5}", "pid"},
         {"{\"leaktop_snapshot\": 1, \"seq\": 1, \"pid\": 0}", "pid"},
         {"{\"leaktop_snapshot\": 1, \"seq\": 1, \"pid\": 5} {}", "not JSON"},
         {"{\"leaktop_snapshot\": 1, \"seq\": 1, \"pid\": 5, \"python\": \"\xff\"}", "not JSON"},
         {"{\"leaktop_snapshot\": 1, \"seq\": 1, \"pid\": 5, \"a\": "
          "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
          "not JSON"},
   };
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      Snapshot s;
      char err[256] = "";
      assert_false(parseText(cases[i].text, &s, err, sizeof(err)));
      if (!strstr(err, cases[i].message))
         fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].message);
      assert_int_equal(s.typeCount, 0);
   }
   /* Larger than any collector may write. */
   size_t big = SNAPSHOT_TEXT_MAX + 1;
   char* text = xMalloc(big);
   memset(text, ' ', big);
   Snapshot s;
   char err[256];
   assert_false(Snapshot_parse(text, big, &s, err, sizeof(err)));
   assert_non_null(strstr(err, "limit"));
   free(text);
   /* A recorded result cut anywhere is refused, never half-read. */
   size_t len;
   char* whole = readData("snapshot_python_b.json", &len);
   for (size_t cut = 1; cut < len - 2; cut += 37)
      assert_false(Snapshot_parse(whole, cut, &s, err, sizeof(err)));
   free(whole);
}

static void test_parse_minimal(void** state) {
   (void)state;
   Snapshot s;
   char err[256];
   /* Every part may fail in the collector: only the identity is required. */
   assert_true(
         parseText("{\"leaktop_snapshot\": 1, \"seq\": 9, \"pid\": 77}\n", &s, err, sizeof(err)));
   assert_int_equal(s.seq, 9);
   assert_int_equal(s.pid, 77);
   assert_true(isnan(s.time));
   assert_int_equal(s.rssKiB, -1);
   assert_int_equal(s.allocatedBlocks, -1);
   assert_int_equal(s.gcObjects, -1);
   assert_int_equal(s.gcEnabled, -1);
   assert_false(s.tracemallocKnown);
   assert_int_equal(s.typeCount + s.lineCount + s.tracebackCount + s.errorCount, 0);
   char* text = Snapshot_serialize(&s);
   assert_non_null(strstr(text, "\"seq\":9"));
   assert_null(strstr(text, "rss_kib"));
   free(text);
   Snapshot_done(&s);
}

static void test_parse_hostile(void** state) {
   (void)state;
   size_t longName = 10000;
   size_t size = longName + 2048 + 6000 * 24;
   char* text = xMalloc(size);
   int n = snprintf(text, size,
                    "{\"leaktop_snapshot\": 1, \"seq\": 3, \"pid\": 5, \"time\": NaN,"
                    " \"rss_kib\": \"lots\", \"allocated_blocks\": -4,"
                    " \"gc\": {\"counts\": [1, 2], \"objects\": 18446744073709551615},"
                    " \"tracemalloc\": {\"tracing\": 1},"
                    " \"python\": \"3.11.2-with-a-very-long-suffix-indeed\","
                    " \"lines\": [{\"file\": \"\\u001b[31mred\\u0000.py\", \"line\": 4,"
                    " \"size\": 10, \"count\": 1}, {\"file\": 7, \"line\": 1, \"size\": 1,"
                    " \"count\": 1}, \"junk\"],"
                    " \"errors\": [\"gc: boom\", 42],"
                    " \"types\": [[\"");
   memset(text + n, 'A', longName);
   n += (int)longName;
   n += snprintf(text + n, size - (size_t)n, "\", 1]");
   for (int i = 0; i < 6000; i++)
      n += snprintf(text + n, size - (size_t)n, ", [\"t%d\", %d, %d]", i, i, i * 16);
   snprintf(text + n, size - (size_t)n, "]}");

   Snapshot s;
   char err[256];
   assert_true(parseText(text, &s, err, sizeof(err)));
   free(text);
   assert_true(isnan(s.time));
   assert_int_equal(s.rssKiB, -1);
   assert_int_equal(s.allocatedBlocks, -1);
   assert_int_equal(s.gcCounts[0], -1);
   assert_int_equal(s.gcObjects, -1);
   assert_false(s.tracemallocKnown);
   assert_int_equal(strlen(s.python), sizeof(s.python) - 1);
   /* Capped: the list and the name. */
   assert_true(s.truncated);
   assert_int_equal(s.typeCount, SNAPSHOT_TYPES_MAX);
   assert_int_equal(strlen(s.types[0].name), SNAPSHOT_NAME_MAX);
   /* Control bytes never reach a terminal. */
   assert_int_equal(s.lineCount, 1);
   assert_string_equal(s.lines[0].file, "?[31mred .py");
   /* The collector's error first, then what was refused here. */
   assert_string_equal(s.errors[0], "gc: boom");
   assert_true(hasError(&s, "errors are not strings"));
   assert_true(hasError(&s, "rss_kib is not a count"));
   assert_true(hasError(&s, "allocated_blocks is not a count"));
   assert_true(hasError(&s, "time is not a number"));
   assert_true(hasError(&s, "gc.counts"));
   assert_true(hasError(&s, "gc.objects"));
   assert_true(hasError(&s, "tracemalloc.tracing"));
   assert_true(hasError(&s, "2 malformed entries of lines"));
   assert_true(hasError(&s, "types cut to 5000"));
   /* Old pairs and new triples in one list. */
   assert_int_equal(s.types[0].shallow, -1);
   assert_int_equal(s.types[2].shallow, 16);
   Snapshot_done(&s);

   /* Wrong container types are noted, not fatal. */
   assert_true(parseText("{\"leaktop_snapshot\": 1, \"seq\": 3, \"pid\": 5, \"types\": {},"
                         " \"gc\": [], \"trim\": {\"rss_before_kib\": 5}, \"errors\": \"x\"}",
                         &s, err, sizeof(err)));
   assert_int_equal(s.typeCount, 0);
   assert_int_equal(s.trimBeforeKiB, -1);
   assert_true(hasError(&s, "types is not a list"));
   assert_true(hasError(&s, "gc is not an object"));
   assert_true(hasError(&s, "errors is not a list"));
   Snapshot_done(&s);

   /* A flood of errors stays bounded. */
   char flood[8192];
   n = snprintf(flood, sizeof(flood),
                "{\"leaktop_snapshot\": 1, \"seq\": 3, \"pid\": 5, "
                "\"errors\": [\"e\"");
   for (int i = 0; i < 100; i++)
      n += snprintf(flood + n, sizeof(flood) - (size_t)n, ", \"e%d\"", i);
   snprintf(flood + n, sizeof(flood) - (size_t)n, "]}");
   assert_true(parseText(flood, &s, err, sizeof(err)));
   assert_int_equal(s.errorCount, SNAPSHOT_ERRORS_MAX);
   assert_true(s.truncated);
   Snapshot_done(&s);
}

/* ---- diff ------------------------------------------------------------- */

static void diffData(const char* before, const char* after, Snapshot* a, Snapshot* b,
                     SnapshotDiff* d) {
   loadData(before, a);
   loadData(after, b);
   SnapshotDiff_compute(a, b, d);
   assert_true(d->comparable);
}

static void test_diff_python_recorded(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_python_a.json", "snapshot_python_b.json", &a, &b, &d);
   assert_true(d.interval > 0 && d.interval < 60);
   assert_int_equal(d.verdict, SNAPSHOT_VERDICT_PYTHON);
   assert_true(d.growth.tracedKnown);
   assert_int_equal(d.rssDeltaKiB, 63972 - 12604);
   /* The retained class tops the types. */
   assert_true(d.typesAvailable);
   assert_string_equal(d.types[0].name, "__main__.Session");
   assert_true(d.types[0].beforeKnown);
   assert_int_equal(d.types[0].before, 100);
   assert_int_equal(d.types[0].after, 20100);
   assert_int_equal(d.types[0].delta, 20000);
   for (int i = 1; i < d.typeCount; i++)
      assert_true(d.types[i - 1].delta >= d.types[i].delta && d.types[i].delta > 0);
   /* The allocating line tops the lines. */
   assert_true(d.linesAvailable);
   assert_string_equal(d.lines[0].file, "/tmp/leakapp/app.py");
   assert_int_equal(d.lines[0].line, 16);
   assert_true(d.lines[0].beforeKnown);
   assert_int_equal(d.lines[0].sizeDelta, 41828100 - 208100);
   assert_int_equal(d.lines[0].countDelta, 20000);
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_diff_native_recorded(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_native_a.json", "snapshot_native_b.json", &a, &b, &d);
   assert_int_equal(d.verdict, SNAPSHOT_VERDICT_NATIVE);
   assert_false(d.linesAvailable);
   assert_non_null(strstr(d.linesWhy, "not tracing"));
   assert_true(d.blocksPercent < SNAPSHOT_BLOCKS_PERCENT);
   char line[320];
   SnapshotOutput_verdict(&d, line, sizeof(line));
   assert_string_equal(line, "native growth: RSS +48.6 MiB, allocated blocks +0.4%, gc objects "
                             "+0.5%");
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_diff_trim_recorded(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_trim_a.json", "snapshot_trim_b.json", &a, &b, &d);
   assert_int_equal(d.verdict, SNAPSHOT_VERDICT_ALLOCATOR);
   assert_int_equal(d.growth.trimReleasedKiB, 66272 - 13240);
   char line[320];
   SnapshotOutput_verdict(&d, line, sizeof(line));
   assert_string_equal(line, "retention in the allocator (malloc_trim returned 51.8 MiB), not a "
                             "leak: RSS +52.4 MiB before the trim");
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_diff_tracing_started(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_started_a.json", "snapshot_started_b.json", &a, &b, &d);
   assert_false(d.linesAvailable);
   assert_non_null(strstr(d.linesWhy, "started between"));
   assert_false(d.growth.tracedKnown);
   /* 5000 more Session objects: the Python heap grew with RSS. */
   assert_int_equal(d.verdict, SNAPSHOT_VERDICT_PYTHON);
   assert_string_equal(d.types[0].name, "__main__.Session");
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_diff_not_comparable(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   loadData("snapshot_native_a.json", &a);
   loadData("snapshot_native_b.json", &b);
   a.hostPid = b.hostPid = 1000;
   a.startTicks = 5000;
   b.startTicks = 9000;
   SnapshotDiff_compute(&a, &b, &d);
   assert_false(d.comparable);
   assert_non_null(strstr(d.why, "new worker generation"));
   assert_int_equal(d.typeCount, 0);
   assert_int_equal(d.verdict, SNAPSHOT_VERDICT_UNKNOWN);
   char line[64] = "x";
   SnapshotOutput_verdict(&d, line, sizeof(line));
   assert_string_equal(line, "");
   SnapshotDiff_done(&d);

   b.startTicks = a.startTicks;
   b.hostPid = 1001;
   SnapshotDiff_compute(&a, &b, &d);
   assert_false(d.comparable);
   assert_non_null(strstr(d.why, "different processes"));
   SnapshotDiff_done(&d);

   b.hostPid = a.hostPid;
   b.pid = a.pid + 1;
   SnapshotDiff_compute(&a, &b, &d);
   assert_false(d.comparable);
   SnapshotDiff_done(&d);

   /* Swapped: the "earlier" one is newer. */
   b.pid = a.pid;
   SnapshotDiff_compute(&b, &a, &d);
   assert_false(d.comparable);
   assert_non_null(strstr(d.why, "not older"));
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_diff_ordering(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   char err[256];
   assert_true(parseText(
         "{\"leaktop_snapshot\":1,\"seq\":1,\"pid\":5,\"time\":100,"
         "\"types\":[[\"dict\",500],[\"list\",400],[\"b\",100],[\"a\",100],[\"gone\",50]],"
         "\"tracemalloc\":{\"tracing\":true,\"frames\":1,\"traced\":1000},"
         "\"lines\":[{\"file\":\"x.py\",\"line\":1,\"size\":800,\"count\":8},"
         "{\"file\":\"x.py\",\"line\":2,\"size\":100,\"count\":1},"
         "{\"file\":\"y.py\",\"line\":1,\"size\":100,\"count\":1}]}",
         &a, err, sizeof(err)));
   assert_true(
         parseText("{\"leaktop_snapshot\":1,\"seq\":2,\"pid\":5,\"time\":160,"
                   "\"types\":[[\"dict\",510],[\"list\",300],[\"b\",130],[\"a\",130],[\"new\",90],"
                   "[\"tuple\",20]],"
                   "\"tracemalloc\":{\"tracing\":true,\"frames\":1,\"traced\":5000},"
                   "\"lines\":[{\"file\":\"y.py\",\"line\":1,\"size\":3000,\"count\":30},"
                   "{\"file\":\"x.py\",\"line\":1,\"size\":900,\"count\":9},"
                   "{\"file\":\"z.py\",\"line\":7,\"size\":600,\"count\":6},"
                   "{\"file\":\"x.py\",\"line\":2,\"size\":50,\"count\":1}]}",
                   &b, err, sizeof(err)));
   SnapshotDiff_compute(&a, &b, &d);
   assert_true(d.comparable);
   assert_true(d.interval == 60.0);
   /* Ties by name; shrinking types and bounded-below newcomers left out:
      "new" had at most 50 before (the earlier list's smallest), so +40;
      "tuple" at most 50 before, so no growth shown. */
   assert_int_equal(d.typeCount, 4);
   assert_string_equal(d.types[0].name, "new");
   assert_int_equal(d.types[0].delta, 40);
   assert_false(d.types[0].beforeKnown);
   assert_string_equal(d.types[1].name, "a");
   assert_string_equal(d.types[2].name, "b");
   assert_int_equal(d.types[2].delta, 30);
   assert_string_equal(d.types[3].name, "dict");
   assert_int_equal(d.types[3].before, 500);
   assert_true(d.types[3].beforeKnown);
   /* Lines by size delta; z.py:7 had at most 100 bytes before. */
   assert_int_equal(d.lineCount, 3);
   assert_string_equal(d.lines[0].file, "y.py");
   assert_int_equal(d.lines[0].sizeDelta, 2900);
   assert_int_equal(d.lines[0].countDelta, 29);
   assert_string_equal(d.lines[1].file, "z.py");
   assert_int_equal(d.lines[1].sizeDelta, 500);
   assert_false(d.lines[1].beforeKnown);
   assert_string_equal(d.lines[2].file, "x.py");
   assert_int_equal(d.lines[2].line, 1);
   assert_int_equal(d.verdict, SNAPSHOT_VERDICT_UNKNOWN);
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static SnapshotGrowth growth(int64_t rssBefore, int64_t rssAfter) {
   SnapshotGrowth g = {.rssBeforeKiB = rssBefore,
                       .rssAfterKiB = rssAfter,
                       .blocksBefore = 100000,
                       .blocksAfter = 100000,
                       .objectsBefore = 50000,
                       .objectsAfter = 50000,
                       .trimReleasedKiB = -1};
   return g;
}

static void test_verdict_thresholds(void** state) {
   (void)state;
   const int64_t MiB = 1024;
   SnapshotGrowth g = growth(100 * MiB, 80 * MiB); /* RSS shrank */
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_STEADY);
   g = growth(50 * MiB, 53 * MiB); /* 3 MiB: churn */
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_STEADY);
   g = growth(50 * MiB, 54 * MiB); /* 4 MiB and 8% */
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g = growth(400 * MiB, 410 * MiB); /* 10 MiB but 2.5% of a big worker */
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_STEADY);
   g = growth(400 * MiB, 420 * MiB); /* 5% */
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g = growth(-1, 420 * MiB);
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_UNKNOWN);

   /* Allocated blocks and gc objects, below and above 1%. */
   g = growth(100 * MiB, 140 * MiB);
   g.blocksAfter = 100900;
   g.objectsAfter = 50400;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g.blocksAfter = 101100;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_PYTHON);
   g.blocksAfter = 100000;
   g.objectsAfter = 51000;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_PYTHON);
   g.objectsBefore = g.objectsAfter = -1; /* gc part failed: blocks decide */
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g.blocksBefore = -1;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_UNKNOWN);

   /* Traced bytes against a 40 MiB growth: 25% is the line. */
   g = growth(100 * MiB, 140 * MiB);
   g.blocksAfter = 200000; /* ignored when traced bytes are known */
   g.tracedKnown = true;
   g.tracedDeltaBytes = (int64_t)(9.9 * 1024 * 1024);
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g.tracedDeltaBytes = (int64_t)(10.1 * 1024 * 1024);
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_PYTHON);
   g.tracedDeltaBytes = -5 * 1024 * 1024;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);

   /* tracemalloc's own tables are not the application's growth. */
   g = growth(100 * MiB, 108 * MiB);
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g.overheadDeltaBytes = 6 * 1024 * 1024;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_STEADY);

   /* malloc_trim gave back at least half the growth: the allocator. */
   g = growth(100 * MiB, 140 * MiB);
   g.trimReleasedKiB = 20 * MiB;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_ALLOCATOR);
   g.trimReleasedKiB = 12 * MiB;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_NATIVE);
   g = growth(100 * MiB, 101 * MiB); /* no growth, yet trim returned a lot */
   g.trimReleasedKiB = 30 * MiB;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_ALLOCATOR);
   g.trimReleasedKiB = 1 * MiB;
   assert_int_equal(SnapshotDiff_verdict(&g), SNAPSHOT_VERDICT_STEADY);

   assert_true(SnapshotDiff_materialGrowth(0, 4096));
   assert_false(SnapshotDiff_materialGrowth(0, 4095));
}

/* ---- rendering -------------------------------------------------------- */

static char* render(const Snapshot* s, const SnapshotDiff* d, bool json) {
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   if (json)
      SnapshotOutput_json(s, d, out);
   else
      SnapshotOutput_text(s, d, out);
   fclose(out);
   return text;
}

static void assertFits(const char* text) {
   for (const char* line = text; *line;) {
      const char* end = strchr(line, '\n');
      size_t len = end ? (size_t)(end - line) : strlen(line);
      if (len > 80)
         fail_msg("line of %zu columns: %.*s", len, (int)len, line);
      line += len + (end ? 1 : 0);
   }
}

/* Real results of tests/integration/snapshot_target.py (CPython 3.11.2,
   leaktop snapshot with --start-tracemalloc=1, then "hoard 16", then
   another 4 s later), as the store keeps them: every type listed with its
   shallow estimate, lines with their source. */
static void test_diff_types_recorded(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_types_a.json", "snapshot_types_b.json", &a, &b, &d);
   assert_int_equal(b.typesTotal, 113);
   assert_int_equal(b.typeCount, 113);
   for (int i = 0; i < b.typeCount; i++)
      assert_true(b.types[i].shallow >= 0);
   assert_int_equal(a.number, 1);
   assert_int_equal(b.number, 2);
   assert_int_equal(d.beforeNumber, 1);
   assert_true(d.beforeTime == a.time);
   assert_true(d.typesComplete);
   /* 16 instances among thousands of builtins, absent before: in the count
      ranking with an exact before of 0, and in the size ranking. */
   int at = -1;
   for (int i = 0; i < d.typeCount; i++)
      if (strcmp(d.types[i].name, "__main__.Hoard") == 0)
         at = i;
   assert_true(at >= 0);
   assert_true(d.types[at].beforeKnown);
   assert_int_equal(d.types[at].before, 0);
   assert_int_equal(d.types[at].delta, 16);
   at = -1;
   for (int i = 0; i < d.typeBySizeCount; i++) {
      if (i > 0)
         assert_true(d.typesBySize[i - 1].sizeDelta >= d.typesBySize[i].sizeDelta);
      assert_true(d.typesBySize[i].sizeKnown && d.typesBySize[i].sizeDelta > 0);
      if (strcmp(d.typesBySize[i].name, "__main__.Hoard") == 0)
         at = i;
   }
   assert_true(at >= 0);
   /* tp_basicsize of a plain class on 3.11 x 16. */
   assert_int_equal(d.typesBySize[at].sizeBefore, 0);
   assert_int_equal(d.typesBySize[at].sizeDelta, 16 * 24);
   /* The allocating line, with its source text. */
   assert_true(d.linesAvailable);
   assert_int_equal(d.lines[0].countDelta, 16);
   assert_true(d.lines[0].sizeDelta >= 16 * 256 * 1024);
   assert_string_equal(d.lines[0].text, "self.buf = bytes(256 << 10)  # HOARD_LINE");

   char* text = render(&b, &d, false);
   assertFits(text);
   assert_non_null(strstr(text, "\nCompared with snapshot 1 of "));
   assert_null(strstr(text, "Compared with snapshot 2"));
   assert_non_null(strstr(text, "Snapshot 2 of pid "));
   assert_non_null(strstr(text, "\nTypes whose shallow size grew most\n"));
   assert_non_null(strstr(text, "     0B     384B    +384B      +16  __main__.Hoard\n"));
   assert_non_null(strstr(text, "\n                                      self.buf = bytes(256 "
                                "<< 10)  # HOARD_LINE\n"));
   assert_non_null(strstr(text, "  (25 of 113 types)\n"));
   free(text);
   text = render(&b, &d, true);
   assert_non_null(strstr(text, "\"against_number\":1,"));
   assert_non_null(strstr(text, "\"types_complete\":true"));
   assert_non_null(strstr(text, "\"shallow_delta\":384"));
   assert_non_null(strstr(text, "\"text\":\"self.buf = bytes(256 << 10)  # HOARD_LINE\""));
   free(text);
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);

   /* Older results list only the top N without sizes: no size ranking,
      and an absent type's before is a bound. */
   diffData("snapshot_python_a.json", "snapshot_python_b.json", &a, &b, &d);
   assert_int_equal(b.typesTotal, -1);
   assert_int_equal(b.types[0].shallow, -1);
   assert_false(d.typesComplete);
   assert_int_equal(d.typeBySizeCount, 0);
   assert_int_equal(d.beforeNumber, 0);
   text = render(&b, &d, false);
   assert_non_null(strstr(text, "\nCompared with the snapshot of "));
   assert_null(strstr(text, "shallow size"));
   free(text);
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_output_text(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_python_a.json", "snapshot_python_b.json", &a, &b, &d);
   b.hostPid = 31337;
   char* text = render(&b, &d, false);
   assertFits(text);
   assert_non_null(strstr(text, "Snapshot 2 of pid 31337 ("));
   assert_non_null(strstr(text, "CPython 3.11.2"));
   assert_non_null(strstr(text, "  RSS 62.5M  allocated blocks 107019  gc objects 28715\n"));
   assert_non_null(strstr(text, "\nTop types by count\n     COUNT  TYPE\n     20100  "
                                "__main__.Session\n"));
   assert_non_null(strstr(text, "     39.9M     20100  /tmp/leakapp/app.py:16\n"));
   assert_non_null(strstr(text,
                          "earlier\n  RSS 12.3M -> 62.5M, allocated blocks 26954 -> 107019, gc "
                          "objects 8834 -> 28715\n  python growth: RSS +50.2 MiB, Python "
                          "heap +42.1 MiB (allocated blocks +297.0%)\n"));
   assert_non_null(strstr(text, "\nTypes that grew most\n"));
   assert_non_null(strstr(text, "\n       100     20100    +20000  __main__.Session\n"));
   /* app.py:22 was not in the earlier top list; below 1 KiB in bytes. */
   assert_non_null(strstr(text, "   <=208B     617K    +617K   +19742  /tmp/leakapp/app.py:22\n"));
   assert_non_null(strstr(text, "     358B    +150B       +2  /usr/lib/python3.11/json/"));
   assert_non_null(strstr(text, "+39.7M   +20000  /tmp/leakapp/app.py:16\n"));
   free(text);
   SnapshotDiff_done(&d);

   /* A long path keeps its file name; the rest still fits 80 columns. */
   free(b.lines[0].file);
   b.lines[0].file = xStrdup("/srv/venv/lib/python3.11/site-packages/some/deeply/nested/"
                             "package/with/long/names/module.py");
   text = render(&b, NULL, false);
   assertFits(text);
   assert_non_null(strstr(
         text,
         "     39.9M     20100  ...some/deeply/nested/package/with/long/names/module.py:16\n"));
   assert_null(strstr(text, "Compared with"));
   free(text);
   Snapshot_done(&a);
   Snapshot_done(&b);

   diffData("snapshot_started_a.json", "snapshot_started_b.json", &a, &b, &d);
   text = render(&b, &d, false);
   assertFits(text);
   assert_non_null(strstr(text, "Lines: tracemalloc started between"));
   free(text);
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void test_output_json(void** state) {
   (void)state;
   Snapshot a, b;
   SnapshotDiff d;
   diffData("snapshot_native_a.json", "snapshot_native_b.json", &a, &b, &d);
   char* text = render(&b, &d, true);
   json_object* root = json_tokener_parse(text);
   assert_non_null(root);
   json_object *snap, *diff, *v;
   assert_true(json_object_object_get_ex(root, "snapshot", &snap));
   assert_true(json_object_object_get_ex(snap, "leaktop_snapshot", &v));
   assert_true(json_object_object_get_ex(snap, "rss_kib", &v));
   assert_int_equal(json_object_get_int64(v), 62272);
   assert_true(json_object_object_get_ex(root, "diff", &diff));
   assert_true(json_object_object_get_ex(diff, "verdict", &v));
   assert_string_equal(json_object_get_string(v), "native growth");
   assert_true(json_object_object_get_ex(diff, "verdict_text", &v));
   assert_non_null(strstr(json_object_get_string(v), "RSS +48.6 MiB"));
   assert_true(json_object_object_get_ex(diff, "rss_delta_kib", &v));
   assert_int_equal(json_object_get_int64(v), 62272 - 12476);
   assert_true(json_object_object_get_ex(diff, "lines", &v));
   assert_null(v);
   assert_true(json_object_object_get_ex(diff, "lines_unavailable", &v));
   assert_non_null(strstr(json_object_get_string(v), "not tracing"));
   assert_true(json_object_object_get_ex(diff, "types", &v));
   assert_true(json_object_is_type(v, json_type_array));
   json_object_put(root);
   free(text);

   text = render(&b, NULL, true);
   root = json_tokener_parse(text);
   assert_true(json_object_object_get_ex(root, "diff", &v));
   assert_null(v);
   json_object_put(root);
   free(text);
   SnapshotDiff_done(&d);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

/* ---- result files ----------------------------------------------------- */

static int removeEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
   (void)st;
   (void)flag;
   (void)ftw;
   return remove(path);
}

typedef struct {
   char root[64];  /* the target's "/" */
   char dir[128];  /* root/tmp/leaktop-U */
   char file[192]; /* dir/snapshot-42-7.json */
   uid_t uid;
} ResultFixture;

static int resultSetup(void** state) {
   ResultFixture* f = xCalloc(1, sizeof(*f));
   snprintf(f->root, sizeof(f->root), "/tmp/leaktop-unit-XXXXXX");
   if (!mkdtemp(f->root))
      return -1;
   f->uid = geteuid();
   char tmp[96];
   snprintf(tmp, sizeof(tmp), "%s/tmp", f->root);
   snprintf(f->dir, sizeof(f->dir), "%s/leaktop-%u", tmp, (unsigned)f->uid);
   snprintf(f->file, sizeof(f->file), "%s/snapshot-42-7.json", f->dir);
   if (mkdir(tmp, 01777) < 0 || mkdir(f->dir, 0700) < 0)
      return -1;
   *state = f;
   return 0;
}

static int resultTeardown(void** state) {
   ResultFixture* f = *state;
   nftw(f->root, removeEntry, 16, FTW_DEPTH | FTW_PHYS);
   free(f);
   return 0;
}

static void writeFile(const char* path, const char* text, mode_t mode) {
   int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
   assert_true(fd >= 0);
   assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
   close(fd);
}

static bool exists(const char* path) {
   struct stat st;
   return lstat(path, &st) == 0;
}

static void test_result_read(void** state) {
   ResultFixture* f = *state;
   ResultFileResult r;
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_ABSENT);
   writeFile(f->file, "{\"leaktop_snapshot\": 1}", 0600);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_READ);
   assert_string_equal(r.text, "{\"leaktop_snapshot\": 1}");
   assert_int_equal(r.length, 23);
   assert_false(exists(f->file));
   ResultFile_done(&r);
   assert_null(r.text);
   /* Gone once read. */
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_ABSENT);
   /* No directory yet: not written yet, not an error. */
   assert_int_equal(rmdir(f->dir), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_ABSENT);
}

static void test_result_refusals(void** state) {
   ResultFixture* f = *state;
   ResultFileResult r;
   char secret[256];
   snprintf(secret, sizeof(secret), "%s/secret", f->root);
   writeFile(secret, "do not read", 0600);

   assert_int_equal(symlink(secret, f->file), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_SYMLINK);
   assert_true(ResultFile_refused(r.status));
   assert_null(r.text);
   assert_non_null(strstr(r.message, "symbolic link (removed)"));
   assert_false(exists(f->file));
   assert_true(exists(secret));

   /* A FIFO would block a reader forever; it is never opened. */
   assert_int_equal(mkfifo(f->file, 0600), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_NOT_REGULAR);
   assert_non_null(strstr(r.message, "a FIFO"));
   assert_false(exists(f->file));

   /* Larger than the limit: refused from its size, and when it grows. */
   writeFile(f->file, "0123456789", 0600);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 9, &r), RESULTFILE_TOO_LARGE);
   assert_false(exists(f->file));
   int fd = open(f->file, O_WRONLY | O_CREAT, 0600);
   assert_int_equal(ftruncate(fd, RESULTFILE_MAX_BYTES + 1), 0);
   close(fd);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, RESULTFILE_MAX_BYTES, &r),
                    RESULTFILE_TOO_LARGE);
   assert_false(exists(f->file));

   /* A hard link to another file of the user. */
   assert_int_equal(link(secret, f->file), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_NOT_REGULAR);
   assert_non_null(strstr(r.message, "2 hard links"));
   assert_true(exists(secret));

   /* A directory in its place stays (only files are removed). */
   assert_int_equal(mkdir(f->file, 0700), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_NOT_REGULAR);
   assert_non_null(strstr(r.message, "a directory"));
   assert_null(strstr(r.message, "removed"));
   assert_int_equal(rmdir(f->file), 0);

   if (geteuid() != 0) {
      print_message("not root: the wrong-owner case needs chown\n");
      return;
   }
   writeFile(f->file, "{}", 0600);
   assert_int_equal(chown(f->file, NOBODY, NOBODY), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_WRONG_OWNER);
   assert_non_null(strstr(r.message, "owned by uid 65534"));
   assert_false(exists(f->file));
}

static void test_result_unsafe_dir(void** state) {
   ResultFixture* f = *state;
   ResultFileResult r;
   writeFile(f->file, "{}", 0600);
   /* Open to others: anyone could swap the result. */
   assert_int_equal(chmod(f->dir, 0755), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_DIR_UNSAFE);
   assert_non_null(strstr(r.message, "mode 0755"));
   assert_true(exists(f->file)); /* nothing touched in an unsafe directory */
   assert_int_equal(ResultFile_removeStaleIn(f->root, f->uid, 42), -1);
   assert_true(exists(f->file));
   assert_int_equal(chmod(f->dir, 0700), 0);
   /* Another user's directory. */
   assert_int_equal(ResultFile_readIn(f->root, f->uid + 1, 42, 7, 4096, &r), RESULTFILE_ABSENT);
   char other[160];
   snprintf(other, sizeof(other), "%s/tmp/leaktop-%u", f->root, (unsigned)f->uid + 1);
   assert_int_equal(symlink(f->dir, other), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid + 1, 42, 7, 4096, &r), RESULTFILE_DIR_UNSAFE);
   assert_non_null(strstr(r.message, "symbolic link"));
   assert_int_equal(unlink(other), 0);
   assert_int_equal(mkdir(other, 0700), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid + 1, 42, 7, 4096, &r), RESULTFILE_DIR_UNSAFE);
   assert_non_null(strstr(r.message, "belongs to uid"));
   assert_int_equal(rmdir(other), 0);
   /* /tmp itself a link: inside a container it would resolve on the host. */
   char tmp[96], moved[96];
   snprintf(tmp, sizeof(tmp), "%s/tmp", f->root);
   snprintf(moved, sizeof(moved), "%s/elsewhere", f->root);
   assert_int_equal(rename(tmp, moved), 0);
   assert_int_equal(symlink(moved, tmp), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_DIR_UNSAFE);
   assert_non_null(strstr(r.message, "/tmp is a symbolic link"));
   assert_int_equal(unlink(tmp), 0);
   assert_int_equal(rename(moved, tmp), 0);
   assert_int_equal(ResultFile_readIn(f->root, f->uid, 42, 7, 4096, &r), RESULTFILE_READ);
   ResultFile_done(&r);
}

static void test_result_remove_stale(void** state) {
   ResultFixture* f = *state;
   static const char* const names[] = {"snapshot-42-1.json", "snapshot-42-2.json",
                                       ".snapshot-42-3.tmp", "snapshot-421-1.json",
                                       "snapshot-4-1.json",  "notes.txt"};
   char path[256];
   for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
      writeFile(path, "{}", 0600);
   }
   assert_int_equal(ResultFile_removeStaleIn(f->root, f->uid, 42), 3);
   for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
      assert_int_equal(exists(path), i >= 3);
   }
   /* Another process's result left for longer than the stale age goes too;
      a fresh one and files that are no results stay. */
   snprintf(path, sizeof(path), "%s/%s", f->dir, "snapshot-4-1.json");
   struct timespec aged[2] = {{time(NULL) - RESULTFILE_STALE_AGE - 60, 0},
                              {time(NULL) - RESULTFILE_STALE_AGE - 60, 0}};
   assert_int_equal(utimensat(AT_FDCWD, path, aged, 0), 0);
   snprintf(path, sizeof(path), "%s/%s", f->dir, "notes.txt");
   assert_int_equal(utimensat(AT_FDCWD, path, aged, 0), 0);
   assert_int_equal(ResultFile_removeStaleIn(f->root, f->uid, 42), 1);
   for (size_t i = 3; i < sizeof(names) / sizeof(names[0]); i++) {
      snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
      assert_int_equal(exists(path), strcmp(names[i], "snapshot-4-1.json") != 0);
   }
}

/* The real path: /proc/self/root/tmp/leaktop-U, as for a target. */
static void test_result_proc_root(void** state) {
   (void)state;
   char dir[64], file[128];
   snprintf(dir, sizeof(dir), "/tmp/leaktop-%u", (unsigned)geteuid());
   bool created = mkdir(dir, 0700) == 0;
   if (!created && errno != EEXIST)
      fail_msg("cannot create %s", dir);
   struct stat st;
   if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
       (st.st_mode & 077)) {
      print_message("%s is not a private directory of ours: skipped\n", dir);
      return;
   }
   /* An in-namespace pid no live process has in this test. */
   pid_t nsPid = 2000000000 + getpid() % 1000;
   snprintf(file, sizeof(file), "%s/snapshot-%d-1.json", dir, (int)nsPid);
   writeFile(file, "{\"x\": 1}", 0600);
   ResultFileResult r;
   assert_int_equal(ResultFile_read(getpid(), geteuid(), nsPid, 1, &r), RESULTFILE_READ);
   assert_string_equal(r.text, "{\"x\": 1}");
   ResultFile_done(&r);
   assert_false(exists(file));
   writeFile(file, "{}", 0600);
   /* At least ours: the real directory may hold other abandoned results. */
   assert_true(ResultFile_removeStale(getpid(), geteuid(), nsPid) >= 1);
   assert_false(exists(file));
   if (created)
      rmdir(dir);
}

/* ---- the store -------------------------------------------------------- */

typedef struct {
   char base[64];
   char dir[128];
} StoreFixture;

static int storeSetup(void** state) {
   StoreFixture* f = xCalloc(1, sizeof(*f));
   snprintf(f->base, sizeof(f->base), "/tmp/leaktop-store-XXXXXX");
   if (!mkdtemp(f->base))
      return -1;
   snprintf(f->dir, sizeof(f->dir), "%s/leaktop/snapshots", f->base);
   *state = f;
   return 0;
}

static int storeTeardown(void** state) {
   StoreFixture* f = *state;
   nftw(f->base, removeEntry, 16, FTW_DEPTH | FTW_PHYS);
   free(f);
   return 0;
}

static int countFiles(const char* path) {
   DIR* dir = opendir(path);
   assert_non_null(dir);
   int n = 0;
   struct dirent* e;
   while ((e = readdir(dir)) != NULL)
      n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
   closedir(dir);
   return n;
}

static void openStore(StoreFixture* f, SnapshotStore* store) {
   char err[256] = "";
   if (!SnapshotStore_openIn(store, f->base, "leaktop/snapshots", err, sizeof(err)))
      fail_msg("%s", err);
}

static void test_store_round_trip(void** state) {
   StoreFixture* f = *state;
   SnapshotStore store;
   openStore(f, &store);
   struct stat st;
   assert_int_equal(stat(f->dir, &st), 0);
   assert_int_equal(st.st_mode & 0777, 0700);

   Snapshot a, b, got;
   loadData("snapshot_python_a.json", &a);
   loadData("snapshot_python_b.json", &b);
   a.hostPid = b.hostPid = 4321;
   a.startTicks = b.startTicks = 987654;
   assert_false(SnapshotStore_latest(&store, 4321, 987654, &got));
   char err[256];
   a.hostPid = 0;
   assert_false(SnapshotStore_save(&store, &a, err, sizeof(err)));
   assert_non_null(strstr(err, "generation"));
   a.hostPid = 4321;
   assert_true(SnapshotStore_save(&store, &a, err, sizeof(err)));
   assert_true(SnapshotStore_save(&store, &b, err, sizeof(err)));
   assert_true(SnapshotStore_latest(&store, 4321, 987654, &got));
   assert_int_equal(got.seq, 2);
   assert_int_equal(got.rssKiB, b.rssKiB);
   assert_int_equal(got.typeCount, b.typeCount);
   assert_string_equal(got.lines[0].file, b.lines[0].file);
   Snapshot_done(&got);
   /* Another generation of the same pid has no past. */
   assert_false(SnapshotStore_latest(&store, 4321, 987655, &got));
   assert_false(SnapshotStore_latest(&store, 4322, 987654, &got));
   char path[256];
   snprintf(path, sizeof(path), "%s/4321-987654-2.json", f->dir);
   assert_int_equal(stat(path, &st), 0);
   assert_int_equal(st.st_mode & 0777, 0600);

   /* Only the newest few of a generation are kept. */
   for (int i = 0; i < 6; i++)
      assert_true(SnapshotStore_save(&store, &b, err, sizeof(err)));
   assert_int_equal(countFiles(f->dir), SNAPSHOTSTORE_KEEP);
   snprintf(path, sizeof(path), "%s/4321-987654-8.json", f->dir);
   assert_true(exists(path));
   snprintf(path, sizeof(path), "%s/4321-987654-3.json", f->dir);
   assert_false(exists(path));
   /* A damaged newest file: no previous snapshot rather than a wrong one. */
   snprintf(path, sizeof(path), "%s/4321-987654-8.json", f->dir);
   writeFile(path, "{\"leaktop_snapshot\": 1, \"seq\"", 0600);
   assert_false(SnapshotStore_latest(&store, 4321, 987654, &got));
   SnapshotStore_close(&store);
   Snapshot_done(&a);
   Snapshot_done(&b);
}

static void setAge(const char* path, double now, double age) {
   struct timespec times[2];
   times[0].tv_sec = times[1].tv_sec = (time_t)(now - age);
   times[0].tv_nsec = times[1].tv_nsec = 0;
   assert_int_equal(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_store_prune(void** state) {
   StoreFixture* f = *state;
   SnapshotStore store;
   openStore(f, &store);
   double now = XUtils_wallNow();
   char path[256];
   /* 205 files of many generations, a leftover temporary, a foreign file. */
   for (int i = 0; i < 205; i++) {
      snprintf(path, sizeof(path), "%s/%d-100-1.json", f->dir, 1000 + i);
      writeFile(path, "{}", 0600);
      setAge(path, now, 3600 + i);
   }
   snprintf(path, sizeof(path), "%s/1000-100-1.json", f->dir);
   setAge(path, now, 8 * 86400.0); /* older than a week */
   snprintf(path, sizeof(path), "%s/1001-100-1.json", f->dir);
   setAge(path, now, 2 * 86400.0); /* before the boot below */
   snprintf(path, sizeof(path), "%s/.tmp-1-2000-100-1.json", f->dir);
   writeFile(path, "{", 0600);
   setAge(path, now, 120);
   snprintf(path, sizeof(path), "%s/README", f->dir);
   writeFile(path, "mine", 0600);
   assert_int_equal(countFiles(f->dir), 207);

   int removed = SnapshotStore_prune(&store, now, now - 86400.0);
   /* The two aged out, the oldest four down to 200 of ours, the temporary;
      the foreign file stays. */
   assert_int_equal(removed, 2 + 4 + 1);
   assert_int_equal(countFiles(f->dir), 200);
   assert_true(exists(path));
   static const struct {
      int pid;
      bool kept;
   } expect[] = {{1000, false}, {1001, false}, {1204, false},
                 {1201, false}, {1200, true},  {1002, true}};
   for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
      snprintf(path, sizeof(path), "%s/%d-100-1.json", f->dir, expect[i].pid);
      assert_int_equal(exists(path), expect[i].kept);
   }
   assert_int_equal(SnapshotStore_prune(&store, now, now - 86400.0), 0);
   SnapshotStore_close(&store);
}

static void test_store_unsafe(void** state) {
   StoreFixture* f = *state;
   SnapshotStore store;
   char err[256], parent[128];
   snprintf(parent, sizeof(parent), "%s/leaktop", f->base);
   assert_int_equal(mkdir(parent, 0700), 0);
   /* Readable by others. */
   assert_int_equal(mkdir(f->dir, 0755), 0);
   assert_false(SnapshotStore_openIn(&store, f->base, "leaktop/snapshots", err, sizeof(err)));
   assert_non_null(strstr(err, "mode 0755"));
   assert_int_equal(store.dirFd, -1);
   assert_int_equal(rmdir(f->dir), 0);
   /* A link to somewhere else. */
   assert_int_equal(symlink("/tmp", f->dir), 0);
   assert_false(SnapshotStore_openIn(&store, f->base, "leaktop/snapshots", err, sizeof(err)));
   assert_non_null(strstr(err, "symbolic link"));
   assert_int_equal(unlink(f->dir), 0);
   if (geteuid() == 0) {
      /* Another user's directory. */
      assert_int_equal(mkdir(f->dir, 0700), 0);
      assert_int_equal(chown(f->dir, NOBODY, NOBODY), 0);
      assert_false(SnapshotStore_openIn(&store, f->base, "leaktop/snapshots", err, sizeof(err)));
      assert_non_null(strstr(err, "belongs to uid 65534"));
      assert_int_equal(rmdir(f->dir), 0);
   }

   /* The default place: XDG_STATE_HOME when absolute, else HOME. */
   char* savedXdg = getenv("XDG_STATE_HOME") ? xStrdup(getenv("XDG_STATE_HOME")) : NULL;
   char* savedHome = getenv("HOME") ? xStrdup(getenv("HOME")) : NULL;
   setenv("XDG_STATE_HOME", f->base, 1);
   assert_true(SnapshotStore_open(&store, err, sizeof(err)));
   assert_string_equal(store.path, f->dir);
   SnapshotStore_close(&store);
   setenv("XDG_STATE_HOME", "relative/state", 1);
   setenv("HOME", f->base, 1);
   assert_true(SnapshotStore_open(&store, err, sizeof(err)));
   assert_non_null(strstr(store.path, "/.local/state/leaktop/snapshots"));
   SnapshotStore_close(&store);
   unsetenv("XDG_STATE_HOME");
   unsetenv("HOME");
   assert_false(SnapshotStore_open(&store, err, sizeof(err)));
   assert_non_null(strstr(err, "HOME"));
   if (savedXdg)
      setenv("XDG_STATE_HOME", savedXdg, 1);
   if (savedHome)
      setenv("HOME", savedHome, 1);
   free(savedXdg);
   free(savedHome);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_parse_recorded),
         cmocka_unit_test(test_parse_round_trip),
         cmocka_unit_test(test_parse_rejects),
         cmocka_unit_test(test_parse_minimal),
         cmocka_unit_test(test_parse_hostile),
         cmocka_unit_test(test_diff_python_recorded),
         cmocka_unit_test(test_diff_types_recorded),
         cmocka_unit_test(test_diff_native_recorded),
         cmocka_unit_test(test_diff_trim_recorded),
         cmocka_unit_test(test_diff_tracing_started),
         cmocka_unit_test(test_diff_not_comparable),
         cmocka_unit_test(test_diff_ordering),
         cmocka_unit_test(test_verdict_thresholds),
         cmocka_unit_test(test_output_text),
         cmocka_unit_test(test_output_json),
         cmocka_unit_test_setup_teardown(test_result_read, resultSetup, resultTeardown),
         cmocka_unit_test_setup_teardown(test_result_refusals, resultSetup, resultTeardown),
         cmocka_unit_test_setup_teardown(test_result_unsafe_dir, resultSetup, resultTeardown),
         cmocka_unit_test_setup_teardown(test_result_remove_stale, resultSetup, resultTeardown),
         cmocka_unit_test(test_result_proc_root),
         cmocka_unit_test_setup_teardown(test_store_round_trip, storeSetup, storeTeardown),
         cmocka_unit_test_setup_teardown(test_store_prune, storeSetup, storeTeardown),
         cmocka_unit_test_setup_teardown(test_store_unsafe, storeSetup, storeTeardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
