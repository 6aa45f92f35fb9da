#ifndef HEADER_DebugOffsetsTables
#define HEADER_DebugOffsetsTables
/* _Py_DebugOffsets tables of real CPython 3.13, 3.14 and 3.15 builds, for
   tests and fuzz seeds (DebugOffsetsTables.c says where each was read). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills table (DEBUG_OFFSETS_SIZE bytes) with 3.MINOR's, zero past its
   end; false for a minor without one. 3.14's is 760 bytes, 3.15's 888. */
bool DebugOffsetsTables_fill(int minor, uint8_t* table);

/* Overwrites the entry at byte position at. */
void DebugOffsetsTables_put(uint8_t* table, size_t at, uint64_t value);

#endif
