/* Sampled profiles: counting stacks (StackProfile), the call tree, the
   folded lines and the top stacks read from it (ProfileTree), on stacks
   recorded from /usr/bin/python3.11 (3.11.2) with leaktop stack: a main
   thread asleep in time.sleep under serve(), and a thread running
   crunch(), a loop over sum(range(...)). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stacks/ProfileTree.h"
#include "stacks/StackProfile.h"

/* A frame as leaktop stack prints it: 'P' Python function (file:line),
   'N' native symbol (module), 'U' module+offset. */
typedef struct {
   char kind;
   const char* function;
   const char* file;
   long where; /* line, or offset */
} Rec;

#define BUSY      "/tmp/prof-rec/busy.py"
#define THREADING "/usr/lib/python3.11/threading.py"

/* Thread 29831, sleeping, innermost first. */
static const Rec mainSleep[] = {
      {'N', "clock_nanosleep", "libc.so.6", 0x65},
      {'U', NULL, "python3.11", 0x5d64b4},
      {'U', NULL, "python3.11", 0x545963},
      {'N', "PyObject_Vectorcall", "python3.11", 0x2c},
      {'P', "serve", BUSY, 9},
      {'P', "<module>", BUSY, 13},
      {'N', "PyEval_EvalCode", "python3.11", 0xbb},
      {'U', NULL, "python3.11", 0x647d97},
      {'U', NULL, "python3.11", 0x6456ef},
      {'U', NULL, "python3.11", 0x651770},
      {'N', "_PyRun_SimpleFileObject", "python3.11", 0x18b},
      {'N', "_PyRun_AnyFileObject", "python3.11", 0x44},
      {'N', "Py_RunMain", "python3.11", 0x20f},
      {'N', "Py_BytesMain", "python3.11", 0x27},
      {'U', NULL, "libc.so.6", 0x2724a},
      {'N', "__libc_start_main", "libc.so.6", 0x85},
      {'N', "_start", "python3.11", 0x21},
};

/* Thread 29833, running, in two places under crunch(). */
#define CRUNCH_OUTER                                                                               \
   {'N', "_PyFunction_Vectorcall", "python3.11", 0x191}, {'P', "Thread.run", THREADING, 975},      \
         {'P', "Thread._bootstrap_inner", THREADING, 1038},                                        \
         {'P', "Thread._bootstrap", THREADING, 995}, {'U', NULL, "python3.11", 0x584b24},          \
         {'U', NULL, "python3.11", 0x583b68}, {'U', NULL, "python3.11", 0x6793cc},                 \
         {'U', NULL, "python3.11", 0x6543b4}, {'U', NULL, "libc.so.6", 0x891f5}, {                 \
      'U', NULL, "libc.so.6", 0x1098ec                                                             \
   }
static const Rec crunchLoop[] = {
      {'U', NULL, "python3.11", 0x5cfb3d},
      {'U', NULL, "python3.11", 0x5e4575},
      {'P', "crunch", BUSY, 5},
      CRUNCH_OUTER,
};
static const Rec crunchSum[] = {
      {'U', NULL, "python3.11", 0x53f776},
      {'U', NULL, "python3.11", 0x5e45e2},
      {'P', "crunch", BUSY, 5},
      CRUNCH_OUTER,
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void addThread(StackDump* dump, pid_t tid, const char* name, char state, const Rec* recs,
                      int n) {
   dump->threads = realloc(dump->threads, (size_t)(dump->count + 1) * sizeof(StackThread));
   StackThread* t = &dump->threads[dump->count++];
   memset(t, 0, sizeof(*t));
   t->tid = t->nsTid = tid;
   snprintf(t->name, sizeof(t->name), "%s", name);
   t->state = state;
   for (int i = 0; i < n; i++) {
      StackFrame f = {.kind = recs[i].kind == 'P' ? FRAME_PYTHON : FRAME_NATIVE,
                      .function = (char*)recs[i].function,
                      .file = (char*)recs[i].file,
                      .line = recs[i].kind == 'P' ? (int)recs[i].where : -1,
                      .offset = recs[i].kind == 'P' ? 0 : (uint64_t)recs[i].where};
      FrameList_add(&t->frames, &f);
   }
}

/* One dump of the recorded process: main asleep, the cruncher in loop or
   in sum. */
static void addSample(StackProfile* p, bool inSum, char crunchState) {
   StackDump dump = {.pid = 29831, .native = true, .pauseMs = 0.2};
   addThread(&dump, 29831, "python3", 'S', mainSleep, COUNT(mainSleep));
   if (inSum)
      addThread(&dump, 29833, "python3", crunchState, crunchSum, COUNT(crunchSum));
   else
      addThread(&dump, 29833, "python3", crunchState, crunchLoop, COUNT(crunchLoop));
   dump.threads[0].pauseMs = 0.1;
   dump.threads[1].pauseMs = 0.15;
   StackProfile_add(p, &dump);
   StackDump_done(&dump);
}

/* 4 dumps: the cruncher in its loop 3 times, in sum once. */
static void recorded(StackProfile* p) {
   memset(p, 0, sizeof(*p));
   addSample(p, false, 'R');
   addSample(p, true, 'R');
   addSample(p, false, 'R');
   addSample(p, false, 'R');
}

static int node(const ProfileTree* t, const char* name) {
   for (int i = 1; i < t->count; i++)
      if (strcmp(t->nodes[i].name, name) == 0)
         return i;
   fail_msg("no node %s", name);
   return -1;
}

/* The text a tree writer produces. */
typedef void (*Writer)(const ProfileTree* t, FILE* out);
static char* written(const ProfileTree* t, Writer write) {
   char* text = NULL;
   size_t size = 0;
   FILE* out = open_memstream(&text, &size);
   assert_non_null(out);
   write(t, out);
   fclose(out);
   /* A copy: GCC 12 takes pointers into the stream's buffer for dangling. */
   char* copy = strdup(text);
   free(text);
   return copy;
}

static void top3(const ProfileTree* t, FILE* out) {
   ProfileTree_top(t, 3, out);
}

static void test_add_counts(void** state) {
   (void)state;
   StackProfile p;
   recorded(&p);
   assert_int_equal(p.samples, 4);
   assert_int_equal(p.total, 8);
   /* main, the loop, sum: one entry each, in the order first seen. */
   assert_int_equal(p.count, 3);
   assert_string_equal(p.stacks[0].thread, "thread 29831 (python3)");
   assert_true(p.stacks[0].idle);
   assert_int_equal(p.stacks[0].count, 4);
   assert_false(p.stacks[1].idle);
   assert_int_equal(p.stacks[1].count, 3);
   assert_int_equal(p.stacks[2].count, 1);
   assert_string_equal(p.stacks[1].key + strlen(p.stacks[1].key) - strlen("python3.11+0x5cfb3d"),
                       "python3.11+0x5cfb3d");
   /* The key is root first, ';' between frames. */
   const char* root = "_start (python3.11);__libc_start_main (libc.so.6);";
   assert_true(strncmp(p.stacks[0].key, root, strlen(root)) == 0);
   assert_int_equal(p.samplePauseCount, 4);
   assert_int_equal(p.threadPauseCount, 8);

   /* The same stack in another state is counted apart; an unknown state is
      not taken for idle; a thread without frames is not counted. */
   StackDump dump = {.pid = 29831};
   addThread(&dump, 29831, "python3", 'R', mainSleep, COUNT(mainSleep));
   addThread(&dump, 29833, "python3", '?', crunchLoop, COUNT(crunchLoop));
   addThread(&dump, 29834, "python3", 'S', NULL, 0);
   StackProfile_add(&p, &dump);
   StackDump_done(&dump);
   assert_int_equal(p.count, 4);
   assert_false(p.stacks[3].idle);
   assert_int_equal(p.stacks[1].count, 4);
   assert_int_equal(p.total, 10);
   assert_int_equal(p.samplePauseCount, 4); /* not native: no pause */
   StackProfile_done(&p);
}

static void test_tree_counts(void** state) {
   (void)state;
   StackProfile p;
   recorded(&p);
   ProfileTree t;
   ProfileTree_build(&t, &p, false, true);
   assert_int_equal(ProfileTree_total(&t), 8);
   /* Two roots, half the stacks each; equal totals go by name. */
   assert_int_equal(t.nodes[0].childCount, 2);
   const ProfileNode* first = &t.nodes[t.nodes[0].children[0]];
   assert_string_equal(first->name, "_start (python3.11)");
   assert_int_equal(first->total, 4);
   assert_int_equal(first->depth, 0);
   int crunch = node(&t, "crunch (" BUSY ":5)");
   assert_int_equal(t.nodes[crunch].total, 4);
   assert_int_equal(t.nodes[crunch].self, 0);
   assert_int_equal(t.nodes[crunch].depth, 10);
   assert_true(ProfileTree_percent(&t, t.nodes[crunch].total) == 50.0);
   /* Its callees, the commoner first, each with its own (self) count. */
   assert_int_equal(t.nodes[crunch].childCount, 2);
   const ProfileNode* loop = &t.nodes[t.nodes[crunch].children[0]];
   assert_string_equal(loop->name, "python3.11+0x5e4575");
   assert_int_equal(loop->total, 3);
   int leaf = node(&t, "python3.11+0x5cfb3d");
   assert_int_equal(t.nodes[leaf].self, 3);
   assert_int_equal(t.nodes[leaf].total, 3);
   assert_int_equal(t.nodes[leaf].parent, t.nodes[crunch].children[0]);
   int sleep = node(&t, "clock_nanosleep (libc.so.6)");
   assert_int_equal(t.nodes[sleep].self, 4);
   assert_int_equal(t.nodes[sleep].childCount, 0);
   ProfileTree_done(&t);

   /* Without idle threads the cruncher is all there is. */
   ProfileTree_build(&t, &p, false, false);
   assert_int_equal(ProfileTree_total(&t), 4);
   assert_int_equal(t.nodes[0].childCount, 1);
   crunch = node(&t, "crunch (" BUSY ":5)");
   assert_true(ProfileTree_percent(&t, t.nodes[crunch].total) == 100.0);
   assert_true(ProfileTree_percent(&t, t.nodes[node(&t, "python3.11+0x5e45e2")].total) == 25.0);
   for (int i = 1; i < t.count; i++)
      assert_null(strstr(t.nodes[i].name, "serve"));
   ProfileTree_done(&t);
   StackProfile_done(&p);
}

/* Each folded line: "frame;frame;... count", as flamegraph.pl reads it
   (the count after the last space) and speedscope too. */
static void checkFolded(const char* text, int* lines, long* sum) {
   *lines = 0;
   *sum = 0;
   for (const char* line = text; *line;) {
      size_t len = strcspn(line, "\n");
      assert_int_equal(line[len], '\n');
      const char* space = line + len;
      while (space > line && space[-1] != ' ')
         space--;
      assert_true(space > line + 1);
      char* end = NULL;
      long count = strtol(space, &end, 10);
      assert_ptr_equal(end, line + len);
      assert_true(count > 0);
      *sum += count;
      (*lines)++;
      line += len + 1;
   }
}

/* The folded lines of p (all threads, idle ones too), checked line by line. */
static char* foldedOf(const StackProfile* p, bool byThread, int* lines, long* sum) {
   ProfileTree t;
   ProfileTree_build(&t, p, byThread, true);
   char* text = written(&t, ProfileTree_folded);
   ProfileTree_done(&t);
   checkFolded(text, lines, sum);
   return text;
}

static void test_folded(void** state) {
   (void)state;
   StackProfile p;
   recorded(&p);
   int lines;
   long sum;
   char* text = foldedOf(&p, false, &lines, &sum);
   assert_int_equal(lines, 3);
   assert_int_equal(sum, 8);
   /* Root first, the innermost frame last, then its count. */
   const char* want =
         "libc.so.6+0x1098ec;libc.so.6+0x891f5;python3.11+0x6543b4;python3.11+0x6793cc;"
         "python3.11+0x583b68;python3.11+0x584b24;Thread._bootstrap (" THREADING ":995);"
         "Thread._bootstrap_inner (" THREADING ":1038);Thread.run (" THREADING ":975);"
         "_PyFunction_Vectorcall (python3.11);crunch (" BUSY ":5);python3.11+0x5e4575;"
         "python3.11+0x5cfb3d 3\n";
   assert_non_null(strstr(text, want));
   assert_non_null(strstr(text, ";serve (" BUSY ":9);PyObject_Vectorcall (python3.11);"
                                "python3.11+0x545963;python3.11+0x5d64b4;clock_nanosleep "
                                "(libc.so.6) 4\n"));
   assert_true(strncmp(text, "_start (python3.11);", 20) == 0);
   free(text);

   /* By thread: the thread is the outermost frame, as py-spy --threads. */
   text = foldedOf(&p, true, &lines, &sum);
   assert_int_equal(lines, 3);
   assert_non_null(strstr(text, "thread 29833 (python3);libc.so.6+0x1098ec;"));
   assert_non_null(strstr(text, "thread 29831 (python3);_start (python3.11);"));
   free(text);
   StackProfile_done(&p);
}

/* The same stack in two threads is one line, or two by thread. */
static void test_folded_merges_threads(void** state) {
   (void)state;
   StackProfile p = {0};
   StackDump dump = {.pid = 7};
   addThread(&dump, 7, "python3", 'S', mainSleep, COUNT(mainSleep));
   addThread(&dump, 8, "worker-1", 'S', mainSleep, COUNT(mainSleep));
   StackProfile_add(&p, &dump);
   StackProfile_add(&p, &dump);
   StackDump_done(&dump);
   assert_int_equal(p.count, 2);
   int lines;
   long sum;
   char* text = foldedOf(&p, false, &lines, &sum);
   assert_int_equal(lines, 1);
   assert_int_equal(sum, 4);
   assert_non_null(strstr(text, "clock_nanosleep (libc.so.6) 4\n"));
   free(text);
   text = foldedOf(&p, true, &lines, &sum);
   assert_int_equal(lines, 2);
   assert_non_null(strstr(text, "thread 8 (worker-1);_start"));
   assert_non_null(strstr(text, "clock_nanosleep (libc.so.6) 2\n"));
   free(text);
   StackProfile_done(&p);
}

/* Names with the format's separators: a ';' in a path, spaces, a newline,
   a tab, in functions, files and thread names. */
static void test_folded_odd_names(void** state) {
   (void)state;
   static const Rec odd[] = {
         {'P', "handle request", "/srv/app;v2/my handlers.py", 42},
         {'P', "<lambda>", "/srv/x\ny.py", -1},
         {'N', "operator new(unsigned long)", "libstdc++.so.6", 0x10},
         {'N', "f;g", NULL, 0},
         {'U', NULL, "lib\tz.so", 0x1234},
   };
   StackProfile p = {0};
   StackDump dump = {.pid = 9};
   addThread(&dump, 9, "a;b\nc", 'R', odd, COUNT(odd));
   StackProfile_add(&p, &dump);
   StackDump_done(&dump);
   int lines;
   long sum;
   char* text = foldedOf(&p, true, &lines, &sum);
   assert_int_equal(lines, 1);
   assert_int_equal(sum, 1);
   assert_string_equal(text, "thread 9 (a:b?c);lib?z.so+0x1234;f:g (?);operator new(unsigned "
                             "long) (libstdc++.so.6);<lambda> (/srv/x?y.py);handle request "
                             "(/srv/app:v2/my handlers.py:42) 1\n");
   /* Exactly the frames, split where the format splits them. */
   int semicolons = 0;
   for (const char* c = text; *c; c++)
      semicolons += *c == ';';
   assert_int_equal(semicolons, 5);
   free(text);
   StackProfile_done(&p);
}

static void test_top_stacks(void** state) {
   (void)state;
   StackProfile p;
   recorded(&p);
   ProfileTree t;
   ProfileTree_build(&t, &p, false, true);
   char* text = written(&t, top3);
   /* By count, each with its share of all thread stacks, innermost first. */
   const char* first = strstr(text, "#1  50.0%  (4 of 8 thread stacks)\n  clock_nanosleep "
                                    "(libc.so.6)\n  python3.11+0x5d64b4\n");
   const char* second = strstr(text, "#2  37.5%  (3 of 8 thread stacks)\n  python3.11+0x5cfb3d\n"
                                     "  python3.11+0x5e4575\n  crunch (" BUSY ":5)\n");
   const char* third = strstr(text, "#3  12.5%  (1 of 8 thread stacks)\n  python3.11+0x53f776\n");
   assert_non_null(first);
   assert_non_null(second);
   assert_non_null(third);
   assert_true(first < second && second < third);
   assert_non_null(strstr(second, "  libc.so.6+0x1098ec\n\n#3"));
   free(text);
   ProfileTree_done(&t);
   StackProfile_done(&p);
}

/* Self and total per function; a recursive call counts once per stack. */
static void test_functions(void** state) {
   (void)state;
   static const Rec rec1[] = {
         {'P', "leaf", "r.py", 1}, {'P', "walk", "r.py", 2}, {'P', "walk", "r.py", 2},
         {'P', "walk", "r.py", 2}, {'P', "main", "r.py", 3},
   };
   static const Rec rec2[] = {{'P', "walk", "r.py", 2}, {'P', "main", "r.py", 3}};
   StackProfile p = {0};
   StackDump dump = {.pid = 5};
   addThread(&dump, 5, "python3", 'R', rec1, COUNT(rec1));
   addThread(&dump, 6, "python3", 'R', rec2, COUNT(rec2));
   StackProfile_add(&p, &dump);
   StackProfile_add(&p, &dump);
   StackProfile_add(&p, &dump);
   StackDump_done(&dump);
   ProfileTree t;
   ProfileTree_build(&t, &p, false, true);
   ProfileFunction* f = NULL;
   int n = ProfileTree_functions(&t, false, &f);
   assert_int_equal(n, 3);
   /* By self, then total: leaf and walk are innermost 3 times each. */
   assert_string_equal(f[0].name, "walk (r.py:2)");
   assert_int_equal(f[0].self, 3);
   assert_int_equal(f[0].total, 6);
   assert_string_equal(f[1].name, "leaf (r.py:1)");
   assert_int_equal(f[1].self, 3);
   assert_int_equal(f[1].total, 3);
   assert_string_equal(f[2].name, "main (r.py:3)");
   assert_int_equal(f[2].self, 0);
   assert_int_equal(f[2].total, 6);
   free(f);
   /* By total: walk and main are in every stack, walk innermost too. */
   assert_int_equal(ProfileTree_functions(&t, true, &f), 3);
   assert_string_equal(f[0].name, "walk (r.py:2)");
   assert_string_equal(f[1].name, "main (r.py:3)");
   assert_string_equal(f[2].name, "leaf (r.py:1)");
   free(f);
   ProfileTree_done(&t);
   StackProfile_done(&p);
}

static void test_expand_and_visible(void** state) {
   (void)state;
   StackProfile p;
   recorded(&p);
   ProfileTree t;
   ProfileTree_build(&t, &p, false, true);
   int* rows = NULL;
   /* Only the root is open: its two children show. */
   assert_int_equal(ProfileTree_visible(&t, &rows), 2);
   free(rows);
   /* Open everything with a third or more: the main chain (17 frames) and
      the cruncher's down to where it splits 3:1. */
   ProfileTree_expandHot(&t, 0.3);
   int n = ProfileTree_visible(&t, &rows);
   int crunch = node(&t, "crunch (" BUSY ":5)");
   assert_true(t.nodes[crunch].expanded);
   assert_false(t.nodes[node(&t, "python3.11+0x5e45e2")].expanded);
   assert_false(t.nodes[node(&t, "clock_nanosleep (libc.so.6)")].expanded); /* a leaf */
   /* 17 + 11 to crunch, its 2 callees, the loop's leaf. */
   assert_int_equal(n, 17 + 11 + 2 + 1);
   /* Depth first, the heavier child first, each row one deeper than its
      parent's. */
   assert_string_equal(t.nodes[rows[0]].name, "_start (python3.11)");
   assert_string_equal(t.nodes[rows[16]].name, "clock_nanosleep (libc.so.6)");
   assert_string_equal(t.nodes[rows[17]].name, "libc.so.6+0x1098ec");
   for (int i = 1; i < n; i++)
      assert_true(t.nodes[rows[i]].depth <= t.nodes[rows[i - 1]].depth + 1);
   free(rows);
   /* Collapsing crunch hides its callees. */
   t.nodes[crunch].expanded = false;
   assert_int_equal(ProfileTree_visible(&t, &rows), 17 + 11);
   free(rows);
   ProfileTree_done(&t);
   StackProfile_done(&p);
}

/* Enough distinct stacks to grow the index several times. */
static void test_many_stacks(void** state) {
   (void)state;
   StackProfile p = {0};
   for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 1000; i++) {
         Rec recs[] = {{'P', "handler", "app.py", i}, {'P', "main", "app.py", 1}};
         StackDump dump = {.pid = 1};
         addThread(&dump, 1, "python3", round == 2 && i % 2 ? 'S' : 'R', recs, 2);
         StackProfile_add(&p, &dump);
         StackDump_done(&dump);
      }
   }
   assert_int_equal(p.total, 3000);
   assert_int_equal(p.count, 1500); /* half of the third round was idle */
   ProfileTree t;
   ProfileTree_build(&t, &p, false, false);
   assert_int_equal(ProfileTree_total(&t), 2500);
   assert_int_equal(t.nodes[node(&t, "handler (app.py:7)")].total, 2);
   assert_int_equal(t.nodes[node(&t, "handler (app.py:8)")].total, 3);
   ProfileTree_done(&t);
   ProfileTree_build(&t, &p, false, true);
   assert_int_equal(t.nodes[node(&t, "handler (app.py:7)")].total, 3);
   assert_int_equal(t.nodes[node(&t, "main (app.py:1)")].total, 3000);
   ProfileTree_done(&t);
   StackProfile_done(&p);
}

static void test_empty(void** state) {
   (void)state;
   StackProfile p = {0};
   ProfileTree t;
   ProfileTree_build(&t, &p, true, false);
   assert_int_equal(ProfileTree_total(&t), 0);
   assert_true(ProfileTree_percent(&t, 0) == 0.0);
   int* rows = NULL;
   assert_int_equal(ProfileTree_visible(&t, &rows), 0);
   free(rows);
   ProfileFunction* f = NULL;
   assert_int_equal(ProfileTree_functions(&t, false, &f), 0);
   free(f);
   char* text = written(&t, ProfileTree_folded);
   assert_string_equal(text, "");
   free(text);
   ProfileTree_done(&t);
}

static void test_quantile(void** state) {
   (void)state;
   double v[] = {0.9, 0.1, 0.5, 0.3, 0.7};
   assert_true(StackProfile_quantile(v, 5, 0.5) == 0.5);
   assert_true(StackProfile_quantile(v, 5, 0.99) == 0.9);
   assert_true(StackProfile_quantile(v, 5, 0.0) == 0.1);
   assert_true(StackProfile_quantile(NULL, 0, 0.5) == 0.0);
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_add_counts),       cmocka_unit_test(test_tree_counts),
         cmocka_unit_test(test_folded),           cmocka_unit_test(test_folded_merges_threads),
         cmocka_unit_test(test_folded_odd_names), cmocka_unit_test(test_top_stacks),
         cmocka_unit_test(test_functions),        cmocka_unit_test(test_expand_and_visible),
         cmocka_unit_test(test_many_stacks),      cmocka_unit_test(test_empty),
         cmocka_unit_test(test_quantile),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
