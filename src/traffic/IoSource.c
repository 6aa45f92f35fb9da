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
   measurements are in leaktop(1), TRAFFIC SOURCES. The first reading of a
   process found at attach is its baseline. */

/* A start time is known to the second only (btime of /proc/stat is whole
   seconds): a process that started this close after the first sample may
   have started before it. */
#define IO_START_SLACK_SECONDS 1.0

typedef struct IoSource {
   TrafficCounters counters;
   double since; /* wall time of the first sample, 0 before it */
} IoSource;

static bool IoSource_init(TrafficSource* source, const char* arg, char* err, size_t errSize) {
   (void)arg;
   (void)err;
   (void)errSize;
   source->priv = xCalloc(1, sizeof(IoSource));
   return true;
}

static void IoSource_sample(TrafficSource* source, const TrafficInput* in) {
   IoSource* this = source->priv;
   if (this->since == 0)
      this->since = XUtils_wallNow();
   TrafficCounters_beginTick(&this->counters);
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         char text[512];
         double reads, delta;
         /* Unreadable (another user's process without ptrace rights): no value. */
         if (!Traffic_sampleOf(in, p) || ProcFiles_read(p->pid, "io", text, sizeof(text)) <= 0 ||
             !TrafficParse_ioReads(text, &reads))
            continue;
         if (TrafficCounters_advance(&this->counters, p->pid, p->startTicks, reads, &delta))
            Traffic_credit(p, delta);
         else if (p->startEpoch > this->since + IO_START_SLACK_SECONDS)
            /* Forked while watched, its count began at 0 (the kernel does not
               inherit I/O accounting): all of it is traffic, so a child that
               lives a task or two (max_tasks_per_child) still counts. */
            Traffic_credit(p, reads);
      }
   }
   TrafficCounters_prune(&this->counters);
}

static void IoSource_free(TrafficSource* source) {
   IoSource* this = source->priv;
   TrafficCounters_done(&this->counters);
   free(this);
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
