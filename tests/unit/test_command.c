/* The command table: exact names only, since any other word is a PATTERN;
   the did-you-mean for a word a few edits from a name. */
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

static void test_suggest_transposition_is_one_edit(void** state) {
   (void)state;
   assert_ptr_equal(Command_suggest("stakc"), &StackCommand_entry);
   assert_ptr_equal(Command_suggest("snapshto"), &SnapshotCommand_entry);
   assert_ptr_equal(Command_suggest("hlep"), &HelpCommand_entry);
}

static void test_suggest_within_two_edits(void** state) {
   (void)state;
   assert_ptr_equal(Command_suggest("stack"), &StackCommand_entry);
   assert_ptr_equal(Command_suggest("Stack"), &StackCommand_entry);
   assert_ptr_equal(Command_suggest("stak"), &StackCommand_entry);
   assert_ptr_equal(Command_suggest("snapshots"), &SnapshotCommand_entry);
   assert_ptr_equal(Command_suggest("snpashto"), &SnapshotCommand_entry);
   assert_null(Command_suggest("snap"));
   assert_ptr_equal(Command_suggest("tsakc"), &StackCommand_entry); /* two swaps */
   assert_null(Command_suggest("slacker"));                         /* three edits */
}

static void test_suggest_nothing_for_patterns(void** state) {
   (void)state;
   assert_null(Command_suggest("gunicorn"));
   assert_null(Command_suggest("celery"));
   assert_null(Command_suggest("uwsgi"));
   assert_null(Command_suggest("st"));
   assert_null(Command_suggest(""));
   assert_null(Command_suggest("stackstackstackstackstackstackstackstack"));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_find_exact_name),
         cmocka_unit_test(test_find_no_prefix_nor_case),
         cmocka_unit_test(test_dashboard_has_no_word),
         cmocka_unit_test(test_entries_are_complete),
         cmocka_unit_test(test_suggest_transposition_is_one_edit),
         cmocka_unit_test(test_suggest_within_two_edits),
         cmocka_unit_test(test_suggest_nothing_for_patterns),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
