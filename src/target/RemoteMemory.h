#ifndef HEADER_RemoteMemory
#define HEADER_RemoteMemory
/* Reading another process's memory with process_vm_readv: direct reads for
   a running target, and a small page cache for a stopped one (libunwind
   reads the same few pages of unwind tables word by word). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REMOTE_PAGE_SIZE   4096
#define REMOTE_CACHE_PAGES 256

typedef struct {
   pid_t pid;
   bool cached; /* serve reads from the page cache */
   struct {
      uint64_t page; /* page address; valid when loaded */
      bool loaded;
      uint8_t bytes[REMOTE_PAGE_SIZE];
   } * pages;
   unsigned long reads; /* process_vm_readv calls, for measurements */
} RemoteMemory;

void RemoteMemory_init(RemoteMemory* mem, pid_t pid);
void RemoteMemory_done(RemoteMemory* mem);
/* Turns the cache on (target stopped) or off and empties it (target
   running again: its memory changes under us). */
void RemoteMemory_setCached(RemoteMemory* mem, bool cached);

/* Copies len bytes at addr; false with errno set (EFAULT, EPERM, ESRCH) on
   a short or failed read. */
bool RemoteMemory_read(RemoteMemory* mem, uint64_t addr, void* out, size_t len);
/* The same, bypassing the cache (a large copy would evict it). */
bool RemoteMemory_readDirect(RemoteMemory* mem, uint64_t addr, void* out, size_t len);
bool RemoteMemory_readU64(RemoteMemory* mem, uint64_t addr, uint64_t* out);

#endif
