/* The streaming JSON writer of --batch: what it writes is read back by
   json-c, a real parser, and compared with what was written. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "output/JsonWriter.h"

static json_object* parsed(const JsonWriter* w) {
   enum json_tokener_error error;
   json_object* o = json_tokener_parse_verbose(w->text, &error);
   if (!o)
      fail_msg("not JSON (%s): %s", json_tokener_error_desc(error), w->text);
   return o;
}

static json_object* member(json_object* o, const char* key) {
   json_object* v = NULL;
   assert_true(json_object_object_get_ex(o, key, &v));
   return v;
}

static void test_nesting_and_commas(void** state) {
   (void)state;
   JsonWriter w;
   JsonWriter_init(&w);
   JsonWriter_beginObject(&w, NULL);
   JsonWriter_int(&w, "a", 1);
   JsonWriter_beginArray(&w, "list");
   for (int i = 0; i < 3; i++) {
      JsonWriter_beginObject(&w, NULL);
      JsonWriter_int(&w, "i", i);
      JsonWriter_beginArray(&w, "empty");
      JsonWriter_endArray(&w);
      JsonWriter_endObject(&w);
   }
   JsonWriter_endArray(&w);
   JsonWriter_beginObject(&w, "none");
   JsonWriter_endObject(&w);
   JsonWriter_null(&w, "n");
   JsonWriter_bool(&w, "t", true);
   JsonWriter_bool(&w, "f", false);
   JsonWriter_raw(&w, "raw", "{\"x\":[1,2]}", 11);
   JsonWriter_endObject(&w);
   assert_string_equal(w.text, "{\"a\":1,\"list\":[{\"i\":0,\"empty\":[]},{\"i\":1,\"empty\":[]},"
                               "{\"i\":2,\"empty\":[]}],\"none\":{},\"n\":null,\"t\":true,"
                               "\"f\":false,\"raw\":{\"x\":[1,2]}}");
   json_object* o = parsed(&w);
   assert_int_equal(json_object_array_length(member(o, "list")), 3);
   json_object_put(o);
   /* Reset keeps nothing of the last line but its buffer. */
   JsonWriter_reset(&w);
   JsonWriter_beginArray(&w, NULL);
   JsonWriter_int(&w, NULL, 7);
   JsonWriter_int(&w, NULL, 8);
   JsonWriter_endArray(&w);
   assert_string_equal(w.text, "[7,8]");
   JsonWriter_done(&w);
}

/* Every byte but NUL, in a string, comes back the same through a parser:
   quotes, backslashes and control characters escaped, UTF-8 as it is. */
static void test_strings_round_trip(void** state) {
   (void)state;
   char every[256];
   for (int i = 1; i < 256; i++)
      every[i - 1] = (char)i;
   every[255] = '\0';
   const char* cases[] = {
         "",         "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\rcr", "\x01\x1f\x7f",
         "Москва ✓", every};
   for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
      JsonWriter w;
      JsonWriter_init(&w);
      JsonWriter_beginObject(&w, NULL);
      JsonWriter_string(&w, "s", cases[k]);
      JsonWriter_string(&w, "null", NULL);
      JsonWriter_endObject(&w);
      json_object* o = parsed(&w);
      assert_string_equal(json_object_get_string(member(o, "s")), cases[k]);
      assert_true(json_object_is_type(member(o, "null"), json_type_null));
      json_object_put(o);
      JsonWriter_done(&w);
   }
}

static void test_integers(void** state) {
   (void)state;
   JsonWriter w;
   JsonWriter_init(&w);
   JsonWriter_beginArray(&w, NULL);
   JsonWriter_int(&w, NULL, 0);
   JsonWriter_int(&w, NULL, -1);
   JsonWriter_int(&w, NULL, INT64_MIN);
   JsonWriter_int(&w, NULL, INT64_MAX);
   JsonWriter_u64(&w, NULL, UINT64_MAX);
   JsonWriter_knownU64(&w, NULL, false, 5);
   JsonWriter_knownU64(&w, NULL, true, 5);
   JsonWriter_endArray(&w);
   assert_string_equal(w.text, "[0,-1,-9223372036854775808,9223372036854775807,"
                               "9223372036854775807,null,5]");
   JsonWriter_done(&w);
}

/* Fixed decimals as printf's %.*f prints them, over magnitudes from a
   fraction to epoch times and beyond the writer's integer path. */
static void test_fixed_matches_printf(void** state) {
   (void)state;
   const double values[] = {0,     0.04,       -0.04,         1.5,       2.675,         -17.25,
                            100.0, 123456.789, 1796408457.33, 1.0 / 3.0, -2.0 / 3.0,    1e17,
                            -1e20, 4.5e15,     0.0005,        99.95,     1795264165.169};
   unsigned mismatches = 0;
   for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
      for (int decimals = 0; decimals <= 3; decimals++) {
         JsonWriter w;
         JsonWriter_init(&w);
         JsonWriter_fixed(&w, NULL, values[i], decimals);
         char expected[400];
         snprintf(expected, sizeof(expected), "%.*f", decimals, values[i]);
         /* -0.0 and halfway cases may round the other way; the value must
            still be within half a unit of the last decimal. */
         if (strcmp(w.text, expected) != 0) {
            mismatches++;
            double got = strtod(w.text, NULL);
            assert_true(fabs(got - values[i]) <= 0.5000001 * pow(10, -decimals));
         }
         JsonWriter_done(&w);
      }
   }
   assert_true(mismatches <= 4);
   JsonWriter w;
   JsonWriter_init(&w);
   JsonWriter_beginArray(&w, NULL);
   JsonWriter_fixed(&w, NULL, NAN, 1);
   JsonWriter_fixed(&w, NULL, INFINITY, 1);
   JsonWriter_fixed(&w, NULL, 12.34, 1);
   JsonWriter_endArray(&w);
   assert_string_equal(w.text, "[null,null,12.3]");
   JsonWriter_done(&w);
}

/* A line far larger than the first buffer grows it and stays whole. */
static void test_large_line(void** state) {
   (void)state;
   JsonWriter w;
   JsonWriter_init(&w);
   JsonWriter_beginArray(&w, NULL);
   for (int i = 0; i < 20000; i++)
      JsonWriter_string(&w, NULL, "a process's command line");
   JsonWriter_endArray(&w);
   json_object* o = parsed(&w);
   assert_int_equal(json_object_array_length(o), 20000);
   assert_int_equal(strlen(w.text), w.length);
   json_object_put(o);
   JsonWriter_done(&w);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_nesting_and_commas), cmocka_unit_test(test_strings_round_trip),
         cmocka_unit_test(test_integers),           cmocka_unit_test(test_fixed_matches_printf),
         cmocka_unit_test(test_large_line),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
