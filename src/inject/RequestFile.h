#ifndef HEADER_RequestFile
#define HEADER_RequestFile
/* The script file a CPython 3.14 worker runs for a request (PEP 768 takes
   a path, not code): written into leaktop's own directory under the
   target's /tmp, reached through /proc/PID/root so a worker in a container
   finds it in its own file system. The directory belongs to leaktop's
   user, mode 0711 (the worker may open a file it knows the name of, not
   list or change anything); the file is 0644 and created fresh, never
   through a link. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes text as req-NSPID-SEQ.py; targetPath receives the path as the
   worker sees it. False with err set (an unsafe directory is explained). */
bool RequestFile_write(pid_t pid, pid_t nspid, unsigned seq, const char* text, size_t len,
                       char* targetPath, size_t targetPathSize, char* err, size_t errSize);

/* Removes the file written for (pid, nspid, seq), if any. */
void RequestFile_remove(pid_t pid, pid_t nspid, unsigned seq);

#endif
