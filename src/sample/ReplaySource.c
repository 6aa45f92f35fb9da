#include "config.h"

#include "sample/ReplaySource.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/DeployWatch.h"
#include "record/RecordSchema.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

/* What an info said about one key (a process, or a tree's root). */
typedef struct ReplayName {
   uint64_t pid, start;
   char name[64];
   char* text; /* a process's command line, a tree's cgroup path; never NULL */
   int cgroupVersion;
} ReplayName;

typedef struct ReplayNames {
   ReplayName* items;
   int count, capacity;
} ReplayNames;

/* A process that ended in this tick, and how. */
typedef struct ReplayExit {
   uint64_t pid, start;
   bool zombie; /* it told an exit status, as a zombie does live */
   char how[128];
} ReplayExit;

/* A deploy recorded for a tree in this tick. */
typedef struct ReplayDeploy {
   uint64_t rootPid, rootStart;
   DeployEvent event;
} ReplayDeploy;
#define REPLAY_DEPLOYS_MAX DEPLOY_EVENTS_KEPT

/* The indices of the fields read, for one field table. */
typedef struct ReplayFields {
   const SegmentHeader* header;
   int host[RF_HOST_MEM_TOTAL + 1];
   int tree[RF_TREE_EXITED_TOTAL + 1];
   int proc[RF_PROC_DEPTH + 1];
} ReplayFields;

typedef struct ReplayState {
   RecordTick tick;
   ReplayFields fields;
   ReplayNames processes, trees;
   ReplayExit* exits;
   int exitCount, exitCapacity;
   ReplayDeploy deploys[REPLAY_DEPLOYS_MAX];
   int deployCount;
   ProcSample* listed;
   int listedCapacity;
   int* byPid; /* indices of tick.procs sorted by PID: Machine asks by PID */
   int byPidCapacity;

   char bootId[64];
   int64_t lastWallUs, lastMonoUs;
   int64_t monoOffsetUs; /* keeps the clock going across a reboot in the recording */

   char trafficName[48];
   char trafficUnit[16];
   double trafficScale;
   double tickSeconds, smapsSeconds, windowSeconds; /* host info */
} ReplayState;

static ReplayState* ReplaySource_state(const SampleSource* this) {
   return (ReplayState*)this->priv;
}

/* ---- names ------------------------------------------------------------- */

static ReplayName* ReplayNames_find(const ReplayNames* this, uint64_t pid, uint64_t start) {
   for (int i = 0; i < this->count; i++)
      if (this->items[i].pid == pid && this->items[i].start == start)
         return &this->items[i];
   return NULL;
}

static ReplayName* ReplayNames_get(ReplayNames* this, uint64_t pid, uint64_t start) {
   ReplayName* found = ReplayNames_find(this, pid, start);
   if (found)
      return found;
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 16;
      this->items = xReallocArray(this->items, (size_t)this->capacity, sizeof(ReplayName));
   }
   ReplayName* n = &this->items[this->count++];
   memset(n, 0, sizeof(*n));
   n->pid = pid;
   n->start = start;
   n->text = xStrdup("");
   return n;
}

static void ReplayNames_remove(ReplayNames* this, uint64_t pid, uint64_t start) {
   ReplayName* n = ReplayNames_find(this, pid, start);
   if (!n)
      return;
   free(n->text);
   *n = this->items[--this->count];
}

static void ReplayNames_done(ReplayNames* this) {
   for (int i = 0; i < this->count; i++)
      free(this->items[i].text);
   free(this->items);
}

static void ReplayName_setText(ReplayName* this, const RecordEvent* e, unsigned id) {
   const RecordAttr* a = RecordEvent_attr(e, id);
   if (!a || !a->isBytes)
      return;
   free(this->text);
   this->text = xMalloc(a->size + 1);
   memcpy(this->text, a->bytes, a->size);
   this->text[a->size] = '\0';
   /* A recording is hostile input: the command column must not get
      control characters. */
   for (char* c = this->text; *c; c++)
      if ((unsigned char)*c < 0x20 || *c == 0x7f)
         *c = ' ';
}

/* ---- the current tick -------------------------------------------------- */

static int ReplayFields_find(const RecordSchema* schema, RecordScope scope, unsigned id) {
   /* The 1 s tier's raw value, or the 1 min tier's last (sum for amounts). */
   static const unsigned stats[] = {STAT_RAW, STAT_LAST, STAT_SUM};
   for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
      int index = RecordSchema_find(schema, scope, id, stats[i]);
      if (index >= 0)
         return index;
   }
   return -1;
}

static void ReplayFields_use(ReplayFields* this, const SegmentHeader* header) {
   if (this->header == header)
      return;
   this->header = header;
   const RecordSchema* schema = &header->schema;
   for (unsigned id = 1; id <= RF_HOST_MEM_TOTAL; id++)
      this->host[id] = ReplayFields_find(schema, RECORD_SCOPE_HOST, id);
   for (unsigned id = 1; id <= RF_TREE_EXITED_TOTAL; id++)
      this->tree[id] = ReplayFields_find(schema, RECORD_SCOPE_TREE, id);
   for (unsigned id = 1; id <= RF_PROC_DEPTH; id++)
      this->proc[id] = ReplayFields_find(schema, RECORD_SCOPE_PROCESS, id);
}

static const RecordTick* ReplaySource_sorting; /* for the qsort comparator */

static int ReplaySource_comparePid(const void* a, const void* b) {
   uint64_t x = ReplaySource_sorting->procs[*(const int*)a].key[0];
   uint64_t y = ReplaySource_sorting->procs[*(const int*)b].key[0];
   return (x > y) - (x < y);
}

static void ReplaySource_index(ReplayState* s) {
   if (s->tick.procCount > s->byPidCapacity) {
      s->byPidCapacity = s->tick.procCount + 16;
      s->byPid = xReallocArray(s->byPid, (size_t)s->byPidCapacity, sizeof(int));
   }
   for (int i = 0; i < s->tick.procCount; i++)
      s->byPid[i] = i;
   ReplaySource_sorting = &s->tick;
   qsort(s->byPid, (size_t)s->tick.procCount, sizeof(int), ReplaySource_comparePid);
}

static const RecordRow* ReplaySource_row(const ReplayState* s, pid_t pid) {
   int lo = 0, hi = s->tick.procCount - 1;
   while (lo <= hi) {
      int mid = lo + (hi - lo) / 2;
      const RecordRow* row = &s->tick.procs[s->byPid[mid]];
      if (row->key[0] == (uint64_t)pid)
         return row;
      if (row->key[0] < (uint64_t)pid)
         lo = mid + 1;
      else
         hi = mid - 1;
   }
   return NULL;
}

static const RecordTree* ReplaySource_treeOf(const ReplayState* s, uint64_t pid, uint64_t start) {
   for (int t = 0; t < s->tick.treeCount; t++)
      if (s->tick.trees[t].row.key[0] == pid && s->tick.trees[t].row.key[1] == start)
         return &s->tick.trees[t];
   return NULL;
}

static bool ReplaySource_get(const RecordRow* row, int index, int64_t* value) {
   return row && RecordRow_get(row, index, value);
}

/* A size or a count: never negative, 0 when absent. */
static uint64_t ReplaySource_unsigned(const RecordRow* row, int index) {
   int64_t v = 0;
   return ReplaySource_get(row, index, &v) && v > 0 ? (uint64_t)v : 0;
}

static void ReplaySource_fill(const ReplayState* s, const RecordRow* row, ProcSample* out) {
   const int* f = s->fields.proc;
   int64_t v;
   memset(out, 0, sizeof(*out));
   out->pid = (pid_t)row->key[0];
   out->startTicks = row->key[1];
   out->ppid = ReplaySource_get(row, f[RF_PROC_PPID], &v) ? (pid_t)v : 0;
   out->state = ReplaySource_get(row, f[RF_PROC_STATE], &v) && v > 0 && v < 128 ? (char)v : 'S';
   out->memKnown = ReplaySource_get(row, f[RF_PROC_RSS], &v);
   out->rssKiB = ReplaySource_unsigned(row, f[RF_PROC_RSS]);
   out->anonKiB = ReplaySource_unsigned(row, f[RF_PROC_RSS_ANON]);
   out->fileKiB = ReplaySource_unsigned(row, f[RF_PROC_RSS_FILE]);
   out->shmemKiB = ReplaySource_unsigned(row, f[RF_PROC_RSS_SHMEM]);
   out->cpuTicks = ReplaySource_unsigned(row, f[RF_PROC_CPU_TICKS]);
   out->ctxKnown = ReplaySource_get(row, f[RF_PROC_CTX_VOLUNTARY], &v);
   out->ctxVoluntary = ReplaySource_unsigned(row, f[RF_PROC_CTX_VOLUNTARY]);
   out->ctxInvoluntary = ReplaySource_unsigned(row, f[RF_PROC_CTX_INVOLUNTARY]);
   if (ReplaySource_get(row, f[RF_PROC_TRAFFIC_DELTA], &v)) {
      out->trafficKnown = true;
      out->trafficDelta = (double)v / s->trafficScale;
   }
}

void ReplaySource_tick(SampleSource* this, const RecordTick* tick, const SegmentHeader* header) {
   ReplayState* s = ReplaySource_state(this);
   RecordTick_copy(&s->tick, tick);
   ReplaySource_index(s);
   ReplayFields_use(&s->fields, header);
   this->bootTime = (double)header->bootTimeUs / 1e6;
   this->hertz = header->hertz > 0 ? (long)header->hertz : 100;
   /* Each boot has its own monotonic clock: the model's goes on from where
      the last boot's stopped, by the wall-clock gap. */
   bool sameBoot = strcmp(s->bootId, header->bootId) == 0;
   if (s->lastWallUs != INT64_MIN && (!sameBoot || tick->monoUs + s->monoOffsetUs < s->lastMonoUs))
      s->monoOffsetUs = s->lastMonoUs + (tick->wallUs - s->lastWallUs) - tick->monoUs;
   snprintf(s->bootId, sizeof(s->bootId), "%s", header->bootId);
   s->lastWallUs = tick->wallUs;
   s->lastMonoUs = tick->monoUs + s->monoOffsetUs;
}

/* ---- events ------------------------------------------------------------ */

static void ReplaySource_info(ReplayState* s, const RecordEvent* e) {
   if (e->scope == RECORD_SCOPE_PROCESS) {
      ReplayName* n = ReplayNames_get(&s->processes, e->key[0], e->key[1]);
      RecordEvent_text(e, ATTR_PROCESS_NAME, n->name, sizeof(n->name));
      ReplayName_setText(n, e, ATTR_PROCESS_CMDLINE);
   } else if (e->scope == RECORD_SCOPE_TREE) {
      ReplayName* n = ReplayNames_get(&s->trees, e->key[0], e->key[1]);
      RecordEvent_text(e, ATTR_TREE_NAME, n->name, sizeof(n->name));
      ReplayName_setText(n, e, ATTR_TREE_CGROUP_PATH);
      const RecordAttr* v = RecordEvent_attr(e, ATTR_TREE_CGROUP_VERSION);
      if (v && !v->isBytes)
         n->cgroupVersion = (int)v->number;
   } else {
      RecordEvent_text(e, ATTR_HOST_TRAFFIC_SOURCE, s->trafficName, sizeof(s->trafficName));
      RecordEvent_text(e, ATTR_HOST_TRAFFIC_UNIT, s->trafficUnit, sizeof(s->trafficUnit));
      const RecordAttr* a;
      if ((a = RecordEvent_attr(e, ATTR_HOST_TRAFFIC_SCALE)) && !a->isBytes && a->number > 0)
         s->trafficScale = (double)a->number;
      if ((a = RecordEvent_attr(e, ATTR_HOST_INTERVAL_US)) && !a->isBytes && a->number > 0)
         s->tickSeconds = (double)a->number / 1e6;
      if ((a = RecordEvent_attr(e, ATTR_HOST_SMAPS_INTERVAL_US)) && !a->isBytes && a->number > 0)
         s->smapsSeconds = (double)a->number / 1e6;
      if ((a = RecordEvent_attr(e, ATTR_HOST_GROWTH_WINDOW_US)) && !a->isBytes && a->number > 0)
         s->windowSeconds = (double)a->number / 1e6;
   }
}

/* Machine adds "(OOM kill in its cgroup)" itself, from the recorded
   oom_kill count, as it does live. */
#define REPLAY_OOM_SUFFIX " (OOM kill in its cgroup)"

static void ReplaySource_exit(ReplayState* s, const RecordEvent* e) {
   const RecordAttr* how = RecordEvent_attr(e, ATTR_EXIT_HOW);
   if (s->exitCount == s->exitCapacity) {
      s->exitCapacity = s->exitCapacity ? s->exitCapacity * 2 : 8;
      s->exits = xReallocArray(s->exits, (size_t)s->exitCapacity, sizeof(ReplayExit));
   }
   ReplayExit* x = &s->exits[s->exitCount++];
   memset(x, 0, sizeof(*x));
   x->pid = e->key[0];
   x->start = e->key[1];
   /* Live, only a zombie tells its status; the others just vanish. */
   x->zombie = how && !how->isBytes &&
               (how->number == EXIT_HOW_EXITED || how->number == EXIT_HOW_SIGNAL ||
                (how->number == EXIT_HOW_OOM_KILL && RecordEvent_attr(e, ATTR_EXIT_CODE)));
   RecordEvent_text(e, ATTR_EXIT_TEXT, x->how, sizeof(x->how));
   char* suffix = strstr(x->how, REPLAY_OOM_SUFFIX);
   if (suffix)
      *suffix = '\0';
   if (!x->how[0] || strcmp(x->how, "OOM kill in its cgroup") == 0 || strcmp(x->how, "exited") == 0)
      x->zombie = false;
}

static int64_t ReplaySource_number(const RecordEvent* e, unsigned id, int64_t fallback) {
   const RecordAttr* a = RecordEvent_attr(e, id);
   return a && !a->isBytes ? a->number : fallback;
}

/* The format's deploy kinds (doc/recording-format.md) to the model's;
   an unknown kind is skipped. */
static void ReplaySource_deploy(ReplayState* s, const RecordEvent* e) {
   int64_t kind = ReplaySource_number(e, ATTR_DEPLOY_KIND, 0);
   DeployKind k = kind == DEPLOY_KIND_CODE_CHANGED ? DEPLOY_CODE_CHANGED
                  : kind == DEPLOY_KIND_REEXEC     ? DEPLOY_REEXEC
                  : kind == DEPLOY_KIND_NEW_MASTER ? DEPLOY_NEW_MASTER
                                                   : 0;
   if (!k || s->deployCount == REPLAY_DEPLOYS_MAX)
      return;
   ReplayDeploy* d = &s->deploys[s->deployCount++];
   d->rootPid = e->key[0];
   d->rootStart = e->key[1];
   int64_t changed = ReplaySource_number(e, ATTR_DEPLOY_CODE_CHANGED_US, INT64_MIN);
   d->event = (DeployEvent){
         .wall = (double)ReplaySource_number(e, ATTR_DEPLOY_TIME_US, e->wallUs) / 1e6,
         .kind = k,
         .pid = (pid_t)ReplaySource_number(e, ATTR_DEPLOY_PID, 0),
         .startTicks = (unsigned long long)ReplaySource_number(e, ATTR_DEPLOY_START, 0),
         .codeChanged = changed == INT64_MIN ? NAN : (double)changed / 1e6,
   };
   RecordEvent_text(e, ATTR_DEPLOY_FILE, d->event.file, sizeof(d->event.file));
}

void ReplaySource_event(SampleSource* this, const RecordEvent* event) {
   ReplayState* s = ReplaySource_state(this);
   if (event->kind == EVENT_INFO)
      ReplaySource_info(s, event);
   else if (event->kind == EVENT_PROCESS_EXIT && event->scope == RECORD_SCOPE_PROCESS)
      ReplaySource_exit(s, event);
   else if (event->kind == EVENT_DEPLOY && event->scope == RECORD_SCOPE_TREE)
      ReplaySource_deploy(s, event);
}

/* ---- the class --------------------------------------------------------- */

static void ReplaySource_clock(SampleSource* this, double* monotonic, double* wall) {
   ReplayState* s = ReplaySource_state(this);
   *monotonic = (double)s->lastMonoUs / 1e6;
   *wall = (double)s->tick.wallUs / 1e6;
}

static int ReplaySource_listHost(SampleSource* this, ProcSample** out) {
   ReplayState* s = ReplaySource_state(this);
   int n = s->tick.procCount;
   if (n >= s->listedCapacity) {
      s->listedCapacity = n + 16;
      s->listed = xReallocArray(s->listed, (size_t)s->listedCapacity, sizeof(ProcSample));
   }
   int k = 0;
   for (int i = 0; i < s->tick.procCount; i++)
      ReplaySource_fill(s, &s->tick.procs[i], &s->listed[k++]);
   *out = s->listed;
   return k;
}

static bool ReplaySource_command(SampleSource* this, pid_t pid, char* text, size_t textSize,
                                 char* name, size_t nameSize) {
   ReplayState* s = ReplaySource_state(this);
   const RecordRow* row = ReplaySource_row(s, pid);
   const ReplayName* n = row ? ReplayNames_find(&s->processes, row->key[0], row->key[1]) : NULL;
   if (!n)
      return false;
   snprintf(text, textSize, "%s", n->text);
   snprintf(name, nameSize, "%s", n->name[0] ? n->name : "?");
   return true;
}

static bool ReplaySource_isPython(SampleSource* this, pid_t pid) {
   return ReplaySource_row(ReplaySource_state(this), pid) != NULL;
}

static bool ReplaySource_isRoot(SampleSource* this, pid_t pid) {
   ReplayState* s = ReplaySource_state(this);
   for (int t = 0; t < s->tick.treeCount; t++)
      if (s->tick.trees[t].row.key[0] == (uint64_t)pid)
         return true;
   return false;
}

static int ReplaySource_append(pid_t** pids, int n, int* capacity, pid_t pid) {
   if (n == *capacity) {
      *capacity = *capacity ? *capacity * 2 : 64;
      *pids = xReallocArray(*pids, (size_t)*capacity, sizeof(pid_t));
   }
   (*pids)[n] = pid;
   return n + 1;
}

static int ReplaySource_children(SampleSource* this, pid_t pid, pid_t** pids, int n,
                                 int* capacity) {
   ReplayState* s = ReplaySource_state(this);
   int ppidIndex = s->fields.proc[RF_PROC_PPID];
   for (int i = 0; i < s->tick.procCount; i++) {
      int64_t ppid;
      if (RecordRow_get(&s->tick.procs[i], ppidIndex, &ppid) && ppid == pid)
         n = ReplaySource_append(pids, n, capacity, (pid_t)s->tick.procs[i].key[0]);
   }
   /* This tick's zombies too, as a parent still lists them live, so that
      Machine samples them and asks how they ended (it drops repeats). */
   for (int i = 0; i < s->exitCount; i++)
      if (s->exits[i].zombie)
         n = ReplaySource_append(pids, n, capacity, (pid_t)s->exits[i].pid);
   return n;
}

static int ReplaySource_sample(SampleSource* this, const pid_t* pids, int n, ProcSample* out) {
   ReplayState* s = ReplaySource_state(this);
   int k = 0;
   for (int i = 0; i < n; i++) {
      const RecordRow* row = ReplaySource_row(s, pids[i]);
      if (row) {
         ReplaySource_fill(s, row, &out[k++]);
         continue;
      }
      for (int x = 0; x < s->exitCount; x++) {
         if (s->exits[x].pid == (uint64_t)pids[i] && s->exits[x].zombie) {
            memset(&out[k], 0, sizeof(out[k]));
            out[k].pid = pids[i];
            out[k].startTicks = s->exits[x].start;
            out[k].state = 'Z';
            k++;
            break;
         }
      }
   }
   return k;
}

static void ReplaySource_smaps(SampleSource* this, const pid_t* pids, int n, SmapsSample* out) {
   ReplayState* s = ReplaySource_state(this);
   const int* f = s->fields.proc;
   for (int i = 0; i < n; i++) {
      const RecordRow* row = ReplaySource_row(s, pids[i]);
      int64_t v;
      memset(&out[i], 0, sizeof(out[i]));
      out[i].pid = pids[i];
      if (ReplaySource_get(row, f[RF_PROC_PSS], &v)) {
         out[i].known = true;
         out[i].pssKiB = (uint64_t)(v > 0 ? v : 0);
         out[i].ussKiB = ReplaySource_unsigned(row, f[RF_PROC_USS]);
         out[i].swapKiB = ReplaySource_unsigned(row, f[RF_PROC_SWAP]);
      } else if (ReplaySource_get(row, f[RF_PROC_SMAPS_ERRNO], &v)) {
         out[i].err = (int)v;
      } else {
         out[i].unread = true;
      }
   }
}

static void ReplaySource_cgroupOf(const ReplayState* s, const RecordTree* tree, CgroupStatus* out) {
   const int* f = s->fields.tree;
   int64_t v;
   const RecordRow* row = &tree->row;
   out->limited = RecordRow_get(row, f[RF_TREE_CGROUP_LIMIT], &v);
   out->limitBytes = out->limited && v > 0 ? (uint64_t)v : 0;
   out->currentKnown = RecordRow_get(row, f[RF_TREE_CGROUP_CURRENT], &v);
   out->currentBytes = out->currentKnown && v > 0 ? (uint64_t)v : 0;
   out->oomKnown = RecordRow_get(row, f[RF_TREE_OOM_KILLS], &v);
   out->oomKills = out->oomKnown && v > 0 ? (uint64_t)v : 0;
}

static void ReplaySource_locateCgroup(SampleSource* this, pid_t pid, CgroupStatus* out) {
   ReplayState* s = ReplaySource_state(this);
   memset(out, 0, sizeof(*out));
   for (int t = 0; t < s->tick.treeCount; t++) {
      const RecordTree* tree = &s->tick.trees[t];
      if (tree->row.key[0] != (uint64_t)pid)
         continue;
      const ReplayName* n = ReplayNames_find(&s->trees, tree->row.key[0], tree->row.key[1]);
      if (!n || !n->text[0])
         return;
      out->found = true;
      out->version = n->cgroupVersion;
      snprintf(out->path, sizeof(out->path), "%s", n->text);
      ReplaySource_cgroupOf(s, tree, out);
      return;
   }
}

static void ReplaySource_refreshCgroup(SampleSource* this, CgroupStatus* status) {
   ReplayState* s = ReplaySource_state(this);
   if (!status->found)
      return;
   for (int t = 0; t < s->tick.treeCount; t++) {
      const RecordTree* tree = &s->tick.trees[t];
      const ReplayName* n = ReplayNames_find(&s->trees, tree->row.key[0], tree->row.key[1]);
      if (n && strcmp(n->text, status->path) == 0) {
         ReplaySource_cgroupOf(s, tree, status);
         return;
      }
   }
}

static bool ReplaySource_hostMemory(SampleSource* this, uint64_t* totalKiB,
                                    uint64_t* availableKiB) {
   ReplayState* s = ReplaySource_state(this);
   int64_t total, available;
   if (!RecordRow_get(&s->tick.host, s->fields.host[RF_HOST_MEM_TOTAL], &total) ||
       !RecordRow_get(&s->tick.host, s->fields.host[RF_HOST_MEM_AVAILABLE], &available))
      return false;
   *totalKiB = total > 0 ? (uint64_t)total : 0;
   *availableKiB = available > 0 ? (uint64_t)available : 0;
   return true;
}

static bool ReplaySource_exitOf(SampleSource* this, pid_t pid, char* how, size_t size) {
   ReplayState* s = ReplaySource_state(this);
   for (int i = 0; i < s->exitCount; i++) {
      if (s->exits[i].pid == (uint64_t)pid && s->exits[i].zombie) {
         snprintf(how, size, "%s", s->exits[i].how);
         return true;
      }
   }
   return false;
}

static void ReplaySource_explainAbsent(SampleSource* this, pid_t pid, char* err, size_t errSize) {
   (void)this;
   snprintf(err, errSize, "PID %d is not in the recording at this time", (int)pid);
}

static TrafficSource* ReplaySource_newTraffic(SampleSource* this, const char* spec, char* err,
                                              size_t errSize) {
   ReplayState* s = ReplaySource_state(this);
   if (spec) {
      snprintf(err, errSize,
               "the traffic of a recording is the one it was recorded with (%s): --traffic "
               "cannot change it",
               s->trafficName[0] ? s->trafficName : "none");
      return NULL;
   }
   return Traffic_newSupplied(s->trafficName[0] ? s->trafficName : "none recorded",
                              s->trafficUnit[0] ? s->trafficUnit : "units",
                              Traffic_idleFloorOf(s->trafficName));
}

static void ReplaySource_delete(SampleSource* this) {
   ReplayState* s = ReplaySource_state(this);
   RecordTick_done(&s->tick);
   ReplayNames_done(&s->processes);
   ReplayNames_done(&s->trees);
   free(s->exits);
   free(s->listed);
   free(s->byPid);
   free(s);
   free(this);
}

static int ReplaySource_deploys(SampleSource* this, pid_t pid, unsigned long long start,
                                DeployEvent* out, int max) {
   ReplayState* s = ReplaySource_state(this);
   int n = 0;
   for (int i = 0; i < s->deployCount && n < max; i++)
      if (s->deploys[i].rootPid == (uint64_t)pid && s->deploys[i].rootStart == start)
         out[n++] = s->deploys[i].event;
   return n;
}

static const SampleSourceClass ReplaySource_class = {
      .name = "replay",
      .clock = ReplaySource_clock,
      .listHost = ReplaySource_listHost,
      .command = ReplaySource_command,
      .isPython = ReplaySource_isPython,
      .isRoot = ReplaySource_isRoot,
      .children = ReplaySource_children,
      .sample = ReplaySource_sample,
      .smaps = ReplaySource_smaps,
      .locateCgroup = ReplaySource_locateCgroup,
      .refreshCgroup = ReplaySource_refreshCgroup,
      .hostMemory = ReplaySource_hostMemory,
      .exitOf = ReplaySource_exitOf,
      .explainAbsent = ReplaySource_explainAbsent,
      .newTraffic = ReplaySource_newTraffic,
      .deploys = ReplaySource_deploys,
      .delete = ReplaySource_delete,
};

SampleSource* ReplaySource_new(void) {
   SampleSource* this = xCalloc(1, sizeof(*this));
   ReplayState* s = xCalloc(1, sizeof(*s));
   RecordTick_init(&s->tick);
   s->lastWallUs = INT64_MIN;
   s->trafficScale = 1;
   this->klass = &ReplaySource_class;
   this->hertz = 100;
   this->priv = s;
   return this;
}

/* Exits belong to the tick they came before: the next one starts afresh,
   and the names of the processes that ended are no longer needed. */
void ReplaySource_scanned(SampleSource* this) {
   ReplayState* s = ReplaySource_state(this);
   for (int i = 0; i < s->exitCount; i++)
      ReplayNames_remove(&s->processes, s->exits[i].pid, s->exits[i].start);
   s->exitCount = 0;
   s->deployCount = 0;
}

bool ReplaySource_processField(const SampleSource* this, pid_t pid, unsigned long long startTicks,
                               unsigned id, int64_t* value) {
   const ReplayState* s = ReplaySource_state(this);
   if (id < 1 || id > RF_PROC_DEPTH)
      return false;
   const RecordRow* row = ReplaySource_row(s, pid);
   return row && row->key[1] == startTicks && RecordRow_get(row, s->fields.proc[id], value);
}

bool ReplaySource_hostField(const SampleSource* this, unsigned id, int64_t* value) {
   const ReplayState* s = ReplaySource_state(this);
   return id >= 1 && id <= RF_HOST_MEM_TOTAL &&
          RecordRow_get(&s->tick.host, s->fields.host[id], value);
}

bool ReplaySource_treeField(const SampleSource* this, pid_t pid, unsigned long long startTicks,
                            unsigned id, int64_t* value) {
   const ReplayState* s = ReplaySource_state(this);
   if (id < 1 || id > RF_TREE_EXITED_TOTAL)
      return false;
   const RecordTree* tree = ReplaySource_treeOf(s, (uint64_t)pid, startTicks);
   return tree && RecordRow_get(&tree->row, s->fields.tree[id], value);
}

void ReplaySource_intervals(const SampleSource* this, double* tick, double* smaps, double* window) {
   const ReplayState* s = ReplaySource_state(this);
   *tick = s->tickSeconds;
   *smaps = s->smapsSeconds;
   *window = s->windowSeconds;
}

const char* ReplaySource_trafficName(const SampleSource* this) {
   return ReplaySource_state(this)->trafficName;
}
