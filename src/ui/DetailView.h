#ifndef HEADER_DetailView
#define HEADER_DetailView
/* One process in full (Enter in the dashboard): its figures; its RSS
   history as a chart (DetailChart.h) or its heap snapshots
   (SnapshotPane.h); then the verdict with its evidence, the runbook's next
   step and the time to the limit. Drawn in sections top to bottom. Up and
   Down step through the dashboard's processes without leaving it. */

#include "ui/UiView.h"

extern const UiViewClass DetailView_class;

#endif
