#include "config.h"

#include "record/Recorder.h"

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traffic/Traffic.h"
#include "util/XUtils.h"

/* What the previous capture saw of a process, to tell starts, exits and
   verdict changes from it. */
typedef struct RecorderProc {
   pid_t pid;
   unsigned long long startTicks;
   pid_t rootPid;
   unsigned long long rootStart;
   unsigned verdict, reason; /* the format's values */
} RecorderProc;

typedef struct RecorderTree {
   pid_t rootPid;
   unsigned long long rootStart;
   unsigned verdict;
   bool oomKnown;
   uint64_t oomKills;
   unsigned deploys; /* DeployWatch.total */
   char* info;       /* name, cgroup path and version as last written, to see a change */
} RecorderTree;

typedef struct RecorderHost {
   char source[48], unit[16], notice[320];
   int64_t intervalUs, smapsUs, windowUs;
   int scale;
} RecorderHost;

struct Recorder {
   int index[RECORD_SCOPES][RECORD_FIELDS_MAX]; /* by field id: its index, or -1 */
   pid_t pid;
   char writer[64];
   bool started;
   bool haveHost;
   RecorderHost host;

   RecorderProc* procs; /* of the last capture, sorted by (pid, start) */
   int procCount;
   RecorderTree* trees;
   int treeCount;

   RecordTick tick;
   RecordEvent* events;
   int eventCount, eventCapacity;
   char** texts; /* copies the events' bytes point into, freed at the next capture */
   int textCount, textCapacity;
};

Recorder* Recorder_new(const RecordSchema* schema, pid_t pid, const char* writer) {
   Recorder* this = xCalloc(1, sizeof(*this));
   for (int s = 0; s < RECORD_SCOPES; s++)
      for (unsigned id = 0; id < RECORD_FIELDS_MAX; id++)
         this->index[s][id] = RecordSchema_find(schema, (RecordScope)s, id, STAT_RAW);
   this->pid = pid;
   snprintf(this->writer, sizeof(this->writer), "%s", writer);
   RecordTick_init(&this->tick);
   return this;
}

static void Recorder_freeTexts(Recorder* this) {
   for (int i = 0; i < this->textCount; i++)
      free(this->texts[i]);
   this->textCount = 0;
}

static void Recorder_freeTrees(RecorderTree* trees, int count) {
   for (int i = 0; i < count; i++)
      free(trees[i].info);
   free(trees);
}

void Recorder_delete(Recorder* this) {
   if (!this)
      return;
   Recorder_freeTexts(this);
   free(this->texts);
   free(this->events);
   free(this->procs);
   Recorder_freeTrees(this->trees, this->treeCount);
   RecordTick_done(&this->tick);
   free(this);
}

/* ---- the format's enum values ------------------------------------------ */

/* Each C enum is mapped by name: the format's numbers are fixed by the
   document, whatever order the model's enums take later. */
static unsigned Recorder_role(ProcessRole role) {
   switch (role) {
   case ROLE_MASTER:
      return 0;
   case ROLE_WORKER:
      return 1;
   case ROLE_CHILD:
      return 2;
   case ROLE_SINGLE:
      return 3;
   }
   return 3;
}

static unsigned Recorder_growthVerdict(GrowthVerdict verdict) {
   switch (verdict) {
   case VERDICT_WARMING_UP:
      return 0;
   case VERDICT_STABLE:
      return 1;
   case VERDICT_PLATEAU:
      return 2;
   case VERDICT_GROWS_WITH_TIME:
      return 3;
   case VERDICT_GROWS_WITH_TRAFFIC:
      return 4;
   case VERDICT_SPIKES:
      return 5;
   case VERDICT_INCONCLUSIVE:
      return 6;
   }
   return 6;
}

static unsigned Recorder_reason(GrowthReason reason) {
   switch (reason) {
   case REASON_NONE:
      return 0;
   case REASON_TRAFFIC_CONSTANT:
      return 1;
   case REASON_TOO_NOISY:
      return 2;
   case REASON_TOO_FEW_SAMPLES:
      return 3;
   case REASON_NO_TRAFFIC:
      return 4;
   }
   return 0;
}

static unsigned Recorder_treeVerdict(TreeVerdictLabel label) {
   switch (label) {
   case TREE_WARMING_UP:
      return 0;
   case TREE_STABLE:
      return 1;
   case TREE_ONE_GROWS:
      return 2;
   case TREE_SOME_GROW:
      return 3;
   case TREE_ALL_GROW:
      return 4;
   case TREE_MULTIPLICATION:
      return 5;
   case TREE_COW_UNSHARING:
      return 6;
   case TREE_RECYCLED_TRAFFIC:
      return 7;
   case TREE_RECYCLED_TIME:
      return 8;
   }
   return 0;
}

static unsigned Recorder_deployKind(DeployKind kind) {
   switch (kind) {
   case DEPLOY_CODE_CHANGED:
      return DEPLOY_KIND_CODE_CHANGED;
   case DEPLOY_REEXEC:
      return DEPLOY_KIND_REEXEC;
   case DEPLOY_NEW_MASTER:
      return DEPLOY_KIND_NEW_MASTER;
   }
   return 0;
}

static unsigned Recorder_snapshotVerdict(SnapshotVerdict verdict) {
   switch (verdict) {
   case SNAPSHOT_VERDICT_UNKNOWN:
      return 0;
   case SNAPSHOT_VERDICT_STEADY:
      return 1;
   case SNAPSHOT_VERDICT_PYTHON:
      return 2;
   case SNAPSHOT_VERDICT_NATIVE:
      return 3;
   case SNAPSHOT_VERDICT_ALLOCATOR:
      return 4;
   }
   return 0;
}

int Recorder_trafficScale(const Machine* machine) {
   return machine->traffic->klass == &CpuSource_class ? RECORDER_SCALE_CPU_SEC
                                                      : RECORDER_SCALE_COUNT;
}

/* ---- events ------------------------------------------------------------- */

static const char* Recorder_keep(Recorder* this, const void* bytes, size_t size) {
   if (this->textCount == this->textCapacity) {
      this->textCapacity = this->textCapacity ? this->textCapacity * 2 : 32;
      this->texts = xReallocArray(this->texts, (size_t)this->textCapacity, sizeof(char*));
   }
   char* copy = xMalloc(size + 1);
   memcpy(copy, bytes, size);
   copy[size] = '\0';
   this->texts[this->textCount++] = copy;
   return copy;
}

static RecordEvent* Recorder_push(Recorder* this, unsigned kind, RecordScope scope, pid_t pid,
                                  unsigned long long startTicks) {
   if (this->eventCount == this->eventCapacity) {
      this->eventCapacity = this->eventCapacity ? this->eventCapacity * 2 : 16;
      this->events = xReallocArray(this->events, (size_t)this->eventCapacity, sizeof(RecordEvent));
   }
   RecordEvent* e = &this->events[this->eventCount++];
   RecordEvent_init(e, kind, scope, (uint64_t)pid, startTicks, this->tick.wallUs);
   return e;
}

void Recorder_addBytes(Recorder* this, RecordEvent* event, unsigned id, const void* bytes,
                       size_t size) {
   RecordEvent_addBytes(event, id, Recorder_keep(this, bytes, size), size);
}

static void Recorder_addText(Recorder* this, RecordEvent* event, unsigned id, const char* text) {
   Recorder_addBytes(this, event, id, text, strlen(text));
}

static int64_t Recorder_us(double seconds) {
   return (int64_t)llround(seconds * 1e6);
}

/* Host info at the start and whenever one of its values changes. */
static void Recorder_hostInfo(Recorder* this, const Machine* machine) {
   RecorderHost now;
   memset(&now, 0, sizeof(now));
   snprintf(now.source, sizeof(now.source), "%s", Traffic_displayName(machine->traffic));
   snprintf(now.unit, sizeof(now.unit), "%s", Traffic_unit(machine->traffic));
   snprintf(now.notice, sizeof(now.notice), "%s", machine->notice);
   now.intervalUs = Recorder_us(machine->opts->delay);
   now.smapsUs = Recorder_us(machine->opts->smapsInterval);
   now.windowUs = Recorder_us(machine->opts->growthWindow);
   now.scale = Recorder_trafficScale(machine);
   if (this->haveHost && memcmp(&now, &this->host, sizeof(now)) == 0)
      return;
   this->host = now;
   this->haveHost = true;
   RecordEvent* e = Recorder_push(this, EVENT_INFO, RECORD_SCOPE_HOST, 0, 0);
   Recorder_addText(this, e, ATTR_HOST_TRAFFIC_SOURCE, now.source);
   Recorder_addText(this, e, ATTR_HOST_TRAFFIC_UNIT, now.unit);
   Recorder_addText(this, e, ATTR_HOST_NOTICE, now.notice);
   RecordEvent_addNumber(e, ATTR_HOST_INTERVAL_US, now.intervalUs);
   RecordEvent_addNumber(e, ATTR_HOST_SMAPS_INTERVAL_US, now.smapsUs);
   RecordEvent_addNumber(e, ATTR_HOST_GROWTH_WINDOW_US, now.windowUs);
   RecordEvent_addNumber(e, ATTR_HOST_TRAFFIC_SCALE, now.scale);
}

static int Recorder_compareProc(const void* a, const void* b) {
   const RecorderProc* x = a;
   const RecorderProc* y = b;
   if (x->pid != y->pid)
      return (x->pid > y->pid) - (x->pid < y->pid);
   return (x->startTicks > y->startTicks) - (x->startTicks < y->startTicks);
}

static const RecorderProc* Recorder_findProc(const RecorderProc* procs, int n, pid_t pid,
                                             unsigned long long startTicks) {
   if (n == 0)
      return NULL;
   RecorderProc key = {.pid = pid, .startTicks = startTicks};
   return bsearch(&key, procs, (size_t)n, sizeof(RecorderProc), Recorder_compareProc);
}

bool Recorder_records(const Recorder* this, pid_t pid, unsigned long long startTicks) {
   return Recorder_findProc(this->procs, this->procCount, pid, startTicks) != NULL;
}

static const RecorderTree* Recorder_findTree(const RecorderTree* trees, int n, pid_t rootPid,
                                             unsigned long long rootStart) {
   for (int i = 0; i < n; i++)
      if (trees[i].rootPid == rootPid && trees[i].rootStart == rootStart)
         return &trees[i];
   return NULL;
}

/* The exit code the how text carries: "exit 3", "killed by SIGKILL". */
static bool Recorder_exitCode(const char* how, int* code) {
   if (strncmp(how, "exit ", 5) == 0) {
      *code = atoi(how + 5);
      return true;
   }
   if (strncmp(how, "killed by SIG", 13) == 0) {
      const char* name = how + 13;
      size_t len = strcspn(name, " (");
      for (int sig = 1; sig < 65; sig++) {
         const char* abbrev = sigabbrev_np(sig);
         if (abbrev && strlen(abbrev) == len && strncmp(abbrev, name, len) == 0) {
            *code = sig;
            return true;
         }
      }
   }
   return false;
}

static unsigned Recorder_exitHow(const char* how) {
   if (strstr(how, "OOM kill"))
      return EXIT_HOW_OOM_KILL;
   if (strncmp(how, "exit ", 5) == 0)
      return EXIT_HOW_EXITED;
   if (strncmp(how, "killed by ", 10) == 0)
      return EXIT_HOW_SIGNAL;
   return EXIT_HOW_UNKNOWN;
}

/* The summary the tree kept of a process that ended, or NULL when its ring
   has already passed over it. */
static const ExitedProcess* Recorder_exited(const ProcessTree* tree, pid_t pid,
                                            unsigned long long startTicks) {
   for (int age = 0; age < tree->exitedKept; age++) {
      const ExitedProcess* e = ProcessTree_exited(tree, age);
      if (e->pid == pid && e->startTicks == startTicks)
         return e;
   }
   return NULL;
}

static void Recorder_exitEvent(Recorder* this, const RecorderProc* gone, const ProcessTree* tree) {
   RecordEvent* e =
         Recorder_push(this, EVENT_PROCESS_EXIT, RECORD_SCOPE_PROCESS, gone->pid, gone->startTicks);
   const ExitedProcess* x = tree ? Recorder_exited(tree, gone->pid, gone->startTicks) : NULL;
   if (!x) {
      RecordEvent_addNumber(e, ATTR_EXIT_HOW, EXIT_HOW_UNKNOWN);
      return;
   }
   RecordEvent_addNumber(e, ATTR_EXIT_HOW, Recorder_exitHow(x->how));
   int code;
   if (Recorder_exitCode(x->how, &code))
      RecordEvent_addNumber(e, ATTR_EXIT_CODE, code);
   Recorder_addText(this, e, ATTR_EXIT_TEXT, x->how);
   RecordEvent_addNumber(e, ATTR_EXIT_LIFETIME_US, Recorder_us(x->lifetime));
   RecordEvent_addNumber(e, ATTR_EXIT_PEAK_RSS, (int64_t)x->peakRssKiB);
   RecordEvent_addNumber(e, ATTR_EXIT_GENERATION, x->generation);
   Recorder_addText(this, e, ATTR_EXIT_NAME, x->name);
}

/* The tree a process of the last capture belonged to, live or dropped by
   this scan. */
static const ProcessTree* Recorder_treeOf(const Machine* machine, const RecorderProc* p) {
   for (int t = 0; t < machine->treeCount + machine->droppedCount; t++) {
      const ProcessTree* tree =
            t < machine->treeCount ? machine->trees[t] : machine->dropped[t - machine->treeCount];
      const Process* root = ProcessTree_root(tree);
      if (root->pid == p->rootPid && root->startTicks == p->rootStart)
         return tree;
   }
   return NULL;
}

/* Exits: processes of the last capture that this one no longer has. */
static void Recorder_exits(Recorder* this, const Machine* machine, const RecorderProc* now,
                           int nowCount) {
   for (int i = 0; i < this->procCount; i++) {
      const RecorderProc* old = &this->procs[i];
      if (!Recorder_findProc(now, nowCount, old->pid, old->startTicks))
         Recorder_exitEvent(this, old, Recorder_treeOf(machine, old));
   }
}

static void Recorder_verdictEvent(Recorder* this, RecordScope scope, pid_t pid,
                                  unsigned long long startTicks, unsigned from, unsigned to,
                                  const unsigned* reason) {
   RecordEvent* e = Recorder_push(this, EVENT_VERDICT_CHANGE, scope, pid, startTicks);
   RecordEvent_addNumber(e, ATTR_VERDICT_FROM, from);
   RecordEvent_addNumber(e, ATTR_VERDICT_TO, to);
   if (reason)
      RecordEvent_addNumber(e, ATTR_VERDICT_REASON, *reason);
}

/* A process's info and start the first time it is seen; a verdict change
   after that. */
static void Recorder_processEvents(Recorder* this, const Process* p, const RecorderProc* now) {
   const RecorderProc* old = Recorder_findProc(this->procs, this->procCount, p->pid, p->startTicks);
   if (!old) {
      RecordEvent* info =
            Recorder_push(this, EVENT_INFO, RECORD_SCOPE_PROCESS, p->pid, p->startTicks);
      Recorder_addText(this, info, ATTR_PROCESS_NAME, p->name);
      Recorder_addText(this, info, ATTR_PROCESS_CMDLINE, p->cmdline);
      RecordEvent* start =
            Recorder_push(this, EVENT_PROCESS_START, RECORD_SCOPE_PROCESS, p->pid, p->startTicks);
      RecordEvent_addNumber(start, ATTR_START_PPID, p->ppid);
      RecordEvent_addNumber(start, ATTR_START_GENERATION, p->generation);
      return;
   }
   if (old->verdict != now->verdict || old->reason != now->reason)
      Recorder_verdictEvent(this, RECORD_SCOPE_PROCESS, p->pid, p->startTicks, old->verdict,
                            now->verdict, &now->reason);
}

static char* Recorder_treeInfoText(const ProcessTree* tree) {
   char text[4200];
   snprintf(text, sizeof(text), "%s\n%d\n%d\n%s", tree->name, tree->cgroup.found,
            tree->cgroup.version, tree->cgroup.path);
   return xStrdup(text);
}

/* The deploys found since the last capture, oldest first (those the
   tree's ring still holds). */
static void Recorder_deployEvents(Recorder* this, const ProcessTree* tree, unsigned before) {
   const DeployWatch* w = &tree->deploy;
   int fresh = (int)(w->total - before);
   for (int age = (fresh < w->kept ? fresh : w->kept) - 1; age >= 0; age--) {
      const DeployEvent* d = DeployWatch_event(w, age);
      const Process* root = ProcessTree_root(tree);
      RecordEvent* e =
            Recorder_push(this, EVENT_DEPLOY, RECORD_SCOPE_TREE, root->pid, root->startTicks);
      RecordEvent_addNumber(e, ATTR_DEPLOY_KIND, Recorder_deployKind(d->kind));
      RecordEvent_addNumber(e, ATTR_DEPLOY_TIME_US, Recorder_us(d->wall));
      RecordEvent_addNumber(e, ATTR_DEPLOY_PID, d->pid);
      RecordEvent_addNumber(e, ATTR_DEPLOY_START, (int64_t)d->startTicks);
      if (!isnan(d->codeChanged))
         RecordEvent_addNumber(e, ATTR_DEPLOY_CODE_CHANGED_US, Recorder_us(d->codeChanged));
      if (d->file[0])
         Recorder_addText(this, e, ATTR_DEPLOY_FILE, d->file);
   }
}

/* Tree info when it appears or its cgroup changes, its verdict changes,
   OOM kills its cgroup counted, and new code ran. */
static void Recorder_treeEvents(Recorder* this, const ProcessTree* tree, RecorderTree* now) {
   const RecorderTree* old =
         Recorder_findTree(this->trees, this->treeCount, now->rootPid, now->rootStart);
   if (!old || strcmp(old->info, now->info) != 0) {
      RecordEvent* e =
            Recorder_push(this, EVENT_INFO, RECORD_SCOPE_TREE, now->rootPid, now->rootStart);
      Recorder_addText(this, e, ATTR_TREE_NAME, tree->name);
      if (tree->cgroup.found) {
         Recorder_addText(this, e, ATTR_TREE_CGROUP_PATH, tree->cgroup.path);
         RecordEvent_addNumber(e, ATTR_TREE_CGROUP_VERSION, tree->cgroup.version);
      }
   }
   if (old && old->verdict != now->verdict)
      Recorder_verdictEvent(this, RECORD_SCOPE_TREE, now->rootPid, now->rootStart, old->verdict,
                            now->verdict, NULL);
   if (old && old->oomKnown && now->oomKnown && now->oomKills > old->oomKills) {
      RecordEvent* e =
            Recorder_push(this, EVENT_OOM_KILL, RECORD_SCOPE_TREE, now->rootPid, now->rootStart);
      RecordEvent_addNumber(e, ATTR_OOM_COUNT, (int64_t)now->oomKills);
   }
   /* A tree new to this recorder can hold deploys only from a recording
      it was primed with: written there already. */
   Recorder_deployEvents(this, tree, old ? old->deploys : tree->deploy.total);
}

/* ---- rows --------------------------------------------------------------- */

static void Recorder_set(const Recorder* this, RecordRow* row, RecordScope scope, unsigned id,
                         int64_t value) {
   int index = this->index[scope][id];
   if (index >= 0)
      RecordRow_set(row, index, value);
}

static void Recorder_hostRow(const Recorder* this, const Machine* machine, RecordRow* row) {
   Recorder_set(this, row, RECORD_SCOPE_HOST, RF_HOST_TICK, (int64_t)machine->tick);
   if (machine->hostMemKnown) {
      Recorder_set(this, row, RECORD_SCOPE_HOST, RF_HOST_MEM_AVAILABLE,
                   (int64_t)machine->memAvailableKiB);
      Recorder_set(this, row, RECORD_SCOPE_HOST, RF_HOST_MEM_TOTAL, (int64_t)machine->memTotalKiB);
   }
}

static void Recorder_treeRow(const Recorder* this, const ProcessTree* tree, int scale,
                             RecordRow* row) {
   const RecordScope s = RECORD_SCOPE_TREE;
   const CgroupStatus* cg = &tree->cgroup;
   if (cg->found && cg->currentKnown)
      Recorder_set(this, row, s, RF_TREE_CGROUP_CURRENT, (int64_t)cg->currentBytes);
   if (cg->found && cg->limited)
      Recorder_set(this, row, s, RF_TREE_CGROUP_LIMIT, (int64_t)cg->limitBytes);
   if (cg->found && cg->oomKnown)
      Recorder_set(this, row, s, RF_TREE_OOM_KILLS, (int64_t)cg->oomKills);
   Recorder_set(this, row, s, RF_TREE_VERDICT, Recorder_treeVerdict(tree->verdict.label));
   if (tree->trafficKnown) {
      Recorder_set(this, row, s, RF_TREE_TRAFFIC_DELTA, llround(tree->trafficDelta * scale));
      Recorder_set(this, row, s, RF_TREE_TRAFFIC_IDLE, tree->trafficIdle);
      Recorder_set(this, row, s, RF_TREE_TRAFFIC_SPLIT, tree->trafficSplit);
   }
   Recorder_set(this, row, s, RF_TREE_ROOT_EXITED, tree->rootGone);
   Recorder_set(this, row, s, RF_TREE_EXITED_TOTAL, tree->exitedTotal);
}

static void Recorder_processRow(const Recorder* this, const Machine* machine, const Process* p,
                                int scale, RecordRow* row) {
   const RecordScope s = RECORD_SCOPE_PROCESS;
   if (p->cpuBaseline)
      Recorder_set(this, row, s, RF_PROC_CPU_TICKS, (int64_t)p->cpuTicks);
   if (p->ctxKnown) {
      Recorder_set(this, row, s, RF_PROC_CTX_VOLUNTARY, (int64_t)p->ctxVoluntary);
      Recorder_set(this, row, s, RF_PROC_CTX_INVOLUNTARY, (int64_t)p->ctxInvoluntary);
   }
   if (p->memKnown) {
      Recorder_set(this, row, s, RF_PROC_RSS, (int64_t)p->rssKiB);
      Recorder_set(this, row, s, RF_PROC_RSS_ANON, (int64_t)p->anonKiB);
      Recorder_set(this, row, s, RF_PROC_RSS_FILE, (int64_t)p->fileKiB);
      Recorder_set(this, row, s, RF_PROC_RSS_SHMEM, (int64_t)p->shmemKiB);
   }
   if (p->memKnown || p->peakRssKiB > 0)
      Recorder_set(this, row, s, RF_PROC_PEAK_RSS, (int64_t)p->peakRssKiB);
   if (p->trafficKnown) {
      Recorder_set(this, row, s, RF_PROC_TRAFFIC_DELTA, llround(p->trafficDelta * scale));
      Recorder_set(this, row, s, RF_PROC_IDLE, p->idle);
   }
   /* Sample cadence: present only in the tick smaps_rollup was read in. */
   if (p->smapsTime >= 0 && p->smapsTime == machine->now) {
      if (p->smapsKnown) {
         Recorder_set(this, row, s, RF_PROC_PSS, (int64_t)p->pssKiB);
         Recorder_set(this, row, s, RF_PROC_USS, (int64_t)p->ussKiB);
         Recorder_set(this, row, s, RF_PROC_SWAP, (int64_t)p->swapKiB);
      } else {
         Recorder_set(this, row, s, RF_PROC_SMAPS_ERRNO, p->smapsErrno);
      }
   }
   Recorder_set(this, row, s, RF_PROC_STATE, (unsigned char)p->state);
   Recorder_set(this, row, s, RF_PROC_VERDICT, Recorder_growthVerdict(p->growth.verdict));
   Recorder_set(this, row, s, RF_PROC_VERDICT_REASON, Recorder_reason(p->growth.reason));
   Recorder_set(this, row, s, RF_PROC_SNAPSHOT_VERDICT,
                Recorder_snapshotVerdict(ProcessSnapshots_verdict(p->snapshots)));
   Recorder_set(this, row, s, RF_PROC_PPID, p->ppid);
   Recorder_set(this, row, s, RF_PROC_ROLE, Recorder_role(p->role));
   Recorder_set(this, row, s, RF_PROC_GENERATION, p->generation);
   Recorder_set(this, row, s, RF_PROC_DEPTH, p->depth);
}

/* ---- one capture -------------------------------------------------------- */

/* The processes the tick holds: a retired root stays in its tree's procs[0]
   until the tree goes, but it is no longer there to record. */
static bool Recorder_live(const ProcessTree* tree, int i) {
   return !(i == 0 && tree->rootGone);
}

static RecorderProc* Recorder_collect(const Machine* machine, int* count) {
   int n = 0;
   RecorderProc* now = xCalloc((size_t)Machine_processCount(machine) + 1, sizeof(RecorderProc));
   for (int t = 0; t < machine->treeCount; t++) {
      const ProcessTree* tree = machine->trees[t];
      const Process* root = ProcessTree_root(tree);
      for (int i = 0; i < tree->count; i++) {
         const Process* p = tree->procs[i];
         if (!Recorder_live(tree, i))
            continue;
         now[n++] = (RecorderProc){
               .pid = p->pid,
               .startTicks = p->startTicks,
               .rootPid = root->pid,
               .rootStart = root->startTicks,
               .verdict = Recorder_growthVerdict(p->growth.verdict),
               .reason = Recorder_reason(p->growth.reason),
         };
      }
   }
   if (n > 1)
      qsort(now, (size_t)n, sizeof(RecorderProc), Recorder_compareProc);
   *count = n;
   return now;
}

static void Recorder_startEvent(Recorder* this) {
   if (this->started)
      return;
   this->started = true;
   RecordEvent* e = Recorder_push(this, EVENT_RECORDER_START, RECORD_SCOPE_HOST, 0, 0);
   RecordEvent_addNumber(e, ATTR_RECORDER_PID, this->pid);
   Recorder_addText(this, e, ATTR_RECORDER_WRITER, this->writer);
}

void Recorder_capture(Recorder* this, const Machine* machine) {
   Recorder_freeTexts(this);
   this->eventCount = 0;
   RecordTick_clear(&this->tick, Recorder_us(machine->wallNow), Recorder_us(machine->now));
   Recorder_startEvent(this);
   Recorder_hostInfo(this, machine);
   Recorder_hostRow(this, machine, &this->tick.host);

   int nowCount;
   RecorderProc* now = Recorder_collect(machine, &nowCount);
   Recorder_exits(this, machine, now, nowCount);

   int scale = Recorder_trafficScale(machine);
   RecorderTree* trees = xCalloc((size_t)machine->treeCount + 1, sizeof(RecorderTree));
   for (int t = 0; t < machine->treeCount; t++) {
      const ProcessTree* tree = machine->trees[t];
      const Process* root = ProcessTree_root(tree);
      trees[t] = (RecorderTree){
            .rootPid = root->pid,
            .rootStart = root->startTicks,
            .verdict = Recorder_treeVerdict(tree->verdict.label),
            .oomKnown = tree->cgroup.found && tree->cgroup.oomKnown,
            .oomKills = tree->cgroup.oomKills,
            .deploys = tree->deploy.total,
            .info = Recorder_treeInfoText(tree),
      };
      Recorder_treeEvents(this, tree, &trees[t]);
      RecordRow* treeRow = RecordTick_addTree(&this->tick, (uint64_t)root->pid, root->startTicks);
      Recorder_treeRow(this, tree, scale, treeRow);
      for (int i = 0; i < tree->count; i++) {
         const Process* p = tree->procs[i];
         if (!Recorder_live(tree, i))
            continue;
         Recorder_processEvents(this, p, Recorder_findProc(now, nowCount, p->pid, p->startTicks));
         RecordRow* row = RecordTick_addProcess(&this->tick, (uint64_t)p->pid, p->startTicks);
         Recorder_processRow(this, machine, p, scale, row);
      }
   }
   free(this->procs);
   this->procs = now;
   this->procCount = nowCount;
   Recorder_freeTrees(this->trees, this->treeCount);
   this->trees = trees;
   this->treeCount = machine->treeCount;
}

const RecordTick* Recorder_tick(const Recorder* this) {
   return &this->tick;
}

int Recorder_eventCount(const Recorder* this) {
   return this->eventCount;
}

const RecordEvent* Recorder_event(const Recorder* this, int index) {
   return index >= 0 && index < this->eventCount ? &this->events[index] : NULL;
}

RecordEvent* Recorder_addProcessEvent(Recorder* this, unsigned kind, pid_t pid,
                                      unsigned long long startTicks) {
   if (!Recorder_records(this, pid, startTicks))
      return NULL;
   return Recorder_push(this, kind, RECORD_SCOPE_PROCESS, pid, startTicks);
}

int Recorder_write(const Recorder* this, Store* store) {
   int first = 0;
   for (int i = 0; i < this->eventCount; i++) {
      int rc = Store_appendEvent(store, &this->events[i]);
      if (rc && !first)
         first = rc;
   }
   int rc = Store_appendTick(store, &this->tick);
   return first ? first : rc;
}
