#include "config.h"

#include "target/ProcMaps.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/ProcParse.h"
#include "util/XUtils.h"

static bool ProcMaps_parseLine(const char* line, size_t len, MapEntry* entry) {
   char text[4352];
   if (len >= sizeof(text))
      return false;
   memcpy(text, line, len);
   text[len] = '\0';
   char perms[5];
   int pathAt = 0;
   /* start-end perms offset dev inode [path] */
   if (sscanf(text, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %*s %n", &entry->start,
              &entry->end, perms, &entry->offset, &pathAt) < 4 ||
       pathAt == 0)
      return false;
   entry->exec = perms[2] == 'x';
   entry->write = perms[1] == 'w';
   const char* path = text + pathAt;
   entry->path = *path ? xStrdup(path) : NULL;
   return true;
}

void ProcMaps_parse(ProcMaps* maps, const char* text) {
   int capacity = 0;
   maps->entries = NULL;
   maps->count = 0;
   for (const char* line = text; *line;) {
      const char* nl = strchr(line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen(line);
      MapEntry entry;
      if (ProcMaps_parseLine(line, len, &entry)) {
         if (maps->count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            maps->entries = xReallocArray(maps->entries, (size_t)capacity, sizeof(MapEntry));
         }
         maps->entries[maps->count++] = entry;
      }
      line += len + (nl ? 1 : 0);
   }
}

bool ProcMaps_read(ProcMaps* maps, pid_t pid) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
   int fd = open(path, O_RDONLY | O_CLOEXEC);
   if (fd < 0)
      return false;
   size_t size = 0, capacity = 65536;
   char* text = xMalloc(capacity);
   for (;;) {
      if (capacity - size < 4096) {
         capacity *= 2;
         text = xReallocArray(text, capacity, 1);
      }
      ssize_t n = read(fd, text + size, capacity - size - 1);
      if (n < 0 && errno == EINTR)
         continue;
      if (n <= 0) {
         int saved = errno;
         close(fd);
         text[size] = '\0';
         if (n < 0) {
            free(text);
            errno = saved;
            return false;
         }
         break;
      }
      size += (size_t)n;
   }
   ProcMaps_parse(maps, text);
   free(text);
   /* A process that is gone, or not ours to read, gives an empty file. */
   if (maps->count == 0) {
      errno = ESRCH;
      return false;
   }
   return true;
}

void ProcMaps_done(ProcMaps* maps) {
   for (int i = 0; i < maps->count; i++)
      free(maps->entries[i].path);
   free(maps->entries);
   maps->entries = NULL;
   maps->count = 0;
}

const MapEntry* ProcMaps_find(const ProcMaps* maps, uint64_t addr) {
   int lo = 0, hi = maps->count - 1;
   while (lo <= hi) {
      int mid = lo + (hi - lo) / 2;
      const MapEntry* e = &maps->entries[mid];
      if (addr < e->start)
         hi = mid - 1;
      else if (addr >= e->end)
         lo = mid + 1;
      else
         return e;
   }
   return NULL;
}

uint64_t ProcMaps_fileBase(const ProcMaps* maps, const char* path) {
   for (int i = 0; i < maps->count; i++) {
      const MapEntry* e = &maps->entries[i];
      if (e->offset == 0 && e->path && strcmp(e->path, path) == 0)
         return e->start;
   }
   return 0;
}

void ProcMaps_targetPath(const ProcMaps* maps, pid_t pid, const char* path, char* out,
                         size_t outSize) {
   snprintf(out, outSize, "/proc/%d/root%s", (int)pid, path);
   if (access(out, F_OK) == 0)
      return;
   for (int i = 0; i < maps->count; i++) {
      const MapEntry* e = &maps->entries[i];
      if (e->offset == 0 && e->path && strcmp(e->path, path) == 0) {
         snprintf(out, outSize, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid, e->start,
                  e->end);
         return;
      }
   }
}

const char* ProcMaps_library(const ProcMaps* maps, const char* prefix) {
   size_t len = strlen(prefix);
   for (int i = 0; i < maps->count; i++) {
      const char* path = maps->entries[i].path;
      if (!path || path[0] != '/')
         continue;
      const char* base = strrchr(path, '/') + 1;
      if (strncmp(base, prefix, len) == 0 && strstr(base, ".so"))
         return path;
   }
   return NULL;
}

const char* ProcMaps_libpython(const ProcMaps* maps) {
   return ProcMaps_library(maps, "libpython3.");
}

const char* ProcMaps_pythonExecutable(const ProcMaps* maps) {
   for (int i = 0; i < maps->count; i++) {
      const char* path = maps->entries[i].path;
      if (path && path[0] == '/' && strncmp(strrchr(path, '/') + 1, "lib", 3) != 0 &&
          ProcParse_isPythonPath(path))
         return path;
   }
   return NULL;
}
