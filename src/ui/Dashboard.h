#ifndef HEADER_Dashboard
#define HEADER_Dashboard
/* The main view: a top line, the column titles, per tree a header line, its
   processes (tree or flat, sorted, filtered) and a summary of the workers
   that exited, then a status line. */

#include <curses.h>
#include <stdbool.h>

#include "ui/KeyBindings.h"
#include "ui/UiState.h"

void Dashboard_init(Ui* ui);
void Dashboard_done(Ui* ui);

/* Chooses the visible columns for a screen width cols. */
void Dashboard_layout(Ui* ui, int cols);

/* Rebuilds the rows from the machine's trees and re-finds the selection. */
void Dashboard_buildRows(Ui* ui);

void Dashboard_draw(Ui* ui, WINDOW* w);

/* The context formatters need, from the machine's last scan. */
void Dashboard_context(const Ui* ui, ColumnContext* ctx);
/* The same for the rows of tree number tree: with its headroom, for TTL. */
void Dashboard_treeContext(const Ui* ui, int tree, ColumnContext* ctx);

/* How a tree's verdict looks: the growing ones in the warning colour. */
ColorElement Dashboard_treeVerdictColor(TreeVerdictLabel label);

/* Selection moves; delta in process rows. */
void Dashboard_move(Ui* ui, int delta);
void Dashboard_moveTo(Ui* ui, bool last);
/* Selects the row shown at screen line y; false if none is there. */
bool Dashboard_selectAtLine(Ui* ui, int y);
/* Column whose title is at screen column x when y is the titles line; -1. */
int Dashboard_columnAt(const Ui* ui, int y, int x);

/* The selected process, or NULL. */
Process* Dashboard_selection(const Ui* ui);

/* The keys while the filter is typed in (after `/`): Enter applies it,
   Esc clears it. */
extern const KeyTable Dashboard_filterKeys;

/* Union of cost flags of what is on screen (columns, or the detail view). */
unsigned Dashboard_costFlags(const Ui* ui);

#endif
