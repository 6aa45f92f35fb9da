#ifndef HEADER_RecordingFinder
#define HEADER_RecordingFinder
/* Where this host's recordings are, for a live leaktop that wants the
   history of what it shows: the directories of the `leaktop record`
   processes running now (their --dir, or the default of a root recorder),
   then this user's default recording directory. Reads /proc only. */

#include <stddef.h>

#define RECORDING_FINDER_MAX 8

typedef struct RecordingPlaces {
   char dirs[RECORDING_FINDER_MAX][4096];
   int count;
} RecordingPlaces;

void RecordingFinder_find(RecordingPlaces* out);

#endif
