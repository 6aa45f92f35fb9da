#include "config.h"

#include "ui/ScreenManager.h"

#include <curses.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/SnapshotRunner.h"
#include "sample/SampleSource.h"
#include "target/PtraceThreads.h"
#include "ui/Colors.h"
#include "ui/Columns.h"
#include "ui/Dashboard.h"
#include "ui/Glyphs.h"
#include "ui/KeyBindings.h"
#include "ui/ReplayControl.h"
#include "ui/UiState.h"
#include "util/XUtils.h"

/* The longest getch() waits, so a signal's flag is seen even if the read
   was restarted. */
#define SCREEN_MAX_WAIT_MS 500

static volatile sig_atomic_t ScreenManager_signal = 0;
static bool ScreenManager_cursesActive = false;
static SCREEN* ScreenManager_screen = NULL;

static void ScreenManager_onSignal(int sig) {
   ScreenManager_signal = sig;
}

/* Last resort if something calls exit() while the screen is up. */
static void ScreenManager_atExit(void) {
   if (ScreenManager_cursesActive) {
      ScreenManager_cursesActive = false;
      endwin();
   }
}

typedef struct SavedSignals {
   struct sigaction intr, term, hup;
} SavedSignals;

static void ScreenManager_catchSignals(SavedSignals* saved) {
   struct sigaction sa;
   memset(&sa, 0, sizeof(sa));
   sa.sa_handler = ScreenManager_onSignal;
   sigemptyset(&sa.sa_mask);
   /* No SA_RESTART: the pending getch() returns and the loop ends. */
   sa.sa_flags = 0;
   sigaction(SIGINT, &sa, &saved->intr);
   sigaction(SIGTERM, &sa, &saved->term);
   sigaction(SIGHUP, &sa, &saved->hup);
}

static void ScreenManager_restoreSignals(const SavedSignals* saved) {
   sigaction(SIGINT, &saved->intr, NULL);
   sigaction(SIGTERM, &saved->term, NULL);
   sigaction(SIGHUP, &saved->hup, NULL);
}

static void ScreenManager_initUi(Ui* ui, Machine* machine, const Options* opts) {
   memset(ui, 0, sizeof(*ui));
   ui->machine = machine;
   ui->opts = opts;
   ui->glyphs = Glyphs_forLocale();
   ui->window = opts->growthWindow > 0 ? opts->growthWindow : 300;
   ui->snapshots = SnapshotRunner_new(opts->snapshotEvery);
   Ui_pushView(ui, &Dashboard_class, 0, 0);
}

static void ScreenManager_doneUi(Ui* ui) {
   Ui_closeViews(ui);
   SnapshotRunner_free(ui->snapshots);
}

/* Periodic requests for the current process, and the answer of the one
   under way; true when the screen changed. */
static bool ScreenManager_snapshots(Ui* ui) {
   double now = XUtils_monotonicNow();
   Process* current = Ui_current(ui);
   char msg[sizeof(ui->message)];
   bool changed = false;
   if (SnapshotRunner_follow(ui->snapshots, current, now, msg, sizeof(msg))) {
      ui->snapshotPolled = 0;
      changed = true;
   }
   if (!SnapshotRunner_busy(ui->snapshots, NULL, NULL) ||
       (now - ui->snapshotPolled) * 1000 < SnapshotRunner_pollMs(ui->snapshots))
      return changed;
   ui->snapshotPolled = now;
   pid_t pid;
   unsigned long long start;
   SnapshotRunner_busy(ui->snapshots, &pid, &start);
   switch (SnapshotRunner_poll(ui->snapshots, ui->machine, msg, sizeof(msg))) {
   case SNAPSHOT_RUNNER_DONE:
      Ui_snapshotTaken(ui, pid, start);
      /* fall through */
   case SNAPSHOT_RUNNER_FAILED:
      snprintf(ui->message, sizeof(ui->message), "%s", msg);
      return true;
   case SNAPSHOT_RUNNER_WAITING:
      return true;
   case SNAPSHOT_RUNNER_IDLE:
      break;
   }
   return changed;
}

static void ScreenManager_applyCost(Ui* ui) {
   unsigned flags = Ui_costFlags(ui);
   ui->machine->scanFlags = ((flags & COLUMN_NEEDS_SMAPS) ? SCAN_SMAPS : 0u) |
                            ((flags & COLUMN_NEEDS_FDS) ? SCAN_FDS : 0u);
}

static void ScreenManager_draw(Ui* ui, bool full) {
   if (full)
      clearok(stdscr, TRUE);
   erase();
   if (!ui->message[0] && Machine_allTargetsGone(ui->machine))
      snprintf(ui->message, sizeof(ui->message), "every target has exited; q quits");
   UiView* top = Ui_topView(ui);
   top->klass->draw(top, ui, stdscr);
   /* Replay's prompt is no view's: it takes the status line of any. */
   if (ReplayControl_prompting(ui) && LINES >= 2)
      ReplayControl_drawPrompt(ui, stdscr, LINES - 1);
   wnoutrefresh(stdscr);
   doupdate();
}

static bool ScreenManager_startCurses(const Options* opts) {
   /* newterm() reports a bad TERM instead of exiting like initscr(). */
   ScreenManager_screen = newterm(NULL, stdout, stdin);
   if (!ScreenManager_screen)
      return false;
   ScreenManager_cursesActive = true;
   cbreak();
   noecho();
   nonl();
   keypad(stdscr, TRUE);
   intrflush(stdscr, FALSE);
   curs_set(0);
   set_escdelay(25);
   Colors_init(opts->noColor || Colors_noColorRequested());
   if (!opts->noMouse) {
      mouseinterval(0);
      mousemask(BUTTON1_RELEASED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                      | BUTTON5_PRESSED
#endif
                ,
                NULL);
   }
   return true;
}

/* One tick of the model when due: a scan of the live host on the tick's
   timer, or in replay the recorded ticks due at the cursor's pace. True
   when the screen changed; *next is when the next one is due. */
static bool ScreenManager_tick(Ui* ui, double now, double delay, double* next, long* scans) {
   if (ui->replay) {
      bool moved = ReplayControl_advance(ui, now);
      *next = ReplayControl_nextWake(ui);
      return moved;
   }
   if (now < *next)
      return false;
   ScreenManager_applyCost(ui);
   Machine_scan(ui->machine);
   /* A thread a stack dump could not stop stays seized until here. */
   PtraceThreads_release();
   (*scans)++;
   Ui_scanned(ui);
   *next += delay;
   if (*next <= now)
      *next = now + delay;
   return true;
}

/* How long getch() may wait: until the next tick or a view's work, and
   not past a snapshot's next poll. */
static int ScreenManager_waitMs(const Ui* ui, double next) {
   double wake = next, work = Ui_nextWake(ui);
   if (work >= 0 && (wake < 0 || work < wake))
      wake = work;
   int longest = SnapshotRunner_busy(ui->snapshots, NULL, NULL)
                       ? SnapshotRunner_pollMs(ui->snapshots)
                       : SCREEN_MAX_WAIT_MS;
   if (wake < 0)
      return longest;
   double waitMs = ceil((wake - XUtils_monotonicNow()) * 1000);
   return waitMs < 0 ? 0 : waitMs > longest ? longest : (int)waitMs;
}

static void ScreenManager_loop(Ui* ui, const Options* opts) {
   double delay = opts->delay > 0 ? opts->delay : 1;
   double next = XUtils_monotonicNow();
   if (ui->machine->tick > 0)
      next += delay; /* the caller has just scanned */
   long scans = 0;
   bool dirty = true, full = false;
   while (!ui->quit && !ScreenManager_signal) {
      if (ScreenManager_tick(ui, XUtils_monotonicNow(), delay, &next, &scans))
         dirty = true;
      bool stepped = Ui_step(ui);
      /* A recording has no worker to ask for a snapshot. */
      if ((!ui->replay && ScreenManager_snapshots(ui)) || stepped)
         dirty = true;
      if (dirty) {
         ScreenManager_draw(ui, full);
         dirty = full = false;
      }
      if (opts->iterations > 0 && scans >= opts->iterations)
         break;
      timeout(ScreenManager_waitMs(ui, next));
      int key = getch();
      if (key == ERR)
         continue;
      Reaction r = KeyBindings_dispatch(ui, key);
      if (r & REACT_QUIT)
         break;
      if (r & REACT_RESIZE)
         full = true;
      if (r != REACT_NONE)
         dirty = true;
   }
}

/* Sets the screen up around the loop and restores it on every way out. */
static int ScreenManager_session(Ui* ui, const Options* opts) {
   setlocale(LC_ALL, "");
   static bool atExitRegistered = false;
   if (!atExitRegistered) {
      atexit(ScreenManager_atExit);
      atExitRegistered = true;
   }
   SavedSignals saved;
   ScreenManager_signal = 0;
   ScreenManager_catchSignals(&saved);
   if (!ScreenManager_startCurses(opts)) {
      ScreenManager_restoreSignals(&saved);
      ScreenManager_doneUi(ui);
      fprintf(stderr, "leaktop: cannot use the terminal (TERM=%s)\n",
              getenv("TERM") ? getenv("TERM") : "");
      return 1;
   }
   ScreenManager_loop(ui, opts);
   ScreenManager_cursesActive = false;
   endwin();
   delscreen(ScreenManager_screen);
   ScreenManager_screen = NULL;
   ScreenManager_restoreSignals(&saved);
   ScreenManager_doneUi(ui);
   return 0;
}

int ScreenManager_run(Machine* machine, const Options* opts, const char* note) {
   Ui ui;
   ScreenManager_initUi(&ui, machine, opts);
   snprintf(ui.message, sizeof(ui.message), "%s", note ? note : "");
   return ScreenManager_session(&ui, opts);
}

int ScreenManager_replay(Replay* replay, double window) {
   const Options* opts = Replay_options(replay);
   ReplayControl* control = ReplayControl_new(replay);
   Ui ui;
   ScreenManager_initUi(&ui, Replay_machine(replay), opts);
   ReplayControl_attach(control, &ui);
   /* The growth window shown is the one asked for, else the recording's. */
   if (window > 0)
      ui.window = window;
   int status = ScreenManager_session(&ui, opts);
   ReplayControl_delete(control);
   return status;
}
