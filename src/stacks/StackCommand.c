#include "config.h"

#include "stacks/StackCommand.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks/CPython.h"
#include "stacks/CPythonLayout.h"
#include "stacks/NativeUnwind.h"
#include "stacks/ProcMaps.h"
#include "stacks/PtraceThreads.h"
#include "stacks/RemoteMemory.h"
#include "stacks/StackOutput.h"
#include "stacks/StackTarget.h"
#include "stacks/Symbolizer.h"
#include "util/XUtils.h"

typedef struct {
   pid_t pid;
   bool pythonOnly;
   bool json;
} StackOptions;

static void StackCommand_usage(FILE* out) {
   fputs("Usage: leaktop stack PID [--python-only] [--json]\n"
         "Print the stack of every thread of process PID: native frames (libunwind)\n"
         "merged with the CPython frames each interpreter loop runs (function, file,\n"
         "line), the thread's name and state, and which thread holds the GIL.\n"
         "\n"
         "  --python-only   read only the interpreter's memory; never stops the target\n"
         "  --json          one JSON object instead of text\n"
         "  -h, --help      display this help and exit\n"
         "\n"
         "Without --python-only every thread is stopped with ptrace while its stack\n"
         "is read (about a millisecond) and always resumed. CPython " CPYTHON_SUPPORTED
         " are\nsupported; other processes get native frames only.\n",
         out);
}

static int StackCommand_parse(int argc, char** argv, StackOptions* opts) {
   static const struct option longOptions[] = {
         {"python-only", no_argument, NULL, 'P'},
         {"json", no_argument, NULL, 'j'},
         {"help", no_argument, NULL, 'h'},
         {NULL, 0, NULL, 0},
   };
   memset(opts, 0, sizeof(*opts));
   optind = 1;
   int c;
   while ((c = getopt_long(argc, argv, "h", longOptions, NULL)) != -1) {
      switch (c) {
      case 'P':
         opts->pythonOnly = true;
         break;
      case 'j':
         opts->json = true;
         break;
      case 'h':
         StackCommand_usage(stdout);
         return 0;
      default:
         fputs("Try 'leaktop stack --help' for more information.\n", stderr);
         return 2;
      }
   }
   char* end = NULL;
   long pid = optind == argc - 1 ? strtol(argv[optind], &end, 10) : 0;
   if (!end || *end || pid <= 0 || pid > 0x3fffffff) {
      fprintf(stderr, "leaktop stack: %s\n",
              optind == argc ? "which process? give a PID" : "give exactly one PID (a number)");
      fputs("Try 'leaktop stack --help' for more information.\n", stderr);
      return 2;
   }
   opts->pid = (pid_t)pid;
   return -1;
}

static int StackCommand_byTid(const void* a, const void* b) {
   const StackThread* x = a;
   const StackThread* y = b;
   return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Attaches each Python thread state's frames to its OS thread, merged with
   the native frames already there. */
static void StackCommand_attachPython(StackDump* dump, PyThreadStack* py, int count) {
   for (int i = 0; i < count; i++) {
      StackThread* t = NULL;
      for (int k = 0; k < dump->count && !t; k++)
         if ((uint64_t)dump->threads[k].nsTid == py[i].nativeTid)
            t = &dump->threads[k];
      if (!t)
         continue; /* started after the thread list was read */
      t->python = true;
      t->gil = py[i].gil;
      FrameList merged = {0};
      StackMerge_merge(&t->frames, &py[i].frames, &merged);
      FrameList_clear(&t->frames);
      t->frames = merged;
   }
}

/* Stops the threads, unwinds each, reads the Python frames while the
   target cannot change under us, and lets it go. */
static bool StackCommand_native(StackDump* dump, const ProcMaps* maps, RemoteMemory* mem,
                                CPython* py, PyThreadStack** pyThreads, int* pyCount, char* err,
                                size_t errSize) {
   NativeUnwind* unwind = NativeUnwind_new(mem);
   if (!unwind) {
      snprintf(err, errSize, "libunwind cannot create an address space");
      return false;
   }
   Symbolizer* sym = Symbolizer_new(dump->pid, maps);
   PtraceThreads pt;
   /* Allocated before the stop: the pause is for reading only. */
   RemoteMemory_setCached(mem, true);
   double start = XUtils_monotonicNow();
   if (!PtraceThreads_stop(&pt, dump->pid, err, errSize)) {
      RemoteMemory_setCached(mem, false);
      if (errno == EPERM || errno == ESRCH)
         StackTarget_explain(dump->pid, errno, err, errSize);
      Symbolizer_free(sym);
      NativeUnwind_free(unwind);
      return false;
   }
   char pyErr[256] = "";
   if (py)
      *pyCount = CPython_threads(py, pyThreads, pyErr, sizeof(pyErr));
   for (int i = 0; i < dump->count; i++) {
      StackThread* t = &dump->threads[i];
      if (!PtraceThreads_isStopped(&pt, t->tid))
         snprintf(t->note, sizeof(t->note), "not stopped: the thread exited or is in the kernel");
      else
         NativeUnwind_thread(unwind, t->tid, &t->frames, t->note, sizeof(t->note));
   }
   PtraceThreads_resume(&pt);
   RemoteMemory_setCached(mem, false);
   dump->native = true;
   dump->pauseMs = (XUtils_monotonicNow() - start) * 1000.0;
   /* Naming needs only leaktop's copies of the ELF files: after the resume. */
   for (int i = 0; i < dump->count; i++)
      Symbolizer_list(sym, &dump->threads[i].frames);
   Symbolizer_free(sym);
   NativeUnwind_free(unwind);
   if (*pyCount < 0)
      fprintf(stderr, "leaktop stack: Python frames missing: %s\n", pyErr);
   return true;
}

static int StackCommand_dump(const StackOptions* opts, StackDump* dump, char* err, size_t errSize) {
   if (!StackTarget_check(opts->pid, !opts->pythonOnly, dump, err, errSize))
      return 1;
   ProcMaps maps;
   if (!ProcMaps_read(&maps, opts->pid)) {
      StackTarget_explain(opts->pid, errno == ESRCH || errno == ENOENT ? ESRCH : errno, err,
                          errSize);
      return 1;
   }
   RemoteMemory mem;
   RemoteMemory_init(&mem, opts->pid);
   bool found = false;
   CPython* py = CPython_attach(opts->pid, &maps, &mem, &found, err, errSize);
   int status = 0;
   if (found && !py) {
      status = 1;
   } else if (!py && opts->pythonOnly) {
      snprintf(err, errSize,
               "process %d (%s) is not a Python process (no _PyRuntime in its "
               "executable or a libpython); leave out --python-only for its native "
               "stacks",
               (int)opts->pid, dump->command);
      status = 1;
   }
   if (status == 0) {
      if (py)
         snprintf(dump->python, sizeof(dump->python), "%s", CPython_version(py));
      StackTarget_threads(opts->pid, dump);
      qsort(dump->threads, (size_t)dump->count, sizeof(StackThread), StackCommand_byTid);
      PyThreadStack* pyThreads = NULL;
      int pyCount = 0;
      if (opts->pythonOnly) {
         pyCount = CPython_threads(py, &pyThreads, err, errSize);
         if (pyCount < 0)
            status = 1;
      } else if (!StackCommand_native(dump, &maps, &mem, py, &pyThreads, &pyCount, err, errSize)) {
         status = 1;
      }
      if (pyCount > 0)
         StackCommand_attachPython(dump, pyThreads, pyCount);
      CPython_freeThreads(pyThreads, pyCount > 0 ? pyCount : 0);
   }
   CPython_free(py);
   RemoteMemory_done(&mem);
   ProcMaps_done(&maps);
   return status;
}

int StackCommand_run(int argc, char** argv) {
   StackOptions opts;
   int status = StackCommand_parse(argc, argv, &opts);
   if (status >= 0)
      return status;
   StackDump dump = {0};
   char err[512] = "";
   status = StackCommand_dump(&opts, &dump, err, sizeof(err));
   if (status != 0)
      fprintf(stderr, "leaktop stack: %s\n", err);
   else if (opts.json)
      StackOutput_json(&dump, stdout);
   else
      StackOutput_text(&dump, stdout);
   StackDump_done(&dump);
   return status;
}
