#ifndef HEADER_CodeProbe
#define HEADER_CodeProbe
/* What tells that a process runs new code, read from outside
   (model/DeployWatch.h decides what it means): the identity of its exec
   image, and the state of a bounded set of the code files it was loaded
   from. Never reads the target's memory. Candidates and the exec identity
   are pure; CodeProbe_read does the /proc reads and stat() calls. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* At most this many files are stat()ed per probe: the cost stays bounded
   whatever the application's size. */
#define CODE_PROBE_FILES_MAX 64
/* ...and at most this many entries of its working directory are read. */
#define CODE_PROBE_ENTRIES_MAX 1024
#define CODE_PROBE_NAME_SIZE   64

typedef struct CodeFacts {
   /* Fields 28 and 48-51 of /proc/PID/stat (start of the stack, of the
      arguments and of the environment): an execve() places them anew (at
      random addresses under ASLR), fork() keeps them. The kernel shows 0
      without ptrace read access: then unknown. */
   bool execKnown;
   uint64_t execId;
   uint64_t exeId; /* device and inode of /proc/PID/exe, 0 unknown */

   bool filesKnown;      /* the file scan was made (asked for and the command line read) */
   int fileCount;        /* code files found */
   uint64_t fingerprint; /* over their paths, inodes, sizes and modification times */
   double newestChange;  /* the newest ctime among them, seconds since the epoch */
   char newestFile[CODE_PROBE_NAME_SIZE]; /* the base name of that file */
} CodeFacts;

/* The exec identity from the text of /proc/PID/stat; false when the
   fields are missing or hidden (all 0). */
bool CodeProbe_parseExecId(const char* statText, uint64_t* execId);

/* The files a Python program was probably loaded from, from its command
   line (args: NUL-separated, argsSize bytes) and working directory (NULL
   unknown): arguments naming files (the interpreter, scripts), and the
   module of an application spec (gunicorn's "pkg.mod:app", "-m pkg.mod")
   as MOD.py or MOD/__init__.py under cwd. Writes up to max paths of size
   pathSize each into paths; returns how many. Pure. */
int CodeProbe_candidates(const char* args, size_t argsSize, const char* cwd, char* paths,
                         size_t pathSize, int max);

/* Reads pid's exec identity, and with files its code files: the
   candidates above, then the *.py files directly in its working
   directory, CODE_PROBE_FILES_MAX in all. False when pid is gone. */
bool CodeProbe_read(pid_t pid, bool files, CodeFacts* out);

#endif
