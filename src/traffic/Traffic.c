#include "config.h"

#include "traffic/Traffic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

static const TrafficSourceClass* const Traffic_classes[] = {
      &LogSource_class, &CmdSource_class, &UwsgiSource_class,
      &TcpSource_class, &IoSource_class,  &CpuSource_class,
};

static bool Traffic_start(TrafficSource* this, const TrafficSourceClass* klass, const char* arg,
                          char* err, size_t errSize) {
   this->klass = klass;
   snprintf(this->display, sizeof(this->display), "%s%s", klass->display,
            this->automatic ? " (auto)" : "");
   snprintf(this->unit, sizeof(this->unit), "%s", klass->unit);
   this->idlePerSecond = klass->idlePerSecond;
   if (klass->init(this, arg, err, errSize))
      return true;
   this->klass = NULL;
   return false;
}

TrafficSource* Traffic_new(const char* spec, char* err, size_t errSize) {
   TrafficSource* this = xCalloc(1, sizeof(*this));
   if (!spec) {
      /* Measured on gunicorn sync workers (leaktop(1), TRAFFIC SOURCES):
         CPU time follows requests closely, tcp misses most short ones. */
      this->automatic = true;
      Traffic_start(this, &CpuSource_class, NULL, err, errSize);
      return this;
   }
   for (size_t i = 0; i < sizeof(Traffic_classes) / sizeof(Traffic_classes[0]); i++) {
      const TrafficSourceClass* klass = Traffic_classes[i];
      size_t len = strlen(klass->name);
      if (strncmp(spec, klass->name, len) != 0 || (spec[len] != '\0' && spec[len] != ':'))
         continue;
      const char* arg = spec[len] ? spec + len + 1 : NULL;
      if (!klass->argument != !(arg && *arg)) {
         if (klass->argument)
            snprintf(err, errSize, "traffic source %s needs an argument: %s:%s", klass->name,
                     klass->name, klass->argument);
         else
            snprintf(err, errSize, "traffic source %s takes no argument", klass->name);
      } else if (Traffic_start(this, klass, arg, err, errSize)) {
         return this;
      }
      free(this);
      return NULL;
   }
   snprintf(
         err, errSize,
         "unknown traffic source '%s' (log:PATH[:REGEX], cmd:COMMAND, uwsgi:ADDRESS, tcp, io, cpu)",
         spec);
   free(this);
   return NULL;
}

TrafficSource* Traffic_newSupplied(const char* display, const char* unit, double idlePerSecond) {
   TrafficSource* this = xCalloc(1, sizeof(*this));
   char err[16];
   Traffic_start(this, &SuppliedSource_class, NULL, err, sizeof(err));
   snprintf(this->display, sizeof(this->display), "%s", display);
   snprintf(this->unit, sizeof(this->unit), "%s", unit);
   this->idlePerSecond = idlePerSecond;
   return this;
}

void Traffic_delete(TrafficSource* this) {
   if (!this)
      return;
   if (this->klass)
      this->klass->free(this);
   free(this);
}

double Traffic_idleFloorOf(const char* display) {
   for (size_t i = 0; i < sizeof(Traffic_classes) / sizeof(Traffic_classes[0]); i++) {
      const TrafficSourceClass* klass = Traffic_classes[i];
      size_t len = strlen(klass->display);
      if (strncmp(display, klass->display, len) == 0 &&
          (display[len] == '\0' || display[len] == ' '))
         return klass->idlePerSecond;
   }
   return 0;
}

const char* Traffic_displayName(const TrafficSource* this) {
   return this->display;
}

const char* Traffic_unit(const TrafficSource* this) {
   return this->unit;
}

double Traffic_idlePerSecond(const TrafficSource* this) {
   return this->idlePerSecond;
}

static int Traffic_compareSample(const void* a, const void* b) {
   pid_t x = ((const ProcSample*)a)->pid;
   pid_t y = ((const ProcSample*)b)->pid;
   return (x > y) - (x < y);
}

const ProcSample* Traffic_sampleOf(const TrafficInput* in, const Process* p) {
   if (in->sampleCount == 0)
      return NULL;
   ProcSample key = {.pid = p->pid};
   const ProcSample* s = bsearch(&key, in->samples, (size_t)in->sampleCount, sizeof(ProcSample),
                                 Traffic_compareSample);
   return s && s->startTicks == p->startTicks && s->state != 'Z' ? s : NULL;
}

Process* Traffic_findProcess(const TrafficInput* in, pid_t pid) {
   for (int t = 0; t < in->treeCount; t++) {
      Process* p = ProcessTree_find(in->trees[t], pid);
      if (p)
         return Traffic_sampleOf(in, p) ? p : NULL;
   }
   return NULL;
}

void Traffic_credit(Process* p, double delta) {
   p->trafficKnown = true;
   p->trafficDelta += delta;
}

void Traffic_creditTree(const TrafficInput* in, double delta) {
   if (in->treeCount == 0)
      return;
   in->trees[0]->trafficKnown = true;
   in->trees[0]->trafficDelta += delta;
}

/* Tree-level traffic (a log without PIDs, a single counter) is shared
   equally by the workers (or the lone process), so that a per-worker
   consumer always has a value; trafficSplit tells it the share is not a
   measurement of that worker. */
static void Traffic_split(ProcessTree* tree, const TrafficInput* in) {
   Process* takers[tree->count > 0 ? tree->count : 1];
   int n = 0;
   for (int i = 1; i < tree->count; i++)
      if (tree->procs[i]->role == ROLE_WORKER && Traffic_sampleOf(in, tree->procs[i]))
         takers[n++] = tree->procs[i];
   if (n == 0 && tree->count > 0 && Traffic_sampleOf(in, tree->procs[0]))
      takers[n++] = tree->procs[0];
   tree->trafficSplit = n > 0;
   for (int i = 0; i < n; i++)
      Traffic_credit(takers[i], tree->trafficDelta / n);
}

static void Traffic_finish(bool known, double delta, double floor, double* total, bool* idle) {
   if (known)
      *total += delta;
   *idle = known && delta <= floor;
}

void Traffic_sample(TrafficSource* this, const TrafficInput* in) {
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      tree->trafficKnown = false;
      tree->trafficDelta = 0;
      tree->trafficSplit = false;
      for (int i = 0; i < tree->count; i++) {
         tree->procs[i]->trafficKnown = false;
         tree->procs[i]->trafficDelta = 0;
      }
   }
   this->klass->sample(this, in);

   double floor = this->idlePerSecond * in->interval;
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      if (tree->trafficKnown)
         Traffic_split(tree, in);
      /* From here on the tree's figure is the whole tree's. */
      tree->trafficDelta = 0;
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         Traffic_finish(p->trafficKnown, p->trafficDelta, floor, &p->trafficTotal, &p->idle);
         tree->trafficKnown |= p->trafficKnown;
         tree->trafficDelta += p->trafficKnown ? p->trafficDelta : 0;
      }
      Traffic_finish(tree->trafficKnown, tree->trafficDelta, floor, &tree->trafficTotal,
                     &tree->trafficIdle);
   }
}
