#include "config.h"

#include "ui/StackView.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks/ProfileStore.h"
#include "stacks/StackSession.h"
#include "ui/Action.h"
#include "ui/Colors.h"
#include "ui/Dashboard.h"
#include "ui/Draw.h"
#include "ui/ProfileView.h"
#include "util/XUtils.h"

typedef struct StackView {
   pid_t pid;
   unsigned long long start;
   char** lines; /* the dump'this text, one string per line */
   int lineCount;
   int scroll; /* the first line shown; clamped when drawn */
} StackView;

static void StackView_addLine(StackView* this, const char* text, size_t len) {
   this->lines = xReallocArray(this->lines, (size_t)this->lineCount + 1, sizeof(char*));
   char* line = xMalloc(len + 1);
   memcpy(line, text, len);
   line[len] = '\0';
   this->lines[this->lineCount++] = line;
}

static void StackView_clear(StackView* this) {
   for (int i = 0; i < this->lineCount; i++)
      free(this->lines[i]);
   free(this->lines);
   this->lines = NULL;
   this->lineCount = 0;
   this->scroll = 0;
}

/* Dumps the process'this stacks into the lines; on failure the reason. */
static void StackView_dump(StackView* this) {
   StackView_clear(this);
   char err[512] = "";
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   StackDump dump = {0};
   StackSession* session = StackSession_open(this->pid, false, err, sizeof(err));
   if (out && session && StackSession_sample(session, &dump, err, sizeof(err))) {
      StackOutput_text(&dump, out);
      if (dump.warning[0])
         fprintf(out, "\n(%s)\n", dump.warning);
      /* Kept for a recorder, like `leaktop stack PID`'s; said when not. */
      if (!ProfileStore_saveDump(this->pid, this->start, &dump, false, err, sizeof(err)))
         fprintf(out, "\n(profile not stored: %s)\n", err);
   } else if (out) {
      fprintf(out, "No stacks for process %d: %s\n", (int)this->pid, err);
   }
   StackDump_done(&dump);
   StackSession_free(session);
   if (out)
      fclose(out);
   for (const char* line = text; line && *line;) {
      size_t len = strcspn(line, "\n");
      StackView_addLine(this, line, len);
      line += len + (line[len] == '\n');
   }
   free(text);
}

static void* StackView_open(Ui* ui, pid_t pid, unsigned long long start) {
   (void)ui;
   StackView* this = xCalloc(1, sizeof(StackView));
   this->pid = pid;
   this->start = start;
   StackView_dump(this);
   return this;
}

static void StackView_close(void* data) {
   StackView_clear(data);
   free(data);
}

static Process* StackView_current(const UiView* super, const Ui* ui) {
   const StackView* this = super->data;
   return Ui_findProcess(ui, this->pid, this->start, NULL);
}

static void StackView_draw(UiView* super, Ui* ui, WINDOW* w) {
   (void)ui;
   StackView* this = super->data;
   int rows, cols;
   getmaxyx(w, rows, cols);
   int body = rows >= 2 ? rows - 1 : rows;
   if (this->scroll > this->lineCount - body)
      this->scroll = this->lineCount - body;
   if (this->scroll < 0)
      this->scroll = 0;
   for (int i = 0; i < body && this->scroll + i < this->lineCount; i++) {
      const char* line = this->lines[this->scroll + i];
      bool title = strncmp(line, "Thread ", 7) == 0 || strncmp(line, "Process ", 8) == 0;
      Draw_text(w, i, 0, cols, line, Colors_attr(title ? CLR_TOP : CLR_DEFAULT));
   }
   if (rows >= 2) {
      Draw_fill(w, rows - 1, 0, -1, Colors_attr(CLR_STATUS));
      Draw_text(w, rows - 1, 0, cols,
                "Up/Down/PgUp/PgDn scroll, r dump again, p profile, q back, F1 help",
                Colors_attr(CLR_STATUS));
   }
}

/* ---- keys ------------------------------------------------------------------------ */

static Reaction StackView_scrollKey(UiView* super, Ui* ui, int key) {
   StackView* this = super->data;
   /* The dashboard'this page: PgUp and PgDn move as far in both. */
   int page = Dashboard_page(Ui_rootView(ui));
   this->scroll += key == KEY_UP || key == 'k'     ? -1
                   : key == KEY_DOWN || key == 'j' ? 1
                   : key == KEY_PPAGE              ? -page
                   : key == KEY_HOME               ? -this->lineCount
                                                   : page;
   if (this->scroll < 0)
      this->scroll = 0;
   return REACT_REDRAW;
}

static Reaction StackView_again(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   StackView_dump(super->data);
   return REACT_REDRAW;
}

static Reaction StackView_profile(UiView* super, Ui* ui, int key) {
   (void)key;
   const StackView* this = super->data;
   Ui_pushView(ui, &ProfileView_class, this->pid, this->start);
   return REACT_REDRAW;
}

static const KeyBinding StackView_bindings[] = {
      {'q', "q", "back to the dashboard", Action_back},
      {KEY_ESC, "Esc", "back to the dashboard", Action_back},
      {KEY_LEFT, "Left", "back to the dashboard", Action_back},
      {KEY_UP, "Up", "scroll", StackView_scrollKey},
      {'k', "k", "scroll", StackView_scrollKey},
      {KEY_DOWN, "Down", "scroll", StackView_scrollKey},
      {'j', "j", "scroll", StackView_scrollKey},
      {KEY_PPAGE, "PgUp", "scroll", StackView_scrollKey},
      {KEY_NPAGE, "PgDn", "scroll", StackView_scrollKey},
      {' ', "Space", "scroll", StackView_scrollKey},
      {KEY_HOME, "Home", "scroll", StackView_scrollKey},
      {'r', "r", "dump the stacks again", StackView_again},
      {'p', "p", "profile this process (as P in the dashboard)", StackView_profile},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit leaktop", Action_quit},
};
static const KeyTable StackView_keys = {StackView_bindings, KEY_TABLE_COUNT(StackView_bindings),
                                        NULL};

const UiViewClass StackView_class = {
      .name = "Stack view",
      .keys = &StackView_keys,
      .open = StackView_open,
      .close = StackView_close,
      .draw = StackView_draw,
      .current = StackView_current,
};
