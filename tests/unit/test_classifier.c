/* Classifier: every verdict on synthetic series (bench/Scenario.c), and the
   traps: constant traffic, warm-up then plateau, one step, periodic spikes,
   diurnal traffic, gaps, recycled workers, flapping on noise; the times of
   issue 14 (10 MiB/min within a minute, 1 MiB/min within three) and the
   traps of a shortened window (fast and steady warm-ups, one spike,
   wandering near zero). */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "Scenario.h"
#include "classify/Classifier.h"
#include "classify/Runbook.h"
#include "classify/TimeToLimit.h"
#include "classify/TreeVerdict.h"
#include "model/ProcessTree.h"

/* Issue 11's target: a correct verdict within 5 minutes at 1 MiB/min. */
#define DEADLINE_SECONDS 300.0

typedef struct Run {
   double firstCorrect; /* seconds into the run, INFINITY never */
   int changes;
   bool leakVerdict; /* grows-with-* at some tick */
   GrowthVerdict last;
   GrowthReason lastReason;
} Run;

static GrowthClassifier classifier;

/* Feeds seconds of a scenario; dropEvery > 0 makes every dropEvery-th
   sample unreadable, and holeAt..holeAt+90 s is not sampled at all. */
static Run run(ScenarioKind kind, double tick, double scale, double seconds, int dropEvery,
               double holeAt) {
   Scenario s;
   Scenario_init(&s, kind, tick, scale, 42 + (unsigned long long)kind);
   Classifier_init(&classifier);
   GrowthReason reason;
   GrowthVerdict expected = Scenario_expected(kind, &reason);
   Run r = {.firstCorrect = INFINITY};
   GrowthVerdict previous = classifier.verdict;
   for (long i = 0; s.t < seconds; i++) {
      ClassifierInput in;
      Scenario_next(&s, &in);
      if (holeAt > 0 && s.t >= holeAt && s.t < holeAt + 90)
         continue;
      if (dropEvery > 0 && i % dropEvery == 0)
         in.rssKnown = false;
      Classifier_update(&classifier, &in);
      GrowthVerdict v = classifier.verdict;
      r.changes += v != previous;
      previous = v;
      r.leakVerdict |= v == VERDICT_GROWS_WITH_TIME || v == VERDICT_GROWS_WITH_TRAFFIC;
      if (v == expected && classifier.reason == reason && !isfinite(r.firstCorrect))
         r.firstCorrect = s.t;
   }
   r.last = classifier.verdict;
   r.lastReason = classifier.reason;
   return r;
}

static void expect_correct(ScenarioKind kind, double tick, double scale) {
   GrowthReason reason;
   GrowthVerdict expected = Scenario_expected(kind, &reason);
   Run r = run(kind, tick, scale, 600, 0, 0);
   print_message("%-24s tick %.1f: first correct at %.0f s, %d changes\n", Scenario_name(kind),
                 tick, r.firstCorrect, r.changes);
   assert_true(r.firstCorrect <= DEADLINE_SECONDS);
   assert_int_equal(r.last, expected);
   assert_int_equal(r.lastReason, reason);
   if (!Scenario_leaks(kind))
      assert_false(r.leakVerdict);
}

static void test_every_scenario_at_1s(void** state) {
   (void)state;
   for (int k = 0; k < SCENARIO_COUNT; k++)
      expect_correct((ScenarioKind)k, 1.0, 1.0);
}

/* Tests of real processes run a 0.2 s tick with 10x the rates. */
static void test_every_scenario_fast_tick(void** state) {
   (void)state;
   for (int k = 0; k < SCENARIO_COUNT; k++)
      expect_correct((ScenarioKind)k, 0.2, 10.0);
}

static void test_constant_traffic_is_inconclusive(void** state) {
   (void)state;
   Run r = run(SCENARIO_CONSTANT, 1.0, 1.0, 1800, 0, 0);
   assert_false(r.leakVerdict);
   assert_int_equal(r.last, VERDICT_INCONCLUSIVE);
   assert_int_equal(r.lastReason, REASON_TRAFFIC_CONSTANT);
   assert_true(classifier.evidence.collinearity > 0.95);
   assert_true(classifier.evidence.growthPerMin > 500);
}

static void test_warm_up_then_plateau_is_never_a_leak(void** state) {
   (void)state;
   Run r = run(SCENARIO_PLATEAU, 1.0, 1.0, 3600, 0, 0);
   assert_false(r.leakVerdict);
   assert_int_equal(r.last, VERDICT_PLATEAU);
   assert_true(r.changes <= 2); /* warming up -> plateau (via warming up or stable) */
}

static void test_step_and_spikes_are_never_a_leak(void** state) {
   (void)state;
   Run step = run(SCENARIO_STEP, 1.0, 1.0, 3600, 0, 0);
   assert_false(step.leakVerdict);
   /* Long after the step it is a level that grew and stayed. */
   assert_int_equal(step.last, VERDICT_PLATEAU);
   Run spikes = run(SCENARIO_SPIKES, 1.0, 1.0, 3600, 0, 0);
   assert_false(spikes.leakVerdict);
   assert_int_equal(spikes.last, VERDICT_SPIKES);
}

static void test_evidence_of_per_request_retention(void** state) {
   (void)state;
   run(SCENARIO_LEAK_TRAFFIC, 1.0, 1.0, 900, 0, 0);
   const GrowthEvidence* e = &classifier.evidence;
   /* 2 KiB per request: 2000 KiB per 1000 requests, nothing per minute. */
   assert_true(fabs(e->perThousandUnits - 2000) < 3 * e->perThousandStderr + 100);
   assert_true(fabs(e->unexplainedPerMin) < 3 * e->unexplainedStderr + 64);
   assert_true(e->collinearity < 0.9);
   assert_true(e->confidence > 0.99);
   assert_true(fabs(e->idlePerMin) < 64);
}

static void test_evidence_of_time_growth(void** state) {
   (void)state;
   run(SCENARIO_LEAK_TIME, 1.0, 1.0, 900, 0, 0);
   const GrowthEvidence* e = &classifier.evidence;
   assert_true(fabs(e->unexplainedPerMin - 1024) < 3 * e->unexplainedStderr + 50);
   assert_true(fabs(e->idlePerMin - 1024) < 3 * e->idleStderr + 50);
   assert_true(isfinite(Classifier_projectedGrowth(&classifier)));
}

static void test_no_flapping_on_noise(void** state) {
   (void)state;
   /* Two hours of a noisy stable worker: warming up -> stable, once. */
   Run r = run(SCENARIO_STABLE, 1.0, 1.0, 7200, 0, 0);
   assert_true(r.changes <= 1);
   assert_int_equal(r.last, VERDICT_STABLE);
   r = run(SCENARIO_LARGE_FLAT, 0.2, 10.0, 3600, 0, 0);
   assert_true(r.changes <= 1);
}

static void test_gaps_in_the_samples(void** state) {
   (void)state;
   /* A third of the samples unreadable and a 90 s hole in the middle. */
   Run leak = run(SCENARIO_LEAK_TIME, 1.0, 1.0, 900, 3, 150);
   assert_int_equal(leak.last, VERDICT_GROWS_WITH_TIME);
   assert_true(leak.firstCorrect <= DEADLINE_SECONDS + 90);
   Run flat = run(SCENARIO_STABLE, 1.0, 1.0, 900, 3, 150);
   assert_false(flat.leakVerdict);
   assert_int_equal(flat.last, VERDICT_STABLE);
}

/* Feeds a scenario for seconds: when it was first judged growing (seconds
   of samples, INFINITY never), how often the verdict changed and how often
   it went from not growing to growing. */
static double first_growth(Scenario* s, double seconds, int* changes, int* entries) {
   Classifier_init(&classifier);
   double first = INFINITY;
   GrowthVerdict previous = classifier.verdict;
   bool growing = false;
   *changes = *entries = 0;
   while (s->t < seconds) {
      ClassifierInput in;
      Scenario_next(s, &in);
      Classifier_update(&classifier, &in);
      *changes += classifier.verdict != previous;
      previous = classifier.verdict;
      bool grows = Classifier_isGrowth(&classifier);
      *entries += grows && !growing;
      growing = grows;
      if (grows && !isfinite(first))
         first = s->t;
   }
   return first;
}

static void test_strong_growth_is_judged_within_a_minute(void** state) {
   (void)state;
   int changes, entries;
   for (unsigned long long seed = 1; seed <= 20; seed++) {
      Scenario s;
      /* 10 MiB/min, clean: a 16 KiB jitter. */
      Scenario_initLeak(&s, 1.0, 10 * 1024, 30 * 1024, 16, seed);
      double at = first_growth(&s, 600, &changes, &entries);
      assert_true(at <= 60);
      assert_int_equal(entries, 1);
      assert_true(Classifier_isGrowth(&classifier));
      /* The demo's worker: 23 MiB/min from 15 MiB, allocator jitter. */
      Scenario_initLeak(&s, 1.0, 23 * 1024, 15 * 1024, 96, seed);
      at = first_growth(&s, 600, &changes, &entries);
      if (seed == 1)
         print_message("23 MiB/min from 15 MiB: growth at %.0f s\n", at);
      assert_true(at <= 60);
      assert_int_equal(entries, 1);
      assert_true(Classifier_isGrowth(&classifier));
      /* Several MiB a tick (the demo at 256 KiB a request under 40 a
         second) passes the spike threshold every tick: growth, never
         spikes. */
      Scenario_initLeak(&s, 1.0, 200 * 1024, 15 * 1024, 96, seed);
      at = first_growth(&s, 300, &changes, &entries);
      assert_true(at <= 60);
      assert_int_equal(entries, 1);
      assert_true(classifier.lastSpike < 0);
   }
}

static void test_slow_growth_is_judged_within_three_minutes(void** state) {
   (void)state;
   int changes, entries;
   for (unsigned long long seed = 1; seed <= 20; seed++) {
      Scenario s;
      /* 1 MiB/min under a 256 KiB jitter, fifteen times the growth of a
         tick: growth within 3 minutes, and it stays growth. */
      Scenario_initLeak(&s, 1.0, 1024, 30 * 1024, 256, seed);
      double at = first_growth(&s, 900, &changes, &entries);
      if (seed == 1)
         print_message("1 MiB/min, 256 KiB jitter: growth at %.0f s, %d changes\n", at, changes);
      assert_true(at <= 180);
      assert_int_equal(entries, 1);
      assert_true(Classifier_isGrowth(&classifier));
      /* The scenarios' own jitter (96 KiB): the cause is named, and kept. */
      Scenario_initLeak(&s, 1.0, 1024, 30 * 1024, 96, seed);
      at = first_growth(&s, 900, &changes, &entries);
      assert_true(at <= 180);
      assert_int_equal(entries, 1);
      assert_true(changes <= 3);
      assert_int_equal(classifier.verdict, VERDICT_GROWS_WITH_TIME);
   }
}

/* Half an hour of each trap the shortened window must not fall into. */
static void test_traps_never_grow_in_half_an_hour(void** state) {
   (void)state;
   const ScenarioKind traps[] = {SCENARIO_WARM_CACHE, SCENARIO_SPIKE_ONCE, SCENARIO_STEP,
                                 SCENARIO_STABLE,     SCENARIO_WANDER,     SCENARIO_PLATEAU};
   for (size_t k = 0; k < sizeof(traps) / sizeof(traps[0]); k++) {
      for (unsigned long long seed = 1; seed <= 10; seed++) {
         Scenario s;
         Scenario_init(&s, traps[k], 1.0, 1.0, seed);
         if (traps[k] == SCENARIO_STABLE)
            s.jitterKiB = 1024; /* a noisy control */
         int changes, entries;
         double at = first_growth(&s, 1800, &changes, &entries);
         if (isfinite(at))
            print_message("%s, seed %llu: growth at %.0f s\n", Scenario_name(traps[k]), seed, at);
         assert_false(isfinite(at));
         assert_true(changes <= 3);
      }
   }
   /* The warm-up's verdict: it grew and stopped. */
   Scenario s;
   Scenario_init(&s, SCENARIO_WARM_CACHE, 1.0, 1.0, 3);
   int changes, entries;
   first_growth(&s, 1800, &changes, &entries);
   assert_int_equal(classifier.verdict, VERDICT_PLATEAU);
}

/* Near the smallest growth that matters (128 KiB/min, 180 MiB a day): below
   it never growth, above it growth entered once and kept, over half an
   hour, without flapping. */
static void test_near_the_threshold(void** state) {
   (void)state;
   const double below[] = {64, 100, 128}, above[] = {160, 200, 256};
   for (int k = 0; k < 3; k++) {
      for (unsigned long long seed = 1; seed <= 10; seed++) {
         Scenario s;
         int changes, entries;
         Scenario_initLeak(&s, 1.0, below[k], 30 * 1024, 512, seed);
         assert_false(isfinite(first_growth(&s, 1800, &changes, &entries)));
         assert_true(changes <= 2);
         Scenario_initLeak(&s, 1.0, above[k], 30 * 1024, 96, seed);
         first_growth(&s, 1800, &changes, &entries);
         assert_int_equal(entries, 1);
         assert_true(changes <= 3);
      }
   }
}

/* A warm-up at a steady rate from the first sample: one that stops within
   40 s is never taken for growth (the bucket floors show it stopped before
   the hold ends); one that lasts a minute is, at 51 s, as a leak would be
   (nothing in RSS tells them apart yet), and is let go within 100 s of
   stopping. doc/classification.md says so. */
static void test_linear_warm_up(void** state) {
   (void)state;
   const double rates[] = {10 * 1024, 30 * 1024};
   for (int k = 0; k < 2; k++) {
      for (unsigned long long seed = 1; seed <= 20; seed++) {
         Scenario s;
         Scenario_initLeak(&s, 1.0, rates[k], 30 * 1024, 96, seed);
         s.leakUntil = 40;
         int changes, entries;
         assert_false(isfinite(first_growth(&s, 1800, &changes, &entries)));
         assert_int_equal(classifier.verdict, VERDICT_PLATEAU);

         Scenario_initLeak(&s, 1.0, rates[k], 30 * 1024, 96, seed);
         s.leakUntil = 60;
         Classifier_init(&classifier);
         double last = -1;
         while (s.t < 1800) {
            ClassifierInput in;
            Scenario_next(&s, &in);
            Classifier_update(&classifier, &in);
            if (Classifier_isGrowth(&classifier))
               last = s.t;
         }
         assert_true(last < 60 + 100);
         assert_int_equal(classifier.verdict, VERDICT_PLATEAU);
      }
   }
}

static void test_too_few_samples(void** state) {
   (void)state;
   Classifier_init(&classifier);
   for (int i = 0; i < 600; i++) {
      ClassifierInput in = {.time = i, .rssKnown = i % 60 == 0, .rssKiB = 1000};
      Classifier_update(&classifier, &in);
   }
   assert_int_equal(classifier.verdict, VERDICT_INCONCLUSIVE);
   assert_int_equal(classifier.reason, REASON_TOO_FEW_SAMPLES);
   char text[64];
   Classifier_describe(&classifier, text, sizeof(text));
   assert_string_equal(text, "inconclusive: too few samples");
}

static void test_growth_without_traffic_signal(void** state) {
   (void)state;
   Classifier_init(&classifier);
   for (int i = 0; i < 600; i++) {
      ClassifierInput in = {.time = i, .rssKnown = true, .rssKiB = 30000 + 20.0 * i};
      Classifier_update(&classifier, &in);
   }
   assert_int_equal(classifier.verdict, VERDICT_INCONCLUSIVE);
   assert_int_equal(classifier.reason, REASON_NO_TRAFFIC);
   assert_true(Classifier_isGrowth(&classifier));
   assert_non_null(Runbook_workerStep(classifier.verdict, classifier.reason));
}

static void test_recycled_worker_starts_fresh(void** state) {
   (void)state;
   run(SCENARIO_LEAK_TIME, 1.0, 1.0, 900, 0, 0);
   assert_int_equal(classifier.verdict, VERDICT_GROWS_WITH_TIME);
   /* Its replacement is a new Process, whose classifier starts over. */
   Process* next = Process_new(4242, 99, 1.0, 2000);
   assert_int_equal(next->growth.verdict, VERDICT_WARMING_UP);
   assert_true(isnan(next->growth.evidence.growthPerMin));
   assert_false(Classifier_isGrowth(&next->growth));
   Process_delete(next);
}

static void test_copy_on_write_unsharing(void** state) {
   (void)state;
   Classifier_init(&classifier);
   for (int i = 0; i < 600; i++) {
      ClassifierInput in = {.time = i,
                            .rssKnown = true,
                            .rssKiB = 80000 + (i % 7) * 10,
                            .trafficKnown = true,
                            .trafficDelta = 5,
                            .ussKnown = true,
                            .ussTime = i - i % 10, /* read every 10 s */
                            .ussKiB = 20000 + 10.0 * (i - i % 10)};
      Classifier_update(&classifier, &in);
   }
   assert_true(classifier.evidence.ussRising);
   assert_true(fabs(classifier.evidence.ussPerMin - 600) < 10);
   assert_int_equal(classifier.verdict, VERDICT_STABLE);
}

static void test_state_is_small(void** state) {
   (void)state;
   assert_true(sizeof(GrowthClassifier) <= 1024);
}

static void test_time_to_limit(void** state) {
   (void)state;
   CgroupStatus cg = {.found = true, .limited = true, .currentKnown = true};
   cg.limitBytes = 1024ull * 1024 * 1024;
   cg.currentBytes = cg.limitBytes - 60ull * 1024 * 1024;
   double headroom = TimeToLimit_headroomKiB(&cg, true, 8ull * 1024 * 1024);
   assert_true(fabs(headroom - 60 * 1024) < 1e-6);
   assert_true(fabs(TimeToLimit_seconds(1024, headroom) - 3600) < 1e-6);
   assert_true(isnan(TimeToLimit_seconds(0, headroom)));
   assert_true(isnan(TimeToLimit_seconds(1, headroom))); /* beyond a day */
   CgroupStatus none = {0};
   assert_true(fabs(TimeToLimit_headroomKiB(&none, true, 1000) - 1000) < 1e-9);
   assert_true(isnan(TimeToLimit_headroomKiB(&none, false, 0)));
}

/* A tree of a master and n workers, each fed its own scenario. */
static ProcessTree* tree_of(const ScenarioKind* kinds, int n, double seconds) {
   Process* root = Process_new(100, 1, 1.0, 0);
   root->seen = true;
   ProcessTree* tree = ProcessTree_new(root);
   Scenario s[8];
   for (int i = 0; i < n; i++) {
      Process* p = Process_new(101 + i, 2, 1.0, 0);
      p->ppid = 100;
      p->seen = p->memKnown = true;
      ProcessTree_add(tree, p);
      Scenario_init(&s[i], kinds[i], 1.0, 1.0, 7 + (unsigned long long)i);
   }
   ProcessTree_reorder(tree);
   for (double t = 0; t < seconds; t++) {
      for (int i = 0; i < n; i++) {
         Process* p = ProcessTree_find(tree, 101 + i);
         ClassifierInput in;
         Scenario_next(&s[i], &in);
         p->rssKiB = (uint64_t)in.rssKiB;
         Classifier_update(&p->growth, &in);
      }
   }
   return tree;
}

static void test_tree_verdicts(void** state) {
   (void)state;
   TreeVerdict v;
   const ScenarioKind one[4] = {SCENARIO_STABLE, SCENARIO_LEAK_TIME, SCENARIO_STABLE,
                                SCENARIO_STABLE};
   ProcessTree* tree = tree_of(one, 4, 600);
   TreeVerdict_compute(&v, tree, 100 * 1024, NAN);
   assert_int_equal(v.label, TREE_ONE_GROWS);
   assert_true(isfinite(v.timeToLimit) && v.timeToLimit > 3000 && v.timeToLimit < 9000);
   ProcessTree_delete(tree);

   const ScenarioKind all[4] = {SCENARIO_LEAK_TIME, SCENARIO_LEAK_TRAFFIC, SCENARIO_LEAK_TIME,
                                SCENARIO_LEAK_TIME};
   tree = tree_of(all, 4, 600);
   TreeVerdict_compute(&v, tree, NAN, NAN);
   assert_int_equal(v.label, TREE_ALL_GROW);
   assert_true(isnan(v.timeToLimit));
   ProcessTree_delete(tree);

   const ScenarioKind large[4] = {SCENARIO_LARGE_FLAT, SCENARIO_LARGE_FLAT, SCENARIO_LARGE_FLAT,
                                  SCENARIO_LARGE_FLAT};
   tree = tree_of(large, 4, 600);
   TreeVerdict_compute(&v, tree, NAN, 1024.0 * 1024);
   assert_int_equal(v.label, TREE_MULTIPLICATION);
   assert_string_equal(TreeVerdict_label(v.label), "worker multiplication");
   assert_non_null(Runbook_treeStep(v.label));
   ProcessTree_delete(tree);

   const ScenarioKind small[2] = {SCENARIO_STABLE, SCENARIO_SPIKES};
   tree = tree_of(small, 2, 600);
   TreeVerdict_compute(&v, tree, NAN, NAN);
   assert_int_equal(v.label, TREE_STABLE);
   ProcessTree_delete(tree);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_every_scenario_at_1s),
         cmocka_unit_test(test_every_scenario_fast_tick),
         cmocka_unit_test(test_constant_traffic_is_inconclusive),
         cmocka_unit_test(test_warm_up_then_plateau_is_never_a_leak),
         cmocka_unit_test(test_step_and_spikes_are_never_a_leak),
         cmocka_unit_test(test_evidence_of_per_request_retention),
         cmocka_unit_test(test_evidence_of_time_growth),
         cmocka_unit_test(test_no_flapping_on_noise),
         cmocka_unit_test(test_gaps_in_the_samples),
         cmocka_unit_test(test_strong_growth_is_judged_within_a_minute),
         cmocka_unit_test(test_slow_growth_is_judged_within_three_minutes),
         cmocka_unit_test(test_traps_never_grow_in_half_an_hour),
         cmocka_unit_test(test_near_the_threshold),
         cmocka_unit_test(test_linear_warm_up),
         cmocka_unit_test(test_too_few_samples),
         cmocka_unit_test(test_growth_without_traffic_signal),
         cmocka_unit_test(test_recycled_worker_starts_fresh),
         cmocka_unit_test(test_copy_on_write_unsharing),
         cmocka_unit_test(test_state_is_small),
         cmocka_unit_test(test_time_to_limit),
         cmocka_unit_test(test_tree_verdicts),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
