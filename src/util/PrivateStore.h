#ifndef HEADER_PrivateStore
#define HEADER_PrivateStore
/* A private directory of results, one file per result, named by the
   worker generation it belongs to (host pid and start time in clock
   ticks) and a number counting up within it: PID-TICKS-N.SUFFIX. The
   snapshot store (snapshot/SnapshotStore.h) and the profile store
   (stacks/ProfileStore.h) are two of them, under $XDG_STATE_HOME/leaktop.
   Results name the code and data of a service, so the directory must be
   ours and closed to others (0700); files are 0600, written whole under a
   temporary name and renamed, and nothing is opened through a link. A
   PrivateWatch tells what a store gained since it last looked, so that
   `leaktop record` notices new results without reading old ones. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

typedef struct PrivateStore {
   int dirFd;
   char path[4096]; /* for messages */
   char suffix[16]; /* ".json", ".folded" */
} PrivateStore;

typedef struct PrivateEntry {
   char name[64];
   bool temporary; /* ".tmp-...": being written, or left by a leaktop that died */
   pid_t pid;
   unsigned long long ticks;
   unsigned number;
   struct timespec mtime;
   struct timespec ctime; /* a rename sets it: when the result got its name */
   off_t size;
} PrivateEntry;

/* Opens base/sub (sub relative, "leaktop/snapshots"), creating the missing
   directories of sub 0700; each must be ours and not a link, and the last
   closed to group and others. No pruning. */
bool PrivateStore_openIn(PrivateStore* this, const char* base, const char* sub, const char* suffix,
                         char* err, size_t errSize);

/* Opens $XDG_STATE_HOME/leaktop/LEAF, else $HOME/.local/state/leaktop/LEAF,
   as above. False with a message when neither gives a place. */
bool PrivateStore_openState(PrivateStore* this, const char* leaf, const char* suffix, char* err,
                            size_t errSize);

void PrivateStore_close(PrivateStore* this);

/* The store's files (ours by name: others are left alone), with their
   times and sizes, in directory order. Returns their number; *out is
   allocated (NULL when there are none). */
int PrivateStore_list(const PrivateStore* this, PrivateEntry** out);

/* The newest entry of a generation; NULL when there is none. */
const PrivateEntry* PrivateStore_newest(const PrivateEntry* entries, int count, pid_t pid,
                                        unsigned long long ticks);

/* Writes text as the next file of the generation, then keeps only the
   newest keep of it. The new file's name goes into name (may be NULL). */
bool PrivateStore_write(PrivateStore* this, pid_t pid, unsigned long long ticks, const char* text,
                        size_t len, unsigned keep, char* name, size_t nameSize, char* err,
                        size_t errSize);

/* Reads a file of the store (never through a link) into buf: at most
   size - 1 bytes and a NUL. Returns the bytes read, or -errno. */
ssize_t PrivateStore_read(const PrivateStore* this, const char* name, char* buf, size_t size);

/* Removes files older than maxAge seconds or modified before bootTime
   (wall seconds: pids and start ticks began again at boot), temporary files
   older than a minute, and the oldest beyond maxFiles. Returns how many
   were removed. */
int PrivateStore_prune(PrivateStore* this, double now, double bootTime, double maxAge,
                       int maxFiles);

/* What a watcher has seen: files named (ctime) before mark, and those
   named exactly at it (a file renamed into place in the same clock tick
   as the last look, after it, still counts as new). The ctime, not the
   mtime: a result written before the last look and renamed after it is
   new. */
typedef struct PrivateWatch {
   struct timespec mark;
   char (*seen)[64];
   int seenCount, seenCapacity;
} PrivateWatch;

/* Files named before since (wall seconds) are old. */
void PrivateWatch_init(PrivateWatch* this, double since);
void PrivateWatch_done(PrivateWatch* this);

/* The store's files written since the last poll (temporary ones aside),
   oldest first, at most max of them into out: the rest are the next poll's.
   One directory listing, no file read. Returns their number. */
int PrivateWatch_poll(PrivateWatch* this, const PrivateStore* store, PrivateEntry* out, int max);

#endif
