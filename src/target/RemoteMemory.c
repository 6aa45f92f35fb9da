#include "config.h"

#include "target/RemoteMemory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "util/XUtils.h"

void RemoteMemory_init(RemoteMemory* mem, pid_t pid) {
   memset(mem, 0, sizeof(*mem));
   mem->pid = pid;
}

void RemoteMemory_done(RemoteMemory* mem) {
   free(mem->pages);
   mem->pages = NULL;
}

void RemoteMemory_setCached(RemoteMemory* mem, bool cached) {
   mem->cached = cached;
   if (cached && !mem->pages)
      mem->pages = xCalloc(REMOTE_CACHE_PAGES, sizeof(*mem->pages));
   if (mem->pages)
      for (int i = 0; i < REMOTE_CACHE_PAGES; i++)
         mem->pages[i].loaded = false;
}

bool RemoteMemory_readDirect(RemoteMemory* mem, uint64_t addr, void* out, size_t len) {
   struct iovec local = {out, len};
   struct iovec remote = {(void*)(uintptr_t)addr, len};
   mem->reads++;
   ssize_t n = process_vm_readv(mem->pid, &local, 1, &remote, 1, 0);
   if (n == (ssize_t)len)
      return true;
   if (n >= 0)
      errno = EFAULT;
   return false;
}

bool RemoteMemory_read(RemoteMemory* mem, uint64_t addr, void* out, size_t len) {
   if (!mem->cached)
      return RemoteMemory_readDirect(mem, addr, out, len);
   uint8_t* dst = out;
   while (len > 0) {
      uint64_t page = addr & ~(uint64_t)(REMOTE_PAGE_SIZE - 1);
      size_t slot = (size_t)(page / REMOTE_PAGE_SIZE) % REMOTE_CACHE_PAGES;
      if (!mem->pages[slot].loaded || mem->pages[slot].page != page) {
         if (!RemoteMemory_readDirect(mem, page, mem->pages[slot].bytes, REMOTE_PAGE_SIZE)) {
            /* The page's end may be unmapped: read exactly what was asked. */
            return RemoteMemory_readDirect(mem, addr, dst, len);
         }
         mem->pages[slot].page = page;
         mem->pages[slot].loaded = true;
      }
      size_t at = (size_t)(addr - page);
      size_t n = REMOTE_PAGE_SIZE - at < len ? REMOTE_PAGE_SIZE - at : len;
      memcpy(dst, mem->pages[slot].bytes + at, n);
      dst += n;
      addr += n;
      len -= n;
   }
   return true;
}

bool RemoteMemory_readU64(RemoteMemory* mem, uint64_t addr, uint64_t* out) {
   return RemoteMemory_read(mem, addr, out, sizeof(*out));
}
