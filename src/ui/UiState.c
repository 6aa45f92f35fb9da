#include "config.h"

#include "ui/UiState.h"

#include <math.h>
#include <stdlib.h>

#include "classify/TimeToLimit.h"
#include "inject/SnapshotRunner.h"
#include "util/XUtils.h"

Process* Ui_findProcess(const Ui* ui, pid_t pid, unsigned long long start, int* tree) {
   return Machine_findProcess(ui->machine, pid, start, tree);
}

void Ui_columnContext(const Ui* ui, int tree, ColumnContext* ctx) {
   const Machine* m = ui->machine;
   ctx->now = m->now;
   ctx->wallNow = m->wallNow;
   ctx->tick = ui->opts->delay > 0 ? ui->opts->delay : 1;
   ctx->window = ui->window;
   ctx->glyphs = ui->glyphs;
   ctx->width = 0;
   ctx->headroomKiB = NAN;
   ctx->tree = tree >= 0 && tree < m->treeCount ? m->trees[tree] : NULL;
   if (tree >= 0 && tree < m->treeCount)
      ctx->headroomKiB =
            TimeToLimit_headroomKiB(&m->trees[tree]->cgroup, m->hostMemKnown, m->memAvailableKiB);
}

void Ui_pushView(Ui* ui, const UiViewClass* klass, pid_t pid, unsigned long long start) {
   if (ui->viewCount == ui->viewCapacity) {
      ui->viewCapacity = ui->viewCapacity ? ui->viewCapacity * 2 : 4;
      ui->views = xReallocArray(ui->views, (size_t)ui->viewCapacity, sizeof(UiView*));
   }
   /* Each view on its own: the one whose key pushed another stays where it was. */
   UiView* v = xMalloc(sizeof(UiView));
   v->klass = klass;
   v->data = klass->open(ui, pid, start);
   ui->views[ui->viewCount++] = v;
}

void Ui_popView(Ui* ui) {
   UiView* top = ui->views[--ui->viewCount];
   top->klass->close(top->data);
   free(top);
}

void Ui_closeViews(Ui* ui) {
   while (ui->viewCount > 0)
      Ui_popView(ui);
   free(ui->views);
   ui->views = NULL;
   ui->viewCapacity = 0;
}

UiView* Ui_topView(const Ui* ui) {
   return ui->views[ui->viewCount - 1];
}

UiView* Ui_rootView(const Ui* ui) {
   return ui->views[0];
}

unsigned Ui_costFlags(const Ui* ui) {
   unsigned flags = 0;
   for (int i = 0; i < ui->viewCount; i++) {
      const UiView* v = ui->views[i];
      if (v->klass->costFlags)
         flags |= v->klass->costFlags(v, ui);
   }
   return flags;
}

Process* Ui_current(const Ui* ui) {
   for (int i = ui->viewCount - 1; i >= 0; i--) {
      const UiView* v = ui->views[i];
      if (v->klass->current)
         return v->klass->current(v, ui);
   }
   return NULL;
}

void Ui_scanned(Ui* ui) {
   for (int i = 0; i < ui->viewCount; i++) {
      UiView* v = ui->views[i];
      if (v->klass->scanned)
         v->klass->scanned(v, ui);
   }
}

double Ui_nextWake(const Ui* ui) {
   double wake = -1;
   for (int i = 0; i < ui->viewCount; i++) {
      const UiView* v = ui->views[i];
      double at = v->klass->nextWake ? v->klass->nextWake(v) : -1;
      if (at >= 0 && (wake < 0 || at < wake))
         wake = at;
   }
   return wake;
}

bool Ui_step(Ui* ui) {
   bool changed = false;
   for (int i = 0; i < ui->viewCount; i++) {
      UiView* v = ui->views[i];
      if (v->klass->step && v->klass->step(v, ui))
         changed = true;
   }
   return changed;
}

void Ui_snapshotTaken(Ui* ui, pid_t pid, unsigned long long start) {
   UiView* top = Ui_topView(ui);
   if (top->klass->snapshotTaken)
      top->klass->snapshotTaken(top, pid, start);
}

const char* Ui_note(const Ui* ui) {
   if (ui->message[0])
      return ui->message;
   const char* progress = ui->snapshots ? SnapshotRunner_status(ui->snapshots) : "";
   return progress[0] ? progress : ui->machine->notice;
}
