#include "config.h"

#include "report/ReportFacts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "classify/Runbook.h"
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
