#include "config.h"

#include "record/RecordingFinder.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/StoreDir.h"
#include "sample/ProcFiles.h"

static void RecordingFinder_add(RecordingPlaces* out, const char* dir) {
   for (int i = 0; i < out->count; i++)
      if (strcmp(out->dirs[i], dir) == 0)
         return;
   if (out->count < RECORDING_FINDER_MAX)
      snprintf(out->dirs[out->count++], sizeof(out->dirs[0]), "%s", dir);
}

/* The directory of the recorder pid, from its argv; false when pid is no
   `leaktop record`, or its directory cannot be told. */
static bool RecordingFinder_dirOf(pid_t pid, char* out, size_t size) {
   char argv[8192];
   ssize_t n = ProcFiles_read(pid, "cmdline", argv, sizeof(argv) - 1);
   if (n <= 0)
      return false;
   argv[n] = '\0';
   const char* args[64];
   int argc = 0;
   for (char* a = argv; a < argv + n && argc < 64; a += strlen(a) + 1)
      args[argc++] = a;
   const char* base = strrchr(args[0], '/');
   base = base ? base + 1 : args[0];
   if (argc < 2 || strcmp(base, "leaktop") != 0 || strcmp(args[1], "record") != 0)
      return false;
   const char* dir = NULL;
   for (int i = 2; i < argc; i++) {
      if (strcmp(args[i], "--dir") == 0 && i + 1 < argc)
         dir = args[i + 1];
      else if (strncmp(args[i], "--dir=", 6) == 0)
         dir = args[i] + 6;
   }
   if (!dir) {
      struct stat st;
      char path[64];
      snprintf(path, sizeof(path), "/proc/%d", (int)pid);
      /* A recorder of another user writes under its own home, which only
         its environment names. */
      if (stat(path, &st) < 0 || st.st_uid != 0)
         return false;
      snprintf(out, size, "/var/lib/leaktop");
      return true;
   }
   if (dir[0] == '/') {
      snprintf(out, size, "%s", dir);
      return true;
   }
   char link[64], cwd[4096];
   snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
   ssize_t len = readlink(link, cwd, sizeof(cwd) - 1);
   if (len <= 0)
      return false;
   cwd[len] = '\0';
   snprintf(out, size, "%.2000s/%.2000s", cwd, dir);
   return true;
}

void RecordingFinder_find(RecordingPlaces* out) {
   out->count = 0;
   DIR* proc = opendir("/proc");
   if (proc) {
      struct dirent* e;
      while ((e = readdir(proc)) != NULL) {
         if (!isdigit((unsigned char)e->d_name[0]))
            continue;
         pid_t pid = (pid_t)atoi(e->d_name);
         char dir[4096];
         if (pid != getpid() && RecordingFinder_dirOf(pid, dir, sizeof(dir)))
            RecordingFinder_add(out, dir);
      }
      closedir(proc);
   }
   char dir[4096], err[256];
   if (StoreDir_default(dir, sizeof(dir), err, sizeof(err)))
      RecordingFinder_add(out, dir);
}
