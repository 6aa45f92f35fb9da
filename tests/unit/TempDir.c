#include "config.h"

#include "TempDir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int TempDir_make(char* out, size_t size, const char* prefix) {
   const char* tmp = getenv("TMPDIR");
   int n = snprintf(out, size, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
   if (n < 0 || (size_t)n >= size)
      return -1;
   return mkdtemp(out) ? 0 : -1;
}

static int TempDir_removeEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
   (void)st;
   (void)flag;
   (void)ftw;
   return remove(path);
}

int TempDir_remove(const char* path) {
   /* FTW_PHYS: a link a test made is removed, never followed. */
   return nftw(path, TempDir_removeEntry, 16, FTW_DEPTH | FTW_PHYS);
}
