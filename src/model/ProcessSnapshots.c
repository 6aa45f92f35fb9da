#include "config.h"

#include "model/ProcessSnapshots.h"

#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

ProcessSnapshots* ProcessSnapshots_new(void) {
   ProcessSnapshots* this = xCalloc(1, sizeof(*this));
   this->lastAttempt = -1;
   return this;
}

void ProcessSnapshots_free(ProcessSnapshots* this) {
   if (!this)
      return;
   if (this->haveDiff)
      SnapshotDiff_done(&this->diff);
   if (this->haveLatest)
      Snapshot_done(&this->latest);
   free(this);
}

static void ProcessSnapshots_mark(ProcessSnapshots* this, double now) {
   if (this->markCount == PROCESS_SNAPSHOT_MARKS) {
      memmove(this->marks, this->marks + 1, sizeof(this->marks) - sizeof(this->marks[0]));
      this->markCount--;
   }
   this->marks[this->markCount++] = now;
}

void ProcessSnapshots_record(ProcessSnapshots* this, Snapshot* snap, const Snapshot* earlier,
                             double now) {
   const Snapshot* before = this->haveLatest ? &this->latest : earlier;
   if (this->haveDiff)
      SnapshotDiff_done(&this->diff);
   this->haveDiff = before != NULL;
   if (before)
      SnapshotDiff_compute(before, snap, &this->diff);
   if (before && this->diff.comparable &&
       (this->diff.verdict == SNAPSHOT_VERDICT_NATIVE ||
        this->diff.verdict == SNAPSHOT_VERDICT_PYTHON ||
        this->diff.verdict == SNAPSHOT_VERDICT_ALLOCATOR))
      this->verdict = this->diff.verdict;
   if (this->haveLatest)
      Snapshot_done(&this->latest);
   this->latest = *snap;
   this->haveLatest = true;
   /* The lists are the record's now, not the caller's. */
   memset(snap, 0, sizeof(*snap));
   this->taken++;
   this->takenAt = now;
   this->error[0] = '\0';
   ProcessSnapshots_mark(this, now);
}

SnapshotVerdict ProcessSnapshots_verdict(const ProcessSnapshots* this) {
   return this ? this->verdict : SNAPSHOT_VERDICT_UNKNOWN;
}

bool ProcessSnapshots_tracing(const ProcessSnapshots* this) {
   return this && this->haveLatest && this->latest.tracemallocKnown && this->latest.tracing;
}
