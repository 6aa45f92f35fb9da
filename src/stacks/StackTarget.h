#ifndef HEADER_StackTarget
#define HEADER_StackTarget
/* The threads of a process whose stacks are about to be read. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stacks/StackOutput.h"

/* Lists pid's threads into dump: name, state (read now, before anything
   stops them) and the TID in the target's PID namespace. */
void StackTarget_threads(pid_t pid, StackDump* dump);

#endif
