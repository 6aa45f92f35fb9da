/* The pure parts of injection: the pending-call queue checks and writes
   per CPython version (states as read from live interpreters), whether a
   worker's threads all wait without waking, and the bootstrap text's
   quoting. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inject/Bootstrap.h"
#include "inject/PendingLayout.h"
#include "inject/ThreadWaits.h"

#define FS_BASE 0x7f0011223340ULL

/* An idle, initialised 3.11 interpreter: what a live python3.11 showed. */
static PendingState PendingTest_idle(const PendingLayout* l) {
   PendingState st = {0};
   st.initialized = 1;
   st.interp = 0xa69d78;
   st.mainThread = FS_BASE;
   st.gilHolder = l->breaker == BREAKER_HOLDER_BITS ? 0xb00000 : 0;
   st.lockAddr = 0x1234000;
   st.lockValue = l->lockKind == QUEUE_LOCK_SEMAPHORE ? 1 : 0;
   st.max = l->qMax == PENDING_NONE ? 0 : 32;
   st.first = st.last = 5;
   return st;
}

static void test_tables_exist_for_311_to_313_only(void** state) {
   (void)state;
   assert_null(PendingLayout_forMinor(10));
   assert_non_null(PendingLayout_forMinor(11));
   assert_non_null(PendingLayout_forMinor(12));
   assert_non_null(PendingLayout_forMinor(13));
   assert_null(PendingLayout_forMinor(14));
   /* 3.11.2's queue: interp->ceval.pending at 112, calls at +16, last at
      +532 (research/injection.md §1 gives 128 and 644 absolute). */
   const PendingLayout* l = PendingLayout_forMinor(11);
   assert_int_equal(l->queue + l->qCalls, 128);
   assert_int_equal(l->queue + l->qLast, 644);
   /* 3.12 and 3.13: the interpreter's own queue, which any of its threads
      runs, not the main thread's in the runtime (gdb ptype/o of pyenv
      3.12.1 and 3.13.0: interp->ceval.pending). */
   assert_int_equal(PendingLayout_forMinor(12)->queue, 400);
   assert_int_equal(PendingLayout_forMinor(13)->queue, 32);
}

static void test_check_accepts_an_idle_interpreter(void** state) {
   (void)state;
   char err[256];
   for (int minor = 11; minor <= 13; minor++) {
      const PendingLayout* l = PendingLayout_forMinor(minor);
      PendingState st = PendingTest_idle(l);
      assert_true(PendingLayout_check(l, &st, FS_BASE, err, sizeof(err)));
   }
}

static void test_check_refuses_unsafe_states(void** state) {
   (void)state;
   char err[256];
   const PendingLayout* l = PendingLayout_forMinor(11);
   PendingState st = PendingTest_idle(l);
   st.initialized = 0;
   assert_false(PendingLayout_check(l, &st, FS_BASE, err, sizeof(err)));
   assert_non_null(strstr(err, "not initialised"));

   st = PendingTest_idle(l);
   st.runtimeFinalizing = 0xdead;
   assert_false(PendingLayout_check(l, &st, FS_BASE, err, sizeof(err)));
   assert_non_null(strstr(err, "shutting down"));

   st = PendingTest_idle(l);
   st.lockValue = 0; /* a thread is inside Py_AddPendingCall */
   assert_false(PendingLayout_check(l, &st, FS_BASE, err, sizeof(err)));
   assert_non_null(strstr(err, "lock"));

   st = PendingTest_idle(l);
   assert_false(PendingLayout_check(l, &st, FS_BASE + 0x1000, err, sizeof(err)));
   assert_non_null(strstr(err, "main thread"));

   st = PendingTest_idle(l);
   st.first = 6; /* last == first - 1: 31 of 32 slots used, one kept empty */
   assert_false(PendingLayout_check(l, &st, FS_BASE, err, sizeof(err)));
   assert_non_null(strstr(err, "full"));

   st = PendingTest_idle(l);
   st.last = 40; /* not an index: another build */
   assert_false(PendingLayout_check(l, &st, FS_BASE, err, sizeof(err)));
   assert_non_null(strstr(err, "unrecognised build"));

   const PendingLayout* l13 = PendingLayout_forMinor(13);
   st = PendingTest_idle(l13);
   st.lockValue = 1; /* PyMutex locked */
   assert_false(PendingLayout_check(l13, &st, FS_BASE, err, sizeof(err)));
   st = PendingTest_idle(l13);
   st.count = 32;
   assert_false(PendingLayout_check(l13, &st, FS_BASE, err, sizeof(err)));
   assert_non_null(strstr(err, "full"));
}

static void test_queued_sees_only_waiting_calls(void** state) {
   (void)state;
   const PendingLayout* l = PendingLayout_forMinor(11);
   PendingState st = PendingTest_idle(l);
   st.calls[4][1] = 0x5000; /* already run: before first */
   assert_false(PendingLayout_queued(l, &st, 0x5000, 0x6000));
   st.calls[5][1] = 0x5100;
   st.last = 6;
   assert_true(PendingLayout_queued(l, &st, 0x5000, 0x6000));
   assert_false(PendingLayout_queued(l, &st, 0x6000, 0x7000));
   /* wrapping: first 31, last 1 */
   st.first = 31;
   st.last = 1;
   st.calls[0][1] = 0x5200;
   assert_true(PendingLayout_queued(l, &st, 0x5200, 0x5201));
}

static uint64_t PendingTest_u64(const PendingWrite* w) {
   uint64_t v = 0;
   memcpy(&v, w->bytes, w->len < 8 ? w->len : 8);
   return v;
}

static void test_plan_311_writes_slot_then_index_then_flags(void** state) {
   (void)state;
   const PendingLayout* l = PendingLayout_forMinor(11);
   PendingState st = PendingTest_idle(l);
   st.last = 31;
   PendingWrite w[PENDING_MAX_WRITES];
   int n = PendingLayout_plan(l, &st, 0x1000, 0x2000, 0xaaaa, 0xbbbb, w);
   assert_int_equal(n, 4);
   assert_int_equal(w[0].addr, 0x1000 + 16 + 31 * 16);
   assert_int_equal(w[0].len, 16);
   uint64_t entry[2];
   memcpy(entry, w[0].bytes, 16);
   assert_int_equal(entry[0], 0xaaaa);
   assert_int_equal(entry[1], 0xbbbb);
   assert_int_equal(w[1].addr, 0x1000 + 532); /* last wraps to 0 */
   assert_int_equal(PendingTest_u64(&w[1]), 0);
   assert_int_equal(w[2].addr, 0x1000 + 8); /* calls_to_do = 1 */
   assert_int_equal(PendingTest_u64(&w[2]), 1);
   assert_int_equal(w[3].addr, 0x2000); /* eval_breaker = 1 */
   assert_int_equal(PendingTest_u64(&w[3]), 1);
}

static void test_plan_313_counts_before_index_and_keeps_breaker_bits(void** state) {
   (void)state;
   const PendingLayout* l = PendingLayout_forMinor(13);
   PendingState st = PendingTest_idle(l);
   st.count = 2;
   st.last = 299;
   st.breaker = 0x300; /* instrumentation version bits above the events */
   PendingWrite w[PENDING_MAX_WRITES];
   int n = PendingLayout_plan(l, &st, 0x1000, 0x2000, 0xaaaa, 0xbbbb, w);
   assert_int_equal(n, 5);
   assert_int_equal(w[0].addr, 0x1000 + 24 + 299 * 24);
   assert_int_equal(w[1].addr, 0x1000 + 24 + 299 * 24 + 16); /* flags: none, never RAWFREE */
   assert_int_equal(PendingTest_u64(&w[1]), 0);
   assert_int_equal(w[2].addr, 0x1000 + 12); /* npending 3 */
   assert_int_equal(PendingTest_u64(&w[2]), 3);
   assert_int_equal(w[3].addr, 0x1000 + 7228); /* next wraps modulo 300 */
   assert_int_equal(PendingTest_u64(&w[3]), 0);
   assert_int_equal(w[4].addr, 0x2000);
   assert_int_equal(PendingTest_u64(&w[4]), 0x304); /* | _PY_CALLS_TO_DO_BIT */
   /* No thread holds the GIL: the next to take it sets its own bit. */
   st.gilHolder = 0;
   n = PendingLayout_plan(l, &st, 0x1000, 0, 0xaaaa, 0xbbbb, w);
   assert_int_equal(n, 4); /* slot, flags, npending, next: no eval_breaker */
   assert_int_equal(w[3].addr, 0x1000 + 7228);
}

/* Two threads as /proc showed an idle worker: the main one in accept4
   (288), a second one in futex (202). */
static ThreadWaits ThreadWaitsTest_idle(void) {
   ThreadWaits w = {.count = 2};
   w.threads[0] = (ThreadWait){.tid = 100, .nsTid = 1, .syscall = 288, .switches = 12};
   w.threads[1] = (ThreadWait){.tid = 102, .nsTid = 3, .syscall = 202, .switches = 1};
   return w;
}

static void test_thread_waits_still_only_without_a_wake_up(void** state) {
   (void)state;
   ThreadWaits before = ThreadWaitsTest_idle(), after = ThreadWaitsTest_idle();
   assert_true(ThreadWaits_still(&before, &after));
   /* the same threads listed in another order */
   after.threads[0] = before.threads[1];
   after.threads[1] = before.threads[0];
   assert_true(ThreadWaits_still(&before, &after));
   after = ThreadWaitsTest_idle();
   after.threads[1].switches = 2; /* a loop around time.sleep woke once */
   assert_false(ThreadWaits_still(&before, &after));
   after = ThreadWaitsTest_idle();
   after.threads[1].syscall = -1; /* running */
   before.threads[1].syscall = -1;
   assert_false(ThreadWaits_still(&before, &after));
   before = after = ThreadWaitsTest_idle();
   after.threads[1].syscall = 230; /* now in another call */
   assert_false(ThreadWaits_still(&before, &after));
   after = ThreadWaitsTest_idle();
   after.count = 1; /* a thread exited */
   assert_false(ThreadWaits_still(&before, &after));
   after = ThreadWaitsTest_idle();
   after.threads[1].tid = 104; /* and another started */
   assert_false(ThreadWaits_still(&before, &after));
   ThreadWaits none = {.count = 0};
   assert_false(ThreadWaits_still(&none, &none));
}

static void test_thread_waits_switches_from_status(void** state) {
   (void)state;
   assert_int_equal(ThreadWaits_switches("Name:\tpython3\nvoluntary_ctxt_switches:\t47\n"
                                         "nonvoluntary_ctxt_switches:\t3\n"),
                    50);
   assert_true(ThreadWaits_switches("Name:\tpython3\n") == UINT64_MAX);
}

static void test_bootstrap_quotes_everything_and_guards_it(void** state) {
   (void)state;
   size_t len;
   char* text = Bootstrap_build("a = 'x\\y'\n\tb = \"q\"\x01", "{'seq': 3}", &len);
   assert_int_equal(len, strlen(text));
   assert_string_equal(
         text, "try:\n    exec(compile('a = \\'x\\\\y\\'\\n\\x09b = \"q\"\\x01"
               "\\nrun({\\'seq\\': 3})\\nglobals().clear()\\n', '<leaktop_collector>', 'exec'), "
               "{'__name__': '__leaktop_collector__'})\n"
               "except BaseException:\n    pass\n");
   /* four lines whatever the source holds: nothing in it ends the literal */
   int lines = 0;
   for (const char* c = text; *c; c++)
      lines += *c == '\n';
   assert_int_equal(lines, 4);
   free(text);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_tables_exist_for_311_to_313_only),
         cmocka_unit_test(test_check_accepts_an_idle_interpreter),
         cmocka_unit_test(test_check_refuses_unsafe_states),
         cmocka_unit_test(test_queued_sees_only_waiting_calls),
         cmocka_unit_test(test_plan_311_writes_slot_then_index_then_flags),
         cmocka_unit_test(test_plan_313_counts_before_index_and_keeps_breaker_bits),
         cmocka_unit_test(test_thread_waits_still_only_without_a_wake_up),
         cmocka_unit_test(test_thread_waits_switches_from_status),
         cmocka_unit_test(test_bootstrap_quotes_everything_and_guards_it),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
