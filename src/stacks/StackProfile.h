#ifndef HEADER_StackProfile
#define HEADER_StackProfile
/* A sampled profile: the stacks of many dumps counted, as top stacks and
   in the folded format flamegraph.pl and speedscope read ("root;...;leaf
   count" per line), and the pause each sample cost the target. */

#include <stdio.h>

#include "stacks/StackOutput.h"

typedef struct {
   char* key; /* frame names root first, joined by ';' */
   long count;
} ProfileStack;

typedef struct {
   ProfileStack* stacks;
   int count;
   long samples;         /* dumps added */
   long total;           /* thread stacks counted: the sum of the counts */
   double* threadPauses; /* ms, one per stopped thread per sample */
   long threadPauseCount;
   double* samplePauses; /* ms, one per native sample */
   long samplePauseCount;
} StackProfile;

void StackProfile_done(StackProfile* profile);
/* Counts each thread's stack of dump once. */
void StackProfile_add(StackProfile* profile, const StackDump* dump);
/* Stacks by count, highest first. */
void StackProfile_sort(StackProfile* profile);
/* One frame's name as the folded format and the top list show it: no ';'
   or newline in it. */
void StackProfile_frameName(const StackFrame* frame, char* buf, size_t size);
/* The q-quantile (0..1) of values, sorting them; 0 when there are none. */
double StackProfile_quantile(double* values, long count, double q);
void StackProfile_folded(const StackProfile* profile, FILE* out);
/* The top n stacks with count and share of all thread stacks sampled,
   innermost frame first. */
void StackProfile_top(const StackProfile* profile, int n, FILE* out);

#endif
