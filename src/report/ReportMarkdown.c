#include "config.h"

#include "report/ReportMarkdown.h"

#include <stdlib.h>

#include "report/ReportFacts.h"
#include "report/ReportText.h"
#include "util/Format.h"

/* Command lines in a table cell are cut to this many bytes (at a
   character), with an ellipsis. */
#define REPORT_MD_COMMAND 100

/* Untrusted text, escaped, redacted when asked. */
static void ReportMarkdown_text(FILE* out, const char* text, bool redact) {
   ReportText_put(out, text, redact, REPORT_TEXT_MARKDOWN);
}

static void ReportMarkdown_summary(FILE* out, const ReportTree* r, bool redact) {
   fputs("## ", out);
   ReportMarkdown_text(out, r->name[0] ? r->name : "tree", false);
   fprintf(out, " (master PID %d)\n\n", (int)r->rootPid);
   ReportFact facts[REPORT_FACTS];
   int n = ReportFacts_tree(r, facts);
   for (int i = 0; i < n; i++) {
      fprintf(out, "- **%s:** ", facts[i].label);
      ReportMarkdown_text(out, facts[i].value, facts[i].command && redact);
      fputc('\n', out);
   }
}

static void ReportMarkdown_impact(FILE* out, const ReportModel* m, const ReportTree* r,
                                  const ReportProcess** order, int shown, bool redact) {
   fprintf(out,
           "\n### Impact\n\n"
           "| PID | role | gen | command | RSS first → last | peak RSS | peak PSS | growth/min "
           "| %s | verdict |\n"
           "|---:|---|---:|---|---|---:|---:|---:|---:|---|\n",
           m->trafficUnit[0] ? m->trafficUnit : "traffic");
   for (int i = 0; i < shown; i++) {
      const ReportProcess* p = order[i];
      fprintf(out, "| %d | %s | %u | ", (int)p->pid, Process_roleName(p->role), p->generation);
      char command[REPORT_MD_COMMAND + 4];
      size_t cut = ReportText_cut(p->cmdline, REPORT_MD_COMMAND);
      snprintf(command, sizeof(command), "%.*s%s", (int)cut, p->cmdline,
               p->cmdline[cut] ? "…" : "");
      ReportMarkdown_text(out, command, redact);
      ReportCells c;
      ReportFacts_cells(p, &c);
      fprintf(out, " | %s → %s | %s | %s | %s | %s | ", c.rssFirst, c.rssLast, c.rssPeak, c.pssPeak,
              c.growth, c.traffic);
      ReportMarkdown_text(out, c.verdict, false);
      fputs(" |\n", out);
   }
   if (r->processCount > shown || r->processesLeftOut > 0)
      fprintf(out, "\nAnd %d more processes, not listed.\n",
              r->processCount - shown + r->processesLeftOut);
}

static void ReportMarkdown_verdicts(FILE* out, const ReportProcess** order, int shown) {
   bool any = false;
   for (int i = 0; i < shown; i++) {
      const ReportProcess* p = order[i];
      if (!p->growing && p->verdict != VERDICT_SPIKES && p->verdict != VERDICT_PLATEAU)
         continue;
      if (!any)
         fputs("\n### Verdicts and next steps\n\n", out);
      any = true;
      fprintf(out, "- **PID %d** (%s): ", (int)p->pid, Process_roleName(p->role));
      ReportMarkdown_text(out, p->summary, false);
      fputs(". Next: ", out);
      ReportMarkdown_text(out, p->nextStep, false);
      fputc('\n', out);
   }
   if (!any)
      fputs("\nNo process grew, spiked or reached a plateau in the window.\n", out);
}

static void ReportMarkdown_sparklines(FILE* out, const ReportModel* m, const ReportProcess** order,
                                      int shown) {
   char span[16];
   Format_span(span, sizeof(span), (double)(m->toUs - m->fromUs) / 1e6);
   fprintf(out, "\n### RSS over the window (%s in %d steps, each its highest)\n\n```\n", span,
           REPORT_MD_STEPS);
   for (int i = 0; i < shown; i++) {
      const ReportProcess* p = order[i];
      if (!p->memKnown)
         continue;
      uint32_t steps[REPORT_MD_STEPS] = {0};
      for (int b = 0; b < m->points; b++) {
         int step = b * REPORT_MD_STEPS / m->points;
         if (p->rssKiB[b] > steps[step])
            steps[step] = p->rssKiB[b];
      }
      char line[3 * REPORT_MD_STEPS + 1];
      ReportText_sparkline(steps, REPORT_MD_STEPS, line, sizeof(line));
      char low[16], high[16];
      Format_size(low, sizeof(low), p->firstRssKiB);
      Format_size(high, sizeof(high), p->peakRssKiB);
      fprintf(out, "%8d %s %s..%s\n", (int)p->pid, line, low, high);
   }
   fputs("```\n", out);
}

/* Per worker generation with two snapshots: the diff's line, then what grew
   most: its lines where tracemalloc traced both, else its types. */
static void ReportMarkdown_heaps(FILE* out, const ReportModel* m) {
   const ReportHeap* heaps[REPORT_MAX_HEAPS];
   int n = ReportResults_diffs(&m->results, heaps);
   if (n == 0)
      return;
   fputs("\n## Heap snapshot diffs\n", out);
   for (int i = 0; i < n && i < REPORT_MD_HEAPS; i++) {
      const ReportHeap* h = heaps[i];
      char line[1024];
      ReportFacts_heap(h, line, sizeof(line));
      fputs("\n- ", out);
      ReportMarkdown_text(out, line, false);
      fputs("\n", out);
      ReportGrowthRow rows[REPORT_MD_HEAP_ROWS];
      bool lines = true;
      int count = ReportFacts_grownLines(&h->diff, rows, REPORT_MD_HEAP_ROWS);
      if (count == 0) {
         lines = false;
         count = ReportFacts_grownTypes(&h->diff, rows, REPORT_MD_HEAP_ROWS);
      }
      for (int r = 0; r < count; r++) {
         fputs("  - ", out);
         ReportMarkdown_text(out, rows[r].what, false);
         fprintf(out, lines ? ": %s (%s to %s, %s blocks)\n" : ": %s objects (%s to %s)\n",
                 rows[r].growth, rows[r].before, rows[r].after, rows[r].countGrowth);
      }
   }
   if (n > REPORT_MD_HEAPS)
      fprintf(out, "\nAnd %d more processes with heap diffs, in the HTML report.\n",
              n - REPORT_MD_HEAPS);
}

static void ReportMarkdown_timeline(FILE* out, const ReportModel* m) {
   fputs("\n## Timeline\n\n", out);
   if (m->eventCount == 0)
      fputs("No events were recorded in the window.\n", out);
   for (int i = 0; i < m->eventCount; i++) {
      fputs("- ", out);
      ReportText_putUtc(out, m->events[i].wallUs);
      fputs(": ", out);
      ReportMarkdown_text(out, m->events[i].text, false);
      fputc('\n', out);
   }
   if (m->eventsLeftOut > 0)
      fprintf(out, "- and %d later events, not listed\n", m->eventsLeftOut);
}

static void ReportMarkdown_provenance(FILE* out, const ReportModel* m) {
   fprintf(out, "\n## Provenance\n\n- %ld ticks", m->ticks);
   if (m->ticks > 0) {
      fputs(" from ", out);
      ReportText_putUtc(out, m->firstUs);
      fputs(" to ", out);
      ReportText_putUtc(out, m->lastUs);
   }
   fprintf(out, ", every %.3g s; verdicts recomputed from the recorded samples\n", m->tickSeconds);
   for (int i = 0; i < m->lostCount && i < (int)(sizeof(m->lost) / sizeof(m->lost[0])); i++) {
      fputs("- ", out);
      ReportMarkdown_text(out, m->lost[i], false);
      fputc('\n', out);
   }
   if (m->treesLeftOut > 0)
      fprintf(out, "- %d more trees were left out\n", m->treesLeftOut);
   fprintf(out, "- written by leaktop %s\n", PACKAGE_VERSION);
}

void ReportMarkdown_write(const ReportModel* m, bool redact, FILE* out) {
   fputs("# Memory incident report\n\n", out);
   fputs("| | |\n|---|---|\n| Window | ", out);
   ReportText_putUtc(out, m->fromUs);
   fputs(" to ", out);
   ReportText_putUtc(out, m->toUs);
   char span[16];
   Format_span(span, sizeof(span), (double)(m->toUs - m->fromUs) / 1e6);
   fprintf(out, " (%s) |\n", span);
   if (m->hostKnown) {
      fputs("| Host memory | ", out);
      ReportText_putSize(out, m->memTotalKiB);
      fputs(" total, ", out);
      ReportText_putSize(out, m->minAvailableKiB);
      fputs(" available at the lowest |\n", out);
   }
   fprintf(out, "| Trees | %d |\n\n", m->treeCount);
   if (m->treeCount == 0)
      fputs("No service tree was recorded in the window.\n", out);
   for (int t = 0; t < m->treeCount; t++) {
      const ReportTree* r = &m->trees[t];
      const ReportProcess** order = ReportModel_order(r);
      if (!order)
         continue;
      int shown = r->processCount < REPORT_MD_PROCESSES ? r->processCount : REPORT_MD_PROCESSES;
      ReportMarkdown_summary(out, r, redact);
      ReportMarkdown_impact(out, m, r, order, shown, redact);
      ReportMarkdown_verdicts(out, order, shown);
      ReportMarkdown_sparklines(out, m, order, shown);
      free(order);
      fputc('\n', out);
   }
   ReportMarkdown_heaps(out, m);
   ReportMarkdown_timeline(out, m);
   ReportMarkdown_provenance(out, m);
}
