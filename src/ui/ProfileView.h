#ifndef HEADER_ProfileView
#define HEADER_ProfileView
/* A sampled profile of one process from the dashboard (key P): it samples
   one stack dump at a time between the screen's other work, so the screen
   stays live and shows the progress, then shows the stacks as a call tree
   with total and self shares (or as a list of functions), which can be
   written out in the folded format. */

#include <curses.h>
#include <stdbool.h>

#include "ui/UiState.h"

typedef enum ProfileFold {
   FOLD_TOGGLE,
   FOLD_OPEN,  /* open the node */
   FOLD_CLOSE, /* close the node */
   FOLD_RIGHT, /* open the node, or go to its first child when open */
   FOLD_LEFT,  /* close the node, or go to its parent when closed */
} ProfileFold;

typedef enum ProfileToggle {
   TOGGLE_FLAT,     /* call tree / functions */
   TOGGLE_SORT,     /* functions by self / by total */
   TOGGLE_THREADS,  /* a thread above its stacks */
   TOGGLE_IDLE,     /* stacks of threads that were not running */
   TOGGLE_NATIVE,   /* native frames / Python frames only: samples again */
   TOGGLE_DURATION, /* the next duration: samples again */
   TOGGLE_RATE,     /* the next rate: samples again */
} ProfileToggle;

/* Starts sampling pid: 5 s at 100 Hz with native frames, as py-spy's
   defaults; the view opens on the progress. */
void ProfileView_open(Ui* ui, pid_t pid);
/* Stops sampling (nothing stays attached) and frees the profile. */
void ProfileView_close(Ui* ui);

/* Monotonic time of the next sample, or a negative value when none is due. */
double ProfileView_nextSample(const Ui* ui);
/* Takes the sample that is due, if any; true when the screen should be
   redrawn (progress, or the end of the run). */
bool ProfileView_step(Ui* ui);

/* Ends sampling now and shows what was sampled. */
void ProfileView_stop(Ui* ui);
/* Samples again with the same settings. */
void ProfileView_again(Ui* ui);
void ProfileView_toggle(Ui* ui, ProfileToggle what);
void ProfileView_move(Ui* ui, int delta);
/* The first row, or the last. */
void ProfileView_moveTo(Ui* ui, bool last);
/* Lines a page moves. */
int ProfileView_page(const Ui* ui);
void ProfileView_fold(Ui* ui, ProfileFold how);
/* Writes the profile as shown (threads, idle) in the folded format to
   leaktop's private directory and says where. */
void ProfileView_write(Ui* ui);

void ProfileView_draw(Ui* ui, WINDOW* w);

#endif
