#ifndef HEADER_ProfileTree
#define HEADER_ProfileTree
/* A sampled profile as a call tree (pure): the stacks of a StackProfile
   inserted root first, each node counting the stacks that pass through it
   (total, inclusive) and those that end in it (self), as perf report's
   call graph and py-spy's top show them. The folded lines and the top
   stacks are read back from the tree, so every view merges alike. */

#include <stdbool.h>
#include <stdio.h>

#include "stacks/StackProfile.h"

typedef struct {
   char* name;
   long total;    /* stacks through this node */
   long self;     /* stacks whose innermost frame this is */
   int parent;    /* node index; -1 for the root */
   int depth;     /* 0 for the root's children; -1 for the root */
   int* children; /* node indexes: highest total first, then by name */
   int childCount;
   bool expanded;
} ProfileNode;

typedef struct {
   ProfileNode* nodes; /* nodes[0] is the root: every stack counted */
   int count;
} ProfileTree;

typedef struct {
   const char* name; /* a node's, valid while the tree is */
   long self;        /* stacks whose innermost frame it is */
   long total;       /* stacks it is in: once per stack, however recursive */
} ProfileFunction;

/* Builds tree from profile: with byThread each stack's outermost frame is
   its thread; without idle the stacks of threads that were not running are
   left out. Only the root is expanded. */
void ProfileTree_build(ProfileTree* tree, const StackProfile* profile, bool byThread, bool idle);
void ProfileTree_done(ProfileTree* tree);
/* The stacks counted: the root's total. */
long ProfileTree_total(const ProfileTree* tree);
/* count as a percentage of the stacks counted. */
double ProfileTree_percent(const ProfileTree* tree, long count);
/* Expands every node holding at least share (0..1) of the stacks: the hot
   paths open down to where they split thin. */
void ProfileTree_expandHot(ProfileTree* tree, double share);
/* The nodes shown, in order: the root's children and, under each expanded
   node, its own. Returns their number; *rows is allocated. */
int ProfileTree_visible(const ProfileTree* tree, int** rows);
/* Every frame name once, highest self first then highest total, or the
   other way round with byTotal. Returns their number; *out is allocated. */
int ProfileTree_functions(const ProfileTree* tree, bool byTotal, ProfileFunction** out);
/* The folded-stack format (flamegraph.pl, speedscope): per distinct stack
   "outermost;...;innermost count". */
void ProfileTree_folded(const ProfileTree* tree, FILE* out);
/* The n commonest stacks with count and percentage, innermost first. */
void ProfileTree_top(const ProfileTree* tree, int n, FILE* out);

#endif
