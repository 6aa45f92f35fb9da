#ifndef HEADER_KeyBindings
#define HEADER_KeyBindings
/* Flat key-binding tables, one per view: key -> action. The help screen is
   generated from these tables, so it lists every binding there is. */

#include "ui/UiState.h"

/* What the screen manager does after an action. */
#define REACT_NONE   0x0u
#define REACT_REDRAW 0x1u
#define REACT_QUIT   0x2u
#define REACT_RESIZE 0x4u /* redraw from scratch: the size changed */

typedef unsigned Reaction;
typedef Reaction (*KeyAction)(Ui* ui, int key);

typedef struct KeyBinding {
   int key;
   const char* keyName; /* as the help screen names it */
   const char* help;    /* bindings with the same help share one help line */
   KeyAction action;
} KeyBinding;

extern const KeyBinding KeyBindings_dashboard[];
extern const int KeyBindings_dashboardCount;
extern const KeyBinding KeyBindings_detail[];
extern const int KeyBindings_detailCount;
extern const KeyBinding KeyBindings_stack[];
extern const int KeyBindings_stackCount;
extern const KeyBinding KeyBindings_profile[];
extern const int KeyBindings_profileCount;

/* Handles one key of getch() in the current view (or the filter editor). */
Reaction KeyBindings_dispatch(Ui* ui, int key);

/* The growth windows `w` cycles through: the next one after current. */
double KeyBindings_nextWindow(double current);

#endif
