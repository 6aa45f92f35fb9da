#ifndef HEADER_StackTarget
#define HEADER_StackTarget
/* What leaktop checks about a process before reading its stacks, and why
   it may not: each refusal says what to do. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stacks/StackOutput.h"

/* False, with the reason in err, when pid cannot be sampled at all: gone,
   a zombie, a kernel thread, or (when tracing) already traced. Fills
   dump's pid and command. */
bool StackTarget_check(pid_t pid, bool trace, StackDump* dump, char* err, size_t errSize);

/* Why reading or tracing pid failed with errno error: not permitted (and
   which rule), or gone. */
void StackTarget_explain(pid_t pid, int error, char* err, size_t errSize);

/* Lists pid's threads into dump: name, state (read now, before anything
   stops them) and the TID in the target's PID namespace. */
void StackTarget_threads(pid_t pid, StackDump* dump);

#endif
