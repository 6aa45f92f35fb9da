#ifndef HEADER_Text
#define HEADER_Text
/* Making foreign bytes (command lines, file contents) safe to show. */

#include <stddef.h>

/* Copies len bytes of in to out (at most outSize-1 bytes, NUL-terminated) as
   printable text: NUL argument separators become spaces, control bytes and
   invalid UTF-8 become '?', and a character is never cut in half. Returns
   the length written. */
size_t Text_sanitize(const char* in, size_t len, char* out, size_t outSize);

#endif
