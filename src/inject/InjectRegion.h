#ifndef HEADER_InjectRegion
#define HEADER_InjectRegion
/* leaktop's own memory in a worker: one anonymous mapping, made once by a
   single remote mmap and reused by every later request. Its first page
   holds a name and is made read-only (an mprotect), which keeps the kernel
   from merging it into a neighbouring heap mapping so that later requests
   find it again; then comes a read-write page with the ring position and
   the ring of slots, each holding one request's bootstrap text. A slot is
   rewritten only when no queued call points into the region and three
   requests have used the others since, so a text is never changed while
   CPython may still be reading it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "target/ProcMaps.h"
#include "target/RemoteMemory.h"

#define INJECT_REGION_MAGIC "leaktop-inject-1"
#define INJECT_PAGE         4096
#define INJECT_SLOTS        4
#define INJECT_SLOT_BYTES   (64 * 1024)
/* name page, ring position page, slots */
#define INJECT_REGION_BYTES (2 * INJECT_PAGE + INJECT_SLOTS * INJECT_SLOT_BYTES)

/* The region already in pid (a read-only anonymous page with the name,
   followed by read-write anonymous memory), or 0. */
uint64_t InjectRegion_find(const ProcMaps* maps, RemoteMemory* mem);

/* Maps a new region with an mmap and an mprotect made by the stopped
   thread tid, and names it. 0 with err set on failure. *deferredSignal as
   in RemoteSyscall_run. */
uint64_t InjectRegion_create(pid_t pid, pid_t tid, const ProcMaps* maps, RemoteMemory* mem,
                             int* deferredSignal, char* err, size_t errSize);

/* Writes text (NUL included, at most INJECT_SLOT_BYTES) into the next
   slot of the ring and advances it; returns the slot's address, or 0 with
   err set. */
uint64_t InjectRegion_put(pid_t pid, uint64_t region, RemoteMemory* mem, const char* text,
                          size_t len, char* err, size_t errSize);

#endif
