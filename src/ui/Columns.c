#include "config.h"

#include "ui/Columns.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "classify/TimeToLimit.h"
#include "classify/WorkerVerdict.h"
#include "model/ProcessTree.h"
#include "util/Format.h"
#include "ui/Sparkline.h"

/* ---- unknown values ---------------------------------------------------
   n/a: could not be read (and the status line says why); "...": not read
   yet (smaps runs on a slower cadence, CPU needs two samples). Never 0. */

static const char Columns_notYet[] = "...";
static const char Columns_na[] = "n/a";

static bool Columns_isNew(const Process* p, const ColumnContext* ctx) {
   return ctx->now - p->firstSeen < 2.5 * ctx->tick;
}

static ColorElement Columns_unknown(char* buf, size_t size, const char* what) {
   snprintf(buf, size, "%s", what);
   return CLR_UNKNOWN;
}

static ColorElement Columns_size(char* buf, size_t size, bool known, uint64_t kib) {
   if (!known)
      return Columns_unknown(buf, size, Columns_na);
   Format_size(buf, size, kib);
   return CLR_DEFAULT;
}

static ColorElement Columns_smaps(const Process* p, char* buf, size_t size, uint64_t kib) {
   if (!p->smapsKnown)
      return Columns_unknown(buf, size, p->smapsErrno == 0 ? Columns_notYet : Columns_na);
   Format_size(buf, size, kib);
   return CLR_DEFAULT;
}

/* ---- formatters ---------------------------------------------------------- */

static ColorElement Columns_fmtPid(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   (void)ctx;
   snprintf(buf, size, "%d", (int)p->pid);
   return CLR_DEFAULT;
}

static ColorElement Columns_fmtRole(const Process* p, const ColumnContext* ctx, char* buf,
                                    size_t size) {
   (void)ctx;
   snprintf(buf, size, "%s", Process_roleName(p->role));
   return p->role == ROLE_MASTER ? CLR_MASTER : CLR_DEFAULT;
}

static ColorElement Columns_fmtAge(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   if (!(p->startEpoch > 0))
      return Columns_unknown(buf, size, Columns_na);
   Format_age(buf, size, Process_age(p, ctx->wallNow));
   return CLR_DEFAULT;
}

static ColorElement Columns_fmtRss(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   (void)ctx;
   return Columns_size(buf, size, p->memKnown, p->rssKiB);
}

static ColorElement Columns_fmtAnon(const Process* p, const ColumnContext* ctx, char* buf,
                                    size_t size) {
   (void)ctx;
   return Columns_size(buf, size, p->memKnown, p->anonKiB);
}

static ColorElement Columns_fmtFile(const Process* p, const ColumnContext* ctx, char* buf,
                                    size_t size) {
   (void)ctx;
   return Columns_size(buf, size, p->memKnown, p->fileKiB);
}

static ColorElement Columns_fmtShmem(const Process* p, const ColumnContext* ctx, char* buf,
                                     size_t size) {
   (void)ctx;
   return Columns_size(buf, size, p->memKnown, p->shmemKiB);
}

static ColorElement Columns_fmtPss(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   (void)ctx;
   return Columns_smaps(p, buf, size, p->pssKiB);
}

static ColorElement Columns_fmtUss(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   (void)ctx;
   return Columns_smaps(p, buf, size, p->ussKiB);
}

static ColorElement Columns_fmtSwap(const Process* p, const ColumnContext* ctx, char* buf,
                                    size_t size) {
   (void)ctx;
   return Columns_smaps(p, buf, size, p->swapKiB);
}

static ColorElement Columns_fmtGrowth(const Process* p, const ColumnContext* ctx, char* buf,
                                      size_t size) {
   double g = Process_growthPerMinute(p, ctx->window);
   Format_growth(buf, size, g);
   if (isnan(g))
      return CLR_UNKNOWN;
   return g >= 0.5 ? CLR_GROWING : g <= -0.5 ? CLR_SHRINKING : CLR_DEFAULT;
}

static ColorElement Columns_fmtCpu(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   if (!p->cpuKnown)
      return Columns_unknown(buf, size, Columns_isNew(p, ctx) ? Columns_notYet : Columns_na);
   Format_percent(buf, size, p->cpuPercent);
   return CLR_DEFAULT;
}

static void Columns_count(char* buf, size_t size, unsigned long long n) {
   if (n < 100000)
      snprintf(buf, size, "%llu", n);
   else if (n < 100000000ULL)
      snprintf(buf, size, "%lluk", n / 1000);
   else
      snprintf(buf, size, "%lluM", n / 1000000);
}

static ColorElement Columns_fmtCsw(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   (void)ctx;
   /* From status, which is read again only when stat changed or every
      STATUS_CACHE_REFRESH ticks: a process that wakes too briefly to
      move its CPU time shows a count up to that many ticks old. */
   if (!p->ctxKnown)
      return Columns_unknown(buf, size, p->memKnown ? Columns_notYet : Columns_na);
   Columns_count(buf, size, p->ctxVoluntary + p->ctxInvoluntary);
   return CLR_DEFAULT;
}

static ColorElement Columns_fmtSpark(const Process* p, const ColumnContext* ctx, char* buf,
                                     size_t size) {
   /* The growth window, but no longer than the process has been watched (at
      least a tick per cell): a fresh worker's line fills the cell instead of
      one glyph at its right end. */
   double span = ctx->now - p->firstSeen + ctx->tick;
   if (span < ctx->width * ctx->tick)
      span = ctx->width * ctx->tick;
   if (span > ctx->window)
      span = ctx->window;
   Sparkline_ofHistory(&p->rssHistory, span, ctx->width, ctx->glyphs, buf, size);
   return CLR_CHART_BAR;
}

const char* Columns_shortVerdict(GrowthVerdict verdict) {
   static const char* const labels[] = {
         [VERDICT_WARMING_UP] = "warming up",
         [VERDICT_STABLE] = "stable",
         [VERDICT_PLATEAU] = "plateau",
         [VERDICT_GROWS_WITH_TIME] = "grows/time",
         [VERDICT_GROWS_WITH_TRAFFIC] = "grows/traffic",
         [VERDICT_SPIKES] = "spikes",
         [VERDICT_INCONCLUSIVE] = "inconclusive",
   };
   return labels[verdict];
}

ColorElement Columns_verdictColor(GrowthVerdict verdict) {
   switch (verdict) {
   case VERDICT_GROWS_WITH_TIME:
   case VERDICT_GROWS_WITH_TRAFFIC:
      return CLR_WARNING;
   case VERDICT_SPIKES:
      return CLR_GROWING;
   case VERDICT_WARMING_UP:
   case VERDICT_INCONCLUSIVE:
      return CLR_UNKNOWN;
   default:
      return CLR_DEFAULT;
   }
}

ColorElement Columns_workerVerdictColor(GrowthVerdict verdict, SnapshotVerdict heap) {
   return WorkerVerdict_suffix(heap, true) ? CLR_WARNING : Columns_verdictColor(verdict);
}

void Columns_workerVerdict(const Process* p, char* buf, size_t size) {
   /* Growing fds or threads join the memory verdict: "grows/fds" on flat
      memory, "grows/time+fds" on growing memory. */
   GrowthVerdict v = p->growth.verdict;
   const char* resources = ResourceGrowth_brief(&p->resources);
   char base[40];
   if (!resources)
      snprintf(base, sizeof(base), "%s", Columns_shortVerdict(v));
   else if (v == VERDICT_GROWS_WITH_TIME || v == VERDICT_GROWS_WITH_TRAFFIC)
      snprintf(base, sizeof(base), "%s+%s", Columns_shortVerdict(v), resources);
   else
      snprintf(base, sizeof(base), "grows/%s", resources);
   WorkerVerdict_compose(base, ProcessSnapshots_verdict(p->snapshots), true, buf, size);
}

/* A worker too young for a verdict of its own whose slot's ended
   generations grew alike: the slot's verdict stands for it. */
static const RecycleVerdict* Columns_slotVerdict(const Process* p, const ColumnContext* ctx) {
   if (!ctx->tree || !p->slot || p->growth.verdict != VERDICT_WARMING_UP)
      return NULL;
   const WorkerSlot* slot = ProcessTree_slot(ctx->tree, p->slot);
   return slot && slot->verdict.label != RECYCLE_NONE ? &slot->verdict : NULL;
}

static ColorElement Columns_fmtVerdict(const Process* p, const ColumnContext* ctx, char* buf,
                                       size_t size) {
   const RecycleVerdict* recycled = Columns_slotVerdict(p, ctx);
   if (recycled) {
      snprintf(buf, size, "%s",
               recycled->label == RECYCLE_GROWS_WITH_TRAFFIC ? "recycled/traf" : "recycled/time");
      return CLR_WARNING;
   }
   Columns_workerVerdict(p, buf, size);
   if (ResourceGrowth_any(&p->resources))
      return CLR_WARNING;
   return Columns_workerVerdictColor(p->growth.verdict, ProcessSnapshots_verdict(p->snapshots));
}

double Columns_timeToLimit(const Process* p, const ColumnContext* ctx) {
   return TimeToLimit_seconds(Classifier_projectedGrowth(&p->growth), ctx->headroomKiB);
}

static ColorElement Columns_fmtTtl(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   double seconds = Columns_timeToLimit(p, ctx);
   Format_ttl(buf, size, seconds);
   /* Under an hour: the page comes on this shift. */
   return isnan(seconds) ? CLR_UNKNOWN : seconds < 3600 ? CLR_WARNING : CLR_GROWING;
}

static ColorElement Columns_fmtCommand(const Process* p, const ColumnContext* ctx, char* buf,
                                       size_t size) {
   (void)ctx;
   Format_command(buf, size, p->name, p->cmdline);
   return p->role == ROLE_MASTER ? CLR_MASTER : CLR_DEFAULT;
}

/* ---- sort keys ------------------------------------------------------------ */

static double Columns_keyPid(const Process* p, const ColumnContext* ctx) {
   (void)ctx;
   return p->pid;
}

static double Columns_keyRole(const Process* p, const ColumnContext* ctx) {
   (void)ctx;
   return p->role;
}

static double Columns_keyAge(const Process* p, const ColumnContext* ctx) {
   return p->startEpoch > 0 ? Process_age(p, ctx->wallNow) : NAN;
}

#define COLUMNS_MEM_KEY(fn, field)                                                                 \
   static double fn(const Process* p, const ColumnContext* ctx) {                                  \
      (void)ctx;                                                                                   \
      return p->memKnown ? (double)p->field : NAN;                                                 \
   }
COLUMNS_MEM_KEY(Columns_keyRss, rssKiB)
COLUMNS_MEM_KEY(Columns_keyAnon, anonKiB)
COLUMNS_MEM_KEY(Columns_keyFile, fileKiB)
COLUMNS_MEM_KEY(Columns_keyShmem, shmemKiB)

#define COLUMNS_SMAPS_KEY(fn, field)                                                               \
   static double fn(const Process* p, const ColumnContext* ctx) {                                  \
      (void)ctx;                                                                                   \
      return p->smapsKnown ? (double)p->field : NAN;                                               \
   }
COLUMNS_SMAPS_KEY(Columns_keyPss, pssKiB)
COLUMNS_SMAPS_KEY(Columns_keyUss, ussKiB)
COLUMNS_SMAPS_KEY(Columns_keySwap, swapKiB)

static double Columns_keyGrowth(const Process* p, const ColumnContext* ctx) {
   return Process_growthPerMinute(p, ctx->window);
}

static double Columns_keyCpu(const Process* p, const ColumnContext* ctx) {
   (void)ctx;
   return p->cpuKnown ? p->cpuPercent : NAN;
}

static double Columns_keyCsw(const Process* p, const ColumnContext* ctx) {
   (void)ctx;
   return p->ctxKnown ? (double)(p->ctxVoluntary + p->ctxInvoluntary) : NAN;
}

/* A count and its change over the window, "312 +120"; "n/a" when the
   count cannot be read. */
static ColorElement Columns_resource(const Process* p, const ColumnContext* ctx, ResourceSeries s,
                                     bool known, uint32_t value, char* buf, size_t size) {
   if (!known)
      return Columns_unknown(buf, size, Columns_isNew(p, ctx) ? Columns_notYet : Columns_na);
   int64_t change;
   if (ResourceGrowth_change(&p->resources, s, ctx->now, ctx->window, &change) && change != 0)
      snprintf(buf, size, "%u %+lld", (unsigned)value, (long long)change);
   else
      snprintf(buf, size, "%u", (unsigned)value);
   return p->resources.grows[s] ? CLR_WARNING : CLR_DEFAULT;
}

static ColorElement Columns_fmtFds(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   return Columns_resource(p, ctx, RESOURCE_FDS, p->fdKnown, p->fds, buf, size);
}

static ColorElement Columns_fmtThr(const Process* p, const ColumnContext* ctx, char* buf,
                                   size_t size) {
   return Columns_resource(p, ctx, RESOURCE_THREADS, p->threads > 0, p->threads, buf, size);
}

static double Columns_keyFds(const Process* p, const ColumnContext* ctx) {
   (void)ctx;
   return p->fdKnown ? (double)p->fds : NAN;
}

static double Columns_keyThr(const Process* p, const ColumnContext* ctx) {
   (void)ctx;
   return p->threads > 0 ? (double)p->threads : NAN;
}

/* Most urgent first when sorted descending. */
static double Columns_keyVerdict(const Process* p, const ColumnContext* ctx) {
   static const double severity[] = {
         [VERDICT_WARMING_UP] = 0,      [VERDICT_STABLE] = 1, [VERDICT_PLATEAU] = 2,
         [VERDICT_INCONCLUSIVE] = 3,    [VERDICT_SPIKES] = 4, [VERDICT_GROWS_WITH_TRAFFIC] = 5,
         [VERDICT_GROWS_WITH_TIME] = 6,
   };
   /* Recycled growth ranks with growth with traffic. */
   if (Columns_slotVerdict(p, ctx))
      return severity[VERDICT_GROWS_WITH_TRAFFIC];
   return severity[p->growth.verdict];
}

/* ---- the table -------------------------------------------------------------- */

const Column Columns_table[COL_COUNT] = {
      [COL_PID] = {.name = "pid",
                   .title = "PID",
                   .description = "process ID",
                   .width = 7,
                   .align = ALIGN_RIGHT,
                   .priority = 0,
                   .key = Columns_keyPid,
                   .format = Columns_fmtPid},
      [COL_ROLE] = {.name = "role",
                    .title = "ROLE",
                    .description = "master, worker, child",
                    .width = 6,
                    .align = ALIGN_LEFT,
                    .priority = 4,
                    .key = Columns_keyRole,
                    .format = Columns_fmtRole},
      [COL_AGE] = {.name = "age",
                   .title = "AGE",
                   .description = "time since the process started",
                   .width = 4,
                   .align = ALIGN_RIGHT,
                   .priority = 10,
                   .descendingFirst = true,
                   .key = Columns_keyAge,
                   .format = Columns_fmtAge},
      [COL_RSS] = {.name = "rss",
                   .title = "RSS",
                   .description = "resident set size",
                   .width = 6,
                   .align = ALIGN_RIGHT,
                   .priority = 1,
                   .descendingFirst = true,
                   .key = Columns_keyRss,
                   .format = Columns_fmtRss},
      [COL_ANON] = {.name = "anon",
                    .title = "ANON",
                    .description = "resident anonymous memory",
                    .width = 6,
                    .align = ALIGN_RIGHT,
                    .priority = 13,
                    .descendingFirst = true,
                    .key = Columns_keyAnon,
                    .format = Columns_fmtAnon},
      [COL_FILE] = {.name = "file",
                    .title = "FILE",
                    .description = "resident file-backed memory",
                    .width = 6,
                    .align = ALIGN_RIGHT,
                    .priority = 14,
                    .descendingFirst = true,
                    .key = Columns_keyFile,
                    .format = Columns_fmtFile},
      [COL_SHMEM] = {.name = "shmem",
                     .title = "SHMEM",
                     .description = "resident shared memory",
                     .width = 6,
                     .align = ALIGN_RIGHT,
                     .priority = 15,
                     .descendingFirst = true,
                     .key = Columns_keyShmem,
                     .format = Columns_fmtShmem},
      [COL_PSS] = {.name = "pss",
                   .title = "PSS",
                   .description = "proportional set size (smaps_rollup)",
                   .width = 6,
                   .align = ALIGN_RIGHT,
                   .flags = COLUMN_NEEDS_SMAPS,
                   .priority = 7,
                   .descendingFirst = true,
                   .key = Columns_keyPss,
                   .format = Columns_fmtPss},
      [COL_USS] = {.name = "uss",
                   .title = "USS",
                   .description = "unique (private) memory (smaps_rollup)",
                   .width = 6,
                   .align = ALIGN_RIGHT,
                   .flags = COLUMN_NEEDS_SMAPS,
                   .priority = 11,
                   .descendingFirst = true,
                   .key = Columns_keyUss,
                   .format = Columns_fmtUss},
      [COL_SWAP] = {.name = "swap",
                    .title = "SWAP",
                    .description = "swapped out (smaps_rollup)",
                    .width = 5,
                    .align = ALIGN_RIGHT,
                    .flags = COLUMN_NEEDS_SMAPS,
                    .priority = 12,
                    .descendingFirst = true,
                    .key = Columns_keySwap,
                    .format = Columns_fmtSwap},
      [COL_GROWTH] = {.name = "growth",
                      .title = "GROW/m",
                      .description = "RSS growth per minute over the window",
                      .width = 7,
                      .align = ALIGN_RIGHT,
                      .priority = 2,
                      .descendingFirst = true,
                      .key = Columns_keyGrowth,
                      .format = Columns_fmtGrowth},
      [COL_CPU] = {.name = "cpu",
                   .title = "CPU%",
                   .description = "CPU use since the last tick",
                   .width = 5,
                   .align = ALIGN_RIGHT,
                   .priority = 9,
                   .descendingFirst = true,
                   .key = Columns_keyCpu,
                   .format = Columns_fmtCpu},
      [COL_CSW] = {.name = "csw",
                   .title = "CSW",
                   .description = "context switches, voluntary + involuntary",
                   .width = 6,
                   .align = ALIGN_RIGHT,
                   .priority = 16,
                   .descendingFirst = true,
                   .key = Columns_keyCsw,
                   .format = Columns_fmtCsw},
      [COL_FDS] = {.name = "fds",
                   .title = "FDS",
                   .description = "open fds, and their change over the growth window",
                   .width = 9,
                   .align = ALIGN_RIGHT,
                   .flags = COLUMN_NEEDS_FDS,
                   .priority = 17,
                   .descendingFirst = true,
                   .key = Columns_keyFds,
                   .format = Columns_fmtFds},
      [COL_THR] = {.name = "threads",
                   .title = "THR",
                   .description = "threads, and their change over the growth window",
                   .width = 7,
                   .align = ALIGN_RIGHT,
                   .priority = 18,
                   .descendingFirst = true,
                   .key = Columns_keyThr,
                   .format = Columns_fmtThr},
      [COL_SPARK] = {.name = "history",
                     .title = "HISTORY",
                     .description = "RSS over the growth window (or since first seen)",
                     .width = 10,
                     .align = ALIGN_LEFT,
                     .flags = COLUMN_NO_SORT,
                     .priority = 6,
                     .descendingFirst = true,
                     .key = Columns_keyGrowth,
                     .format = Columns_fmtSpark},
      [COL_VERDICT] = {.name = "verdict",
                       .title = "VERDICT",
                       .description = "kind of growth (the detail view has the evidence)",
                       .width = 13,
                       .align = ALIGN_LEFT,
                       .priority = 3,
                       .descendingFirst = true,
                       .key = Columns_keyVerdict,
                       .format = Columns_fmtVerdict},
      [COL_TTL] = {.name = "ttl",
                   .title = "TTL",
                   .description = "time to the memory limit at the current growth (under 24h)",
                   .width = 5,
                   .align = ALIGN_RIGHT,
                   .priority = 5,
                   .key = Columns_timeToLimit,
                   .format = Columns_fmtTtl},
      [COL_COMMAND] = {.name = "command",
                       .title = "COMMAND",
                       .description = "program name and command line",
                       .width = 7,
                       .align = ALIGN_LEFT,
                       .flags = COLUMN_FLEXIBLE,
                       .priority = 8,
                       .format = Columns_fmtCommand},
};

#define B(id) COLUMNS_BIT(id)
#define COLUMNS_DEFAULT                                                                            \
   (B(COL_PID) | B(COL_ROLE) | B(COL_AGE) | B(COL_RSS) | B(COL_PSS) | B(COL_USS) | B(COL_SWAP) |   \
    B(COL_GROWTH) | B(COL_CPU) | B(COL_SPARK) | B(COL_VERDICT) | B(COL_TTL) | B(COL_COMMAND))

#define COLUMNS_SPLIT     (B(COL_ANON) | B(COL_FILE) | B(COL_SHMEM))
#define COLUMNS_RESOURCES (B(COL_FDS) | B(COL_THR))

const ColumnSet Columns_sets[] = {
      {.name = "default", .mask = COLUMNS_DEFAULT},
      {.name = "memory split", .mask = COLUMNS_DEFAULT | COLUMNS_SPLIT, .emphasis = COLUMNS_SPLIT},
      {.name = "fds and threads",
       .mask = COLUMNS_DEFAULT | COLUMNS_RESOURCES,
       .emphasis = COLUMNS_RESOURCES},
      {.name = "all",
       .mask = COLUMNS_DEFAULT | COLUMNS_SPLIT | B(COL_CSW) | COLUMNS_RESOURCES,
       .emphasis = COLUMNS_SPLIT | B(COL_CSW) | COLUMNS_RESOURCES},
      /* Without smaps_rollup reads: nothing walks the workers' page tables. */
      {.name = "cheap",
       .mask = B(COL_PID) | B(COL_ROLE) | B(COL_AGE) | B(COL_RSS) | B(COL_ANON) | B(COL_FILE) |
               B(COL_GROWTH) | B(COL_CPU) | B(COL_SPARK) | B(COL_VERDICT) | B(COL_TTL) |
               B(COL_COMMAND)},
};
const int Columns_setCount = (int)(sizeof(Columns_sets) / sizeof(Columns_sets[0]));
#undef COLUMNS_SPLIT
#undef COLUMNS_RESOURCES
#undef B

/* ---- layout, lookup, comparison ------------------------------------------------ */

/* Priorities scaled by 10, so the set's own columns can go between RSS (1)
   and GROW/m (2): a set chosen for them shows them even at 80 columns. */
static int Columns_rank(const ColumnSet* set, int id) {
   return (set->emphasis & COLUMNS_BIT(id)) ? 15 : Columns_table[id].priority * 10;
}

void Columns_layout(const ColumnSet* set, int totalWidth, const int* widths, ColumnLayout* out) {
   memset(out, 0, sizeof(*out));
   if (totalWidth < 1)
      totalWidth = 1;
   /* Take columns in rank order while they fit. */
   int order[COL_COUNT];
   int n = 0;
   for (int id = 0; id < COL_COUNT; id++)
      if (set->mask & COLUMNS_BIT(id))
         order[n++] = id;
   for (int i = 1; i < n; i++) {
      int id = order[i], j = i - 1;
      while (j >= 0 && Columns_rank(set, order[j]) > Columns_rank(set, id)) {
         order[j + 1] = order[j];
         j--;
      }
      order[j + 1] = id;
   }
   bool chosen[COL_COUNT] = {false};
   int used = 0;
   for (int i = 0; i < n; i++) {
      int id = order[i];
      int need = (widths ? widths[id] : Columns_table[id].width) + (i > 0 ? 1 : 0);
      /* The most important column is kept even when clipped. */
      if (i > 0 && used + need > totalWidth)
         continue;
      chosen[id] = true;
      used += need;
   }
   int x = 0, flexible = -1;
   for (int id = 0; id < COL_COUNT; id++) {
      if (!chosen[id])
         continue;
      const Column* c = &Columns_table[id];
      int i = out->count++;
      out->ids[i] = (ColumnId)id;
      out->x[i] = x;
      out->width[i] = widths ? widths[id] : c->width;
      out->flags |= c->flags;
      if (c->flags & COLUMN_FLEXIBLE)
         flexible = i;
      x += out->width[i] + 1;
   }
   int spare = totalWidth - used;
   if (flexible >= 0 && spare > 0) {
      out->width[flexible] += spare;
      for (int i = flexible + 1; i < out->count; i++)
         out->x[i] += spare;
   }
   /* A lone column wider than the screen is clipped, never drawn outside. */
   if (out->count > 0 && out->width[0] > totalWidth)
      out->width[0] = totalWidth;
}

int Columns_byName(const char* name) {
   if (!name)
      return -1;
   for (int id = 0; id < COL_COUNT; id++)
      if (strcasecmp(name, Columns_table[id].name) == 0 ||
          strcasecmp(name, Columns_table[id].title) == 0)
         return id;
   return -1;
}

bool Columns_visible(const ColumnLayout* layout, ColumnId id) {
   for (int i = 0; i < layout->count; i++)
      if (layout->ids[i] == id)
         return true;
   return false;
}

int Columns_compare(ColumnId id, bool descending, const Process* a, const Process* b,
                    const ColumnContext* ctx) {
   const Column* c = &Columns_table[id];
   int order = 0;
   if (c->key) {
      double ka = c->key(a, ctx), kb = c->key(b, ctx);
      bool ua = isnan(ka), ub = isnan(kb);
      if (ua || ub) {
         if (ua != ub)
            return ua ? 1 : -1; /* unknown last, whatever the direction */
      } else if (ka != kb) {
         order = ka < kb ? -1 : 1;
      }
   } else {
      char ba[256], bb[256];
      ColumnContext wide = *ctx;
      wide.width = (int)sizeof(ba) / 4;
      c->format(a, &wide, ba, sizeof(ba));
      c->format(b, &wide, bb, sizeof(bb));
      order = strcmp(ba, bb);
      order = order < 0 ? -1 : order > 0 ? 1 : 0;
   }
   if (order == 0)
      return a->pid < b->pid ? -1 : a->pid > b->pid ? 1 : 0;
   return descending ? -order : order;
}
