#ifndef HEADER_Textfile
#define HEADER_Textfile
/* --textfile PATH: the classic exposition for node_exporter's textfile
   collector, replaced atomically every tick (doc/metrics.md, Textfile):
   PATH.tmp in the same directory, created afresh without following a
   link, fsynced, renamed over PATH. */

#include <stdbool.h>
#include <stddef.h>

typedef struct Textfile {
   int dirFd;
   char name[256];    /* PATH's last component */
   char tmpName[264]; /* name + ".tmp" */
   char path[4096];   /* as given, for messages */
} Textfile;

/* Opens PATH's directory. False, with the reason in err, when PATH does not
   end in .prom (the collector reads nothing else) or its directory cannot
   be opened. */
bool Textfile_open(Textfile* this, const char* path, char* err, size_t errSize);
void Textfile_close(Textfile* this);

/* Replaces the file with size bytes of data; 0 or an errno. */
int Textfile_write(Textfile* this, const void* data, size_t size);

#endif
