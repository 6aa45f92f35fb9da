#include "config.h"

#include "util/XUtils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void XUtils_outOfMemory(void) {
   /* Nothing sensible can continue without memory; exit rather than limp. */
   fputs("leaktop: out of memory\n", stderr);
   abort();
}

void* xMalloc(size_t size) {
   void* p = malloc(size ? size : 1);
   if (!p)
      XUtils_outOfMemory();
   return p;
}

void* xCalloc(size_t count, size_t size) {
   void* p = calloc(count ? count : 1, size ? size : 1);
   if (!p)
      XUtils_outOfMemory();
   return p;
}

void* xReallocArray(void* ptr, size_t count, size_t size) {
   void* p = reallocarray(ptr, count ? count : 1, size ? size : 1);
   if (!p)
      XUtils_outOfMemory();
   return p;
}

char* xStrdup(const char* s) {
   char* p = strdup(s);
   if (!p)
      XUtils_outOfMemory();
   return p;
}

ssize_t XUtils_readFileAt(int dirfd, const char* path, char* buf, size_t size) {
   int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
   if (fd < 0)
      return -errno;
   size_t used = 0;
   while (used + 1 < size) {
      ssize_t n = read(fd, buf + used, size - 1 - used);
      if (n < 0) {
         if (errno == EINTR)
            continue;
         int err = errno;
         close(fd);
         return -err;
      }
      if (n == 0)
         break;
      used += (size_t)n;
   }
   close(fd);
   buf[used] = '\0';
   return (ssize_t)used;
}

int XUtils_openPrivateDir(char* path, size_t size) {
   snprintf(path, size, "/tmp/leaktop-%u", (unsigned)geteuid());
   if (mkdir(path, 0700) < 0 && errno != EEXIST)
      return -1;
   int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   if (fd < 0)
      return -1;
   struct stat st;
   if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
      close(fd);
      errno = EPERM;
      return -1;
   }
   return fd;
}

double XUtils_monotonicNow(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double XUtils_wallNow(void) {
   struct timespec ts;
   clock_gettime(CLOCK_REALTIME, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void XUtils_sleepMs(int ms) {
   struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000L};
   nanosleep(&pause, NULL);
}
