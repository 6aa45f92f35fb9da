#include "config.h"

#include "ui/DetailView.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify/Runbook.h"
#include "classify/WorkerVerdict.h"
#include "model/ProcessTree.h"
#include "traffic/Traffic.h"
#include "ui/Action.h"
#include "ui/Colors.h"
#include "ui/Dashboard.h"
#include "ui/DetailChart.h"
#include "ui/Draw.h"
#include "ui/ReplayControl.h"
#include "ui/SnapshotPane.h"
#include "util/Format.h"
#include "util/XUtils.h"

#define DETAIL_VERDICT_LINES 5

typedef struct DetailView {
   pid_t pid;
   unsigned long long start;
   double span;   /* seconds the chart shows */
   bool showPane; /* the snapshot pane instead of the chart */
   SnapshotPane pane;
} DetailView;

static const double DetailView_spans[] = {60, 300, 900, 3600, 21600, 86400};

/* The chart span the zoom keys step to: the next (dir > 0) or previous one. */
static double DetailView_zoomSpan(double span, int dir) {
   int n = (int)(sizeof(DetailView_spans) / sizeof(DetailView_spans[0]));
   if (dir > 0) {
      for (int i = 0; i < n; i++)
         if (DetailView_spans[i] > span + 0.5)
            return DetailView_spans[i];
      return DetailView_spans[n - 1];
   }
   for (int i = n - 1; i >= 0; i--)
      if (DetailView_spans[i] < span - 0.5)
         return DetailView_spans[i];
   return DetailView_spans[0];
}

/* A line builder: pieces of text with their own looks, left to right. */
typedef struct DetailLine {
   WINDOW* w;
   int y, x, width;
} DetailLine;

static void DetailLine_put(DetailLine* l, const char* s, ColorElement e) {
   if (l->x < l->width)
      l->x += Draw_text(l->w, l->y, l->x, l->width - l->x, s, Colors_attr(e));
}

static void DetailLine_size(DetailLine* l, const char* label, bool known, uint64_t kib,
                            const char* unknown) {
   char buf[32];
   DetailLine_put(l, label, CLR_DEFAULT);
   if (!known) {
      DetailLine_put(l, unknown, CLR_UNKNOWN);
      return;
   }
   Format_size(buf, sizeof(buf), kib);
   DetailLine_put(l, buf, CLR_TOP);
}

/* text after label, continued over up to maxLines lines indented as far as
   label; returns the line after the last one written. */
static int DetailView_wrap(WINDOW* w, int y, int bottom, int maxLines, const char* label,
                           const char* text, ColorElement e) {
   int width = getmaxx(w);
   int indent = Draw_width(label);
   for (int i = 0; i < maxLines && y < bottom && *text; i++, y++) {
      Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
      int x = i == 0 ? Draw_text(w, y, 0, width, label, Colors_attr(CLR_DEFAULT)) : indent;
      int room = width - x;
      if (room <= 0)
         break;
      Draw_text(w, y, x, room, text, Colors_attr(e));
      /* Advance by the characters that fitted. */
      int cols = 0;
      while (*text) {
         char one[8] = {0};
         size_t n = 1;
         while (n < sizeof(one) - 1 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n++;
         memcpy(one, text, n);
         int cw = Draw_width(one);
         if (cols + cw > room)
            break;
         cols += cw;
         text += n;
      }
   }
   return y;
}

/* ---- sections ------------------------------------------------------------ */

/* PID, role, name, generation, state and age; then the command line. */
static int DetailView_drawIdentity(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p) {
   char buf[96];
   DetailLine l = {w, y, 0, getmaxx(w)};
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   snprintf(buf, sizeof(buf), "PID %d", (int)p->pid);
   DetailLine_put(&l, buf, CLR_TOP);
   DetailLine_put(&l, "  ", CLR_DEFAULT);
   DetailLine_put(&l, Process_roleName(p->role), p->role == ROLE_MASTER ? CLR_MASTER : CLR_TOP);
   char slot[24] = "";
   if (p->slot)
      snprintf(slot, sizeof(slot), "  slot %u", p->slot);
   snprintf(buf, sizeof(buf), "  %s%s  generation %u  state %c  age ", p->name, slot, p->generation,
            p->state ? p->state : '?');
   DetailLine_put(&l, buf, CLR_DEFAULT);
   Format_age(buf, sizeof(buf), p->startEpoch > 0 ? Process_age(p, ui->machine->wallNow) : NAN);
   DetailLine_put(&l, buf, CLR_TOP);
   y++;
   /* The command line wraps over up to three lines when there is room. */
   return DetailView_wrap(w, y, bottom, bottom - y > 12 ? 3 : 1, "cmd ",
                          p->cmdline[0] ? p->cmdline : "(no command line)", CLR_DEFAULT);
}

/* RSS and its parts, then what smaps_rollup adds; a line each while there is room. */
static int DetailView_drawSizes(WINDOW* w, int y, int bottom, const Process* p) {
   int width = getmaxx(w);
   DetailLine l;
   if (y < bottom) {
      l = (DetailLine){w, y++, 0, width};
      Draw_fill(w, l.y, 0, -1, Colors_attr(CLR_DEFAULT));
      DetailLine_size(&l, "RSS ", p->memKnown, p->rssKiB, "n/a");
      DetailLine_size(&l, " (anon ", p->memKnown, p->anonKiB, "n/a");
      DetailLine_size(&l, " file ", p->memKnown, p->fileKiB, "n/a");
      DetailLine_size(&l, " shmem ", p->memKnown, p->shmemKiB, "n/a");
      DetailLine_size(&l, ")  peak ", p->peakRssKiB > 0, p->peakRssKiB, "n/a");
   }
   if (y < bottom) {
      const char* smaps = p->smapsErrno == 0 ? "..." : "n/a";
      l = (DetailLine){w, y++, 0, width};
      Draw_fill(w, l.y, 0, -1, Colors_attr(CLR_DEFAULT));
      DetailLine_size(&l, "PSS ", p->smapsKnown, p->pssKiB, smaps);
      DetailLine_size(&l, "  USS ", p->smapsKnown, p->ussKiB, smaps);
      DetailLine_size(&l, "  swap ", p->smapsKnown, p->swapKiB, smaps);
      if (!p->smapsKnown && p->smapsErrno != 0) {
         char buf[96];
         snprintf(buf, sizeof(buf), "  (smaps_rollup: %s)", strerror(p->smapsErrno));
         DetailLine_put(&l, buf, CLR_UNKNOWN);
      }
   }
   return y;
}

/* CPU, growth over the window and context switches on one line. */
static int DetailView_drawActivity(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p) {
   if (y >= bottom)
      return y;
   char buf[96], span[16];
   DetailLine l = {w, y, 0, getmaxx(w)};
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   DetailLine_put(&l, "CPU ", CLR_DEFAULT);
   if (p->cpuKnown) {
      Format_percent(buf, sizeof(buf), p->cpuPercent);
      DetailLine_put(&l, buf, CLR_TOP);
      DetailLine_put(&l, "%", CLR_DEFAULT);
   } else {
      DetailLine_put(&l, "n/a", CLR_UNKNOWN);
   }
   double g = Process_growthPerMinute(p, ui->window);
   Format_span(span, sizeof(span), ui->window);
   DetailLine_put(&l, "  growth ", CLR_DEFAULT);
   Format_growth(buf, sizeof(buf), g);
   DetailLine_put(&l, buf, isnan(g) ? CLR_UNKNOWN : g >= 0.5 ? CLR_GROWING : CLR_TOP);
   snprintf(buf, sizeof(buf), "/min over %s", span);
   DetailLine_put(&l, buf, CLR_DEFAULT);
   DetailLine_put(&l, "  ctx switches ", CLR_DEFAULT);
   if (p->ctxKnown) {
      snprintf(buf, sizeof(buf), "%llu vol %llu invol", (unsigned long long)p->ctxVoluntary,
               (unsigned long long)p->ctxInvoluntary);
      DetailLine_put(&l, buf, CLR_TOP);
   } else {
      DetailLine_put(&l, "...", CLR_UNKNOWN);
   }
   return y + 1;
}

/* A count and its change over the window: "312 (+120)". */
static void DetailView_putCount(DetailLine* l, const Ui* ui, const Process* p, ResourceSeries s,
                                bool known, uint32_t value) {
   char buf[48];
   if (!known) {
      DetailLine_put(l, "n/a", CLR_UNKNOWN);
      return;
   }
   int64_t change;
   if (ResourceGrowth_change(&p->resources, s, ui->machine->now, ui->window, &change))
      snprintf(buf, sizeof(buf), "%u (%+lld)", (unsigned)value, (long long)change);
   else
      snprintf(buf, sizeof(buf), "%u", (unsigned)value);
   DetailLine_put(l, buf, p->resources.grows[s] ? CLR_WARNING : CLR_TOP);
}

/* Open fds by kind (the sockets with their TCP states), the fd limit and
   the time to it, and threads; then, when they grow, what and the step. */
static int DetailView_drawResources(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p) {
   if (y >= bottom)
      return y;
   char buf[64];
   DetailLine l = {w, y++, 0, getmaxx(w)};
   Draw_fill(w, l.y, 0, -1, Colors_attr(CLR_DEFAULT));
   DetailLine_put(&l, "fds ", CLR_DEFAULT);
   DetailView_putCount(&l, ui, p, RESOURCE_FDS, p->fdKnown, p->fds);
   const FdSample* k = &p->fdKinds;
   for (int c = 0; k->known && c < FD_CLASS_COUNT; c++) {
      if (k->classes[c] == 0)
         continue;
      snprintf(buf, sizeof(buf), "  %s %u", FdProbe_className((FdClass)c), k->classes[c]);
      DetailLine_put(&l, buf, CLR_DEFAULT);
      for (unsigned s = 1; c == FD_CLASS_TCP && s < PROC_TCP_STATES; s++) {
         if (k->tcpStates[s] == 0)
            continue;
         snprintf(buf, sizeof(buf), " %s %u", FdProbe_tcpStateName(s), k->tcpStates[s]);
         DetailLine_put(&l, buf, s == PROC_TCP_CLOSE_WAIT ? CLR_WARNING : CLR_DEFAULT);
      }
   }
   if (p->fdLimitKnown) {
      snprintf(buf, sizeof(buf), "  limit %llu", (unsigned long long)p->fdLimit);
      DetailLine_put(&l, buf, CLR_DEFAULT);
      double seconds = ResourceGrowth_secondsToLimit(&p->resources, p->fdLimit);
      if (!isnan(seconds)) {
         char ttl[16];
         Format_ttl(ttl, sizeof(ttl), seconds);
         snprintf(buf, sizeof(buf), " in %s", ttl);
         DetailLine_put(&l, buf, CLR_WARNING);
      }
   }
   DetailLine_put(&l, "  threads ", CLR_DEFAULT);
   DetailView_putCount(&l, ui, p, RESOURCE_THREADS, p->threads > 0, p->threads);
   const char* step = Runbook_resourceStep(&p->resources);
   if (!step)
      return y;
   char text[400], grows[96];
   ResourceGrowth_describe(&p->resources, grows, sizeof(grows));
   snprintf(text, sizeof(text), "%s; next: %s", grows, step);
   return DetailView_wrap(w, y, bottom, 2, "", text, CLR_WARNING);
}

static int DetailView_drawHeader(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p) {
   if (y >= bottom)
      return y;
   y = DetailView_drawIdentity(ui, w, y, bottom, p);
   y = DetailView_drawSizes(w, y, bottom, p);
   y = DetailView_drawActivity(ui, w, y, bottom, p);
   return DetailView_drawResources(ui, w, y, bottom, p);
}

/* What each glyph of the chart stands for, every series named with its scale. */
static void DetailView_drawLegend(const Ui* ui, WINDOW* w, int y, bool trafficKnown) {
   const Glyphs* g = ui->glyphs;
   const TrafficSource* traffic = ui->machine->traffic;
   char buf[96];
   DetailLine l = {w, y, 0, getmaxx(w)};
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   DetailLine_put(&l, g->bar[g->barLevels - 1], CLR_CHART_BAR);
   DetailLine_put(&l, " RSS ", CLR_DEFAULT);
   DetailLine_put(&l, g->ussPoint, CLR_CHART_USS);
   DetailLine_put(&l, " USS ", CLR_DEFAULT);
   DetailLine_put(&l, g->pssPoint, CLR_CHART_PSS);
   DetailLine_put(&l, " PSS (left, bytes)  ", CLR_DEFAULT);
   DetailLine_put(&l, g->trafficPoint, CLR_CHART_TRAFFIC);
   snprintf(buf, sizeof(buf), " traffic: %s, %s/s (right)%s  ", Traffic_displayName(traffic),
            Traffic_unit(traffic), trafficKnown ? "" : " none yet");
   DetailLine_put(&l, buf, CLR_DEFAULT);
   DetailLine_put(&l, g->idleShade, CLR_CHART_IDLE);
   DetailLine_put(&l, " idle  ", CLR_DEFAULT);
   DetailLine_put(&l, g->band, CLR_CHART_BAND);
   DetailLine_put(&l, " RSS max", CLR_DEFAULT);
}

/* The title with the marks the time axis may carry, then the legend. */
static void DetailView_drawChartTitle(const Ui* ui, WINDOW* w, int y, const Process* p,
                                      const WorkerSlot* slot, const DeployWatch* deploys,
                                      const DetailChart* c) {
   const Glyphs* g = ui->glyphs;
   char buf[96], span[16], step[16], whose[48] = "RSS";
   Format_span(span, sizeof(span), c->span);
   Format_span(step, sizeof(step), p->rssHistory.tiers[c->tier].step);
   if (slot && slot->doneCount > 0)
      snprintf(whose, sizeof(whose), "RSS of slot %u across generations", slot->number);
   snprintf(buf, sizeof(buf), "%s and traffic, last %s (%s buckets)  ", whose, span, step);
   DetailLine l = {w, y, 0, getmaxx(w)};
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   DetailLine_put(&l, buf, CLR_TOP);
   DetailLine_put(&l, g->spikeMark, CLR_CHART_MARK);
   DetailLine_put(&l, " spike  ", CLR_DEFAULT);
   DetailLine_put(&l, g->verdictMark, CLR_CHART_MARK);
   DetailLine_put(&l, " verdict changed  ", CLR_DEFAULT);
   if (slot && slot->doneCount > 0) {
      DetailLine_put(&l, g->recycleMark, CLR_CHART_MARK);
      DetailLine_put(&l, " replaced  ", CLR_DEFAULT);
   }
   if (p->snapshots && p->snapshots->markCount > 0) {
      DetailLine_put(&l, g->snapshotMark, CLR_CHART_MARK);
      DetailLine_put(&l, " snapshot  Tab shows it  ", CLR_DEFAULT);
   }
   if (deploys && deploys->kept > 0) {
      DetailLine_put(&l, g->deployMark, CLR_CHART_MARK);
      DetailLine_put(&l, " new code  ", CLR_DEFAULT);
   }
   DetailLine_put(&l, "+/- zoom", CLR_DEFAULT);
   DetailView_drawLegend(ui, w, y + 1, !isnan(c->top));
}

/* The slot's lineage on one line: its generations' ends, and what they
   say together (classify/RecycleVerdict.h). */
static int DetailView_drawSlot(const Ui* ui, WINDOW* w, int y, const WorkerSlot* slot) {
   char buf[RECYCLE_EVIDENCE_SIZE + 64];
   DetailLine l = {w, y, 0, getmaxx(w)};
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   const EndCounts* n = &slot->ends;
   snprintf(buf, sizeof(buf), "slot %u: %u recycled, %u crashed, %u OOM-killed", slot->number,
            n->recycles, n->crashes, n->oomKills);
   DetailLine_put(&l, buf, n->crashes + n->oomKills > 0 ? CLR_WARNING : CLR_DEFAULT);
   if (n->unknown > 0) {
      snprintf(buf, sizeof(buf), ", %u status unseen", n->unknown);
      DetailLine_put(&l, buf, CLR_DEFAULT);
   }
   if (slot->verdict.label != RECYCLE_NONE) {
      DetailLine_put(&l, "  ", CLR_DEFAULT);
      DetailLine_put(&l, RecycleVerdict_label(slot->verdict.label), CLR_WARNING);
      snprintf(buf, sizeof(buf), ": %s", slot->verdict.evidence);
      DetailLine_put(&l, buf, CLR_DEFAULT);
   } else if (slot->doneCount > 0) {
      const char* unit = Traffic_unit(ui->machine->traffic);
      const GenerationRecord* last = WorkerSlot_generation(slot, 0);
      char growth[16], life[16];
      Format_growth(growth, sizeof(growth), last->totalGrowthKiB);
      Format_age(life, sizeof(life), last->lifetime);
      char units[16];
      Format_count(units, sizeof(units), last->totalUnits);
      snprintf(buf, sizeof(buf), "  last generation %s over %s %s in %s", growth, units, unit,
               life);
      DetailLine_put(&l, buf, CLR_DEFAULT);
   }
   return y + 1;
}

/* The chart (DetailChart.h) under its title and legend; returns the line
   after it, y when it does not fit. */
static int DetailView_drawChart(const DetailView* this, const Ui* ui, WINDOW* w, int y, int bottom,
                                const Process* p, int tree, const WorkerSlot* slot) {
   static DetailChart chart;
   if (!DetailChart_fill(&chart, ui->machine, ui->glyphs, p, slot, this->span, getmaxx(w),
                         bottom - y))
      return y;
   const DeployWatch* deploys = tree >= 0 ? &ui->machine->trees[tree]->deploy : NULL;
   DetailView_drawChartTitle(ui, w, y, p, slot, deploys, &chart);
   DetailChart_drawRows(&chart, ui->glyphs, w, y + 2);
   DetailChart_drawTimeAxis(&chart, ui->glyphs, w, y + 2 + chart.height, p, deploys,
                            ui->machine->now);
   return y + 2 + chart.height + 2;
}

/* One "label value" pair of the evidence lines. */
static void DetailView_estimate(DetailLine* l, const Ui* ui, const char* label, double value,
                                double stderrKiB) {
   char buf[48];
   Format_estimate(buf, sizeof(buf), value, stderrKiB, ui->glyphs->plusMinus);
   DetailLine_put(l, label, CLR_DEFAULT);
   DetailLine_put(l, buf, isnan(value) ? CLR_UNKNOWN : CLR_TOP);
}

/* Whether p's growth began after the newest deploy of its tree: " began
   after new code at 14:02". */
static void DetailView_putDeploy(DetailLine* l, const Ui* ui, const Process* p, int tree) {
   const DeployWatch* w = tree >= 0 ? &ui->machine->trees[tree]->deploy : NULL;
   const DeployEvent* d = w ? DeployWatch_event(w, 0) : NULL;
   if (!d)
      return;
   DeployTiming timing = DeployWatch_growthTiming(&p->growth, DeployWatch_monotonic(w, d->wall));
   if (timing == DEPLOY_GROWTH_UNKNOWN)
      return;
   char when[16], buf[64];
   time_t t = (time_t)d->wall;
   struct tm tm;
   strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&t, &tm));
   snprintf(buf, sizeof(buf), "%s new code at %s",
            timing == DEPLOY_GROWTH_AFTER ? "began after" : "under way before", when);
   DetailLine_put(l, "  growth ", CLR_DEFAULT);
   DetailLine_put(l, buf, CLR_TOP);
}

/* The verdict, what it rests on, the runbook's next step, the time to the limit. */
static int DetailView_drawVerdict(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p,
                                  int tree) {
   const GrowthClassifier* gc = &p->growth;
   const GrowthEvidence* e = &gc->evidence;
   int width = getmaxx(w);
   char buf[96];
   if (y >= bottom)
      return y;
   DetailLine l = {w, y++, 0, width};
   Draw_fill(w, l.y, 0, -1, Colors_attr(CLR_DEFAULT));
   DetailLine_put(&l, "verdict ", CLR_DEFAULT);
   char label[64];
   Classifier_describe(gc, label, (int)sizeof(label));
   SnapshotVerdict heap = ProcessSnapshots_verdict(p->snapshots);
   WorkerVerdict_compose(label, heap, false, buf, sizeof(buf));
   DetailLine_put(&l, buf, Columns_workerVerdictColor(gc->verdict, heap));
   Format_age(buf, sizeof(buf), ui->machine->now - gc->since);
   DetailLine_put(&l, " for ", CLR_DEFAULT);
   DetailLine_put(&l, buf, CLR_TOP);
   snprintf(buf, sizeof(buf), "%.0f%%", isnan(e->confidence) ? 0 : 100 * e->confidence);
   DetailLine_put(&l, "  confidence ", CLR_DEFAULT);
   DetailLine_put(&l, isnan(e->confidence) ? "-" : buf, CLR_TOP);
   ColumnContext ctx;
   Ui_columnContext(ui, tree, &ctx);
   double ttl = Columns_timeToLimit(p, &ctx);
   DetailLine_put(&l, "  time to limit ", CLR_DEFAULT);
   if (isnan(ttl)) {
      DetailLine_put(&l, "none within 24h", CLR_UNKNOWN);
   } else {
      Format_ttl(buf, sizeof(buf), ttl);
      DetailLine_put(&l, buf, ttl < 3600 ? CLR_WARNING : CLR_GROWING);
   }
   DetailView_putDeploy(&l, ui, p, tree);

   if (y < bottom) {
      l = (DetailLine){w, y++, 0, width};
      Draw_fill(w, l.y, 0, -1, Colors_attr(CLR_DEFAULT));
      DetailView_estimate(&l, ui, "evidence: growth/min ", e->growthPerMin, e->growthStderr);
      DetailView_estimate(&l, ui, "  not explained by traffic ", e->unexplainedPerMin,
                          e->unexplainedStderr);
      DetailView_estimate(&l, ui, "  idle ", e->idlePerMin, e->idleStderr);
   }
   if (y < bottom) {
      l = (DetailLine){w, y++, 0, width};
      Draw_fill(w, l.y, 0, -1, Colors_attr(CLR_DEFAULT));
      snprintf(buf, sizeof(buf), "          per 1000 %s ", Traffic_unit(ui->machine->traffic));
      DetailView_estimate(&l, ui, buf, e->perThousandUnits, e->perThousandStderr);
      DetailLine_put(&l, "  collinearity ", CLR_DEFAULT);
      snprintf(buf, sizeof(buf), "%.2f", e->collinearity);
      DetailLine_put(&l, isnan(e->collinearity) ? "-" : buf, CLR_TOP);
      DetailView_estimate(&l, ui, "  USS/min ", e->ussPerMin, NAN);
   }
   return DetailView_wrap(w, y, bottom, DETAIL_VERDICT_LINES - 3,
                          "next: ", Runbook_step(gc->verdict, gc->reason, heap), CLR_DEFAULT);
}

static void DetailView_drawGone(const DetailView* this, const Ui* ui, WINDOW* w, int y,
                                int bottom) {
   char buf[160], life[16], peak[16];
   int width = getmaxx(w);
   if (y >= bottom)
      return;
   snprintf(buf, sizeof(buf), "PID %d has exited.", (int)this->pid);
   Draw_text(w, y++, 0, width, buf, Colors_attr(CLR_WARNING));
   for (int t = 0; t < ui->machine->treeCount && y < bottom; t++) {
      const ProcessTree* tree = ui->machine->trees[t];
      for (int age = 0; age < tree->exitedKept; age++) {
         const ExitedProcess* e = ProcessTree_exited(tree, age);
         if (!e || e->pid != this->pid || e->startTicks != this->start)
            continue;
         Format_age(life, sizeof(life), e->lifetime);
         Format_size(peak, sizeof(peak), e->peakRssKiB);
         snprintf(buf, sizeof(buf), "generation %u lived %s, peak RSS %s, %s", e->generation, life,
                  peak, e->how);
         Draw_text(w, y++, 0, width, buf, Colors_attr(CLR_EXITED));
         return;
      }
   }
}

static void DetailView_drawStatus(const Ui* ui, WINDOW* w, int y) {
   const char* hints = "q back  i snapshot  Tab pane  +/- zoom  w window  T traffic  F1 help";
   char replay[128];
   if (ui->replay) {
      /* The view has no header line: the cursor's time stands in the hints. */
      char head[96];
      ReplayControl_header(ui, head, sizeof(head));
      snprintf(replay, sizeof(replay), "%s  q back  Tab pane  F1 help", head);
      hints = replay;
   }
   Draw_status(w, y, Ui_note(ui), hints, Colors_attr(CLR_STATUS));
}

static void DetailView_draw(UiView* super, Ui* ui, WINDOW* w) {
   DetailView* this = super->data;
   int lines = getmaxy(w);
   int bottom = lines >= 2 ? lines - 1 : lines;
   int tree = -1;
   const Process* p = Ui_findProcess(ui, this->pid, this->start, &tree);
   if (!p) {
      DetailView_drawGone(this, ui, w, 0, bottom);
   } else {
      int y = DetailView_drawHeader(ui, w, 0, bottom, p);
      if (y < bottom)
         Draw_fill(w, y++, 0, -1, Colors_attr(CLR_DEFAULT));
      /* The verdict keeps its lines below the chart; the chart gets the rest. */
      int verdictLines = bottom - y < DETAIL_VERDICT_LINES ? bottom - y : DETAIL_VERDICT_LINES;
      int chartBottom = bottom - verdictLines;
      const WorkerSlot* slot =
            tree >= 0 ? ProcessTree_slot(ui->machine->trees[tree], p->slot) : NULL;
      if (slot && y < chartBottom)
         y = DetailView_drawSlot(ui, w, y, slot);
      if (this->showPane)
         y = SnapshotPane_draw(&this->pane, ui, w, y, chartBottom, p);
      else if (DetailView_drawChart(this, ui, w, y, chartBottom, p, tree, slot) > y)
         y = chartBottom;
      DetailView_drawVerdict(ui, w, y, bottom, p, tree);
   }
   if (lines >= 2)
      DetailView_drawStatus(ui, w, lines - 1);
}

static void* DetailView_open(Ui* ui, pid_t pid, unsigned long long start) {
   DetailView* this = xCalloc(1, sizeof(DetailView));
   this->pid = pid;
   this->start = start;
   this->span = ui->window;
   /* A worker with a snapshot opens on it; Tab shows the chart. */
   const Process* p = Ui_findProcess(ui, pid, start, NULL);
   this->showPane = p && p->snapshots && p->snapshots->haveLatest;
   return this;
}

static void DetailView_close(void* data) {
   free(data);
}

/* The view shows every figure of its process, smaps_rollup's and the fds' kinds too. */
static unsigned DetailView_costFlags(const UiView* super, const Ui* ui) {
   (void)super;
   (void)ui;
   return COLUMN_NEEDS_SMAPS | COLUMN_NEEDS_FDS;
}

static Process* DetailView_current(const UiView* super, const Ui* ui) {
   const DetailView* this = super->data;
   return Ui_findProcess(ui, this->pid, this->start, NULL);
}

/* A snapshot of the process turns the view to it. */
static void DetailView_snapshotTaken(UiView* super, pid_t pid, unsigned long long start) {
   DetailView* this = super->data;
   if (this->pid == pid && this->start == start) {
      this->showPane = true;
      this->pane.scroll = 0;
   }
}

/* ---- keys ------------------------------------------------------------------------ */

/* Esc first cancels a snapshot that waits. */
static Reaction DetailView_back(UiView* super, Ui* ui, int key) {
   if (key == KEY_ESC && Action_cancelSnapshot(ui))
      return REACT_REDRAW;
   return Action_back(super, ui, key);
}

static Reaction DetailView_zoom(UiView* super, Ui* ui, int dir) {
   DetailView* this = super->data;
   char span[16];
   this->span = DetailView_zoomSpan(this->span, dir);
   Format_span(span, sizeof(span), this->span);
   snprintf(ui->message, sizeof(ui->message), "chart span %s", span);
   return REACT_REDRAW;
}

static Reaction DetailView_zoomIn(UiView* super, Ui* ui, int key) {
   (void)key;
   return DetailView_zoom(super, ui, -1);
}

static Reaction DetailView_zoomOut(UiView* super, Ui* ui, int key) {
   (void)key;
   return DetailView_zoom(super, ui, 1);
}

static Reaction DetailView_mouse(UiView* super, Ui* ui, int key) {
   (void)key;
   MEVENT ev;
   if (getmouse(&ev) != OK)
      return REACT_NONE;
   if (ev.bstate & BUTTON4_PRESSED)
      return DetailView_zoom(super, ui, -1);
#ifdef BUTTON5_PRESSED
   if (ev.bstate & BUTTON5_PRESSED)
      return DetailView_zoom(super, ui, 1);
#endif
   return REACT_NONE;
}

/* The chart spans the growth window again. */
static Reaction DetailView_window(UiView* super, Ui* ui, int key) {
   DetailView* this = super->data;
   Reaction r = Action_window(super, ui, key);
   this->span = ui->window;
   return r;
}

/* The next or previous process of the dashboard, without leaving the view. */
static Reaction DetailView_step(UiView* super, Ui* ui, int delta) {
   DetailView* this = super->data;
   UiView* dashboard = Ui_rootView(ui);
   Dashboard_move(dashboard, delta);
   const Process* p = Dashboard_selection(dashboard);
   if (p) {
      this->pid = p->pid;
      this->start = p->startTicks;
   }
   return REACT_REDRAW;
}

static Reaction DetailView_previous(UiView* super, Ui* ui, int key) {
   (void)key;
   return DetailView_step(super, ui, -1);
}

static Reaction DetailView_next(UiView* super, Ui* ui, int key) {
   (void)key;
   return DetailView_step(super, ui, 1);
}

static Reaction DetailView_togglePane(UiView* super, Ui* ui, int key) {
   (void)ui;
   (void)key;
   DetailView* this = super->data;
   this->showPane = !this->showPane;
   this->pane.scroll = 0;
   return REACT_REDRAW;
}

static Reaction DetailView_scrollPane(UiView* super, Ui* ui, int key) {
   (void)ui;
   DetailView* this = super->data;
   SnapshotPane* pane = &this->pane;
   if (!this->showPane)
      return REACT_NONE;
   int page = pane->rows > 3 ? pane->rows - 2 : 1;
   pane->scroll += key == KEY_PPAGE ? -page : key == KEY_HOME ? -pane->scroll : page;
   if (pane->scroll < 0)
      pane->scroll = 0;
   return REACT_REDRAW;
}

static const KeyBinding DetailView_bindings[] = {
      {'q', "q", "back to the dashboard", DetailView_back},
      {KEY_ESC, "Esc", "cancel a snapshot that waits, else back to the dashboard", DetailView_back},
      {KEY_LEFT, "Left", "back to the dashboard", DetailView_back},
      {KEY_BACKSPACE, "Bksp", "back to the dashboard", DetailView_back},
      {'+', "+", "zoom in: a shorter chart span", DetailView_zoomIn},
      {'=', "=", "zoom in: a shorter chart span", DetailView_zoomIn},
      {'-', "-", "zoom out: 1m, 5m, 15m, 1h, 6h, 24h", DetailView_zoomOut},
      {'w', "w", "growth window (and chart span): 1m, 5m, 15m, 1h", DetailView_window},
      {'T', "T", "traffic source: tcp, cpu, and --traffic's log: or cmd:", Action_traffic},
      {KEY_UP, "Up", "previous process", DetailView_previous},
      {'k', "k", "previous process", DetailView_previous},
      {KEY_DOWN, "Down", "next process", DetailView_next},
      {'j', "j", "next process", DetailView_next},
      {'i', "i", ACTION_SNAPSHOT_HELP, Action_snapshot},
      {'M', "M", ACTION_TRACEMALLOC_HELP, Action_tracemalloc},
      {'R', "R", ACTION_TRIM_HELP, Action_trim},
      {'W', "W", ACTION_WAKE_HELP, Action_wake},
      {'E', "E", ACTION_REPORT_HELP, Action_report},
      {'\t', "Tab", "snapshot pane / chart", DetailView_togglePane},
      {KEY_PPAGE, "PgUp", "scroll the snapshot pane", DetailView_scrollPane},
      {KEY_NPAGE, "PgDn", "scroll the snapshot pane", DetailView_scrollPane},
      {' ', "Space", "scroll the snapshot pane", DetailView_scrollPane},
      {KEY_HOME, "Home", "scroll the snapshot pane", DetailView_scrollPane},
      {KEY_CTRL_L, "^L", "redraw the screen", Action_redraw},
      {KEY_F(1), "F1", "this help", Action_help},
      {'h', "h", "this help", Action_help},
      {'?', "?", "this help", Action_help},
      {KEY_F(10), "F10", "quit leaktop", Action_quit},
      {KEY_MOUSE, "wheel", "zoom in and out", DetailView_mouse},
};
static const KeyTable DetailView_keys = {DetailView_bindings, KEY_TABLE_COUNT(DetailView_bindings),
                                         NULL};

const UiViewClass DetailView_class = {
      .name = "Detail view",
      .keys = &DetailView_keys,
      .open = DetailView_open,
      .close = DetailView_close,
      .draw = DetailView_draw,
      .costFlags = DetailView_costFlags,
      .current = DetailView_current,
      .snapshotTaken = DetailView_snapshotTaken,
};
