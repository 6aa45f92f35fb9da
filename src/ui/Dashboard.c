#include "config.h"

#include "ui/Dashboard.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ProcessTree.h"
#include "traffic/Traffic.h"
#include "ui/Colors.h"
#include "ui/Columns.h"
#include "ui/DashboardState.h"
#include "ui/Draw.h"
#include "ui/ReplayControl.h"
#include "util/Format.h"
#include "util/XUtils.h"

Dashboard* Dashboard_of(const UiView* super) {
   assert(super->klass == &Dashboard_class);
   return super->data;
}

DashboardSort* Dashboard_sort(Dashboard* this) {
   return this->flatView ? &this->flatSort : &this->treeSort;
}

/* Chooses the visible columns for a screen cols wide. */
static void Dashboard_chooseColumns(const Dashboard* this, const Ui* ui, int cols,
                                    ColumnLayout* out) {
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
   /* The VERDICT column widens for what snapshots and fds or threads add
      ("+native", "+fds"). */
   for (int t = 0; t < m->treeCount; t++) {
      for (int i = 0; i < m->trees[t]->count; i++) {
         const Process* p = m->trees[t]->procs[i];
         if (!p->snapshots && !ResourceGrowth_any(&p->resources))
            continue;
         char cell[64];
         Columns_workerVerdict(p, cell, sizeof(cell));
         int w = (int)strlen(cell);
         if (w > widths[COL_VERDICT])
            widths[COL_VERDICT] = w;
      }
   }
   Columns_layout(&Columns_sets[this->columnSet], cols, widths, out);
}

static void Dashboard_buildRows(Dashboard* this, const Ui* ui) {
   DashboardRows_build(&this->rows, ui, this->flatView, Dashboard_sort(this), this->filter.text);
}

void Dashboard_move(UiView* super, int delta) {
   DashboardRows_move(&Dashboard_of(super)->rows, delta);
}

Process* Dashboard_selection(const UiView* super) {
   return DashboardRows_selection(&Dashboard_of(super)->rows);
}

int Dashboard_page(const UiView* super) {
   const Dashboard* this = Dashboard_of(super);
   return this->bodyHeight > 1 ? this->bodyHeight - 1 : 1;
}

/* ---- drawing -------------------------------------------------------------------- */

/* Writes s and returns the x after it, stopping at the right edge. */
static int Dashboard_put(WINDOW* w, int y, int x, const char* s, ColorElement e) {
   int width = getmaxx(w);
   if (x >= width)
      return x;
   return x + Draw_text(w, y, x, width - x, s, Colors_attr(e));
}

static void Dashboard_drawTop(const Dashboard* this, const Ui* ui, WINDOW* w, int y) {
   const Machine* m = ui->machine;
   char buf[64], buf2[64];
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   int x;
   if (ui->replay) {
      /* Recorded data first of all: no one takes it for the live host. */
      char head[96];
      ReplayControl_header(ui, head, sizeof(head));
      x = Dashboard_put(w, y, 0, head, CLR_WARNING);
   } else {
      x = Dashboard_put(w, y, 0, "leaktop", CLR_TOP);
   }
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
   x = Dashboard_put(w, y, x, this->flatView ? "  flat" : "  tree", CLR_DEFAULT);
   if (this->filter.text[0] && !this->editingFilter) {
      x = Dashboard_put(w, y, x, "  filter ", CLR_DEFAULT);
      Dashboard_put(w, y, x, this->filter.text, CLR_FILTER);
   }
}

static void Dashboard_drawTitles(const Dashboard* this, const Ui* ui, WINDOW* w, int y) {
   const DashboardSort* sort = this->flatView ? &this->flatSort : &this->treeSort;
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_TITLES));
   for (int i = 0; i < this->layout.count; i++) {
      ColumnId id = this->layout.ids[i];
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
      Draw_field(w, y, this->layout.x[i], this->layout.width[i], title, c->align,
                 Colors_attr(sorted ? CLR_TITLE_SORTED : CLR_TITLES));
   }
}

static ColorElement Dashboard_treeVerdictColor(TreeVerdictLabel label) {
   switch (label) {
   case TREE_ONE_GROWS:
   case TREE_SOME_GROW:
   case TREE_ALL_GROW:
   case TREE_COW_UNSHARING:
   case TREE_RECYCLED_TRAFFIC:
   case TREE_RECYCLED_TIME:
      return CLR_WARNING;
   case TREE_WARMING_UP:
      return CLR_UNKNOWN;
   default:
      return CLR_TREE_HEADER;
   }
}

/* The tree's cgroup: its limit and the headroom left, and its OOM kills. */
static void Dashboard_drawCgroup(WINDOW* w, int y, int x, const CgroupStatus* cg) {
   char buf[64], buf2[64];
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

static void Dashboard_drawTreeHeader(const Dashboard* this, const Ui* ui, WINDOW* w, int y,
                                     const ProcessTree* t) {
   char buf[64];
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
   if (this->layout.flags & COLUMN_NEEDS_SMAPS) {
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

   Dashboard_drawCgroup(w, y, x, &t->cgroup);
}

static void Dashboard_drawExited(WINDOW* w, int y, const ProcessTree* t) {
   char buf[256], life[16], peak[16];
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   /* Recycling is routine, crashes and OOM kills are not: counted apart. */
   const EndCounts* n = &t->ends;
   int len = snprintf(buf, sizeof(buf), "  exited %u: %u recycled, %u crashed, %u OOM-killed",
                      t->exitedTotal, n->recycles, n->crashes, n->oomKills);
   if (n->unknown > 0 && len > 0 && (size_t)len < sizeof(buf))
      snprintf(buf + len, sizeof(buf) - (size_t)len, ", %u status unseen", n->unknown);
   int x = Dashboard_put(w, y, 0, buf, n->crashes + n->oomKills > 0 ? CLR_WARNING : CLR_EXITED);
   x = Dashboard_put(w, y, x, " --", CLR_EXITED);
   for (int age = 0; age < t->exitedKept; age++) {
      const ExitedProcess* e = ProcessTree_exited(t, age);
      if (!e)
         break;
      Format_age(life, sizeof(life), e->lifetime);
      Format_size(peak, sizeof(peak), e->peakRssKiB);
      char slot[24] = "";
      if (e->slot)
         snprintf(slot, sizeof(slot), " slot %u", e->slot);
      snprintf(buf, sizeof(buf), "%s %d%s lived %s peak %s %s", age ? ";" : "", (int)e->pid, slot,
               life, e->peakRssKiB ? peak : "n/a", e->how);
      x = Dashboard_put(w, y, x, buf, CLR_EXITED);
   }
}

static void Dashboard_drawProcess(const Dashboard* this, const Ui* ui, WINDOW* w, int y,
                                  const DashboardRow* row, bool selected) {
   const Process* p = row->proc;
   ColumnContext ctx;
   Ui_columnContext(ui, row->tree, &ctx);
   int lineAttr = Colors_attr(selected ? CLR_SELECTED : CLR_DEFAULT);
   Draw_fill(w, y, 0, -1, lineAttr);
   char buf[1024];
   for (int i = 0; i < this->layout.count; i++) {
      ColumnId id = this->layout.ids[i];
      const Column* c = &Columns_table[id];
      int x = this->layout.x[i], width = this->layout.width[i];
      if (id == COL_COMMAND && !this->flatView && row->depth > 0) {
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

static void Dashboard_drawStatus(const Dashboard* this, const Ui* ui, WINDOW* w, int y) {
   const char* hints = ui->replay
                             ? "F1 help  t/T tick  [/] event  b time  Space play  q quit"
                             : "F1 help  / filter  s sort  t tree  c columns  T traffic  q quit";
   if (this->editingFilter) {
      LineField_draw(&this->filter, w, y, "Filter: ", "  Enter apply  Esc clear");
      return;
   }
   const char* note = Ui_note(ui);
   Draw_status(w, y, note, hints, Colors_attr(CLR_STATUS));
}

static void Dashboard_draw(UiView* super, Ui* ui, WINDOW* w) {
   Dashboard* this = Dashboard_of(super);
   int lines, cols;
   getmaxyx(w, lines, cols);
   Dashboard_chooseColumns(this, ui, cols, &this->layout);
   Dashboard_buildRows(this, ui);

   /* Drop the chrome before the body when the terminal is tiny. */
   bool hasStatus = lines >= 2;
   bool hasTitles = lines >= 3;
   bool hasTop = lines >= 4;
   int y = 0;
   if (hasTop)
      Dashboard_drawTop(this, ui, w, y++);
   if (hasTitles)
      Dashboard_drawTitles(this, ui, w, y++);
   this->bodyTop = y;
   this->bodyHeight = lines - y - (hasStatus ? 1 : 0);
   if (this->bodyHeight < 0)
      this->bodyHeight = 0;
   DashboardRows* rows = &this->rows;
   DashboardRows_scrollToSelection(rows, this->bodyHeight);

   for (int i = 0; i < this->bodyHeight; i++) {
      int r = rows->scroll + i;
      int line = this->bodyTop + i;
      if (r >= rows->count)
         break;
      const DashboardRow* row = &rows->rows[r];
      switch (row->kind) {
      case ROW_TREE_HEADER:
         Dashboard_drawTreeHeader(this, ui, w, line, ui->machine->trees[row->tree]);
         break;
      case ROW_EXITED:
         Dashboard_drawExited(w, line, ui->machine->trees[row->tree]);
         break;
      case ROW_PROCESS:
         Dashboard_drawProcess(this, ui, w, line, row, r == rows->selected);
         break;
      case ROW_MESSAGE:
         Dashboard_put(w, line, 0, "No Python service found yet; still looking.", CLR_UNKNOWN);
         break;
      }
   }
   if (hasStatus)
      Dashboard_drawStatus(this, ui, w, lines - 1);
}

/* ---- the view ------------------------------------------------------------------ */

static void* Dashboard_open(Ui* ui, pid_t pid, unsigned long long start) {
   (void)pid;
   (void)start;
   const Options* opts = ui->opts;
   Dashboard* this = xCalloc(1, sizeof(Dashboard));
   DashboardRows_init(&this->rows);
   this->flatView = opts->flatView;
   /* Flat: the fastest grower on top. Tree: the tree's own order. */
   this->flatSort = (DashboardSort){COL_GROWTH, true};
   this->treeSort = (DashboardSort){-1, false};
   if (opts->sortColumn) {
      int id = Columns_byName(opts->sortColumn);
      if (id >= 0) {
         DashboardSort chosen = {id, Columns_table[id].descendingFirst};
         this->flatSort = this->treeSort = chosen;
      } else {
         snprintf(ui->message, sizeof(ui->message), "unknown sort column '%.40s'",
                  opts->sortColumn);
      }
   }
   return this;
}

static void Dashboard_close(void* data) {
   Dashboard* this = data;
   DashboardRows_done(&this->rows);
   free(this);
}

/* What the visible columns read, at the width the dashboard is drawn at,
   whichever view covers it. */
static unsigned Dashboard_costFlags(const UiView* super, const Ui* ui) {
   ColumnLayout layout;
   Dashboard_chooseColumns(Dashboard_of(super), ui, COLS, &layout);
   return layout.flags;
}

static Process* Dashboard_current(const UiView* super, const Ui* ui) {
   (void)ui;
   return Dashboard_selection(super);
}

/* The rows point into the processes of the last scan. */
static void Dashboard_scanned(UiView* super, Ui* ui) {
   Dashboard_buildRows(Dashboard_of(super), ui);
}

const UiViewClass Dashboard_class = {
      .name = "Dashboard",
      .keys = &Dashboard_keys,
      .modalKeys = Dashboard_modalKeys,
      .open = Dashboard_open,
      .close = Dashboard_close,
      .draw = Dashboard_draw,
      .costFlags = Dashboard_costFlags,
      .current = Dashboard_current,
      .scanned = Dashboard_scanned,
};
