#include "config.h"

#include "target/LineTable.h"

#include <limits.h>
#include <stdbool.h>

/* Location-entry codes (Objects/locations.md). */
enum {
   LT_ONE_LINE0 = 10, /* 10..12: one-line form, line delta = code - 10 */
   LT_NO_COLUMNS = 13,
   LT_LONG = 14,
   LT_NONE = 15,
};

typedef struct {
   const uint8_t* p;
   const uint8_t* end;
   bool bad;
} Cursor;

/* 6-bit chunks, least significant first, bit 6 = more follows. */
static uint32_t LineTable_varint(Cursor* c) {
   uint32_t value = 0;
   for (unsigned shift = 0; shift < 32; shift += 6) {
      if (c->p >= c->end) {
         c->bad = true;
         return 0;
      }
      uint8_t b = *c->p++;
      value |= (uint32_t)(b & 63) << shift;
      if (!(b & 64))
         return value;
   }
   c->bad = true;
   return 0;
}

static int LineTable_svarint(Cursor* c) {
   uint32_t u = LineTable_varint(c);
   return (u & 1) ? -(int)(u >> 1) : (int)(u >> 1);
}

static void LineTable_skip(Cursor* c, size_t n) {
   if ((size_t)(c->end - c->p) < n) {
      c->bad = true;
      return;
   }
   c->p += n;
}

int LineTable_line(const uint8_t* table, size_t len, int firstLine, int lasti) {
   if (lasti < 0)
      return firstLine;
   if (!table)
      return -1; /* a code object without a table (NULL + 0 is undefined) */
   Cursor c = {table, table + len, false};
   long line = firstLine; /* deltas of a damaged table may leave int's range */
   long addr = 0;
   while (c.p < c.end) {
      uint8_t first = *c.p++;
      if (!(first & 0x80))
         return -1; /* not an entry start: out of step with the table */
      int code = (first >> 3) & 15;
      long length = (first & 7) + 1;
      bool noLocation = code == LT_NONE;
      if (code == LT_LONG) {
         line += LineTable_svarint(&c);
         LineTable_varint(&c); /* end-line delta */
         LineTable_varint(&c); /* column + 1 */
         LineTable_varint(&c); /* end column + 1 */
      } else if (code == LT_NO_COLUMNS) {
         line += LineTable_svarint(&c);
      } else if (code >= LT_ONE_LINE0 && code < LT_NO_COLUMNS) {
         line += code - LT_ONE_LINE0;
         LineTable_skip(&c, 2);
      } else if (!noLocation) {
         LineTable_skip(&c, 1); /* short form: column data only */
      }
      if (c.bad)
         return -1;
      if (lasti < addr + length)
         return noLocation || line < 0 || line > INT_MAX ? -1 : (int)line;
      addr += length;
   }
   return -1;
}
