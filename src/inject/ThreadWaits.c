#include "config.h"

#include "inject/ThreadWaits.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"

uint64_t ThreadWaits_switches(const char* status) {
   const char* voluntary = ProcParse_keyedText(status, "voluntary_ctxt_switches");
   const char* other = ProcParse_keyedText(status, "nonvoluntary_ctxt_switches");
   if (!voluntary || !other)
      return UINT64_MAX;
   return strtoull(voluntary, NULL, 10) + strtoull(other, NULL, 10);
}

bool ThreadWaits_read(pid_t pid, ThreadWaits* out) {
   char dir[64];
   snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
   DIR* d = opendir(dir);
   if (!d)
      return false;
   out->count = 0;
   struct dirent* e;
   while ((e = readdir(d)) != NULL && out->count < THREAD_WAITS_MAX) {
      pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
      if (tid <= 0)
         continue;
      char name[64], status[4096], syscall[256];
      snprintf(name, sizeof(name), "task/%d/status", (int)tid);
      ssize_t n = ProcFiles_read(pid, name, status, sizeof(status));
      snprintf(name, sizeof(name), "task/%d/syscall", (int)tid);
      ssize_t m = ProcFiles_read(pid, name, syscall, sizeof(syscall));
      if (n <= 0 || m <= 0)
         continue; /* a thread that just exited */
      ThreadWait* t = &out->threads[out->count++];
      t->tid = tid;
      t->nsTid = ProcParse_nsPid(status, tid);
      t->switches = ThreadWaits_switches(status);
      t->syscall = strncmp(syscall, "running", 7) == 0 ? -1 : strtol(syscall, NULL, 10);
   }
   closedir(d);
   return out->count > 0;
}

bool ThreadWaits_still(const ThreadWaits* before, const ThreadWaits* after) {
   if (before->count == 0 || before->count != after->count)
      return false;
   for (int i = 0; i < after->count; i++) {
      const ThreadWait* a = &after->threads[i];
      const ThreadWait* b = NULL;
      for (int k = 0; k < before->count && !b; k++)
         b = before->threads[k].tid == a->tid ? &before->threads[k] : NULL;
      if (!b || a->syscall < 0 || a->syscall != b->syscall || a->switches == UINT64_MAX ||
          a->switches != b->switches)
         return false;
   }
   return true;
}
