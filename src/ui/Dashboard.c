#include "config.h"

#include "ui/Dashboard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/TimeToLimit.h"
#include "model/ProcessTree.h"
#include "traffic/Traffic.h"
#include "ui/Action.h"
#include "ui/Colors.h"
#include "ui/Draw.h"
#include "util/Format.h"
#include "util/XUtils.h"

#define DASHBOARD_MAX_DEPTH 31

void Dashboard_init(Ui* ui) {
   ui->rows = NULL;
   ui->rowCount = ui->rowCapacity = 0;
   ui->selected = -1;
   ui->scroll = 0;
}

void Dashboard_done(Ui* ui) {
   free(ui->rows);
   ui->rows = NULL;
   ui->rowCount = ui->rowCapacity = 0;
}

void Dashboard_context(const Ui* ui, ColumnContext* ctx) {
   const Machine* m = ui->machine;
   ctx->now = m->now;
   ctx->wallNow = m->wallNow;
   ctx->tick = ui->opts->delay > 0 ? ui->opts->delay : 1;
   ctx->window = ui->window;
   ctx->glyphs = ui->glyphs;
   ctx->width = 0;
   ctx->headroomKiB = NAN;
}

void Dashboard_treeContext(const Ui* ui, int tree, ColumnContext* ctx) {
   const Machine* m = ui->machine;
   Dashboard_context(ui, ctx);
   if (tree >= 0 && tree < m->treeCount)
      ctx->headroomKiB =
            TimeToLimit_headroomKiB(&m->trees[tree]->cgroup, m->hostMemKnown, m->memAvailableKiB);
}

void Dashboard_layout(Ui* ui, int cols) {
   /* The PID column is as wide as the largest PID shown (at least 5), so
      narrow terminals keep one more column. */
   int widths[COL_COUNT];
   for (int id = 0; id < COL_COUNT; id++)
      widths[id] = Columns_table[id].width;
   pid_t maxPid = 0;
   const Machine* m = ui->machine;
   for (int t = 0; t < m->treeCount; t++)
      for (int i = 0; i < m->trees[t]->count; i++)
         if (m->trees[t]->procs[i]->pid > maxPid)
            maxPid = m->trees[t]->procs[i]->pid;
   int digits = 1;
   for (pid_t v = maxPid; v >= 10; v /= 10)
      digits++;
   widths[COL_PID] = digits < 5 ? 5 : digits > 7 ? 7 : digits;
   /* The VERDICT column widens for what snapshots add ("+native"). */
   for (int t = 0; t < m->treeCount; t++) {
      for (int i = 0; i < m->trees[t]->count; i++) {
         const Process* p = m->trees[t]->procs[i];
         if (!p->snapshots)
            continue;
         char cell[64];
         Columns_workerVerdict(p, cell, sizeof(cell));
         int w = (int)strlen(cell);
         if (w > widths[COL_VERDICT])
            widths[COL_VERDICT] = w;
      }
   }
   Columns_layout(&Columns_sets[ui->columnSet], cols, widths, &ui->layout);
}

unsigned Dashboard_costFlags(const Ui* ui) {
   unsigned flags = ui->layout.flags;
   /* The detail view shows every figure of its process. */
   if (ui->view == VIEW_DETAIL)
      flags |= COLUMN_NEEDS_SMAPS;
   return flags;
}

/* ---- rows ------------------------------------------------------------------ */

static UiRow* Dashboard_addRow(Ui* ui, UiRowKind kind, int tree) {
   if (ui->rowCount == ui->rowCapacity) {
      ui->rowCapacity = ui->rowCapacity ? ui->rowCapacity * 2 : 64;
      ui->rows = xReallocArray(ui->rows, (size_t)ui->rowCapacity, sizeof(UiRow));
   }
   UiRow* row = &ui->rows[ui->rowCount++];
   memset(row, 0, sizeof(*row));
   row->kind = kind;
   row->tree = tree;
   return row;
}

static bool Dashboard_contains(const char* haystack, const char* needle) {
   return haystack && strcasestr(haystack, needle) != NULL;
}

static bool Dashboard_matches(const Ui* ui, const Process* p) {
   if (!ui->filter[0])
      return true;
   char pid[16];
   snprintf(pid, sizeof(pid), "%d", (int)p->pid);
   return Dashboard_contains(pid, ui->filter) || Dashboard_contains(p->name, ui->filter) ||
          Dashboard_contains(p->cmdline, ui->filter);
}

/* Insertion sort: trees hold tens of processes, and it is stable, so equal
   keys keep tree order. */
static void Dashboard_sort(Process** procs, int n, const UiSort* sort, const ColumnContext* ctx) {
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
static void Dashboard_emitSubtree(Ui* ui, int tree, const ProcessTree* t, int node, int depth,
                                  uint32_t moreBelow, bool last, const ColumnContext* ctx) {
   Process* p = t->procs[node];
   if (Dashboard_matches(ui, p)) {
      UiRow* row = Dashboard_addRow(ui, ROW_PROCESS, tree);
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
   Dashboard_sort(kids, n, &ui->treeSort, ctx);
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
      Dashboard_emitSubtree(ui, tree, t, index[c], childDepth, mask, isLast, ctx);
   }
   free(kids);
   free(index);
}

static void Dashboard_emitFlat(Ui* ui, int tree, const ProcessTree* t, const ColumnContext* ctx) {
   if (t->count == 0)
      return;
   Process** procs = xCalloc((size_t)t->count, sizeof(Process*));
   int n = 0;
   for (int i = 0; i < t->count; i++)
      if (Dashboard_matches(ui, t->procs[i]))
         procs[n++] = t->procs[i];
   Dashboard_sort(procs, n, &ui->flatSort, ctx);
   for (int i = 0; i < n; i++) {
      UiRow* row = Dashboard_addRow(ui, ROW_PROCESS, tree);
      row->proc = procs[i];
   }
   free(procs);
}

static int Dashboard_nearestProcess(const Ui* ui, int from) {
   if (from >= ui->rowCount)
      from = ui->rowCount - 1;
   if (from < 0)
      from = 0;
   for (int d = 0; d < ui->rowCount; d++) {
      if (from + d < ui->rowCount && ui->rows[from + d].kind == ROW_PROCESS)
         return from + d;
      if (from - d >= 0 && ui->rows[from - d].kind == ROW_PROCESS)
         return from - d;
   }
   return -1;
}

static void Dashboard_remember(Ui* ui) {
   if (ui->selected >= 0 && ui->selected < ui->rowCount && ui->rows[ui->selected].proc) {
      ui->selPid = ui->rows[ui->selected].proc->pid;
      ui->selStart = ui->rows[ui->selected].proc->startTicks;
   }
}

void Dashboard_buildRows(Ui* ui) {
   const Machine* m = ui->machine;
   ColumnContext ctx;
   int previous = ui->selected;
   ui->rowCount = 0;
   for (int t = 0; t < m->treeCount; t++) {
      const ProcessTree* tree = m->trees[t];
      Dashboard_treeContext(ui, t, &ctx);
      Dashboard_addRow(ui, ROW_TREE_HEADER, t);
      if (ui->flatView)
         Dashboard_emitFlat(ui, t, tree, &ctx);
      else if (tree->count > 0)
         Dashboard_emitSubtree(ui, t, tree, 0, 0, 0, true, &ctx);
      if (tree->exitedKept > 0)
         Dashboard_addRow(ui, ROW_EXITED, t);
   }
   if (m->treeCount == 0)
      Dashboard_addRow(ui, ROW_MESSAGE, -1);

   /* Follow the selected process, wherever sorting moved it. */
   ui->selected = -1;
   for (int i = 0; i < ui->rowCount; i++) {
      const Process* p = ui->rows[i].proc;
      if (p && p->pid == ui->selPid && p->startTicks == ui->selStart) {
         ui->selected = i;
         break;
      }
   }
   if (ui->selected < 0) {
      ui->selected = Dashboard_nearestProcess(ui, previous < 0 ? 0 : previous);
      Dashboard_remember(ui);
   }
}

Process* Dashboard_selection(const Ui* ui) {
   if (ui->selected < 0 || ui->selected >= ui->rowCount)
      return NULL;
   return ui->rows[ui->selected].proc;
}

/* ---- selection ---------------------------------------------------------------- */

void Dashboard_move(Ui* ui, int delta) {
   int i = ui->selected;
   if (i < 0)
      return;
   int step = delta > 0 ? 1 : -1;
   int target = i;
   for (int moved = 0; moved != delta;) {
      int next = target + step;
      while (next >= 0 && next < ui->rowCount && ui->rows[next].kind != ROW_PROCESS)
         next += step;
      if (next < 0 || next >= ui->rowCount)
         break;
      target = next;
      moved += step;
   }
   ui->selected = target;
   Dashboard_remember(ui);
}

void Dashboard_moveTo(Ui* ui, bool last) {
   int i = Dashboard_nearestProcess(ui, last ? ui->rowCount - 1 : 0);
   if (i >= 0) {
      ui->selected = i;
      Dashboard_remember(ui);
   }
   if (!last)
      ui->scroll = 0;
}

bool Dashboard_selectAtLine(Ui* ui, int y) {
   int i = ui->scroll + (y - ui->bodyTop);
   if (y < ui->bodyTop || y >= ui->bodyTop + ui->bodyHeight || i < 0 || i >= ui->rowCount ||
       ui->rows[i].kind != ROW_PROCESS)
      return false;
   ui->selected = i;
   Dashboard_remember(ui);
   return true;
}

int Dashboard_columnAt(const Ui* ui, int y, int x) {
   if (y != ui->bodyTop - 1 || ui->bodyTop < 1)
      return -1;
   for (int i = 0; i < ui->layout.count; i++)
      if (x >= ui->layout.x[i] && x < ui->layout.x[i] + ui->layout.width[i])
         return ui->layout.ids[i];
   return -1;
}

static void Dashboard_scrollToSelection(Ui* ui) {
   int h = ui->bodyHeight;
   if (h <= 0)
      return;
   if (ui->selected >= 0) {
      if (ui->selected < ui->scroll)
         ui->scroll = ui->selected;
      if (ui->selected >= ui->scroll + h)
         ui->scroll = ui->selected - h + 1;
      /* Keep the tree's header in sight above its first process. */
      if (ui->scroll == ui->selected && ui->scroll > 0 && h > 1 &&
          ui->rows[ui->scroll - 1].kind == ROW_TREE_HEADER)
         ui->scroll--;
   }
   if (ui->scroll > ui->rowCount - h)
      ui->scroll = ui->rowCount - h;
   if (ui->scroll < 0)
      ui->scroll = 0;
}

/* ---- drawing -------------------------------------------------------------------- */

/* Writes s and returns the x after it, stopping at the right edge. */
static int Dashboard_put(WINDOW* w, int y, int x, const char* s, ColorElement e) {
   int width = getmaxx(w);
   if (x >= width)
      return x;
   return x + Draw_text(w, y, x, width - x, s, Colors_attr(e));
}

static void Dashboard_drawTop(const Ui* ui, WINDOW* w, int y) {
   const Machine* m = ui->machine;
   char buf[64], buf2[64];
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   int x = Dashboard_put(w, y, 0, "leaktop", CLR_TOP);
   x = Dashboard_put(w, y, x, "  MemAvailable ", CLR_DEFAULT);
   if (m->hostMemKnown) {
      Format_size(buf, sizeof(buf), m->memAvailableKiB);
      Format_size(buf2, sizeof(buf2), m->memTotalKiB);
      x = Dashboard_put(w, y, x, buf, CLR_TOP);
      x = Dashboard_put(w, y, x, "/", CLR_DEFAULT);
      x = Dashboard_put(w, y, x, buf2, CLR_DEFAULT);
   } else {
      x = Dashboard_put(w, y, x, "n/a", CLR_UNKNOWN);
   }
   Format_span(buf, sizeof(buf), ui->opts->delay > 0 ? ui->opts->delay : 1);
   x = Dashboard_put(w, y, x, "  tick ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, buf, CLR_TOP);
   Format_span(buf, sizeof(buf), ui->window);
   x = Dashboard_put(w, y, x, "  window ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, buf, CLR_TOP);
   snprintf(buf, sizeof(buf), "%d", Machine_processCount(m));
   x = Dashboard_put(w, y, x, "  procs ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, buf, CLR_TOP);
   x = Dashboard_put(w, y, x, "  traffic ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, Traffic_displayName(m->traffic), CLR_TOP);
   x = Dashboard_put(w, y, x, ui->flatView ? "  flat" : "  tree", CLR_DEFAULT);
   if (ui->filter[0] && !ui->editingFilter) {
      x = Dashboard_put(w, y, x, "  filter ", CLR_DEFAULT);
      Dashboard_put(w, y, x, ui->filter, CLR_FILTER);
   }
}

static void Dashboard_drawTitles(Ui* ui, WINDOW* w, int y) {
   const UiSort* sort = Ui_sort(ui);
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_TITLES));
   for (int i = 0; i < ui->layout.count; i++) {
      ColumnId id = ui->layout.ids[i];
      const Column* c = &Columns_table[id];
      bool sorted = sort->column == (int)id;
      char title[32];
      const char* mark = sort->descending ? ui->glyphs->sortDescending : ui->glyphs->sortAscending;
      if (!sorted)
         snprintf(title, sizeof(title), "%s", c->title);
      else if (c->align == ALIGN_RIGHT)
         snprintf(title, sizeof(title), "%s%s", mark, c->title);
      else
         snprintf(title, sizeof(title), "%s%s", c->title, mark);
      Draw_field(w, y, ui->layout.x[i], ui->layout.width[i], title, c->align,
                 Colors_attr(sorted ? CLR_TITLE_SORTED : CLR_TITLES));
   }
}

ColorElement Dashboard_treeVerdictColor(TreeVerdictLabel label) {
   switch (label) {
   case TREE_ONE_GROWS:
   case TREE_SOME_GROW:
   case TREE_ALL_GROW:
   case TREE_COW_UNSHARING:
      return CLR_WARNING;
   case TREE_WARMING_UP:
      return CLR_UNKNOWN;
   default:
      return CLR_TREE_HEADER;
   }
}

static void Dashboard_drawTreeHeader(const Ui* ui, WINDOW* w, int y, const ProcessTree* t) {
   char buf[64], buf2[64];
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   int x = Dashboard_put(w, y, 0, ui->glyphs->treeHeader, CLR_TREE_HEADER);
   x = Dashboard_put(w, y, x, " ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, t->name[0] ? t->name : "tree", CLR_TREE_HEADER);
   const Process* root = t->count > 0 ? t->procs[0] : NULL;
   if (root) {
      snprintf(buf, sizeof(buf), "  root %d", (int)root->pid);
      x = Dashboard_put(w, y, x, buf, CLR_DEFAULT);
   }
   if (t->rootGone)
      x = Dashboard_put(w, y, x, " (exited)", CLR_WARNING);
   Format_size(buf, sizeof(buf), ProcessTree_totalRss(t));
   x = Dashboard_put(w, y, x, "  RSS ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, buf, CLR_TREE_HEADER);
   if (ui->layout.flags & COLUMN_NEEDS_SMAPS) {
      bool complete = false;
      uint64_t pss = ProcessTree_totalPss(t, &complete);
      x = Dashboard_put(w, y, x, "  PSS ", CLR_DEFAULT);
      if (complete) {
         Format_size(buf, sizeof(buf), pss);
         x = Dashboard_put(w, y, x, buf, CLR_TREE_HEADER);
      } else {
         bool failed = false;
         for (int i = 0; i < t->count; i++)
            failed |= !t->procs[i]->smapsKnown && t->procs[i]->smapsErrno != 0;
         x = Dashboard_put(w, y, x, failed ? "n/a" : "...", CLR_UNKNOWN);
      }
   }
   int workers = ProcessTree_workerCount(t);
   snprintf(buf, sizeof(buf), "  %d worker%s", workers, workers == 1 ? "" : "s");
   x = Dashboard_put(w, y, x, buf, CLR_DEFAULT);

   /* The tree's verdict first after its size: which processes grow. */
   x = Dashboard_put(w, y, x, "  ", CLR_DEFAULT);
   x = Dashboard_put(w, y, x, TreeVerdict_label(t->verdict.label),
                     Dashboard_treeVerdictColor(t->verdict.label));
   if (!isnan(t->verdict.timeToLimit)) {
      Format_ttl(buf, sizeof(buf), t->verdict.timeToLimit);
      x = Dashboard_put(w, y, x, "  limit in ", CLR_DEFAULT);
      x = Dashboard_put(w, y, x, buf, t->verdict.timeToLimit < 3600 ? CLR_WARNING : CLR_GROWING);
   }

   const CgroupStatus* cg = &t->cgroup;
   if (!cg->found) {
      x = Dashboard_put(w, y, x, "  cgroup ", CLR_DEFAULT);
      x = Dashboard_put(w, y, x, "n/a", CLR_UNKNOWN);
   } else if (!cg->limited) {
      x = Dashboard_put(w, y, x, "  no limit", CLR_DEFAULT);
   } else {
      Format_size(buf, sizeof(buf), cg->limitBytes / 1024);
      x = Dashboard_put(w, y, x, "  limit ", CLR_DEFAULT);
      x = Dashboard_put(w, y, x, buf, CLR_TREE_HEADER);
      x = Dashboard_put(w, y, x, " headroom ", CLR_DEFAULT);
      if (cg->currentKnown) {
         uint64_t used = cg->currentBytes;
         uint64_t room = used < cg->limitBytes ? cg->limitBytes - used : 0;
         Format_size(buf2, sizeof(buf2), room / 1024);
         /* Under a tenth of the limit left: the 3 a.m. page is near. */
         x = Dashboard_put(w, y, x, buf2, room < cg->limitBytes / 10 ? CLR_WARNING : CLR_TOP);
      } else {
         x = Dashboard_put(w, y, x, "n/a", CLR_UNKNOWN);
      }
   }
   if (cg->oomKnown && cg->oomKills > 0) {
      snprintf(buf, sizeof(buf), "OOM kills %llu", (unsigned long long)cg->oomKills);
      x = Dashboard_put(w, y, x, "  ", CLR_DEFAULT);
      Dashboard_put(w, y, x, buf, CLR_WARNING);
   }
}

static void Dashboard_drawExited(const Ui* ui, WINDOW* w, int y, const ProcessTree* t) {
   char buf[160], life[16], peak[16];
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   snprintf(buf, sizeof(buf), "  exited (%u):", t->exitedTotal);
   int x = Dashboard_put(w, y, 0, buf, CLR_EXITED);
   for (int age = 0; age < t->exitedKept; age++) {
      const ExitedProcess* e = ProcessTree_exited(t, age);
      if (!e)
         break;
      Format_age(life, sizeof(life), e->lifetime);
      Format_size(peak, sizeof(peak), e->peakRssKiB);
      snprintf(buf, sizeof(buf), "%s %d lived %s peak %s %s", age ? ";" : "", (int)e->pid, life,
               e->peakRssKiB ? peak : "n/a", e->how);
      x = Dashboard_put(w, y, x, buf, CLR_EXITED);
   }
   (void)ui;
}

static void Dashboard_drawProcess(const Ui* ui, WINDOW* w, int y, const UiRow* row, bool selected) {
   const Process* p = row->proc;
   ColumnContext ctx;
   Dashboard_treeContext(ui, row->tree, &ctx);
   int lineAttr = Colors_attr(selected ? CLR_SELECTED : CLR_DEFAULT);
   Draw_fill(w, y, 0, -1, lineAttr);
   char buf[1024];
   for (int i = 0; i < ui->layout.count; i++) {
      ColumnId id = ui->layout.ids[i];
      const Column* c = &Columns_table[id];
      int x = ui->layout.x[i], width = ui->layout.width[i];
      if (id == COL_COMMAND && !ui->flatView && row->depth > 0) {
         /* Tree glyphs in front of the command, as htop draws them. */
         for (int d = 1; d < row->depth && width > 0; d++) {
            const char* g =
                  (row->moreBelow & (1u << d)) ? ui->glyphs->treeVertical : ui->glyphs->treeSpace;
            int n = Draw_text(w, y, x, width, g, selected ? lineAttr : Colors_attr(CLR_AXIS));
            x += n;
            width -= n;
         }
         const char* g = row->lastChild ? ui->glyphs->treeLast : ui->glyphs->treeBranch;
         int n = Draw_text(w, y, x, width, g, selected ? lineAttr : Colors_attr(CLR_AXIS));
         x += n;
         width -= n;
      }
      if (width <= 0)
         continue;
      ctx.width = width;
      ColorElement e = c->format(p, &ctx, buf, sizeof(buf));
      Draw_field(w, y, x, width, buf, c->align, selected ? lineAttr : Colors_attr(e));
   }
}

static void Dashboard_drawStatus(const Ui* ui, WINDOW* w, int y) {
   const char* hints = "F1 help  / filter  s sort  t tree  c columns  T traffic  q quit";
   if (ui->editingFilter) {
      Draw_fill(w, y, 0, -1, Colors_attr(CLR_STATUS));
      int x = Dashboard_put(w, y, 0, "Filter: ", CLR_STATUS);
      x = Dashboard_put(w, y, x, ui->filter, CLR_FILTER);
      x = Dashboard_put(w, y, x, "_", CLR_FILTER);
      Dashboard_put(w, y, x, "  Enter apply  Esc clear", CLR_STATUS);
      return;
   }
   const char* note = Ui_note(ui);
   Draw_status(w, y, note, hints, Colors_attr(CLR_STATUS));
}

void Dashboard_draw(Ui* ui, WINDOW* w) {
   int lines, cols;
   getmaxyx(w, lines, cols);
   Dashboard_layout(ui, cols);
   Dashboard_buildRows(ui);

   /* Drop the chrome before the body when the terminal is tiny. */
   bool hasStatus = lines >= 2;
   bool hasTitles = lines >= 3;
   bool hasTop = lines >= 4;
   int y = 0;
   if (hasTop)
      Dashboard_drawTop(ui, w, y++);
   if (hasTitles)
      Dashboard_drawTitles(ui, w, y++);
   ui->bodyTop = y;
   ui->bodyHeight = lines - y - (hasStatus ? 1 : 0);
   if (ui->bodyHeight < 0)
      ui->bodyHeight = 0;
   Dashboard_scrollToSelection(ui);

   for (int i = 0; i < ui->bodyHeight; i++) {
      int r = ui->scroll + i;
      int line = ui->bodyTop + i;
      if (r >= ui->rowCount)
         break;
      const UiRow* row = &ui->rows[r];
      switch (row->kind) {
      case ROW_TREE_HEADER:
         Dashboard_drawTreeHeader(ui, w, line, ui->machine->trees[row->tree]);
         break;
      case ROW_EXITED:
         Dashboard_drawExited(ui, w, line, ui->machine->trees[row->tree]);
         break;
      case ROW_PROCESS:
         Dashboard_drawProcess(ui, w, line, row, r == ui->selected);
         break;
      case ROW_MESSAGE:
         Dashboard_put(w, line, 0, "No Python service found yet; still looking.", CLR_UNKNOWN);
         break;
      }
   }
   if (hasStatus)
      Dashboard_drawStatus(ui, w, lines - 1);
}

/* ---- the filter field ---------------------------------------------------------- */

static Reaction Dashboard_clearField(Ui* ui, int key) {
   (void)key;
   ui->filter[0] = '\0';
   ui->editingFilter = false;
   return REACT_REDRAW;
}

static Reaction Dashboard_applyField(Ui* ui, int key) {
   (void)key;
   ui->editingFilter = false;
   return REACT_REDRAW;
}

static Reaction Dashboard_eraseInField(Ui* ui, int key) {
   (void)key;
   size_t len = strlen(ui->filter);
   if (len > 0)
      ui->filter[len - 1] = '\0';
   return REACT_REDRAW;
}

static Reaction Dashboard_typeInField(Ui* ui, int key) {
   size_t len = strlen(ui->filter);
   /* ASCII only: what a PID, a program name or a path is typed with. */
   if (key < 32 || key >= 127 || len + 1 >= sizeof(ui->filter))
      return REACT_NONE;
   ui->filter[len] = (char)key;
   ui->filter[len + 1] = '\0';
   return REACT_REDRAW;
}

static const KeyBinding Dashboard_filterBindings[] = {
      {KEY_ESC, NULL, NULL, Dashboard_clearField},
      {'\n', NULL, NULL, Dashboard_applyField},
      {'\r', NULL, NULL, Dashboard_applyField},
      {KEY_ENTER, NULL, NULL, Dashboard_applyField},
      {KEY_BACKSPACE, NULL, NULL, Dashboard_eraseInField},
      {127, NULL, NULL, Dashboard_eraseInField},
      {8, NULL, NULL, Dashboard_eraseInField},
      {KEY_RESIZE, NULL, NULL, Action_redraw},
};
const KeyTable Dashboard_filterKeys = {
      Dashboard_filterBindings, KEY_TABLE_COUNT(Dashboard_filterBindings), Dashboard_typeInField};
