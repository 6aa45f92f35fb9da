#include "config.h"

#include "traffic/Traffic.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "traffic/TrafficCounters.h"
#include "traffic/TrafficParse.h"
#include "util/XUtils.h"

/* uwsgi's stats server (--stats ADDRESS): on each connection the master
   writes one JSON document and closes, with every worker's PID and the
   requests it served so far. Read once per tick, with a deadline, so a
   master too busy to answer cannot stall the screen. */

#define UWSGI_TIMEOUT_SECONDS 0.5
/* Far above the ~1.3 KiB a worker takes: a bound, not a size to expect. */
#define UWSGI_STATS_MAX (4 << 20)

typedef struct UwsgiSource {
   struct sockaddr_storage addr;
   socklen_t addrLen;
   char* address;
   TrafficCounters counters;
} UwsgiSource;

/* ADDRESS is a Unix socket path (it holds a '/') or HOST:PORT. */
static bool UwsgiSource_resolve(UwsgiSource* this, char* err, size_t errSize) {
   if (strchr(this->address, '/')) {
      struct sockaddr_un* un = (struct sockaddr_un*)&this->addr;
      if (strlen(this->address) >= sizeof(un->sun_path)) {
         snprintf(err, errSize, "uwsgi stats socket path too long: %s", this->address);
         return false;
      }
      un->sun_family = AF_UNIX;
      strcpy(un->sun_path, this->address);
      this->addrLen = sizeof(*un);
      return true;
   }
   char host[256];
   const char* colon = strrchr(this->address, ':');
   size_t hostLen = colon ? (size_t)(colon - this->address) : 0;
   if (!colon || hostLen == 0 || hostLen >= sizeof(host) || !colon[1]) {
      snprintf(err, errSize, "uwsgi stats address must be HOST:PORT or a socket path: %s",
               this->address);
      return false;
   }
   /* [::1]:PORT: the brackets only delimit the host. */
   const char* h = this->address;
   if (h[0] == '[' && colon[-1] == ']') {
      h++;
      hostLen -= 2;
   }
   memcpy(host, h, hostLen);
   host[hostLen] = '\0';
   struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
   struct addrinfo* res;
   int rc = getaddrinfo(host, colon + 1, &hints, &res);
   if (rc != 0) {
      snprintf(err, errSize, "uwsgi stats address %s: %s", this->address, gai_strerror(rc));
      return false;
   }
   memcpy(&this->addr, res->ai_addr, res->ai_addrlen);
   this->addrLen = res->ai_addrlen;
   freeaddrinfo(res);
   return true;
}

/* Waits for events on fd until the deadline; false on timeout or error. */
static bool UwsgiSource_wait(int fd, short events, double deadline) {
   for (;;) {
      double left = deadline - XUtils_monotonicNow();
      if (left <= 0)
         return false;
      struct pollfd pfd = {.fd = fd, .events = events};
      int ready = poll(&pfd, 1, (int)(left * 1000) + 1);
      if (ready > 0)
         return true;
      if (ready == 0 || errno != EINTR)
         return false;
   }
}

/* One document from the stats server, NUL-terminated in a buffer to free();
   NULL with errno when it could not be read in time. */
static char* UwsgiSource_fetch(const UwsgiSource* this) {
   double deadline = XUtils_monotonicNow() + UWSGI_TIMEOUT_SECONDS;
   int fd = socket(this->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
   if (fd < 0)
      return NULL;
   if (connect(fd, (const struct sockaddr*)&this->addr, this->addrLen) < 0) {
      int why = errno;
      if (why == EINPROGRESS) {
         why = ETIMEDOUT;
         socklen_t len = sizeof(why);
         if (UwsgiSource_wait(fd, POLLOUT, deadline) &&
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &why, &len) < 0)
            why = errno;
      }
      if (why != 0) {
         close(fd);
         errno = why;
         return NULL;
      }
   }
   size_t used = 0, size = 65536;
   char* out = xMalloc(size);
   int why = ETIMEDOUT;
   for (;;) {
      if (used == size - 1) {
         if (size >= UWSGI_STATS_MAX) {
            why = EMSGSIZE;
            break;
         }
         size *= 2;
         out = xReallocArray(out, size, 1);
      }
      ssize_t n = read(fd, out + used, size - 1 - used);
      if (n == 0) {
         close(fd);
         out[used] = '\0';
         return out;
      }
      if (n > 0) {
         used += (size_t)n;
      } else if (errno != EAGAIN && errno != EINTR) {
         why = errno;
         break;
      } else if (errno == EAGAIN && !UwsgiSource_wait(fd, POLLIN, deadline)) {
         break;
      }
   }
   close(fd);
   free(out);
   errno = why;
   return NULL;
}

/* Does tree hold one of the listed workers? */
static bool UwsgiSource_serves(const ProcessTree* tree, const TrafficWorkerCount* workers, int n) {
   for (int i = 0; i < n; i++)
      if (ProcessTree_find(tree, workers[i].pid))
         return true;
   return false;
}

static void UwsgiSource_sample(TrafficSource* source, const TrafficInput* in) {
   UwsgiSource* this = source->priv;
   char* json = UwsgiSource_fetch(this);
   if (!json)
      return; /* no value this tick; the counters keep their last readings */
   TrafficWorkerCount* workers;
   int n = TrafficParse_uwsgiStats(json, &workers);
   free(json);
   if (n < 0)
      return;
   TrafficCounters_beginTick(&this->counters);
   /* The stats are the authority for the trees they describe: a process
      there that is not listed (the master, a mule) served no request. */
   for (int t = 0; t < in->treeCount; t++) {
      ProcessTree* tree = in->trees[t];
      if (UwsgiSource_serves(tree, workers, n))
         for (int i = 0; i < tree->count; i++)
            if (Traffic_sampleOf(in, tree->procs[i]))
               Traffic_credit(tree->procs[i], 0);
   }
   for (int i = 0; i < n; i++) {
      Process* p = Traffic_findProcess(in, workers[i].pid);
      double delta;
      if (p && TrafficCounters_advance(&this->counters, p->pid, p->startTicks, workers[i].requests,
                                       &delta))
         Traffic_credit(p, delta);
   }
   TrafficCounters_prune(&this->counters);
   free(workers);
}

static void UwsgiSource_free(TrafficSource* source) {
   UwsgiSource* this = source->priv;
   TrafficCounters_done(&this->counters);
   free(this->address);
   free(this);
}

static bool UwsgiSource_init(TrafficSource* source, const char* arg, char* err, size_t errSize) {
   UwsgiSource* this = xCalloc(1, sizeof(UwsgiSource));
   this->address = xStrdup(arg);
   source->priv = this;
   if (!UwsgiSource_resolve(this, err, errSize)) {
      UwsgiSource_free(source);
      return false;
   }
   /* A wrong address is better told now than as a traffic signal that never comes. */
   char* json = UwsgiSource_fetch(this);
   TrafficWorkerCount* workers = NULL;
   int n = json ? TrafficParse_uwsgiStats(json, &workers) : -1;
   if (n < 0) {
      if (json)
         snprintf(err, errSize, "%s does not answer as a uwsgi stats server", this->address);
      else
         snprintf(err, errSize, "cannot read uwsgi stats from %s: %s", this->address,
                  strerror(errno));
   }
   free(json);
   free(workers);
   if (n < 0)
      UwsgiSource_free(source);
   return n >= 0;
}

const TrafficSourceClass UwsgiSource_class = {
      .name = "uwsgi",
      .argument = "ADDRESS",
      .display = "uwsgi requests",
      .unit = "requests",
      .idlePerSecond = 0,
      .init = UwsgiSource_init,
      .sample = UwsgiSource_sample,
      .free = UwsgiSource_free,
};
