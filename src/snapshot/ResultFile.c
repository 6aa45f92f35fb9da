#include "config.h"

#include "snapshot/ResultFile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/XUtils.h"

static ResultFileStatus ResultFile_fail(ResultFileResult* out, ResultFileStatus status,
                                        const char* fmt, ...) __attribute__((format(printf, 3, 4)));

static ResultFileStatus ResultFile_fail(ResultFileResult* out, ResultFileStatus status,
                                        const char* fmt, ...) {
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(out->message, sizeof(out->message), fmt, ap);
   va_end(ap);
   out->status = status;
   return status;
}

static const char* ResultFile_kind(mode_t mode) {
   if (S_ISLNK(mode))
      return "a symbolic link";
   if (S_ISFIFO(mode))
      return "a FIFO";
   if (S_ISCHR(mode) || S_ISBLK(mode))
      return "a device";
   if (S_ISDIR(mode))
      return "a directory";
   if (S_ISSOCK(mode))
      return "a socket";
   return "not a regular file";
}

/* Opens ROOT/tmp/leaktop-U for reading, one component at a time and
   without following a link below ROOT (an absolute link inside a container
   would otherwise resolve in leaktop's own root). ROOT itself is followed:
   /proc/PID/root is a magic link to the target's root on purpose. */
static ResultFileStatus ResultFile_openDir(const char* root, uid_t owner, int* dirFd,
                                           ResultFileResult* out) {
   int rootFd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
   if (rootFd < 0)
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot open %s: %s", root, strerror(errno));
   struct stat st;
   int tmpFd = openat(rootFd, "tmp", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   if (tmpFd < 0) {
      int err = errno;
      bool link = fstatat(rootFd, "tmp", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
      close(rootFd);
      if (err == ENOENT)
         return RESULTFILE_ABSENT;
      if (link || err == ELOOP || err == ENOTDIR)
         return ResultFile_fail(out, RESULTFILE_DIR_UNSAFE, "%s/tmp is %s", root,
                                link ? "a symbolic link" : "not a directory");
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot open %s/tmp: %s", root, strerror(err));
   }
   close(rootFd);
   char name[32];
   snprintf(name, sizeof(name), "leaktop-%u", (unsigned)owner);
   int fd = openat(tmpFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   int err = errno;
   bool link = fd < 0 && fstatat(tmpFd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
   close(tmpFd);
   if (fd < 0) {
      if (err == ENOENT)
         return RESULTFILE_ABSENT;
      if (link || err == ELOOP || err == ENOTDIR)
         return ResultFile_fail(out, RESULTFILE_DIR_UNSAFE, "%s/tmp/%s is %s", root, name,
                                link ? "a symbolic link" : "not a directory");
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot open %s/tmp/%s: %s", root, name,
                             strerror(err));
   }
   if (fstat(fd, &st) < 0) {
      err = errno;
      close(fd);
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot stat %s/tmp/%s: %s", root, name,
                             strerror(err));
   }
   /* Anyone else able to write there could swap the result under us. */
   if (st.st_uid != owner || (st.st_mode & 077) != 0) {
      close(fd);
      return ResultFile_fail(out, RESULTFILE_DIR_UNSAFE,
                             "%s/tmp/%s belongs to uid %u with mode %04o; it must be uid %u's "
                             "alone (0700)",
                             root, name, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                             (unsigned)owner);
   }
   *dirFd = fd;
   return RESULTFILE_READ;
}

/* Reads at most limit bytes of a regular file; -1 when it holds more. */
static ssize_t ResultFile_readAll(int fd, char* buf, size_t limit) {
   size_t used = 0;
   for (;;) {
      ssize_t n = read(fd, buf + used, limit + 1 - used);
      if (n < 0 && errno == EINTR)
         continue;
      if (n < 0)
         return -2;
      if (n == 0)
         return (ssize_t)used;
      used += (size_t)n;
      if (used > limit)
         return -1;
   }
}

/* Checks the file behind an O_PATH descriptor, which opened nothing: a
   FIFO or a device is refused before any open could block or act. */
static ResultFileStatus ResultFile_check(const struct stat* st, uid_t owner, size_t limit,
                                         ResultFileResult* out, const char* path) {
   if (S_ISLNK(st->st_mode))
      return ResultFile_fail(out, RESULTFILE_SYMLINK, "refused %s: a symbolic link", path);
   if (!S_ISREG(st->st_mode))
      return ResultFile_fail(out, RESULTFILE_NOT_REGULAR, "refused %s: %s", path,
                             ResultFile_kind(st->st_mode));
   if (st->st_uid != owner)
      return ResultFile_fail(out, RESULTFILE_WRONG_OWNER, "refused %s: owned by uid %u, not %u",
                             path, (unsigned)st->st_uid, (unsigned)owner);
   /* The collector renames a fresh file into place: one link. */
   if (st->st_nlink != 1)
      return ResultFile_fail(out, RESULTFILE_NOT_REGULAR, "refused %s: it has %lu hard links", path,
                             (unsigned long)st->st_nlink);
   if ((size_t)st->st_size > limit)
      return ResultFile_fail(out, RESULTFILE_TOO_LARGE, "refused %s: %lld bytes, limit %zu", path,
                             (long long)st->st_size, limit);
   return RESULTFILE_READ;
}

/* Reads the file an O_PATH descriptor names, reopened through
   /proc/self/fd: the same inode, already known to be a regular file. */
static ResultFileStatus ResultFile_readPath(int pathFd, const struct stat* checked, size_t limit,
                                            ResultFileResult* out, const char* path) {
   char self[64];
   snprintf(self, sizeof(self), "/proc/self/fd/%d", pathFd);
   int fd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
   if (fd < 0)
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot read %s: %s", path, strerror(errno));
   struct stat st;
   if (fstat(fd, &st) < 0 || st.st_ino != checked->st_ino || st.st_dev != checked->st_dev) {
      close(fd);
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot read %s: it changed", path);
   }
   char* buf = xMalloc(limit + 2);
   ssize_t n = ResultFile_readAll(fd, buf, limit);
   int err = errno;
   close(fd);
   if (n < 0) {
      free(buf);
      if (n == -1)
         return ResultFile_fail(out, RESULTFILE_TOO_LARGE, "refused %s: grew past %zu bytes", path,
                                limit);
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot read %s: %s", path, strerror(err));
   }
   buf[n] = '\0';
   out->text = buf;
   out->length = (size_t)n;
   out->status = RESULTFILE_READ;
   return RESULTFILE_READ;
}

ResultFileStatus ResultFile_readIn(const char* root, uid_t owner, pid_t nsPid, long seq,
                                   size_t limit, ResultFileResult* out) {
   memset(out, 0, sizeof(*out));
   int dirFd;
   ResultFileStatus status = ResultFile_openDir(root, owner, &dirFd, out);
   if (status != RESULTFILE_READ)
      return out->status = status;
   char name[64], path[sizeof(name) + 4096];
   snprintf(name, sizeof(name), "snapshot-%d-%ld.json", (int)nsPid, seq);
   snprintf(path, sizeof(path), "%s/tmp/leaktop-%u/%s", root, (unsigned)owner, name);
   int pathFd = openat(dirFd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
   if (pathFd < 0) {
      int err = errno;
      close(dirFd);
      if (err == ENOENT)
         return out->status = RESULTFILE_ABSENT;
      return ResultFile_fail(out, RESULTFILE_ERROR, "cannot open %s: %s", path, strerror(err));
   }
   struct stat st;
   if (fstat(pathFd, &st) < 0)
      status = ResultFile_fail(out, RESULTFILE_ERROR, "cannot stat %s: %s", path, strerror(errno));
   else
      status = ResultFile_check(&st, owner, limit, out, path);
   if (status == RESULTFILE_READ)
      status = ResultFile_readPath(pathFd, &st, limit, out, path);
   close(pathFd);
   /* Read or refused, the name has served; a directory stays (EISDIR). */
   if (status != RESULTFILE_ERROR && unlinkat(dirFd, name, 0) == 0 && status != RESULTFILE_READ) {
      size_t used = strlen(out->message);
      snprintf(out->message + used, sizeof(out->message) - used, " (removed)");
   }
   close(dirFd);
   return status;
}

static void ResultFile_rootOf(pid_t hostPid, char* root, size_t size) {
   snprintf(root, size, "/proc/%d/root", (int)hostPid);
}

ResultFileStatus ResultFile_read(pid_t hostPid, uid_t owner, pid_t nsPid, long seq,
                                 ResultFileResult* out) {
   char root[64];
   ResultFile_rootOf(hostPid, root, sizeof(root));
   return ResultFile_readIn(root, owner, nsPid, seq, RESULTFILE_MAX_BYTES, out);
}

void ResultFile_done(ResultFileResult* r) {
   free(r->text);
   r->text = NULL;
   r->length = 0;
}

bool ResultFile_refused(ResultFileStatus status) {
   return status != RESULTFILE_ABSENT && status != RESULTFILE_READ && status != RESULTFILE_ERROR;
}

static bool ResultFile_hasAffixes(const char* name, const char* prefix, const char* suffix) {
   size_t n = strlen(name), p = strlen(prefix), s = strlen(suffix);
   return n > p + s && strncmp(name, prefix, p) == 0 && strcmp(name + n - s, suffix) == 0;
}

int ResultFile_removeStaleIn(const char* root, uid_t owner, pid_t nsPid) {
   ResultFileResult scratch;
   memset(&scratch, 0, sizeof(scratch));
   int dirFd;
   if (ResultFile_openDir(root, owner, &dirFd, &scratch) != RESULTFILE_READ)
      return scratch.status == RESULTFILE_ABSENT ? 0 : -1;
   DIR* dir = fdopendir(dirFd);
   if (!dir) {
      close(dirFd);
      return -1;
   }
   char result[32], temporary[32];
   snprintf(result, sizeof(result), "snapshot-%d-", (int)nsPid);
   snprintf(temporary, sizeof(temporary), ".snapshot-%d-", (int)nsPid);
   time_t old = time(NULL) - RESULTFILE_STALE_AGE;
   int removed = 0;
   struct dirent* e;
   while ((e = readdir(dir)) != NULL) {
      bool mine = ResultFile_hasAffixes(e->d_name, result, ".json") ||
                  ResultFile_hasAffixes(e->d_name, temporary, ".tmp");
      /* Other processes' results nobody came back for (their requester
         gave up, or they died) go once they are old. */
      struct stat st;
      bool abandoned = !mine &&
                       (ResultFile_hasAffixes(e->d_name, "snapshot-", ".json") ||
                        ResultFile_hasAffixes(e->d_name, ".snapshot-", ".tmp")) &&
                       fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                       st.st_mtime < old;
      if ((mine || abandoned) && unlinkat(dirfd(dir), e->d_name, 0) == 0)
         removed++;
   }
   closedir(dir);
   return removed;
}

int ResultFile_removeStale(pid_t hostPid, uid_t owner, pid_t nsPid) {
   char root[64];
   ResultFile_rootOf(hostPid, root, sizeof(root));
   return ResultFile_removeStaleIn(root, owner, nsPid);
}
