#include "config.h"

#include "traffic/Traffic.h"

/* CPU seconds per tick: always available, and what a sync worker spends
   grows with the requests it serves, though not in proportion (see the
   measurement in leaktop(1), TRAFFIC SOURCES). */

static bool CpuSource_init(TrafficSource* this, const char* arg, char* err, size_t errSize) {
   (void)this;
   (void)arg;
   (void)err;
   (void)errSize;
   return true;
}

static void CpuSource_sample(TrafficSource* this, const TrafficInput* in) {
   (void)this;
   double hertz = (double)ProcSampler_hertz();
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         const ProcSample* s = Traffic_sampleOf(in, p);
         /* p->cpuTicks still holds the last tick's reading. */
         if (s && p->cpuBaseline && s->cpuTicks >= p->cpuTicks)
            Traffic_credit(p, (double)(s->cpuTicks - p->cpuTicks) / hertz);
      }
   }
}

static void CpuSource_free(TrafficSource* this) {
   (void)this;
}

const TrafficSourceClass CpuSource_class = {
      .name = "cpu",
      .argument = NULL,
      .display = "cpu time",
      .unit = "CPU s",
      /* Below 1% of a CPU: a sync worker waiting in select() uses ~0. */
      .idlePerSecond = 0.01,
      .init = CpuSource_init,
      .sample = CpuSource_sample,
      .free = CpuSource_free,
};
