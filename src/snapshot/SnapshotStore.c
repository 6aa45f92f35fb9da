#include "config.h"

#include "snapshot/SnapshotStore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample/ProcFiles.h"
#include "util/XUtils.h"

/* A temporary file older than this was left by a leaktop that died. */
#define SNAPSHOTSTORE_TMP_AGE 60

typedef struct {
   char name[64];
   bool temporary;
   pid_t pid;
   unsigned long long ticks;
   unsigned number;
   double mtime;
} StoreEntry;

bool SnapshotStore_openIn(SnapshotStore* store, const char* base, const char* sub, char* err,
                          size_t errSize) {
   store->dirFd = -1;
   snprintf(store->path, sizeof(store->path), "%s/%s", base, sub);
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
      if (mkdirat(fd, c, 0700) < 0 && errno != EEXIST) {
         snprintf(err, errSize, "cannot create %s: %s", store->path, strerror(errno));
         close(fd);
         return false;
      }
      int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int e = errno;
      close(fd);
      fd = next;
      if (fd < 0) {
         snprintf(err, errSize, "cannot use %s: %s is %s", store->path, c,
                  e == ELOOP || e == ENOTDIR ? "a symbolic link or not a directory" : strerror(e));
         return false;
      }
      if (fstat(fd, &st) < 0) {
         snprintf(err, errSize, "cannot use %s: %s", store->path, strerror(errno));
         close(fd);
         return false;
      }
      if (st.st_uid != geteuid()) {
         snprintf(err, errSize, "refusing %s: %s belongs to uid %u, not to you (%u)", store->path,
                  c, (unsigned)st.st_uid, (unsigned)geteuid());
         close(fd);
         return false;
      }
   }
   /* Snapshots name the code and data of a service: the operator's alone. */
   if ((st.st_mode & 077) != 0) {
      snprintf(err, errSize, "refusing %s: mode %04o lets others in (chmod 700 it)", store->path,
               (unsigned)(st.st_mode & 07777));
      close(fd);
      return false;
   }
   store->dirFd = fd;
   return true;
}

bool SnapshotStore_open(SnapshotStore* store, char* err, size_t errSize) {
   const char* state = getenv("XDG_STATE_HOME");
   const char* home = getenv("HOME");
   bool ok;
   /* The XDG base directory spec ignores a relative XDG_STATE_HOME. */
   if (state && state[0] == '/') {
      /* The XDG spec has applications create it, 0700, when missing. */
      mkdir(state, 0700);
      ok = SnapshotStore_openIn(store, state, "leaktop/snapshots", err, errSize);
   } else if (home && home[0] == '/')
      ok = SnapshotStore_openIn(store, home, ".local/state/leaktop/snapshots", err, errSize);
   else {
      store->dirFd = -1;
      snprintf(err, errSize, "no place for snapshots: neither XDG_STATE_HOME nor HOME is set");
      ok = false;
   }
   if (ok)
      SnapshotStore_prune(store, XUtils_wallNow(), ProcFiles_bootTime());
   return ok;
}

void SnapshotStore_close(SnapshotStore* store) {
   if (store->dirFd >= 0)
      close(store->dirFd);
   store->dirFd = -1;
}

static bool SnapshotStore_parseName(const char* name, StoreEntry* e) {
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
   if (sscanf(name, "%d-%llu-%u.json%n", &pid, &e->ticks, &e->number, &used) != 3 ||
       (size_t)used != len || pid <= 0)
      return false;
   e->pid = (pid_t)pid;
   return true;
}

/* The store's files (ours by name), with their modification times. */
static int SnapshotStore_list(SnapshotStore* store, StoreEntry** out) {
   *out = NULL;
   int fd = dup(store->dirFd);
   DIR* dir = fd >= 0 ? fdopendir(fd) : NULL;
   if (!dir) {
      if (fd >= 0)
         close(fd);
      return 0;
   }
   rewinddir(dir);
   int count = 0, capacity = 0;
   StoreEntry e;
   struct dirent* d;
   while ((d = readdir(dir)) != NULL) {
      struct stat st;
      if (!SnapshotStore_parseName(d->d_name, &e) ||
          fstatat(store->dirFd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
         continue;
      e.mtime = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
      if (count == capacity) {
         capacity = capacity ? capacity * 2 : 32;
         *out = xReallocArray(*out, (size_t)capacity, sizeof(StoreEntry));
      }
      (*out)[count++] = e;
   }
   closedir(dir);
   return count;
}

/* The newest entry of a generation; NULL when there is none. */
static const StoreEntry* SnapshotStore_newest(const StoreEntry* entries, int count, pid_t pid,
                                              unsigned long long ticks) {
   const StoreEntry* newest = NULL;
   for (int i = 0; i < count; i++) {
      const StoreEntry* e = &entries[i];
      if (!e->temporary && e->pid == pid && e->ticks == ticks &&
          (!newest || e->number > newest->number))
         newest = e;
   }
   return newest;
}

static bool SnapshotStore_writeAll(int fd, const char* text, size_t len) {
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

bool SnapshotStore_save(SnapshotStore* store, const Snapshot* s, char* err, size_t errSize) {
   if (s->hostPid <= 0) {
      snprintf(err, errSize, "cannot save a snapshot without its worker generation");
      return false;
   }
   StoreEntry* entries;
   int count = SnapshotStore_list(store, &entries);
   const StoreEntry* newest = SnapshotStore_newest(entries, count, s->hostPid, s->startTicks);
   unsigned number = newest ? newest->number + 1 : 1;
   char name[64], tmp[96];
   snprintf(name, sizeof(name), "%d-%llu-%u.json", (int)s->hostPid, s->startTicks, number);
   snprintf(tmp, sizeof(tmp), ".tmp-%d-%s", (int)getpid(), name);
   char* text = Snapshot_serialize(s);
   int fd = openat(store->dirFd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
   bool ok = fd >= 0 && SnapshotStore_writeAll(fd, text, strlen(text));
   int e = errno;
   if (fd >= 0 && close(fd) < 0 && ok) {
      ok = false;
      e = errno;
   }
   if (ok && renameat(store->dirFd, tmp, store->dirFd, name) < 0) {
      ok = false;
      e = errno;
   }
   free(text);
   if (!ok) {
      if (fd >= 0)
         unlinkat(store->dirFd, tmp, 0);
      snprintf(err, errSize, "cannot save a snapshot in %s: %s", store->path, strerror(e));
      free(entries);
      return false;
   }
   for (int i = 0; i < count; i++) {
      const StoreEntry* old = &entries[i];
      if (!old->temporary && old->pid == s->hostPid && old->ticks == s->startTicks &&
          old->number + SNAPSHOTSTORE_KEEP <= number)
         unlinkat(store->dirFd, old->name, 0);
   }
   free(entries);
   return true;
}

bool SnapshotStore_latest(SnapshotStore* store, pid_t hostPid, unsigned long long startTicks,
                          Snapshot* out) {
   StoreEntry* entries;
   int count = SnapshotStore_list(store, &entries);
   const StoreEntry* newest = SnapshotStore_newest(entries, count, hostPid, startTicks);
   bool ok = false;
   if (newest) {
      char* text = xMalloc(SNAPSHOT_TEXT_MAX + 2);
      char err[256];
      /* One byte beyond the limit tells an oversize file from a full one. */
      ssize_t n = XUtils_readFileAt(store->dirFd, newest->name, text, SNAPSHOT_TEXT_MAX + 2);
      ok = n > 0 && Snapshot_parse(text, (size_t)n, out, err, sizeof(err));
      free(text);
   }
   free(entries);
   if (ok) {
      out->hostPid = hostPid;
      out->startTicks = startTicks;
   }
   return ok;
}

static int SnapshotStore_byAge(const void* pa, const void* pb) {
   const StoreEntry* a = pa;
   const StoreEntry* b = pb;
   return a->mtime < b->mtime ? -1 : a->mtime > b->mtime;
}

int SnapshotStore_prune(SnapshotStore* store, double now, double bootTime) {
   StoreEntry* entries;
   int count = SnapshotStore_list(store, &entries);
   if (count > 1)
      qsort(entries, (size_t)count, sizeof(*entries), SnapshotStore_byAge);
   int removed = 0;
   for (int i = 0; i < count; i++) {
      const StoreEntry* e = &entries[i];
      double age = now - e->mtime;
      bool stale = e->temporary ? age > SNAPSHOTSTORE_TMP_AGE
                                : age > SNAPSHOTSTORE_MAX_AGE || e->mtime < bootTime ||
                                        count - i > SNAPSHOTSTORE_MAX_FILES;
      if (stale && unlinkat(store->dirFd, e->name, 0) == 0)
         removed++;
   }
   free(entries);
   return removed;
}

bool SnapshotStore_exchange(const Snapshot* s, Snapshot* earlier, bool* haveEarlier, char* err,
                            size_t errSize) {
   *haveEarlier = false;
   SnapshotStore store;
   if (!SnapshotStore_open(&store, err, errSize))
      return false;
   *haveEarlier = earlier && SnapshotStore_latest(&store, s->hostPid, s->startTicks, earlier);
   bool saved = SnapshotStore_save(&store, s, err, errSize);
   SnapshotStore_close(&store);
   return saved;
}
