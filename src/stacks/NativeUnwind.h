#ifndef HEADER_NativeUnwind
#define HEADER_NativeUnwind
/* Native stacks with libunwind-ptrace, unwound after the target runs
   again: while a thread is stopped only its registers and the used part of
   its stack are copied (a snapshot); the walk then reads the stack from the
   snapshot and everything else (unwind tables in read-only file mappings)
   through RemoteMemory's page cache (research/tui_procps.md §3.2-3.3).
   Each mapped object's .eh_frame_hdr table is found once per session from
   its ELF headers in the target's memory, never from its file. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "target/ProcMaps.h"
#include "target/RemoteMemory.h"
#include "target/FrameList.h"

/* At most this much of a stack is copied, from the stack pointer up; a
   deeper stack is read from the live process beyond it. */
#define NATIVE_SNAPSHOT_MAX (256 * 1024)

typedef struct {
   bool valid; /* registers were read */
   struct user_regs_struct regs;
   uint64_t stackAddr; /* the copy covers [stackAddr, stackAddr + stackLen) */
   uint8_t* stack;
   size_t stackLen;
} NativeSnapshot;

/* Copies the registers and stack of tid, which must be in a ptrace stop.
   maps (read before the stop) bounds the copy to the stack's mapping. */
bool NativeSnapshot_take(NativeSnapshot* snap, pid_t tid, const ProcMaps* maps, RemoteMemory* mem,
                         char* err, size_t errSize);
void NativeSnapshot_done(NativeSnapshot* snap);

typedef struct NativeUnwind_ NativeUnwind;

/* One per target process (mem->pid); its libunwind caches, and the unwind
   tables it finds through maps (kept by the caller for as long), stay warm
   from one walk to the next. */
NativeUnwind* NativeUnwind_new(RemoteMemory* mem, const ProcMaps* maps);
void NativeUnwind_free(NativeUnwind* unwind);

/* Appends the frames of a snapshot, innermost first, as bare addresses
   (Symbolizer_list names them). Needs no ptrace stop. False with err set
   when not even the first frame could be read; a stack cut short later is
   kept as far as it goes. */
bool NativeUnwind_walk(NativeUnwind* unwind, const NativeSnapshot* snap, FrameList* out, char* err,
                       size_t errSize);

#endif
