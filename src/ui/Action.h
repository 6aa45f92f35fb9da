#ifndef HEADER_Action
#define HEADER_Action
/* The actions more than one view binds, as htop's Action.c: heap
   snapshots of the current process, the help screen, back, quitting,
   redrawing, the growth window, the traffic source and the report. Each view's own
   actions live in its file with its key table. */

#include <stdbool.h>

#include "ui/KeyBindings.h"

/* The snapshot keys say the same in every view that binds them; each fits
   the help screen's 80 columns. */
#define ACTION_SNAPSHOT_HELP    "heap snapshot of the worker and its diff (Esc cancels a wait)"
#define ACTION_TRACEMALLOC_HELP "tracemalloc on/off in the worker: diffs then show lines"
#define ACTION_TRIM_HELP        "snapshot with malloc_trim(0): what the allocator gives back"
#define ACTION_WAKE_HELP        "wake the worker a snapshot waits for (gunicorn: SIGWINCH)"
#define ACTION_REPORT_HELP      "incident report of the tree, from its recording (HTML, .md)"

/* i, M, R, W: a snapshot of the current process, with tracemalloc turned
   on or off, with malloc_trim(0); wake the worker a snapshot waits for. */
Reaction Action_snapshot(UiView* this, Ui* ui, int key);
Reaction Action_tracemalloc(UiView* this, Ui* ui, int key);
Reaction Action_trim(UiView* this, Ui* ui, int key);
Reaction Action_wake(UiView* this, Ui* ui, int key);
/* Esc first abandons a snapshot that waits; true when it did. */
bool Action_cancelSnapshot(Ui* ui);

Reaction Action_help(UiView* this, Ui* ui, int key);
/* Closes the top view, back to the one it was opened from. */
Reaction Action_back(UiView* this, Ui* ui, int key);
Reaction Action_quit(UiView* this, Ui* ui, int key);
/* ^L, and a new terminal size: everything drawn again. */
Reaction Action_redraw(UiView* this, Ui* ui, int key);
/* w: the next growth window (1m, 5m, 15m, 1h). */
Reaction Action_window(UiView* this, Ui* ui, int key);
/* T: the next traffic source. */
Reaction Action_traffic(UiView* this, Ui* ui, int key);
/* E: the report of the current process's tree (report/ReportFiles.h), from
   the recording replayed up to the cursor; live, from the recording a
   `leaktop record` keeps of the tree, up to its newest data. The status
   line says where it went, or why not. */
Reaction Action_report(UiView* this, Ui* ui, int key);

#endif
