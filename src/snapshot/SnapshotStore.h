#ifndef HEADER_SnapshotStore
#define HEADER_SnapshotStore
/* leaktop's private store of recent snapshots, so that `leaktop snapshot
   PID` run twice shows a diff: $XDG_STATE_HOME/leaktop/snapshots, else
   $HOME/.local/state/leaktop/snapshots: a PrivateStore (0700, files
   written whole and renamed, never through a link) of one file per
   snapshot, PID-TICKS-N.json, each the text Snapshot_serialize writes. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "snapshot/Snapshot.h"
#include "util/PrivateStore.h"

/* Snapshots kept per worker generation: the newest is what the next one
   is compared with; a few more let an operator look back. */
#define SNAPSHOTSTORE_KEEP 5
/* Files older than a week, and beyond 200 files in all, go first. */
#define SNAPSHOTSTORE_MAX_AGE   (7 * 86400)
#define SNAPSHOTSTORE_MAX_FILES 200

#define SNAPSHOTSTORE_SUFFIX ".json"

typedef PrivateStore SnapshotStore;

/* Opens (creating it 0700 if missing) the default store, and prunes it:
   old files, and those written before the last boot, when pids and start
   ticks began again. False with a message when neither XDG_STATE_HOME
   nor HOME gives a place, or the directory is not safe. */
bool SnapshotStore_open(SnapshotStore* store, char* err, size_t errSize);

/* Opens base/sub (sub relative, "leaktop/snapshots"), creating the missing
   directories of sub 0700; each must be ours and not a link, and the last
   closed to group and others. No pruning. */
bool SnapshotStore_openIn(SnapshotStore* store, const char* base, const char* sub, char* err,
                          size_t errSize);

void SnapshotStore_close(SnapshotStore* store);

/* Saves s under its generation (s->hostPid and s->startTicks must be set),
   then keeps only the newest SNAPSHOTSTORE_KEEP of that generation. */
bool SnapshotStore_save(SnapshotStore* store, const Snapshot* s, char* err, size_t errSize);

/* The newest saved snapshot of a generation; false when there is none (or
   it no longer parses). */
bool SnapshotStore_latest(SnapshotStore* store, pid_t hostPid, unsigned long long startTicks,
                          Snapshot* out);

/* In the default store: the newest snapshot of s's generation saved so far
   (*haveEarlier, into earlier unless it is NULL), then s saved after it, so that `leaktop
   snapshot` and the dashboard extend one series; s->number is set to the
   next number of that series (1 when it is the first). False, with the reason
   in err, when the store cannot be opened or s cannot be saved. */
bool SnapshotStore_exchange(Snapshot* s, Snapshot* earlier, bool* haveEarlier, char* err,
                            size_t errSize);

/* Removes files older than SNAPSHOTSTORE_MAX_AGE or modified before
   bootTime (wall seconds), leftover temporary files, and the oldest beyond
   SNAPSHOTSTORE_MAX_FILES. Returns how many were removed. */
int SnapshotStore_prune(SnapshotStore* store, double now, double bootTime);

#endif
