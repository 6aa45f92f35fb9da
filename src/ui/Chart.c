#include "config.h"

#include "ui/Chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/Format.h"

static void Chart_merge(HistoryBucket* into, const HistoryBucket* b, bool newer) {
   if (b->min == HISTORY_UNKNOWN)
      return;
   if (into->min == HISTORY_UNKNOWN) {
      *into = *b;
      return;
   }
   if (b->min < into->min)
      into->min = b->min;
   if (b->max > into->max)
      into->max = b->max;
   if (newer)
      into->last = b->last;
}

/* The bucket ages [*a0, *a1] of column c of n over spanSeconds. Column c
   covers [t0, t1) seconds ago; bucket a covers about [a * step, (a + 1) *
   step). When columns are finer than buckets a bucket spans several
   columns, so no column is left as a false gap. */
static void Chart_columnBuckets(int c, int n, double spanSeconds, double step, int* a0, int* a1) {
   double t0 = (double)(n - 1 - c) * spanSeconds / n;
   double t1 = (double)(n - c) * spanSeconds / n;
   *a0 = (int)floor(t0 / step + 1e-9);
   *a1 = (int)ceil(t1 / step - 1e-9) - 1;
   if (*a1 < *a0)
      *a1 = *a0;
}

int Chart_resample(const History* h, double spanSeconds, int n, HistoryBucket* out) {
   const HistoryBucket unknown = {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN};
   if (n <= 0)
      return 0;
   if (!(spanSeconds > 0))
      spanSeconds = 1;
   int tier = History_tierFor(h, spanSeconds);
   double step = h->tiers[tier].step;
   for (int c = 0; c < n; c++) {
      int a0, a1;
      Chart_columnBuckets(c, n, spanSeconds, step, &a0, &a1);
      out[c] = unknown;
      /* Oldest first, so the newest bucket's last value wins. */
      for (int a = a1; a >= a0; a--) {
         HistoryBucket b;
         if (History_bucket(h, tier, a, &b))
            Chart_merge(&out[c], &b, true);
      }
   }
   return tier;
}

bool Chart_scale(const HistoryBucket* cols, int n, bool useBand, uint64_t* lo, uint64_t* hi) {
   bool any = false;
   uint64_t low = 0, high = 0;
   for (int c = 0; c < n; c++) {
      if (cols[c].min == HISTORY_UNKNOWN)
         continue;
      uint64_t a = useBand ? cols[c].min : cols[c].last;
      uint64_t b = useBand ? cols[c].max : cols[c].last;
      if (!any || a < low)
         low = a;
      if (!any || b > high)
         high = b;
      any = true;
   }
   if (!any)
      return false;
   /* A floor of 1/64 of the value (and 64 KiB): a few pages of jitter on a
      flat worker stay a flat line instead of a mountain range. */
   uint64_t floorRange = high / 64;
   if (floorRange < 64)
      floorRange = 64;
   if (high - low < floorRange) {
      uint64_t missing = floorRange - (high - low);
      low = low > missing / 2 ? low - missing / 2 : 0;
      high = low + floorRange > high ? low + floorRange : high;
   }
   *lo = low;
   *hi = high;
   return true;
}

/* Height of v in sub-cell units, 0..height * levels. A known value is at
   least one unit high, so a value at the bottom is told apart from a gap. */
static int Chart_units(uint64_t v, uint64_t lo, uint64_t hi, int height, int levels) {
   int total = height * levels;
   if (v <= lo || hi <= lo)
      return 1;
   double frac = (double)(v - lo) / (double)(hi - lo);
   int units = (int)lround(frac * total);
   if (units < 1)
      units = 1;
   return units > total ? total : units;
}

void Chart_grid(const HistoryBucket* cols, int width, int height, uint64_t lo, uint64_t hi,
                const Glyphs* g, const char** glyph, ChartCellKind* kind) {
   int levels = g->barLevels;
   for (int i = 0; i < width * height; i++) {
      glyph[i] = " ";
      kind[i] = CHART_EMPTY;
   }
   for (int c = 0; c < width; c++) {
      if (cols[c].min == HISTORY_UNKNOWN)
         continue;
      int units = Chart_units(cols[c].last, lo, hi, height, levels);
      int bandUnits = Chart_units(cols[c].max, lo, hi, height, levels);
      int full = units / levels;
      int partial = units % levels;
      for (int r = 0; r < full; r++) {
         int row = height - 1 - r;
         glyph[row * width + c] = g->bar[levels - 1];
         kind[row * width + c] = CHART_BAR;
      }
      int top = full; /* first cell above the full ones */
      if (partial > 0) {
         int row = height - 1 - full;
         glyph[row * width + c] = g->bar[partial - 1];
         kind[row * width + c] = CHART_BAR;
         top++;
      }
      /* The band shows how high the column went between samples. */
      int bandCells = (bandUnits + levels - 1) / levels;
      for (int r = top; r < bandCells && r < height; r++) {
         int row = height - 1 - r;
         glyph[row * width + c] = g->band;
         kind[row * width + c] = CHART_BAND;
      }
   }
}

int Chart_timeAxis(double spanSeconds, int width, char* out, size_t outSize,
                   int ticks[CHART_MAX_TICKS]) {
   static const double steps[] = {1,     2,     5,     10,    15,     30,    60,
                                  120,   300,   600,   900,   1800,   3600,  7200,
                                  10800, 21600, 43200, 86400, 172800, 604800};
   if (outSize == 0)
      return 0;
   if (width < 0)
      width = 0;
   if ((size_t)width >= outSize)
      width = (int)outSize - 1;
   memset(out, ' ', (size_t)width);
   out[width] = '\0';
   if (width == 0 || !(spanSeconds > 0))
      return 0;

   int count = 0;
   /* "now" at the right edge, under the newest column. */
   if (width >= 3)
      memcpy(out + width - 3, "now", 3);
   ticks[count++] = width - 1;
   int leftmostLabel = width >= 3 ? width - 3 : width;

   /* Ticks at round times, at least 8 columns apart so labels do not touch. */
   double step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
   for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
      if (steps[i] * width / spanSeconds >= 8) {
         step = steps[i];
         break;
      }
   }
   for (int k = 1; count < CHART_MAX_TICKS; k++) {
      double t = k * step;
      if (t > spanSeconds + 1e-9)
         break;
      int col = width - 1 - (int)floor(t * width / spanSeconds + 1e-9);
      /* The full span lands one column past the left edge: mark the edge. */
      if (col == -1)
         col = 0;
      if (col < 0)
         break;
      ticks[count++] = col;
      char label[16];
      char span[12];
      Format_span(span, sizeof(span), t);
      int len = snprintf(label, sizeof(label), "-%s", span);
      /* Centred on the tick, kept inside and clear of the label to the right. */
      int start = col - len / 2;
      if (start < 0)
         start = 0;
      if (start + len > leftmostLabel - 1)
         continue;
      memcpy(out + start, label, (size_t)len);
      leftmostLabel = start;
   }
   return count;
}

void Chart_resampleRates(const SumHistory* s, int tier, double spanSeconds, int n, double* rates) {
   if (!(spanSeconds > 0))
      spanSeconds = 1;
   double step = s->tiers[tier].step;
   for (int c = 0; c < n; c++) {
      int a0, a1;
      Chart_columnBuckets(c, n, spanSeconds, step, &a0, &a1);
      /* Over the known buckets only: a gap does not dilute the rate. */
      double sum = 0;
      int known = 0;
      for (int a = a0; a <= a1; a++) {
         double v = SumHistory_bucket(s, tier, a);
         if (!isnan(v)) {
            sum += v;
            known++;
         }
      }
      rates[c] = known > 0 ? sum / (known * step) : NAN;
   }
}

double Chart_rateScale(const double* rates, int n) {
   double top = NAN;
   for (int c = 0; c < n; c++)
      if (!isnan(rates[c]) && !(rates[c] <= top))
         top = rates[c];
   /* All zero: the line lies on the bottom of a 0..1 scale. */
   return top > 0 ? top : isnan(top) ? NAN : 1;
}

int Chart_rateRow(double rate, double top, int height) {
   if (isnan(rate) || !(top > 0) || height <= 0)
      return -1;
   double frac = rate / top;
   frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
   return height - 1 - (int)lround(frac * (height - 1));
}

void Chart_overlay(const double* rates, int width, int height, double top, double idleRate,
                   const Glyphs* g, const char** glyph, ChartCellKind* kind) {
   for (int c = 0; c < width; c++) {
      if (isnan(rates[c]))
         continue;
      if (rates[c] <= idleRate)
         for (int r = 0; r < height; r++)
            if (kind[r * width + c] == CHART_EMPTY) {
               glyph[r * width + c] = g->idleShade;
               kind[r * width + c] = CHART_IDLE;
            }
      int row = Chart_rateRow(rates[c], top, height);
      if (row >= 0) {
         glyph[row * width + c] = g->trafficPoint;
         kind[row * width + c] = CHART_TRAFFIC;
      }
   }
}

void Chart_resampleReadings(const SmapsHistory* s, double now, double spanSeconds, int n,
                            uint32_t* uss, uint32_t* pss) {
   for (int c = 0; c < n; c++)
      uss[c] = pss[c] = HISTORY_UNKNOWN;
   SmapsReading r;
   /* Oldest first, so the newest reading of a column wins. */
   for (int age = s->count - 1; age >= 0; age--) {
      if (!SmapsHistory_reading(s, age, &r))
         continue;
      int c = Chart_timeColumn(now - r.time, spanSeconds, n);
      if (c < 0)
         continue;
      uss[c] = r.ussKiB;
      pss[c] = r.pssKiB;
   }
}

void Chart_widenScale(const uint32_t* values, int n, uint64_t* lo, uint64_t* hi) {
   for (int c = 0; c < n; c++) {
      if (values[c] == HISTORY_UNKNOWN)
         continue;
      if (values[c] < *lo)
         *lo = values[c];
      if (values[c] > *hi)
         *hi = values[c];
   }
}

void Chart_points(const uint32_t* values, int width, int height, uint64_t lo, uint64_t hi,
                  const char* point, ChartCellKind k, const char** glyph, ChartCellKind* kind) {
   for (int c = 0; c < width; c++) {
      if (values[c] == HISTORY_UNKNOWN)
         continue;
      /* The cell a bar of this value would end in. */
      int row = height - Chart_units(values[c], lo, hi, height, 1);
      glyph[row * width + c] = point;
      kind[row * width + c] = k;
   }
}

int Chart_spikes(const HistoryBucket* cols, int n, uint64_t minKiB, bool* marks) {
   int count = 0;
   for (int c = 0; c < n; c++) {
      marks[c] = false;
      const HistoryBucket* b = &cols[c];
      if (b->min == HISTORY_UNKNOWN)
         continue;
      uint64_t before = c > 0 && cols[c - 1].min != HISTORY_UNKNOWN ? cols[c - 1].last : b->min;
      uint64_t after = b->last;
      if (c + 1 < n && cols[c + 1].min != HISTORY_UNKNOWN && cols[c + 1].min < after)
         after = cols[c + 1].min;
      /* Up and back down again: a step that stays is no spike (yet). */
      if (b->max >= before + minKiB && b->max >= after + minKiB) {
         marks[c] = true;
         count++;
      }
   }
   return count;
}

int Chart_timeColumn(double ageSeconds, double spanSeconds, int width) {
   if (!(ageSeconds >= 0) || !(spanSeconds > 0) || ageSeconds >= spanSeconds)
      return -1;
   int col = width - 1 - (int)floor(ageSeconds * width / spanSeconds + 1e-9);
   return col >= 0 && col < width ? col : -1;
}
