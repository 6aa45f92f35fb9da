#include "config.h"

#include "snapshot/SnapshotStore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample/ProcFiles.h"
#include "util/XUtils.h"

bool SnapshotStore_openIn(SnapshotStore* store, const char* base, const char* sub, char* err,
                          size_t errSize) {
   return PrivateStore_openIn(store, base, sub, SNAPSHOTSTORE_SUFFIX, err, errSize);
}

bool SnapshotStore_open(SnapshotStore* store, char* err, size_t errSize) {
   if (!PrivateStore_openState(store, "snapshots", SNAPSHOTSTORE_SUFFIX, err, errSize))
      return false;
   SnapshotStore_prune(store, XUtils_wallNow(), ProcFiles_bootTime());
   return true;
}

void SnapshotStore_close(SnapshotStore* store) {
   PrivateStore_close(store);
}

bool SnapshotStore_save(SnapshotStore* store, const Snapshot* s, char* err, size_t errSize) {
   if (s->hostPid <= 0) {
      snprintf(err, errSize, "cannot save a snapshot without its worker generation");
      return false;
   }
   char* text = Snapshot_serialize(s);
   bool ok = PrivateStore_write(store, s->hostPid, s->startTicks, text, strlen(text),
                                SNAPSHOTSTORE_KEEP, NULL, 0, err, errSize);
   free(text);
   return ok;
}

bool SnapshotStore_latest(SnapshotStore* store, pid_t hostPid, unsigned long long startTicks,
                          Snapshot* out) {
   PrivateEntry* entries;
   int count = PrivateStore_list(store, &entries);
   const PrivateEntry* newest = PrivateStore_newest(entries, count, hostPid, startTicks);
   bool ok = false;
   if (newest) {
      char* text = xMalloc(SNAPSHOT_TEXT_MAX + 2);
      char err[256];
      /* One byte beyond the limit tells an oversize file from a full one. */
      ssize_t n = PrivateStore_read(store, newest->name, text, SNAPSHOT_TEXT_MAX + 2);
      ok = n > 0 && Snapshot_parse(text, (size_t)n, out, err, sizeof(err));
      free(text);
   }
   free(entries);
   if (ok) {
      out->hostPid = hostPid;
      out->startTicks = startTicks;
   }
   return ok;
}

int SnapshotStore_prune(SnapshotStore* store, double now, double bootTime) {
   return PrivateStore_prune(store, now, bootTime, SNAPSHOTSTORE_MAX_AGE, SNAPSHOTSTORE_MAX_FILES);
}

bool SnapshotStore_exchange(Snapshot* s, Snapshot* earlier, bool* haveEarlier, char* err,
                            size_t errSize) {
   *haveEarlier = false;
   SnapshotStore store;
   if (!SnapshotStore_open(&store, err, errSize))
      return false;
   Snapshot latest;
   bool found = SnapshotStore_latest(&store, s->hostPid, s->startTicks, &latest);
   /* Numbered on from the series stored, so that the CLI and the
      dashboard name a snapshot the same way. */
   s->number = found && latest.number > 0 ? latest.number + 1 : 1;
   if (found && earlier) {
      *earlier = latest;
      *haveEarlier = true;
   } else if (found) {
      Snapshot_done(&latest);
   }
   bool saved = SnapshotStore_save(&store, s, err, errSize);
   SnapshotStore_close(&store);
   return saved;
}
