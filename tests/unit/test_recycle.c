/* Growth masked by recycling (classify/RecycleVerdict): synthetic
   generations of one worker slot, fed tick by tick as the model feeds
   them. Consistent growth gets a verdict; flat, warm-up, plateau, noisy
   and too few generations get none. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "classify/RecycleVerdict.h"

/* One generation's shape: RSS at age t seconds, traffic per second. */
typedef struct Shape {
   double lifetime;  /* seconds */
   double warmupKiB; /* allocated in its first 3 s, every generation alike */
   double perUnitKiB;
   double perSecondKiB;
   double plateauAt;   /* growth stops at this age; 0 never */
   double teardownKiB; /* freed in its last sample, as it shuts down */
   double rate;        /* traffic units per second; < 0: no traffic signal */
   double noiseKiB;    /* +- amplitude, deterministic */
} Shape;

static void generation(GenerationRecord* out, const Shape* s, unsigned number) {
   GenerationTrace t;
   GenerationTrace_init(&t);
   double rss = 30 * 1024;
   double born = 1000.0 * number;
   for (int age = 0; age <= (int)s->lifetime; age++) {
      double grows = s->plateauAt > 0 && age > s->plateauAt ? 0 : 1;
      if (age > 0 && age <= 3)
         rss += s->warmupKiB / 3;
      if (age > 0)
         rss += grows * (s->perSecondKiB + s->perUnitKiB * fmax(s->rate, 0));
      double noise = s->noiseKiB * ((age * 7 + (int)number * 3) % 5 - 2) / 2.0;
      if (age == (int)s->lifetime)
         rss -= s->teardownKiB;
      GenerationTrace_add(&t, born + age, rss + noise, s->rate >= 0, fmax(s->rate, 0));
   }
   GenerationRecord_close(out, &t, number, s->lifetime, END_RECYCLE);
}

static void judge(RecycleVerdict* v, const Shape* shapes, int n) {
   GenerationRecord records[16];
   const GenerationRecord* gens[16];
   for (int i = 0; i < n; i++) {
      generation(&records[i], &shapes[i], (unsigned)i + 1);
      gens[i] = &records[i];
   }
   RecycleVerdict_judge(v, gens, n, 1, "requests");
}

static void repeat(Shape* out, const Shape* one, int n) {
   for (int i = 0; i < n; i++)
      out[i] = *one;
}

static void test_ends(void** state) {
   (void)state;
   assert_int_equal(RecycleVerdict_endOf("exit 0"), END_RECYCLE);
   assert_int_equal(RecycleVerdict_endOf("killed by SIGTERM"), END_RECYCLE);
   assert_int_equal(RecycleVerdict_endOf("killed by SIGQUIT"), END_RECYCLE);
   assert_int_equal(RecycleVerdict_endOf("exit 1"), END_CRASH);
   assert_int_equal(RecycleVerdict_endOf("killed by SIGSEGV (core dumped)"), END_CRASH);
   assert_int_equal(RecycleVerdict_endOf("killed by SIGKILL"), END_CRASH);
   assert_int_equal(RecycleVerdict_endOf("killed by SIGKILL (OOM kill in its cgroup)"),
                    END_OOM_KILL);
   assert_int_equal(RecycleVerdict_endOf("OOM kill in its cgroup"), END_OOM_KILL);
   assert_int_equal(RecycleVerdict_endOf("exited"), END_UNKNOWN);
   assert_string_equal(RecycleVerdict_endName(END_OOM_KILL), "oom kill");
}

/* A long life is downsampled into a bounded trace; the totals stay exact. */
static void test_trace_bounded(void** state) {
   (void)state;
   GenerationTrace t;
   GenerationTrace_init(&t);
   for (int i = 0; i <= 10000; i++)
      GenerationTrace_add(&t, i, 1000.0 + i, true, 2);
   assert_true(t.count <= RECYCLE_TRACE_POINTS);
   assert_true(t.count >= RECYCLE_TRACE_POINTS / 2);
   GenerationRecord r;
   GenerationRecord_close(&r, &t, 4, 10000, END_RECYCLE);
   assert_true(r.measured);
   assert_int_equal(r.generation, 4);
   assert_float_equal(r.totalGrowthKiB, 10000, 1e-6);
   assert_float_equal(r.totalUnits, 20000, 1e-6);
   /* After the first quarter, of which the second half holds half. */
   assert_true(fabs(r.growthKiB - 7500) < 700);
   assert_true(fabs(r.lateGrowthKiB - r.growthKiB / 2) < 700);
   assert_true(fabs(r.units - 2 * r.growthKiB) < 1e-3 * r.units + 2);
}

/* 100 KiB per request at 2 requests/s, recycled every minute after a
   warm-up of 8 MiB: grows with traffic, recycled. */
static void test_consistent_traffic(void** state) {
   (void)state;
   Shape s[5];
   repeat(s,
          &(Shape){.lifetime = 60, .warmupKiB = 8192, .perUnitKiB = 100, .rate = 2, .noiseKiB = 64},
          5);
   s[1].rate = 1.5; /* lighter traffic in one: still 100 KiB a request */
   s[1].lifetime = 80;
   RecycleVerdict v;
   judge(&v, s, 5);
   assert_int_equal(v.label, RECYCLE_GROWS_WITH_TRAFFIC);
   assert_int_equal(v.generations, 5);
   assert_true(fabs(v.perThousandUnits - 100000) < 8000);
   assert_true(fabs(v.lifetime - 64) < 1e-9);
   assert_true(fabs(v.restartsPerHour - 3600 / 64.0) < 1e-6);
   assert_true(v.spread < 0.1);
   assert_string_equal(RecycleVerdict_label(v.label), "grows with traffic, recycled");
   assert_non_null(strstr(v.evidence, "per generation +"));
   assert_non_null(strstr(v.evidence, "requests"));
   assert_non_null(strstr(v.evidence, "recycled every 64s"));
   assert_non_null(strstr(v.evidence, "5 generations"));
}

/* Workers that free their retained memory as they shut down, seen in
   their last sample: still the growth they had reached. */
static void test_teardown_drop(void** state) {
   (void)state;
   Shape s[4];
   repeat(s, &(Shape){.lifetime = 60, .warmupKiB = 4096, .perUnitKiB = 64, .rate = 2}, 4);
   s[2].teardownKiB = 8000;
   RecycleVerdict v;
   judge(&v, s, 4);
   assert_int_equal(v.label, RECYCLE_GROWS_WITH_TRAFFIC);
   assert_int_equal(v.generations, 4);
}

/* No traffic signal, 3 MiB/min: grows with time, recycled. */
static void test_consistent_time(void** state) {
   (void)state;
   Shape s[3];
   repeat(s, &(Shape){.lifetime = 60, .warmupKiB = 4096, .perSecondKiB = 50, .rate = -1}, 3);
   RecycleVerdict v;
   judge(&v, s, 3);
   assert_int_equal(v.label, RECYCLE_GROWS_WITH_TIME);
   assert_true(fabs(v.perMinute - 3000) < 100);
   assert_true(isnan(v.perThousandUnits));
   assert_non_null(strstr(v.evidence, "/min"));
}

/* The same amount of growth whatever the traffic: time explains the
   generations, traffic does not. */
static void test_time_under_varying_traffic(void** state) {
   (void)state;
   Shape s[4];
   repeat(s, &(Shape){.lifetime = 60, .perSecondKiB = 40, .rate = 1}, 4);
   s[1].rate = 4;
   s[2].rate = 0.5;
   s[3].rate = 2;
   RecycleVerdict v;
   judge(&v, s, 4);
   assert_int_equal(v.label, RECYCLE_GROWS_WITH_TIME);
}

/* The control: the same warm-up and recycling, flat after it. */
static void test_flat_none(void** state) {
   (void)state;
   Shape s[8];
   repeat(s, &(Shape){.lifetime = 60, .warmupKiB = 8192, .rate = 2, .noiseKiB = 256}, 8);
   RecycleVerdict v;
   judge(&v, s, 8);
   assert_int_equal(v.label, RECYCLE_NONE);
   assert_string_equal(v.evidence, "");
}

/* A cache that fills over its first 20 s and stops: a plateau per
   generation, alike in each, is not growth. */
static void test_plateau_none(void** state) {
   (void)state;
   Shape s[6];
   repeat(s, &(Shape){.lifetime = 60, .perUnitKiB = 200, .rate = 2, .plateauAt = 20}, 6);
   RecycleVerdict v;
   judge(&v, s, 6);
   assert_int_equal(v.label, RECYCLE_NONE);
}

/* Growth that differs wildly between generations is no pattern. */
static void test_noisy_none(void** state) {
   (void)state;
   Shape s[5];
   repeat(s, &(Shape){.lifetime = 60, .perUnitKiB = 100, .rate = 2}, 5);
   s[1].perUnitKiB = 400;
   s[2].perUnitKiB = 30;
   s[3].perUnitKiB = 250;
   RecycleVerdict v;
   judge(&v, s, 5);
   assert_int_equal(v.label, RECYCLE_NONE);
}

/* One generation of the judged that did not grow: no verdict. */
static void test_one_flat_none(void** state) {
   (void)state;
   Shape s[4];
   repeat(s, &(Shape){.lifetime = 60, .perUnitKiB = 100, .rate = 2}, 4);
   s[2].perUnitKiB = 0;
   RecycleVerdict v;
   judge(&v, s, 4);
   assert_int_equal(v.label, RECYCLE_NONE);
}

/* Two generations, however clear, are too few; a short-lived third one
   (seen for 3 s) does not count. */
static void test_too_few_none(void** state) {
   (void)state;
   Shape s[3];
   repeat(s, &(Shape){.lifetime = 60, .perUnitKiB = 100, .rate = 2}, 3);
   RecycleVerdict v;
   judge(&v, s, 2);
   assert_int_equal(v.label, RECYCLE_NONE);
   s[2].lifetime = 3;
   judge(&v, s, 3);
   assert_int_equal(v.label, RECYCLE_NONE);
   s[2].lifetime = 60;
   judge(&v, s, 3);
   assert_int_equal(v.label, RECYCLE_GROWS_WITH_TRAFFIC);
}

/* Several slots judged together: restarts per hour are the tree's. */
static void test_restarts_per_hour(void** state) {
   (void)state;
   Shape one = {.lifetime = 30, .perUnitKiB = 100, .rate = 2};
   GenerationRecord records[6];
   const GenerationRecord* gens[6];
   for (int i = 0; i < 6; i++) {
      generation(&records[i], &one, (unsigned)i + 1);
      gens[i] = &records[i];
   }
   RecycleVerdict v;
   RecycleVerdict_judge(&v, gens, 6, 3, "requests");
   assert_int_equal(v.label, RECYCLE_GROWS_WITH_TRAFFIC);
   assert_true(fabs(v.restartsPerHour - 360) < 1e-6);
   assert_non_null(strstr(v.evidence, "360 restarts/h"));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_ends),
         cmocka_unit_test(test_trace_bounded),
         cmocka_unit_test(test_consistent_traffic),
         cmocka_unit_test(test_teardown_drop),
         cmocka_unit_test(test_consistent_time),
         cmocka_unit_test(test_time_under_varying_traffic),
         cmocka_unit_test(test_flat_none),
         cmocka_unit_test(test_plateau_none),
         cmocka_unit_test(test_noisy_none),
         cmocka_unit_test(test_one_flat_none),
         cmocka_unit_test(test_too_few_none),
         cmocka_unit_test(test_restarts_per_hour),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
