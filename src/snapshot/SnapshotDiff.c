#include "config.h"

#include "snapshot/SnapshotDiff.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

bool SnapshotDiff_materialGrowth(int64_t beforeKiB, int64_t deltaKiB) {
   return deltaKiB >= SNAPSHOT_RSS_MATERIAL_KIB &&
          (double)deltaKiB * 100.0 >= SNAPSHOT_RSS_MATERIAL_PERCENT * (double)beforeKiB;
}

/* Growth of after over before in percent; NAN when either is unknown. */
static double SnapshotDiff_percent(int64_t before, int64_t after) {
   if (before < 0 || after < 0)
      return NAN;
   if (before == 0)
      return after > 0 ? INFINITY : 0.0;
   return 100.0 * (double)(after - before) / (double)before;
}

SnapshotVerdict SnapshotDiff_verdict(const SnapshotGrowth* g) {
   if (g->rssBeforeKiB < 0 || g->rssAfterKiB < 0)
      return SNAPSHOT_VERDICT_UNKNOWN;
   /* tracemalloc's own tables grow RSS when it starts or traces more; that
      is neither the application's native memory nor its Python heap. */
   int64_t growth = g->rssAfterKiB - g->rssBeforeKiB - g->overheadDeltaBytes / 1024;
   bool material = SnapshotDiff_materialGrowth(g->rssBeforeKiB, growth);
   if (g->trimReleasedKiB >= SNAPSHOT_RSS_MATERIAL_KIB &&
       (!material ||
        (double)g->trimReleasedKiB * 100.0 >= SNAPSHOT_TRIM_SHARE_PERCENT * (double)growth))
      return SNAPSHOT_VERDICT_ALLOCATOR;
   if (!material)
      return SNAPSHOT_VERDICT_STEADY;
   if (g->tracedKnown)
      return (double)g->tracedDeltaBytes * 100.0 <
                         SNAPSHOT_TRACED_SHARE_PERCENT * (double)growth * 1024.0
                   ? SNAPSHOT_VERDICT_NATIVE
                   : SNAPSHOT_VERDICT_PYTHON;
   double blocks = SnapshotDiff_percent(g->blocksBefore, g->blocksAfter);
   double objects = SnapshotDiff_percent(g->objectsBefore, g->objectsAfter);
   if (isnan(blocks) && isnan(objects))
      return SNAPSHOT_VERDICT_UNKNOWN;
   if ((!isnan(blocks) && blocks >= SNAPSHOT_BLOCKS_PERCENT) ||
       (!isnan(objects) && objects >= SNAPSHOT_OBJECTS_PERCENT))
      return SNAPSHOT_VERDICT_PYTHON;
   return SNAPSHOT_VERDICT_NATIVE;
}

const char* SnapshotDiff_verdictName(SnapshotVerdict v) {
   switch (v) {
   case SNAPSHOT_VERDICT_STEADY:
      return "no material growth";
   case SNAPSHOT_VERDICT_PYTHON:
      return "python growth";
   case SNAPSHOT_VERDICT_NATIVE:
      return "native growth";
   case SNAPSHOT_VERDICT_ALLOCATOR:
      return "allocator retention";
   default:
      return "unknown";
   }
}

/* Why two snapshots cannot be compared; false when they can. */
static bool SnapshotDiff_incomparable(const Snapshot* a, const Snapshot* b, char* why,
                                      size_t size) {
   if (a->hostPid > 0 && b->hostPid > 0 && a->hostPid != b->hostPid)
      snprintf(why, size, "different processes (pid %d, then %d)", (int)a->hostPid,
               (int)b->hostPid);
   else if (a->pid != b->pid)
      snprintf(why, size, "different processes (pid %d, then %d in the target's namespace)",
               (int)a->pid, (int)b->pid);
   else if (a->startTicks > 0 && b->startTicks > 0 && a->startTicks != b->startTicks)
      snprintf(why, size, "pid %d is a new worker generation (restarted since)", (int)b->pid);
   else if (!isnan(a->time) && !isnan(b->time) && b->time <= a->time)
      snprintf(why, size, "the earlier snapshot is not older than this one");
   else
      return false;
   return true;
}

/* The smallest count of a top list: anything absent from it had at most
   that many (the list may have been cut at the collector's top N). */
static int64_t SnapshotDiff_typeFloor(const Snapshot* s) {
   int64_t min = INT64_MAX;
   for (int i = 0; i < s->typeCount; i++)
      if (s->types[i].count < min)
         min = s->types[i].count;
   return min;
}

/* Does the list hold every type the collector counted? */
static bool SnapshotDiff_allTypes(const Snapshot* s) {
   return s->typesTotal >= 0 && s->typeCount >= s->typesTotal;
}

/* Larger first, then by name: a stable order for equal deltas. */
static int SnapshotDiff_order(int64_t a, int64_t b, const char* nameA, const char* nameB) {
   if (a != b)
      return a > b ? -1 : 1;
   return strcmp(nameA, nameB);
}

static int SnapshotDiff_compareTypes(const void* pa, const void* pb) {
   const SnapshotTypeDelta* a = pa;
   const SnapshotTypeDelta* b = pb;
   return SnapshotDiff_order(a->delta, b->delta, a->name, b->name);
}

static int SnapshotDiff_compareSizes(const void* pa, const void* pb) {
   const SnapshotTypeDelta* a = pa;
   const SnapshotTypeDelta* b = pb;
   return SnapshotDiff_order(a->sizeDelta, b->sizeDelta, a->name, b->name);
}

static int SnapshotDiff_compareNames(const void* pa, const void* pb) {
   const SnapshotType* const* a = pa;
   const SnapshotType* const* b = pb;
   return strcmp((*a)->name, (*b)->name);
}

/* The first max rows of rows[0..n) in cmp's order, in a new array that
   owns copies of their names. */
static SnapshotTypeDelta* SnapshotDiff_rank(SnapshotTypeDelta* rows, int n, int max,
                                            int (*cmp)(const void*, const void*), int* count) {
   qsort(rows, (size_t)n, sizeof(*rows), cmp);
   *count = n < max ? n : max;
   SnapshotTypeDelta* top = xCalloc((size_t)(*count > 0 ? *count : 1), sizeof(*top));
   for (int i = 0; i < *count; i++) {
      top[i] = rows[i];
      top[i].name = xStrdup(rows[i].name);
   }
   return top;
}

static void SnapshotDiff_types(const Snapshot* before, const Snapshot* after, SnapshotDiff* d) {
   d->typesAvailable = before->typeCount > 0 && after->typeCount > 0;
   if (!d->typesAvailable)
      return;
   bool beforeAll = SnapshotDiff_allTypes(before);
   d->typesComplete = beforeAll && SnapshotDiff_allTypes(after);
   int64_t floor = beforeAll ? 0 : SnapshotDiff_typeFloor(before);
   /* Up to 5000 types each side: look the earlier ones up by name. */
   const SnapshotType** byName = xCalloc((size_t)before->typeCount, sizeof(*byName));
   for (int j = 0; j < before->typeCount; j++)
      byName[j] = &before->types[j];
   qsort(byName, (size_t)before->typeCount, sizeof(*byName), SnapshotDiff_compareNames);
   SnapshotTypeDelta* all = xCalloc((size_t)after->typeCount, sizeof(*all));
   int n = 0;
   for (int i = 0; i < after->typeCount; i++) {
      const SnapshotType* t = &after->types[i];
      SnapshotTypeDelta e = {.name = t->name,
                             .after = t->count,
                             .before = floor,
                             .beforeKnown = beforeAll,
                             .sizeAfter = t->shallow};
      const SnapshotType* key = t;
      const SnapshotType** found = bsearch(&key, byName, (size_t)before->typeCount, sizeof(*byName),
                                           SnapshotDiff_compareNames);
      if (found) {
         e.before = (*found)->count;
         e.beforeKnown = true;
         e.sizeBefore = (*found)->shallow;
      }
      e.delta = e.after - e.before;
      e.sizeKnown = e.beforeKnown && e.sizeAfter >= 0 && e.sizeBefore >= 0;
      if (e.sizeKnown)
         e.sizeDelta = e.sizeAfter - e.sizeBefore;
      if (e.delta > 0 || (e.sizeKnown && e.sizeDelta > 0))
         all[n++] = e;
   }
   free(byName);
   /* all holds what grew by count or by size; each ranking takes its own. */
   SnapshotTypeDelta* pick = xCalloc((size_t)(n > 0 ? n : 1), sizeof(*pick));
   int k = 0;
   for (int i = 0; i < n; i++)
      if (all[i].delta > 0)
         pick[k++] = all[i];
   d->types =
         SnapshotDiff_rank(pick, k, SNAPSHOT_DIFF_TOP, SnapshotDiff_compareTypes, &d->typeCount);
   k = 0;
   for (int i = 0; i < n; i++)
      if (all[i].sizeKnown && all[i].sizeDelta > 0)
         pick[k++] = all[i];
   d->typesBySize = SnapshotDiff_rank(pick, k, SNAPSHOT_DIFF_TOP, SnapshotDiff_compareSizes,
                                      &d->typeBySizeCount);
   free(pick);
   free(all);
}

static int SnapshotDiff_compareLines(const void* pa, const void* pb) {
   const SnapshotLineDelta* a = pa;
   const SnapshotLineDelta* b = pb;
   if (a->sizeDelta != b->sizeDelta)
      return a->sizeDelta > b->sizeDelta ? -1 : 1;
   int c = strcmp(a->file, b->file);
   return c ? c : a->line - b->line;
}

/* Why the lines of two snapshots cannot be compared; NULL when they can. */
static const char* SnapshotDiff_linesWhy(const Snapshot* before, const Snapshot* after) {
   if (!before->tracemallocKnown || !after->tracemallocKnown)
      return "the tracemalloc state is missing from a snapshot";
   if (!before->tracing && after->tracing)
      return "tracemalloc started between the two snapshots: the next snapshot can show a line "
             "diff";
   if (before->tracing && !after->tracing)
      return "tracemalloc stopped between the two snapshots";
   if (!after->tracing)
      return "tracemalloc is not tracing (--start-tracemalloc)";
   return NULL;
}

static void SnapshotDiff_lines(const Snapshot* before, const Snapshot* after, SnapshotDiff* d) {
   const char* why = SnapshotDiff_linesWhy(before, after);
   if (why) {
      snprintf(d->linesWhy, sizeof(d->linesWhy), "%s", why);
      return;
   }
   d->linesAvailable = true;
   if (after->lineCount == 0)
      return;
   /* Lines absent from the earlier top list held at most its smallest. */
   int64_t floorSize = before->lineCount ? INT64_MAX : 0;
   int64_t floorCount = floorSize;
   for (int j = 0; j < before->lineCount; j++) {
      if (before->lines[j].size < floorSize) {
         floorSize = before->lines[j].size;
         floorCount = before->lines[j].count;
      }
   }
   SnapshotLineDelta* all = xCalloc((size_t)after->lineCount, sizeof(*all));
   int n = 0;
   for (int i = 0; i < after->lineCount; i++) {
      const SnapshotLine* l = &after->lines[i];
      SnapshotLineDelta e = {.file = l->file,
                             .line = l->line,
                             .sizeAfter = l->size,
                             .countAfter = l->count,
                             .text = l->text,
                             .sizeBefore = floorSize,
                             .countBefore = floorCount};
      for (int j = 0; j < before->lineCount; j++) {
         const SnapshotLine* b = &before->lines[j];
         if (b->line == l->line && strcmp(b->file, l->file) == 0) {
            e.sizeBefore = b->size;
            e.countBefore = b->count;
            e.beforeKnown = true;
            break;
         }
      }
      e.sizeDelta = e.sizeAfter - e.sizeBefore;
      e.countDelta = e.countAfter - e.countBefore;
      if (e.sizeDelta > 0)
         all[n++] = e;
   }
   qsort(all, (size_t)n, sizeof(*all), SnapshotDiff_compareLines);
   d->lineCount = n < SNAPSHOT_DIFF_TOP ? n : SNAPSHOT_DIFF_TOP;
   for (int i = 0; i < d->lineCount; i++) {
      all[i].file = xStrdup(all[i].file);
      all[i].text = all[i].text ? xStrdup(all[i].text) : NULL;
   }
   d->lines = all;
}

static void SnapshotDiff_growth(const Snapshot* before, const Snapshot* after, SnapshotDiff* d) {
   SnapshotGrowth* g = &d->growth;
   g->rssBeforeKiB = before->trimAfterKiB >= 0 ? before->trimAfterKiB : before->rssKiB;
   g->rssAfterKiB = after->trimBeforeKiB >= 0 ? after->trimBeforeKiB : after->rssKiB;
   g->overheadDeltaBytes =
         before->overhead >= 0 && after->overhead >= 0 ? after->overhead - before->overhead : 0;
   g->tracedKnown = before->tracing && after->tracing && before->traced >= 0 && after->traced >= 0;
   g->tracedDeltaBytes = g->tracedKnown ? after->traced - before->traced : 0;
   g->blocksBefore = before->allocatedBlocks;
   g->blocksAfter = after->allocatedBlocks;
   g->objectsBefore = before->gcObjects;
   g->objectsAfter = after->gcObjects;
   g->trimReleasedKiB = after->trimBeforeKiB >= 0 && after->trimAfterKiB >= 0
                              ? (after->trimBeforeKiB > after->trimAfterKiB
                                       ? after->trimBeforeKiB - after->trimAfterKiB
                                       : 0)
                              : -1;
   d->rssKnown = g->rssBeforeKiB >= 0 && g->rssAfterKiB >= 0;
   d->rssDeltaKiB = d->rssKnown ? g->rssAfterKiB - g->rssBeforeKiB : 0;
   d->blocksPercent = SnapshotDiff_percent(g->blocksBefore, g->blocksAfter);
   d->objectsPercent = SnapshotDiff_percent(g->objectsBefore, g->objectsAfter);
   d->verdict = SnapshotDiff_verdict(g);
}

void SnapshotDiff_compute(const Snapshot* before, const Snapshot* after, SnapshotDiff* diff) {
   memset(diff, 0, sizeof(*diff));
   diff->interval = NAN;
   diff->blocksPercent = diff->objectsPercent = NAN;
   diff->beforeSeq = before->seq;
   diff->beforeNumber = before->number;
   diff->beforeTime = before->time;
   if (SnapshotDiff_incomparable(before, after, diff->why, sizeof(diff->why)))
      return;
   diff->comparable = true;
   if (!isnan(before->time) && !isnan(after->time))
      diff->interval = after->time - before->time;
   SnapshotDiff_types(before, after, diff);
   SnapshotDiff_lines(before, after, diff);
   SnapshotDiff_growth(before, after, diff);
}

void SnapshotDiff_done(SnapshotDiff* diff) {
   for (int i = 0; i < diff->typeCount; i++)
      free(diff->types[i].name);
   for (int i = 0; i < diff->typeBySizeCount; i++)
      free(diff->typesBySize[i].name);
   free(diff->typesBySize);
   for (int i = 0; i < diff->lineCount; i++) {
      free(diff->lines[i].file);
      free(diff->lines[i].text);
   }
   free(diff->types);
   free(diff->lines);
   memset(diff, 0, sizeof(*diff));
}
