#include "config.h"

#include "ScriptedSource.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample/CodeProbe.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

#define SCRIPTED_MAX   64
#define SCRIPTED_HERTZ 100

typedef struct ScriptedProcess {
   ProcSample sample;
   char name[32];
   char how[40];
   double trafficPerTick;
   int childrenReads;      /* of its children list */
   uint64_t execId, exeId; /* its exec identity (sample/CodeProbe.h); 0: unknown */
   uint32_t closeWait;
   int fdReads; /* of what its fds are */
   bool present;
} ScriptedProcess;

typedef struct ScriptedHost {
   ScriptedProcess procs[SCRIPTED_MAX];
   ProcSample listed[SCRIPTED_MAX];
   double tickSeconds;
   double now;
   bool started;
   uint64_t limitKiB, hostKiB;
   uint64_t oomKills;
} ScriptedHost;

static ScriptedHost* ScriptedSource_host(const SampleSource* this) {
   return (ScriptedHost*)this->priv;
}

static ScriptedProcess* ScriptedSource_find(const SampleSource* this, pid_t pid) {
   ScriptedHost* host = ScriptedSource_host(this);
   for (int i = 0; i < SCRIPTED_MAX; i++)
      if (host->procs[i].present && host->procs[i].sample.pid == pid)
         return &host->procs[i];
   return NULL;
}

/* The first call is attach time; every later one is the next tick. */
static void ScriptedSource_clock(SampleSource* this, double* monotonic, double* wall) {
   ScriptedHost* host = ScriptedSource_host(this);
   if (host->started)
      host->now += host->tickSeconds;
   host->started = true;
   *monotonic = host->now;
   *wall = this->bootTime + host->now;
}

static int ScriptedSource_listHost(SampleSource* this, ProcSample** out) {
   ScriptedHost* host = ScriptedSource_host(this);
   int n = 0;
   for (int i = 0; i < SCRIPTED_MAX; i++)
      if (host->procs[i].present)
         host->listed[n++] = host->procs[i].sample;
   *out = host->listed;
   return n;
}

static bool ScriptedSource_command(SampleSource* this, pid_t pid, char* text, size_t textSize,
                                   char* name, size_t nameSize) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   if (!p)
      return false;
   snprintf(text, textSize, "%s: scripted", p->name);
   snprintf(name, nameSize, "%s", p->name);
   return true;
}

static bool ScriptedSource_isPython(SampleSource* this, pid_t pid) {
   return ScriptedSource_find(this, pid) != NULL;
}

static int ScriptedSource_children(SampleSource* this, pid_t pid, pid_t** pids, int n,
                                   int* capacity) {
   ScriptedHost* host = ScriptedSource_host(this);
   ScriptedProcess* parent = ScriptedSource_find(this, pid);
   if (parent)
      parent->childrenReads++;
   for (int i = 0; i < SCRIPTED_MAX; i++) {
      const ScriptedProcess* p = &host->procs[i];
      if (!p->present || p->sample.ppid != pid)
         continue;
      if (n == *capacity) {
         *capacity = *capacity ? *capacity * 2 : 16;
         *pids = xReallocArray(*pids, (size_t)*capacity, sizeof(pid_t));
      }
      (*pids)[n++] = p->sample.pid;
   }
   return n;
}

static int ScriptedSource_sample(SampleSource* this, const pid_t* pids, int n, ProcSample* out) {
   int found = 0;
   for (int i = 0; i < n; i++) {
      ScriptedProcess* p = ScriptedSource_find(this, pids[i]);
      if (!p)
         continue;
      out[found] = p->sample;
      out[found].trafficKnown = p->sample.state != 'Z';
      out[found].trafficDelta = p->trafficPerTick;
      found++;
   }
   return found;
}

/* USS is the whole RSS and PSS half of it: a scripted process shares nothing
   but what it was told to. */
static void ScriptedSource_smaps(SampleSource* this, const pid_t* pids, int n, SmapsSample* out) {
   for (int i = 0; i < n; i++) {
      ScriptedProcess* p = ScriptedSource_find(this, pids[i]);
      out[i] = (SmapsSample){.pid = pids[i], .known = p != NULL, .err = p ? 0 : ESRCH};
      if (p) {
         out[i].ussKiB = p->sample.rssKiB;
         out[i].pssKiB = p->sample.rssKiB / 2;
      }
   }
}

static void ScriptedSource_fds(SampleSource* this, const pid_t* pids, int n, FdSample* out) {
   for (int i = 0; i < n; i++) {
      ScriptedProcess* p = ScriptedSource_find(this, pids[i]);
      out[i] = (FdSample){.pid = pids[i], .known = p && p->sample.fdKnown, .err = p ? 0 : ESRCH};
      if (!out[i].known)
         continue;
      p->fdReads++;
      out[i].total = p->sample.fds;
      out[i].classes[FD_CLASS_TCP] = p->closeWait;
      out[i].tcpStates[PROC_TCP_CLOSE_WAIT] = p->closeWait;
      out[i].classes[FD_CLASS_FILE] = p->sample.fds - p->closeWait;
   }
}

static bool ScriptedSource_openFilesLimit(SampleSource* this, pid_t pid, uint64_t* soft,
                                          bool* unlimited) {
   *soft = 1024;
   *unlimited = false;
   return ScriptedSource_find(this, pid) != NULL;
}

static void ScriptedSource_refreshCgroup(SampleSource* this, CgroupStatus* status) {
   ScriptedHost* host = ScriptedSource_host(this);
   uint64_t used = 0;
   for (int i = 0; i < SCRIPTED_MAX; i++)
      if (host->procs[i].present)
         used += host->procs[i].sample.rssKiB;
   status->currentBytes = used * 1024;
   status->currentKnown = true;
   status->oomKills = host->oomKills;
   status->oomKnown = true;
}

static void ScriptedSource_locateCgroup(SampleSource* this, pid_t pid, CgroupStatus* out) {
   ScriptedHost* host = ScriptedSource_host(this);
   memset(out, 0, sizeof(*out));
   out->found = true;
   out->version = 2;
   snprintf(out->path, sizeof(out->path), "/scripted/%d", (int)pid);
   out->limited = host->limitKiB > 0;
   out->limitBytes = host->limitKiB * 1024;
   ScriptedSource_refreshCgroup(this, out);
}

static bool ScriptedSource_hostMemory(SampleSource* this, uint64_t* totalKiB,
                                      uint64_t* availableKiB) {
   *totalKiB = *availableKiB = ScriptedSource_host(this)->hostKiB;
   return true;
}

static bool ScriptedSource_exitOf(SampleSource* this, pid_t pid, char* how, size_t size) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   if (!p || p->sample.state != 'Z')
      return false;
   snprintf(how, size, "%s", p->how);
   return true;
}

static void ScriptedSource_explainAbsent(SampleSource* this, pid_t pid, char* err, size_t errSize) {
   (void)this;
   snprintf(err, errSize, "no process with PID %d in the script", (int)pid);
}

static TrafficSource* ScriptedSource_newTraffic(SampleSource* this, const char* spec, char* err,
                                                size_t errSize) {
   (void)this;
   if (spec) {
      snprintf(err, errSize, "a scripted host has only its own traffic");
      return NULL;
   }
   return Traffic_newSupplied("scripted requests", "requests", 0.1);
}

/* Only the exec identity; no code files are scanned. */
static bool ScriptedSource_code(SampleSource* this, pid_t pid, bool files, CodeFacts* out) {
   (void)files;
   const ScriptedProcess* p = ScriptedSource_find(this, pid);
   if (!p || p->execId == 0)
      return false;
   memset(out, 0, sizeof(*out));
   out->execKnown = true;
   out->execId = p->execId;
   out->exeId = p->exeId;
   return true;
}

static void ScriptedSource_delete(SampleSource* this) {
   free(this->priv);
   free(this);
}

static const SampleSourceClass ScriptedSource_class = {
      .name = "scripted",
      .clock = ScriptedSource_clock,
      .listHost = ScriptedSource_listHost,
      .command = ScriptedSource_command,
      .isPython = ScriptedSource_isPython,
      .children = ScriptedSource_children,
      .sample = ScriptedSource_sample,
      .smaps = ScriptedSource_smaps,
      .fds = ScriptedSource_fds,
      .openFilesLimit = ScriptedSource_openFilesLimit,
      .locateCgroup = ScriptedSource_locateCgroup,
      .refreshCgroup = ScriptedSource_refreshCgroup,
      .hostMemory = ScriptedSource_hostMemory,
      .exitOf = ScriptedSource_exitOf,
      .explainAbsent = ScriptedSource_explainAbsent,
      .newTraffic = ScriptedSource_newTraffic,
      .code = ScriptedSource_code,
      .delete = ScriptedSource_delete,
};

SampleSource* ScriptedSource_new(double tickSeconds, uint64_t limitKiB, uint64_t hostKiB) {
   SampleSource* this = xCalloc(1, sizeof(*this));
   this->klass = &ScriptedSource_class;
   this->bootTime = 1.7e9;
   this->hertz = SCRIPTED_HERTZ;
   ScriptedHost* host = xCalloc(1, sizeof(*host));
   host->tickSeconds = tickSeconds;
   host->now = 1000;
   host->limitKiB = limitKiB;
   host->hostKiB = hostKiB;
   this->priv = host;
   return this;
}

void ScriptedSource_spawn(SampleSource* this, pid_t pid, pid_t ppid, const char* name,
                          uint64_t rssKiB) {
   ScriptedHost* host = ScriptedSource_host(this);
   for (int i = 0; i < SCRIPTED_MAX; i++) {
      ScriptedProcess* p = &host->procs[i];
      if (p->present)
         continue;
      memset(p, 0, sizeof(*p));
      p->present = true;
      snprintf(p->name, sizeof(p->name), "%s", name);
      p->sample.pid = pid;
      p->sample.ppid = ppid;
      /* The tick after: a process started between two ticks. */
      p->sample.startTicks = (unsigned long long)((host->now + host->tickSeconds) * SCRIPTED_HERTZ);
      p->sample.state = 'S';
      p->sample.memKnown = true;
      p->sample.rssKiB = p->sample.anonKiB = rssKiB;
      p->sample.ctxKnown = true;
      /* fork() keeps the parent's exec identity. */
      const ScriptedProcess* parent = ScriptedSource_find(this, ppid);
      if (parent) {
         p->execId = parent->execId;
         p->exeId = parent->exeId;
      }
      return;
   }
}

void ScriptedSource_exec(SampleSource* this, pid_t pid, uint64_t execId, uint64_t exeId) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   if (p) {
      p->execId = execId;
      p->exeId = exeId;
   }
}

void ScriptedSource_advance(SampleSource* this, double seconds) {
   ScriptedSource_host(this)->now += seconds;
}

void ScriptedSource_setRss(SampleSource* this, pid_t pid, uint64_t rssKiB) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   p->sample.rssKiB = p->sample.anonKiB = rssKiB;
}

void ScriptedSource_setTraffic(SampleSource* this, pid_t pid, double perTick) {
   ScriptedSource_find(this, pid)->trafficPerTick = perTick;
}

void ScriptedSource_exit(SampleSource* this, pid_t pid, const char* how) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   if (!how) {
      p->present = false;
      return;
   }
   p->sample.state = 'Z';
   p->sample.memKnown = false;
   p->sample.rssKiB = p->sample.anonKiB = 0;
   snprintf(p->how, sizeof(p->how), "%s", how);
}

void ScriptedSource_reap(SampleSource* this, pid_t pid) {
   ScriptedSource_find(this, pid)->present = false;
}

void ScriptedSource_oomKill(SampleSource* this) {
   ScriptedSource_host(this)->oomKills++;
}

uint64_t ScriptedSource_rss(const SampleSource* this, pid_t pid) {
   return ScriptedSource_find(this, pid)->sample.rssKiB;
}

void ScriptedSource_setStatHash(SampleSource* this, pid_t pid, uint64_t hash) {
   ScriptedSource_find(this, pid)->sample.statHash = hash;
}

int ScriptedSource_childrenReads(const SampleSource* this, pid_t pid) {
   return ScriptedSource_find(this, pid)->childrenReads;
}

void ScriptedSource_setFds(SampleSource* this, pid_t pid, uint32_t fds, uint32_t closeWait,
                           unsigned threads) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   p->sample.fdKnown = true;
   p->sample.fds = fds;
   p->sample.threads = threads;
   p->closeWait = closeWait;
}

void ScriptedSource_hideFds(SampleSource* this, pid_t pid, int err) {
   ScriptedProcess* p = ScriptedSource_find(this, pid);
   p->sample.fdKnown = false;
   p->sample.fdErr = err;
}

int ScriptedSource_fdReads(const SampleSource* this, pid_t pid) {
   return ScriptedSource_find(this, pid)->fdReads;
}
