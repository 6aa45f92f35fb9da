#include "config.h"

#include "traffic/Traffic.h"

#include <stdlib.h>

#include "sample/ProcFiles.h"
#include "traffic/TrafficCounters.h"
#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

/* Read syscalls per tick, from syscr of /proc/PID/io. The kernel counts
   read(), readv() and pread() on any descriptor (pipes, files, sockets),
   not recv(). A celery prefork child reads its own inqueue pipe twice per
   task (a length, then the message) and polls it without reading while
   idle; a uwsgi worker reads each request from its socket with read(). The
   measurements are in leaktop(1), TRAFFIC SOURCES. */

static bool IoSource_init(TrafficSource* source, const char* arg, char* err, size_t errSize) {
   (void)arg;
   (void)err;
   (void)errSize;
   source->priv = xCalloc(1, sizeof(TrafficCounters));
   return true;
}

static void IoSource_sample(TrafficSource* source, const TrafficInput* in) {
   TrafficCounters* counters = source->priv;
   TrafficCounters_beginTick(counters);
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         char text[512];
         double reads, delta;
         /* Unreadable (another user's process without ptrace rights): no value. */
         if (Traffic_sampleOf(in, p) && ProcFiles_read(p->pid, "io", text, sizeof(text)) > 0 &&
             TrafficParse_ioReads(text, &reads) &&
             TrafficCounters_advance(counters, p->pid, p->startTicks, reads, &delta))
            Traffic_credit(p, delta);
      }
   }
   TrafficCounters_prune(counters);
}

static void IoSource_free(TrafficSource* source) {
   TrafficCounters_done(source->priv);
   free(source->priv);
}

const TrafficSourceClass IoSource_class = {
      .name = "io",
      .argument = NULL,
      .display = "read syscalls",
      .unit = "reads",
      .idlePerSecond = 0,
      .init = IoSource_init,
      .sample = IoSource_sample,
      .free = IoSource_free,
};
