#ifndef HEADER_StackView
#define HEADER_StackView
/* The stacks of one process (key S): a one-shot dump, native frames merged
   with Python frames, as `leaktop stack PID` prints it, in a scrollable
   pane. */

#include <curses.h>

#include "ui/UiState.h"

/* Dumps process pid's stacks and shows them; on failure the reason. */
void StackView_open(Ui* ui, pid_t pid);
/* Frees the dump's lines. */
void StackView_close(Ui* ui);
/* Scrolls by delta lines (clamped when drawn). */
void StackView_scroll(Ui* ui, int delta);
void StackView_draw(Ui* ui, WINDOW* w);

#endif
