#include "config.h"

#include "stacks/NativeUnwind.h"

#include <elf.h>
#include <errno.h>
#include <libunwind-ptrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "util/XUtils.h"

#define MAX_NATIVE_DEPTH 512

struct NativeUnwind_ {
   unw_addr_space_t space;
   void* upt; /* libunwind-ptrace's context: its pid locates maps and ELF files */
   RemoteMemory* mem;
};

/* libunwind hands accessors the _UPT context, never ours (its own
   find_proc_info passes that context on), so the snapshot being unwound is
   found here. leaktop unwinds one snapshot at a time. */
static struct {
   const NativeSnapshot* snap;
   RemoteMemory* mem;
} NativeUnwind_current;

bool NativeSnapshot_take(NativeSnapshot* snap, pid_t tid, const ProcMaps* maps, RemoteMemory* mem,
                         char* err, size_t errSize) {
   memset(snap, 0, sizeof(*snap));
   struct iovec regs = {&snap->regs, sizeof(snap->regs)};
   if (ptrace(PTRACE_GETREGSET, tid, (void*)(long)NT_PRSTATUS, &regs) < 0) {
      snprintf(err, errSize, "cannot read the registers: %s", strerror(errno));
      return false;
   }
   snap->valid = true;
#if defined(__x86_64__)
   uint64_t sp = snap->regs.rsp;
#elif defined(__aarch64__)
   uint64_t sp = snap->regs.sp;
#endif
   const MapEntry* stack = ProcMaps_find(maps, sp);
   if (!stack)
      return true; /* a stack mapped after maps was read: the walk reads it live */
   size_t len = stack->end - sp < NATIVE_SNAPSHOT_MAX ? stack->end - sp : NATIVE_SNAPSHOT_MAX;
   snap->stack = xMalloc(len);
   if (RemoteMemory_readDirect(mem, sp, snap->stack, len)) {
      snap->stackAddr = sp;
      snap->stackLen = len;
   }
   return true;
}

void NativeSnapshot_done(NativeSnapshot* snap) {
   free(snap->stack);
   memset(snap, 0, sizeof(*snap));
}

/* Where libunwind's register number reg lies in user_regs_struct, or -1. */
static int NativeUnwind_regOffset(unw_regnum_t reg) {
#if defined(__x86_64__)
   static const int offsets[] = {
         [UNW_X86_64_RAX] = offsetof(struct user_regs_struct, rax),
         [UNW_X86_64_RDX] = offsetof(struct user_regs_struct, rdx),
         [UNW_X86_64_RCX] = offsetof(struct user_regs_struct, rcx),
         [UNW_X86_64_RBX] = offsetof(struct user_regs_struct, rbx),
         [UNW_X86_64_RSI] = offsetof(struct user_regs_struct, rsi),
         [UNW_X86_64_RDI] = offsetof(struct user_regs_struct, rdi),
         [UNW_X86_64_RBP] = offsetof(struct user_regs_struct, rbp),
         [UNW_X86_64_RSP] = offsetof(struct user_regs_struct, rsp),
         [UNW_X86_64_R8] = offsetof(struct user_regs_struct, r8),
         [UNW_X86_64_R9] = offsetof(struct user_regs_struct, r9),
         [UNW_X86_64_R10] = offsetof(struct user_regs_struct, r10),
         [UNW_X86_64_R11] = offsetof(struct user_regs_struct, r11),
         [UNW_X86_64_R12] = offsetof(struct user_regs_struct, r12),
         [UNW_X86_64_R13] = offsetof(struct user_regs_struct, r13),
         [UNW_X86_64_R14] = offsetof(struct user_regs_struct, r14),
         [UNW_X86_64_R15] = offsetof(struct user_regs_struct, r15),
         [UNW_X86_64_RIP] = offsetof(struct user_regs_struct, rip),
   };
   return reg >= 0 && reg < (int)(sizeof(offsets) / sizeof(offsets[0])) ? offsets[reg] : -1;
#elif defined(__aarch64__)
   /* X0-X30, SP, PC: consecutive in both numberings. */
   return reg >= UNW_AARCH64_X0 && reg <= UNW_AARCH64_PC ? (int)(reg * sizeof(uint64_t)) : -1;
#endif
}

static int NativeUnwind_accessMem(unw_addr_space_t space, unw_word_t addr, unw_word_t* value,
                                  int write, void* arg) {
   (void)space, (void)arg;
   const NativeSnapshot* snap = NativeUnwind_current.snap;
   if (write || !snap)
      return -UNW_EINVAL; /* leaktop never writes into the target */
   if (addr >= snap->stackAddr && addr - snap->stackAddr + sizeof(*value) <= snap->stackLen) {
      memcpy(value, snap->stack + (addr - snap->stackAddr), sizeof(*value));
      return 0;
   }
   return RemoteMemory_read(NativeUnwind_current.mem, addr, value, sizeof(*value)) ? 0
                                                                                   : -UNW_EINVAL;
}

static int NativeUnwind_accessReg(unw_addr_space_t space, unw_regnum_t reg, unw_word_t* value,
                                  int write, void* arg) {
   (void)space, (void)arg;
   const NativeSnapshot* snap = NativeUnwind_current.snap;
   int offset = NativeUnwind_regOffset(reg);
   if (write || !snap || offset < 0)
      return -UNW_EBADREG;
   uint64_t v;
   memcpy(&v, (const uint8_t*)&snap->regs + offset, sizeof(v));
   *value = v;
   return 0;
}

/* Unwinding needs no float registers; none were copied. */
static int NativeUnwind_accessFpreg(unw_addr_space_t space, unw_regnum_t reg, unw_fpreg_t* value,
                                    int write, void* arg) {
   (void)space, (void)reg, (void)value, (void)write, (void)arg;
   return -UNW_EBADREG;
}

static int NativeUnwind_resume(unw_addr_space_t space, unw_cursor_t* cursor, void* arg) {
   (void)space, (void)cursor, (void)arg;
   return -UNW_EINVAL; /* unw_resume would change the target's registers */
}

NativeUnwind* NativeUnwind_new(RemoteMemory* mem) {
   unw_accessors_t accessors = _UPT_accessors;
   accessors.access_mem = NativeUnwind_accessMem;
   accessors.access_reg = NativeUnwind_accessReg;
   accessors.access_fpreg = NativeUnwind_accessFpreg;
   accessors.resume = NativeUnwind_resume;
   unw_addr_space_t space = unw_create_addr_space(&accessors, 0);
   if (!space)
      return NULL;
   /* _UPT_create only records the pid (no ptrace call); one context keeps
      its last ELF image mapped from one walk to the next. */
   void* upt = _UPT_create(mem->pid);
   if (!upt) {
      unw_destroy_addr_space(space);
      return NULL;
   }
   /* Caches DWARF register rules across threads and samples. */
   unw_set_caching_policy(space, UNW_CACHE_GLOBAL);
   NativeUnwind* unwind = xCalloc(1, sizeof(NativeUnwind));
   unwind->space = space;
   unwind->upt = upt;
   unwind->mem = mem;
   return unwind;
}

void NativeUnwind_free(NativeUnwind* unwind) {
   if (!unwind)
      return;
   _UPT_destroy(unwind->upt);
   unw_destroy_addr_space(unwind->space);
   free(unwind);
}

bool NativeUnwind_walk(NativeUnwind* unwind, const NativeSnapshot* snap, FrameList* out, char* err,
                       size_t errSize) {
   if (!snap->valid) {
      snprintf(err, errSize, "no registers");
      return false;
   }
   NativeUnwind_current.snap = snap;
   NativeUnwind_current.mem = unwind->mem;
   unw_cursor_t cursor;
   int rc = unw_init_remote(&cursor, unwind->space, unwind->upt);
   int depth = 0;
   while (rc >= 0 && depth < MAX_NATIVE_DEPTH) {
      unw_word_t ip, sp;
      if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
         break;
      if (unw_get_reg(&cursor, UNW_REG_SP, &sp) < 0)
         sp = 0;
      StackFrame frame = {.kind = FRAME_NATIVE, .pc = ip, .offset = ip, .sp = sp, .line = -1};
      FrameList_add(out, &frame);
      depth++;
      if (unw_step(&cursor) <= 0)
         break;
   }
   NativeUnwind_current.snap = NULL;
   if (depth == 0) {
      snprintf(err, errSize, "no native frames (libunwind error %d)", rc);
      return false;
   }
   return true;
}
