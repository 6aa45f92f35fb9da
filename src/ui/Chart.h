#ifndef HEADER_Chart
#define HEADER_Chart
/* Turning a History into what a chart shows: columns resampled over a time
   span, a value scale, a grid of glyphs, and a time axis. Pure functions, no
   curses, so the drawing logic is unit-tested (tests/unit/test_chart.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/History.h"
#include "model/SmapsHistory.h"
#include "model/SumHistory.h"
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
   CHART_BAR,     /* up to the last value of the column */
   CHART_BAND,    /* from the last value up to the column's max */
   CHART_IDLE,    /* an empty cell of an idle column */
   CHART_TRAFFIC, /* the traffic overlay's point */
   CHART_USS,     /* a USS reading's point */
   CHART_PSS,     /* a PSS reading's point */
} ChartCellKind;

/* Fills a width x height grid (row 0 at the top, row-major) with glyphs from
   g and the kind of each cell. cols has width entries. */
void Chart_grid(const HistoryBucket* cols, int width, int height, uint64_t lo, uint64_t hi,
                const Glyphs* g, const char** glyph, ChartCellKind* kind);

/* Traffic over the columns Chart_resample made (same tier, span and n):
   units per second in each column, NAN where no bucket was known. */
void Chart_resampleRates(const SumHistory* s, int tier, double spanSeconds, int n, double* rates);

/* Top of the traffic scale (0 at the bottom): the largest rate, 1 when all
   are 0, NAN when none is known. */
double Chart_rateScale(const double* rates, int n);

/* Grid row (0 at the top) of rate on a 0..top scale of height rows; -1 when
   unknown. */
int Chart_rateRow(double rate, double top, int height);

/* Lays the traffic over a grid from Chart_grid: the idle shade in the empty
   cells of the columns at or below idleRate, and one point per known column. */
void Chart_overlay(const double* rates, int width, int height, double top, double idleRate,
                   const Glyphs* g, const char** glyph, ChartCellKind* kind);

/* USS and PSS readings over n columns spanning the spanSeconds before now,
   in the columns Chart_timeColumn gives their times (the newest reading of a
   column wins); HISTORY_UNKNOWN in a column without a reading. */
void Chart_resampleReadings(const SmapsHistory* s, double now, double spanSeconds, int n,
                            uint32_t* uss, uint32_t* pss);

/* Widens a scale from Chart_scale so that the known values fit in it too. */
void Chart_widenScale(const uint32_t* values, int n, uint64_t* lo, uint64_t* hi);

/* Lays a point glyph of the given kind on the row of each known value, on
   the lo..hi scale of a grid from Chart_grid. */
void Chart_points(const uint32_t* values, int width, int height, uint64_t lo, uint64_t hi,
                  const char* point, ChartCellKind k, const char** glyph, ChartCellKind* kind);

/* Marks the columns where RSS rose at least minKiB above the value before it
   and came back down by as much: transient spikes. Returns how many. */
int Chart_spikes(const HistoryBucket* cols, int n, uint64_t minKiB, bool* marks);

/* Column (oldest 0) of an event ageSeconds ago on a chart of spanSeconds
   over width columns, the one Chart_resample puts it in; -1 outside. */
int Chart_timeColumn(double ageSeconds, double spanSeconds, int width);

#define CHART_MAX_TICKS 32

/* The time axis under a chart spanning spanSeconds over width columns:
   labels ("-10m  -5m  now") written into out (exactly width ASCII columns,
   NUL-terminated; outSize > width) and the columns of the tick marks. */
int Chart_timeAxis(double spanSeconds, int width, char* out, size_t outSize,
                   int ticks[CHART_MAX_TICKS]);

#endif
