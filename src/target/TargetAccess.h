#ifndef HEADER_TargetAccess
#define HEADER_TargetAccess
/* What leaktop checks about a process before it reads or traces it, and
   why it may not: each refusal says which rule and what to do. Shared by
   stack dumps and snapshot injection. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* False, with the reason in err, when pid cannot be read at all: gone, a
   thread rather than a process, a zombie, a kernel thread, or (when
   tracing) already traced. Fills command with its sanitized name. */
bool TargetAccess_check(pid_t pid, bool trace, char* command, size_t commandSize, char* err,
                        size_t errSize);

/* Why reading or tracing pid failed with errno error: not permitted (and
   which rule), or gone. */
void TargetAccess_explain(pid_t pid, int error, char* err, size_t errSize);

#endif
