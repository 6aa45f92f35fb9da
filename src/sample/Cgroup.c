#include "config.h"

#include "sample/Cgroup.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sample/ProcParse.h"
#include "util/XUtils.h"

typedef struct CgroupMounts {
   bool read;
   char v2[PATH_MAX];
   char v1Memory[PATH_MAX];
} CgroupMounts;

static const CgroupMounts* Cgroup_mounts(void) {
   static CgroupMounts mounts;
   if (!mounts.read) {
      static char text[256 * 1024];
      if (XUtils_readFileAt(AT_FDCWD, "/proc/self/mountinfo", text, sizeof(text)) > 0)
         ProcParse_cgroupMounts(text, mounts.v2, sizeof(mounts.v2), mounts.v1Memory,
                                sizeof(mounts.v1Memory));
      mounts.read = true;
   }
   return &mounts;
}

static bool Cgroup_readFile(const char* dir, const char* name, char* buf, size_t size) {
   char path[PATH_MAX + 64];
   if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
      return false;
   return XUtils_readFileAt(AT_FDCWD, path, buf, size) > 0;
}

/* The memory controller is enabled for a v2 cgroup when memory.current exists. */
static bool Cgroup_hasMemoryFiles(const char* dir, int version) {
   char buf[64];
   return Cgroup_readFile(dir, version == 2 ? "memory.current" : "memory.usage_in_bytes", buf,
                          sizeof(buf));
}

void Cgroup_locate(pid_t pid, CgroupStatus* out) {
   memset(out, 0, sizeof(*out));
   char path[64];
   char text[4096];
   snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
   if (XUtils_readFileAt(AT_FDCWD, path, text, sizeof(text)) <= 0)
      return;
   char v2Path[PATH_MAX];
   char v1Path[PATH_MAX];
   ProcParse_cgroupPaths(text, v2Path, sizeof(v2Path), v1Path, sizeof(v1Path));
   const CgroupMounts* mounts = Cgroup_mounts();

   /* Prefer v2; fall back to the v1 memory controller on hybrid hosts. */
   char dir[PATH_MAX];
   int version = 0;
   if (mounts->v2[0] && v2Path[0]) {
      if (snprintf(dir, sizeof(dir), "%s%s", mounts->v2, v2Path) < (int)sizeof(dir) &&
          Cgroup_hasMemoryFiles(dir, 2))
         version = 2;
   }
   if (!version && mounts->v1Memory[0] && v1Path[0]) {
      if (snprintf(dir, sizeof(dir), "%s%s", mounts->v1Memory, v1Path) < (int)sizeof(dir) &&
          Cgroup_hasMemoryFiles(dir, 1))
         version = 1;
   }
   if (!version)
      return;

   out->found = true;
   out->version = version;
   memcpy(out->path, dir, sizeof(out->path));

   /* The tightest limit may sit on an ancestor: walk up to the mount point. */
   const char* mount = version == 2 ? mounts->v2 : mounts->v1Memory;
   size_t mountLen = strlen(mount);
   const char* limitFile = version == 2 ? "memory.max" : "memory.limit_in_bytes";
   char walk[sizeof(dir)];
   memcpy(walk, dir, sizeof(walk));
   for (;;) {
      char buf[64];
      uint64_t bytes;
      bool limited;
      if (Cgroup_readFile(walk, limitFile, buf, sizeof(buf)) &&
          ProcParse_cgroupLimit(buf, &bytes, &limited) && limited &&
          (!out->limited || bytes < out->limitBytes)) {
         out->limited = true;
         out->limitBytes = bytes;
         memcpy(out->path, walk, sizeof(out->path));
      }
      char* slash = strrchr(walk, '/');
      if (!slash || (size_t)(slash - walk) < mountLen)
         break;
      *slash = '\0';
   }
   Cgroup_refresh(out);
}

void Cgroup_refresh(CgroupStatus* status) {
   if (!status->found)
      return;
   char buf[4096];
   bool v2 = status->version == 2;
   status->currentKnown =
         Cgroup_readFile(status->path, v2 ? "memory.current" : "memory.usage_in_bytes", buf,
                         sizeof(buf)) &&
         ProcParse_number(buf, &status->currentBytes);
   status->oomKnown = Cgroup_readFile(status->path, v2 ? "memory.events" : "memory.oom_control",
                                      buf, sizeof(buf)) &&
                      ProcParse_keyedValue(buf, "oom_kill", &status->oomKills);
}
