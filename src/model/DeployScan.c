#include "config.h"

#include "model/DeployScan.h"

#include <math.h>
#include <stdlib.h>

#include "util/XUtils.h"

static void DeployScan_recorded(ProcessTree* tree, SampleSource* source) {
   const Process* root = ProcessTree_root(tree);
   DeployEvent events[DEPLOY_EVENTS_KEPT];
   int n = source->klass->deploys(source, root->pid, root->startTicks, events, DEPLOY_EVENTS_KEPT);
   for (int i = 0; i < n; i++)
      DeployWatch_add(&tree->deploy, &events[i]);
}

static void DeployScan_probe(ProcessTree* tree, SampleSource* source, double now, double wall) {
   DeployWatch* w = &tree->deploy;
   const Process* root = ProcessTree_root(tree);
   bool due = isnan(w->lastProbe) || wall - w->lastProbe >= DEPLOY_SCAN_SECONDS;
   /* New workers are when a master re-execs (uwsgi's HUP forks them from
      its new image): the root is probed first, or they would look like a
      new master next to its old exec. */
   for (int i = 1; !due && i < tree->count; i++)
      due = tree->procs[i]->firstSeen == now && tree->procs[i]->ppid == root->pid;
   CodeFacts facts;
   if (due && source->klass->code(source, root->pid, true, &facts))
      DeployWatch_observeRoot(w, root->pid, root->startTicks, &facts, wall);
   for (int i = 1; i < tree->count; i++) {
      const Process* p = tree->procs[i];
      if (!p->seen || p->ppid != root->pid || !(p->firstSeen == now || (due && p->hasChildren)))
         continue;
      if (source->klass->code(source, p->pid, false, &facts))
         DeployWatch_observeChild(w, p->pid, p->startTicks, p->startEpoch, &facts);
   }
}

void DeployScan_tree(ProcessTree* tree, SampleSource* source, double now, double wall) {
   DeployWatch_setClock(&tree->deploy, now, wall);
   if (source->klass->deploys) {
      DeployScan_recorded(tree, source);
      return;
   }
   if (!source->klass->code)
      return;
   if (!tree->rootGone)
      DeployScan_probe(tree, source, now, wall);
   if (!DeployWatch_waiting(&tree->deploy))
      return;
   DeployProcess* procs = xCalloc((size_t)tree->count, sizeof(DeployProcess));
   int n = 0;
   for (int i = 1; i < tree->count; i++) {
      const Process* p = tree->procs[i];
      if (p->seen)
         procs[n++] = (DeployProcess){p->pid, p->startTicks, p->startEpoch};
   }
   DeployWatch_observeWorkers(&tree->deploy, procs, n);
   free(procs);
}
