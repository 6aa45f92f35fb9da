#include "config.h"

#include "report/ReportModel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/Runbook.h"
#include "classify/WorkerVerdict.h"
#include "model/ProcessSnapshots.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

void ReportModel_init(ReportModel* this, int64_t fromUs, int64_t toUs, double tickSeconds) {
   memset(this, 0, sizeof(*this));
   this->fromUs = fromUs;
   this->toUs = toUs > fromUs ? toUs : fromUs;
   this->tickSeconds = tickSeconds;
   double ticks = tickSeconds > 0 ? (double)(this->toUs - this->fromUs) / 1e6 / tickSeconds : 0;
   this->points = ticks < 1 ? 1 : ticks < REPORT_POINTS ? (int)lround(ticks) : REPORT_POINTS;
}

void ReportModel_done(ReportModel* this) {
   for (int t = 0; t < this->treeCount; t++)
      free(this->trees[t].processes);
   ReportResults_done(&this->results);
   memset(this, 0, sizeof(*this));
}

int ReportModel_bucket(const ReportModel* this, int64_t wallUs) {
   int64_t span = this->toUs - this->fromUs + 1;
   int64_t at = wallUs < this->fromUs ? 0 : wallUs - this->fromUs;
   int64_t bucket = at >= span ? this->points - 1 : at * this->points / span;
   return (int)bucket;
}

static ReportTree* ReportModel_tree(ReportModel* this, const ProcessTree* tree) {
   const Process* root = ProcessTree_root(tree);
   for (int t = 0; t < this->treeCount; t++)
      if (this->trees[t].rootPid == root->pid && this->trees[t].rootStartTicks == root->startTicks)
         return &this->trees[t];
   if (this->treeCount == REPORT_MAX_TREES) {
      this->treesLeftOut++;
      return NULL;
   }
   ReportTree* r = &this->trees[this->treeCount++];
   memset(r, 0, sizeof(*r));
   r->rootPid = root->pid;
   r->rootStartTicks = root->startTicks;
   snprintf(r->name, sizeof(r->name), "%s", tree->name);
   snprintf(r->rootCmdline, sizeof(r->rootCmdline), "%s", root->cmdline);
   r->oomKnown = tree->cgroup.oomKnown;
   r->oomKillsFirst = tree->cgroup.oomKills;
   r->exitedFirst = tree->exitedTotal;
   return r;
}

static ReportProcess* ReportModel_find(ReportTree* r, pid_t pid, unsigned long long startTicks) {
   for (int i = 0; i < r->processCount; i++)
      if (r->processes[i].pid == pid && r->processes[i].startTicks == startTicks)
         return &r->processes[i];
   return NULL;
}

static ReportProcess* ReportModel_process(ReportTree* r, const Process* p, int64_t wallUs) {
   ReportProcess* known = ReportModel_find(r, p->pid, p->startTicks);
   if (known)
      return known;
   if (r->processCount == REPORT_MAX_PROCESSES) {
      r->processesLeftOut++;
      return NULL;
   }
   r->processes = xReallocArray(r->processes, (size_t)r->processCount + 1, sizeof(ReportProcess));
   ReportProcess* rp = &r->processes[r->processCount++];
   memset(rp, 0, sizeof(*rp));
   rp->pid = p->pid;
   rp->startTicks = p->startTicks;
   snprintf(rp->name, sizeof(rp->name), "%s", p->name);
   snprintf(rp->cmdline, sizeof(rp->cmdline), "%s", p->cmdline);
   rp->firstUs = wallUs;
   rp->growthPerMin = NAN;
   return rp;
}

static void ReportModel_addProcess(ReportModel* this, ReportTree* r, const Process* p,
                                   int64_t wallUs) {
   ReportProcess* rp = ReportModel_process(r, p, wallUs);
   if (!rp)
      return;
   rp->lastUs = wallUs;
   rp->generation = p->generation;
   rp->role = p->role;
   if (p->memKnown) {
      if (!rp->memKnown)
         rp->firstRssKiB = p->rssKiB;
      rp->memKnown = true;
      rp->lastRssKiB = p->rssKiB;
      if (p->rssKiB > rp->peakRssKiB)
         rp->peakRssKiB = p->rssKiB;
      uint32_t kib = p->rssKiB > UINT32_MAX ? UINT32_MAX : (uint32_t)p->rssKiB;
      int b = ReportModel_bucket(this, wallUs);
      if (kib > rp->rssKiB[b])
         rp->rssKiB[b] = kib;
   }
   if (p->smapsKnown && p->smapsTime >= 0) {
      rp->pssKnown = true;
      if (p->pssKiB > rp->peakPssKiB)
         rp->peakPssKiB = p->pssKiB;
   }
   if (p->trafficKnown) {
      int b = ReportModel_bucket(this, wallUs);
      rp->trafficKnown = true;
      rp->trafficTotal += p->trafficDelta;
      rp->traffic[b] += (float)p->trafficDelta;
      if (!p->idle)
         rp->busy[b] = 1;
   }
   const GrowthClassifier* g = &p->growth;
   rp->verdict = g->verdict;
   rp->growing = Classifier_isGrowth(g);
   rp->growthPerMin = g->evidence.growthPerMin;
   char label[64];
   Classifier_describe(g, label, (int)sizeof(label));
   SnapshotVerdict heap = ProcessSnapshots_verdict(p->snapshots);
   WorkerVerdict_compose(label, heap, false, rp->summary, sizeof(rp->summary));
   snprintf(rp->nextStep, sizeof(rp->nextStep), "%s", Runbook_step(g->verdict, g->reason, heap));
}

void ReportModel_addTick(ReportModel* this, const Machine* machine, int64_t wallUs) {
   if (this->ticks == 0)
      this->firstUs = wallUs;
   this->lastUs = wallUs;
   this->ticks++;
   snprintf(this->trafficUnit, sizeof(this->trafficUnit), "%s", Traffic_unit(machine->traffic));
   if (machine->hostMemKnown) {
      if (!this->hostKnown || machine->memAvailableKiB < this->minAvailableKiB)
         this->minAvailableKiB = machine->memAvailableKiB;
      this->hostKnown = true;
      this->memTotalKiB = machine->memTotalKiB;
   }
   for (int t = 0; t < machine->treeCount; t++) {
      const ProcessTree* tree = machine->trees[t];
      if (this->onlyRoot && ProcessTree_root(tree)->pid != this->onlyRoot)
         continue;
      ReportTree* r = ReportModel_tree(this, tree);
      if (!r)
         continue;
      r->label = tree->verdict.label;
      snprintf(r->evidence, sizeof(r->evidence), "%s", tree->verdict.evidence);
      r->growthPerMin = tree->verdict.growthPerMin;
      r->timeToLimit = tree->verdict.timeToLimit;
      uint64_t total = ProcessTree_totalRss(tree);
      if (total > r->peakRssKiB) {
         r->peakRssKiB = total;
         r->peakUs = wallUs;
      }
      r->limited = tree->cgroup.limited;
      r->limitBytes = tree->cgroup.limitBytes;
      if (tree->cgroup.oomKnown) {
         if (!r->oomKnown)
            r->oomKillsFirst = tree->cgroup.oomKills;
         r->oomKnown = true;
         r->oomKillsLast = tree->cgroup.oomKills;
      }
      r->exitedLast = tree->exitedTotal;
      for (int i = 0; i < tree->count; i++) {
         if (i == 0 && tree->rootGone)
            continue;
         ReportModel_addProcess(this, r, tree->procs[i], wallUs);
      }
      /* The newest exits, of processes seen in the window. */
      const ExitedProcess* e;
      for (int age = 0; (e = ProcessTree_exited(tree, age)) != NULL; age++) {
         ReportProcess* rp = ReportModel_find(r, e->pid, e->startTicks);
         if (rp && !rp->ended[0])
            snprintf(rp->ended, sizeof(rp->ended), "%s", e->how);
      }
   }
}

bool ReportModel_holds(const ReportModel* this, pid_t pid, unsigned long long startTicks) {
   for (int t = 0; t < this->treeCount; t++) {
      const ReportTree* r = &this->trees[t];
      if (r->rootPid == pid && (startTicks == 0 || r->rootStartTicks == startTicks))
         return true;
      for (int i = 0; i < r->processCount; i++)
         if (r->processes[i].pid == pid &&
             (startTicks == 0 || r->processes[i].startTicks == startTicks))
            return true;
   }
   return false;
}

void ReportModel_addEvent(ReportModel* this, int64_t wallUs, pid_t pid, const char* text) {
   if (this->onlyRoot && pid != 0 && !ReportModel_holds(this, pid, 0))
      return;
   if (this->eventCount == REPORT_MAX_EVENTS) {
      this->eventsLeftOut++;
      return;
   }
   ReportEvent* e = &this->events[this->eventCount++];
   e->wallUs = wallUs;
   e->pid = pid;
   snprintf(e->text, sizeof(e->text), "%s", text);
}

void ReportModel_addLost(ReportModel* this, const char* text) {
   if (this->lostCount < (int)(sizeof(this->lost) / sizeof(this->lost[0])))
      snprintf(this->lost[this->lostCount], sizeof(this->lost[0]), "%s", text);
   this->lostCount++;
}

/* Those that grow first, then by growth, then by peak RSS. */
static int ReportModel_compare(const void* a, const void* b) {
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

const ReportProcess** ReportModel_order(const ReportTree* r) {
   const ReportProcess** order = calloc((size_t)r->processCount + 1, sizeof(*order));
   if (!order)
      return NULL;
   for (int i = 0; i < r->processCount; i++)
      order[i] = &r->processes[i];
   qsort(order, (size_t)r->processCount, sizeof(*order), ReportModel_compare);
   return order;
}
