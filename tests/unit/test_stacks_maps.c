/* Finding modules in /proc/PID/maps (recorded) and naming addresses with
   ELF symbols (this test's own binary). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "target/ElfSymbols.h"
#include "target/ProcMaps.h"

/* Debian bookworm's /usr/bin/python3.11 (non-PIE, static libpython). */
static const char* const MAPS_DEBIAN =
      "00400000-0041f000 r--p 00000000 fe:00 247970                             "
      "/usr/bin/python3.11\n"
      "0041f000-006d2000 r-xp 0001f000 fe:00 247970                             "
      "/usr/bin/python3.11\n"
      "006d2000-00945000 r--p 002d2000 fe:00 247970                             "
      "/usr/bin/python3.11\n"
      "00945000-00946000 r--p 00544000 fe:00 247970                             "
      "/usr/bin/python3.11\n"
      "7f9329952000-7f9329978000 r--p 00000000 fe:00 332835                     "
      "/usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7f9329978000-7f9329ace000 r-xp 00026000 fe:00 332835                     "
      "/usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7ffde73b0000-7ffde73d1000 rw-p 00000000 00:00 0                          [stack]\n";

/* pyenv 3.11.7: a PIE launcher and libpython3.11.so. */
static const char* const MAPS_PYENV =
      "55f818c27000-55f818c28000 r--p 00000000 fe:00 18624                      "
      "/root/.pyenv/versions/3.11.7/bin/python3.11\n"
      "55f818c28000-55f818c29000 r-xp 00001000 fe:00 18624                      "
      "/root/.pyenv/versions/3.11.7/bin/python3.11\n"
      "55f8432a6000-55f843435000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f3329600000-7f33296f5000 r--p 00000000 fe:00 18834                      "
      "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0\n"
      "7f33296f5000-7f3329931000 r-xp 000f5000 fe:00 18834                      "
      "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0\n"
      "7f3329a15000-7f3329a16000 rw-p 00000000 00:00 0 \n"
      "garbage line\n";

/* Debian trixie's python3.13 unpacked by tests/pythons.sh and run through
   its own dynamic loader (/proc/PID/exe is ld-linux-x86-64.so.2). */
#define ROOT_313 "/work/tests/.pythons/3.13/root"
static const char* const MAPS_LOADER =
      "00400000-00420000 r--p 00000000 fe:00 5318980                            " ROOT_313
      "/usr/bin/python3.13\n"
      "00420000-00740000 r-xp 00020000 fe:00 5318980                            " ROOT_313
      "/usr/bin/python3.13\n"
      "55556806f000-5555681b6000 rw-p 00000000 00:00 0                          [heap]\n"
      "7ff0d5572000-7ff0d559a000 r--p 00000000 fe:00 5318154                    " ROOT_313
      "/usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7ff0d5766000-7ff0d576a000 r--p 00000000 fe:00 5318184                    " ROOT_313
      "/usr/lib/x86_64-linux-gnu/libexpat.so.1.12.3\n"
      "7ff0d57a0000-7ff0d57a1000 r--p 00000000 fe:00 5318160                    " ROOT_313
      "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n";

static void test_maps_static_python(void** state) {
   (void)state;
   ProcMaps maps;
   ProcMaps_parse(&maps, MAPS_DEBIAN);
   assert_int_equal(maps.count, 7);
   assert_null(ProcMaps_libpython(&maps));
   assert_string_equal(ProcMaps_pythonExecutable(&maps), "/usr/bin/python3.11");
   assert_string_equal(ProcMaps_library(&maps, "libc.so"), "/usr/lib/x86_64-linux-gnu/libc.so.6");
   assert_null(ProcMaps_library(&maps, "libm.so"));
   char file[64];
   char expected[64];
   ProcMaps_targetPath(&maps, getpid(), "/", file, sizeof(file));
   snprintf(expected, sizeof(expected), "/proc/%d/root/", (int)getpid());
   assert_string_equal(file, expected);
   /* Nothing under the target's root (no such PID here): the mapping at
      file offset 0 itself; a path not mapped keeps the root's name. */
   ProcMaps_targetPath(&maps, 99999999, "/usr/bin/python3.11", file, sizeof(file));
   assert_string_equal(file, "/proc/99999999/map_files/400000-41f000");
   ProcMaps_targetPath(&maps, 99999999, "/nonexistent", file, sizeof(file));
   assert_string_equal(file, "/proc/99999999/root/nonexistent");
   assert_int_equal(ProcMaps_fileBase(&maps, "/usr/bin/python3.11"), 0x400000);
   const MapEntry* e = ProcMaps_find(&maps, 0x52b0f0); /* _PyEval_EvalFrameDefault */
   assert_non_null(e);
   assert_true(e->exec);
   assert_int_equal(e->offset, 0x1f000);
   assert_string_equal(e->path, "/usr/bin/python3.11");
   e = ProcMaps_find(&maps, 0x7f9329978000);
   assert_string_equal(e->path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
   assert_int_equal(ProcMaps_fileBase(&maps, e->path), 0x7f9329952000);
   assert_string_equal(ProcMaps_find(&maps, 0x7ffde73d0fff)->path, "[stack]");
   assert_null(ProcMaps_find(&maps, 0x7ffde73d1000));
   assert_null(ProcMaps_find(&maps, 0x3fffff));
   ProcMaps_done(&maps);
}

static void test_maps_libpython(void** state) {
   (void)state;
   ProcMaps maps;
   ProcMaps_parse(&maps, MAPS_PYENV);
   assert_int_equal(maps.count, 6); /* the garbage line is skipped */
   const char* lib = ProcMaps_libpython(&maps);
   assert_string_equal(lib, "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0");
   /* The launcher is found too; CPython_attach tries libpython first. */
   assert_string_equal(ProcMaps_pythonExecutable(&maps),
                       "/root/.pyenv/versions/3.11.7/bin/python3.11");
   /* Shared objects link at 0: the bias is where offset 0 is mapped. */
   assert_int_equal(ProcMaps_fileBase(&maps, lib), 0x7f3329600000);
   assert_null(ProcMaps_find(&maps, 0x7f3329a15000)->path);
   assert_int_equal(ProcMaps_fileBase(&maps, "/nonexistent"), 0);
   ProcMaps_done(&maps);
}

static void test_maps_loader_run(void** state) {
   (void)state;
   ProcMaps maps;
   ProcMaps_parse(&maps, MAPS_LOADER);
   assert_null(ProcMaps_libpython(&maps));
   const char* python = ProcMaps_pythonExecutable(&maps);
   assert_string_equal(python, ROOT_313 "/usr/bin/python3.13");
   assert_int_equal(ProcMaps_fileBase(&maps, python), 0x400000);
   ProcMaps_done(&maps);
   /* A native process maps no python. */
   ProcMaps_parse(&maps, "00400000-00420000 r-xp 00000000 fe:00 1 /usr/bin/python-config\n"
                         "00500000-00520000 r-xp 00000000 fe:00 2 /usr/lib/libpython3.so\n");
   assert_null(ProcMaps_pythonExecutable(&maps));
   ProcMaps_done(&maps);
}

/* Known code in this binary: a function of known size, kept out of line. */
__attribute__((noinline)) int test_stacks_known_function(int x);
__attribute__((noinline)) int test_stacks_known_function(int x) {
   return x * 3 + 1;
}

static void test_elf_symbols_self(void** state) {
   (void)state;
   ProcMaps maps;
   assert_true(ProcMaps_read(&maps, getpid()));
   char exe[4096];
   ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
   assert_true(n > 0);
   exe[n] = '\0';
   ElfSymbols* elf = ElfSymbols_open(exe);
   assert_non_null(elf);
   uint64_t bias = ProcMaps_fileBase(&maps, exe) - ElfSymbols_firstLoad(elf);
   uint64_t start, size;
   assert_true(ElfSymbols_find(elf, "test_stacks_known_function", &start, &size));
   assert_true(size > 0);
   uint64_t runtime = (uint64_t)(uintptr_t)&test_stacks_known_function;
   assert_int_equal(start + bias, runtime);

   uint64_t offset = 99;
   const char* name = ElfSymbols_lookup(elf, runtime - bias + 2, &offset);
   assert_non_null(name);
   assert_string_equal(name, "test_stacks_known_function");
   assert_int_equal(offset, 2);
   /* Past its size the symbol is not used, even if nothing follows. */
   name = ElfSymbols_lookup(elf, start + size, &offset);
   assert_true(!name || strcmp(name, "test_stacks_known_function") != 0);
   assert_null(ElfSymbols_lookup(elf, 0, &offset));
   assert_false(ElfSymbols_find(elf, "no_such_symbol_anywhere", &start, &size));
   ElfSymbols_close(elf);
   ProcMaps_done(&maps);
}

static void test_elf_not_elf(void** state) {
   (void)state;
   assert_null(ElfSymbols_open("/proc/self/status"));
   assert_null(ElfSymbols_open("/nonexistent/file"));
}

int main(void) {
   const struct CMUnitTest tests[] = {
         cmocka_unit_test(test_maps_static_python), cmocka_unit_test(test_maps_libpython),
         cmocka_unit_test(test_maps_loader_run),    cmocka_unit_test(test_elf_symbols_self),
         cmocka_unit_test(test_elf_not_elf),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
