#include "config.h"

#include "ui/DashboardState.h"

#include <stdio.h>
#include <string.h>

#include "ui/Action.h"
#include "ui/Dashboard.h"
#include "ui/DetailView.h"
#include "ui/ProfileView.h"
#include "ui/StackView.h"

static Reaction Dashboard_up(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard_move(super, -1);
   return REACT_REDRAW;
}

static Reaction Dashboard_down(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard_move(super, 1);
   return REACT_REDRAW;
}

static Reaction Dashboard_pageUp(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard_move(super, -Dashboard_page(super));
   return REACT_REDRAW;
}

static Reaction Dashboard_pageDown(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard_move(super, Dashboard_page(super));
   return REACT_REDRAW;
}

static Reaction Dashboard_home(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   DashboardRows_moveTo(&Dashboard_of(super)->rows, false);
   return REACT_REDRAW;
}

static Reaction Dashboard_end(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   DashboardRows_moveTo(&Dashboard_of(super)->rows, true);
   return REACT_REDRAW;
}

/* Enter, S and P: a view of the selected process over the dashboard. */
static Reaction Dashboard_openOver(UiView* super, Ui* ui, const UiViewClass* klass) {
   const Process* p = Dashboard_selection(super);
   if (!p)
      return REACT_NONE;
   Ui_pushView(ui, klass, p->pid, p->startTicks);
   return REACT_REDRAW;
}

static Reaction Dashboard_detail(UiView* super, Ui* ui, int key) {
   (void)key;
   return Dashboard_openOver(super, ui, &DetailView_class);
}

static Reaction Dashboard_stack(UiView* super, Ui* ui, int key) {
   (void)key;
   return Dashboard_openOver(super, ui, &StackView_class);
}

static Reaction Dashboard_profile(UiView* super, Ui* ui, int key) {
   (void)key;
   return Dashboard_openOver(super, ui, &ProfileView_class);
}

static void Dashboard_sortMessage(Dashboard* this, Ui* ui) {
   const DashboardSort* s = Dashboard_sort(this);
   if (s->column < 0)
      snprintf(ui->message, sizeof(ui->message), "sorted in tree order");
   else
      snprintf(ui->message, sizeof(ui->message), "sorted by %s, %s", Columns_table[s->column].title,
               s->descending ? "descending" : "ascending");
}

static void Dashboard_sortBy(Dashboard* this, Ui* ui, int column) {
   DashboardSort* s = Dashboard_sort(this);
   if (s->column == column && column >= 0) {
      s->descending = !s->descending;
   } else {
      s->column = column;
      s->descending = column >= 0 && Columns_table[column].descendingFirst;
   }
   Dashboard_sortMessage(this, ui);
}

static Reaction Dashboard_sortNext(UiView* super, Ui* ui, int key) {
   (void)key;
   Dashboard* this = Dashboard_of(super);
   /* Cycle through the visible columns; the tree view also has tree order. */
   DashboardSort* s = Dashboard_sort(this);
   int candidates[COL_COUNT + 1];
   int n = 0;
   if (!this->flatView)
      candidates[n++] = -1;
   for (int i = 0; i < this->layout.count; i++)
      if (!(Columns_table[this->layout.ids[i]].flags & COLUMN_NO_SORT))
         candidates[n++] = this->layout.ids[i];
   if (n == 0)
      return REACT_NONE;
   int at = -1;
   for (int i = 0; i < n; i++)
      if (candidates[i] == s->column)
         at = i;
   int next = candidates[(at + 1) % n];
   s->column = next;
   s->descending = next >= 0 && Columns_table[next].descendingFirst;
   Dashboard_sortMessage(this, ui);
   return REACT_REDRAW;
}

static Reaction Dashboard_sortInvert(UiView* super, Ui* ui, int key) {
   (void)key;
   Dashboard* this = Dashboard_of(super);
   DashboardSort* s = Dashboard_sort(this);
   if (s->column < 0) {
      snprintf(ui->message, sizeof(ui->message), "tree order has no direction; s picks a column");
      return REACT_REDRAW;
   }
   s->descending = !s->descending;
   Dashboard_sortMessage(this, ui);
   return REACT_REDRAW;
}

static Reaction Dashboard_treeToggle(UiView* super, Ui* ui, int key) {
   (void)key;
   Dashboard* this = Dashboard_of(super);
   this->flatView = !this->flatView;
   snprintf(ui->message, sizeof(ui->message), "%s view", this->flatView ? "flat" : "tree");
   return REACT_REDRAW;
}

static Reaction Dashboard_columns(UiView* super, Ui* ui, int key) {
   (void)key;
   Dashboard* this = Dashboard_of(super);
   this->columnSet = (this->columnSet + 1) % Columns_setCount;
   snprintf(ui->message, sizeof(ui->message), "columns: %s", Columns_sets[this->columnSet].name);
   return REACT_REDRAW;
}

static Reaction Dashboard_filter(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard_of(super)->editingFilter = true;
   return REACT_REDRAW;
}

/* Esc first cancels a snapshot that waits. */
static Reaction Dashboard_clearFilter(UiView* super, Ui* ui, int key) {
   (void)key;
   if (!Action_cancelSnapshot(ui))
      LineField_clear(&Dashboard_of(super)->filter);
   return REACT_REDRAW;
}

/* Column whose title is at screen column x when y is the titles line; -1. */
static int Dashboard_columnAt(const Dashboard* this, int y, int x) {
   if (y != this->bodyTop - 1 || this->bodyTop < 1)
      return -1;
   for (int i = 0; i < this->layout.count; i++)
      if (x >= this->layout.x[i] && x < this->layout.x[i] + this->layout.width[i])
         return this->layout.ids[i];
   return -1;
}

/* Selects the row shown at screen line y; false if none is there. */
static bool Dashboard_selectAtLine(Dashboard* this, int y) {
   if (y < this->bodyTop || y >= this->bodyTop + this->bodyHeight)
      return false;
   return DashboardRows_select(&this->rows, this->rows.scroll + (y - this->bodyTop));
}

static Reaction Dashboard_mouse(UiView* super, Ui* ui, int key) {
   (void)key;
   Dashboard* this = Dashboard_of(super);
   MEVENT ev;
   if (getmouse(&ev) != OK)
      return REACT_NONE;
   if (ev.bstate & BUTTON4_PRESSED) {
      Dashboard_move(super, -3);
      return REACT_REDRAW;
   }
#ifdef BUTTON5_PRESSED
   if (ev.bstate & BUTTON5_PRESSED) {
      Dashboard_move(super, 3);
      return REACT_REDRAW;
   }
#endif
   if (ev.bstate & (BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON1_PRESSED)) {
      int column = Dashboard_columnAt(this, ev.y, ev.x);
      if (column >= 0 && !(Columns_table[column].flags & COLUMN_NO_SORT)) {
         Dashboard_sortBy(this, ui, column);
         return REACT_REDRAW;
      }
      return Dashboard_selectAtLine(this, ev.y) ? REACT_REDRAW : REACT_NONE;
   }
   return REACT_NONE;
}

static const KeyBinding Dashboard_bindings[] = {
      {KEY_UP, "Up", "select the previous process", Dashboard_up},
      {'k', "k", "select the previous process", Dashboard_up},
      {KEY_DOWN, "Down", "select the next process", Dashboard_down},
      {'j', "j", "select the next process", Dashboard_down},
      {KEY_PPAGE, "PgUp", "one page up", Dashboard_pageUp},
      {KEY_NPAGE, "PgDn", "one page down", Dashboard_pageDown},
      {KEY_HOME, "Home", "first process", Dashboard_home},
      {'g', "g", "first process", Dashboard_home},
      {KEY_END, "End", "last process", Dashboard_end},
      {'G', "G", "last process", Dashboard_end},
      {'S', "S", "stacks of the selected process (native and Python frames)", Dashboard_stack},
      {'P', "P", "profile the selected process: sample its stacks, show a call tree",
       Dashboard_profile},
      {'\n', "Enter", "details and RSS chart of the selected process", Dashboard_detail},
      {'\r', "Enter", "details and RSS chart of the selected process", Dashboard_detail},
      {KEY_ENTER, "Enter", "details and RSS chart of the selected process", Dashboard_detail},
      {'s', "s", "sort by the next column (tree view: tree order first)", Dashboard_sortNext},
      {'I', "I", "invert the sort order", Dashboard_sortInvert},
      {'t', "t", "tree view / flat view", Dashboard_treeToggle},
      /* Replay takes t for its cursor; F toggles there and here alike. */
      {'F', "F", "tree view / flat view", Dashboard_treeToggle},
      {'c', "c", "next column set (default, memory split, fds and threads, all, cheap)",
       Dashboard_columns},
      {'w', "w", "growth window: 1m, 5m, 15m, 1h", Action_window},
      {'T', "T", "traffic source: tcp, cpu, and --traffic's log: or cmd:", Action_traffic},
      {'/', "/", "filter by PID, name or command line (Enter apply, Esc clear)", Dashboard_filter},
      {KEY_ESC, "Esc", "cancel a snapshot that waits, else clear the filter",
       Dashboard_clearFilter},
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
      {'E', "E", ACTION_REPORT_HELP, Action_report},
      {KEY_MOUSE, "click", "select a row; on a title, sort by it; wheel scrolls", Dashboard_mouse},
};
const KeyTable Dashboard_keys = {Dashboard_bindings, KEY_TABLE_COUNT(Dashboard_bindings), NULL};

/* ---- the filter field ---------------------------------------------------------- */

static Reaction Dashboard_clearField(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard* this = Dashboard_of(super);
   LineField_clear(&this->filter);
   this->editingFilter = false;
   return REACT_REDRAW;
}

static Reaction Dashboard_applyField(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   Dashboard_of(super)->editingFilter = false;
   return REACT_REDRAW;
}

static Reaction Dashboard_eraseInField(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   LineField_erase(&Dashboard_of(super)->filter);
   return REACT_REDRAW;
}

static Reaction Dashboard_typeInField(UiView* super, Ui* ui, int key) {
   (void)ui;
   return LineField_type(&Dashboard_of(super)->filter, key) ? REACT_REDRAW : REACT_NONE;
}

/* While the filter is typed in (after `/`): Enter applies it, Esc clears it. */
static const KeyBinding Dashboard_filterBindings[] = {
      LINE_FIELD_BINDINGS(Dashboard_clearField, Dashboard_applyField, Dashboard_eraseInField),
};
static const KeyTable Dashboard_filterKeys = {
      Dashboard_filterBindings, KEY_TABLE_COUNT(Dashboard_filterBindings), Dashboard_typeInField};

const KeyTable* Dashboard_modalKeys(const UiView* super) {
   return Dashboard_of(super)->editingFilter ? &Dashboard_filterKeys : NULL;
}
