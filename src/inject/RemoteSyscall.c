#include "config.h"

#include "inject/RemoteSyscall.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "target/ElfSymbols.h"
#include "target/PtraceThreads.h"
#include "util/XUtils.h"

#define SYSCALL_INSN_0 0x0f
#define SYSCALL_INSN_1 0x05
/* The XSAVE area: 2.5 KiB with AVX-512; the kernel says how much it used. */
#define XSTATE_MAX      16384
#define STEP_TIMEOUT_MS 5000

static bool RemoteSyscall_isInsn(RemoteMemory* mem, const ProcMaps* maps, uint64_t addr) {
   const MapEntry* m = ProcMaps_find(maps, addr);
   uint8_t code[2];
   return m && m->exec && RemoteMemory_readDirect(mem, addr, code, 2) &&
          code[0] == SYSCALL_INSN_0 && code[1] == SYSCALL_INSN_1;
}

/* Scans libc's syscall() for its `syscall` instruction. */
static uint64_t RemoteSyscall_inLibc(pid_t pid, const ProcMaps* maps, RemoteMemory* mem) {
   const char* libc = ProcMaps_library(maps, "libc.so");
   if (!libc)
      return 0;
   char file[PATH_MAX + 32];
   ProcMaps_targetPath(maps, pid, libc, file, sizeof(file));
   ElfSymbols* elf = ElfSymbols_open(file);
   if (!elf)
      return 0;
   uint64_t addr, size, found = 0;
   uint64_t bias = ProcMaps_fileBase(maps, libc) - ElfSymbols_firstLoad(elf);
   if (ElfSymbols_find(elf, "syscall", &addr, &size) && size >= 2 && size <= 256) {
      uint8_t code[256];
      if (RemoteMemory_readDirect(mem, addr + bias, code, size))
         for (uint64_t at = 0; at + 1 < size && !found; at++)
            if (code[at] == SYSCALL_INSN_0 && code[at + 1] == SYSCALL_INSN_1)
               found = addr + bias + at;
   }
   ElfSymbols_close(elf);
   return found && RemoteSyscall_isInsn(mem, maps, found) ? found : 0;
}

uint64_t RemoteSyscall_findInstruction(pid_t pid, pid_t tid, const ProcMaps* maps,
                                       RemoteMemory* mem, char* err, size_t errSize) {
   struct user_regs_struct regs;
   if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) == 0 && regs.rip >= 2 &&
       RemoteSyscall_isInsn(mem, maps, regs.rip - 2))
      return regs.rip - 2;
   uint64_t insn = RemoteSyscall_inLibc(pid, maps, mem);
   if (!insn)
      snprintf(err, errSize, "no `syscall` instruction found in %d's code (no glibc?)", (int)pid);
   return insn;
}

/* Waits for tid's next stop; false when it exited or did not stop. */
static bool RemoteSyscall_waitStop(pid_t tid, int* sig) {
   return PtraceThreads_waitStop(tid, STEP_TIMEOUT_MS, sig) == STOP_STOPPED;
}

static bool RemoteSyscall_restore(pid_t tid, const struct user_regs_struct* regs,
                                  struct iovec* xstate) {
   bool ok = ptrace(PTRACE_SETREGS, tid, NULL, regs) == 0;
   if (xstate->iov_len > 0)
      ok = ptrace(PTRACE_SETREGSET, tid, (void*)NT_X86_XSTATE, xstate) == 0 && ok;
   return ok;
}

/* A step ends in the signal-delivery stop of its SIGTRAP, which the kernel
   would deliver, killing the worker, were leaktop to die before resuming
   the thread. An interrupt queued behind that stop and a resume without
   the signal turn it into a ptrace event stop, taken in the kernel before
   the thread returns to user space: not one instruction runs. A signal
   that comes first is handed back like those met during the step. */
static bool RemoteSyscall_settle(pid_t tid, int* deferredSignal) {
   for (int attempt = 0; attempt < 8; attempt++) {
      int sig;
      if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0 ||
          ptrace(PTRACE_CONT, tid, NULL, NULL) < 0 || !RemoteSyscall_waitStop(tid, &sig))
         return false;
      if (sig == 0)
         return true;
      if (sig != SIGTRAP)
         *deferredSignal = sig;
   }
   return false;
}

bool RemoteSyscall_run(pid_t tid, uint64_t insn, long nr, const uint64_t args[6], int64_t* result,
                       int* deferredSignal, char* err, size_t errSize) {
   *deferredSignal = 0;
   struct user_regs_struct saved, regs;
   if (ptrace(PTRACE_GETREGS, tid, NULL, &saved) < 0) {
      snprintf(err, errSize, "cannot read the registers of thread %d: %s", (int)tid,
               strerror(errno));
      return false;
   }
   static uint8_t xsave[XSTATE_MAX] __attribute__((aligned(64)));
   struct iovec xstate = {xsave, sizeof(xsave)};
   if (ptrace(PTRACE_GETREGSET, tid, (void*)NT_X86_XSTATE, &xstate) < 0)
      xstate.iov_len = 0; /* no XSAVE: nothing beyond the GP registers to keep */
   regs = saved;
   regs.rip = insn;
   regs.rax = (unsigned long long)nr;
   regs.orig_rax = (unsigned long long)-1;
   regs.rdi = args[0];
   regs.rsi = args[1];
   regs.rdx = args[2];
   regs.r10 = args[3];
   regs.r8 = args[4];
   regs.r9 = args[5];
   regs.eflags &= ~0x400ULL; /* DF clear, as the ABI expects at a call */
   if (ptrace(PTRACE_SETREGS, tid, NULL, &regs) < 0) {
      snprintf(err, errSize, "cannot set the registers of thread %d: %s", (int)tid,
               strerror(errno));
      return false;
   }
   /* A signal that arrives around the step stops the thread first; it is
      handed back to the caller to deliver once the thread is free, and the
      step goes on. */
   bool stepped = false;
   int sig = 0;
   for (int attempt = 0; attempt < 8 && !stepped; attempt++) {
      if (ptrace(PTRACE_SINGLESTEP, tid, NULL, NULL) < 0 || !RemoteSyscall_waitStop(tid, &sig))
         break;
      if (sig != 0 && sig != SIGTRAP && sig != SIGSYS)
         *deferredSignal = sig;
      struct user_regs_struct now;
      if (ptrace(PTRACE_GETREGS, tid, NULL, &now) < 0)
         break;
      stepped = now.rip == insn + 2;
      if (stepped)
         *result = (int64_t)now.rax;
      else if (sig == SIGSYS)
         break;
   }
   bool restored = RemoteSyscall_restore(tid, &saved, &xstate);
   if (sig != 0 && !RemoteSyscall_settle(tid, deferredSignal)) {
      snprintf(err, errSize, "thread %d did not return to a ptrace stop after the system call",
               (int)tid);
      return false;
   }
   if (!stepped) {
      snprintf(err, errSize, "thread %d did not complete the system call%s", (int)tid,
               sig == SIGSYS ? " (blocked by a seccomp filter)" : "");
      return false;
   }
   if (!restored) {
      snprintf(err, errSize, "cannot restore the registers of thread %d: %s", (int)tid,
               strerror(errno));
      return false;
   }
   return true;
}
