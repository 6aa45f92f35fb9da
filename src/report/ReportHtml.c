#include "config.h"

#include "report/ReportHtml.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/ReportAssets.h"
#include "report/ReportFacts.h"
#include "report/ReportFlame.h"
#include "report/ReportText.h"
#include "util/Format.h"

/* The chart's box, in SVG user units: the RSS line above, the traffic
   bars below it, labels in the left margin and under the time axis. */
#define CHART_WIDTH          720
#define CHART_HEIGHT         190
#define CHART_LEFT           58
#define CHART_RIGHT          712
#define CHART_TOP            8
#define CHART_RSS_BOTTOM     128
#define CHART_TRAFFIC_TOP    138
#define CHART_TRAFFIC_BOTTOM 170
/* What the report draws at each resolution, the finest first: the steps
   of a chart (the model's buckets, a few merged in each), the rows of its
   data table, the boxes of a flame graph, the charts and the rows of the
   impact table per tree. The writer takes the first whose report fits its
   budget, else the last. */
typedef struct ReportHtmlLevel {
   int steps, rows, frames, charts, impact;
} ReportHtmlLevel;

static const ReportHtmlLevel ReportHtml_levels[] = {
      {REPORT_POINTS, 48, REPORT_FLAME_FRAMES, REPORT_HTML_CHARTS, REPORT_MAX_PROCESSES},
      {REPORT_POINTS / 2, 24, REPORT_FLAME_FRAMES / 2, REPORT_HTML_CHARTS, REPORT_MAX_PROCESSES},
      {REPORT_POINTS / 4, 12, REPORT_FLAME_FRAMES / 4, REPORT_HTML_CHARTS, REPORT_MAX_PROCESSES},
      {REPORT_POINTS / 8, 6, REPORT_FLAME_FRAMES / 8, REPORT_HTML_CHARTS / 2, 120},
      {REPORT_POINTS / 8, 6, REPORT_FLAME_FRAMES / 16, REPORT_HTML_CHARTS / 6, 40},
};
#define REPORT_HTML_LEVELS ((int)(sizeof(ReportHtml_levels) / sizeof(ReportHtml_levels[0])))

/* Untrusted text, escaped, redacted when asked. */
static void ReportHtml_text(FILE* out, const char* text, bool redact) {
   ReportText_put(out, text, redact, REPORT_TEXT_HTML);
}

static const char* ReportHtml_verdictClass(const ReportProcess* p) {
   return p->growing ? "grows" : p->verdict == VERDICT_STABLE ? "stable" : "";
}

/* "<p>N what</p>", when there are any. */
static void ReportHtml_count(FILE* out, int n, const char* what) {
   if (n > 0)
      fprintf(out, "<p class=\"muted\">%d %s</p>\n", n, what);
}

/* ---- head and header ---------------------------------------------------- */

static void ReportHtml_head(FILE* out, const ReportModel* m) {
   fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src ",
         out);
   /* Nothing from anywhere, but the style sheet below and the one script
      whose hash this is. */
   fputs(ReportAssets_jsHash, out);
   fputs("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>Memory incident report, ",
         out);
   ReportText_putUtc(out, m->fromUs);
   fputs("</title>\n<style>\n", out);
   fputs(ReportAssets_css, out);
   fputs("</style>\n</head>\n<body>\n", out);
}

/* What a lower resolution leaves out, said where the report starts and in
   its provenance. */
static void ReportHtml_lowered(FILE* out, const ReportModel* m, int level, size_t budget) {
   const ReportHtmlLevel* l = &ReportHtml_levels[level];
   int steps = l->steps < m->points ? l->steps : m->points;
   char size[16];
   Format_size(size, sizeof(size), budget / 1024);
   fprintf(out,
           "Lowered resolution, to stay within %s: charts of %d steps with data tables of %d "
           "rows, at most %d charts and %d rows of the process table per tree, flame graphs of "
           "at most %d boxes.",
           size, steps, l->rows, l->charts, l->impact, l->frames);
}

static void ReportHtml_header(FILE* out, const ReportModel* m, int level, size_t budget) {
   char span[16];
   Format_span(span, sizeof(span), (double)(m->toUs - m->fromUs) / 1e6);
   fputs("<header id=\"header\">\n<h1>Memory incident report</h1>\n<table class=\"meta\">\n"
         "<tr><td>Window</td><td>",
         out);
   ReportText_putUtc(out, m->fromUs);
   fputs(" to ", out);
   ReportText_putUtc(out, m->toUs);
   fprintf(out, " (%s)</td></tr>\n", span);
   if (m->hostKnown) {
      fputs("<tr><td>Host memory</td><td>", out);
      ReportText_putSize(out, m->memTotalKiB);
      fputs(" total, ", out);
      ReportText_putSize(out, m->minAvailableKiB);
      fputs(" available at the lowest</td></tr>\n", out);
   }
   fprintf(out, "<tr><td>Service trees</td><td>%d</td></tr>\n", m->treeCount);
   fprintf(out, "<tr><td>Written by</td><td>leaktop %s</td></tr>\n</table>\n", PACKAGE_VERSION);
   if (level > 0) {
      fputs("<p class=\"lowered\">", out);
      ReportHtml_lowered(out, m, level, budget);
      fputs("</p>\n", out);
   }
   fputs("</header>\n", out);
}

/* ---- summary ------------------------------------------------------------ */

static void ReportHtml_summary(FILE* out, const ReportTree* r, int t, bool redact) {
   fprintf(out, "<section id=\"summary-%d\" class=\"summary\">\n<h2>", t);
   ReportHtml_text(out, r->name[0] ? r->name : "tree", false);
   fprintf(out, " (master PID %d): summary</h2>\n<table class=\"meta\">\n", (int)r->rootPid);
   ReportFact facts[REPORT_FACTS];
   int n = ReportFacts_tree(r, facts);
   for (int i = 0; i < n; i++) {
      fprintf(out, "<tr><td>%s</td><td%s>", facts[i].label,
              facts[i].command ? " class=\"cmd\"" : "");
      ReportHtml_text(out, facts[i].value, facts[i].command && redact);
      fputs("</td></tr>\n", out);
   }
   fputs("</table>\n", out);
}

static void ReportHtml_impact(FILE* out, const ReportModel* m, const ReportTree* r,
                              const ReportProcess** order, int most, bool redact) {
   int shown = r->processCount < most ? r->processCount : most;
   fprintf(out,
           "<table class=\"impact\">\n<tr><th>PID</th><th>role</th><th>gen</th><th>command</th>"
           "<th>RSS first</th><th>RSS last</th><th>peak RSS</th><th>peak PSS</th>"
           "<th>growth/min</th><th>%s</th><th>verdict</th></tr>\n",
           m->trafficUnit[0] ? m->trafficUnit : "traffic");
   for (int i = 0; i < shown; i++) {
      const ReportProcess* p = order[i];
      fprintf(out,
              "<tr><td class=\"n\">%d</td><td>%s</td><td class=\"n\">%u</td><td class=\"cmd\">",
              (int)p->pid, Process_roleName(p->role), p->generation);
      ReportHtml_text(out, p->cmdline, redact);
      ReportCells c;
      ReportFacts_cells(p, &c);
      fprintf(out,
              "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
              "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
              "<td class=\"%s\">",
              c.rssFirst, c.rssLast, c.rssPeak, c.pssPeak, c.growth, c.traffic,
              ReportHtml_verdictClass(p));
      ReportHtml_text(out, c.verdict, false);
      fputs("</td></tr>\n", out);
   }
   fputs("</table>\n", out);
   ReportHtml_count(out, r->processCount - shown + r->processesLeftOut,
                    "more processes are past the report's bound.");
   fputs("</section>\n", out);
}

/* ---- timeline ----------------------------------------------------------- */

static void ReportHtml_timeline(FILE* out, const ReportModel* m) {
   fputs("<section id=\"timeline\">\n<h2>Timeline</h2>\n", out);
   if (m->eventCount == 0) {
      fputs("<p>No events were recorded in the window.</p>\n</section>\n", out);
      return;
   }
   fputs("<table>\n<tr><th>time</th><th>event</th></tr>\n", out);
   for (int i = 0; i < m->eventCount; i++) {
      fputs("<tr><td>", out);
      ReportText_putUtc(out, m->events[i].wallUs);
      fputs("</td><td>", out);
      ReportHtml_text(out, m->events[i].text, false);
      fputs("</td></tr>\n", out);
   }
   fputs("</table>\n", out);
   if (m->eventsLeftOut > 0)
      fprintf(out, "<p class=\"muted\">And %d later events, not listed.</p>\n", m->eventsLeftOut);
   fputs("</section>\n", out);
}

/* ---- charts ------------------------------------------------------------- */

/* A process's buckets as a chart draws them: the model's, merged a few
   into each step when the report lowers its resolution. */
typedef struct ReportHtmlSteps {
   int count;
   int first, last; /* the steps it was seen in */
   uint32_t rss[REPORT_POINTS];
   float traffic[REPORT_POINTS];
   uint8_t busy[REPORT_POINTS];
} ReportHtmlSteps;

static void ReportHtml_steps(const ReportModel* m, const ReportProcess* p, int count,
                             ReportHtmlSteps* s) {
   memset(s, 0, sizeof(*s));
   s->count = count < m->points ? count : m->points;
   for (int b = 0; b < m->points; b++) {
      int i = b * s->count / m->points;
      s->rss[i] = p->rssKiB[b] > s->rss[i] ? p->rssKiB[b] : s->rss[i];
      s->traffic[i] += p->traffic[b];
      s->busy[i] |= p->busy[b];
   }
   s->first = ReportModel_bucket(m, p->firstUs) * s->count / m->points;
   s->last = ReportModel_bucket(m, p->lastUs) * s->count / m->points;
}

static double ReportHtml_x(const ReportHtmlSteps* s, int step) {
   return CHART_LEFT + (CHART_RIGHT - CHART_LEFT) * (double)step / s->count;
}

static double ReportHtml_eventX(const ReportModel* m, int64_t wallUs) {
   double at = (double)(wallUs - m->fromUs) / (double)(m->toUs - m->fromUs + 1);
   return CHART_LEFT + (CHART_RIGHT - CHART_LEFT) * fmin(fmax(at, 0), 1);
}

/* Idle time: runs of steps, while it was seen, whose every tick was idle. */
static void ReportHtml_idle(FILE* out, const ReportHtmlSteps* s, const ReportProcess* p) {
   if (!p->trafficKnown)
      return;
   for (int b = s->first; b <= s->last;) {
      if (s->busy[b]) {
         b++;
         continue;
      }
      int end = b;
      while (end <= s->last && !s->busy[end])
         end++;
      fprintf(out, "<rect class=\"idle\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
              ReportHtml_x(s, b), CHART_TOP, ReportHtml_x(s, end) - ReportHtml_x(s, b),
              CHART_TRAFFIC_BOTTOM - CHART_TOP);
      b = end;
   }
}

/* The RSS line from 0 to peak, across any step no tick fell in. */
static void ReportHtml_rssLine(FILE* out, const ReportHtmlSteps* s, const ReportProcess* p) {
   double peak = p->peakRssKiB > 0 ? (double)p->peakRssKiB : 1;
   fputs("<path class=\"rss\" d=\"", out);
   bool drawing = false;
   for (int b = 0; b < s->count; b++) {
      if (s->rss[b] == 0)
         continue;
      double x = (ReportHtml_x(s, b) + ReportHtml_x(s, b + 1)) / 2;
      double y = CHART_RSS_BOTTOM - (CHART_RSS_BOTTOM - CHART_TOP) * (double)s->rss[b] / peak;
      fprintf(out, "%c%.1f %.1f", drawing ? 'L' : 'M', x, y);
      drawing = true;
   }
   fputs("\"/>\n", out);
}

static void ReportHtml_trafficBars(FILE* out, const ReportHtmlSteps* s, const ReportProcess* p) {
   float most = 0;
   for (int b = 0; b < s->count; b++)
      most = s->traffic[b] > most ? s->traffic[b] : most;
   if (!p->trafficKnown || most <= 0)
      return;
   double width = ReportHtml_x(s, 1) - ReportHtml_x(s, 0);
   fputs("<path class=\"traffic\" d=\"", out);
   for (int b = 0; b < s->count; b++) {
      if (s->traffic[b] <= 0)
         continue;
      double h = (CHART_TRAFFIC_BOTTOM - CHART_TRAFFIC_TOP) * s->traffic[b] / most;
      fprintf(out, "M%.1f %dv%.1fh%.1fv%.1fz", ReportHtml_x(s, b), CHART_TRAFFIC_BOTTOM, -h, width,
              h);
   }
   fputs("\"/>\n", out);
}

static void ReportHtml_axes(FILE* out, const ReportModel* m, const ReportProcess* p) {
   char top[16], clock[48];
   Format_size(top, sizeof(top), p->peakRssKiB);
   fprintf(out,
           "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n"
           "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n"
           "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
           "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n"
           "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">traffic</text>\n",
           CHART_LEFT, CHART_RSS_BOTTOM, CHART_RIGHT, CHART_RSS_BOTTOM, CHART_LEFT,
           CHART_TRAFFIC_BOTTOM, CHART_RIGHT, CHART_TRAFFIC_BOTTOM, CHART_LEFT - 4, CHART_TOP + 8,
           top, CHART_LEFT - 4, CHART_RSS_BOTTOM, CHART_LEFT - 4, CHART_TRAFFIC_BOTTOM);
   static const char* anchors[] = {"start", "middle", "end"};
   for (int k = 0; k < 3; k++) {
      int64_t at = m->fromUs + (m->toUs - m->fromUs) * k / 2;
      ReportText_utc(at, clock, sizeof(clock));
      fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
              ReportHtml_eventX(m, at), CHART_HEIGHT - 4, anchors[k], clock);
   }
}

/* Its events, a dashed line each with what it was as a tooltip. */
static void ReportHtml_events(FILE* out, const ReportModel* m, const ReportProcess* p) {
   for (int i = 0; i < m->eventCount; i++) {
      const ReportEvent* e = &m->events[i];
      if (e->pid != p->pid || e->wallUs < p->firstUs || e->wallUs > p->lastUs + 1000000)
         continue;
      double x = ReportHtml_eventX(m, e->wallUs);
      fprintf(out, "<line class=\"event\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>", x,
              CHART_TOP, x, CHART_TRAFFIC_BOTTOM);
      ReportHtml_text(out, e->text, false);
      fputs("</title></line>\n", out);
   }
}

/* The data behind the chart, in at most most rows. */
static void ReportHtml_dataTable(FILE* out, const ReportModel* m, const ReportHtmlSteps* s,
                                 const ReportProcess* p, int most) {
   int rows = s->count < most ? s->count : most;
   fprintf(out,
           "<details><summary>Data (%d steps)</summary>\n<table>\n"
           "<tr><th>from (UTC)</th><th>highest RSS</th><th>%s</th></tr>\n",
           rows, m->trafficUnit[0] ? m->trafficUnit : "traffic");
   for (int row = 0; row < rows; row++) {
      uint32_t rss = 0;
      double traffic = 0;
      for (int b = row * s->count / rows; b < (row + 1) * s->count / rows; b++) {
         rss = s->rss[b] > rss ? s->rss[b] : rss;
         traffic += s->traffic[b];
      }
      if (rss == 0)
         continue;
      fputs("<tr><td>", out);
      ReportText_putUtc(out, m->fromUs + (m->toUs - m->fromUs) * row / rows);
      fputs("</td><td class=\"n\">", out);
      ReportText_putSize(out, rss);
      char count[16];
      Format_count(count, sizeof(count), traffic);
      fprintf(out, "</td><td class=\"n\">%s</td></tr>\n", p->trafficKnown ? count : "n/a");
   }
   fputs("</table>\n</details>\n", out);
}

static void ReportHtml_chart(FILE* out, const ReportModel* m, const ReportHtmlLevel* level,
                             const ReportProcess* p, int t, int i, bool redact) {
   fprintf(out, "<figure class=\"process\" id=\"process-%d-%d\">\n<figcaption>PID %d (%s", t, i,
           (int)p->pid, Process_roleName(p->role));
   if (p->generation > 1)
      fprintf(out, ", generation %u", p->generation);
   fprintf(out, "): <span class=\"%s\">", ReportHtml_verdictClass(p));
   ReportHtml_text(out, p->summary, false);
   fputs("</span></figcaption>\n", out);
   fprintf(out,
           "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" "
           "aria-labelledby=\"chart-title-%d-%d chart-desc-%d-%d\">\n<title "
           "id=\"chart-title-%d-%d\">RSS and "
           "traffic of PID %d</title>\n<desc id=\"chart-desc-%d-%d\">",
           CHART_WIDTH, CHART_HEIGHT, t, i, t, i, t, i, (int)p->pid, t, i);
   if (p->memKnown) {
      fputs("RSS from ", out);
      ReportText_putSize(out, p->firstRssKiB);
      fputs(" to ", out);
      ReportText_putSize(out, p->lastRssKiB);
      fputs(", at most ", out);
      ReportText_putSize(out, p->peakRssKiB);
      fputs(". ", out);
   }
   fputs("Verdict: ", out);
   ReportHtml_text(out, p->summary, false);
   fputs(".</desc>\n", out);
   ReportHtmlSteps steps;
   ReportHtml_steps(m, p, level->steps, &steps);
   ReportHtml_idle(out, &steps, p);
   ReportHtml_trafficBars(out, &steps, p);
   ReportHtml_rssLine(out, &steps, p);
   ReportHtml_events(out, m, p);
   ReportHtml_axes(out, m, p);
   fputs("</svg>\n<p class=\"cmd\">", out);
   ReportHtml_text(out, p->cmdline, redact);
   fputs("</p>\n", out);
   ReportHtml_dataTable(out, m, &steps, p, level->rows);
   fputs("</figure>\n", out);
}

static void ReportHtml_charts(FILE* out, const ReportModel* m, const ReportHtmlLevel* level,
                              const ReportTree* r, const ReportProcess** order, int t,
                              bool redact) {
   int shown = r->processCount < level->charts ? r->processCount : level->charts;
   fprintf(out, "<section id=\"charts-%d\" class=\"charts\">\n<h2>", t);
   ReportHtml_text(out, r->name[0] ? r->name : "tree", false);
   fputs(": memory and traffic per process</h2>\n<p class=\"muted\">RSS (line) and traffic "
         "served (bars) on one time axis; shaded where the process served nothing; dashed "
         "lines are its events.",
         out);
   if (shown < r->processCount)
      fprintf(out, " Charts for the first %d of %d processes.", shown, r->processCount);
   fputs("</p>\n", out);
   for (int i = 0; i < shown; i++)
      ReportHtml_chart(out, m, level, order[i], t, i, redact);
   fputs("</section>\n", out);
}

/* ---- heap snapshot diffs and stack profiles --------------------------------- */

static void ReportHtml_growthTable(FILE* out, const ReportGrowthRow* rows, int n, bool lines) {
   fprintf(out,
           "<table class=\"grew\">\n<tr><th>%s</th><th>before</th><th>after</th><th>growth</th>"
           "%s</tr>\n",
           lines ? "line (file:line)" : "type (objects)", lines ? "<th>blocks</th>" : "");
   for (int i = 0; i < n; i++) {
      fputs("<tr><td class=\"cmd\">", out);
      ReportHtml_text(out, rows[i].what, false);
      fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>",
              rows[i].before, rows[i].after, rows[i].growth);
      if (lines)
         fprintf(out, "<td class=\"n\">%s</td>", rows[i].countGrowth);
      fputs("</tr>\n", out);
   }
   fputs("</table>\n", out);
}

static void ReportHtml_heap(FILE* out, const ReportHeap* h) {
   char line[1024];
   ReportFacts_heap(h, line, sizeof(line));
   fprintf(out, "<div class=\"heap\" id=\"heap-%d\">\n<h3>PID %d: %s</h3>\n<p>", (int)h->pid,
           (int)h->pid,
           h->diff.comparable ? SnapshotDiff_verdictName(h->diff.verdict) : "not comparable");
   ReportHtml_text(out, line, false);
   fputs("</p>\n", out);
   if (!h->diff.comparable) {
      fputs("</div>\n", out);
      return;
   }
   ReportGrowthRow rows[SNAPSHOT_DIFF_TOP];
   int n = ReportFacts_grownTypes(&h->diff, rows, SNAPSHOT_DIFF_TOP);
   if (n > 0)
      ReportHtml_growthTable(out, rows, n, false);
   else
      fputs(h->diff.typesAvailable ? "<p>No type grew in number.</p>\n"
                                   : "<p>No types list in both snapshots.</p>\n",
            out);
   n = ReportFacts_grownLines(&h->diff, rows, SNAPSHOT_DIFF_TOP);
   if (n > 0) {
      ReportHtml_growthTable(out, rows, n, true);
   } else if (!h->diff.linesAvailable) {
      fputs("<p class=\"muted\">No lines: ", out);
      ReportHtml_text(out, h->diff.linesWhy, false);
      fputs(".</p>\n", out);
   } else {
      fputs("<p>No line's allocations grew.</p>\n", out);
   }
   fputs("</div>\n", out);
}

static void ReportHtml_heaps(FILE* out, const ReportModel* m) {
   fputs("<section id=\"heap-diffs\">\n<h2>Heap snapshot diffs</h2>\n", out);
   const ReportHeap* heaps[REPORT_MAX_HEAPS];
   int n = ReportResults_diffs(&m->results, heaps);
   if (n == 0)
      fputs("<p>No process had two heap snapshots recorded in the window (take them with "
            "<code>leaktop snapshot PID</code>, or <code>i</code> in the dashboard, while "
            "<code>leaktop record</code> runs).</p>\n",
            out);
   else
      fputs("<p class=\"muted\">Per worker generation with two snapshots or more: its first and "
            "newest snapshot in the window compared, the types whose objects grew in number "
            "and, where tracemalloc traced both, the lines whose allocations grew.</p>\n",
            out);
   for (int i = 0; i < n; i++)
      ReportHtml_heap(out, heaps[i]);
   ReportHtml_count(out, m->results.heapsLeftOut,
                    "more processes with snapshots are past the report's bound.");
   ReportHtml_count(out, m->results.snapshotsUnusable,
                    "snapshot results are not in the recording (failed, or over 64 KiB and kept "
                    "as a marker).");
   fputs("</section>\n", out);
}

static void ReportHtml_flames(FILE* out, const ReportModel* m, int maxFrames) {
   fputs("<section id=\"flames\">\n<h2>Stack profiles</h2>\n", out);
   if (m->results.profileCount == 0)
      fputs("<p>No stack profile was recorded in the window (take one with <code>leaktop stack "
            "PID --duration 10</code>, or <code>P</code> in the dashboard, while "
            "<code>leaktop record</code> runs).</p>\n",
            out);
   for (int i = 0; i < m->results.profileCount; i++) {
      const ReportProfile* p = &m->results.profiles[i];
      char when[48], title[320];
      ReportText_utc(p->wallUs, when, sizeof(when));
      snprintf(title, sizeof(title), "Stack profile of PID %d at %s", (int)p->pid, when);
      fprintf(out, "<figure class=\"profile\" id=\"profile-%d\">\n<figcaption>", i);
      ReportHtml_text(out, title, false);
      if (p->summary[0] || p->route[0]) {
         fputs(": ", out);
         ReportHtml_text(out, p->summary, false);
         if (p->route[0]) {
            fputs(" (", out);
            ReportHtml_text(out, p->route, false);
            fputc(')', out);
         }
      }
      fputs("</figcaption>\n", out);
      ReportFlame_write(out, p->folded, i, title, maxFrames);
      fputs("</figure>\n", out);
   }
   ReportHtml_count(out, m->results.profilesLeftOut,
                    "older or unrecorded profiles (failed, or over 64 KiB) are not shown.");
   fputs("</section>\n", out);
}

/* ---- verdicts, context, provenance ---------------------------------------- */

static void ReportHtml_verdicts(FILE* out, const ReportTree* r, const ReportProcess** order,
                                int t) {
   fprintf(out, "<section id=\"verdicts-%d\" class=\"verdicts\">\n<h2>", t);
   ReportHtml_text(out, r->name[0] ? r->name : "tree", false);
   fputs(": verdicts and next steps</h2>\n", out);
   int listed = 0;
   for (int i = 0; i < r->processCount; i++) {
      const ReportProcess* p = order[i];
      if (!p->growing && p->verdict != VERDICT_SPIKES && p->verdict != VERDICT_PLATEAU)
         continue;
      if (listed++ == 0)
         fputs("<table>\n<tr><th>PID</th><th>verdict</th><th>next step</th></tr>\n", out);
      fprintf(out, "<tr><td class=\"n\">%d</td><td class=\"%s\">", (int)p->pid,
              ReportHtml_verdictClass(p));
      ReportHtml_text(out, p->summary, false);
      fputs("</td><td>", out);
      ReportHtml_text(out, p->nextStep, false);
      fputs("</td></tr>\n", out);
   }
   fputs(listed ? "</table>\n"
                : "<p>No process grew, spiked or reached a plateau in the window.</p>\n",
         out);
   fputs("</section>\n", out);
}

static void ReportHtml_context(FILE* out, const ReportModel* m) {
   fputs("<section id=\"context\">\n<h2>Host and cgroup</h2>\n<table class=\"meta\">\n", out);
   if (m->hostKnown) {
      fputs("<tr><td>Host memory</td><td>", out);
      ReportText_putSize(out, m->memTotalKiB);
      fputs(" total; the lowest available in the window ", out);
      ReportText_putSize(out, m->minAvailableKiB);
      fputs("</td></tr>\n", out);
   }
   for (int t = 0; t < m->treeCount; t++) {
      const ReportTree* r = &m->trees[t];
      fputs("<tr><td>", out);
      ReportHtml_text(out, r->name[0] ? r->name : "tree", false);
      fputs("</td><td>", out);
      if (r->limited) {
         fputs("cgroup limit ", out);
         ReportText_putSize(out, r->limitBytes / 1024);
      } else {
         fputs("no cgroup limit (the host's memory is the limit)", out);
      }
      if (r->oomKnown)
         fprintf(out, "; OOM kills counted by the cgroup: %llu at the start, %llu at the end",
                 (unsigned long long)r->oomKillsFirst, (unsigned long long)r->oomKillsLast);
      fputs("</td></tr>\n", out);
   }
   fputs("</table>\n</section>\n", out);
}

static void ReportHtml_provenance(FILE* out, const ReportModel* m, int level, size_t budget) {
   fprintf(out, "<section id=\"provenance\">\n<h2>Provenance</h2>\n<ul>\n<li>%ld ticks", m->ticks);
   if (m->ticks > 0) {
      fputs(" from ", out);
      ReportText_putUtc(out, m->firstUs);
      fputs(" to ", out);
      ReportText_putUtc(out, m->lastUs);
   }
   fprintf(out,
           ", every %.3g s; the verdicts recomputed from the recorded samples, as leaktop "
           "replay does</li>\n<li>charts of %d steps, each its highest RSS and the traffic "
           "served in it</li>\n",
           m->tickSeconds,
           ReportHtml_levels[level].steps < m->points ? ReportHtml_levels[level].steps : m->points);
   if (level > 0) {
      fputs("<li>", out);
      ReportHtml_lowered(out, m, level, budget);
      fputs("</li>\n", out);
   }
   for (int i = 0; i < m->lostCount && i < (int)(sizeof(m->lost) / sizeof(m->lost[0])); i++) {
      fputs("<li>", out);
      ReportHtml_text(out, m->lost[i], false);
      fputs("</li>\n", out);
   }
   if (m->treesLeftOut > 0)
      fprintf(out, "<li>%d more trees were left out</li>\n", m->treesLeftOut);
   fputs("</ul>\n</section>\n", out);
}

static void ReportHtml_render(const ReportModel* m, bool redact, int level, size_t budget,
                              FILE* out) {
   const ReportHtmlLevel* l = &ReportHtml_levels[level];
   ReportHtml_head(out, m);
   ReportHtml_header(out, m, level, budget);
   const ReportProcess** orders[REPORT_MAX_TREES] = {0};
   for (int t = 0; t < m->treeCount; t++) {
      orders[t] = ReportModel_order(&m->trees[t]);
      if (!orders[t])
         continue;
      ReportHtml_summary(out, &m->trees[t], t, redact);
      ReportHtml_impact(out, m, &m->trees[t], orders[t], l->impact, redact);
   }
   if (m->treeCount == 0)
      fputs("<p>No service tree was recorded in the window.</p>\n", out);
   ReportHtml_timeline(out, m);
   for (int t = 0; t < m->treeCount; t++)
      if (orders[t])
         ReportHtml_charts(out, m, l, &m->trees[t], orders[t], t, redact);
   for (int t = 0; t < m->treeCount; t++)
      if (orders[t])
         ReportHtml_verdicts(out, &m->trees[t], orders[t], t);
   ReportHtml_heaps(out, m);
   ReportHtml_flames(out, m, l->frames);
   ReportHtml_context(out, m);
   ReportHtml_provenance(out, m, level, budget);
   fputs("<script>", out);
   fputs(ReportAssets_js, out);
   fputs("</script>\n</body>\n</html>\n", out);
   for (int t = 0; t < m->treeCount; t++)
      free(orders[t]);
}

int ReportHtml_writeWithin(const ReportModel* m, bool redact, size_t budget, FILE* out) {
   char* text = NULL;
   size_t len = 0;
   int level = 0;
   for (;; level++) {
      FILE* page = open_memstream(&text, &len);
      if (!page)
         break;
      ReportHtml_render(m, redact, level, budget, page);
      fclose(page);
      if (len <= budget || level == REPORT_HTML_LEVELS - 1)
         break;
      free(text);
      text = NULL;
   }
   if (text)
      fwrite(text, 1, len, out);
   else /* No memory for a page: written as it comes, at the lowest resolution. */
      ReportHtml_render(m, redact, level = REPORT_HTML_LEVELS - 1, budget, out);
   free(text);
   return level;
}

void ReportHtml_write(const ReportModel* m, bool redact, FILE* out) {
   ReportHtml_writeWithin(m, redact, REPORT_HTML_BUDGET, out);
}
