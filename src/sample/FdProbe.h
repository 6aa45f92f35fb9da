#ifndef HEADER_FdProbe
#define HEADER_FdProbe
/* What each open fd of a process is: files, TCP sockets by state, UDP,
   unix and other sockets, pipes, eventfd, epoll and the rest. One readlink
   per fd, and the socket tables of each
   network namespace (/proc/PID/net/tcp, tcp6, udp, udp6, unix) read once
   per round however many processes share them. Dearer than the fd count
   (sample/ProcFiles.h), so Machine reads it on the smaps cadence, and only
   while SCAN_FDS is asked for. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/ProcParse.h"

typedef enum FdClass {
   FD_CLASS_FILE,
   FD_CLASS_TCP,
   FD_CLASS_UDP,
   FD_CLASS_UNIX,
   FD_CLASS_SOCKET_OTHER, /* netlink, packet, a socket the tables do not list */
   FD_CLASS_PIPE,
   FD_CLASS_EVENTFD,
   FD_CLASS_EPOLL,
   FD_CLASS_OTHER,
   FD_CLASS_COUNT
} FdClass;

typedef struct FdSample {
   pid_t pid;
   bool known;
   int err;     /* errno explaining why not known */
   bool unread; /* no reading this round (a recording between two): the last one stands */
   uint32_t total;
   uint32_t classes[FD_CLASS_COUNT];
   uint32_t tcpStates[PROC_TCP_STATES]; /* TCP sockets by state (PROC_TCP_*) */
} FdSample;

/* "files", "tcp", "udp", "unix", "other_sockets", "pipes", "eventfd",
   "epoll", "other": the names --batch prints. */
const char* FdProbe_className(FdClass c);

/* "ESTABLISHED", "CLOSE_WAIT", ...; NULL for no TCP state. */
const char* FdProbe_tcpStateName(unsigned state);

typedef struct FdProbe FdProbe;

FdProbe* FdProbe_new(void);
void FdProbe_delete(FdProbe* this);

/* One round over the given PIDs; out[i] belongs to pids[i]. */
void FdProbe_read(FdProbe* this, const pid_t* pids, int n, FdSample* out);

#endif
