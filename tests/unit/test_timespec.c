/* The time forms replay's `b` key, -t and dump's --from/--to take, in a
   fixed zone (CET, one hour east of UTC) and at a fixed "now". */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/TimeSpec.h"

#define S 1000000LL
/* 2026-12-04 14:32:10 UTC = 15:32:10 CET */
static const int64_t NOW = 1796394730LL * S;

static int64_t parse(const char* text) {
   int64_t out = -1;
   char err[256] = "";
   assert_true(TimeSpec_parse(text, NOW, &out, err, sizeof(err)));
   assert_string_equal(err, "");
   return out;
}

static void refused(const char* text) {
   int64_t out = 42;
   char err[256] = "";
   assert_false(TimeSpec_parse(text, NOW, &out, err, sizeof(err)));
   assert_int_equal(out, 42);
   assert_non_null(strstr(err, "cannot read the time"));
   assert_non_null(strstr(err, "2h ago"));
}

static int setup(void** state) {
   (void)state;
   setenv("TZ", "CET-1", 1);
   tzset();
   return 0;
}

static void test_clock_time_is_today_in_the_local_zone(void** state) {
   (void)state;
   assert_int_equal(parse("14:05"), NOW - (3600 + 27 * 60 + 10) * S);
   assert_int_equal(parse("15:32:10"), NOW);
   assert_int_equal(parse(" 09:00:30 "), NOW - (6 * 3600 + 31 * 60 + 40) * S);
}

static void test_clock_time_after_now_is_yesterday(void** state) {
   (void)state;
   assert_int_equal(parse("15:33"), NOW + 50 * S - 86400 * S);
}

static void test_ago(void** state) {
   (void)state;
   assert_int_equal(parse("2h ago"), NOW - 7200 * S);
   assert_int_equal(parse("90s ago"), NOW - 90 * S);
   assert_int_equal(parse("1h30m ago"), NOW - 5400 * S);
   assert_int_equal(parse("1d ago"), NOW - 86400 * S);
   assert_int_equal(parse("5 ago"), NOW - 5 * S);
   assert_int_equal(parse("now"), NOW);
}

static void test_iso(void** state) {
   (void)state;
   assert_int_equal(parse("2026-12-04T14:32:10Z"), NOW);
   assert_int_equal(parse("2026-12-04T15:32:10"), NOW);
   assert_int_equal(parse("2026-12-04 15:32:10"), NOW);
   assert_int_equal(parse("2026-12-04T16:32:10+02:00"), NOW);
   assert_int_equal(parse("2026-12-04T09:32:10-0500"), NOW);
   assert_int_equal(parse("2026-12-04T15:32"), NOW - 10 * S);
   assert_int_equal(parse("2026-12-04"), NOW - (15 * 3600 + 32 * 60 + 10) * S);
   assert_int_equal(parse("@1796394730"), NOW);
}

static void test_malformed(void** state) {
   (void)state;
   refused("");
   refused("yesterday");
   refused("25:00");
   refused("14:5x");
   refused("2h");
   refused("xh ago");
   refused("2026-13-01T00:00");
   refused("2026-12-04T14:05+25:00");
   refused("@12x");
}

static void test_format(void** state) {
   (void)state;
   char out[64];
   TimeSpec_format(NOW - 3600 * S, NOW, out, sizeof(out));
   assert_string_equal(out, "14:32:10 CET");
   TimeSpec_format(NOW - 86400 * S, NOW, out, sizeof(out));
   assert_string_equal(out, "2026-12-03 15:32:10 CET");
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_clock_time_is_today_in_the_local_zone),
         cmocka_unit_test(test_clock_time_after_now_is_yesterday),
         cmocka_unit_test(test_ago),
         cmocka_unit_test(test_iso),
         cmocka_unit_test(test_malformed),
         cmocka_unit_test(test_format),
   };
   return cmocka_run_group_tests(tests, setup, NULL);
}
