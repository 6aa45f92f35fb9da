#include "config.h"

#include "ui/KeyBindings.h"

#include <curses.h>
#include <stddef.h>

#include "ui/Action.h"
#include "ui/LineField.h"
#include "ui/ReplayControl.h"

/* Keys every view takes the same way, after its own bindings. */
static const KeyBinding KeyBindings_sharedBindings[] = {
      {KEY_RESIZE, NULL, NULL, Action_redraw},
};
static const KeyTable KeyBindings_shared = {KeyBindings_sharedBindings,
                                            KEY_TABLE_COUNT(KeyBindings_sharedBindings), NULL};

/* Bound in every view, so a key means one thing wherever the cursor is
   moved from; Space no longer scrolls the detail view's pane (PgUp and
   PgDn do). */
static const KeyBinding KeyBindings_replayBindings[] = {
      {'t', "t", "one recorded tick back (held: faster)", ReplayControl_tickBack},
      {'T', "T", "one recorded tick forward (held: faster)", ReplayControl_tickForward},
      {'[', "[", "previous event (start, exit, OOM kill, verdict, snapshot)",
       ReplayControl_previousEvent},
      {']', "]", "next event", ReplayControl_nextEvent},
      {'b', "b", "go to a time: 14:05, 2h ago, 2026-12-04T14:05 (Enter go, Esc cancel)",
       ReplayControl_openPrompt},
      {' ', "Space", "play / pause", ReplayControl_playPause},
      {'x', "x", "speed: x1, x10, x60 recorded seconds per second", ReplayControl_nextSpeed},
      {KEY_END, "End", "the newest data", ReplayControl_newest},
      {'L', "L", "the time ranges the recording lost", ReplayControl_showLost},
      {'S', "S", "stacks, profiles, heap snapshot requests: not in replay",
       ReplayControl_refuseLive},
      {'P', "P", "stacks, profiles, heap snapshot requests: not in replay",
       ReplayControl_refuseLive},
      {'i', "i", "stacks, profiles, heap snapshot requests: not in replay",
       ReplayControl_refuseLive},
      {'M', "M", "stacks, profiles, heap snapshot requests: not in replay",
       ReplayControl_refuseLive},
      {'R', "R", "stacks, profiles, heap snapshot requests: not in replay",
       ReplayControl_refuseLive},
      {'W', "W", "stacks, profiles, heap snapshot requests: not in replay",
       ReplayControl_refuseLive},
};
const KeyTable KeyBindings_replay = {KeyBindings_replayBindings,
                                     KEY_TABLE_COUNT(KeyBindings_replayBindings), NULL};

/* While "go to time: " is typed in (after b), in any view. */
static const KeyBinding KeyBindings_promptBindings[] = {
      LINE_FIELD_BINDINGS(ReplayControl_promptCancel, ReplayControl_promptGo,
                          ReplayControl_promptErase),
};
static const KeyTable KeyBindings_prompt = {KeyBindings_promptBindings,
                                            KEY_TABLE_COUNT(KeyBindings_promptBindings),
                                            ReplayControl_promptType};

static const KeyBinding* KeyBindings_find(const KeyTable* table, int key) {
   for (int i = 0; i < table->count; i++)
      if (table->bindings[i].key == key)
         return &table->bindings[i];
   return NULL;
}

Reaction KeyBindings_dispatch(Ui* ui, int key) {
   UiView* top = Ui_topView(ui);
   const UiViewClass* klass = top->klass;
   const KeyTable* modal = ReplayControl_prompting(ui) ? &KeyBindings_prompt
                           : klass->modalKeys          ? klass->modalKeys(top)
                                                       : NULL;
   const KeyTable* own = modal ? modal : klass->keys;
   /* A modal table (help, a field typed in) keeps every key, replay's too. */
   const KeyBinding* b =
         ui->replay && !own->otherKey ? KeyBindings_find(&KeyBindings_replay, key) : NULL;
   if (!b)
      b = KeyBindings_find(own, key);
   if (!b && own->otherKey)
      return own->otherKey(top, ui, key);
   if (!b)
      b = KeyBindings_find(&KeyBindings_shared, key);
   if (!b)
      return REACT_NONE;
   /* A new action replaces the last one's note; a modal table's keys only
      scroll or edit what it shows. */
   if (!own->otherKey && key != KEY_RESIZE && key != KEY_MOUSE)
      ui->message[0] = '\0';
   return b->action(top, ui, key);
}
