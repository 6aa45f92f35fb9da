#include "config.h"

#include "stacks/NativeUnwind.h"

#include <libunwind-ptrace.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/XUtils.h"

#define MAX_NATIVE_DEPTH 512

struct NativeUnwind_ {
   unw_addr_space_t space;
   RemoteMemory* mem;
};

/* libunwind hands accessors the _UPT context, never ours (its own
   find_proc_info passes that context on), so the memory of the thread
   being unwound is found here. leaktop unwinds one thread at a time. */
static struct {
   void* upt;
   RemoteMemory* mem;
} NativeUnwind_current;

static int NativeUnwind_accessMem(unw_addr_space_t space, unw_word_t addr, unw_word_t* value,
                                  int write, void* arg) {
   if (write)
      return -UNW_EINVAL; /* leaktop never writes into the target */
   if (arg != NativeUnwind_current.upt)
      return _UPT_access_mem(space, addr, value, write, arg);
   return RemoteMemory_read(NativeUnwind_current.mem, addr, value, sizeof(*value)) ? 0
                                                                                   : -UNW_EINVAL;
}

/* Registers and float registers are read-only too. */
static int NativeUnwind_accessReg(unw_addr_space_t space, unw_regnum_t reg, unw_word_t* value,
                                  int write, void* arg) {
   return write ? -UNW_EINVAL : _UPT_access_reg(space, reg, value, write, arg);
}

static int NativeUnwind_accessFpreg(unw_addr_space_t space, unw_regnum_t reg, unw_fpreg_t* value,
                                    int write, void* arg) {
   return write ? -UNW_EINVAL : _UPT_access_fpreg(space, reg, value, write, arg);
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
   /* Caches DWARF register rules across threads and samples. */
   unw_set_caching_policy(space, UNW_CACHE_GLOBAL);
   NativeUnwind* unwind = xCalloc(1, sizeof(NativeUnwind));
   unwind->space = space;
   unwind->mem = mem;
   return unwind;
}

void NativeUnwind_free(NativeUnwind* unwind) {
   if (!unwind)
      return;
   unw_destroy_addr_space(unwind->space);
   free(unwind);
}

bool NativeUnwind_thread(NativeUnwind* unwind, pid_t tid, FrameList* out, char* err,
                         size_t errSize) {
   void* upt = _UPT_create(tid);
   if (!upt) {
      snprintf(err, errSize, "out of memory");
      return false;
   }
   NativeUnwind_current.upt = upt;
   NativeUnwind_current.mem = unwind->mem;
   unw_cursor_t cursor;
   int rc = unw_init_remote(&cursor, unwind->space, upt);
   int depth = 0;
   while (rc >= 0 && depth < MAX_NATIVE_DEPTH) {
      unw_word_t ip;
      if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
         break;
      StackFrame frame = {.kind = FRAME_NATIVE, .pc = ip, .offset = ip, .line = -1};
      FrameList_add(out, &frame);
      depth++;
      if (unw_step(&cursor) <= 0)
         break;
   }
   NativeUnwind_current.upt = NULL;
   _UPT_destroy(upt);
   if (depth == 0) {
      snprintf(err, errSize, "no native frames (libunwind error %d)", rc);
      return false;
   }
   return true;
}
