#include "config.h"

#include "report/ReportMarkdown.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify/Runbook.h"
#include "report/ReportText.h"
#include "util/Format.h"

/* Command lines in a table cell are cut to this many bytes (at a
   character), with an ellipsis. */
#define REPORT_MD_COMMAND 100

/* Untrusted text, escaped, redacted when asked. */
static void ReportMarkdown_text(FILE* out, const char* text, bool redact) {
   char redacted[256], escaped[1024];
   if (redact) {
      ReportText_redact(text, redacted, sizeof(redacted));
      text = redacted;
   }
   ReportText_markdown(text, escaped, sizeof(escaped));
   fputs(escaped, out);
}

static void ReportMarkdown_size(FILE* out, uint64_t kib) {
   char buf[16];
   Format_size(buf, sizeof(buf), kib);
   fputs(buf, out);
}

static void ReportMarkdown_time(FILE* out, int64_t wallUs) {
   char buf[48];
   ReportText_utc(wallUs, buf, sizeof(buf));
   fputs(buf, out);
}

/* Those that grow first, then by growth, then by peak RSS. */
static int ReportMarkdown_compare(const void* a, const void* b) {
   const ReportProcess* x = *(const ReportProcess* const*)a;
   const ReportProcess* y = *(const ReportProcess* const*)b;
   if (x->growing != y->growing)
      return x->growing ? -1 : 1;
   double gx = isfinite(x->growthPerMin) ? x->growthPerMin : -INFINITY;
   double gy = isfinite(y->growthPerMin) ? y->growthPerMin : -INFINITY;
   if (x->growing && gx != gy)
      return gx > gy ? -1 : 1;
   if (x->peakRssKiB != y->peakRssKiB)
      return x->peakRssKiB > y->peakRssKiB ? -1 : 1;
   return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The processes of r in the order shown; the caller frees the array. */
static const ReportProcess** ReportMarkdown_order(const ReportTree* r) {
   const ReportProcess** order = calloc((size_t)r->processCount + 1, sizeof(*order));
   if (!order)
      return NULL;
   for (int i = 0; i < r->processCount; i++)
      order[i] = &r->processes[i];
   qsort(order, (size_t)r->processCount, sizeof(*order), ReportMarkdown_compare);
   return order;
}

static void ReportMarkdown_summary(FILE* out, const ReportTree* r, bool redact) {
   fprintf(out, "## %s (master PID %d)\n\n", r->name[0] ? r->name : "tree", (int)r->rootPid);
   fputs("- **Command:** ", out);
   ReportMarkdown_text(out, r->rootCmdline, redact);
   fprintf(out, "\n- **Verdict:** %s", TreeVerdict_label(r->label));
   if (r->evidence[0]) {
      fputs(": ", out);
      ReportMarkdown_text(out, r->evidence, false);
   }
   fprintf(out, "\n- **Next step:** %s\n", Runbook_treeStep(r->label));
   fputs("- **Peak RSS of the tree:** ", out);
   ReportMarkdown_size(out, r->peakRssKiB);
   if (r->peakUs) {
      fputs(" at ", out);
      ReportMarkdown_time(out, r->peakUs);
   }
   if (r->limited) {
      fputs(", under a cgroup limit of ", out);
      ReportMarkdown_size(out, r->limitBytes / 1024);
   }
   char ttl[16];
   Format_ttl(ttl, sizeof(ttl), r->timeToLimit);
   fprintf(out, "\n- **Time to the limit at the end:** %s\n",
           isfinite(r->timeToLimit) ? ttl : "none (not growing, or beyond a day)");
   if (r->oomKnown)
      fprintf(out, "- **OOM kills in the window:** %llu\n",
              (unsigned long long)(r->oomKillsLast - r->oomKillsFirst));
   fprintf(out, "- **Processes that ended in the window:** %u\n", r->exitedLast - r->exitedFirst);
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
      fputs(" | ", out);
      if (p->memKnown) {
         ReportMarkdown_size(out, p->firstRssKiB);
         fputs(" → ", out);
         ReportMarkdown_size(out, p->lastRssKiB);
         fputs(" | ", out);
         ReportMarkdown_size(out, p->peakRssKiB);
      } else {
         fputs("n/a | n/a", out);
      }
      fputs(" | ", out);
      if (p->pssKnown)
         ReportMarkdown_size(out, p->peakPssKiB);
      else
         fputs("n/a", out);
      char growth[16], traffic[16];
      Format_growth(growth, sizeof(growth), p->growthPerMin);
      Format_count(traffic, sizeof(traffic), p->traffic);
      fprintf(out, " | %s | %s | ", growth, p->trafficKnown ? traffic : "n/a");
      ReportMarkdown_text(out, p->summary, false);
      if (p->ended[0]) {
         fputs("; ended: ", out);
         ReportMarkdown_text(out, p->ended, false);
      }
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
           REPORT_POINTS);
   for (int i = 0; i < shown; i++) {
      const ReportProcess* p = order[i];
      if (!p->memKnown)
         continue;
      char line[3 * REPORT_POINTS + 1];
      ReportText_sparkline(p->rssKiB, REPORT_POINTS, line, sizeof(line));
      char low[16], high[16];
      Format_size(low, sizeof(low), p->firstRssKiB);
      Format_size(high, sizeof(high), p->peakRssKiB);
      fprintf(out, "%8d %s %s..%s\n", (int)p->pid, line, low, high);
   }
   fputs("```\n", out);
}

static void ReportMarkdown_timeline(FILE* out, const ReportModel* m) {
   fputs("\n## Timeline\n\n", out);
   if (m->eventCount == 0)
      fputs("No events were recorded in the window.\n", out);
   for (int i = 0; i < m->eventCount; i++) {
      fputs("- ", out);
      ReportMarkdown_time(out, m->events[i].wallUs);
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
      ReportMarkdown_time(out, m->firstUs);
      fputs(" to ", out);
      ReportMarkdown_time(out, m->lastUs);
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
   ReportMarkdown_time(out, m->fromUs);
   fputs(" to ", out);
   ReportMarkdown_time(out, m->toUs);
   char span[16];
   Format_span(span, sizeof(span), (double)(m->toUs - m->fromUs) / 1e6);
   fprintf(out, " (%s) |\n", span);
   if (m->hostKnown) {
      fputs("| Host memory | ", out);
      ReportMarkdown_size(out, m->memTotalKiB);
      fputs(" total, ", out);
      ReportMarkdown_size(out, m->minAvailableKiB);
      fputs(" available at the lowest |\n", out);
   }
   fprintf(out, "| Trees | %d |\n\n", m->treeCount);
   if (m->treeCount == 0)
      fputs("No service tree was recorded in the window.\n", out);
   for (int t = 0; t < m->treeCount; t++) {
      const ReportTree* r = &m->trees[t];
      const ReportProcess** order = ReportMarkdown_order(r);
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
   ReportMarkdown_timeline(out, m);
   ReportMarkdown_provenance(out, m);
}
