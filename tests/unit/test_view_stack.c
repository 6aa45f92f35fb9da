/* The view stack (UiState.h) and the key dispatch (KeyBindings.h) with
   fake views, no curses: push, pop and close order, the cost flags of
   every view on the stack, the current process asked down the stack, the
   hooks every view gets, and which table a key goes to. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/KeyBindings.h"
#include "ui/UiState.h"

/* A fake view's state: its name, and what was asked of it. */
typedef struct FakeView {
   char name;
   pid_t pid;
   unsigned long long start;
   int scanned;
   int snapshots;
} FakeView;

static char closed[8]; /* the names of the views closed, in order */
static int closedCount;
static char nextName;
static Process processA;

static void* Fake_open(Ui* ui, pid_t pid, unsigned long long start) {
   (void)ui;
   FakeView* f = calloc(1, sizeof(FakeView));
   f->name = nextName++;
   f->pid = pid;
   f->start = start;
   return f;
}

static void Fake_close(void* data) {
   closed[closedCount++] = ((FakeView*)data)->name;
   free(data);
}

static void Fake_draw(UiView* super, Ui* ui, WINDOW* w) {
   (void)super;
   (void)ui;
   (void)w;
}

static unsigned Fake_costSmaps(const UiView* super, const Ui* ui) {
   (void)super;
   (void)ui;
   return 0x1;
}

static unsigned Fake_costOther(const UiView* super, const Ui* ui) {
   (void)super;
   (void)ui;
   return 0x4;
}

static Process* Fake_currentA(const UiView* super, const Ui* ui) {
   (void)super;
   (void)ui;
   return &processA;
}

/* A view whose process has gone. */
static Process* Fake_currentGone(const UiView* super, const Ui* ui) {
   (void)super;
   (void)ui;
   return NULL;
}

static void Fake_scanned(UiView* super, Ui* ui) {
   (void)ui;
   ((FakeView*)super->data)->scanned++;
}

static double Fake_wakeSoon(const UiView* super) {
   (void)super;
   return 5.0;
}

static double Fake_wakeLater(const UiView* super) {
   (void)super;
   return 9.0;
}

static double Fake_wakeNever(const UiView* super) {
   (void)super;
   return -1.0;
}

static bool Fake_stepChanged(UiView* super, Ui* ui) {
   (void)super;
   (void)ui;
   return true;
}

static bool Fake_stepIdle(UiView* super, Ui* ui) {
   (void)super;
   (void)ui;
   return false;
}

static void Fake_snapshotTaken(UiView* super, pid_t pid, unsigned long long start) {
   (void)pid;
   (void)start;
   ((FakeView*)super->data)->snapshots++;
}

#define REACT_OWN   0x100u
#define REACT_OTHER 0x200u

static Reaction Fake_own(UiView* super, Ui* ui, int key) {
   (void)super;
   (void)ui;
   (void)key;
   return REACT_OWN;
}

static Reaction Fake_other(UiView* super, Ui* ui, int key) {
   (void)super;
   (void)ui;
   (void)key;
   return REACT_OTHER;
}

static const KeyBinding Fake_bindings[] = {
      {'x', "x", "the view's own x", Fake_own},
};
static const KeyTable Fake_keys = {Fake_bindings, KEY_TABLE_COUNT(Fake_bindings), NULL};
/* Modal: takes every key. */
static const KeyTable Fake_modal = {Fake_bindings, KEY_TABLE_COUNT(Fake_bindings), Fake_other};

static const KeyTable* Fake_modalNow(const UiView* super) {
   (void)super;
   return &Fake_modal;
}

static const UiViewClass Fake_root = {
      .name = "root",
      .keys = &Fake_keys,
      .open = Fake_open,
      .close = Fake_close,
      .draw = Fake_draw,
      .costFlags = Fake_costSmaps,
      .current = Fake_currentA,
      .scanned = Fake_scanned,
      .nextWake = Fake_wakeLater,
      .step = Fake_stepIdle,
      .snapshotTaken = Fake_snapshotTaken,
};

/* About no process of its own and reading nothing, as the help screen. */
static const UiViewClass Fake_plain = {
      .name = "plain",
      .keys = &Fake_keys,
      .open = Fake_open,
      .close = Fake_close,
      .draw = Fake_draw,
};

static const UiViewClass Fake_busy = {
      .name = "busy",
      .keys = &Fake_keys,
      .open = Fake_open,
      .close = Fake_close,
      .draw = Fake_draw,
      .costFlags = Fake_costOther,
      .current = Fake_currentGone,
      .scanned = Fake_scanned,
      .nextWake = Fake_wakeSoon,
      .step = Fake_stepChanged,
      .snapshotTaken = Fake_snapshotTaken,
};

static const UiViewClass Fake_modalView = {
      .name = "modal",
      .keys = &Fake_keys,
      .modalKeys = Fake_modalNow,
      .open = Fake_open,
      .close = Fake_close,
      .draw = Fake_draw,
      .nextWake = Fake_wakeNever,
};

static Ui ui;

static int setup(void** state) {
   (void)state;
   memset(&ui, 0, sizeof(ui));
   closedCount = 0;
   nextName = 'a';
   return 0;
}

static int teardown(void** state) {
   (void)state;
   Ui_closeViews(&ui);
   return 0;
}

static FakeView* fake(const UiView* v) {
   return v->data;
}

static void test_push_opens_on_top_and_pop_closes_it(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   UiView* root = Ui_topView(&ui);
   Ui_pushView(&ui, &Fake_plain, 42, 7);
   assert_int_equal(ui.viewCount, 2);
   assert_ptr_equal(Ui_topView(&ui)->klass, &Fake_plain);
   assert_int_equal(fake(Ui_topView(&ui))->pid, 42);
   assert_int_equal(fake(Ui_topView(&ui))->start, 7);
   /* The view under a push stays where it was: its actions may push. */
   assert_ptr_equal(Ui_rootView(&ui), root);
   Ui_popView(&ui);
   assert_int_equal(closedCount, 1);
   assert_int_equal(closed[0], 'b');
   assert_ptr_equal(Ui_topView(&ui), root);
}

static void test_close_views_closes_the_top_first(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   Ui_pushView(&ui, &Fake_plain, 1, 1);
   Ui_pushView(&ui, &Fake_busy, 2, 2);
   Ui_closeViews(&ui);
   assert_int_equal(closedCount, 3);
   assert_memory_equal(closed, "cba", 3);
   assert_int_equal(ui.viewCount, 0);
   assert_null(ui.views);
}

static void test_cost_flags_of_every_view_on_the_stack(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   assert_int_equal(Ui_costFlags(&ui), 0x1);
   Ui_pushView(&ui, &Fake_busy, 0, 0);
   Ui_pushView(&ui, &Fake_plain, 0, 0);
   /* A covered view keeps its reads: it shows them again after back. */
   assert_int_equal(Ui_costFlags(&ui), 0x5);
   Ui_popView(&ui);
   Ui_popView(&ui);
   assert_int_equal(Ui_costFlags(&ui), 0x1);
}

static void test_current_is_asked_down_the_stack(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   assert_ptr_equal(Ui_current(&ui), &processA);
   /* A view about no process of its own: the one below answers. */
   Ui_pushView(&ui, &Fake_plain, 0, 0);
   assert_ptr_equal(Ui_current(&ui), &processA);
   /* A view whose process has gone answers NULL, not the one below. */
   Ui_pushView(&ui, &Fake_busy, 0, 0);
   assert_null(Ui_current(&ui));
   Ui_pushView(&ui, &Fake_plain, 0, 0);
   assert_null(Ui_current(&ui));
}

static void test_every_view_gets_the_pass_hooks(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   assert_false(Ui_step(&ui));
   assert_true(Ui_nextWake(&ui) == 9.0);
   Ui_pushView(&ui, &Fake_busy, 0, 0);
   Ui_pushView(&ui, &Fake_modalView, 0, 0);
   UiView* root = Ui_rootView(&ui);
   UiView* busy = ui.views[1];
   /* A profile under the help screen goes on sampling. */
   assert_true(Ui_step(&ui));
   assert_true(Ui_nextWake(&ui) == 5.0);
   Ui_scanned(&ui);
   assert_int_equal(fake(root)->scanned, 1);
   assert_int_equal(fake(busy)->scanned, 1);
   /* A snapshot is news for the view shown only. */
   Ui_snapshotTaken(&ui, 1, 1);
   assert_int_equal(fake(busy)->snapshots, 0);
   Ui_popView(&ui);
   Ui_snapshotTaken(&ui, 1, 1);
   assert_int_equal(fake(busy)->snapshots, 1);
   assert_int_equal(fake(root)->snapshots, 0);
}

static void test_no_view_waking_is_negative(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_plain, 0, 0);
   Ui_pushView(&ui, &Fake_modalView, 0, 0);
   assert_true(Ui_nextWake(&ui) < 0);
}

static void test_keys_go_to_the_top_view_then_the_shared_keys(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   strcpy(ui.message, "note");
   /* The shared keys: a new size redraws everything, and keeps the note. */
   assert_int_equal(KeyBindings_dispatch(&ui, KEY_RESIZE), REACT_RESIZE);
   assert_string_equal(ui.message, "note");
   assert_int_equal(KeyBindings_dispatch(&ui, 'z'), REACT_NONE);
   assert_string_equal(ui.message, "note");
   /* A key of the view's own replaces the note. */
   assert_int_equal(KeyBindings_dispatch(&ui, 'x'), REACT_OWN);
   assert_string_equal(ui.message, "");
}

static void test_a_modal_table_takes_every_key(void** state) {
   (void)state;
   Ui_pushView(&ui, &Fake_root, 0, 0);
   Ui_pushView(&ui, &Fake_modalView, 0, 0);
   strcpy(ui.message, "note");
   assert_int_equal(KeyBindings_dispatch(&ui, 'x'), REACT_OWN);
   assert_int_equal(KeyBindings_dispatch(&ui, 'z'), REACT_OTHER);
   /* Not even the shared keys reach past it. */
   assert_int_equal(KeyBindings_dispatch(&ui, KEY_RESIZE), REACT_OTHER);
   assert_string_equal(ui.message, "note");
   Ui_popView(&ui);
   assert_int_equal(KeyBindings_dispatch(&ui, 'z'), REACT_NONE);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test_setup_teardown(test_push_opens_on_top_and_pop_closes_it, setup, teardown),
         cmocka_unit_test_setup_teardown(test_close_views_closes_the_top_first, setup, teardown),
         cmocka_unit_test_setup_teardown(test_cost_flags_of_every_view_on_the_stack, setup,
                                         teardown),
         cmocka_unit_test_setup_teardown(test_current_is_asked_down_the_stack, setup, teardown),
         cmocka_unit_test_setup_teardown(test_every_view_gets_the_pass_hooks, setup, teardown),
         cmocka_unit_test_setup_teardown(test_no_view_waking_is_negative, setup, teardown),
         cmocka_unit_test_setup_teardown(test_keys_go_to_the_top_view_then_the_shared_keys, setup,
                                         teardown),
         cmocka_unit_test_setup_teardown(test_a_modal_table_takes_every_key, setup, teardown),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
