#ifndef HEADER_Symbolizer
#define HEADER_Symbolizer
/* Names for code addresses of one process: the mapped module and, when the
   address lies inside a symbol's size, the symbol (ELF tables cached per
   module, files opened through /proc/PID/root). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "target/ProcMaps.h"
#include "target/FrameList.h"

typedef struct Symbolizer_ Symbolizer;

Symbolizer* Symbolizer_new(pid_t pid, const ProcMaps* maps);
void Symbolizer_free(Symbolizer* sym);

/* Fills frame's function, file (module base name) and offset for pc; the
   strings are Symbolizer's (valid until it is freed). A return address
   (caller true) is looked up one byte back, inside the call. */
void Symbolizer_frame(Symbolizer* sym, uint64_t pc, bool caller, StackFrame* frame);
/* Names every native frame of list (innermost first) in place. */
void Symbolizer_list(Symbolizer* sym, FrameList* list);

#endif
