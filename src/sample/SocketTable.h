#ifndef HEADER_SocketTable
#define HEADER_SocketTable
/* The sockets each network namespace lists in /proc/PID/net (tcp, tcp6,
   udp, udp6, unix), by inode: what a socket fd is and its TCP state. A
   namespace's tables are read once, the first time a process of it is
   asked about, and kept until SocketTable_clear (one round of readings):
   a thousand workers of one host cost one read of each table. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum SocketProto { SOCKET_TCP, SOCKET_UDP, SOCKET_UNIX } SocketProto;

/* Which tables are read: a traffic source needs TCP only. */
#define SOCKET_TABLES_TCP (1u << SOCKET_TCP)
#define SOCKET_TABLES_ALL (SOCKET_TABLES_TCP | (1u << SOCKET_UDP) | (1u << SOCKET_UNIX))

typedef struct SocketEntry {
   unsigned long inode;
   uint8_t proto; /* SocketProto */
   uint8_t state; /* the TCP state (PROC_TCP_*), 0 for the others */
} SocketEntry;

typedef struct SocketSpace SocketSpace;
typedef struct SocketTable SocketTable;

SocketTable* SocketTable_new(unsigned tables);
void SocketTable_delete(SocketTable* this);

/* pid's namespace, its tables read on first use since the last clear;
   NULL when the namespace cannot be told. */
const SocketSpace* SocketTable_space(SocketTable* this, pid_t pid);

/* The socket of inode in space, NULL when its tables do not list it. */
const SocketEntry* SocketTable_find(const SocketSpace* space, unsigned long inode);

/* Forgets the tables read: the next round reads them anew. */
void SocketTable_clear(SocketTable* this);

#endif
