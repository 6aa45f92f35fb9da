#ifndef HEADER_ReplayControl
#define HEADER_ReplayControl
/* `leaktop replay` on the interactive screen: the time cursor of a
   recording (replay/Replay.h) under the same views as live. It holds the
   cursor's pace (ReplayPace.h), the "go to time" prompt, and the actions
   of the replay keys, which KeyBindings.c lists in its shared tables; after
   every move it gives the Ui the cursor's Machine, a new one after a jump
   or a step back, and has every view rebuild what it drew from the old
   one. Live-only actions (stacks, profiles, heap snapshot requests) are
   refused with a note, as a recording has no process to ask. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "replay/Replay.h"
#include "ui/KeyBindings.h"

typedef struct ReplayControl ReplayControl;

/* Takes no ownership of replay, whose cursor is where the screen starts;
   ui->machine is set from it. */
ReplayControl* ReplayControl_new(Replay* replay);
void ReplayControl_delete(ReplayControl* this);
/* Points the Ui at the cursor's model, and says on the status line the
   time ranges the recording lost, if any. */
void ReplayControl_attach(ReplayControl* this, Ui* ui);

/* The recording replayed, NULL when live. */
const Replay* ReplayControl_recording(const Ui* ui);

/* While playing, the recorded ticks due by now (monotonic seconds); true
   when the cursor moved. It pauses at the newest data, saying so. */
bool ReplayControl_advance(Ui* ui, double now);
/* When the next tick is due, or negative when paused. */
double ReplayControl_nextWake(const Ui* ui);

/* The header's words: "REPLAY 14:05:30 CET x10 playing", with "newest" at
   the newest data. */
void ReplayControl_header(const Ui* ui, char* out, size_t size);

/* The "go to time: " prompt, while it is open, drawn over the status line
   of whichever view is shown. */
bool ReplayControl_prompting(const Ui* ui);
void ReplayControl_drawPrompt(const Ui* ui, WINDOW* w, int y);

/* How many time ranges the recording lost, and lost range index as a help
   line: its times and why. */
int ReplayControl_lostCount(const Ui* ui);
void ReplayControl_lostLine(const Ui* ui, int index, char* out, size_t size);

/* The replay keys' actions (KeyBindings.c binds them). */
Reaction ReplayControl_tickBack(UiView* this, Ui* ui, int key);
Reaction ReplayControl_tickForward(UiView* this, Ui* ui, int key);
Reaction ReplayControl_previousEvent(UiView* this, Ui* ui, int key);
Reaction ReplayControl_nextEvent(UiView* this, Ui* ui, int key);
Reaction ReplayControl_openPrompt(UiView* this, Ui* ui, int key);
Reaction ReplayControl_playPause(UiView* this, Ui* ui, int key);
Reaction ReplayControl_nextSpeed(UiView* this, Ui* ui, int key);
Reaction ReplayControl_newest(UiView* this, Ui* ui, int key);
Reaction ReplayControl_showLost(UiView* this, Ui* ui, int key);
/* A key that needs the live process, refused with what it would need. */
Reaction ReplayControl_refuseLive(UiView* this, Ui* ui, int key);

/* The prompt's keys: Enter goes to the time typed, Esc cancels. */
Reaction ReplayControl_promptGo(UiView* this, Ui* ui, int key);
Reaction ReplayControl_promptCancel(UiView* this, Ui* ui, int key);
Reaction ReplayControl_promptErase(UiView* this, Ui* ui, int key);
Reaction ReplayControl_promptType(UiView* this, Ui* ui, int key);

#endif
