#ifndef HEADER_XUtils
#define HEADER_XUtils
/* Allocation that cannot return NULL, and small bounded file reads. */

#include <stddef.h>
#include <sys/types.h>

void* xMalloc(size_t size);
void* xCalloc(size_t count, size_t size);
void* xReallocArray(void* ptr, size_t count, size_t size);
char* xStrdup(const char* s);

/* Reads at most size-1 bytes of path (relative to dirfd, or absolute) into
   buf, NUL-terminated, without following a final symlink. Returns the byte
   count, or -errno. */
ssize_t XUtils_readFileAt(int dirfd, const char* path, char* buf, size_t size);

/* leaktop's own directory for the files it writes, /tmp/leaktop-EUID (the
   name the snapshot collector uses), made mode 0700 if missing. A symlink,
   or a directory of another owner or open to group or others, is refused
   (EPERM). Returns an O_DIRECTORY descriptor and the path in path, or -1
   with errno. */
int XUtils_openPrivateDir(char* path, size_t size);

/* Monotonic seconds, for intervals and history time stamps. */
double XUtils_monotonicNow(void);
/* Wall-clock seconds since the epoch, for what is shown to people. */
double XUtils_wallNow(void);
/* Sleeps ms milliseconds (a signal may cut it short). */
void XUtils_sleepMs(int ms);

#endif
