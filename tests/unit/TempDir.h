#ifndef HEADER_TempDir
#define HEADER_TempDir
/* A test's private scratch directory: made with mkdtemp (0700) under
   $TMPDIR or /tmp, and removed with everything in it, links not followed. */

#include <stddef.h>

/* Makes TMPDIR/PREFIX-XXXXXX into out; 0, or -1 when it cannot. */
int TempDir_make(char* out, size_t size, const char* prefix);
/* Removes path and everything below it; 0, or -1 on a failure. */
int TempDir_remove(const char* path);

#endif
