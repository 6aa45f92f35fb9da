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
#define MAX_PHDRS        64

/* DWARF exception-header pointer encodings (LSB Core, "Exception Frames"). */
enum {
   DW_EH_PE_absptr = 0x00,
   DW_EH_PE_udata2 = 0x02,
   DW_EH_PE_udata4 = 0x03,
   DW_EH_PE_udata8 = 0x04,
   DW_EH_PE_sdata2 = 0x0a,
   DW_EH_PE_sdata4 = 0x0b,
   DW_EH_PE_sdata8 = 0x0c,
   DW_EH_PE_datarel = 0x30,
   DW_EH_PE_omit = 0xff,
};

/* libunwind's binary search of an .eh_frame_hdr table in the target, what
   libunwind-ptrace's own find_proc_info ends in. Exported for it, declared
   in no public header (perf's libunwind unwinder declares it this way). */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
                                              unw_dyn_info_t* di, unw_proc_info_t* pi,
                                              int needUnwindInfo, void* arg);

/* One mapped ELF object (or a mapping that is none) and its unwind table. */
typedef struct {
   uint64_t lo, hi; /* the addresses it covers */
   bool table;      /* di holds its .eh_frame_hdr search table */
   unw_dyn_info_t di;
} UnwindModule;

struct NativeUnwind_ {
   unw_addr_space_t space;
   void* upt; /* libunwind-ptrace's context, for code mapped after maps was read */
   RemoteMemory* mem;
   const ProcMaps* maps;
   UnwindModule* modules;
   int moduleCount;
};

/* libunwind hands accessors the _UPT context, never ours (its own
   find_proc_info passes that context on), so the snapshot being unwound is
   found here. leaktop unwinds one snapshot at a time. */
static struct {
   const NativeSnapshot* snap;
   NativeUnwind* unwind;
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
   return RemoteMemory_read(NativeUnwind_current.unwind->mem, addr, value, sizeof(*value))
                ? 0
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

/* Bytes of an encoded .eh_frame_hdr value, or 0 for an encoding that
   header never uses (LEB128, or relative to something other than itself). */
static size_t NativeUnwind_encodedSize(uint8_t encoding) {
   switch (encoding & 0x0f) {
   case DW_EH_PE_absptr:
   case DW_EH_PE_udata8:
   case DW_EH_PE_sdata8:
      return 8;
   case DW_EH_PE_udata4:
   case DW_EH_PE_sdata4:
      return 4;
   case DW_EH_PE_udata2:
   case DW_EH_PE_sdata2:
      return 2;
   default:
      return 0;
   }
}

/* Reads, from the target's memory, the ELF object whose file offset 0 is
   mapped at base: the addresses its PT_LOAD segments cover and, from its
   PT_GNU_EH_FRAME segment, the binary-search table of its FDEs. Headers and
   table are mapped in the target, so no file is opened: this works the
   same for the vDSO, for files replaced on disk and for a target whose
   files leaktop cannot reach (another mount namespace, a chroot). */
static bool NativeUnwind_readModule(RemoteMemory* mem, uint64_t base, UnwindModule* m) {
   Elf64_Ehdr eh;
   Elf64_Phdr ph[MAX_PHDRS];
   if (!RemoteMemory_read(mem, base, &eh, sizeof(eh)) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
       eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
       eh.e_phnum == 0 || eh.e_phnum > MAX_PHDRS ||
       !RemoteMemory_read(mem, base + eh.e_phoff, ph, eh.e_phnum * sizeof(Elf64_Phdr)))
      return false;
   uint64_t lo = UINT64_MAX, hi = 0, hdr = 0;
   for (int i = 0; i < eh.e_phnum; i++) {
      if (ph[i].p_type == PT_LOAD) {
         lo = ph[i].p_vaddr < lo ? ph[i].p_vaddr : lo;
         hi = ph[i].p_vaddr + ph[i].p_memsz > hi ? ph[i].p_vaddr + ph[i].p_memsz : hi;
      } else if (ph[i].p_type == PT_GNU_EH_FRAME) {
         hdr = ph[i].p_vaddr;
      }
   }
   if (lo >= hi)
      return false;
   /* The mapping at file offset 0 starts at the first PT_LOAD's page. */
   uint64_t bias = base - (lo & ~(uint64_t)(REMOTE_PAGE_SIZE - 1));
   m->lo = lo + bias;
   m->hi = hi + bias;
   m->table = false;
   if (!hdr)
      return true;
   hdr += bias;
   /* version, eh_frame_ptr_enc, fde_count_enc, table_enc, then the encoded
      eh_frame_ptr and fde_count, then the table (LSB Core, .eh_frame_hdr). */
   uint8_t head[4 + 8 + 8];
   if (!RemoteMemory_read(mem, hdr, head, 4) || head[0] != 1 || head[2] == DW_EH_PE_omit ||
       (head[2] & 0xf0) != 0 || head[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
      return true;
   size_t ptrSize = head[1] == DW_EH_PE_omit ? 0 : NativeUnwind_encodedSize(head[1]);
   size_t countSize = NativeUnwind_encodedSize(head[2]);
   if ((head[1] != DW_EH_PE_omit && ptrSize == 0) || countSize == 0 ||
       !RemoteMemory_read(mem, hdr + 4, head + 4, ptrSize + countSize))
      return true;
   uint64_t count = 0;
   memcpy(&count, head + 4 + ptrSize, countSize); /* little-endian */
   memset(&m->di, 0, sizeof(m->di));
   m->di.start_ip = m->lo;
   m->di.end_ip = m->hi;
   m->di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
   /* Table entries are (initial location, FDE) pairs of int32 relative to
      the header; table_len counts words. x86_64 and aarch64 FDEs use no
      data-relative pointers, so gp stays 0. */
   m->di.u.rti.segbase = hdr;
   m->di.u.rti.table_data = hdr + 4 + ptrSize + countSize;
   m->di.u.rti.table_len = count * 8 / sizeof(unw_word_t);
   m->table = true;
   return true;
}

/* The module covering ip, read on first use and kept for the session; NULL
   when ip lies outside every mapping known to the session. */
static const UnwindModule* NativeUnwind_module(NativeUnwind* unwind, uint64_t ip) {
   for (int i = 0; i < unwind->moduleCount; i++)
      if (ip >= unwind->modules[i].lo && ip < unwind->modules[i].hi)
         return &unwind->modules[i];
   const MapEntry* map = ProcMaps_find(unwind->maps, ip);
   if (!map)
      return NULL;
   UnwindModule m = {.lo = map->start, .hi = map->end};
   const char* path = map->path;
   uint64_t base = path && (path[0] == '/' || strcmp(path, "[vdso]") == 0)
                         ? ProcMaps_fileBase(unwind->maps, path)
                         : 0;
   UnwindModule read;
   if (base && NativeUnwind_readModule(unwind->mem, base, &read) && ip >= read.lo && ip < read.hi)
      m = read;
   unwind->modules =
         xReallocArray(unwind->modules, (size_t)unwind->moduleCount + 1, sizeof(UnwindModule));
   unwind->modules[unwind->moduleCount] = m;
   return &unwind->modules[unwind->moduleCount++];
}

/* Replaces libunwind-ptrace's, which reads /proc/PID/maps again and maps
   the ELF file again whenever the address leaves the last object it
   looked at (most frames of a Python stack), and opens files by their
   path under /proc/PID/root. */
static int NativeUnwind_findProcInfo(unw_addr_space_t space, unw_word_t ip, unw_proc_info_t* pi,
                                     int needUnwindInfo, void* arg) {
   const UnwindModule* m = NativeUnwind_module(NativeUnwind_current.unwind, ip);
   if (!m) /* mapped since the session read the maps */
      return _UPT_find_proc_info(space, ip, pi, needUnwindInfo, arg);
   if (!m->table)
      return -UNW_ENOINFO;
   return UNW_OBJ(dwarf_search_unwind_table)(space, ip, (unw_dyn_info_t*)&m->di, pi, needUnwindInfo,
                                             arg);
}

NativeUnwind* NativeUnwind_new(RemoteMemory* mem, const ProcMaps* maps) {
   unw_accessors_t accessors = _UPT_accessors;
   accessors.find_proc_info = NativeUnwind_findProcInfo;
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
   unwind->maps = maps;
   return unwind;
}

void NativeUnwind_free(NativeUnwind* unwind) {
   if (!unwind)
      return;
   _UPT_destroy(unwind->upt);
   unw_destroy_addr_space(unwind->space);
   free(unwind->modules);
   free(unwind);
}

bool NativeUnwind_walk(NativeUnwind* unwind, const NativeSnapshot* snap, FrameList* out, char* err,
                       size_t errSize) {
   if (!snap->valid) {
      snprintf(err, errSize, "no registers");
      return false;
   }
   NativeUnwind_current.snap = snap;
   NativeUnwind_current.unwind = unwind;
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
