/* The command table: exact names only, since any other word is a PATTERN. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cmd/Command.h"

static void test_find_exact_name(void** state) {
   (void)state;
   assert_ptr_equal(Command_find("stack"), &StackCommand_entry);
   assert_ptr_equal(Command_find("snapshot"), &SnapshotCommand_entry);
   assert_ptr_equal(Command_find("help"), &HelpCommand_entry);
}

static void test_find_no_prefix_nor_case(void** state) {
   (void)state;
   assert_null(Command_find("sta"));
   assert_null(Command_find("snap"));
   assert_null(Command_find("stacks"));
   assert_null(Command_find("Stack"));
   assert_null(Command_find(""));
}

static void test_dashboard_has_no_word(void** state) {
   (void)state;
   assert_ptr_equal(Command_table[0], &DashboardCommand_entry);
   assert_null(DashboardCommand_entry.name);
   assert_null(Command_find("dashboard"));
}

static void test_entries_are_complete(void** state) {
   (void)state;
   for (const Command* const* c = Command_table; *c; c++) {
      assert_non_null((*c)->usage);
      assert_non_null((*c)->summary);
      assert_non_null((*c)->run);
      if ((*c)->name)
         assert_ptr_equal(Command_find((*c)->name), *c);
   }
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_find_exact_name),
         cmocka_unit_test(test_find_no_prefix_nor_case),
         cmocka_unit_test(test_dashboard_has_no_word),
         cmocka_unit_test(test_entries_are_complete),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
