#include "config.h"

#include "ui/ProfileView.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stacks/ProfileTree.h"
#include "target/PtraceThreads.h"
#include "stacks/StackProfile.h"
#include "stacks/StackSession.h"
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

struct ProfileRun {
   pid_t pid;
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
};

static double ProfileView_duration(const struct ProfileRun* r) {
   return ProfileView_durations[r->duration];
}

static double ProfileView_rate(const struct ProfileRun* r) {
   return ProfileView_rates[r->rate];
}

static void ProfileView_clear(struct ProfileRun* r) {
   ProfileTree_done(&r->tree);
   free(r->rows);
   free(r->functions);
   r->rows = NULL;
   r->functions = NULL;
   r->rowCount = r->functionCount = 0;
   r->cursor = r->scroll = 0;
}

/* The tree and the function list for the current profile and toggles. */
static void ProfileView_build(struct ProfileRun* r) {
   ProfileView_clear(r);
   ProfileTree_build(&r->tree, &r->profile, r->byThread, !r->hideIdle);
   ProfileTree_expandHot(&r->tree, PROFILE_HOT_SHARE);
   r->rowCount = ProfileTree_visible(&r->tree, &r->rows);
   r->functionCount = ProfileTree_functions(&r->tree, r->byTotal, &r->functions);
}

static void ProfileView_endSession(struct ProfileRun* r) {
   StackSession_free(r->session);
   r->session = NULL;
   /* A thread a sample could not stop is detached here if it has stopped
      since; otherwise at the dashboard's next refresh. */
   PtraceThreads_release();
}

static void ProfileView_finish(struct ProfileRun* r) {
   r->took = XUtils_monotonicNow() - r->start;
   ProfileView_endSession(r);
   r->pauseMedian =
         StackProfile_quantile(r->profile.threadPauses, r->profile.threadPauseCount, 0.5);
   r->pauseP99 = StackProfile_quantile(r->profile.threadPauses, r->profile.threadPauseCount, 0.99);
   ProfileView_build(r);
}

static void ProfileView_begin(struct ProfileRun* r) {
   ProfileView_endSession(r);
   ProfileView_clear(r);
   StackProfile_done(&r->profile);
   StackDump_done(&r->last);
   memset(&r->last, 0, sizeof(r->last));
   r->error[0] = '\0';
   r->took = 0;
   r->start = r->next = r->lastDraw = XUtils_monotonicNow();
   r->session = StackSession_open(r->pid, r->pythonOnly, r->error, sizeof(r->error));
}

void ProfileView_open(Ui* ui, pid_t pid) {
   ProfileView_close(ui);
   struct ProfileRun* r = xCalloc(1, sizeof(struct ProfileRun));
   r->pid = pid;
   ui->profile = r;
   ui->profileReturn = ui->view == VIEW_STACK ? VIEW_STACK : VIEW_DASHBOARD;
   ui->view = VIEW_PROFILE;
   ProfileView_begin(r);
}

void ProfileView_close(Ui* ui) {
   struct ProfileRun* r = ui->profile;
   if (!r)
      return;
   ProfileView_endSession(r);
   ProfileView_clear(r);
   StackProfile_done(&r->profile);
   StackDump_done(&r->last);
   free(r);
   ui->profile = NULL;
}

double ProfileView_nextSample(const Ui* ui) {
   const struct ProfileRun* r = ui->profile;
   return r && r->session ? r->next : -1.0;
}

bool ProfileView_step(Ui* ui) {
   struct ProfileRun* r = ui->profile;
   if (!r || !r->session)
      return false;
   double now = XUtils_monotonicNow();
   if (now < r->next)
      return false;
   if (now >= r->start + ProfileView_duration(r)) {
      ProfileView_finish(r);
      return true;
   }
   char err[512] = "";
   if (!StackSession_sample(r->session, &r->last, err, sizeof(err))) {
      /* Gone (or no longer readable): keep what was sampled. */
      snprintf(r->error, sizeof(r->error), "sampling ended after %.1f s: %s", now - r->start, err);
      ProfileView_finish(r);
      return true;
   }
   StackProfile_add(&r->profile, &r->last);
   now = XUtils_monotonicNow();
   r->next += 1.0 / ProfileView_rate(r);
   if (r->next < now)
      r->next = now; /* behind: no burst to catch up */
   if (now - r->lastDraw < PROFILE_REDRAW_S)
      return false;
   r->lastDraw = now;
   return true;
}

void ProfileView_stop(Ui* ui) {
   struct ProfileRun* r = ui->profile;
   if (r && r->session)
      ProfileView_finish(r);
}

void ProfileView_again(Ui* ui) {
   if (ui->profile)
      ProfileView_begin(ui->profile);
}

void ProfileView_toggle(Ui* ui, ProfileToggle what) {
   struct ProfileRun* r = ui->profile;
   if (!r)
      return;
   switch (what) {
   case TOGGLE_FLAT:
      r->flat = !r->flat;
      snprintf(ui->message, sizeof(ui->message), "%s", r->flat ? "functions" : "call tree");
      r->cursor = r->scroll = 0;
      return;
   case TOGGLE_SORT:
      r->byTotal = !r->byTotal;
      snprintf(ui->message, sizeof(ui->message), "functions by %s share",
               r->byTotal ? "total" : "self");
      break;
   case TOGGLE_THREADS:
      r->byThread = !r->byThread;
      snprintf(ui->message, sizeof(ui->message), "%s",
               r->byThread ? "stacks by thread" : "stacks of all threads together");
      break;
   case TOGGLE_IDLE:
      r->hideIdle = !r->hideIdle;
      snprintf(ui->message, sizeof(ui->message), "%s",
               r->hideIdle ? "idle threads hidden: only the running ones count"
                           : "idle threads counted");
      break;
   case TOGGLE_NATIVE:
      r->pythonOnly = !r->pythonOnly;
      snprintf(ui->message, sizeof(ui->message), "sampling again with %s",
               r->pythonOnly ? "Python frames only (never stopped)" : "native frames");
      ProfileView_begin(r);
      return;
   case TOGGLE_DURATION:
      r->duration = (r->duration + 1) % PROFILE_CHOICES;
      snprintf(ui->message, sizeof(ui->message), "sampling again for %.0f s",
               ProfileView_duration(r));
      ProfileView_begin(r);
      return;
   case TOGGLE_RATE:
      r->rate = (r->rate + 1) % PROFILE_CHOICES;
      snprintf(ui->message, sizeof(ui->message), "sampling again at %.0f Hz", ProfileView_rate(r));
      ProfileView_begin(r);
      return;
   }
   if (!r->session)
      ProfileView_build(r);
}

static int ProfileView_length(const struct ProfileRun* r) {
   if (r->session)
      return 0;
   return r->flat ? r->functionCount : r->rowCount;
}

static void ProfileView_setCursor(struct ProfileRun* r, int at) {
   int n = ProfileView_length(r);
   r->cursor = at >= n ? n - 1 : at;
   if (r->cursor < 0)
      r->cursor = 0;
}

void ProfileView_move(Ui* ui, int delta) {
   if (ui->profile)
      ProfileView_setCursor(ui->profile, ui->profile->cursor + delta);
}

void ProfileView_moveTo(Ui* ui, bool last) {
   if (ui->profile)
      ProfileView_setCursor(ui->profile, last ? ProfileView_length(ui->profile) : 0);
}

int ProfileView_page(const Ui* ui) {
   return ui->profile && ui->profile->page > 1 ? ui->profile->page - 1 : 1;
}

/* The visible rows again, the cursor on node. */
static void ProfileView_showNode(struct ProfileRun* r, int node) {
   free(r->rows);
   r->rowCount = ProfileTree_visible(&r->tree, &r->rows);
   for (int i = 0; i < r->rowCount; i++)
      if (r->rows[i] == node)
         r->cursor = i;
}

void ProfileView_fold(Ui* ui, ProfileFold how) {
   struct ProfileRun* r = ui->profile;
   if (!r || r->flat || r->cursor >= ProfileView_length(r))
      return;
   int id = r->rows[r->cursor];
   ProfileNode* n = &r->tree.nodes[id];
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
   ProfileView_showNode(r, id);
}

void ProfileView_write(Ui* ui) {
   struct ProfileRun* r = ui->profile;
   if (!r || r->session || ProfileTree_total(&r->tree) == 0) {
      snprintf(ui->message, sizeof(ui->message), "nothing to write yet");
      return;
   }
   char dir[32];
   int dirFd = XUtils_openPrivateDir(dir, sizeof(dir));
   if (dirFd < 0) {
      snprintf(ui->message, sizeof(ui->message), "cannot use %s: %s", dir, strerror(errno));
      return;
   }
   char stamp[32], name[64];
   time_t now = time(NULL);
   struct tm tm;
   strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
   int fd = -1;
   for (int i = 0; i < 10 && fd < 0; i++) {
      snprintf(name, sizeof(name), i ? "profile-%d-%s-%d.folded" : "profile-%d-%s.folded",
               (int)r->pid, stamp, i);
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
      return;
   }
   ProfileTree_folded(&r->tree, out);
   if (fclose(out) != 0)
      snprintf(ui->message, sizeof(ui->message), "cannot write %s/%s: %s", dir, name,
               strerror(errno));
   else
      snprintf(ui->message, sizeof(ui->message), "wrote %s/%s", dir, name);
}

/* ---- drawing ------------------------------------------------------------ */

static void ProfileView_drawHeader(const struct ProfileRun* r, WINDOW* w, int cols) {
   char buf[512];
   const char* frames = r->pythonOnly ? "Python frames only" : "native frames";
   if (r->session)
      snprintf(buf, sizeof(buf), "Sampling process %d: %.1f/%.0f s, %ld samples at %.0f Hz, %s",
               (int)r->pid, XUtils_monotonicNow() - r->start, ProfileView_duration(r),
               r->profile.samples, ProfileView_rate(r), frames);
   else
      snprintf(buf, sizeof(buf),
               "Profile of process %d (%s)%s%s: %ld samples in %.1f s at %.0f Hz, %s", (int)r->pid,
               r->last.command[0] ? r->last.command : "?", r->last.python[0] ? ", CPython " : "",
               r->last.python, r->profile.samples, r->took, ProfileView_rate(r), frames);
   Draw_text(w, 0, 0, cols, buf, Colors_attr(CLR_TOP));
   if (r->error[0]) {
      Draw_text(w, 1, 0, cols, r->error, Colors_attr(CLR_WARNING));
   } else if (r->last.warning[0]) {
      Draw_text(w, 1, 0, cols, r->last.warning, Colors_attr(CLR_WARNING));
   } else if (!r->session) {
      int len = snprintf(buf, sizeof(buf), "%ld thread stacks%s%s", ProfileTree_total(&r->tree),
                         r->hideIdle ? " of running threads" : ", idle threads too",
                         r->byThread ? ", by thread" : "");
      if (r->profile.threadPauseCount > 0)
         snprintf(buf + len, sizeof(buf) - (size_t)len,
                  "; each thread stopped %.3f ms per sample (median), %.3f ms (p99)",
                  r->pauseMedian, r->pauseP99);
      Draw_text(w, 1, 0, cols, buf, Colors_attr(CLR_DEFAULT));
   }
}

static void ProfileView_drawProgress(const struct ProfileRun* r, WINDOW* w, int y, int cols) {
   double done = (XUtils_monotonicNow() - r->start) / ProfileView_duration(r);
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

static void ProfileView_drawRow(const Ui* ui, const struct ProfileRun* r, WINDOW* w, int y,
                                int cols, int index) {
   const ProfileTree* t = &r->tree;
   long total, self;
   const char* name;
   int indent = 0;
   const char* mark = "";
   if (r->flat) {
      const ProfileFunction* f = &r->functions[index];
      total = f->total, self = f->self, name = f->name;
   } else {
      const ProfileNode* n = &t->nodes[r->rows[index]];
      total = n->total, self = n->self, name = n->name;
      /* Deep stacks would push the names off the screen: the indent stops
         at a third of the width. */
      int maxIndent = (cols - PROFILE_NAME_X) / 3;
      indent = n->depth < maxIndent ? n->depth : maxIndent > 0 ? maxIndent : 0;
      mark = n->childCount == 0 ? " " : n->expanded ? ui->glyphs->foldOpen : ui->glyphs->foldClosed;
   }
   bool selected = index == r->cursor;
   int attr = Colors_attr(selected ? CLR_SELECTED : CLR_DEFAULT);
   if (selected)
      Draw_fill(w, y, 0, -1, attr);
   char buf[640];
   snprintf(buf, sizeof(buf), "%6.1f%% %6.1f%% %7ld  %*s%s%s%s", ProfileTree_percent(t, total),
            ProfileTree_percent(t, self), total, indent, "", mark, r->flat ? "" : " ", name);
   Draw_text(w, y, 0, cols, buf, attr);
}

void ProfileView_draw(Ui* ui, WINDOW* w) {
   struct ProfileRun* r = ui->profile;
   int rows, cols;
   getmaxyx(w, rows, cols);
   if (!r)
      return;
   int bottom = rows >= 2 ? rows - 1 : rows;
   ProfileView_drawHeader(r, w, cols);
   const char* hints;
   if (r->session) {
      ProfileView_drawProgress(r, w, 3, cols);
      hints = "x stop now  n native/Python  d duration  f rate  q back";
   } else if (ProfileTree_total(&r->tree) == 0) {
      if (r->profile.samples == 0 && r->error[0])
         ProfileView_drawWrapped(w, 3, bottom, cols, r->error);
      else
         ProfileView_drawWrapped(w, 3, bottom, cols,
                                 r->hideIdle ? "No running thread was sampled: i counts the idle "
                                               "ones too."
                                             : "No stacks were sampled.");
      hints = "r sample again  n native/Python  i idle  q back";
   } else {
      Draw_fill(w, 2, 0, -1, Colors_attr(CLR_TITLES));
      Draw_text(w, 2, 0, cols,
                r->flat ? (r->byTotal ? " TOTAL    SELF  SAMPLES  FUNCTION (by total share)"
                                      : " TOTAL    SELF  SAMPLES  FUNCTION (by self share)")
                        : " TOTAL    SELF  SAMPLES  CALL TREE (outermost frame first)",
                Colors_attr(CLR_TITLES));
      int body = bottom - 3;
      r->page = body;
      int n = ProfileView_length(r);
      if (r->cursor < r->scroll)
         r->scroll = r->cursor;
      if (body > 0 && r->cursor >= r->scroll + body)
         r->scroll = r->cursor - body + 1;
      for (int i = 0; i < body && r->scroll + i < n; i++)
         ProfileView_drawRow(ui, r, w, 3 + i, cols, r->scroll + i);
      hints = r->flat ? "t tree  s sort  H threads  i idle  w write  r again  q back"
                      : "Enter/Left/Right fold  t functions  H threads  i idle  w write  q back";
   }
   if (rows >= 2)
      Draw_status(w, rows - 1, ui->message, hints, Colors_attr(CLR_STATUS));
}
