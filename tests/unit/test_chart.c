/* The pure parts of the screen: number formats, resampling a History into
   chart columns, sparklines, the chart grid, the time axis, and the column
   layout (which also decides the sampler's cost flags). */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/History.h"
#include "model/SmapsHistory.h"
#include "model/SumHistory.h"
#include "ui/Chart.h"
#include "ui/Columns.h"
#include "util/Format.h"
#include "ui/Glyphs.h"
#include "ui/Sparkline.h"

static History* history_new(void) {
   History* h = malloc(sizeof(*h));
   assert_non_null(h);
   History_init(h, 1.0);
   return h;
}

/* Seconds start at 1000 so bucket numbers are not all zero. */
#define T0 1000.0

static void test_format_size(void** state) {
   (void)state;
   char buf[16];
   Format_size(buf, sizeof(buf), 0);
   assert_string_equal(buf, "0K");
   Format_size(buf, sizeof(buf), 512);
   assert_string_equal(buf, "512K");
   Format_size(buf, sizeof(buf), 1536);
   assert_string_equal(buf, "1.5M");
   Format_size(buf, sizeof(buf), 23 * 1024 + 410);
   assert_string_equal(buf, "23.4M");
   Format_size(buf, sizeof(buf), 512 * 1024);
   assert_string_equal(buf, "512M");
   Format_size(buf, sizeof(buf), 1024 * 1024);
   assert_string_equal(buf, "1.0G");
   Format_size(buf, sizeof(buf), 3ULL * 1024 * 1024 * 1024);
   assert_string_equal(buf, "3.0T");
   /* Never wider than the 5-column fields that hold it. */
   for (uint64_t kib = 1; kib < (1ULL << 42); kib = kib * 3 + 1) {
      Format_size(buf, sizeof(buf), kib);
      assert_true(strlen(buf) <= 5);
   }
}

static void test_format_growth_age_span(void** state) {
   (void)state;
   char buf[16];
   Format_growth(buf, sizeof(buf), NAN);
   assert_string_equal(buf, "-");
   Format_growth(buf, sizeof(buf), 0.2);
   assert_string_equal(buf, "0");
   Format_growth(buf, sizeof(buf), 1536);
   assert_string_equal(buf, "+1.5M");
   Format_growth(buf, sizeof(buf), -300);
   assert_string_equal(buf, "-300K");

   Format_age(buf, sizeof(buf), 5.7);
   assert_string_equal(buf, "5s");
   Format_age(buf, sizeof(buf), 180);
   assert_string_equal(buf, "3m");
   Format_age(buf, sizeof(buf), 7300);
   assert_string_equal(buf, "2h");
   Format_age(buf, sizeof(buf), 90000);
   assert_string_equal(buf, "1d");
   Format_age(buf, sizeof(buf), -1);
   assert_string_equal(buf, "n/a");

   Format_span(buf, sizeof(buf), 0.5);
   assert_string_equal(buf, "0.5s");
   Format_span(buf, sizeof(buf), 30);
   assert_string_equal(buf, "30s");
   Format_span(buf, sizeof(buf), 90);
   assert_string_equal(buf, "90s");
   Format_span(buf, sizeof(buf), 300);
   assert_string_equal(buf, "5m");
   /* Half-minute ticks of a 5 min chart must not collapse into one label. */
   Format_span(buf, sizeof(buf), 150);
   assert_string_equal(buf, "2m30s");
   Format_span(buf, sizeof(buf), 3600);
   assert_string_equal(buf, "1h");
   Format_span(buf, sizeof(buf), 5400);
   assert_string_equal(buf, "1h30m");

   Format_percent(buf, sizeof(buf), 12.34);
   assert_string_equal(buf, "12.3");
   Format_percent(buf, sizeof(buf), 134.2);
   assert_string_equal(buf, "134");
   Format_percent(buf, sizeof(buf), NAN);
   assert_string_equal(buf, "n/a");
}

static void test_format_command(void** state) {
   (void)state;
   char buf[64];
   Format_command(buf, sizeof(buf), "python3", "/usr/bin/python3 demo.py --port 0");
   assert_string_equal(buf, "python3 demo.py --port 0");
   Format_command(buf, sizeof(buf), "gunicorn", "gunicorn: worker [app:app]");
   assert_string_equal(buf, "gunicorn: worker [app:app]");
   Format_command(buf, sizeof(buf), "celery", "/usr/bin/python3 -m celery worker");
   assert_string_equal(buf, "celery: /usr/bin/python3 -m celery worker");
   Format_command(buf, sizeof(buf), "kworker", "");
   assert_string_equal(buf, "[kworker]");
   /* Truncated to the buffer, never overflowing it. */
   char small[8];
   Format_command(small, sizeof(small), "python3", "/usr/bin/python3 a-very-long-script.py");
   assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_resample_rising(void** state) {
   (void)state;
   History* h = history_new();
   for (int s = 0; s < 60; s++)
      History_add(h, T0 + s, 1000 + (uint32_t)s * 100);
   HistoryBucket cols[6];
   int tier = Chart_resample(h, 60, 6, cols);
   assert_int_equal(tier, 0);
   for (int c = 0; c < 6; c++) {
      assert_int_not_equal(cols[c].min, HISTORY_UNKNOWN);
      assert_true(cols[c].min <= cols[c].last && cols[c].last <= cols[c].max);
      if (c > 0)
         assert_true(cols[c].last > cols[c - 1].last);
   }
   /* The newest column ends with the newest sample. */
   assert_int_equal(cols[5].last, 1000 + 59 * 100);
   free(h);
}

static void test_resample_gaps_and_short_history(void** state) {
   (void)state;
   History* h = history_new();
   /* 20 s known, 20 s unreadable, 20 s known. */
   for (int s = 0; s < 60; s++) {
      if (s >= 20 && s < 40)
         History_addUnknown(h, T0 + s);
      else
         History_add(h, T0 + s, 5000);
   }
   HistoryBucket cols[6];
   Chart_resample(h, 60, 6, cols);
   assert_int_not_equal(cols[0].min, HISTORY_UNKNOWN);
   assert_int_equal(cols[2].min, HISTORY_UNKNOWN); /* seconds 20..29: a gap */
   assert_int_equal(cols[3].min, HISTORY_UNKNOWN);
   assert_int_not_equal(cols[5].min, HISTORY_UNKNOWN);

   /* A span longer than the history: the old part is unknown, not zero. */
   HistoryBucket wide[10];
   Chart_resample(h, 600, 10, wide);
   for (int c = 0; c < 9; c++)
      assert_int_equal(wide[c].min, HISTORY_UNKNOWN);
   assert_int_not_equal(wide[9].min, HISTORY_UNKNOWN);
   free(h);
}

static void test_resample_finer_than_buckets(void** state) {
   (void)state;
   History* h = history_new();
   for (int s = 0; s < 60; s++)
      History_add(h, T0 + s, 7000);
   /* 120 columns over 60 one-second buckets: no column may look like a gap. */
   HistoryBucket cols[120];
   Chart_resample(h, 60, 120, cols);
   for (int c = 0; c < 120; c++)
      assert_int_equal(cols[c].last, 7000);
   free(h);
}

static void test_resample_coarse_tier(void** state) {
   (void)state;
   History* h = history_new();
   for (int s = 0; s < 3600; s++)
      History_add(h, T0 + s, 2000 + (uint32_t)s);
   HistoryBucket cols[60];
   /* An hour does not fit the 10-minute tick tier. */
   int tier = Chart_resample(h, 3600, 60, cols);
   assert_true(tier >= 1);
   assert_true(cols[59].last > cols[0].last);
   free(h);
}

static void test_scale_floor(void** state) {
   (void)state;
   HistoryBucket flat[4] = {{100000, 100004, 100002},
                            {100000, 100004, 100001},
                            {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN},
                            {100001, 100003, 100003}};
   uint64_t lo, hi;
   assert_true(Chart_scale(flat, 4, true, &lo, &hi));
   /* Four KiB of jitter on 100 MB is widened to 1/64 of the value. */
   assert_true(hi - lo >= 100004 / 64);
   assert_true(lo <= 100000 && hi >= 100004);
   HistoryBucket none[2] = {{HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN},
                            {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN}};
   assert_false(Chart_scale(none, 2, true, &lo, &hi));
}

static void test_sparkline(void** state) {
   (void)state;
   HistoryBucket cols[5] = {{1000, 1000, 1000},
                            {2000, 2000, 2000},
                            {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN},
                            {4000, 4000, 4000},
                            {9000, 9000, 9000}};
   char out[64];
   assert_int_equal(Sparkline_render(cols, 5, &Glyphs_utf8, out, sizeof(out)), 5);
   assert_string_equal(out, "▁▂ ▄█");
   assert_int_equal(Sparkline_render(cols, 5, &Glyphs_ascii, out, sizeof(out)), 5);
   assert_string_equal(out, "_. -#");
   for (const char* c = out; *c; c++)
      assert_true((unsigned char)*c < 128);
   /* Too small a buffer cuts at a glyph boundary. */
   char tiny[7];
   assert_int_equal(Sparkline_render(cols, 5, &Glyphs_utf8, tiny, sizeof(tiny)), 2);
   assert_string_equal(tiny, "▁▂");
}

static void test_sparkline_of_history(void** state) {
   (void)state;
   History* h = history_new();
   for (int s = 0; s < 60; s++)
      History_add(h, T0 + s, 10000 + (uint32_t)s * 1000);
   char out[64];
   assert_int_equal(Sparkline_ofHistory(h, 60, 8, &Glyphs_utf8, out, sizeof(out)), 8);
   assert_true(strncmp(out, "▁", strlen("▁")) == 0);
   assert_string_equal(out + strlen(out) - strlen("█"), "█");
   free(h);
}

static void test_grid(void** state) {
   (void)state;
   enum { W = 4, H = 3 };
   HistoryBucket cols[W] = {{100, 100, 100},
                            {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN},
                            {200, 400, 250},
                            {400, 400, 400}};
   const char* glyph[W * H];
   ChartCellKind kind[W * H];
   Chart_grid(cols, W, H, 100, 400, &Glyphs_utf8, glyph, kind);
   /* Unknown column: blank from top to bottom. */
   for (int r = 0; r < H; r++)
      assert_int_equal(kind[r * W + 1], CHART_EMPTY);
   /* The lowest value still shows a sliver, unlike a gap. */
   assert_int_equal(kind[(H - 1) * W + 0], CHART_BAR);
   assert_string_equal(glyph[(H - 1) * W + 0], "▁");
   assert_int_equal(kind[0 * W + 0], CHART_EMPTY);
   /* The maximum fills its column. */
   for (int r = 0; r < H; r++) {
      assert_int_equal(kind[r * W + 3], CHART_BAR);
      assert_string_equal(glyph[r * W + 3], "█");
   }
   /* Last at 250, max at 400: a bar with a band above it to the top. */
   assert_int_equal(kind[(H - 1) * W + 2], CHART_BAR);
   assert_int_equal(kind[0 * W + 2], CHART_BAND);
   assert_string_equal(glyph[0 * W + 2], "░");

   Chart_grid(cols, W, H, 100, 400, &Glyphs_ascii, glyph, kind);
   for (int i = 0; i < W * H; i++)
      for (const char* c = glyph[i]; *c; c++)
         assert_true((unsigned char)*c < 128);
}

static void test_time_axis(void** state) {
   (void)state;
   char out[128];
   int ticks[CHART_MAX_TICKS];
   int n = Chart_timeAxis(600, 60, out, sizeof(out), ticks);
   assert_int_equal(strlen(out), 60);
   assert_string_equal(out + 57, "now");
   assert_non_null(strstr(out, "-4m"));
   assert_non_null(strstr(out, "-10m")); /* the left edge */
   assert_true(n >= 2);
   assert_int_equal(ticks[0], 59);
   for (int i = 0; i < n; i++)
      assert_true(ticks[i] >= 0 && ticks[i] < 60);
   /* Labels never touch: every label is followed by a blank or the end. */
   for (int i = 1; i < 60; i++)
      if (out[i] == '-')
         assert_true(out[i - 1] == ' ');

   /* A tiny axis: no crash, no overflow, still exactly the width. */
   n = Chart_timeAxis(300, 2, out, sizeof(out), ticks);
   assert_int_equal(strlen(out), 2);
   n = Chart_timeAxis(300, 50, out, 10, ticks);
   assert_int_equal(strlen(out), 9);
   (void)n;
}

static void test_format_ttl_count_estimate(void** state) {
   (void)state;
   char buf[32];
   Format_ttl(buf, sizeof(buf), NAN);
   assert_string_equal(buf, "-");
   Format_ttl(buf, sizeof(buf), 30);
   assert_string_equal(buf, "<1m");
   Format_ttl(buf, sizeof(buf), 45 * 60 + 59);
   assert_string_equal(buf, "45m");
   Format_ttl(buf, sizeof(buf), 3 * 3600 + 12 * 60 + 30);
   assert_string_equal(buf, "3h12m");
   Format_ttl(buf, sizeof(buf), 14 * 3600 + 50 * 60);
   assert_string_equal(buf, "14h");
   /* Never wider than the TTL column. */
   for (double s = 1; s < 86400; s = s * 1.7 + 1) {
      Format_ttl(buf, sizeof(buf), s);
      assert_true((int)strlen(buf) <= Columns_table[COL_TTL].width);
   }

   Format_count(buf, sizeof(buf), 0);
   assert_string_equal(buf, "0");
   Format_count(buf, sizeof(buf), 0.0004);
   assert_string_equal(buf, "<.001");
   Format_count(buf, sizeof(buf), 0.004);
   assert_string_equal(buf, "0.004");
   Format_count(buf, sizeof(buf), 0.25);
   assert_string_equal(buf, "0.25");
   Format_count(buf, sizeof(buf), 3.5);
   assert_string_equal(buf, "3.5");
   Format_count(buf, sizeof(buf), 42);
   assert_string_equal(buf, "42");
   Format_count(buf, sizeof(buf), 1234);
   assert_string_equal(buf, "1.2k");
   Format_count(buf, sizeof(buf), 35000);
   assert_string_equal(buf, "35k");
   Format_count(buf, sizeof(buf), NAN);
   assert_string_equal(buf, "-");
   /* The right axis has 6 columns after its glyph. */
   for (double v = 0.0001; v < 1e13; v = v * 1.9 + 0.0001) {
      Format_count(buf, sizeof(buf), v);
      assert_true(strlen(buf) <= 5);
   }

   Format_estimate(buf, sizeof(buf), 1228.8, 40, "+-");
   assert_string_equal(buf, "+1.2M +-40K");
   Format_estimate(buf, sizeof(buf), -300, NAN, "+-");
   assert_string_equal(buf, "-300K");
   Format_estimate(buf, sizeof(buf), NAN, 3, "+-");
   assert_string_equal(buf, "-");
}

/* Traffic recorded beside RSS lands in the same chart columns, as a rate. */
static void test_traffic_rates_line_up(void** state) {
   (void)state;
   History* h = history_new();
   SumHistory* s = malloc(sizeof(*s));
   assert_non_null(s);
   SumHistory_init(s, h);
   assert_true(sizeof(*s) <= 8 * 1024);
   /* 60 ticks: RSS rises; 5 units a tick for 30 s, then idle, with an
      unreadable tick in the middle of the idle half. */
   for (int i = 0; i < 60; i++) {
      History_add(h, T0 + i, 1000 + (uint32_t)i);
      SumHistory_add(s, T0 + i, i != 45, i < 30 ? 5 : 0);
   }
   assert_true(isnan(SumHistory_bucket(s, 0, 60)));
   assert_true(isnan(SumHistory_bucket(s, 0, 14))); /* the unreadable tick */
   assert_true(SumHistory_bucket(s, 0, 59) == 5);

   HistoryBucket cols[6];
   double rates[6];
   int tier = Chart_resample(h, 60, 6, cols);
   Chart_resampleRates(s, tier, 60, 6, rates);
   for (int c = 0; c < 3; c++)
      assert_true(fabs(rates[c] - 5) < 1e-6);
   for (int c = 3; c < 6; c++)
      assert_true(rates[c] == 0); /* the gap does not make a column unknown */
   /* Before the first sample: unknown, never 0. */
   Chart_resampleRates(s, tier, 120, 6, rates);
   assert_true(isnan(rates[0]) && isnan(rates[2]));
   assert_true(fabs(rates[3] - 5) < 1e-6);

   /* Coarser tiers hold sums too: 10 s buckets of 50 units are 5/s. */
   for (int i = 60; i < 1200; i++) {
      History_add(h, T0 + i, 1000);
      SumHistory_add(s, T0 + i, true, 5);
   }
   tier = Chart_resample(h, 3600, 6, cols);
   assert_true(tier >= 1);
   Chart_resampleRates(s, tier, 3600, 6, rates);
   assert_true(fabs(rates[5] - 5) < 1e-6);
   free(s);
   free(h);
}

static void test_overlay_spikes_marks(void** state) {
   (void)state;
   enum { W = 6, H = 4 };
   /* Rates, one unknown; the scale runs from 0 to the largest. */
   const double rates[W] = {0, 2, 4, NAN, 1, 0};
   double top = Chart_rateScale(rates, W);
   assert_true(top == 4);
   assert_int_equal(Chart_rateRow(4, top, H), 0);
   assert_int_equal(Chart_rateRow(0, top, H), H - 1);
   assert_int_equal(Chart_rateRow(NAN, top, H), -1);
   const double zero[2] = {0, 0};
   assert_true(Chart_rateScale(zero, 2) == 1);
   const double none[2] = {NAN, NAN};
   assert_true(isnan(Chart_rateScale(none, 2)));

   const HistoryBucket u = {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN};
   HistoryBucket cols[W] = {{100, 100, 100}, {100, 100, 100}, {400, 400, 400}, u,
                            {100, 100, 100}, {100, 100, 100}};
   const char* glyph[W * H];
   ChartCellKind kind[W * H];
   Chart_grid(cols, W, H, 100, 400, &Glyphs_ascii, glyph, kind);
   Chart_overlay(rates, W, H, top, 0, &Glyphs_ascii, glyph, kind);
   /* Idle columns (rate 0) are shaded above their bar; the point lies on top. */
   assert_int_equal(kind[0 * W + 0], CHART_IDLE);
   assert_string_equal(glyph[0 * W + 0], ".");
   assert_int_equal(kind[(H - 1) * W + 0], CHART_TRAFFIC);
   assert_string_equal(glyph[(H - 1) * W + 0], "o");
   assert_int_equal(kind[0 * W + 2], CHART_TRAFFIC); /* rate 4 at the top, over the bar */
   assert_int_equal(kind[0 * W + 1], CHART_EMPTY);   /* busy: not shaded */
   for (int r = 0; r < H; r++)
      assert_int_equal(kind[r * W + 3], CHART_EMPTY); /* unknown: nothing drawn */

   /* Spikes go up and come back; a step that stays and a ramp are none. */
   bool marks[8];
   HistoryBucket spiky[8] = {
         {100, 100, 100},    {100, 5000, 100},   /* up and down within a bucket */
         {100, 100, 100},    {5000, 5000, 5000}, /* one tick up ... */
         {100, 100, 100},                        /* ... and back */
         {100, 100, 100},    {100, 5000, 5000},  /* a step that stays */
         {5000, 5000, 5000},
   };
   assert_int_equal(Chart_spikes(spiky, 8, 2048, marks), 2);
   assert_true(marks[1] && marks[3]);
   assert_false(marks[6] || marks[7] || marks[0]);
   HistoryBucket ramp[4] = {{100, 3000, 3000}, {3000, 6000, 6000}, {6000, 9000, 9000}, u};
   assert_int_equal(Chart_spikes(ramp, 4, 2048, marks), 0);

   /* An event's column is the one Chart_resample puts its time in. */
   assert_int_equal(Chart_timeColumn(0, 60, 60), 59);
   assert_int_equal(Chart_timeColumn(0.5, 60, 60), 59);
   assert_int_equal(Chart_timeColumn(59.5, 60, 60), 0);
   assert_int_equal(Chart_timeColumn(60, 60, 60), -1);
   assert_int_equal(Chart_timeColumn(-1, 60, 60), -1);
   assert_int_equal(Chart_timeColumn(30, 60, 6), 2);
}

static void test_layout_and_cost_flags(void** state) {
   (void)state;
   ColumnLayout layout;
   const ColumnSet* set = &Columns_sets[0];
   Columns_layout(set, 80, NULL, &layout);
   assert_true(Columns_visible(&layout, COL_PID));
   assert_true(Columns_visible(&layout, COL_PSS));
   assert_true(Columns_visible(&layout, COL_SPARK));
   assert_true(Columns_visible(&layout, COL_COMMAND));
   assert_true(Columns_visible(&layout, COL_VERDICT)); /* the question on call */
   assert_true(Columns_visible(&layout, COL_TTL));
   assert_false(Columns_visible(&layout, COL_CSW)); /* optional, hidden by default */
   assert_true(layout.flags & COLUMN_NEEDS_SMAPS);
   /* Table order, inside the screen, the command taking the rest. */
   for (int i = 0; i < layout.count; i++) {
      assert_true(layout.x[i] + layout.width[i] <= 80);
      if (i > 0)
         assert_true(layout.ids[i] > layout.ids[i - 1]);
   }
   assert_int_equal(layout.x[layout.count - 1] + layout.width[layout.count - 1], 80);

   /* 20 columns: the most important ones; PSS dropped, so no smaps reads. */
   int widths[COL_COUNT];
   for (int id = 0; id < COL_COUNT; id++)
      widths[id] = Columns_table[id].width;
   widths[COL_PID] = 5;
   Columns_layout(set, 20, widths, &layout);
   assert_true(Columns_visible(&layout, COL_PID));
   assert_true(Columns_visible(&layout, COL_RSS));
   assert_true(Columns_visible(&layout, COL_GROWTH));
   assert_false(Columns_visible(&layout, COL_PSS));
   assert_false(layout.flags & COLUMN_NEEDS_SMAPS);
   for (int i = 0; i < layout.count; i++)
      assert_true(layout.x[i] + layout.width[i] <= 20);

   /* Even 1 column keeps one clipped column and never exceeds the screen. */
   Columns_layout(set, 1, NULL, &layout);
   assert_int_equal(layout.count, 1);
   assert_true(layout.width[0] <= 1);

   /* Only the sets that show PSS, USS or swap ask for smaps_rollup reads. */
   for (int s = 0; s < Columns_setCount; s++) {
      Columns_layout(&Columns_sets[s], 200, NULL, &layout);
      bool smapsShown = Columns_visible(&layout, COL_PSS) || Columns_visible(&layout, COL_USS) ||
                        Columns_visible(&layout, COL_SWAP);
      assert_int_equal(!!(layout.flags & COLUMN_NEEDS_SMAPS), smapsShown);
      /* and only those that show FDS read what each fd is. */
      assert_int_equal(!!(layout.flags & COLUMN_NEEDS_FDS), Columns_visible(&layout, COL_FDS));
      /* A set's own columns show at 80 columns too, or `c` would seem to do nothing. */
      Columns_layout(&Columns_sets[s], 80, NULL, &layout);
      for (int id = 0; id < COL_COUNT; id++)
         if (Columns_sets[s].emphasis & COLUMNS_BIT(id))
            assert_true(Columns_visible(&layout, (ColumnId)id));
   }
   /* Every short verdict fits its column. */
   for (int v = VERDICT_WARMING_UP; v <= VERDICT_INCONCLUSIVE; v++)
      assert_true((int)strlen(Columns_shortVerdict((GrowthVerdict)v)) <=
                  Columns_table[COL_VERDICT].width);
   assert_string_equal(Columns_shortVerdict(VERDICT_GROWS_WITH_TRAFFIC), "grows/traffic");
   assert_int_equal(Columns_verdictColor(VERDICT_GROWS_WITH_TIME), CLR_WARNING);
   assert_int_equal(Columns_byName("verdict"), COL_VERDICT);
   assert_int_equal(Columns_byName("GROWTH"), COL_GROWTH);
   assert_int_equal(Columns_byName("rss"), COL_RSS);
   assert_int_equal(Columns_byName("nonsense"), -1);
}

static void test_smaps_readings_as_points(void** state) {
   (void)state;
   enum { W = 6, H = 4 };
   static SmapsHistory ring;
   SmapsHistory_init(&ring, T0);
   /* Over the last 60 s, 10 s a column: readings 15 s and 5 s ago, two in
      the column 35..40 s ago (the newer wins), one before the span. */
   SmapsHistory_add(&ring, T0 + 30, 999, 999);
   SmapsHistory_add(&ring, T0 + 51, 150, 180);
   SmapsHistory_add(&ring, T0 + 54, 160, 190);
   SmapsHistory_add(&ring, T0 + 75, 200, 300);
   SmapsHistory_add(&ring, T0 + 85, 400, 400);
   uint32_t uss[W], pss[W];
   Chart_resampleReadings(&ring, T0 + 90, 60, W, uss, pss);
   const uint32_t wantUss[W] = {HISTORY_UNKNOWN, HISTORY_UNKNOWN, 160, HISTORY_UNKNOWN, 200, 400};
   const uint32_t wantPss[W] = {HISTORY_UNKNOWN, HISTORY_UNKNOWN, 190, HISTORY_UNKNOWN, 300, 400};
   for (int c = 0; c < W; c++) {
      assert_int_equal(uss[c], wantUss[c]);
      assert_int_equal(pss[c], wantPss[c]);
   }

   /* The RSS scale takes the readings in; unknown columns do not count. */
   uint64_t lo = 300, hi = 350;
   Chart_widenScale(uss, W, &lo, &hi);
   assert_int_equal(lo, 160);
   assert_int_equal(hi, 400);

   const HistoryBucket u = {HISTORY_UNKNOWN, HISTORY_UNKNOWN, HISTORY_UNKNOWN};
   HistoryBucket cols[W] = {u, u, {400, 400, 400}, {400, 400, 400}, {400, 400, 400}, u};
   const char* glyph[W * H];
   ChartCellKind kind[W * H];
   Chart_grid(cols, W, H, 100, 400, &Glyphs_ascii, glyph, kind);
   Chart_points(pss, W, H, 100, 400, Glyphs_ascii.pssPoint, CHART_PSS, glyph, kind);
   Chart_points(uss, W, H, 100, 400, Glyphs_ascii.ussPoint, CHART_USS, glyph, kind);
   /* Over the RSS bars: 400 at the top, 300 two thirds up, 200 a third up
      (the bottom row). */
   assert_int_equal(kind[0 * W + 5], CHART_USS);
   assert_string_equal(glyph[0 * W + 5], "x");
   assert_int_equal(kind[(H - 1) * W + 4], CHART_USS);
   assert_int_equal(kind[1 * W + 4], CHART_PSS);
   assert_string_equal(glyph[1 * W + 4], "*");
   /* Gaps stay empty: no reading, no point. */
   for (int r = 0; r < H; r++) {
      assert_int_equal(kind[r * W + 0], CHART_EMPTY);
      assert_true(kind[r * W + 3] == CHART_BAR || kind[r * W + 3] == CHART_BAND);
   }
}

static void test_glyph_tables(void** state) {
   (void)state;
   assert_true(Glyphs_isUtf8Codeset("UTF-8"));
   assert_true(Glyphs_isUtf8Codeset("utf8"));
   assert_false(Glyphs_isUtf8Codeset("ANSI_X3.4-1968"));
   assert_false(Glyphs_isUtf8Codeset(NULL));
   const Glyphs* a = &Glyphs_ascii;
   const char* all[] = {a->band,           a->treeBranch,   a->treeLast,      a->treeVertical,
                        a->treeSpace,      a->axisVertical, a->axisTick,      a->axisCorner,
                        a->axisHorizontal, a->axisTimeTick, a->sortAscending, a->sortDescending,
                        a->treeHeader,     a->trafficPoint, a->idleShade,     a->spikeMark,
                        a->verdictMark,    a->plusMinus,    a->axisTickRight, a->axisCornerRight,
                        a->ussPoint,       a->pssPoint};
   for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
      for (const char* c = all[i]; *c; c++)
         assert_true((unsigned char)*c < 128);
   for (int i = 0; i < a->sparkLevels; i++)
      assert_int_equal(strlen(a->spark[i]), 1);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_format_size),
         cmocka_unit_test(test_format_growth_age_span),
         cmocka_unit_test(test_format_command),
         cmocka_unit_test(test_resample_rising),
         cmocka_unit_test(test_resample_gaps_and_short_history),
         cmocka_unit_test(test_resample_finer_than_buckets),
         cmocka_unit_test(test_resample_coarse_tier),
         cmocka_unit_test(test_scale_floor),
         cmocka_unit_test(test_sparkline),
         cmocka_unit_test(test_sparkline_of_history),
         cmocka_unit_test(test_grid),
         cmocka_unit_test(test_time_axis),
         cmocka_unit_test(test_format_ttl_count_estimate),
         cmocka_unit_test(test_traffic_rates_line_up),
         cmocka_unit_test(test_overlay_spikes_marks),
         cmocka_unit_test(test_layout_and_cost_flags),
         cmocka_unit_test(test_smaps_readings_as_points),
         cmocka_unit_test(test_glyph_tables),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
