#include "config.h"

#include "model/Process.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

/* A slope needs a handful of points before it means anything. */
#define PROCESS_MIN_GROWTH_POINTS 10

Process* Process_new(pid_t pid, unsigned long long startTicks, double tickSeconds, double now) {
   Process* this = xCalloc(1, sizeof(*this));
   this->pid = pid;
   this->startTicks = startTicks;
   this->generation = 1;
   this->state = '?';
   this->cmdline = xStrdup("");
   this->smapsTime = -1;
   this->childrenTime = -1;
   this->fdKindsTime = -1;
   this->fdLimitTime = -1;
   this->firstSeen = now;
   History_init(&this->rssHistory, tickSeconds);
   SumHistory_init(&this->trafficHistory, &this->rssHistory);
   SmapsHistory_init(&this->smapsHistory, now);
   Classifier_init(&this->growth);
   ResourceGrowth_init(&this->resources);
   return this;
}

void Process_delete(Process* this) {
   if (!this)
      return;
   free(this->cmdline);
   ProcessSnapshots_free(this->snapshots);
   free(this);
}

void Process_setCmdline(Process* this, const char* cmdline) {
   free(this->cmdline);
   this->cmdline = xStrdup(cmdline);
}

ProcessSnapshots* Process_snapshots(Process* this) {
   if (!this->snapshots)
      this->snapshots = ProcessSnapshots_new();
   return this->snapshots;
}

double Process_growthPerMinute(const Process* this, double windowSeconds) {
   return History_slopePerMinute(&this->rssHistory, windowSeconds, PROCESS_MIN_GROWTH_POINTS);
}

double Process_age(const Process* this, double wallNow) {
   double age = wallNow - this->startEpoch;
   return age > 0 ? age : 0;
}

const char* Process_roleName(ProcessRole role) {
   switch (role) {
   case ROLE_MASTER:
      return "master";
   case ROLE_WORKER:
      return "worker";
   case ROLE_CHILD:
      return "child";
   case ROLE_SINGLE:
      return "single";
   }
   return "?";
}
