#include "config.h"

#include "inject/AgentClient.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"
#include "util/XUtils.h"

#define AGENT_PREFIX "leaktop-agent-"

socklen_t AgentClient_address(pid_t nsPid, struct sockaddr_un* addr) {
   memset(addr, 0, sizeof(*addr));
   addr->sun_family = AF_UNIX;
   /* An abstract name: a leading NUL, then exactly the name's bytes, no
      terminator; the length given to connect() delimits it (unix(7)). */
   int n = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1, AGENT_PREFIX "%d", (int)nsPid);
   return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static int AgentClient_msLeft(double deadline) {
   double left = (deadline - XUtils_monotonicNow()) * 1000.0;
   if (left <= 0)
      return 0;
   return left >= INT_MAX ? INT_MAX : (int)left + 1;
}

/* Waits until fd is ready for events or the deadline passes (errno
   ETIMEDOUT). */
static bool AgentClient_wait(int fd, short events, double deadline) {
   for (;;) {
      int ms = AgentClient_msLeft(deadline);
      if (ms == 0) {
         errno = ETIMEDOUT;
         return false;
      }
      struct pollfd p = {.fd = fd, .events = events};
      int r = poll(&p, 1, ms);
      if (r > 0)
         return true;
      if (r == 0)
         errno = ETIMEDOUT;
      if (r == 0 || errno != EINTR)
         return false;
   }
}

typedef struct AgentNetJob {
   int nsFd;
   int sock;
   int error;
} AgentNetJob;

/* Runs in its own thread: a thread may enter another network namespace
   alone (setns(2)), and its namespace ends with it, so leaktop's threads
   never leave their own. The socket keeps the namespace it was made in,
   which is where connect() looks abstract names up. */
static void* AgentClient_netThread(void* arg) {
   AgentNetJob* job = arg;
   if (setns(job->nsFd, CLONE_NEWNET) != 0) {
      job->error = errno;
      return NULL;
   }
   job->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
   if (job->sock < 0)
      job->error = errno;
   return NULL;
}

/* A socket in pid's network namespace; -1 with *absent set when that
   namespace cannot be entered (its agent, if any, is out of reach). */
static int AgentClient_socket(pid_t pid, bool* absent, char* err, size_t errSize) {
   char path[64];
   struct stat mine, theirs;
   snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
   if (stat("/proc/thread-self/ns/net", &mine) != 0 || stat(path, &theirs) != 0 ||
       (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)) {
      int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0)
         snprintf(err, errSize, "cannot create a socket: %s", strerror(errno));
      return fd;
   }
   AgentNetJob job = {.nsFd = open(path, O_RDONLY | O_CLOEXEC), .sock = -1};
   if (job.nsFd < 0) {
      job.error = errno;
   } else {
      pthread_t thread;
      int rc = pthread_create(&thread, NULL, AgentClient_netThread, &job);
      if (rc == 0)
         pthread_join(thread, NULL);
      else
         job.error = rc;
      close(job.nsFd);
   }
   if (job.sock < 0) {
      *absent = true;
      snprintf(err, errSize,
               "process %d is in another network namespace, which leaktop cannot enter "
               "(%s): an agent there is out of reach; run leaktop as root on the host",
               (int)pid, strerror(job.error));
   }
   return job.sock;
}

/* Connects fd and checks that the listening end belongs to process pid;
   false with *absent set when nothing listens. */
static bool AgentClient_connect(int fd, pid_t pid, pid_t nsPid, bool* absent, char* err,
                                size_t errSize) {
   struct sockaddr_un addr;
   socklen_t len = AgentClient_address(nsPid, &addr);
   if (connect(fd, (struct sockaddr*)&addr, len) != 0) {
      int e = errno;
      if (e == ECONNREFUSED || e == ENOENT) {
         snprintf(err, errSize,
                  "process %d has no leaktop agent (nothing listens on @" AGENT_PREFIX "%d)",
                  (int)pid, (int)nsPid);
         *absent = true;
         return false;
      }
      /* A full backlog: the agent is answering others. */
      if (e == EAGAIN)
         snprintf(err, errSize, "the agent of process %d is busy: try again", (int)pid);
      else
         snprintf(err, errSize, "cannot connect to the agent of process %d: %s", (int)pid,
                  strerror(e));
      return false;
   }
   /* SO_PEERCRED gives the credentials the listening process had at
      listen(), its pid translated into leaktop's PID namespace (socket(7));
      0 when it is not visible from here. */
   struct ucred peer;
   socklen_t peerLen = sizeof(peer);
   if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peerLen) != 0) {
      snprintf(err, errSize, "cannot check who holds @" AGENT_PREFIX "%d: %s", (int)nsPid,
               strerror(errno));
      return false;
   }
   if (peer.pid != pid) {
      snprintf(err, errSize,
               "refusing @" AGENT_PREFIX "%d: it is held by process %d (uid %u), not by "
               "process %d; another program took the agent's name",
               (int)nsPid, (int)peer.pid, (unsigned)peer.uid, (int)pid);
      return false;
   }
   return true;
}

/* The agent closes a client it refuses at once, without reading: the
   client then sees a reset, a broken pipe or an end of file. */
static void AgentClient_closedOn(pid_t pid, char* err, size_t errSize) {
   snprintf(err, errSize,
            "the agent of process %d closed the connection without answering: it answers "
            "only root and its own user (uid %u here)",
            (int)pid, (unsigned)geteuid());
}

static bool AgentClient_send(int fd, pid_t pid, const char* request, double deadline, char* err,
                             size_t errSize) {
   size_t len = strlen(request), sent = 0;
   char* line = xMalloc(len + 1);
   memcpy(line, request, len);
   line[len++] = '\n';
   while (sent < len) {
      ssize_t n = send(fd, line + sent, len - sent, MSG_NOSIGNAL);
      if (n > 0) {
         sent += (size_t)n;
         continue;
      }
      if (n < 0 && errno == EINTR)
         continue;
      if (n < 0 && errno == EAGAIN && AgentClient_wait(fd, POLLOUT, deadline))
         continue;
      break;
   }
   free(line);
   if (sent == len)
      return true;
   if (errno == EPIPE || errno == ECONNRESET)
      AgentClient_closedOn(pid, err, errSize);
   else
      snprintf(err, errSize, "cannot send the request to the agent of process %d: %s", (int)pid,
               errno == ETIMEDOUT ? "timed out" : strerror(errno));
   return false;
}

static bool AgentClient_receive(int fd, pid_t pid, double deadline, size_t maxBytes, char** reply,
                                char* err, size_t errSize) {
   size_t cap = 4096, len = 0;
   char* buf = xMalloc(cap);
   for (;;) {
      if (len + 1 == cap) {
         cap = cap * 2 > maxBytes + 2 ? maxBytes + 2 : cap * 2;
         buf = xReallocArray(buf, cap, 1);
      }
      ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
      if (n > 0) {
         char* eol = memchr(buf + len, '\n', (size_t)n);
         len += (size_t)n;
         if (eol) {
            len = (size_t)(eol - buf);
            break;
         }
         if (len > maxBytes) {
            snprintf(err, errSize, "the agent of process %d sent more than %zu bytes", (int)pid,
                     maxBytes);
            free(buf);
            return false;
         }
         continue;
      }
      if (n < 0 && errno == EINTR)
         continue;
      if (n < 0 && errno == EAGAIN && AgentClient_wait(fd, POLLIN, deadline))
         continue;
      if ((n == 0 || errno == ECONNRESET) && len == 0)
         AgentClient_closedOn(pid, err, errSize);
      else if (n == 0)
         snprintf(err, errSize, "the agent of process %d ended its reply early", (int)pid);
      else
         snprintf(err, errSize, "no reply from the agent of process %d: %s", (int)pid,
                  errno == ETIMEDOUT ? "timed out" : strerror(errno));
      free(buf);
      return false;
   }
   if (len > maxBytes || memchr(buf, '\0', len)) {
      snprintf(err, errSize, "the agent of process %d sent %s", (int)pid,
               len > maxBytes ? "an oversize reply" : "a reply holding NUL bytes");
      free(buf);
      return false;
   }
   buf[len] = '\0';
   *reply = buf;
   return true;
}

AgentStatus AgentClient_request(pid_t pid, const char* request, int timeoutMs, size_t maxBytes,
                                char** reply, char* err, size_t errSize) {
   *reply = NULL;
   err[0] = '\0';
   if (strchr(request, '\n')) {
      snprintf(err, errSize, "a request is one line of JSON");
      return AGENT_FAILED;
   }
   char status[4096];
   if (pid <= 0 || ProcFiles_read(pid, "status", status, sizeof(status)) <= 0) {
      snprintf(err, errSize, "process %d does not exist", (int)pid);
      return AGENT_FAILED;
   }
   /* The agent names its socket with os.getpid(), the PID in its own
      namespace. */
   pid_t nsPid = ProcParse_nsPid(status, pid);
   double deadline = XUtils_monotonicNow() + timeoutMs / 1000.0;
   bool absent = false;
   int fd = AgentClient_socket(pid, &absent, err, errSize);
   if (fd < 0)
      return absent ? AGENT_ABSENT : AGENT_FAILED;
   bool done = AgentClient_connect(fd, pid, nsPid, &absent, err, errSize) &&
               AgentClient_send(fd, pid, request, deadline, err, errSize) &&
               AgentClient_receive(fd, pid, deadline, maxBytes, reply, err, errSize);
   close(fd);
   return done ? AGENT_ANSWERED : absent ? AGENT_ABSENT : AGENT_FAILED;
}
