#ifndef HEADER_ElfSymbols
#define HEADER_ElfSymbols
/* Symbols and sections of one ELF file, read with libelf. Addresses are the
   file's own (link-time) ones; add the load bias for a process's. */

#include <stdbool.h>
#include <stdint.h>

typedef struct ElfSymbols_ ElfSymbols;

/* Opens path and reads .symtab (or .dynsym when stripped). NULL with errno
   set when the file cannot be read or is not ELF. */
ElfSymbols* ElfSymbols_open(const char* path);
void ElfSymbols_close(ElfSymbols* elf);

/* The first PT_LOAD's address rounded down to its alignment: where the
   mapping at file offset 0 begins, before relocation. */
uint64_t ElfSymbols_firstLoad(const ElfSymbols* elf);

/* The function containing addr, or NULL: only when addr lies inside the
   symbol's size, so a stripped binary's static functions are not named
   after their exported neighbours. *offset is addr - symbol start. */
const char* ElfSymbols_lookup(const ElfSymbols* elf, uint64_t addr, uint64_t* offset);

/* A symbol (any type) by exact name; false if absent. */
bool ElfSymbols_find(const ElfSymbols* elf, const char* name, uint64_t* addr, uint64_t* size);
/* A section by name; false if absent. */
bool ElfSymbols_section(const ElfSymbols* elf, const char* name, uint64_t* addr, uint64_t* size);

#endif
