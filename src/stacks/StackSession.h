#ifndef HEADER_StackSession
#define HEADER_StackSession
/* Stack samples of one process: what stays the same from one sample to
   the next (maps, the interpreter's layout, ELF tables, libunwind caches)
   is found once, so a profile pays for it once. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stacks/StackOutput.h"

typedef struct StackSession_ StackSession;

/* NULL with the reason in err when pid cannot be sampled (gone, refused,
   not Python while pythonOnly, an unsupported CPython). */
StackSession* StackSession_open(pid_t pid, bool pythonOnly, char* err, size_t errSize);
void StackSession_free(StackSession* session);

/* One dump of every thread into dump (emptied first). With native frames
   the threads are stopped only while their registers, stacks and Python
   frames are copied; the unwinding and naming run after they are resumed.
   False with err set when the threads could not be read. */
bool StackSession_sample(StackSession* session, StackDump* dump, char* err, size_t errSize);

#endif
