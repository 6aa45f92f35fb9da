/* Merging native and Python frames, on stacks recorded from
   /usr/bin/python3.11 (3.11.2) and Debian sid's python3.14 (3.14.10) with
   leaktop stack. */
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

static void native_at(FrameList* list, const char* symbol, uint64_t sp) {
   StackFrame f = {.kind = FRAME_NATIVE, .function = (char*)symbol, .file = "python3.14", .sp = sp};
   FrameList_add(list, &f);
}

static void entry_at(FrameList* list, const char* function, uint64_t shim) {
   StackFrame f = {.kind = FRAME_PYTHON,
                   .function = (char*)function,
                   .file = "/tmp/target.py",
                   .line = 1,
                   .entry = true,
                   .shim = shim};
   FrameList_add(list, &f);
}

/* Debian's 3.14 eval loop runs in a .cold part without a symbol: the
   frames go where the shim is, on the eval call's own C stack. A threading
   thread: Thread.run calls leaf_sleep through C (two eval calls). */
static void test_merge_by_stack(void** state) {
   (void)state;
   FrameList nat = {0}, py = {0}, out = {0};
   native_at(&nat, "clock_nanosleep", 0x7f0000001000);
   native_at(&nat, NULL, 0x7f0000001040);                /* time_sleep */
   native_at(&nat, NULL, 0x7f0000001080);                /* eval loop (.cold) */
   native_at(&nat, NULL, 0x7f0000001400);                /* method call */
   native_at(&nat, NULL, 0x7f0000001480);                /* eval loop (.cold) */
   native_at(&nat, STACK_EVAL_FUNCTION, 0x7f0000001800); /* named, but ran nothing */
   native_at(&nat, "start_thread", 0x7f0000001900);
   python(&py, "leaf_sleep", 12, false);
   entry_at(&py, "Thread.run", 0x7f0000001100); /* in the first eval's frame */
   python(&py, "Thread._bootstrap_inner", 1083, false);
   entry_at(&py, "Thread._bootstrap", 0x7f0000001500);
   assert_int_equal(StackMerge_merge(&nat, &py, &out), 2);
   const char* const want[] = {"clock_nanosleep",
                               NULL,
                               "leaf_sleep",
                               "Thread.run",
                               NULL,
                               "Thread._bootstrap_inner",
                               "Thread._bootstrap",
                               STACK_EVAL_FUNCTION,
                               "start_thread"};
   assert_int_equal(out.count, 9);
   for (int i = 0; i < 9; i++) {
      if (want[i])
         assert_string_equal(out.frames[i].function, want[i]);
      else
         assert_null(out.frames[i].function);
   }
   FrameList_clear(&out);

   /* A shim outside every native frame (a stack cut short): the Python
      frames go last rather than into a wrong frame. */
   FrameList_clear(&py);
   entry_at(&py, "elsewhere", 0x7f0000009000);
   assert_int_equal(StackMerge_merge(&nat, &py, &out), 0);
   assert_int_equal(out.count, 8);
   assert_string_equal(out.frames[7].function, "elsewhere");
   FrameList_clear(&nat), FrameList_clear(&py), FrameList_clear(&out);
}

/* The tail-calling eval loop (3.14 built with --with-tail-call-interp):
   the running opcode handler sits on _PyEval_EvalFrameDefault, and both
   are one eval call, by name as by stack. */
static void test_merge_tail_call(void** state) {
   (void)state;
   for (int byStack = 0; byStack < 2; byStack++) {
      FrameList nat = {0}, py = {0}, out = {0};
      uint64_t sp = byStack ? 0x7f0000001000 : 0;
      native_at(&nat, "clock_nanosleep", sp);
      native_at(&nat, "_TAIL_CALL_CALL_BUILTIN_O", sp ? sp + 0x40 : 0);
      native_at(&nat, STACK_EVAL_FUNCTION, sp ? sp + 0x80 : 0);
      native_at(&nat, "PyEval_EvalCode", sp ? sp + 0x400 : 0);
      python(&py, "leaf_sleep", 12, false);
      entry_at(&py, "<module>", sp ? sp + 0x100 : 0);
      assert_int_equal(StackMerge_merge(&nat, &py, &out), 1);
      const char* const want[] = {"clock_nanosleep", "leaf_sleep", "<module>", "PyEval_EvalCode"};
      expect(&out, want, 4);
      FrameList_clear(&nat), FrameList_clear(&py), FrameList_clear(&out);
   }
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_merge_one_eval_call), cmocka_unit_test(test_merge_two_eval_calls),
         cmocka_unit_test(test_merge_leftovers),     cmocka_unit_test(test_merge_by_stack),
         cmocka_unit_test(test_merge_tail_call),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
