#include "config.h"

#include "report/ReportResults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

void ReportResults_done(ReportResults* this) {
   for (int i = 0; i < this->heapCount; i++) {
      ReportHeap* h = &this->heaps[i];
      Snapshot_done(&h->first);
      if (h->count >= 2)
         Snapshot_done(&h->last);
      if (h->haveDiff)
         SnapshotDiff_done(&h->diff);
   }
   for (int i = 0; i < this->profileCount; i++)
      free(this->profiles[i].folded);
   memset(this, 0, sizeof(*this));
}

static ReportHeap* ReportResults_heap(ReportResults* this, pid_t pid,
                                      unsigned long long startTicks) {
   for (int i = 0; i < this->heapCount; i++)
      if (this->heaps[i].pid == pid && this->heaps[i].startTicks == startTicks)
         return &this->heaps[i];
   return NULL;
}

bool ReportResults_addSnapshot(ReportResults* this, int64_t wallUs, pid_t pid,
                               unsigned long long startTicks, const char* text, size_t len) {
   Snapshot snap;
   char err[256];
   if (!Snapshot_parse(text, len, &snap, err, sizeof(err))) {
      this->snapshotsUnusable++;
      return false;
   }
   /* The recording's key names the generation, whatever the result says. */
   snap.hostPid = pid;
   snap.startTicks = startTicks;
   ReportHeap* h = ReportResults_heap(this, pid, startTicks);
   if (!h) {
      if (this->heapCount == REPORT_MAX_HEAPS) {
         this->heapsLeftOut++;
         Snapshot_done(&snap);
         return true;
      }
      h = &this->heaps[this->heapCount++];
      memset(h, 0, sizeof(*h));
      h->pid = pid;
      h->startTicks = startTicks;
      h->firstUs = wallUs;
      h->first = snap;
      h->count = 1;
      return true;
   }
   if (h->count >= 2)
      Snapshot_done(&h->last);
   if (h->haveDiff)
      SnapshotDiff_done(&h->diff);
   h->last = snap;
   h->lastUs = wallUs;
   h->count++;
   SnapshotDiff_compute(&h->first, &h->last, &h->diff);
   h->haveDiff = true;
   return true;
}

void ReportResults_addProfile(ReportResults* this, int64_t wallUs, pid_t pid,
                              unsigned long long startTicks, const char* summary, const char* route,
                              const char* folded, size_t len) {
   if (this->profileCount == REPORT_MAX_PROFILES) {
      free(this->profiles[0].folded);
      memmove(this->profiles, this->profiles + 1,
              sizeof(this->profiles[0]) * (REPORT_MAX_PROFILES - 1));
      this->profileCount--;
      this->profilesLeftOut++;
   }
   ReportProfile* p = &this->profiles[this->profileCount++];
   memset(p, 0, sizeof(*p));
   p->pid = pid;
   p->startTicks = startTicks;
   p->wallUs = wallUs;
   snprintf(p->summary, sizeof(p->summary), "%s", summary ? summary : "");
   snprintf(p->route, sizeof(p->route), "%s", route ? route : "");
   p->folded = xMalloc(len + 1);
   memcpy(p->folded, folded, len);
   p->folded[len] = '\0';
   p->size = len;
}

static int64_t ReportResults_growth(const ReportHeap* h) {
   return h->diff.rssKnown ? h->diff.rssDeltaKiB : INT64_MIN;
}

static int ReportResults_compare(const void* a, const void* b) {
   const ReportHeap* x = *(const ReportHeap* const*)a;
   const ReportHeap* y = *(const ReportHeap* const*)b;
   int64_t gx = ReportResults_growth(x), gy = ReportResults_growth(y);
   if (gx != gy)
      return gx > gy ? -1 : 1;
   return (x->pid > y->pid) - (x->pid < y->pid);
}

int ReportResults_diffs(const ReportResults* this, const ReportHeap* out[REPORT_MAX_HEAPS]) {
   int n = 0;
   for (int i = 0; i < this->heapCount; i++)
      if (this->heaps[i].haveDiff)
         out[n++] = &this->heaps[i];
   qsort(out, (size_t)n, sizeof(out[0]), ReportResults_compare);
   return n;
}
