#ifndef HEADER_UiView
#define HEADER_UiView
/* What a view of the interactive screen is, after tmux's window modes: a
   class of functions with one const instance in each view's file (the
   dashboard, a process's detail, its stacks, its profile, the help), and
   the state that open allocates and close frees, private to that file.
   Views stack in the Ui (UiState.h): keys and drawing go to the top one,
   "back" pops it, and what is scanned is what any view on the stack needs. */

#include <curses.h>
#include <stdbool.h>
#include <sys/types.h>

#include "model/Process.h"

struct Ui;
struct KeyTable;

typedef struct UiView {
   const struct UiViewClass* klass;
   void* data; /* the view's own state, from open */
} UiView;

typedef struct UiViewClass {
   const char* name; /* heads the view's keys on the help screen */
   /* The view's bindings; the help screen lists them. */
   const struct KeyTable* keys;
   /* A modal table that takes the keys instead for now (the dashboard's
      filter field), else NULL. NULL hook: never. */
   const struct KeyTable* (*modalKeys)(const UiView* this);

   /* The state of a view about process (pid, start), or of one about no
      process when pid is 0. */
   void* (*open)(struct Ui* ui, pid_t pid, unsigned long long start);
   void (*close)(void* data);
   void (*draw)(UiView* this, struct Ui* ui, WINDOW* w);

   /* The COLUMN_NEEDS_* bits of what the view shows. NULL hook: none. */
   unsigned (*costFlags)(const UiView* this, const struct Ui* ui);
   /* The process the view is about, what snapshot keys act on and periodic
      snapshots follow; NULL if it has gone. NULL hook: the view is about
      none of its own, the one below it answers. */
   Process* (*current)(const UiView* this, const struct Ui* ui);

   /* The following are called on every view of the stack, not only the top
      one, so a profile keeps sampling under the help screen; NULL hooks
      do nothing. After each Machine_scan, which frees the processes that
      ended: */
   void (*scanned)(UiView* this, struct Ui* ui);
   /* The monotonic time the view next has work to do between keys, or a
      negative value for none. */
   double (*nextWake)(const UiView* this);
   /* Does that work if it is due; true when the screen changed. */
   bool (*step)(UiView* this, struct Ui* ui);

   /* On the top view only: a heap snapshot of (pid, start) came in. */
   void (*snapshotTaken)(UiView* this, pid_t pid, unsigned long long start);
} UiViewClass;

#endif
