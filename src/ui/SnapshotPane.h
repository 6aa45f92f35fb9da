#ifndef HEADER_SnapshotPane
#define HEADER_SnapshotPane
/* The detail view's snapshot pane (Tab, or when a snapshot of the worker
   comes in): the latest heap snapshot's verdict and how the request went,
   its diff with the previous one (types and lines that grew most, Python
   heap against RSS), then the snapshot itself, as `leaktop snapshot`
   prints them; scrollable. */

#include <curses.h>

#include "model/Process.h"
#include "ui/UiState.h"

typedef struct SnapshotPane {
   int scroll; /* the first line shown */
   int rows;   /* lines the pane had when last drawn: what a page is */
} SnapshotPane;

/* Draws p's pane on lines [y, bottom); returns bottom. */
int SnapshotPane_draw(SnapshotPane* this, const Ui* ui, WINDOW* w, int y, int bottom,
                      const Process* p);

#endif
