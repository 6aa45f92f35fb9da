#include "config.h"

#include "util/PrivateStore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/XUtils.h"

/* A temporary file older than this was left by a leaktop that died. */
#define PRIVATESTORE_TMP_AGE 60

/* Opens one component below fd, made 0700 when missing; it must be ours
   and no link. Closes fd. */
static int PrivateStore_step(PrivateStore* this, int fd, const char* c, struct stat* st, char* err,
                             size_t errSize) {
   if (mkdirat(fd, c, 0700) < 0 && errno != EEXIST) {
      snprintf(err, errSize, "cannot create %s: %s", this->path, strerror(errno));
      close(fd);
      return -1;
   }
   int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   int e = errno;
   close(fd);
   if (next < 0) {
      snprintf(err, errSize, "cannot use %s: %s is %s", this->path, c,
               e == ELOOP || e == ENOTDIR ? "a symbolic link or not a directory" : strerror(e));
      return -1;
   }
   if (fstat(next, st) < 0) {
      snprintf(err, errSize, "cannot use %s: %s", this->path, strerror(errno));
      close(next);
      return -1;
   }
   if (st->st_uid != geteuid()) {
      snprintf(err, errSize, "refusing %s: %s belongs to uid %u, not to you (%u)", this->path, c,
               (unsigned)st->st_uid, (unsigned)geteuid());
      close(next);
      return -1;
   }
   return next;
}

bool PrivateStore_openIn(PrivateStore* this, const char* base, const char* sub, const char* suffix,
                         char* err, size_t errSize) {
   this->dirFd = -1;
   snprintf(this->path, sizeof(this->path), "%s/%s", base, sub);
   snprintf(this->suffix, sizeof(this->suffix), "%s", suffix);
   int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (fd < 0) {
      snprintf(err, errSize, "cannot open %s: %s", base, strerror(errno));
      return false;
   }
   char components[512];
   snprintf(components, sizeof(components), "%s", sub);
   char* save = NULL;
   struct stat st = {0};
   for (char* c = strtok_r(components, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
      fd = PrivateStore_step(this, fd, c, &st, err, errSize);
      if (fd < 0)
         return false;
   }
   if ((st.st_mode & 077) != 0) {
      snprintf(err, errSize, "refusing %s: mode %04o lets others in (chmod 700 it)", this->path,
               (unsigned)(st.st_mode & 07777));
      close(fd);
      return false;
   }
   this->dirFd = fd;
   return true;
}

bool PrivateStore_openState(PrivateStore* this, const char* leaf, const char* suffix, char* err,
                            size_t errSize) {
   const char* state = getenv("XDG_STATE_HOME");
   const char* home = getenv("HOME");
   char sub[128];
   /* The XDG base directory spec ignores a relative XDG_STATE_HOME. */
   if (state && state[0] == '/') {
      /* The XDG spec has applications create it, 0700, when missing. */
      mkdir(state, 0700);
      snprintf(sub, sizeof(sub), "leaktop/%s", leaf);
      return PrivateStore_openIn(this, state, sub, suffix, err, errSize);
   }
   if (home && home[0] == '/') {
      snprintf(sub, sizeof(sub), ".local/state/leaktop/%s", leaf);
      return PrivateStore_openIn(this, home, sub, suffix, err, errSize);
   }
   this->dirFd = -1;
   snprintf(err, errSize, "no place for %s: neither XDG_STATE_HOME nor HOME is set", leaf);
   return false;
}

void PrivateStore_close(PrivateStore* this) {
   if (this->dirFd >= 0)
      close(this->dirFd);
   this->dirFd = -1;
}

static bool PrivateStore_parseName(const PrivateStore* this, const char* name, PrivateEntry* e) {
   int pid, used = 0;
   size_t len = strlen(name);
   if (len >= sizeof(e->name))
      return false;
   memset(e, 0, sizeof(*e));
   memcpy(e->name, name, len + 1);
   if (strncmp(name, ".tmp-", 5) == 0) {
      e->temporary = true;
      return true;
   }
   if (sscanf(name, "%d-%llu-%u%n", &pid, &e->ticks, &e->number, &used) != 3 || pid <= 0 ||
       strcmp(name + used, this->suffix) != 0)
      return false;
   e->pid = (pid_t)pid;
   return true;
}

int PrivateStore_list(const PrivateStore* this, PrivateEntry** out) {
   *out = NULL;
   int fd = dup(this->dirFd);
   DIR* dir = fd >= 0 ? fdopendir(fd) : NULL;
   if (!dir) {
      if (fd >= 0)
         close(fd);
      return 0;
   }
   rewinddir(dir);
   int count = 0, capacity = 0;
   PrivateEntry e;
   struct dirent* d;
   while ((d = readdir(dir)) != NULL) {
      struct stat st;
      if (!PrivateStore_parseName(this, d->d_name, &e) ||
          fstatat(this->dirFd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
         continue;
      e.mtime = st.st_mtim;
      e.ctime = st.st_ctim;
      e.size = st.st_size;
      if (count == capacity) {
         capacity = capacity ? capacity * 2 : 32;
         *out = xReallocArray(*out, (size_t)capacity, sizeof(PrivateEntry));
      }
      (*out)[count++] = e;
   }
   closedir(dir);
   return count;
}

const PrivateEntry* PrivateStore_newest(const PrivateEntry* entries, int count, pid_t pid,
                                        unsigned long long ticks) {
   const PrivateEntry* newest = NULL;
   for (int i = 0; i < count; i++) {
      const PrivateEntry* e = &entries[i];
      if (!e->temporary && e->pid == pid && e->ticks == ticks &&
          (!newest || e->number > newest->number))
         newest = e;
   }
   return newest;
}

static bool PrivateStore_writeAll(int fd, const char* text, size_t len) {
   while (len > 0) {
      ssize_t n = write(fd, text, len);
      if (n < 0 && errno == EINTR)
         continue;
      if (n <= 0)
         return false;
      text += n;
      len -= (size_t)n;
   }
   return true;
}

/* Writes text to tmp, then renames it to name: a reader (the recorder)
   never sees half a file under a result's name. 0 or an errno. */
static int PrivateStore_writeFile(PrivateStore* this, const char* tmp, const char* name,
                                  const char* text, size_t len) {
   int fd = openat(this->dirFd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
   if (fd < 0)
      return errno;
   int e = PrivateStore_writeAll(fd, text, len) ? 0 : errno;
   if (close(fd) < 0 && !e)
      e = errno;
   if (!e && renameat(this->dirFd, tmp, this->dirFd, name) < 0)
      e = errno;
   if (e)
      unlinkat(this->dirFd, tmp, 0);
   return e;
}

bool PrivateStore_write(PrivateStore* this, pid_t pid, unsigned long long ticks, const char* text,
                        size_t len, unsigned keep, char* name, size_t nameSize, char* err,
                        size_t errSize) {
   PrivateEntry* entries;
   int count = PrivateStore_list(this, &entries);
   const PrivateEntry* newest = PrivateStore_newest(entries, count, pid, ticks);
   unsigned number = newest ? newest->number + 1 : 1;
   char file[64], tmp[96];
   snprintf(file, sizeof(file), "%d-%llu-%u%s", (int)pid, ticks, number, this->suffix);
   snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), file);
   int e = PrivateStore_writeFile(this, tmp, file, text, len);
   if (e) {
      snprintf(err, errSize, "cannot save in %s: %s", this->path, strerror(e));
      free(entries);
      return false;
   }
   for (int i = 0; i < count; i++) {
      const PrivateEntry* old = &entries[i];
      if (!old->temporary && old->pid == pid && old->ticks == ticks && old->number + keep <= number)
         unlinkat(this->dirFd, old->name, 0);
   }
   free(entries);
   if (name)
      snprintf(name, nameSize, "%s", file);
   return true;
}

ssize_t PrivateStore_read(const PrivateStore* this, const char* name, char* buf, size_t size) {
   return XUtils_readFileAt(this->dirFd, name, buf, size);
}

static double PrivateStore_seconds(struct timespec t) {
   return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int PrivateStore_compareTime(struct timespec a, struct timespec b) {
   if (a.tv_sec != b.tv_sec)
      return a.tv_sec < b.tv_sec ? -1 : 1;
   return (a.tv_nsec > b.tv_nsec) - (a.tv_nsec < b.tv_nsec);
}

static int PrivateStore_byAge(const void* pa, const void* pb) {
   const PrivateEntry* a = pa;
   const PrivateEntry* b = pb;
   int c = PrivateStore_compareTime(a->mtime, b->mtime);
   return c ? c : strcmp(a->name, b->name);
}

int PrivateStore_prune(PrivateStore* this, double now, double bootTime, double maxAge,
                       int maxFiles) {
   PrivateEntry* entries;
   int count = PrivateStore_list(this, &entries);
   if (count > 1)
      qsort(entries, (size_t)count, sizeof(*entries), PrivateStore_byAge);
   int removed = 0;
   for (int i = 0; i < count; i++) {
      const PrivateEntry* e = &entries[i];
      double mtime = PrivateStore_seconds(e->mtime);
      double age = now - mtime;
      bool stale = e->temporary ? age > PRIVATESTORE_TMP_AGE
                                : age > maxAge || mtime < bootTime || count - i > maxFiles;
      if (stale && unlinkat(this->dirFd, e->name, 0) == 0)
         removed++;
   }
   free(entries);
   return removed;
}

/* ---- watching ----------------------------------------------------------- */

/* The kernel stamps files with its coarse clock, up to a tick (10 ms at
   HZ=100) behind the clock since was read from: without this slack a result
   named just after the watch began could look older than it. */
#define PRIVATEWATCH_SLACK 0.1

void PrivateWatch_init(PrivateWatch* this, double since) {
   memset(this, 0, sizeof(*this));
   since -= PRIVATEWATCH_SLACK;
   this->mark.tv_sec = (time_t)since;
   this->mark.tv_nsec = (long)((since - (double)(time_t)since) * 1e9);
}

void PrivateWatch_done(PrivateWatch* this) {
   free(this->seen);
   memset(this, 0, sizeof(*this));
}

/* Oldest named first, so that what is left for the next poll is newer than
   what this one took. */
static int PrivateWatch_byName(const void* pa, const void* pb) {
   const PrivateEntry* a = pa;
   const PrivateEntry* b = pb;
   int c = PrivateStore_compareTime(a->ctime, b->ctime);
   return c ? c : strcmp(a->name, b->name);
}

static bool PrivateWatch_seen(const PrivateWatch* this, const char* name) {
   for (int i = 0; i < this->seenCount; i++)
      if (strcmp(this->seen[i], name) == 0)
         return true;
   return false;
}

static void PrivateWatch_see(PrivateWatch* this, const PrivateEntry* e) {
   if (PrivateStore_compareTime(e->ctime, this->mark) > 0) {
      this->mark = e->ctime;
      this->seenCount = 0;
   }
   if (this->seenCount == this->seenCapacity) {
      this->seenCapacity = this->seenCapacity ? this->seenCapacity * 2 : 8;
      this->seen = xReallocArray(this->seen, (size_t)this->seenCapacity, sizeof(*this->seen));
   }
   snprintf(this->seen[this->seenCount++], sizeof(this->seen[0]), "%s", e->name);
}

int PrivateWatch_poll(PrivateWatch* this, const PrivateStore* store, PrivateEntry* out, int max) {
   PrivateEntry* entries;
   int count = PrivateStore_list(store, &entries);
   int fresh = 0;
   for (int i = 0; i < count; i++) {
      int c = PrivateStore_compareTime(entries[i].ctime, this->mark);
      if (!entries[i].temporary && (c > 0 || (c == 0 && !PrivateWatch_seen(this, entries[i].name))))
         entries[fresh++] = entries[i];
   }
   if (fresh > 1)
      qsort(entries, (size_t)fresh, sizeof(*entries), PrivateWatch_byName);
   int n = fresh < max ? fresh : max;
   for (int i = 0; i < n; i++) {
      out[i] = entries[i];
      PrivateWatch_see(this, &entries[i]);
   }
   free(entries);
   return n;
}
