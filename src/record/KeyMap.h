#ifndef HEADER_KeyMap
#define HEADER_KeyMap
/* A hash map from a row key, (pid, start ticks), to a small index: how the
   tick encoder and the consolidator find a process among a thousand in
   constant time. */

#include <stddef.h>
#include <stdint.h>

typedef struct KeyMapEntry {
   uint64_t a, b;
   int value; /* -1: empty */
} KeyMapEntry;

typedef struct KeyMap {
   KeyMapEntry* entries;
   size_t capacity; /* a power of two, or 0 */
   size_t count;
} KeyMap;

void KeyMap_init(KeyMap* this);
void KeyMap_done(KeyMap* this);
void KeyMap_clear(KeyMap* this);

/* The value stored for (a, b), or -1. */
int KeyMap_get(const KeyMap* this, uint64_t a, uint64_t b);

/* Stores value (>= 0) for (a, b), replacing an earlier one. */
void KeyMap_put(KeyMap* this, uint64_t a, uint64_t b, int value);

#endif
