#ifndef HEADER_DashboardRows
#define HEADER_DashboardRows
/* The dashboard's scrolling body as rows: per tree a header, its
   processes (as a tree or flat, filtered, sorted) and a summary of those
   that exited; and the selection, which follows its process across
   rebuilds and re-sorts. Rebuilt after every scan and before every draw,
   so a row's Process is valid until the next Machine_scan(). No curses. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ui/UiState.h"

typedef enum DashboardRowKind {
   ROW_TREE_HEADER,
   ROW_PROCESS,
   ROW_EXITED,
   ROW_MESSAGE,
} DashboardRowKind;

typedef struct DashboardRow {
   DashboardRowKind kind;
   int tree;
   Process* proc;
   int depth;
   uint32_t moreBelow; /* bit d: the ancestor at depth d has later siblings */
   bool lastChild;
} DashboardRow;

typedef struct DashboardSort {
   int column; /* ColumnId, or -1 for tree order */
   bool descending;
} DashboardSort;

typedef struct DashboardRows {
   DashboardRow* rows;
   int count;
   int capacity;
   int scroll;   /* index of the first row shown */
   int selected; /* index into rows, -1 when there is no process row */
   pid_t selPid; /* identity of the selection, followed across re-sorts */
   unsigned long long selStart;
} DashboardRows;

void DashboardRows_init(DashboardRows* this);
void DashboardRows_done(DashboardRows* this);

/* Rebuilds the rows from ui's machine: flat or as trees, in sort's order,
   with the processes whose PID, name or command line contain filter (all
   when it is empty); then finds the selection again. */
void DashboardRows_build(DashboardRows* this, const Ui* ui, bool flat, const DashboardSort* sort,
                         const char* filter);

/* The selected process, or NULL. */
Process* DashboardRows_selection(const DashboardRows* this);

/* Moves the selection by delta process rows, or to the first or last. */
void DashboardRows_move(DashboardRows* this, int delta);
void DashboardRows_moveTo(DashboardRows* this, bool last);
/* Selects row i; false when it is not a process row. */
bool DashboardRows_select(DashboardRows* this, int i);

/* Scrolls so the selection is among the height rows shown. */
void DashboardRows_scrollToSelection(DashboardRows* this, int height);

#endif
