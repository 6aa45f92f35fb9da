#ifndef HEADER_DetailChart
#define HEADER_DetailChart
/* The detail view's chart of one process: its RSS as bars and its USS and
   PSS readings as points on a size scale on the left, its traffic as
   points on a rate scale on the right, idle columns shaded, over a time
   axis that marks spikes, the last verdict change, snapshots and deploys. A
   worker's bars are its slot's RSS across generations, the sawtooth
   recycling draws, with each replacement marked on the axis. Filled from the
   histories, then drawn a part at a time. */

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/Machine.h"
#include "ui/Chart.h"
#include "ui/Glyphs.h"

#define DETAIL_CHART_MAX_WIDTH  512
#define DETAIL_CHART_MAX_HEIGHT 128

/* Its size, scales and resampled series. Large (512 x 128 cells): the
   detail view keeps one, static. */
typedef struct DetailChart {
   int width, height; /* columns and rows of the plot */
   int right;         /* screen column of the right axis */
   double span;       /* seconds shown */
   int tier;          /* the RSS history tier the buckets come from */
   bool known;        /* an RSS sample in the span: the left scale lo..hi holds */
   uint64_t lo, hi;
   double top; /* the traffic scale's top, NAN without a rate */
   HistoryBucket cols[DETAIL_CHART_MAX_WIDTH];
   double rates[DETAIL_CHART_MAX_WIDTH];
   uint32_t uss[DETAIL_CHART_MAX_WIDTH], pss[DETAIL_CHART_MAX_WIDTH];
   bool recycled[DETAIL_CHART_MAX_WIDTH]; /* a generation of the slot ended in the column */
   const char* glyph[DETAIL_CHART_MAX_WIDTH * DETAIL_CHART_MAX_HEIGHT];
   ChartCellKind kind[DETAIL_CHART_MAX_WIDTH * DETAIL_CHART_MAX_HEIGHT];
} DetailChart;

/* Sizes the chart for a screen cols wide and lines tall (its title and
   legend, the plot, the time axis and its labels) and fills it with p's
   last span seconds; with slot (p's slot, or NULL) the slot's ended
   generations draw before p's own RSS; false when it does not fit. */
bool DetailChart_fill(DetailChart* this, const Machine* m, const Glyphs* g, const Process* p,
                      const WorkerSlot* slot, double span, int cols, int lines);

/* The plot's rows from line y: the size scale on the left, the cells, the
   traffic scale on the right. */
void DetailChart_drawRows(const DetailChart* this, const Glyphs* g, WINDOW* w, int y);

/* The time axis at line y: a line with tick marks, spikes, the verdict
   change, snapshots and the deploys of p's tree; its labels on the line
   below. now is the last scan's time. */
void DetailChart_drawTimeAxis(const DetailChart* this, const Glyphs* g, WINDOW* w, int y,
                              const Process* p, const DeployWatch* deploys, double now);

#endif
