#include "config.h"

#include "ui/DetailView.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "classify/Runbook.h"
#include "classify/WorkerVerdict.h"
#include "model/ProcessTree.h"
#include "traffic/Traffic.h"
#include "ui/Chart.h"
#include "ui/Colors.h"
#include "ui/Dashboard.h"
#include "ui/Draw.h"
#include "util/Format.h"
#include "ui/SnapshotPane.h"

#define DETAIL_MAX_WIDTH     512
#define DETAIL_MAX_HEIGHT    128
#define DETAIL_AXIS_WIDTH    7 /* "123.4M" and the axis glyph */
#define DETAIL_RIGHT_WIDTH   7 /* the axis glyph and "12.3k" */
#define DETAIL_VERDICT_LINES 5
#define DETAIL_SPIKE_MIN_KIB 2048 /* the classifier's smallest spike */

static const double DetailView_spans[] = {60, 300, 900, 3600, 21600, 86400};

double DetailView_zoom(double span, int dir) {
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

void DetailView_open(Ui* ui, const Process* p) {
   ui->view = VIEW_DETAIL;
   ui->detailPid = p->pid;
   ui->detailStart = p->startTicks;
   ui->detailSpan = ui->window;
   /* A worker with a snapshot opens on it; Tab shows the chart. */
   ui->detailSnapshot = p->snapshots && p->snapshots->haveLatest;
   ui->snapshotScroll = 0;
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
   snprintf(buf, sizeof(buf), "  %s  generation %u  state %c  age ", p->name, p->generation,
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

static int DetailView_drawHeader(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p) {
   if (y >= bottom)
      return y;
   y = DetailView_drawIdentity(ui, w, y, bottom, p);
   y = DetailView_drawSizes(w, y, bottom, p);
   return DetailView_drawActivity(ui, w, y, bottom, p);
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

static ColorElement DetailView_cellColor(ChartCellKind k) {
   switch (k) {
   case CHART_BAR:
      return CLR_CHART_BAR;
   case CHART_BAND:
      return CLR_CHART_BAND;
   case CHART_IDLE:
      return CLR_CHART_IDLE;
   case CHART_TRAFFIC:
      return CLR_CHART_TRAFFIC;
   case CHART_USS:
      return CLR_CHART_USS;
   case CHART_PSS:
      return CLR_CHART_PSS;
   default:
      return CLR_DEFAULT;
   }
}

/* Rows that carry a scale label: the top, the middle and the bottom. */
static bool DetailView_labelRow(int r, int height) {
   return r == 0 || r == height - 1 || (height >= 5 && r == height / 2);
}

/* The chart's size, scales and resampled series, which its parts share;
   one static instance, as 512 x 128 cells would not fit on the stack. */
typedef struct DetailChart {
   int width, height; /* columns and rows of the plot */
   int right;         /* screen column of the right axis */
   double span;       /* seconds shown */
   int tier;          /* the RSS history tier the buckets come from */
   bool known;        /* an RSS sample in the span: the left scale lo..hi holds */
   uint64_t lo, hi;
   double top; /* the traffic scale's top, NAN without a rate */
   HistoryBucket cols[DETAIL_MAX_WIDTH];
   double rates[DETAIL_MAX_WIDTH];
   uint32_t uss[DETAIL_MAX_WIDTH], pss[DETAIL_MAX_WIDTH];
   const char* glyph[DETAIL_MAX_WIDTH * DETAIL_MAX_HEIGHT];
   ChartCellKind kind[DETAIL_MAX_WIDTH * DETAIL_MAX_HEIGHT];
} DetailChart;

/* The title with the marks the time axis may carry, then the legend. */
static void DetailView_drawChartTitle(const Ui* ui, WINDOW* w, int y, const Process* p,
                                      const DetailChart* c) {
   const Glyphs* g = ui->glyphs;
   char buf[96], span[16], step[16];
   Format_span(span, sizeof(span), c->span);
   Format_span(step, sizeof(step), p->rssHistory.tiers[c->tier].step);
   snprintf(buf, sizeof(buf), "RSS and traffic, last %s (%s buckets)  ", span, step);
   DetailLine l = {w, y, 0, getmaxx(w)};
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   DetailLine_put(&l, buf, CLR_TOP);
   DetailLine_put(&l, g->spikeMark, CLR_CHART_MARK);
   DetailLine_put(&l, " spike  ", CLR_DEFAULT);
   DetailLine_put(&l, g->verdictMark, CLR_CHART_MARK);
   DetailLine_put(&l, " verdict changed  ", CLR_DEFAULT);
   if (p->snapshots && p->snapshots->markCount > 0) {
      DetailLine_put(&l, g->snapshotMark, CLR_CHART_MARK);
      DetailLine_put(&l, " snapshot  Tab shows it  ", CLR_DEFAULT);
   }
   DetailLine_put(&l, "+/- zoom", CLR_DEFAULT);
   DetailView_drawLegend(ui, w, y + 1, !isnan(c->top));
}

/* The plot's rows from line y: the size scale on the left, the cells, the
   traffic scale on the right. */
static void DetailView_drawChartRows(const Ui* ui, WINDOW* w, int y, const DetailChart* c) {
   const Glyphs* g = ui->glyphs;
   char buf[32];
   for (int r = 0; r < c->height; r++) {
      int line = y + r;
      bool labelled = DetailView_labelRow(r, c->height);
      Draw_fill(w, line, 0, -1, Colors_attr(CLR_DEFAULT));
      buf[0] = '\0';
      if (c->known && labelled) {
         double frac = c->height > 1 ? (double)(c->height - 1 - r) / (c->height - 1) : 1;
         /* A row's label is the value at its top edge. */
         double v =
               (double)c->lo + (double)(c->hi - c->lo) * (frac * (c->height - 1) + 1) / c->height;
         Format_size(buf, sizeof(buf), (uint64_t)llround(v));
      }
      Draw_field(w, line, 0, DETAIL_AXIS_WIDTH - 1, buf, ALIGN_RIGHT, Colors_attr(CLR_AXIS));
      Draw_text(w, line, DETAIL_AXIS_WIDTH - 1, 1,
                c->known && labelled ? g->axisTick : g->axisVertical, Colors_attr(CLR_AXIS));
      for (int col = 0; col < c->width; col++) {
         ChartCellKind k = c->kind[r * c->width + col];
         if (k != CHART_EMPTY)
            Draw_text(w, line, DETAIL_AXIS_WIDTH + col, 1, c->glyph[r * c->width + col],
                      Colors_attr(DetailView_cellColor(k)));
      }
      /* The traffic scale: the value on the row the points of that rate land on. */
      bool rateLabel = !isnan(c->top) && labelled;
      Draw_text(w, line, c->right, 1, rateLabel ? g->axisTickRight : g->axisVertical,
                Colors_attr(CLR_CHART_TRAFFIC));
      if (rateLabel) {
         Format_count(buf, sizeof(buf),
                      c->height > 1 ? c->top * (c->height - 1 - r) / (c->height - 1) : c->top);
         Draw_text(w, line, c->right + 1, DETAIL_RIGHT_WIDTH - 1, buf,
                   Colors_attr(CLR_CHART_TRAFFIC));
      }
   }
   if (!c->known) {
      const char* none = "no RSS sample in this span yet";
      int x = DETAIL_AXIS_WIDTH + (c->width - (int)strlen(none)) / 2;
      Draw_text(w, y + c->height / 2, x < DETAIL_AXIS_WIDTH ? DETAIL_AXIS_WIDTH : x, c->width, none,
                Colors_attr(CLR_UNKNOWN));
   }
}

/* The time axis at line y: a line with tick marks, spikes, the verdict
   change and snapshots; its labels on the line below. */
static void DetailView_drawTimeAxis(const Ui* ui, WINDOW* w, int y, const Process* p,
                                    const DetailChart* c) {
   const Glyphs* g = ui->glyphs;
   double now = ui->machine->now;
   char labels[DETAIL_MAX_WIDTH + 1];
   int ticks[CHART_MAX_TICKS];
   int tickCount = Chart_timeAxis(c->span, c->width, labels, sizeof(labels), ticks);
   bool spikes[DETAIL_MAX_WIDTH];
   Chart_spikes(c->cols, c->width, DETAIL_SPIKE_MIN_KIB, spikes);
   const GrowthClassifier* gc = &p->growth;
   int changed =
         gc->since > gc->firstTime ? Chart_timeColumn(now - gc->since, c->span, c->width) : -1;
   /* Snapshot marks share the row; a spike or the verdict change wins a column. */
   bool snapped[DETAIL_MAX_WIDTH];
   memset(snapped, 0, sizeof(bool) * (size_t)c->width);
   for (int i = 0; p->snapshots && i < p->snapshots->markCount; i++) {
      int col = Chart_timeColumn(now - p->snapshots->marks[i], c->span, c->width);
      if (col >= 0 && col < c->width)
         snapped[col] = true;
   }
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   Draw_text(w, y, DETAIL_AXIS_WIDTH - 1, 1, g->axisCorner, Colors_attr(CLR_AXIS));
   for (int col = 0; col < c->width; col++) {
      const char* mark = g->axisHorizontal;
      ColorElement e = CLR_AXIS;
      for (int t = 0; t < tickCount; t++)
         if (ticks[t] == col)
            mark = g->axisTimeTick;
      if (spikes[col] || col == changed || snapped[col]) {
         mark = col == changed ? g->verdictMark : spikes[col] ? g->spikeMark : g->snapshotMark;
         e = CLR_CHART_MARK;
      }
      Draw_text(w, y, DETAIL_AXIS_WIDTH + col, 1, mark, Colors_attr(e));
   }
   Draw_text(w, y, c->right, 1, g->axisCornerRight, Colors_attr(CLR_AXIS));
   Draw_fill(w, y + 1, 0, -1, Colors_attr(CLR_DEFAULT));
   Draw_text(w, y + 1, DETAIL_AXIS_WIDTH, c->width, labels, Colors_attr(CLR_AXIS));
}

/* RSS as bars and the USS and PSS readings as points on the left scale,
   traffic as points on the right scale, on one time axis that also marks
   spikes and the last verdict change. */
static int DetailView_drawChart(const Ui* ui, WINDOW* w, int y, int bottom, const Process* p) {
   static DetailChart chart;
   DetailChart* c = &chart;
   c->width = getmaxx(w) - DETAIL_AXIS_WIDTH - DETAIL_RIGHT_WIDTH;
   /* Title, legend, at least two chart rows, the axis line and its labels. */
   if (bottom - y < 6 || c->width < 8)
      return y;
   if (c->width > DETAIL_MAX_WIDTH)
      c->width = DETAIL_MAX_WIDTH;
   c->height = bottom - y - 4;
   if (c->height > DETAIL_MAX_HEIGHT)
      c->height = DETAIL_MAX_HEIGHT;
   c->right = DETAIL_AXIS_WIDTH + c->width;
   c->span = ui->detailSpan;
   c->tier = Chart_resample(&p->rssHistory, c->span, c->width, c->cols);
   Chart_resampleRates(&p->trafficHistory, c->tier, c->span, c->width, c->rates);
   Chart_resampleReadings(&p->smapsHistory, ui->machine->now, c->span, c->width, c->uss, c->pss);
   c->top = Chart_rateScale(c->rates, c->width);
   c->lo = c->hi = 0;
   c->known = Chart_scale(c->cols, c->width, true, &c->lo, &c->hi);
   /* USS lies below RSS, often well below the RSS range: the scale takes it in. */
   if (c->known) {
      Chart_widenScale(c->uss, c->width, &c->lo, &c->hi);
      Chart_widenScale(c->pss, c->width, &c->lo, &c->hi);
   }
   const Glyphs* g = ui->glyphs;
   Chart_grid(c->cols, c->width, c->height, c->lo, c->hi, g, c->glyph, c->kind);
   if (!isnan(c->top))
      Chart_overlay(c->rates, c->width, c->height, c->top,
                    Traffic_idlePerSecond(ui->machine->traffic), g, c->glyph, c->kind);
   /* USS last: where it meets PSS (no shared pages) USS is the tighter bound. */
   Chart_points(c->pss, c->width, c->height, c->lo, c->hi, g->pssPoint, CHART_PSS, c->glyph,
                c->kind);
   Chart_points(c->uss, c->width, c->height, c->lo, c->hi, g->ussPoint, CHART_USS, c->glyph,
                c->kind);

   DetailView_drawChartTitle(ui, w, y, p, c);
   DetailView_drawChartRows(ui, w, y + 2, c);
   DetailView_drawTimeAxis(ui, w, y + 2 + c->height, p, c);
   return y + 2 + c->height + 2;
}

/* One "label value" pair of the evidence lines. */
static void DetailView_estimate(DetailLine* l, const Ui* ui, const char* label, double value,
                                double stderrKiB) {
   char buf[48];
   Format_estimate(buf, sizeof(buf), value, stderrKiB, ui->glyphs->plusMinus);
   DetailLine_put(l, label, CLR_DEFAULT);
   DetailLine_put(l, buf, isnan(value) ? CLR_UNKNOWN : CLR_TOP);
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
   Dashboard_treeContext(ui, tree, &ctx);
   double ttl = Columns_timeToLimit(p, &ctx);
   DetailLine_put(&l, "  time to limit ", CLR_DEFAULT);
   if (isnan(ttl)) {
      DetailLine_put(&l, "none within 24h", CLR_UNKNOWN);
   } else {
      Format_ttl(buf, sizeof(buf), ttl);
      DetailLine_put(&l, buf, ttl < 3600 ? CLR_WARNING : CLR_GROWING);
   }

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

static void DetailView_drawGone(const Ui* ui, WINDOW* w, int y, int bottom) {
   char buf[160], life[16], peak[16];
   int width = getmaxx(w);
   if (y >= bottom)
      return;
   snprintf(buf, sizeof(buf), "PID %d has exited.", (int)ui->detailPid);
   Draw_text(w, y++, 0, width, buf, Colors_attr(CLR_WARNING));
   for (int t = 0; t < ui->machine->treeCount && y < bottom; t++) {
      const ProcessTree* tree = ui->machine->trees[t];
      for (int age = 0; age < tree->exitedKept; age++) {
         const ExitedProcess* e = ProcessTree_exited(tree, age);
         if (!e || e->pid != ui->detailPid || e->startTicks != ui->detailStart)
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
   Draw_status(w, y, Ui_note(ui), hints, Colors_attr(CLR_STATUS));
}

void DetailView_draw(Ui* ui, WINDOW* w) {
   int lines = getmaxy(w);
   int bottom = lines >= 2 ? lines - 1 : lines;
   int tree = -1;
   const Process* p = Ui_findProcess(ui, ui->detailPid, ui->detailStart, &tree);
   if (!p) {
      DetailView_drawGone(ui, w, 0, bottom);
   } else {
      int y = DetailView_drawHeader(ui, w, 0, bottom, p);
      if (y < bottom)
         Draw_fill(w, y++, 0, -1, Colors_attr(CLR_DEFAULT));
      /* The verdict keeps its lines below the chart; the chart gets the rest. */
      int verdictLines = bottom - y < DETAIL_VERDICT_LINES ? bottom - y : DETAIL_VERDICT_LINES;
      int chartBottom = bottom - verdictLines;
      if (ui->detailSnapshot)
         y = SnapshotPane_draw(ui, w, y, chartBottom, p);
      else if (DetailView_drawChart(ui, w, y, chartBottom, p) > y)
         y = chartBottom;
      DetailView_drawVerdict(ui, w, y, bottom, p, tree);
   }
   if (lines >= 2)
      DetailView_drawStatus(ui, w, lines - 1);
}
