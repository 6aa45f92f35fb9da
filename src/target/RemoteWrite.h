#ifndef HEADER_RemoteWrite
#define HEADER_RemoteWrite
/* The only writes leaktop makes into another process: a few words of the
   interpreter's queue and its own mapped region (process_vm_writev, which
   cannot write read-only memory, so code is never touched). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Writes len bytes at addr in pid; false with errno set on a short or
   failed write. */
bool RemoteWrite_bytes(pid_t pid, uint64_t addr, const void* bytes, size_t len);

#endif
