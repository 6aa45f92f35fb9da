#ifndef HEADER_Cgroup
#define HEADER_Cgroup
/* The memory cgroup a process lives in: limit, usage and OOM kills, from
   cgroup v2 (memory.max, memory.current, memory.events) or, on hosts still
   running the v1 memory controller, its equivalents. */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct CgroupStatus {
   bool found;      /* the process's memory cgroup directory is known */
   bool limited;    /* a limit applies (this cgroup or an ancestor) */
   int version;     /* 1 or 2 */
   char path[4096]; /* directory holding the tightest limit, or the process's own */
   uint64_t limitBytes;
   uint64_t currentBytes;
   bool currentKnown;
   uint64_t oomKills;
   bool oomKnown;
} CgroupStatus;

/* Finds the memory cgroup of pid and reads its figures. */
void Cgroup_locate(pid_t pid, CgroupStatus* out);
/* Re-reads usage and OOM count of an already located cgroup. */
void Cgroup_refresh(CgroupStatus* status);

#endif
