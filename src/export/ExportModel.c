#include "config.h"

#include "export/ExportModel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/TimeToLimit.h"
#include "model/ProcessSnapshots.h"
#include "util/XUtils.h"

void ExportModel_init(ExportModel* this, const char* const* names, int nameCount, bool exportPid) {
   memset(this, 0, sizeof(*this));
   this->names = names;
   this->nameCount = nameCount;
   this->exportPid = exportPid;
}

static void ExportGroup_done(ExportGroup* g) {
   free(g->slots);
}

void ExportModel_done(ExportModel* this) {
   for (int i = 0; i < this->count; i++)
      ExportGroup_done(&this->groups[i]);
   free(this->groups);
   memset(this, 0, sizeof(*this));
}

ExportWorkerState ExportModel_verdictState(GrowthVerdict verdict, SnapshotVerdict heap,
                                           const RecycleVerdict* slot) {
   switch (verdict) {
   case VERDICT_STABLE:
      return EXPORT_WORKER_STABLE;
   case VERDICT_PLATEAU:
      return EXPORT_WORKER_PLATEAU;
   case VERDICT_SPIKES:
      return EXPORT_WORKER_SPIKES;
   case VERDICT_GROWS_WITH_TIME:
   case VERDICT_GROWS_WITH_TRAFFIC:
      /* The heap snapshots settled where the growth is. */
      if (heap == SNAPSHOT_VERDICT_NATIVE)
         return EXPORT_WORKER_NATIVE_GROWTH;
      return verdict == VERDICT_GROWS_WITH_TIME ? EXPORT_WORKER_GROWS_WITH_TIME
                                                : EXPORT_WORKER_GROWS_WITH_TRAFFIC;
   case VERDICT_WARMING_UP:
   case VERDICT_INCONCLUSIVE:
   default:
      /* No generation lives long enough for a live verdict, but they grew
         alike before they were recycled. */
      if (slot && slot->label != RECYCLE_NONE)
         return EXPORT_WORKER_RECYCLED_GROWTH;
      return verdict == VERDICT_INCONCLUSIVE ? EXPORT_WORKER_INCONCLUSIVE
                                             : EXPORT_WORKER_WARMING_UP;
   }
}

ExportWorkerState ExportModel_workerState(const Process* p, const WorkerSlot* slot) {
   return ExportModel_verdictState(p->growth.verdict, ProcessSnapshots_verdict(p->snapshots),
                                   slot ? &slot->verdict : NULL);
}

static double ExportModel_clamp01(double v) {
   return isfinite(v) ? fmin(1, fmax(0, v)) : 0;
}

static void ExportModel_row(ExportRow* row, const Process* p, const WorkerSlot* slot,
                            const Machine* machine, double headroomKiB) {
   row->used = true;
   row->pid = p->pid;
   row->memKnown = p->memKnown;
   if (p->memKnown) {
      row->rssBytes = (double)p->rssKiB * 1024;
      row->anonBytes = (double)p->anonKiB * 1024;
   }
   row->smapsKnown = p->smapsKnown;
   if (p->smapsKnown) {
      row->pssBytes = (double)p->pssKiB * 1024;
      row->ussBytes = (double)p->ussKiB * 1024;
      row->swapBytes = (double)p->swapKiB * 1024;
   }
   double perMin = p->growth.evidence.growthPerMin;
   row->growthBytesPerSecond = isfinite(perMin) ? perMin * 1024 / 60 : 0;
   double ttl = TimeToLimit_seconds(Classifier_projectedGrowth(&p->growth), headroomKiB);
   row->timeToLimit = isfinite(ttl) ? ttl : INFINITY;
   row->state = ExportModel_workerState(p, slot);
   /* A recycled verdict's confidence is how alike the generations grew. */
   row->confidence = row->state == EXPORT_WORKER_RECYCLED_GROWTH
                           ? ExportModel_clamp01(1 - slot->verdict.spread)
                           : ExportModel_clamp01(p->growth.evidence.confidence);
   row->trafficKnown = p->trafficKnown;
   double tick = machine->opts->delay > 0 ? machine->opts->delay : 1;
   row->trafficPerSecond = p->trafficKnown ? p->trafficDelta / tick : 0;
   row->startTime = p->startEpoch;
}

static unsigned ExportModel_generations(const ProcessTree* tree) {
   unsigned sum = 0;
   for (int i = 0; i < tree->slotCount; i++)
      sum += tree->slots[i]->generation;
   return sum;
}

static bool ExportModel_nameTaken(const ExportModel* this, const char* name) {
   for (int i = 0; i < this->count; i++)
      if (strcmp(this->groups[i].name, name) == 0)
         return true;
   return false;
}

/* --group's next name, else the master's command name; a second tree of
   the same name is name-2, and so on. */
static void ExportModel_name(ExportModel* this, ExportGroup* g, const ProcessTree* tree) {
   const char* base =
         this->namedTrees < this->nameCount ? this->names[this->namedTrees] : tree->name;
   this->namedTrees++;
   if (!base[0])
      base = "python";
   snprintf(g->name, sizeof(g->name), "%s", base);
   for (int n = 2; ExportModel_nameTaken(this, g->name); n++)
      snprintf(g->name, sizeof(g->name), "%.*s-%d", EXPORT_GROUP_NAME_SIZE - 12, base, n);
}

static ExportGroup* ExportModel_group(ExportModel* this, const ProcessTree* tree) {
   const Process* root = ProcessTree_root(tree);
   for (int i = 0; i < this->count; i++) {
      ExportGroup* g = &this->groups[i];
      if (g->rootPid == root->pid && g->rootStart == root->startTicks)
         return g;
   }
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 4;
      this->groups = xReallocArray(this->groups, (size_t)this->capacity, sizeof(ExportGroup));
   }
   ExportGroup g = {0};
   g.rootPid = root->pid;
   g.rootStart = root->startTicks;
   g.firstGenerations = ExportModel_generations(tree);
   ExportModel_name(this, &g, tree);
   this->groups[this->count] = g;
   return &this->groups[this->count++];
}

static ExportGroupState ExportModel_groupState(TreeVerdictLabel label) {
   switch (label) {
   case TREE_STABLE:
      return EXPORT_GROUP_STABLE;
   case TREE_ONE_GROWS:
      return EXPORT_GROUP_ONE_GROWS;
   case TREE_SOME_GROW:
      return EXPORT_GROUP_SOME_GROW;
   case TREE_ALL_GROW:
      return EXPORT_GROUP_ALL_GROW;
   case TREE_MULTIPLICATION:
      return EXPORT_GROUP_WORKER_MULTIPLICATION;
   case TREE_COW_UNSHARING:
      return EXPORT_GROUP_COW_UNSHARING;
   case TREE_RECYCLED_TRAFFIC:
   case TREE_RECYCLED_TIME:
      return EXPORT_GROUP_RECYCLED_GROWTH;
   case TREE_WARMING_UP:
   default:
      return EXPORT_GROUP_WARMING_UP;
   }
}

/* The cgroup's limit and usage where it sets a limit, else the host's
   total and the tree's own proportional share. */
static void ExportModel_memory(ExportGroup* g, const ProcessTree* tree, const Machine* machine) {
   const CgroupStatus* cg = &tree->cgroup;
   g->limitFromCgroup = cg->found && cg->limited;
   g->limitKnown = g->limitFromCgroup || machine->hostMemKnown;
   g->limitBytes =
         g->limitFromCgroup ? (double)cg->limitBytes : (double)machine->memTotalKiB * 1024;
   /* An unlimited cgroup may hold much else (a login session): its usage
      would not be the tree's. */
   if (g->limitFromCgroup && cg->currentKnown) {
      g->usageBytes = (double)cg->currentBytes;
      return;
   }
   double kib = 0;
   for (int i = 0; i < tree->count; i++) {
      const Process* p = tree->procs[i];
      kib += p->smapsKnown ? (double)p->pssKiB : p->memKnown ? (double)p->rssKiB : 0;
   }
   g->usageBytes = kib * 1024;
}

static void ExportModel_slots(ExportGroup* g, const ProcessTree* tree, const Machine* machine,
                              double headroomKiB) {
   if (tree->slotCount > g->slotCount) {
      g->slots = xReallocArray(g->slots, (size_t)tree->slotCount, sizeof(ExportRow));
      memset(g->slots + g->slotCount, 0,
             (size_t)(tree->slotCount - g->slotCount) * sizeof(ExportRow));
      g->slotCount = tree->slotCount;
   }
   memset(&g->exits, 0, sizeof(g->exits));
   for (int i = 0; i < tree->slotCount; i++) {
      const WorkerSlot* slot = tree->slots[i];
      ExportRow* row = &g->slots[i];
      if (slot->occupant)
         ExportModel_row(row, slot->occupant, slot, machine, headroomKiB);
      else
         row->pid = 0; /* vacant: the last values stand */
      g->exits.recycles += slot->ends.recycles;
      g->exits.crashes += slot->ends.crashes;
      g->exits.oomKills += slot->ends.oomKills;
      g->exits.unknown += slot->ends.unknown;
   }
}

static void ExportModel_updateGroup(ExportGroup* g, const ProcessTree* tree,
                                    const Machine* machine) {
   g->seen = true;
   double headroomKiB =
         TimeToLimit_headroomKiB(&tree->cgroup, machine->hostMemKnown, machine->memAvailableKiB);
   g->workers = ProcessTree_workerCount(tree);
   ExportModel_memory(g, tree, machine);
   g->state = ExportModel_groupState(tree->verdict.label);
   g->timeToLimit = isfinite(tree->verdict.timeToLimit) ? tree->verdict.timeToLimit : INFINITY;
   unsigned generations = ExportModel_generations(tree);
   g->spawns = generations > g->firstGenerations ? generations - g->firstGenerations : 0;
   const Process* root = ProcessTree_root(tree);
   if (!tree->rootGone)
      ExportModel_row(&g->master, root, NULL, machine, headroomKiB);
   else
      g->master.pid = 0;
   ExportModel_slots(g, tree, machine, headroomKiB);
}

void ExportModel_update(ExportModel* this, const Machine* machine) {
   for (int i = 0; i < this->count; i++)
      this->groups[i].seen = false;
   for (int t = 0; t < machine->treeCount; t++) {
      const ProcessTree* tree = machine->trees[t];
      if (tree->count == 0)
         continue;
      ExportModel_updateGroup(ExportModel_group(this, tree), tree, machine);
   }
   int kept = 0;
   for (int i = 0; i < this->count; i++) {
      if (this->groups[i].seen)
         this->groups[kept++] = this->groups[i];
      else
         ExportGroup_done(&this->groups[i]);
   }
   this->count = kept;
   this->intervalSeconds = machine->opts->delay;
   this->lastSampleTime = machine->wallNow;
   this->samples++;
}
