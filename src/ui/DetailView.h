#ifndef HEADER_DetailView
#define HEADER_DetailView
/* One process in full: its figures; its RSS history as a chart with a size
   axis, the traffic overlaid on a second scale, idle columns shaded and
   spikes and the last verdict change marked on the time axis; then the
   verdict with its evidence, the runbook's next step and the time to the
   limit. Drawn in sections top to bottom so later ones (snapshots) can add
   their own. */

#include <curses.h>

#include "ui/UiState.h"

/* Opens the view on process p. */
void DetailView_open(Ui* ui, const Process* p);

void DetailView_draw(Ui* ui, WINDOW* w);

/* Chart spans the zoom keys step through; returns the next (dir > 0) or
   previous span. */
double DetailView_zoom(double span, int dir);

#endif
