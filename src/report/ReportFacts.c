#include "config.h"

#include "report/ReportFacts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "classify/Runbook.h"
#include "snapshot/SnapshotOutput.h"
#include "report/ReportText.h"
#include "util/Format.h"

static ReportFact* ReportFacts_add(ReportFact* facts, int* n, const char* label) {
   ReportFact* f = &facts[(*n)++];
   f->label = label;
   f->value[0] = '\0';
   f->command = false;
   return f;
}

int ReportFacts_tree(const ReportTree* r, ReportFact facts[REPORT_FACTS]) {
   int n = 0;
   ReportFact* f = ReportFacts_add(facts, &n, "Command");
   snprintf(f->value, sizeof(f->value), "%s", r->rootCmdline);
   f->command = true;
   f = ReportFacts_add(facts, &n, "Verdict");
   snprintf(f->value, sizeof(f->value), "%s%s%s", TreeVerdict_label(r->label),
            r->evidence[0] ? ": " : "", r->evidence);
   f = ReportFacts_add(facts, &n, "Next step");
   snprintf(f->value, sizeof(f->value), "%s", Runbook_treeStep(r->label));
   char peak[16], at[48] = "", limit[16] = "";
   Format_size(peak, sizeof(peak), r->peakRssKiB);
   if (r->peakUs)
      ReportText_utc(r->peakUs, at, sizeof(at));
   if (r->limited)
      Format_size(limit, sizeof(limit), r->limitBytes / 1024);
   f = ReportFacts_add(facts, &n, "Peak RSS of the tree");
   snprintf(f->value, sizeof(f->value), "%s%s%s%s%s", peak, at[0] ? " at " : "", at,
            limit[0] ? ", under a cgroup limit of " : "", limit);
   char ttl[16];
   Format_ttl(ttl, sizeof(ttl), r->timeToLimit);
   f = ReportFacts_add(facts, &n, "Time to the limit at the end");
   snprintf(f->value, sizeof(f->value), "%s",
            isfinite(r->timeToLimit) ? ttl : "none (not growing, or beyond a day)");
   if (r->oomKnown) {
      f = ReportFacts_add(facts, &n, "OOM kills in the window");
      snprintf(f->value, sizeof(f->value), "%llu",
               (unsigned long long)(r->oomKillsLast - r->oomKillsFirst));
   }
   f = ReportFacts_add(facts, &n, "Processes that ended in the window");
   snprintf(f->value, sizeof(f->value), "%u", r->exitedLast - r->exitedFirst);
   return n;
}

static void ReportFacts_size(char* out, size_t size, bool known, uint64_t kib) {
   if (known)
      Format_size(out, size, kib);
   else
      snprintf(out, size, "n/a");
}

void ReportFacts_cells(const ReportProcess* p, ReportCells* out) {
   ReportFacts_size(out->rssFirst, sizeof(out->rssFirst), p->memKnown, p->firstRssKiB);
   ReportFacts_size(out->rssLast, sizeof(out->rssLast), p->memKnown, p->lastRssKiB);
   ReportFacts_size(out->rssPeak, sizeof(out->rssPeak), p->memKnown, p->peakRssKiB);
   ReportFacts_size(out->pssPeak, sizeof(out->pssPeak), p->pssKnown, p->peakPssKiB);
   Format_growth(out->growth, sizeof(out->growth), p->growthPerMin);
   if (p->trafficKnown)
      Format_count(out->traffic, sizeof(out->traffic), p->trafficTotal);
   else
      snprintf(out->traffic, sizeof(out->traffic), "n/a");
   snprintf(out->verdict, sizeof(out->verdict), "%s%s%s", p->summary,
            p->ended[0] ? "; ended: " : "", p->ended);
}

void ReportFacts_heap(const ReportHeap* h, char* out, size_t size) {
   char from[48], to[48], verdict[320];
   ReportText_utc(h->firstUs, from, sizeof(from));
   ReportText_utc(h->lastUs, to, sizeof(to));
   int n =
         snprintf(out, size, "PID %d: %d snapshots from %s to %s", (int)h->pid, h->count, from, to);
   if (n < 0 || (size_t)n >= size)
      return;
   if (!h->diff.comparable) {
      snprintf(out + n, size - (size_t)n, "; not comparable: %s", h->diff.why);
      return;
   }
   if (isfinite(h->diff.interval)) {
      char apart[16];
      if (h->diff.interval < 60)
         snprintf(apart, sizeof(apart), "%.2g s", h->diff.interval);
      else
         Format_span(apart, sizeof(apart), h->diff.interval);
      n += snprintf(out + n, size - (size_t)n, " (%s apart)", apart);
   }
   SnapshotOutput_verdict(&h->diff, verdict, sizeof(verdict));
   if (verdict[0] && n >= 0 && (size_t)n < size)
      snprintf(out + n, size - (size_t)n, "; %s", verdict);
}

/* Bytes as people read them; a sign when asked. */
static void ReportFacts_bytes(char* out, size_t size, int64_t bytes, bool sign) {
   double b = (double)bytes, a = fabs(b);
   const char* plus = sign && bytes > 0 ? "+" : "";
   if (a < 1024)
      snprintf(out, size, "%s%lld B", plus, (long long)bytes);
   else if (a < 1024 * 1024)
      snprintf(out, size, "%s%.1f KiB", plus, b / 1024);
   else
      snprintf(out, size, "%s%.1f MiB", plus, b / (1024 * 1024));
}

int ReportFacts_grownTypes(const SnapshotDiff* d, ReportGrowthRow* rows, int max) {
   int n = 0;
   for (int i = 0; d->typesAvailable && i < d->typeCount && n < max; i++) {
      const SnapshotTypeDelta* t = &d->types[i];
      if (t->delta <= 0)
         continue;
      ReportGrowthRow* r = &rows[n++];
      snprintf(r->what, sizeof(r->what), "%s", t->name ? t->name : "?");
      /* Not in the earlier list: at most its smallest, which is 0 when it
         was empty (tracing had just started). */
      bool bound = !t->beforeKnown && t->before > 0;
      snprintf(r->before, sizeof(r->before), "%s%lld", bound ? "<= " : "", (long long)t->before);
      snprintf(r->after, sizeof(r->after), "%lld", (long long)t->after);
      snprintf(r->growth, sizeof(r->growth), "%s%+lld", bound ? ">= " : "", (long long)t->delta);
      r->countGrowth[0] = '\0';
   }
   return n;
}

int ReportFacts_grownLines(const SnapshotDiff* d, ReportGrowthRow* rows, int max) {
   int n = 0;
   for (int i = 0; d->linesAvailable && i < d->lineCount && n < max; i++) {
      const SnapshotLineDelta* l = &d->lines[i];
      if (l->sizeDelta <= 0)
         continue;
      ReportGrowthRow* r = &rows[n++];
      snprintf(r->what, sizeof(r->what), "%s:%d", l->file ? l->file : "?", l->line);
      char before[20];
      ReportFacts_bytes(before, sizeof(before), l->sizeBefore, false);
      snprintf(r->before, sizeof(r->before), "%s%s",
               !l->beforeKnown && l->sizeBefore > 0 ? "<= " : "", before);
      ReportFacts_bytes(r->after, sizeof(r->after), l->sizeAfter, false);
      ReportFacts_bytes(r->growth, sizeof(r->growth), l->sizeDelta, true);
      snprintf(r->countGrowth, sizeof(r->countGrowth), "%+lld", (long long)l->countDelta);
   }
   return n;
}
