#include "config.h"

#include "output/Batch.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/Runbook.h"
#include "classify/TimeToLimit.h"
#include "classify/WorkerVerdict.h"
#include "inject/SnapshotRunner.h"
#include "output/JsonWriter.h"
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

/* A process's verdict object, kept as JSON text while the process lives:
   its evidence only changes when the classifier closes a bucket (every
   2 s), and composing it (labels, summary, next step) is most of what a
   process costs to print. */
typedef struct BatchCached {
   pid_t pid;
   unsigned long long startTicks;
   unsigned long tick; /* last tick it was written in */
   char* verdict;
   size_t verdictLength;
   /* What the verdict was written from. */
   int verdictBuckets;
   int verdictLabel;
   double verdictSince;
   const void* verdictTraffic;
   int verdictSnapshots;      /* snapshots taken when it was written */
   unsigned verdictResources; /* the fds and threads detector's revision */
   /* The fd_kinds object, kept as JSON text between two readings. */
   char* fdKinds;
   size_t fdKindsLength;
   double fdKindsTime; /* of the reading it was written from */
} BatchCached;

typedef struct BatchState {
   JsonWriter line;    /* the tick's line, reused */
   JsonWriter scratch; /* a verdict being composed */
   BatchCached* cache;
   int cacheCount;
   int cacheCapacity;
   int cacheHint;
} BatchState;

static BatchState Batch_state;

static BatchCached* Batch_cachedEntry(const Process* p, unsigned long tick) {
   BatchState* st = &Batch_state;
   /* Processes come in the same order every tick: look where the last one was found first. */
   for (int k = 0; k < st->cacheCount; k++) {
      int i = (st->cacheHint + k) % st->cacheCount;
      BatchCached* c = &st->cache[i];
      if (c->pid == p->pid && c->startTicks == p->startTicks) {
         c->tick = tick;
         st->cacheHint = i + 1;
         return c;
      }
   }
   if (st->cacheCount == st->cacheCapacity) {
      st->cacheCapacity = st->cacheCapacity ? st->cacheCapacity * 2 : 16;
      st->cache = xReallocArray(st->cache, (size_t)st->cacheCapacity, sizeof(BatchCached));
   }
   BatchCached* c = &st->cache[st->cacheCount++];
   *c = (BatchCached){.pid = p->pid,
                      .startTicks = p->startTicks,
                      .tick = tick,
                      .verdictBuckets = -1,
                      .fdKindsTime = -1};
   return c;
}

/* Drops the entries of processes that were not written in this tick. */
static void Batch_pruneCache(unsigned long tick) {
   BatchState* st = &Batch_state;
   int kept = 0;
   for (int i = 0; i < st->cacheCount; i++) {
      if (st->cache[i].tick == tick) {
         st->cache[kept++] = st->cache[i];
      } else {
         free(st->cache[i].verdict);
         free(st->cache[i].fdKinds);
      }
   }
   st->cacheCount = kept;
}

static void Batch_dropState(void) {
   BatchState* st = &Batch_state;
   for (int i = 0; i < st->cacheCount; i++) {
      free(st->cache[i].verdict);
      free(st->cache[i].fdKinds);
   }
   free(st->cache);
   JsonWriter_done(&st->line);
   JsonWriter_done(&st->scratch);
   memset(st, 0, sizeof(*st));
}

/* One tick's traffic, unknown as null; the caller closes the object. */
static void Batch_traffic(JsonWriter* w, bool known, double delta, double total, bool idle) {
   JsonWriter_beginObject(w, "traffic");
   if (known) {
      JsonWriter_fixed(w, "delta", delta, 3);
      JsonWriter_fixed(w, "total", total, 3);
   } else {
      JsonWriter_null(w, "delta");
      JsonWriter_null(w, "total");
   }
   JsonWriter_bool(w, "idle", idle);
}

/* A process's verdict and its evidence, as one object. */
static void Batch_verdict(JsonWriter* w, const Machine* machine, const Process* p) {
   const GrowthClassifier* g = &p->growth;
   const GrowthEvidence* e = &g->evidence;
   SnapshotVerdict heap = ProcessSnapshots_verdict(p->snapshots);
   char label[64], full[96], resources[96], summary[200];
   Classifier_describe(g, label, (int)sizeof(label));
   WorkerVerdict_compose(label, heap, false, full, sizeof(full));
   ResourceGrowth_describe(&p->resources, resources, sizeof(resources));
   snprintf(summary, sizeof(summary), "%s%s%s", full, resources[0] ? "; " : "", resources);
   JsonWriter_beginObject(w, NULL);
   JsonWriter_string(w, "label", Classifier_label(g->verdict));
   JsonWriter_string(w, "reason", Classifier_reasonText(g->reason));
   JsonWriter_string(w, "snapshot",
                     heap == SNAPSHOT_VERDICT_UNKNOWN ? NULL : SnapshotDiff_verdictName(heap));
   JsonWriter_string(w, "summary", summary);
   JsonWriter_fixed(w, "confidence", e->confidence, 3);
   JsonWriter_fixed(w, "growth_kib_per_min", e->growthPerMin, 1);
   JsonWriter_fixed(w, "growth_stderr", e->growthStderr, 1);
   JsonWriter_fixed(w, "growth_unexplained_kib_per_min", e->unexplainedPerMin, 1);
   JsonWriter_fixed(w, "growth_unexplained_stderr", e->unexplainedStderr, 1);
   JsonWriter_fixed(w, "growth_per_1000_units", e->perThousandUnits, 1);
   JsonWriter_fixed(w, "growth_per_1000_stderr", e->perThousandStderr, 1);
   JsonWriter_string(w, "traffic_unit", Traffic_unit(machine->traffic));
   JsonWriter_fixed(w, "idle_growth_kib_per_min", e->idlePerMin, 1);
   JsonWriter_fixed(w, "idle_growth_stderr", e->idleStderr, 1);
   JsonWriter_fixed(w, "collinearity", e->collinearity, 3);
   JsonWriter_fixed(w, "uss_growth_kib_per_min", e->ussPerMin, 1);
   JsonWriter_string(w, "next_step", Runbook_step(g->verdict, g->reason, heap));
   /* Monotonic to wall clock: the change was this long before now. */
   JsonWriter_fixed(w, "since", machine->wallNow - (machine->now - g->since), 0);
   JsonWriter_beginObject(w, "resources");
   JsonWriter_string(w, "label", resources[0] ? resources : NULL);
   JsonWriter_bool(w, "fds_grow", p->resources.grows[RESOURCE_FDS]);
   JsonWriter_bool(w, "threads_grow", p->resources.grows[RESOURCE_THREADS]);
   JsonWriter_int(w, "fds_rise", p->resources.rise[RESOURCE_FDS]);
   JsonWriter_int(w, "threads_rise", p->resources.rise[RESOURCE_THREADS]);
   JsonWriter_int(w, "close_wait_rise", p->resources.rise[RESOURCE_CLOSE_WAIT]);
   JsonWriter_int(w, "established_rise", p->resources.rise[RESOURCE_ESTABLISHED]);
   JsonWriter_string(w, "next_step", Runbook_resourceStep(&p->resources));
   JsonWriter_endObject(w);
   JsonWriter_endObject(w);
}

/* Up to this many types and lines that grew, per snapshot diff. */
#define BATCH_SNAPSHOT_TOP 5

static void Batch_snapshotDiff(JsonWriter* w, const SnapshotDiff* d) {
   char text[320];
   SnapshotOutput_verdict(d, text, sizeof(text));
   JsonWriter_beginObject(w, "diff");
   JsonWriter_string(w, "verdict", SnapshotDiff_verdictName(d->verdict));
   JsonWriter_string(w, "verdict_text", text);
   JsonWriter_fixed(w, "interval_s", d->interval, 1);
   JsonWriter_knownInt(w, "rss_delta_kib", d->rssKnown, d->rssDeltaKiB);
   JsonWriter_knownInt(w, "traced_delta_bytes", d->growth.tracedKnown, d->growth.tracedDeltaBytes);
   JsonWriter_fixed(w, "allocated_blocks_percent", d->blocksPercent, 2);
   JsonWriter_beginArray(w, "types");
   for (int i = 0; i < d->typeCount && i < BATCH_SNAPSHOT_TOP; i++) {
      JsonWriter_beginObject(w, NULL);
      JsonWriter_string(w, "name", d->types[i].name);
      JsonWriter_int(w, "after", d->types[i].after);
      JsonWriter_int(w, "delta", d->types[i].delta);
      JsonWriter_endObject(w);
   }
   JsonWriter_endArray(w);
   JsonWriter_beginArray(w, "lines");
   for (int i = 0; i < d->lineCount && i < BATCH_SNAPSHOT_TOP; i++) {
      JsonWriter_beginObject(w, NULL);
      JsonWriter_string(w, "file", d->lines[i].file);
      JsonWriter_int(w, "line", d->lines[i].line);
      JsonWriter_int(w, "size_delta", d->lines[i].sizeDelta);
      JsonWriter_endObject(w);
   }
   JsonWriter_endArray(w);
   JsonWriter_endObject(w);
}

/* The latest heap snapshot of a process and its diff; null before the first request. */
static void Batch_snapshot(JsonWriter* w, const Machine* machine, const ProcessSnapshots* r) {
   if (!r) {
      JsonWriter_null(w, "snapshot");
      return;
   }
   JsonWriter_beginObject(w, "snapshot");
   JsonWriter_int(w, "taken", r->taken);
   JsonWriter_string(w, "error", r->error[0] ? r->error : NULL);
   if (r->haveLatest) {
      const Snapshot* s = &r->latest;
      JsonWriter_int(w, "seq", (int64_t)s->seq);
      JsonWriter_fixed(w, "time", s->time, 3);
      JsonWriter_fixed(w, "age_s", machine->now - r->takenAt, 1);
      JsonWriter_string(w, "route", r->route);
      JsonWriter_fixed(w, "answer_ms", r->answerMs, 1);
      JsonWriter_int(w, "paused_threads", r->pausedThreads);
      JsonWriter_fixed(w, "pause_ms", r->pausedThreads > 0 ? r->pauseMs : NAN, 3);
      /* The collector marks what it could not count negative. */
      JsonWriter_knownInt(w, "rss_kib", s->rssKiB >= 0, s->rssKiB);
      JsonWriter_knownInt(w, "allocated_blocks", s->allocatedBlocks >= 0, s->allocatedBlocks);
      JsonWriter_knownInt(w, "gc_objects", s->gcObjects >= 0, s->gcObjects);
      JsonWriter_bool(w, "tracing", s->tracemallocKnown && s->tracing);
      if (r->haveDiff && r->diff.comparable)
         Batch_snapshotDiff(w, &r->diff);
      else
         JsonWriter_null(w, "diff");
   }
   JsonWriter_endObject(w);
}

/* The fds by kind of the last reading, null before one (SCAN_FDS); its
   text is composed once per reading, and copied on the ticks between. */
static void Batch_fdKinds(JsonWriter* w, const Machine* machine, const Process* p, BatchCached* c) {
   const FdSample* k = &p->fdKinds;
   bool known = p->fdKindsTime >= 0 && k->known;
   JsonWriter_fixed(w, "fd_kinds_age_s", known ? machine->now - p->fdKindsTime : NAN, 1);
   if (!known) {
      JsonWriter_null(w, "fd_kinds");
      return;
   }
   if (!c->fdKinds || c->fdKindsTime != p->fdKindsTime) {
      JsonWriter* scratch = &Batch_state.scratch;
      JsonWriter_reset(scratch);
      JsonWriter_beginObject(scratch, NULL);
      for (int i = 0; i < FD_CLASS_COUNT; i++)
         JsonWriter_int(scratch, FdProbe_className((FdClass)i), k->classes[i]);
      JsonWriter_beginObject(scratch, "tcp_states");
      for (unsigned s = 1; s < PROC_TCP_STATES; s++)
         if (k->tcpStates[s] > 0)
            JsonWriter_int(scratch, FdProbe_tcpStateName(s), k->tcpStates[s]);
      JsonWriter_endObject(scratch);
      JsonWriter_endObject(scratch);
      c->fdKinds = xReallocArray(c->fdKinds, scratch->length + 1, 1);
      memcpy(c->fdKinds, scratch->text, scratch->length + 1);
      c->fdKindsLength = scratch->length;
      c->fdKindsTime = p->fdKindsTime;
   }
   JsonWriter_raw(w, "fd_kinds", c->fdKinds, c->fdKindsLength);
}

/* Open fds and threads, their change over the growth window, the fd limit
   and the time to it. */
static void Batch_resources(JsonWriter* w, const Machine* machine, const Process* p,
                            BatchCached* c) {
   const Options* opts = machine->opts;
   int64_t change = 0;
   JsonWriter_knownU64(w, "fds", p->fdKnown, p->fds);
   bool known = ResourceGrowth_change(&p->resources, RESOURCE_FDS, machine->now, opts->growthWindow,
                                      &change);
   JsonWriter_knownInt(w, "fds_change", known, change);
   JsonWriter_knownU64(w, "threads", p->threads > 0, p->threads);
   known = ResourceGrowth_change(&p->resources, RESOURCE_THREADS, machine->now, opts->growthWindow,
                                 &change);
   JsonWriter_knownInt(w, "threads_change", known, change);
   const FdSample* k = &p->fdKinds;
   JsonWriter_knownU64(w, "fd_limit", p->fdLimitKnown, p->fdLimit);
   JsonWriter_fixed(
         w, "fd_limit_in_s",
         p->fdLimitKnown ? ResourceGrowth_secondsToLimit(&p->resources, p->fdLimit) : NAN, 0);
   JsonWriter_knownU64(w, "close_wait", k->known, k->tcpStates[PROC_TCP_CLOSE_WAIT]);
   JsonWriter_knownU64(w, "established", k->known, k->tcpStates[PROC_TCP_ESTABLISHED]);
   Batch_fdKinds(w, machine, p, c);
}

/* The verdict object of p, from its cache entry while what it shows holds. */
static void Batch_cachedVerdict(JsonWriter* w, const Machine* machine, const Process* p,
                                BatchCached* c) {
   const GrowthClassifier* g = &p->growth;
   int label = (int)g->verdict * 16 + (int)g->reason;
   int taken = p->snapshots ? p->snapshots->taken : 0;
   if (!c->verdict || c->verdictBuckets != g->buckets || c->verdictLabel != label ||
       c->verdictSince != g->since || c->verdictTraffic != machine->traffic ||
       c->verdictSnapshots != taken || c->verdictResources != p->resources.revision) {
      JsonWriter* scratch = &Batch_state.scratch;
      JsonWriter_reset(scratch);
      Batch_verdict(scratch, machine, p);
      c->verdict = xReallocArray(c->verdict, scratch->length + 1, 1);
      memcpy(c->verdict, scratch->text, scratch->length + 1);
      c->verdictLength = scratch->length;
      c->verdictBuckets = g->buckets;
      c->verdictLabel = label;
      c->verdictSince = g->since;
      c->verdictTraffic = machine->traffic;
      c->verdictSnapshots = taken;
      c->verdictResources = p->resources.revision;
   }
   JsonWriter_raw(w, "verdict", c->verdict, c->verdictLength);
}

static void Batch_process(JsonWriter* w, const Machine* machine, const Process* p,
                          double headroomKiB) {
   const Options* opts = machine->opts;
   BatchCached* c = Batch_cachedEntry(p, machine->tick);
   JsonWriter_beginObject(w, NULL);
   JsonWriter_int(w, "pid", p->pid);
   JsonWriter_u64(w, "start_ticks", p->startTicks);
   JsonWriter_fixed(w, "start_time", p->startEpoch, 2);
   /* Read once when the process was found, and never again. */
   JsonWriter_string(w, "name", p->name);
   JsonWriter_string(w, "cmdline", p->cmdline);
   JsonWriter_int(w, "ppid", p->ppid);
   JsonWriter_string(w, "role", Process_roleName(p->role));
   JsonWriter_int(w, "generation", p->generation);
   JsonWriter_knownInt(w, "slot", p->slot != 0, p->slot);
   JsonWriter_int(w, "depth", p->depth);
   char state[2] = {p->state, '\0'};
   JsonWriter_string(w, "state", state);
   JsonWriter_fixed(w, "age_s", Process_age(p, machine->wallNow), 1);
   JsonWriter_knownU64(w, "rss_kib", p->memKnown, p->rssKiB);
   JsonWriter_knownU64(w, "rss_anon_kib", p->memKnown, p->anonKiB);
   JsonWriter_knownU64(w, "rss_file_kib", p->memKnown, p->fileKiB);
   JsonWriter_knownU64(w, "rss_shmem_kib", p->memKnown, p->shmemKiB);
   JsonWriter_u64(w, "peak_rss_kib", p->peakRssKiB);
   JsonWriter_knownU64(w, "pss_kib", p->smapsKnown, p->pssKiB);
   JsonWriter_knownU64(w, "uss_kib", p->smapsKnown, p->ussKiB);
   JsonWriter_knownU64(w, "swap_kib", p->smapsKnown, p->swapKiB);
   JsonWriter_fixed(w, "smaps_age_s", p->smapsTime >= 0 ? machine->now - p->smapsTime : NAN, 1);
   JsonWriter_string(
         w, "smaps_error",
         !p->smapsKnown && p->smapsTime >= 0 ? ProcFiles_explainSmapsError(p->smapsErrno) : NULL);
   JsonWriter_fixed(w, "growth_kib_per_min", Process_growthPerMinute(p, opts->growthWindow), 1);
   JsonWriter_fixed(w, "growth_window_s", opts->growthWindow, 0);
   JsonWriter_fixed(w, "cpu_pct", p->cpuKnown ? p->cpuPercent : NAN, 1);
   JsonWriter_knownU64(w, "ctx_voluntary", p->ctxKnown, p->ctxVoluntary);
   JsonWriter_knownU64(w, "ctx_involuntary", p->ctxKnown, p->ctxInvoluntary);
   Batch_resources(w, machine, p, c);
   Batch_traffic(w, p->trafficKnown, p->trafficDelta, p->trafficTotal, p->idle);
   JsonWriter_endObject(w);
   Batch_cachedVerdict(w, machine, p, c);
   Batch_snapshot(w, machine, p->snapshots);
   JsonWriter_fixed(w, "time_to_limit_s",
                    TimeToLimit_seconds(Classifier_projectedGrowth(&p->growth), headroomKiB), 0);
   JsonWriter_endObject(w);
}

/* The deploys the tree keeps, newest first. */
static void Batch_deploys(JsonWriter* w, const DeployWatch* deploys) {
   JsonWriter_beginArray(w, "deploys");
   const DeployEvent* e;
   for (int age = 0; (e = DeployWatch_event(deploys, age)) != NULL; age++) {
      char text[DEPLOY_DESCRIBE_SIZE];
      DeployWatch_describe(e, text, sizeof(text));
      JsonWriter_beginObject(w, NULL);
      JsonWriter_fixed(w, "time", e->wall, 2);
      JsonWriter_string(w, "kind", DeployWatch_kindName(e->kind));
      JsonWriter_int(w, "pid", e->pid);
      JsonWriter_u64(w, "start_ticks", e->startTicks);
      JsonWriter_fixed(w, "code_changed", e->codeChanged, 2);
      JsonWriter_string(w, "file", e->file[0] ? e->file : NULL);
      JsonWriter_string(w, "text", text);
      JsonWriter_endObject(w);
   }
   JsonWriter_endArray(w);
   JsonWriter_int(w, "deploys_total", deploys->total);
}

static void Batch_cgroup(JsonWriter* w, const CgroupStatus* cg) {
   if (!cg->found) {
      JsonWriter_null(w, "cgroup");
      return;
   }
   JsonWriter_beginObject(w, "cgroup");
   JsonWriter_string(w, "path", cg->path);
   JsonWriter_int(w, "version", cg->version);
   JsonWriter_bool(w, "limited", cg->limited);
   JsonWriter_knownU64(w, "limit_bytes", cg->limited, cg->limitBytes);
   JsonWriter_knownU64(w, "current_bytes", cg->currentKnown, cg->currentBytes);
   JsonWriter_knownU64(w, "headroom_bytes", cg->limited && cg->currentKnown,
                       cg->limitBytes > cg->currentBytes ? cg->limitBytes - cg->currentBytes : 0);
   JsonWriter_knownU64(w, "oom_kills", cg->oomKnown, cg->oomKills);
   JsonWriter_endObject(w);
}

static void Batch_ends(JsonWriter* w, const EndCounts* ends) {
   JsonWriter_beginObject(w, "ends");
   JsonWriter_int(w, "recycles", ends->recycles);
   JsonWriter_int(w, "crashes", ends->crashes);
   JsonWriter_int(w, "oom_kills", ends->oomKills);
   JsonWriter_int(w, "unknown", ends->unknown);
   JsonWriter_endObject(w);
}

/* A recycled-growth verdict; null when the generations show none. */
static void Batch_recycle(JsonWriter* w, const RecycleVerdict* v) {
   if (v->label == RECYCLE_NONE) {
      JsonWriter_null(w, "recycle");
      return;
   }
   JsonWriter_beginObject(w, "recycle");
   JsonWriter_string(w, "label", RecycleVerdict_label(v->label));
   JsonWriter_string(w, "evidence", v->evidence);
   JsonWriter_int(w, "generations", v->generations);
   JsonWriter_fixed(w, "growth_kib_per_generation", v->growthKiB, 1);
   JsonWriter_fixed(w, "units_per_generation", v->units, 1);
   JsonWriter_fixed(w, "growth_per_1000_units", v->perThousandUnits, 1);
   JsonWriter_fixed(w, "growth_kib_per_min", v->perMinute, 1);
   JsonWriter_fixed(w, "lifetime_s", v->lifetime, 1);
   JsonWriter_fixed(w, "restarts_per_hour", v->restartsPerHour, 1);
   JsonWriter_fixed(w, "spread", v->spread, 3);
   JsonWriter_endObject(w);
}

/* The slots with a lineage: one that never lost a worker is all in its
   worker's slot field, and a thousand of them would cost a thousand objects. */
static void Batch_slots(JsonWriter* w, const ProcessTree* tree) {
   JsonWriter_beginArray(w, "slots");
   for (int i = 0; i < tree->slotCount; i++) {
      const WorkerSlot* slot = tree->slots[i];
      if (slot->doneCount == 0)
         continue;
      JsonWriter_beginObject(w, NULL);
      JsonWriter_int(w, "slot", slot->number);
      JsonWriter_knownInt(w, "pid", slot->occupant != NULL,
                          slot->occupant ? slot->occupant->pid : 0);
      JsonWriter_int(w, "generation", slot->generation);
      JsonWriter_beginArray(w, "generations");
      const GenerationRecord* g;
      for (int age = 0; (g = WorkerSlot_generation(slot, age)) != NULL; age++) {
         JsonWriter_beginObject(w, NULL);
         JsonWriter_int(w, "generation", g->generation);
         JsonWriter_string(w, "end", RecycleVerdict_endName(g->end));
         JsonWriter_fixed(w, "lifetime_s", g->lifetime, 1);
         JsonWriter_fixed(w, "growth_kib", g->totalGrowthKiB, 1);
         JsonWriter_fixed(w, "units", g->trafficKnown ? g->totalUnits : NAN, 1);
         JsonWriter_bool(w, "measured", g->measured);
         JsonWriter_endObject(w);
      }
      JsonWriter_endArray(w);
      Batch_ends(w, &slot->ends);
      Batch_recycle(w, &slot->verdict);
      JsonWriter_endObject(w);
   }
   JsonWriter_endArray(w);
}

static void Batch_tree(JsonWriter* w, const Machine* machine, const ProcessTree* tree) {
   const Process* root = ProcessTree_root(tree);
   JsonWriter_beginObject(w, NULL);
   JsonWriter_int(w, "root_pid", root->pid);
   JsonWriter_u64(w, "root_start_ticks", root->startTicks);
   JsonWriter_string(w, "name", tree->name);
   JsonWriter_bool(w, "root_exited", tree->rootGone);
   JsonWriter_int(w, "workers", ProcessTree_workerCount(tree));
   JsonWriter_u64(w, "total_rss_kib", ProcessTree_totalRss(tree));
   bool complete;
   uint64_t pss = ProcessTree_totalPss(tree, &complete);
   JsonWriter_knownU64(w, "total_pss_kib", complete, pss);
   Batch_cgroup(w, &tree->cgroup);
   Batch_traffic(w, tree->trafficKnown, tree->trafficDelta, tree->trafficTotal, tree->trafficIdle);
   JsonWriter_bool(w, "split", tree->trafficSplit);
   JsonWriter_endObject(w);
   JsonWriter_beginObject(w, "verdict");
   JsonWriter_string(w, "label", TreeVerdict_label(tree->verdict.label));
   JsonWriter_string(w, "evidence", tree->verdict.evidence);
   JsonWriter_fixed(w, "growth_kib_per_min", tree->verdict.growthPerMin, 1);
   JsonWriter_string(w, "next_step", Runbook_treeStep(tree->verdict.label));
   JsonWriter_endObject(w);
   JsonWriter_fixed(w, "time_to_limit_s", tree->verdict.timeToLimit, 0);
   double headroom =
         TimeToLimit_headroomKiB(&tree->cgroup, machine->hostMemKnown, machine->memAvailableKiB);
   JsonWriter_beginArray(w, "processes");
   for (int i = 0; i < tree->count; i++) {
      if (i == 0 && tree->rootGone)
         continue;
      Batch_process(w, machine, tree->procs[i], headroom);
   }
   JsonWriter_endArray(w);
   JsonWriter_beginArray(w, "exited");
   const ExitedProcess* e;
   for (int age = 0; (e = ProcessTree_exited(tree, age)) != NULL; age++) {
      JsonWriter_beginObject(w, NULL);
      JsonWriter_int(w, "pid", e->pid);
      JsonWriter_u64(w, "start_ticks", e->startTicks);
      JsonWriter_string(w, "name", e->name);
      JsonWriter_int(w, "generation", e->generation);
      JsonWriter_fixed(w, "lifetime_s", e->lifetime, 1);
      JsonWriter_u64(w, "peak_rss_kib", e->peakRssKiB);
      JsonWriter_fixed(w, "exit_time", e->exitEpoch, 2);
      JsonWriter_string(w, "how", e->how);
      JsonWriter_string(w, "end", RecycleVerdict_endName(e->end));
      JsonWriter_knownInt(w, "slot", e->slot != 0, e->slot);
      JsonWriter_endObject(w);
   }
   JsonWriter_endArray(w);
   JsonWriter_int(w, "exited_total", tree->exitedTotal);
   Batch_deploys(w, &tree->deploy);
   Batch_ends(w, &tree->ends);
   Batch_recycle(w, &tree->recycle);
   Batch_slots(w, tree);
   JsonWriter_endObject(w);
}

void Batch_writeTick(const Machine* machine, FILE* out) {
   JsonWriter* w = &Batch_state.line;
   JsonWriter_reset(w);
   JsonWriter_beginObject(w, NULL);
   JsonWriter_fixed(w, "time", machine->wallNow, 3);
   JsonWriter_u64(w, "tick", machine->tick);
   JsonWriter_fixed(w, "interval_s", machine->opts->delay, 3);
   JsonWriter_beginObject(w, "host");
   JsonWriter_knownU64(w, "mem_total_kib", machine->hostMemKnown, machine->memTotalKiB);
   JsonWriter_knownU64(w, "mem_available_kib", machine->hostMemKnown, machine->memAvailableKiB);
   JsonWriter_endObject(w);
   JsonWriter_string(w, "notice", machine->notice);
   JsonWriter_string(w, "traffic_source", Traffic_displayName(machine->traffic));
   JsonWriter_string(w, "traffic_unit", Traffic_unit(machine->traffic));
   JsonWriter_beginArray(w, "trees");
   for (int t = 0; t < machine->treeCount; t++)
      Batch_tree(w, machine, machine->trees[t]);
   JsonWriter_endArray(w);
   JsonWriter_endObject(w);
   fwrite(w->text, 1, w->length, out);
   fputc('\n', out);
   fflush(out);
   Batch_pruneCache(machine->tick);
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
   Batch_dropState();
   return status;
}
