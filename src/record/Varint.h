#ifndef HEADER_Varint
#define HEADER_Varint
/* The integers of every record: unsigned LEB128 varints, and zigzag so that
   small deltas of either sign take one byte. Deltas are taken modulo 2^64,
   so every function works on uint64_t and no signed overflow can happen. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX_BYTES 10

/* Writes v at out (room for VARINT_MAX_BYTES); returns the bytes written. */
size_t Varint_put(uint8_t* out, uint64_t v);

/* Reads a varint at *p, not beyond end, and moves *p past it. False when it
   is cut short or does not fit 64 bits (an 11th byte, or a 10th above 1). */
bool Varint_get(const uint8_t** p, const uint8_t* end, uint64_t* v);

/* d is a signed delta in two's complement; small |d| gives a small result. */
static inline uint64_t Varint_zigzag(uint64_t d) {
   return (d << 1) ^ (0 - (d >> 63));
}

static inline uint64_t Varint_unzigzag(uint64_t u) {
   return (u >> 1) ^ (0 - (u & 1));
}

#endif
