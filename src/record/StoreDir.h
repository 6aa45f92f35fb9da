#ifndef HEADER_StoreDir
#define HEADER_StoreDir
/* A recording's directory (doc/recording-format.md, "Directory"): opening
   it safely (0700, ours, never through a link), telling a recording from
   an empty or foreign directory, listing its segments by tier and
   sequence, and the writer's lock, whose refusal names the PID that holds
   it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record/RecordFormat.h"

#define STORE_LOCK_NAME "leaktop.lock"
/* Where a system recorder keeps its recordings (the unit's StateDirectory). */
#define STORE_DIR_SYSTEM "/var/lib/leaktop"

typedef struct StoreListing {
   bool lock;
   bool journal[RECORD_TIERS];
   uint64_t* seqs[RECORD_TIERS]; /* ascending */
   int count[RECORD_TIERS];
   int others; /* entries that are none of ours */
} StoreListing;

/* The directory `leaktop record`, `replay` and `dump` use when given none:
   /var/lib/leaktop as root (the boot-time recorder's, a system service's
   state), else $XDG_STATE_HOME/leaktop/recordings (~/.local/state/... when
   it is unset or relative, as the XDG spec says). False with a message when
   neither XDG_STATE_HOME nor HOME is an absolute path. Creates nothing. */
bool StoreDir_default(char* out, size_t size, char* err, size_t errSize);

/* Opens path as an O_DIRECTORY descriptor. With create, missing
   directories are made 0700 and the last must be ours and closed to
   others (a writer's check); without, it only has to be a directory.
   Returns -1 with a message. */
int StoreDir_open(const char* path, bool create, char* err, size_t errSize);

bool StoreDir_list(int dirFd, StoreListing* out, char* err, size_t errSize);
void StoreListing_done(StoreListing* this);

static inline bool StoreListing_empty(const StoreListing* this) {
   return !this->lock && this->others == 0 && !this->journal[0] && !this->journal[1] &&
          this->count[0] == 0 && this->count[1] == 0;
}

/* Holds any file of ours. */
bool StoreListing_isRecording(const StoreListing* this);

/* The writer's lock: a descriptor holding flock(LOCK_EX) with our PID in
   the file, or -1 and "PATH is being recorded by PID N". */
int StoreDir_lock(int dirFd, const char* path, char* err, size_t errSize);

/* The PID of the writer holding the directory's lock, or 0 when none does. */
pid_t StoreDir_writer(int dirFd);

#endif
