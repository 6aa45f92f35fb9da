#ifndef HEADER_ProfileView
#define HEADER_ProfileView
/* A sampled profile of one process (key P in the dashboard, p in the
   stack view): 5 s at 100 Hz with native frames, as py-spy's defaults,
   one stack dump at a time between the screen's other work, so the screen
   stays live and shows the progress; then the stacks as a call tree with
   total and self shares (or as a list of functions), which can be written
   out in the folded format. Leaving it stops sampling: nothing stays
   attached. */

#include "ui/UiView.h"

extern const UiViewClass ProfileView_class;

#endif
