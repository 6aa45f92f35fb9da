#ifndef HEADER_UiState
#define HEADER_UiState
/* The state of the interactive screen, shared by the views and the key
   actions. One instance lives in ScreenManager_run(). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "CommandLine.h"
#include "model/Machine.h"
#include "ui/Columns.h"
#include "ui/Glyphs.h"

typedef enum UiView {
   VIEW_DASHBOARD,
   VIEW_DETAIL,
   VIEW_STACK,
   VIEW_PROFILE,
   VIEW_HELP,
} UiView;

typedef enum UiRowKind {
   ROW_TREE_HEADER,
   ROW_PROCESS,
   ROW_EXITED,
   ROW_MESSAGE,
} UiRowKind;

/* One line of the dashboard's scrolling body; rebuilt on every draw, so the
   Process pointer is valid until the next Machine_scan(). */
typedef struct UiRow {
   UiRowKind kind;
   int tree;
   Process* proc;
   int depth;
   uint32_t moreBelow; /* bit d: the ancestor at depth d has later siblings */
   bool lastChild;
} UiRow;

typedef struct UiSort {
   int column; /* ColumnId, or -1 for tree order */
   bool descending;
} UiSort;

#define UI_FILTER_MAX 64

struct SnapshotRunner_;

typedef struct Ui {
   Machine* machine;
   const Options* opts;
   const Glyphs* glyphs;
   UiView view;
   UiView helpReturn; /* the view the help screen goes back to */
   bool quit;

   /* Dashboard */
   bool flatView;
   int columnSet;
   UiSort flatSort;
   UiSort treeSort;
   double window; /* growth window, seconds */
   char filter[UI_FILTER_MAX];
   bool editingFilter;
   ColumnLayout layout;

   UiRow* rows;
   int rowCount;
   int rowCapacity;
   int bodyTop;    /* screen line of the first body row */
   int bodyHeight; /* lines for body rows */
   int scroll;     /* index of the first row shown */
   int selected;   /* index into rows, -1 when there is no process row */
   pid_t selPid;   /* identity of the selection, followed across re-sorts */
   unsigned long long selStart;

   /* Detail view */
   pid_t detailPid;
   unsigned long long detailStart;
   double detailSpan;   /* seconds shown by the chart */
   bool detailSnapshot; /* the snapshot pane instead of the chart */
   int snapshotScroll;  /* first line of the snapshot pane shown */
   int snapshotRows;    /* lines the pane had when last drawn */

   /* Heap snapshot requests (keys i, M, R, W) and --snapshot-every. */
   struct SnapshotRunner_* snapshots;
   double snapshotPolled; /* monotonic time of the last poll */

   /* Stack view: the dump's text, one string per line */
   pid_t stackPid;
   char** stackLines;
   int stackLineCount;
   int stackScroll;

   /* Profile view: a sampling run and its tree (ui/ProfileView.c) */
   struct ProfileRun* profile;
   UiView profileReturn; /* the view it was opened from */

   /* Help view */
   int helpScroll;

   char message[256]; /* a one-off note for the status line */
} Ui;

/* The sort of the current view. */
UiSort* Ui_sort(Ui* ui);

/* The process with identity (pid, start) in any tree, or NULL. */
Process* Ui_findProcess(const Ui* ui, pid_t pid, unsigned long long start, int* tree);

/* The process the keys act on: the detail view's, else the selection. */
Process* Ui_current(const Ui* ui);

/* What the status line says: the last action's note, else a snapshot's
   progress, else why some value is unknown. */
const char* Ui_note(const Ui* ui);

#endif
