#include "config.h"

#include "replay/Replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify/Classifier.h"
#include "classify/TreeVerdict.h"
#include "model/ProcessSnapshots.h"
#include "record/RecordEvent.h"
#include "record/RecordReader.h"
#include "sample/ReplaySource.h"
#include "snapshot/Snapshot.h"
#include "util/TimeSpec.h"
#include "util/XUtils.h"

/* How far back the model is rebuilt at a seek: the 1 min tier over the
   last hours (what the detail chart's coarse tiers show), the 1 s tier
   over the last minutes (more than the growth window, so the classifier
   has every sample its verdict rests on). */
#define REPLAY_COARSE_LOOKBACK_US (4 * 3600 * 1000000LL)
#define REPLAY_FINE_LOOKBACK_US   (15 * 60 * 1000000LL)
/* Tick times kept for stepping back. */
#define REPLAY_RECENT   64
#define REPLAY_LOST_MAX 256

typedef struct ReplayPending {
   RecordEvent event; /* its bytes copied into data */
   uint8_t* data;
} ReplayPending;

struct Replay {
   char path[4096];
   Options opts;
   RecordReader* fine;   /* the 1 s tier (or the one file given) */
   RecordReader* coarse; /* the 1 min tier; NULL for one file */
   int64_t firstUs, lastUs;
   int64_t fineFirstUs; /* where 1 s data begins; INT64_MAX when none */
   int64_t sinceUs;     /* nothing before is fed (Replay_openSince) */

   Machine* machine;
   SampleSource* source; /* the machine's */
   int64_t cursor;
   RecordReader* reading; /* fine or coarse, at the cursor */
   int64_t switchUs;      /* coarse gives way to fine here */
   bool haveNext;
   RecordTick next; /* the first tick after the cursor, read already */
   const SegmentHeader* nextHeader;
   int64_t recent[REPLAY_RECENT];
   int recentCount;

   ReplayPending* snapshots; /* read, to be given to their process after the scan */
   int snapshotCount, snapshotCapacity;

   ReplayEvent* events;
   int eventCount, eventCapacity;
   int eventAt; /* the last event Replay_nextEvent gave, -1 none */
   ReplayLost lost[REPLAY_LOST_MAX];
   int lostCount;
};

/* ---- texts ------------------------------------------------------------- */

/* The format's enum values (doc/recording-format.md), whatever the C enums'. */
static const char* Replay_growthLabel(int64_t value) {
   static const GrowthVerdict verdicts[] = {
         VERDICT_WARMING_UP,         VERDICT_STABLE, VERDICT_PLATEAU,      VERDICT_GROWS_WITH_TIME,
         VERDICT_GROWS_WITH_TRAFFIC, VERDICT_SPIKES, VERDICT_INCONCLUSIVE,
   };
   if (value < 0 || value >= (int64_t)(sizeof(verdicts) / sizeof(verdicts[0])))
      return "?";
   return Classifier_label(verdicts[value]);
}

static const char* Replay_treeLabel(int64_t value) {
   static const TreeVerdictLabel labels[] = {
         TREE_WARMING_UP,    TREE_STABLE,           TREE_ONE_GROWS,
         TREE_SOME_GROW,     TREE_ALL_GROW,         TREE_MULTIPLICATION,
         TREE_COW_UNSHARING, TREE_RECYCLED_TRAFFIC, TREE_RECYCLED_TIME,
   };
   if (value < 0 || value >= (int64_t)(sizeof(labels) / sizeof(labels[0])))
      return "?";
   return TreeVerdict_label(labels[value]);
}

static int64_t Replay_number(const RecordEvent* e, unsigned id, int64_t otherwise) {
   const RecordAttr* a = RecordEvent_attr(e, id);
   return a && !a->isBytes ? a->number : otherwise;
}

static void Replay_describe(const RecordEvent* e, char* out, size_t size) {
   char text[160] = "";
   int pid = (int)e->key[0];
   switch (e->kind) {
   case EVENT_PROCESS_START:
      snprintf(out, size, "PID %d started (parent %d, generation %d)", pid,
               (int)Replay_number(e, ATTR_START_PPID, 0),
               (int)Replay_number(e, ATTR_START_GENERATION, 0));
      break;
   case EVENT_PROCESS_EXIT: {
      char name[64] = "";
      RecordEvent_text(e, ATTR_EXIT_NAME, name, sizeof(name));
      RecordEvent_text(e, ATTR_EXIT_TEXT, text, sizeof(text));
      snprintf(out, size, "PID %d%s%s%s ended: %s", pid, name[0] ? " (" : "", name,
               name[0] ? ")" : "", text[0] ? text : "exited");
      break;
   }
   case EVENT_VERDICT_CHANGE: {
      bool tree = e->scope == RECORD_SCOPE_TREE;
      const char* (*label)(int64_t) = tree ? Replay_treeLabel : Replay_growthLabel;
      snprintf(out, size, "%s %d: %s -> %s", tree ? "tree" : "PID", pid,
               label(Replay_number(e, ATTR_VERDICT_FROM, -1)),
               label(Replay_number(e, ATTR_VERDICT_TO, -1)));
      break;
   }
   case EVENT_SNAPSHOT:
   case EVENT_PROFILE:
      RecordEvent_text(e, ATTR_RESULT_SUMMARY, text, sizeof(text));
      snprintf(out, size, "PID %d %s%s%s%s", pid,
               e->kind == EVENT_SNAPSHOT ? "heap snapshot" : "stack profile",
               Replay_number(e, ATTR_RESULT_STATUS, 0) ? " failed" : "", text[0] ? ": " : "", text);
      break;
   case EVENT_OOM_KILL:
      snprintf(out, size, "tree %d: OOM kill in its cgroup (%d so far)", pid,
               (int)Replay_number(e, ATTR_OOM_COUNT, 0));
      break;
   case EVENT_RECORDER_START:
      snprintf(out, size, "recorder started (PID %d)", (int)Replay_number(e, ATTR_RECORDER_PID, 0));
      break;
   case EVENT_DEPLOY:
      RecordEvent_text(e, ATTR_DEPLOY_FILE, text, sizeof(text));
      snprintf(out, size, "tree %d: new code in PID %d%s%s%s", pid,
               (int)Replay_number(e, ATTR_DEPLOY_PID, 0), text[0] ? " (" : "", text,
               text[0] ? " changed)" : "");
      break;
   default:
      snprintf(out, size, "event %u", e->kind);
   }
}

/* ---- the index --------------------------------------------------------- */

static void Replay_addLost(Replay* this, const RecordHole* h) {
   for (int i = 0; i < this->lostCount; i++)
      if (strstr(this->lost[i].why, h->file) && this->lost[i].fromUs == h->fromUs)
         return;
   if (this->lostCount == REPLAY_LOST_MAX)
      return;
   ReplayLost* l = &this->lost[this->lostCount++];
   l->fromUs = h->fromUs;
   l->toUs = h->toUs;
   snprintf(l->why, sizeof(l->why), "%s, bytes %llu-%llu: %s", h->file,
            (unsigned long long)h->start, (unsigned long long)h->end, h->why);
}

static void Replay_addEvent(Replay* this, const RecordEvent* e) {
   if (e->kind == EVENT_INFO || e->kind < EVENT_PROCESS_START || e->kind > EVENT_DEPLOY)
      return;
   if (this->eventCount == this->eventCapacity) {
      this->eventCapacity = this->eventCapacity ? this->eventCapacity * 2 : 64;
      this->events = xReallocArray(this->events, (size_t)this->eventCapacity, sizeof(ReplayEvent));
   }
   ReplayEvent* r = &this->events[this->eventCount++];
   r->wallUs = e->wallUs;
   r->order = this->eventCount - 1;
   r->kind = (ReplayEventKind)e->kind;
   r->pid = e->scope == RECORD_SCOPE_HOST ? 0 : (pid_t)e->key[0];
   r->startTicks = e->key[1];
   Replay_describe(e, r->text, sizeof(r->text));
}

static int Replay_compareEvents(const void* a, const void* b) {
   const ReplayEvent* x = a;
   const ReplayEvent* y = b;
   if (x->wallUs != y->wallUs)
      return (x->wallUs > y->wallUs) - (x->wallUs < y->wallUs);
   return (x->order > y->order) - (x->order < y->order);
}

/* Events go to both tiers: the 1 min tier, sixty times smaller, lists them
   all (the 1 s one when it is all there is). */
static void Replay_index(Replay* this) {
   RecordReader* r = this->coarse ? this->coarse : this->fine;
   RecordItem item;
   RecordItemType type;
   while ((type = RecordReader_next(r, &item)) != RECORD_ITEM_END) {
      if (type == RECORD_ITEM_EVENT)
         Replay_addEvent(this, item.event);
      else if (type == RECORD_ITEM_HOLE)
         Replay_addLost(this, &item.hole);
   }
   qsort(this->events, (size_t)this->eventCount, sizeof(ReplayEvent), Replay_compareEvents);
   if (this->coarse && this->fine) {
      RecordHole holes[64];
      int n = RecordReader_indexHoles(this->fine, holes, 64);
      for (int i = 0; i < n; i++)
         Replay_addLost(this, &holes[i]);
   }
}

/* ---- open -------------------------------------------------------------- */

Replay* Replay_openSince(const char* path, const Options* opts, int64_t sinceUs, char* err,
                         size_t errSize) {
   struct stat st;
   if (stat(path, &st) < 0) {
      RecordReader* probe = RecordReader_open(path, RECORD_TIER_1S, err, errSize);
      RecordReader_delete(probe);
      return NULL;
   }
   Replay* this = xCalloc(1, sizeof(*this));
   this->eventAt = -1;
   snprintf(this->path, sizeof(this->path), "%s", path);
   this->opts = *opts;
   this->opts.mode = TARGET_ALL_PYTHON;
   this->opts.pids = NULL;
   this->opts.pidCount = 0;
   this->opts.patterns = NULL;
   this->opts.patternCount = 0;
   this->opts.traffic = NULL;
   RecordTick_init(&this->next);

   char fineErr[512] = "";
   this->fine = RecordReader_open(path, RECORD_TIER_1S, fineErr, sizeof(fineErr));
   if (S_ISDIR(st.st_mode))
      this->coarse = RecordReader_open(path, RECORD_TIER_1M, err, errSize);
   int64_t a, b;
   this->firstUs = INT64_MAX;
   this->lastUs = INT64_MIN;
   this->fineFirstUs = INT64_MAX;
   if (this->fine && RecordReader_span(this->fine, &a, &b)) {
      this->fineFirstUs = this->firstUs = a;
      this->lastUs = b;
   }
   if (this->coarse && RecordReader_span(this->coarse, &a, &b)) {
      this->firstUs = a < this->firstUs ? a : this->firstUs;
      this->lastUs = b > this->lastUs ? b : this->lastUs;
   }
   if (this->firstUs > this->lastUs) {
      if (fineErr[0])
         snprintf(err, errSize, "%s", fineErr);
      else
         snprintf(err, errSize, "%s holds no recorded data yet", path);
      Replay_delete(this);
      return NULL;
   }
   err[0] = '\0';
   this->sinceUs = sinceUs;
   if (sinceUs > this->firstUs)
      this->firstUs = sinceUs;
   if (this->firstUs > this->lastUs) {
      snprintf(err, errSize, "%s holds nothing recorded since then", path);
      Replay_delete(this);
      return NULL;
   }
   Replay_index(this);
   Replay_seekEnd(this);
   if (!this->machine) {
      snprintf(err, errSize, "%s holds no readable tick", path);
      Replay_delete(this);
      return NULL;
   }
   return this;
}

Replay* Replay_open(const char* path, const Options* opts, char* err, size_t errSize) {
   return Replay_openSince(path, opts, INT64_MIN, err, errSize);
}

static void Replay_dropSnapshots(Replay* this) {
   for (int i = 0; i < this->snapshotCount; i++)
      free(this->snapshots[i].data);
   this->snapshotCount = 0;
}

void Replay_delete(Replay* this) {
   if (!this)
      return;
   Machine_delete(this->machine);
   RecordReader_delete(this->fine);
   RecordReader_delete(this->coarse);
   RecordTick_done(&this->next);
   Replay_dropSnapshots(this);
   free(this->snapshots);
   free(this->events);
   free(this);
}

const char* Replay_path(const Replay* this) {
   return this->path;
}

const Options* Replay_options(const Replay* this) {
   return &this->opts;
}

void Replay_span(const Replay* this, int64_t* firstUs, int64_t* lastUs) {
   *firstUs = this->firstUs;
   *lastUs = this->lastUs;
}

/* ---- playing ----------------------------------------------------------- */

/* A snapshot result read with the ticks: its process gets it after the
   scan, as a live one gets an answer. */
/* A successful snapshot event's inline result, or NULL. */
static const RecordAttr* Replay_snapshotResult(const RecordEvent* e) {
   const RecordAttr* result = RecordEvent_attr(e, ATTR_RESULT_INLINE);
   if (e->kind != EVENT_SNAPSHOT || !result || !result->isBytes ||
       Replay_number(e, ATTR_RESULT_STATUS, 0) != 0)
      return NULL;
   return result;
}

static void Replay_keepSnapshot(Replay* this, const RecordEvent* e) {
   const RecordAttr* result = Replay_snapshotResult(e);
   if (!result)
      return;
   if (this->snapshotCount == this->snapshotCapacity) {
      this->snapshotCapacity = this->snapshotCapacity ? this->snapshotCapacity * 2 : 4;
      this->snapshots =
            xReallocArray(this->snapshots, (size_t)this->snapshotCapacity, sizeof(ReplayPending));
   }
   ReplayPending* p = &this->snapshots[this->snapshotCount++];
   p->event = *e;
   p->data = xMalloc(result->size + 1);
   memcpy(p->data, result->bytes, result->size);
   p->data[result->size] = '\0';
   p->event.attrCount = 0;
   RecordEvent_addBytes(&p->event, ATTR_RESULT_INLINE, p->data, result->size);
}

bool Replay_giveSnapshot(Machine* machine, const RecordEvent* e) {
   const RecordAttr* result = Replay_snapshotResult(e);
   if (!result)
      return false;
   Process* p = Machine_findProcess(machine, (pid_t)e->key[0], e->key[1], NULL);
   if (!p)
      return false;
   Snapshot snap;
   char err[256];
   if (!Snapshot_parse((const char*)result->bytes, result->size, &snap, err, sizeof(err)))
      return false;
   ProcessSnapshots_record(Process_snapshots(p), &snap, NULL, machine->now);
   Snapshot_done(&snap);
   return true;
}

static void Replay_giveSnapshots(Replay* this) {
   for (int i = 0; i < this->snapshotCount; i++)
      Replay_giveSnapshot(this->machine, &this->snapshots[i].event);
   Replay_dropSnapshots(this);
}

/* What the model cannot rebuild from the ticks it was fed since the seek:
   the tick number, generations counted since the recorder attached, peaks since each
   process started, the split of tree traffic. */
static void Replay_restore(Replay* this) {
   Machine* m = this->machine;
   int64_t v;
   /* The recorder's tick number, so a dump's "tick" is the recorded one. */
   if (ReplaySource_hostField(this->source, RF_HOST_TICK, &v) && v > 0)
      m->tick = (unsigned long)v;
   for (int t = 0; t < m->treeCount; t++) {
      ProcessTree* tree = m->trees[t];
      const Process* root = ProcessTree_root(tree);
      if (ReplaySource_treeField(this->source, root->pid, root->startTicks, RF_TREE_TRAFFIC_SPLIT,
                                 &v))
         tree->trafficSplit = v != 0;
      for (int i = 0; i < tree->count; i++) {
         Process* p = tree->procs[i];
         if (ReplaySource_processField(this->source, p->pid, p->startTicks, RF_PROC_GENERATION,
                                       &v) &&
             v > 0)
            p->generation = (unsigned)v;
         if (ReplaySource_processField(this->source, p->pid, p->startTicks, RF_PROC_PEAK_RSS, &v) &&
             v > 0 && (uint64_t)v > p->peakRssKiB)
            p->peakRssKiB = (uint64_t)v;
      }
   }
}

/* One tick into the model; the machine is made at the first. */
static bool Replay_feed(Replay* this, const RecordTick* tick, const SegmentHeader* header) {
   ReplaySource_tick(this->source, tick, header);
   if (!this->machine) {
      double interval, smaps, window;
      ReplaySource_intervals(this->source, &interval, &smaps, &window);
      if (interval > 0)
         this->opts.delay = interval;
      if (smaps > 0)
         this->opts.smapsInterval = smaps;
      char err[256];
      this->machine = Machine_newFrom(&this->opts, this->source, err, sizeof(err));
      if (!this->machine) {
         this->source = NULL;
         return false;
      }
   }
   Machine_scan(this->machine);
   ReplaySource_scanned(this->source);
   Replay_restore(this);
   Replay_giveSnapshots(this);
   this->cursor = tick->wallUs;
   if (this->recentCount == REPLAY_RECENT) {
      memmove(this->recent, this->recent + 1, sizeof(this->recent[0]) * (REPLAY_RECENT - 1));
      this->recentCount--;
   }
   this->recent[this->recentCount++] = tick->wallUs;
   return true;
}

/* The next tick of the stream, the events before it given to the source;
   false at the end. The stream is the 1 min tier up to switchUs, the 1 s
   tier from there. */
static bool Replay_read(Replay* this, RecordTick* out, const SegmentHeader** header) {
   RecordItem item;
   for (;;) {
      RecordItemType type = RecordReader_next(this->reading, &item);
      if (type == RECORD_ITEM_END)
         return false;
      if (type == RECORD_ITEM_HOLE) {
         Replay_addLost(this, &item.hole);
         /* Seconds lost: their minutes stand in, up to the next good second. */
         if (this->reading == this->fine && this->coarse &&
             (item.hole.toUs >= 0 || !item.hole.tail)) {
            this->switchUs = item.hole.toUs >= 0 ? item.hole.toUs : INT64_MAX;
            this->reading = this->coarse;
            RecordReader_seek(this->coarse,
                              item.hole.fromUs >= 0 ? item.hole.fromUs + 1 : INT64_MIN);
         }
         continue;
      }
      int64_t time = type == RECORD_ITEM_TICK ? item.tick->wallUs : item.event->wallUs;
      if (this->reading == this->coarse && time >= this->switchUs && this->fine) {
         this->reading = this->fine;
         RecordReader_seek(this->fine, this->switchUs);
         continue;
      }
      if (type == RECORD_ITEM_EVENT) {
         ReplaySource_event(this->source, item.event);
         Replay_keepSnapshot(this, item.event);
         continue;
      }
      RecordTick_copy(out, item.tick);
      *header = item.header;
      return true;
   }
}

bool Replay_seek(Replay* this, int64_t wallUs, char* err, size_t errSize) {
   if (wallUs < this->firstUs || wallUs > this->lastUs) {
      char when[64], first[64], last[64];
      TimeSpec_format(wallUs, this->lastUs, when, sizeof(when));
      TimeSpec_format(this->firstUs, this->lastUs, first, sizeof(first));
      TimeSpec_format(this->lastUs, this->lastUs, last, sizeof(last));
      snprintf(err, errSize, "%s is %s the recording, which runs from %s to %s", when,
               wallUs < this->firstUs ? "before" : "after", first, last);
      return false;
   }
   Machine_delete(this->machine);
   this->machine = NULL;
   Replay_dropSnapshots(this);
   this->source = ReplaySource_new();
   this->recentCount = 0;
   this->haveNext = false;

   int64_t from = wallUs - REPLAY_COARSE_LOOKBACK_US;
   int64_t fineFrom = wallUs - REPLAY_FINE_LOOKBACK_US;
   from = from > this->sinceUs ? from : this->sinceUs;
   fineFrom = fineFrom > this->sinceUs ? fineFrom : this->sinceUs;
   this->switchUs = this->fineFirstUs > fineFrom ? this->fineFirstUs : fineFrom;
   if (this->coarse && from < this->switchUs) {
      this->reading = this->coarse;
      RecordReader_seek(this->coarse, from);
   } else {
      this->reading = this->fine;
      RecordReader_seek(this->fine, this->coarse ? this->switchUs : from);
   }
   RecordTick tick;
   RecordTick_init(&tick);
   const SegmentHeader* header;
   bool fed = false;
   while (Replay_read(this, &tick, &header)) {
      if (tick.wallUs > wallUs && fed) {
         RecordTick_copy(&this->next, &tick);
         this->nextHeader = header;
         this->haveNext = true;
         break;
      }
      if (tick.wallUs < this->sinceUs)
         continue;
      fed = Replay_feed(this, &tick, header) || fed;
      if (!this->source)
         break;
   }
   RecordTick_done(&tick);
   if (!this->machine) {
      /* Nothing could be fed: the source was never handed to a machine. */
      SampleSource_delete(this->source);
      this->source = NULL;
      snprintf(err, errSize, "no readable tick at or before that time");
      return false;
   }
   return true;
}

void Replay_seekEnd(Replay* this) {
   char err[256];
   Replay_seek(this, this->lastUs, err, sizeof(err));
}

bool Replay_forward(Replay* this) {
   if (!this->machine)
      return false;
   if (!this->haveNext) {
      const SegmentHeader* header;
      if (!Replay_read(this, &this->next, &header))
         return false;
      this->nextHeader = header;
   }
   this->haveNext = false;
   return Replay_feed(this, &this->next, this->nextHeader);
}

bool Replay_back(Replay* this) {
   if (this->recentCount < 2)
      return false;
   char err[256];
   return Replay_seek(this, this->recent[this->recentCount - 2], err, sizeof(err));
}

Machine* Replay_machine(const Replay* this) {
   return this->machine;
}

int64_t Replay_cursor(const Replay* this) {
   return this->cursor;
}

int Replay_eventCount(const Replay* this) {
   return this->eventCount;
}

const ReplayEvent* Replay_event(const Replay* this, int index) {
   return index >= 0 && index < this->eventCount ? &this->events[index] : NULL;
}

const ReplayEvent* Replay_nextEvent(Replay* this, int direction) {
   int found = -1;
   int at = this->eventAt;
   if (at >= 0 && at < this->eventCount && this->events[at].wallUs == this->cursor) {
      int next = at + (direction > 0 ? 1 : -1);
      if (next >= 0 && next < this->eventCount)
         found = next;
   } else if (direction > 0) {
      for (int i = 0; i < this->eventCount && found < 0; i++)
         if (this->events[i].wallUs > this->cursor)
            found = i;
   } else {
      for (int i = this->eventCount - 1; i >= 0 && found < 0; i--)
         if (this->events[i].wallUs < this->cursor)
            found = i;
   }
   if (found < 0)
      return NULL;
   this->eventAt = found;
   return &this->events[found];
}

int Replay_lostCount(const Replay* this) {
   return this->lostCount;
}

const ReplayLost* Replay_lost(const Replay* this, int index) {
   return index >= 0 && index < this->lostCount ? &this->lost[index] : NULL;
}
