#include "config.h"

#include "RecordSim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

/* xorshift64*: cheap, and the same series on every machine. */
static uint64_t RecordSim_random(RecordSim* this) {
   this->rng ^= this->rng >> 12;
   this->rng ^= this->rng << 25;
   this->rng ^= this->rng >> 27;
   return this->rng * 2685821657736338717ULL;
}

static int64_t RecordSim_uniform(RecordSim* this, int64_t lo, int64_t hi) {
   return lo + (int64_t)(RecordSim_random(this) % (uint64_t)(hi - lo + 1));
}

static RecordEvent* RecordSim_event(RecordSim* this, unsigned kind, RecordScope scope,
                                    const RecordSimProcess* p) {
   RecordEvent* e = &this->events[this->eventCount++];
   RecordEvent_init(e, kind, scope, p ? p->pid : 0, p ? p->startTicks : 0, this->wallUs);
   return e;
}

static void RecordSim_startProcess(RecordSim* this, int i, unsigned generation) {
   RecordSimProcess* p = &this->procs[i];
   int64_t uptimeTicks = (this->monoUs / 10000);
   *p = (RecordSimProcess){
         .pid = this->nextPid++,
         .startTicks = (uint64_t)uptimeTicks,
         .generation = generation,
         .rssKiB = i == 0 ? 40000 : RecordSim_uniform(this, 60000, 200000),
         .fileKiB = RecordSim_uniform(this, 8000, 16000),
         .shmemKiB = RecordSim_uniform(this, 200, 800),
         /* One worker leaks 1 MiB/min, the rest creep at a few KiB/min. */
         .leakPerMinKiB = i == 1 ? 1024 : RecordSim_uniform(this, 0, 8),
   };
   p->peakKiB = p->rssKiB;
   p->pssKiB = p->rssKiB * 7 / 10;
   p->ussKiB = p->rssKiB * 6 / 10;
   RecordEvent* info = RecordSim_event(this, EVENT_INFO, RECORD_SCOPE_PROCESS, p);
   char* cmd = this->text[this->eventCount - 1];
   RecordEvent_addText(info, ATTR_PROCESS_NAME, "gunicorn");
   snprintf(cmd, RECORDSIM_CMDLINE_SIZE,
            "/usr/bin/python3 /usr/bin/gunicorn --workers %d --max-requests 5000 app:wsgi -b "
            "0.0.0.0:8000",
            this->count - 1);
   RecordEvent_addText(info, ATTR_PROCESS_CMDLINE, cmd);
   RecordEvent* start = RecordSim_event(this, EVENT_PROCESS_START, RECORD_SCOPE_PROCESS, p);
   RecordEvent_addNumber(start, ATTR_START_PPID, i == 0 ? 1 : (int64_t)this->procs[0].pid);
   RecordEvent_addNumber(start, ATTR_START_GENERATION, generation);
}

void RecordSim_init(RecordSim* this, int processes, uint64_t seed, int64_t startWallUs) {
   memset(this, 0, sizeof(*this));
   this->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
   this->count = processes < 1 ? 1 : processes;
   this->procs = xCalloc((size_t)this->count, sizeof(RecordSimProcess));
   this->events = xCalloc((size_t)this->count * 2 + 8, sizeof(RecordEvent));
   this->text = xCalloc((size_t)this->count * 2 + 8, RECORDSIM_CMDLINE_SIZE);
   this->wallUs = startWallUs;
   this->monoUs = 86400LL * 1000000;
   this->smapsEvery = 10;
   this->nextPid = 4000;
   RecordTick_init(&this->tick);
}

void RecordSim_done(RecordSim* this) {
   free(this->procs);
   free(this->events);
   free(this->text);
   RecordTick_done(&this->tick);
}

static void RecordSim_firstEvents(RecordSim* this) {
   RecordEvent* host = RecordSim_event(this, EVENT_INFO, RECORD_SCOPE_HOST, NULL);
   RecordEvent_addText(host, ATTR_HOST_TRAFFIC_SOURCE, "tcp connections (established)");
   RecordEvent_addText(host, ATTR_HOST_TRAFFIC_UNIT, "connections");
   RecordEvent_addNumber(host, ATTR_HOST_INTERVAL_US, 1000000);
   RecordEvent_addNumber(host, ATTR_HOST_SMAPS_INTERVAL_US, this->smapsEvery * 1000000LL);
   RecordEvent_addNumber(host, ATTR_HOST_TRAFFIC_SCALE, 1);
   /* The tree's info: its root is the master, started first. */
   RecordSim_startProcess(this, 0, 1);
   RecordEvent* tree = RecordSim_event(this, EVENT_INFO, RECORD_SCOPE_TREE, &this->procs[0]);
   RecordEvent_addText(tree, ATTR_TREE_NAME, "gunicorn");
   RecordEvent_addText(tree, ATTR_TREE_CGROUP_PATH, "/sys/fs/cgroup/system.slice/app.service");
   RecordEvent_addNumber(tree, ATTR_TREE_CGROUP_VERSION, 2);
}

/* Every hour one worker reaches its max-requests and is replaced. */
static void RecordSim_recycle(RecordSim* this) {
   int i = 1 + (int)((this->ticks / 3600) % (this->count - 1));
   RecordSimProcess* p = &this->procs[i];
   RecordEvent* exit = RecordSim_event(this, EVENT_PROCESS_EXIT, RECORD_SCOPE_PROCESS, p);
   RecordEvent_addNumber(exit, ATTR_EXIT_HOW, EXIT_HOW_EXITED);
   RecordEvent_addNumber(exit, ATTR_EXIT_CODE, 0);
   RecordEvent_addText(exit, ATTR_EXIT_TEXT, "exit 0");
   RecordEvent_addNumber(exit, ATTR_EXIT_PEAK_RSS, p->peakKiB);
   RecordEvent_addNumber(exit, ATTR_EXIT_GENERATION, p->generation);
   this->exitedTotal++;
   RecordSim_startProcess(this, i, p->generation + 1);
}

static void RecordSim_process(RecordSim* this, int i, RecordRow* row, bool smaps) {
   RecordSimProcess* p = &this->procs[i];
   bool worker = i > 0;
   int64_t requests = worker ? RecordSim_uniform(this, 0, 40) : 0;
   p->cpu += worker ? RecordSim_uniform(this, 0, 30) : RecordSim_uniform(this, 0, 2);
   p->ctxVoluntary += worker ? 20 + requests * 4 + RecordSim_uniform(this, 0, 20) : 10;
   p->ctxInvoluntary += RecordSim_uniform(this, 0, worker ? 12 : 1);
   /* Growth comes in whole pages; churn moves RSS a few pages either way. */
   p->leakCarry += p->leakPerMinKiB;
   int64_t pages = p->leakCarry / (60 * 4);
   p->leakCarry -= pages * 60 * 4;
   if (RecordSim_uniform(this, 0, 9) < 3)
      pages += RecordSim_uniform(this, -3, 3);
   p->rssKiB += pages * 4;
   if (RecordSim_uniform(this, 0, 99) == 0)
      p->fileKiB += 4 * RecordSim_uniform(this, -2, 2);
   if (p->rssKiB > p->peakKiB)
      p->peakKiB = p->rssKiB;
   RecordRow_set(row, RF_PROC_CPU_TICKS - 1, p->cpu);
   RecordRow_set(row, RF_PROC_CTX_VOLUNTARY - 1, p->ctxVoluntary);
   RecordRow_set(row, RF_PROC_CTX_INVOLUNTARY - 1, p->ctxInvoluntary);
   RecordRow_set(row, RF_PROC_RSS - 1, p->rssKiB);
   RecordRow_set(row, RF_PROC_RSS_ANON - 1, p->rssKiB - p->fileKiB - p->shmemKiB);
   if (worker)
      RecordRow_set(row, RF_PROC_TRAFFIC_DELTA - 1, requests);
   RecordRow_set(row, RF_PROC_RSS_FILE - 1, p->fileKiB);
   if (smaps) {
      p->pssKiB = p->rssKiB * 7 / 10 + RecordSim_uniform(this, -40, 40);
      p->ussKiB = p->rssKiB * 6 / 10 + RecordSim_uniform(this, -20, 20);
      RecordRow_set(row, RF_PROC_PSS - 1, p->pssKiB);
      RecordRow_set(row, RF_PROC_USS - 1, p->ussKiB);
      RecordRow_set(row, RF_PROC_SWAP - 1, p->swapKiB);
   }
   RecordRow_set(row, RF_PROC_RSS_SHMEM - 1, p->shmemKiB);
   RecordRow_set(row, RF_PROC_PEAK_RSS - 1, p->peakKiB);
   RecordRow_set(row, RF_PROC_STATE - 1, RecordSim_uniform(this, 0, 9) == 0 ? 'R' : 'S');
   RecordRow_set(row, RF_PROC_IDLE - 1, worker && requests == 0);
   RecordRow_set(row, RF_PROC_VERDICT - 1, this->ticks < 120 ? 0 : (i == 1 ? 3 : 1));
   RecordRow_set(row, RF_PROC_VERDICT_REASON - 1, 0);
   RecordRow_set(row, RF_PROC_SNAPSHOT_VERDICT - 1, 0);
   RecordRow_set(row, RF_PROC_PPID - 1, worker ? (int64_t)this->procs[0].pid : 1);
   RecordRow_set(row, RF_PROC_ROLE - 1, worker ? 1 : 0);
   RecordRow_set(row, RF_PROC_GENERATION - 1, p->generation);
   RecordRow_set(row, RF_PROC_DEPTH - 1, worker ? 1 : 0);
}

const RecordTick* RecordSim_next(RecordSim* this) {
   this->eventCount = 0;
   if (this->ticks == 0)
      RecordSim_firstEvents(this);
   for (int i = 1; i < this->count && this->ticks == 0; i++)
      RecordSim_startProcess(this, i, 1);
   if (this->ticks > 0 && this->count > 1 && this->ticks % 3600 == 0)
      RecordSim_recycle(this);
   /* Ticks are late by a few milliseconds, as a sleeping sampler is. */
   int64_t jitter = RecordSim_uniform(this, 0, 3000);
   RecordTick* t = &this->tick;
   RecordTick_clear(t, this->wallUs + jitter, this->monoUs + jitter);
   bool smaps = this->ticks % this->smapsEvery == 0;
   int64_t rss = 0;
   RecordRow* tree = RecordTick_addTree(t, this->procs[0].pid, this->procs[0].startTicks);
   int64_t traffic = 0;
   for (int i = 0; i < this->count; i++) {
      RecordRow* row = RecordTick_addProcess(t, this->procs[i].pid, this->procs[i].startTicks);
      RecordSim_process(this, i, row, smaps);
      rss += this->procs[i].rssKiB;
      int64_t delta;
      if (RecordRow_get(row, RF_PROC_TRAFFIC_DELTA - 1, &delta))
         traffic += delta;
   }
   RecordRow_set(&t->host, RF_HOST_TICK - 1, this->ticks + 1);
   RecordRow_set(&t->host, RF_HOST_MEM_AVAILABLE - 1,
                 8LL * 1024 * 1024 - rss + RecordSim_uniform(this, -2000, 2000));
   RecordRow_set(&t->host, RF_HOST_MEM_TOTAL - 1, 16LL * 1024 * 1024);
   RecordRow_set(tree, RF_TREE_CGROUP_CURRENT - 1,
                 rss * 1024 + RecordSim_uniform(this, 0, 1 << 20));
   RecordRow_set(tree, RF_TREE_TRAFFIC_DELTA - 1, traffic);
   RecordRow_set(tree, RF_TREE_CGROUP_LIMIT - 1, 4LL << 30);
   RecordRow_set(tree, RF_TREE_OOM_KILLS - 1, 0);
   RecordRow_set(tree, RF_TREE_VERDICT - 1, this->ticks < 120 ? 0 : 2);
   RecordRow_set(tree, RF_TREE_TRAFFIC_IDLE - 1, traffic == 0);
   RecordRow_set(tree, RF_TREE_TRAFFIC_SPLIT - 1, 0);
   RecordRow_set(tree, RF_TREE_ROOT_EXITED - 1, 0);
   RecordRow_set(tree, RF_TREE_EXITED_TOTAL - 1, this->exitedTotal);
   this->ticks++;
   this->wallUs += 1000000;
   this->monoUs += 1000000;
   return t;
}
