#ifndef HEADER_StackOutput
#define HEADER_StackOutput
/* A stack dump of one process, and writing it as text or JSON. */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "stacks/StackMerge.h"

typedef struct {
   pid_t tid;   /* in leaktop's PID namespace */
   pid_t nsTid; /* in the target's (what CPython records) */
   char name[64];
   char state; /* /proc state letter, read before stopping; '?' unknown */
   bool gil;
   bool python; /* has a Python thread state */
   FrameList frames;
   char note[160]; /* why frames are missing, if they are */
   double pauseMs; /* how long this thread was stopped; 0 if it was not */
} StackThread;

typedef struct {
   pid_t pid;
   char command[64];
   char python[32];   /* CPython version, "" for a native process */
   bool native;       /* native frames were unwound */
   double pauseMs;    /* from the first stop to the last resume */
   char warning[256]; /* a part that could not be read (Python frames), or "" */
   StackThread* threads;
   int count;
} StackDump;

void StackDump_done(StackDump* dump);
/* "sleeping" for 'S', and so on. */
const char* StackOutput_stateName(char state);
void StackOutput_text(const StackDump* dump, FILE* out);
void StackOutput_json(const StackDump* dump, FILE* out);

#endif
