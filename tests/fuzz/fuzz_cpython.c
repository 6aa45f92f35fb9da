/* Fuzz target: arbitrary bytes as a CPython interpreter's memory, read the
   way leaktop stack reads a worker: the runtime's interpreter list, each
   interpreter's thread states and GIL, every thread's frame chain, code
   objects, their names (compact str of every kind) and line tables. The
   address space is FakeMemory's (FakeMemory.h: region records after one
   leading byte); the leading byte picks the layout: 11 or 12 the built-in
   table, any other the _Py_DebugOffsets table that the first region (the
   runtime) must then start with, as 3.13+ publish it. Seeds are made by
   cpython_corpus.c: well-formed interpreters of 3.11 to 3.15. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "FakeMemory.h"
#include "fuzz_driver.h"
#include "target/CPython.h"
#include "target/CPythonLayout.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   if (size < 1 || FakeMemory_load(data + 1, size - 1) == 0)
      return 0;
   RemoteMemory mem;
   RemoteMemory_init(&mem, 0);
   uint64_t runtime = FakeMemory_firstAddress();
   CPythonLayout layout;
   char err[256];
   const CPythonLayout* builtin = CPythonLayout_forMinor(data[0]);
   if (builtin) {
      layout = *builtin;
   } else {
      uint8_t table[DEBUG_OFFSETS_SIZE];
      if (!RemoteMemory_read(&mem, runtime, table, sizeof(table)) ||
          !CPythonLayout_fromDebugOffsets(table, sizeof(table), &layout, err, sizeof(err)))
         return 0;
   }
   /* A code type of 0 leaves every object the frames name a candidate. */
   CPython* py =
         CPython_open(&mem, runtime, &layout, "3.x", data[0] & 1 ? 0x7000 : 0, err, sizeof(err));
   if (!py)
      return 0;
   CPython_mainInterpreter(py);
   PyThreadStack* threads;
   int count = CPython_threads(py, &threads, err, sizeof(err));
   int frames = 0;
   for (int i = 0; i < count; i++) {
      CPython_pthreadTid(py, &threads[i]);
      frames += threads[i].frames.count;
   }
   if (frames > CPYTHON_MAX_FRAMES)
      __builtin_trap(); /* the bound on what damaged memory can cost */
   if (count > 0)
      CPython_freeThreads(threads, count);
   CPython_free(py);
   RemoteMemory_done(&mem);
   return 0;
}
