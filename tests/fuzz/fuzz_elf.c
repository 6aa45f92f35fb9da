/* Fuzz target: arbitrary bytes as an ELF file leaktop reads symbols from
   (target/ElfSymbols.c over libelf): the interpreter or libpython whose
   _PyRuntime, Py_Version and PyCode_Type it looks up, and every module a
   native frame is named in. The bytes are an anonymous file (memfd)
   opened by its /proc/self/fd path, as a mapped file is by its path. The
   seeds in tests/fuzz/corpus/elf are small real builds: a shared library
   with .symtab, the same stripped to .dynsym, and a static executable. */
#define _GNU_SOURCE
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_driver.h"
#include "target/ElfSymbols.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
   if (fd < 0)
      return 0;
   if (write(fd, data, size) != (ssize_t)size) {
      close(fd);
      return 0;
   }
   char path[64];
   snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
   ElfSymbols* elf = ElfSymbols_open(path);
   if (elf) {
      uint64_t addr, symbolSize, offset;
      ElfSymbols_find(elf, "_PyRuntime", &addr, &symbolSize);
      ElfSymbols_find(elf, "Py_Version", &addr, &symbolSize);
      ElfSymbols_section(elf, ".PyRuntime", &addr, &symbolSize);
      uint64_t first = ElfSymbols_firstLoad(elf);
      if (ElfSymbols_section(elf, ".text", &addr, &symbolSize))
         for (uint64_t at = addr; at < addr + symbolSize && at < addr + 4096; at += 61)
            ElfSymbols_lookup(elf, at, &offset);
      ElfSymbols_lookup(elf, first, &offset);
      ElfSymbols_lookup(elf, UINT64_MAX, &offset);
      ElfSymbols_close(elf);
   }
   close(fd);
   return 0;
}
