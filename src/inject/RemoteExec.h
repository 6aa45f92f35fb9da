#ifndef HEADER_RemoteExec
#define HEADER_RemoteExec
/* CPython 3.14+: the interpreter's own remote-execution protocol (PEP 768,
   Doc/howto/remote_debugging.rst). leaktop writes only data: a script path
   into one thread state's remote_debugger_support, its pending flag, and
   _PY_EVAL_PLEASE_STOP_BIT in that thread's eval_breaker, all through the
   offsets of _Py_DebugOffsets and with every thread stopped so the
   read-modify-write of eval_breaker races with nothing. That thread runs
   the script at its next safe point in a fresh namespace.

   Any thread will do: _Py_HandlePending ends with
   _PyRunRemoteDebugger(tstate), which runs the request of the thread
   state it is given, the one whose own eval_breaker tripped (3.14 and 3.15
   Python/ceval_gil.c). So the request goes to the thread holding the GIL,
   else to the main thread, and while nobody takes it leaktop moves it on
   to the next thread: a main thread blocked in accept() does not hold up
   a snapshot that a busy background thread can answer. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inject/Inject.h"
#include "target/CPython.h"
#include "target/RemoteMemory.h"

/* Asks pid to run the script at path (as the worker sees it); *tstate is
   set to the thread state that holds the request. Refuses, saying so,
   when the interpreter has remote debugging turned off. */
InjectOutcome RemoteExec_inject(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                                uint64_t* tstate, InjectReport* report, char* err, size_t errSize);

/* If the request for path still waits in *tstate (no thread took it),
   moves it to the thread holding the GIL, or else to the next thread
   state of the interpreter, and sets *tstate. True when it moved. */
bool RemoteExec_move(pid_t pid, CPython* py, RemoteMemory* mem, const char* path, uint64_t* tstate);

/* Withdraws the request for path if the thread state holding it has not
   picked it up yet (its pending flag still set), so the file can be
   removed. */
void RemoteExec_withdraw(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                         uint64_t tstate);

#endif
