#include "config.h"

#include "record/Varint.h"

size_t Varint_put(uint8_t* out, uint64_t v) {
   size_t n = 0;
   while (v >= 0x80) {
      out[n++] = (uint8_t)(v | 0x80);
      v >>= 7;
   }
   out[n++] = (uint8_t)v;
   return n;
}

bool Varint_get(const uint8_t** p, const uint8_t* end, uint64_t* v) {
   const uint8_t* q = *p;
   uint64_t result = 0;
   for (int shift = 0; shift < 64; shift += 7) {
      if (q == end)
         return false;
      uint8_t b = *q++;
      /* The tenth byte holds bit 63 only. */
      if (shift == 63 && b > 1)
         return false;
      result |= (uint64_t)(b & 0x7f) << shift;
      if (!(b & 0x80)) {
         *p = q;
         *v = result;
         return true;
      }
   }
   return false;
}
