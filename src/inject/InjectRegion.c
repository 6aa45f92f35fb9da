#include "config.h"

#include "inject/InjectRegion.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "inject/RemoteSyscall.h"
#include "target/RemoteWrite.h"

uint64_t InjectRegion_find(const ProcMaps* maps, RemoteMemory* mem) {
   for (int i = 0; i + 1 < maps->count; i++) {
      const MapEntry* m = &maps->entries[i];
      const MapEntry* next = &maps->entries[i + 1];
      if (m->path || m->write || m->exec || next->path || !next->write ||
          next->start != m->start + INJECT_PAGE || next->end - m->start < INJECT_REGION_BYTES)
         continue;
      char magic[sizeof(INJECT_REGION_MAGIC)];
      if (RemoteMemory_readDirect(mem, m->start, magic, sizeof(magic)) &&
          memcmp(magic, INJECT_REGION_MAGIC, sizeof(magic)) == 0)
         return m->start;
   }
   return 0;
}

static bool InjectRegion_syscall(pid_t tid, uint64_t insn, long nr, const uint64_t args[6],
                                 int64_t* result, int* deferredSignal, char* err, size_t errSize) {
   int held = 0;
   if (!RemoteSyscall_run(tid, insn, nr, args, result, &held, err, errSize))
      return false;
   if (held)
      *deferredSignal = held;
   if (*result < 0 && *result >= -4095) {
      snprintf(err, errSize, "%s in the target failed: %s", nr == SYS_mmap ? "mmap" : "mprotect",
               strerror((int)-*result));
      return false;
   }
   return true;
}

uint64_t InjectRegion_create(pid_t pid, pid_t tid, const ProcMaps* maps, RemoteMemory* mem,
                             int* deferredSignal, char* err, size_t errSize) {
   *deferredSignal = 0;
   uint64_t insn = RemoteSyscall_findInstruction(pid, tid, maps, mem, err, errSize);
   if (!insn)
      return 0;
   const uint64_t mapArgs[6] = {
         0, INJECT_REGION_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1,
         0};
   int64_t region = 0, done = 0;
   if (!InjectRegion_syscall(tid, insn, SYS_mmap, mapArgs, &region, deferredSignal, err, errSize))
      return 0;
   if (!RemoteWrite_bytes(pid, (uint64_t)region, INJECT_REGION_MAGIC,
                          sizeof(INJECT_REGION_MAGIC))) {
      snprintf(err, errSize, "cannot write into the new region of %d: %s", (int)pid,
               strerror(errno));
      return 0;
   }
   const uint64_t protArgs[6] = {(uint64_t)region, INJECT_PAGE, PROT_READ, 0, 0, 0};
   if (!InjectRegion_syscall(tid, insn, SYS_mprotect, protArgs, &done, deferredSignal, err,
                             errSize))
      return 0;
   return (uint64_t)region;
}

uint64_t InjectRegion_put(pid_t pid, uint64_t region, RemoteMemory* mem, const char* text,
                          size_t len, char* err, size_t errSize) {
   if (len + 1 > INJECT_SLOT_BYTES) {
      snprintf(err, errSize, "the request text (%zu bytes) does not fit a slot", len);
      return 0;
   }
   uint64_t ring = region + INJECT_PAGE;
   uint32_t slot;
   if (!RemoteMemory_readDirect(mem, ring, &slot, sizeof(slot))) {
      snprintf(err, errSize, "cannot read leaktop's region in %d: %s", (int)pid, strerror(errno));
      return 0;
   }
   slot %= INJECT_SLOTS;
   uint64_t addr = region + 2 * INJECT_PAGE + (uint64_t)slot * INJECT_SLOT_BYTES;
   uint32_t next = (slot + 1) % INJECT_SLOTS;
   if (!RemoteWrite_bytes(pid, addr, text, len + 1) ||
       !RemoteWrite_bytes(pid, ring, &next, sizeof(next))) {
      snprintf(err, errSize, "cannot write the request into %d: %s", (int)pid, strerror(errno));
      return 0;
   }
   return addr;
}
