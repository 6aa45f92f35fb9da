#include "config.h"

#include "output/Batch.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "classify/Runbook.h"
#include "classify/TimeToLimit.h"
#include "classify/WorkerVerdict.h"
#include "inject/SnapshotRunner.h"
#include "snapshot/SnapshotOutput.h"
#include "sample/ProcFiles.h"
#include "sample/SampleSource.h"
#include "traffic/Traffic.h"
#include "util/XUtils.h"

static volatile sig_atomic_t Batch_stopRequested;

static void Batch_onSignal(int sig) {
   (void)sig;
   Batch_stopRequested = 1;
}

/* Keys are string literals: json-c need not copy them (less memory per
   cached process object, and no strdup per field per tick). */
static void Batch_add(json_object* obj, const char* key, json_object* value) {
   json_object_object_add_ex(obj, key, value, JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static json_object* Batch_u64(uint64_t v) {
   return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static json_object* Batch_knownU64(bool known, uint64_t v) {
   return known ? Batch_u64(v) : NULL;
}

static json_object* Batch_finite(double v, int decimals) {
   if (!isfinite(v))
      return NULL;
   /* Printed with a fixed precision: the shortest round-trip form of a
      binary double would show 1795264165.1689999 for a time stamp. */
   char text[64];
   snprintf(text, sizeof(text), "%.*f", decimals, v);
   return json_object_new_double_s(v, text);
}

/* A process's JSON object lives as long as the process: each tick replaces
   its values in place, which costs json-c far less than building and
   freeing a fresh object with its hash table. */
typedef struct BatchCached {
   pid_t pid;
   unsigned long long startTicks;
   unsigned long tick; /* last tick it was written in */
   json_object* obj;
   /* What the verdict object was last written from: the evidence only
      changes when the classifier closes a bucket (every 2 s). */
   int verdictBuckets;
   int verdictLabel;
   double verdictSince;
   const void* verdictTraffic;
   int verdictSnapshots; /* snapshots taken when it was written */
} BatchCached;

static BatchCached* Batch_cache;
static int Batch_cacheCount;
static int Batch_cacheCapacity;
static int Batch_cacheHint;

/* The cache entry of p, its object created with the constant fields on
   first use. */
static BatchCached* Batch_cachedEntry(const Process* p, unsigned long tick) {
   /* Processes come in the same order every tick: look where the last one was found first. */
   for (int k = 0; k < Batch_cacheCount; k++) {
      int i = (Batch_cacheHint + k) % Batch_cacheCount;
      BatchCached* c = &Batch_cache[i];
      if (c->pid == p->pid && c->startTicks == p->startTicks) {
         c->tick = tick;
         Batch_cacheHint = i + 1;
         return c;
      }
   }
   if (Batch_cacheCount == Batch_cacheCapacity) {
      Batch_cacheCapacity = Batch_cacheCapacity ? Batch_cacheCapacity * 2 : 16;
      Batch_cache = xReallocArray(Batch_cache, (size_t)Batch_cacheCapacity, sizeof(BatchCached));
   }
   json_object* o = json_object_new_object();
   Batch_add(o, "pid", json_object_new_int(p->pid));
   Batch_add(o, "start_ticks", Batch_u64(p->startTicks));
   Batch_add(o, "start_time", Batch_finite(p->startEpoch, 2));
   /* Read once when the process was found, and never again. */
   Batch_add(o, "name", json_object_new_string(p->name));
   Batch_add(o, "cmdline", json_object_new_string(p->cmdline));
   BatchCached* c = &Batch_cache[Batch_cacheCount++];
   *c = (BatchCached){
         .pid = p->pid, .startTicks = p->startTicks, .tick = tick, .obj = o, .verdictBuckets = -1};
   return c;
}

/* Drops the objects of processes that were not written in this tick. */
static void Batch_pruneCache(unsigned long tick) {
   int kept = 0;
   for (int i = 0; i < Batch_cacheCount; i++) {
      if (Batch_cache[i].tick == tick)
         Batch_cache[kept++] = Batch_cache[i];
      else
         json_object_put(Batch_cache[i].obj);
   }
   Batch_cacheCount = kept;
}

static void Batch_dropCache(void) {
   for (int i = 0; i < Batch_cacheCount; i++)
      json_object_put(Batch_cache[i].obj);
   free(Batch_cache);
   Batch_cache = NULL;
   Batch_cacheCount = Batch_cacheCapacity = Batch_cacheHint = 0;
}

/* Fills obj (reused across ticks) with one tick's traffic; unknown is null. */
static json_object* Batch_traffic(json_object* obj, bool known, double delta, double total,
                                  bool idle) {
   Batch_add(obj, "delta", known ? Batch_finite(delta, 3) : NULL);
   Batch_add(obj, "total", known ? Batch_finite(total, 3) : NULL);
   Batch_add(obj, "idle", json_object_new_boolean(idle));
   return obj;
}

/* Fills obj (reused across ticks) with a process's verdict and its evidence. */
static void Batch_verdict(json_object* obj, const Machine* machine, const Process* p) {
   const GrowthClassifier* g = &p->growth;
   const GrowthEvidence* e = &g->evidence;
   const char* reason = Classifier_reasonText(g->reason);
   SnapshotVerdict heap = ProcessSnapshots_verdict(p->snapshots);
   char label[64], full[96];
   Classifier_describe(g, label, (int)sizeof(label));
   WorkerVerdict_compose(label, heap, false, full, sizeof(full));
   Batch_add(obj, "label", json_object_new_string(Classifier_label(g->verdict)));
   Batch_add(obj, "reason", reason ? json_object_new_string(reason) : NULL);
   Batch_add(obj, "snapshot",
             heap == SNAPSHOT_VERDICT_UNKNOWN
                   ? NULL
                   : json_object_new_string(SnapshotDiff_verdictName(heap)));
   Batch_add(obj, "summary", json_object_new_string(full));
   Batch_add(obj, "confidence", Batch_finite(e->confidence, 3));
   Batch_add(obj, "growth_kib_per_min", Batch_finite(e->growthPerMin, 1));
   Batch_add(obj, "growth_stderr", Batch_finite(e->growthStderr, 1));
   Batch_add(obj, "growth_unexplained_kib_per_min", Batch_finite(e->unexplainedPerMin, 1));
   Batch_add(obj, "growth_unexplained_stderr", Batch_finite(e->unexplainedStderr, 1));
   Batch_add(obj, "growth_per_1000_units", Batch_finite(e->perThousandUnits, 1));
   Batch_add(obj, "growth_per_1000_stderr", Batch_finite(e->perThousandStderr, 1));
   Batch_add(obj, "traffic_unit", json_object_new_string(Traffic_unit(machine->traffic)));
   Batch_add(obj, "idle_growth_kib_per_min", Batch_finite(e->idlePerMin, 1));
   Batch_add(obj, "idle_growth_stderr", Batch_finite(e->idleStderr, 1));
   Batch_add(obj, "collinearity", Batch_finite(e->collinearity, 3));
   Batch_add(obj, "uss_growth_kib_per_min", Batch_finite(e->ussPerMin, 1));
   Batch_add(obj, "next_step", json_object_new_string(Runbook_step(g->verdict, g->reason, heap)));
   /* Monotonic to wall clock: the change was this long before now. */
   Batch_add(obj, "since", Batch_finite(machine->wallNow - (machine->now - g->since), 0));
}

/* Up to this many types and lines that grew, per snapshot diff. */
#define BATCH_SNAPSHOT_TOP 5

static json_object* Batch_snapshotDiff(const SnapshotDiff* d) {
   json_object* o = json_object_new_object();
   char text[320];
   SnapshotOutput_verdict(d, text, sizeof(text));
   Batch_add(o, "verdict", json_object_new_string(SnapshotDiff_verdictName(d->verdict)));
   Batch_add(o, "verdict_text", json_object_new_string(text));
   Batch_add(o, "interval_s", Batch_finite(d->interval, 1));
   Batch_add(o, "rss_delta_kib", d->rssKnown ? json_object_new_int64(d->rssDeltaKiB) : NULL);
   Batch_add(o, "traced_delta_bytes",
             d->growth.tracedKnown ? json_object_new_int64(d->growth.tracedDeltaBytes) : NULL);
   Batch_add(o, "allocated_blocks_percent", Batch_finite(d->blocksPercent, 2));
   json_object* types = json_object_new_array();
   for (int i = 0; i < d->typeCount && i < BATCH_SNAPSHOT_TOP; i++) {
      json_object* t = json_object_new_object();
      Batch_add(t, "name", json_object_new_string(d->types[i].name));
      Batch_add(t, "after", json_object_new_int64(d->types[i].after));
      Batch_add(t, "delta", json_object_new_int64(d->types[i].delta));
      json_object_array_add(types, t);
   }
   Batch_add(o, "types", types);
   json_object* lines = json_object_new_array();
   for (int i = 0; i < d->lineCount && i < BATCH_SNAPSHOT_TOP; i++) {
      json_object* l = json_object_new_object();
      Batch_add(l, "file", json_object_new_string(d->lines[i].file));
      Batch_add(l, "line", json_object_new_int(d->lines[i].line));
      Batch_add(l, "size_delta", json_object_new_int64(d->lines[i].sizeDelta));
      json_object_array_add(lines, l);
   }
   Batch_add(o, "lines", lines);
   return o;
}

/* The latest heap snapshot of a process and its diff; null before the first request. */
static json_object* Batch_snapshot(const Machine* machine, const ProcessSnapshots* r) {
   if (!r)
      return NULL;
   json_object* o = json_object_new_object();
   Batch_add(o, "taken", json_object_new_int(r->taken));
   Batch_add(o, "error", r->error[0] ? json_object_new_string(r->error) : NULL);
   if (!r->haveLatest)
      return o;
   const Snapshot* s = &r->latest;
   Batch_add(o, "seq", json_object_new_int64(s->seq));
   Batch_add(o, "time", Batch_finite(s->time, 3));
   Batch_add(o, "age_s", Batch_finite(machine->now - r->takenAt, 1));
   Batch_add(o, "route", json_object_new_string(r->route));
   Batch_add(o, "answer_ms", Batch_finite(r->answerMs, 1));
   Batch_add(o, "paused_threads", json_object_new_int(r->pausedThreads));
   Batch_add(o, "pause_ms", r->pausedThreads > 0 ? Batch_finite(r->pauseMs, 3) : NULL);
   Batch_add(o, "rss_kib", s->rssKiB >= 0 ? json_object_new_int64(s->rssKiB) : NULL);
   Batch_add(o, "allocated_blocks",
             s->allocatedBlocks >= 0 ? json_object_new_int64(s->allocatedBlocks) : NULL);
   Batch_add(o, "gc_objects", s->gcObjects >= 0 ? json_object_new_int64(s->gcObjects) : NULL);
   Batch_add(o, "tracing", json_object_new_boolean(s->tracemallocKnown && s->tracing));
   Batch_add(o, "diff", r->haveDiff && r->diff.comparable ? Batch_snapshotDiff(&r->diff) : NULL);
   return o;
}

static json_object* Batch_process(const Machine* machine, const Process* p, double headroomKiB) {
   const Options* opts = machine->opts;
   BatchCached* c = Batch_cachedEntry(p, machine->tick);
   json_object* o = json_object_get(c->obj);
   Batch_add(o, "ppid", json_object_new_int(p->ppid));
   Batch_add(o, "role", json_object_new_string(Process_roleName(p->role)));
   Batch_add(o, "generation", json_object_new_int((int)p->generation));
   Batch_add(o, "depth", json_object_new_int(p->depth));
   char state[2] = {p->state, '\0'};
   Batch_add(o, "state", json_object_new_string(state));
   Batch_add(o, "age_s", Batch_finite(Process_age(p, machine->wallNow), 1));
   Batch_add(o, "rss_kib", Batch_knownU64(p->memKnown, p->rssKiB));
   Batch_add(o, "rss_anon_kib", Batch_knownU64(p->memKnown, p->anonKiB));
   Batch_add(o, "rss_file_kib", Batch_knownU64(p->memKnown, p->fileKiB));
   Batch_add(o, "rss_shmem_kib", Batch_knownU64(p->memKnown, p->shmemKiB));
   Batch_add(o, "peak_rss_kib", Batch_u64(p->peakRssKiB));
   Batch_add(o, "pss_kib", Batch_knownU64(p->smapsKnown, p->pssKiB));
   Batch_add(o, "uss_kib", Batch_knownU64(p->smapsKnown, p->ussKiB));
   Batch_add(o, "swap_kib", Batch_knownU64(p->smapsKnown, p->swapKiB));
   Batch_add(o, "smaps_age_s",
             p->smapsTime >= 0 ? Batch_finite(machine->now - p->smapsTime, 1) : NULL);
   Batch_add(o, "smaps_error",
             !p->smapsKnown && p->smapsTime >= 0
                   ? json_object_new_string(ProcFiles_explainSmapsError(p->smapsErrno))
                   : NULL);
   Batch_add(o, "growth_kib_per_min",
             Batch_finite(Process_growthPerMinute(p, opts->growthWindow), 1));
   Batch_add(o, "growth_window_s", Batch_finite(opts->growthWindow, 0));
   Batch_add(o, "cpu_pct", p->cpuKnown ? Batch_finite(p->cpuPercent, 1) : NULL);
   Batch_add(o, "ctx_voluntary", Batch_knownU64(p->ctxKnown, p->ctxVoluntary));
   Batch_add(o, "ctx_involuntary", Batch_knownU64(p->ctxKnown, p->ctxInvoluntary));
   json_object* traffic;
   if (!json_object_object_get_ex(o, "traffic", &traffic)) {
      traffic = json_object_new_object();
      Batch_add(o, "traffic", traffic);
   }
   Batch_traffic(traffic, p->trafficKnown, p->trafficDelta, p->trafficTotal, p->idle);
   json_object* verdict;
   if (!json_object_object_get_ex(o, "verdict", &verdict)) {
      verdict = json_object_new_object();
      Batch_add(o, "verdict", verdict);
   }
   const GrowthClassifier* g = &p->growth;
   int label = (int)g->verdict * 16 + (int)g->reason;
   int taken = p->snapshots ? p->snapshots->taken : 0;
   if (c->verdictBuckets != g->buckets || c->verdictLabel != label || c->verdictSince != g->since ||
       c->verdictTraffic != machine->traffic || c->verdictSnapshots != taken) {
      Batch_verdict(verdict, machine, p);
      c->verdictBuckets = g->buckets;
      c->verdictLabel = label;
      c->verdictSince = g->since;
      c->verdictTraffic = machine->traffic;
      c->verdictSnapshots = taken;
   }
   Batch_add(o, "snapshot", Batch_snapshot(machine, p->snapshots));
   Batch_add(
         o, "time_to_limit_s",
         Batch_finite(TimeToLimit_seconds(Classifier_projectedGrowth(&p->growth), headroomKiB), 0));
   return o;
}

static json_object* Batch_cgroup(const CgroupStatus* cg) {
   if (!cg->found)
      return NULL;
   json_object* o = json_object_new_object();
   Batch_add(o, "path", json_object_new_string(cg->path));
   Batch_add(o, "version", json_object_new_int(cg->version));
   Batch_add(o, "limited", json_object_new_boolean(cg->limited));
   Batch_add(o, "limit_bytes", Batch_knownU64(cg->limited, cg->limitBytes));
   Batch_add(o, "current_bytes", Batch_knownU64(cg->currentKnown, cg->currentBytes));
   bool headroom = cg->limited && cg->currentKnown;
   Batch_add(o, "headroom_bytes",
             headroom ? json_object_new_int64(cg->limitBytes > cg->currentBytes
                                                    ? (int64_t)(cg->limitBytes - cg->currentBytes)
                                                    : 0)
                      : NULL);
   Batch_add(o, "oom_kills", Batch_knownU64(cg->oomKnown, cg->oomKills));
   return o;
}

/* The deploys the tree keeps, newest first. */
static json_object* Batch_deploys(const DeployWatch* w) {
   json_object* a = json_object_new_array();
   const DeployEvent* e;
   for (int age = 0; (e = DeployWatch_event(w, age)) != NULL; age++) {
      json_object* d = json_object_new_object();
      char text[DEPLOY_DESCRIBE_SIZE];
      DeployWatch_describe(e, text, sizeof(text));
      const char* kind = DeployWatch_kindName(e->kind);
      Batch_add(d, "time", Batch_finite(e->wall, 2));
      Batch_add(d, "kind", kind ? json_object_new_string(kind) : NULL);
      Batch_add(d, "pid", json_object_new_int(e->pid));
      Batch_add(d, "start_ticks", Batch_u64(e->startTicks));
      Batch_add(d, "code_changed", Batch_finite(e->codeChanged, 2));
      Batch_add(d, "file", e->file[0] ? json_object_new_string(e->file) : NULL);
      Batch_add(d, "text", json_object_new_string(text));
      json_object_array_add(a, d);
   }
   return a;
}

static json_object* Batch_tree(const Machine* machine, const ProcessTree* tree) {
   json_object* o = json_object_new_object();
   const Process* root = ProcessTree_root(tree);
   Batch_add(o, "root_pid", json_object_new_int(root->pid));
   Batch_add(o, "root_start_ticks", Batch_u64(root->startTicks));
   Batch_add(o, "name", json_object_new_string(tree->name));
   Batch_add(o, "root_exited", json_object_new_boolean(tree->rootGone));
   Batch_add(o, "workers", json_object_new_int(ProcessTree_workerCount(tree)));
   Batch_add(o, "total_rss_kib", Batch_u64(ProcessTree_totalRss(tree)));
   bool complete;
   uint64_t pss = ProcessTree_totalPss(tree, &complete);
   Batch_add(o, "total_pss_kib", Batch_knownU64(complete, pss));
   Batch_add(o, "cgroup", Batch_cgroup(&tree->cgroup));
   json_object* traffic = Batch_traffic(json_object_new_object(), tree->trafficKnown,
                                        tree->trafficDelta, tree->trafficTotal, tree->trafficIdle);
   Batch_add(traffic, "split", json_object_new_boolean(tree->trafficSplit));
   Batch_add(o, "traffic", traffic);
   json_object* verdict = json_object_new_object();
   Batch_add(verdict, "label", json_object_new_string(TreeVerdict_label(tree->verdict.label)));
   Batch_add(verdict, "evidence", json_object_new_string(tree->verdict.evidence));
   Batch_add(verdict, "growth_kib_per_min", Batch_finite(tree->verdict.growthPerMin, 1));
   Batch_add(verdict, "next_step", json_object_new_string(Runbook_treeStep(tree->verdict.label)));
   Batch_add(o, "verdict", verdict);
   Batch_add(o, "time_to_limit_s", Batch_finite(tree->verdict.timeToLimit, 0));
   double headroom =
         TimeToLimit_headroomKiB(&tree->cgroup, machine->hostMemKnown, machine->memAvailableKiB);
   json_object* procs = json_object_new_array();
   for (int i = 0; i < tree->count; i++) {
      if (i == 0 && tree->rootGone)
         continue;
      json_object_array_add(procs, Batch_process(machine, tree->procs[i], headroom));
   }
   Batch_add(o, "processes", procs);
   json_object* exited = json_object_new_array();
   const ExitedProcess* e;
   for (int age = 0; (e = ProcessTree_exited(tree, age)) != NULL; age++) {
      json_object* x = json_object_new_object();
      Batch_add(x, "pid", json_object_new_int(e->pid));
      Batch_add(x, "start_ticks", Batch_u64(e->startTicks));
      Batch_add(x, "name", json_object_new_string(e->name));
      Batch_add(x, "generation", json_object_new_int((int)e->generation));
      Batch_add(x, "lifetime_s", Batch_finite(e->lifetime, 1));
      Batch_add(x, "peak_rss_kib", Batch_u64(e->peakRssKiB));
      Batch_add(x, "exit_time", Batch_finite(e->exitEpoch, 2));
      Batch_add(x, "how", json_object_new_string(e->how));
      json_object_array_add(exited, x);
   }
   Batch_add(o, "exited", exited);
   Batch_add(o, "exited_total", json_object_new_int((int)tree->exitedTotal));
   Batch_add(o, "deploys", Batch_deploys(&tree->deploy));
   Batch_add(o, "deploys_total", json_object_new_int((int)tree->deploy.total));
   return o;
}

void Batch_writeTick(const Machine* machine, FILE* out) {
   json_object* o = json_object_new_object();
   Batch_add(o, "time", Batch_finite(machine->wallNow, 3));
   Batch_add(o, "tick", json_object_new_int64((int64_t)machine->tick));
   Batch_add(o, "interval_s", Batch_finite(machine->opts->delay, 3));
   json_object* host = json_object_new_object();
   Batch_add(host, "mem_total_kib", Batch_knownU64(machine->hostMemKnown, machine->memTotalKiB));
   Batch_add(host, "mem_available_kib",
             Batch_knownU64(machine->hostMemKnown, machine->memAvailableKiB));
   Batch_add(o, "host", host);
   Batch_add(o, "notice", json_object_new_string(machine->notice));
   Batch_add(o, "traffic_source", json_object_new_string(Traffic_displayName(machine->traffic)));
   Batch_add(o, "traffic_unit", json_object_new_string(Traffic_unit(machine->traffic)));
   json_object* trees = json_object_new_array();
   for (int t = 0; t < machine->treeCount; t++)
      json_object_array_add(trees, Batch_tree(machine, machine->trees[t]));
   Batch_add(o, "trees", trees);
   fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
         out);
   Batch_pruneCache(machine->tick);
   fputc('\n', out);
   fflush(out);
   json_object_put(o);
}

/* Starts the next periodic snapshot that is due and looks for the answer
   of the one under way; what happened goes to stderr, the data into the
   next sample's objects. */
static void Batch_snapshots(SnapshotRunner* runner, const Machine* machine) {
   char msg[512];
   SnapshotRunner_schedule(runner, machine, XUtils_monotonicNow(), msg, sizeof(msg));
   SnapshotRunnerState state = SnapshotRunner_poll(runner, machine, msg, sizeof(msg));
   if (state == SNAPSHOT_RUNNER_DONE || state == SNAPSHOT_RUNNER_FAILED)
      fprintf(stderr, "leaktop: %s\n", msg);
}

static void Batch_sleepUntil(double deadline, SnapshotRunner* runner, const Machine* machine) {
   while (!Batch_stopRequested) {
      double left = deadline - XUtils_monotonicNow();
      if (left <= 0)
         return;
      bool polling = runner && SnapshotRunner_busy(runner, NULL, NULL);
      if (polling) {
         Batch_snapshots(runner, machine);
         double poll = SnapshotRunner_pollMs(runner) / 1000.0;
         if (left > poll)
            left = poll;
      }
      struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
      if (nanosleep(&ts, NULL) == 0 && !polling)
         return;
   }
}

int Batch_run(Machine* machine, const Options* opts, FILE* out) {
   struct sigaction sa;
   memset(&sa, 0, sizeof(sa));
   sa.sa_handler = Batch_onSignal;
   sigaction(SIGINT, &sa, NULL);
   sigaction(SIGTERM, &sa, NULL);
   sigaction(SIGHUP, &sa, NULL);
   /* A closed reader (| head) ends the run cleanly instead of killing it. */
   signal(SIGPIPE, SIG_IGN);

   /* Every field is printed, so every optional read is made. */
   machine->scanFlags = SCAN_ALL;
   SnapshotRunner* snapshots =
         opts->snapshotEvery > 0 ? SnapshotRunner_new(opts->snapshotEvery) : NULL;
   int status = 0;
   double next = XUtils_monotonicNow();
   for (long i = 0; !Batch_stopRequested && (opts->iterations == 0 || i < opts->iterations); i++) {
      if (i > 0) {
         next += opts->delay;
         Batch_sleepUntil(next, snapshots, machine);
         if (Batch_stopRequested)
            break;
      }
      Machine_scan(machine);
      if (snapshots)
         Batch_snapshots(snapshots, machine);
      Batch_writeTick(machine, out);
      if (ferror(out)) {
         status = errno == EPIPE ? 0 : 1;
         break;
      }
      if (Machine_allTargetsGone(machine)) {
         fputs("leaktop: every watched process has exited\n", stderr);
         break;
      }
   }
   SnapshotRunner_free(snapshots);
   Batch_dropCache();
   return status;
}
