#include "config.h"

#include "ui/DashboardRows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ProcessTree.h"
#include "ui/Columns.h"
#include "util/XUtils.h"

#define DASHBOARD_MAX_DEPTH 31

void DashboardRows_init(DashboardRows* this) {
   this->rows = NULL;
   this->count = this->capacity = 0;
   this->selected = -1;
   this->scroll = 0;
}

void DashboardRows_done(DashboardRows* this) {
   free(this->rows);
   this->rows = NULL;
   this->count = this->capacity = 0;
}

static DashboardRow* DashboardRows_add(DashboardRows* this, DashboardRowKind kind, int tree) {
   if (this->count == this->capacity) {
      this->capacity = this->capacity ? this->capacity * 2 : 64;
      this->rows = xReallocArray(this->rows, (size_t)this->capacity, sizeof(DashboardRow));
   }
   DashboardRow* row = &this->rows[this->count++];
   memset(row, 0, sizeof(*row));
   row->kind = kind;
   row->tree = tree;
   return row;
}

static bool DashboardRows_contains(const char* haystack, const char* needle) {
   return haystack && strcasestr(haystack, needle) != NULL;
}

static bool DashboardRows_matches(const char* filter, const Process* p) {
   if (!filter[0])
      return true;
   char pid[16];
   snprintf(pid, sizeof(pid), "%d", (int)p->pid);
   return DashboardRows_contains(pid, filter) || DashboardRows_contains(p->name, filter) ||
          DashboardRows_contains(p->cmdline, filter);
}

/* What the rows are built with: the order, the filter, and the context
   the sort keys need (the tree's, for TTL). */
typedef struct DashboardEmit {
   const DashboardSort* sort;
   const char* filter;
   ColumnContext ctx;
} DashboardEmit;

/* Insertion sort: trees hold tens of processes, and it is stable, so equal
   keys keep tree order. */
static void DashboardRows_sort(Process** procs, int n, const DashboardSort* sort,
                               const ColumnContext* ctx) {
   if (sort->column < 0)
      return;
   for (int i = 1; i < n; i++) {
      Process* p = procs[i];
      int j = i - 1;
      while (j >= 0 &&
             Columns_compare((ColumnId)sort->column, sort->descending, procs[j], p, ctx) > 0) {
         procs[j + 1] = procs[j];
         j--;
      }
      procs[j + 1] = p;
   }
}

/* Emits node (index in tree order) and its subtree, children sorted. The
   descendants of a node follow it contiguously with greater depth. */
static void DashboardRows_emitSubtree(DashboardRows* this, const DashboardEmit* e, int tree,
                                      const ProcessTree* t, int node, int depth, uint32_t moreBelow,
                                      bool last) {
   Process* p = t->procs[node];
   if (DashboardRows_matches(e->filter, p)) {
      DashboardRow* row = DashboardRows_add(this, ROW_PROCESS, tree);
      row->proc = p;
      row->depth = depth;
      row->moreBelow = moreBelow;
      row->lastChild = last;
   }
   int n = 0;
   for (int i = node + 1; i < t->count && t->procs[i]->depth > p->depth; i++)
      if (t->procs[i]->depth == p->depth + 1)
         n++;
   if (n == 0)
      return;
   Process** kids = xCalloc((size_t)n, sizeof(Process*));
   int* index = xCalloc((size_t)n, sizeof(int));
   int k = 0;
   for (int i = node + 1; i < t->count && t->procs[i]->depth > p->depth; i++)
      if (t->procs[i]->depth == p->depth + 1)
         kids[k++] = t->procs[i];
   DashboardRows_sort(kids, n, e->sort, &e->ctx);
   /* Map the sorted children back to their positions in tree order. */
   for (int c = 0; c < n; c++)
      for (int i = node + 1; i < t->count; i++)
         if (t->procs[i] == kids[c]) {
            index[c] = i;
            break;
         }
   int childDepth = depth < DASHBOARD_MAX_DEPTH ? depth + 1 : depth;
   for (int c = 0; c < n; c++) {
      bool isLast = c == n - 1;
      uint32_t mask = moreBelow;
      if (depth > 0 && !last)
         mask |= 1u << depth;
      DashboardRows_emitSubtree(this, e, tree, t, index[c], childDepth, mask, isLast);
   }
   free(kids);
   free(index);
}

static void DashboardRows_emitFlat(DashboardRows* this, const DashboardEmit* e, int tree,
                                   const ProcessTree* t) {
   if (t->count == 0)
      return;
   Process** procs = xCalloc((size_t)t->count, sizeof(Process*));
   int n = 0;
   for (int i = 0; i < t->count; i++)
      if (DashboardRows_matches(e->filter, t->procs[i]))
         procs[n++] = t->procs[i];
   DashboardRows_sort(procs, n, e->sort, &e->ctx);
   for (int i = 0; i < n; i++) {
      DashboardRow* row = DashboardRows_add(this, ROW_PROCESS, tree);
      row->proc = procs[i];
   }
   free(procs);
}

static int DashboardRows_nearestProcess(const DashboardRows* this, int from) {
   if (from >= this->count)
      from = this->count - 1;
   if (from < 0)
      from = 0;
   for (int d = 0; d < this->count; d++) {
      if (from + d < this->count && this->rows[from + d].kind == ROW_PROCESS)
         return from + d;
      if (from - d >= 0 && this->rows[from - d].kind == ROW_PROCESS)
         return from - d;
   }
   return -1;
}

static void DashboardRows_remember(DashboardRows* this) {
   if (this->selected >= 0 && this->selected < this->count && this->rows[this->selected].proc) {
      this->selPid = this->rows[this->selected].proc->pid;
      this->selStart = this->rows[this->selected].proc->startTicks;
   }
}

void DashboardRows_build(DashboardRows* this, const Ui* ui, bool flat, const DashboardSort* sort,
                         const char* filter) {
   const Machine* m = ui->machine;
   DashboardEmit e = {.sort = sort, .filter = filter};
   int previous = this->selected;
   this->count = 0;
   for (int t = 0; t < m->treeCount; t++) {
      const ProcessTree* tree = m->trees[t];
      Ui_columnContext(ui, t, &e.ctx);
      DashboardRows_add(this, ROW_TREE_HEADER, t);
      if (flat)
         DashboardRows_emitFlat(this, &e, t, tree);
      else if (tree->count > 0)
         DashboardRows_emitSubtree(this, &e, t, tree, 0, 0, 0, true);
      if (tree->exitedKept > 0)
         DashboardRows_add(this, ROW_EXITED, t);
   }
   if (m->treeCount == 0)
      DashboardRows_add(this, ROW_MESSAGE, -1);

   /* Follow the selected process, wherever sorting moved it. */
   this->selected = -1;
   for (int i = 0; i < this->count; i++) {
      const Process* p = this->rows[i].proc;
      if (p && p->pid == this->selPid && p->startTicks == this->selStart) {
         this->selected = i;
         break;
      }
   }
   if (this->selected < 0) {
      this->selected = DashboardRows_nearestProcess(this, previous < 0 ? 0 : previous);
      DashboardRows_remember(this);
   }
}

Process* DashboardRows_selection(const DashboardRows* this) {
   if (this->selected < 0 || this->selected >= this->count)
      return NULL;
   return this->rows[this->selected].proc;
}

void DashboardRows_move(DashboardRows* this, int delta) {
   int i = this->selected;
   if (i < 0)
      return;
   int step = delta > 0 ? 1 : -1;
   int target = i;
   for (int moved = 0; moved != delta;) {
      int next = target + step;
      while (next >= 0 && next < this->count && this->rows[next].kind != ROW_PROCESS)
         next += step;
      if (next < 0 || next >= this->count)
         break;
      target = next;
      moved += step;
   }
   this->selected = target;
   DashboardRows_remember(this);
}

void DashboardRows_moveTo(DashboardRows* this, bool last) {
   int i = DashboardRows_nearestProcess(this, last ? this->count - 1 : 0);
   if (i >= 0) {
      this->selected = i;
      DashboardRows_remember(this);
   }
   if (!last)
      this->scroll = 0;
}

bool DashboardRows_select(DashboardRows* this, int i) {
   if (i < 0 || i >= this->count || this->rows[i].kind != ROW_PROCESS)
      return false;
   this->selected = i;
   DashboardRows_remember(this);
   return true;
}

void DashboardRows_scrollToSelection(DashboardRows* this, int h) {
   if (h <= 0)
      return;
   if (this->selected >= 0) {
      if (this->selected < this->scroll)
         this->scroll = this->selected;
      if (this->selected >= this->scroll + h)
         this->scroll = this->selected - h + 1;
      /* Keep the tree's header in sight above its first process. */
      if (this->scroll == this->selected && this->scroll > 0 && h > 1 &&
          this->rows[this->scroll - 1].kind == ROW_TREE_HEADER)
         this->scroll--;
   }
   if (this->scroll > this->count - h)
      this->scroll = this->count - h;
   if (this->scroll < 0)
      this->scroll = 0;
}
