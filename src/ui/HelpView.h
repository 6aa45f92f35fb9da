#ifndef HEADER_HelpView
#define HEADER_HelpView
/* The help screen: every key binding (generated from the binding tables),
   the columns, the column sets, and what n/a, ... and - mean. */

#include <curses.h>

#include "ui/KeyBindings.h"
#include "ui/UiState.h"

void HelpView_draw(Ui* ui, WINDOW* w);

/* Scrolling and F10; any other key goes back. */
extern const KeyTable HelpView_keys;

#endif
