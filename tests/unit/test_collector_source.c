/* The collector embedded in leaktop is, byte for byte, python/leaktop_collector.py. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inject/CollectorSource.h"

static void test_embedded_text_is_the_file(void** state) {
   (void)state;
   FILE* f = fopen(LEAKTOP_SRCDIR "/python/leaktop_collector.py", "rb");
   assert_non_null(f);
   size_t cap = strlen(CollectorSource_text) + 2;
   char* text = malloc(cap);
   assert_non_null(text);
   size_t len = fread(text, 1, cap, f);
   fclose(f);
   /* One byte more than the embedded text would show a longer file. */
   assert_int_equal(len, strlen(CollectorSource_text));
   assert_memory_equal(text, CollectorSource_text, len);
   free(text);
}

static void test_embedded_text_has_the_entry_points(void** state) {
   (void)state;
   assert_non_null(strstr(CollectorSource_text, "\ndef run(request):\n"));
   assert_non_null(strstr(CollectorSource_text, "\ndef collect(request):\n"));
   /* The characters the generator escapes occur, so the comparison above
      covers the escaping. */
   assert_non_null(strchr(CollectorSource_text, '\\'));
   assert_non_null(strchr(CollectorSource_text, '"'));
   assert_non_null(strchr(CollectorSource_text, '?'));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_embedded_text_is_the_file),
         cmocka_unit_test(test_embedded_text_has_the_entry_points),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
