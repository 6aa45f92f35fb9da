#ifndef HEADER_CPython
#define HEADER_CPython
/* The CPython interpreter inside another process, read through its memory
   only (process_vm_readv): thread states and their Python frames. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "target/CPythonLayout.h"
#include "target/ProcMaps.h"
#include "target/RemoteMemory.h"
#include "target/FrameList.h"

typedef struct CPython_ CPython;

typedef struct {
   uint64_t nativeTid; /* kernel TID in the target's PID namespace */
   uint64_t pthread;   /* pthread_self() of the thread that made the state */
   bool gil;
   FrameList frames; /* innermost first; .entry marks eval-call boundaries */
} PyThreadStack;

/* Finds the interpreter of pid in its executable or a mapped libpython.
   NULL when there is none (*found false, a native process) or when it
   cannot be used (*found true, the reason in err: an unsupported version,
   an unreadable table). */
CPython* CPython_attach(pid_t pid, const ProcMaps* maps, RemoteMemory* mem, bool* found, char* err,
                        size_t errSize);
/* The interpreter whose _PyRuntime is at runtime, read with layout: where
   attach ends, once it found both; codeType is &PyCode_Type (0: code
   objects are not checked). No symbols and no pthread TIDs. NULL, with
   err set, when the layout's offsets are out of range. */
CPython* CPython_open(RemoteMemory* mem, uint64_t runtime, const CPythonLayout* layout,
                      const char* version, uint64_t codeType, char* err, size_t errSize);
void CPython_free(CPython* py);
/* "3.11.2" */
const char* CPython_version(const CPython* py);
/* 11 for CPython 3.11. */
int CPython_minor(const CPython* py);
const CPythonLayout* CPython_layout(const CPython* py);
/* The address of _PyRuntime in the target. */
uint64_t CPython_runtime(const CPython* py);
/* The address of the main interpreter's PyInterpreterState (the last of
   the runtime's list), or 0 when the list does not read back. */
uint64_t CPython_mainInterpreter(const CPython* py);
/* The thread state holding the GIL of interpreter interp, or 0 when the
   GIL is free or does not read back. */
uint64_t CPython_gilHolder(CPython* py, uint64_t interp);
/* A symbol of the interpreter's file (executable or libpython), relocated
   to the target's address; false if absent. Resolving only there keeps
   another library's copy of a name (a gdal PyGILState_Ensure) out. */
bool CPython_symbol(const CPython* py, const char* name, uint64_t* addr);

/* Frames in one CPython_threads, all threads together: a ring of thread
   states or of frames in damaged memory must not cost threads times depth. */
#define CPYTHON_MAX_FRAMES 65536

/* Every thread state of every interpreter with its frames; a thread list
   that comes back to a thread already read ends there. Returns the
   count (0 while the interpreter starts or exits), or -1 with err set when
   the structures do not read back consistently. */
int CPython_threads(CPython* py, PyThreadStack** threads, char* err, size_t errSize);
void CPython_freeThreads(PyThreadStack* threads, int count);

/* The kernel TID that glibc keeps in the thread's struct pthread, or 0
   (unknown, or not glibc). It stays right where nativeTid goes stale: an
   embedder that forks without calling PyOS_AfterFork_Child (uwsgi's
   default) leaves the parent's TID in native_thread_id (CPython
   gh-100649), while the child's thread still has the parent's struct
   pthread, whose TID the kernel rewrote at the fork (CLONE_CHILD_SETTID). */
uint64_t CPython_pthreadTid(CPython* py, const PyThreadStack* thread);

#endif
