#ifndef HEADER_DeployScan
#define HEADER_DeployScan
/* Feeds a tree's DeployWatch (model/DeployWatch.h) each tick from its
   sample source: the root's exec image and code files every
   DEPLOY_SCAN_SECONDS, the exec image of each new child of the root once
   (and of a child with children of its own, a new master's shape, at the
   root's cadence), and the workers' start times while a change waits for
   one. A recording gives its deploys instead. */

#include "model/ProcessTree.h"
#include "sample/SampleSource.h"

/* How often the root's files are stat()ed: at most CODE_PROBE_FILES_MAX
   of them per tree. */
#define DEPLOY_SCAN_SECONDS 5.0

/* now: the monotonic time of this tick (Process.firstSeen's clock), wall
   the wall clock. */
void DeployScan_tree(ProcessTree* tree, SampleSource* source, double now, double wall);

#endif
