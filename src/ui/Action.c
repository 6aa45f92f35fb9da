#include "config.h"

#include "ui/Action.h"

#include <stdio.h>
#include <string.h>

#include "inject/SnapshotRunner.h"
#include "report/ReportFiles.h"
#include "traffic/Traffic.h"
#include "ui/HelpView.h"
#include "ui/ReplayControl.h"
#include "util/Format.h"

static Reaction Action_startSnapshot(Ui* ui, SnapshotKind kind) {
   Process* p = Ui_current(ui);
   if (!p)
      return REACT_NONE;
   char msg[sizeof(ui->message)];
   if (SnapshotRunner_start(ui->snapshots, p, kind, msg, sizeof(msg))) {
      /* The status line shows the request's progress from the first poll, now. */
      ui->message[0] = '\0';
      ui->snapshotPolled = 0;
   } else {
      snprintf(ui->message, sizeof(ui->message), "%s", msg);
   }
   return REACT_REDRAW;
}

Reaction Action_snapshot(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   return Action_startSnapshot(ui, SNAPSHOT_KIND_PLAIN);
}

Reaction Action_tracemalloc(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   const Process* p = Ui_current(ui);
   if (!p)
      return REACT_NONE;
   return Action_startSnapshot(ui, ProcessSnapshots_tracing(p->snapshots)
                                         ? SNAPSHOT_KIND_STOP_TRACING
                                         : SNAPSHOT_KIND_START_TRACING);
}

Reaction Action_trim(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   return Action_startSnapshot(ui, SNAPSHOT_KIND_TRIM);
}

Reaction Action_wake(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   SnapshotRunner_wake(ui->snapshots, ui->message, sizeof(ui->message));
   return REACT_REDRAW;
}

bool Action_cancelSnapshot(Ui* ui) {
   if (!SnapshotRunner_busy(ui->snapshots, NULL, NULL))
      return false;
   SnapshotRunner_cancel(ui->snapshots, ui->message, sizeof(ui->message));
   return true;
}

Reaction Action_help(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   Ui_pushView(ui, &HelpView_class, 0, 0);
   return REACT_REDRAW;
}

Reaction Action_back(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   Ui_popView(ui);
   return REACT_REDRAW;
}

Reaction Action_quit(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   ui->quit = true;
   return REACT_QUIT;
}

Reaction Action_redraw(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)ui;
   (void)key;
   return REACT_RESIZE;
}

static double Action_nextWindow(double current) {
   static const double windows[] = {60, 300, 900, 3600};
   int n = (int)(sizeof(windows) / sizeof(windows[0]));
   for (int i = 0; i < n; i++)
      if (windows[i] > current + 0.5)
         return windows[i];
   return windows[0];
}

Reaction Action_window(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   char span[16];
   ui->window = Action_nextWindow(ui->window);
   Format_span(span, sizeof(span), ui->window);
   snprintf(ui->message, sizeof(ui->message), "growth window %s", span);
   return REACT_REDRAW;
}

/* The built-in sources, then the operator's own (log:, cmd:) if one was given. */
Reaction Action_traffic(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   Machine* m = ui->machine;
   const char* specs[3] = {"tcp", "cpu", NULL};
   int n = 2;
   const char* own = ui->opts->traffic;
   if (own && strcmp(own, specs[0]) != 0 && strcmp(own, specs[1]) != 0)
      specs[n++] = own;
   int at = n - 1;
   for (int i = 0; i < n; i++) {
      size_t len = strlen(m->traffic->klass->name);
      if (strncmp(specs[i], m->traffic->klass->name, len) == 0 &&
          (specs[i][len] == '\0' || specs[i][len] == ':'))
         at = i;
   }
   char err[sizeof(ui->message)];
   if (Machine_setTraffic(m, specs[(at + 1) % n], err, sizeof(err)))
      snprintf(ui->message, sizeof(ui->message), "traffic: %s", Traffic_displayName(m->traffic));
   else
      snprintf(ui->message, sizeof(ui->message), "%s", err);
   return REACT_REDRAW;
}

Reaction Action_report(UiView* this, Ui* ui, int key) {
   (void)this;
   (void)key;
   Process* p = Ui_current(ui);
   int t = -1;
   if (!p || !Ui_findProcess(ui, p->pid, p->startTicks, &t) || t < 0) {
      snprintf(ui->message, sizeof(ui->message), "no report: select a process of the tree first");
      return REACT_REDRAW;
   }
   const Process* root = ProcessTree_root(ui->machine->trees[t]);
   const Replay* replay = ReplayControl_recording(ui);
   if (replay)
      ReportFiles_write(Replay_path(replay), root->pid, root->startTicks, Replay_cursor(replay),
                        ui->message, sizeof(ui->message));
   else
      ReportFiles_writeFromHost(root->pid, root->startTicks, ui->message, sizeof(ui->message));
   return REACT_REDRAW;
}
