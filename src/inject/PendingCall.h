#ifndef HEADER_PendingCall
#define HEADER_PendingCall
/* Getting a snapshot request into CPython 3.11-3.13 without running code
   at an arbitrary point: with every thread stopped, leaktop appends
   {PyRun_SimpleString, text} to the interpreter's main-thread pending-call
   queue (as Py_AddPendingCall would, lock checked free) and sets the flags
   that make the main thread look at it; the text lives in leaktop's own
   region, mapped by one single-stepped mmap the first time. The main
   thread then runs it between two bytecodes with the GIL held, where
   signal handlers run (research/injection.md §3.5). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inject/Inject.h"
#include "target/CPython.h"
#include "target/ProcMaps.h"
#include "target/RemoteMemory.h"

/* Appends a call running text (a bootstrap) in pid, whose interpreter py
   was found in maps and reads through mem. */
InjectOutcome PendingCall_inject(pid_t pid, CPython* py, const ProcMaps* maps, RemoteMemory* mem,
                                 const char* text, size_t len, InjectReport* report, char* err,
                                 size_t errSize);

#endif
