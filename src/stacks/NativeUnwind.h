#ifndef HEADER_NativeUnwind
#define HEADER_NativeUnwind
/* Native stacks of stopped threads with libunwind-ptrace, reading memory
   through RemoteMemory's page cache instead of one PTRACE_PEEKDATA per
   word (research/tui_procps.md §3.2). */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stacks/RemoteMemory.h"
#include "stacks/StackMerge.h"

typedef struct NativeUnwind_ NativeUnwind;

NativeUnwind* NativeUnwind_new(RemoteMemory* mem);
void NativeUnwind_free(NativeUnwind* unwind);

/* Appends the frames of tid (stopped by ptrace), innermost first, as bare
   addresses: naming them (Symbolizer_list) can wait until the target runs
   again. False with err set when not even the first frame could be read; a
   stack cut short later is kept as far as it goes. */
bool NativeUnwind_thread(NativeUnwind* unwind, pid_t tid, FrameList* out, char* err,
                         size_t errSize);

#endif
