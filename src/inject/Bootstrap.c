#include "config.h"

#include "inject/Bootstrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/XUtils.h"

/* Appends text as the body of a single-quoted Python literal. Bytes from
   0x80 up are UTF-8 and stay as they are (the source is read as UTF-8). */
static size_t Bootstrap_quote(char* out, const char* text) {
   size_t n = 0;
   for (const unsigned char* c = (const unsigned char*)text; *c; c++) {
      if (*c == '\\' || *c == '\'') {
         if (out) {
            out[n] = '\\';
            out[n + 1] = (char)*c;
         }
         n += 2;
      } else if (*c == '\n') {
         if (out)
            memcpy(out + n, "\\n", 2);
         n += 2;
      } else if (*c < 0x20 || *c == 0x7f) {
         if (out)
            snprintf(out + n, 5, "\\x%02x", *c);
         n += 4;
      } else {
         if (out)
            out[n] = (char)*c;
         n++;
      }
   }
   return n;
}

#define BOOTSTRAP_HEAD "try:\n    exec(compile('"
#define BOOTSTRAP_TAIL                                                                             \
   "', '" BOOTSTRAP_FILENAME "', 'exec'), {'__name__': '__leaktop_collector__'})\n"                \
   "except BaseException:\n    pass\n"

char* Bootstrap_build(const char* source, const char* requestLiteral, size_t* len) {
   size_t callSize = strlen(requestLiteral) + 40;
   char* call = xMalloc(callSize);
   snprintf(call, callSize, "\nrun(%s)\nglobals().clear()\n", requestLiteral);
   size_t size = strlen(BOOTSTRAP_HEAD) + Bootstrap_quote(NULL, source) +
                 Bootstrap_quote(NULL, call) + strlen(BOOTSTRAP_TAIL) + 1;
   char* text = xMalloc(size);
   size_t at = 0;
   memcpy(text, BOOTSTRAP_HEAD, strlen(BOOTSTRAP_HEAD));
   at += strlen(BOOTSTRAP_HEAD);
   at += Bootstrap_quote(text + at, source);
   at += Bootstrap_quote(text + at, call);
   memcpy(text + at, BOOTSTRAP_TAIL, strlen(BOOTSTRAP_TAIL) + 1);
   at += strlen(BOOTSTRAP_TAIL);
   free(call);
   *len = at;
   return text;
}
