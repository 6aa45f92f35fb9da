#ifndef HEADER_Chart
#define HEADER_Chart
/* Turning a History into what a chart shows: columns resampled over a time
   span, a value scale, a grid of glyphs, and a time axis. Pure functions, no
   curses, so the drawing logic is unit-tested (tests/unit/test_chart.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/History.h"
#include "ui/Glyphs.h"

/* Resamples the last spanSeconds of h into n columns, oldest first, from the
   finest tier that covers the span. A column no known sample fell into has
   min == HISTORY_UNKNOWN: a gap, drawn blank, never as zero. Returns the tier. */
int Chart_resample(const History* h, double spanSeconds, int n, HistoryBucket* out);

/* Value range of the known columns (by min and max when useBand, else by
   last), widened to a floor so a flat line with jitter of a few pages does
   not fill the chart. False when no column is known. */
bool Chart_scale(const HistoryBucket* cols, int n, bool useBand, uint64_t* lo, uint64_t* hi);

typedef enum ChartCellKind {
   CHART_EMPTY,
   CHART_BAR,  /* up to the last value of the column */
   CHART_BAND, /* from the last value up to the column's max */
} ChartCellKind;

/* Fills a width x height grid (row 0 at the top, row-major) with glyphs from
   g and the kind of each cell. cols has width entries. */
void Chart_grid(const HistoryBucket* cols, int width, int height, uint64_t lo, uint64_t hi,
                const Glyphs* g, const char** glyph, ChartCellKind* kind);

#define CHART_MAX_TICKS 32

/* The time axis under a chart spanning spanSeconds over width columns:
   labels ("-10m  -5m  now") written into out (exactly width ASCII columns,
   NUL-terminated; outSize > width) and the columns of the tick marks. */
int Chart_timeAxis(double spanSeconds, int width, char* out, size_t outSize,
                   int ticks[CHART_MAX_TICKS]);

#endif
