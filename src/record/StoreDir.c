#include "config.h"

#include "record/StoreDir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/SegmentFile.h"
#include "util/XUtils.h"

bool StoreDir_default(char* out, size_t size, char* err, size_t errSize) {
   if (geteuid() == 0) {
      snprintf(out, size, "%s", STORE_DIR_SYSTEM);
      return true;
   }
   const char* state = getenv("XDG_STATE_HOME");
   const char* home = getenv("HOME");
   /* The XDG base directory spec ignores a relative XDG_STATE_HOME. */
   if (state && state[0] == '/')
      snprintf(out, size, "%s/leaktop/recordings", state);
   else if (home && home[0] == '/')
      snprintf(out, size, "%s/.local/state/leaktop/recordings", home);
   else {
      snprintf(err, errSize,
               "no default recording directory: neither XDG_STATE_HOME nor HOME "
               "is an absolute path (give --dir)");
      return false;
   }
   return true;
}

/* mkdir -p, each new directory 0700. */
static void StoreDir_makeParents(const char* path) {
   char buf[4096];
   snprintf(buf, sizeof(buf), "%s", path);
   for (char* p = buf + 1; *p; p++) {
      if (*p != '/')
         continue;
      *p = '\0';
      mkdir(buf, 0700);
      *p = '/';
   }
   mkdir(buf, 0700);
}

int StoreDir_open(const char* path, bool create, char* err, size_t errSize) {
   if (create)
      StoreDir_makeParents(path);
   int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
   if (fd < 0) {
      snprintf(err, errSize, "cannot open %s: %s", path,
               errno == ELOOP || errno == ENOTDIR ? "not a directory (or a symbolic link)"
                                                  : strerror(errno));
      return -1;
   }
   if (!create)
      return fd;
   struct stat st;
   if (fstat(fd, &st) < 0) {
      snprintf(err, errSize, "cannot use %s: %s", path, strerror(errno));
   } else if (st.st_uid != geteuid()) {
      snprintf(err, errSize, "refusing %s: it belongs to uid %u, not to you (%u)", path,
               (unsigned)st.st_uid, (unsigned)geteuid());
   } else if (st.st_mode & 077) {
      /* Command lines carry secrets: the recording is its owner's alone. */
      snprintf(err, errSize, "refusing %s: mode %04o lets others in (chmod 700 it)", path,
               (unsigned)(st.st_mode & 07777));
   } else {
      return fd;
   }
   close(fd);
   return -1;
}

static int StoreDir_compareSeq(const void* a, const void* b) {
   uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
   return x < y ? -1 : x > y;
}

static void StoreListing_addSeq(StoreListing* this, unsigned tier, uint64_t seq, int* capacity) {
   if (this->count[tier] == capacity[tier]) {
      capacity[tier] = capacity[tier] ? capacity[tier] * 2 : 16;
      this->seqs[tier] = xReallocArray(this->seqs[tier], (size_t)capacity[tier], sizeof(uint64_t));
   }
   this->seqs[tier][this->count[tier]++] = seq;
}

bool StoreDir_list(int dirFd, StoreListing* out, char* err, size_t errSize) {
   memset(out, 0, sizeof(*out));
   int fd = dup(dirFd);
   DIR* dir = fd >= 0 ? fdopendir(fd) : NULL;
   if (!dir) {
      snprintf(err, errSize, "cannot list the directory: %s", strerror(errno));
      if (fd >= 0)
         close(fd);
      return false;
   }
   rewinddir(dir);
   int capacity[RECORD_TIERS] = {0};
   for (struct dirent* e; (e = readdir(dir)) != NULL;) {
      const char* name = e->d_name;
      if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
         continue;
      unsigned tier;
      uint64_t seq;
      char journal[SEGMENT_NAME_SIZE];
      bool isJournal = false;
      for (unsigned t = 0; t < RECORD_TIERS && !isJournal; t++) {
         SegmentFile_name(journal, sizeof(journal), t, 0, true);
         if (strcmp(name, journal) == 0)
            out->journal[t] = isJournal = true;
      }
      if (isJournal)
         continue;
      if (strcmp(name, STORE_LOCK_NAME) == 0)
         out->lock = true;
      else if (SegmentFile_parseName(name, &tier, &seq))
         StoreListing_addSeq(out, tier, seq, capacity);
      else
         out->others++;
   }
   closedir(dir);
   for (int t = 0; t < RECORD_TIERS; t++)
      if (out->count[t])
         qsort(out->seqs[t], (size_t)out->count[t], sizeof(uint64_t), StoreDir_compareSeq);
   return true;
}

void StoreListing_done(StoreListing* this) {
   for (int t = 0; t < RECORD_TIERS; t++)
      free(this->seqs[t]);
   memset(this, 0, sizeof(*this));
}

bool StoreListing_isRecording(const StoreListing* this) {
   return this->lock || this->journal[0] || this->journal[1] || this->count[0] || this->count[1];
}

static pid_t StoreDir_readPid(int fd) {
   char text[32];
   ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
   if (n <= 0)
      return 0;
   text[n] = '\0';
   long pid = strtol(text, NULL, 10);
   return pid > 0 ? (pid_t)pid : 0;
}

int StoreDir_lock(int dirFd, const char* path, char* err, size_t errSize) {
   int fd =
         openat(dirFd, STORE_LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
   if (fd < 0) {
      snprintf(err, errSize, "cannot open %s/%s: %s", path, STORE_LOCK_NAME,
               errno == ELOOP ? "it is a symbolic link" : strerror(errno));
      return -1;
   }
   if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
      int e = errno;
      pid_t pid = StoreDir_readPid(fd);
      if (e == EWOULDBLOCK && pid > 0)
         snprintf(err, errSize, "%s is being recorded by PID %d (it holds %s)", path, (int)pid,
                  STORE_LOCK_NAME);
      else if (e == EWOULDBLOCK)
         snprintf(err, errSize, "%s is being recorded by another leaktop (it holds %s)", path,
                  STORE_LOCK_NAME);
      else
         snprintf(err, errSize, "cannot lock %s/%s: %s", path, STORE_LOCK_NAME, strerror(e));
      close(fd);
      return -1;
   }
   char text[32];
   int n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
   if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)n, 0) != n) {
      snprintf(err, errSize, "cannot write %s/%s: %s", path, STORE_LOCK_NAME, strerror(errno));
      close(fd);
      return -1;
   }
   return fd;
}

pid_t StoreDir_writer(int dirFd) {
   int fd = openat(dirFd, STORE_LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
   if (fd < 0)
      return 0;
   pid_t pid = 0;
   if (flock(fd, LOCK_SH | LOCK_NB) < 0)
      pid = errno == EWOULDBLOCK ? StoreDir_readPid(fd) : 0;
   close(fd);
   return pid;
}
