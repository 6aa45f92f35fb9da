#include "config.h"

#include "inject/RequestFile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_DIR_MODE 0711
/* A script the interpreter has not read in this long was left by a
   leaktop that died before it could remove it. */
#define REQUEST_STALE_AGE (10 * 60)

static void RequestFile_dirName(char* out, size_t size) {
   snprintf(out, size, "leaktop-requests-%u", (unsigned)geteuid());
}

/* leaktop's directory in the target's /tmp, created if missing; -1 with
   err set when it is not leaktop's own or others may write into it. */
static int RequestFile_openDir(pid_t pid, bool create, char* err, size_t errSize) {
   char tmp[64], name[64];
   snprintf(tmp, sizeof(tmp), "/proc/%d/root/tmp", (int)pid);
   RequestFile_dirName(name, sizeof(name));
   int tmpFd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   if (tmpFd < 0) {
      snprintf(err, errSize, "cannot open the target's /tmp (%s): %s", tmp, strerror(errno));
      return -1;
   }
   if (create && mkdirat(tmpFd, name, REQUEST_DIR_MODE) < 0 && errno != EEXIST) {
      snprintf(err, errSize, "cannot create /tmp/%s in the target's file system: %s", name,
               strerror(errno));
      close(tmpFd);
      return -1;
   }
   int fd = openat(tmpFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   int saved = errno;
   close(tmpFd);
   struct stat st;
   if (fd < 0) {
      if (create)
         snprintf(err, errSize, "/tmp/%s is not a directory leaktop can use: %s", name,
                  strerror(saved));
      return -1;
   }
   if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
      snprintf(err, errSize,
               "/tmp/%s in the target's file system is not leaktop's own (owner %u, mode %03o): "
               "remove it and try again",
               name, (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777));
      close(fd);
      return -1;
   }
   /* mkdir honours the umask; the worker needs the search bit. */
   if ((st.st_mode & 0777) != REQUEST_DIR_MODE)
      fchmod(fd, REQUEST_DIR_MODE);
   return fd;
}

static void RequestFile_fileName(pid_t nspid, unsigned seq, char* out, size_t size) {
   snprintf(out, size, "req-%d-%u.py", (int)nspid, seq);
}

static void RequestFile_removeAbandoned(int dirFd) {
   int fd = dup(dirFd);
   DIR* dir = fd >= 0 ? fdopendir(fd) : NULL;
   if (!dir) {
      if (fd >= 0)
         close(fd);
      return;
   }
   time_t old = time(NULL) - REQUEST_STALE_AGE;
   struct dirent* e;
   struct stat st;
   while ((e = readdir(dir)) != NULL) {
      size_t n = strlen(e->d_name);
      if (strncmp(e->d_name, "req-", 4) == 0 && n > 3 && strcmp(e->d_name + n - 3, ".py") == 0 &&
          fstatat(dirFd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mtime < old)
         unlinkat(dirFd, e->d_name, 0);
   }
   closedir(dir);
}

bool RequestFile_write(pid_t pid, pid_t nspid, unsigned seq, const char* text, size_t len,
                       char* targetPath, size_t targetPathSize, char* err, size_t errSize) {
   int dir = RequestFile_openDir(pid, true, err, errSize);
   if (dir < 0)
      return false;
   char name[64], dirName[64];
   RequestFile_fileName(nspid, seq, name, sizeof(name));
   RequestFile_dirName(dirName, sizeof(dirName));
   RequestFile_removeAbandoned(dir);
   unlinkat(dir, name, 0); /* a leftover of an earlier leaktop with the same numbers */
   int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
   bool ok = fd >= 0 && fchmod(fd, 0644) == 0 && write(fd, text, len) == (ssize_t)len;
   int saved = errno;
   if (fd >= 0)
      close(fd);
   if (!ok) {
      snprintf(err, errSize, "cannot write the request file /tmp/%s/%s: %s", dirName, name,
               strerror(saved));
      unlinkat(dir, name, 0);
      close(dir);
      return false;
   }
   close(dir);
   snprintf(targetPath, targetPathSize, "/tmp/%s/%s", dirName, name);
   return true;
}

void RequestFile_remove(pid_t pid, pid_t nspid, unsigned seq) {
   char err[256], name[64];
   int dir = RequestFile_openDir(pid, false, err, sizeof(err));
   if (dir < 0)
      return;
   RequestFile_fileName(nspid, seq, name, sizeof(name));
   unlinkat(dir, name, 0);
   close(dir);
}
