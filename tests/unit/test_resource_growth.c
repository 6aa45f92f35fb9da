/* The fds and threads growth detector on synthetic series at 1 s ticks:
   steady leaks are named within a minute with their evidence, and a pool
   that fills, a burst that closes again, a count that wanders and a leak
   that stopped long ago are not; the change over a window and the time to
   the fd limit; the runbook step by what grows. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/ResourceGrowth.h"
#include "classify/Runbook.h"

typedef uint32_t (*SeriesFn)(double t);

/* Feeds fds (and threads flat at 4) from t0 to t1 inclusive, one tick a
   second; CLOSE_WAIT every 10 s when closeWait is given. Returns whether
   the fds were ever said to grow. */
static bool feed(ResourceGrowth* g, double t0, double t1, SeriesFn fds, SeriesFn closeWait) {
   bool ever = false;
   for (double t = t0; t <= t1; t += 1) {
      ResourceInput in = {.time = t};
      in.known[RESOURCE_FDS] = in.known[RESOURCE_THREADS] = true;
      in.value[RESOURCE_FDS] = fds(t);
      in.value[RESOURCE_THREADS] = 4;
      if (closeWait && fmod(t, 10) == 5) {
         in.known[RESOURCE_CLOSE_WAIT] = in.known[RESOURCE_ESTABLISHED] = true;
         in.value[RESOURCE_CLOSE_WAIT] = closeWait(t);
         in.value[RESOURCE_ESTABLISHED] = 2;
      }
      ResourceGrowth_add(g, &in);
      ever |= g->grows[RESOURCE_FDS];
   }
   return ever;
}

/* What g says grows, its table-cell form, and a phrase its runbook step holds. */
static void assertSays(const ResourceGrowth* g, const char* text, const char* brief,
                       const char* step) {
   char said[128];
   ResourceGrowth_describe(g, said, sizeof(said));
   assert_string_equal(said, text);
   assert_string_equal(ResourceGrowth_brief(g), brief);
   assert_non_null(strstr(Runbook_resourceStep(g), step));
}

static uint32_t leak2PerSecond(double t) {
   return 12 + (uint32_t)(2 * t);
}

static uint32_t closeWaitLeak(double t) {
   return (uint32_t)(2 * t);
}

static void test_steady_leak_with_close_wait(void** state) {
   (void)state;
   ResourceGrowth g;
   ResourceGrowth_init(&g);
   assert_false(feed(&g, 0, 40, leak2PerSecond, closeWaitLeak));
   assert_true(feed(&g, 41, 60, leak2PerSecond, closeWaitLeak));
   assert_false(g.grows[RESOURCE_THREADS]);
   /* From the first bucket's last reading (CLOSE_WAIT at 5 s, fds at 9 s). */
   assertSays(&g, "grows/fds: CLOSE_WAIT +100", "fds", "CLOSE_WAIT");
   /* 132 fds at 2 a second: 1000 is 434 s away. */
   assert_true(fabs(ResourceGrowth_secondsToLimit(&g, 1000) - 434) < 20);
   assert_true(ResourceGrowth_secondsToLimit(&g, 100) == 0);
   int64_t change = 0;
   assert_true(ResourceGrowth_change(&g, RESOURCE_FDS, 60, 30, &change));
   assert_true(change >= 58 && change <= 62);
   /* More than the history: from its first bucket's reading. */
   assert_true(ResourceGrowth_change(&g, RESOURCE_FDS, 60, 300, &change));
   assert_int_equal(change, 102);
}

static void test_file_leak_without_kinds(void** state) {
   (void)state;
   ResourceGrowth g;
   ResourceGrowth_init(&g);
   assert_true(feed(&g, 0, 60, leak2PerSecond, NULL));
   assertSays(&g, "grows/fds +102", "fds", "/proc/PID/fd");
}

static uint32_t poolFills(double t) {
   return t < 30 ? 5 + (uint32_t)(t * 50 / 30) : 55;
}

static uint32_t burst(double t) {
   return t >= 100 && t < 120 ? 150 : 20;
}

static uint32_t wanders(double t) {
   return 20 + (uint32_t)(((unsigned)t * 2654435761u) >> 28); /* 20..35 */
}

static void test_not_growth(void** state) {
   (void)state;
   ResourceGrowth g;
   ResourceGrowth_init(&g);
   assert_false(feed(&g, 0, 600, poolFills, NULL));
   char text[128];
   ResourceGrowth_describe(&g, text, sizeof(text));
   assert_string_equal(text, "");
   assert_null(ResourceGrowth_brief(&g));
   assert_null(Runbook_resourceStep(&g));
   assert_true(isnan(ResourceGrowth_secondsToLimit(&g, 1000)));
   ResourceGrowth_init(&g);
   assert_false(feed(&g, 0, 600, burst, NULL));
   ResourceGrowth_init(&g);
   assert_false(feed(&g, 0, 900, wanders, NULL));
}

static uint32_t leakThenStop(double t) {
   return t < 120 ? 10 + (uint32_t)t : 130;
}

static void test_leak_that_stops(void** state) {
   (void)state;
   ResourceGrowth g;
   ResourceGrowth_init(&g);
   assert_true(feed(&g, 0, 120, leakThenStop, NULL));
   unsigned revision = g.revision;
   /* Held while the window still holds the rise; gone once it slid past. */
   feed(&g, 121, 150, leakThenStop, NULL);
   assert_true(g.grows[RESOURCE_FDS]);
   feed(&g, 151, 500, leakThenStop, NULL);
   assert_false(g.grows[RESOURCE_FDS]);
   assert_true(g.revision != revision);
}

static void test_threads_and_gaps(void** state) {
   (void)state;
   ResourceGrowth g;
   ResourceGrowth_init(&g);
   for (double t = 0; t <= 90; t += 1) {
      ResourceInput in = {.time = t};
      /* The fd count unknown (another user's process), threads +1 a second. */
      in.known[RESOURCE_THREADS] = true;
      in.value[RESOURCE_THREADS] = 2 + (uint32_t)t;
      ResourceGrowth_add(&g, &in);
   }
   assert_false(g.grows[RESOURCE_FDS]);
   assertSays(&g, "grows/threads +81", "thr", "leaktop stack");
   int64_t change;
   assert_false(ResourceGrowth_change(&g, RESOURCE_FDS, 90, 300, &change));
   uint32_t latest;
   assert_false(ResourceGrowth_latest(&g, RESOURCE_FDS, &latest));
   assert_true(ResourceGrowth_latest(&g, RESOURCE_THREADS, &latest));
   assert_int_equal(latest, 92);
   /* A gap longer than the ring forgets everything before it. */
   ResourceInput later = {.time = 90 + 2 * RESOURCE_ROWS * RESOURCE_STEP_SECONDS};
   later.known[RESOURCE_THREADS] = true;
   later.value[RESOURCE_THREADS] = 3;
   ResourceGrowth_add(&g, &later);
   assert_false(g.grows[RESOURCE_THREADS]);
   assert_false(ResourceGrowth_change(&g, RESOURCE_THREADS, later.time, 3600, &change));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_steady_leak_with_close_wait),
         cmocka_unit_test(test_file_leak_without_kinds),
         cmocka_unit_test(test_not_growth),
         cmocka_unit_test(test_leak_that_stops),
         cmocka_unit_test(test_threads_and_gaps),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
