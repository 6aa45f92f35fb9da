#include "config.h"

#include "snapshot/SnapshotOutput.h"

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "util/Format.h"

#define OUTPUT_WIDTH 80
/* Rows of a snapshot's own type list: the collector sends every type. */
#define OUTPUT_TYPES 25

/* Text cut to at most width bytes, never inside a UTF-8 character; a cut
   path keeps its tail (the file name), a cut name its head. */
static void SnapshotOutput_fit(char* out, size_t width, const char* text, bool keepTail) {
   size_t len = strlen(text);
   if (len <= width) {
      memcpy(out, text, len + 1);
      return;
   }
   if (keepTail) {
      const char* tail = text + len - (width - 3);
      while ((*tail & 0xC0) == 0x80)
         tail++;
      snprintf(out, width + 1, "...%s", tail);
   } else {
      size_t keep = width - 3;
      while (keep > 0 && (text[keep] & 0xC0) == 0x80)
         keep--;
      snprintf(out, width + 1, "%.*s...", (int)keep, text);
   }
}

static void SnapshotOutput_where(char* out, size_t width, const char* file, int line) {
   char where[SNAPSHOT_PATH_MAX + 16];
   snprintf(where, sizeof(where), "%s:%d", file, line);
   SnapshotOutput_fit(out, width, where, true);
}

/* "app.py:57  kept.append(item)": the place, cut to width, then its source
   (already printable: Snapshot_parse sanitized it) when both fit; else
   the source goes on the next line, aligned with the place (which starts
   at column indent), cut to the same width. */
static void SnapshotOutput_source(char* out, size_t size, size_t width, int indent,
                                  const char* file, int line, const char* text) {
   char where[SNAPSHOT_PATH_MAX + 16], src[SNAPSHOT_SOURCE_MAX + 4];
   SnapshotOutput_where(where, width, file, line);
   size_t used = strlen(where);
   if (!text || !text[0]) {
      snprintf(out, size, "%s", where);
   } else if (used + 2 + strlen(text) <= width) {
      snprintf(out, size, "%s  %s", where, text);
   } else {
      SnapshotOutput_fit(src, width, text, false);
      snprintf(out, size, "%s\n%*s%s", where, indent, "", src);
   }
}

/* Wall-clock "14:05:31"; "?" unknown. */
static void SnapshotOutput_clock(char* buf, size_t size, double t) {
   snprintf(buf, size, "?");
   if (isnan(t))
      return;
   time_t secs = (time_t)t;
   struct tm tm;
   strftime(buf, size, "%H:%M:%S", localtime_r(&secs, &tm));
}

/* Bytes for a column: "512B", "12.3K", "1.5M". */
static void SnapshotOutput_bytes(char* buf, size_t size, int64_t bytes) {
   if (bytes < 1024)
      snprintf(buf, size, "%lldB", (long long)bytes);
   else
      Format_size(buf, size, (uint64_t)((bytes + 512) / 1024));
}

/* A signed size delta: "+150B", "-3.2K", "+39.7M". */
static void SnapshotOutput_bytesDelta(char* buf, size_t size, int64_t bytes) {
   if (bytes > -1024 && bytes < 1024)
      snprintf(buf, size, "%+lldB", (long long)bytes);
   else
      Format_growth(buf, size, (double)bytes / 1024.0);
}

static double SnapshotOutput_mib(int64_t bytes) {
   return (double)bytes / (1024.0 * 1024.0);
}

/* "allocated blocks +0.3%, gc objects +0.1%", from what is known. */
static size_t SnapshotOutput_heapCounts(const SnapshotDiff* d, char* buf, size_t size) {
   size_t used = 0;
   buf[0] = '\0';
   if (isfinite(d->blocksPercent))
      used +=
            (size_t)snprintf(buf + used, size - used, "allocated blocks %+.1f%%", d->blocksPercent);
   if (isfinite(d->objectsPercent) && !d->growth.tracedKnown && used < size)
      used += (size_t)snprintf(buf + used, size - used, "%sgc objects %+.1f%%", used ? ", " : "",
                               d->objectsPercent);
   return used;
}

void SnapshotOutput_verdict(const SnapshotDiff* d, char* buf, size_t size) {
   buf[0] = '\0';
   if (!d->comparable)
      return;
   const SnapshotGrowth* g = &d->growth;
   double rss = (double)d->rssDeltaKiB / 1024.0;
   char counts[96];
   bool haveCounts = SnapshotOutput_heapCounts(d, counts, sizeof(counts)) > 0;
   char heap[160];
   if (g->tracedKnown)
      snprintf(heap, sizeof(heap), "Python heap %+.1f MiB%s%s%s",
               SnapshotOutput_mib(g->tracedDeltaBytes), haveCounts ? " (" : "", counts,
               haveCounts ? ")" : "");
   else
      snprintf(heap, sizeof(heap), "%s", counts);
   switch (d->verdict) {
   case SNAPSHOT_VERDICT_NATIVE:
   case SNAPSHOT_VERDICT_PYTHON:
      snprintf(buf, size, "%s: RSS %+.1f MiB, %s", SnapshotDiff_verdictName(d->verdict), rss, heap);
      break;
   case SNAPSHOT_VERDICT_ALLOCATOR:
      snprintf(buf, size,
               "retention in the allocator (malloc_trim returned %.1f MiB), not a leak: RSS "
               "%+.1f MiB before the trim",
               (double)g->trimReleasedKiB / 1024.0, rss);
      break;
   case SNAPSHOT_VERDICT_STEADY:
      snprintf(buf, size, "no material growth: RSS %+.1f MiB (material from %d MiB and %.0f%%)",
               rss, SNAPSHOT_RSS_MATERIAL_KIB / 1024, SNAPSHOT_RSS_MATERIAL_PERCENT);
      break;
   default:
      if (d->rssKnown)
         snprintf(buf, size, "growth unknown: RSS %+.1f MiB, the Python heap was not measured",
                  rss);
      else
         snprintf(buf, size, "growth unknown: RSS was not measured in both snapshots");
      break;
   }
}

static void SnapshotOutput_header(const Snapshot* s, FILE* out) {
   fprintf(out, "Snapshot %ld of pid %d", s->number > 0 ? s->number : s->seq,
           (int)(s->hostPid > 0 ? s->hostPid : s->pid));
   if (s->hostPid > 0 && s->hostPid != s->pid)
      fprintf(out, " (%d in its namespace)", (int)s->pid);
   if (s->python[0])
      fprintf(out, ", CPython %s", s->python);
   fputc('\n', out);
   if (!isnan(s->time)) {
      char when[32];
      time_t t = (time_t)s->time;
      struct tm tm;
      strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
      fprintf(out, "  taken %s", when);
      if (!isnan(s->elapsedMs))
         fprintf(out, ", %.1f ms in the worker", s->elapsedMs);
      fputc('\n', out);
   }
   char size[16];
   if (s->rssKiB >= 0) {
      Format_size(size, sizeof(size), (uint64_t)s->rssKiB);
      fprintf(out, "  RSS %s", size);
   }
   if (s->allocatedBlocks >= 0)
      fprintf(out, "  allocated blocks %lld", (long long)s->allocatedBlocks);
   if (s->gcObjects >= 0)
      fprintf(out, "  gc objects %lld", (long long)s->gcObjects);
   if (s->rssKiB >= 0 || s->allocatedBlocks >= 0 || s->gcObjects >= 0)
      fputc('\n', out);
   if (s->gcGarbage >= 0 || s->gcCounts[0] >= 0 || s->gcEnabled >= 0) {
      fputs("  gc:", out);
      if (s->gcEnabled >= 0)
         fprintf(out, " %s", s->gcEnabled ? "enabled" : "DISABLED");
      if (s->gcGarbage >= 0)
         fprintf(out, ", gc.garbage %lld", (long long)s->gcGarbage);
      if (s->gcCounts[0] >= 0)
         fprintf(out, ", counts %lld/%lld/%lld", (long long)s->gcCounts[0],
                 (long long)s->gcCounts[1], (long long)s->gcCounts[2]);
      fputc('\n', out);
   }
}

static void SnapshotOutput_tracemalloc(const Snapshot* s, FILE* out) {
   if (!s->tracemallocKnown)
      return;
   if (!s->tracing) {
      fputs("  tracemalloc: not tracing (--start-tracemalloc shows lines)\n", out);
      return;
   }
   char traced[24], peak[24], own[24];
   SnapshotOutput_bytes(traced, sizeof(traced), s->traced > 0 ? s->traced : 0);
   SnapshotOutput_bytes(peak, sizeof(peak), s->peak > 0 ? s->peak : 0);
   SnapshotOutput_bytes(own, sizeof(own), s->overhead > 0 ? s->overhead : 0);
   fprintf(out, "  tracemalloc: %d frame%s, traced %s, peak %s, its own %s\n", s->frames,
           s->frames == 1 ? "" : "s", traced, peak, own);
}

static void SnapshotOutput_trim(const Snapshot* s, FILE* out) {
   if (s->trimBeforeKiB < 0)
      return;
   int64_t released = s->trimBeforeKiB - s->trimAfterKiB;
   fprintf(out, "  malloc_trim returned %.1f MiB (RSS %.1f MiB -> %.1f MiB)\n",
           (double)(released > 0 ? released : 0) / 1024.0, (double)s->trimBeforeKiB / 1024.0,
           (double)s->trimAfterKiB / 1024.0);
}

static void SnapshotOutput_types(const Snapshot* s, FILE* out) {
   char cell[SNAPSHOT_NAME_MAX + 16], size[24];
   bool sized = s->types[0].shallow >= 0;
   fprintf(out, "\nTop types by count\n%10s%s  %s\n", "COUNT", sized ? "   SHALLOW" : "", "TYPE");
   int rows = s->typeCount < OUTPUT_TYPES ? s->typeCount : OUTPUT_TYPES;
   for (int i = 0; i < rows; i++) {
      const SnapshotType* t = &s->types[i];
      SnapshotOutput_fit(cell, OUTPUT_WIDTH - 22, t->name, false);
      fprintf(out, "%10lld", (long long)t->count);
      if (sized) {
         SnapshotOutput_bytes(size, sizeof(size), t->shallow > 0 ? t->shallow : 0);
         fprintf(out, "%10s", size);
      }
      fprintf(out, "  %s\n", cell);
   }
   int64_t total = s->typesTotal > s->typeCount ? s->typesTotal : s->typeCount;
   if (total > rows)
      fprintf(out, "  (%d of %lld types%s)\n", rows, (long long)total,
              s->typesTotal > s->typeCount ? "; the collector listed the most numerous" : "");
}

static void SnapshotOutput_lists(const Snapshot* s, FILE* out) {
   char cell[SNAPSHOT_PATH_MAX + SNAPSHOT_SOURCE_MAX + 32], size[24];
   if (s->typeCount > 0)
      SnapshotOutput_types(s, out);
   if (s->lineCount > 0) {
      fprintf(out, "\nTop lines by memory still allocated\n%10s%10s  %s\n", "SIZE", "BLOCKS",
              "WHERE");
      for (int i = 0; i < s->lineCount; i++) {
         const SnapshotLine* l = &s->lines[i];
         SnapshotOutput_bytes(size, sizeof(size), l->size);
         SnapshotOutput_source(cell, sizeof(cell), OUTPUT_WIDTH - 22, 22, l->file, l->line,
                               l->text);
         fprintf(out, "%10s%10lld  %s\n", size, (long long)l->count, cell);
      }
   }
   if (s->tracebackCount > 0) {
      fprintf(out, "\nTop tracebacks, most recent call first\n%10s%10s  %s\n", "SIZE", "BLOCKS",
              "WHERE");
      for (int i = 0; i < s->tracebackCount; i++) {
         const SnapshotTraceback* t = &s->tracebacks[i];
         SnapshotOutput_bytes(size, sizeof(size), t->size);
         fprintf(out, "%10s%10lld", size, (long long)t->count);
         for (int f = 0; f < t->frameCount; f++) {
            SnapshotOutput_where(cell, OUTPUT_WIDTH - 22, t->frames[f].file, t->frames[f].line);
            fprintf(out, "%*s%s\n", f ? 22 : 2, "", cell);
         }
         if (t->frameCount == 0)
            fputc('\n', out);
      }
   }
   if (s->errorCount > 0) {
      fputs("\nErrors\n", out);
      for (int i = 0; i < s->errorCount; i++)
         fprintf(out, "  %s\n", s->errors[i]);
   }
   if (s->truncated)
      fputs("\n(truncated: the collector hit its time or size bound; lists may be short)\n", out);
}

/* Where to break text to fit room columns: after the last ", ", ": " or
   "; " that fits, else at the last space; 0 when there is none. */
static size_t SnapshotOutput_breakAt(const char* text, size_t room) {
   size_t space = 0;
   for (size_t i = room; i > 0; i--) {
      if (text[i] != ' ')
         continue;
      if (strchr(",:;", text[i - 1]))
         return i;
      if (!space)
         space = i;
   }
   return space;
}

/* A sentence, the first line indented by first columns and the rest by
   rest, broken to fit the width. */
static void SnapshotOutput_wrap(FILE* out, int first, int rest, const char* text) {
   int indent = first;
   size_t len = strlen(text);
   while (len + (size_t)indent > OUTPUT_WIDTH) {
      size_t cut = SnapshotOutput_breakAt(text, OUTPUT_WIDTH - (size_t)indent);
      if (cut == 0)
         break;
      fprintf(out, "%*s%.*s\n", indent, "", (int)cut, text);
      text += cut + 1;
      len -= cut + 1;
      indent = rest;
   }
   fprintf(out, "%*s%s\n", indent, "", text);
}

/* Types ranked by their estimated shallow size: a few large objects that
   grow show here, below any count ranking. */
static void SnapshotOutput_sizeTable(const SnapshotDiff* d, FILE* out) {
   char cell[SNAPSHOT_NAME_MAX + 16], before[24], after[24], delta[24];
   fprintf(out, "\nTypes whose shallow size grew most\n%9s%9s%9s%9s  %s\n", "BEFORE", "AFTER",
           "DELTA", "COUNT", "TYPE");
   for (int i = 0; i < d->typeBySizeCount; i++) {
      const SnapshotTypeDelta* t = &d->typesBySize[i];
      SnapshotOutput_bytes(before, sizeof(before), t->sizeBefore);
      SnapshotOutput_bytes(after, sizeof(after), t->sizeAfter);
      SnapshotOutput_bytesDelta(delta, sizeof(delta), t->sizeDelta);
      SnapshotOutput_fit(cell, OUTPUT_WIDTH - 38, t->name, false);
      fprintf(out, "%9s%9s%9s%+9lld  %s\n", before, after, delta, (long long)t->delta, cell);
   }
   fputs("  (shallow: count x the type's basic size, as the collector estimates it)\n", out);
}

static void SnapshotOutput_diffTables(const SnapshotDiff* d, FILE* out) {
   char cell[SNAPSHOT_PATH_MAX + SNAPSHOT_SOURCE_MAX + 32], before[32], after[24], delta[24],
         count[24];
   bool bound = false;
   if (d->typeCount > 0) {
      fprintf(out, "\nTypes that grew most\n%10s%10s%10s  %s\n", "BEFORE", "AFTER", "DELTA",
              "TYPE");
      for (int i = 0; i < d->typeCount; i++) {
         const SnapshotTypeDelta* t = &d->types[i];
         snprintf(before, sizeof(before), "%s%lld",
                  t->beforeKnown ? "" : "<=", (long long)t->before);
         bound |= !t->beforeKnown;
         SnapshotOutput_fit(cell, OUTPUT_WIDTH - 32, t->name, false);
         fprintf(out, "%10s%10lld%+10lld  %s\n", before, (long long)t->after, (long long)t->delta,
                 cell);
      }
   } else if (!d->typesAvailable) {
      fputs("\nTypes: not in both snapshots\n", out);
   }
   if (d->typeBySizeCount > 0)
      SnapshotOutput_sizeTable(d, out);
   if (d->lineCount > 0) {
      fprintf(out, "\nLines whose memory grew most\n%9s%9s%9s%9s  %s\n", "BEFORE", "AFTER", "DELTA",
              "BLOCKS", "WHERE");
      for (int i = 0; i < d->lineCount; i++) {
         const SnapshotLineDelta* l = &d->lines[i];
         SnapshotOutput_bytes(after, sizeof(after), l->sizeBefore);
         snprintf(before, sizeof(before), "%s%s", l->beforeKnown ? "" : "<=", after);
         bound |= !l->beforeKnown;
         SnapshotOutput_bytes(after, sizeof(after), l->sizeAfter);
         SnapshotOutput_bytesDelta(delta, sizeof(delta), l->sizeDelta);
         snprintf(count, sizeof(count), "%+lld", (long long)l->countDelta);
         SnapshotOutput_source(cell, sizeof(cell), OUTPUT_WIDTH - 38, 38, l->file, l->line,
                               l->text);
         fprintf(out, "%9s%9s%9s%9s  %s\n", before, after, delta, count, cell);
      }
   } else if (!d->linesAvailable) {
      char text[200];
      snprintf(text, sizeof(text), "Lines: %s", d->linesWhy);
      fputc('\n', out);
      SnapshotOutput_wrap(out, 0, 2, text);
   }
   if (bound)
      fputs("\n(<=N: not in the earlier top list, so at most its smallest entry)\n", out);
}

/* The figures behind the verdict: "RSS 12.3M -> 62.5M, allocated blocks
   26954 -> 107019, gc objects 8834 -> 28715". */
static void SnapshotOutput_figures(const SnapshotDiff* d, FILE* out) {
   const SnapshotGrowth* g = &d->growth;
   char line[256] = "", before[24], after[24];
   size_t used = 0;
   if (d->rssKnown) {
      Format_size(before, sizeof(before), (uint64_t)g->rssBeforeKiB);
      Format_size(after, sizeof(after), (uint64_t)g->rssAfterKiB);
      used += (size_t)snprintf(line, sizeof(line), "RSS %s -> %s", before, after);
   }
   if (g->blocksBefore >= 0 && g->blocksAfter >= 0 && used < sizeof(line))
      used += (size_t)snprintf(line + used, sizeof(line) - used, "%sallocated blocks %lld -> %lld",
                               used ? ", " : "", (long long)g->blocksBefore,
                               (long long)g->blocksAfter);
   if (g->objectsBefore >= 0 && g->objectsAfter >= 0 && used < sizeof(line))
      snprintf(line + used, sizeof(line) - used, "%sgc objects %lld -> %lld", used ? ", " : "",
               (long long)g->objectsBefore, (long long)g->objectsAfter);
   if (line[0])
      SnapshotOutput_wrap(out, 2, 4, line);
}

void SnapshotOutput_snapshotText(const Snapshot* s, FILE* out) {
   SnapshotOutput_header(s, out);
   SnapshotOutput_tracemalloc(s, out);
   SnapshotOutput_trim(s, out);
   SnapshotOutput_lists(s, out);
}

/* "snapshot 2 of 14:05:31", or "the snapshot of 14:05:31" unnumbered:
   never leaktop's internal request number. */
static void SnapshotOutput_name(const SnapshotDiff* diff, char* buf, size_t size) {
   char when[16];
   SnapshotOutput_clock(when, sizeof(when), diff->beforeTime);
   if (diff->beforeNumber > 0)
      snprintf(buf, size, "snapshot %ld of %s", diff->beforeNumber, when);
   else
      snprintf(buf, size, "the snapshot of %s", when);
}

void SnapshotOutput_diffText(const SnapshotDiff* diff, FILE* out) {
   char name[64];
   SnapshotOutput_name(diff, name, sizeof(name));
   if (!diff->comparable) {
      fprintf(out, "\nNo diff with %s: %s\n", name, diff->why);
      return;
   }
   char span[16] = "an unknown time";
   if (!isnan(diff->interval))
      Format_span(span, sizeof(span), diff->interval);
   char verdict[320];
   SnapshotOutput_verdict(diff, verdict, sizeof(verdict));
   fprintf(out, "\nCompared with %s, taken %s earlier\n", name, span);
   SnapshotOutput_figures(diff, out);
   SnapshotOutput_wrap(out, 2, 4, verdict);
   /* Counts cannot weigh objects: a few large ones hide below 1%. */
   if (diff->verdict == SNAPSHOT_VERDICT_NATIVE && !diff->growth.tracedKnown)
      fputs("  (tracemalloc was off: --start-tracemalloc and two more snapshots confirm)\n", out);
   SnapshotOutput_diffTables(diff, out);
}

void SnapshotOutput_text(const Snapshot* s, const SnapshotDiff* diff, FILE* out) {
   SnapshotOutput_snapshotText(s, out);
   if (diff)
      SnapshotOutput_diffText(diff, out);
}

static json_object* SnapshotOutput_count(bool known, int64_t v) {
   return known ? json_object_new_int64(v) : NULL;
}

static json_object* SnapshotOutput_typesJson(const SnapshotTypeDelta* rows, int n) {
   json_object* types = json_object_new_array();
   for (int i = 0; i < n; i++) {
      const SnapshotTypeDelta* t = &rows[i];
      json_object* e = json_object_new_object();
      json_object_object_add(e, "name", json_object_new_string(t->name));
      json_object_object_add(e, "before", json_object_new_int64(t->before));
      json_object_object_add(e, "before_known", json_object_new_boolean(t->beforeKnown));
      json_object_object_add(e, "after", json_object_new_int64(t->after));
      json_object_object_add(e, "delta", json_object_new_int64(t->delta));
      if (t->sizeKnown) {
         json_object_object_add(e, "shallow_before", json_object_new_int64(t->sizeBefore));
         json_object_object_add(e, "shallow_after", json_object_new_int64(t->sizeAfter));
         json_object_object_add(e, "shallow_delta", json_object_new_int64(t->sizeDelta));
      }
      json_object_array_add(types, e);
   }
   return types;
}

static json_object* SnapshotOutput_diffJson(const SnapshotDiff* d) {
   json_object* o = json_object_new_object();
   json_object_object_add(o, "against_seq", json_object_new_int64(d->beforeSeq));
   json_object_object_add(o, "against_number",
                          d->beforeNumber > 0 ? json_object_new_int64(d->beforeNumber) : NULL);
   json_object_object_add(o, "against_time", Snapshot_jsonReal(d->beforeTime, 6));
   json_object_object_add(o, "comparable", json_object_new_boolean(d->comparable));
   if (!d->comparable) {
      json_object_object_add(o, "why", json_object_new_string(d->why));
      return o;
   }
   const SnapshotGrowth* g = &d->growth;
   char verdict[320];
   SnapshotOutput_verdict(d, verdict, sizeof(verdict));
   json_object_object_add(o, "interval_s", Snapshot_jsonReal(d->interval, 3));
   json_object_object_add(o, "verdict",
                          json_object_new_string(SnapshotDiff_verdictName(d->verdict)));
   json_object_object_add(o, "verdict_text", json_object_new_string(verdict));
   json_object_object_add(o, "rss_delta_kib", SnapshotOutput_count(d->rssKnown, d->rssDeltaKiB));
   json_object_object_add(o, "traced_delta_bytes",
                          SnapshotOutput_count(g->tracedKnown, g->tracedDeltaBytes));
   json_object_object_add(o, "tracemalloc_overhead_delta_bytes",
                          json_object_new_int64(g->overheadDeltaBytes));
   json_object_object_add(o, "allocated_blocks_delta",
                          SnapshotOutput_count(g->blocksBefore >= 0 && g->blocksAfter >= 0,
                                               g->blocksAfter - g->blocksBefore));
   json_object_object_add(o, "allocated_blocks_percent", Snapshot_jsonReal(d->blocksPercent, 3));
   json_object_object_add(o, "gc_objects_delta",
                          SnapshotOutput_count(g->objectsBefore >= 0 && g->objectsAfter >= 0,
                                               g->objectsAfter - g->objectsBefore));
   json_object_object_add(o, "gc_objects_percent", Snapshot_jsonReal(d->objectsPercent, 3));
   json_object_object_add(o, "trim_released_kib",
                          SnapshotOutput_count(g->trimReleasedKiB >= 0, g->trimReleasedKiB));
   json_object* types = NULL;
   json_object* bySize = NULL;
   if (d->typesAvailable) {
      types = SnapshotOutput_typesJson(d->types, d->typeCount);
      bySize = SnapshotOutput_typesJson(d->typesBySize, d->typeBySizeCount);
   }
   json_object_object_add(o, "types", types);
   json_object_object_add(o, "types_by_shallow_size", bySize);
   json_object_object_add(o, "types_complete", json_object_new_boolean(d->typesComplete));
   json_object* lines = NULL;
   if (d->linesAvailable) {
      lines = json_object_new_array();
      for (int i = 0; i < d->lineCount; i++) {
         const SnapshotLineDelta* l = &d->lines[i];
         json_object* e = json_object_new_object();
         json_object_object_add(e, "file", json_object_new_string(l->file));
         json_object_object_add(e, "line", json_object_new_int(l->line));
         json_object_object_add(e, "size_before", json_object_new_int64(l->sizeBefore));
         json_object_object_add(e, "size_after", json_object_new_int64(l->sizeAfter));
         json_object_object_add(e, "size_delta", json_object_new_int64(l->sizeDelta));
         json_object_object_add(e, "count_before", json_object_new_int64(l->countBefore));
         json_object_object_add(e, "count_after", json_object_new_int64(l->countAfter));
         json_object_object_add(e, "count_delta", json_object_new_int64(l->countDelta));
         json_object_object_add(e, "before_known", json_object_new_boolean(l->beforeKnown));
         if (l->text)
            json_object_object_add(e, "text", json_object_new_string(l->text));
         json_object_array_add(lines, e);
      }
   }
   json_object_object_add(o, "lines", lines);
   json_object_object_add(o, "lines_unavailable",
                          d->linesAvailable ? NULL : json_object_new_string(d->linesWhy));
   return o;
}

void SnapshotOutput_json(const Snapshot* s, const SnapshotDiff* diff, FILE* out) {
   json_object* root = json_object_new_object();
   json_object_object_add(root, "snapshot", Snapshot_toJson(s));
   json_object_object_add(root, "diff", diff ? SnapshotOutput_diffJson(diff) : NULL);
   fprintf(out, "%s\n",
           json_object_to_json_string_ext(root,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
   json_object_put(root);
}
