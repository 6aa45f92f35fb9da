#ifndef HEADER_KeyBindings
#define HEADER_KeyBindings
/* Flat key-binding tables: key -> action. Each view has its own
   (UiView.h), and the help screen is generated from them, so it lists
   every binding there is. A key goes to the top view's table, then to the
   keys every view shares; in replay, the replay keys come first. */

#include "ui/UiState.h"

/* What the screen manager does after an action. */
#define REACT_NONE   0x0u
#define REACT_REDRAW 0x1u
#define REACT_QUIT   0x2u
#define REACT_RESIZE 0x4u /* redraw from scratch: the size changed */

typedef unsigned Reaction;
/* this is the top view. A view that pushed another stays valid; one that
   popped itself is gone. */
typedef Reaction (*KeyAction)(UiView* this, Ui* ui, int key);

typedef struct KeyBinding {
   int key;
   const char* keyName; /* as the help screen names it */
   const char* help;    /* bindings with the same help share one help line */
   KeyAction action;
} KeyBinding;

typedef struct KeyTable {
   const KeyBinding* bindings;
   int count;
   /* Set in a modal table (the help screen, the filter field), which takes
      every key: the keys it does not bind go here, none goes on to the
      keys every view shares, and none replaces the status line's note. */
   KeyAction otherKey;
} KeyTable;

#define KEY_TABLE_COUNT(bindings) ((int)(sizeof(bindings) / sizeof((bindings)[0])))

#define KEY_ESC    27
#define KEY_CTRL_L 12

/* In `leaktop replay`, the time cursor's keys, before the top view's own:
   t and T move a tick (so the dashboard's tree toggle is F there), End
   goes to the newest data, and the keys that need the live process are
   refused with a note. The help screen lists them. */
extern const KeyTable KeyBindings_replay;

/* Handles one key of getch() in the top view. */
Reaction KeyBindings_dispatch(Ui* ui, int key);

#endif
