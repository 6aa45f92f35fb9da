#ifndef HEADER_StatusCache
#define HEADER_StatusCache
/* The last /proc/PID/status reading of each sampled process, keyed by a
   hash of its stat text: a process whose stat did not change since (no
   CPU time, no fault, no change of RSS or state) has nothing new in status
   but its context-switch counts, so its status is not read again. Each
   entry is still read at least every STATUS_CACHE_REFRESH ticks, spread
   over the ticks by PID, so those counts and the split of RSS lag by a
   bounded time. Each entry also keeps a handle of the caller's (the open
   stat file), given back when the process is forgotten. Pure logic: texts
   in, no I/O; one tick's entries are kept in a sorted array reused from
   tick to tick. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/ProcParse.h"

#define STATUS_CACHE_REFRESH 10

typedef struct StatusCacheEntry {
   pid_t pid;
   uint64_t statHash;
   unsigned age; /* ticks since status was read */
   int handle;   /* the caller's, -1 none */
   ProcStatus status;
} StatusCacheEntry;

typedef struct StatusCache {
   StatusCacheEntry* entries; /* the last tick's, sorted by PID */
   int count;
   StatusCacheEntry* next; /* this tick's, in the order they are stored */
   int nextCount;
   int capacity;
} StatusCache;

void StatusCache_init(StatusCache* this);
/* release (when not NULL) gets every handle still kept, with context. */
void StatusCache_done(StatusCache* this, void (*release)(void* context, int handle), void* context);

uint64_t StatusCache_hash(const char* statText);

/* The handle kept for pid at the last tick, -1 when none. */
int StatusCache_handle(const StatusCache* this, pid_t pid);

/* The status read at an earlier tick, when pid's stat hashes the same and
   it is not due for a refresh: copied to *status and kept for this tick,
   with handle. */
bool StatusCache_reuse(StatusCache* this, pid_t pid, uint64_t statHash, int handle,
                       ProcStatus* status);
/* Keeps a status just read for this tick, with handle. */
void StatusCache_store(StatusCache* this, pid_t pid, uint64_t statHash, int handle,
                       const ProcStatus* status);
/* Ends the tick: what was kept becomes what the next tick looks up;
   processes not sampled this tick are forgotten, and release (when not
   NULL) gets each handle that no entry keeps any more, with context. */
void StatusCache_endTick(StatusCache* this, void (*release)(void* context, int handle),
                         void* context);

#endif
