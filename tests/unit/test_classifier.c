/* Classifier: every verdict on synthetic series (bench/Scenario.c), and the
   traps: constant traffic, warm-up then plateau, one step, periodic spikes,
   diurnal traffic, gaps, recycled workers, flapping on noise. */
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

/* The target: a correct verdict within 5 minutes at 1 MiB/min. */
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
