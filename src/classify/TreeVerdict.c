#include "config.h"

#include "classify/TreeVerdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classify/TimeToLimit.h"
#include "model/ProcessTree.h"

/* Share of the workers that must grow for "all workers grow". */
#define TREE_ALL_SHARE 0.75
/* Flat workers are "many and large" (multiplication) when the smallest is at
   least this much (a bare Python worker is some 20-30 MiB)... */
#define TREE_LARGE_WORKER_KIB (64 * 1024.0)
/* ...or together they hold this share of the limit. */
#define TREE_LARGE_SHARE 0.5

typedef struct TreeCounts {
   int members, workers, growers, warming, cow;
   const Process* grower;
   double growth, workerRss, smallestWorker, ussGrowth;
} TreeCounts;

static void TreeVerdict_count(const ProcessTree* tree, TreeCounts* c) {
   *c = (TreeCounts){.smallestWorker = INFINITY};
   for (int i = 0; i < tree->count; i++) {
      const Process* p = tree->procs[i];
      if ((i == 0 && tree->rootGone) || !p->seen)
         continue;
      const GrowthClassifier* g = &p->growth;
      bool worker = p->role == ROLE_WORKER || p->role == ROLE_SINGLE;
      c->members++;
      c->workers += worker;
      if (Classifier_isGrowth(g)) {
         c->growers++;
         c->grower = p;
      }
      double projected = Classifier_projectedGrowth(g);
      if (isfinite(projected))
         c->growth += projected;
      if (!worker)
         continue;
      c->warming += g->verdict == VERDICT_WARMING_UP;
      if (g->evidence.ussRising) {
         c->cow++;
         c->ussGrowth += g->evidence.ussPerMin;
      }
      if (p->memKnown) {
         c->workerRss += (double)p->rssKiB;
         c->smallestWorker = fmin(c->smallestWorker, (double)p->rssKiB);
      }
   }
}

/* Whether the growth began after the newest deploy (model/DeployWatch.h):
   the verdict's evidence says so. */
static void TreeVerdict_deploy(TreeVerdict* this, const ProcessTree* tree) {
   const DeployEvent* d = DeployWatch_event(&tree->deploy, 0);
   if (!d || (this->label != TREE_ONE_GROWS && this->label != TREE_SOME_GROW &&
              this->label != TREE_ALL_GROW))
      return;
   double at = DeployWatch_monotonic(&tree->deploy, d->wall);
   int after = 0, before = 0;
   for (int i = 0; i < tree->count; i++) {
      const Process* p = tree->procs[i];
      if ((i == 0 && tree->rootGone) || !p->seen)
         continue;
      DeployTiming timing = DeployWatch_growthTiming(&p->growth, at);
      after += timing == DEPLOY_GROWTH_AFTER;
      before += timing == DEPLOY_GROWTH_BEFORE;
   }
   if (!after && !before)
      return;
   char when[16];
   time_t t = (time_t)d->wall;
   struct tm tm;
   strftime(when, sizeof(when), "%H:%M", localtime_r(&t, &tm));
   size_t n = strlen(this->evidence);
   snprintf(this->evidence + n, sizeof(this->evidence) - n, "; %s new code at %s",
            before ? "growth was under way before" : "growth began after", when);
}

void TreeVerdict_compute(TreeVerdict* this, const ProcessTree* tree, double headroomKiB,
                         double limitKiB) {
   TreeCounts c;
   TreeVerdict_count(tree, &c);
   this->growthPerMin = c.growth;
   this->timeToLimit = TimeToLimit_seconds(c.growth, headroomKiB);
   char* ev = this->evidence;
   size_t size = sizeof(this->evidence);
   int population = c.workers > 0 ? c.workers : c.members;
   /* Before the live verdicts: no generation lives long enough for one,
      and a worker caught growing is one sawtooth tooth of the same thing. */
   if (tree->recycle.label != RECYCLE_NONE) {
      this->label = tree->recycle.label == RECYCLE_GROWS_WITH_TRAFFIC ? TREE_RECYCLED_TRAFFIC
                                                                      : TREE_RECYCLED_TIME;
      snprintf(ev, size, "%s", tree->recycle.evidence);
   } else if (c.growers == 1) {
      char what[64];
      Classifier_describe(&c.grower->growth, what, sizeof(what));
      this->label = TREE_ONE_GROWS;
      snprintf(ev, size, "PID %d %s, %.0f KiB/min; %d other%s flat", (int)c.grower->pid, what,
               c.growth, c.members - 1, c.members == 2 ? "" : "s");
   } else if (c.growers > 1) {
      this->label = c.growers >= TREE_ALL_SHARE * population ? TREE_ALL_GROW : TREE_SOME_GROW;
      snprintf(ev, size, "%d of %d processes grow, %.0f KiB/min in total", c.growers, c.members,
               c.growth);
   } else if (c.cow > 0 && 2 * c.cow >= population) {
      this->label = TREE_COW_UNSHARING;
      snprintf(ev, size, "USS rises %.0f KiB/min in %d of %d workers while RSS is flat",
               c.ussGrowth, c.cow, population);
   } else if (c.warming > 0) {
      this->label = TREE_WARMING_UP;
      snprintf(ev, size, "%d of %d workers warming up", c.warming, population);
   } else if (c.workers >= 2 && isfinite(c.smallestWorker) &&
              (c.smallestWorker >= TREE_LARGE_WORKER_KIB ||
               c.workerRss >= TREE_LARGE_SHARE * limitKiB)) {
      this->label = TREE_MULTIPLICATION;
      int n = snprintf(ev, size, "%d workers x %.0f MiB, flat: %.0f MiB", c.workers,
                       c.workerRss / c.workers / 1024, c.workerRss / 1024);
      if (isfinite(limitKiB) && limitKiB > 0 && n > 0 && (size_t)n < size)
         snprintf(ev + n, size - (size_t)n, " (%.0f%% of the limit)", 100 * c.workerRss / limitKiB);
   } else {
      this->label = TREE_STABLE;
      snprintf(ev, size, "%d process%s, none grows", c.members, c.members == 1 ? "" : "es");
   }
   TreeVerdict_deploy(this, tree);
}

const char* TreeVerdict_label(TreeVerdictLabel label) {
   static const char* const labels[] = {
         [TREE_WARMING_UP] = "warming up",
         [TREE_STABLE] = "stable",
         [TREE_ONE_GROWS] = "one worker grows",
         [TREE_SOME_GROW] = "some workers grow",
         [TREE_ALL_GROW] = "all workers grow",
         [TREE_MULTIPLICATION] = "worker multiplication",
         [TREE_COW_UNSHARING] = "copy-on-write unsharing",
         [TREE_RECYCLED_TRAFFIC] = "grows with traffic, recycled",
         [TREE_RECYCLED_TIME] = "grows with time, recycled",
   };
   return labels[label];
}
