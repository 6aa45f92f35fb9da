#include "config.h"

#include "traffic/Traffic.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"
#include "sample/SocketTable.h"
#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

/* Established TCP connections per process: the socket inodes among its
   file descriptors that /proc/PID/net/tcp and tcp6 (its network namespace's
   tables) list as ESTABLISHED. A connection is counted once, in the tick it
   is first seen open, so a request shorter than a tick is often missed:
   the measurement in leaktop(1) says how much. */

#define TCP_MAX_FDS 4096

typedef struct InodeSet {
   unsigned long* v;
   int count;
   int capacity;
} InodeSet;

/* A process's established connections at the last tick. */
typedef struct TcpSeen {
   pid_t pid;
   unsigned long long startTicks;
   unsigned long tick;
   InodeSet open;
} TcpSeen;

typedef struct TcpSource {
   SocketTable* sockets; /* each namespace's, read once per tick */
   TcpSeen* seen;
   int seenCount;
   int seenCapacity;
   unsigned long tick;
} TcpSource;

static void InodeSet_add(InodeSet* set, unsigned long inode) {
   if (set->count == set->capacity) {
      set->capacity = set->capacity ? set->capacity * 2 : 16;
      set->v = xReallocArray(set->v, (size_t)set->capacity, sizeof(unsigned long));
   }
   set->v[set->count++] = inode;
}

static int InodeSet_compare(const void* a, const void* b) {
   unsigned long x = *(const unsigned long*)a;
   unsigned long y = *(const unsigned long*)b;
   return (x > y) - (x < y);
}

static void InodeSet_sort(InodeSet* set) {
   if (set->count > 1)
      qsort(set->v, (size_t)set->count, sizeof(unsigned long), InodeSet_compare);
}

static bool InodeSet_has(const InodeSet* set, unsigned long inode) {
   return set->count > 0 && bsearch(&inode, set->v, (size_t)set->count, sizeof(unsigned long),
                                    InodeSet_compare) != NULL;
}

/* The socket inodes among pid's file descriptors; false when unreadable. */
static bool TcpSource_sockets(pid_t pid, InodeSet* out) {
   DIR* dir = ProcFiles_openDir(pid, "fd");
   if (!dir)
      return false;
   struct dirent* e;
   int fds = 0;
   while ((e = readdir(dir)) != NULL && fds++ < TCP_MAX_FDS) {
      if (e->d_name[0] == '.')
         continue;
      char link[64];
      ssize_t len = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
      if (len <= 0)
         continue;
      link[len] = '\0';
      unsigned long inode;
      if (ProcParse_socketInode(link, &inode))
         InodeSet_add(out, inode);
   }
   closedir(dir);
   return true;
}

static TcpSeen* TcpSource_seen(TcpSource* this, const Process* p) {
   for (int i = 0; i < this->seenCount; i++)
      if (this->seen[i].pid == p->pid && this->seen[i].startTicks == p->startTicks)
         return &this->seen[i];
   return NULL;
}

static TcpSeen* TcpSource_addSeen(TcpSource* this, const Process* p) {
   if (this->seenCount == this->seenCapacity) {
      this->seenCapacity = this->seenCapacity ? this->seenCapacity * 2 : 16;
      this->seen = xReallocArray(this->seen, (size_t)this->seenCapacity, sizeof(TcpSeen));
   }
   TcpSeen* s = &this->seen[this->seenCount++];
   *s = (TcpSeen){.pid = p->pid, .startTicks = p->startTicks};
   return s;
}

static void TcpSource_update(TcpSource* this, Process* p, InodeSet* sockets) {
   sockets->count = 0;
   const SocketSpace* space;
   if (!TcpSource_sockets(p->pid, sockets) || !(space = SocketTable_space(this->sockets, p->pid)))
      return;
   TcpSeen* seen = TcpSource_seen(this, p);
   bool baseline = seen != NULL;
   if (!seen)
      seen = TcpSource_addSeen(this, p);
   int fresh = 0;
   InodeSet open = {0};
   for (int k = 0; k < sockets->count; k++) {
      unsigned long inode = sockets->v[k];
      const SocketEntry* e = SocketTable_find(space, inode);
      if (!e || e->state != PROC_TCP_ESTABLISHED)
         continue;
      InodeSet_add(&open, inode);
      fresh += !InodeSet_has(&seen->open, inode);
   }
   InodeSet_sort(&open);
   free(seen->open.v);
   seen->open = open;
   seen->tick = this->tick;
   /* The first look is the baseline: what is open then was not new. */
   if (baseline)
      Traffic_credit(p, fresh);
}

static void TcpSource_sample(TrafficSource* source, const TrafficInput* in) {
   TcpSource* this = source->priv;
   this->tick++;
   InodeSet sockets = {0};
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      for (int i = 0; i < tree->count; i++)
         if (Traffic_sampleOf(in, tree->procs[i]))
            TcpSource_update(this, tree->procs[i], &sockets);
   }
   free(sockets.v);
   SocketTable_clear(this->sockets);
   /* Forget the processes that have ended. */
   int kept = 0;
   for (int i = 0; i < this->seenCount; i++) {
      if (this->seen[i].tick == this->tick)
         this->seen[kept++] = this->seen[i];
      else
         free(this->seen[i].open.v);
   }
   this->seenCount = kept;
}

static bool TcpSource_init(TrafficSource* source, const char* arg, char* err, size_t errSize) {
   (void)arg;
   (void)err;
   (void)errSize;
   TcpSource* this = xCalloc(1, sizeof(TcpSource));
   this->sockets = SocketTable_new(SOCKET_TABLES_TCP);
   source->priv = this;
   return true;
}

static void TcpSource_free(TrafficSource* source) {
   TcpSource* this = source->priv;
   SocketTable_delete(this->sockets);
   for (int i = 0; i < this->seenCount; i++)
      free(this->seen[i].open.v);
   free(this->seen);
   free(this);
}

const TrafficSourceClass TcpSource_class = {
      .name = "tcp",
      .argument = NULL,
      .display = "tcp connections",
      .unit = "connections",
      .idlePerSecond = 0,
      .init = TcpSource_init,
      .sample = TcpSource_sample,
      .free = TcpSource_free,
};
