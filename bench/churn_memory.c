/* leaktop's own memory over a simulated day of worker churn (issue 16): a
   master and 999 workers at 1 s ticks, CHURN of the workers replaced by new
   PIDs every minute, fed to the real model (Machine_scan) by a scripted
   SampleSource, so discovery, histories, the exited summaries and the
   classifiers all run as they do live; only /proc is not read. Prints the
   RSS at 1 h, 12 h and 24 h of simulated time: flat means what exits is
   freed. Figures, not pass/fail.
   Usage: bench/churn_memory [PROCESSES [CHURN_PER_MINUTE [HOURS]]] */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CommandLine.h"
#include "SelfMemory.h"
#include "model/Machine.h"
#include "sample/SampleSource.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

#define CHURN_MASTER 1000
#define CHURN_HERTZ  100

typedef struct ChurnWorker {
   pid_t pid;
   unsigned long long startTicks;
   double rssKiB;
} ChurnWorker;

typedef struct Churn {
   int tick;
   int workerCount;
   ChurnWorker* workers;
   pid_t nextPid;
   int churnPerMinute;
   int replaceAt; /* the next worker index to replace, round robin */
   pid_t* exited; /* this minute's exited PIDs, reaped by exitOf */
   int exitedCount;
   ProcSample* listed;
   int* indexOf; /* worker index by PID, -1 for one that exited */
   pid_t pidLimit;
   unsigned long long rng;
} Churn;

static Churn* Churn_of(SampleSource* this) {
   return this->priv;
}

static unsigned Churn_random(Churn* c) {
   c->rng = c->rng * 6364136223846793005ULL + 1442695040888963407ULL;
   return (unsigned)(c->rng >> 33);
}

/* Every minute, the next CHURN workers exit and new PIDs take their place.
   Index 0 is the master. */
static void Churn_advance(Churn* c) {
   c->tick++;
   c->exitedCount = 0;
   if (c->tick % 60 != 0)
      return;
   for (int k = 0; k < c->churnPerMinute; k++) {
      ChurnWorker* w = &c->workers[c->replaceAt];
      c->replaceAt = c->replaceAt % (c->workerCount - 1) + 1; /* never the master */
      c->exited[c->exitedCount++] = w->pid;
      c->indexOf[w->pid] = -1;
      w->pid = c->nextPid++;
      c->indexOf[w->pid] = (int)(w - c->workers);
      w->startTicks = (unsigned long long)c->tick * CHURN_HERTZ;
      w->rssKiB = 30000 + Churn_random(c) % 10000;
   }
}

static void Churn_clock(SampleSource* this, double* monotonic, double* wall) {
   Churn* c = Churn_of(this);
   Churn_advance(c);
   *monotonic = 1000.0 + c->tick;
   *wall = 1.7e9 + c->tick;
}

static void Churn_fill(const Churn* c, int i, ProcSample* out) {
   memset(out, 0, sizeof(*out));
   const ChurnWorker* w = &c->workers[i];
   out->pid = w->pid;
   out->ppid = i == 0 ? 1 : CHURN_MASTER;
   out->startTicks = w->startTicks;
   out->state = 'S';
   out->memKnown = true;
   out->rssKiB = (uint64_t)w->rssKiB;
   out->anonKiB = out->rssKiB * 3 / 4;
   out->fileKiB = out->rssKiB - out->anonKiB;
   out->cpuTicks = (unsigned long long)c->tick / 4;
   out->statHash = (uint64_t)c->tick * 2654435761u + (uint64_t)w->pid;
   out->trafficKnown = true;
   out->trafficDelta = 5 + w->pid % 7;
}

static int Churn_listHost(SampleSource* this, ProcSample** out) {
   Churn* c = Churn_of(this);
   for (int i = 0; i < c->workerCount; i++)
      Churn_fill(c, i, &c->listed[i]);
   *out = c->listed;
   return c->workerCount;
}

static bool Churn_command(SampleSource* this, pid_t pid, char* text, size_t textSize, char* name,
                          size_t nameSize) {
   (void)this;
   snprintf(text, textSize, "python3 app.py %s", pid == CHURN_MASTER ? "master" : "worker");
   snprintf(name, nameSize, "python3");
   return true;
}

static bool Churn_isPython(SampleSource* this, pid_t pid) {
   (void)this;
   (void)pid;
   return true;
}

static int Churn_children(SampleSource* this, pid_t pid, pid_t** pids, int n, int* capacity) {
   Churn* c = Churn_of(this);
   if (pid != CHURN_MASTER)
      return n;
   for (int i = 1; i < c->workerCount; i++) {
      if (n == *capacity) {
         *capacity = *capacity ? 2 * *capacity : 1024;
         *pids = xReallocArray(*pids, (size_t)*capacity, sizeof(pid_t));
      }
      (*pids)[n++] = c->workers[i].pid;
   }
   return n;
}

static int Churn_find(const Churn* c, pid_t pid) {
   return pid >= 0 && pid < c->pidLimit ? c->indexOf[pid] : -1;
}

static int Churn_sample(SampleSource* this, const pid_t* pids, int n, ProcSample* out) {
   Churn* c = Churn_of(this);
   int found = 0;
   for (int k = 0; k < n; k++) {
      int i = Churn_find(c, pids[k]);
      if (i < 0)
         continue;
      ChurnWorker* w = &c->workers[i];
      w->rssKiB += (double)(Churn_random(c) % 64) - 31.0;
      Churn_fill(c, i, &out[found++]);
   }
   return found;
}

static void Churn_smaps(SampleSource* this, const pid_t* pids, int n, SmapsSample* out) {
   Churn* c = Churn_of(this);
   for (int k = 0; k < n; k++) {
      memset(&out[k], 0, sizeof(out[k]));
      out[k].pid = pids[k];
      int i = Churn_find(c, pids[k]);
      if (i < 0)
         continue;
      out[k].known = true;
      out[k].pssKiB = (uint64_t)c->workers[i].rssKiB * 2 / 3;
      out[k].ussKiB = (uint64_t)c->workers[i].rssKiB / 2;
   }
}

static void Churn_locateCgroup(SampleSource* this, pid_t pid, CgroupStatus* out) {
   (void)this;
   (void)pid;
   memset(out, 0, sizeof(*out));
}

static void Churn_refreshCgroup(SampleSource* this, CgroupStatus* status) {
   (void)this;
   (void)status;
}

static bool Churn_hostMemory(SampleSource* this, uint64_t* totalKiB, uint64_t* availableKiB) {
   (void)this;
   *totalKiB = 64ULL << 20;
   *availableKiB = 32ULL << 20;
   return true;
}

static bool Churn_exitOf(SampleSource* this, pid_t pid, char* how, size_t size) {
   Churn* c = Churn_of(this);
   for (int k = 0; k < c->exitedCount; k++) {
      if (c->exited[k] == pid) {
         snprintf(how, size, "exit 0");
         return true;
      }
   }
   return false;
}

static void Churn_explainAbsent(SampleSource* this, pid_t pid, char* err, size_t errSize) {
   (void)this;
   snprintf(err, errSize, "PID %d is not in the simulation", (int)pid);
}

static TrafficSource* Churn_newTraffic(SampleSource* this, const char* spec, char* err,
                                       size_t errSize) {
   (void)this;
   (void)spec;
   (void)err;
   (void)errSize;
   return Traffic_newSupplied("requests (simulated)", "requests", 0);
}

static void Churn_delete(SampleSource* this) {
   Churn* c = Churn_of(this);
   free(c->workers);
   free(c->exited);
   free(c->listed);
   free(c->indexOf);
   free(c);
   free(this);
}

static const SampleSourceClass Churn_class = {
      .name = "churn",
      .clock = Churn_clock,
      .listHost = Churn_listHost,
      .command = Churn_command,
      .isPython = Churn_isPython,
      .children = Churn_children,
      .sample = Churn_sample,
      .smaps = Churn_smaps,
      .locateCgroup = Churn_locateCgroup,
      .refreshCgroup = Churn_refreshCgroup,
      .hostMemory = Churn_hostMemory,
      .exitOf = Churn_exitOf,
      .explainAbsent = Churn_explainAbsent,
      .newTraffic = Churn_newTraffic,
      .delete = Churn_delete,
};

static SampleSource* Churn_new(int processes, int churnPerMinute, int hours) {
   SampleSource* this = xCalloc(1, sizeof(*this));
   Churn* c = xCalloc(1, sizeof(*c));
   c->workerCount = processes;
   c->workers = xCalloc((size_t)processes, sizeof(ChurnWorker));
   c->listed = xCalloc((size_t)processes, sizeof(ProcSample));
   c->churnPerMinute = churnPerMinute < processes - 1 ? churnPerMinute : processes - 1;
   c->exited = xCalloc((size_t)c->churnPerMinute + 1, sizeof(pid_t));
   c->pidLimit = CHURN_MASTER + processes + c->churnPerMinute * 60 * hours + 1;
   c->indexOf = xReallocArray(NULL, (size_t)c->pidLimit, sizeof(int));
   for (pid_t pid = 0; pid < c->pidLimit; pid++)
      c->indexOf[pid] = -1;
   c->rng = 42;
   c->workers[0].pid = CHURN_MASTER;
   c->workers[0].rssKiB = 20000;
   c->indexOf[CHURN_MASTER] = 0;
   c->nextPid = CHURN_MASTER + 1;
   for (int i = 1; i < processes; i++) {
      c->indexOf[c->nextPid] = i;
      c->workers[i].pid = c->nextPid++;
      c->workers[i].rssKiB = 30000 + Churn_random(c) % 10000;
   }
   c->replaceAt = 1;
   this->klass = &Churn_class;
   this->bootTime = 1.7e9 - 1000;
   this->hertz = CHURN_HERTZ;
   this->priv = c;
   return this;
}

static double Bench_cpuSeconds(void) {
   struct timespec ts;
   clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
   return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
   int processes = argc > 1 ? atoi(argv[1]) : 1000;
   int churn = argc > 2 ? atoi(argv[2]) : 20;
   int hours = argc > 3 ? atoi(argv[3]) : 24;
   if (processes < 2 || churn < 1 || hours < 1) {
      fprintf(stderr, "usage: %s [PROCESSES [CHURN_PER_MINUTE [HOURS]]]\n", argv[0]);
      return 2;
   }
   Options opts;
   char* args[] = {"leaktop", "--batch", "-p", "1000", NULL};
   CommandLine_parse(4, args, &opts);
   char err[256];
   Machine* machine = Machine_newFrom(&opts, Churn_new(processes, churn, hours), err, sizeof(err));
   if (!machine) {
      fprintf(stderr, "churn_memory: %s\n", err);
      return 1;
   }
   machine->scanFlags = SCAN_ALL;
   printf("own memory under churn: %d processes at 1 s ticks, %d replaced by new PIDs a minute\n",
          processes, churn);
   printf("  %8s %10s %10s %10s %12s\n", "hour", "RSS KiB", "tracked", "exited", "ms/tick");
   double cpu = Bench_cpuSeconds();
   for (int hour = 1; hour <= hours; hour++) {
      for (int s = 0; s < 3600; s++)
         Machine_scan(machine);
      double now = Bench_cpuSeconds();
      if (hour == 1 || hour % 6 == 0 || hour == hours) {
         unsigned exited = machine->treeCount > 0 ? machine->trees[0]->exitedTotal : 0;
         printf("  %8d %10ld %10d %10u %12.3f\n", hour, SelfMemory_kib("VmRSS"),
                Machine_processCount(machine), exited, (now - cpu) * 1000 / 3600);
         fflush(stdout);
      }
      cpu = now;
   }
   printf("  peak RSS %ld KiB\n", SelfMemory_kib("VmHWM"));
   Machine_delete(machine);
   CommandLine_done(&opts);
   return 0;
}
