#include "config.h"

#include "model/DeployWatch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Start times come from boot time plus clock ticks, and the live source's
   boot time is /proc/stat's btime, a whole second early or less: a worker
   started this soon before a change is taken as started after it. */
#define DEPLOY_CLOCK_SLACK 1.0
/* New highs of the floor further apart than this are two runs of growth
   (the classifier's stall time: Classifier.c, CLASSIFY_STALL_SECONDS). */
#define DEPLOY_RUN_GAP_SECONDS 120.0
/* A new high shows at the end of a floor segment; the growth began within
   the segment before (Classifier.c, CLASSIFY_SEGMENT_SECONDS). */
#define DEPLOY_SEGMENT_SECONDS 10.0

void DeployWatch_init(DeployWatch* this) {
   memset(this, 0, sizeof(*this));
   this->lastScan = this->lastProbe = NAN;
}

static void DeployWatch_push(DeployWatch* this, DeployKind kind, double wall, pid_t pid,
                             unsigned long long startTicks) {
   DeployEvent e = {
         .wall = wall, .kind = kind, .pid = pid, .startTicks = startTicks, .codeChanged = NAN};
   /* A change seen before this event is what it runs: one deploy, one event. */
   if (this->pending && this->changedAt <= wall + DEPLOY_CLOCK_SLACK) {
      e.codeChanged = this->changedAt;
      snprintf(e.file, sizeof(e.file), "%s", this->changedFile);
      this->pending = false;
   }
   DeployWatch_add(this, &e);
}

void DeployWatch_setClock(DeployWatch* this, double now, double wall) {
   this->wallOffset = wall - now;
}

double DeployWatch_monotonic(const DeployWatch* this, double wall) {
   return wall - this->wallOffset;
}

void DeployWatch_add(DeployWatch* this, const DeployEvent* event) {
   this->head = (this->head + 1) % DEPLOY_EVENTS_KEPT;
   this->events[this->head] = *event;
   if (this->kept < DEPLOY_EVENTS_KEPT)
      this->kept++;
   this->total++;
}

const DeployEvent* DeployWatch_event(const DeployWatch* this, int age) {
   if (age < 0 || age >= this->kept)
      return NULL;
   return &this->events[(this->head - age + DEPLOY_EVENTS_KEPT) % DEPLOY_EVENTS_KEPT];
}

static void DeployWatch_files(DeployWatch* this, const CodeFacts* f, double now) {
   if (!f->filesKnown)
      return;
   double previousScan = this->lastScan;
   this->lastScan = now;
   if (!this->codeKnown) {
      this->codeKnown = true;
      this->fingerprint = f->fingerprint;
      this->newestChange = f->newestChange;
      return;
   }
   if (f->fingerprint == this->fingerprint)
      return;
   /* Touched or replaced files carry the time in their ctime; a removed
      one only tells it went after the last scan. */
   bool newer = f->fileCount > 0 && f->newestChange > this->newestChange;
   double changedAt = newer ? f->newestChange : previousScan;
   this->fingerprint = f->fingerprint;
   this->newestChange = f->newestChange;
   const DeployEvent* last = DeployWatch_event(this, 0);
   /* A master exec'd since the change loaded it all anew: already told. */
   if (last && last->kind != DEPLOY_CODE_CHANGED && last->wall + DEPLOY_CLOCK_SLACK >= changedAt)
      return;
   this->pending = true;
   this->changedAt = changedAt;
   snprintf(this->changedFile, sizeof(this->changedFile), "%s", newer ? f->newestFile : "");
}

void DeployWatch_observeRoot(DeployWatch* this, pid_t pid, unsigned long long startTicks,
                             const CodeFacts* facts, double now) {
   this->lastProbe = now;
   DeployWatch_files(this, facts, now);
   if (!facts->execKnown)
      return;
   bool changed = this->execKnown && facts->execId != this->execId;
   this->execKnown = true;
   this->execId = facts->execId;
   this->exeId = facts->exeId;
   if (changed)
      DeployWatch_push(this, DEPLOY_REEXEC, now, pid, startTicks);
}

void DeployWatch_observeChild(DeployWatch* this, pid_t pid, unsigned long long startTicks,
                              double startWall, const CodeFacts* facts) {
   if (!this->execKnown || !facts->execKnown || facts->execId == this->execId ||
       facts->exeId == 0 || facts->exeId != this->exeId)
      return;
   for (int i = 0; i < DEPLOY_MASTERS_KEPT; i++)
      if (this->masters[i] == pid && this->masterStarts[i] == startTicks)
         return;
   this->masters[this->masterNext] = pid;
   this->masterStarts[this->masterNext] = startTicks;
   this->masterNext = (this->masterNext + 1) % DEPLOY_MASTERS_KEPT;
   DeployWatch_push(this, DEPLOY_NEW_MASTER, startWall, pid, startTicks);
}

void DeployWatch_observeWorkers(DeployWatch* this, const DeployProcess* procs, int n) {
   const DeployProcess* first = NULL;
   for (int i = 0; this->pending && i < n; i++)
      if (procs[i].startWall + DEPLOY_CLOCK_SLACK > this->changedAt &&
          (!first || procs[i].startWall < first->startWall))
         first = &procs[i];
   /* Its start may read up to the slack early: the new code ran after the change, not before. */
   if (first)
      DeployWatch_push(this, DEPLOY_CODE_CHANGED, fmax(first->startWall, this->changedAt),
                       first->pid, first->startTicks);
}

const char* DeployWatch_kindName(DeployKind kind) {
   switch (kind) {
   case DEPLOY_CODE_CHANGED:
      return "code-changed";
   case DEPLOY_REEXEC:
      return "reexec";
   case DEPLOY_NEW_MASTER:
      return "new-master";
   }
   return NULL;
}

void DeployWatch_describe(const DeployEvent* e, char* out, size_t size) {
   const char* what = e->kind == DEPLOY_REEXEC       ? "the master re-exec'd"
                      : e->kind == DEPLOY_NEW_MASTER ? "a new master exec'd"
                                                     : "a worker started";
   int n = snprintf(out, size, "%s (PID %d)", what, (int)e->pid);
   if (n < 0 || (size_t)n >= size || isnan(e->codeChanged))
      return;
   char when[16];
   time_t t = (time_t)e->codeChanged;
   struct tm tm;
   strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
   snprintf(out + n, size - (size_t)n, " after %s changed at %s", e->file[0] ? e->file : "its code",
            when);
}

DeployTiming DeployWatch_growthTiming(const GrowthClassifier* g, double deployMono) {
   if (!Classifier_isGrowth(g))
      return DEPLOY_GROWTH_UNKNOWN;
   if (g->firstTime >= deployMono)
      return DEPLOY_GROWTH_AFTER;
   /* The current run of new highs, newest first, back to a gap. */
   double start = NAN;
   double oldest = NAN;
   bool gap = false;
   for (int k = 0; k < g->floorCount; k++) {
      int i = (g->floorHead - k + CLASSIFY_FLOORS) % CLASSIFY_FLOORS;
      double t = g->firstTime + g->floorTime[i];
      oldest = t;
      if (gap || g->floorJump[i] <= 0)
         continue;
      if (!isnan(start) && start - t > DEPLOY_RUN_GAP_SECONDS)
         gap = true;
      else
         start = t;
   }
   if (isnan(start))
      return DEPLOY_GROWTH_UNKNOWN;
   bool wholeLife = oldest - DEPLOY_SEGMENT_SECONDS <= g->firstTime + 0.5;
   if (!gap && !wholeLife && start - oldest < DEPLOY_RUN_GAP_SECONDS) {
      /* The run may reach back past the segments kept. */
      return deployMono >= oldest ? DEPLOY_GROWTH_BEFORE : DEPLOY_GROWTH_UNKNOWN;
   }
   return start - DEPLOY_SEGMENT_SECONDS > deployMono ? DEPLOY_GROWTH_AFTER : DEPLOY_GROWTH_BEFORE;
}
