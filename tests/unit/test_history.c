/* History: consolidation into tiers, wrap-around, gaps, bounded memory; the
   ring of USS and PSS readings. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model/History.h"
#include "model/SmapsHistory.h"

static History history;

static void test_consolidates_min_max_last(void** state) {
   (void)state;
   History_init(&history, 1.0);
   /* Ten 1 s samples inside one 10 s bucket of tier 1. */
   const uint32_t values[10] = {500, 300, 900, 400, 450, 460, 470, 480, 490, 410};
   for (int i = 0; i < 10; i++)
      History_add(&history, 1000.0 + i, values[i]);
   HistoryBucket b;
   assert_true(History_bucket(&history, 1, 0, &b));
   assert_int_equal(b.min, 300);
   assert_int_equal(b.max, 900);
   assert_int_equal(b.last, 410);
   assert_false(History_bucket(&history, 1, 1, &b));
   /* Tier 0 keeps each sample in its own bucket, newest first. */
   assert_true(History_bucket(&history, 0, 0, &b));
   assert_int_equal(b.last, 410);
   assert_true(History_bucket(&history, 0, 9, &b));
   assert_int_equal(b.last, 500);
   assert_int_equal(history.tiers[0].count, 10);
}

static void test_wraps_around_keeping_newest(void** state) {
   (void)state;
   History_init(&history, 1.0);
   int total = HISTORY_ROWS_T0 + 123;
   for (int i = 0; i < total; i++)
      History_add(&history, (double)i, (uint32_t)i);
   HistoryBucket b;
   assert_int_equal(history.tiers[0].count, HISTORY_ROWS_T0);
   assert_true(History_bucket(&history, 0, 0, &b));
   assert_int_equal(b.last, total - 1);
   assert_true(History_bucket(&history, 0, HISTORY_ROWS_T0 - 1, &b));
   assert_int_equal(b.last, total - HISTORY_ROWS_T0);
   assert_false(History_bucket(&history, 0, HISTORY_ROWS_T0, &b));
}

static void test_unreadable_sample_is_a_gap(void** state) {
   (void)state;
   History_init(&history, 1.0);
   History_add(&history, 0, 100);
   History_addUnknown(&history, 1);
   History_add(&history, 2, 300);
   HistoryBucket b;
   assert_true(History_bucket(&history, 0, 1, &b));
   assert_int_equal(b.min, HISTORY_UNKNOWN);
   /* The 10 s bucket only knows the readable samples. */
   assert_true(History_bucket(&history, 1, 0, &b));
   assert_int_equal(b.min, 100);
   assert_int_equal(b.max, 300);
   assert_int_equal(b.last, 300);
}

static void test_long_silence_is_unknown_short_one_is_bridged(void** state) {
   (void)state;
   History_init(&history, 1.0);
   History_add(&history, 0, 100);
   History_add(&history, 2, 200); /* one tick late: within the heartbeat */
   HistoryBucket b;
   assert_true(History_bucket(&history, 0, 1, &b));
   assert_int_equal(b.last, 100);
   History_add(&history, 60, 300); /* a minute of silence */
   assert_true(History_bucket(&history, 0, 1, &b));
   assert_int_equal(b.min, HISTORY_UNKNOWN);
   assert_true(History_bucket(&history, 0, 57, &b));
   assert_int_equal(b.min, HISTORY_UNKNOWN);
   assert_true(History_bucket(&history, 0, 58, &b));
   assert_int_equal(b.last, 200);
}

static void test_huge_gap_does_not_loop_or_overflow(void** state) {
   (void)state;
   History_init(&history, 1.0);
   History_add(&history, 0, 100);
   History_add(&history, 1e9, 200);
   HistoryBucket b;
   assert_true(History_bucket(&history, 3, 0, &b));
   assert_int_equal(b.last, 200);
   assert_true(History_bucket(&history, 3, 1, &b));
   assert_int_equal(b.min, HISTORY_UNKNOWN);
   assert_int_equal(history.tiers[3].count, HISTORY_ROWS_T3);
}

static void test_memory_is_constant_once_full(void** state) {
   (void)state;
   History_init(&history, 1.0);
   /* 24 h plus one hour of 1 s samples fills every tier. */
   const int seconds = 25 * 3600;
   for (int i = 0; i < seconds; i++)
      History_add(&history, (double)i, (uint32_t)(1000 + i % 97));
   for (int t = 0; t < HISTORY_TIERS; t++) {
      assert_int_equal(history.tiers[t].count, history.tiers[t].rows);
      /* The rings live inside the History value itself: nothing is allocated. */
      assert_true((const char*)history.tiers[t].buckets >= (const char*)&history &&
                  (const char*)(history.tiers[t].buckets + history.tiers[t].rows) <=
                        (const char*)(&history + 1));
   }
   assert_true(history.tiers[3].step * history.tiers[3].rows >= 24 * 3600);
   HistoryBucket b;
   assert_true(History_bucket(&history, 3, 0, &b));
   assert_int_equal(b.min, 1000);
   assert_int_equal(b.max, 1096);
}

static void test_slope_of_linear_growth(void** state) {
   (void)state;
   History_init(&history, 1.0);
   /* 2 KiB per second = 120 KiB per minute, with noise that averages out. */
   for (int i = 0; i < 300; i++)
      History_add(&history, (double)i, (uint32_t)(50000 + 2 * i + (i % 2 ? 3 : -3)));
   double slope = History_slopePerMinute(&history, 300, 5);
   assert_true(fabs(slope - 120.0) < 1.0);
   /* A one-minute window sees the same rate. */
   assert_true(fabs(History_slopePerMinute(&history, 60, 5) - 120.0) < 2.0);
}

static void test_slope_flat_and_insufficient(void** state) {
   (void)state;
   History_init(&history, 1.0);
   assert_true(isnan(History_slopePerMinute(&history, 300, 5)));
   History_add(&history, 0, 100);
   History_add(&history, 1, 100);
   assert_true(isnan(History_slopePerMinute(&history, 300, 5)));
   for (int i = 2; i < 20; i++)
      History_add(&history, (double)i, 100);
   assert_true(fabs(History_slopePerMinute(&history, 300, 5)) < 1e-9);
}

static void test_slope_uses_coarser_tier_for_long_windows(void** state) {
   (void)state;
   History_init(&history, 1.0);
   /* 1 KiB/s for two hours: the 1 h window reads tier 1 and finds 60 KiB/min. */
   for (int i = 0; i < 7200; i++)
      History_add(&history, (double)i, (uint32_t)(10000 + i));
   assert_int_equal(History_tierFor(&history, 300), 0);
   assert_int_equal(History_tierFor(&history, 3600), 1);
   assert_int_equal(History_tierFor(&history, 6 * 3600), 2);
   /* Tier 2 is not full yet: it holds all two hours, finer than tier 3. */
   assert_int_equal(History_tierFor(&history, 24 * 3600), 2);
   assert_true(fabs(History_slopePerMinute(&history, 3600, 5) - 60.0) < 1.0);
   assert_true(fabs(History_coveredSeconds(&history, 3600) - 3600) < 1e-6);
}

static void test_young_history_keeps_the_finest_tier(void** state) {
   (void)state;
   /* Forty seconds of data: a 5 min window must not fall back to 10 s buckets. */
   History_init(&history, 0.25);
   for (int i = 0; i < 160; i++)
      History_add(&history, i * 0.25, (uint32_t)(1000 + 4 * i));
   assert_int_equal(History_tierFor(&history, 300), 0);
   assert_true(fabs(History_slopePerMinute(&history, 300, 10) - 960.0) < 1.0);
}

static void test_slower_tick_sets_tier0_step(void** state) {
   (void)state;
   History_init(&history, 5.0);
   assert_true(history.tiers[0].step == 5.0);
   assert_true(history.tiers[1].step == 10.0);
   History_init(&history, 30.0);
   /* A 10 s tier under a 30 s tick would hold only gaps. */
   assert_true(history.tiers[1].step == 30.0);
}

static void test_smaps_ring_keeps_newest_readings(void** state) {
   (void)state;
   static SmapsHistory ring;
   SmapsHistory_init(&ring, 500.0);
   SmapsReading r;
   assert_false(SmapsHistory_reading(&ring, 0, &r));
   /* Readings every 10 s, one more round than the ring holds. */
   int total = SMAPS_HISTORY_ROWS + 7;
   for (int i = 0; i < total; i++)
      SmapsHistory_add(&ring, 500.25 + 10.0 * i, 1000 + (uint64_t)i, 2000 + (uint64_t)i);
   assert_int_equal(ring.count, SMAPS_HISTORY_ROWS);
   assert_true(SmapsHistory_reading(&ring, 0, &r));
   assert_int_equal(r.ussKiB, 1000 + total - 1);
   assert_int_equal(r.pssKiB, 2000 + total - 1);
   /* Times come back to a tenth of a second. */
   assert_true(fabs(r.time - (500.25 + 10.0 * (total - 1))) <= 0.05 + 1e-9);
   assert_true(SmapsHistory_reading(&ring, SMAPS_HISTORY_ROWS - 1, &r));
   assert_int_equal(r.ussKiB, 1000 + total - SMAPS_HISTORY_ROWS);
   assert_false(SmapsHistory_reading(&ring, SMAPS_HISTORY_ROWS, &r));
   assert_false(SmapsHistory_reading(&ring, -1, &r));
   /* The budget of bench/own_memory: well under 2 KiB a process. */
   assert_true(sizeof(ring) <= 1280);
}

static void test_smaps_ring_never_stores_the_gap_marker(void** state) {
   (void)state;
   static SmapsHistory ring;
   SmapsHistory_init(&ring, 100.0);
   /* 5 TiB saturates below HISTORY_UNKNOWN; a time before the origin is clamped. */
   SmapsHistory_add(&ring, 90.0, (uint64_t)5 << 30, HISTORY_UNKNOWN);
   SmapsReading r;
   assert_true(SmapsHistory_reading(&ring, 0, &r));
   assert_int_equal(r.ussKiB, HISTORY_UNKNOWN - 1);
   assert_int_equal(r.pssKiB, HISTORY_UNKNOWN - 1);
   assert_true(r.time == 100.0);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_consolidates_min_max_last),
         cmocka_unit_test(test_wraps_around_keeping_newest),
         cmocka_unit_test(test_unreadable_sample_is_a_gap),
         cmocka_unit_test(test_long_silence_is_unknown_short_one_is_bridged),
         cmocka_unit_test(test_huge_gap_does_not_loop_or_overflow),
         cmocka_unit_test(test_memory_is_constant_once_full),
         cmocka_unit_test(test_slope_of_linear_growth),
         cmocka_unit_test(test_slope_flat_and_insufficient),
         cmocka_unit_test(test_slope_uses_coarser_tier_for_long_windows),
         cmocka_unit_test(test_young_history_keeps_the_finest_tier),
         cmocka_unit_test(test_slower_tick_sets_tier0_step),
         cmocka_unit_test(test_smaps_ring_keeps_newest_readings),
         cmocka_unit_test(test_smaps_ring_never_stores_the_gap_marker),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
