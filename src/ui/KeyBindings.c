#include "config.h"

#include "ui/KeyBindings.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui/Action.h"
#include "ui/Dashboard.h"
#include "ui/DetailView.h"
#include "util/Format.h"
#include "ui/HelpView.h"
#include "ui/ProfileView.h"
#include "ui/StackView.h"

static int KeyBindings_page(const Ui* ui) {
   return ui->bodyHeight > 1 ? ui->bodyHeight - 1 : 1;
}

/* ---- dashboard actions --------------------------------------------------- */

static Reaction Action_up(Ui* ui, int key) {
   (void)key;
   Dashboard_move(ui, -1);
   return REACT_REDRAW;
}

static Reaction Action_down(Ui* ui, int key) {
   (void)key;
   Dashboard_move(ui, 1);
   return REACT_REDRAW;
}

static Reaction Action_pageUp(Ui* ui, int key) {
   (void)key;
   Dashboard_move(ui, -KeyBindings_page(ui));
   return REACT_REDRAW;
}

static Reaction Action_pageDown(Ui* ui, int key) {
   (void)key;
   Dashboard_move(ui, KeyBindings_page(ui));
   return REACT_REDRAW;
}

static Reaction Action_home(Ui* ui, int key) {
   (void)key;
   Dashboard_moveTo(ui, false);
   return REACT_REDRAW;
}

static Reaction Action_end(Ui* ui, int key) {
   (void)key;
   Dashboard_moveTo(ui, true);
   return REACT_REDRAW;
}

static Reaction Action_detail(Ui* ui, int key) {
   (void)key;
   const Process* p = Dashboard_selection(ui);
   if (!p)
      return REACT_NONE;
   DetailView_open(ui, p);
   return REACT_REDRAW;
}

static Reaction Action_stack(Ui* ui, int key) {
   (void)key;
   const Process* p = Dashboard_selection(ui);
   if (!p)
      return REACT_NONE;
   StackView_open(ui, p->pid);
   return REACT_REDRAW;
}

static Reaction Action_profile(Ui* ui, int key) {
   (void)key;
   const Process* p = Dashboard_selection(ui);
   if (!p)
      return REACT_NONE;
   ProfileView_open(ui, p->pid);
   return REACT_REDRAW;
}

static void KeyBindings_sortMessage(Ui* ui) {
   const UiSort* s = Ui_sort(ui);
   if (s->column < 0)
      snprintf(ui->message, sizeof(ui->message), "sorted in tree order");
   else
      snprintf(ui->message, sizeof(ui->message), "sorted by %s, %s", Columns_table[s->column].title,
               s->descending ? "descending" : "ascending");
}

static void KeyBindings_sortBy(Ui* ui, int column) {
   UiSort* s = Ui_sort(ui);
   if (s->column == column && column >= 0) {
      s->descending = !s->descending;
   } else {
      s->column = column;
      s->descending = column >= 0 && Columns_table[column].descendingFirst;
   }
   KeyBindings_sortMessage(ui);
}

static Reaction Action_sortNext(Ui* ui, int key) {
   (void)key;
   /* Cycle through the visible columns; the tree view also has tree order. */
   UiSort* s = Ui_sort(ui);
   int candidates[COL_COUNT + 1];
   int n = 0;
   if (!ui->flatView)
      candidates[n++] = -1;
   for (int i = 0; i < ui->layout.count; i++)
      if (!(Columns_table[ui->layout.ids[i]].flags & COLUMN_NO_SORT))
         candidates[n++] = ui->layout.ids[i];
   if (n == 0)
      return REACT_NONE;
   int at = -1;
   for (int i = 0; i < n; i++)
      if (candidates[i] == s->column)
         at = i;
   int next = candidates[(at + 1) % n];
   s->column = next;
   s->descending = next >= 0 && Columns_table[next].descendingFirst;
   KeyBindings_sortMessage(ui);
   return REACT_REDRAW;
}

static Reaction Action_sortInvert(Ui* ui, int key) {
   (void)key;
   UiSort* s = Ui_sort(ui);
   if (s->column < 0) {
      snprintf(ui->message, sizeof(ui->message), "tree order has no direction; s picks a column");
      return REACT_REDRAW;
   }
   s->descending = !s->descending;
   KeyBindings_sortMessage(ui);
   return REACT_REDRAW;
}

static Reaction Action_treeToggle(Ui* ui, int key) {
   (void)key;
   ui->flatView = !ui->flatView;
   snprintf(ui->message, sizeof(ui->message), "%s view", ui->flatView ? "flat" : "tree");
   return REACT_REDRAW;
}

static Reaction Action_columns(Ui* ui, int key) {
   (void)key;
   ui->columnSet = (ui->columnSet + 1) % Columns_setCount;
   snprintf(ui->message, sizeof(ui->message), "columns: %s", Columns_sets[ui->columnSet].name);
   return REACT_REDRAW;
}

static Reaction Action_filter(Ui* ui, int key) {
   (void)key;
   ui->editingFilter = true;
   return REACT_REDRAW;
}

static Reaction Action_clearFilter(Ui* ui, int key) {
   (void)key;
   if (Action_cancelSnapshot(ui))
      return REACT_REDRAW;
   ui->filter[0] = '\0';
   ui->message[0] = '\0';
   return REACT_REDRAW;
}

static Reaction Action_mouse(Ui* ui, int key) {
   (void)key;
   MEVENT ev;
   if (getmouse(&ev) != OK)
      return REACT_NONE;
   if (ev.bstate & BUTTON4_PRESSED) {
      Dashboard_move(ui, -3);
      return REACT_REDRAW;
   }
#ifdef BUTTON5_PRESSED
   if (ev.bstate & BUTTON5_PRESSED) {
      Dashboard_move(ui, 3);
      return REACT_REDRAW;
   }
#endif
   if (ev.bstate & (BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON1_PRESSED)) {
      int column = Dashboard_columnAt(ui, ev.y, ev.x);
      if (column >= 0 && !(Columns_table[column].flags & COLUMN_NO_SORT)) {
         KeyBindings_sortBy(ui, column);
         return REACT_REDRAW;
      }
      return Dashboard_selectAtLine(ui, ev.y) ? REACT_REDRAW : REACT_NONE;
   }
   return REACT_NONE;
}

static const KeyBinding KeyBindings_dashboardBindings[] = {
      {KEY_UP, "Up", "select the previous process", Action_up},
      {'k', "k", "select the previous process", Action_up},
      {KEY_DOWN, "Down", "select the next process", Action_down},
      {'j', "j", "select the next process", Action_down},
      {KEY_PPAGE, "PgUp", "one page up", Action_pageUp},
      {KEY_NPAGE, "PgDn", "one page down", Action_pageDown},
      {KEY_HOME, "Home", "first process", Action_home},
      {'g', "g", "first process", Action_home},
      {KEY_END, "End", "last process", Action_end},
      {'G', "G", "last process", Action_end},
      {'S', "S", "stacks of the selected process (native and Python frames)", Action_stack},
      {'P', "P", "profile the selected process: sample its stacks, show a call tree",
       Action_profile},
      {'\n', "Enter", "details and RSS chart of the selected process", Action_detail},
      {'\r', "Enter", "details and RSS chart of the selected process", Action_detail},
      {KEY_ENTER, "Enter", "details and RSS chart of the selected process", Action_detail},
      {'s', "s", "sort by the next column (tree view: tree order first)", Action_sortNext},
      {'I', "I", "invert the sort order", Action_sortInvert},
      {'t', "t", "tree view / flat view", Action_treeToggle},
      {'c', "c", "next column set (default, memory split, all, cheap)", Action_columns},
      {'w', "w", "growth window: 1m, 5m, 15m, 1h", Action_window},
      {'T', "T", "traffic source: tcp, cpu, and --traffic's log: or cmd:", Action_traffic},
      {'/', "/", "filter by PID, name or command line (Enter apply, Esc clear)", Action_filter},
      {KEY_ESC, "Esc", "cancel a snapshot that waits, else clear the filter", Action_clearFilter},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit", Action_quit},
      {'q', "q", "quit", Action_quit},
      /* After quit: the help screen's first page ends there at 24 lines. */
      {'i', "i", ACTION_SNAPSHOT_HELP, Action_snapshot},
      {'M', "M", ACTION_TRACEMALLOC_HELP, Action_tracemalloc},
      {'R', "R", ACTION_TRIM_HELP, Action_trim},
      {'W', "W", ACTION_WAKE_HELP, Action_wake},
      {KEY_MOUSE, "click", "select a row; on a title, sort by it; wheel scrolls", Action_mouse},
};
const KeyTable KeyBindings_dashboard = {KeyBindings_dashboardBindings,
                                        KEY_TABLE_COUNT(KeyBindings_dashboardBindings), NULL};

/* ---- detail view actions ------------------------------------------------------ */

static Reaction Action_back(Ui* ui, int key) {
   (void)key;
   if (key == KEY_ESC && ui->view == VIEW_DETAIL && Action_cancelSnapshot(ui))
      return REACT_REDRAW;
   ui->view = VIEW_DASHBOARD;
   ui->message[0] = '\0';
   return REACT_REDRAW;
}

static Reaction KeyBindings_zoom(Ui* ui, int dir) {
   char span[16];
   ui->detailSpan = DetailView_zoom(ui->detailSpan, dir);
   Format_span(span, sizeof(span), ui->detailSpan);
   snprintf(ui->message, sizeof(ui->message), "chart span %s", span);
   return REACT_REDRAW;
}

static Reaction Action_zoomIn(Ui* ui, int key) {
   (void)key;
   return KeyBindings_zoom(ui, -1);
}

static Reaction Action_zoomOut(Ui* ui, int key) {
   (void)key;
   return KeyBindings_zoom(ui, 1);
}

/* Next/previous process without leaving the detail view. */
static Reaction KeyBindings_detailStep(Ui* ui, int delta) {
   Dashboard_move(ui, delta);
   const Process* p = Dashboard_selection(ui);
   if (p) {
      ui->detailPid = p->pid;
      ui->detailStart = p->startTicks;
   }
   return REACT_REDRAW;
}

static Reaction Action_detailPrev(Ui* ui, int key) {
   (void)key;
   return KeyBindings_detailStep(ui, -1);
}

static Reaction Action_detailNext(Ui* ui, int key) {
   (void)key;
   return KeyBindings_detailStep(ui, 1);
}

static Reaction Action_pane(Ui* ui, int key) {
   (void)key;
   ui->detailSnapshot = !ui->detailSnapshot;
   ui->snapshotScroll = 0;
   return REACT_REDRAW;
}

static Reaction Action_paneScroll(Ui* ui, int key) {
   if (!ui->detailSnapshot)
      return REACT_NONE;
   int page = ui->snapshotRows > 3 ? ui->snapshotRows - 2 : 1;
   ui->snapshotScroll += key == KEY_PPAGE ? -page : key == KEY_HOME ? -ui->snapshotScroll : page;
   if (ui->snapshotScroll < 0)
      ui->snapshotScroll = 0;
   return REACT_REDRAW;
}

static Reaction Action_detailMouse(Ui* ui, int key) {
   (void)key;
   MEVENT ev;
   if (getmouse(&ev) != OK)
      return REACT_NONE;
   if (ev.bstate & BUTTON4_PRESSED)
      return KeyBindings_zoom(ui, -1);
#ifdef BUTTON5_PRESSED
   if (ev.bstate & BUTTON5_PRESSED)
      return KeyBindings_zoom(ui, 1);
#endif
   return REACT_NONE;
}

static const KeyBinding KeyBindings_detailBindings[] = {
      {'q', "q", "back to the dashboard", Action_back},
      {KEY_ESC, "Esc", "cancel a snapshot that waits, else back to the dashboard", Action_back},
      {KEY_LEFT, "Left", "back to the dashboard", Action_back},
      {KEY_BACKSPACE, "Bksp", "back to the dashboard", Action_back},
      {'+', "+", "zoom in: a shorter chart span", Action_zoomIn},
      {'=', "=", "zoom in: a shorter chart span", Action_zoomIn},
      {'-', "-", "zoom out: 1m, 5m, 15m, 1h, 6h, 24h", Action_zoomOut},
      {'w', "w", "growth window (and chart span): 1m, 5m, 15m, 1h", Action_window},
      {'T', "T", "traffic source: tcp, cpu, and --traffic's log: or cmd:", Action_traffic},
      {KEY_UP, "Up", "previous process", Action_detailPrev},
      {'k', "k", "previous process", Action_detailPrev},
      {KEY_DOWN, "Down", "next process", Action_detailNext},
      {'j', "j", "next process", Action_detailNext},
      {'i', "i", ACTION_SNAPSHOT_HELP, Action_snapshot},
      {'M', "M", ACTION_TRACEMALLOC_HELP, Action_tracemalloc},
      {'R', "R", ACTION_TRIM_HELP, Action_trim},
      {'W', "W", ACTION_WAKE_HELP, Action_wake},
      {'\t', "Tab", "snapshot pane / chart", Action_pane},
      {KEY_PPAGE, "PgUp", "scroll the snapshot pane", Action_paneScroll},
      {KEY_NPAGE, "PgDn", "scroll the snapshot pane", Action_paneScroll},
      {' ', "Space", "scroll the snapshot pane", Action_paneScroll},
      {KEY_HOME, "Home", "scroll the snapshot pane", Action_paneScroll},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit leaktop", Action_quit},
      {KEY_MOUSE, "wheel", "zoom in and out", Action_detailMouse},
};
const KeyTable KeyBindings_detail = {KeyBindings_detailBindings,
                                     KEY_TABLE_COUNT(KeyBindings_detailBindings), NULL};

/* ---- stack view ------------------------------------------------------------------ */

static Reaction Action_stackBack(Ui* ui, int key) {
   StackView_close(ui);
   return Action_back(ui, key);
}

static Reaction Action_stackScroll(Ui* ui, int key) {
   int page = KeyBindings_page(ui);
   StackView_scroll(ui, key == KEY_UP || key == 'k'     ? -1
                        : key == KEY_DOWN || key == 'j' ? 1
                        : key == KEY_PPAGE              ? -page
                        : key == KEY_HOME               ? -ui->stackLineCount
                                                        : page);
   return REACT_REDRAW;
}

static Reaction Action_stackAgain(Ui* ui, int key) {
   (void)key;
   StackView_open(ui, ui->stackPid);
   return REACT_REDRAW;
}

static Reaction Action_stackProfile(Ui* ui, int key) {
   (void)key;
   ProfileView_open(ui, ui->stackPid);
   return REACT_REDRAW;
}

static const KeyBinding KeyBindings_stackBindings[] = {
      {'q', "q", "back to the dashboard", Action_stackBack},
      {KEY_ESC, "Esc", "back to the dashboard", Action_stackBack},
      {KEY_LEFT, "Left", "back to the dashboard", Action_stackBack},
      {KEY_UP, "Up", "scroll", Action_stackScroll},
      {'k', "k", "scroll", Action_stackScroll},
      {KEY_DOWN, "Down", "scroll", Action_stackScroll},
      {'j', "j", "scroll", Action_stackScroll},
      {KEY_PPAGE, "PgUp", "scroll", Action_stackScroll},
      {KEY_NPAGE, "PgDn", "scroll", Action_stackScroll},
      {' ', "Space", "scroll", Action_stackScroll},
      {KEY_HOME, "Home", "scroll", Action_stackScroll},
      {'r', "r", "dump the stacks again", Action_stackAgain},
      {'p', "p", "profile this process (as P in the dashboard)", Action_stackProfile},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit leaktop", Action_quit},
};
const KeyTable KeyBindings_stack = {KeyBindings_stackBindings,
                                    KEY_TABLE_COUNT(KeyBindings_stackBindings), NULL};

/* ---- profile view ---------------------------------------------------------------- */

static Reaction Action_profileBack(Ui* ui, int key) {
   (void)key;
   UiView back = ui->profileReturn;
   ProfileView_close(ui);
   ui->view = back;
   ui->message[0] = '\0';
   return REACT_REDRAW;
}

static Reaction Action_profileMove(Ui* ui, int key) {
   int page = ProfileView_page(ui);
   if (key == KEY_HOME || key == KEY_END)
      ProfileView_moveTo(ui, key == KEY_END);
   else
      ProfileView_move(ui, key == KEY_UP || key == 'k'     ? -1
                           : key == KEY_DOWN || key == 'j' ? 1
                           : key == KEY_PPAGE              ? -page
                                                           : page);
   return REACT_REDRAW;
}

static Reaction Action_profileFold(Ui* ui, int key) {
   ProfileView_fold(ui, key == KEY_RIGHT  ? FOLD_RIGHT
                        : key == KEY_LEFT ? FOLD_LEFT
                        : key == '+'      ? FOLD_OPEN
                        : key == '-'      ? FOLD_CLOSE
                                          : FOLD_TOGGLE);
   return REACT_REDRAW;
}

static Reaction Action_profileToggle(Ui* ui, int key) {
   ProfileView_toggle(ui, key == 't'   ? TOGGLE_FLAT
                          : key == 's' ? TOGGLE_SORT
                          : key == 'H' ? TOGGLE_THREADS
                          : key == 'i' ? TOGGLE_IDLE
                          : key == 'n' ? TOGGLE_NATIVE
                          : key == 'd' ? TOGGLE_DURATION
                                       : TOGGLE_RATE);
   return REACT_REDRAW;
}

static Reaction Action_profileStop(Ui* ui, int key) {
   (void)key;
   ProfileView_stop(ui);
   return REACT_REDRAW;
}

static Reaction Action_profileAgain(Ui* ui, int key) {
   (void)key;
   ProfileView_again(ui);
   return REACT_REDRAW;
}

static Reaction Action_profileWrite(Ui* ui, int key) {
   (void)key;
   ProfileView_write(ui);
   return REACT_REDRAW;
}

static const KeyBinding KeyBindings_profileBindings[] = {
      {'q', "q", "back; a profile still sampling stops", Action_profileBack},
      {KEY_ESC, "Esc", "back; a profile still sampling stops", Action_profileBack},
      {KEY_UP, "Up", "move", Action_profileMove},
      {'k', "k", "move", Action_profileMove},
      {KEY_DOWN, "Down", "move", Action_profileMove},
      {'j', "j", "move", Action_profileMove},
      {KEY_PPAGE, "PgUp", "move", Action_profileMove},
      {KEY_NPAGE, "PgDn", "move", Action_profileMove},
      {' ', "Space", "move", Action_profileMove},
      {KEY_HOME, "Home", "move", Action_profileMove},
      {KEY_END, "End", "move", Action_profileMove},
      {'\n', "Enter", "open or close the call-tree node", Action_profileFold},
      {'\r', "Enter", "open or close the call-tree node", Action_profileFold},
      {KEY_ENTER, "Enter", "open or close the call-tree node", Action_profileFold},
      {KEY_RIGHT, "Right", "open the node; on an open one, go to its first callee",
       Action_profileFold},
      {KEY_LEFT, "Left", "close the node; on a closed one, go to its caller", Action_profileFold},
      {'+', "+", "open the node", Action_profileFold},
      {'-', "-", "close the node", Action_profileFold},
      {'t', "t", "call tree / list of functions", Action_profileToggle},
      {'s', "s", "functions by self share / by total share", Action_profileToggle},
      {'H', "H", "all threads together / each thread apart", Action_profileToggle},
      {'i', "i", "count idle threads (not running when sampled) or not", Action_profileToggle},
      {'n', "n", "native and Python frames / Python only (never stops it): samples again",
       Action_profileToggle},
      {'d', "d", "duration 5, 10, 30, 60 s: samples again", Action_profileToggle},
      {'f', "f", "rate 100, 200, 10, 50 Hz: samples again", Action_profileToggle},
      {'x', "x", "stop sampling now and show the profile", Action_profileStop},
      {'r', "r", "sample again", Action_profileAgain},
      {'w', "w", "write the profile shown in the folded format (flamegraph.pl)",
       Action_profileWrite},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit leaktop", Action_quit},
};
const KeyTable KeyBindings_profile = {KeyBindings_profileBindings,
                                      KEY_TABLE_COUNT(KeyBindings_profileBindings), NULL};

/* ---- dispatch -------------------------------------------------------------------- */

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

static const KeyTable* KeyBindings_table(const Ui* ui) {
   if (ui->view == VIEW_HELP)
      return &HelpView_keys;
   if (ui->view == VIEW_DASHBOARD && ui->editingFilter)
      return &Dashboard_filterKeys;
   if (ui->view == VIEW_DETAIL)
      return &KeyBindings_detail;
   if (ui->view == VIEW_STACK)
      return &KeyBindings_stack;
   if (ui->view == VIEW_PROFILE)
      return &KeyBindings_profile;
   return &KeyBindings_dashboard;
}

Reaction KeyBindings_dispatch(Ui* ui, int key) {
   const KeyTable* own = KeyBindings_table(ui);
   const KeyBinding* b = KeyBindings_find(own, key);
   if (!b && own->otherKey)
      return own->otherKey(ui, key);
   if (!b)
      b = KeyBindings_find(&KeyBindings_shared, key);
   if (!b)
      return REACT_NONE;
   /* A new action replaces the last one's note; a modal table's keys only
      scroll or edit what it shows. */
   if (!own->otherKey && key != KEY_RESIZE && key != KEY_MOUSE)
      ui->message[0] = '\0';
   return b->action(ui, key);
}
