#ifndef HEADER_ProfileStore
#define HEADER_ProfileStore
/* leaktop's private store of recent stack profiles, beside the snapshot
   store: $XDG_STATE_HOME/leaktop/profiles, else
   $HOME/.local/state/leaktop/profiles. `leaktop stack` and the dashboard's
   stack views save each profile's folded stacks here, so that a running
   `leaktop record` can keep them in its recording. A PrivateStore (0700,
   files 0600 written whole and renamed, never through a link) of one file
   per profile, PID-TICKS-N.folded: a few "# key value" header lines, then
   the folded stacks (doc/profile-store.md). */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stacks/ProfileTree.h"
#include "util/PrivateStore.h"

#define PROFILESTORE_SUFFIX ".folded"
/* Profiles kept per worker generation, in all, and for how long: enough
   for a recorder polling every smaps round to have read them, and for an
   operator to look back over an incident. */
#define PROFILESTORE_KEEP      5
#define PROFILESTORE_MAX_FILES 200
#define PROFILESTORE_MAX_AGE   (7 * 86400)
/* The header's bytes at most: longer is not a file of ours. */
#define PROFILESTORE_HEADER_MAX 4096

typedef PrivateStore ProfileStore;

typedef struct ProfileInfo {
   pid_t pid;                     /* in leaktop's namespace */
   unsigned long long startTicks; /* with pid, the worker generation */
   double time;                   /* wall seconds the profile ended */
   long samples;                  /* dumps taken */
   double seconds;                /* sampled for */
   char route[32];                /* "native" or "python-only" */
   char summary[256];             /* one line, for people */
} ProfileInfo;

/* Fills info for a profile of the generation (pid, startTicks): profile's
   samples over seconds, last its last dump (command, CPython version). */
void ProfileStore_describe(ProfileInfo* info, pid_t pid, unsigned long long startTicks,
                           const StackProfile* profile, const StackDump* last, double seconds,
                           bool pythonOnly);

bool ProfileStore_openIn(ProfileStore* this, const char* base, const char* sub, char* err,
                         size_t errSize);
/* The default store, pruned. */
bool ProfileStore_open(ProfileStore* this, char* err, size_t errSize);
void ProfileStore_close(ProfileStore* this);

/* Saves folded (len bytes of "frame;frame count" lines) under info's
   generation, keeping the newest PROFILESTORE_KEEP of it. The file's name
   goes into name (may be NULL). */
bool ProfileStore_save(ProfileStore* this, const ProfileInfo* info, const char* folded, size_t len,
                       char* name, size_t nameSize, char* err, size_t errSize);

/* The tree's folded stacks saved in the default store: what `leaktop
   stack` and the dashboard call when a profile is done. */
bool ProfileStore_saveTree(const ProfileInfo* info, const ProfileTree* tree, char* err,
                           size_t errSize);

/* A single dump saved as a profile of one sample, as `leaktop stack PID`
   and the dashboard's stack view take it. */
bool ProfileStore_saveDump(pid_t pid, unsigned long long startTicks, const StackDump* dump,
                           bool pythonOnly, char* err, size_t errSize);

/* Reads the file name: its header into info and, when the folded stacks
   take at most max bytes, them into *folded (allocated, NUL-terminated;
   else NULL). *foldedSize is their size either way. False with a message
   when the file cannot be read or its header is not a profile's. */
bool ProfileStore_load(const ProfileStore* this, const char* name, size_t max, ProfileInfo* info,
                       char** folded, size_t* foldedSize, char* err, size_t errSize);

/* Removes profiles older than PROFILESTORE_MAX_AGE or from before bootTime,
   and the oldest beyond PROFILESTORE_MAX_FILES. Returns how many. */
int ProfileStore_prune(ProfileStore* this, double now, double bootTime);

#endif
