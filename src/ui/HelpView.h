#ifndef HEADER_HelpView
#define HEADER_HelpView
/* The help screen: every key binding (generated from the views' binding
   tables), the columns, the column sets, and what n/a, ... and - mean.
   It scrolls; F10 quits; any other key goes back. */

#include "ui/UiView.h"

extern const UiViewClass HelpView_class;

#endif
