#ifndef HEADER_UiState
#define HEADER_UiState
/* The state of the interactive screen that is no one view's: the model,
   the options, the growth window, heap snapshot requests, the status
   line's note, the stack of open views (UiView.h), the dashboard at
   the bottom and the one shown on top, and in replay the time cursor. One instance lives in
   ScreenManager_run(). */

#include <stdbool.h>
#include <sys/types.h>

#include "CommandLine.h"
#include "model/Machine.h"
#include "ui/Columns.h"
#include "ui/Glyphs.h"
#include "ui/UiView.h"

struct SnapshotRunner_;
struct ReplayControl;

typedef struct Ui {
   Machine* machine;
   const Options* opts;
   const Glyphs* glyphs;
   bool quit;
   double window; /* growth window, seconds: the dashboard's and the detail view's */

   UiView** views; /* each allocated apart, so a view outlives the pushes its keys make */
   int viewCount;
   int viewCapacity;

   /* Heap snapshot requests (keys i, M, R, W) and --snapshot-every. */
   struct SnapshotRunner_* snapshots;
   double snapshotPolled; /* monotonic time of the last poll */

   char message[256]; /* a one-off note for the status line */

   /* `leaktop replay`'s time cursor (ReplayControl.h), NULL when live. */
   struct ReplayControl* replay;
} Ui;

/* The process with identity (pid, start) in any tree, or NULL. */
Process* Ui_findProcess(const Ui* ui, pid_t pid, unsigned long long start, int* tree);

/* The context the column formatters need, from the machine's last scan:
   for the rows of tree number tree, with its headroom (for TTL); -1 for
   none. */
void Ui_columnContext(const Ui* ui, int tree, ColumnContext* ctx);

/* Opens a view of klass about process (pid, start), or about none when
   pid is 0, over the others. */
void Ui_pushView(Ui* ui, const UiViewClass* klass, pid_t pid, unsigned long long start);
/* Closes the top view: back to the one below. */
void Ui_popView(Ui* ui);
/* Closes every view, the top one first. */
void Ui_closeViews(Ui* ui);
UiView* Ui_topView(const Ui* ui);
/* The bottom of the stack: the dashboard, which is left by quitting. */
UiView* Ui_rootView(const Ui* ui);

/* The COLUMN_NEEDS_* bits of every view on the stack: a view covered by
   another keeps its figures current for when it shows again. */
unsigned Ui_costFlags(const Ui* ui);
/* The process the top view is about, or the one the view under it is. */
Process* Ui_current(const Ui* ui);

/* The hooks every view on the stack gets (UiView.h): after a scan, the
   earliest time one has work between keys (negative: none), and that
   work, true when the screen changed. */
void Ui_scanned(Ui* ui);
double Ui_nextWake(const Ui* ui);
bool Ui_step(Ui* ui);
/* Tells the top view that a heap snapshot of (pid, start) came in. */
void Ui_snapshotTaken(Ui* ui, pid_t pid, unsigned long long start);

/* What the status line says: the last action's note, else a snapshot's
   progress, else why some value is unknown. */
const char* Ui_note(const Ui* ui);

#endif
