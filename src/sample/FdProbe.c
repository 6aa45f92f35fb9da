#include "config.h"

#include "sample/FdProbe.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/ProcFiles.h"
#include "sample/SocketTable.h"
#include "util/XUtils.h"

/* A bound on the links read per process. */
#define FD_PROBE_MAX_FDS 65536

struct FdProbe {
   SocketTable* sockets; /* this round's */
};

const char* FdProbe_className(FdClass c) {
   static const char* const names[FD_CLASS_COUNT] = {
         [FD_CLASS_FILE] = "files",
         [FD_CLASS_TCP] = "tcp",
         [FD_CLASS_UDP] = "udp",
         [FD_CLASS_UNIX] = "unix",
         [FD_CLASS_SOCKET_OTHER] = "other_sockets",
         [FD_CLASS_PIPE] = "pipes",
         [FD_CLASS_EVENTFD] = "eventfd",
         [FD_CLASS_EPOLL] = "epoll",
         [FD_CLASS_OTHER] = "other",
   };
   return c < FD_CLASS_COUNT ? names[c] : "?";
}

const char* FdProbe_tcpStateName(unsigned state) {
   /* include/net/tcp_states.h */
   static const char* const names[PROC_TCP_STATES] = {
         NULL,        "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
         "TIME_WAIT", "CLOSE",       "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING",
   };
   return state < PROC_TCP_STATES ? names[state] : NULL;
}

FdProbe* FdProbe_new(void) {
   FdProbe* this = xCalloc(1, sizeof(*this));
   this->sockets = SocketTable_new(SOCKET_TABLES_ALL);
   return this;
}

void FdProbe_delete(FdProbe* this) {
   if (!this)
      return;
   SocketTable_delete(this->sockets);
   free(this);
}

/* Counts one socket fd by what its namespace's tables say it is. */
static void FdProbe_countSocket(FdProbe* this, pid_t pid, const SocketSpace** space,
                                const char* link, FdSample* out) {
   static const FdClass byProto[] = {
         [SOCKET_TCP] = FD_CLASS_TCP, [SOCKET_UDP] = FD_CLASS_UDP, [SOCKET_UNIX] = FD_CLASS_UNIX};
   unsigned long inode;
   if (!*space)
      *space = SocketTable_space(this->sockets, pid);
   const SocketEntry* found =
         *space && ProcParse_socketInode(link, &inode) ? SocketTable_find(*space, inode) : NULL;
   if (!found) {
      out->classes[FD_CLASS_SOCKET_OTHER]++;
      return;
   }
   out->classes[byProto[found->proto]]++;
   if (found->proto == SOCKET_TCP)
      out->tcpStates[found->state]++;
}

static void FdProbe_readOne(FdProbe* this, pid_t pid, FdSample* out) {
   DIR* dir = ProcFiles_openDir(pid, "fd");
   if (!dir) {
      out->err = errno ? errno : ENOENT;
      return;
   }
   const SocketSpace* space = NULL;
   struct dirent* e;
   while ((e = readdir(dir)) != NULL && out->total < FD_PROBE_MAX_FDS) {
      if (e->d_name[0] == '.')
         continue;
      char link[256];
      ssize_t len = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);
      if (len <= 0)
         continue; /* closed since the directory was read */
      link[len] = '\0';
      out->total++;
      static const FdClass byKind[] = {
            [PROC_FD_FILE] = FD_CLASS_FILE,   [PROC_FD_SOCKET] = FD_CLASS_SOCKET_OTHER,
            [PROC_FD_PIPE] = FD_CLASS_PIPE,   [PROC_FD_EVENTFD] = FD_CLASS_EVENTFD,
            [PROC_FD_EPOLL] = FD_CLASS_EPOLL, [PROC_FD_OTHER] = FD_CLASS_OTHER,
      };
      ProcFdKind kind = ProcParse_fdKind(link);
      if (kind == PROC_FD_SOCKET)
         FdProbe_countSocket(this, pid, &space, link, out);
      else
         out->classes[byKind[kind]]++;
   }
   closedir(dir);
   out->known = true;
   out->err = 0;
}

void FdProbe_read(FdProbe* this, const pid_t* pids, int n, FdSample* out) {
   for (int i = 0; i < n; i++) {
      out[i] = (FdSample){.pid = pids[i], .err = ESRCH};
      errno = 0;
      FdProbe_readOne(this, pids[i], &out[i]);
   }
   SocketTable_clear(this->sockets);
}
