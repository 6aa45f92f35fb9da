#include "config.h"

#include "ui/KeyBindings.h"

#include <curses.h>
#include <stddef.h>

#include "ui/Action.h"

/* Keys every view takes the same way, after its own bindings. */
static const KeyBinding KeyBindings_sharedBindings[] = {
      {KEY_RESIZE, NULL, NULL, Action_redraw},
};
static const KeyTable KeyBindings_shared = {KeyBindings_sharedBindings,
                                            KEY_TABLE_COUNT(KeyBindings_sharedBindings), NULL};

static const KeyBinding* KeyBindings_find(const KeyTable* table, int key) {
   for (int i = 0; i < table->count; i++)
      if (table->bindings[i].key == key)
         return &table->bindings[i];
   return NULL;
}

Reaction KeyBindings_dispatch(Ui* ui, int key) {
   UiView* top = Ui_topView(ui);
   const UiViewClass* klass = top->klass;
   const KeyTable* modal = klass->modalKeys ? klass->modalKeys(top) : NULL;
   const KeyTable* own = modal ? modal : klass->keys;
   const KeyBinding* b = KeyBindings_find(own, key);
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
