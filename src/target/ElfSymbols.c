#include "config.h"

#include "target/ElfSymbols.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/XUtils.h"

typedef struct {
   uint64_t addr;
   uint64_t size;
   bool function;
   char* name;
} Symbol;

typedef struct {
   char* name;
   uint64_t addr;
   uint64_t size;
} Section;

struct ElfSymbols_ {
   uint64_t firstLoad;
   Symbol* symbols; /* sorted by address */
   int symbolCount;
   Section* sections;
   int sectionCount;
};

static int ElfSymbols_compare(const void* a, const void* b) {
   const Symbol* x = a;
   const Symbol* y = b;
   if (x->addr != y->addr)
      return x->addr < y->addr ? -1 : 1;
   /* Among aliases, the larger symbol first so lookups see it last. */
   return x->size < y->size ? -1 : x->size > y->size;
}

static void ElfSymbols_readTable(ElfSymbols* elf, Elf* e, Elf_Scn* scn, const GElf_Shdr* shdr) {
   Elf_Data* data = elf_getdata(scn, NULL);
   if (!data || shdr->sh_entsize == 0)
      return;
   /* The data libelf read, not the header's sh_size: a damaged header may
      claim any size. */
   size_t n = data->d_size / shdr->sh_entsize;
   elf->symbols = xReallocArray(elf->symbols, (size_t)elf->symbolCount + n, sizeof(Symbol));
   for (size_t i = 0; i < n; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF || sym.st_name == 0)
         continue;
      int type = GELF_ST_TYPE(sym.st_info);
      if (type != STT_FUNC && type != STT_OBJECT)
         continue;
      const char* name = elf_strptr(e, shdr->sh_link, sym.st_name);
      if (!name)
         continue;
      elf->symbols[elf->symbolCount++] = (Symbol){
            .addr = sym.st_value,
            .size = sym.st_size,
            .function = type == STT_FUNC,
            .name = xStrdup(name),
      };
   }
}

static void ElfSymbols_readSections(ElfSymbols* elf, Elf* e) {
   size_t shstrndx;
   if (elf_getshdrstrndx(e, &shstrndx) != 0)
      return;
   Elf_Scn* symtab = NULL;
   Elf_Scn* dynsym = NULL;
   for (Elf_Scn* scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
      GElf_Shdr shdr;
      if (!gelf_getshdr(scn, &shdr))
         continue;
      if (shdr.sh_type == SHT_SYMTAB)
         symtab = scn;
      else if (shdr.sh_type == SHT_DYNSYM)
         dynsym = scn;
      const char* name = elf_strptr(e, shstrndx, shdr.sh_name);
      if (!name || shdr.sh_addr == 0)
         continue;
      elf->sections = xReallocArray(elf->sections, (size_t)elf->sectionCount + 1, sizeof(Section));
      elf->sections[elf->sectionCount++] =
            (Section){.name = xStrdup(name), .addr = shdr.sh_addr, .size = shdr.sh_size};
   }
   /* .symtab is a superset of .dynsym when present (not stripped). */
   Elf_Scn* table = symtab ? symtab : dynsym;
   GElf_Shdr shdr;
   if (table && gelf_getshdr(table, &shdr))
      ElfSymbols_readTable(elf, e, table, &shdr);
   if (elf->symbolCount > 1) /* a file without symbols has no array */
      qsort(elf->symbols, (size_t)elf->symbolCount, sizeof(Symbol), ElfSymbols_compare);
}

static bool ElfSymbols_readLoad(ElfSymbols* elf, Elf* e) {
   size_t phnum;
   if (elf_getphdrnum(e, &phnum) != 0)
      return false;
   for (size_t i = 0; i < phnum; i++) {
      GElf_Phdr phdr;
      if (gelf_getphdr(e, (int)i, &phdr) && phdr.p_type == PT_LOAD) {
         uint64_t align = phdr.p_align > 1 ? phdr.p_align : 1;
         elf->firstLoad = phdr.p_vaddr & ~(align - 1);
         return true;
      }
   }
   return false;
}

ElfSymbols* ElfSymbols_open(const char* path) {
   if (elf_version(EV_CURRENT) == EV_NONE) {
      errno = ENOSYS;
      return NULL;
   }
   int fd = open(path, O_RDONLY | O_CLOEXEC);
   if (fd < 0)
      return NULL;
   Elf* e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
   ElfSymbols* elf = xCalloc(1, sizeof(ElfSymbols));
   bool ok = e && elf_kind(e) == ELF_K_ELF && ElfSymbols_readLoad(elf, e);
   if (ok)
      ElfSymbols_readSections(elf, e);
   if (e)
      elf_end(e);
   close(fd);
   if (!ok) {
      ElfSymbols_close(elf);
      errno = ENOEXEC;
      return NULL;
   }
   return elf;
}

void ElfSymbols_close(ElfSymbols* elf) {
   if (!elf)
      return;
   for (int i = 0; i < elf->symbolCount; i++)
      free(elf->symbols[i].name);
   for (int i = 0; i < elf->sectionCount; i++)
      free(elf->sections[i].name);
   free(elf->symbols);
   free(elf->sections);
   free(elf);
}

uint64_t ElfSymbols_firstLoad(const ElfSymbols* elf) {
   return elf->firstLoad;
}

const char* ElfSymbols_lookup(const ElfSymbols* elf, uint64_t addr, uint64_t* offset) {
   /* The last symbol starting at or below addr... */
   int lo = 0, hi = elf->symbolCount - 1, at = -1;
   while (lo <= hi) {
      int mid = lo + (hi - lo) / 2;
      if (elf->symbols[mid].addr <= addr) {
         at = mid;
         lo = mid + 1;
      } else {
         hi = mid - 1;
      }
   }
   /* ...or an earlier one that still covers it (objects and aliases sit
      between a function's start and addr). Bounded: symbols rarely nest. */
   for (int i = at; i >= 0 && i > at - 64; i--) {
      const Symbol* s = &elf->symbols[i];
      if (s->function && addr < s->addr + s->size) {
         *offset = addr - s->addr;
         return s->name;
      }
   }
   return NULL;
}

bool ElfSymbols_find(const ElfSymbols* elf, const char* name, uint64_t* addr, uint64_t* size) {
   for (int i = 0; i < elf->symbolCount; i++) {
      if (strcmp(elf->symbols[i].name, name) == 0) {
         *addr = elf->symbols[i].addr;
         *size = elf->symbols[i].size;
         return true;
      }
   }
   return false;
}

bool ElfSymbols_section(const ElfSymbols* elf, const char* name, uint64_t* addr, uint64_t* size) {
   for (int i = 0; i < elf->sectionCount; i++) {
      if (strcmp(elf->sections[i].name, name) == 0) {
         *addr = elf->sections[i].addr;
         *size = elf->sections[i].size;
         return true;
      }
   }
   return false;
}
