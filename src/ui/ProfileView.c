#include "config.h"

#include "ui/ProfileView.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stacks/ProfileStore.h"
#include "stacks/ProfileTree.h"
#include "target/PtraceThreads.h"
#include "stacks/StackProfile.h"
#include "stacks/StackSession.h"
#include "ui/Action.h"
#include "ui/Colors.h"
#include "ui/Draw.h"
#include "util/XUtils.h"

/* What d and f cycle through, the default first: py-spy's 100 Hz, and 5 s,
   enough for a steady loop or a slow request. */
static const double ProfileView_durations[] = {5, 10, 30, 60};
static const double ProfileView_rates[] = {100, 200, 10, 50};
#define PROFILE_CHOICES 4

/* Nodes with this share of the stacks or more open when the tree appears. */
#define PROFILE_HOT_SHARE 0.10
/* The progress is redrawn this often (seconds) while sampling. */
#define PROFILE_REDRAW_S 0.1
/* Columns before a node's name: total, self, count. */
#define PROFILE_NAME_X 25

typedef struct ProfileView {
   pid_t pid;
   unsigned long long startTicks; /* with pid, which process */
   bool pythonOnly;
   int duration; /* index into ProfileView_durations */
   int rate;     /* index into ProfileView_rates */

   StackSession* session; /* while sampling */
   StackProfile profile;
   StackDump last; /* the last sample: command, CPython version, warning */
   double start, next, lastDraw, took;
   char error[512];              /* why sampling did not start, or stopped early */
   double pauseMedian, pauseP99; /* ms per thread per sample */

   bool flat, byTotal, byThread, hideIdle;
   ProfileTree tree;
   int* rows; /* tree: the visible nodes */
   int rowCount;
   ProfileFunction* functions; /* flat: by self or total */
   int functionCount;
   int cursor, scroll, page;
} ProfileView;

static double ProfileView_duration(const ProfileView* this) {
   return ProfileView_durations[this->duration];
}

static double ProfileView_rate(const ProfileView* this) {
   return ProfileView_rates[this->rate];
}

static void ProfileView_clear(ProfileView* this) {
   ProfileTree_done(&this->tree);
   free(this->rows);
   free(this->functions);
   this->rows = NULL;
   this->functions = NULL;
   this->rowCount = this->functionCount = 0;
   this->cursor = this->scroll = 0;
}

/* The tree and the function list for the current profile and toggles. */
static void ProfileView_build(ProfileView* this) {
   ProfileView_clear(this);
   ProfileTree_build(&this->tree, &this->profile, this->byThread, !this->hideIdle);
   ProfileTree_expandHot(&this->tree, PROFILE_HOT_SHARE);
   this->rowCount = ProfileTree_visible(&this->tree, &this->rows);
   this->functionCount = ProfileTree_functions(&this->tree, this->byTotal, &this->functions);
}

static void ProfileView_endSession(ProfileView* this) {
   StackSession_free(this->session);
   this->session = NULL;
   /* A thread a sample could not stop is detached here if it has stopped
      since; otherwise at the dashboard's next refresh. */
   PtraceThreads_release();
}

/* Every thread's stacks, idle ones too, whatever the view's toggles: what
   `leaktop stack --duration` stores, for a recorder to keep. */
static void ProfileView_save(ProfileView* this) {
   if (this->profile.samples == 0)
      return;
   ProfileTree tree;
   ProfileTree_build(&tree, &this->profile, false, true);
   ProfileInfo info;
   ProfileStore_describe(&info, this->pid, this->startTicks, &this->profile, &this->last,
                         this->took, this->pythonOnly);
   char err[400];
   if (!ProfileStore_saveTree(&info, &tree, err, sizeof(err)) && !this->error[0])
      snprintf(this->error, sizeof(this->error), "profile not stored: %s", err);
   ProfileTree_done(&tree);
}

static void ProfileView_finish(ProfileView* this) {
   this->took = XUtils_monotonicNow() - this->start;
   ProfileView_endSession(this);
   this->pauseMedian =
         StackProfile_quantile(this->profile.threadPauses, this->profile.threadPauseCount, 0.5);
   this->pauseP99 =
         StackProfile_quantile(this->profile.threadPauses, this->profile.threadPauseCount, 0.99);
   ProfileView_build(this);
   ProfileView_save(this);
}

static void ProfileView_begin(ProfileView* this) {
   ProfileView_endSession(this);
   ProfileView_clear(this);
   StackProfile_done(&this->profile);
   StackDump_done(&this->last);
   memset(&this->last, 0, sizeof(this->last));
   this->error[0] = '\0';
   this->took = 0;
   this->start = this->next = this->lastDraw = XUtils_monotonicNow();
   this->session = StackSession_open(this->pid, this->pythonOnly, this->error, sizeof(this->error));
}

static void* ProfileView_open(Ui* ui, pid_t pid, unsigned long long start) {
   (void)ui;
   ProfileView* this = xCalloc(1, sizeof(ProfileView));
   this->pid = pid;
   this->startTicks = start;
   ProfileView_begin(this);
   return this;
}

static void ProfileView_close(void* data) {
   ProfileView* this = data;
   ProfileView_endSession(this);
   ProfileView_clear(this);
   StackProfile_done(&this->profile);
   StackDump_done(&this->last);
   free(this);
}

static Process* ProfileView_current(const UiView* super, const Ui* ui) {
   const ProfileView* this = super->data;
   return Ui_findProcess(ui, this->pid, this->startTicks, NULL);
}

static double ProfileView_nextWake(const UiView* super) {
   const ProfileView* this = super->data;
   return this->session ? this->next : -1.0;
}

/* One sample per pass, so keys and refreshes go on while it samples. */
static bool ProfileView_step(UiView* super, Ui* ui) {
   (void)ui;
   ProfileView* this = super->data;
   if (!this->session)
      return false;
   double now = XUtils_monotonicNow();
   if (now < this->next)
      return false;
   if (now >= this->start + ProfileView_duration(this)) {
      ProfileView_finish(this);
      return true;
   }
   char err[512] = "";
   if (!StackSession_sample(this->session, &this->last, err, sizeof(err))) {
      /* Gone (or no longer readable): keep what was sampled. */
      snprintf(this->error, sizeof(this->error), "sampling ended after %.1f s: %s",
               now - this->start, err);
      ProfileView_finish(this);
      return true;
   }
   StackProfile_add(&this->profile, &this->last);
   now = XUtils_monotonicNow();
   this->next += 1.0 / ProfileView_rate(this);
   if (this->next < now)
      this->next = now; /* behind: no burst to catch up */
   if (now - this->lastDraw < PROFILE_REDRAW_S)
      return false;
   this->lastDraw = now;
   return true;
}

/* ---- keys ------------------------------------------------------------------ */

static Reaction ProfileView_stop(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   ProfileView* this = super->data;
   if (this->session)
      ProfileView_finish(this);
   return REACT_REDRAW;
}

static Reaction ProfileView_again(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   ProfileView_begin(super->data);
   return REACT_REDRAW;
}

/* t shows the other list; s, H and i what it counts, so the lists are built
   again (when sampling is over); n, d and f how it samples, so it samples
   again. */
static Reaction ProfileView_toggleFlat(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->flat = !this->flat;
   snprintf(ui->message, sizeof(ui->message), "%s", this->flat ? "functions" : "call tree");
   this->cursor = this->scroll = 0;
   return REACT_REDRAW;
}

static Reaction ProfileView_rebuild(ProfileView* this) {
   if (!this->session)
      ProfileView_build(this);
   return REACT_REDRAW;
}

static Reaction ProfileView_toggleSort(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->byTotal = !this->byTotal;
   snprintf(ui->message, sizeof(ui->message), "functions by %s share",
            this->byTotal ? "total" : "self");
   return ProfileView_rebuild(this);
}

static Reaction ProfileView_toggleThreads(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->byThread = !this->byThread;
   snprintf(ui->message, sizeof(ui->message), "%s",
            this->byThread ? "stacks by thread" : "stacks of all threads together");
   return ProfileView_rebuild(this);
}

static Reaction ProfileView_toggleIdle(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->hideIdle = !this->hideIdle;
   snprintf(ui->message, sizeof(ui->message), "%s",
            this->hideIdle ? "idle threads hidden: only the running ones count"
                           : "idle threads counted");
   return ProfileView_rebuild(this);
}

static Reaction ProfileView_toggleNative(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->pythonOnly = !this->pythonOnly;
   snprintf(ui->message, sizeof(ui->message), "sampling again with %s",
            this->pythonOnly ? "Python frames only (never stopped)" : "native frames");
   ProfileView_begin(this);
   return REACT_REDRAW;
}

static Reaction ProfileView_nextDuration(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->duration = (this->duration + 1) % PROFILE_CHOICES;
   snprintf(ui->message, sizeof(ui->message), "sampling again for %.0f s",
            ProfileView_duration(this));
   ProfileView_begin(this);
   return REACT_REDRAW;
}

static Reaction ProfileView_nextRate(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   this->rate = (this->rate + 1) % PROFILE_CHOICES;
   snprintf(ui->message, sizeof(ui->message), "sampling again at %.0f Hz", ProfileView_rate(this));
   ProfileView_begin(this);
   return REACT_REDRAW;
}

static int ProfileView_length(const ProfileView* this) {
   if (this->session)
      return 0;
   return this->flat ? this->functionCount : this->rowCount;
}

static void ProfileView_setCursor(ProfileView* this, int at) {
   int n = ProfileView_length(this);
   this->cursor = at >= n ? n - 1 : at;
   if (this->cursor < 0)
      this->cursor = 0;
}

static Reaction ProfileView_move(UiView* super, Ui* ui, int key) {
   (void)ui;
   ProfileView* this = super->data;
   int page = this->page > 1 ? this->page - 1 : 1;
   if (key == KEY_HOME || key == KEY_END)
      ProfileView_setCursor(this, key == KEY_END ? ProfileView_length(this) : 0);
   else
      ProfileView_setCursor(this, this->cursor + (key == KEY_UP || key == 'k'     ? -1
                                                  : key == KEY_DOWN || key == 'j' ? 1
                                                  : key == KEY_PPAGE              ? -page
                                                                                  : page));
   return REACT_REDRAW;
}

/* The visible rows again, the cursor on node. */
static void ProfileView_showNode(ProfileView* this, int node) {
   free(this->rows);
   this->rowCount = ProfileTree_visible(&this->tree, &this->rows);
   for (int i = 0; i < this->rowCount; i++)
      if (this->rows[i] == node)
         this->cursor = i;
}

typedef enum ProfileFold {
   FOLD_TOGGLE,
   FOLD_OPEN,  /* open the node */
   FOLD_CLOSE, /* close the node */
   FOLD_RIGHT, /* open the node, or go to its first child when open */
   FOLD_LEFT,  /* close the node, or go to its parent when closed */
} ProfileFold;

static void ProfileView_fold(ProfileView* this, ProfileFold how) {
   if (this->flat || this->cursor >= ProfileView_length(this))
      return;
   int id = this->rows[this->cursor];
   ProfileNode* n = &this->tree.nodes[id];
   bool canOpen = n->childCount > 0;
   switch (how) {
   case FOLD_TOGGLE:
      n->expanded = canOpen && !n->expanded;
      break;
   case FOLD_OPEN:
      n->expanded = canOpen;
      break;
   case FOLD_CLOSE:
      n->expanded = false;
      break;
   case FOLD_RIGHT:
      if (n->expanded)
         id = n->children[0];
      n->expanded = canOpen;
      break;
   case FOLD_LEFT:
      if (!n->expanded && n->parent > 0)
         id = n->parent;
      n->expanded = false;
      break;
   }
   ProfileView_showNode(this, id);
}

static Reaction ProfileView_foldKey(UiView* super, Ui* ui, int key) {
   (void)ui;
   ProfileView_fold(super->data, key == KEY_RIGHT  ? FOLD_RIGHT
                                 : key == KEY_LEFT ? FOLD_LEFT
                                 : key == '+'      ? FOLD_OPEN
                                 : key == '-'      ? FOLD_CLOSE
                                                   : FOLD_TOGGLE);
   return REACT_REDRAW;
}

/* Writes the profile as shown (threads, idle) in the folded format to
   leaktop's private directory and says where. */
static Reaction ProfileView_write(UiView* super, Ui* ui, int key) {
   (void)key;
   ProfileView* this = super->data;
   if (this->session || ProfileTree_total(&this->tree) == 0) {
      snprintf(ui->message, sizeof(ui->message), "nothing to write yet");
      return REACT_REDRAW;
   }
   char dir[32];
   int dirFd = XUtils_openPrivateDir(dir, sizeof(dir));
   if (dirFd < 0) {
      snprintf(ui->message, sizeof(ui->message), "cannot use %s: %s", dir, strerror(errno));
      return REACT_REDRAW;
   }
   char stamp[32], name[64];
   time_t now = time(NULL);
   struct tm tm;
   strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
   int fd = -1;
   for (int i = 0; i < 10 && fd < 0; i++) {
      snprintf(name, sizeof(name), i ? "profile-%d-%s-%d.folded" : "profile-%d-%s.folded",
               (int)this->pid, stamp, i);
      fd = openat(dirFd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 && errno != EEXIST)
         break;
   }
   close(dirFd);
   FILE* out = fd >= 0 ? fdopen(fd, "w") : NULL;
   if (!out) {
      snprintf(ui->message, sizeof(ui->message), "cannot write in %s: %s", dir, strerror(errno));
      if (fd >= 0)
         close(fd);
      return REACT_REDRAW;
   }
   ProfileTree_folded(&this->tree, out);
   if (fclose(out) != 0)
      snprintf(ui->message, sizeof(ui->message), "cannot write %s/%s: %s", dir, name,
               strerror(errno));
   else
      snprintf(ui->message, sizeof(ui->message), "wrote %s/%s", dir, name);
   return REACT_REDRAW;
}

/* ---- drawing ------------------------------------------------------------ */

static void ProfileView_drawHeader(const ProfileView* this, WINDOW* w, int cols) {
   char buf[512];
   const char* frames = this->pythonOnly ? "Python frames only" : "native frames";
   if (this->session)
      snprintf(buf, sizeof(buf), "Sampling process %d: %.1f/%.0f s, %ld samples at %.0f Hz, %s",
               (int)this->pid, XUtils_monotonicNow() - this->start, ProfileView_duration(this),
               this->profile.samples, ProfileView_rate(this), frames);
   else
      snprintf(buf, sizeof(buf),
               "Profile of process %d (%s)%s%s: %ld samples in %.1f s at %.0f Hz, %s",
               (int)this->pid, this->last.command[0] ? this->last.command : "?",
               this->last.python[0] ? ", CPython " : "", this->last.python, this->profile.samples,
               this->took, ProfileView_rate(this), frames);
   Draw_text(w, 0, 0, cols, buf, Colors_attr(CLR_TOP));
   if (this->error[0]) {
      Draw_text(w, 1, 0, cols, this->error, Colors_attr(CLR_WARNING));
   } else if (this->last.warning[0]) {
      Draw_text(w, 1, 0, cols, this->last.warning, Colors_attr(CLR_WARNING));
   } else if (!this->session) {
      int len = snprintf(buf, sizeof(buf), "%ld thread stacks%s%s", ProfileTree_total(&this->tree),
                         this->hideIdle ? " of running threads" : ", idle threads too",
                         this->byThread ? ", by thread" : "");
      if (this->profile.threadPauseCount > 0)
         snprintf(buf + len, sizeof(buf) - (size_t)len,
                  "; each thread stopped %.3f ms per sample (median), %.3f ms (p99)",
                  this->pauseMedian, this->pauseP99);
      Draw_text(w, 1, 0, cols, buf, Colors_attr(CLR_DEFAULT));
   }
}

static void ProfileView_drawProgress(const ProfileView* this, WINDOW* w, int y, int cols) {
   double done = (XUtils_monotonicNow() - this->start) / ProfileView_duration(this);
   done = done < 0 ? 0 : done > 1 ? 1 : done;
   int barCols = cols - 10 > 50 ? 50 : cols - 10;
   if (barCols < 1)
      return;
   char bar[64];
   int filled = (int)(done * barCols + 0.5);
   for (int i = 0; i < barCols; i++)
      bar[i] = i < filled ? '#' : '.';
   bar[barCols] = '\0';
   char line[96];
   snprintf(line, sizeof(line), "[%s] %3.0f%%", bar, done * 100.0);
   Draw_text(w, y, 0, cols, line, Colors_attr(CLR_DEFAULT));
   Draw_text(w, y + 2, 0, cols,
             "One sample at a time between screen refreshes; the tree appears when done.",
             Colors_attr(CLR_DEFAULT));
   Draw_text(w, y + 3, 0, cols, "x stops now and shows it; q leaves and lets the process go.",
             Colors_attr(CLR_DEFAULT));
}

/* Lines of text cut to the width, for a long reason. */
static void ProfileView_drawWrapped(WINDOW* w, int y, int bottom, int cols, const char* text) {
   size_t len = strlen(text);
   for (size_t at = 0; at < len && y < bottom && cols > 0; y++) {
      size_t take = len - at > (size_t)cols ? (size_t)cols : len - at;
      if (at + take < len) {
         size_t space = take;
         while (space > 0 && text[at + space] != ' ')
            space--;
         if (space > 0)
            take = space;
      }
      char line[512];
      snprintf(line, sizeof(line), "%.*s", (int)take, text + at);
      Draw_text(w, y, 0, cols, line, Colors_attr(CLR_DEFAULT));
      at += take;
      while (at < len && text[at] == ' ')
         at++;
   }
}

static void ProfileView_drawRow(const Ui* ui, const ProfileView* this, WINDOW* w, int y, int cols,
                                int index) {
   const ProfileTree* t = &this->tree;
   long total, self;
   const char* name;
   int indent = 0;
   const char* mark = "";
   if (this->flat) {
      const ProfileFunction* f = &this->functions[index];
      total = f->total, self = f->self, name = f->name;
   } else {
      const ProfileNode* n = &t->nodes[this->rows[index]];
      total = n->total, self = n->self, name = n->name;
      /* Deep stacks would push the names off the screen: the indent stops
         at a third of the width. */
      int maxIndent = (cols - PROFILE_NAME_X) / 3;
      indent = n->depth < maxIndent ? n->depth : maxIndent > 0 ? maxIndent : 0;
      mark = n->childCount == 0 ? " " : n->expanded ? ui->glyphs->foldOpen : ui->glyphs->foldClosed;
   }
   bool selected = index == this->cursor;
   int attr = Colors_attr(selected ? CLR_SELECTED : CLR_DEFAULT);
   if (selected)
      Draw_fill(w, y, 0, -1, attr);
   char buf[640];
   snprintf(buf, sizeof(buf), "%6.1f%% %6.1f%% %7ld  %*s%s%s%s", ProfileTree_percent(t, total),
            ProfileTree_percent(t, self), total, indent, "", mark, this->flat ? "" : " ", name);
   Draw_text(w, y, 0, cols, buf, attr);
}

static void ProfileView_draw(UiView* super, Ui* ui, WINDOW* w) {
   ProfileView* this = super->data;
   int rows, cols;
   getmaxyx(w, rows, cols);
   int bottom = rows >= 2 ? rows - 1 : rows;
   ProfileView_drawHeader(this, w, cols);
   const char* hints;
   if (this->session) {
      ProfileView_drawProgress(this, w, 3, cols);
      hints = "x stop now  n native/Python  d duration  f rate  q back";
   } else if (ProfileTree_total(&this->tree) == 0) {
      if (this->profile.samples == 0 && this->error[0])
         ProfileView_drawWrapped(w, 3, bottom, cols, this->error);
      else
         ProfileView_drawWrapped(w, 3, bottom, cols,
                                 this->hideIdle
                                       ? "No running thread was sampled: i counts the idle "
                                         "ones too."
                                       : "No stacks were sampled.");
      hints = "r sample again  n native/Python  i idle  q back";
   } else {
      Draw_fill(w, 2, 0, -1, Colors_attr(CLR_TITLES));
      Draw_text(w, 2, 0, cols,
                this->flat ? (this->byTotal ? " TOTAL    SELF  SAMPLES  FUNCTION (by total share)"
                                            : " TOTAL    SELF  SAMPLES  FUNCTION (by self share)")
                           : " TOTAL    SELF  SAMPLES  CALL TREE (outermost frame first)",
                Colors_attr(CLR_TITLES));
      int body = bottom - 3;
      this->page = body;
      int n = ProfileView_length(this);
      if (this->cursor < this->scroll)
         this->scroll = this->cursor;
      if (body > 0 && this->cursor >= this->scroll + body)
         this->scroll = this->cursor - body + 1;
      for (int i = 0; i < body && this->scroll + i < n; i++)
         ProfileView_drawRow(ui, this, w, 3 + i, cols, this->scroll + i);
      hints = this->flat ? "t tree  s sort  H threads  i idle  w write  r again  q back"
                         : "Enter/Left/Right fold  t functions  H threads  i idle  w write  q back";
   }
   if (rows >= 2)
      Draw_status(w, rows - 1, ui->message, hints, Colors_attr(CLR_STATUS));
}

static const KeyBinding ProfileView_bindings[] = {
      {'q', "q", "back; a profile still sampling stops", Action_back},
      {KEY_ESC, "Esc", "back; a profile still sampling stops", Action_back},
      {KEY_UP, "Up", "move", ProfileView_move},
      {'k', "k", "move", ProfileView_move},
      {KEY_DOWN, "Down", "move", ProfileView_move},
      {'j', "j", "move", ProfileView_move},
      {KEY_PPAGE, "PgUp", "move", ProfileView_move},
      {KEY_NPAGE, "PgDn", "move", ProfileView_move},
      {' ', "Space", "move", ProfileView_move},
      {KEY_HOME, "Home", "move", ProfileView_move},
      {KEY_END, "End", "move", ProfileView_move},
      {'\n', "Enter", "open or close the call-tree node", ProfileView_foldKey},
      {'\r', "Enter", "open or close the call-tree node", ProfileView_foldKey},
      {KEY_ENTER, "Enter", "open or close the call-tree node", ProfileView_foldKey},
      {KEY_RIGHT, "Right", "open the node; on an open one, go to its first callee",
       ProfileView_foldKey},
      {KEY_LEFT, "Left", "close the node; on a closed one, go to its caller", ProfileView_foldKey},
      {'+', "+", "open the node", ProfileView_foldKey},
      {'-', "-", "close the node", ProfileView_foldKey},
      {'t', "t", "call tree / list of functions", ProfileView_toggleFlat},
      {'s', "s", "functions by self share / by total share", ProfileView_toggleSort},
      {'H', "H", "all threads together / each thread apart", ProfileView_toggleThreads},
      {'i', "i", "count idle threads (not running when sampled) or not", ProfileView_toggleIdle},
      {'n', "n", "native and Python frames / Python only (never stops it): samples again",
       ProfileView_toggleNative},
      {'d', "d", "duration 5, 10, 30, 60 s: samples again", ProfileView_nextDuration},
      {'f', "f", "rate 100, 200, 10, 50 Hz: samples again", ProfileView_nextRate},
      {'x', "x", "stop sampling now and show the profile", ProfileView_stop},
      {'r', "r", "sample again", ProfileView_again},
      {'w', "w", "write the profile shown in the folded format (flamegraph.pl)", ProfileView_write},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit leaktop", Action_quit},
};
static const KeyTable ProfileView_keys = {ProfileView_bindings,
                                          KEY_TABLE_COUNT(ProfileView_bindings), NULL};

const UiViewClass ProfileView_class = {
      .name = "Profile view",
      .keys = &ProfileView_keys,
      .open = ProfileView_open,
      .close = ProfileView_close,
      .draw = ProfileView_draw,
      .current = ProfileView_current,
      .nextWake = ProfileView_nextWake,
      .step = ProfileView_step,
};
