#include "config.h"

#include "ui/DetailChart.h"

#include <math.h>
#include <string.h>

#include "traffic/Traffic.h"
#include "ui/Colors.h"
#include "ui/Draw.h"
#include "util/Format.h"

#define DETAIL_AXIS_WIDTH    7    /* "123.4M" and the axis glyph */
#define DETAIL_RIGHT_WIDTH   7    /* the axis glyph and "12.3k" */
#define DETAIL_SPIKE_MIN_KIB 2048 /* the classifier's smallest spike */

/* An ended generation of the slot in the columns its life covers, before
   its successor's history: one tooth of the sawtooth, each column from the
   trace point that opens it; its exit marked on the time axis. */
static void DetailChart_paintGeneration(DetailChart* this, const GenerationRecord* g, double now) {
   if (g->points == 0)
      return;
   int exitCol = Chart_timeColumn(now - g->exitTime, this->span, this->width);
   if (exitCol >= 0 && exitCol < this->width)
      this->recycled[exitCol] = true;
   for (int i = 0; i < g->points; i++) {
      double from = g->startTime + g->time[i];
      double to = i + 1 < g->points ? g->startTime + g->time[i + 1] : g->exitTime;
      int last = Chart_timeColumn(now - to, this->span, this->width);
      if (last < 0)
         continue; /* before the span */
      int first = Chart_timeColumn(now - from, this->span, this->width);
      if (first < 0)
         first = 0;
      uint32_t kib = (uint32_t)g->rssKiB[i];
      /* Painted newest generation first, after the worker's own history: a
         column shared at a boundary keeps the newer sample. */
      for (int col = first; col <= last; col++)
         if (this->cols[col].min == HISTORY_UNKNOWN)
            this->cols[col] = (HistoryBucket){kib, kib, kib};
   }
}

bool DetailChart_fill(DetailChart* this, const Machine* m, const Glyphs* g, const Process* p,
                      const WorkerSlot* slot, double span, int cols, int lines) {
   this->width = cols - DETAIL_AXIS_WIDTH - DETAIL_RIGHT_WIDTH;
   /* Title, legend, at least two chart rows, the axis line and its labels. */
   if (lines < 6 || this->width < 8)
      return false;
   if (this->width > DETAIL_CHART_MAX_WIDTH)
      this->width = DETAIL_CHART_MAX_WIDTH;
   this->height = lines - 4;
   if (this->height > DETAIL_CHART_MAX_HEIGHT)
      this->height = DETAIL_CHART_MAX_HEIGHT;
   this->right = DETAIL_AXIS_WIDTH + this->width;
   this->span = span;
   this->tier = Chart_resample(&p->rssHistory, this->span, this->width, this->cols);
   memset(this->recycled, 0, sizeof(bool) * (size_t)this->width);
   const GenerationRecord* ended;
   for (int age = 0; slot && (ended = WorkerSlot_generation(slot, age)) != NULL; age++)
      DetailChart_paintGeneration(this, ended, m->now);
   Chart_resampleRates(&p->trafficHistory, this->tier, this->span, this->width, this->rates);
   Chart_resampleReadings(&p->smapsHistory, m->now, this->span, this->width, this->uss, this->pss);
   this->top = Chart_rateScale(this->rates, this->width);
   this->lo = this->hi = 0;
   this->known = Chart_scale(this->cols, this->width, true, &this->lo, &this->hi);
   /* USS lies below RSS, often well below the RSS range: the scale takes it in. */
   if (this->known) {
      Chart_widenScale(this->uss, this->width, &this->lo, &this->hi);
      Chart_widenScale(this->pss, this->width, &this->lo, &this->hi);
   }
   Chart_grid(this->cols, this->width, this->height, this->lo, this->hi, g, this->glyph,
              this->kind);
   if (!isnan(this->top))
      Chart_overlay(this->rates, this->width, this->height, this->top,
                    Traffic_idlePerSecond(m->traffic), g, this->glyph, this->kind);
   /* USS last: where it meets PSS (no shared pages) USS is the tighter bound. */
   Chart_points(this->pss, this->width, this->height, this->lo, this->hi, g->pssPoint, CHART_PSS,
                this->glyph, this->kind);
   Chart_points(this->uss, this->width, this->height, this->lo, this->hi, g->ussPoint, CHART_USS,
                this->glyph, this->kind);

   return true;
}

static ColorElement DetailChart_cellColor(ChartCellKind k) {
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
static bool DetailChart_labelRow(int r, int height) {
   return r == 0 || r == height - 1 || (height >= 5 && r == height / 2);
}

void DetailChart_drawRows(const DetailChart* this, const Glyphs* g, WINDOW* w, int y) {
   char buf[32];
   for (int r = 0; r < this->height; r++) {
      int line = y + r;
      bool labelled = DetailChart_labelRow(r, this->height);
      Draw_fill(w, line, 0, -1, Colors_attr(CLR_DEFAULT));
      buf[0] = '\0';
      if (this->known && labelled) {
         double frac = this->height > 1 ? (double)(this->height - 1 - r) / (this->height - 1) : 1;
         /* A row's label is the value at its top edge. */
         double v = (double)this->lo +
                    (double)(this->hi - this->lo) * (frac * (this->height - 1) + 1) / this->height;
         Format_size(buf, sizeof(buf), (uint64_t)llround(v));
      }
      Draw_field(w, line, 0, DETAIL_AXIS_WIDTH - 1, buf, ALIGN_RIGHT, Colors_attr(CLR_AXIS));
      Draw_text(w, line, DETAIL_AXIS_WIDTH - 1, 1,
                this->known && labelled ? g->axisTick : g->axisVertical, Colors_attr(CLR_AXIS));
      for (int col = 0; col < this->width; col++) {
         ChartCellKind k = this->kind[r * this->width + col];
         if (k != CHART_EMPTY)
            Draw_text(w, line, DETAIL_AXIS_WIDTH + col, 1, this->glyph[r * this->width + col],
                      Colors_attr(DetailChart_cellColor(k)));
      }
      /* The traffic scale: the value on the row the points of that rate land on. */
      bool rateLabel = !isnan(this->top) && labelled;
      Draw_text(w, line, this->right, 1, rateLabel ? g->axisTickRight : g->axisVertical,
                Colors_attr(CLR_CHART_TRAFFIC));
      if (rateLabel) {
         Format_count(buf, sizeof(buf),
                      this->height > 1 ? this->top * (this->height - 1 - r) / (this->height - 1)
                                       : this->top);
         Draw_text(w, line, this->right + 1, DETAIL_RIGHT_WIDTH - 1, buf,
                   Colors_attr(CLR_CHART_TRAFFIC));
      }
   }
   if (!this->known) {
      const char* none = "no RSS sample in this span yet";
      int x = DETAIL_AXIS_WIDTH + (this->width - (int)strlen(none)) / 2;
      Draw_text(w, y + this->height / 2, x < DETAIL_AXIS_WIDTH ? DETAIL_AXIS_WIDTH : x, this->width,
                none, Colors_attr(CLR_UNKNOWN));
   }
}

/* The columns where new code began to run. */
static void DetailChart_deployColumns(const DetailChart* this, const DeployWatch* deploys,
                                      double now, bool* out) {
   memset(out, 0, sizeof(bool) * (size_t)this->width);
   const DeployEvent* e;
   for (int age = 0; deploys && (e = DeployWatch_event(deploys, age)) != NULL; age++) {
      double at = DeployWatch_monotonic(deploys, e->wall);
      int col = Chart_timeColumn(now - at, this->span, this->width);
      if (col >= 0 && col < this->width)
         out[col] = true;
   }
}

void DetailChart_drawTimeAxis(const DetailChart* this, const Glyphs* g, WINDOW* w, int y,
                              const Process* p, const DeployWatch* deploys, double now) {
   char labels[DETAIL_CHART_MAX_WIDTH + 1];
   int ticks[CHART_MAX_TICKS];
   int tickCount = Chart_timeAxis(this->span, this->width, labels, sizeof(labels), ticks);
   bool spikes[DETAIL_CHART_MAX_WIDTH];
   Chart_spikes(this->cols, this->width, DETAIL_SPIKE_MIN_KIB, spikes);
   const GrowthClassifier* gc = &p->growth;
   int changed = gc->since > gc->firstTime
                       ? Chart_timeColumn(now - gc->since, this->span, this->width)
                       : -1;
   /* Marks share the row: the verdict change wins a column, then new code,
      a spike, a recycle, a snapshot. */
   bool deployed[DETAIL_CHART_MAX_WIDTH];
   DetailChart_deployColumns(this, deploys, now, deployed);
   bool snapped[DETAIL_CHART_MAX_WIDTH];
   memset(snapped, 0, sizeof(bool) * (size_t)this->width);
   for (int i = 0; p->snapshots && i < p->snapshots->markCount; i++) {
      int col = Chart_timeColumn(now - p->snapshots->marks[i], this->span, this->width);
      if (col >= 0 && col < this->width)
         snapped[col] = true;
   }
   Draw_fill(w, y, 0, -1, Colors_attr(CLR_DEFAULT));
   Draw_text(w, y, DETAIL_AXIS_WIDTH - 1, 1, g->axisCorner, Colors_attr(CLR_AXIS));
   for (int col = 0; col < this->width; col++) {
      const char* mark = g->axisHorizontal;
      ColorElement e = CLR_AXIS;
      for (int t = 0; t < tickCount; t++)
         if (ticks[t] == col)
            mark = g->axisTimeTick;
      const char* event = col == changed        ? g->verdictMark
                          : deployed[col]       ? g->deployMark
                          : spikes[col]         ? g->spikeMark
                          : this->recycled[col] ? g->recycleMark
                          : snapped[col]        ? g->snapshotMark
                                                : NULL;
      if (event) {
         mark = event;
         e = CLR_CHART_MARK;
      }
      Draw_text(w, y, DETAIL_AXIS_WIDTH + col, 1, mark, Colors_attr(e));
   }
   Draw_text(w, y, this->right, 1, g->axisCornerRight, Colors_attr(CLR_AXIS));
   Draw_fill(w, y + 1, 0, -1, Colors_attr(CLR_DEFAULT));
   Draw_text(w, y + 1, DETAIL_AXIS_WIDTH, this->width, labels, Colors_attr(CLR_AXIS));
}
