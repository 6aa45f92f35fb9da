/* See FakeMemory.h. Defines target/RemoteMemory's functions, so a target
   linked with it never reads a real process. */
#include "config.h"

#include "FakeMemory.h"

#include <errno.h>
#include <string.h>

#include "target/RemoteMemory.h"

typedef struct FakeRegion {
   uint64_t addr;
   const uint8_t* bytes;
   size_t len;
} FakeRegion;

static FakeRegion FakeMemory_regions[FAKE_MEMORY_REGIONS];
static int FakeMemory_count;

int FakeMemory_load(const uint8_t* data, size_t size) {
   FakeMemory_count = 0;
   size_t at = 0;
   while (at + 10 <= size && FakeMemory_count < FAKE_MEMORY_REGIONS) {
      uint64_t addr;
      uint16_t len;
      memcpy(&addr, data + at, 8);
      memcpy(&len, data + at + 8, 2);
      at += 10;
      if (len > size - at)
         break;
      FakeMemory_regions[FakeMemory_count++] = (FakeRegion){addr, data + at, len};
      at += len;
   }
   return FakeMemory_count;
}

uint64_t FakeMemory_firstAddress(void) {
   return FakeMemory_count > 0 ? FakeMemory_regions[0].addr : 0;
}

void FakeMemory_putRegion(uint8_t* buf, size_t* at, uint64_t addr, const void* bytes,
                          uint16_t len) {
   memcpy(buf + *at, &addr, 8);
   memcpy(buf + *at + 8, &len, 2);
   memcpy(buf + *at + 10, bytes, len);
   *at += 10 + (size_t)len;
}

void RemoteMemory_init(RemoteMemory* mem, pid_t pid) {
   memset(mem, 0, sizeof(*mem));
   mem->pid = pid;
}

void RemoteMemory_done(RemoteMemory* mem) {
   (void)mem;
}

void RemoteMemory_setCached(RemoteMemory* mem, bool cached) {
   mem->cached = cached;
}

bool RemoteMemory_readDirect(RemoteMemory* mem, uint64_t addr, void* out, size_t len) {
   mem->reads++;
   for (int i = 0; i < FakeMemory_count; i++) {
      const FakeRegion* r = &FakeMemory_regions[i];
      if (addr >= r->addr && addr - r->addr <= r->len && len <= r->len - (addr - r->addr)) {
         memcpy(out, r->bytes + (addr - r->addr), len);
         return true;
      }
   }
   errno = EFAULT;
   return false;
}

bool RemoteMemory_read(RemoteMemory* mem, uint64_t addr, void* out, size_t len) {
   return RemoteMemory_readDirect(mem, addr, out, len);
}

bool RemoteMemory_readU64(RemoteMemory* mem, uint64_t addr, uint64_t* out) {
   return RemoteMemory_readDirect(mem, addr, out, sizeof(*out));
}
