/* CPython decoding that needs no process: the 3.11+ location table and the
   3.13, 3.14 and 3.15 _Py_DebugOffsets tables. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "DebugOffsetsTables.h"
#include "target/CPythonLayout.h"
#include "target/LineTable.h"

/* sample.__code__.co_linetable of this function, defined at line 1:
   def sample(n):
       total = 0
       for i in range(n):
           if i % 2:
               total += i
           else:
               total -= (
                   i
                   * 2
               )
       return total
   recorded from Debian's python3.11 3.11.2 and pyenv's 3.12.1, with the
   line of every code unit from co_lines(). */
static const char* const TABLE_311 =
      "8000d80c0d8045dd0d12903189588c58f00007050ef00007050e8801d80b0c88718935f00006090ed80c11905189"
      "4a88458845e00c11d81011d81213f103011114f103030d0e88458845f008000c11804c";
static const char* const TABLE_312 =
      "8000d80c0d8045dc0d1290318b58f20007050e8801d80b0c88718a35d80c119051894a8945e00c11d81011d8121"
      "3f103011114f103030d0e8945f00907050ef010000c11804c";

/* {first unit, end unit, line} from co_lines() on 3.11. */
static const int LINES_311[][3] = {
      {0, 1, 1},   {1, 2, 2},   {2, 3, 2},   {3, 9, 3},   {9, 10, 3},  {10, 12, 3},  {12, 17, 3},
      {17, 18, 3}, {18, 19, 3}, {19, 20, 3}, {20, 21, 4}, {21, 22, 4}, {22, 24, 4},  {24, 25, 4},
      {25, 26, 5}, {26, 27, 5}, {27, 29, 5}, {29, 30, 5}, {30, 31, 5}, {31, 32, 7},  {32, 33, 8},
      {33, 34, 9}, {34, 36, 8}, {36, 38, 7}, {38, 39, 7}, {39, 40, 7}, {40, 41, 11}, {41, 42, 11},
};

static size_t unhex(const char* hex, uint8_t* out, size_t size) {
   size_t n = 0;
   for (; hex[0] && hex[1] && n < size; hex += 2) {
      unsigned byte;
      sscanf(hex, "%2x", &byte);
      out[n++] = (uint8_t)byte;
   }
   return n;
}

static void test_linetable_311(void** state) {
   (void)state;
   uint8_t table[256];
   size_t len = unhex(TABLE_311, table, sizeof(table));
   for (size_t i = 0; i < sizeof(LINES_311) / sizeof(LINES_311[0]); i++)
      for (int unit = LINES_311[i][0]; unit < LINES_311[i][1]; unit++)
         assert_int_equal(LineTable_line(table, len, 1, unit), LINES_311[i][2]);
   /* Past the end of the code, and a frame not started yet. */
   assert_int_equal(LineTable_line(table, len, 1, 42), -1);
   assert_int_equal(LineTable_line(table, len, 1, -1), 1);
   /* The same table of a function defined at line 100 shifts every line. */
   assert_int_equal(LineTable_line(table, len, 100, 33), 108);
}

static void test_linetable_312(void** state) {
   (void)state;
   uint8_t table[256];
   size_t len = unhex(TABLE_312, table, sizeof(table));
   /* Spot checks against 3.12.1's co_lines(): the loop body, the
      multi-line expression (negative deltas) and the return. */
   assert_int_equal(LineTable_line(table, len, 1, 0), 1);
   assert_int_equal(LineTable_line(table, len, 1, 1), 2);
   int seen[12] = {0};
   for (int unit = 0; unit < 40; unit++) {
      int line = LineTable_line(table, len, 1, unit);
      assert_true(line >= 1 && line <= 11);
      seen[line] = 1;
   }
   for (int line = 2; line <= 11; line++)
      if (line != 6 && line != 10) /* "else:" and ")" have no code */
         assert_true(seen[line]);
}

static void test_linetable_forms(void** state) {
   (void)state;
   /* Long form (code 14): line +300 (svarint 600 = 0x58 0x09), end line,
      columns; then no-location (code 15); then no-columns (code 13) -2. */
   const uint8_t table[] = {0xf0 | 1, 0x58 | 0x40, 0x09, 0x00, 0x05, 0x07, 0xf8, 0xe8, 0x05};
   assert_int_equal(LineTable_line(table, sizeof(table), 10, 0), 310);
   assert_int_equal(LineTable_line(table, sizeof(table), 10, 1), 310);
   assert_int_equal(LineTable_line(table, sizeof(table), 10, 2), -1);
   assert_int_equal(LineTable_line(table, sizeof(table), 10, 3), 308);
   /* Truncated in the middle of a varint, and a table out of step. */
   assert_int_equal(LineTable_line(table, 2, 10, 0), -1);
   const uint8_t bad[] = {0x05, 0x80};
   assert_int_equal(LineTable_line(bad, sizeof(bad), 10, 0), -1);
   assert_int_equal(LineTable_line(NULL, 0, 10, 0), -1);
   /* Found by fuzz_cpython: deltas that leave int's range (2^31 - 1 twice,
      svarint 0xfffffffe: 6-bit chunks) are no line, not an overflow. */
   const uint8_t huge[] = {0xf0, 0x7e, 0x7f, 0x7f, 0x7f, 0x7f, 0x03, 0, 0, 0,
                           0xf0, 0x7e, 0x7f, 0x7f, 0x7f, 0x7f, 0x03, 0, 0, 0};
   assert_int_equal(LineTable_line(huge, sizeof(huge), 10, 0), -1);
   assert_int_equal(LineTable_line(huge, sizeof(huge), 10, 1), -1);
}

static void test_debug_offsets(void** state) {
   (void)state;
   uint8_t table[DEBUG_OFFSETS_SIZE];
   CPythonLayout layout;
   char err[256];
   DebugOffsetsTables_fill(13, table);
   assert_true(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_int_equal(layout.minor, 13);
   assert_int_equal(layout.rtInterpretersHead, 0x278);
   assert_int_equal(layout.interpThreadsHead, 0x1cb0);
   assert_int_equal(layout.gilLocked, 0x1e58);
   assert_int_equal(layout.gilHolder, 0x1e50);
   assert_int_equal(layout.tsCframe, LAYOUT_NONE);
   assert_int_equal(layout.tsCurrentFrame, 0x48);
   assert_int_equal(layout.tsNativeThreadId, 0xa0);
   assert_int_equal(layout.tsThreadId, 0x98);
   assert_int_equal(layout.frInstr, 0x38);
   assert_int_equal(layout.frOwner, 0x46);
   assert_int_equal(layout.coCodeAdaptive, 0xc8);
   assert_int_equal(layout.strAsciiSize, 40);
   assert_int_equal(layout.strCompactSize, 56);
   assert_int_equal(layout.gilPlace, GIL_IN_INTERP);
   assert_true(layout.frCodeMask == ~(uint64_t)0); /* f_executable is a plain PyObject* */
   assert_int_equal(layout.ownerShim, 3);
   assert_int_equal(layout.interpThreadsMain, LAYOUT_NONE);
   assert_int_equal(layout.tsEvalBreaker, LAYOUT_NONE);
   assert_int_equal(layout.rdsScriptPath, LAYOUT_NONE);

   DebugOffsetsTables_put(table, 8, 0x031000a0); /* 3.16: an unknown table layout */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "3.16"));
   assert_non_null(strstr(err, CPYTHON_SUPPORTED));

   DebugOffsetsTables_fill(13, table);
   DebugOffsetsTables_put(table, 16, 1); /* free-threaded */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(13, table);
   DebugOffsetsTables_put(table, 72, 0x2f998); /* threads_head outside the interpreter state */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(13, table);
   /* Found by fuzz_cpython: an owner offset near 2^64, which wrapped past
      the frame size check into a read before the frame copy. */
   DebugOffsetsTables_put(table, 264, 0xfffffffffffffffeu);
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(13, table);
   DebugOffsetsTables_put(table, 560, (uint64_t)-8); /* a "negative" PyASCIIObject size */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(13, table);
   table[0] = 'X';
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
}

static void test_debug_offsets_314(void** state) {
   (void)state;
   uint8_t table[DEBUG_OFFSETS_SIZE];
   CPythonLayout layout;
   char err[256];
   DebugOffsetsTables_fill(14, table);
   assert_true(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_int_equal(layout.minor, 14);
   assert_int_equal(layout.rtInterpretersHead, 0x328);
   assert_int_equal(layout.interpNext, 0x1c68);
   assert_int_equal(layout.interpThreadsHead, 0x1cb0);
   assert_int_equal(layout.interpThreadsMain, 0x1cc0);
   assert_int_equal(layout.gilPlace, GIL_IN_INTERP);
   assert_int_equal(layout.gilLocked, 0x1e78);
   assert_int_equal(layout.gilHolder, 0x1e70);
   assert_int_equal(layout.tsNext, 0x8);
   assert_int_equal(layout.tsInterp, 0x10);
   assert_int_equal(layout.tsCframe, LAYOUT_NONE);
   assert_int_equal(layout.tsCurrentFrame, 0x48);
   assert_int_equal(layout.tsNativeThreadId, 0xa0);
   assert_int_equal(layout.tsThreadId, 0x98);
   assert_int_equal(layout.frCode, 0x0);
   assert_true(layout.frCodeMask == ~(uint64_t)1); /* _PyStackRef: Py_TAG_BITS */
   assert_int_equal(layout.frPrevious, 0x8);
   assert_int_equal(layout.frInstr, 0x38);
   assert_int_equal(layout.frOwner, 0x4a);
   assert_int_equal(layout.frIsEntry, LAYOUT_NONE);
   assert_int_equal(layout.ownerShim, 3); /* FRAME_OWNED_BY_INTERPRETER */
   assert_int_equal(layout.coFilename, 0x70);
   assert_int_equal(layout.coQualname, 0x80);
   assert_int_equal(layout.coLinetable, 0x88);
   assert_int_equal(layout.coFirstlineno, 0x44);
   assert_int_equal(layout.coCodeAdaptive, 0xd0);
   assert_int_equal(layout.bytesSize, 0x10);
   assert_int_equal(layout.bytesData, 0x20);
   assert_int_equal(layout.strState, 0x20);
   assert_int_equal(layout.strLength, 0x10);
   assert_int_equal(layout.strAsciiSize, 40);
   assert_int_equal(layout.strCompactSize, 56);
   /* PEP 768 */
   assert_int_equal(layout.tsEvalBreaker, 0x18);
   assert_int_equal(layout.tsRemoteDebuggerSupport, 0x130);
   assert_int_equal(layout.interpRemoteDebuggingEnabled, 0x1f8c);
   assert_int_equal(layout.rdsPendingCall, 0);
   assert_int_equal(layout.rdsScriptPath, 4);
   assert_int_equal(layout.rdsScriptPathSize, 512);

   /* Cut at 3.13's size: the 3.14 entries are missing. */
   assert_false(CPythonLayout_fromDebugOffsets(table, 584, &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "cut short"));
   table[7] = 'Y'; /* wrong cookie */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "no _Py_DebugOffsets"));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 8, 0x020e00f0); /* 2.14 */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "not supported"));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 16, 1);
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "free-threaded CPython 3.14 (python3.14t)"));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 208,
                          0x340); /* thread_state.current_frame at the end of the struct */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "out of range"));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 80, 0x37248); /* threads_main past the interpreter state */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "remote debugging"));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 752,
                          0x400); /* a script path that would run past the thread state */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 728,
                          0x40000); /* remote_debugging_enabled outside the interpreter state */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(14, table);
   DebugOffsetsTables_put(table, 384, 0x5000); /* co_code_adaptive implausibly far */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(14, table);
   assert_true(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
}

static void test_debug_offsets_315(void** state) {
   (void)state;
   uint8_t table[DEBUG_OFFSETS_SIZE];
   CPythonLayout layout;
   char err[256];
   DebugOffsetsTables_fill(15, table);
   assert_true(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_int_equal(layout.minor, 15);
   assert_int_equal(layout.rtInterpretersHead, 0x3a8);
   assert_int_equal(layout.interpNext, 0x1c60);
   assert_int_equal(layout.interpThreadsHead, 0x1ca8);
   assert_int_equal(layout.interpThreadsMain, 0x1cb8);
   assert_int_equal(layout.gilLocked, 0x1e48);
   assert_int_equal(layout.gilHolder, 0x1e40);
   assert_int_equal(layout.tsNext, 0x8);
   assert_int_equal(layout.tsInterp, 0x10);
   assert_int_equal(layout.tsCurrentFrame, 0x48);
   /* Moved by base_frame, last_profiled_frame and its sequence. */
   assert_int_equal(layout.tsThreadId, 0xb0);
   assert_int_equal(layout.tsNativeThreadId, 0xb8);
   assert_int_equal(layout.frCode, 0x0);
   assert_true(layout.frCodeMask == ~(uint64_t)3); /* Py_TAG_BITS became 3 */
   assert_int_equal(layout.frPrevious, 0x8);
   assert_int_equal(layout.frInstr, 0x38);
   assert_int_equal(layout.frOwner, 0x4a);
   assert_int_equal(layout.ownerShim, 3); /* FRAME_OWNED_BY_INTERPRETER, the last owner */
   assert_int_equal(layout.coFilename, 0x70);
   assert_int_equal(layout.coQualname, 0x80);
   assert_int_equal(layout.coLinetable, 0x88);
   assert_int_equal(layout.coFirstlineno, 0x44);
   assert_int_equal(layout.coCodeAdaptive, 0xd0);
   assert_int_equal(layout.bytesSize, 0x10);
   assert_int_equal(layout.bytesData, 0x20);
   assert_int_equal(layout.strState, 0x20);
   assert_int_equal(layout.strLength, 0x10);
   assert_int_equal(layout.strAsciiSize, 40);
   assert_int_equal(layout.strCompactSize, 56); /* the table's own, now */
   assert_int_equal(layout.tsEvalBreaker, 0x18);
   assert_int_equal(layout.tsRemoteDebuggerSupport, 0x158);
   assert_int_equal(layout.interpRemoteDebuggingEnabled, 0x1f5c);
   assert_int_equal(layout.rdsPendingCall, 0);
   assert_int_equal(layout.rdsScriptPath, 4);
   assert_int_equal(layout.rdsScriptPathSize, 512);

   /* Cut at 3.14's size: 3.15's remote debugging entries are missing. */
   assert_false(CPythonLayout_fromDebugOffsets(table, 760, &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "cut short"));
   DebugOffsetsTables_put(table, 16, 1);
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "free-threaded CPython 3.15 (python3.15t)"));
   DebugOffsetsTables_fill(15, table);
   DebugOffsetsTables_put(table, 248, 0x378); /* native_thread_id at the end of the thread state */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "out of range"));
   DebugOffsetsTables_fill(15, table);
   DebugOffsetsTables_put(table, 848,
                          0x300); /* a script path that would run past the thread state */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   assert_non_null(strstr(err, "remote debugging"));
   DebugOffsetsTables_fill(15, table);
   DebugOffsetsTables_put(table, 744, 0x20); /* a compact str smaller than an ASCII one */
   assert_false(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
   DebugOffsetsTables_fill(15, table);
   assert_true(CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)));
}

static void test_builtin_layouts(void** state) {
   (void)state;
   assert_null(CPythonLayout_forMinor(10));
   assert_null(CPythonLayout_forMinor(13));
   const CPythonLayout* l311 = CPythonLayout_forMinor(11);
   const CPythonLayout* l312 = CPythonLayout_forMinor(12);
   assert_non_null(l311);
   assert_non_null(l312);
   /* The fields that tell the versions apart (research §3.1 and §4). */
   assert_int_equal(l311->frIsEntry, 0x44);
   assert_int_equal(l312->frIsEntry, LAYOUT_NONE);
   assert_int_equal(l311->ownerShim, LAYOUT_NONE);
   assert_int_equal(l312->ownerShim, 3);
   assert_int_equal(l312->coCodeAdaptive, 0xc0);
   assert_null(CPythonLayout_forMinor(14));
   /* No PEP 768 before 3.14. */
   assert_int_equal(l311->tsRemoteDebuggerSupport, LAYOUT_NONE);
   assert_int_equal(l312->rdsScriptPathSize, LAYOUT_NONE);
   assert_int_equal(l312->interpThreadsMain, LAYOUT_NONE);
   assert_true(l312->frCodeMask == ~(uint64_t)0);
   /* thread_id sits just before native_thread_id in both (gdb ptype/o). */
   assert_int_equal(l311->tsThreadId, 0x98);
   assert_int_equal(l312->tsThreadId, 0x88);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_linetable_311),     cmocka_unit_test(test_linetable_312),
         cmocka_unit_test(test_linetable_forms),   cmocka_unit_test(test_debug_offsets),
         cmocka_unit_test(test_debug_offsets_314), cmocka_unit_test(test_debug_offsets_315),
         cmocka_unit_test(test_builtin_layouts),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
