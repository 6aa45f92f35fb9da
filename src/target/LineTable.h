#ifndef HEADER_LineTable
#define HEADER_LineTable
/* CPython 3.11+ location table (co_linetable) decoding: pure, no I/O. */

#include <stddef.h>
#include <stdint.h>

/* The source line of the instruction at code-unit index lasti (2-byte
   units from the start of the bytecode) given the code object's
   co_firstlineno. Returns the line, firstLine for lasti < 0 (a frame that
   has not started), or -1 when the table says "no location" or is
   malformed or too short. Format: CPython Objects/locations.md, the same
   for 3.11 through 3.15 (3.15's _PyCodeLocationInfoKind in cpython/code.h
   is 3.14's). */
int LineTable_line(const uint8_t* table, size_t len, int firstLine, int lasti);

#endif
