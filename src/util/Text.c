#include "config.h"

#include "util/Text.h"

#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (at most avail bytes), or 0. */
static size_t Text_utf8Length(const unsigned char* s, size_t avail) {
   size_t need;
   uint32_t cp;
   if (s[0] < 0x80)
      return 1;
   if ((s[0] & 0xE0) == 0xC0) {
      need = 2;
      cp = s[0] & 0x1F;
   } else if ((s[0] & 0xF0) == 0xE0) {
      need = 3;
      cp = s[0] & 0x0F;
   } else if ((s[0] & 0xF8) == 0xF0) {
      need = 4;
      cp = s[0] & 0x07;
   } else {
      return 0;
   }
   if (need > avail)
      return 0;
   for (size_t i = 1; i < need; i++) {
      if ((s[i] & 0xC0) != 0x80)
         return 0;
      cp = (cp << 6) | (s[i] & 0x3F);
   }
   /* Reject overlong forms, surrogates and out-of-range code points. */
   static const uint32_t minimum[5] = {0, 0, 0x80, 0x800, 0x10000};
   if (cp < minimum[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
   /* C1 controls would reach the terminal as escape sequences. */
   if (cp >= 0x80 && cp < 0xA0)
      return 0;
   return need;
}

size_t Text_sanitize(const char* in, size_t len, char* out, size_t outSize) {
   if (outSize == 0)
      return 0;
   const unsigned char* s = (const unsigned char*)in;
   size_t o = 0;
   size_t i = 0;
   /* Trailing NULs are the cmdline terminator, not separators. */
   while (len > 0 && s[len - 1] == '\0')
      len--;
   while (i < len && o + 1 < outSize) {
      unsigned char c = s[i];
      if (c == '\0' || c == '\t' || c == '\n') {
         out[o++] = ' ';
         i++;
      } else if (c < 0x20 || c == 0x7F) {
         out[o++] = '?';
         i++;
      } else {
         size_t n = Text_utf8Length(s + i, len - i);
         if (n == 0) {
            out[o++] = '?';
            i++;
         } else if (o + n < outSize) {
            for (size_t k = 0; k < n; k++)
               out[o++] = (char)s[i++];
         } else {
            break;
         }
      }
   }
   out[o] = '\0';
   return o;
}
