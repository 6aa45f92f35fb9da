#ifndef HEADER_Runbook
#define HEADER_Runbook
/* The next step a runbook gives for each verdict: data, one line each. */

#include "classify/Classifier.h"
#include "classify/TreeVerdict.h"

const char* Runbook_workerStep(GrowthVerdict verdict, GrowthReason reason);
const char* Runbook_treeStep(TreeVerdictLabel label);

#endif
