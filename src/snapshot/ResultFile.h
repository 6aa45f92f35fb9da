#ifndef HEADER_ResultFile
#define HEADER_ResultFile
/* Reading the result file a collector wrote inside the target, as the
   snapshot protocol says (doc/snapshot-protocol.md):
   ROOT/tmp/leaktop-U/snapshot-NSPID-SEQ.json, where
   ROOT is the target's root (/proc/HOSTPID/root: its mount namespace) and U
   the target's euid. The directory and the file belong to the target's
   user, so both are checked before anything is read: no link is followed
   below ROOT, no FIFO or device is ever opened for reading, and the size is
   bounded. A refused file is removed. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "snapshot/Snapshot.h"

/* What leaktop accepts: the result bound plus slack (Snapshot.h). */
#define RESULTFILE_MAX_BYTES SNAPSHOT_TEXT_MAX

typedef enum {
   RESULTFILE_ABSENT,      /* not written yet (nor its directory) */
   RESULTFILE_READ,        /* text holds the result; the file is removed */
   RESULTFILE_SYMLINK,     /* refused: the name is a symbolic link */
   RESULTFILE_NOT_REGULAR, /* refused: a FIFO, a device, a directory, hard-linked */
   RESULTFILE_WRONG_OWNER, /* refused: not owned by the target's user */
   RESULTFILE_TOO_LARGE,   /* refused: larger than the limit */
   RESULTFILE_DIR_UNSAFE,  /* refused: tmp or leaktop-U is a link, not ours, or open to others */
   RESULTFILE_ERROR,       /* could not look (permission, I/O); message says which */
} ResultFileStatus;

typedef struct {
   ResultFileStatus status;
   char* text; /* RESULTFILE_READ: the file's bytes, NUL-terminated; else NULL */
   size_t length;
   char message[256]; /* why, for every status but READ and ABSENT */
} ResultFileResult;

/* Reads and removes the result seq of nsPid under root (a directory path
   standing for the target's "/"), owned by owner, at most limit bytes. */
ResultFileStatus ResultFile_readIn(const char* root, uid_t owner, pid_t nsPid, long seq,
                                   size_t limit, ResultFileResult* out);

/* The same in the target's own mount namespace: root /proc/HOSTPID/root,
   limit RESULTFILE_MAX_BYTES. */
ResultFileStatus ResultFile_read(pid_t hostPid, uid_t owner, pid_t nsPid, long seq,
                                 ResultFileResult* out);

void ResultFile_done(ResultFileResult* r);

/* Is this a refusal (the file was there but not acceptable)? */
bool ResultFile_refused(ResultFileStatus status);

/* A result no one has read for this long was abandoned by its requester. */
#define RESULTFILE_STALE_AGE (10 * 60)

/* Removes every result and temporary file of nsPid under root (left by an
   earlier, interrupted request), and those of other processes older than
   RESULTFILE_STALE_AGE, when the directory is safe. Returns how many were
   removed, or -1 when the directory is unsafe or unreadable. */
int ResultFile_removeStaleIn(const char* root, uid_t owner, pid_t nsPid);
int ResultFile_removeStale(pid_t hostPid, uid_t owner, pid_t nsPid);

#endif
