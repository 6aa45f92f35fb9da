#ifndef HEADER_DetailView
#define HEADER_DetailView
/* One process in full: its figures, and its RSS history as a chart with a
   size axis and a time axis. Drawn in sections top to bottom so later
   overlays (traffic, verdicts, snapshots) can add their own. */

#include <curses.h>

#include "ui/UiState.h"

/* Opens the view on process p. */
void DetailView_open(Ui* ui, const Process* p);

void DetailView_draw(Ui* ui, WINDOW* w);

/* Chart spans the zoom keys step through; returns the next (dir > 0) or
   previous span. */
double DetailView_zoom(double span, int dir);

#endif
