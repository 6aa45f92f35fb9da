#include "config.h"

#include "sample/HostMemory.h"

#include <stddef.h>

#include <libproc2/meminfo.h>

static struct meminfo_info* HostMemory_info;

bool HostMemory_read(uint64_t* totalKiB, uint64_t* availableKiB) {
   if (!HostMemory_info && procps_meminfo_new(&HostMemory_info) < 0) {
      HostMemory_info = NULL;
      return false;
   }
   /* procps_meminfo_get() re-reads /proc/meminfo at most once a second and
      returns one shared result slot: copy each value before the next call. */
   struct meminfo_result* r = procps_meminfo_get(HostMemory_info, MEMINFO_MEM_TOTAL);
   if (!r)
      return false;
   *totalKiB = r->result.ul_int;
   r = procps_meminfo_get(HostMemory_info, MEMINFO_MEM_AVAILABLE);
   if (!r)
      return false;
   *availableKiB = r->result.ul_int;
   return true;
}

void HostMemory_done(void) {
   if (HostMemory_info)
      procps_meminfo_unref(&HostMemory_info);
}
