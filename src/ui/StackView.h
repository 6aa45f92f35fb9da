#ifndef HEADER_StackView
#define HEADER_StackView
/* The stacks of one process (key S): a one-shot dump, native frames merged
   with Python frames, as `leaktop stack PID` prints it, in a scrollable
   pane; r dumps again, p profiles the process. */

#include "ui/UiView.h"

extern const UiViewClass StackView_class;

#endif
