#include "config.h"

#include "SelfMemory.h"

#include <fcntl.h>
#include <stdint.h>

#include "sample/ProcParse.h"
#include "util/XUtils.h"

long SelfMemory_kib(const char* key) {
   char text[8192];
   uint64_t kib;
   if (XUtils_readFileAt(AT_FDCWD, "/proc/self/status", text, sizeof(text)) <= 0 ||
       !ProcParse_keyedValue(text, key, &kib))
      return -1;
   return (long)kib;
}
