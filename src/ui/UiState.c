#include "config.h"

#include "ui/UiState.h"

#include "model/ProcessTree.h"

UiSort* Ui_sort(Ui* ui) {
   return ui->flatView ? &ui->flatSort : &ui->treeSort;
}

Process* Ui_findProcess(const Ui* ui, pid_t pid, unsigned long long start, int* tree) {
   const Machine* m = ui->machine;
   for (int t = 0; t < m->treeCount; t++) {
      Process* p = ProcessTree_find(m->trees[t], pid);
      /* The start time tells a reused PID from the process the user chose. */
      if (p && p->startTicks == start) {
         if (tree)
            *tree = t;
         return p;
      }
   }
   return NULL;
}
