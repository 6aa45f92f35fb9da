#include "config.h"

#include "model/Machine.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/TimeToLimit.h"
#include "model/DeployScan.h"
#include "sample/LiveSource.h"
#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"
#include "sample/SampleSource.h"
#include "traffic/Traffic.h"
#include "traffic/TrafficChoice.h"
#include "util/XUtils.h"

/* A lone Python process (no children) is a service worth showing when large. */
#define MACHINE_LONE_PYTHON_MIN_KIB (64 * 1024)
/* How often the host is searched for new trees (no-target and pattern modes). */
#define MACHINE_DISCOVERY_SECONDS 5.0

typedef struct PythonCacheEntry {
   pid_t pid;
   unsigned long long startTicks;
   bool python;
} PythonCacheEntry;

typedef struct MachinePrivate {
   regex_t* patterns;
   int patternCount;
   PythonCacheEntry* pythonCache;
   int pythonCacheCount;
   ProcSample* samples; /* sorted by pid for lookup */
   int sampleCount;
   int sampleCapacity;
   bool trafficChosen; /* the automatic source was fitted to the first trees seen */
} MachinePrivate;

static MachinePrivate* Machine_private(const Machine* this) {
   return (MachinePrivate*)this->priv;
}

static int ProcSample_compare(const void* a, const void* b) {
   pid_t x = ((const ProcSample*)a)->pid;
   pid_t y = ((const ProcSample*)b)->pid;
   return (x > y) - (x < y);
}

static const ProcSample* Machine_findSample(const ProcSample* sorted, int n, pid_t pid) {
   if (n == 0)
      return NULL;
   ProcSample key = {.pid = pid};
   return bsearch(&key, sorted, (size_t)n, sizeof(ProcSample), ProcSample_compare);
}

/* Every process on the host, sorted by PID for Machine_findSample(). */
static int Machine_listHost(Machine* this, ProcSample** listed) {
   int n = this->source->klass->listHost(this->source, listed);
   if (n > 1)
      qsort(*listed, (size_t)n, sizeof(ProcSample), ProcSample_compare);
   return n;
}

/* ---- trees ---------------------------------------------------------- */

static Machine* Machine_alloc(const Options* opts, SampleSource* source) {
   Machine* this = xCalloc(1, sizeof(*this));
   this->opts = opts;
   this->source = source;
   this->priv = xCalloc(1, sizeof(MachinePrivate));
   this->lastSmaps = -1;
   this->lastFds = -1;
   this->lastDiscovery = -1;
   this->lastChildScan = -1e9;
   this->scanFlags = SCAN_ALL;
   source->klass->clock(source, &this->now, &this->wallNow);
   return this;
}

static Process* Machine_newProcess(Machine* this, const ProcSample* s) {
   Process* p = Process_new(s->pid, s->startTicks, this->opts->delay, this->now);
   p->ppid = s->ppid;
   p->state = s->state;
   p->startEpoch = this->source->bootTime + (double)s->startTicks / (double)this->source->hertz;
   char text[4096];
   char name[sizeof(p->name)];
   if (this->source->klass->command(this->source, s->pid, text, sizeof(text), name, sizeof(name))) {
      Process_setCmdline(p, text);
      snprintf(p->name, sizeof(p->name), "%s", name);
   } else {
      snprintf(p->name, sizeof(p->name), "?");
   }
   return p;
}

static void Machine_addTree(Machine* this, ProcessTree* tree) {
   if (this->treeCount == this->treeCapacity) {
      this->treeCapacity = this->treeCapacity ? this->treeCapacity * 2 : 4;
      this->trees = xReallocArray(this->trees, (size_t)this->treeCapacity, sizeof(ProcessTree*));
   }
   this->trees[this->treeCount++] = tree;
   this->source->klass->locateCgroup(this->source, ProcessTree_root(tree)->pid, &tree->cgroup);
}

static bool Machine_tracks(const Machine* this, pid_t pid, unsigned long long startTicks) {
   return Machine_findProcess(this, pid, startTicks, NULL) != NULL;
}

/* Builds the tree rooted at root from a host-wide listing (sorted by pid). */
static void Machine_adoptSubtree(Machine* this, const ProcSample* list, int n,
                                 const ProcSample* root) {
   ProcessTree* tree = ProcessTree_new(Machine_newProcess(this, root));
   bool* inTree = xCalloc((size_t)n + 1, sizeof(bool));
   inTree[root - list] = true;
   /* Repeated passes: each one adds the next generation down the tree. */
   bool grew = true;
   while (grew) {
      grew = false;
      for (int i = 0; i < n; i++) {
         const ProcSample* s = &list[i];
         if (inTree[i] || s->state == 'Z')
            continue;
         const ProcSample* parent = Machine_findSample(list, n, s->ppid);
         if (!parent || !inTree[parent - list])
            continue;
         inTree[i] = true;
         ProcessTree_add(tree, Machine_newProcess(this, s));
         grew = true;
      }
   }
   free(inTree);
   ProcessTree_reorder(tree);
   snprintf(tree->name, sizeof(tree->name), "%s", ProcessTree_root(tree)->name);
   Machine_addTree(this, tree);
}

/* ---- discovery ------------------------------------------------------ */

static bool Machine_isPython(Machine* this, const ProcSample* s, PythonCacheEntry* fresh,
                             int* freshCount) {
   MachinePrivate* priv = Machine_private(this);
   for (int i = 0; i < priv->pythonCacheCount; i++) {
      PythonCacheEntry* e = &priv->pythonCache[i];
      if (e->pid == s->pid && e->startTicks == s->startTicks) {
         fresh[(*freshCount)++] = *e;
         return e->python;
      }
   }
   PythonCacheEntry e = {s->pid, s->startTicks,
                         this->source->klass->isPython(this->source, s->pid)};
   fresh[(*freshCount)++] = e;
   return e.python;
}

static bool Machine_isSelfOrAncestor(const Machine* this, const ProcSample* list, int n,
                                     pid_t pid) {
   pid_t walk = this->source->self;
   for (int depth = 0; walk > 0 && depth < 64; depth++) {
      if (walk == pid)
         return true;
      const ProcSample* s = Machine_findSample(list, n, walk);
      if (!s)
         break;
      walk = s->ppid;
   }
   return false;
}

static bool Machine_matchesPattern(Machine* this, pid_t pid) {
   MachinePrivate* priv = Machine_private(this);
   char text[4096];
   char name[64];
   if (!this->source->klass->command(this->source, pid, text, sizeof(text), name, sizeof(name)))
      return false;
   for (int i = 0; i < priv->patternCount; i++)
      if (regexec(&priv->patterns[i], text, 0, NULL, 0) == 0)
         return true;
   return false;
}

/* Finds new trees on the whole host: Python roots, or pattern matches. */
static void Machine_discover(Machine* this) {
   MachinePrivate* priv = Machine_private(this);
   ProcSample* listed;
   int n = Machine_listHost(this, &listed);
   this->lastDiscovery = this->now;

   int* children = xCalloc((size_t)n + 1, sizeof(int));
   for (int i = 0; i < n; i++) {
      const ProcSample* parent = Machine_findSample(listed, n, listed[i].ppid);
      if (parent)
         children[parent - listed]++;
   }
   bool* candidate = xCalloc((size_t)n + 1, sizeof(bool));
   PythonCacheEntry* fresh = xCalloc((size_t)n + 1, sizeof(PythonCacheEntry));
   int freshCount = 0;
   for (int i = 0; i < n; i++) {
      const ProcSample* s = &listed[i];
      if (s->state == 'Z' || s->pid == this->source->self || (s->flags & PROC_PF_KTHREAD))
         continue;
      if (this->source->klass->isRoot) {
         candidate[i] = this->source->klass->isRoot(this->source, s->pid);
      } else if (this->opts->mode == TARGET_PATTERNS) {
         candidate[i] = !Machine_isSelfOrAncestor(this, listed, n, s->pid) &&
                        Machine_matchesPattern(this, s->pid);
      } else if (children[i] > 0 || s->rssKiB >= MACHINE_LONE_PYTHON_MIN_KIB) {
         candidate[i] = Machine_isPython(this, s, fresh, &freshCount);
      }
   }
   free(priv->pythonCache);
   priv->pythonCache = fresh;
   priv->pythonCacheCount = freshCount;

   for (int i = 0; i < n; i++) {
      const ProcSample* s = &listed[i];
      if (!candidate[i] || Machine_tracks(this, s->pid, s->startTicks))
         continue;
      /* Only the topmost match roots a tree: its descendants belong to it. */
      bool nested = false;
      const ProcSample* up = Machine_findSample(listed, n, s->ppid);
      for (int depth = 0; up && depth < 64 && !nested; depth++) {
         nested = candidate[up - listed] || Machine_tracks(this, up->pid, up->startTicks);
         up = Machine_findSample(listed, n, up->ppid);
      }
      if (nested)
         continue;
      if (!this->source->klass->isRoot && this->opts->mode == TARGET_ALL_PYTHON &&
          children[i] == 0 && s->rssKiB < MACHINE_LONE_PYTHON_MIN_KIB)
         continue;
      Machine_adoptSubtree(this, listed, n, s);
   }
   free(children);
   free(candidate);
}

static bool Machine_explainPid(Machine* this, pid_t pid, const ProcSample* s, char* err,
                               size_t errSize) {
   if (!s) {
      this->source->klass->explainAbsent(this->source, pid, err, errSize);
      return false;
   }
   if (s->flags & PROC_PF_KTHREAD) {
      snprintf(err, errSize, "PID %d is a kernel thread: it has no user memory to watch", (int)pid);
      return false;
   }
   if (s->state == 'Z') {
      snprintf(err, errSize, "PID %d is a zombie: it has exited and holds no memory", (int)pid);
      return false;
   }
   return true;
}

static bool Machine_attachPids(Machine* this, char* err, size_t errSize) {
   ProcSample* listed;
   int n = Machine_listHost(this, &listed);
   const Options* opts = this->opts;
   for (int i = 0; i < opts->pidCount; i++) {
      if (!Machine_explainPid(this, opts->pids[i], Machine_findSample(listed, n, opts->pids[i]),
                              err, errSize))
         return false;
   }
   for (int i = 0; i < opts->pidCount; i++) {
      const ProcSample* s = Machine_findSample(listed, n, opts->pids[i]);
      /* A PID inside another target's subtree is shown there, not twice. */
      bool nested = false;
      const ProcSample* up = Machine_findSample(listed, n, s->ppid);
      for (int depth = 0; up && depth < 64 && !nested; depth++) {
         for (int k = 0; k < opts->pidCount; k++)
            nested |= up->pid == opts->pids[k];
         up = Machine_findSample(listed, n, up->ppid);
      }
      if (!nested && !Machine_tracks(this, s->pid, s->startTicks))
         Machine_adoptSubtree(this, listed, n, s);
   }
   return true;
}

Machine* Machine_new(const Options* opts, char* err, size_t errSize) {
   return Machine_newFrom(opts, LiveSource_new(), err, errSize);
}

Machine* Machine_newFrom(const Options* opts, SampleSource* source, char* err, size_t errSize) {
   Machine* this = Machine_alloc(opts, source);
   MachinePrivate* priv = Machine_private(this);
   this->traffic = source->klass->newTraffic(source, opts->traffic, err, errSize);
   if (!this->traffic) {
      Machine_delete(this);
      return NULL;
   }
   if (opts->mode == TARGET_PATTERNS) {
      priv->patterns = xCalloc((size_t)opts->patternCount, sizeof(regex_t));
      for (int i = 0; i < opts->patternCount; i++) {
         int rc = regcomp(&priv->patterns[i], opts->patterns[i], REG_EXTENDED | REG_NOSUB);
         if (rc != 0) {
            char why[128];
            regerror(rc, &priv->patterns[i], why, sizeof(why));
            snprintf(err, errSize, "invalid pattern '%s': %s", opts->patterns[i], why);
            priv->patternCount = i;
            Machine_delete(this);
            return NULL;
         }
         priv->patternCount = i + 1;
      }
   }
   bool ok = true;
   if (opts->mode == TARGET_PIDS) {
      ok = Machine_attachPids(this, err, errSize);
   } else if (opts->mode == TARGET_PATTERNS) {
      Machine_discover(this);
      if (this->treeCount == 0) {
         snprintf(err, errSize, "no process matches %s%s", opts->patterns[0],
                  opts->patternCount > 1 ? " (nor the other patterns)" : "");
         ok = false;
      }
   } else if (opts->mode == TARGET_ALL_PYTHON) {
      Machine_discover(this);
   }
   if (!ok) {
      Machine_delete(this);
      return NULL;
   }
   return this;
}

bool Machine_setDemoRoot(Machine* this, pid_t pid, char* err, size_t errSize) {
   ProcSample* listed;
   int n = Machine_listHost(this, &listed);
   const ProcSample* s = Machine_findSample(listed, n, pid);
   if (!Machine_explainPid(this, pid, s, err, errSize))
      return false;
   Machine_adoptSubtree(this, listed, n, s);
   return true;
}

static void Machine_forgetDropped(Machine* this) {
   for (int t = 0; t < this->droppedCount; t++)
      ProcessTree_delete(this->dropped[t]);
   this->droppedCount = 0;
}

void Machine_delete(Machine* this) {
   if (!this)
      return;
   MachinePrivate* priv = Machine_private(this);
   for (int t = 0; t < this->treeCount; t++)
      ProcessTree_delete(this->trees[t]);
   free(this->trees);
   Machine_forgetDropped(this);
   free(this->dropped);
   for (int i = 0; i < priv->patternCount; i++)
      regfree(&priv->patterns[i]);
   free(priv->patterns);
   free(priv->pythonCache);
   free(priv->samples);
   free(priv);
   Traffic_delete(this->traffic);
   SampleSource_delete(this->source);
   free(this);
}

/* ---- one tick --------------------------------------------------------- */

/* A process that did not run since its children list was read has not
   forked (a fork's parent takes copy-on-write faults, which move its stat)
   nor reaped; its list is read again anyway after this long, for a child
   reparented to it. */
#define MACHINE_CHILDREN_STAND_SECONDS 60.0

static bool Machine_childrenMayChange(const Machine* this, const Process* p) {
   return p->statHash == 0 || p->childrenTime < 0 || p->statChanged >= p->childrenTime ||
          this->now - p->childrenTime >= MACHINE_CHILDREN_STAND_SECONDS;
}

/* PIDs of every tracked process plus the children they have now. Reading a
   children list costs a directory walk of the process's threads, so every
   tick it is done for the roots and known parents (where new workers
   appear), and for every process only once per discovery period; in both,
   only for a process that ran since its list was last read. */
static int Machine_collectPids(Machine* this, pid_t** pids, int* capacity) {
   bool everyone = this->now - this->lastChildScan >= MACHINE_DISCOVERY_SECONDS;
   if (everyone)
      this->lastChildScan = this->now;
   int n = 0;
   for (int t = 0; t < this->treeCount; t++) {
      ProcessTree* tree = this->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         if (n == *capacity) {
            *capacity = *capacity ? *capacity * 2 : 64;
            *pids = xReallocArray(*pids, (size_t)*capacity, sizeof(pid_t));
         }
         (*pids)[n++] = p->pid;
         if ((everyone || i == 0 || p->hasChildren) && Machine_childrenMayChange(this, p)) {
            n = this->source->klass->children(this->source, p->pid, pids, n, capacity);
            p->childrenTime = this->now;
         }
      }
   }
   return n;
}

static int Machine_comparePid(const void* a, const void* b) {
   pid_t x = *(const pid_t*)a;
   pid_t y = *(const pid_t*)b;
   return (x > y) - (x < y);
}

static void Machine_sampleAll(Machine* this) {
   MachinePrivate* priv = Machine_private(this);
   pid_t* pids = NULL;
   int capacity = 0;
   int listed = Machine_collectPids(this, &pids, &capacity);
   /* Children lists name known workers again: sample each PID once. */
   if (listed > 1)
      qsort(pids, (size_t)listed, sizeof(pid_t), Machine_comparePid);
   int n = 0;
   for (int i = 0; i < listed; i++)
      if (n == 0 || pids[n - 1] != pids[i])
         pids[n++] = pids[i];
   if (n > priv->sampleCapacity) {
      priv->sampleCapacity = n + 16;
      priv->samples =
            xReallocArray(priv->samples, (size_t)priv->sampleCapacity, sizeof(ProcSample));
   }
   priv->sampleCount = this->source->klass->sample(this->source, pids, n, priv->samples);
   if (priv->sampleCount > 1)
      qsort(priv->samples, (size_t)priv->sampleCount, sizeof(ProcSample), ProcSample_compare);
   free(pids);
}

static void Machine_updateProcess(Machine* this, Process* p, const ProcSample* s, double interval) {
   p->seen = true;
   p->ppid = s->ppid;
   p->state = s->state;
   p->memKnown = s->memKnown;
   p->ctxKnown = s->ctxKnown;
   p->ctxVoluntary = s->ctxVoluntary;
   p->ctxInvoluntary = s->ctxInvoluntary;
   p->threads = s->threads;
   p->fdKnown = s->fdKnown;
   p->fds = s->fds;
   p->fdErrno = s->fdErr;
   ResourceInput resources = {.time = this->now};
   resources.known[RESOURCE_FDS] = s->fdKnown;
   resources.value[RESOURCE_FDS] = s->fds;
   resources.known[RESOURCE_THREADS] = s->threads > 0;
   resources.value[RESOURCE_THREADS] = s->threads;
   ResourceGrowth_add(&p->resources, &resources);
   if (s->statHash == 0 || s->statHash != p->statHash)
      p->statChanged = this->now;
   p->statHash = s->statHash;
   if (s->memKnown) {
      p->rssKiB = s->rssKiB;
      p->anonKiB = s->anonKiB;
      p->fileKiB = s->fileKiB;
      p->shmemKiB = s->shmemKiB;
      if (s->rssKiB > p->peakRssKiB)
         p->peakRssKiB = s->rssKiB;
      History_add(&p->rssHistory, this->now,
                  (uint32_t)(s->rssKiB > UINT32_MAX - 1 ? UINT32_MAX - 1 : s->rssKiB));
   } else {
      History_addUnknown(&p->rssHistory, this->now);
   }
   SumHistory_add(&p->trafficHistory, this->now, p->trafficKnown, p->trafficDelta);
   if (p->cpuBaseline && interval > 0 && s->cpuTicks >= p->cpuTicks) {
      p->cpuPercent =
            100.0 * (double)(s->cpuTicks - p->cpuTicks) / (double)this->source->hertz / interval;
      p->cpuKnown = true;
   }
   p->cpuTicks = s->cpuTicks;
   p->cpuBaseline = true;
   /* Growth classification (classify/): USS is read after this update, so
      the newest reading is the previous tick's, fed once. */
   ClassifierInput in = {
         .time = this->now,
         .rssKnown = p->memKnown,
         .rssKiB = (double)p->rssKiB,
         .trafficKnown = p->trafficKnown,
         .trafficDelta = p->trafficDelta,
         .idle = p->idle,
         .ussKnown = p->smapsKnown && p->smapsTime >= 0,
         .ussTime = p->smapsTime,
         .ussKiB = (double)p->ussKiB,
   };
   Classifier_update(&p->growth, &in);
}

/* How a process that vanished ended, when it can still be told. */
/* An OOM kill counted by the tree's cgroup within this long before a worker
   is seen gone is taken as what ended it: the kill, the exit and leaktop's
   reads of both fall in neighbouring ticks. */
#define MACHINE_OOM_WINDOW_TICKS 3

static void Machine_describeEnd(const Machine* this, const ProcessTree* tree, const Process* p,
                                char* how, size_t size) {
   bool oom = tree->lastOomKill >= 0 &&
              this->now - tree->lastOomKill <= MACHINE_OOM_WINDOW_TICKS * this->opts->delay + 0.5;
   char status[40];
   if (p->state == 'Z' &&
       this->source->klass->exitOf(this->source, p->pid, status, sizeof(status))) {
      /* The OOM killer sends SIGKILL: any other end is the process's own. */
      oom = oom && strstr(status, "SIGKILL") != NULL;
      snprintf(how, size, "%s%s", status, oom ? " (OOM kill in its cgroup)" : "");
   } else {
      snprintf(how, size, "%s", oom ? "OOM kill in its cgroup" : "exited");
   }
}

static void Machine_updateTree(Machine* this, ProcessTree* tree, double interval) {
   MachinePrivate* priv = Machine_private(this);
   uint64_t oomBefore = tree->cgroup.oomKills;
   this->source->klass->refreshCgroup(this->source, &tree->cgroup);
   if (tree->cgroup.oomKnown && tree->cgroup.oomKills > oomBefore)
      tree->lastOomKill = this->now;

   for (int i = tree->count - 1; i >= 0; i--) {
      Process* p = tree->procs[i];
      if (i == 0 && tree->rootGone)
         continue;
      const ProcSample* s = Machine_findSample(priv->samples, priv->sampleCount, p->pid);
      bool same = s && s->startTicks == p->startTicks;
      if (same && s->state == 'Z') {
         /* A zombie still tells its exit status; read it before it is reaped. */
         char how[TREE_HOW_SIZE];
         p->state = 'Z';
         Machine_describeEnd(this, tree, p, how, sizeof(how));
         ProcessTree_retire(tree, p, how, this->wallNow);
      } else if (same) {
         Machine_updateProcess(this, p, s, interval);
      } else {
         char how[TREE_HOW_SIZE];
         Machine_describeEnd(this, tree, p, how, sizeof(how));
         ProcessTree_retire(tree, p, how, this->wallNow);
      }
   }

   /* New descendants: samples whose parent is in this tree. */
   bool added = true;
   while (added) {
      added = false;
      for (int k = 0; k < priv->sampleCount; k++) {
         const ProcSample* s = &priv->samples[k];
         if (s->state == 'Z' || ProcessTree_find(tree, s->pid))
            continue;
         Process* parent = ProcessTree_find(tree, s->ppid);
         if (!parent || (parent == ProcessTree_root(tree) && tree->rootGone))
            continue;
         Process* p = Machine_newProcess(this, s);
         ProcessTree_add(tree, p);
         Machine_updateProcess(this, p, s, 0);
         added = true;
      }
   }
   ProcessTree_reorder(tree);
   DeployScan_tree(tree, this->source, this->now, this->wallNow);
   ProcessTree_updateSlots(tree, this->now, Traffic_unit(this->traffic));
   /* The tree's verdict, from its processes' (classify/TreeVerdict.h). */
   double limitKiB = tree->cgroup.limited ? (double)tree->cgroup.limitBytes / 1024
                     : this->hostMemKnown ? (double)this->memTotalKiB
                                          : NAN;
   TreeVerdict_compute(
         &tree->verdict, tree,
         TimeToLimit_headroomKiB(&tree->cgroup, this->hostMemKnown, this->memAvailableKiB),
         limitKiB);
}

/* A process whose stat has not changed since its last smaps_rollup read
   (no CPU time, no fault: copy-on-write unsharing faults too) has the same
   pages: that reading stands, for a while. PSS and USS still move when a
   sharer forks or exits, so it is read again after SMAPS_STANDS_SECONDS. */
#define SMAPS_STANDS_SECONDS 60.0

static bool Machine_smapsStands(const Machine* this, const Process* p) {
   return p->smapsTime >= 0 && p->smapsKnown && p->statHash != 0 &&
          p->statChanged <= p->smapsTime && this->now - p->smapsTime < SMAPS_STANDS_SECONDS;
}

/* A round of a slower read is due every --smaps-interval (a recording
   answers every tick). */
static bool Machine_roundDue(const Machine* this, double last) {
   return last < 0 || this->now - last >= this->opts->smapsInterval || this->source->klass->isRoot;
}

/* The processes a slower read takes this tick, into *pids and *procs (the
   caller frees both): in a due round every one seen, between rounds only
   those never read yet (new workers, whose readTime is < 0); never one
   whose reading stands (when stands is not NULL). Returns how many. */
static int Machine_readList(Machine* this, bool due, double (*readTime)(const Process* p),
                            bool (*stands)(const Machine* this, const Process* p), pid_t** pids,
                            Process*** procs) {
   int total = Machine_processCount(this);
   *pids = xCalloc((size_t)total + 1, sizeof(pid_t));
   *procs = xCalloc((size_t)total + 1, sizeof(Process*));
   int n = 0;
   for (int t = 0; t < this->treeCount; t++) {
      ProcessTree* tree = this->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         if (!p->seen || (!due && readTime(p) >= 0) || (stands && stands(this, p)))
            continue;
         (*pids)[n] = p->pid;
         (*procs)[n++] = p;
      }
   }
   return n;
}

static double Machine_smapsTime(const Process* p) {
   return p->smapsTime;
}

static void Machine_readSmaps(Machine* this) {
   bool due = Machine_roundDue(this, this->lastSmaps);
   pid_t* pids;
   Process** procs;
   int n = Machine_readList(this, due, Machine_smapsTime, Machine_smapsStands, &pids, &procs);
   if (n > 0) {
      SmapsSample* out = xCalloc((size_t)n, sizeof(SmapsSample));
      this->source->klass->smaps(this->source, pids, n, out);
      for (int i = 0; i < n; i++) {
         Process* p = procs[i];
         if (out[i].unread)
            continue;
         p->smapsTime = this->now;
         p->smapsKnown = out[i].known;
         p->smapsErrno = out[i].err;
         if (out[i].known) {
            p->pssKiB = out[i].pssKiB;
            p->ussKiB = out[i].ussKiB;
            p->swapKiB = out[i].swapKiB;
            SmapsHistory_add(&p->smapsHistory, this->now, p->ussKiB, p->pssKiB);
         }
      }
      free(out);
   }
   if (due)
      this->lastSmaps = this->now;
   free(pids);
   free(procs);
}

static double Machine_fdKindsTime(const Process* p) {
   return p->fdKindsTime;
}

/* A process that did not run since its fds were last read opened and
   closed none: their kinds stand. A socket's TCP state moves without it
   (a peer that closes), so they are read again after FDS_STAND_SECONDS. */
#define FDS_STAND_SECONDS 60.0
/* RLIMIT_NOFILE changes only by setrlimit or prlimit: read this often. */
#define FD_LIMIT_SECONDS 300.0

static bool Machine_fdKindsStand(const Machine* this, const Process* p) {
   return p->fdKindsTime >= 0 && p->fdKinds.known && p->statHash != 0 &&
          p->statChanged <= p->fdKindsTime && this->now - p->fdKindsTime < FDS_STAND_SECONDS;
}

static void Machine_readFdLimit(Machine* this, Process* p) {
   if (!this->source->klass->openFilesLimit ||
       (p->fdLimitTime >= 0 && this->now - p->fdLimitTime < FD_LIMIT_SECONDS))
      return;
   uint64_t soft = 0;
   bool unlimited = false;
   p->fdLimitKnown =
         this->source->klass->openFilesLimit(this->source, p->pid, &soft, &unlimited) && !unlimited;
   p->fdLimit = soft;
   p->fdLimitTime = this->now;
}

/* What the fds are, on the smaps cadence: a readlink per fd and the
   socket tables cost more than the count, which is read every tick. */
static void Machine_readFds(Machine* this) {
   if (!this->source->klass->fds)
      return;
   bool due = Machine_roundDue(this, this->lastFds);
   pid_t* pids;
   Process** procs;
   int n = Machine_readList(this, due, Machine_fdKindsTime, Machine_fdKindsStand, &pids, &procs);
   if (n > 0) {
      FdSample* out = xCalloc((size_t)n, sizeof(FdSample));
      this->source->klass->fds(this->source, pids, n, out);
      for (int i = 0; i < n; i++) {
         Process* p = procs[i];
         if (out[i].unread)
            continue;
         p->fdKindsTime = this->now;
         p->fdKinds = out[i];
         if (!out[i].known)
            continue;
         Machine_readFdLimit(this, p);
         /* The socket states join this tick's counts in the detector. */
         ResourceInput in = {.time = this->now};
         in.known[RESOURCE_CLOSE_WAIT] = in.known[RESOURCE_ESTABLISHED] = true;
         in.value[RESOURCE_CLOSE_WAIT] = out[i].tcpStates[PROC_TCP_CLOSE_WAIT];
         in.value[RESOURCE_ESTABLISHED] = out[i].tcpStates[PROC_TCP_ESTABLISHED];
         ResourceGrowth_add(&p->resources, &in);
      }
      free(out);
   }
   if (due)
      this->lastFds = this->now;
   free(pids);
   free(procs);
}

static void Machine_composeNotice(Machine* this) {
   int unknown = 0, noFds = 0;
   int err = 0, fdErr = 0;
   pid_t example = 0, fdExample = 0;
   for (int t = 0; t < this->treeCount; t++) {
      ProcessTree* tree = this->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         if (p->seen && p->smapsTime >= 0 && !p->smapsKnown && p->smapsErrno != ESRCH) {
            unknown++;
            err = p->smapsErrno;
            example = p->pid;
         }
         if (p->seen && !p->fdKnown && p->fdErrno != 0 && p->fdErrno != ESRCH &&
             p->fdErrno != ENOENT) {
            noFds++;
            fdErr = p->fdErrno;
            fdExample = p->pid;
         }
      }
   }
   /* The same rule (ptrace read access) guards smaps_rollup and fd/. */
   if (unknown > 0)
      snprintf(this->notice, sizeof(this->notice),
               "PSS/USS/swap%s n/a for %d process%s (e.g. PID %d): /proc/PID/smaps_rollup %s",
               noFds > 0 ? " and FDS" : "", unknown, unknown == 1 ? "" : "es", (int)example,
               ProcFiles_explainSmapsError(err));
   else if (noFds > 0)
      snprintf(this->notice, sizeof(this->notice),
               "FDS n/a for %d process%s (e.g. PID %d): /proc/PID/fd %s", noFds,
               noFds == 1 ? "" : "es", (int)fdExample, ProcFiles_explainSmapsError(fdErr));
   else if (this->treeCount == 0 && this->opts->mode == TARGET_ALL_PYTHON)
      snprintf(this->notice, sizeof(this->notice),
               "no Python service tree on this host yet (a Python process with children, or "
               "one over %d MiB); looking again every %.0f s",
               MACHINE_LONE_PYTHON_MIN_KIB / 1024, MACHINE_DISCOVERY_SECONDS);
   else
      this->notice[0] = '\0';
}

static void Machine_dropEndedTrees(Machine* this) {
   Machine_forgetDropped(this);
   int kept = 0;
   for (int t = 0; t < this->treeCount; t++) {
      ProcessTree* tree = this->trees[t];
      if (tree->rootGone && tree->count == 1) {
         /* At most every tree: an array as large as the trees' holds them. */
         if (this->droppedCapacity < this->treeCapacity) {
            this->droppedCapacity = this->treeCapacity;
            this->dropped =
                  xReallocArray(this->dropped, (size_t)this->droppedCapacity, sizeof(ProcessTree*));
         }
         this->dropped[this->droppedCount++] = tree;
         this->endedTrees++;
      } else {
         this->trees[kept++] = tree;
      }
   }
   this->treeCount = kept;
}

/* Without --traffic, the source that fits the first trees watched
   (traffic/TrafficChoice.h), kept marked as leaktop's choice; CPU time
   when none fits better. Once: a source changed later stays. */
static void Machine_chooseTraffic(Machine* this) {
   MachinePrivate* priv = Machine_private(this);
   if (priv->trafficChosen || !this->traffic->automatic || this->treeCount == 0)
      return;
   priv->trafficChosen = true;
   const char* names[16];
   const char* cmdlines[16];
   int n = this->treeCount < 16 ? this->treeCount : 16;
   for (int t = 0; t < n; t++) {
      names[t] = this->trees[t]->name;
      cmdlines[t] = ProcessTree_root(this->trees[t])->cmdline;
   }
   char spec[300], err[256];
   if (n == this->treeCount && TrafficChoice_spec(names, cmdlines, n, spec, sizeof(spec)) &&
       Machine_setTraffic(this, spec, err, sizeof(err)))
      Traffic_markAutomatic(this->traffic);
}

void Machine_scan(Machine* this) {
   double previous = this->now;
   this->source->klass->clock(this->source, &this->now, &this->wallNow);
   double interval = this->tick == 0 ? 0 : this->now - previous;
   this->tick++;

   bool searching = this->opts->mode == TARGET_ALL_PYTHON || this->opts->mode == TARGET_PATTERNS;
   /* A recording's trees are adopted at the tick they appear in, as they
      were recorded. */
   if (this->source->klass->isRoot ||
       (searching && this->now - this->lastDiscovery >= MACHINE_DISCOVERY_SECONDS))
      Machine_discover(this);

   Machine_chooseTraffic(this);
   for (int t = 0; t < this->treeCount; t++)
      for (int i = 0; i < this->trees[t]->count; i++)
         this->trees[t]->procs[i]->seen = false;
   Machine_sampleAll(this);
   /* Before the processes are updated: they still hold the last tick's CPU. */
   MachinePrivate* priv = Machine_private(this);
   TrafficInput traffic = {this->trees, this->treeCount, priv->samples, priv->sampleCount,
                           interval};
   Traffic_sample(this->traffic, &traffic);
   for (int t = 0; t < this->treeCount; t++)
      Machine_updateTree(this, this->trees[t], interval);
   Machine_dropEndedTrees(this);

   if (this->scanFlags & SCAN_SMAPS)
      Machine_readSmaps(this);
   if (this->scanFlags & SCAN_FDS)
      Machine_readFds(this);
   this->hostMemKnown =
         this->source->klass->hostMemory(this->source, &this->memTotalKiB, &this->memAvailableKiB);
   Machine_composeNotice(this);
}

bool Machine_allTargetsGone(const Machine* this) {
   return this->opts->mode != TARGET_ALL_PYTHON && this->opts->mode != TARGET_PATTERNS &&
          this->treeCount == 0 && this->endedTrees > 0;
}

int Machine_processCount(const Machine* this) {
   int n = 0;
   for (int t = 0; t < this->treeCount; t++)
      n += this->trees[t]->count;
   return n;
}

Process* Machine_findProcess(const Machine* this, pid_t pid, unsigned long long start, int* tree) {
   for (int t = 0; t < this->treeCount; t++) {
      Process* p = ProcessTree_find(this->trees[t], pid);
      /* The start time tells a reused PID from the process asked for. */
      if (p && p->startTicks == start) {
         if (tree)
            *tree = t;
         return p;
      }
   }
   return NULL;
}

bool Machine_setTraffic(Machine* this, const char* spec, char* err, size_t errSize) {
   TrafficSource* traffic = this->source->klass->newTraffic(this->source, spec, err, errSize);
   if (!traffic)
      return false;
   Traffic_delete(this->traffic);
   this->traffic = traffic;
   /* The new source counts in its own unit: the old series would be read
      on the new scale. */
   for (int t = 0; t < this->treeCount; t++) {
      ProcessTree* tree = this->trees[t];
      tree->trafficTotal = 0;
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         p->trafficTotal = 0;
         SumHistory_init(&p->trafficHistory, &p->rssHistory);
         Classifier_resetTraffic(&p->growth);
      }
   }
   return true;
}
