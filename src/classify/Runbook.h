#ifndef HEADER_Runbook
#define HEADER_Runbook
/* The next step a runbook gives for each verdict: data, one line each. */

#include "classify/Classifier.h"
#include "classify/ResourceGrowth.h"
#include "classify/TreeVerdict.h"
#include "snapshot/SnapshotDiff.h"

const char* Runbook_workerStep(GrowthVerdict verdict, GrowthReason reason);
/* The step once the worker's latest snapshot diff says where its memory
   goes: that diff's advice when it has one, else the classifier's. */
const char* Runbook_step(GrowthVerdict verdict, GrowthReason reason, SnapshotVerdict snapshot);
const char* Runbook_treeStep(TreeVerdictLabel label);
/* The step for fds or threads that grow (classify/ResourceGrowth.h), by
   what the growth is made of; NULL when nothing grows. */
const char* Runbook_resourceStep(const ResourceGrowth* resources);

#endif
