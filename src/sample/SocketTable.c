#include "config.h"

#include "sample/SocketTable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/ProcFiles.h"
#include "sample/ProcParse.h"
#include "util/XUtils.h"

/* A bound on the lines read from one table: a busy host has thousands. */
#define SOCKET_TABLE_MAX_LINES 200000

struct SocketSpace {
   char id[40];          /* "net:[4026531840]" */
   SocketEntry* entries; /* sorted by inode */
   int count;
   int capacity;
};

struct SocketTable {
   unsigned tables;
   SocketSpace* spaces;
   int spaceCount;
   int spaceCapacity;
};

/* What a table's lines are read into. */
typedef struct SocketVisit {
   SocketSpace* space;
   SocketProto proto;
} SocketVisit;

SocketTable* SocketTable_new(unsigned tables) {
   SocketTable* this = xCalloc(1, sizeof(*this));
   this->tables = tables;
   return this;
}

void SocketTable_clear(SocketTable* this) {
   for (int i = 0; i < this->spaceCount; i++)
      free(this->spaces[i].entries);
   this->spaceCount = 0;
}

void SocketTable_delete(SocketTable* this) {
   if (!this)
      return;
   SocketTable_clear(this);
   free(this->spaces);
   free(this);
}

static void SocketSpace_add(SocketSpace* space, unsigned long inode, SocketProto proto,
                            unsigned state) {
   if (space->count == space->capacity) {
      space->capacity = space->capacity ? space->capacity * 2 : 64;
      space->entries = xReallocArray(space->entries, (size_t)space->capacity, sizeof(SocketEntry));
   }
   space->entries[space->count++] =
         (SocketEntry){.inode = inode, .proto = (uint8_t)proto, .state = (uint8_t)state};
}

static void SocketTable_visitInet(const char* line, void* context) {
   SocketVisit* v = context;
   unsigned state;
   unsigned long inode;
   /* inode 0: TIME_WAIT and the like, which no fd holds */
   if (ProcParse_inetSocket(line, &state, &inode) && inode != 0)
      SocketSpace_add(v->space, inode, v->proto, v->proto == SOCKET_TCP ? state : 0);
}

static void SocketTable_visitUnix(const char* line, void* context) {
   SocketVisit* v = context;
   unsigned long inode;
   if (ProcParse_unixSocket(line, &inode) && inode != 0)
      SocketSpace_add(v->space, inode, SOCKET_UNIX, 0);
}

static int SocketEntry_compare(const void* a, const void* b) {
   unsigned long x = ((const SocketEntry*)a)->inode;
   unsigned long y = ((const SocketEntry*)b)->inode;
   return (x > y) - (x < y);
}

static void SocketTable_read(const SocketTable* this, pid_t pid, SocketSpace* space) {
   static const struct {
      const char* name;
      SocketProto proto;
   } tables[] = {
         {"net/tcp", SOCKET_TCP},  {"net/tcp6", SOCKET_TCP},  {"net/udp", SOCKET_UDP},
         {"net/udp6", SOCKET_UDP}, {"net/unix", SOCKET_UNIX},
   };
   for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
      if (!(this->tables & (1u << tables[t].proto)))
         continue;
      SocketVisit v = {space, tables[t].proto};
      ProcFiles_eachLine(
            pid, tables[t].name, SOCKET_TABLE_MAX_LINES,
            tables[t].proto == SOCKET_UNIX ? SocketTable_visitUnix : SocketTable_visitInet, &v);
   }
   if (space->count > 1)
      qsort(space->entries, (size_t)space->count, sizeof(SocketEntry), SocketEntry_compare);
}

const SocketSpace* SocketTable_space(SocketTable* this, pid_t pid) {
   char path[64];
   char id[sizeof(((SocketSpace*)0)->id)];
   snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
   ssize_t len = readlink(path, id, sizeof(id) - 1);
   if (len <= 0)
      return NULL;
   id[len] = '\0';
   for (int i = 0; i < this->spaceCount; i++)
      if (strcmp(this->spaces[i].id, id) == 0)
         return &this->spaces[i];
   if (this->spaceCount == this->spaceCapacity) {
      this->spaceCapacity = this->spaceCapacity ? this->spaceCapacity * 2 : 2;
      this->spaces = xReallocArray(this->spaces, (size_t)this->spaceCapacity, sizeof(SocketSpace));
   }
   SocketSpace* space = &this->spaces[this->spaceCount++];
   memset(space, 0, sizeof(*space));
   snprintf(space->id, sizeof(space->id), "%s", id);
   SocketTable_read(this, pid, space);
   return space;
}

const SocketEntry* SocketTable_find(const SocketSpace* space, unsigned long inode) {
   if (space->count == 0)
      return NULL;
   SocketEntry key = {.inode = inode};
   return bsearch(&key, space->entries, (size_t)space->count, sizeof(SocketEntry),
                  SocketEntry_compare);
}
