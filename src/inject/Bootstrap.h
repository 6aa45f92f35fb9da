#ifndef HEADER_Bootstrap
#define HEADER_Bootstrap
/* The Python text a worker runs for a snapshot request: the collector's
   source and the request, compiled and run in a fresh namespace inside
   try/except BaseException, so nothing reaches the application's frames,
   __main__ or sys.last_value whatever happens, and a text that does not
   even compile is caught too. Pure. */

#include <stddef.h>

/* The file name the collector runs under: its frames and tracemalloc
   traces are told apart by it. */
#define BOOTSTRAP_FILENAME "<leaktop_collector>"

/* A newly allocated bootstrap running `source` then run(requestLiteral),
   then emptying its namespace (functions and their globals form cycles
   that would otherwise wait for the garbage collector); requestLiteral is
   a Python expression (a dict literal). */
char* Bootstrap_build(const char* source, const char* requestLiteral, size_t* len);

#endif
