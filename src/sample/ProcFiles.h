#ifndef HEADER_ProcFiles
#define HEADER_ProcFiles
/* The few /proc reads libproc2 does not offer: children lists, context
   switches, exit codes of zombies, Python detection, and why smaps_rollup
   cannot be read. Each read is bounded and never follows a final symlink. */

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/ProcParse.h"

/* A directory of /proc/PID (task, fd), opened without following a link;
   NULL when it cannot be read. */
DIR* ProcFiles_openDir(pid_t pid, const char* name);
/* Reads /proc/PID/NAME (NAME may be "task/TID/stat") into buf, NUL-ended,
   without following a link at the end; bytes read, or -1 with errno. */
ssize_t ProcFiles_read(pid_t pid, const char* name, char* buf, size_t size);

/* Calls visit with each line (NUL-ended, no newline) of /proc/PID/NAME, at
   most maxLines of them, reading in bounded chunks: a busy host's socket
   tables run to megabytes. False when the file cannot be opened. */
bool ProcFiles_eachLine(pid_t pid, const char* name, int maxLines,
                        void (*visit)(const char* line, void* context), void* context);

/* How many fds pid has open: the size Linux 6.2+ gives /proc/PID/fd (one
   stat, no directory walk), else its entries counted. -1 with errno when
   the directory cannot be read. */
int ProcFiles_fdCount(pid_t pid);

/* pid's RLIMIT_NOFILE soft limit, from /proc/PID/limits (*unlimited when
   there is none); false when unreadable. */
bool ProcFiles_openFilesLimit(pid_t pid, uint64_t* soft, bool* unlimited);

/* Appends the children of every thread of pid; returns the new count. */
int ProcFiles_children(pid_t pid, pid_t** list, int count, int* capacity);

/* One tick's figures of pid: /proc/PID/stat and status, one read each.
   False when the process is gone. */
bool ProcFiles_sample(pid_t pid, ProcStat* stat, ProcStatus* status);

/* How a zombie ended ("exit 0", "killed by SIGKILL"); false when unknown. */
bool ProcFiles_exitDescription(pid_t pid, char* out, size_t outSize);

/* The command line as printable text, bounded, and the name a person knows
   the process by; falls back to comm when the command line is empty
   (kernel threads, zombies). False when neither is readable. */
bool ProcFiles_command(pid_t pid, char* text, size_t textSize, char* name, size_t nameSize);

/* Does pid run a Python interpreter (its executable, or a mapped python
   binary or libpython: covers embedders like uwsgi and loader-run builds)? */
bool ProcFiles_isPython(pid_t pid);

/* 0 when /proc/PID/smaps_rollup opens, else the errno that prevents it. */
int ProcFiles_smapsAccess(pid_t pid);

/* Why smaps_rollup could not be read, and what to do, for an errno from
   ProcFiles_smapsAccess(). */
const char* ProcFiles_explainSmapsError(int err);

/* Boot time in seconds since the epoch, from /proc/stat. */
double ProcFiles_bootTime(void);

#endif
