#include "config.h"

#include "traffic/Traffic.h"

/* Traffic a sample source hands over with each process's sample: counted
   when it was recorded (or scripted), so nothing is read here. */

static bool SuppliedSource_init(TrafficSource* this, const char* arg, char* err, size_t errSize) {
   (void)this;
   (void)arg;
   (void)err;
   (void)errSize;
   return true;
}

static void SuppliedSource_sample(TrafficSource* this, const TrafficInput* in) {
   (void)this;
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      for (int i = 0; i < tree->count; i++) {
         const ProcSample* s = Traffic_sampleOf(in, tree->procs[i]);
         if (s && s->trafficKnown)
            Traffic_credit(tree->procs[i], s->trafficDelta);
      }
   }
}

static void SuppliedSource_free(TrafficSource* this) {
   (void)this;
}

/* Not in Traffic_new's list: --traffic cannot choose it. */
const TrafficSourceClass SuppliedSource_class = {
      .name = "supplied",
      .argument = NULL,
      .display = "supplied",
      .unit = "units",
      .idlePerSecond = 0,
      .init = SuppliedSource_init,
      .sample = SuppliedSource_sample,
      .free = SuppliedSource_free,
};
