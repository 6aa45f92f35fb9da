#ifndef HEADER_StackProfile
#define HEADER_StackProfile
/* A sampled profile: each thread's stack of many dumps counted by thread,
   by whether the thread was running, and by its frames; and the pause each
   sample cost the target. ProfileTree aggregates it for reading. */

#include <stdbool.h>
#include <stddef.h>

#include "stacks/StackOutput.h"

typedef struct {
   char* thread; /* "thread TID (name)", as the folded format allows */
   bool idle;    /* the thread was not running when sampled */
   char* key;    /* frame names root first, joined by ';' */
   long count;
} ProfileStack;

typedef struct {
   ProfileStack* stacks; /* in the order first seen */
   int count;
   int* index; /* open addressing over stacks: slot -> stack index + 1 */
   int indexSize;
   long samples;         /* dumps added */
   long total;           /* thread stacks counted: the sum of the counts */
   double* threadPauses; /* ms, one per stopped thread per sample */
   long threadPauseCount;
   double* samplePauses; /* ms, one per native sample */
   long samplePauseCount;
} StackProfile;

void StackProfile_done(StackProfile* profile);
/* Counts each thread's stack of dump once. A thread is idle unless its
   state, read before it was stopped, is running ('R'): how py-spy and
   austin tell them apart. */
void StackProfile_add(StackProfile* profile, const StackDump* dump);
/* One frame's name as the folded format and the tree show it: ';' (the
   frame separator) becomes ':' and control characters '?', so a name can
   neither split a frame nor end a line. */
void StackProfile_frameName(const StackFrame* frame, char* buf, size_t size);
/* The q-quantile (0..1) of values, sorting them; 0 when there are none. */
double StackProfile_quantile(double* values, long count, double q);

#endif
