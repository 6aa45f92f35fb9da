#include "config.h"

#include "record/ResultEvents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/Snapshot.h"
#include "snapshot/SnapshotStore.h"
#include "stacks/ProfileStore.h"
#include "util/Format.h"
#include "util/XUtils.h"

typedef struct ResultWatch {
   const char* what; /* "snapshots", "profiles": for messages */
   bool (*open)(PrivateStore* store, char* err, size_t errSize);
   PrivateStore store;
   bool opened, said;
   PrivateWatch watch;
} ResultWatch;

struct ResultEvents {
   ResultWatch snapshots, profiles;
   void (*log)(void* ctx, const char* message);
   void* ctx;
};

static void ResultEvents_initWatch(ResultWatch* w, const char* what,
                                   bool (*open)(PrivateStore*, char*, size_t), double since) {
   memset(w, 0, sizeof(*w));
   w->what = what;
   w->open = open;
   w->store.dirFd = -1;
   PrivateWatch_init(&w->watch, since);
}

ResultEvents* ResultEvents_new(double since, void (*log)(void* ctx, const char* message),
                               void* ctx) {
   ResultEvents* this = xCalloc(1, sizeof(*this));
   ResultEvents_initWatch(&this->snapshots, "snapshots", SnapshotStore_open, since);
   ResultEvents_initWatch(&this->profiles, "profiles", ProfileStore_open, since);
   this->log = log;
   this->ctx = ctx;
   return this;
}

static void ResultEvents_doneWatch(ResultWatch* w) {
   PrivateStore_close(&w->store);
   PrivateWatch_done(&w->watch);
}

void ResultEvents_delete(ResultEvents* this) {
   if (!this)
      return;
   ResultEvents_doneWatch(&this->snapshots);
   ResultEvents_doneWatch(&this->profiles);
   free(this);
}

/* Opens the store at the first poll, and again at each later one while it
   cannot be (a directory fixed by chmod is picked up); the reason is said
   once. */
static bool ResultEvents_open(ResultEvents* this, ResultWatch* w) {
   if (w->opened)
      return true;
   char err[512];
   w->opened = w->open(&w->store, err, sizeof(err));
   if (!w->opened && !w->said && this->log) {
      char message[640];
      snprintf(message, sizeof(message), "%s taken meanwhile are not recorded: %s", w->what, err);
      this->log(this->ctx, message);
      w->said = true;
   }
   return w->opened;
}

static void ResultEvents_snapshotSummary(const Snapshot* s, char* out, size_t size) {
   char rss[16] = "?";
   if (s->rssKiB >= 0)
      Format_size(rss, sizeof(rss), (uint64_t)s->rssKiB);
   int n = snprintf(out, size, "RSS %s", rss);
   if (s->allocatedBlocks >= 0 && n >= 0 && (size_t)n < size)
      n += snprintf(out + n, size - (size_t)n, ", %lld blocks", (long long)s->allocatedBlocks);
   if (s->typeCount > 0 && n >= 0 && (size_t)n < size)
      n += snprintf(out + n, size - (size_t)n, ", most objects: %s (%lld)",
                    s->types[0].name ? s->types[0].name : "?", (long long)s->types[0].count);
   if (s->tracing && s->traced >= 0 && n >= 0 && (size_t)n < size)
      snprintf(out + n, size - (size_t)n, ", tracemalloc %lld KiB traced",
               (long long)(s->traced / 1024));
}

/* A snapshot file is the text Snapshot_serialize wrote: inline as it is,
   once it parses (a damaged file is a failed result, said). */
static void ResultEvents_snapshot(ResultWatch* w, Recorder* recorder, RecordEvent* e,
                                  const PrivateEntry* entry) {
   char* text = xMalloc(SNAPSHOT_TEXT_MAX + 2);
   ssize_t n = PrivateStore_read(&w->store, entry->name, text, SNAPSHOT_TEXT_MAX + 2);
   Snapshot snap;
   char err[256] = "", summary[1400];
   bool ok = n > 0 && Snapshot_parse(text, (size_t)n, &snap, err, sizeof(err));
   if (!ok) {
      snprintf(summary, sizeof(summary), "the stored result %s is not usable: %s", entry->name,
               n < 0 ? strerror((int)-n) : err);
      RecordEvent_addNumber(e, ATTR_RESULT_STATUS, 1);
      Recorder_addBytes(recorder, e, ATTR_RESULT_SUMMARY, summary, strlen(summary));
      free(text);
      return;
   }
   ResultEvents_snapshotSummary(&snap, summary, sizeof(summary));
   RecordEvent_addNumber(e, ATTR_RESULT_STATUS, 0);
   Recorder_addBytes(recorder, e, ATTR_RESULT_SUMMARY, summary, strlen(summary));
   if (snap.route[0])
      Recorder_addBytes(recorder, e, ATTR_RESULT_ROUTE, snap.route, strlen(snap.route));
   if ((size_t)n <= RECORD_EVENT_INLINE_MAX)
      Recorder_addBytes(recorder, e, ATTR_RESULT_INLINE, text, (size_t)n);
   RecordEvent_addNumber(e, ATTR_RESULT_SIZE, n);
   Snapshot_done(&snap);
   free(text);
}

static void ResultEvents_profile(ResultWatch* w, Recorder* recorder, RecordEvent* e,
                                 const PrivateEntry* entry) {
   ProfileInfo info;
   char* folded;
   size_t size;
   char err[512];
   if (!ProfileStore_load(&w->store, entry->name, RECORD_EVENT_INLINE_MAX, &info, &folded, &size,
                          err, sizeof(err))) {
      RecordEvent_addNumber(e, ATTR_RESULT_STATUS, 1);
      Recorder_addBytes(recorder, e, ATTR_RESULT_SUMMARY, err, strlen(err));
      return;
   }
   RecordEvent_addNumber(e, ATTR_RESULT_STATUS, 0);
   Recorder_addBytes(recorder, e, ATTR_RESULT_SUMMARY, info.summary, strlen(info.summary));
   if (info.route[0])
      Recorder_addBytes(recorder, e, ATTR_RESULT_ROUTE, info.route, strlen(info.route));
   if (folded)
      Recorder_addBytes(recorder, e, ATTR_RESULT_INLINE, folded, size);
   RecordEvent_addNumber(e, ATTR_RESULT_SIZE, (int64_t)size);
   free(folded);
}

static int ResultEvents_pollStore(ResultEvents* this, ResultWatch* w, unsigned kind,
                                  Recorder* recorder) {
   if (!ResultEvents_open(this, w))
      return 0;
   PrivateEntry fresh[RESULTEVENTS_MAX_PER_POLL];
   int n = PrivateWatch_poll(&w->watch, &w->store, fresh, RESULTEVENTS_MAX_PER_POLL);
   int added = 0;
   for (int i = 0; i < n; i++) {
      /* NULL for a process the recording does not hold: its file is not
         even opened. */
      RecordEvent* e = Recorder_addProcessEvent(recorder, kind, fresh[i].pid, fresh[i].ticks);
      if (!e)
         continue;
      if (kind == EVENT_SNAPSHOT)
         ResultEvents_snapshot(w, recorder, e, &fresh[i]);
      else
         ResultEvents_profile(w, recorder, e, &fresh[i]);
      added++;
   }
   return added;
}

int ResultEvents_poll(ResultEvents* this, Recorder* recorder) {
   return ResultEvents_pollStore(this, &this->snapshots, EVENT_SNAPSHOT, recorder) +
          ResultEvents_pollStore(this, &this->profiles, EVENT_PROFILE, recorder);
}
