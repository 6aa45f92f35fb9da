/* Replay's cursor pace (ui/ReplayPace.h): a held t or T moves more ticks
   the longer it is held and a tap moves one; play and pause; x1, x10 and
   x60 give that many recorded seconds per wall second, a stall is not
   owed afterwards; and the line field the filter and the time prompt share. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/LineField.h"
#include "ui/ReplayPace.h"

static void test_a_tap_moves_one_tick(void** state) {
   (void)state;
   ReplayRepeat r = {0};
   assert_int_equal(ReplayRepeat_steps(&r, 't', 10.0), 1);
   /* Slower than autorepeat: each is a tap of its own. */
   assert_int_equal(ReplayRepeat_steps(&r, 't', 10.3), 1);
   assert_int_equal(ReplayRepeat_steps(&r, 't', 10.6), 1);
}

static void test_a_held_key_accelerates_up_to_the_most(void** state) {
   (void)state;
   ReplayRepeat r = {0};
   double now = 5.0;
   int steps[40];
   for (int i = 0; i < 40; i++, now += 0.03)
      steps[i] = ReplayRepeat_steps(&r, 'T', now);
   assert_int_equal(steps[0], 1);
   assert_int_equal(steps[REPLAY_REPEAT_DOUBLING - 1], 1);
   assert_int_equal(steps[REPLAY_REPEAT_DOUBLING], 2);
   assert_int_equal(steps[2 * REPLAY_REPEAT_DOUBLING], 4);
   for (int i = 1; i < 40; i++)
      assert_true(steps[i] >= steps[i - 1]);
   assert_int_equal(steps[39], REPLAY_REPEAT_MOST);
}

static void test_another_key_or_a_pause_starts_again(void** state) {
   (void)state;
   ReplayRepeat r = {0};
   double now = 1.0;
   for (int i = 0; i < 12; i++, now += 0.03)
      ReplayRepeat_steps(&r, 'T', now);
   assert_true(ReplayRepeat_steps(&r, 'T', now) > 1);
   /* Turning back is a new press. */
   assert_int_equal(ReplayRepeat_steps(&r, 't', now + 0.03), 1);
   for (int i = 0; i < 12; i++, now += 0.03)
      ReplayRepeat_steps(&r, 't', now);
   assert_int_equal(ReplayRepeat_steps(&r, 't', now + 0.5), 1);
}

static void test_paused_owes_nothing(void** state) {
   (void)state;
   ReplayPace p;
   ReplayPace_init(&p);
   assert_false(p.playing);
   assert_int_equal(ReplayPace_factor(&p), 1);
   assert_int_equal(ReplayPace_due(&p, 100.0, 1.0, 1000), 0);
   assert_true(ReplayPace_nextWake(&p, 1.0) < 0);
}

/* Over ten wall seconds in 0.1 s frames, each speed moves its factor in
   recorded seconds, whatever the tick. */
static int playFor(ReplayPace* p, double tick) {
   int total = 0;
   double now = 0;
   ReplayPace_toggle(p, now);
   for (int frame = 1; frame <= 100; frame++)
      total += ReplayPace_due(p, now + frame * 0.1, tick, 1000);
   return total;
}

static void test_speeds(void** state) {
   (void)state;
   ReplayPace p;
   ReplayPace_init(&p);
   assert_int_equal(playFor(&p, 1.0), 10);
   ReplayPace_init(&p);
   ReplayPace_nextSpeed(&p);
   assert_int_equal(ReplayPace_factor(&p), 10);
   assert_int_equal(playFor(&p, 1.0), 100);
   ReplayPace_init(&p);
   ReplayPace_nextSpeed(&p);
   ReplayPace_nextSpeed(&p);
   assert_int_equal(ReplayPace_factor(&p), 60);
   assert_int_equal(playFor(&p, 2.0), 300);
   /* x60 cycles back to x1. */
   ReplayPace_nextSpeed(&p);
   assert_int_equal(ReplayPace_factor(&p), 1);
}

static void test_next_wake_is_the_next_tick(void** state) {
   (void)state;
   ReplayPace p;
   ReplayPace_init(&p);
   ReplayPace_nextSpeed(&p); /* x10 */
   ReplayPace_toggle(&p, 50.0);
   assert_true(p.playing);
   /* A 1 s tick at x10 is due every 0.1 s. */
   assert_float_equal(ReplayPace_nextWake(&p, 1.0), 50.1, 1e-9);
   assert_int_equal(ReplayPace_due(&p, 50.05, 1.0, 1000), 0);
   assert_float_equal(ReplayPace_nextWake(&p, 1.0), 50.1, 1e-9);
   assert_int_equal(ReplayPace_due(&p, 50.1, 1.0, 1000), 1);
   ReplayPace_toggle(&p, 51.0);
   assert_false(p.playing);
   assert_int_equal(ReplayPace_due(&p, 60.0, 1.0, 1000), 0);
}

static void test_a_stall_is_not_owed(void** state) {
   (void)state;
   ReplayPace p;
   ReplayPace_init(&p);
   ReplayPace_toggle(&p, 0.0);
   /* A jump that took 30 s: at most 5 ticks now, and none owed after. */
   assert_int_equal(ReplayPace_due(&p, 30.0, 1.0, 5), 5);
   assert_int_equal(ReplayPace_due(&p, 30.5, 1.0, 5), 0);
   assert_int_equal(ReplayPace_due(&p, 31.0, 1.0, 5), 1);
}

static void test_line_field(void** state) {
   (void)state;
   LineField f;
   LineField_clear(&f);
   const char* typed = "2h ago";
   for (const char* c = typed; *c; c++)
      assert_true(LineField_type(&f, *c));
   assert_string_equal(f.text, "2h ago");
   /* Control keys and what is not ASCII are not typed. */
   assert_false(LineField_type(&f, '\t'));
   assert_false(LineField_type(&f, 0x263));
   LineField_erase(&f);
   LineField_erase(&f);
   assert_string_equal(f.text, "2h a");
   LineField_clear(&f);
   LineField_erase(&f);
   assert_string_equal(f.text, "");
   for (int i = 0; i < 2 * LINE_FIELD_MAX; i++)
      LineField_type(&f, '1');
   assert_int_equal(strlen(f.text), LINE_FIELD_MAX - 1);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_a_tap_moves_one_tick),
         cmocka_unit_test(test_a_held_key_accelerates_up_to_the_most),
         cmocka_unit_test(test_another_key_or_a_pause_starts_again),
         cmocka_unit_test(test_paused_owes_nothing),
         cmocka_unit_test(test_speeds),
         cmocka_unit_test(test_next_wake_is_the_next_tick),
         cmocka_unit_test(test_a_stall_is_not_owed),
         cmocka_unit_test(test_line_field),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
