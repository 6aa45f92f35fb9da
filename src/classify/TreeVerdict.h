#ifndef HEADER_TreeVerdict
#define HEADER_TreeVerdict
/* One verdict for a whole service tree, from its processes' verdicts:
   which processes grow, or why the total is large though nothing grows;
   and from its ended generations, growth that recycling masks. */

struct ProcessTree;

typedef enum TreeVerdictLabel {
   TREE_WARMING_UP,
   TREE_STABLE,
   TREE_ONE_GROWS,
   TREE_SOME_GROW,
   TREE_ALL_GROW,
   TREE_MULTIPLICATION,
   TREE_COW_UNSHARING,
   TREE_RECYCLED_TRAFFIC, /* generations grew alike per unit of traffic, then were recycled */
   TREE_RECYCLED_TIME,    /* ... with time */
} TreeVerdictLabel;

#define TREE_EVIDENCE_SIZE 160

typedef struct TreeVerdict {
   TreeVerdictLabel label;
   double growthPerMin; /* summed projected growth of its processes, KiB/min */
   double timeToLimit;  /* seconds, NAN when not growing or beyond a day */
   char evidence[TREE_EVIDENCE_SIZE];
} TreeVerdict;

/* headroomKiB: what is left before the limit (NAN unknown); limitKiB: the
   limit itself, the cgroup's or the host's total (NAN unknown). */
void TreeVerdict_compute(TreeVerdict* this, const struct ProcessTree* tree, double headroomKiB,
                         double limitKiB);

const char* TreeVerdict_label(TreeVerdictLabel label);

#endif
