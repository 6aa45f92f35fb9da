#include "config.h"

#include "stacks/Symbolizer.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/ElfSymbols.h"
#include "util/XUtils.h"

typedef struct {
   const char* path; /* the maps entry's */
   ElfSymbols* elf;  /* NULL when unreadable */
   uint64_t bias;
} Module;

struct Symbolizer_ {
   pid_t pid;
   const ProcMaps* maps;
   Module* modules;
   int count;
};

Symbolizer* Symbolizer_new(pid_t pid, const ProcMaps* maps) {
   Symbolizer* sym = xCalloc(1, sizeof(Symbolizer));
   sym->pid = pid;
   sym->maps = maps;
   return sym;
}

void Symbolizer_free(Symbolizer* sym) {
   if (!sym)
      return;
   for (int i = 0; i < sym->count; i++)
      ElfSymbols_close(sym->modules[i].elf);
   free(sym->modules);
   free(sym);
}

static const Module* Symbolizer_module(Symbolizer* sym, const char* path) {
   for (int i = 0; i < sym->count; i++)
      if (strcmp(sym->modules[i].path, path) == 0)
         return &sym->modules[i];
   char file[PATH_MAX + 32];
   ProcMaps_targetPath(sym->maps, sym->pid, path, file, sizeof(file));
   Module m = {.path = path, .elf = path[0] == '/' ? ElfSymbols_open(file) : NULL};
   if (m.elf)
      m.bias = ProcMaps_fileBase(sym->maps, path) - ElfSymbols_firstLoad(m.elf);
   sym->modules = xReallocArray(sym->modules, (size_t)sym->count + 1, sizeof(Module));
   sym->modules[sym->count] = m;
   return &sym->modules[sym->count++];
}

void Symbolizer_frame(Symbolizer* sym, uint64_t pc, bool caller, StackFrame* frame) {
   frame->kind = FRAME_NATIVE;
   frame->pc = pc;
   frame->function = NULL;
   frame->file = NULL;
   frame->offset = pc;
   uint64_t probe = caller && pc > 0 ? pc - 1 : pc;
   const MapEntry* map = ProcMaps_find(sym->maps, probe);
   if (!map || !map->path)
      return;
   const char* slash = strrchr(map->path, '/');
   frame->file = slash ? (char*)slash + 1 : map->path;
   const Module* module = Symbolizer_module(sym, map->path);
   if (!module->elf) {
      frame->offset = pc - map->start + map->offset;
      return;
   }
   uint64_t offset;
   const char* name = ElfSymbols_lookup(module->elf, probe - module->bias, &offset);
   frame->function = (char*)name;
   /* Unknown: the module's own address, what addr2line -e MODULE takes. */
   frame->offset = name ? offset + (pc - probe) : pc - module->bias;
}

void Symbolizer_list(Symbolizer* sym, FrameList* list) {
   for (int i = 0; i < list->count; i++) {
      StackFrame* frame = &list->frames[i];
      if (frame->kind != FRAME_NATIVE)
         continue;
      StackFrame named;
      Symbolizer_frame(sym, frame->pc, i > 0, &named);
      free(frame->function);
      free(frame->file);
      frame->function = named.function ? xStrdup(named.function) : NULL;
      frame->file = named.file ? xStrdup(named.file) : NULL;
      frame->offset = named.offset;
   }
}
