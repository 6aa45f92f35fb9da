#ifndef HEADER_Dashboard
#define HEADER_Dashboard
/* The main view, at the bottom of the view stack: a top line, the column
   titles, per tree a header line, its processes (tree or flat, sorted,
   filtered; DashboardRows.h) and a summary of the workers that exited,
   then a status line. Its selection is what Enter, S and P open and what
   the detail view's Up and Down step through. */

#include "ui/UiView.h"

extern const UiViewClass Dashboard_class;

/* Moves the selection of the dashboard view super by delta process rows. */
void Dashboard_move(UiView* super, int delta);
/* The selected process, or NULL. */
Process* Dashboard_selection(const UiView* super);
/* Rows a page moves: the body as last drawn, less one. */
int Dashboard_page(const UiView* super);

#endif
