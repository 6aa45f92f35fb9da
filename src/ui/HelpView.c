#include "config.h"

#include "ui/HelpView.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/Action.h"
#include "ui/Colors.h"
#include "ui/Columns.h"
#include "ui/Dashboard.h"
#include "ui/DetailView.h"
#include "ui/Draw.h"
#include "ui/KeyBindings.h"
#include "ui/ProfileView.h"
#include "ui/ReplayControl.h"
#include "ui/StackView.h"
#include "util/XUtils.h"

typedef struct HelpView {
   int scroll; /* the first line shown */
} HelpView;

typedef struct HelpLine {
   char text[160];
   ColorElement look;
} HelpLine;

#define HELP_MAX_LINES 192
#define HELP_PAGE      10

/* The views whose keys the help lists, in this order. */
static const UiViewClass* const HelpView_listed[] = {
      &Dashboard_class,
      &DetailView_class,
      &StackView_class,
      &ProfileView_class,
};

/* One line per distinct help text of a table, its keys joined by '/'. */
static int HelpView_addBindings(HelpLine* out, int at, const KeyTable* keyTable) {
   const KeyBinding* table = keyTable->bindings;
   int count = keyTable->count;
   for (int i = 0; i < count && at < HELP_MAX_LINES; i++) {
      if (!table[i].help)
         continue;
      bool seen = false;
      for (int j = 0; j < i; j++)
         if (table[j].help && strcmp(table[j].help, table[i].help) == 0)
            seen = true;
      if (seen)
         continue;
      char keys[48] = "";
      for (int j = i; j < count; j++) {
         if (!table[j].help || strcmp(table[j].help, table[i].help) != 0)
            continue;
         /* Enter is bound to three key codes but named once. */
         if (strstr(keys, table[j].keyName))
            continue;
         size_t len = strlen(keys);
         snprintf(keys + len, sizeof(keys) - len, "%s%s", len ? "/" : "", table[j].keyName);
      }
      snprintf(out[at].text, sizeof(out[at].text), "  %-16s %s", keys, table[i].help);
      out[at++].look = CLR_DEFAULT;
   }
   return at;
}

static int HelpView_title(HelpLine* out, int at, const char* text) {
   if (at >= HELP_MAX_LINES)
      return at;
   snprintf(out[at].text, sizeof(out[at].text), "%s", text);
   out[at++].look = CLR_TOP;
   return at;
}

/* In replay, its keys first, as they come before each view's own, and
   every time range the recording lost. */
static int HelpView_replay(const Ui* ui, HelpLine* out, int n) {
   n = HelpView_title(out, n, "Replay keys (in every view, before its own)");
   n = HelpView_addBindings(out, n, &KeyBindings_replay);
   n = HelpView_title(out, n, "");
   int count = ReplayControl_lostCount(ui);
   if (count == 0)
      return n;
   n = HelpView_title(out, n, "Time ranges the recording lost");
   for (int i = 0; i < count && n < HELP_MAX_LINES; i++) {
      ReplayControl_lostLine(ui, i, out[n].text, sizeof(out[n].text));
      out[n++].look = CLR_DEFAULT;
   }
   return HelpView_title(out, n, "");
}

static int HelpView_build(const Ui* ui, HelpLine* out) {
   int n = 0;
   n = HelpView_title(out, n,
                      ui->replay
                            ? "leaktop replay: a recording, at its time cursor. Any key returns."
                            : "leaktop: live memory of Python service trees. Any key returns.");
   n = HelpView_title(out, n, "");
   if (ui->replay)
      n = HelpView_replay(ui, out, n);
   for (size_t i = 0; i < sizeof(HelpView_listed) / sizeof(HelpView_listed[0]); i++) {
      char heading[64];
      snprintf(heading, sizeof(heading), "%s keys", HelpView_listed[i]->name);
      n = HelpView_title(out, n, heading);
      n = HelpView_addBindings(out, n, HelpView_listed[i]->keys);
      n = HelpView_title(out, n, "");
   }
   n = HelpView_title(out, n, "Columns (c cycles the sets; * costs an extra read while shown)");
   for (int id = 0; id < COL_COUNT && n < HELP_MAX_LINES; id++) {
      const Column* c = &Columns_table[id];
      snprintf(out[n].text, sizeof(out[n].text), "  %-8s %s%s", c->title, c->description,
               (c->flags & (COLUMN_NEEDS_SMAPS | COLUMN_NEEDS_FDS)) ? " *" : "");
      out[n++].look = CLR_DEFAULT;
   }
   for (int s = 0; s < Columns_setCount && n < HELP_MAX_LINES; s++) {
      char names[120] = "";
      for (int id = 0; id < COL_COUNT; id++) {
         if (!(Columns_sets[s].mask & COLUMNS_BIT(id)))
            continue;
         size_t len = strlen(names);
         snprintf(names + len, sizeof(names) - len, "%s%s", len ? " " : "",
                  Columns_table[id].title);
      }
      snprintf(out[n].text, sizeof(out[n].text), "  set %-12s %s", Columns_sets[s].name, names);
      out[n++].look = CLR_DEFAULT;
   }
   n = HelpView_title(out, n, "");
   n = HelpView_title(out, n, "Values");
   n = HelpView_title(out, n, "  n/a  could not be read; the status line says why");
   n = HelpView_title(out, n, "  ...  not read yet (smaps_rollup runs on a slower cadence)");
   n = HelpView_title(out, n, "  -    growth: too little history in the window yet");
   n = HelpView_title(out, n,
                      "  +native  VERDICT: between its last two snapshots RSS grew, the Python "
                      "heap did not");
   n = HelpView_title(out, n,
                      "  +alloc   VERDICT: malloc_trim gave that growth back: allocator "
                      "retention, not a leak");
   /* Titles are the bold lines; the five above are plain text. */
   for (int i = 1; i <= 5; i++)
      out[n - i].look = CLR_DEFAULT;
   return n;
}

static void HelpView_draw(UiView* super, Ui* ui, WINDOW* w) {
   HelpView* this = super->data;
   static HelpLine lines[HELP_MAX_LINES];
   int n = HelpView_build(ui, lines);
   int rows, cols;
   getmaxyx(w, rows, cols);
   int body = rows >= 2 ? rows - 1 : rows;
   if (this->scroll > n - body)
      this->scroll = n - body;
   if (this->scroll < 0)
      this->scroll = 0;
   for (int i = 0; i < body && this->scroll + i < n; i++) {
      const HelpLine* l = &lines[this->scroll + i];
      Draw_text(w, i, 0, cols, l->text, Colors_attr(l->look));
   }
   if (rows >= 2) {
      Draw_fill(w, rows - 1, 0, -1, Colors_attr(CLR_STATUS));
      Draw_text(w, rows - 1, 0, cols, "Up/Down scroll, F10 quit, any other key returns",
                Colors_attr(CLR_STATUS));
   }
}

static void HelpView_scroll(UiView* super, int delta) {
   HelpView* this = super->data;
   this->scroll += delta;
   if (this->scroll < 0)
      this->scroll = 0;
}

static Reaction HelpView_lineUp(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   HelpView_scroll(super, -1);
   return REACT_REDRAW;
}

static Reaction HelpView_lineDown(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   HelpView_scroll(super, 1);
   return REACT_REDRAW;
}

static Reaction HelpView_pageUp(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   HelpView_scroll(super, -HELP_PAGE);
   return REACT_REDRAW;
}

static Reaction HelpView_pageDown(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   HelpView_scroll(super, HELP_PAGE);
   return REACT_REDRAW;
}

/* A click or the wheel is taken off the queue and does nothing. */
static Reaction HelpView_mouse(UiView* super, Ui* ui, int key) {
   (void)super;
   (void)ui;
   (void)key;
   MEVENT ev;
   getmouse(&ev);
   return REACT_NONE;
}

/* Any other key goes back, as in htop. */
static const KeyBinding HelpView_bindings[] = {
      {KEY_UP, NULL, NULL, HelpView_lineUp},     {'k', NULL, NULL, HelpView_lineUp},
      {KEY_DOWN, NULL, NULL, HelpView_lineDown}, {'j', NULL, NULL, HelpView_lineDown},
      {KEY_PPAGE, NULL, NULL, HelpView_pageUp},  {KEY_NPAGE, NULL, NULL, HelpView_pageDown},
      {' ', NULL, NULL, HelpView_pageDown},      {KEY_RESIZE, NULL, NULL, Action_redraw},
      {KEY_MOUSE, NULL, NULL, HelpView_mouse},   {KEY_F(10), NULL, NULL, Action_quit},
};
static const KeyTable HelpView_keys = {HelpView_bindings, KEY_TABLE_COUNT(HelpView_bindings),
                                       Action_back};

static void* HelpView_open(Ui* ui, pid_t pid, unsigned long long start) {
   (void)ui;
   (void)pid;
   (void)start;
   return xCalloc(1, sizeof(HelpView));
}

static void HelpView_close(void* data) {
   free(data);
}

const UiViewClass HelpView_class = {
      .name = "Help",
      .keys = &HelpView_keys,
      .open = HelpView_open,
      .close = HelpView_close,
      .draw = HelpView_draw,
};
