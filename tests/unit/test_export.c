/* The Prometheus export (doc/metrics.md): the two formats' rules and their
   escaping on a hand-made model; the format an Accept header gets; the
   mapping of a scripted host's trees to groups and stable slots across a
   recycle, an OOM kill and a second tree of the same name; a growing
   worker's verdict; and the textfile's atomic, link-refusing write. */
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
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "ScriptedSource.h"
#include "TempDir.h"
#include "export/ExportModel.h"
#include "export/Exposition.h"
#include "export/Textfile.h"
#include "model/Machine.h"
#include "replay/Replay.h"
#include "util/XUtils.h"

#define MIB 1024u

static char* render(const ExportModel* m, MetricFormat format) {
   ByteBuffer out;
   ByteBuffer_init(&out);
   Exposition_render(m, format, &out);
   ByteBuffer_putByte(&out, '\0');
   return (char*)out.data;
}

static int count(const char* text, const char* needle) {
   int n = 0;
   for (const char* p = text; (p = strstr(p, needle)) != NULL; p++)
      n++;
   return n;
}

/* One group, a master and slot 1 (slot 2 never held), with a name that
   needs every escape. */
static void handMade(ExportModel* m, ExportGroup* g, ExportRow slots[2]) {
   ExportModel_init(m, NULL, 0, true);
   memset(g, 0, sizeof(*g));
   snprintf(g->name, sizeof(g->name), "we\"b\\\n\xff");
   g->workers = 1;
   g->limitKnown = true;
   g->limitFromCgroup = true;
   g->limitBytes = 1073741824;
   g->usageBytes = 123456789;
   g->state = EXPORT_GROUP_ONE_GROWS;
   g->timeToLimit = INFINITY;
   g->spawns = 3;
   g->exits.oomKills = 2;
   g->master = (ExportRow){.used = true,
                           .pid = 100,
                           .memKnown = true,
                           .rssBytes = 1024,
                           .timeToLimit = INFINITY,
                           .state = EXPORT_WORKER_STABLE};
   memset(slots, 0, 2 * sizeof(ExportRow));
   slots[0] = (ExportRow){.used = true,
                          .pid = 101,
                          .memKnown = true,
                          .rssBytes = 52428800,
                          .growthBytesPerSecond = 174762.66666666666,
                          .timeToLimit = 1800,
                          .state = EXPORT_WORKER_GROWS_WITH_TIME,
                          .confidence = 0.9,
                          .startTime = 1796400000.5};
   g->slots = slots;
   g->slotCount = 2;
   m->groups = g;
   m->count = 1;
   m->samples = 7;
   m->intervalSeconds = 1;
   m->lastSampleTime = 1796420000.25;
}

static void test_classic_format(void** state) {
   (void)state;
   ExportModel m;
   ExportGroup g;
   ExportRow slots[2];
   handMade(&m, &g, slots);
   char* text = render(&m, METRIC_FORMAT_TEXT);
   assert_non_null(strstr(text, "# HELP leaktop_samples_total "));
   assert_non_null(strstr(text, "# TYPE leaktop_samples_total counter\nleaktop_samples_total 7\n"));
   assert_non_null(strstr(text, "# TYPE leaktop_build_info gauge\nleaktop_build_info{version=\""));
   assert_non_null(strstr(text, "# TYPE leaktop_worker_verdict gauge\n"));
   assert_null(strstr(text, "# UNIT"));
   assert_null(strstr(text, "# EOF"));
   assert_null(strstr(text, "stateset"));
   /* Quote and backslash escaped, the newline and the invalid byte made
      harmless: no label value can end a line. */
   assert_non_null(strstr(text, "leaktop_group_workers{group=\"we\\\"b\\\\ ?\"} 1\n"));
   assert_non_null(
         strstr(text, "leaktop_worker_rss_bytes{group=\"we\\\"b\\\\ ?\",slot=\"1\"} 52428800\n"));
   assert_non_null(strstr(text, "slot=\"master\"} 1024\n"));
   assert_non_null(
         strstr(text, "leaktop_group_time_to_limit_seconds{group=\"we\\\"b\\\\ ?\"} +Inf\n"));
   assert_non_null(strstr(text, "slot=\"1\"} 174762.66666666666\n"));
   assert_non_null(strstr(text, "leaktop_last_sample_timestamp_seconds 1796420000.25\n"));
   assert_non_null(strstr(text, "{group=\"we\\\"b\\\\ ?\",reason=\"oom_kill\"} 2\n"));
   assert_non_null(strstr(text, "{group=\"we\\\"b\\\\ ?\",source=\"cgroup\"} 1073741824\n"));
   /* PSS was never read: absent, not 0. Slot 2 was never held: absent. */
   assert_null(strstr(text, "leaktop_worker_pss_bytes{"));
   assert_null(strstr(text, "slot=\"2\""));
   /* Each row's stateset has its nine states, one of them 1. */
   assert_int_equal(count(text, "leaktop_worker_verdict{"), 2 * EXPORT_WORKER_STATES);
   assert_non_null(strstr(text, "slot=\"1\",leaktop_worker_verdict=\"grows_with_time\"} 1\n"));
   assert_non_null(strstr(text, "slot=\"1\",leaktop_worker_verdict=\"plateau\"} 0\n"));
   assert_non_null(strstr(text, "leaktop_group_verdict=\"one_grows\"} 1\n"));
   assert_non_null(strstr(text, "slot=\"1\",pid=\"101\"} 1\n"));
   /* No line is left unterminated or split. */
   assert_int_equal(text[strlen(text) - 1], '\n');
   for (const char* line = text; *line;) {
      const char* end = strchr(line, '\n');
      assert_non_null(end);
      assert_true(line[0] == '#' || strncmp(line, "leaktop_", 8) == 0);
      line = end + 1;
   }
   free(text);
}

static void test_openmetrics_format(void** state) {
   (void)state;
   ExportModel m;
   ExportGroup g;
   ExportRow slots[2];
   handMade(&m, &g, slots);
   char* text = render(&m, METRIC_FORMAT_OPENMETRICS);
   assert_non_null(strstr(text, "# TYPE leaktop_samples counter\n# HELP leaktop_samples "));
   assert_non_null(strstr(text, "leaktop_samples_total 7\n"));
   assert_non_null(strstr(text, "# TYPE leaktop_build info\n# HELP leaktop_build "));
   assert_non_null(strstr(text, "# TYPE leaktop_worker_rss_bytes gauge\n"
                                "# UNIT leaktop_worker_rss_bytes bytes\n"));
   assert_non_null(
         strstr(text, "# UNIT leaktop_worker_growth_bytes_per_second bytes_per_second\n"));
   assert_non_null(strstr(text, "# UNIT leaktop_worker_verdict_confidence_ratio ratio\n"));
   assert_non_null(strstr(text, "# TYPE leaktop_worker_verdict stateset\n"));
   assert_non_null(strstr(text, "# TYPE leaktop_group_verdict stateset\n"));
   assert_non_null(strstr(text, "# TYPE leaktop_worker info\n"));
   assert_null(strstr(text, "_created"));
   size_t len = strlen(text);
   assert_true(len > 6);
   assert_string_equal(text + len - 6, "# EOF\n");
   assert_int_equal(count(text, "# EOF"), 1);
   free(text);

   /* Without --export-pid there is no pid anywhere. */
   m.exportPid = false;
   text = render(&m, METRIC_FORMAT_OPENMETRICS);
   assert_null(strstr(text, "pid"));
   free(text);
}

static void test_negotiate(void** state) {
   (void)state;
   /* What Prometheus 2.42 sends (research/export.md). */
   assert_int_equal(Exposition_negotiate("application/openmetrics-text;version=1.0.0,"
                                         "application/openmetrics-text;version=0.0.1;q=0.75,"
                                         "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
                    METRIC_FORMAT_OPENMETRICS);
   assert_int_equal(Exposition_negotiate(NULL), METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate(""), METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate("*/*"), METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate("text/plain;version=0.0.4"), METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate("application/openmetrics-text"),
                    METRIC_FORMAT_OPENMETRICS);
   assert_int_equal(Exposition_negotiate(" Application/OpenMetrics-Text ; Version = 1.0.0 "),
                    METRIC_FORMAT_OPENMETRICS);
   /* A version we do not write, a lower q, q=0: the classic format. */
   assert_int_equal(Exposition_negotiate("application/openmetrics-text;version=2.0.0"),
                    METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate("application/openmetrics-text;q=0.2, text/plain;q=0.5"),
                    METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate("application/openmetrics-text;q=0"), METRIC_FORMAT_TEXT);
   assert_int_equal(Exposition_negotiate(";;;,,=q=;,application/openmetrics-text;q=x"),
                    METRIC_FORMAT_TEXT);
   assert_string_equal(Exposition_contentType(METRIC_FORMAT_TEXT),
                       "text/plain; version=0.0.4; charset=utf-8");
}

typedef struct Host {
   pid_t pids[2];
   Options opts;
   SampleSource* source;
   Machine* machine;
   ExportModel model;
} Host;

static void Host_start(Host* h, int trees, const char* const* names, int nameCount) {
   memset(h, 0, sizeof(*h));
   h->source = ScriptedSource_new(1, 1024 * MIB, 8192 * MIB);
   for (int t = 0; t < trees; t++) {
      pid_t master = (pid_t)(100 + 100 * t);
      h->pids[t] = master;
      ScriptedSource_spawn(h->source, master, 1, "gunicorn", 30 * MIB);
      ScriptedSource_spawn(h->source, master + 1, master, "gunicorn", 40 * MIB);
      ScriptedSource_spawn(h->source, master + 2, master, "gunicorn", 40 * MIB);
   }
   h->opts = (Options){.mode = TARGET_PIDS,
                       .pids = h->pids,
                       .pidCount = trees,
                       .delay = 1,
                       .smapsInterval = 10,
                       .growthWindow = 300};
   char err[512] = "";
   h->machine = Machine_newFrom(&h->opts, h->source, err, sizeof(err));
   if (!h->machine)
      fail_msg("%s", err);
   ExportModel_init(&h->model, names, nameCount, false);
}

static void Host_scan(Host* h, int ticks) {
   for (int i = 0; i < ticks; i++) {
      Machine_scan(h->machine);
      ExportModel_update(&h->model, h->machine);
   }
}

static void Host_stop(Host* h) {
   ExportModel_done(&h->model);
   Machine_delete(h->machine);
}

static void test_slots_across_recycling(void** state) {
   (void)state;
   Host h;
   Host_start(&h, 1, NULL, 0);
   Host_scan(&h, 3);
   assert_int_equal(h.model.count, 1);
   ExportGroup* g = &h.model.groups[0];
   assert_string_equal(g->name, "gunicorn");
   assert_int_equal(g->slotCount, 2);
   assert_int_equal(g->slots[0].pid, 101);
   assert_int_equal(g->slots[1].pid, 102);
   assert_int_equal(g->master.pid, 100);
   assert_int_equal(g->workers, 2);
   assert_true(g->limitFromCgroup);
   assert_true(g->limitBytes == 1024.0 * MIB * 1024);
   assert_int_equal(g->spawns, 0);

   /* Slot 1's worker is recycled: the slot stands vacant with its last
      values, then its successor takes it; no third slot, one spawn. */
   ScriptedSource_setRss(h.source, 101, 60 * MIB);
   Host_scan(&h, 1);
   ScriptedSource_exit(h.source, 101, "exit 0");
   Host_scan(&h, 1);
   ScriptedSource_reap(h.source, 101);
   Host_scan(&h, 1);
   g = &h.model.groups[0];
   assert_int_equal(g->slots[0].pid, 0);
   assert_true(g->slots[0].used);
   assert_true(g->slots[0].rssBytes == 60.0 * MIB * 1024);
   assert_int_equal(g->exits.recycles, 1);
   char* text = render(&h.model, METRIC_FORMAT_TEXT);
   assert_non_null(
         strstr(text, "leaktop_worker_rss_bytes{group=\"gunicorn\",slot=\"1\"} 62914560\n"));
   free(text);

   ScriptedSource_spawn(h.source, 103, 100, "gunicorn", 35 * MIB);
   Host_scan(&h, 2);
   g = &h.model.groups[0];
   assert_int_equal(g->slotCount, 2);
   assert_int_equal(g->slots[0].pid, 103);
   assert_true(g->slots[0].rssBytes == 35.0 * MIB * 1024);
   assert_int_equal(g->spawns, 1);

   /* An OOM kill is counted as one, apart from the recycles. */
   ScriptedSource_oomKill(h.source);
   ScriptedSource_exit(h.source, 102, "killed by SIGKILL");
   Host_scan(&h, 1);
   ScriptedSource_reap(h.source, 102);
   Host_scan(&h, 1);
   g = &h.model.groups[0];
   assert_int_equal(g->exits.oomKills, 1);
   assert_int_equal(g->exits.recycles, 1);
   assert_int_equal(g->workers, 1);
   Host_stop(&h);
}

static void test_group_names(void** state) {
   (void)state;
   Host h;
   Host_start(&h, 2, NULL, 0);
   Host_scan(&h, 1);
   assert_int_equal(h.model.count, 2);
   assert_string_equal(h.model.groups[0].name, "gunicorn");
   assert_string_equal(h.model.groups[1].name, "gunicorn-2");
   Host_scan(&h, 2);
   assert_string_equal(h.model.groups[1].name, "gunicorn-2");
   Host_stop(&h);

   static const char* const names[] = {"web"};
   Host_start(&h, 2, names, 1);
   Host_scan(&h, 1);
   assert_string_equal(h.model.groups[0].name, "web");
   assert_string_equal(h.model.groups[1].name, "gunicorn");

   /* A tree that ends takes its group and its series along. */
   for (pid_t pid = 200; pid <= 202; pid++) {
      ScriptedSource_exit(h.source, pid, "exit 0");
   }
   Host_scan(&h, 1);
   for (pid_t pid = 200; pid <= 202; pid++)
      ScriptedSource_reap(h.source, pid);
   Host_scan(&h, 3);
   assert_int_equal(h.model.count, 1);
   assert_string_equal(h.model.groups[0].name, "web");
   Host_stop(&h);
}

static void test_growing_worker(void** state) {
   (void)state;
   Host h;
   Host_start(&h, 1, NULL, 0);
   /* Slot 2 grows 12 MiB/min, cleanly: judged within a minute and a half
      of samples (doc/classification.md). */
   for (int i = 0; i < 120; i++) {
      ScriptedSource_setRss(h.source, 102, ScriptedSource_rss(h.source, 102) + 200);
      Host_scan(&h, 1);
   }
   const ExportGroup* g = &h.model.groups[0];
   assert_int_equal(g->slots[1].state, EXPORT_WORKER_GROWS_WITH_TIME);
   assert_true(g->slots[1].confidence > 0.5 && g->slots[1].confidence <= 1);
   assert_true(fabs(g->slots[1].growthBytesPerSecond - 200 * 1024.0) < 20 * 1024.0);
   assert_true(isfinite(g->slots[1].timeToLimit) && g->slots[1].timeToLimit > 0);
   assert_int_equal(g->slots[0].state, EXPORT_WORKER_STABLE);
   assert_true(isinf(g->slots[0].timeToLimit));
   assert_int_equal(g->state, EXPORT_GROUP_ONE_GROWS);
   Host_stop(&h);
}

/* Two real collector results (CPython 3.11) between which RSS grew and the
   Python heap did not, given as the recorder gives the snapshots it finds. */
static void giveSnapshot(Host* h, pid_t pid, const char* name) {
   char path[4096];
   snprintf(path, sizeof(path), "%s/%s", SNAPSHOT_DATA, name);
   static char text[1 << 20];
   ssize_t n = XUtils_readFileAt(AT_FDCWD, path, text, sizeof(text));
   assert_true(n > 0);
   const Process* p = ProcessTree_find(h->machine->trees[0], pid);
   assert_non_null(p);
   RecordEvent e;
   RecordEvent_init(&e, EVENT_SNAPSHOT, RECORD_SCOPE_PROCESS, (uint64_t)pid, p->startTicks, 0);
   RecordEvent_addNumber(&e, ATTR_RESULT_STATUS, 0);
   RecordEvent_addBytes(&e, ATTR_RESULT_INLINE, text, (size_t)n);
   assert_true(Replay_giveSnapshot(h->machine, &e));
}

static void test_native_growth(void** state) {
   (void)state;
   Host h;
   Host_start(&h, 1, NULL, 0);
   for (int i = 0; i < 120; i++) {
      ScriptedSource_setRss(h.source, 102, ScriptedSource_rss(h.source, 102) + 200);
      Host_scan(&h, 1);
   }
   assert_int_equal(h.model.groups[0].slots[1].state, EXPORT_WORKER_GROWS_WITH_TIME);
   giveSnapshot(&h, 102, "snapshot_native_a.json");
   giveSnapshot(&h, 102, "snapshot_native_b.json");
   Host_scan(&h, 1);
   assert_int_equal(h.model.groups[0].slots[1].state, EXPORT_WORKER_NATIVE_GROWTH);
   /* The control's verdict does not change with another worker's heap. */
   assert_int_equal(h.model.groups[0].slots[0].state, EXPORT_WORKER_STABLE);
   Host_stop(&h);
}

static void test_textfile(void** state) {
   (void)state;
   char root[4096];
   assert_int_equal(TempDir_make(root, sizeof(root), "leaktop-export"), 0);
   char path[4200], victim[4200], tmp[4200];
   Textfile t;
   char err[512];
   snprintf(path, sizeof(path), "%s/leaktop.txt", root);
   assert_false(Textfile_open(&t, path, err, sizeof(err)));
   assert_non_null(strstr(err, ".prom"));
   snprintf(path, sizeof(path), "%s/missing/leaktop.prom", root);
   assert_false(Textfile_open(&t, path, err, sizeof(err)));
   assert_non_null(strstr(err, "No such file"));

   /* A link planted at the temporary name is replaced, not written through. */
   snprintf(path, sizeof(path), "%s/leaktop.prom", root);
   snprintf(victim, sizeof(victim), "%s/victim", root);
   snprintf(tmp, sizeof(tmp), "%s/leaktop.prom.tmp", root);
   FILE* f = fopen(victim, "w");
   assert_non_null(f);
   fputs("keep", f);
   fclose(f);
   assert_int_equal(symlink(victim, tmp), 0);
   assert_true(Textfile_open(&t, path, err, sizeof(err)));
   assert_int_equal(Textfile_write(&t, "a 1\n", 4), 0);
   assert_int_equal(Textfile_write(&t, "b 2\n", 4), 0);
   Textfile_close(&t);
   char buf[16] = "";
   f = fopen(path, "r");
   assert_non_null(f);
   assert_non_null(fgets(buf, sizeof(buf), f));
   fclose(f);
   assert_string_equal(buf, "b 2\n");
   f = fopen(victim, "r");
   assert_non_null(fgets(buf, sizeof(buf), f));
   fclose(f);
   assert_string_equal(buf, "keep");
   struct stat st;
   assert_int_equal(lstat(path, &st), 0);
   assert_true(S_ISREG(st.st_mode));
   assert_int_equal(st.st_mode & 07777, 0644);
   assert_int_not_equal(lstat(tmp, &st), 0);
   assert_int_equal(TempDir_remove(root), 0);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_classic_format), cmocka_unit_test(test_openmetrics_format),
         cmocka_unit_test(test_negotiate),      cmocka_unit_test(test_slots_across_recycling),
         cmocka_unit_test(test_group_names),    cmocka_unit_test(test_growing_worker),
         cmocka_unit_test(test_native_growth),  cmocka_unit_test(test_textfile),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
