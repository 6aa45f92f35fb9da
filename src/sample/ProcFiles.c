#include "config.h"

#include "sample/ProcFiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample/ProcParse.h"
#include "util/Text.h"
#include "util/XUtils.h"

DIR* ProcFiles_openDir(pid_t pid, const char* name) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
   int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
   if (fd < 0)
      return NULL;
   DIR* dir = fdopendir(fd);
   if (!dir)
      close(fd);
   return dir;
}

bool ProcFiles_eachLine(pid_t pid, const char* name, int maxLines,
                        void (*visit)(const char* line, void* context), void* context) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
   int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
   if (fd < 0)
      return false;
   char buf[65536];
   size_t used = 0;
   int lines = 0;
   while (lines < maxLines) {
      ssize_t n = read(fd, buf + used, sizeof(buf) - 1 - used);
      if (n <= 0)
         break;
      used += (size_t)n;
      buf[used] = '\0';
      char* start = buf;
      char* nl;
      while ((nl = strchr(start, '\n')) != NULL && lines < maxLines) {
         *nl = '\0';
         visit(start, context);
         lines++;
         start = nl + 1;
      }
      used -= (size_t)(start - buf);
      memmove(buf, start, used);
      if (used == sizeof(buf) - 1)
         used = 0; /* a line longer than the buffer: no line of a /proc table */
   }
   close(fd);
   return true;
}

int ProcFiles_fdCount(pid_t pid) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
   struct stat st;
   if (stat(path, &st) != 0)
      return -1;
   /* Older kernels give 0: then the entries are counted. */
   if (st.st_size > 0)
      return st.st_size > INT32_MAX ? INT32_MAX : (int)st.st_size;
   DIR* dir = ProcFiles_openDir(pid, "fd");
   if (!dir)
      return -1;
   int count = 0;
   struct dirent* e;
   while ((e = readdir(dir)) != NULL)
      count += e->d_name[0] != '.';
   closedir(dir);
   return count;
}

bool ProcFiles_openFilesLimit(pid_t pid, uint64_t* soft, bool* unlimited) {
   char text[4096];
   return ProcFiles_read(pid, "limits", text, sizeof(text)) > 0 &&
          ProcParse_openFilesLimit(text, soft, unlimited);
}

int ProcFiles_children(pid_t pid, pid_t** list, int count, int* capacity) {
   DIR* dir = ProcFiles_openDir(pid, "task");
   if (!dir)
      return count;
   struct dirent* entry;
   while ((entry = readdir(dir)) != NULL) {
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
         continue;
      char rel[300];
      char text[4096];
      if (snprintf(rel, sizeof(rel), "%s/children", entry->d_name) >= (int)sizeof(rel) ||
          XUtils_readFileAt(dirfd(dir), rel, text, sizeof(text)) <= 0)
         continue;
      pid_t found[512];
      int n = ProcParse_childrenList(text, found, 512);
      for (int i = 0; i < n; i++) {
         if (count == *capacity) {
            *capacity = *capacity ? *capacity * 2 : 16;
            *list = xReallocArray(*list, (size_t)*capacity, sizeof(pid_t));
         }
         (*list)[count++] = found[i];
      }
   }
   closedir(dir);
   return count;
}

ssize_t ProcFiles_read(pid_t pid, const char* name, char* buf, size_t size) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
   return XUtils_readFileAt(AT_FDCWD, path, buf, size);
}

bool ProcFiles_sample(pid_t pid, ProcStat* stat, ProcStatus* status) {
   char text[4096];
   if (ProcFiles_read(pid, "stat", text, sizeof(text)) <= 0 || !ProcParse_stat(text, stat))
      return false;
   if (ProcFiles_read(pid, "status", text, sizeof(text)) <= 0)
      return false;
   ProcParse_status(text, status);
   return true;
}

bool ProcFiles_exitDescription(pid_t pid, char* out, size_t outSize) {
   char text[1024];
   int status;
   if (ProcFiles_read(pid, "stat", text, sizeof(text)) <= 0 ||
       !ProcParse_statExitCode(text, &status))
      return false;
   ProcParse_describeWaitStatus(status, out, outSize);
   return true;
}

bool ProcFiles_command(pid_t pid, char* text, size_t textSize, char* name, size_t nameSize) {
   /* Longer command lines are cut: enough to recognise a service. */
   char raw[4096];
   ssize_t n = ProcFiles_read(pid, "cmdline", raw, sizeof(raw));
   if (n > 0) {
      Text_sanitize(raw, (size_t)n, text, textSize);
      char rawName[256];
      ProcParse_commandName(raw, (size_t)n, rawName, sizeof(rawName));
      Text_sanitize(rawName, strlen(rawName), name, nameSize);
      if (name[0])
         return true;
   }
   n = ProcFiles_read(pid, "comm", raw, sizeof(raw));
   if (n <= 0)
      return false;
   Text_sanitize(raw, strcspn(raw, "\n"), name, nameSize);
   if (textSize > 2)
      snprintf(text, textSize, "[%s]", name);
   return true;
}

bool ProcFiles_isPython(pid_t pid) {
   char path[64];
   char exe[4096];
   snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
   ssize_t n = readlink(path, exe, sizeof(exe) - 1);
   if (n > 0) {
      exe[n] = '\0';
      if (ProcParse_isPythonPath(exe))
         return true;
   }
   /* Embedders (uwsgi) and loader-run interpreters show Python only in maps;
      a bounded read is enough because the interpreter is mapped early. */
   char maps[64 * 1024];
   if (ProcFiles_read(pid, "maps", maps, sizeof(maps)) <= 0)
      return false;
   return ProcParse_mapsHavePython(maps);
}

int ProcFiles_smapsAccess(pid_t pid) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
   int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
   if (fd < 0)
      return errno;
   char byte;
   ssize_t n = read(fd, &byte, 1);
   int err = n < 0 ? errno : 0;
   close(fd);
   return err;
}

const char* ProcFiles_explainSmapsError(int err) {
   switch (err) {
   case EACCES:
   case EPERM:
      if (geteuid() == 0)
         return "permission denied even to root: the process is not dumpable (it changed "
                "credentials or called prctl(PR_SET_DUMPABLE, 0)), or it lives in a user "
                "namespace leaktop's capabilities do not reach";
      return "permission denied: reading it needs the same uid as the process or "
             "CAP_SYS_PTRACE; run leaktop as the service's user or as root";
   case ENOENT:
      return "missing: the kernel has no smaps_rollup (needs Linux 4.14 or later)";
   case ENODATA:
      return "read back empty";
   default:
      return strerror(err);
   }
}

double ProcFiles_bootTime(void) {
   /* The intr line before btime grows with the interrupt count: read generously. */
   const size_t size = 1 << 20;
   char* text = xMalloc(size);
   uint64_t btime = 0;
   bool ok = XUtils_readFileAt(AT_FDCWD, "/proc/stat", text, size) > 0 &&
             ProcParse_keyedValue(text, "btime", &btime);
   free(text);
   return ok ? (double)btime : 0;
}
