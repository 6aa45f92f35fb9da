/* Merging native and Python frames, on stacks recorded from
   /usr/bin/python3.11 (3.11.2) with leaktop stack. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stacks/StackMerge.h"

static void native(FrameList* list, const char* symbol) {
   StackFrame f = {.kind = FRAME_NATIVE, .function = (char*)symbol, .file = "python3.11"};
   FrameList_add(list, &f);
}

static void python(FrameList* list, const char* function, int line, bool entry) {
   StackFrame f = {.kind = FRAME_PYTHON,
                   .function = (char*)function,
                   .file = "/tmp/target.py",
                   .line = line,
                   .entry = entry};
   FrameList_add(list, &f);
}

static void expect(const FrameList* list, const char* const* names, int count) {
   assert_int_equal(list->count, count);
   for (int i = 0; i < count; i++)
      assert_string_equal(list->frames[i].function, names[i]);
}

/* The main thread in time.sleep: one eval call runs all three frames
   (only <module> has is_entry). */
static void test_merge_one_eval_call(void** state) {
   (void)state;
   FrameList nat = {0}, py = {0}, out = {0};
   native(&nat, "clock_nanosleep");
   native(&nat, NULL); /* time_sleep: static, no symbol in the stripped binary */
   native(&nat, "PyObject_Vectorcall");
   native(&nat, STACK_EVAL_FUNCTION);
   native(&nat, "PyEval_EvalCode");
   native(&nat, "Py_BytesMain");
   python(&py, "leaf_sleep", 9, false);
   python(&py, "mid_sleep", 12, false);
   python(&py, "<module>", 21, true);
   assert_int_equal(StackMerge_merge(&nat, &py, &out), 1);
   const char* const want[] = {"clock_nanosleep", NULL,          "PyObject_Vectorcall",
                               "leaf_sleep",      "mid_sleep",   "<module>",
                               "PyEval_EvalCode", "Py_BytesMain"};
   assert_int_equal(out.count, 8);
   for (int i = 0; i < 8; i++) {
      if (want[i])
         assert_string_equal(out.frames[i].function, want[i]);
      else
         assert_null(out.frames[i].function);
   }
   assert_int_equal(out.frames[3].kind, FRAME_PYTHON);
   assert_int_equal(out.frames[3].line, 9);
   FrameList_clear(&nat), FrameList_clear(&py), FrameList_clear(&out);
}

/* A threading thread: run() called from C (two eval calls, two entries). */
static void test_merge_two_eval_calls(void** state) {
   (void)state;
   FrameList nat = {0}, py = {0}, out = {0};
   native(&nat, "__recv");
   native(&nat, STACK_EVAL_FUNCTION);
   native(&nat, "_PyFunction_Vectorcall");
   native(&nat, STACK_EVAL_FUNCTION);
   native(&nat, "start_thread");
   python(&py, "reader", 15, true);
   python(&py, "Thread.run", 975, false);
   python(&py, "Thread._bootstrap_inner", 1038, false);
   python(&py, "Thread._bootstrap", 995, true);
   assert_int_equal(StackMerge_merge(&nat, &py, &out), 2);
   const char* const want[] = {"__recv",
                               "reader",
                               "_PyFunction_Vectorcall",
                               "Thread.run",
                               "Thread._bootstrap_inner",
                               "Thread._bootstrap",
                               "start_thread"};
   expect(&out, want, 7);
   FrameList_clear(&nat), FrameList_clear(&py), FrameList_clear(&out);
}

/* Native unwinding stopped early: the Python frames still show, after. */
static void test_merge_leftovers(void** state) {
   (void)state;
   FrameList nat = {0}, py = {0}, out = {0};
   native(&nat, "PyObject_Free");
   python(&py, "spin", 6, true);
   python(&py, "Thread.run", 975, true);
   assert_int_equal(StackMerge_merge(&nat, &py, &out), 0);
   const char* const want[] = {"PyObject_Free", "spin", "Thread.run"};
   expect(&out, want, 3);
   FrameList_clear(&out);

   /* More eval calls than Python frames: the extra ones stay native. */
   FrameList_clear(&nat);
   native(&nat, STACK_EVAL_FUNCTION);
   native(&nat, STACK_EVAL_FUNCTION);
   native(&nat, STACK_EVAL_FUNCTION);
   assert_int_equal(StackMerge_merge(&nat, &py, &out), 2);
   const char* const want2[] = {"spin", "Thread.run", STACK_EVAL_FUNCTION};
   expect(&out, want2, 3);
   FrameList_clear(&out);

   /* A native process: nothing to merge. */
   FrameList none = {0};
   assert_int_equal(StackMerge_merge(&nat, &none, &out), 0);
   assert_int_equal(out.count, 3);
   assert_int_equal(out.frames[0].kind, FRAME_NATIVE);
   FrameList_clear(&nat), FrameList_clear(&py), FrameList_clear(&out);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_merge_one_eval_call),
         cmocka_unit_test(test_merge_two_eval_calls),
         cmocka_unit_test(test_merge_leftovers),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
