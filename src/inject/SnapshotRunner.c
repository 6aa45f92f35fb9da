#include "config.h"

#include "inject/SnapshotRunner.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/SnapshotJob.h"
#include "model/ProcessTree.h"
#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotOutput.h"
#include "snapshot/SnapshotStore.h"
#include "util/Format.h"
#include "util/XUtils.h"

/* A periodic request that waits longer than this (or than its period) is
   given up: the next one names what blocks the worker. One the operator
   asked for waits until answered or cancelled. */
#define SNAPSHOT_RUNNER_GIVE_UP 30.0
/* Seconds a new request is polled closely (SnapshotRunner_pollMs). */
#define SNAPSHOT_RUNNER_CLOSE_POLL 0.5

struct SnapshotRunner_ {
   double every;
   unsigned seq;

   SnapshotJob* job;
   pid_t pid;
   unsigned long long startTicks;
   bool periodic;
   double startedAt;
   char status[512];

   /* The dashboard's selection, followed for periodic snapshots. */
   pid_t followPid;
   unsigned long long followStart;
   double followSince;
};

SnapshotRunner* SnapshotRunner_new(double every) {
   SnapshotRunner* this = xCalloc(1, sizeof(*this));
   this->every = every;
   this->seq = SnapshotRequest_freshSeq();
   return this;
}

void SnapshotRunner_free(SnapshotRunner* this) {
   if (!this)
      return;
   SnapshotJob_free(this->job);
   free(this);
}

static void SnapshotRunner_request(SnapshotRequest* req, unsigned seq, SnapshotKind kind) {
   SnapshotRequest_init(req, seq);
   switch (kind) {
   case SNAPSHOT_KIND_START_TRACING:
      /* One frame: lines are what the diff compares. */
      req->startTracemalloc = 1;
      break;
   case SNAPSHOT_KIND_STOP_TRACING:
      req->stopTracemalloc = true;
      break;
   case SNAPSHOT_KIND_TRIM:
      req->trim = true;
      break;
   case SNAPSHOT_KIND_PLAIN:
      break;
   }
}

static bool SnapshotRunner_begin(SnapshotRunner* this, Process* p, SnapshotKind kind, bool periodic,
                                 char* msg, size_t msgSize) {
   if (this->job) {
      snprintf(msg, msgSize, "a snapshot of %d is under way (Esc cancels it)", (int)this->pid);
      return false;
   }
   ProcessSnapshots* record = Process_snapshots(p);
   SnapshotRequest req;
   SnapshotRunner_request(&req, this->seq++, kind);
   record->lastAttempt = XUtils_monotonicNow();
   char err[sizeof(record->error)] = "";
   this->job = SnapshotJob_start(p->pid, &req, false, err, sizeof(err));
   if (!this->job) {
      snprintf(record->error, sizeof(record->error), "%s", err);
      snprintf(msg, msgSize, "no snapshot of %d: %s", (int)p->pid, err);
      return false;
   }
   this->pid = p->pid;
   this->startTicks = p->startTicks;
   this->periodic = periodic;
   this->startedAt = record->lastAttempt;
   this->status[0] = '\0';
   static const char* const what[] = {
         [SNAPSHOT_KIND_PLAIN] = "",
         [SNAPSHOT_KIND_START_TRACING] = ", starting tracemalloc",
         [SNAPSHOT_KIND_STOP_TRACING] = ", stopping tracemalloc",
         [SNAPSHOT_KIND_TRIM] = ", with malloc_trim",
   };
   snprintf(msg, msgSize, "snapshot of %d requested via %s%s%s", (int)p->pid,
            SnapshotJob_route(this->job), what[kind], periodic ? " (periodic)" : "");
   return true;
}

bool SnapshotRunner_start(SnapshotRunner* this, Process* p, SnapshotKind kind, char* msg,
                          size_t msgSize) {
   return SnapshotRunner_begin(this, p, kind, false, msg, msgSize);
}

static void SnapshotRunner_end(SnapshotRunner* this) {
   SnapshotJob_free(this->job);
   this->job = NULL;
   this->status[0] = '\0';
}

/* "first snapshot: RSS 15.8M, 70330 blocks; the next one shows a diff",
   or the diff's verdict line. */
static void SnapshotRunner_summary(const ProcessSnapshots* record, char* buf, size_t size) {
   if (record->haveDiff && record->diff.comparable) {
      SnapshotOutput_verdict(&record->diff, buf, size);
      return;
   }
   char rss[16] = "?";
   if (record->latest.rssKiB >= 0)
      Format_size(rss, sizeof(rss), (uint64_t)record->latest.rssKiB);
   snprintf(buf, size, "RSS %s, %d top types%s; the next snapshot shows what grew", rss,
            record->latest.typeCount, record->latest.tracing ? ", tracemalloc on" : "");
}

static SnapshotRunnerState SnapshotRunner_answered(SnapshotRunner* this, Process* p, char* msg,
                                                   size_t msgSize) {
   size_t len;
   const char* text = SnapshotJob_result(this->job, &len);
   Snapshot snap;
   char err[256];
   ProcessSnapshots* record = Process_snapshots(p);
   if (!Snapshot_parse(text, len, &snap, err, sizeof(err))) {
      snprintf(record->error, sizeof(record->error), "the worker's answer is not usable: %s", err);
      snprintf(msg, msgSize, "snapshot of %d: %s", (int)this->pid, record->error);
      return SNAPSHOT_RUNNER_FAILED;
   }
   snap.hostPid = p->pid;
   snap.startTicks = p->startTicks;
   double now = XUtils_monotonicNow();
   const InjectReport* report = SnapshotJob_report(this->job);
   snprintf(record->route, sizeof(record->route), "%s", SnapshotJob_route(this->job));
   snprintf(snap.route, sizeof(snap.route), "%s", record->route);
   record->answerMs = (now - this->startedAt) * 1000.0;
   record->pausedThreads = report->threads;
   record->pauseMs = report->pauseMs;
   /* The store's earlier snapshot matters only for the first one taken
      here; later diffs use the one kept in memory. */
   Snapshot earlier;
   bool haveEarlier;
   SnapshotStore_exchange(&snap, record->haveLatest ? NULL : &earlier, &haveEarlier, err,
                          sizeof(err));
   ProcessSnapshots_record(record, &snap, haveEarlier ? &earlier : NULL, now);
   if (haveEarlier)
      Snapshot_done(&earlier);
   char summary[320];
   SnapshotRunner_summary(record, summary, sizeof(summary));
   snprintf(msg, msgSize, "snapshot of %d via %s in %.0f ms: %s", (int)this->pid, record->route,
            record->answerMs, summary);
   return SNAPSHOT_RUNNER_DONE;
}

SnapshotRunnerState SnapshotRunner_poll(SnapshotRunner* this, const Machine* m, char* msg,
                                        size_t msgSize) {
   msg[0] = '\0';
   if (!this->job)
      return SNAPSHOT_RUNNER_IDLE;
   Process* p = Machine_findProcess(m, this->pid, this->startTicks, NULL);
   char text[400];
   SnapshotJobState state =
         p ? SnapshotJob_poll(this->job, text, sizeof(text)) : SNAPSHOT_JOB_FAILED;
   SnapshotRunnerState result;
   if (!p) {
      snprintf(msg, msgSize, "snapshot of %d: the process exited before it answered",
               (int)this->pid);
      result = SNAPSHOT_RUNNER_FAILED;
   } else if (state == SNAPSHOT_JOB_DONE) {
      result = SnapshotRunner_answered(this, p, msg, msgSize);
   } else if (state == SNAPSHOT_JOB_FAILED) {
      snprintf(Process_snapshots(p)->error, sizeof(p->snapshots->error), "%s", text);
      snprintf(msg, msgSize, "snapshot of %d failed: %s", (int)this->pid, text);
      result = SNAPSHOT_RUNNER_FAILED;
   } else if (state == SNAPSHOT_JOB_IDLE) {
      snprintf(Process_snapshots(p)->error, sizeof(p->snapshots->error), "no answer: %s", text);
      snprintf(msg, msgSize, "snapshot of %d: %s; %s", (int)this->pid, text,
               SnapshotJob_fate(this->job));
      result = SNAPSHOT_RUNNER_FAILED;
   } else if (this->periodic && SnapshotJob_age(this->job) > (this->every > SNAPSHOT_RUNNER_GIVE_UP
                                                                    ? this->every
                                                                    : SNAPSHOT_RUNNER_GIVE_UP)) {
      snprintf(Process_snapshots(p)->error, sizeof(p->snapshots->error), "no answer: %s", text);
      snprintf(msg, msgSize, "periodic snapshot of %d given up: %s", (int)this->pid, text);
      result = SNAPSHOT_RUNNER_FAILED;
   } else {
      int sig;
      const char* wake = SnapshotJob_wakeSignal(this->job, &sig);
      char keys[96];
      if (wake)
         snprintf(keys, sizeof(keys), "press W to wake it with SIG%s, Esc cancels",
                  sigabbrev_np(sig));
      else
         snprintf(keys, sizeof(keys), "Esc cancels");
      /* The keys first: the status line is often narrower than the rest. */
      snprintf(this->status, sizeof(this->status), "snapshot of %d: %s; %s", (int)this->pid, keys,
               text);
      snprintf(msg, msgSize, "%s", this->status);
      return SNAPSHOT_RUNNER_WAITING;
   }
   SnapshotRunner_end(this);
   return result;
}

bool SnapshotRunner_busy(const SnapshotRunner* this, pid_t* pid, unsigned long long* start) {
   if (!this->job)
      return false;
   if (pid)
      *pid = this->pid;
   if (start)
      *start = this->startTicks;
   return true;
}

int SnapshotRunner_pollMs(const SnapshotRunner* this) {
   return this->job && SnapshotJob_age(this->job) < SNAPSHOT_RUNNER_CLOSE_POLL ? 10 : 100;
}

const char* SnapshotRunner_status(const SnapshotRunner* this) {
   return this->job ? this->status : "";
}

bool SnapshotRunner_wake(SnapshotRunner* this, char* msg, size_t msgSize) {
   int sig;
   const char* wake = this->job ? SnapshotJob_wakeSignal(this->job, &sig) : NULL;
   if (!wake) {
      snprintf(msg, msgSize, "%s",
               this->job ? "this worker has no harmless wake-up signal: wait for it to run Python"
                         : "no snapshot is waiting");
      return false;
   }
   if (!SnapshotJob_wake(this->job)) {
      snprintf(msg, msgSize, "could not signal %d", (int)this->pid);
      return false;
   }
   snprintf(msg, msgSize, "sent %d %s", (int)this->pid, wake);
   return true;
}

void SnapshotRunner_cancel(SnapshotRunner* this, char* msg, size_t msgSize) {
   if (!this->job) {
      snprintf(msg, msgSize, "no snapshot is under way");
      return;
   }
   snprintf(msg, msgSize, "snapshot of %d cancelled", (int)this->pid);
   SnapshotRunner_end(this);
}

double SnapshotRunner_every(const SnapshotRunner* this) {
   return this->every;
}

/* Periodic requests go to workers, and to a lone process: the processes
   that hold an application's heap. */
static bool SnapshotRunner_eligible(const Process* p) {
   return p && (p->role == ROLE_WORKER || p->role == ROLE_SINGLE);
}

static bool SnapshotRunner_due(const SnapshotRunner* this, const Process* p, double since,
                               double now) {
   double last = p->snapshots ? p->snapshots->lastAttempt : -1;
   return last < 0 ? now - since >= 0 : now - last >= this->every;
}

bool SnapshotRunner_follow(SnapshotRunner* this, Process* selected, double now, char* msg,
                           size_t msgSize) {
   if (this->every <= 0)
      return false;
   if (!selected || selected->pid != this->followPid || selected->startTicks != this->followStart) {
      this->followPid = selected ? selected->pid : 0;
      this->followStart = selected ? selected->startTicks : 0;
      this->followSince = now;
   }
   if (this->job || !SnapshotRunner_eligible(selected) ||
       !SnapshotRunner_due(this, selected, this->followSince + SNAPSHOT_RUNNER_DWELL, now))
      return false;
   return SnapshotRunner_begin(this, selected, SNAPSHOT_KIND_PLAIN, true, msg, msgSize);
}

bool SnapshotRunner_schedule(SnapshotRunner* this, const Machine* m, double now, char* msg,
                             size_t msgSize) {
   if (this->every <= 0 || this->job)
      return false;
   /* The one waiting longest goes first; never asked ranks before all. */
   Process* next = NULL;
   double oldest = 0;
   for (int t = 0; t < m->treeCount; t++) {
      const ProcessTree* tree = m->trees[t];
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         if (!SnapshotRunner_eligible(p) || !SnapshotRunner_due(this, p, p->firstSeen, now))
            continue;
         double last = p->snapshots ? p->snapshots->lastAttempt : -1;
         if (!next || last < oldest) {
            next = p;
            oldest = last;
         }
      }
   }
   return next && SnapshotRunner_begin(this, next, SNAPSHOT_KIND_PLAIN, true, msg, msgSize);
}
