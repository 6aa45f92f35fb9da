/* The incident report: its model gathered from a scripted tree through the
   real Machine, and its Markdown compared with a golden file
   (tests/unit/data/report.md; LEAKTOP_UPDATE_GOLDEN=1 rewrites it after a
   change meant to show). Untrusted text comes out escaped. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "CommandLine.h"
#include "ScriptedSource.h"
#include "model/Machine.h"
#include "report/ReportAssets.h"
#include "report/ReportFlame.h"
#include "report/ReportHtml.h"
#include "report/ReportMarkdown.h"
#include "report/ReportModel.h"
#include "report/ReportText.h"

#define MIB 1024u

#ifndef TESTS_DATADIR
#error "TESTS_DATADIR must name tests/unit/data"
#endif

static char* readFixture(const char* name, size_t* len) {
   char path[512];
   snprintf(path, sizeof(path), "%s/%s", TESTS_DATADIR, name);
   FILE* f = fopen(path, "r");
   assert_non_null(f);
   char* text = calloc(1, 1 << 20);
   assert_non_null(text);
   *len = fread(text, 1, (1 << 20) - 1, f);
   fclose(f);
   return text;
}

/* What a string becomes in text, as a new string. */
static char* replaced(const char* text, const char* what, const char* with) {
   const char* at = strstr(text, what);
   assert_non_null(at);
   char* out = malloc(strlen(text) + strlen(with) + 1);
   assert_non_null(out);
   sprintf(out, "%.*s%s%s", (int)(at - text), text, with, at + strlen(what));
   return out;
}

static unsigned long long startTicksOf(const ReportModel* model, pid_t pid) {
   const ReportTree* r = &model->trees[0];
   for (int i = 0; i < r->processCount; i++)
      if (r->processes[i].pid == pid)
         return r->processes[i].startTicks;
   fail_msg("PID %d is not in the model", (int)pid);
   return 0;
}

/* Two heap snapshots of 101 (tracemalloc on in both: types and lines
   grew; the type names hostile when asked) and one of 102, alone; a
   profile of 101. */
static void addResults(ReportModel* model, int64_t start, const char* hostileName) {
   size_t alen, blen;
   char* a = readFixture("snapshot_python_a.json", &alen);
   char* b = readFixture("snapshot_python_b.json", &blen);
   if (hostileName) {
      /* As JSON: its quotes and backslashes escaped. */
      char* quoted = malloc(2 * strlen(hostileName) + 3);
      assert_non_null(quoted);
      char* q = quoted;
      *q++ = '"';
      for (const char* c = hostileName; *c; c++) {
         if (*c == '"' || *c == '\\')
            *q++ = '\\';
         *q++ = *c;
      }
      *q++ = '"';
      *q = '\0';
      char* hostile = replaced(b, "\"dict\"", quoted);
      free(quoted);
      free(b);
      b = hostile;
      blen = strlen(b);
   }
   unsigned long long ticks = startTicksOf(model, 101);
   assert_true(
         ReportResults_addSnapshot(&model->results, start + 100 * 1000000LL, 101, ticks, a, alen));
   assert_true(
         ReportResults_addSnapshot(&model->results, start + 400 * 1000000LL, 101, ticks, b, blen));
   assert_true(ReportResults_addSnapshot(&model->results, start + 200 * 1000000LL, 102,
                                         startTicksOf(model, 102), a, alen));
   assert_false(ReportResults_addSnapshot(&model->results, start, 101, ticks, "{", 1));
   const char* folded = "MainThread;main;serve;handle;retain 410\n"
                        "MainThread;main;serve;handle;json.dumps 40\n"
                        "MainThread;main;idle 90\n"
                        "MainThread;main;serve;tiny 1\n";
   char* stacks = hostileName ? replaced(folded, "retain", hostileName) : strdup(folded);
   ReportResults_addProfile(&model->results, start + 450 * 1000000LL, 101, ticks,
                            "541 samples in 5.0 s of gunicorn, CPython 3.11.2", "native", stacks,
                            strlen(stacks));
   free(stacks);
   free(a);
   free(b);
}

/* A master and three workers at 1 s ticks for 10 minutes: 101 retains
   200 KiB a tick, 102 stays flat, 103 is OOM-killed at 5 minutes and
   replaced by 104; the events are written as a recording holds them,
   then the snapshots and the profile. */
static void gather(ReportModel* model, const char* hostileName) {
   pid_t master = 100;
   Options opts = {.mode = TARGET_PIDS,
                   .pids = &master,
                   .pidCount = 1,
                   .delay = 1,
                   .smapsInterval = 10,
                   .growthWindow = 300};
   SampleSource* host = ScriptedSource_new(1, 1024 * MIB, 8192 * MIB);
   ScriptedSource_spawn(host, 100, 1, "gunicorn", 30 * MIB);
   ScriptedSource_spawn(host, 101, 100, "gunicorn", 40 * MIB);
   ScriptedSource_spawn(host, 102, 100, hostileName ? hostileName : "gunicorn", 40 * MIB);
   ScriptedSource_spawn(host, 103, 100, "gunicorn", 60 * MIB);
   char err[256] = "";
   Machine* machine = Machine_newFrom(&opts, host, err, sizeof(err));
   if (!machine)
      fail_msg("%s", err);
   int64_t start = (int64_t)(1.7e9 + 1000) * 1000000;
   /* Attach is the first tick: 601 more follow. */
   ReportModel_init(model, start, start + 601 * 1000000LL, 1);
   for (int tick = 0; tick <= 600; tick++) {
      ScriptedSource_setRss(host, 101, ScriptedSource_rss(host, 101) + 200);
      if (tick == 300) {
         ScriptedSource_oomKill(host);
         ScriptedSource_exit(host, 103, "killed by SIGKILL");
      }
      if (tick == 302) {
         ScriptedSource_reap(host, 103);
         ScriptedSource_spawn(host, 104, 100, "gunicorn", 40 * MIB);
      }
      Machine_scan(machine);
      ReportModel_addTick(model, machine, (int64_t)(machine->wallNow * 1e6));
   }
   ReportModel_addEvent(model, start + 300 * 1000000LL, 103,
                        "worker 103 OOM-killed (killed by SIGKILL) -> generation 2");
   ReportModel_addLost(model, "lost the records between 18:01:00 and 18:01:30 (a torn chunk)");
   addResults(model, start, hostileName);
   Machine_delete(machine);
}

static char* renderWith(const ReportModel* model, bool redact,
                        void (*write)(const ReportModel*, bool, FILE*)) {
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   assert_non_null(out);
   write(model, redact, out);
   fclose(out);
   /* A copy: gcc 12 takes the stream's pointer for one into this frame. */
   char* copy = strdup(text);
   free(text);
   return copy;
}

static char* render(const ReportModel* model, bool redact) {
   char* text = renderWith(model, redact, ReportMarkdown_write);
   /* The version changes with every release; the golden file says VERSION. */
   const char* at = strstr(text, "leaktop " PACKAGE_VERSION);
   if (!at)
      return text;
   size_t head = (size_t)(at - text) + strlen("leaktop ");
   const char* tail = at + strlen("leaktop " PACKAGE_VERSION);
   char* replaced = malloc(head + strlen("VERSION") + strlen(tail) + 1);
   assert_non_null(replaced);
   sprintf(replaced, "%.*sVERSION%s", (int)head, text, tail);
   free(text);
   return replaced;
}

static void test_markdown_golden(void** state) {
   (void)state;
   ReportModel* model = calloc(1, sizeof(*model));
   gather(model, NULL);
   assert_int_equal(model->treeCount, 1);
   assert_int_equal(model->trees[0].processCount, 5);
   assert_int_equal(model->trees[0].oomKillsLast - model->trees[0].oomKillsFirst, 1);
   char* text = render(model, false);
   assert_true(strlen(text) < 60 * 1024);
   const char* golden = TESTS_DATADIR "/report.md";
   if (getenv("LEAKTOP_UPDATE_GOLDEN")) {
      FILE* f = fopen(golden, "w");
      assert_non_null(f);
      fputs(text, f);
      fclose(f);
   }
   FILE* f = fopen(golden, "r");
   assert_non_null(f);
   char expected[65536];
   size_t n = fread(expected, 1, sizeof(expected) - 1, f);
   fclose(f);
   expected[n] = '\0';
   if (strcmp(text, expected) != 0)
      fail_msg("the report differs from %s; it is now:\n%s", golden, text);
   /* The growing worker is listed first, with its verdict and next step. */
   const char* table = strstr(text, "| 101 | worker | 1 |");
   assert_non_null(table);
   assert_true(table < strstr(text, "| 102 | worker"));
   assert_non_null(strstr(text, "- **PID 101** (worker): grows with time"));
   assert_non_null(strstr(text, "**OOM kills in the window:** 1"));
   assert_non_null(strstr(text, "stable; ended: killed by SIGKILL"));
   /* The heap diff of 101 (102 had one snapshot), its top line first. */
   const char* heaps = strstr(text, "## Heap snapshot diffs");
   assert_non_null(heaps);
   assert_non_null(strstr(heaps, "- PID 101: 2 snapshots from"));
   assert_null(strstr(heaps, "PID 102"));
   assert_non_null(strstr(heaps, "  - /tmp/leakapp/app.py:16: +"));
   assert_true(heaps < strstr(text, "## Timeline"));
   free(text);
   ReportModel_done(model);
   free(model);
}

/* Hostile text in a command line: no HTML, no table cell break, no line
   break reaches the Markdown; --redact drops the arguments. */
static void test_hostile_text_escaped(void** state) {
   (void)state;
   ReportModel* model = calloc(1, sizeof(*model));
   gather(model, "</script><img onerror=x>|`*");
   char* text = render(model, false);
   assert_null(strstr(text, "<img"));
   assert_null(strstr(text, "</script"));
   assert_non_null(strstr(text, "&lt;/script&gt;&lt;img onerror=x&gt;\\|\\`\\*"));
   free(text);
   text = render(model, true);
   assert_null(strstr(text, "scripted"));
   free(text);
   ReportModel_done(model);
   free(model);

   char out[256];
   ReportText_markdown("a\xe2\x80\xa8"
                       "b\xff"
                       "c\n|",
                       out, sizeof(out));
   assert_string_equal(out, "a\xef\xbf\xbd"
                            "b\xef\xbf\xbd"
                            "c\xef\xbf\xbd\\|");
   /* Overlong and surrogate encodings are not UTF-8. */
   ReportText_markdown("\xc0\xbc\xed\xa0\x80", out, sizeof(out));
   assert_null(strchr(out, '<'));
   /* Never a character or an escape cut in half at the end of the buffer. */
   ReportText_markdown("ab<", out, 6);
   assert_string_equal(out, "ab");
   assert_int_equal(ReportText_cut("ab\xc3\xa9", 3), 2);
   ReportText_redact("/usr/bin/python3 app.py --password=hunter2", out, sizeof(out));
   assert_string_equal(out, "python3");
}

static size_t count(const char* text, const char* what) {
   size_t n = 0;
   for (const char* at = text; (at = strstr(at, what)) != NULL; at += strlen(what))
      n++;
   return n;
}

/* The HTML: one file, nothing fetched and no script (the policy says so
   to the browser), a chart per process with its title, summary and data,
   the sections in order, and hostile text escaped. */
static void test_html(void** state) {
   (void)state;
   ReportModel* model = calloc(1, sizeof(*model));
   gather(model, "</script><img onerror=x>\"'");
   char* html = renderWith(model, false, ReportHtml_write);
   char policy[256];
   snprintf(policy, sizeof(policy),
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src %s\">",
            ReportAssets_jsHash);
   assert_non_null(strstr(html, policy));
   /* One script, the embedded one, which the policy allows by its hash. */
   assert_int_equal(count(html, "<script"), 1);
   assert_non_null(strstr(html, "script-src 'sha256-"));
   assert_null(strstr(html, "<img"));
   assert_null(strstr(html, "http://"));
   assert_null(strstr(html, "https://"));
   assert_null(strstr(html, "onerror=x>"));
   assert_non_null(strstr(html, "&lt;/script&gt;&lt;img onerror=x&gt;&quot;&#39;"));
   /* ... in a type name of the heap diff and a frame of the flame graph too. */
   assert_true(count(html, "&lt;/script&gt;&lt;img onerror=x&gt;&quot;&#39;") >= 4);
   assert_int_equal(count(html, "<svg class=\"flame\" id=\"flame-0\" role=\"img\""), 1);
   assert_non_null(strstr(html, "<title>retain") == NULL ? strstr(html, "<title>&lt;/script")
                                                         : NULL);
   assert_int_equal(count(html, "<svg class=\"chart\" role=\"img\""), 5);
   assert_int_equal(count(html, "</svg>"), 6);
   assert_int_equal(count(html, "<details><summary>Data"), 5);
   const char* order[] = {"id=\"header\"",   "id=\"summary-0\"",  "id=\"timeline\"",
                          "id=\"charts-0\"", "id=\"verdicts-0\"", "id=\"heap-diffs\"",
                          "id=\"heap-101\"", "id=\"flames\"",     "id=\"flame-0\"",
                          "id=\"context\"",  "id=\"provenance\""};
   const char* last = html;
   for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
      const char* at = strstr(html, order[i]);
      if (!at || at < last)
         fail_msg("section %s missing or out of order", order[i]);
      last = at;
   }
   /* The growing worker's chart comes first, and its OOM-killed sibling's
      chart marks the kill. */
   assert_true(strstr(html, "RSS and traffic of PID 101") <
               strstr(html, "RSS and traffic of PID 102"));
   assert_non_null(strstr(html, "<title>worker 103 OOM-killed"));
   free(html);
   html = renderWith(model, true, ReportHtml_write);
   assert_null(strstr(html, "scripted"));
   free(html);
   ReportModel_done(model);
   free(model);
}

/* A flame graph of many distinct tiny stacks stays within its bound: the
   tiny frames merge into "other" boxes, each box has its title, and the
   summary names the hottest path. */
static void test_flame_merges(void** state) {
   (void)state;
   char* folded = NULL;
   size_t size = 0;
   FILE* in = open_memstream(&folded, &size);
   assert_non_null(in);
   fputs("MainThread;main;hot 5000\n", in);
   for (int i = 0; i < 3000; i++)
      fprintf(in, "MainThread;main;handler%d;leaf%d 1\n", i, i);
   fputs("garbage line\n\nMainThread;x -3\n", in);
   fclose(in);
   char* svg = NULL;
   FILE* out = open_memstream(&svg, &size);
   assert_non_null(out);
   int boxes = ReportFlame_write(out, folded, 7, "Stack profile <7>", 50);
   fclose(out);
   assert_true(boxes > 3 && boxes <= 50);
   assert_int_equal((int)count(svg, "<g class=\"fr "), boxes);
   assert_int_equal((int)count(svg, "<title>"), boxes);
   assert_non_null(strstr(svg, "<title>other: 3000 frames ("));
   assert_non_null(strstr(svg, "<title id=\"flame-title-7\">Stack profile &lt;7&gt;</title>"));
   assert_non_null(strstr(svg, "The hottest path: MainThread; main; hot (62.5% of the samples)"));
   assert_non_null(strstr(svg, "<title>all (8000 samples, 100.0%)</title>"));
   free(svg);
   out = open_memstream(&svg, &size);
   assert_int_equal(ReportFlame_write(out, "nothing here\n", 8, "empty", 50), 0);
   fclose(out);
   assert_null(strstr(svg, "<svg"));
   free(svg);
   free(folded);
}

/* A recorded window of trees of workers each, made up without a Machine:
   every bucket of every process noisy (the worst case for the charts),
   the first worker of each tree growing, profiles of many distinct stacks
   and heap diffs of every worker of the first tree. */
static void synthetic(ReportModel* model, int trees, int workers, int64_t seconds) {
   int64_t start = (int64_t)1.7e9 * 1000000;
   ReportModel_init(model, start, start + seconds * 1000000, 1);
   unsigned rng = 12345;
   for (int t = 0; t < trees; t++) {
      ReportTree* r = &model->trees[model->treeCount++];
      r->rootPid = 1000 * (t + 1);
      r->rootStartTicks = 1;
      snprintf(r->name, sizeof(r->name), "gunicorn");
      snprintf(r->rootCmdline, sizeof(r->rootCmdline),
               "/usr/bin/python3 /usr/bin/gunicorn app:app");
      r->growthPerMin = r->timeToLimit = NAN;
      r->processes = calloc((size_t)workers + 1, sizeof(ReportProcess));
      assert_non_null(r->processes);
      r->processCount = workers + 1;
      for (int i = 0; i <= workers; i++) {
         ReportProcess* p = &r->processes[i];
         p->pid = r->rootPid + i;
         p->startTicks = 100 + (unsigned long long)i;
         p->role = i == 0 ? ROLE_MASTER : ROLE_WORKER;
         p->generation = 1;
         snprintf(p->cmdline, sizeof(p->cmdline), "gunicorn: worker [app:app] --bind 0.0.0.0:8000");
         p->firstUs = model->fromUs;
         p->lastUs = model->toUs;
         p->memKnown = p->trafficKnown = true;
         p->verdict = i == 1 ? VERDICT_GROWS_WITH_TIME : VERDICT_STABLE;
         p->growing = i == 1;
         p->growthPerMin = i == 1 ? 512 : NAN;
         snprintf(p->summary, sizeof(p->summary), "%s", i == 1 ? "grows with time" : "stable");
         for (int b = 0; b < model->points; b++) {
            rng = rng * 1103515245 + 12345;
            p->rssKiB[b] =
                  200000 + (uint32_t)(rng >> 16) % 50000 + (i == 1 ? 1000 * (uint32_t)b : 0);
            p->traffic[b] = (float)((rng >> 8) % 1000);
            p->busy[b] = (rng >> 4) % 7 != 0;
         }
         p->firstRssKiB = p->rssKiB[0];
         p->lastRssKiB = p->peakRssKiB = p->rssKiB[model->points - 1];
      }
   }
   for (int e = 0; e < REPORT_MAX_EVENTS; e++)
      ReportModel_addEvent(model, start + e * 1000000LL, 1001, "PID 1001 started (parent 1000)");
   size_t alen, blen;
   char* a = readFixture("snapshot_python_a.json", &alen);
   char* b = readFixture("snapshot_python_b.json", &blen);
   for (int i = 1; i <= workers && i <= REPORT_MAX_HEAPS; i++) {
      ReportResults_addSnapshot(&model->results, start, 1000 + i, 100 + (unsigned)i, a, alen);
      ReportResults_addSnapshot(&model->results, start + 60000000, 1000 + i, 100 + (unsigned)i, b,
                                blen);
   }
   free(a);
   free(b);
   char* folded = NULL;
   size_t size = 0;
   FILE* stacks = open_memstream(&folded, &size);
   assert_non_null(stacks);
   for (int i = 0; i < 1500; i++)
      fprintf(stacks, "MainThread;main;serve;view_%d;query_%d;encode_%d %d\n", i % 40, i % 300, i,
              1 + i % 5);
   fclose(stacks);
   for (int i = 0; i < REPORT_MAX_PROFILES; i++)
      ReportResults_addProfile(&model->results, start + i * 1000000LL, 1001, 101, "samples",
                               "native", folded, size);
   free(folded);
}

static size_t renderedSize(const ReportModel* model, size_t budget, int* level, char** text) {
   size_t size = 0;
   FILE* out = open_memstream(text, &size);
   assert_non_null(out);
   *level = ReportHtml_writeWithin(model, false, budget, out);
   fclose(out);
   return size;
}

/* 50 workers over 6 hours stay under the budget at full resolution; 16
   trees of 512 processes do by lowering it, and say so; a small budget
   lowers the fixture's, which then has fewer steps per chart. */
static void test_html_budget(void** state) {
   (void)state;
   ReportModel* model = calloc(1, sizeof(*model));
   synthetic(model, 1, 50, 6 * 3600);
   char* html = NULL;
   int level;
   size_t size = renderedSize(model, REPORT_HTML_BUDGET, &level, &html);
   print_message("50 workers x 6 h: %zu bytes at resolution %d\n", size, level);
   assert_true(size <= REPORT_HTML_BUDGET);
   assert_int_equal(level, 0);
   assert_null(strstr(html, "Lowered resolution"));
   assert_int_equal((int)count(html, "<svg class=\"chart\""), 51);
   assert_int_equal((int)count(html, "<svg class=\"flame\""), REPORT_MAX_PROFILES);
   free(html);
   /* The Markdown of it, with its heap diffs, fits a ticket. */
   char* md = renderWith(model, false, ReportMarkdown_write);
   print_message("its Markdown: %zu bytes\n", strlen(md));
   assert_true(strlen(md) < 60 * 1024);
   assert_int_equal((int)count(md, ": 2 snapshots from "), REPORT_MD_HEAPS);
   free(md);
   ReportModel_done(model);

   synthetic(model, REPORT_MAX_TREES, REPORT_MAX_PROCESSES - 1, 24 * 3600);
   size = renderedSize(model, REPORT_HTML_BUDGET, &level, &html);
   print_message("%d trees x %d processes: %zu bytes at resolution %d\n", REPORT_MAX_TREES,
                 REPORT_MAX_PROCESSES, size, level);
   assert_true(size <= REPORT_HTML_BUDGET);
   assert_true(level > 0);
   const char* said = strstr(html, "<p class=\"lowered\">Lowered resolution, to stay within 2.0M: "
                                   "charts of 30 steps");
   assert_non_null(said);
   assert_true(said < strstr(html, "id=\"summary-0\""));
   assert_non_null(strstr(strstr(html, "id=\"provenance\""), "Lowered resolution"));
   free(html);
   ReportModel_done(model);

   gather(model, NULL);
   size_t full = renderedSize(model, REPORT_HTML_BUDGET, &level, &html);
   assert_int_equal(level, 0);
   assert_non_null(strstr(html, "charts of 240 steps"));
   free(html);
   size = renderedSize(model, full * 3 / 4, &level, &html);
   assert_true(level > 0 && size <= full * 3 / 4);
   assert_null(strstr(html, "charts of 240 steps"));
   assert_int_equal((int)count(html, "<svg class=\"chart\""), 5);
   free(html);
   ReportModel_done(model);
   free(model);
}

static void test_sparkline_and_buckets(void** state) {
   (void)state;
   uint32_t flat[4] = {1000, 1001, 0, 1002};
   char line[3 * 4 + 1];
   ReportText_sparkline(flat, 4, line, sizeof(line));
   assert_string_equal(line, "\xe2\x96\x81\xe2\x96\x81 \xe2\x96\x81");
   uint32_t ramp[3] = {100, 150, 200};
   ReportText_sparkline(ramp, 3, line, sizeof(line));
   assert_string_equal(line, "\xe2\x96\x81\xe2\x96\x84\xe2\x96\x88");
   ReportModel model;
   ReportModel_init(&model, 0, REPORT_POINTS * 1000000LL - 1, 1);
   assert_int_equal(ReportModel_bucket(&model, 0), 0);
   assert_int_equal(ReportModel_bucket(&model, 1000000), 1);
   assert_int_equal(ReportModel_bucket(&model, REPORT_POINTS * 1000000LL - 1), REPORT_POINTS - 1);
   assert_int_equal(ReportModel_bucket(&model, (REPORT_POINTS + 100) * 1000000LL),
                    REPORT_POINTS - 1);
   /* A window of fewer ticks than REPORT_POINTS: a bucket per tick. */
   ReportModel_init(&model, 0, 104 * 1000000LL, 1);
   assert_int_equal(model.points, 104);
   for (int second = 0; second < 104; second++)
      assert_int_equal(ReportModel_bucket(&model, second * 1000000LL + 500000), second);
   char utc[48];
   ReportText_utc(1796400000LL * 1000000, utc, sizeof(utc));
   assert_string_equal(utc, "2026-12-04 16:00:00 UTC");
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_markdown_golden),
         cmocka_unit_test(test_hostile_text_escaped),
         cmocka_unit_test(test_html),
         cmocka_unit_test(test_flame_merges),
         cmocka_unit_test(test_html_budget),
         cmocka_unit_test(test_sparkline_and_buckets),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
