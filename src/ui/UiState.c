#include "config.h"

#include "ui/UiState.h"

#include "inject/SnapshotRunner.h"
#include "ui/Dashboard.h"

UiSort* Ui_sort(Ui* ui) {
   return ui->flatView ? &ui->flatSort : &ui->treeSort;
}

Process* Ui_findProcess(const Ui* ui, pid_t pid, unsigned long long start, int* tree) {
   return Machine_findProcess(ui->machine, pid, start, tree);
}

Process* Ui_current(const Ui* ui) {
   if (ui->view == VIEW_DETAIL)
      return Ui_findProcess(ui, ui->detailPid, ui->detailStart, NULL);
   return Dashboard_selection(ui);
}

const char* Ui_note(const Ui* ui) {
   if (ui->message[0])
      return ui->message;
   const char* progress = ui->snapshots ? SnapshotRunner_status(ui->snapshots) : "";
   return progress[0] ? progress : ui->machine->notice;
}
