#ifndef HEADER_RemoteExec
#define HEADER_RemoteExec
/* CPython 3.14+: the interpreter's own remote-execution protocol (PEP 768,
   Doc/howto/remote_debugging.rst). leaktop writes only data: a script path
   into the main thread state's remote_debugger_support, its pending flag,
   and _PY_EVAL_PLEASE_STOP_BIT in that thread's eval_breaker, all through
   the offsets of _Py_DebugOffsets and with every thread stopped so the
   read-modify-write of eval_breaker races with nothing. The interpreter
   runs the script at its next safe point in a fresh namespace. */

#include <stddef.h>
#include <sys/types.h>

#include "inject/Inject.h"
#include "target/CPython.h"
#include "target/RemoteMemory.h"

/* Asks pid's main thread to run the script at path (as the worker sees
   it). Refuses, saying so, when the interpreter has remote debugging
   turned off. */
InjectOutcome RemoteExec_inject(pid_t pid, CPython* py, RemoteMemory* mem, const char* path,
                                InjectReport* report, char* err, size_t errSize);

/* Withdraws the request for the script at path if the main thread has not
   picked it up yet (its pending flag still set), so the file can be
   removed. */
void RemoteExec_withdraw(pid_t pid, CPython* py, RemoteMemory* mem, const char* path);

#endif
