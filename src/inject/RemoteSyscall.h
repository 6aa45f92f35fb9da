#ifndef HEADER_RemoteSyscall
#define HEADER_RemoteSyscall
/* One system call made by a ptrace-stopped thread of another process:
   its registers and FP/vector state are saved, the thread single-steps a
   `syscall` instruction that already exists in its code (nothing is
   patched), and everything is put back, including an interrupted system
   call, which the kernel restarts when the thread is resumed (orig_rax is
   -1 during the step so the kernel's restart logic leaves our rip alone). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "target/ProcMaps.h"
#include "target/RemoteMemory.h"

/* An executable address in pid holding the bytes 0f 05 (`syscall`): the
   instruction tid is stopped after when it sits in a system call, else one
   inside libc's syscall(). 0 with err set when none is found. */
uint64_t RemoteSyscall_findInstruction(pid_t pid, pid_t tid, const ProcMaps* maps,
                                       RemoteMemory* mem, char* err, size_t errSize);

/* Runs syscall nr(args) in the stopped thread tid at insn and restores
   it, stopped as before (a ptrace event stop, which the thread leaves
   unharmed even if leaktop dies). *result is the raw return (a -errno in [-4095, -1] on failure).
   *deferredSignal is a signal that reached the thread meanwhile and was
   held back: the caller raises it again once the thread runs. False, with
   err set, when the step could not be made; the thread's registers are
   restored on every path where it still exists. */
bool RemoteSyscall_run(pid_t tid, uint64_t insn, long nr, const uint64_t args[6], int64_t* result,
                       int* deferredSignal, char* err, size_t errSize);

#endif
